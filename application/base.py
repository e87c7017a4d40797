"""What every command of the application shares: tenancy, idempotency keys, expected versions,
R21 metadata and one atomic save of every aggregate a rule spans."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper

from application.chiffrement import Coffre, MapperEffacable
from application.contexte import (
    Contexte,
    Resultat,
)
from application.horloge import Horloge, HorlogeSysteme
from application.transcodage import en_json, enregistrer_transcodages
from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.erreurs import CleIdempotenceReutilisee, ConflitVersion, NonTrouve
from domain.idempotence import CleIdempotence
from domain.mission_locale import MissionLocale
from domain.ppae import PPAE
from domain.regles import Regles
from domain.valeurs import (
    StatutPpae,
)

A = TypeVar("A", bound=Aggregate)
FluxTransmis = Callable[[Dossier, Sequence[PPAE]], bool]

LIBELLES = {Dossier: "Dossier", PPAE: "PPAE", Affectation: "Affectation"}
CHAMPS = {Dossier: "dossierId", PPAE: "ppaeId", Affectation: "affectationId"}
"""The input field that names an aggregate of that type, for NON_TROUVE (R24)."""


def flux_deduits_de_l_historique(dossier: Dossier, ppaes: Sequence[PPAE]) -> bool:
    """R13/R20: flows exist once a PPAE ran, or when an early stop was sent to the DUDE."""
    return any(
        p.statut in (StatutPpae.EN_COURS, StatutPpae.TERMINE) or p.motif_arret for p in ppaes
    )


class ApplicationBase(Application[UUID]):
    """The machinery every command shares: loading with tenancy, idempotency, atomic save."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        horloge: Horloge | None = None,
        regles: Regles | None = None,
        flux_transmis: FluxTransmis = flux_deduits_de_l_historique,
    ) -> None:
        super().__init__(env)
        self.coffre = Coffre(getattr(self.recorder, "datastore"))  # noqa: B009
        assert isinstance(self.mapper, MapperEffacable)
        self.mapper.coffre = self.coffre
        self.horloge = horloge or HorlogeSysteme()
        self.regles = regles or Regles()
        self.flux_transmis = flux_transmis
        self.ecouteurs: list[Callable[[set[UUID]], None]] = []
        """Told which aggregates this process just saved (the web process's read cache)."""

    def construct_mapper(self) -> Mapper[UUID]:
        return MapperEffacable(self.construct_transcoder())

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        enregistrer_transcodages(transcoder, Resultat)

    def charger(self, ctx: Contexte, type_agregat: type[A], agregat_id: UUID) -> A:
        """An aggregate of the actor's ML; another ML's is indistinguishable from a missing one."""
        return self._charger(ctx, type_agregat, agregat_id)

    def mission_locale(self, code: str) -> MissionLocale | None:
        return self._optionnel(MissionLocale, MissionLocale.create_id(code))

    # ------------------------------------------------------------------ machinery

    def _evaluer_entree(self, ctx: Contexte, dossier: Dossier) -> list[Aggregate]:
        if dossier.ppae_ouvert is None:
            return []
        ppae = self._charger(ctx, PPAE, dossier.ppae_ouvert)
        return [ppae] if ppae.evaluer_entree(dossier.justifie, dossier.entretiens()) else []

    def _optionnel(self, type_agregat: type[A], agregat_id: UUID) -> A | None:
        try:
            agregat: Aggregate = self.repository.get(agregat_id)
        except AggregateNotFoundError:
            return None
        return agregat if isinstance(agregat, type_agregat) else None

    def _charger(
        self,
        ctx: Contexte,
        type_agregat: type[A],
        agregat_id: UUID,
        version_attendue: int | None = None,
        champ: str | None = None,
    ) -> A:
        agregat = self._optionnel(type_agregat, agregat_id)
        if agregat is None or getattr(agregat, "code_ml", None) != ctx.acteur.code_ml:
            libelle = LIBELLES.get(type_agregat, type_agregat.__name__)
            raise NonTrouve(f"{libelle} introuvable.", champ or CHAMPS.get(type_agregat))
        if version_attendue is not None and agregat.version != version_attendue:
            raise ConflitVersion(
                f"{LIBELLES.get(type_agregat, '')} modifié entre-temps (version "
                f"{agregat.version}, attendue {version_attendue}) : rechargez-le puis réessayez."
            )
        return agregat

    def _executer(
        self,
        ctx: Contexte,
        commande: str,
        entree: dict[str, Any],
        roles: frozenset[Any],
        decider: Callable[[], tuple[list[Aggregate], Resultat]],
    ) -> Resultat:
        ctx.exiger(roles)
        if not ctx.cle_idempotence:
            modifies, resultat = decider()
            self._enregistrer(ctx, modifies)
            return resultat
        # A key is the client's: scoped to its user and ML, and to the command.
        portee = f"{ctx.acteur.code_ml}:{ctx.acteur.sub}"
        cle_id = CleIdempotence.create_id(portee, commande, ctx.cle_idempotence)
        empreinte = _empreinte(entree)
        deja = self._rejouer(cle_id, empreinte)
        if deja is not None:
            return deja
        modifies, resultat = decider()
        cle = CleIdempotence(
            portee=portee,
            commande=commande,
            cle=ctx.cle_idempotence,
            empreinte=empreinte,
            resultat=resultat,  # type: ignore[arg-type]
        )
        try:
            self._enregistrer(ctx, [*modifies, cle])
        except ConflitVersion:
            # The same key sent twice at once: the first one's result, not a conflict.
            deja = self._rejouer(cle_id, empreinte)
            if deja is None:
                raise
            return deja
        return resultat

    def _rejouer(self, cle_id: UUID, empreinte: str) -> Resultat | None:
        deja = self._optionnel(CleIdempotence, cle_id)
        if deja is None:
            return None
        if deja.empreinte != empreinte:
            raise CleIdempotenceReutilisee(
                "Cette clé d'idempotence a déjà servi pour une autre saisie.", "cleIdempotence"
            )
        resultat: Resultat = deja.resultat  # type: ignore[assignment]
        return resultat

    def _enregistrer(self, ctx: Contexte, agregats: Sequence[Aggregate]) -> None:
        """One atomic save of every aggregate a rule spans, each event carrying R21 metadata."""
        meta = ctx.metadonnees()
        evenements = [e for a in _uniques(agregats) for e in a.collect_events()]
        for evenement in evenements:
            object.__setattr__(evenement, "_meta", meta)
        try:
            self.save(*evenements)
        except IntegrityError:
            raise ConflitVersion(
                "Une autre modification a été enregistrée en même temps : rechargez puis réessayez."
            ) from None
        for ecouteur in self.ecouteurs:
            ecouteur({e.originator_id for e in evenements})


def _uniques(agregats: Sequence[Aggregate]) -> list[Aggregate]:
    vus: dict[UUID, Aggregate] = {}
    for a in agregats:
        vus.setdefault(a.id, a)
    return list(vus.values())


def _empreinte(entree: dict[str, Any]) -> str:
    texte = json.dumps(entree, default=en_json, sort_keys=True)
    return hashlib.sha256(texte.encode()).hexdigest()
