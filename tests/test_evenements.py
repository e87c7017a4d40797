"""Dossier events (R7), recorded vs effective time (R12), moving a duplicate's data (R17)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.valeurs import StatutPpae, TypeEvenement
from tests.scenario import (
    DATE_ENTREE,
    dossier,
    dossier_importe,
    dossier_manuel,
    entretien,
    ids,
    ppae,
    refus,
)

ENTRETIEN = TypeEvenement.ENTRETIEN_INDIVIDUEL

# ------------------------------------------------------------------ R7


@pytest.mark.parametrize("type_evenement", list(TypeEvenement))
def test_chaque_type_d_evenement_s_enregistre_sur_le_dossier(app, acteurs, type_evenement):
    """R7"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    resultat = app.saisir_evenement(
        acteurs.conseiller, dossier_id, type_evenement, date(2026, 11, 3), "vu en agence"
    )
    evenement = dossier(app, acteurs.conseiller, dossier_id).evenements[resultat.evenement_id]
    assert evenement.type is type_evenement
    assert evenement.date == date(2026, 11, 3)
    assert evenement.commentaire == "vu en agence"
    assert evenement.enregistre_par == "conseil-1"
    assert evenement.annule is False


def test_un_evenement_date_dans_le_futur_est_une_saisie_invalide(app, acteurs):
    """R7"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    with refus(app, "SAISIE_INVALIDE") as info:
        app.saisir_evenement(acteurs.conseiller, dossier_id, ENTRETIEN, date(2026, 11, 21))
    assert info.value.champ == "date"


def test_un_commentaire_trop_long_est_une_saisie_invalide(app, acteurs):
    """R7, R24"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    with refus(app, "SAISIE_INVALIDE") as info:
        app.saisir_evenement(
            acteurs.conseiller, dossier_id, ENTRETIEN, date(2026, 11, 3), "x" * 2001
        )
    assert info.value.champ == "commentaire"


def test_un_evenement_annule_reste_dans_le_dossier_marque_annule(app, acteurs):
    """R7: cancelled, never removed."""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    evenement_id = entretien(app, acteurs.conseiller, dossier_id, date(2026, 11, 3))
    app.annuler_evenement(acteurs.conseiller, dossier_id, evenement_id, "doublon de saisie")
    annule = dossier(app, acteurs.conseiller, dossier_id).evenements[evenement_id]
    assert annule.annule is True
    assert annule.motif_annulation == "doublon de saisie"
    assert annule.date == date(2026, 11, 3)


def test_un_evenement_ne_s_annule_qu_une_fois(app, acteurs):
    """R7"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    evenement_id = entretien(app, acteurs.conseiller, dossier_id, date(2026, 11, 3))
    app.annuler_evenement(acteurs.conseiller, dossier_id, evenement_id)
    with refus(app, "TRANSITION_INTERDITE"):
        app.annuler_evenement(acteurs.conseiller, dossier_id, evenement_id)


def test_annuler_un_evenement_inconnu_est_non_trouve(app, acteurs):
    """R7"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    with refus(app, "NON_TROUVE"):
        app.annuler_evenement(acteurs.conseiller, dossier_id, "inconnu")


def test_une_correction_est_un_nouvel_evenement_qui_annule_l_ancien(app, acteurs):
    """R7: never edited in place — the old event keeps its original date."""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    ancien_id = entretien(app, acteurs.conseiller, dossier_id, date(2026, 11, 3))
    resultat = app.corriger_evenement(
        acteurs.conseiller, dossier_id, ancien_id, ENTRETIEN, date(2026, 11, 4)
    )
    evenements = dossier(app, acteurs.conseiller, dossier_id).evenements
    assert resultat.evenement_id != ancien_id
    assert evenements[ancien_id].annule is True
    assert evenements[ancien_id].date == date(2026, 11, 3)
    assert evenements[resultat.evenement_id].date == date(2026, 11, 4)
    assert evenements[resultat.evenement_id].remplace == ancien_id
    assert evenements[resultat.evenement_id].annule is False


def test_un_evenement_annule_ne_se_corrige_plus(app, acteurs):
    """R7"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    evenement_id = entretien(app, acteurs.conseiller, dossier_id, date(2026, 11, 3))
    app.annuler_evenement(acteurs.conseiller, dossier_id, evenement_id)
    with refus(app, "TRANSITION_INTERDITE"):
        app.corriger_evenement(
            acteurs.conseiller, dossier_id, evenement_id, ENTRETIEN, date(2026, 11, 4)
        )


def test_une_correction_datee_dans_le_futur_est_une_saisie_invalide(app, acteurs):
    """R7"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    evenement_id = entretien(app, acteurs.conseiller, dossier_id, date(2026, 11, 3))
    with refus(app, "SAISIE_INVALIDE"):
        app.corriger_evenement(
            acteurs.conseiller, dossier_id, evenement_id, ENTRETIEN, date(2026, 12, 1)
        )


def test_une_correction_de_date_peut_faire_entrer_le_ppae(app, acteurs):
    """R7, R8: the corrected interview, now after the entry date, is the last condition."""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    evenement_id = entretien(app, ctx, dossier_id, date(2026, 9, 20))
    app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.NON_INITIALISE
    app.corriger_evenement(ctx, dossier_id, evenement_id, ENTRETIEN, date(2026, 10, 2))
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.EN_COURS


# ------------------------------------------------------------------ R12


def test_l_instant_d_enregistrement_est_l_heure_systeme_distincte_de_la_date_d_effet(app, acteurs):
    """R12: recorded instant set by the system, never backdated; the civil date is separate."""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    avant = datetime.now(UTC)
    evenement_id = entretien(app, acteurs.conseiller, dossier_id, date(2026, 10, 1))
    apres = datetime.now(UTC)
    evenement = dossier(app, acteurs.conseiller, dossier_id).evenements[evenement_id]
    assert avant <= evenement.enregistre_le <= apres
    assert evenement.date == date(2026, 10, 1)


def test_une_correction_a_son_propre_instant_d_enregistrement(app, acteurs):
    """R12: corrections are new events, recorded when they are made."""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    ancien_id = entretien(app, acteurs.conseiller, dossier_id, date(2026, 10, 1))
    nouvel_id = app.corriger_evenement(
        acteurs.conseiller, dossier_id, ancien_id, ENTRETIEN, date(2026, 9, 30)
    ).evenement_id
    evenements = dossier(app, acteurs.conseiller, dossier_id).evenements
    assert evenements[nouvel_id].enregistre_le > evenements[ancien_id].enregistre_le


# ------------------------------------------------------------------ R17: moving data


def test_le_transfert_deplace_l_identifiant_pe_et_les_evenements_vers_la_cible(app, acteurs):
    """R17: a duplicate's data (mainly the PE identifier) moves onto the real dossier."""
    g = acteurs.gestionnaire
    doublon, _ = ids(dossier_importe(app, g))
    vu_id = entretien(app, g, doublon, date(2026, 10, 5))
    vrai = dossier_manuel(app, g, nom="Dupond")
    app.transferer_donnees(g, doublon, vrai)
    cible = dossier(app, g, vrai)
    assert cible.identifiant_pe == "1234567A"
    assert cible.evenements[vu_id].date == date(2026, 10, 5)
    assert dossier(app, g, doublon).transfere_vers == vrai


def test_le_transfert_ne_deplace_pas_les_evenements_annules(app, acteurs):
    """R17, R7"""
    g = acteurs.gestionnaire
    doublon = dossier_manuel(app, g, identifiant_pe="9000000A")
    annule_id = entretien(app, g, doublon, date(2026, 10, 5))
    app.annuler_evenement(g, doublon, annule_id)
    vrai = dossier_manuel(app, g, nom="Dupond")
    app.transferer_donnees(g, doublon, vrai)
    assert annule_id not in dossier(app, g, vrai).evenements


def test_le_transfert_peut_faire_entrer_le_ppae_ouvert_de_la_cible(app, acteurs):
    """R17, R8: the moved interview may be the last condition on the target's PPAE."""
    g = acteurs.gestionnaire
    vrai, ppae_id = ids(dossier_importe(app, g))
    app.justifier_dossier(g, vrai, "CNI")
    app.accepter_ppae(g, ppae_id, DATE_ENTREE)
    doublon = dossier_manuel(app, g, nom="Dupont-Lea", identifiant_pe="1234567A")
    entretien(app, g, doublon, date(2026, 10, 5))
    assert ppae(app, g, ppae_id).statut is StatutPpae.NON_INITIALISE
    app.transferer_donnees(g, doublon, vrai)
    assert ppae(app, g, ppae_id).statut is StatutPpae.EN_COURS


def test_un_dossier_ne_se_transfere_pas_vers_lui_meme(app, acteurs):
    """R17"""
    dossier_id = dossier_manuel(app, acteurs.gestionnaire)
    with refus(app, "SAISIE_INVALIDE"):
        app.transferer_donnees(acteurs.gestionnaire, dossier_id, dossier_id)
