"""What every command shares: idempotency keys, expected versions, tenancy and roles (R21, R23)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.ppae import PPAE
from domain.valeurs import (
    MotifArret,
    MotifRefus,
    MotifSortie,
    Periode,
    StatutRendezVous,
    TypeEvenement,
)
from tests.scenario import (
    DATE_ENTREE,
    affectation_acceptee,
    dossier,
    dossier_importe,
    dossier_manuel,
    entretien,
    identite,
    ids,
    ppae,
    recevoir,
    refus,
    rendez_vous,
    rien_n_est_enregistre,
)


def avec_cle(ctx, cle="cle-1"):
    return replace(ctx, cle_idempotence=cle)


# ------------------------------------------------------------------ idempotency


def test_une_commande_rejouee_avec_la_meme_cle_rend_le_meme_resultat_sans_rien_enregistrer(
    app, acteurs
):
    """Idempotency: a retried request is answered from the first run."""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    ctx = avec_cle(acteurs.conseiller)
    premier = app.saisir_evenement(ctx, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 3))
    with rien_n_est_enregistre(app):
        second = app.saisir_evenement(ctx, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 3))
    assert second == premier
    assert len(dossier(app, acteurs.conseiller, dossier_id).evenements) == 1


def test_une_creation_rejouee_ne_cree_pas_de_second_dossier(app, acteurs):
    """Idempotency"""
    ctx = avec_cle(acteurs.conseiller)
    premier = app.creer_dossier(ctx, identite())
    with rien_n_est_enregistre(app):
        assert app.creer_dossier(ctx, identite()) == premier


def test_un_resultat_rejoue_garde_ses_avertissements(app, acteurs):
    """Idempotency, R9: the replayed answer is the first one, warnings included."""
    radiation = (Periode(date(2026, 9, 20), date(2026, 10, 20)),)
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire, periodes_radiation=radiation))
    ctx = avec_cle(acteurs.conseiller)
    premier = app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    with rien_n_est_enregistre(app):
        second = app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    assert second == premier
    assert [a.code for a in second.avertissements] == ["ENTREE_PENDANT_RADIATION"]


def test_une_cle_reutilisee_pour_une_autre_saisie_est_refusee(app, acteurs):
    """Idempotency"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    ctx = avec_cle(acteurs.conseiller)
    app.saisir_evenement(ctx, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 3))
    with refus(app, "CLE_IDEMPOTENCE_REUTILISEE"):
        app.saisir_evenement(ctx, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 4))


def test_une_meme_cle_sert_a_des_commandes_differentes_independamment(app, acteurs):
    """Idempotency: a key is scoped to its command."""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    ctx = avec_cle(acteurs.conseiller)
    app.justifier_dossier(ctx, dossier_id, "CNI")
    app.saisir_evenement(ctx, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 3))
    assert len(dossier(app, acteurs.conseiller, dossier_id).evenements) == 1


def test_la_cle_d_une_autre_mission_locale_ne_rejoue_pas_notre_resultat(app, acteurs):
    """Idempotency, R23: keys are scoped to the Mission Locale."""
    premier = app.creer_dossier(avec_cle(acteurs.conseiller), identite())
    autre = app.creer_dossier(avec_cle(acteurs.autre_ml), identite())
    assert autre.dossier_id != premier.dossier_id
    assert app.charger(acteurs.autre_ml, Dossier, autre.dossier_id).code_ml == "ML999"


# ------------------------------------------------------------------ expected versions


def test_une_version_attendue_perimee_est_un_conflit_de_version(app, acteurs):
    """Optimistic concurrency: the client saw an older version."""
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    vue = ppae(app, acteurs.gestionnaire, ppae_id).version
    app.affecter_conseiller(acteurs.gestionnaire, ppae_id, "C1")
    with refus(app, "CONFLIT_VERSION"):
        app.accepter_ppae(acteurs.conseiller, ppae_id, DATE_ENTREE, version_attendue=vue)


def test_une_version_attendue_a_jour_passe(app, acteurs):
    """Optimistic concurrency"""
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    vue = dossier(app, acteurs.conseiller, dossier_id).version
    app.justifier_dossier(acteurs.conseiller, dossier_id, "CNI", version_attendue=vue)
    assert dossier(app, acteurs.conseiller, dossier_id).justifie is True


# ------------------------------------------------------------------ tenancy and roles


@dataclass
class Monde:
    a_decider: UUID
    acceptee: UUID
    dossier_id: UUID
    ppae_id: UUID
    autre_dossier: UUID
    evenement_id: str
    rdv: str


@pytest.fixture
def monde(app, acteurs) -> Monde:
    g = acteurs.gestionnaire
    dossier_id, ppae_id = ids(dossier_importe(app, g))
    return Monde(
        a_decider=recevoir(app, "AFF-2"),
        acceptee=affectation_acceptee(app, g, "AFF-3"),
        dossier_id=dossier_id,
        ppae_id=ppae_id,
        autre_dossier=dossier_manuel(app, g, nom="Autre"),
        evenement_id=entretien(app, g, dossier_id, date(2026, 10, 5)),
        rdv=rendez_vous(app, g, ppae_id, date(2026, 11, 10)),
    )


COMMANDES = {
    "decider_affectation": lambda a, c, m: a.decider_affectation(c, m.a_decider, True, None),
    "creer_dossier_importe": lambda a, c, m: a.creer_dossier_importe(c, m.acceptee),
    "rapprocher": lambda a, c, m: a.rapprocher(c, m.acceptee, m.autre_dossier),
    "justifier_dossier": lambda a, c, m: a.justifier_dossier(c, m.dossier_id, "CNI"),
    "saisir_evenement": lambda a, c, m: a.saisir_evenement(
        c, m.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 3)
    ),
    "corriger_evenement": lambda a, c, m: a.corriger_evenement(
        c, m.dossier_id, m.evenement_id, TypeEvenement.ATELIER, date(2026, 11, 3)
    ),
    "annuler_evenement": lambda a, c, m: a.annuler_evenement(c, m.dossier_id, m.evenement_id),
    "transferer_donnees": lambda a, c, m: a.transferer_donnees(c, m.dossier_id, m.autre_dossier),
    "supprimer_dossier": lambda a, c, m: a.supprimer_dossier(c, m.autre_dossier, True),
    "affecter_conseiller": lambda a, c, m: a.affecter_conseiller(c, m.ppae_id, "C2"),
    "proposer_rendez_vous": lambda a, c, m: a.proposer_rendez_vous(
        c, m.ppae_id, date(2026, 11, 25)
    ),
    "renseigner_rendez_vous": lambda a, c, m: a.renseigner_rendez_vous(
        c, m.ppae_id, m.rdv, StatutRendezVous.ABSENT
    ),
    "accepter_ppae": lambda a, c, m: a.accepter_ppae(c, m.ppae_id, DATE_ENTREE),
    "arreter_cotraitance": lambda a, c, m: a.arreter_cotraitance(
        c, m.ppae_id, MotifArret.REFUS_DU_JEUNE
    ),
    "sortir_ppae": lambda a, c, m: a.sortir_ppae(
        c, m.ppae_id, date(2026, 11, 15), MotifSortie.AUTRE
    ),
    "annuler_rapprochement": lambda a, c, m: a.annuler_rapprochement(c, m.ppae_id),
}
CREATIONS = {"creer_dossier": lambda a, c, m: a.creer_dossier(c, identite())}
COMMANDES_DE_GESTION = [
    "decider_affectation",
    "creer_dossier_importe",
    "rapprocher",
    "transferer_donnees",
    "supprimer_dossier",
    "affecter_conseiller",
    "arreter_cotraitance",
    "annuler_rapprochement",
]


@pytest.mark.parametrize("commande", list(COMMANDES))
def test_un_objet_d_une_autre_mission_locale_est_introuvable(app, acteurs, monde, commande):
    """R23: another ML's object is indistinguishable from one that does not exist."""
    with refus(app, "NON_TROUVE"):
        COMMANDES[commande](app, acteurs.autre_ml, monde)


@pytest.mark.parametrize("type_agregat", [Dossier, PPAE, Affectation])
def test_lire_l_objet_d_une_autre_mission_locale_dit_la_meme_chose_qu_un_objet_inexistant(
    app, acteurs, monde, type_agregat
):
    """R23: same code, same message as for an id that exists nowhere."""
    agregat_id = {Dossier: monde.dossier_id, PPAE: monde.ppae_id, Affectation: monde.acceptee}
    with refus(app, "NON_TROUVE") as ailleurs:
        app.charger(acteurs.autre_ml, type_agregat, agregat_id[type_agregat])
    with refus(app, "NON_TROUVE") as nulle_part:
        app.charger(acteurs.gestionnaire, type_agregat, uuid4())
    assert ailleurs.value.message == nulle_part.value.message


@pytest.mark.parametrize("role", ["auditeur", "integrateur"])
@pytest.mark.parametrize("commande", list(COMMANDES | CREATIONS))
def test_auditeurs_et_integrateurs_ne_passent_aucune_commande(app, acteurs, monde, role, commande):
    """R23: AUDITEUR is read-only, INTEGRATEUR reads the feed only."""
    with refus(app, "NON_AUTORISE"):
        (COMMANDES | CREATIONS)[commande](app, getattr(acteurs, role), monde)


@pytest.mark.parametrize("commande", COMMANDES_DE_GESTION)
def test_un_conseiller_ne_passe_pas_les_commandes_du_gestionnaire(app, acteurs, monde, commande):
    """R2, R23: deciding an assignment, matching, stopping, deleting are the manager's."""
    with refus(app, "NON_AUTORISE"):
        COMMANDES[commande](app, acteurs.conseiller, monde)


def test_un_conseiller_ne_decide_pas_une_affectation(app, acteurs):
    """R2, R23"""
    affectation_id = recevoir(app)
    with refus(app, "NON_AUTORISE"):
        app.decider_affectation(acteurs.conseiller, affectation_id, False, MotifRefus.AGE)
