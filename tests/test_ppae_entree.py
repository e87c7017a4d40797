"""The entry date of a PPAE: its bounds, retroactive entries, radiation periods (R9)."""

from __future__ import annotations

from datetime import date

import pytest

from application.audit import historique
from domain.valeurs import Periode, StatutPpae
from tests.scenario import (
    AUJOURDHUI,
    DATE_ENTREE,
    dossier_importe,
    entretien,
    ids,
    ppae,
    ppae_en_cours,
    refus,
)


def test_une_date_d_entree_future_est_invalide(app, acteurs):
    """R9"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "DATE_ENTREE_INVALIDE") as info:
        app.accepter_ppae(acteurs.conseiller, ppae_id, date(2026, 11, 21))
    assert info.value.champ == "dateEntree"


def test_une_date_d_entree_anterieure_a_l_affectation_est_invalide(app, acteurs):
    """R9"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "DATE_ENTREE_INVALIDE"):
        app.accepter_ppae(acteurs.conseiller, ppae_id, date(2026, 8, 31))


def test_une_date_d_entree_le_jour_de_l_affectation_est_valide(app, acteurs):
    """R9: on or after the assignment date."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.accepter_ppae(acteurs.conseiller, ppae_id, date(2026, 9, 1))
    assert ppae(app, acteurs.conseiller, ppae_id).date_entree == date(2026, 9, 1)


@pytest.mark.parametrize("jour", [date(2026, 10, 10), date(2026, 10, 9)], ids=["le_jour", "avant"])
def test_une_date_d_entree_au_plus_tard_au_dernier_entretien_dude_est_invalide(app, acteurs, jour):
    """R9: strictly after the last interview recorded in the DUDE."""
    resultat = dossier_importe(
        app, acteurs.gestionnaire, date_dernier_entretien_dude=date(2026, 10, 10)
    )
    with refus(app, "DATE_ENTREE_INVALIDE"):
        app.accepter_ppae(acteurs.conseiller, resultat.ppae_id, jour)


def test_une_date_d_entree_le_lendemain_du_dernier_entretien_dude_est_valide(app, acteurs):
    """R9"""
    resultat = dossier_importe(
        app, acteurs.gestionnaire, date_dernier_entretien_dude=date(2026, 10, 10)
    )
    app.accepter_ppae(acteurs.conseiller, resultat.ppae_id, date(2026, 10, 11))
    assert ppae(app, acteurs.conseiller, resultat.ppae_id).date_entree == date(2026, 10, 11)


def test_une_entree_dans_le_passe_est_retroactive(app, acteurs):
    """R9"""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.accepter_ppae(acteurs.conseiller, ppae_id, DATE_ENTREE)
    assert ppae(app, acteurs.conseiller, ppae_id).entree_retroactive is True


def test_une_entree_retroactive_est_enregistree_comme_telle_dans_l_historique(app, acteurs):
    """R9, R21: the transition event is PPAE.EntreeRetroactive."""
    dossier_id, _ = ids(ppae_en_cours(app, acteurs.gestionnaire))
    types = [f.type for f in historique(app, acteurs.auditeur, dossier_id)]
    assert "PPAE.EntreeRetroactive" in types
    assert "PPAE.EntreeEnCours" not in types


def test_une_entree_du_jour_est_enregistree_comme_entree_en_cours(app, acteurs):
    """R9, R21"""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    entretien(app, ctx, dossier_id, AUJOURDHUI)
    app.accepter_ppae(ctx, ppae_id, AUJOURDHUI)
    types = [f.type for f in historique(app, acteurs.auditeur, dossier_id)]
    assert "PPAE.EntreeEnCours" in types
    assert "PPAE.EntreeRetroactive" not in types


def test_une_entree_retroactive_prend_en_compte_les_entretiens_enregistres_depuis(app, acteurs):
    """R9: the interviews recorded since the (past) entry date count for R8."""
    ctx = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(ctx, dossier_id, "CNI")
    entretien(app, ctx, dossier_id, date(2026, 10, 20))
    assert ppae(app, ctx, ppae_id).statut is StatutPpae.NON_INITIALISE
    app.accepter_ppae(ctx, ppae_id, date(2026, 10, 15))
    entre = ppae(app, ctx, ppae_id)
    assert entre.statut is StatutPpae.EN_COURS
    assert entre.date_entree == date(2026, 10, 15)


def test_une_entree_pendant_une_radiation_reussit_avec_un_avertissement(app, acteurs):
    """R9: the command succeeds, recommending a reassignment request instead."""
    radiation = (Periode(date(2026, 9, 20), date(2026, 10, 20)),)
    resultat = dossier_importe(app, acteurs.gestionnaire, periodes_radiation=radiation)
    accepte = app.accepter_ppae(acteurs.conseiller, resultat.ppae_id, DATE_ENTREE)
    assert [a.code for a in accepte.avertissements] == ["ENTREE_PENDANT_RADIATION"]
    assert "réaffectation" in accepte.avertissements[0].message
    assert ppae(app, acteurs.conseiller, resultat.ppae_id).date_entree == DATE_ENTREE


def test_une_radiation_sans_fin_couvre_toute_entree_posterieure(app, acteurs):
    """R9: an open-ended radiation period."""
    radiation = (Periode(date(2026, 9, 20)),)
    resultat = dossier_importe(app, acteurs.gestionnaire, periodes_radiation=radiation)
    accepte = app.accepter_ppae(acteurs.conseiller, resultat.ppae_id, AUJOURDHUI)
    assert [a.code for a in accepte.avertissements] == ["ENTREE_PENDANT_RADIATION"]


def test_une_entree_hors_radiation_n_a_pas_d_avertissement(app, acteurs):
    """R9"""
    radiation = (Periode(date(2026, 9, 2), date(2026, 9, 30)),)
    resultat = dossier_importe(app, acteurs.gestionnaire, periodes_radiation=radiation)
    accepte = app.accepter_ppae(acteurs.conseiller, resultat.ppae_id, DATE_ENTREE)
    assert accepte.avertissements == []


def test_l_acceptation_d_un_ppae_en_cours_est_interdite(app, acteurs):
    """R9: acceptance is recorded on a PPAE still non initialisé."""
    _, ppae_id = ids(ppae_en_cours(app, acteurs.gestionnaire))
    with refus(app, "TRANSITION_INTERDITE"):
        app.accepter_ppae(acteurs.conseiller, ppae_id, date(2026, 10, 2))


def test_les_bornes_de_la_date_d_entree_suivent_l_horloge(app, acteurs, horloge):
    """R9: 'the future' is judged against today's civil date."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    horloge.jour = AUJOURDHUI.replace(day=25)
    app.accepter_ppae(acteurs.conseiller, ppae_id, date(2026, 11, 24))
    assert ppae(app, acteurs.conseiller, ppae_id).date_entree == date(2026, 11, 24)
