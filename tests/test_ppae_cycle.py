"""The PPAE before its entry: cotraitance status and appointments (R6), entry conditions (R8)."""

from __future__ import annotations

from datetime import date
from itertools import permutations

import pytest

from domain.valeurs import StatutCotraitance, StatutPpae, StatutRendezVous, TypeEvenement
from tests.scenario import (
    AUJOURDHUI,
    DATE_ENTREE,
    dossier,
    dossier_importe,
    entretien,
    ids,
    ppae,
    refus,
    rendez_vous,
    rien_n_est_enregistre,
)

# ------------------------------------------------------------------ R6


def test_un_nouveau_ppae_est_a_affecter(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut_cotraitance is (
        StatutCotraitance.A_AFFECTER
    )


def test_affecter_un_conseiller_met_le_ppae_en_attente_de_planification(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.affecter_conseiller(acteurs.gestionnaire, ppae_id, "C2")
    affecte = ppae(app, acteurs.gestionnaire, ppae_id)
    assert affecte.conseiller_id == "C2"
    assert affecte.statut_cotraitance is StatutCotraitance.ATTENTE_PLANIFICATION_RDV


def test_un_conseiller_inconnu_de_la_mission_locale_est_une_saisie_invalide(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "SAISIE_INVALIDE") as info:
        app.affecter_conseiller(acteurs.gestionnaire, ppae_id, "C-INCONNU")
    assert info.value.champ == "conseillerId"


def test_proposer_un_rendez_vous_met_le_ppae_en_attente_d_entretien(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    rdv = rendez_vous(app, acteurs.conseiller, ppae_id, date(2026, 11, 25))
    propose = ppae(app, acteurs.gestionnaire, ppae_id)
    assert propose.statut_cotraitance is StatutCotraitance.EN_ATTENTE_ENTRETIEN
    assert propose.rendez_vous[rdv].statut is StatutRendezVous.PLANIFIE


def test_proposer_un_rendez_vous_sans_conseiller_est_interdit(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "TRANSITION_INTERDITE"):
        app.proposer_rendez_vous(acteurs.conseiller, ppae_id, date(2026, 11, 25))


def test_un_rendez_vous_avant_la_date_d_affectation_est_une_saisie_invalide(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.affecter_conseiller(acteurs.gestionnaire, ppae_id, "C1")
    with refus(app, "SAISIE_INVALIDE"):
        app.proposer_rendez_vous(acteurs.conseiller, ppae_id, date(2026, 8, 31))


@pytest.mark.parametrize(
    "issue", [s for s in StatutRendezVous if s is not StatutRendezVous.PLANIFIE]
)
def test_l_issue_d_un_rendez_vous_est_enregistree(app, acteurs, issue):
    """R6: présent, absent, annulé, reporté."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    rdv = rendez_vous(app, acteurs.conseiller, ppae_id, date(2026, 11, 10))
    app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, rdv, issue)
    assert ppae(app, acteurs.gestionnaire, ppae_id).rendez_vous[rdv].statut is issue


def test_les_absences_comptent_comme_convocations_manquees(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    for jour, issue in [
        (date(2026, 10, 1), StatutRendezVous.ABSENT),
        (date(2026, 10, 8), StatutRendezVous.REPORTE),
        (date(2026, 10, 15), StatutRendezVous.ABSENT),
        (date(2026, 10, 22), StatutRendezVous.ANNULE),
    ]:
        rdv = rendez_vous(app, acteurs.conseiller, ppae_id, jour)
        app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, rdv, issue)
    assert ppae(app, acteurs.gestionnaire, ppae_id).convocations_manquees == 2


def test_un_rendez_vous_honore_enregistre_un_entretien_individuel_sur_le_dossier(app, acteurs):
    """R6, R8 (c): présent means an individual interview that day."""
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    rdv = rendez_vous(app, acteurs.conseiller, ppae_id, date(2026, 11, 10))
    resultat = app.renseigner_rendez_vous(
        acteurs.conseiller, ppae_id, rdv, StatutRendezVous.PRESENT
    )
    evenement = dossier(app, acteurs.gestionnaire, dossier_id).evenements[resultat.evenement_id]
    assert evenement.type is TypeEvenement.ENTRETIEN_INDIVIDUEL
    assert evenement.date == date(2026, 11, 10)


def test_l_issue_d_un_rendez_vous_ne_se_renseigne_qu_une_fois(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    rdv = rendez_vous(app, acteurs.conseiller, ppae_id, date(2026, 11, 10))
    app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, rdv, StatutRendezVous.ABSENT)
    with refus(app, "TRANSITION_INTERDITE"):
        app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, rdv, StatutRendezVous.PRESENT)


def test_un_rendez_vous_a_venir_ne_peut_pas_etre_marque_present(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    rdv = rendez_vous(app, acteurs.conseiller, ppae_id, date(2026, 11, 27))
    with refus(app, "SAISIE_INVALIDE"):
        app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, rdv, StatutRendezVous.PRESENT)


def test_un_rendez_vous_annule_sans_autre_rendez_vous_revient_a_planifier(app, acteurs):
    """R6: nothing left to wait for → back to planning."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    rdv = rendez_vous(app, acteurs.conseiller, ppae_id, date(2026, 11, 27))
    app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, rdv, StatutRendezVous.ANNULE)
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut_cotraitance is (
        StatutCotraitance.ATTENTE_PLANIFICATION_RDV
    )


# ------------------------------------------------------------------ R8

CONDITIONS = ("justifier", "accepter", "entretien")


def _remplir(app, ctx, condition, dossier_id, ppae_id):
    if condition == "justifier":
        app.justifier_dossier(ctx, dossier_id, "CNI")
    elif condition == "accepter":
        app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    else:
        entretien(app, ctx, dossier_id, date(2026, 10, 5))


@pytest.mark.parametrize("ordre", list(permutations(CONDITIONS)), ids="-".join)
def test_le_ppae_passe_en_cours_quel_que_soit_l_ordre_des_conditions(app, acteurs, ordre):
    """R8: the last of the three conditions to arrive triggers the transition."""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    for condition in ordre[:-1]:
        _remplir(app, ctx, condition, dossier_id, ppae_id)
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.NON_INITIALISE
    _remplir(app, ctx, ordre[-1], dossier_id, ppae_id)
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.EN_COURS


def test_un_entretien_anterieur_a_la_date_d_entree_ne_compte_pas(app, acteurs):
    """R8 (c): the interview must be dated on or after the entry date."""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    entretien(app, ctx, dossier_id, date(2026, 9, 30))
    app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.NON_INITIALISE


def test_un_entretien_le_jour_de_l_entree_compte(app, acteurs):
    """R8 (c): on or after the entry date."""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    entretien(app, ctx, dossier_id, DATE_ENTREE)
    app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.EN_COURS


def test_un_entretien_annule_ne_compte_pas(app, acteurs):
    """R8 (c), R7"""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    evenement_id = entretien(app, ctx, dossier_id, date(2026, 10, 5))
    app.annuler_evenement(ctx, dossier_id, evenement_id, "saisi par erreur")
    app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.NON_INITIALISE


def test_un_rendez_vous_honore_peut_etre_la_derniere_condition(app, acteurs):
    """R6, R8: présent at the appointment is the interview that starts the PPAE."""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    app.accepter_ppae(ctx, ppae_id, date(2026, 11, 10))
    rdv = rendez_vous(app, ctx, ppae_id, date(2026, 11, 10))
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.NON_INITIALISE
    app.renseigner_rendez_vous(ctx, ppae_id, rdv, StatutRendezVous.PRESENT)
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.EN_COURS


def test_une_entree_du_jour_n_est_pas_retroactive(app, acteurs):
    """R8, R9"""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    entretien(app, ctx, dossier_id, AUJOURDHUI)
    app.accepter_ppae(ctx, ppae_id, AUJOURDHUI)
    entre = ppae(app, ctx, ppae_id)
    assert entre.statut is StatutPpae.EN_COURS
    assert entre.entree_retroactive is False


@pytest.mark.parametrize(
    "type_evenement",
    [t for t in TypeEvenement if t is not TypeEvenement.ENTRETIEN_INDIVIDUEL],
)
def test_seul_un_entretien_individuel_fait_entrer_le_ppae(app, acteurs, type_evenement):
    """R8 (c): a workshop, a collective session or a proposal is not an interview."""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    app.saisir_evenement(ctx, dossier_id, type_evenement, date(2026, 10, 5))
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.NON_INITIALISE


def test_justifier_sans_piece_est_une_saisie_invalide(app, acteurs):
    """R8 (a), R24"""
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "SAISIE_INVALIDE") as info:
        app.justifier_dossier(acteurs.conseiller, dossier_id, "   ")
    assert info.value.champ == "piece"


def test_justifier_un_dossier_deja_justifie_n_enregistre_rien(app, acteurs):
    """R8 (a)"""
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(acteurs.conseiller, dossier_id, "CNI")
    with rien_n_est_enregistre(app):
        app.justifier_dossier(acteurs.conseiller, dossier_id, "Passeport")
    assert dossier(app, acteurs.conseiller, dossier_id).piece == "CNI"


def test_reaffecter_le_meme_conseiller_n_enregistre_rien(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.affecter_conseiller(acteurs.gestionnaire, ppae_id, "C1")
    with rien_n_est_enregistre(app):
        app.affecter_conseiller(acteurs.gestionnaire, ppae_id, "C1")


def test_renseigner_un_rendez_vous_inconnu_est_une_saisie_invalide(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "SAISIE_INVALIDE"):
        app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, "inconnu", StatutRendezVous.ABSENT)


def test_une_issue_planifie_n_est_pas_une_issue(app, acteurs):
    """R6"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    rdv = rendez_vous(app, acteurs.conseiller, ppae_id, date(2026, 11, 10))
    with refus(app, "SAISIE_INVALIDE"):
        app.renseigner_rendez_vous(acteurs.conseiller, ppae_id, rdv, StatutRendezVous.PLANIFIE)
