"""A real OIDC provider for the API tests: RSA and EC P-256 keys served as a JWKS on
127.0.0.1, tokens signed with them, and the app in prod mode checking them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.testclient import TestClient

from api.auth import DEV_AUDIENCE, DEV_ISSUER
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.settings import Settings
from tests.api_outils import client_http
from tests.conftest import ML

ISSUER = "https://idp.exemple.test/realms/cotraitance"
AUDIENCE = "cotraitance-api"


def b64(donnees: bytes) -> str:
    return base64.urlsafe_b64encode(donnees).decode().rstrip("=")


def charge_jeton(**modifs: Any) -> dict[str, Any]:
    maintenant = datetime.now(UTC)
    charge = {
        "sub": "agent-7",
        "role": "GESTIONNAIRE",
        "ml": ML,
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "iat": maintenant,
        "exp": maintenant + timedelta(minutes=5),
    }
    charge.update(modifs)
    return {k: v for k, v in charge.items() if v is not None}


class Fournisseur:
    """A real JWKS endpoint on 127.0.0.1, with an RSA and an EC P-256 signing key."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        cles = [
            {
                **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa.public_key())),
                "kid": "rsa-1",
            },
            {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec.public_key())), "kid": "ec-1"},
        ]
        corps = json.dumps({"keys": cles}).encode()

        class Jwks(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(corps)

            def log_message(self, *args: Any) -> None:
                pass

        self.serveur = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
        self.url = f"http://127.0.0.1:{self.serveur.server_address[1]}/jwks.json"
        threading.Thread(target=self.serveur.serve_forever, daemon=True).start()

    def jeton(
        self, alg: str = "RS256", kid: str | None = "rsa-1", cle: Any = None, **c: Any
    ) -> str:
        cle = cle or (self.rsa if alg == "RS256" else self.ec)
        charge = charge_jeton(**{"iss": ISSUER, "aud": AUDIENCE, **c})
        entetes = {"kid": kid} if kid else {}
        return "Bearer " + jwt.encode(charge, cle, algorithm=alg, headers=entetes)

    def confusion_hs256(self) -> str:
        """HS256 keyed with the RSA public key's PEM, under the RSA key's kid."""
        pem = self.rsa.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        entete = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
        charge = charge_jeton(iss=ISSUER, aud=AUDIENCE, iat=0)
        charge["exp"] = int(charge["exp"].timestamp())
        entree = f"{entete}.{b64(json.dumps(charge).encode())}"
        signature = hmac.new(pem, entree.encode(), hashlib.sha256).digest()
        return f"Bearer {entree}.{b64(signature)}"


@pytest.fixture(scope="module")
def fournisseur() -> Iterator[Fournisseur]:
    f = Fournisseur()
    yield f
    f.serveur.shutdown()
    f.serveur.server_close()


def reglages_prod(tmp_path: Path, jwks_url: str) -> Settings:
    return Settings(
        env="prod",
        oidc_jwks_url=jwks_url,
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        graphiql=False,
        introspection=False,
        field_suggestions=False,
        var_dir=str(tmp_path),
        access_log=str(tmp_path / "acces.jsonl"),
    )


@pytest.fixture
def prod(
    app: Cotraitance, base: Base, tmp_path: Path, fournisseur: Fournisseur
) -> Iterator[TestClient]:
    settings = reglages_prod(tmp_path, fournisseur.url)
    with client_http(app, base, settings) as client:
        yield client
