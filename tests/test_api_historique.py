"""Dossier.historique and Dossier.etatAu through GraphQL, as an auditor (R21)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.valeurs import Role
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import code_graphql, gid
from tests.scenario import GESTIONNAIRE, dossier_importe, dossier_manuel, entretien, ids

HISTORIQUE = """query($id: ID!, $first: Int, $after: String) { dossier(id: $id) {
  historique(first: $first, after: $after) {
    edges { cursor node { position version type enregistreLe dateEffet acteur role donnees } }
    pageInfo { hasNextPage endCursor } } } }"""
ETAT_AU = """query($id: ID!, $instant: DateTime!) { dossier(id: $id) {
  etatAu(instant: $instant) { id version justifie supprime identite { nom prenoms } } } }"""


def historique(api, dossier_id, **variables):  # noqa: F811
    sortie = api.donnees(HISTORIQUE, {"id": gid("Dossier", dossier_id), **variables}, role=AUDIT)
    return [e["node"] for e in sortie["dossier"]["historique"]["edges"]]


def etat_au(api, dossier_id, instant):  # noqa: F811
    variables = {"id": gid("Dossier", dossier_id), "instant": instant.isoformat()}
    return api.donnees(ETAT_AU, variables, role=AUDIT)["dossier"]["etatAu"]


AUDIT = Role.AUDITEUR


def test_l_historique_liste_l_entree_retroactive_avec_sa_date_d_effet_et_son_acteur(app, api):  # noqa: F811
    """R9, R12, R21: recorded instant, effective date, actor and role of every fact."""
    r = dossier_importe(app, GESTIONNAIRE)
    app.justifier_dossier(GESTIONNAIRE, r.dossier_id, "CNI")
    entretien(app, GESTIONNAIRE, r.dossier_id, date(2026, 10, 5))
    app.accepter_ppae(GESTIONNAIRE, r.ppae_id, date(2026, 10, 1))
    faits = historique(api, r.dossier_id)
    types = [f["type"] for f in faits]
    assert types[-2:] == ["PPAE.Accepte", "PPAE.EntreeRetroactive"]
    assert {"Affectation.Recue", "Dossier.Cree", "PPAE.Ouvert", "Dossier.Justifie"} <= set(types)
    entree = faits[-1]
    assert entree["dateEffet"] == "2026-10-01"
    assert (entree["acteur"], entree["role"]) == ("gestion-1", "GESTIONNAIRE")
    assert [f["position"] for f in faits] == list(range(1, len(faits) + 1))
    enregistres = [datetime.fromisoformat(f["enregistreLe"]) for f in faits]
    assert enregistres == sorted(enregistres)
    assert all(e.tzinfo is not None for e in enregistres)
    assert json.loads(faits[-2]["donnees"])["date_entree"] == "2026-10-01"


def test_l_historique_se_parcourt_par_pages(app, api):  # noqa: F811
    """R21: first/after over the facts, each once, in order."""
    r = dossier_importe(app, GESTIONNAIRE)
    for jour in range(1, 8):
        entretien(app, GESTIONNAIRE, r.dossier_id, date(2026, 10, jour))
    tous = historique(api, r.dossier_id, first=100)
    vus, apres = [], None
    while True:
        variables = {"id": gid("Dossier", r.dossier_id), "first": 3, "after": apres}
        page = api.donnees(HISTORIQUE, variables, role=AUDIT)["dossier"]["historique"]
        vus += [e["node"]["position"] for e in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        apres = page["pageInfo"]["endCursor"]
    assert vus == [f["position"] for f in tous]


@pytest.mark.parametrize("role", [Role.CONSEILLER, Role.GESTIONNAIRE])
def test_l_historique_est_interdit_hors_audit(app, api, role):  # noqa: F811
    """R21, R23: history is for AUDITEUR and ADMIN."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    sortie = api.executer(HISTORIQUE, {"id": gid("Dossier", dossier_id)}, role=role)
    assert code_graphql(sortie) == "FORBIDDEN"
    instant = datetime.now(UTC).isoformat()
    sortie = api.executer(
        ETAT_AU, {"id": gid("Dossier", dossier_id), "instant": instant}, role=role
    )
    assert code_graphql(sortie) == "FORBIDDEN"


def test_l_etat_au_avant_la_justification_montre_un_dossier_non_justifie(app, api):  # noqa: F811
    """R21: what did we know, when."""
    dossier_id, _ = ids(dossier_importe(app, GESTIONNAIRE))
    app.justifier_dossier(GESTIONNAIRE, dossier_id, "CNI")
    justifie_le = datetime.fromisoformat(historique(api, dossier_id)[-1]["enregistreLe"])
    avant = etat_au(api, dossier_id, justifie_le - timedelta(microseconds=1))
    apres = etat_au(api, dossier_id, justifie_le)
    assert (avant["justifie"], apres["justifie"]) == (False, True)
    assert apres["version"] == avant["version"] + 1
    assert avant["id"] == gid("Dossier", dossier_id)


def test_l_etat_au_avant_la_creation_est_nul(app, api):  # noqa: F811
    """R21: the dossier did not exist yet."""
    avant = datetime.now(UTC) - timedelta(seconds=1)
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    assert etat_au(api, dossier_id, avant) is None
    assert etat_au(api, dossier_id, datetime.now(UTC))["identite"]["nom"] == "Dupont"


def test_l_etat_au_accepte_un_instant_dans_un_autre_fuseau(app, api):  # noqa: F811
    """R12: an instant is an instant, whatever its offset."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    maintenant = datetime.now(UTC).astimezone(timezone(timedelta(hours=-5)))
    assert etat_au(api, dossier_id, maintenant)["id"] == gid("Dossier", dossier_id)


def test_un_instant_sans_fuseau_est_une_entree_invalide(app, api):  # noqa: F811
    """R24: the contract's instants carry an offset; a naive one is bad input, never a 500."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    variables = {"id": gid("Dossier", dossier_id), "instant": "2026-11-20T10:00:00"}
    assert code_graphql(api.executer(ETAT_AU, variables, role=AUDIT)) == "BAD_USER_INPUT"


def test_l_etat_au_d_un_dossier_supprime_ne_rend_pas_son_identite(app, api):  # noqa: F811
    """R20, R21: once deleted, personal data is erased; the non-personal facts stay."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE, nom="Zidane")
    avant = datetime.now(UTC)
    app.supprimer_dossier(GESTIONNAIRE, dossier_id, True)
    passe = etat_au(api, dossier_id, avant)
    assert passe["supprime"] is False
    assert "Zidane" not in json.dumps(passe)


def test_l_historique_d_un_dossier_supprime_ne_rend_pas_son_identite(app, api):  # noqa: F811
    """R20, R21"""
    dossier_id = dossier_manuel(app, GESTIONNAIRE, nom="Zidane")
    app.supprimer_dossier(GESTIONNAIRE, dossier_id, True)
    faits = historique(api, dossier_id)
    assert [f["type"] for f in faits] == ["Dossier.Cree", "Dossier.Supprime"]
    assert "Zidane" not in json.dumps(faits)


def test_l_etat_au_montre_le_ppae_tel_qu_enregistre_a_cet_instant(app, api):  # noqa: F811
    """R21: the state as recorded at an instant, nested objects included."""
    r = dossier_importe(app, GESTIONNAIRE)
    avant = datetime.now(UTC)
    app.justifier_dossier(GESTIONNAIRE, r.dossier_id, "CNI")
    entretien(app, GESTIONNAIRE, r.dossier_id, date(2026, 10, 5))
    app.accepter_ppae(GESTIONNAIRE, r.ppae_id, date(2026, 10, 1))
    document = """query($id: ID!, $instant: DateTime!) { dossier(id: $id) {
      etatAu(instant: $instant) { justifie ppae { statut dateEntree } } } }"""
    variables = {"id": gid("Dossier", r.dossier_id), "instant": avant.isoformat()}
    passe = api.donnees(document, variables, role=AUDIT)["dossier"]["etatAu"]
    assert passe["justifie"] is False
    assert passe["ppae"] == {"statut": "NON_INITIALISE", "dateEntree": None}
