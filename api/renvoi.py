"""``renvoyerFluxEnMasse`` (R15): every flow of the actor's ML in a state (of a type, made
those days) due again, same flows, same keys; GESTIONNAIRE and ADMIN (R23). Beyond the
contract, beside ``renvoyerFlux`` (one flow), whose shape stays."""

from __future__ import annotations

import logging
from datetime import date

import strawberry

from api.contexte import en_thread
from api.erreurs import Erreur, interdit
from api.types import Ctx
from domain.acces import Capacite, autorise
from domain.erreurs import SaisieInvalide, TransitionInterdite
from domain.flux import StatutFlux, TypeFlux
from integrations.dude import registre

journal = logging.getLogger("cotraitance.api")


@strawberry.input(description="Beyond the contract (R15): which flows to re-send at once.")
class RenvoyerFluxEnMasseInput:
    etat: StatutFlux = strawberry.field(
        description="REJETE; EN_ATTENTE (those already tried); ENVOYE (lease over)."
    )
    type: TypeFlux | None = None
    du: date | None = strawberry.field(default=None, description="First day made (Paris).")
    au: date | None = strawberry.field(default=None, description="Last day made (Paris).")
    cle_idempotence: str | None = strawberry.field(
        default=None, description="Accepted; a re-send is idempotent by nature."
    )


@strawberry.type
class RenvoiEnMassePayload:
    renvoyes: int = 0
    """How many flows are due again."""
    erreurs: list[Erreur] = strawberry.field(default_factory=list)


def _refus(code: str, message: str, champ: str | None = None) -> RenvoiEnMassePayload:
    return RenvoiEnMassePayload(erreurs=[Erreur(code=code, message=message, champ=champ)])


DESCRIPTION = (
    "Beyond the contract (R15): the ML's flows in that state (and type, days made) due again, "
    "same keys; GESTIONNAIRE and ADMIN."
)


async def renvoyer_flux_en_masse(
    info: Ctx, input: RenvoyerFluxEnMasseInput
) -> RenvoiEnMassePayload:
    ctx = info.context
    acteur = ctx.acteur
    if not autorise(acteur, Capacite.GERER):  # FORBIDDEN, as every role refusal (docs/api.md)
        raise interdit(f"Le rôle {acteur.role.value} ne permet pas cette action.")
    if input.etat not in registre.RENVOYABLES:
        message = f"Un flux {input.etat.value} ne se renvoie pas : il est déjà livré."
        return _refus(TransitionInterdite.code, message, "etat")
    if input.du and input.au and input.au < input.du:
        return _refus(SaisieInvalide.code, "« au » précède « du ».", "au")

    def renvoyer() -> int:
        with ctx.service.ecriture() as cur:
            return registre.renvoyer_en_masse(
                cur, acteur.code_ml, input.etat, input.type, input.du, input.au
            )

    nombre = await en_thread(renvoyer)
    journal.info(
        "bulk re-send by %s (%s): %d %s flow(s)",
        acteur.sub,
        acteur.code_ml,
        nombre,
        input.etat.value,
    )
    return RenvoiEnMassePayload(renvoyes=nombre)
