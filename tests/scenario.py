"""Small builders for the business-rule tests: each gets the application to a known point."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from application.contexte import Contexte, Resultat, systeme
from application.service import Cotraitance
from domain.affectation import Affectation, DonneesAffectation
from domain.dossier import Dossier
from domain.erreurs import ErreurMetier
from domain.ppae import PPAE
from domain.valeurs import (
    Acteur,
    Dispositif,
    Identite,
    Role,
    StatutRendezVous,
    TypeAffectation,
    TypeEvenement,
)

ML = "ML001"
AUJOURDHUI = date(2026, 11, 20)
DATE_AFFECTATION = date(2026, 9, 1)
DATE_ENTREE = date(2026, 10, 1)
NAISSANCE = date(2004, 3, 15)

GESTIONNAIRE = Contexte(Acteur("gestion-1", Role.GESTIONNAIRE, ML))

_CHAMPS_IDENTITE = {
    "nom",
    "prenoms",
    "date_naissance",
    "nom_usage",
    "commune_insee",
    "telephone",
    "email",
    "sexe",
}


def identite(**champs: Any) -> Identite:
    defaut = Identite(
        nom="Dupont",
        prenoms="Lea",
        date_naissance=NAISSANCE,
        commune_insee="75111",
        code_postal="75011",
    )
    return replace(defaut, **champs)


def donnees_affectation(id_affectation: str = "AFF-1", **champs: Any) -> DonneesAffectation:
    """An assignment from the DUDE; identity fields (nom, date_naissance…) are overridable too."""
    modifs_identite = {k: champs.pop(k) for k in list(champs) if k in _CHAMPS_IDENTITE}
    donnees = DonneesAffectation(
        id_affectation=id_affectation,
        code_ml=ML,
        date_affectation=DATE_AFFECTATION,
        type_affectation=TypeAffectation.INITIALE,
        identifiant_pe="1234567A",
        identite=identite(**modifs_identite),
    )
    return replace(donnees, **champs)


def recevoir(app: Cotraitance, id_affectation: str = "AFF-1", **champs: Any) -> UUID:
    resultat = app.recevoir_affectation(systeme(ML), donnees_affectation(id_affectation, **champs))
    assert resultat.affectation_id is not None
    return resultat.affectation_id


def affectation_acceptee(
    app: Cotraitance, ctx: Contexte, id_affectation: str = "AFF-1", **champs: Any
) -> UUID:
    affectation_id = recevoir(app, id_affectation, **champs)
    app.decider_affectation(ctx, affectation_id, True, None)
    return affectation_id


def dossier_importe(
    app: Cotraitance, ctx: Contexte, id_affectation: str = "AFF-1", **champs: Any
) -> Resultat:
    """R4: an accepted assignment of an unknown youth → dossier IMPORTE_DUDE + PPAE."""
    affectation_id = affectation_acceptee(app, ctx, id_affectation, **champs)
    return app.creer_dossier_importe(ctx, affectation_id)


def dossier_manuel(
    app: Cotraitance,
    ctx: Contexte,
    identifiant_pe: str | None = None,
    dispositifs: list[Dispositif] | None = None,
    justifie: bool = False,
    **champs_identite: Any,
) -> UUID:
    resultat = app.creer_dossier(
        ctx, identite(**champs_identite), identifiant_pe, dispositifs or [], justifie
    )
    assert resultat.dossier_id is not None
    return resultat.dossier_id


def dossier_rapproche(
    app: Cotraitance,
    ctx: Contexte,
    id_affectation: str = "AFF-1",
    identifiant_pe_dossier: str | None = None,
    **champs: Any,
) -> Resultat:
    """R4: an accepted assignment matched to a dossier created by hand."""
    dossier_id = dossier_manuel(app, ctx, identifiant_pe=identifiant_pe_dossier)
    affectation_id = affectation_acceptee(app, ctx, id_affectation, **champs)
    return app.rapprocher(ctx, affectation_id, dossier_id)


def ids(resultat: Resultat) -> tuple[UUID, UUID]:
    """(dossier_id, ppae_id) of a command that opened a PPAE."""
    assert resultat.dossier_id is not None
    assert resultat.ppae_id is not None
    return resultat.dossier_id, resultat.ppae_id


def rendez_vous(app: Cotraitance, ctx: Contexte, ppae_id: UUID, jour: date) -> str:
    """R6: the manager assigns a counselor if needed, then an appointment is proposed."""
    if ppae(app, ctx, ppae_id).conseiller_id is None:
        app.affecter_conseiller(GESTIONNAIRE, ppae_id, "C1")
    resultat = app.proposer_rendez_vous(ctx, ppae_id, jour)
    assert resultat.rendez_vous_id is not None
    return resultat.rendez_vous_id


def absences(app: Cotraitance, ctx: Contexte, ppae_id: UUID, nombre: int) -> None:
    for rang in range(nombre):
        rdv = rendez_vous(app, ctx, ppae_id, date(2026, 10, 1 + rang))
        app.renseigner_rendez_vous(ctx, ppae_id, rdv, StatutRendezVous.ABSENT)


def entretien(app: Cotraitance, ctx: Contexte, dossier_id: UUID, jour: date) -> str:
    resultat = app.saisir_evenement(ctx, dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, jour)
    assert resultat.evenement_id is not None
    return resultat.evenement_id


def ppae_en_cours(
    app: Cotraitance, ctx: Contexte, id_affectation: str = "AFF-1", **champs: Any
) -> Resultat:
    """R8: justified, accepted on DATE_ENTREE, interviewed after it → EN_COURS."""
    resultat = dossier_importe(app, ctx, id_affectation, **champs)
    dossier_id, ppae_id = ids(resultat)
    app.justifier_dossier(ctx, dossier_id, "CNI")
    app.accepter_ppae(ctx, ppae_id, DATE_ENTREE)
    entretien(app, ctx, dossier_id, date(2026, 10, 5))
    return resultat


def dossier(app: Cotraitance, ctx: Contexte, dossier_id: UUID) -> Dossier:
    return app.charger(ctx, Dossier, dossier_id)


def ppae(app: Cotraitance, ctx: Contexte, ppae_id: UUID) -> PPAE:
    return app.charger(ctx, PPAE, ppae_id)


def affectation(app: Cotraitance, ctx: Contexte, affectation_id: UUID) -> Affectation:
    return app.charger(ctx, Affectation, affectation_id)


def derniere_position(app: Cotraitance) -> int:
    return app.recorder.max_notification_id() or 0


@contextmanager
def rien_n_est_enregistre(app: Cotraitance) -> Iterator[None]:
    """Whatever happens inside, no event reaches the store."""
    avant = derniere_position(app)
    yield
    assert derniere_position(app) == avant, "des événements ont été enregistrés"


@contextmanager
def refus(app: Cotraitance, code: str) -> Iterator[pytest.ExceptionInfo[ErreurMetier]]:
    """The command inside is refused with ``code`` and leaves the store untouched (R24)."""
    with rien_n_est_enregistre(app), pytest.raises(ErreurMetier) as info:
        yield info
    assert info.value.code == code, f"{info.value.code}: {info.value.message}"
