"""R24: limits and bad input give clean errors with a stable code, never a 500; an unexpected
failure is masked (a request id, no detail); query text and variables never reach the logs."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from api.app import TAILLE_CORPS_MAX
from api.ids import encoder_curseur, encoder_id
from api.limites import ALIAS_MAX, PROFONDEUR_MAX
from api.schema import JETONS_MAX, OPERATIONS_PAR_LOT_MAX
from application.service import Cotraitance
from domain.valeurs import Role
from projections import dossiers as vue_dossiers
from tests.api_outils import Api, api, http, jeton, poster  # noqa: F401
from tests.scenario import DATE_ENTREE, GESTIONNAIRE, dossier_manuel, entretien

ENTETES = {"Authorization": f"Bearer {jeton()}"}


def _codes(corps: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in corps.get("errors", [])]


def _propre(reponse: Response) -> dict[str, Any]:
    """Never a 5xx, never a stack trace; the JSON body."""
    assert reponse.status_code < 500, reponse.text
    assert "Traceback" not in reponse.text
    assert 'File "' not in reponse.text
    corps: dict[str, Any] = reponse.json()
    return corps


def _imbrique(profondeur: int) -> str:
    """A query `profondeur` levels deep: ppae → dossier → ppae → dossier…"""
    corps = "id"
    for champ in reversed((["dossier", "ppae"] * profondeur)[: profondeur - 1]):
        corps = f"{champ} {{ {corps} }}"
    return f'{{ ppae(id: "x") {{ {corps} }} }}'


# ------------------------------------------------------------------ document limits


@pytest.mark.parametrize(
    ("document", "accepte"),
    [
        pytest.param(_imbrique(PROFONDEUR_MAX), True, id="profondeur-max"),
        pytest.param(_imbrique(PROFONDEUR_MAX + 1), False, id="profondeur-max-plus-1"),
        pytest.param(_imbrique(50), False, id="profondeur-50"),
        pytest.param(
            "{ " + " ".join(f"a{i}: moi {{ sub }}" for i in range(ALIAS_MAX)) + " }",
            True,
            id="alias-max",
        ),
        pytest.param(
            "{ " + " ".join(f"a{i}: moi {{ sub }}" for i in range(ALIAS_MAX + 1)) + " }",
            False,
            id="alias-max-plus-1",
        ),
        pytest.param("{ " + "moi { sub } " * (JETONS_MAX // 4 + 1) + "}", False, id="jetons"),
        pytest.param("{ moi { sub }", False, id="erreur-de-syntaxe"),
        pytest.param("{ moi { motDePasse } }", False, id="champ-inconnu"),
        pytest.param("{ dossier { id } }", False, id="argument-manquant"),
        pytest.param("query A { moi { sub } } query A { moi { sub } }", False, id="ops-homonymes"),
    ],
)
def test_un_document_hors_limites_est_refuse_a_la_validation(
    http: TestClient,  # noqa: F811
    document: str,
    accepte: bool,
) -> None:
    """R24: GRAPHQL_VALIDATION_FAILED, nothing executed; at the limit, the query runs."""
    corps = _propre(poster(http, document))
    if accepte:
        assert "errors" not in corps, corps
    else:
        assert corps.get("data") is None
        assert set(_codes(corps)) == {"GRAPHQL_VALIDATION_FAILED"}, corps


def test_un_corps_trop_volumineux_donne_413_bad_user_input(http: TestClient) -> None:  # noqa: F811
    """R24: read no further than the limit, say so with a code."""
    document = "{ moi { sub } }" + " " * TAILLE_CORPS_MAX
    reponse = http.post("/graphql", json={"query": document}, headers=ENTETES)
    assert reponse.status_code == 413
    assert _codes(_propre(reponse)) == ["BAD_USER_INPUT"]


def test_un_corps_trop_volumineux_envoye_par_morceaux_donne_413(http: TestClient) -> None:  # noqa: F811
    """R24: the limit holds without a Content-Length too."""
    morceaux = (b" " * 8192 for _ in range(TAILLE_CORPS_MAX // 8192 + 2))
    entetes = {**ENTETES, "Content-Type": "application/json"}
    reponse = http.post("/graphql", content=morceaux, headers=entetes)
    assert reponse.status_code == 413


@pytest.mark.parametrize(
    ("corps", "type_contenu"),
    [
        pytest.param(b"{pas du json", "application/json", id="json-invalide"),
        pytest.param(b"{}", "application/json", id="sans-query"),
        pytest.param(b'{"query": 42}', "application/json", id="query-non-texte"),
        pytest.param(
            b'{"query": "{ moi { sub } }", "variables": 3}', "application/json", id="vars"
        ),
        pytest.param(b"query=%7Bmoi%7Bsub%7D%7D", "text/plain", id="type-de-contenu"),
    ],
)
def test_un_corps_malforme_donne_une_erreur_4xx(
    http: TestClient,  # noqa: F811
    corps: bytes,
    type_contenu: str,
) -> None:
    """R24"""
    reponse = http.post(
        "/graphql", content=corps, headers={**ENTETES, "Content-Type": type_contenu}
    )
    assert 400 <= reponse.status_code < 500, reponse.text
    assert "Traceback" not in reponse.text


def test_un_lot_de_trop_d_operations_donne_une_erreur_4xx(http: TestClient) -> None:  # noqa: F811
    """R24: at most OPERATIONS_PAR_LOT_MAX operations per request."""
    operation = {"query": "{ moi { sub } }"}
    au_max = http.post("/graphql", json=[operation] * OPERATIONS_PAR_LOT_MAX, headers=ENTETES)
    assert au_max.status_code == 200
    assert len(au_max.json()) == OPERATIONS_PAR_LOT_MAX
    trop = http.post("/graphql", json=[operation] * (OPERATIONS_PAR_LOT_MAX + 1), headers=ENTETES)
    assert 400 <= trop.status_code < 500
    assert "Traceback" not in trop.text


def test_une_requete_par_get_est_refusee_sans_500(http: TestClient) -> None:  # noqa: F811
    """R24: queries via GET are off (no state change through a link, no query in URL logs)."""
    reponse = http.get("/graphql", params={"query": "{ moi { sub } }"}, headers=ENTETES)
    assert 400 <= reponse.status_code < 500
    assert "Traceback" not in reponse.text
    assert '"sub"' not in reponse.text


@pytest.mark.parametrize(
    "fourni", ['a" b', "x" * 65, "é", "{}"], ids=["guillemet", "trop-long", "accent", "json"]
)
def test_un_identifiant_de_requete_hors_format_est_remplace(
    http: TestClient,  # noqa: F811
    fourni: str,
) -> None:
    """R24: what a client sends never reaches logs and headers verbatim."""
    reponse = http.post(
        "/graphql",
        json={"query": "{ moi { sub } }"},
        headers={**ENTETES, "X-Request-Id": fourni.encode()},  # type: ignore[dict-item]
    )
    assert reponse.status_code == 200
    assert reponse.headers["x-request-id"] != fourni
    assert len(reponse.headers["x-request-id"]) == 32


# ------------------------------------------------------------------ page arguments


@pytest.fixture
def dossier_gid(app: Cotraitance) -> str:
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    entretien(app, GESTIONNAIRE, dossier_id, DATE_ENTREE)
    return encoder_id("Dossier", dossier_id)


def _b64(texte: str) -> str:
    return base64.urlsafe_b64encode(texte.encode()).decode().rstrip("=")


DANS_UN_DOSSIER = "query($id: ID!) { r: dossier(id: $id) { CHAMP(ARGS) { edges { cursor } } } }"
CONNEXIONS = {
    "rechercherDossiers": "{ r: rechercherDossiers(ARGS) { totalCount } }",
    "ppaes": "{ r: ppaes(ARGS) { totalCount } }",
    "affectations": "{ r: affectations(ARGS) { totalCount } }",
    "evenements": DANS_UN_DOSSIER.replace("CHAMP", "evenements"),
    "historique": DANS_UN_DOSSIER.replace("CHAMP", "historique"),
}
ARGUMENTS_INVALIDES = {
    "first-0": "first: 0",
    "first-101": "first: 101",
    "first-negatif": "first: -1",
    "after-vide": 'after: ""',
    "after-illisible": 'after: "%%%"',
    "after-base64-non-json": f'after: "{_b64("abc")}"',
    "after-objet": f'after: "{_b64("{}")}"',
    "after-trop-long": f'after: "{encoder_curseur("a", "b", "c")}"',
    "after-imbrique": f'after: "{_b64("[[1],[2]]")}"',
}
# Well-formed cursors holding values of the wrong kind for the connection's sort key.
ARGUMENTS_ETRANGES = [
    pytest.param("rechercherDossiers", encoder_curseur("zz", "pas-un-uuid"), id="recherche"),
    pytest.param("ppaes", encoder_curseur("pas-une-date", "pas-un-uuid"), id="ppaes"),
    pytest.param("affectations", encoder_curseur("pas-une-date", "x"), id="affectations"),
    pytest.param("evenements", encoder_curseur(1, 2), id="evenements"),
    pytest.param("historique", encoder_curseur("pas-une-position"), id="historique"),
]


def _page(api: Api, connexion: str, arguments: str, dossier_gid: str) -> dict[str, Any]:  # noqa: F811
    document = CONNEXIONS[connexion].replace("ARGS", arguments)
    role = Role.AUDITEUR if connexion == "historique" else Role.GESTIONNAIRE
    variables = {"id": dossier_gid} if "$id" in document else None
    return api.executer(document, variables, role=role)


@pytest.mark.parametrize("arguments", ARGUMENTS_INVALIDES.values(), ids=ARGUMENTS_INVALIDES)
@pytest.mark.parametrize("connexion", CONNEXIONS)
def test_first_hors_bornes_ou_curseur_invalide_donne_bad_user_input(
    api: Api,  # noqa: F811
    dossier_gid: str,
    connexion: str,
    arguments: str,
) -> None:
    """R24, contract: first in 1..100, an opaque cursor of ours, else BAD_USER_INPUT."""
    sortie = _page(api, connexion, arguments, dossier_gid)
    assert _codes(sortie) == ["BAD_USER_INPUT"], sortie
    assert sortie["errors"][0]["extensions"]["champ"] in ("first", "after")


@pytest.mark.parametrize(("connexion", "curseur"), ARGUMENTS_ETRANGES)
def test_un_curseur_bien_forme_aux_valeurs_etrangeres_n_est_jamais_une_erreur_interne(
    api: Api,  # noqa: F811
    dossier_gid: str,
    connexion: str,
    curseur: str,
) -> None:
    """R24: an empty page or BAD_USER_INPUT, never INTERNAL_SERVER_ERROR."""
    sortie = _page(api, connexion, f'after: "{curseur}"', dossier_gid)
    assert set(_codes(sortie)) <= {"BAD_USER_INPUT"}, sortie
    assert _page(api, connexion, "first: 1", dossier_gid).get("errors") is None  # still up


@pytest.mark.parametrize("connexion", CONNEXIONS)
def test_les_bornes_de_first_et_le_curseur_rendu_sont_acceptes(
    api: Api,  # noqa: F811
    dossier_gid: str,
    connexion: str,
) -> None:
    """R24: the control case: 1 and 100 are fine."""
    for arguments in ("first: 1", "first: 100"):
        assert "errors" not in _page(api, connexion, arguments, dossier_gid)


# ------------------------------------------------------------------ masked failures, quiet logs


def _panne(*_: Any, **__: Any) -> Any:
    raise RuntimeError("secret detail")


def test_une_panne_imprevue_est_masquee_avec_un_identifiant_de_requete(
    http: TestClient,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """R24: INTERNAL_SERVER_ERROR with the request id; the detail stays in the server log."""
    monkeypatch.setattr(vue_dossiers, "rechercher", _panne)
    reponse = poster(http, "{ rechercherDossiers { totalCount } }")
    corps = _propre(reponse)
    assert corps["data"] is None
    assert corps["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": reponse.headers["x-request-id"],
    }
    assert "secret detail" not in reponse.text
    assert "RuntimeError" not in reponse.text
    assert reponse.headers["x-request-id"] in caplog.text


def test_une_panne_dans_une_mutation_est_masquee_et_n_enregistre_rien(
    app: Cotraitance,
    http: TestClient,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R24"""
    monkeypatch.setattr(Cotraitance, "creer_dossier", _panne)
    avant = app.recorder.max_notification_id()
    reponse = poster(
        http,
        "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }",
        {"i": {"nom": "Martin", "prenoms": "Lea", "dateNaissance": "2004-03-15"}},
    )
    assert _codes(_propre(reponse)) == ["INTERNAL_SERVER_ERROR"]
    assert "secret detail" not in reponse.text
    assert app.recorder.max_notification_id() == avant


CREER = "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }"
REQUETES_NOMINATIVES = [
    pytest.param(
        CREER,
        {"i": {"nom": "Dupontel", "prenoms": "Albert", "dateNaissance": "pas-une-date"}},
        id="variable-invalide",
    ),
    pytest.param(CREER, {"i": {"nom": "Dupontel"}}, id="variable-incomplete"),
    pytest.param('{ rechercherDossiers(texte: "Dupontel") { inconnu } }', None, id="champ-inconnu"),
    pytest.param(
        "query($t: String) { rechercherDossiers(texte: $t) { totalCount } }",
        {"t": "Dupontel"},
        id="panne",
    ),
]


@pytest.mark.parametrize(("document", "variables"), REQUETES_NOMINATIVES)
def test_le_texte_et_les_variables_d_une_requete_n_atteignent_jamais_les_journaux(
    http: TestClient,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    document: str,
    variables: dict[str, Any] | None,
) -> None:
    """R23, R24: personal data typed in a request is not logged, even when it fails."""
    monkeypatch.setattr(vue_dossiers, "rechercher", _panne)
    caplog.set_level(logging.DEBUG)
    corps = _propre(poster(http, document, variables))
    assert corps["errors"]
    enregistrements = [json.dumps([r.getMessage(), str(r.args)]) for r in caplog.records]
    assert all("Dupontel" not in e for e in enregistrements)
    assert "Dupontel" not in caplog.text


# ------------------------------------------------------------------ hostile documents and bodies


def _bombe(niveaux: int) -> str:
    """Each fragment spreads the previous one twice: 2**niveaux fields once expanded."""
    fragments = ["fragment F0 on Query { moi { sub } }"]
    fragments += [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, niveaux + 1)
    ]
    return f"query B {{ ...F{niveaux} }} " + " ".join(fragments)


@pytest.mark.parametrize("niveaux", [22, 26, 60])
def test_une_bombe_de_fragments_est_refusee_sans_etre_developpee(
    http: TestClient,  # noqa: F811
    niveaux: int,
) -> None:
    """R24: 2**60 fields would never be expanded in a lifetime; the cost is measured once per
    fragment and the document refused before any other validation."""
    corps = _propre(poster(http, _bombe(niveaux)))
    assert _codes(corps) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "coûteuse" in corps["errors"][0]["message"]
    assert http.get("/health").status_code == 200


def test_des_fragments_raisonnables_passent(http: TestClient) -> None:  # noqa: F811
    corps = _propre(poster(http, _bombe(8)))  # 256 fields
    assert "errors" not in corps, corps


@pytest.mark.parametrize(
    "corps",
    [
        pytest.param(b"null", id="null"),
        pytest.param(b"1", id="nombre"),
        pytest.param(b'"x"', id="texte"),
        pytest.param(b"true", id="booleen"),
        pytest.param(b"[1]", id="lot-non-objet"),
        pytest.param(b"[]", id="lot-vide"),
        pytest.param(b'[{"query": "{ moi { sub } }"}, 2]', id="lot-mixte"),
        pytest.param(b'{"query": "{ moi { sub } }", "operationName": 4}', id="nom-non-texte"),
        pytest.param(b'{"query": "\xff\xfe"}', id="pas-utf8"),
        pytest.param(b"[" * 5000 + b"]" * 5000, id="json-imbrique"),
    ],
)
def test_un_corps_qui_n_est_pas_une_requete_graphql_donne_400_sans_trace(
    http: TestClient,  # noqa: F811
    corps: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """R24: the client's fault, BAD_USER_INPUT; nothing logged as a failure of ours."""
    caplog.set_level(logging.INFO)
    reponse = http.post(
        "/graphql", content=corps, headers={**ENTETES, "Content-Type": "application/json"}
    )
    assert reponse.status_code == 400, reponse.text
    assert _codes(_propre(reponse)) == ["BAD_USER_INPUT"]
    assert reponse.json()["errors"][0]["extensions"]["requestId"]
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


CHAINES_INSTOCKABLES = {
    "surrogate": "\ud800",
    "nul": "a\x00b",
    "controle": "a\x07b",
}


@pytest.mark.parametrize("chaine", CHAINES_INSTOCKABLES.values(), ids=CHAINES_INSTOCKABLES)
@pytest.mark.parametrize(
    ("document", "variables"),
    [
        pytest.param(
            "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }",
            {"i": {"nom": "@", "prenoms": "Léa", "dateNaissance": "2004-01-01"}},
            id="nom",
        ),
        pytest.param(
            "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }",
            {"i": {"nom": "Dupont", "prenoms": "Léa", "dateNaissance": "2004-01-01",
                   "cleIdempotence": "@"}},
            id="cle",
        ),
        pytest.param("query($c: ID) { ppaes(conseillerId: $c) { totalCount } }", {"c": "@"},
                     id="filtre"),
        pytest.param("query($t: String) { rechercherDossiers(texte: $t) { totalCount } }",
                     {"t": "@"}, id="recherche"),
        pytest.param("query($a: String) { ppaes(after: $a) { totalCount } }", {"a": "@"},
                     id="curseur"),
    ],
)  # fmt: skip
def test_une_chaine_instockable_est_refusee_a_l_entree_sans_rien_enregistrer(
    app: Cotraitance,
    http: TestClient,  # noqa: F811
    document: str,
    variables: dict[str, Any],
    chaine: str,
) -> None:
    """R24: whatever the field, on SQLite as on PostgreSQL: BAD_USER_INPUT naming it."""
    avant = app.recorder.max_notification_id()
    vraies = json.loads(json.dumps(variables).replace('"@"', json.dumps(chaine)))
    texte = json.dumps({"query": document, "variables": vraies})  # "\ud800" escaped, as sent
    entetes = {**ENTETES, "Content-Type": "application/json"}
    corps = _propre(http.post("/graphql", content=texte, headers=entetes))
    assert _codes(corps) == ["BAD_USER_INPUT"]
    assert corps["errors"][0]["extensions"]["champ"]
    assert app.recorder.max_notification_id() == avant


def test_une_chaine_instockable_ecrite_dans_le_document_est_refusee(
    http: TestClient,  # noqa: F811
) -> None:
    """A NUL written in the document reaches the same check; a lone surrogate is not even valid
    GraphQL (a syntax error)."""
    corps = _propre(poster(http, '{ rechercherDossiers(texte: "a\\u0000b") { totalCount } }'))
    assert _codes(corps) == ["BAD_USER_INPUT"]
    assert corps["errors"][0]["extensions"]["champ"] == "texte"
    corps = _propre(poster(http, '{ rechercherDossiers(texte: "a\\ud800") { totalCount } }'))
    assert _codes(corps) == ["GRAPHQL_VALIDATION_FAILED"]


def test_une_cle_d_idempotence_demesuree_est_refusee(
    app: Cotraitance,
    http: TestClient,  # noqa: F811
) -> None:
    """A 60,000-character key would be stored in event metadata for ever."""
    avant = app.recorder.max_notification_id()
    entree = {"nom": "Dupont", "prenoms": "Léa", "dateNaissance": "2004-01-01",
              "cleIdempotence": "k" * 60_000}  # fmt: skip
    document = "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }"
    reponse = http.post("/graphql", json={"query": document, "variables": {"i": entree}},
                        headers=ENTETES)  # fmt: skip
    assert _codes(_propre(reponse)) == ["BAD_USER_INPUT"]
    assert reponse.json()["errors"][0]["extensions"]["champ"] == "cleIdempotence"
    assert app.recorder.max_notification_id() == avant


# ------------------------------------------------------------------ JSON from outside (item 5)


@pytest.mark.parametrize(
    ("corps", "raison"),
    [
        pytest.param(
            '{"query": "query($n: String) { moi { sub } }", "variables": {"n": '
            + "[" * 900
            + "]" * 900
            + "}}",
            "trop imbriqué",
            id="variables-imbriquees",
        ),
        pytest.param(
            '{"query": "{ moi { sub } }", "extensions": {"x": ' + "[" * 40 + "]" * 40 + "}}",
            "trop imbriqué",
            id="extensions-imbriquees",
        ),
        pytest.param(
            '{"query": "{ moi { sub } }", "variables": {"n": ' + "9" * 5000 + "}}",
            "nombre entier trop long",
            id="entier-demesure",
        ),
    ],
)
def test_un_corps_json_trop_imbrique_ou_a_l_entier_demesure_donne_400_en_francais(
    http: TestClient,  # noqa: F811
    corps: str,
    raison: str,
) -> None:
    """R24, item 5: the body is JSON from outside, read with the same bounds as any other
    (``integrations/json_externe``): a 400 with a code and a French reason, never a 500."""
    reponse = http.post(
        "/graphql", content=corps.encode(), headers={**ENTETES, "Content-Type": "application/json"}
    )
    assert reponse.status_code == 400, reponse.text
    erreur = _propre(reponse)["errors"][0]
    assert erreur["extensions"]["code"] == "BAD_USER_INPUT"
    assert raison in erreur["message"]
    assert "Error" not in erreur["message"]


@pytest.mark.parametrize(
    "contenu",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="imbrique"),
        pytest.param(b"[" + b"9" * 5000 + b"]", id="entier-demesure"),
        pytest.param(b'["\\ud800", "x"]', id="surrogate"),
    ],
)
def test_un_curseur_au_json_hostile_est_une_entree_invalide(contenu: bytes) -> None:
    """Item 5: a cursor is JSON from outside; whatever its text, BAD_USER_INPUT on ``after``,
    never a RecursionError or a ValueError escaping as an internal error."""
    from graphql import GraphQLError

    from api.ids import decoder_curseur

    curseur = base64.urlsafe_b64encode(contenu).decode().rstrip("=")
    with pytest.raises(GraphQLError) as refus:
        decoder_curseur(curseur, 2)
    assert refus.value.extensions == {"code": "BAD_USER_INPUT", "champ": "after"}
