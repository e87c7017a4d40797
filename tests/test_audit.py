"""Actor metadata on every event, a dossier's history and its state at an instant (R21)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from application.audit import etat_au, historique
from domain.dossier import Dossier
from domain.ppae import PPAE
from domain.valeurs import MotifArret
from tests.scenario import (
    DATE_ENTREE,
    affectation_acceptee,
    dossier_importe,
    ids,
    ppae_en_cours,
    refus,
)


def test_chaque_evenement_enregistre_porte_acteur_role_mission_locale_et_correlation(app, acteurs):
    """R21"""
    ctx = acteurs.gestionnaire
    resultat = dossier_importe(app, ctx)
    agregats = [resultat.dossier_id, resultat.ppae_id, resultat.affectation_id]
    metas = [vars(e)["_meta"] for i in agregats for e in app.events.get(i)]
    assert metas
    for meta in metas:
        assert {"acteur", "role", "ml", "correlation"} <= meta.keys()
        assert meta["ml"] == "ML001"


def test_une_commande_sur_plusieurs_agregats_partage_une_correlation(app, acteurs):
    """R21: one command, one correlation id, whatever it touches."""
    affectation_id = affectation_acceptee(app, acteurs.gestionnaire)
    ctx = replace(acteurs.gestionnaire, correlation_id="corr-import")
    resultat = app.creer_dossier_importe(ctx, affectation_id)
    metas = [
        vars(e)["_meta"] for i in (resultat.dossier_id, resultat.ppae_id) for e in app.events.get(i)
    ]
    metas.append(vars(list(app.events.get(affectation_id))[-1])["_meta"])
    assert {m["correlation"] for m in metas} == {"corr-import"}
    assert {(m["acteur"], m["role"]) for m in metas} == {("gestion-1", "GESTIONNAIRE")}


def test_la_cle_d_idempotence_est_gardee_dans_les_metadonnees(app, acteurs):
    """R21"""
    ctx = replace(acteurs.gestionnaire, cle_idempotence="cle-42")
    resultat = dossier_importe(app, ctx)
    dernier = list(app.events.get(resultat.dossier_id))[-1]
    assert vars(dernier)["_meta"]["cle"] == "cle-42"


def test_l_historique_liste_les_faits_du_dossier_du_ppae_et_de_l_affectation(app, acteurs):
    """R21: recorded instant, effective date, actor."""
    resultat = ppae_en_cours(app, acteurs.gestionnaire)
    faits = historique(app, acteurs.auditeur, resultat.dossier_id)
    assert {f.agregat_id for f in faits} == {
        resultat.dossier_id,
        resultat.ppae_id,
        resultat.affectation_id,
    }
    assert [f.position for f in faits] == list(range(1, len(faits) + 1))
    assert [f.enregistre_le for f in faits] == sorted(f.enregistre_le for f in faits)
    recue = next(f for f in faits if f.type == "Affectation.Recue")
    assert (recue.acteur, recue.role) == ("systeme", "SYSTEME")
    accepte = next(f for f in faits if f.type == "PPAE.Accepte")
    assert (accepte.acteur, accepte.role) == ("gestion-1", "GESTIONNAIRE")
    assert accepte.date_effet == DATE_ENTREE
    assert accepte.enregistre_le.date() != accepte.date_effet


def test_l_historique_ne_livre_pas_les_metadonnees_techniques_dans_les_donnees(app, acteurs):
    """R21"""
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    for fait in historique(app, acteurs.auditeur, dossier_id):
        assert "_meta" not in fait.donnees
        assert "originator_id" not in fait.donnees


def test_l_etat_au_montre_le_dossier_tel_qu_enregistre_a_cet_instant(app, acteurs):
    """R21: what did we know, when."""
    ctx = acteurs.gestionnaire
    dossier_id, _ = ids(dossier_importe(app, ctx))
    avant_justification = datetime.now(UTC)
    app.justifier_dossier(ctx, dossier_id, "CNI")
    apres_justification = datetime.now(UTC)
    assert etat_au(app, acteurs.auditeur, Dossier, dossier_id, avant_justification).justifie is (
        False
    )
    assert etat_au(app, acteurs.auditeur, Dossier, dossier_id, apres_justification).justifie


def test_l_etat_au_avant_la_creation_est_introuvable(app, acteurs):
    """R21"""
    avant = datetime.now(UTC)
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "NON_TROUVE"):
        etat_au(app, acteurs.auditeur, Dossier, dossier_id, avant)


@pytest.mark.parametrize(
    "lecture",
    [
        lambda app, ctx, d, p: historique(app, ctx, d),
        lambda app, ctx, d, p: etat_au(app, ctx, PPAE, p, datetime.now(UTC)),
    ],
    ids=["historique", "etat_au"],
)
def test_un_conseiller_n_a_pas_acces_a_l_audit(app, acteurs, lecture):
    """R21, R23: history is the auditors'."""
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    with refus(app, "NON_AUTORISE"):
        lecture(app, acteurs.conseiller, dossier_id, ppae_id)


def test_un_auditeur_d_une_autre_mission_locale_ne_trouve_pas_le_dossier(app, acteurs):
    """R21, R23"""
    dossier_id, _ = ids(dossier_importe(app, acteurs.gestionnaire))
    auditeur_ailleurs = replace(
        acteurs.auditeur, acteur=replace(acteurs.auditeur.acteur, code_ml="ML999")
    )
    with refus(app, "NON_TROUVE"):
        historique(app, auditeur_ailleurs, dossier_id)


def test_l_historique_couvre_tous_les_ppae_du_dossier_et_leurs_affectations(app, acteurs):
    """R21: a reassigned youth's full history."""
    g = acteurs.gestionnaire
    premier = dossier_importe(app, g)
    app.arreter_cotraitance(g, premier.ppae_id, MotifArret.REFUS_DU_JEUNE)
    second = app.rapprocher(g, affectation_acceptee(app, g, "AFF-2"), premier.dossier_id)
    agregats = {f.agregat_id for f in historique(app, acteurs.auditeur, premier.dossier_id)}
    assert {premier.ppae_id, premier.affectation_id, second.ppae_id, second.affectation_id} <= (
        agregats
    )
