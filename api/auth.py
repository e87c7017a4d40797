"""R23: every request carries a bearer JWT (subject, role, ML). Dev: an embedded HS256 issuer.
Prod: RS256/ES256 tokens checked against the provider's JWKS, issuer, audience and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from api.reglages import ConfigurationInvalide, ReglagesAuth
from domain.valeurs import Acteur, Role

DEV_ISSUER = "cotraitance-dev"
DEV_AUDIENCE = "cotraitance"
ALGORITHMES_PROD = ["RS256", "ES256"]
ROLES_JETON = {r.value: r for r in Role if r not in (Role.SYSTEME, Role.ANONYME)}


class NonAuthentifie(Exception):
    """The request's credentials are missing or not acceptable; the message says why."""


class FournisseurInjoignable(Exception):
    """The identity provider's keys cannot be fetched: the token may well be valid (503)."""


def emettre_jeton_dev(
    secret: str, sub: str, role: Role, code_ml: str, duree: timedelta = timedelta(hours=12)
) -> str:
    maintenant = datetime.now(UTC)
    charge = {
        "sub": sub,
        "role": role.value,
        "ml": code_ml,
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "iat": maintenant,
        "exp": maintenant + duree,
    }
    return jwt.encode(charge, secret, algorithm="HS256")


class Authentificateur:
    def __init__(self, reglages: ReglagesAuth) -> None:
        self.prod = reglages.prod
        self.duree_max = reglages.duree_max_s
        if self.prod:
            if not (reglages.jwks_url and reglages.issuer and reglages.audience):
                raise ConfigurationInvalide("prod needs the identity provider's settings")
            # The key set is cached for 5 minutes; a key the provider withdraws stops working
            # then (no per-key cache that would keep it for the life of the process).
            self._jwks = jwt.PyJWKClient(
                reglages.jwks_url, cache_jwk_set=True, lifespan=300, timeout=5
            )
            self._issuer = reglages.issuer
            self._audience = reglages.audience
        else:
            if not reglages.secret_dev:
                raise ConfigurationInvalide("dev needs the dev issuer's key")
            self._secret = reglages.secret_dev

    def acteur(self, autorisation: str | None) -> Acteur:
        """The actor of an ``Authorization`` header value. Blocking (JWKS): call off the loop."""
        if not autorisation:
            raise NonAuthentifie("Authentification requise (en-tête Authorization: Bearer).")
        schema, _, jeton = autorisation.partition(" ")
        if schema.lower() != "bearer" or not jeton.strip():
            raise NonAuthentifie("Jeton attendu sous la forme « Bearer <jeton> ».")
        return _acteur(self._decoder(jeton.strip()))

    def _decoder(self, jeton: str) -> dict[str, Any]:
        options: Any = {"require": ["exp", "iat", "iss", "aud", "sub"]}
        try:
            if self.prod:
                cle = self._jwks.get_signing_key_from_jwt(jeton).key
                charge: dict[str, Any] = jwt.decode(
                    jeton,
                    cle,
                    algorithms=ALGORITHMES_PROD,
                    audience=self._audience,
                    issuer=self._issuer,
                    options=options,
                )
            else:
                charge = jwt.decode(
                    jeton,
                    self._secret,
                    algorithms=["HS256"],
                    audience=DEV_AUDIENCE,
                    issuer=DEV_ISSUER,
                    options=options,
                )
        except jwt.ExpiredSignatureError:
            raise NonAuthentifie("Jeton expiré.") from None
        except jwt.PyJWKClientConnectionError:
            raise FournisseurInjoignable("Fournisseur d'identité injoignable.") from None
        except (jwt.PyJWTError, ValueError, TypeError):
            raise NonAuthentifie("Jeton refusé.") from None
        _verifier_dates(charge, self.duree_max)
        return charge


def _verifier_dates(charge: dict[str, Any], duree_max: int) -> None:
    """RFC 7519: exp, iat and nbf are NumericDates (numbers, never text); a token lives at most
    ``duree_max`` seconds from its issue."""
    for nom in ("exp", "iat", "nbf"):
        valeur = charge.get(nom)
        if valeur is not None and (isinstance(valeur, bool) or not isinstance(valeur, int | float)):
            raise NonAuthentifie(f"Jeton refusé : {nom} doit être une date numérique.")
    if not isinstance(charge.get("iat"), int | float):
        raise NonAuthentifie("Jeton refusé : iat (date d'émission) est obligatoire.")
    if charge["exp"] - charge["iat"] > duree_max:
        raise NonAuthentifie(f"Jeton refusé : sa durée de vie dépasse {duree_max} secondes.")


def _acteur(charge: dict[str, Any]) -> Acteur:
    sub, role, code_ml = charge.get("sub"), charge.get("role"), charge.get("ml")
    if not isinstance(sub, str) or not sub:
        raise NonAuthentifie("Jeton sans sujet.")
    if not isinstance(role, str) or role not in ROLES_JETON:
        raise NonAuthentifie("Jeton sans rôle reconnu.")
    if not isinstance(code_ml, str) or not code_ml:
        raise NonAuthentifie("Jeton sans Mission Locale (claim ml).")
    return Acteur(sub=sub, role=ROLES_JETON[role], code_ml=code_ml)
