"""Dossier events through GraphQL: record, cancel, correct (R7, R12)."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.valeurs import Role
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import erreur, gid, muter, position, reussit
from tests.scenario import GESTIONNAIRE, dossier_manuel

EVENEMENTS = """query($id: ID!) { dossier(id: $id) { evenements { edges { node {
  id type date annule motifAnnulation remplace commentaire } } } } }"""


@pytest.fixture
def dossier(app):
    return gid("Dossier", dossier_manuel(app, GESTIONNAIRE))


def saisir(api, dossier, **modif):  # noqa: F811
    entree = {"dossierId": dossier, "type": "ENTRETIEN_INDIVIDUEL", "date": "2026-11-02", **modif}
    return muter(api, "saisirEvenement", entree, role=Role.CONSEILLER)


def evenements(api, dossier):  # noqa: F811
    edges = api.donnees(EVENEMENTS, {"id": dossier})["dossier"]["evenements"]["edges"]
    return {e["node"]["id"]: e["node"] for e in edges}


def test_saisir_un_evenement_garde_sa_date_civile_son_auteur_et_son_commentaire(api, dossier):  # noqa: F811
    """R7, R12: a civil date, the recorded instant set by the system, a comment kept inside."""
    p = reussit(saisir(api, dossier, type="ATELIER", commentaire="Atelier CV"))
    e = p["evenement"]
    assert (e["type"], e["date"], e["commentaire"]) == ("ATELIER", "2026-11-02", "Atelier CV")
    assert (e["enregistrePar"], e["annule"], e["motifAnnulation"]) == ("testeur", False, None)
    assert datetime.fromisoformat(e["enregistreLe"]).tzinfo is not None
    assert p["dossier"] == {"id": dossier, "version": 2}
    assert list(evenements(api, dossier)) == [e["id"]]


@pytest.mark.parametrize(
    ("modif", "champ"),
    [({"date": "2026-11-21"}, "date"), ({"commentaire": "x" * 2001}, "commentaire")],
    ids=["date-future", "commentaire-trop-long"],
)
def test_un_evenement_invalide_est_refuse_sur_son_champ(app, api, dossier, modif, champ):  # noqa: F811
    """R7, R24: no event in the future; a bounded comment; nothing recorded."""
    avant = position(app)
    assert erreur(saisir(api, dossier, **modif)) == ("SAISIE_INVALIDE", champ)
    assert position(app) == avant


def test_saisir_sur_un_dossier_supprime_est_interdit(app, api, dossier):  # noqa: F811
    """R20: a deleted dossier takes no more events."""
    muter(api, "supprimerDossier", {"dossierId": dossier, "confirmer": True})
    assert erreur(saisir(api, dossier))[0] == "TRANSITION_INTERDITE"


def test_annuler_un_evenement_le_garde_annule_avec_son_motif(app, api, dossier):  # noqa: F811
    """R7: cancelled, never edited in place; cancelling twice is refused."""
    evenement_id = reussit(saisir(api, dossier))["evenement"]["id"]
    entree = {"dossierId": dossier, "evenementId": evenement_id, "motif": "Erreur de jeune"}
    e = reussit(muter(api, "annulerEvenement", entree))["evenement"]
    assert (e["id"], e["annule"], e["motifAnnulation"]) == (evenement_id, True, "Erreur de jeune")
    assert evenements(api, dossier)[evenement_id]["annule"] is True
    avant = position(app)
    assert erreur(muter(api, "annulerEvenement", entree))[0] == "TRANSITION_INTERDITE"
    assert position(app) == avant


def test_annuler_l_evenement_d_un_autre_dossier_est_non_trouve(app, api, dossier):  # noqa: F811
    """R7, R23: an event id is only valid on its own dossier."""
    autre = gid("Dossier", dossier_manuel(app, GESTIONNAIRE, nom="Martin"))
    evenement_id = reussit(saisir(api, autre))["evenement"]["id"]
    avant = position(app)
    for mutation, extra in (("annulerEvenement", {}), ("corrigerEvenement", CORRECTION)):
        entree = {"dossierId": dossier, "evenementId": evenement_id, **extra}
        assert erreur(muter(api, mutation, entree)) == ("NON_TROUVE", "evenementId")
    assert position(app) == avant
    assert evenements(api, autre)[evenement_id]["annule"] is False


CORRECTION = {"type": "ATELIER", "date": "2026-11-03"}


@pytest.mark.parametrize(
    "faux",
    ["n-importe-quoi", gid("Evenement", "sans-separateur"), gid("Dossier", "x")],
)
def test_un_id_d_evenement_malforme_est_non_trouve(app, api, dossier, faux):  # noqa: F811
    """R24"""
    entree = {"dossierId": dossier, "evenementId": faux}
    assert erreur(muter(api, "annulerEvenement", entree)) == ("NON_TROUVE", "evenementId")


def test_un_id_d_evenement_inconnu_sur_le_bon_dossier_est_non_trouve(app, api):  # noqa: F811
    """R7"""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    evenement = gid("Evenement", f"{dossier_id}:inconnu")
    entree = {"dossierId": gid("Dossier", dossier_id), "evenementId": evenement}
    assert erreur(muter(api, "annulerEvenement", entree)) == ("NON_TROUVE", "evenementId")


def test_corriger_un_evenement_en_cree_un_nouveau_qui_le_remplace(app, api, dossier):  # noqa: F811
    """R7: a correction is a new event; the old one stays, cancelled."""
    ancien = reussit(saisir(api, dossier, commentaire="vu en agence"))["evenement"]["id"]
    entree = {"dossierId": dossier, "evenementId": ancien, **CORRECTION}
    nouveau = reussit(muter(api, "corrigerEvenement", entree))["evenement"]
    assert (nouveau["type"], nouveau["date"], nouveau["remplace"]) == (
        "ATELIER",
        "2026-11-03",
        ancien,
    )
    assert nouveau["id"] != ancien
    assert nouveau["commentaire"] == "vu en agence"
    tous = evenements(api, dossier)
    assert set(tous) == {ancien, nouveau["id"]}
    assert (tous[ancien]["annule"], tous[ancien]["motifAnnulation"]) == (True, "corrigé")
    assert tous[nouveau["id"]]["annule"] is False
    assert erreur(muter(api, "corrigerEvenement", entree))[0] == "TRANSITION_INTERDITE"


def test_corriger_vers_une_date_future_est_une_saisie_invalide(app, api, dossier):  # noqa: F811
    """R7, R24"""
    ancien = reussit(saisir(api, dossier))["evenement"]["id"]
    entree = {"dossierId": dossier, "evenementId": ancien, "type": "ATELIER", "date": "2027-01-01"}
    avant = position(app)
    assert erreur(muter(api, "corrigerEvenement", entree)) == ("SAISIE_INVALIDE", "date")
    assert position(app) == avant
