"""The exported SDL is committed, and it breaks nothing of the shared contract it covers."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes

from api.schema import sdl

RACINE = Path(__file__).resolve().parent.parent
CONTRAT = RACINE.parent / "shared" / "api" / "schema.graphql"

# What the contract has and this schema does not have yet, by the capability that brings it.
DIFFERES = {
    # Vigilance and remediation (R16-R18)
    "CasVigilance", "AlerteVigilance", "AlerteVigilanceEdge", "AlerteVigilanceConnection",
    "CorrigerDoublonInput", "EtapeCorrection", "CorrectionPayload",
    "Query.vigilance", "Mutation.corrigerDoublon",
    # Integrators' feed (R22)
    "EvenementPublic", "EvenementPublicEdge", "EvenementPublicConnection",
    "Query.evenementsPublics", "Subscription",
}  # fmt: skip


def _element(description: str) -> str:
    """'Field Query.vigilance was removed.' → 'Query.vigilance'; 'Candidat was removed.' → …"""
    mots = description.replace("Standard scalar ", "").replace("Field ", "").split()
    return mots[0]


def test_le_sdl_exporte_est_a_jour() -> None:
    """Regenerate with: python -m api.schema > api/schema.graphql"""
    assert (RACINE / "api" / "schema.graphql").read_text(encoding="utf-8") == sdl()


@pytest.mark.skipif(not CONTRAT.exists(), reason="the shared contract is not beside the repo")
def test_aucun_changement_cassant_sur_la_partie_couverte_du_contrat() -> None:
    contrat = build_schema(CONTRAT.read_text(encoding="utf-8"))
    nous = build_schema(sdl())
    cassants = {
        _element(c.description): c.description for c in find_breaking_changes(contrat, nous)
    }
    non_differes = {k: v for k, v in cassants.items() if k not in DIFFERES}
    assert non_differes == {}
    # The deferred list shrinks as capabilities land: nothing in it may already exist.
    assert set(DIFFERES) - set(cassants) == set()
