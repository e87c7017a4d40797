"""How a PPAE ends: early stop (R10) and exit (R11); both closures are final."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from application.commandes import SortirPpae
from domain.regles import Regles
from domain.valeurs import MotifArret, MotifSortie, StatutPpae, StatutRendezVous, TypeEvenement
from tests.scenario import (
    AUJOURDHUI,
    DATE_ENTREE,
    absences,
    affectation_acceptee,
    dossier,
    dossier_importe,
    ids,
    ppae,
    ppae_en_cours,
    refus,
    rendez_vous,
    rien_n_est_enregistre,
)

# ------------------------------------------------------------------ R10


def test_l_arret_anticipe_d_un_ppae_non_initialise_le_supprime(app, acteurs):
    """R10"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, MotifArret.REFUS_DU_JEUNE)
    arrete = ppae(app, acteurs.gestionnaire, ppae_id)
    assert arrete.statut is StatutPpae.SUPPRIME
    assert arrete.motif_arret is MotifArret.REFUS_DU_JEUNE


def test_apres_un_arret_anticipe_le_dossier_peut_ouvrir_un_nouveau_ppae(app, acteurs):
    """R10, R4: the stopped PPAE is no longer open."""
    g = acteurs.gestionnaire
    dossier_id, ppae_id = ids(dossier_importe(app, g))
    app.arreter_cotraitance(g, ppae_id, MotifArret.REFUS_DU_JEUNE, demander_reaffectation=True)
    assert dossier(app, g, dossier_id).ppae_ouvert is None
    nouveau = app.rapprocher(g, affectation_acceptee(app, g, "AFF-2"), dossier_id)
    assert dossier(app, g, dossier_id).ppae_ouvert == nouveau.ppae_id


def test_l_arret_pour_absences_repetees_exige_assez_de_convocations_manquees(app, acteurs):
    """R10: at least 2 missed convocations by default."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    absences(app, acteurs.conseiller, ppae_id, 1)
    with refus(app, "CONDITIONS_NON_REMPLIES") as info:
        app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, MotifArret.ABSENCES_REPETEES)
    assert "1 enregistrée" in info.value.message


def test_l_arret_pour_absences_repetees_apres_deux_absences_est_accepte(app, acteurs):
    """R10"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    absences(app, acteurs.conseiller, ppae_id, 2)
    app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, MotifArret.ABSENCES_REPETEES)
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut is StatutPpae.SUPPRIME


def test_le_nombre_de_convocations_manquees_exige_est_configurable(app, acteurs):
    """R10: N is configurable."""
    app.regles = Regles(convocations_manquees_min=3)
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    absences(app, acteurs.conseiller, ppae_id, 2)
    with refus(app, "CONDITIONS_NON_REMPLIES"):
        app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, MotifArret.ABSENCES_REPETEES)


@pytest.mark.parametrize("motif", [MotifArret.REFUS_DU_JEUNE, MotifArret.AFFECTATION_NON_TRAITEE])
def test_l_arret_pour_refus_ou_affectation_non_traitee_n_exige_pas_d_absence(app, acteurs, motif):
    """R10 (an assignment never processed in time is an old one: R17, 90 days by default)"""
    ancienne = AUJOURDHUI - timedelta(days=90)
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire, date_affectation=ancienne))
    app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, motif)
    assert ppae(app, acteurs.gestionnaire, ppae_id).motif_arret is motif


def test_l_arret_pour_affectation_non_traitee_exige_une_affectation_ancienne(app, acteurs):
    """R10, R17: an assignment younger than the threshold is not 'never processed in time'."""
    recente = AUJOURDHUI - timedelta(days=89)
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire, date_affectation=recente))
    with refus(app, "CONDITIONS_NON_REMPLIES"):
        app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, MotifArret.AFFECTATION_NON_TRAITEE)


def test_la_demande_de_reaffectation_est_conservee(app, acteurs):
    """R10: PE is asked to reassign the youth when the manager says so."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.arreter_cotraitance(
        acteurs.gestionnaire, ppae_id, MotifArret.REFUS_DU_JEUNE, demander_reaffectation=True
    )
    assert ppae(app, acteurs.gestionnaire, ppae_id).demande_reaffectation is True


def test_l_arret_anticipe_d_un_ppae_en_cours_est_interdit(app, acteurs):
    """R10: only from NON_INITIALISE."""
    _, ppae_id = ids(ppae_en_cours(app, acteurs.gestionnaire))
    with refus(app, "TRANSITION_INTERDITE"):
        app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, MotifArret.REFUS_DU_JEUNE)


# ------------------------------------------------------------------ R11


def test_la_sortie_d_un_ppae_non_initialise_est_interdite(app, acteurs):
    """R11: only from EN_COURS."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "TRANSITION_INTERDITE"):
        app.sortir_ppae(acteurs.conseiller, ppae_id, AUJOURDHUI, MotifSortie.ABANDON)


@pytest.mark.parametrize(
    "jour", [date(2026, 9, 30), date(2026, 11, 21)], ids=["avant_l_entree", "future"]
)
def test_une_date_de_sortie_hors_bornes_est_invalide(app, acteurs, jour):
    """R11: on or after the entry date, not in the future."""
    _, ppae_id = ids(ppae_en_cours(app, acteurs.gestionnaire))
    with refus(app, "DATE_SORTIE_INVALIDE") as info:
        app.sortir_ppae(acteurs.conseiller, ppae_id, jour, MotifSortie.ABANDON)
    assert info.value.champ == "dateSortie"


def test_une_sortie_le_jour_de_l_entree_est_valide(app, acteurs):
    """R11"""
    _, ppae_id = ids(ppae_en_cours(app, acteurs.gestionnaire))
    app.sortir_ppae(acteurs.conseiller, ppae_id, DATE_ENTREE, MotifSortie.DEMENAGEMENT)
    assert ppae(app, acteurs.conseiller, ppae_id).date_sortie == DATE_ENTREE


@pytest.mark.parametrize("motif", list(MotifSortie))
def test_la_sortie_termine_le_ppae_et_garde_son_motif(app, acteurs, motif):
    """R11"""
    dossier_id, ppae_id = ids(ppae_en_cours(app, acteurs.gestionnaire))
    app.sortir_ppae(acteurs.conseiller, ppae_id, date(2026, 11, 15), motif)
    sorti = ppae(app, acteurs.conseiller, ppae_id)
    assert sorti.statut is StatutPpae.TERMINE
    assert sorti.motif_sortie is motif
    assert sorti.date_sortie == date(2026, 11, 15)
    assert dossier(app, acteurs.conseiller, dossier_id).ppae_ouvert is None


def _termine(app, g):
    """A PPAE that ran and ended, with an appointment still waiting for its outcome."""
    _, ppae_id = ids(ppae_en_cours(app, g))
    rdv = rendez_vous(app, g, ppae_id, date(2026, 11, 18))
    app.sortir_ppae(g, ppae_id, date(2026, 11, 15), MotifSortie.EMPLOI_DURABLE)
    return ppae_id, rdv


COMMANDES_APRES_CLOTURE = {
    "affecter_conseiller": lambda app, ctx, p, rdv: app.affecter_conseiller(ctx, p, "C2"),
    "proposer_rendez_vous": lambda app, ctx, p, rdv: app.proposer_rendez_vous(
        ctx, p, date(2026, 11, 19)
    ),
    "renseigner_rendez_vous": lambda app, ctx, p, rdv: app.renseigner_rendez_vous(
        ctx, p, rdv, StatutRendezVous.PRESENT
    ),
    "accepter_ppae": lambda app, ctx, p, rdv: app.accepter_ppae(ctx, p, date(2026, 10, 2)),
    "arreter_cotraitance": lambda app, ctx, p, rdv: app.arreter_cotraitance(
        ctx, p, MotifArret.REFUS_DU_JEUNE
    ),
    "sortir_ppae": lambda app, ctx, p, rdv: app.sortir_ppae(
        ctx, p, date(2026, 11, 16), MotifSortie.AUTRE
    ),
}


@pytest.mark.parametrize("commande", list(COMMANDES_APRES_CLOTURE))
def test_un_ppae_termine_refuse_toute_commande(app, acteurs, commande):
    """R11: TERMINE is final."""
    ppae_id, rdv = _termine(app, acteurs.gestionnaire)
    with refus(app, "TRANSITION_INTERDITE"):
        COMMANDES_APRES_CLOTURE[commande](app, acteurs.gestionnaire, ppae_id, rdv)
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut is StatutPpae.TERMINE


@pytest.mark.parametrize("commande", list(COMMANDES_APRES_CLOTURE))
def test_un_ppae_supprime_refuse_toute_commande(app, acteurs, commande):
    """R10: SUPPRIME is final too."""
    g = acteurs.gestionnaire
    _, ppae_id = ids(dossier_importe(app, g))
    rdv = rendez_vous(app, g, ppae_id, date(2026, 11, 18))
    app.arreter_cotraitance(g, ppae_id, MotifArret.REFUS_DU_JEUNE)
    with refus(app, "TRANSITION_INTERDITE"):
        COMMANDES_APRES_CLOTURE[commande](app, g, ppae_id, rdv)
    assert ppae(app, g, ppae_id).statut is StatutPpae.SUPPRIME


def test_apres_une_sortie_une_reaffectation_ouvre_un_nouveau_ppae(app, acteurs):
    """R11, R4: a youth who ended a PPAE may be reassigned."""
    g = acteurs.gestionnaire
    dossier_id, ppae_id = ids(ppae_en_cours(app, g))
    app.sortir_ppae(g, ppae_id, date(2026, 11, 15), MotifSortie.ABANDON)
    nouveau = app.rapprocher(g, affectation_acceptee(app, g, "AFF-2"), dossier_id)
    assert ppae(app, g, nouveau.ppae_id).statut is StatutPpae.NON_INITIALISE


# ------------------------------------------------------------------ R11, R13, R14: backdated exit


def _en_cours_avec_evenements(app, ctx):
    """EN_COURS since DATE_ENTREE; an interview on 2026-10-05 and a workshop on 2026-10-20,
    both in the window: both flowed to the DUDE (R13)."""
    dossier_id, ppae_id = ids(ppae_en_cours(app, ctx))
    app.saisir_evenement(ctx, dossier_id, TypeEvenement.ATELIER, date(2026, 10, 20))
    return dossier_id, ppae_id


def test_une_sortie_datee_avant_un_evenement_transmis_avertit_de_son_annulation(app, acteurs):
    """R11, R13, R14: the backdated exit takes the workshop out of the window; the DUDE will get
    a cancellation of it, and the command says so, naming the event (type and date)."""
    _, ppae_id = _en_cours_avec_evenements(app, acteurs.gestionnaire)
    r = app.sortir_ppae(acteurs.gestionnaire, ppae_id, date(2026, 10, 10), MotifSortie.ABANDON)
    assert [a.code for a in r.avertissements] == ["FLUX_DUDE_ANNULES"]
    message = r.avertissements[0].message
    assert "atelier du 2026-10-20" in message
    assert "2026-10-05" not in message  # the interview stays in the window
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut is StatutPpae.TERMINE


def test_une_sortie_apres_tous_les_evenements_transmis_n_avertit_pas(app, acteurs):
    """R11, R13: an exit dated on or after every event cancels no flow."""
    _, ppae_id = _en_cours_avec_evenements(app, acteurs.gestionnaire)
    r = app.sortir_ppae(acteurs.gestionnaire, ppae_id, date(2026, 10, 20), MotifSortie.ABANDON)
    assert r.avertissements == []


def test_la_simulation_d_une_sortie_anticipee_montre_les_annulations_sans_rien_enregistrer(
    app, acteurs
):
    """R11, R14: the warning is the decision's, so a dry run shows it too."""
    c = acteurs.gestionnaire
    dossier_id, ppae_id = _en_cours_avec_evenements(app, c)
    app.saisir_evenement(c, dossier_id, TypeEvenement.PROPOSITION_EMPLOI, date(2026, 10, 12))
    with rien_n_est_enregistre(app):
        s = app.simuler(c, SortirPpae(ppae_id, date(2026, 10, 10), MotifSortie.ABANDON))
    assert [a.code for a in s.resultat.avertissements] == ["FLUX_DUDE_ANNULES"]
    message = s.resultat.avertissements[0].message
    assert "proposition d'emploi du 2026-10-12" in message
    assert "atelier du 2026-10-20" in message
    assert ppae(app, c, ppae_id).statut is StatutPpae.EN_COURS


def test_un_evenement_annule_n_est_pas_annonce_comme_annule_par_la_sortie(app, acteurs):
    """R14: an event already cancelled had its own cancellation flow; the exit does not
    cancel it again."""
    c = acteurs.gestionnaire
    dossier_id, ppae_id = ids(ppae_en_cours(app, c))
    atelier = app.saisir_evenement(c, dossier_id, TypeEvenement.ATELIER, date(2026, 10, 20))
    app.annuler_evenement(c, dossier_id, atelier.evenement_id, "doublon")
    r = app.sortir_ppae(c, ppae_id, date(2026, 10, 10), MotifSortie.ABANDON)
    assert r.avertissements == []
