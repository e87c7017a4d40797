"""Builds a varied population of affectations, dossiers and PPAE through the application."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from application.contexte import systeme
from application.service import Cotraitance
from application.traitement.runner import Runner
from domain.affectation import DonneesAffectation
from domain.valeurs import Identite, MotifSortie, TypeAffectation, TypeEvenement
from tests.conftest import ML, Acteurs


@dataclass
class Population:
    affectations: list[UUID] = field(default_factory=list)
    dossiers: list[UUID] = field(default_factory=list)
    ppaes: list[UUID] = field(default_factory=list)


def peupler(
    app: Cotraitance,
    acteurs: Acteurs,
    nombre: int,
    projecteur: Runner | None = None,
    debut: int = 0,
) -> Population:
    """Each youth goes a step further than the previous one; the projector may run meanwhile.
    ``debut``: the first youth's number (another population beside an earlier one)."""
    g, c = acteurs.gestionnaire, acteurs.conseiller
    population = Population()
    for i in range(debut, debut + nombre):
        donnees = DonneesAffectation(
            id_affectation=f"DUDE-T-{i:05d}",
            code_ml=ML,
            date_affectation=date(2026, 10, 1) + timedelta(days=i % 20),
            type_affectation=TypeAffectation.INITIALE,
            identifiant_pe=f"{1000000 + i}X",
            identite=Identite(f"Nom{i}", f"Prénom{i}", date(2004, 1, 1) + timedelta(days=i)),
        )
        a = app.recevoir_affectation(systeme(ML), donnees).affectation_id
        assert a is not None
        app.decider_affectation(g, a, True, None)
        r = app.creer_dossier_importe(g, a)
        assert r.dossier_id is not None
        assert r.ppae_id is not None
        population.affectations.append(a)
        population.dossiers.append(r.dossier_id)
        population.ppaes.append(r.ppae_id)
        etape = i % 4
        if etape >= 1:
            app.affecter_conseiller(g, r.ppae_id, "C1" if i % 2 else "C2")
        if etape >= 2:
            app.justifier_dossier(c, r.dossier_id, "CNI")
            app.saisir_evenement(
                c, r.dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, date(2026, 11, 2)
            )
            app.accepter_ppae(c, r.ppae_id, date(2026, 11, 2))
        if etape >= 3:
            app.sortir_ppae(c, r.ppae_id, date(2026, 11, 15), MotifSortie.EMPLOI_DURABLE)
        if projecteur is not None and i % 3 == 0:
            projecteur.rattraper(lot=5)
    return population
