"""Configuration, read once at start-up from an environment mapping (DESIGN §6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from domain.regles import Regles

DEFAULT_DATABASE_URL = f"sqlite:///{Path('var') / 'cotraitance.db'}"


class ConfigurationInvalide(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    env: str = "dev"
    jwt_secret: str | None = None
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    dude_url: str | None = None
    regles: Regles = field(default_factory=Regles)

    @property
    def est_prod(self) -> bool:
        return self.env == "prod"

    @classmethod
    def depuis_env(cls, environ: Mapping[str, str]) -> Settings:
        env = environ.get("COTRAITANCE_ENV", "dev")
        if env not in ("dev", "prod"):
            raise ConfigurationInvalide(f"COTRAITANCE_ENV must be dev or prod, not {env!r}")
        return cls(
            database_url=environ.get("COTRAITANCE_DATABASE_URL", DEFAULT_DATABASE_URL),
            env=env,
            jwt_secret=environ.get("COTRAITANCE_JWT_SECRET"),
            oidc_jwks_url=environ.get("COTRAITANCE_OIDC_JWKS_URL"),
            oidc_issuer=environ.get("COTRAITANCE_OIDC_ISSUER"),
            oidc_audience=environ.get("COTRAITANCE_OIDC_AUDIENCE"),
            dude_url=environ.get("COTRAITANCE_DUDE_URL"),
            regles=Regles(
                age_refus=_entier(environ, "COTRAITANCE_AGE_REFUS", 26),
                convocations_manquees_min=_entier(environ, "COTRAITANCE_CONVOCATIONS_MIN", 2),
                anciennete_affectation_jours=_entier(
                    environ, "COTRAITANCE_ANCIENNETE_AFFECTATION_JOURS", 90
                ),
            ),
        )


def _entier(environ: Mapping[str, str], nom: str, defaut: int) -> int:
    valeur = environ.get(nom)
    if valeur is None:
        return defaut
    try:
        return int(valeur)
    except ValueError:
        raise ConfigurationInvalide(f"{nom} must be an integer, not {valeur!r}") from None
