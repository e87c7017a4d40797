"""Intake of assignments (R1, R2) and reference data of the Missions Locales."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from application.contexte import systeme
from domain.affectation import suggestions_refus
from domain.regles import Regles
from domain.valeurs import Conseiller, MotifRefus, StatutAffectation
from tests.scenario import (
    ML,
    affectation,
    derniere_position,
    donnees_affectation,
    recevoir,
    refus,
    rien_n_est_enregistre,
)

ZONE = ["75111", "75120", "93048"]


# ------------------------------------------------------------------ R1


def test_une_affectation_recue_deux_fois_n_est_enregistree_qu_une_fois(app):
    """R1"""
    app.recevoir_affectation(systeme(ML), donnees_affectation())
    with rien_n_est_enregistre(app):
        resultat = app.recevoir_affectation(systeme(ML), donnees_affectation())
    assert resultat.issue == "doublon"


def test_une_affectation_de_meme_id_au_contenu_different_est_un_conflit_conserve(app, acteurs):
    """R1: the conflict is kept for review, the first content is not overwritten."""
    affectation_id = recevoir(app, nom="Dupont")
    avant = derniere_position(app)
    resultat = app.recevoir_affectation(systeme(ML), donnees_affectation(nom="Durand"))
    assert resultat.issue == "conflit"
    assert derniere_position(app) > avant
    recue = affectation(app, acteurs.gestionnaire, affectation_id)
    assert len(recue.conflits) == 1
    assert recue.identite.nom == "Dupont"
    assert recue.empreinte == donnees_affectation(nom="Dupont").empreinte()


def test_le_contenu_d_une_affectation_en_conflit_est_conserve_pour_examen(app, acteurs):
    """R1: a conflict is kept for review, never silently dropped."""
    affectation_id = recevoir(app, nom="Dupont")
    app.recevoir_affectation(systeme(ML), donnees_affectation(nom="Durand"))
    conflit = list(app.events.get(affectation_id))[-1]
    assert "Durand" in repr(vars(conflit))


def test_le_meme_contenu_en_conflit_recu_une_troisieme_fois_n_enregistre_rien(app, acteurs):
    """R1"""
    affectation_id = recevoir(app, nom="Dupont")
    app.recevoir_affectation(systeme(ML), donnees_affectation(nom="Durand"))
    with rien_n_est_enregistre(app):
        app.recevoir_affectation(systeme(ML), donnees_affectation(nom="Durand"))
    assert len(affectation(app, acteurs.gestionnaire, affectation_id).conflits) == 1


def test_une_affectation_pour_une_autre_mission_locale_est_refusee(app):
    """R1, R23: an intake context only feeds its own Mission Locale."""
    with refus(app, "SAISIE_INVALIDE"):
        app.recevoir_affectation(systeme("ML999"), donnees_affectation())


def test_un_meme_id_dude_recu_par_une_autre_mission_locale_ne_touche_pas_la_notre(app, acteurs):
    """R1, R23: another ML's object is indistinguishable from one that does not exist."""
    affectation_id = recevoir(app)
    version = affectation(app, acteurs.gestionnaire, affectation_id).version
    autre = replace(donnees_affectation(nom="Autre"), code_ml="ML999")
    resultat = app.recevoir_affectation(systeme("ML999"), autre)
    app.decider_affectation(acteurs.autre_ml, resultat.affectation_id, True, None)
    assert affectation(app, acteurs.gestionnaire, affectation_id).version == version


# ------------------------------------------------------------------ R2: suggestions


def test_un_jeune_de_26_ans_a_la_date_d_affectation_est_suggere_au_refus_age():
    """R2"""
    donnees = donnees_affectation(
        date_naissance=date(2000, 6, 15), date_affectation=date(2026, 6, 15)
    )
    assert suggestions_refus(donnees, ZONE, Regles()) == [MotifRefus.AGE]


def test_un_jeune_de_25_ans_la_veille_de_son_anniversaire_n_est_pas_suggere_au_refus():
    """R2"""
    donnees = donnees_affectation(
        date_naissance=date(2000, 6, 15), date_affectation=date(2026, 6, 14)
    )
    assert suggestions_refus(donnees, ZONE, Regles()) == []


def test_le_seuil_d_age_est_configurable():
    """R2"""
    donnees = donnees_affectation(
        date_naissance=date(2001, 6, 15), date_affectation=date(2026, 6, 15)
    )
    assert suggestions_refus(donnees, ZONE, Regles(age_refus=25)) == [MotifRefus.AGE]


def test_un_jeune_ne_un_29_fevrier_a_26_ans_le_1er_mars():
    """R2: a youth born on 29 February ages on 1 March."""
    veille = donnees_affectation(
        date_naissance=date(2000, 2, 29), date_affectation=date(2026, 2, 28)
    )
    jour = replace(veille, date_affectation=date(2026, 3, 1))
    assert suggestions_refus(veille, ZONE, Regles()) == []
    assert suggestions_refus(jour, ZONE, Regles()) == [MotifRefus.AGE]


def test_une_commune_hors_zone_est_suggeree_au_refus_hors_zone():
    """R2"""
    donnees = donnees_affectation(commune_insee="13055")
    assert suggestions_refus(donnees, ZONE, Regles()) == [MotifRefus.HORS_ZONE]


def test_sans_commune_aucun_refus_hors_zone_n_est_suggere():
    """R2"""
    donnees = donnees_affectation(commune_insee=None)
    assert suggestions_refus(donnees, ZONE, Regles()) == []


# ------------------------------------------------------------------ R2: decision


def test_le_gestionnaire_accepte_une_affectation(app, acteurs):
    """R2"""
    affectation_id = recevoir(app)
    app.decider_affectation(acteurs.gestionnaire, affectation_id, True, None)
    acceptee = affectation(app, acteurs.gestionnaire, affectation_id)
    assert acceptee.statut is StatutAffectation.A_RAPPROCHER


def test_le_gestionnaire_refuse_une_affectation_avec_un_motif(app, acteurs):
    """R2"""
    affectation_id = recevoir(app)
    app.decider_affectation(acteurs.gestionnaire, affectation_id, False, MotifRefus.HORS_ZONE)
    refusee = affectation(app, acteurs.gestionnaire, affectation_id)
    assert refusee.statut is StatutAffectation.REFUSEE
    assert refusee.motif_refus is MotifRefus.HORS_ZONE


def test_un_refus_sans_motif_est_une_saisie_invalide(app, acteurs):
    """R2"""
    affectation_id = recevoir(app)
    with refus(app, "SAISIE_INVALIDE"):
        app.decider_affectation(acteurs.gestionnaire, affectation_id, False, None)


def test_une_acceptation_avec_motif_de_refus_est_une_saisie_invalide(app, acteurs):
    """R2"""
    affectation_id = recevoir(app)
    with refus(app, "SAISIE_INVALIDE"):
        app.decider_affectation(acteurs.gestionnaire, affectation_id, True, MotifRefus.AGE)


def test_une_affectation_ne_se_decide_qu_une_fois(app, acteurs):
    """R2"""
    affectation_id = recevoir(app)
    app.decider_affectation(acteurs.gestionnaire, affectation_id, True, None)
    with refus(app, "TRANSITION_INTERDITE"):
        app.decider_affectation(acteurs.gestionnaire, affectation_id, False, MotifRefus.AUTRE)


# ------------------------------------------------------------------ reference data


def test_recharger_une_mission_locale_identique_n_enregistre_rien(app):
    """DESIGN §4: loading the reference data again only records changes."""
    conseillers = [Conseiller("C1", "Claire Martin"), Conseiller("C2", "Karim Benali")]
    with rien_n_est_enregistre(app):
        resultat = app.enregistrer_mission_locale(
            systeme(ML), ML, "Mission Locale de Paris Est", list(reversed(ZONE)), conseillers
        )
    assert resultat.issue == "inchangee"


def test_recharger_les_memes_conseillers_dans_un_autre_ordre_n_enregistre_rien(app):
    """DESIGN §4: only real changes of the reference data are events."""
    conseillers = [Conseiller("C2", "Karim Benali"), Conseiller("C1", "Claire Martin")]
    with rien_n_est_enregistre(app):
        resultat = app.enregistrer_mission_locale(
            systeme(ML), ML, "Mission Locale de Paris Est", ZONE, conseillers
        )
    assert resultat.issue == "inchangee"


def test_une_zone_modifiee_est_enregistree(app):
    """DESIGN §4: zone changes are events too."""
    conseillers = list(app.mission_locale(ML).conseillers)
    avant = derniere_position(app)
    resultat = app.enregistrer_mission_locale(
        systeme(ML), ML, "Mission Locale de Paris Est", [*ZONE, "93055"], conseillers
    )
    assert resultat.issue == "modifiee"
    assert derniere_position(app) == avant + 1
    assert "93055" in app.mission_locale(ML).communes


def test_un_conseiller_ajoute_peut_etre_affecte(app):
    """DESIGN §4: counselors changes are events too."""
    ml = app.mission_locale(ML)
    nouveaux = [*ml.conseillers, Conseiller("C3", "Ines Roux")]
    resultat = app.enregistrer_mission_locale(systeme(ML), ML, ml.nom, ml.communes, nouveaux)
    assert resultat.issue == "modifiee"
    assert app.mission_locale(ML).conseiller("C3") == Conseiller("C3", "Ines Roux")


def test_l_empreinte_d_une_affectation_depend_de_son_contenu():
    """R1: the fingerprint that tells a duplicate from a conflict depends on the content."""
    donnees = donnees_affectation()
    assert donnees.empreinte() == donnees_affectation().empreinte()
    assert donnees.empreinte() != replace(donnees, identifiant_pe="9999999Z").empreinte()
