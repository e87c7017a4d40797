"""What the web process needs to know of the configuration, and nothing more; the composition
root builds it from the settings (``cotraitance/settings.py``)."""

from __future__ import annotations

from dataclasses import dataclass


class ConfigurationInvalide(ValueError):
    """A configuration the service refuses to start with; the message says why."""


@dataclass(frozen=True)
class ReglagesAuth:
    prod: bool
    secret_dev: str | None = None
    """The dev issuer's HS256 key (dev only)."""
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    duree_max_s: int = 12 * 3600
    """The longest a token may live from its issue (iat) to its expiry (exp)."""


@dataclass(frozen=True)
class ReglagesApi:
    auth: ReglagesAuth
    journal_acces: str
    """Path of the append-only log of personal data reads (R23)."""
    graphiql: bool = False
    introspection: bool = False
    suggestions: bool = False

    def verifier(self) -> None:
        """Production refuses to start with anything meant for development (DESIGN §6)."""
        if not self.auth.prod:
            return
        problemes = []
        if self.auth.secret_dev:
            problemes.append("the dev token issuer (COTRAITANCE_JWT_SECRET) is set")
        if not (self.auth.jwks_url and self.auth.issuer and self.auth.audience):
            problemes.append(
                "COTRAITANCE_OIDC_JWKS_URL, COTRAITANCE_OIDC_ISSUER and "
                "COTRAITANCE_OIDC_AUDIENCE are required"
            )
        for nom, actif in (
            ("GraphiQL", self.graphiql),
            ("introspection", self.introspection),
            ("field suggestions", self.suggestions),
        ):
            if actif:
                problemes.append(f"{nom} is on")
        if problemes:
            raise ConfigurationInvalide("prod refuses to start: " + "; ".join(problemes))
