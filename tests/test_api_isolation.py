"""R23: another Mission Locale's objects are indistinguishable from missing ones, through every
query and every mutation of the API: null, empty lists, NON_TROUVE, and nothing recorded."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.valeurs import Role
from tests.api_monde import (  # noqa: F401
    AUTRE,
    CAS_MUTATIONS,
    ETRANGERS,
    SANS_ENTREE,
    SCHEMA,
    Monde,
    document_mutation,
    etrangers,
    id_cas,
    monde,
    remplacer,
)
from tests.api_outils import Api, api, http, poster  # noqa: F401
from tests.scenario import rien_n_est_enregistre

# ------------------------------------------------------------------ queries

DOSSIER = "id identite { nom } ppae { id } evenements { edges { node { id } } }"
PPAE_SEL = "id statut dossier { id identite { nom } } rendezVous { id }"
AFFECTATION = "id statut identite { nom } dossier { id } ppae { id }"
ETATS_AFFECTATION = ("a_decider", "acceptee", "rapprochee")

PAGE = "totalCount edges { node { id } }"


def _par_id(champ: str, selection: str, cle: str, nom: str) -> Any:
    document = f"query($id: ID!) {{ r: {champ}(id: $id) {{ {selection} }} }}"
    return pytest.param(document, f"@{cle}", id=nom)


REQUETES_ID = [
    _par_id("node", "id ... on Dossier { identite { nom } }", "dossier", "node-dossier"),
    _par_id("node", "id ... on PPAE { statut }", "ppae", "node-ppae"),
    _par_id("node", "id ... on Affectation { statut }", "rapprochee", "node-affectation"),
    _par_id("node", "id ... on Evenement { type commentaire }", "evenement", "node-evenement"),
    _par_id("dossier", DOSSIER, "dossier", "dossier"),
    _par_id("dossier", DOSSIER, "libre", "dossier-manuel"),
    _par_id("ppae", PPAE_SEL, "ppae", "ppae"),
    *(_par_id("affectation", AFFECTATION, c, f"affectation-{c}") for c in ETATS_AFFECTATION),
]
REQUETES_LISTE = [
    pytest.param(f"{{ r: {champ} {{ {PAGE} }} }}", propres, id=nom)
    for nom, champ, propres in [
        ("recherche", "rechercherDossiers", {"@dossier_autre"}),
        ("recherche-texte", 'rechercherDossiers(texte: "Martin")', set()),
        ("recherche-pe", 'rechercherDossiers(identifiantPe: "1234567A")', set()),
        (
            "recherche-naissance",
            'rechercherDossiers(dateNaissance: "2004-03-15")',
            {"@dossier_autre"},
        ),
        ("ppaes", "ppaes", set()),
        ("ppaes-conseiller", 'ppaes(conseillerId: "C1")', set()),
        ("affectations", "affectations", {"@aff_autre"}),
        ("affectations-rapprochees", "affectations(statut: RAPPROCHEE)", set()),
    ]
]


@pytest.mark.parametrize(("document", "cle"), REQUETES_ID)
def test_un_objet_d_une_autre_ml_se_lit_comme_un_objet_inexistant(
    api: Api,  # noqa: F811
    monde: Monde,  # noqa: F811
    tmp_path: Path,
    document: str,
    cle: str,
) -> None:
    """R23: null for every reading role, exactly as a random id of the same type; no
    access-log line either."""
    cible = monde.objets[cle]
    for role in (Role.GESTIONNAIRE, Role.CONSEILLER, Role.AUDITEUR, Role.ADMIN):
        etranger = api.executer(document, {"id": cible}, ml=AUTRE, role=role)
        absent = api.executer(document, {"id": monde.hasard[cible]}, ml=AUTRE, role=role)
        assert etranger == absent == {"data": {"r": None}}, role
    journal = tmp_path / "acces.jsonl"
    assert not journal.exists() or journal.read_text(encoding="utf-8") == ""
    assert api.donnees(document, {"id": cible})["r"]["id"] == cible  # the id is a real one


@pytest.mark.parametrize(("document", "propres"), REQUETES_LISTE)
def test_une_liste_ne_montre_jamais_les_objets_d_une_autre_ml(
    api: Api,  # noqa: F811
    monde: Monde,  # noqa: F811
    document: str,
    propres: set[str],
) -> None:
    """R23: lists and their counts hold only the actor's ML's objects."""
    page = api.donnees(document, ml=AUTRE)["r"]
    vus = {e["node"]["id"] for e in page["edges"]}
    assert vus == {monde.objets[c] for c in propres}
    assert page["totalCount"] == len(vus)
    assert api.donnees(document)["r"]["totalCount"] > 0  # ML001 does have such objects


def test_les_conseillers_sont_ceux_de_la_ml_de_l_acteur(api: Api, monde: Monde) -> None:  # noqa: F811
    """R23"""
    document = "{ conseillers { id nom } }"
    assert api.donnees(document, ml=AUTRE)["conseillers"] == [{"id": "C9", "nom": "Nadia Roux"}]
    assert api.donnees(document, ml="ML404")["conseillers"] == []
    assert {c["id"] for c in api.donnees(document)["conseillers"]} == {"C1", "C2"}


# ------------------------------------------------------------------ mutations


@pytest.mark.parametrize("cas", CAS_MUTATIONS, ids=id_cas)
def test_une_mutation_sur_un_objet_d_une_autre_ml_est_non_trouvee_sans_rien_enregistrer(
    app: Any,
    api: Api,  # noqa: F811
    monde: Monde,  # noqa: F811
    cas: tuple[str, dict[str, Any]],
) -> None:
    """R23, R24: NON_TROUVE exactly as for a missing id, for a manager as for an admin; no
    event recorded; ML001's own call with the same input is not NON_TROUVE (the ids are real)."""
    mutation, modele = cas
    document = document_mutation(mutation)
    entree = remplacer(modele, monde.objets)
    for role in (Role.GESTIONNAIRE, Role.ADMIN):
        with rien_n_est_enregistre(app):
            etranger = api.executer(document, {"i": entree}, ml=AUTRE, role=role)
            absent = api.executer(
                document, {"i": remplacer(entree, monde.hasard)}, ml=AUTRE, role=role
            )
        assert "errors" not in etranger
        assert etranger == absent
        resultat = etranger["data"]["r"]
        assert [e["code"] for e in resultat["erreurs"]] == ["NON_TROUVE"]
        assert all(v is None or v == [] for k, v in resultat.items() if k != "erreurs")
    if not etrangers(modele):
        propre = api.donnees(document, {"i": entree})["r"]
        assert "NON_TROUVE" not in [e["code"] for e in propre["erreurs"]]


def test_une_cle_d_idempotence_d_une_autre_ml_ne_rejoue_pas_son_resultat(
    app: Any,
    api: Api,  # noqa: F811
    monde: Monde,  # noqa: F811
) -> None:
    """R23: idempotency keys are scoped by ML; replaying ML001's key from ML999 reveals nothing."""
    document = document_mutation("justifierDossier")
    entree = {"dossierId": monde.objets["@libre"], "piece": "CNI", "cleIdempotence": "cle-1"}
    assert api.donnees(document, {"i": entree})["r"]["erreurs"] == []
    with rien_n_est_enregistre(app):
        rejoue = api.donnees(document, {"i": entree}, ml=AUTRE)["r"]
    assert rejoue["dossier"] is None
    assert [e["code"] for e in rejoue["erreurs"]] == ["NON_TROUVE"]


def test_creer_un_dossier_le_range_dans_la_ml_de_l_acteur(api: Api, monde: Monde) -> None:  # noqa: F811
    """R23: creerDossier targets no id; the new dossier belongs to the actor's ML only."""
    document = """mutation($i: CreerDossierInput!) { creerDossier(input: $i) {
        dossier { id codeMissionLocale } erreurs { code } } }"""
    entree = {"nom": "Nouveau", "prenoms": "Jean", "dateNaissance": "2005-01-02"}
    cree = api.donnees(document, {"i": entree}, ml=AUTRE)["creerDossier"]
    assert cree["dossier"]["codeMissionLocale"] == AUTRE
    vu_de_ml001 = api.executer(
        "query($id: ID!) { dossier(id: $id) { id } }", {"id": cree["dossier"]["id"]}
    )
    assert vu_de_ml001 == {"data": {"dossier": None}}


def test_chaque_requete_et_chaque_mutation_du_schema_est_dans_la_matrice() -> None:
    """R23: a new query or mutation must join this matrix."""
    requetes = set(SCHEMA.query_type.fields) - {"moi"}  # type: ignore[union-attr]
    couvertes = {"node", "dossier", "ppae", "affectation", "conseillers"}
    couvertes |= {"rechercherDossiers", "ppaes", "affectations"}
    couvertes |= {"fluxDude", "decisionnelFlux", "reconciliationFlux"}  # test_flux_dude.py
    assert requetes - couvertes == set()
    mutations = set(SCHEMA.mutation_type.fields) - {"creerDossier"}  # type: ignore[union-attr]
    mutations -= {"renvoyerFluxEnMasse"}  # over the actor's ML: tests/test_renvoi_en_masse.py
    assert mutations - {m for m, _ in CAS_MUTATIONS} - set(SANS_ENTREE) == set()


# ------------------------------------------------------------------ through HTTP

HTTP = [p for p in REQUETES_ID if p.id in ("dossier", "node-ppae", "affectation-acceptee")]


@pytest.mark.parametrize(("document", "cle"), HTTP)
def test_par_http_un_objet_d_une_autre_ml_est_null(
    http: TestClient,  # noqa: F811
    monde: Monde,  # noqa: F811
    document: str,
    cle: str,
) -> None:
    """R23"""
    etranger = poster(http, document, {"id": monde.objets[cle]}, ml=AUTRE)
    absent = poster(http, document, {"id": monde.hasard[monde.objets[cle]]}, ml=AUTRE)
    assert etranger.status_code == absent.status_code == 200
    assert etranger.json() == absent.json() == {"data": {"r": None}}


def test_par_http_la_recherche_d_une_autre_ml_est_vide(http: TestClient, monde: Monde) -> None:  # noqa: F811
    """R23: once ML001 sees its dossier in the view, ML999 still does not."""
    document = f'{{ r: rechercherDossiers(texte: "Martin") {{ {PAGE} }} }}'
    limite = time.monotonic() + 10
    while poster(http, document).json()["data"]["r"]["totalCount"] == 0:
        assert time.monotonic() < limite, "the view never caught up"
        time.sleep(0.05)
    assert poster(http, document, ml=AUTRE).json() == {
        "data": {"r": {"totalCount": 0, "edges": []}}
    }


@pytest.mark.parametrize(
    "cas",
    [
        c
        for c in CAS_MUTATIONS
        if c[0] in ("justifierDossier", "annulerRapprochement", "rapprocher")
    ],
    ids=id_cas,
)
def test_par_http_une_mutation_sur_une_autre_ml_est_non_trouvee(
    app: Any,
    http: TestClient,  # noqa: F811
    monde: Monde,  # noqa: F811
    cas: tuple[str, dict[str, Any]],
) -> None:
    """R23, R24"""
    mutation, modele = cas
    with rien_n_est_enregistre(app):
        reponse = poster(
            http, document_mutation(mutation), {"i": remplacer(modele, monde.objets)}, ml=AUTRE
        )
    assert reponse.status_code == 200
    assert [e["code"] for e in reponse.json()["data"]["r"]["erreurs"]] == ["NON_TROUVE"]
