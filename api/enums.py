"""The contract's enums: the domain's own, exposed under the same names."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain import flux, rapprochement, valeurs


@strawberry.enum(name="Role")
class RoleApi(Enum):
    GESTIONNAIRE = "GESTIONNAIRE"
    CONSEILLER = "CONSEILLER"
    AUDITEUR = "AUDITEUR"
    INTEGRATEUR = "INTEGRATEUR"
    ADMIN = "ADMIN"


def role_api(role: valeurs.Role | str | None) -> RoleApi | None:
    valeur = role.value if isinstance(role, valeurs.Role) else role
    return RoleApi(valeur) if valeur in RoleApi.__members__ else None


Sexe = strawberry.enum(valeurs.Sexe)
StatutAffectation = strawberry.enum(valeurs.StatutAffectation)
ListeCotraitance = strawberry.enum(valeurs.ListeCotraitance)
MotifRefus = strawberry.enum(valeurs.MotifRefus)
TypeAffectation = strawberry.enum(valeurs.TypeAffectation)
MarqueurDude = strawberry.enum(valeurs.MarqueurDude)
TypeEvenement = strawberry.enum(valeurs.TypeEvenement)
StatutPpae = strawberry.enum(valeurs.StatutPpae)
StatutCotraitance = strawberry.enum(valeurs.StatutCotraitance)
MotifSortie = strawberry.enum(valeurs.MotifSortie)
MotifArret = strawberry.enum(valeurs.MotifArret)
StatutRendezVous = strawberry.enum(valeurs.StatutRendezVous)
TypeFlux = strawberry.enum(flux.TypeFlux)
StatutFlux = strawberry.enum(flux.StatutFlux)
DecisionRapprochement = strawberry.enum(rapprochement.Decision, name="DecisionRapprochement")
