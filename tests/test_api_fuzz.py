"""R24, driven by the schema: random documents over every query and mutation of the exported
schema, sent over HTTP as any role. Never a 5xx, never INTERNAL_SERVER_ERROR, every error with
a stable code, and the server still answers afterwards. Bounded and seeded (derandomised), on
SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from api.schema import sdl
from domain.valeurs import Role
from tests.api_outils import http, jeton  # noqa: F401

CODES = {
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "BAD_USER_INPUT",
    "GRAPHQL_VALIDATION_FAILED",
    "SERVICE_INDISPONIBLE",
}
SCHEMA = sdl()
SCALAIRES = {
    "Date": st.sampled_from(["2026-11-20", "2004-02-29", "2026-02-30", "x", ""]).map(
        lambda v: hypothesis_graphql.nodes.String(v)
    ),
    "DateTime": st.sampled_from(["2026-11-20T10:00:00+01:00", "2026-11-20T10:00:00", "x"]).map(
        lambda v: hypothesis_graphql.nodes.String(v)
    ),
}
JETONS = {role: jeton(role) for role in Role if role not in (Role.SYSTEME, Role.ANONYME)}
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _verifier(client: TestClient, document: str, role: Role) -> None:
    reponse = client.post(
        "/graphql",
        json={"query": document},
        headers={"Authorization": f"Bearer {JETONS[role]}"},
    )
    assert reponse.status_code < 500, (document, reponse.text)
    corps: Any = reponse.json()
    for erreur in corps.get("errors", []):
        assert erreur.get("extensions", {}).get("code") in CODES, (document, erreur)
    assert "Traceback" not in reponse.text


@pytest.mark.parametrize("genre", ["requetes-valides", "mutations-valides", "documents-invalides"])
def test_aucun_document_genere_ne_donne_d_erreur_interne(
    http: TestClient,  # noqa: F811
    genre: str,
) -> None:
    strategie = {
        "requetes-valides": lambda: hypothesis_graphql.queries(SCHEMA, custom_scalars=SCALAIRES),
        "mutations-valides": lambda: hypothesis_graphql.mutations(SCHEMA, custom_scalars=SCALAIRES),
        "documents-invalides": lambda: hypothesis_graphql.from_schema(
            SCHEMA, custom_scalars=SCALAIRES, mode=hypothesis_graphql.Mode.NEGATIVE
        ),
    }[genre]()

    @FUZZ
    @given(document=strategie, role=st.sampled_from(sorted(JETONS, key=lambda r: r.value)))
    def essayer(document: str, role: Role) -> None:
        _verifier(http, document, role)

    essayer()
    assert http.get("/health").status_code == 200
