"""Business refusals: each carries a stable code (the GraphQL contract's) and a French message."""

from __future__ import annotations


class ErreurMetier(Exception):
    code = "ERREUR_METIER"

    def __init__(self, message: str, champ: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.champ = champ


class NonTrouve(ErreurMetier):
    code = "NON_TROUVE"


class ConflitVersion(ErreurMetier):
    code = "CONFLIT_VERSION"


class TransitionInterdite(ErreurMetier):
    code = "TRANSITION_INTERDITE"


class ConditionsNonRemplies(ErreurMetier):
    code = "CONDITIONS_NON_REMPLIES"


class DateEntreeInvalide(ErreurMetier):
    code = "DATE_ENTREE_INVALIDE"


class DateSortieInvalide(ErreurMetier):
    code = "DATE_SORTIE_INVALIDE"


class RapprochementNonAnnulable(ErreurMetier):
    code = "RAPPROCHEMENT_NON_ANNULABLE"


class SuppressionInterdite(ErreurMetier):
    code = "SUPPRESSION_INTERDITE"


class ConfirmationRequise(ErreurMetier):
    code = "CONFIRMATION_REQUISE"


class FluxDejaTransmis(ErreurMetier):
    code = "FLUX_DEJA_TRANSMIS"


class SaisieInvalide(ErreurMetier):
    code = "SAISIE_INVALIDE"


class NonAutorise(ErreurMetier):
    code = "NON_AUTORISE"


class CleIdempotenceReutilisee(ErreurMetier):
    code = "CLE_IDEMPOTENCE_REUTILISEE"


class DossierDejaEnPPAE(ErreurMetier):
    code = "PPAE_DEJA_OUVERT"
