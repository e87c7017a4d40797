"""Resolving the intake lists (R4) and cancelling a match (R19)."""

from __future__ import annotations

from datetime import date

from domain.valeurs import MarqueurDude, MotifArret, StatutAffectation, StatutPpae
from tests.scenario import (
    AUJOURDHUI,
    affectation,
    affectation_acceptee,
    derniere_position,
    dossier,
    dossier_importe,
    dossier_manuel,
    dossier_rapproche,
    entretien,
    identite,
    ids,
    ppae,
    ppae_en_cours,
    recevoir,
    refus,
)

# ------------------------------------------------------------------ R4: create or match


def test_creer_le_dossier_d_un_de_non_connu_le_marque_importe_dude(app, acteurs):
    """R4"""
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    cree = dossier(app, acteurs.gestionnaire, dossier_id)
    assert cree.marqueur is MarqueurDude.IMPORTE_DUDE
    assert cree.identifiant_pe == "1234567A"


def test_creer_le_dossier_ouvre_un_ppae_non_initialise_lie_a_l_affectation(app, acteurs):
    """R4"""
    resultat = dossier_importe(app, acteurs.gestionnaire)
    dossier_id, ppae_id = ids(resultat)
    ouvert = ppae(app, acteurs.gestionnaire, ppae_id)
    assert ouvert.statut is StatutPpae.NON_INITIALISE
    assert ouvert.affectation_id == resultat.affectation_id
    assert ouvert.dossier_id == dossier_id
    assert dossier(app, acteurs.gestionnaire, dossier_id).ppae_ouvert == ppae_id
    rapprochee = affectation(app, acteurs.gestionnaire, resultat.affectation_id)
    assert rapprochee.statut is StatutAffectation.RAPPROCHEE
    assert rapprochee.ppae_id == ppae_id


def test_creer_le_dossier_importe_s_enregistre_en_une_seule_fois(app, acteurs):
    """R4: dossier, PPAE and affectation are saved together (one atomic save)."""
    affectation_id = affectation_acceptee(app, acteurs.gestionnaire)
    avant = derniere_position(app)
    app.creer_dossier_importe(acteurs.gestionnaire, affectation_id)
    notifications = app.recorder.select_notifications(start=avant + 1, limit=100)
    assert [n.id for n in notifications] == list(range(avant + 1, avant + 5))
    assert sorted(n.topic.rsplit(":", 1)[1] for n in notifications) == [
        "Affectation.Rapprochee",
        "Dossier.Cree",
        "Dossier.PPAEOuvert",
        "PPAE.Ouvert",
    ]


def test_creer_le_dossier_d_une_affectation_non_acceptee_est_interdit(app, acteurs):
    """R4: only accepted assignments are resolved."""
    affectation_id = recevoir(app)
    with refus(app, "TRANSITION_INTERDITE"):
        app.creer_dossier_importe(acteurs.gestionnaire, affectation_id)


def test_rapprocher_marque_le_dossier_rapproche_dude_et_copie_l_identifiant_pe(app, acteurs):
    """R4"""
    dossier_id, ppae_id = ids(dossier_rapproche(app, acteurs.gestionnaire))
    rapproche = dossier(app, acteurs.gestionnaire, dossier_id)
    assert rapproche.marqueur is MarqueurDude.RAPPROCHE_DUDE
    assert rapproche.identifiant_pe == "1234567A"
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut is StatutPpae.NON_INITIALISE


def test_un_second_ppae_sur_un_dossier_qui_en_a_un_ouvert_est_refuse(app, acteurs):
    """R4: at most one open PPAE per dossier."""
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    autre = affectation_acceptee(app, acteurs.gestionnaire, "AFF-2")
    with refus(app, "PPAE_DEJA_OUVERT"):
        app.rapprocher(acteurs.gestionnaire, autre, dossier_id)
    assert dossier(app, acteurs.gestionnaire, dossier_id).marqueur is MarqueurDude.IMPORTE_DUDE


def test_un_conseiller_cree_un_dossier_a_la_main(app, acteurs):
    """R4: a youth walking in."""
    dossier_id = dossier_manuel(app, acteurs.conseiller, nom="Nguyen", identifiant_pe="7000000A")
    cree = dossier(app, acteurs.conseiller, dossier_id)
    assert cree.identite.nom == "Nguyen"
    assert cree.marqueur is None
    assert cree.ppae_ouvert is None


def test_un_dossier_sans_nom_est_une_saisie_invalide(app, acteurs):
    """R4, R24"""
    with refus(app, "SAISIE_INVALIDE") as info:
        app.creer_dossier(acteurs.conseiller, identite(nom="  "))
    assert info.value.champ == "nom"


def test_un_dossier_ne_le_lendemain_est_une_saisie_invalide(app, acteurs):
    """R4, R24: a birth date in the future."""
    with refus(app, "SAISIE_INVALIDE") as info:
        app.creer_dossier(acteurs.conseiller, identite(date_naissance=date(2026, 11, 21)))
    assert info.value.champ == "dateNaissance"


# ------------------------------------------------------------------ R19


def test_annuler_un_rapprochement_supprime_le_ppae_non_initialise(app, acteurs):
    """R19"""
    _, ppae_id = ids(dossier_rapproche(app, acteurs.gestionnaire))
    app.annuler_rapprochement(acteurs.gestionnaire, ppae_id)
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut is StatutPpae.SUPPRIME


def test_annuler_un_rapprochement_rend_au_dossier_son_identifiant_pe_d_avant(app, acteurs):
    """R19: the dossier loses its DUDE mark and gets back its own PE identifier."""
    dossier_id, ppae_id = ids(dossier_rapproche(app, acteurs.gestionnaire))
    app.annuler_rapprochement(acteurs.gestionnaire, ppae_id)
    libere = dossier(app, acteurs.gestionnaire, dossier_id)
    assert libere.marqueur is None
    assert libere.identifiant_pe is None  # the dossier had none before the match
    assert libere.ppae_ouvert is None


def test_annuler_un_rapprochement_remet_l_affectation_a_rapprocher(app, acteurs):
    """R19: the assignment goes back to its list and can be matched to another dossier."""
    resultat = dossier_rapproche(app, acteurs.gestionnaire)
    app.annuler_rapprochement(acteurs.gestionnaire, resultat.ppae_id)
    assert (
        affectation(app, acteurs.gestionnaire, resultat.affectation_id).statut
        is StatutAffectation.A_RAPPROCHER
    )
    bon_dossier = dossier_manuel(app, acteurs.gestionnaire, nom="Dupond")
    nouveau = app.rapprocher(
        acteurs.gestionnaire, resultat.affectation_id, bon_dossier, confirmer=True
    )  # Dupond, not Dupont: the manager confirms it is the same youth (R4)
    assert ppae(app, acteurs.gestionnaire, nouveau.ppae_id).dossier_id == bon_dossier
    assert dossier(app, acteurs.gestionnaire, bon_dossier).identifiant_pe == "1234567A"


def test_un_rapprochement_importe_dude_n_est_pas_annulable_et_l_erreur_dit_quoi_faire(app, acteurs):
    """R19: refused on IMPORTE_DUDE, with what to do instead."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "RAPPROCHEMENT_NON_ANNULABLE") as info:
        app.annuler_rapprochement(acteurs.gestionnaire, ppae_id)
    assert "transférez" in info.value.message
    assert "supprimez" in info.value.message


def test_un_rapprochement_dont_le_ppae_est_en_cours_n_est_pas_annulable(app, acteurs):
    """R19"""
    dossier_id, ppae_id = ids(dossier_rapproche(app, acteurs.gestionnaire))
    app.justifier_dossier(acteurs.gestionnaire, dossier_id, "CNI")
    app.accepter_ppae(acteurs.gestionnaire, ppae_id, AUJOURDHUI)
    entretien(app, acteurs.gestionnaire, dossier_id, AUJOURDHUI)
    assert ppae(app, acteurs.gestionnaire, ppae_id).statut is StatutPpae.EN_COURS
    with refus(app, "RAPPROCHEMENT_NON_ANNULABLE"):
        app.annuler_rapprochement(acteurs.gestionnaire, ppae_id)


def test_un_ppae_importe_en_cours_n_a_pas_de_rapprochement_a_annuler(app, acteurs):
    """R19"""
    _, ppae_id = ids(ppae_en_cours(app, acteurs.gestionnaire))
    with refus(app, "RAPPROCHEMENT_NON_ANNULABLE"):
        app.annuler_rapprochement(acteurs.gestionnaire, ppae_id)


def test_annuler_un_second_rapprochement_rend_au_dossier_sa_marque_d_avant(app, acteurs):
    """R19: only the cancelled match is undone; the dossier keeps its earlier DUDE match."""
    g = acteurs.gestionnaire
    dossier_id, premier = ids(dossier_rapproche(app, g))
    app.arreter_cotraitance(g, premier, MotifArret.REFUS_DU_JEUNE, demander_reaffectation=True)
    second = app.rapprocher(g, affectation_acceptee(app, g, "AFF-2"), dossier_id)
    app.annuler_rapprochement(g, second.ppae_id)
    apres = dossier(app, g, dossier_id)
    assert apres.marqueur is MarqueurDude.RAPPROCHE_DUDE
    assert apres.identifiant_pe == "1234567A"
