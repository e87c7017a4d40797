"""The event-sourced application: runs commands (values, see ``commandes/``) with their
capability check, idempotency key, R21 metadata and one atomic save of every aggregate a rule
spans; reads aggregates with tenancy."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper
from eventsourcing.utils import get_topic

from application.commandes.base import Commande, Monde
from application.contexte import Contexte, Resultat
from application.horloge import Horloge, HorlogeSysteme
from application.magasin.adaptateur import MagasinEvenements
from application.magasin.chiffrement import Coffre, MapperEffacable
from application.magasin.persistance import creation_exclusive
from application.magasin.transcodage import enregistrer_transcodages
from application.ports import Ports
from domain.acces import Capacite, exiger
from domain.dossier import Dossier
from domain.erreurs import CleIdempotenceReutilisee, ConflitVersion
from domain.idempotence import CleIdempotence
from domain.mission_locale import MissionLocale
from domain.regles import Regles

A = TypeVar("A", bound=Aggregate)
Ecouteur = Callable[[Sequence[Aggregate]], None]


@dataclass(frozen=True)
class Simulation:
    """A decision run without saving (a dry run): its result and the events it would record."""

    resultat: Resultat
    evenements: list[Any]


class ApplicationBase(Application[UUID]):
    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        ports: Ports,
        horloge: Horloge | None = None,
        regles: Regles | None = None,
    ) -> None:
        with creation_exclusive({**os.environ, **(env or {})}):
            super().__init__(env)
            if not isinstance(self.mapper, MapperEffacable):
                raise TypeError("personal data must go through the personal-data mapper (R20)")
            self.magasin.attacher(self.recorder)
        self.ports = ports
        self.horloge = horloge or HorlogeSysteme()
        self.regles = regles or Regles()
        self.ecouteurs: list[Ecouteur] = []
        """Told which aggregates this process just saved (the read cache, tests)."""

    def close(self) -> None:
        self.ports.fermer()
        super().close()

    def construct_mapper(self) -> Mapper[UUID]:
        # Built before the recorder: the key vault reaches the store through the factory.
        self.magasin = MagasinEvenements(self.factory)
        self.coffre = Coffre(self.magasin)
        return MapperEffacable(self.construct_transcoder(), self.coffre)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        enregistrer_transcodages(transcoder)

    # ------------------------------------------------------------------ commands

    def executer(self, ctx: Contexte, commande: Commande) -> Resultat:
        """Decides, then saves every aggregate the decision changed in one atomic save."""
        exiger(ctx.acteur, commande.capacite)
        if not ctx.cle_idempotence:
            monde = self._monde(ctx)
            resultat = commande.decider(monde)
            self._sauver(ctx, monde.modifies())
            self._effets(monde)
            return resultat
        # A key is the client's: scoped to its user and ML, and to the command.
        portee = f"{ctx.acteur.code_ml}:{ctx.acteur.sub}"
        cle_id = CleIdempotence.create_id(portee, commande.nom_commande, ctx.cle_idempotence)
        empreinte = commande.empreinte()
        deja = self._rejouer(cle_id, empreinte)
        if deja is not None:
            return deja
        monde = self._monde(ctx)
        resultat = commande.decider(monde)
        cle = CleIdempotence(
            portee=portee,
            commande=commande.nom_commande,
            cle=ctx.cle_idempotence,
            empreinte=empreinte,
            resultat=resultat.enregistrement(),
        )
        try:
            self._sauver(ctx, [*monde.modifies(), cle])
        except ConflitVersion:
            # The same key sent twice at once: the first one's result, not a conflict.
            deja = self._rejouer(cle_id, empreinte)
            if deja is None:
                raise
            return deja
        self._effets(monde)
        return resultat

    def simuler(self, ctx: Contexte, commande: Commande) -> Simulation:
        """The decision and the events it would record; nothing is saved."""
        exiger(ctx.acteur, commande.capacite)
        monde = self._monde(ctx)
        resultat = commande.decider(monde)
        evenements = [e for a in monde.modifies() for e in a.collect_events()]
        return Simulation(resultat, evenements)

    # ------------------------------------------------------------------ reads

    def charger(self, ctx: Contexte, type_agregat: type[A], agregat_id: UUID) -> A:
        """An aggregate of the actor's ML; another ML's is indistinguishable from a missing one."""
        return self._monde(ctx).charger(type_agregat, agregat_id)

    def mission_locale(self, code: str) -> MissionLocale | None:
        agregat = self._lire(MissionLocale.create_id(code))
        return agregat if isinstance(agregat, MissionLocale) else None

    def missions_locales(self) -> list[MissionLocale]:
        """Every ML the store knows, by code (a scan of the log: for commands, not requests)."""
        ids = self.magasin.originaires(get_topic(MissionLocale.Creee))
        connues = [ml for ml in map(self._lire, ids) if isinstance(ml, MissionLocale)]
        return sorted(connues, key=lambda ml: ml.code)

    # ------------------------------------------------------------------ bulk loads

    def enregistrer_en_lot(self, ctx: Contexte, agregats: Sequence[Aggregate]) -> None:
        """Many new aggregates in one atomic save, with R21 metadata (a bulk load): the keys
        of their personal data made together first, removed if the save fails; the events
        written by the store's bulk path (``COPY`` on PostgreSQL), not one by one through the
        library's ``save``. Safe to call from several threads."""
        exiger(ctx.acteur, Capacite.REFERENTIEL)
        faites = self.coffre.creer_cles([a.id for a in agregats if isinstance(a, Dossier)])
        try:
            evenements = [e for a in agregats for e in a.collect_events()]
            self.magasin.estampiller(evenements, ctx.metadonnees())
            with self.coffre.retirees_en_cas_d_echec():
                stockes = [self.mapper.to_stored_event(e) for e in evenements]
                try:
                    self.magasin.inserer_en_masse(stockes)
                except IntegrityError:
                    raise ConflitVersion(
                        "Un autre chargement a enregistré certains de ces dossiers en même temps."
                    ) from None
        except BaseException:
            # Only the keys of dossiers still absent: a dossier another load saved meanwhile
            # (the conflict that failed this save) was encrypted with the key found here.
            with suppress(Exception):
                for sujet in set(faites) - self.magasin.existants(faites):
                    self.coffre.detruire(sujet)
            raise
        for ecouteur in self.ecouteurs:
            ecouteur(agregats)

    # ------------------------------------------------------------------ machinery

    def _monde(self, ctx: Contexte) -> Monde:
        return Monde(
            ctx.acteur,
            self._lire,
            self.horloge.aujourdhui(),
            self.regles,
            self.ports,
            self.coffre.detruire,
        )

    def _lire(self, agregat_id: UUID) -> Aggregate | None:
        try:
            agregat: Aggregate = self.repository.get(agregat_id)
        except AggregateNotFoundError:
            return None
        return agregat

    def _rejouer(self, cle_id: UUID, empreinte: str) -> Resultat | None:
        deja = self._lire(cle_id)
        if not isinstance(deja, CleIdempotence):
            return None
        # A key recorded before fingerprints were versioned cannot be compared: its result
        # is replayed (a client retrying across the upgrade gets its first answer).
        if deja.empreinte != empreinte and ":" in deja.empreinte:
            raise CleIdempotenceReutilisee(
                "Cette clé d'idempotence a déjà servi pour une autre saisie.", "cleIdempotence"
            )
        return Resultat.rejoue(deja.resultat)

    def _sauver(self, ctx: Contexte, agregats: Sequence[Aggregate]) -> None:
        """One atomic save of every aggregate a rule spans, each event carrying R21 metadata."""
        evenements = [e for a in agregats for e in a.collect_events()]
        if not evenements:
            return
        self.magasin.estampiller(evenements, ctx.metadonnees())
        try:
            with self.coffre.retirees_en_cas_d_echec():
                self.save(*evenements)
        except IntegrityError:
            raise ConflitVersion(
                "Une autre modification a été enregistrée en même temps : rechargez puis réessayez."
            ) from None
        for ecouteur in self.ecouteurs:
            ecouteur(agregats)

    @staticmethod
    def _effets(monde: Monde) -> None:
        for effet in monde.effets:
            effet()
