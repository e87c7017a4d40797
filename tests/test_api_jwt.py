"""R23: every request carries an acceptable bearer JWT; anything else is a clean 401
UNAUTHENTICATED, with no data and no stack trace. Prod checks RS256/ES256 against a real JWKS."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from httpx2 import Response
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.auth import DEV_ISSUER
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.cli import main
from domain.valeurs import Role
from tests.api_oidc import (  # noqa: F401
    AUDIENCE,
    ISSUER,
    Fournisseur,
    b64,
    charge_jeton,
    fournisseur,
    prod,
    reglages_prod,
)
from tests.api_outils import SECRET, client_http, http, jeton  # noqa: F401
from tests.conftest import ML

MOI = "{ moi { sub role codeMissionLocale } }"


def _dev(**modifs: Any) -> str:
    return "Bearer " + jwt.encode(charge_jeton(**modifs), SECRET, algorithm="HS256")


def _sans_signature() -> str:
    """alg none, crafted by hand: a library would refuse to make it."""
    entete = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    charge = {**charge_jeton(), "iat": 0, "exp": int(datetime.now(UTC).timestamp()) + 300}
    return f"Bearer {entete}.{b64(json.dumps(charge).encode())}."


def _refusee(reponse: Response) -> None:
    assert reponse.status_code == 401, reponse.text
    corps = reponse.json()
    assert corps["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert corps["errors"][0]["extensions"]["requestId"] == reponse.headers["x-request-id"]
    assert "data" not in corps
    assert "Traceback" not in reponse.text
    assert 'File "' not in reponse.text


def _post(client: TestClient, autorisation: str | None) -> Response:
    entetes = {"Authorization": autorisation} if autorisation is not None else {}
    return client.post("/graphql", json={"query": MOI}, headers=entetes)


# ------------------------------------------------------------------ dev issuer (HS256)


def _dates(**dates: Any) -> str:
    """A dev token with its dates as given (already numbers or text, not datetimes)."""
    maintenant = int(datetime.now(UTC).timestamp())
    charge = {**charge_jeton(), "iat": maintenant, "exp": maintenant + 300, **dates}
    charge = {k: v for k, v in charge.items() if v is not None}
    return "Bearer " + jwt.encode(charge, SECRET, algorithm="HS256")


CAS_DEV: list[Any] = [
    pytest.param(
        lambda: _dates(exp=str(int(datetime.now(UTC).timestamp()) + 300)), id="exp-en-texte"
    ),
    pytest.param(lambda: _dates(iat=str(int(datetime.now(UTC).timestamp()))), id="iat-en-texte"),
    pytest.param(lambda: _dates(iat=None), id="sans-iat"),
    pytest.param(
        lambda: _dates(exp=int(datetime.now(UTC).timestamp()) + 13 * 3600), id="vie-trop-longue"
    ),
    pytest.param(lambda: None, id="sans-en-tete"),
    pytest.param(lambda: "", id="en-tete-vide"),
    pytest.param(lambda: "Basic dGVzdGV1cjpzZWNyZXQ=", id="schema-basic"),
    pytest.param(lambda: "Token " + jeton(), id="schema-token"),
    pytest.param(lambda: jeton(), id="sans-schema"),
    pytest.param(lambda: "Bearer ", id="bearer-vide"),
    pytest.param(lambda: "Bearer n-importe-quoi", id="jeton-illisible"),
    pytest.param(lambda: "Bearer a.b.c", id="jeton-trois-morceaux-illisibles"),
    pytest.param(lambda: _dev(exp=datetime.now(UTC) - timedelta(minutes=1)), id="expire"),
    pytest.param(
        lambda: (
            "Bearer " + jwt.encode(charge_jeton(), "un-autre-secret-tout-aussi-long-0123456789")
        ),
        id="autre-secret",
    ),
    pytest.param(lambda: _dev(aud="autre-api"), id="mauvaise-audience"),
    pytest.param(lambda: _dev(iss="https://ailleurs.test"), id="mauvais-emetteur"),
    *(pytest.param(lambda c=c: _dev(**{c: None}), id=f"sans-{c}") for c in ("sub", "role", "ml")),
    *(pytest.param(lambda c=c: _dev(**{c: None}), id=f"sans-{c}") for c in ("exp", "iss", "aud")),
    pytest.param(lambda: _dev(sub=""), id="sub-vide"),
    pytest.param(lambda: _dev(ml=""), id="ml-vide"),
    pytest.param(lambda: _dev(ml=["ML001", "ML999"]), id="ml-liste"),
    pytest.param(lambda: _dev(role="CHEF"), id="role-inconnu"),
    pytest.param(lambda: _dev(role="gestionnaire"), id="role-en-minuscules"),
    pytest.param(lambda: _dev(role="SYSTEME"), id="role-systeme"),
    pytest.param(_sans_signature, id="alg-none"),
]


@pytest.mark.parametrize("autorisation", CAS_DEV)
def test_un_jeton_inacceptable_donne_401_unauthenticated_sans_donnees(
    http: TestClient,  # noqa: F811
    autorisation: Callable[[], str | None],
) -> None:
    """R23"""
    _refusee(_post(http, autorisation()))


def test_un_jeton_du_jeton_dev_valide_est_accepte(http: TestClient) -> None:  # noqa: F811
    """R23: the control case of the suite above."""
    reponse = _post(http, _dev())
    assert reponse.status_code == 200
    moi = reponse.json()["data"]["moi"]
    assert moi == {"sub": "agent-7", "role": "GESTIONNAIRE", "codeMissionLocale": ML}


def test_une_mutation_sans_jeton_n_enregistre_rien(app: Cotraitance, http: TestClient) -> None:  # noqa: F811
    """R23, R24: refused before any command runs."""
    avant = app.recorder.max_notification_id()
    reponse = http.post(
        "/graphql",
        json={
            "query": 'mutation { creerDossier(input: {nom: "X", prenoms: "Y", '
            'dateNaissance: "2005-01-01"}) { erreurs { code } } }'
        },
    )
    _refusee(reponse)
    assert app.recorder.max_notification_id() == avant


@pytest.mark.parametrize(
    "charge",
    [{}, {"Authorization": "Bearer pas-un-jeton"}, {"Authorization": 12}],
    ids=["sans-jeton", "jeton-invalide", "jeton-pas-texte"],
)
def test_une_connexion_websocket_sans_jeton_valide_est_refermee(
    http: TestClient,  # noqa: F811
    charge: dict[str, Any],
) -> None:
    """R23: no way around the guard through another protocol: the token of a WebSocket comes
    in connection_init, and without a valid one the connection is closed (4403)."""
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": charge})
        with pytest.raises(WebSocketDisconnect) as fermeture:
            ws.receive_json()
    assert fermeture.value.code == 4403


def test_une_connexion_websocket_avec_jeton_agit_au_nom_de_son_porteur(
    http: TestClient,  # noqa: F811
) -> None:
    """Ready for subscriptions: the same authentication as over HTTP."""
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        charge = {"Authorization": f"Bearer {jeton(Role.CONSEILLER, sub='claire')}"}
        ws.send_json({"type": "connection_init", "payload": charge})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"type": "subscribe", "id": "1", "payload": {"query": "{ moi { sub role } }"}})
        reponse = ws.receive_json()
        assert reponse["payload"]["data"] == {"moi": {"sub": "claire", "role": "CONSEILLER"}}


# ------------------------------------------------------------------ prod: OIDC with a JWKS


@pytest.mark.parametrize(("alg", "kid"), [("RS256", "rsa-1"), ("ES256", "ec-1")])
def test_en_prod_un_jeton_rs256_ou_es256_du_fournisseur_est_accepte(
    prod: TestClient,  # noqa: F811
    fournisseur: Fournisseur,  # noqa: F811
    alg: str,
    kid: str,
) -> None:
    """R23: tokens signed by the OIDC provider's keys, checked against its JWKS."""
    reponse = _post(prod, fournisseur.jeton(alg, kid))
    assert reponse.status_code == 200, reponse.text
    assert reponse.json()["data"]["moi"]["codeMissionLocale"] == ML


CAS_PROD: list[Any] = [
    pytest.param(lambda f: f.jeton(cle=rsa.generate_private_key(65537, 2048)), id="cle-inconnue"),
    pytest.param(lambda f: f.jeton(kid="rsa-2"), id="kid-inconnu"),
    pytest.param(lambda f: f.jeton(kid=None), id="sans-kid"),
    *(
        pytest.param(
            lambda f, alg=alg, kid=kid: f.jeton(alg, kid=kid),
            id=f"{alg.lower()}-sous-le-kid-{kid}",
        )
        for alg, kid in (("ES256", "rsa-1"), ("RS256", "ec-1"))
    ),
    pytest.param(lambda f: f.jeton(exp=datetime.now(UTC) - timedelta(seconds=5)), id="expire"),
    pytest.param(lambda f: f.jeton(aud="autre-api"), id="mauvaise-audience"),
    pytest.param(lambda f: f.jeton(iss=DEV_ISSUER), id="mauvais-emetteur"),
    pytest.param(lambda f: f.jeton(role="SYSTEME"), id="role-systeme"),
    pytest.param(lambda f: f.jeton(ml=None), id="sans-ml"),
    pytest.param(lambda f: "Bearer " + jeton(), id="jeton-dev-hs256"),
    pytest.param(lambda f: _dev(iss=ISSUER, aud=AUDIENCE), id="hs256-emetteur-prod"),
    pytest.param(lambda f: f.confusion_hs256(), id="hs256-cle-publique-rsa"),
    pytest.param(lambda f: _sans_signature(), id="alg-none"),
]


@pytest.mark.parametrize("fabrique", CAS_PROD)
def test_en_prod_un_jeton_hors_du_fournisseur_est_refuse(
    prod: TestClient,  # noqa: F811
    fournisseur: Fournisseur,  # noqa: F811
    fabrique: Callable[[Fournisseur], str],
) -> None:
    """R23"""
    _refusee(_post(prod, fabrique(fournisseur)))


def test_en_prod_un_fournisseur_injoignable_ne_donne_jamais_de_500(
    app: Cotraitance,
    base: Base,
    tmp_path: Path,
    fournisseur: Fournisseur,  # noqa: F811
) -> None:
    """R23, R24: no JWKS, no access; the client gets a clean error, never a 500."""
    settings = reglages_prod(tmp_path, "http://127.0.0.1:9/jwks.json")
    with client_http(app, base, settings) as client:
        reponse = _post(client, fournisseur.jeton())
    assert reponse.status_code == 503  # the token may well be valid: not a 401
    assert "data" not in reponse.json()
    assert "Traceback" not in reponse.text


# ------------------------------------------------------------------ the CLI's dev issuer


def test_la_commande_token_refuse_de_signer_en_prod(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R23, §6: `cotraitance token` is the dev issuer only."""
    monkeypatch.delenv("COTRAITANCE_JWT_SECRET", raising=False)
    for nom, valeur in {
        "COTRAITANCE_ENV": "prod",
        "COTRAITANCE_OIDC_JWKS_URL": "http://127.0.0.1:9/jwks.json",
        "COTRAITANCE_OIDC_ISSUER": ISSUER,
        "COTRAITANCE_OIDC_AUDIENCE": AUDIENCE,
        "COTRAITANCE_VAR_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(nom, valeur)
    assert main(["token", "--role", "GESTIONNAIRE", "--ml", ML]) != 0
    sortie = capsys.readouterr()
    assert sortie.out == ""
    assert "prod" in sortie.err
    assert not (tmp_path / "dev-jwt-secret").exists()
