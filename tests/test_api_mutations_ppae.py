"""PPAE mutations through GraphQL: counselor, appointments, acceptance, early stop, exit."""

from __future__ import annotations

from datetime import date

import pytest

from domain.valeurs import Periode, Role
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import erreur, gid, muter, position, reussit
from tests.scenario import (
    GESTIONNAIRE,
    absences,
    dossier_importe,
    entretien,
    ppae_en_cours,
    rendez_vous,
)

CONSEILLER = Role.CONSEILLER
ETAT = """query($id: ID!) { ppae(id: $id) { statut statutCotraitance dateEntree entreeRetroactive
  conditionsEntree { entretien dossierJustifie acceptation }
  dossier { conseiller { id } evenements { edges { node { type date } } } } } }"""


@pytest.fixture
def ppae(app):
    """A fresh PPAE NON_INITIALISE on an imported dossier: (global PPAE id, Resultat)."""
    r = dossier_importe(app, GESTIONNAIRE)
    return gid("PPAE", r.ppae_id), r


def etat(api, ppae_gid):  # noqa: F811
    return api.donnees(ETAT, {"id": ppae_gid})["ppae"]


def test_affecter_un_conseiller_attend_la_planification(api, ppae):  # noqa: F811
    """R6: A_AFFECTER → ATTENTE_PLANIFICATION_RDV; the dossier shows its counselor."""
    p = reussit(muter(api, "affecterConseiller", {"ppaeId": ppae[0], "conseillerId": "C2"}))
    assert p["ppae"]["statutCotraitance"] == "ATTENTE_PLANIFICATION_RDV"
    assert etat(api, ppae[0])["dossier"]["conseiller"] == {"id": "C2"}


def test_affecter_un_conseiller_inconnu_est_une_saisie_invalide(app, api, ppae):  # noqa: F811
    """R6, R24: a counselor of the ML, or a typed error on conseillerId."""
    avant = position(app)
    payload = muter(api, "affecterConseiller", {"ppaeId": ppae[0], "conseillerId": "C9"})
    assert erreur(payload) == ("SAISIE_INVALIDE", "conseillerId")
    assert position(app) == avant


def test_affecter_avec_une_version_perimee_est_un_conflit(app, api, ppae):  # noqa: F811
    """Contract: versionAttendue; a stale one gives CONFLIT_VERSION, the right one goes through."""
    version = app.repository.get(ppae[1].ppae_id).version
    entree = {"ppaeId": ppae[0], "conseillerId": "C1", "versionAttendue": version}
    reussit(muter(api, "affecterConseiller", entree))
    avant = position(app)
    perime = muter(api, "affecterConseiller", {**entree, "conseillerId": "C2"})
    assert erreur(perime)[0] == "CONFLIT_VERSION"
    assert position(app) == avant
    a_jour = {**entree, "conseillerId": "C2", "versionAttendue": version + 1}
    assert reussit(muter(api, "affecterConseiller", a_jour))["ppae"]["version"] == version + 2


@pytest.mark.parametrize(
    "mutation",
    [
        "affecterConseiller",
        "proposerRendezVous",
        "accepterPpae",
        "sortirPpae",
        "arreterCotraitance",
    ],
)
def test_un_id_de_ppae_malforme_ou_d_un_autre_type_est_non_trouve(app, api, ppae, mutation):  # noqa: F811
    """R24: the field is named; a dossier id is not a PPAE id."""
    extra = {
        "affecterConseiller": {"conseillerId": "C1"},
        "proposerRendezVous": {"date": "2026-11-25"},
        "accepterPpae": {"dateEntree": "2026-11-20"},
        "sortirPpae": {"dateSortie": "2026-11-20", "motif": "AUTRE"},
        "arreterCotraitance": {"motif": "REFUS_DU_JEUNE"},
    }[mutation]
    for faux in ("!!", gid("Dossier", ppae[1].dossier_id)):
        payload = muter(api, mutation, {"ppaeId": faux, **extra})
        assert erreur(payload) == ("NON_TROUVE", "ppaeId")


def test_proposer_un_rendez_vous_met_en_attente_d_entretien(app, api, ppae):  # noqa: F811
    """R6: proposing an appointment → EN_ATTENTE_ENTRETIEN."""
    app.affecter_conseiller(GESTIONNAIRE, ppae[1].ppae_id, "C1")
    entree = {"ppaeId": ppae[0], "date": "2026-11-25"}
    p = reussit(muter(api, "proposerRendezVous", entree, role=CONSEILLER))["ppae"]
    assert p["statutCotraitance"] == "EN_ATTENTE_ENTRETIEN"
    assert [(r["date"], r["statut"]) for r in p["rendezVous"]] == [("2026-11-25", "PLANIFIE")]


def test_proposer_un_rendez_vous_sans_conseiller_ou_avant_l_affectation_est_refuse(app, api, ppae):  # noqa: F811
    """R6: a counselor first; an appointment never before the assignment date."""
    entree = {"ppaeId": ppae[0], "date": "2026-11-25"}
    assert erreur(muter(api, "proposerRendezVous", entree))[0] == "TRANSITION_INTERDITE"
    app.affecter_conseiller(GESTIONNAIRE, ppae[1].ppae_id, "C1")
    trop_tot = muter(api, "proposerRendezVous", {**entree, "date": "2026-08-31"})
    assert erreur(trop_tot) == ("SAISIE_INVALIDE", "date")


def test_un_jeune_present_au_rendez_vous_a_eu_un_entretien_ce_jour_la(app, api, ppae):  # noqa: F811
    """R6, R8 (c): PRESENT records an individual interview dated on the appointment."""
    rdv = rendez_vous(app, GESTIONNAIRE, ppae[1].ppae_id, date(2026, 11, 12))
    entree = {"ppaeId": ppae[0], "rendezVousId": rdv, "statut": "PRESENT"}
    p = reussit(muter(api, "renseignerRendezVous", entree, role=CONSEILLER))["ppae"]
    assert p["rendezVous"] == [{"id": rdv, "date": "2026-11-12", "statut": "PRESENT"}]
    assert p["conditionsEntree"]["entretien"] is True
    evenements = etat(api, ppae[0])["dossier"]["evenements"]["edges"]
    assert [e["node"] for e in evenements] == [
        {"type": "ENTRETIEN_INDIVIDUEL", "date": "2026-11-12"}
    ]
    assert erreur(muter(api, "renseignerRendezVous", entree))[0] == "TRANSITION_INTERDITE"


@pytest.mark.parametrize(
    ("jour", "rdv_id", "statut", "champ"),
    [
        (date(2026, 11, 12), "inconnu", "ABSENT", "rendezVousId"),
        (date(2026, 11, 12), None, "PLANIFIE", "statut"),
        (date(2026, 11, 30), None, "PRESENT", "statut"),
    ],
    ids=["rendez-vous-inconnu", "issue-planifie", "present-a-venir"],
)
def test_une_issue_de_rendez_vous_invalide_est_refusee(app, api, ppae, jour, rdv_id, statut, champ):  # noqa: F811
    """R6, R24"""
    rdv = rendez_vous(app, GESTIONNAIRE, ppae[1].ppae_id, jour)
    entree = {"ppaeId": ppae[0], "rendezVousId": rdv_id or rdv, "statut": statut}
    assert erreur(muter(api, "renseignerRendezVous", entree)) == ("SAISIE_INVALIDE", champ)


def test_un_rendez_vous_annule_revient_a_la_planification(app, api, ppae):  # noqa: F811
    """R6"""
    rdv = rendez_vous(app, GESTIONNAIRE, ppae[1].ppae_id, date(2026, 11, 30))
    entree = {"ppaeId": ppae[0], "rendezVousId": rdv, "statut": "ANNULE"}
    p = reussit(muter(api, "renseignerRendezVous", entree))["ppae"]
    assert p["statutCotraitance"] == "ATTENTE_PLANIFICATION_RDV"


@pytest.mark.parametrize(
    ("jour", "dude"),
    [("2026-11-21", None), ("2026-08-31", None), ("2026-09-05", date(2026, 9, 5))],
    ids=["future", "avant-affectation", "pas-apres-dernier-entretien-dude"],
)
def test_une_date_d_entree_invalide_est_refusee(app, api, jour, dude):  # noqa: F811
    """R9: not in the future, not before the assignment, after the last DUDE interview."""
    r = dossier_importe(app, GESTIONNAIRE, date_dernier_entretien_dude=dude)
    avant = position(app)
    payload = muter(api, "accepterPpae", {"ppaeId": gid("PPAE", r.ppae_id), "dateEntree": jour})
    assert erreur(payload) == ("DATE_ENTREE_INVALIDE", "dateEntree")
    assert position(app) == avant


def test_une_entree_pendant_une_radiation_reussit_avec_un_avertissement(app, api):  # noqa: F811
    """R9: the command succeeds and recommends a reassignment request."""
    radiation = (Periode(date(2026, 9, 20), date(2026, 10, 20)),)
    r = dossier_importe(app, GESTIONNAIRE, periodes_radiation=radiation)
    entree = {"ppaeId": gid("PPAE", r.ppae_id), "dateEntree": "2026-10-01"}
    p = reussit(muter(api, "accepterPpae", entree, role=CONSEILLER))
    assert [a["code"] for a in p["avertissements"]] == ["ENTREE_PENDANT_RADIATION"]
    assert "réaffectation" in p["avertissements"][0]["message"]
    assert (p["ppae"]["dateEntree"], p["ppae"]["statut"]) == ("2026-10-01", "NON_INITIALISE")


@pytest.mark.parametrize("derniere", ["acceptation", "justification", "entretien"])
def test_le_ppae_passe_en_cours_a_la_derniere_des_trois_conditions(app, api, ppae, derniere):  # noqa: F811
    """R8: in whatever order; the last of the three to arrive triggers EN_COURS (R9 retroactive)."""
    ppae_gid, r = ppae
    dossier = gid("Dossier", r.dossier_id)
    etapes = {
        "acceptation": ("accepterPpae", {"ppaeId": ppae_gid, "dateEntree": "2026-10-01"}),
        "justification": ("justifierDossier", {"dossierId": dossier, "piece": "CNI"}),
        "entretien": (
            "saisirEvenement",
            {"dossierId": dossier, "type": "ENTRETIEN_INDIVIDUEL", "date": "2026-10-05"},
        ),
    }
    for nom, (mutation, entree) in etapes.items():
        if nom != derniere:
            reussit(muter(api, mutation, entree))
    assert etat(api, ppae_gid)["statut"] == "NON_INITIALISE"
    mutation, entree = etapes[derniere]
    reussit(muter(api, mutation, entree))
    apres = etat(api, ppae_gid)
    assert (apres["statut"], apres["dateEntree"], apres["entreeRetroactive"]) == (
        "EN_COURS",
        "2026-10-01",
        True,
    )
    assert apres["conditionsEntree"] == {
        "entretien": True,
        "dossierJustifie": True,
        "acceptation": True,
    }
    again = muter(api, "accepterPpae", etapes["acceptation"][1])
    assert erreur(again)[0] == "TRANSITION_INTERDITE"


def test_l_arret_pour_absences_exige_assez_de_convocations_manquees(app, api, ppae):  # noqa: F811
    """R10: ABSENCES_REPETEES needs at least 2 missed convocations."""
    entree = {"ppaeId": ppae[0], "motif": "ABSENCES_REPETEES", "demanderReaffectation": True}
    absences(app, GESTIONNAIRE, ppae[1].ppae_id, 1)
    assert erreur(muter(api, "arreterCotraitance", entree)) == ("CONDITIONS_NON_REMPLIES", "motif")
    absences(app, GESTIONNAIRE, ppae[1].ppae_id, 1)
    p = reussit(muter(api, "arreterCotraitance", entree))["ppae"]
    assert (p["statut"], p["motifArret"]) == ("SUPPRIME", "ABSENCES_REPETEES")


def test_l_arret_anticipe_d_un_ppae_en_cours_est_interdit(app, api):  # noqa: F811
    """R10: only from NON_INITIALISE."""
    r = ppae_en_cours(app, GESTIONNAIRE)
    entree = {"ppaeId": gid("PPAE", r.ppae_id), "motif": "REFUS_DU_JEUNE"}
    assert erreur(muter(api, "arreterCotraitance", entree))[0] == "TRANSITION_INTERDITE"


def test_sortir_d_un_ppae_en_cours_le_termine(app, api):  # noqa: F811
    """R11: exit date between the entry date and today; TERMINE is final."""
    r = ppae_en_cours(app, GESTIONNAIRE)
    entree = {"ppaeId": gid("PPAE", r.ppae_id), "dateSortie": "2026-11-15", "motif": "DEMENAGEMENT"}
    p = reussit(muter(api, "sortirPpae", entree, role=CONSEILLER))["ppae"]
    assert (p["statut"], p["dateSortie"], p["motifSortie"]) == (
        "TERMINE",
        "2026-11-15",
        "DEMENAGEMENT",
    )
    assert erreur(muter(api, "sortirPpae", entree))[0] == "TRANSITION_INTERDITE"


@pytest.mark.parametrize("jour", ["2026-11-21", "2026-09-30"], ids=["future", "avant-entree"])
def test_une_date_de_sortie_invalide_est_refusee(app, api, jour):  # noqa: F811
    """R11: not in the future, not before the entry date (2026-10-01)."""
    r = ppae_en_cours(app, GESTIONNAIRE)
    entree = {"ppaeId": gid("PPAE", r.ppae_id), "dateSortie": jour, "motif": "ABANDON"}
    assert erreur(muter(api, "sortirPpae", entree)) == ("DATE_SORTIE_INVALIDE", "dateSortie")


def test_sortir_d_un_ppae_non_initialise_est_interdit(api, ppae):  # noqa: F811
    """R11: only from EN_COURS."""
    entree = {"ppaeId": ppae[0], "dateSortie": "2026-11-15", "motif": "AUTRE"}
    assert erreur(muter(api, "sortirPpae", entree))[0] == "TRANSITION_INTERDITE"


def test_deux_mutations_dans_un_document_lisent_chacune_l_etat_a_jour(app, api, ppae):  # noqa: F811
    """R8: the justification that completes the conditions shows the PPAE EN_COURS."""
    ppae_gid, r = ppae
    entretien(app, GESTIONNAIRE, r.dossier_id, date(2026, 10, 5))
    document = """mutation($p: ID!, $d: ID!) {
      a: accepterPpae(input: {ppaeId: $p, dateEntree: "2026-10-01"}) { ppae { statut } }
      b: justifierDossier(input: {dossierId: $d, piece: "CNI"}) { dossier { ppae { statut } } } }"""
    sortie = api.donnees(document, {"p": ppae_gid, "d": gid("Dossier", r.dossier_id)})
    assert sortie["a"]["ppae"]["statut"] == "NON_INITIALISE"
    assert etat(api, ppae_gid)["statut"] == "EN_COURS"
    assert sortie["b"]["dossier"]["ppae"]["statut"] == "EN_COURS"
