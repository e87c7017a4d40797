"""A world for the API security tests: one object of each kind in ML001, a few of ML999's,
random ids of the same types, and one valid input per mutation (with '@object' placeholders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from graphql import build_schema

from api.ids import encoder_id
from api.schema import sdl
from application.contexte import systeme
from domain.affectation import Affectation
from domain.flux import TypeFlux, cle
from domain.ppae import PPAE
from domain.valeurs import Conseiller
from tests.scenario import (
    affectation_acceptee,
    donnees_affectation,
    dossier_importe,
    dossier_manuel,
    entretien,
    ids,
    recevoir,
    rendez_vous,
)

AUTRE = "ML999"
ETRANGERS = ("aff_autre", "dossier_autre", "flux_autre")  # ML999's own objects


@dataclass
class Monde:
    objets: dict[str, str]  # '@name' → its global id (a plain id for the appointment)
    hasard: dict[str, str]  # ML001's id → a random well-formed id of the same type


@pytest.fixture
def monde(app: Any, acteurs: Any) -> Monde:
    """As ML001: one object of each kind; as ML999: an accepted affectation and a dossier."""
    g = acteurs.gestionnaire
    app.enregistrer_mission_locale(
        systeme(AUTRE), AUTRE, "Mission Locale Autre", ["13055"], [Conseiller("C9", "Nadia Roux")]
    )
    a_decider = recevoir(app, "AFF-0")
    acceptee = affectation_acceptee(app, g, "AFF-1")
    dossier_id, ppae_id = ids(dossier_importe(app, g, "AFF-2", nom="Martin"))
    evenement = entretien(app, g, dossier_id, date(2026, 10, 5))
    rdv = rendez_vous(app, g, ppae_id, date(2026, 11, 25))
    app.recevoir_affectation(systeme(AUTRE), donnees_affectation("AFF-9", code_ml=AUTRE))
    aff_autre = Affectation.create_id(AUTRE, "AFF-9")
    app.decider_affectation(acteurs.autre_ml, aff_autre, True, None)
    genres = {
        "a_decider": ("Affectation", a_decider),
        "acceptee": ("Affectation", acceptee),
        "rapprochee": ("Affectation", app.charger(g, PPAE, ppae_id).affectation_id),
        "dossier": ("Dossier", dossier_id),
        "ppae": ("PPAE", ppae_id),
        "evenement": ("Evenement", f"{dossier_id}:{evenement}"),
        "libre": ("Dossier", dossier_manuel(app, g, nom="Durand")),
        "aff_autre": ("Affectation", aff_autre),
        "flux": ("FluxDude", cle(acceptee, "decision", TypeFlux.DECISION_AFFECTATION)),
        "flux_autre": ("FluxDude", cle(aff_autre, "decision", TypeFlux.DECISION_AFFECTATION)),
        "dossier_autre": ("Dossier", dossier_manuel(app, acteurs.autre_ml, nom="Autre")),
    }
    objets = {f"@{n}": encoder_id(t, cle) for n, (t, cle) in genres.items()} | {"@rdv": rdv}
    nouveaux = {n: uuid4() for n in genres}
    nouveaux["evenement"] = f"{nouveaux['dossier']}:{uuid4().hex}"  # consistent with dossier
    hasard = {
        objets[f"@{n}"]: encoder_id(t, nouveaux[n])
        for n, (t, _) in genres.items()
        if n not in ETRANGERS
    }
    return Monde(objets, hasard | {rdv: uuid4().hex})


def remplacer(valeur: Any, table: dict[str, str]) -> Any:
    if isinstance(valeur, dict):
        return {k: remplacer(v, table) for k, v in valeur.items()}
    return table.get(valeur, valeur) if isinstance(valeur, str) else valeur


SELECTIONS = {
    "AffectationPayload": "affectation { id statut }",
    "RapprochementPayload": "affectation { id } dossier { id identite { nom } } ppae { id }",
    "PPAEPayload": "ppae { id statut } avertissements { code }",
    "EvenementPayload": "evenement { id } dossier { id identite { nom } }",
    "DossierPayload": "dossier { id identite { nom } }",
    "CreerDossierPayload": "dossier { id identite { nom } }",
    "FluxPayload": "flux { id statut }",
    "RenvoiEnMassePayload": "renvoyes",
}
CREER_DOSSIER = ("creerDossier", {"nom": "Neuf", "prenoms": "Jean", "dateNaissance": "2005-01-02"})
EVENEMENT = {"dossierId": "@dossier", "evenementId": "@evenement"}
CAS_MUTATIONS: list[tuple[str, dict[str, Any]]] = [
    # (mutation, input with '@object' placeholders); ML999's own objects are mixed in some
    ("deciderAffectation", {"affectationId": "@a_decider", "accepter": True}),
    ("creerDossierImporte", {"affectationId": "@acceptee"}),
    ("rapprocher", {"affectationId": "@acceptee", "dossierId": "@libre"}),
    ("rapprocher", {"affectationId": "@aff_autre", "dossierId": "@libre"}),
    ("rapprocher", {"affectationId": "@acceptee", "dossierId": "@dossier_autre"}),
    ("affecterConseiller", {"ppaeId": "@ppae", "conseillerId": "C1"}),
    ("affecterConseiller", {"ppaeId": "@ppae", "conseillerId": "C9", "versionAttendue": 99}),
    ("proposerRendezVous", {"ppaeId": "@ppae", "date": "2026-12-01"}),
    ("renseignerRendezVous", {"ppaeId": "@ppae", "rendezVousId": "@rdv", "statut": "PRESENT"}),
    ("saisirEvenement", {"dossierId": "@dossier", "type": "ATELIER", "date": "2026-11-10"}),
    ("annulerEvenement", EVENEMENT),
    ("annulerEvenement", {**EVENEMENT, "dossierId": "@dossier_autre"}),
    ("corrigerEvenement", {**EVENEMENT, "type": "ATELIER", "date": "2026-10-06"}),
    ("justifierDossier", {"dossierId": "@libre", "piece": "CNI"}),
    ("justifierDossier", {"dossierId": "@libre", "piece": "CNI", "versionAttendue": 99}),
    ("accepterPpae", {"ppaeId": "@ppae", "dateEntree": "2026-10-01"}),
    ("arreterCotraitance", {"ppaeId": "@ppae", "motif": "REFUS_DU_JEUNE"}),
    ("sortirPpae", {"ppaeId": "@ppae", "dateSortie": "2026-11-15", "motif": "DEMENAGEMENT"}),
    ("annulerRapprochement", {"ppaeId": "@ppae"}),
    ("transfererDonnees", {"dossierSourceId": "@libre", "dossierCibleId": "@dossier"}),
    ("transfererDonnees", {"dossierSourceId": "@dossier_autre", "dossierCibleId": "@dossier"}),
    ("transfererDonnees", {"dossierSourceId": "@libre", "dossierCibleId": "@dossier_autre"}),
    ("supprimerDossier", {"dossierId": "@libre", "confirmer": True}),
    ("renvoyerFlux", {"fluxId": "@flux"}),
    (
        "resoudreConflitAffectation",
        {"affectationId": "@acceptee", "empreinte": "v2:x", "adopter": False},
    ),
]
SANS_ENTREE = ["actualiserRapprochements"]
"""Mutations over the actor's whole ML (no id to target): tests/test_rapprochement_api.py."""
SCHEMA = build_schema(sdl())


def document_mutation(mutation: str) -> str:
    entree = mutation[0].upper() + mutation[1:] + "Input"
    payload = SCHEMA.mutation_type.fields[mutation].type.of_type.name  # type: ignore[union-attr]
    return (
        f"mutation($i: {entree}!) {{ r: {mutation}(input: $i) {{ "
        f"{SELECTIONS[payload]} erreurs {{ code message champ }} }} }}"
    )


def etrangers(entree: dict[str, Any]) -> list[str]:
    return [k for k, v in entree.items() if v in {f"@{e}" for e in ETRANGERS}]


def id_cas(cas: tuple[str, dict[str, Any]]) -> str:
    mutation, entree = cas
    suffixe = "".join(f"-{champ}-{AUTRE}" for champ in etrangers(entree))
    return mutation + suffixe + ("-version" if "versionAttendue" in entree else "")
