"""The contract's mutation inputs and payloads."""

from __future__ import annotations

from datetime import date

import strawberry

from api.erreurs import Erreur
from api.types import PPAE, Affectation, Avertissement, Dossier, Evenement
from api.types.affectation import Candidat
from api.types.flux import FluxDude
from domain.valeurs import (
    MotifArret,
    MotifRefus,
    MotifSortie,
    Sexe,
    StatutRendezVous,
    TypeEvenement,
)


@strawberry.input
class CreerDossierInput:
    nom: str
    nom_usage: str | None = None
    prenoms: str
    date_naissance: date
    sexe: Sexe | None = None
    commune_insee: str | None = None
    code_postal: str | None = None
    telephone: str | None = None
    email: str | None = None
    identifiant_pe: str | None = None
    cle_idempotence: str | None = None


@strawberry.type
class CreerDossierPayload:
    dossier: Dossier | None = None
    doublons_probables: list[Candidat] = strawberry.field(
        default_factory=list,
        description="R4: dossiers of the same ML that are probably the same youth.",
    )
    erreurs: list[Erreur] = strawberry.field(default_factory=list)


@strawberry.type
class ActualisationPayload:
    reexaminees: int = 0
    erreurs: list[Erreur] = strawberry.field(default_factory=list)


@strawberry.input(description="Beyond the contract (R1): adopt or dismiss a conflicting content.")
class ResoudreConflitAffectationInput:
    affectation_id: strawberry.ID
    empreinte: str = strawberry.field(description="ContenuEnConflit.empreinte")
    adopter: bool = strawberry.field(
        description="true: the content replaces the affectation's; false: it is dismissed."
    )
    cle_idempotence: str | None = None


@strawberry.input
class DeciderAffectationInput:
    affectation_id: strawberry.ID
    accepter: bool
    motif_refus: MotifRefus | None = None
    cle_idempotence: str | None = None


@strawberry.type
class AffectationPayload:
    affectation: Affectation | None = None
    erreurs: list[Erreur] = strawberry.field(default_factory=list)


@strawberry.input
class CreerDossierImporteInput:
    affectation_id: strawberry.ID
    cle_idempotence: str | None = None


@strawberry.input
class RapprocherInput:
    affectation_id: strawberry.ID
    dossier_id: strawberry.ID
    confirmer: bool | None = strawberry.field(
        default=False,
        description="Needed when the dossier's birth date or names differ from the "
        "affectation's beyond one variation matching sees through (a typo, a swap, a first "
        "name missing): exactly when it would not be AUTOMATIQUE on identity (the refusal "
        "CONFIRMATION_REQUISE lists them).",
    )
    cle_idempotence: str | None = None


@strawberry.type
class RapprochementPayload:
    affectation: Affectation | None = None
    dossier: Dossier | None = None
    ppae: PPAE | None = None
    erreurs: list[Erreur] = strawberry.field(default_factory=list)
    avertissements: list[Avertissement] = strawberry.field(
        default_factory=list,
        description="Beyond the contract: e.g. DOSSIER_NON_CANDIDAT when the chosen dossier was "
        "not among the candidates proposed.",
    )


@strawberry.input
class AffecterConseillerInput:
    ppae_id: strawberry.ID
    conseiller_id: strawberry.ID
    version_attendue: int | None = None
    cle_idempotence: str | None = None


@strawberry.input
class ProposerRendezVousInput:
    ppae_id: strawberry.ID
    date: date
    version_attendue: int | None = None
    cle_idempotence: str | None = None


@strawberry.input
class RenseignerRendezVousInput:
    ppae_id: strawberry.ID
    rendez_vous_id: strawberry.ID
    statut: StatutRendezVous
    cle_idempotence: str | None = None


@strawberry.type
class PPAEPayload:
    ppae: PPAE | None = None
    avertissements: list[Avertissement] = strawberry.field(default_factory=list)
    erreurs: list[Erreur] = strawberry.field(default_factory=list)


@strawberry.input
class SaisirEvenementInput:
    dossier_id: strawberry.ID
    type: TypeEvenement
    date: date
    commentaire: str | None = strawberry.field(
        default=None, description="Stays in the system; never sent to the DUDE."
    )
    cle_idempotence: str | None = None


@strawberry.input
class AnnulerEvenementInput:
    dossier_id: strawberry.ID
    evenement_id: strawberry.ID
    motif: str | None = None
    cle_idempotence: str | None = None


@strawberry.input
class CorrigerEvenementInput:
    dossier_id: strawberry.ID
    evenement_id: strawberry.ID
    type: TypeEvenement
    date: date
    cle_idempotence: str | None = None


@strawberry.type
class EvenementPayload:
    evenement: Evenement | None = None
    dossier: Dossier | None = None
    erreurs: list[Erreur] = strawberry.field(default_factory=list)


@strawberry.input
class JustifierDossierInput:
    dossier_id: strawberry.ID
    piece: str = strawberry.field(description="Kind of proof seen, e.g. CNI, PASSEPORT.")
    version_attendue: int | None = None
    cle_idempotence: str | None = None


@strawberry.type
class DossierPayload:
    dossier: Dossier | None = None
    erreurs: list[Erreur] = strawberry.field(default_factory=list)


@strawberry.input
class AccepterPpaeInput:
    ppae_id: strawberry.ID
    date_entree: date = strawberry.field(description="May be in the past (R9).")
    version_attendue: int | None = None
    cle_idempotence: str | None = None


@strawberry.input
class ArreterCotraitanceInput:
    ppae_id: strawberry.ID
    motif: MotifArret
    demander_reaffectation: bool | None = False
    version_attendue: int | None = None
    cle_idempotence: str | None = None


@strawberry.input
class SortirPpaeInput:
    ppae_id: strawberry.ID
    date_sortie: date
    motif: MotifSortie
    version_attendue: int | None = None
    cle_idempotence: str | None = None


@strawberry.input
class AnnulerRapprochementInput:
    ppae_id: strawberry.ID
    cle_idempotence: str | None = None


@strawberry.input
class TransfererDonneesInput:
    dossier_source_id: strawberry.ID
    dossier_cible_id: strawberry.ID
    cle_idempotence: str | None = None


@strawberry.input
class SupprimerDossierInput:
    dossier_id: strawberry.ID
    confirmer: bool
    cle_idempotence: str | None = None


@strawberry.input
class RenvoyerFluxInput:
    flux_id: strawberry.ID
    cle_idempotence: str | None = strawberry.field(
        default=None, description="Accepted; a re-send is idempotent by nature (same flow, key)."
    )


@strawberry.type
class FluxPayload:
    flux: FluxDude | None = None
    erreurs: list[Erreur] = strawberry.field(default_factory=list)
