"""The composition root: from the settings to the running service.

It builds the application with its ports, the list of processors (the read models of
``projections/``; the DUDE emitter of ``integrations/dude/`` will join them), the workers (the
processors' runner) and the listeners (read cache, key healing). ``api`` receives the result."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

from api.reglages import ReglagesApi
from api.service import EtatSante
from application.cache import CacheAgregats
from application.horloge import Horloge
from application.magasin.persistance import Base, base_depuis_url
from application.ports import Ports, flux_deduits_de_l_historique
from application.service import Cotraitance
from application.traitement.processeur import Processeur
from application.traitement.runner import Runner
from application.traitement.stockage import Curseur, StockageVues
from cotraitance.settings import Settings
from domain.rapprochement import Fiche, Trouves
from domain.regles import Regles
from integrations.dude import registre
from integrations.dude.emetteur import EmetteurDude
from integrations.dude.envoi import Expediteur, ReglagesEnvoi
from projections import affectations as vue_affectations
from projections import ppae as tableau_ppae
from projections import rapprochement as index_rapprochement
from projections.affectations import AffectationsParStatut
from projections.catalogue import toutes_les_vues
from projections.rapprochement import IndexRapprochement

ATTENTE_LECTURES = 2.0
"""Read-your-writes: how long a mutation waits for the read models to take what it recorded."""


@dataclass
class Service:
    """The running world: the application, its processors and their runner, the read cache."""

    base: Base
    app: Cotraitance
    stockage: StockageVues
    """The runner's connection to the views."""
    runner: Runner
    cache: CacheAgregats
    lectures: StockageVues
    """The requests' own connection to the views: a busy or broken runner never blocks them."""
    expediteur: Expediteur | None = None
    """The DUDE sender, when a DUDE URL is set."""
    envoi_en_fond: bool = True
    """Whether ``demarrer`` runs the sender in the background (else ``dude send`` does)."""
    _fil_envoi: threading.Thread | None = None
    _arret: threading.Event = field(default_factory=threading.Event)
    _fil: threading.Thread | None = None

    # ------------------------------------------------------------------ what api uses

    @property
    def cache_actif(self) -> bool:
        """Only while the runner reads the log: it is what invalidates the cache."""
        return self.runner.en_continu and self.runner.panne is None

    @contextmanager
    def lecture(self) -> Iterator[Curseur]:
        with self.lectures.lecture() as cur:
            yield cur

    @contextmanager
    def ecriture(self) -> Iterator[Curseur]:
        with self.lectures.transaction() as cur:
            yield cur

    def attendre_lectures(self) -> None:
        """Blocks until the read models have taken what was recorded so far (when they run)."""
        if self.cache_actif:
            self.runner.attendre(self.app.magasin.position(), ATTENTE_LECTURES)

    def sante(self) -> EtatSante:
        """From what the workers know, without asking the database: it answers at once,
        whatever the database does."""
        runner = self.runner
        arrete = self._fil is not None and not self._fil.is_alive()
        ecriture = runner.ecriture
        return EtatSante(
            positions={
                nom: (runner.connus.get(nom, 0), max(0, runner.tete - runner.connus.get(nom, 0)))
                for nom in runner.processeurs
            },
            echecs=dict(runner.echecs),
            panne=runner.panne or ("runner stopped" if arrete else None),
            ecriture=None if ecriture is None else ("ok" if ecriture[0] else str(ecriture[1])),
            envoi_dude=self._etat_envoi(),
        )

    def _etat_envoi(self) -> dict[str, Any]:
        expediteur = self.expediteur
        if expediteur is None:
            return {"etat": "non configure"}
        if not self.envoi_en_fond:
            return {"etat": "hors processus"}
        suspension = expediteur.suspension
        bloque = expediteur.sans_progres() > expediteur.reglages.seuil_sans_progres
        if self._fil_envoi is None or not self._fil_envoi.is_alive():
            etat = "arrete"
        elif expediteur.panne:
            etat = expediteur.panne
        elif bloque:
            etat = "bloque"
        else:
            etat = "suspendu" if suspension else "ok"
        cumul = expediteur.cumul
        corps: dict[str, Any] = {
            "etat": etat,
            "acquittes": cumul.acquittes,
            "rejetes": cumul.rejetes,
            "reportes": cumul.reportes,
        }
        if bloque:
            corps["sansProgresDepuisS"] = round(expediteur.sans_progres())
        if suspension is not None:
            corps["suspension"] = {
                "raison": suspension.raison,
                "depuis": suspension.depuis.isoformat(timespec="seconds"),
                "repriseEssayeeLe": suspension.reprise_le.isoformat(timespec="seconds"),
            }
        if expediteur.derniere_erreur:
            le, raison = expediteur.derniere_erreur
            corps["derniereErreur"] = {"le": le, "raison": raison}
        return corps

    def demarrer(self) -> None:
        """Starts the workers (the processors' runner) in the background."""
        self._arret.clear()
        self._fil = threading.Thread(
            target=self.runner.executer, args=(self._arret,), name="traitement", daemon=True
        )
        self._fil.start()
        if self.expediteur is not None and self.envoi_en_fond:
            self._fil_envoi = threading.Thread(
                target=self.expediteur.executer, args=(self._arret,), name="envoi-dude", daemon=True
            )
            self._fil_envoi.start()

    def arreter(self) -> None:
        self._arret.set()
        self.runner.reveiller()
        if self.expediteur is not None:
            self.expediteur.reveiller()
        for fil in (self._fil, self._fil_envoi):
            if fil is not None:
                fil.join(10)

    def fermer_connexions(self) -> None:
        """The views' connections (the application is closed by whoever built it)."""
        self.arreter()
        self.lectures.close()
        self.stockage.close()
        if self.expediteur is not None:
            self.expediteur.stockage.close()

    def close(self) -> None:
        self.fermer_connexions()
        self.app.close()


def preparer_base(base: Base) -> None:
    """PostgreSQL: the schema must exist before the event store creates its tables."""
    if base.est_postgres:
        delai = int(base.env["POSTGRES_CONNECT_TIMEOUT"])
        with psycopg.connect(base.conninfo(), autocommit=True, connect_timeout=delai) as conn:
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(base.postgres_schema)
                )
            )


def construire_application(
    base: Base, horloge: Horloge | None = None, regles: Regles | None = None
) -> Cotraitance:
    """The application with its ports injected."""
    preparer_base(base)
    return Cotraitance(env=base.env, ports=ports(base), horloge=horloge, regles=regles)


def ports(base: Base) -> Ports:
    """What the application reads from outside itself, on a connection of its own: R20's flows
    (the flows recorded by the DUDE emitter, and, for what the emitter has not read yet, what
    history says), the counselors' open PPAE (the PPAE board)."""
    vues = StockageVues(base)

    def flux_transmis(dossier: Any, ppaes: Sequence[Any]) -> bool:
        if flux_deduits_de_l_historique(dossier, ppaes):
            return True
        with vues.creation() as cur:
            EmetteurDude().creer(cur)  # a store whose emitter never ran yet: no flow
            return registre.existent(cur, str(dossier.id))

    def conseillers(code_ml: str) -> dict[str, int]:
        with vues.transaction() as cur:
            return tableau_ppae.conseillers_affectes(cur, code_ml)

    tables_pretes = threading.Event()

    def tables() -> None:
        """A store whose index never ran yet: its tables, empty (once per process, then reads
        take no lock)."""
        if not tables_pretes.is_set():
            with vues.creation() as cur:
                IndexRapprochement().creer(cur)
                AffectationsParStatut().creer(cur)
            tables_pretes.set()

    def candidats(code_ml: str, fiche: Fiche, exclure: frozenset[str] = frozenset()) -> Trouves:
        tables()
        with vues.lecture() as cur:
            return index_rapprochement.trouver(cur, code_ml, fiche, exclure)

    def a_rapprocher(code_ml: str) -> list[UUID]:
        tables()
        with vues.lecture() as cur:
            return vue_affectations.a_rapprocher(cur, code_ml)

    return Ports(
        flux_transmis=flux_transmis,
        conseillers_affectes=conseillers,
        candidats=candidats,
        affectations_a_rapprocher=a_rapprocher,
        fermer=vues.close,
    )


def processeurs() -> list[Processeur]:
    return [*toutes_les_vues(), IndexRapprochement(), EmetteurDude()]


def assembler(
    base: Base,
    app: Cotraitance,
    liste: Sequence[Processeur] | None = None,
    envoi: ReglagesEnvoi | None = None,
) -> Service:
    """The processors, their runner and the listeners around an application."""
    stockage = StockageVues(base)
    cache = CacheAgregats()

    def invalider_evenements(evenements: Sequence[Any]) -> None:  # other processes' writes
        cache.invalider(e.originator_id for e in evenements)

    def invalider_agregats(agregats: Sequence[Any]) -> None:  # this process's, at once
        cache.invalider(a.id for a in agregats)

    ecouteurs = [app.coffre.detruire_les_cles_supprimees, invalider_evenements]
    runner = Runner(app, stockage, processeurs() if liste is None else liste, ecouteurs)
    app.ecouteurs.append(invalider_agregats)
    app.ecouteurs.append(lambda _: runner.reveiller())  # SQLite: read-your-writes at once
    runner.etats()  # the positions as committed, for /health until the runner moves them
    expediteur = Expediteur(StockageVues(base), envoi) if envoi is not None else None
    if expediteur is not None:
        runner.apres_ecriture.append(
            lambda nom: expediteur.reveiller() if nom == EmetteurDude.nom else None
        )
    return Service(base, app, stockage, runner, cache, StockageVues(base), expediteur)


def construire(
    settings: Settings, horloge: Horloge | None = None, dude_url: str | None = None
) -> Service:
    """``dude_url``: where to send the flows when the settings say nowhere (a simulator)."""
    base = base_depuis_url(settings.database_url)
    url = settings.dude_url or dude_url
    envoi = None
    if url:
        bail = timedelta(seconds=settings.dude_bail_s)
        envoi = ReglagesEnvoi(url, bail=bail, delai=float(settings.dude_delai_s))
    service = assembler(base, construire_application(base, horloge, settings.regles), envoi=envoi)
    service.envoi_en_fond = settings.dude_envoi
    return service


def secret_dev(settings: Settings) -> str:
    """The dev issuer's key: configured, or made once and kept under the var directory."""
    if settings.jwt_secret:
        return settings.jwt_secret
    chemin = Path(settings.var_dir) / "dev-jwt-secret"
    if not chemin.exists():
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        chemin.chmod(0o600)
    return chemin.read_text(encoding="utf-8").strip()


def reglages_api(settings: Settings) -> ReglagesApi:
    """The web process's settings; the dev issuer's key only outside prod."""
    return settings.api(settings.jwt_secret if settings.est_prod else secret_dev(settings))
