"""Relay pagination of every list (first/after, keyset cursors) and batched aggregate loading."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from api import contexte as module_contexte
from domain.valeurs import Role, TypeEvenement
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import code_graphql, gid
from tests.scenario import GESTIONNAIRE, dossier_importe, dossier_manuel, entretien, recevoir

N = 7
PAGE = "edges { cursor node { id } } pageInfo { hasNextPage endCursor }"
LISTES = {
    "rechercherDossiers": f"""query($first: Int, $after: String) {{ rechercherDossiers(
      texte: "dupont", first: $first, after: $after) {{ totalCount {PAGE} }} }}""",
    "ppaes": f"""query($first: Int, $after: String) {{
      ppaes(first: $first, after: $after) {{ totalCount {PAGE} }} }}""",
    "affectations": f"""query($first: Int, $after: String) {{
      affectations(first: $first, after: $after) {{ totalCount {PAGE} }} }}""",
    "evenements": f"""query($id: ID!, $first: Int, $after: String, $types: [TypeEvenement!]) {{
      dossier(id: $id) {{ evenements(first: $first, after: $after, types: $types) {{
        {PAGE} }} }} }}""",
}


@pytest.fixture
def monde(app):
    """N dossiers named Dupont each with a PPAE and an affectation; N events on the first one."""
    resultats = [dossier_importe(app, GESTIONNAIRE, f"AFF-{i:02}") for i in range(N)]
    premier = resultats[0].dossier_id
    types = [TypeEvenement.ATELIER, TypeEvenement.ENTRETIEN_INDIVIDUEL]
    for jour in range(1, N + 1):
        app.saisir_evenement(GESTIONNAIRE, premier, types[jour % 2], date(2026, 11, jour % 3 + 1))
    return {
        "rechercherDossiers": {gid("Dossier", r.dossier_id) for r in resultats},
        "ppaes": {gid("PPAE", r.ppae_id) for r in resultats},
        "affectations": {gid("Affectation", r.affectation_id) for r in resultats},
        "evenements": gid("Dossier", premier),
    }


def lire(api, liste, monde, **variables):  # noqa: F811
    if liste == "evenements":
        sortie = api.executer(LISTES[liste], {"id": monde["evenements"], **variables})
        dossier = (sortie["data"] or {}).get("dossier")
        return sortie, dossier and dossier["evenements"]
    sortie = api.executer(LISTES[liste], variables)
    return sortie, (sortie["data"] or {}).get(liste)


def parcourir(api, liste, monde, taille, **variables):  # noqa: F811
    vus, apres, pages = [], None, 0
    while True:
        sortie, page = lire(api, liste, monde, first=taille, after=apres, **variables)
        assert "errors" not in sortie, sortie["errors"]
        pages += 1
        vus += [e["node"]["id"] for e in page["edges"]]
        assert len(page["edges"]) <= taille
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if liste != "evenements":
            assert page["totalCount"] == N
        if not page["pageInfo"]["hasNextPage"]:
            return vus, pages
        apres = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("liste", list(LISTES))
@pytest.mark.parametrize("taille", [1, 3, N])
def test_parcourir_une_liste_par_pages_visite_chaque_element_une_fois(api, monde, liste, taille):  # noqa: F811
    """Contract: first/after walk every item once; hasNextPage false on the last page."""
    vus, pages = parcourir(api, liste, monde, taille)
    assert len(vus) == len(set(vus)) == N
    assert pages == -(-N // taille)
    if liste != "evenements":
        assert set(vus) == monde[liste]


def test_les_evenements_filtres_par_type_se_parcourent_aussi(api, monde):  # noqa: F811
    """R7: the types filter and pagination together."""
    vus, _ = parcourir(api, "evenements", monde, 2, types=["ENTRETIEN_INDIVIDUEL"])
    entretiens = [j for j in range(1, N + 1) if j % 2]
    assert len(vus) == len(set(vus)) == len(entretiens)


def test_les_evenements_vont_du_plus_recent_au_plus_ancien(app, api):  # noqa: F811
    """R7: most recent effective date first, across pages."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    for jour in (5, 1, 9, 3):
        entretien(app, GESTIONNAIRE, dossier_id, date(2026, 11, jour))
    document = """query($id: ID!, $after: String) { dossier(id: $id) {
      evenements(first: 2, after: $after) { edges { node { date } } pageInfo { endCursor } } } }"""
    dates, apres = [], None
    for _ in range(2):
        page = api.donnees(document, {"id": gid("Dossier", dossier_id), "after": apres})
        evenements = page["dossier"]["evenements"]
        dates += [e["node"]["date"] for e in evenements["edges"]]
        apres = evenements["pageInfo"]["endCursor"]
    assert dates == ["2026-11-09", "2026-11-05", "2026-11-03", "2026-11-01"]


@pytest.mark.parametrize("liste", list(LISTES))
def test_une_liste_vide_n_a_ni_page_suivante_ni_curseur(app, api, liste):  # noqa: F811
    """Contract: an empty connection."""
    vide = {"evenements": gid("Dossier", dossier_manuel(app, GESTIONNAIRE, nom="Autre"))}
    sortie, page = lire(api, liste, vide)
    assert "errors" not in sortie
    assert page["edges"] == []
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": None}


@pytest.mark.parametrize("liste", list(LISTES))
@pytest.mark.parametrize("first", [0, -1, 101])
def test_first_hors_de_1_a_100_est_une_entree_invalide(api, monde, liste, first):  # noqa: F811
    """Contract: first in 1..100, else BAD_USER_INPUT."""
    sortie, _ = lire(api, liste, monde, first=first)
    assert code_graphql(sortie) == "BAD_USER_INPUT"


def _b64(texte):
    return base64.urlsafe_b64encode(texte.encode()).decode().rstrip("=")


CURSEURS_INVALIDES = {
    "charabia": "pas-un-curseur",
    "symboles": "%%%",
    "objet-json": _b64(json.dumps({"a": 1})),
    "mauvaise-taille": _b64(json.dumps(["x"])),
    "imbrique": _b64(json.dumps([["x"], "y"])),
}


@pytest.mark.parametrize("liste", list(LISTES))
@pytest.mark.parametrize("curseur", list(CURSEURS_INVALIDES))
def test_un_curseur_invalide_est_une_entree_invalide(api, monde, liste, curseur):  # noqa: F811
    """Contract: a cursor that is not ours is BAD_USER_INPUT, never a 500."""
    sortie, _ = lire(api, liste, monde, first=2, after=CURSEURS_INVALIDES[curseur])
    assert code_graphql(sortie) == "BAD_USER_INPUT"


def test_un_curseur_d_evenements_numerique_est_une_entree_invalide(api, monde):  # noqa: F811
    """Contract: BAD_USER_INPUT for any cursor that is not one of ours."""
    sortie, _ = lire(api, "evenements", monde, first=2, after=_b64("[1, 2]"))
    assert code_graphql(sortie) == "BAD_USER_INPUT"


def test_un_curseur_d_historique_textuel_est_une_entree_invalide(app, api):  # noqa: F811
    """Contract, R21"""
    document = """query($id: ID!, $after: String) { dossier(id: $id) {
      historique(after: $after) { edges { cursor } } } }"""
    variables = {"id": gid("Dossier", dossier_manuel(app, GESTIONNAIRE)), "after": _b64('["x"]')}
    sortie = api.executer(document, variables, role=Role.AUDITEUR)
    assert code_graphql(sortie) == "BAD_USER_INPUT"


def test_first_par_defaut_est_vingt(app, api):  # noqa: F811
    """Contract: default first = 20."""
    for i in range(21):
        recevoir(app, f"AFF-{i:02}")
    page = api.donnees("{ affectations { totalCount edges { cursor } pageInfo { hasNextPage } } }")
    assert (len(page["affectations"]["edges"]), page["affectations"]["totalCount"]) == (20, 21)
    assert page["affectations"]["pageInfo"]["hasNextPage"] is True


TABLEAU = """query($first: Int) { ppaes(first: $first) { edges { node { id statut
  conditionsEntree { entretien dossierJustifie }
  dossier { id justifie identite { nom } conseiller { id } ppaes { id } }
  affectation { id idAffectation suggestionsRefus ppae { id } } } } } }"""


def test_le_tableau_des_ppae_charge_ses_agregats_par_lots(app, api, monkeypatch):  # noqa: F811
    """A page of PPAE with their dossiers and affectations: a few batched reads, not one per row."""
    for i in range(20):
        dossier_importe(app, GESTIONNAIRE, f"AFF-{i:02}")
    appels = []
    original = module_contexte.charger_plusieurs

    def compter(application, ids):
        appels.append(len(ids))
        return original(application, ids)

    monkeypatch.setattr(module_contexte, "charger_plusieurs", compter)
    par_taille = {}
    for taille in (5, 20):
        appels.clear()
        edges = api.donnees(TABLEAU, {"first": taille})["ppaes"]["edges"]
        assert len(edges) == taille
        assert all(e["node"]["dossier"]["identite"]["nom"] == "Dupont" for e in edges)
        par_taille[taille] = list(appels)
    assert len(par_taille[20]) <= 4, par_taille
    assert len(par_taille[5]) == len(par_taille[20]), par_taille
    assert max(par_taille[20]) >= 20
