"""§6, R23: prod refuses to start with anything meant for development (dev token issuer,
GraphiQL, introspection, field suggestions) and without its OIDC settings; what it serves
reveals neither the schema nor hints about it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import cotraitance.cli
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.cli import main
from cotraitance.settings import ConfigurationInvalide, Settings
from tests.api_oidc import AUDIENCE, ISSUER, Fournisseur, fournisseur, prod  # noqa: F401
from tests.api_outils import client_http, http, poster, reglages  # noqa: F401

PROD = {
    "COTRAITANCE_ENV": "prod",
    "COTRAITANCE_OIDC_JWKS_URL": "https://idp.exemple.test/jwks.json",
    "COTRAITANCE_OIDC_ISSUER": ISSUER,
    "COTRAITANCE_OIDC_AUDIENCE": AUDIENCE,
}
SANS = object()  # removes a variable from the environment

REFUS_PROD = [
    pytest.param({"COTRAITANCE_JWT_SECRET": "s" * 40}, "COTRAITANCE_JWT_SECRET", id="secret-dev"),
    *(
        pytest.param({nom: SANS}, nom, id=nom.removeprefix("COTRAITANCE_").lower())
        for nom in ("COTRAITANCE_OIDC_JWKS_URL", "COTRAITANCE_OIDC_ISSUER")
    ),
    pytest.param({"COTRAITANCE_OIDC_AUDIENCE": ""}, "AUDIENCE", id="audience-vide"),
    pytest.param({"COTRAITANCE_GRAPHIQL": "1"}, "GraphiQL", id="graphiql"),
    pytest.param({"COTRAITANCE_INTROSPECTION": "1"}, "introspection", id="introspection"),
    pytest.param({"COTRAITANCE_FIELD_SUGGESTIONS": "1"}, "suggestions", id="suggestions"),
    pytest.param({"COTRAITANCE_INTROSPECTION": "true"}, "introspection", id="introspection-true"),
    pytest.param({"COTRAITANCE_GRAPHIQL": "peut-etre"}, "COTRAITANCE_GRAPHIQL", id="booleen-flou"),
    pytest.param({"COTRAITANCE_ENV": "production"}, "COTRAITANCE_ENV", id="env-production"),
    pytest.param({"COTRAITANCE_ENV": "PROD"}, "COTRAITANCE_ENV", id="env-majuscules"),
]


def _env(modifs: dict[str, Any]) -> dict[str, str]:
    env = {**PROD, **modifs}
    return {k: v for k, v in env.items() if v is not SANS}


@pytest.mark.parametrize(("modifs", "mention"), REFUS_PROD)
def test_la_prod_refuse_de_demarrer_avec_une_configuration_de_dev(
    modifs: dict[str, Any], mention: str
) -> None:
    """§6: the refusal names what is wrong."""
    with pytest.raises(ConfigurationInvalide) as refus:
        Settings.depuis_env(_env(modifs))
    assert mention in str(refus.value)


def test_une_configuration_de_prod_correcte_passe_et_eteint_les_outils_de_dev() -> None:
    """§6: in prod, GraphiQL, introspection and suggestions are off unless asked (then refused)."""
    settings = Settings.depuis_env(PROD)
    assert settings.est_prod
    assert (settings.graphiql, settings.introspection, settings.field_suggestions) == (
        False,
        False,
        False,
    )
    assert settings.jwt_secret is None


def test_une_configuration_de_prod_incoherente_construite_en_code_est_refusee_par_l_app(
    app: Cotraitance, base: Base, tmp_path: Path
) -> None:
    """§6: the web process checks again, whatever built its settings."""
    settings = Settings(
        env="prod",
        jwt_secret="s" * 40,
        var_dir=str(tmp_path),
        access_log=str(tmp_path / "acces.jsonl"),
    )
    with pytest.raises(ConfigurationInvalide), client_http(app, base, settings):
        pass


# ------------------------------------------------------------------ what prod serves


def test_en_prod_l_introspection_est_refusee(
    prod: TestClient,  # noqa: F811
    fournisseur: Fournisseur,  # noqa: F811
) -> None:
    """§6: the schema is not served to whoever holds a token."""
    for document in (
        "{ __schema { types { name } } }",
        '{ __type(name: "Dossier") { fields { name } } }',
    ):
        reponse = prod.post(
            "/graphql", json={"query": document}, headers={"Authorization": fournisseur.jeton()}
        )
        assert reponse.status_code < 500
        corps = reponse.json()
        assert corps["data"] is None
        assert {e["extensions"]["code"] for e in corps["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


def test_en_prod_un_champ_inconnu_ne_suggere_rien(
    prod: TestClient,  # noqa: F811
    fournisseur: Fournisseur,  # noqa: F811
) -> None:
    """§6: no 'Did you mean' to rebuild the schema field by field."""
    reponse = prod.post(
        "/graphql",
        json={"query": '{ dossie(id: "x") { id } moi { su } }'},
        headers={"Authorization": fournisseur.jeton()},
    )
    corps = reponse.json()
    assert corps["errors"]
    assert {e["extensions"]["code"] for e in corps["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert "Did you mean" not in reponse.text
    assert "Vouliez-vous dire" not in reponse.text


def test_en_dev_un_champ_inconnu_suggere_le_bon(http: TestClient) -> None:  # noqa: F811
    """§6: the control case: dev keeps its conveniences."""
    assert "Vouliez-vous dire sub ?" in poster(http, "{ moi { su } }").text


def test_graphiql_est_servi_en_dev(http: TestClient) -> None:  # noqa: F811
    """§6"""
    page = http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()


@pytest.mark.parametrize("avec_jeton", [False, True], ids=["sans-jeton", "avec-jeton"])
def test_graphiql_n_est_pas_servi_en_prod(
    prod: TestClient,  # noqa: F811
    fournisseur: Fournisseur,  # noqa: F811
    avec_jeton: bool,
) -> None:
    """§6"""
    entetes = {"Accept": "text/html"}
    if avec_jeton:
        entetes["Authorization"] = fournisseur.jeton()
    page = prod.get("/graphql", headers=entetes)
    assert 400 <= page.status_code < 500
    assert not page.headers.get("content-type", "").startswith("text/html")
    assert "graphiql" not in page.text.lower()


# ------------------------------------------------------------------ the CLI


@pytest.fixture
def env_prod(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A prod environment in the process; nothing may start the server or open the store."""
    for nom in list(os.environ):
        if nom.startswith("COTRAITANCE_"):
            monkeypatch.delenv(nom)
    for nom, valeur in PROD.items():
        monkeypatch.setenv(nom, valeur)
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("COTRAITANCE_VAR_DIR", str(tmp_path / "var"))

    def interdit(*_: Any, **__: Any) -> Any:
        raise AssertionError("started despite a bad prod configuration")

    monkeypatch.setattr("uvicorn.run", interdit)
    monkeypatch.setattr(cotraitance.cli, "construire", interdit)
    return monkeypatch


@pytest.mark.parametrize(("modifs", "mention"), REFUS_PROD)
def test_serve_s_arrete_avant_de_demarrer_avec_un_message_clair(
    env_prod: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    modifs: dict[str, Any],
    mention: str,
) -> None:
    """§6: a non-zero exit and the reason, before uvicorn or the store."""
    for nom, valeur in modifs.items():
        if valeur is SANS:
            env_prod.delenv(nom)
        else:
            env_prod.setenv(nom, valeur)
    assert main(["serve"]) != 0
    erreur = capsys.readouterr().err
    assert "configuration" in erreur
    assert mention in erreur
    assert not (tmp_path / "prod.db").exists()


def test_la_duree_de_vie_maximale_des_jetons_est_un_reglage() -> None:
    """R23: prod enforces a maximum token lifetime (12 h unless set)."""
    assert Settings.depuis_env({}).api("s").auth.duree_max_s == 12 * 3600
    reglee = Settings.depuis_env({"COTRAITANCE_JWT_DUREE_MAX": "3600"})
    assert reglee.api("s").auth.duree_max_s == 3600
    with pytest.raises(ConfigurationInvalide, match="COTRAITANCE_JWT_DUREE_MAX"):
        Settings.depuis_env({"COTRAITANCE_JWT_DUREE_MAX": "une heure"})
