"""Configuration, read once at start-up from an environment mapping (DESIGN §6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from api.reglages import ConfigurationInvalide, ReglagesApi, ReglagesAuth
from application.magasin.persistance import base_depuis_url
from domain.regles import Regles

DEFAULT_DATABASE_URL = f"sqlite:///{Path('var') / 'cotraitance.db'}"
__all__ = ["ConfigurationInvalide", "Settings"]


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    env: str = "dev"
    jwt_secret: str | None = None
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    dude_url: str | None = None
    dude_affectations_url: str | None = None
    """Where ``dude pull`` reads the affectations; by default beside ``dude_url`` (its
    ``/flux`` replaced by ``/affectations``)."""
    dude_bail_s: int = 60
    """How long a flow claimed by a sender is its own (then another may send it again)."""
    dude_delai_s: int = 10
    """Seconds the DUDE may take to answer before the attempt counts as a timeout."""
    dude_envoi: bool = True
    """Whether ``serve`` sends the flows in the background (``dude send`` does it on demand)."""
    duree_max_jeton_s: int = 12 * 3600
    graphiql: bool = True
    introspection: bool = True
    field_suggestions: bool = True
    access_log: str = str(Path("var") / "acces.jsonl")
    var_dir: str = "var"
    regles: Regles = field(default_factory=Regles)

    @property
    def est_prod(self) -> bool:
        return self.env == "prod"

    @property
    def url_affectations(self) -> str | None:
        if self.dude_affectations_url or not self.dude_url:
            return self.dude_affectations_url
        return _a_cote_des_flux(self.dude_url)

    @classmethod
    def depuis_env(cls, environ: Mapping[str, str]) -> Settings:
        env = environ.get("COTRAITANCE_ENV", "dev")
        if env not in ("dev", "prod"):
            raise ConfigurationInvalide(f"COTRAITANCE_ENV must be dev or prod, not {env!r}")
        dev = env == "dev"
        settings = cls(
            database_url=environ.get("COTRAITANCE_DATABASE_URL", DEFAULT_DATABASE_URL),
            env=env,
            jwt_secret=environ.get("COTRAITANCE_JWT_SECRET") or None,
            oidc_jwks_url=environ.get("COTRAITANCE_OIDC_JWKS_URL") or None,
            oidc_issuer=environ.get("COTRAITANCE_OIDC_ISSUER") or None,
            oidc_audience=environ.get("COTRAITANCE_OIDC_AUDIENCE") or None,
            dude_url=environ.get("COTRAITANCE_DUDE_URL") or None,
            dude_affectations_url=environ.get("COTRAITANCE_DUDE_AFFECTATIONS_URL") or None,
            dude_envoi=_booleen(environ, "COTRAITANCE_DUDE_ENVOI", True),
            dude_bail_s=_entier(environ, "COTRAITANCE_DUDE_BAIL", 60),
            dude_delai_s=_entier(environ, "COTRAITANCE_DUDE_DELAI", 10),
            duree_max_jeton_s=_entier(environ, "COTRAITANCE_JWT_DUREE_MAX", 12 * 3600),
            graphiql=_booleen(environ, "COTRAITANCE_GRAPHIQL", dev),
            introspection=_booleen(environ, "COTRAITANCE_INTROSPECTION", dev),
            field_suggestions=_booleen(environ, "COTRAITANCE_FIELD_SUGGESTIONS", dev),
            access_log=environ.get("COTRAITANCE_ACCESS_LOG", str(Path("var") / "acces.jsonl")),
            var_dir=environ.get("COTRAITANCE_VAR_DIR", "var"),
            regles=Regles(
                age_refus=_entier(environ, "COTRAITANCE_AGE_REFUS", 26),
                convocations_manquees_min=_entier(environ, "COTRAITANCE_CONVOCATIONS_MIN", 2),
                anciennete_affectation_jours=_entier(
                    environ, "COTRAITANCE_ANCIENNETE_AFFECTATION_JOURS", 90
                ),
                age_min_plausible=_entier(environ, "COTRAITANCE_AGE_MIN_PLAUSIBLE", 10),
                age_max_plausible=_entier(environ, "COTRAITANCE_AGE_MAX_PLAUSIBLE", 100),
            ),
        )
        settings.verifier()
        try:
            base_depuis_url(settings.database_url, creer=False)
        except ValueError as exc:
            raise ConfigurationInvalide(f"COTRAITANCE_DATABASE_URL: {exc}") from None
        return settings

    def api(self, secret_dev: str | None) -> ReglagesApi:
        """The web process's share of the settings."""
        return ReglagesApi(
            auth=ReglagesAuth(
                prod=self.est_prod,
                secret_dev=secret_dev,
                jwks_url=self.oidc_jwks_url,
                issuer=self.oidc_issuer,
                audience=self.oidc_audience,
                duree_max_s=self.duree_max_jeton_s,
            ),
            journal_acces=self.access_log,
            graphiql=self.graphiql,
            introspection=self.introspection,
            suggestions=self.field_suggestions,
        )

    def verifier(self) -> None:
        """Production refuses to start with anything meant for development."""
        if self.est_prod:
            self.api(self.jwt_secret).verifier()


def _a_cote_des_flux(url_flux: str) -> str:
    """The DUDE's affectations beside its flows: ``http://h/dude/flux`` →
    ``http://h/dude/affectations``."""
    parts = urlsplit(url_flux)
    chemin = parts.path.rstrip("/").removesuffix("/flux")
    return urlunsplit((parts.scheme, parts.netloc, f"{chemin}/affectations", "", ""))


def _entier(environ: Mapping[str, str], nom: str, defaut: int) -> int:
    valeur = environ.get(nom)
    if valeur is None:
        return defaut
    try:
        return int(valeur)
    except ValueError:
        raise ConfigurationInvalide(f"{nom} must be an integer, not {valeur!r}") from None


def _booleen(environ: Mapping[str, str], nom: str, defaut: bool) -> bool:
    valeur = environ.get(nom)
    if valeur is None:
        return defaut
    if valeur.lower() in ("1", "true", "yes", "on"):
        return True
    if valeur.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigurationInvalide(f"{nom} must be 0 or 1, not {valeur!r}")
