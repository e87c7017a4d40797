"""GraphQL documents and helpers shared by the schema-level tests (queries and mutations)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.ids import encoder_id
from application.service import Cotraitance
from domain.valeurs import Role
from tests.api_outils import Api

ERREURS = "erreurs { code champ message }"
IDENTITE = (
    "identite { nom nomUsage prenoms dateNaissance sexe communeInsee codePostal telephone email }"
)
PPAE_CHAMPS = """id version statut statutCotraitance dateAffectation dateEntree entreeRetroactive
  dateSortie motifSortie motifArret avertissements { code message }
  rendezVous { id date statut } conditionsEntree { entretien dossierJustifie acceptation }"""
DOSSIER_CHAMPS = f"""id version codeMissionLocale identifiantPe marqueurDude justifie supprime
  {IDENTITE} conseiller {{ id nom }} ppae {{ id statut }} ppaes {{ id statut }}
  dispositifs {{ type statut dateEntree dateSortie }}"""
EVENEMENT_CHAMPS = "id type date enregistreLe enregistrePar annule commentaire motifAnnulation"
AFFECTATION_CHAMPS = """id idAffectation codeMissionLocale typeAffectation dateAffectation
  identifiantPe dateDernierEntretienDude periodesRadiation { debut fin } statut motifRefus liste
  suggestionsRefus dossier { id } ppae { id }"""

SELECTIONS = {
    "creerDossier": f"dossier {{ {DOSSIER_CHAMPS} }}",
    "deciderAffectation": f"affectation {{ {AFFECTATION_CHAMPS} }}",
    "creerDossierImporte": "affectation { id statut } dossier { id marqueurDude } ppae { id }",
    "rapprocher": "affectation { id statut } dossier { id marqueurDude identifiantPe } ppae { id }",
    "saisirEvenement": f"evenement {{ {EVENEMENT_CHAMPS} }} dossier {{ id version }}",
    "annulerEvenement": f"evenement {{ {EVENEMENT_CHAMPS} }} dossier {{ id version }}",
    "corrigerEvenement": f"evenement {{ {EVENEMENT_CHAMPS} remplace }} dossier {{ id }}",
    "justifierDossier": "dossier { id version justifie }",
    "transfererDonnees": "dossier { id identifiantPe }",
    "supprimerDossier": f"dossier {{ id supprime identifiantPe {IDENTITE} }}",
}
PPAE_PAYLOAD = f"ppae {{ {PPAE_CHAMPS} }} avertissements {{ code message }}"


def gid(type_: str, cle: UUID | str) -> str:
    """The opaque global id the API gives to an object of that type."""
    return encoder_id(type_, cle)


def muter(
    api: Api,
    mutation: str,
    entree: dict[str, Any],
    selection: str | None = None,
    role: Role = Role.GESTIONNAIRE,
) -> dict[str, Any]:
    """Runs ``mutation(input: $i)`` and returns its payload; GraphQL-level errors fail the test."""
    type_entree = mutation[0].upper() + mutation[1:] + "Input"
    champs = selection or SELECTIONS.get(mutation, PPAE_PAYLOAD)
    document = (
        f"mutation M($i: {type_entree}!) {{ {mutation}(input: $i) {{ {champs} {ERREURS} }} }}"
    )
    payload: dict[str, Any] = api.donnees(document, {"i": entree}, role=role)[mutation]
    return payload


def reussit(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["erreurs"] == [], payload["erreurs"]
    return payload


def erreur(payload: dict[str, Any]) -> tuple[str, str | None]:
    """(code, champ) of the single business error of a payload whose objects are all null."""
    assert len(payload["erreurs"]) == 1, payload["erreurs"]
    objets = {k: v for k, v in payload.items() if k not in ("erreurs", "avertissements")}
    assert all(v is None for v in objets.values()), objets
    return payload["erreurs"][0]["code"], payload["erreurs"][0]["champ"]


def position(app: Cotraitance) -> int:
    return app.recorder.max_notification_id() or 0


def code_graphql(sortie: dict[str, Any]) -> str:
    """extensions.code of the first GraphQL error of a response."""
    assert sortie.get("errors"), sortie
    code: str = sortie["errors"][0]["extensions"]["code"]
    return code
