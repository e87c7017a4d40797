"""Business refusals: each carries a stable code (the GraphQL contract's) and a French message."""

from __future__ import annotations


class ErreurMetier(Exception):
    code = "ERREUR_METIER"

    def __init__(self, message: str, champ: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.champ = champ
        self.details: list[ErreurMetier] = []
        """Every fault, when one refusal reports several (each with its field)."""

    def fautes(self) -> list[ErreurMetier]:
        return self.details or [self]


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

    @classmethod
    def plusieurs(cls, fautes: list[ErreurMetier]) -> ErreurMetier:
        """One refusal for every faulty field of an input (R24), the first one as its own."""
        if len(fautes) == 1:
            return fautes[0]
        champs = ", ".join(f.champ or "?" for f in fautes)
        erreur = cls(f"{len(fautes)} champs à corriger : {champs}.", fautes[0].champ)
        erreur.details = list(fautes)
        return erreur


class NonAutorise(ErreurMetier):
    code = "NON_AUTORISE"


class CleIdempotenceReutilisee(ErreurMetier):
    code = "CLE_IDEMPOTENCE_REUTILISEE"


class DossierDejaEnPPAE(ErreurMetier):
    code = "PPAE_DEJA_OUVERT"


class IdentifiantPeEnConflit(ErreurMetier):
    code = "IDENTIFIANT_PE_EN_CONFLIT"
