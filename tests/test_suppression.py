"""Deleting a dossier (R20) and the duplicate procedure built on it (R17)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.valeurs import (
    Dispositif,
    MotifArret,
    MotifSortie,
    StatutAffectation,
    StatutPpae,
    TypeEvenement,
)
from tests.scenario import (
    affectation,
    dossier,
    dossier_importe,
    dossier_manuel,
    dossier_rapproche,
    entretien,
    ids,
    ppae,
    ppae_en_cours,
    refus,
)


def test_un_dossier_avec_un_ppae_en_cours_ne_se_supprime_pas(app, acteurs):
    """R20"""
    dossier_id, _ = ids(ppae_en_cours(app, acteurs.gestionnaire))
    with refus(app, "SUPPRESSION_INTERDITE"):
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)


def test_un_dossier_avec_un_ppae_termine_ne_se_supprime_pas(app, acteurs):
    """R20"""
    dossier_id, ppae_id = ids(ppae_en_cours(app, acteurs.gestionnaire))
    app.sortir_ppae(acteurs.gestionnaire, ppae_id, date(2026, 11, 15), MotifSortie.ABANDON)
    with refus(app, "SUPPRESSION_INTERDITE"):
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)


@pytest.mark.parametrize("statut", ["EN_COURS", "TERMINE"])
def test_un_dossier_dont_le_ppae_repris_a_demarre_ne_se_supprime_pas(app, acteurs, statut):
    """R20: a PPAE known from the ML's own records counts too."""
    ppae_repris = Dispositif("PPAE", statut, date(2025, 1, 10))
    dossier_id = dossier_manuel(app, acteurs.gestionnaire, dispositifs=[ppae_repris])
    with refus(app, "SUPPRESSION_INTERDITE"):
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)


def test_un_dossier_suivant_un_autre_dispositif_actif_ne_se_supprime_pas(app, acteurs):
    """R20"""
    cej = Dispositif("CEJ", "EN_COURS", date(2026, 3, 1))
    dossier_id = dossier_manuel(app, acteurs.gestionnaire, dispositifs=[cej])
    with refus(app, "SUPPRESSION_INTERDITE") as info:
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)
    assert "CEJ" in info.value.message


def test_un_dossier_dont_l_autre_dispositif_est_termine_se_supprime_avec_confirmation(app, acteurs):
    """R20: an ended dispositif is history, not a veto."""
    pacea = Dispositif("PACEA", "TERMINE", date(2025, 3, 1), date(2025, 9, 1))
    dossier_id = dossier_manuel(app, acteurs.gestionnaire, dispositifs=[pacea])
    app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)
    assert dossier(app, acteurs.gestionnaire, dossier_id).supprime is True


def test_un_dossier_dont_l_arret_anticipe_est_parti_au_dude_ne_se_supprime_pas(app, acteurs):
    """R20: an early stop flowed to the DUDE."""
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.arreter_cotraitance(acteurs.gestionnaire, ppae_id, MotifArret.REFUS_DU_JEUNE)
    with refus(app, "SUPPRESSION_INTERDITE") as info:
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)
    assert "DUDE" in info.value.message


def test_un_dossier_avec_historique_exige_une_confirmation(app, acteurs):
    """R20"""
    dossier_id = dossier_manuel(app, acteurs.gestionnaire)
    entretien(app, acteurs.gestionnaire, dossier_id, date(2026, 11, 3))
    with refus(app, "CONFIRMATION_REQUISE") as info:
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=False)
    assert info.value.champ == "confirmer"


def test_un_dossier_justifie_a_un_historique(app, acteurs):
    """R20: the proof of identity is history."""
    dossier_id = dossier_manuel(app, acteurs.gestionnaire, justifie=True)
    with refus(app, "CONFIRMATION_REQUISE"):
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=False)


def test_un_dossier_sans_historique_se_supprime_sans_confirmation(app, acteurs):
    """R20"""
    dossier_id = dossier_manuel(app, acteurs.gestionnaire)
    app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=False)
    assert dossier(app, acteurs.gestionnaire, dossier_id).supprime is True


def test_supprimer_un_dossier_clot_son_ppae_non_initialise(app, acteurs):
    """R20"""
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut is StatutPpae.SUPPRIME


def test_un_dossier_supprime_n_a_plus_de_ppae_ouvert(app, acteurs):
    """R4, R20: the dossier's open PPAE is the one that was just closed."""
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)
    assert dossier(app, acteurs.gestionnaire, dossier_id).ppae_ouvert is None


def test_supprimer_un_dossier_remet_son_affectation_a_rapprocher(app, acteurs):
    """R20: the assignment goes back to the intake lists."""
    resultat = dossier_importe(app, acteurs.gestionnaire)
    app.supprimer_dossier(acteurs.gestionnaire, resultat.dossier_id, confirmer=True)
    remise = affectation(app, acteurs.gestionnaire, resultat.affectation_id)
    assert remise.statut is StatutAffectation.A_RAPPROCHER
    assert remise.dossier_id is None


def test_un_dossier_dont_le_rapprochement_est_annule_se_supprime(app, acteurs):
    """R19, R20: a cancelled match sent nothing to the DUDE."""
    dossier_id, ppae_id = ids(dossier_rapproche(app, acteurs.gestionnaire))
    app.annuler_rapprochement(acteurs.gestionnaire, ppae_id)
    app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)
    assert dossier(app, acteurs.gestionnaire, dossier_id).supprime is True


COMMANDES_SUR_DOSSIER_SUPPRIME = {
    "justifier": lambda app, ctx, d, evt, autre: app.justifier_dossier(ctx, d, "CNI"),
    "saisir_evenement": lambda app, ctx, d, evt, autre: app.saisir_evenement(
        ctx, d, TypeEvenement.ATELIER, date(2026, 11, 3)
    ),
    "annuler_evenement": lambda app, ctx, d, evt, autre: app.annuler_evenement(ctx, d, evt),
    "corriger_evenement": lambda app, ctx, d, evt, autre: app.corriger_evenement(
        ctx, d, evt, TypeEvenement.ATELIER, date(2026, 11, 4)
    ),
    "supprimer_a_nouveau": lambda app, ctx, d, evt, autre: app.supprimer_dossier(ctx, d, True),
    "transferer_depuis": lambda app, ctx, d, evt, autre: app.transferer_donnees(ctx, d, autre),
    "transferer_vers": lambda app, ctx, d, evt, autre: app.transferer_donnees(ctx, autre, d),
}


@pytest.mark.parametrize("commande", list(COMMANDES_SUR_DOSSIER_SUPPRIME))
def test_un_dossier_supprime_refuse_toute_commande(app, acteurs, commande):
    """R20: deletion is final."""
    g = acteurs.gestionnaire
    dossier_id = dossier_manuel(app, g)
    evenement_id = entretien(app, g, dossier_id, date(2026, 11, 3))
    autre = dossier_manuel(app, g, nom="Autre")
    app.supprimer_dossier(g, dossier_id, confirmer=True)
    with refus(app, "TRANSITION_INTERDITE"):
        COMMANDES_SUR_DOSSIER_SUPPRIME[commande](app, g, dossier_id, evenement_id, autre)


def test_un_dossier_supprime_ne_peut_pas_etre_rapproche(app, acteurs):
    """R20, R4"""
    g = acteurs.gestionnaire
    resultat = dossier_importe(app, g)
    app.supprimer_dossier(g, resultat.dossier_id, confirmer=True)
    with refus(app, "TRANSITION_INTERDITE"):
        app.rapprocher(g, resultat.affectation_id, resultat.dossier_id)


def test_la_procedure_doublon_importe_dude_aboutit_au_bon_dossier(app, acteurs):
    """R17 DOUBLON_IMPORTE_DUDE: move A's data to B, delete A, match the assignment to B."""
    g = acteurs.gestionnaire
    importe = dossier_importe(app, g)
    vu_id = entretien(app, g, importe.dossier_id, date(2026, 10, 5))
    vrai = dossier_manuel(app, g, nom="Dupond", justifie=True)
    app.transferer_donnees(g, importe.dossier_id, vrai)
    app.supprimer_dossier(g, importe.dossier_id, confirmer=True)
    nouveau = app.rapprocher(g, importe.affectation_id, vrai, confirmer=True)  # Dupond (R4)
    app.accepter_ppae(g, nouveau.ppae_id, date(2026, 10, 1))
    cible = dossier(app, g, vrai)
    assert cible.identifiant_pe == "1234567A"
    assert vu_id in cible.evenements
    assert ppae(app, g, nouveau.ppae_id).statut is StatutPpae.EN_COURS
