"""R24: one stable code per kind of mistake, a French message, and the field concerned, over
HTTP through the app's lifespan; the same mistake gets the same answer written in the document
or sent as a variable (docs/api.md, "Errors")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.valeurs import Role
from tests.api_outils import http, jeton, poster  # noqa: F401

VALIDATION = "GRAPHQL_VALIDATION_FAILED"
SAISIE = "BAD_USER_INPUT"
CREER = "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }"
IDENTITE = {"nom": "Dupont", "prenoms": "Léa", "dateNaissance": "2004-01-01"}
ANGLAIS = re.compile(
    r"\b(cannot|unknown|expected|found|required|must|does not|exist|represent|provided|"
    r"defined|never used|syntax|did you mean|invalid|error|value|field|only one|selection|"
    r"not allowed|operation named)\b",
    re.IGNORECASE,
)
FRANCAIS = re.compile(
    r"[éèêàç]|\b(n'|l'|le|la|les|une?|est|des|du|de|pas|trop|introuvable)\b", re.IGNORECASE
)

CAS: list[Any] = [
    # the document asks for what the schema does not have, or is not GraphQL
    ("syntaxe", "{ moi { sub }", None, VALIDATION, None),
    ("champ-inconnu", "{ moi { motDePasse } }", None, VALIDATION, "motDePasse"),
    ("argument-inconnu", "{ moi(x: 1) { sub } }", None, VALIDATION, "x"),
    ("argument-obligatoire-absent", "{ dossier { id } }", None, VALIDATION, "id"),
    ("sous-champs-absents", "{ moi }", None, VALIDATION, "moi"),
    ("type-de-variable-inconnu", "query($f: Truc) { ppaes(first: $f) { totalCount } }",
     {"f": 1}, VALIDATION, "first"),
    ("variable-non-declaree", "query { ppaes(first: $f) { totalCount } }", {}, VALIDATION,
     "first"),
    ("variable-mal-placee", "query($f: String) { ppaes(first: $f) { totalCount } }",
     {"f": "1"}, VALIDATION, "first"),
    ("variable-inutilisee", "query($n: Int) { moi { sub } }", {"n": 1}, VALIDATION, "n"),
    # a value is wrong, missing or of the wrong type: the same written or sent
    ("enum-ecrit", "{ ppaes(statut: PAS_UN_STATUT) { totalCount } }", None, SAISIE, "statut"),
    ("enum-en-variable", "query($s: StatutPpae) { ppaes(statut: $s) { totalCount } }",
     {"s": "PAS_UN_STATUT"}, SAISIE, "statut"),
    ("enum-ecrit-entre-guillemets", '{ ppaes(statut: "EN_COURS") { totalCount } }', None, SAISIE,
     "statut"),
    ("entier-ecrit", '{ ppaes(first: "a") { totalCount } }', None, SAISIE, "first"),
    ("liste-ecrite-pour-un-entier", "{ ppaes(first: [1]) { totalCount } }", None, SAISIE, "first"),
    ("liste-ecrite-pour-un-enum", "{ ppaes(statut: [EN_COURS]) { totalCount } }", None, SAISIE,
     "statut"),
    ("entier-en-variable", "query($f: Int) { ppaes(first: $f) { totalCount } }", {"f": "a"},
     SAISIE, "first"),
    ("entier-hors-32-bits", "{ ppaes(first: 99999999999) { totalCount } }", None, SAISIE,
     "first"),
    ("champ-obligatoire-ecrit", 'mutation { creerDossier(input: {nom: "a"}) { erreurs { code } } }',
     None, SAISIE, "prenoms"),
    ("champ-obligatoire-en-variable", CREER, {"i": {"nom": "a", "dateNaissance": "2004-01-01"}},
     SAISIE, "prenoms"),
    ("champ-inconnu-ecrit",
     'mutation { creerDossier(input: {nom: "a", prenoms: "b", dateNaissance: "2004-01-01", '
     "zz: 1}) { erreurs { code } } }", None, SAISIE, "zz"),
    ("champ-inconnu-en-variable", CREER, {"i": {**IDENTITE, "zz": 1}}, SAISIE, "zz"),
    ("null-ecrit", "{ dossier(id: null) { id } }", None, SAISIE, "id"),
    ("variable-obligatoire-absente", "query($id: ID!) { dossier(id: $id) { id } }", {}, SAISIE,
     "id"),
    ("variable-obligatoire-nulle", "query($id: ID!) { dossier(id: $id) { id } }", {"id": None},
     SAISIE, "id"),
    ("objet-attendu-en-variable", CREER, {"i": "texte"}, SAISIE, "input"),
    # limits
    ("profondeur", "{ ppae(id: \"x\") { " + "dossier { ppae { " * 5 + "id" + " } }" * 5 + " } }",
     None, VALIDATION, None),
    ("alias", "{ " + " ".join(f"a{i}: moi {{ sub }}" for i in range(16)) + " }", None,
     VALIDATION, None),
    ("jetons", "{ " + "moi { sub } " * 600 + "}", None, VALIDATION, None),
    ("champs-developpes", "query { ...F11 } fragment F0 on Query { moi { sub } } " + " ".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 12)),
     None, VALIDATION, None),
]  # fmt: skip


def _erreur(reponse: Any) -> dict[str, Any]:
    assert reponse.status_code < 500, reponse.text
    erreurs = reponse.json()["errors"]
    assert erreurs, reponse.text
    erreur: dict[str, Any] = erreurs[0]
    return erreur


def _francais(message: str) -> None:
    assert not ANGLAIS.search(message), message
    assert FRANCAIS.search(message), message


@pytest.mark.parametrize(
    ("document", "variables", "code", "champ"),
    [pytest.param(*c[1:], id=c[0]) for c in CAS],
)
def test_chaque_genre_d_erreur_a_son_code_son_champ_et_un_message_francais(
    http: TestClient,  # noqa: F811
    document: str,
    variables: dict[str, Any] | None,
    code: str,
    champ: str | None,
) -> None:
    """R24: extensions.code of the kind, champ naming the field or argument, French words."""
    erreur = _erreur(poster(http, document, variables))
    assert erreur["extensions"]["code"] == code, erreur
    assert erreur["extensions"].get("champ") == champ, erreur
    _francais(erreur["message"])


@pytest.mark.parametrize(
    ("ecrit", "document", "variables"),
    [
        pytest.param(
            "{ ppaes(statut: FAUX) { totalCount } }",
            "query($s: StatutPpae) { ppaes(statut: $s) { totalCount } }",
            {"s": "FAUX"},
            id="enum",
        ),
        pytest.param(
            'mutation { creerDossier(input: {nom: "a", dateNaissance: "2004-01-01"}) '
            "{ erreurs { code } } }",
            CREER,
            {"i": {"nom": "a", "dateNaissance": "2004-01-01"}},
            id="champ-obligatoire",
        ),
    ],
)
def test_la_meme_valeur_fautive_ecrite_ou_en_variable_recoit_la_meme_reponse(
    http: TestClient,  # noqa: F811
    ecrit: str,
    document: str,
    variables: dict[str, Any],
) -> None:
    """R24: a front-end handles one code and one message whichever way it sends the value."""
    en_ligne = _erreur(poster(http, ecrit))
    en_variable = _erreur(poster(http, document, variables))
    assert en_ligne["extensions"] == en_variable["extensions"]
    assert en_ligne["message"] == en_variable["message"]


def test_sans_jeton_la_requete_est_unauthenticated_en_francais(http: TestClient) -> None:  # noqa: F811
    """R23"""
    reponse = http.post("/graphql", json={"query": "{ moi { sub } }"})
    assert reponse.status_code == 401
    erreur = _erreur(reponse)
    assert erreur["extensions"]["code"] == "UNAUTHENTICATED"
    _francais(erreur["message"])


@pytest.mark.parametrize(
    ("document", "role", "champ"),
    [
        pytest.param("{ fluxDude { totalCount } }", Role.INTEGRATEUR, "fluxDude", id="lecture"),
        pytest.param(
            'query { dossier(id: "x") { id } ppaes { totalCount } }',
            Role.INTEGRATEUR,
            "dossier",
            id="lecture-dossier",
        ),
        pytest.param(
            "mutation { actualiserRapprochements { reexaminees erreurs { code } } }",
            Role.CONSEILLER,
            "actualiserRapprochements",
            id="mutation-sans-entree",
        ),
        pytest.param(
            'mutation { renvoyerFlux(input: {fluxId: "x"}) { erreurs { code } } }',
            Role.AUDITEUR,
            "renvoyerFlux",
            id="renvoyer-flux",
        ),
    ],
)
def test_un_role_refuse_est_forbidden_en_lecture_comme_en_mutation(
    http: TestClient,  # noqa: F811
    document: str,
    role: Role,
    champ: str,
) -> None:
    """R23, R24: one code for a role refusal, wherever it happens, naming the field refused."""
    erreur = _erreur(poster(http, document, role=role))
    assert erreur["extensions"]["code"] == "FORBIDDEN", erreur
    assert erreur["extensions"]["champ"] == champ
    _francais(erreur["message"])


def test_une_mutation_refusee_au_role_est_forbidden_et_n_enregistre_rien(
    http: TestClient,  # noqa: F811
) -> None:
    """R23: an auditor cannot create a dossier; the refusal is FORBIDDEN (no payload)."""
    reponse = poster(http, CREER, {"i": IDENTITE}, role=Role.AUDITEUR)
    erreur = _erreur(reponse)
    assert erreur["extensions"] == {"code": "FORBIDDEN", "champ": "creerDossier"}
    assert reponse.json()["data"] is None
    trouve = poster(http, '{ rechercherDossiers(texte: "Dupont") { totalCount } }')
    assert trouve.json()["data"]["rechercherDossiers"]["totalCount"] == 0


def test_un_objet_introuvable_est_null_en_lecture_et_non_trouve_en_mutation(
    http: TestClient,  # noqa: F811
) -> None:
    """Contract: null on a read, NON_TROUVE naming the input field in a mutation's erreurs."""
    lu = poster(http, '{ dossier(id: "RG9zc2llcjp4") { id } }').json()
    assert lu == {"data": {"dossier": None}}
    document = """mutation($i: JustifierDossierInput!) { justifierDossier(input: $i) {
      erreurs { code message champ } } }"""
    sortie = poster(http, document, {"i": {"dossierId": "RG9zc2llcjp4", "piece": "CNI"}}).json()
    (erreur,) = sortie["data"]["justifierDossier"]["erreurs"]
    assert (erreur["code"], erreur["champ"]) == ("NON_TROUVE", "dossierId")
    _francais(erreur["message"])


def test_une_suggestion_de_graphql_n_est_dite_qu_une_fois(http: TestClient) -> None:  # noqa: F811
    """R24: a field of an object type without sub-fields: the French message says how, once."""
    erreur = _erreur(poster(http, "{ moi }"))
    assert erreur["message"] == "Le champ moi (Utilisateur!) demande des sous-champs : moi { ... }."


@pytest.mark.parametrize(
    ("corps", "statut"),
    [
        pytest.param({"query": "query A { moi { sub } }", "operationName": "B"}, 400, id="nom"),
        pytest.param([{"query": "{ moi { sub } }"}] * 6, 400, id="lot"),
    ],
)
def test_les_refus_du_serveur_graphql_sont_en_francais(
    http: TestClient,  # noqa: F811
    corps: Any,
    statut: int,
) -> None:
    """R24: the server's own refusals (unknown operation name, too many operations)."""
    entetes = {"Authorization": f"Bearer {jeton()}"}
    reponse = http.post("/graphql", json=corps, headers=entetes)
    assert reponse.status_code == statut
    erreur = _erreur(reponse)
    assert erreur["extensions"]["code"] == SAISIE
    _francais(erreur["message"])


@pytest.mark.parametrize(
    ("document", "variables", "code", "champ"),
    [
        pytest.param("{ moi { motDePasse } }", None, VALIDATION, "motDePasse", id="champ-inconnu"),
        pytest.param(
            "query($s: StatutPpae) { ppaes(statut: $s) { totalCount } }",
            {"s": "FAUX"},
            SAISIE,
            "statut",
            id="enum-en-variable",
        ),
        pytest.param("{ fluxDude { totalCount } }", None, "FORBIDDEN", "fluxDude", id="role"),
    ],
)
def test_par_websocket_les_erreurs_ont_les_memes_codes_et_messages(
    http: TestClient,  # noqa: F811
    document: str,
    variables: dict[str, Any] | None,
    code: str,
    champ: str,
) -> None:
    """R24: a query over graphql-transport-ws gets the answer it gets over HTTP."""
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        charge = {"Authorization": f"Bearer {jeton(Role.INTEGRATEUR)}"}
        ws.send_json({"type": "connection_init", "payload": charge})
        assert ws.receive_json()["type"] == "connection_ack"
        demande = {"query": document, "variables": variables or {}}
        ws.send_json({"type": "subscribe", "id": "1", "payload": demande})
        reponse = ws.receive_json()
    erreurs = reponse["payload"] if reponse["type"] == "error" else reponse["payload"]["errors"]
    par_http = _erreur(poster(http, document, variables, role=Role.INTEGRATEUR))
    assert erreurs[0]["extensions"]["code"] == code, erreurs
    assert erreurs[0]["extensions"].get("champ") == champ
    assert erreurs[0]["message"] == par_http["message"]


def test_par_websocket_une_panne_imprevue_est_masquee(
    http: TestClient,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R24: INTERNAL_SERVER_ERROR with a request id, never the exception's text."""
    from projections import dossiers as vue_dossiers

    def panne(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(vue_dossiers, "rechercher", panne)
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {jeton()}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        demande = {"query": "{ rechercherDossiers { totalCount } }"}
        ws.send_json({"type": "subscribe", "id": "1", "payload": demande})
        reponse = ws.receive_json()
    (erreur,) = reponse["payload"]["errors"]
    assert erreur["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert erreur["extensions"]["requestId"]
    assert "secret detail" not in str(reponse)
