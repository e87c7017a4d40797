"""R20 crypto-shredding: a dossier's personal data is stored encrypted with a key of its own;
destroying the key erases that data from every event, while the non-personal facts stay.

The mapper encrypts the personal fields of the dossier's events (identity, PE identifier, free
text) with AES-GCM under the dossier's key, kept in the table ``cles_personnelles`` of the event
store's database. Once the key is destroyed those fields read as erased.
"""

from __future__ import annotations

import base64
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import get_topic

from domain.dossier import Dossier
from domain.valeurs import Identite

EFFACE = "[effacé]"
IDENTITE_EFFACEE = Identite(EFFACE, EFFACE, date(1900, 1, 1))
MARQUE = "_chiffre_"
TAILLE_CACHE = 10_000

# Personal fields of each event class, with the value they read as once erased.
CHAMPS_PERSONNELS: dict[str, dict[str, Any]] = {
    get_topic(Dossier.Cree): {"identite": IDENTITE_EFFACEE, "identifiant_pe": None},  # type: ignore[attr-defined]
    get_topic(Dossier.EvenementSaisi): {"commentaire": None},
    get_topic(Dossier.RapprocheDude): {"identifiant_pe": None, "identifiant_pe_avant": None},  # type: ignore[attr-defined]
    get_topic(Dossier.RapprochementAnnule): {"identifiant_pe": None},  # type: ignore[attr-defined]
    get_topic(Dossier.DonneesRecues): {"identifiant_pe": None, "commentaires": {}},  # type: ignore[attr-defined]
    get_topic(Dossier.Justifie): {"piece": EFFACE},  # type: ignore[attr-defined]
    get_topic(Dossier.EvenementAnnule): {"motif": None},  # type: ignore[attr-defined]
}
SUPPRESSION = get_topic(Dossier.Supprime)  # type: ignore[attr-defined]
"""The event after which a dossier's key must be gone (healed from the log if need be)."""


class Coffre:
    """Per-subject keys in the event store's own database; destroying one is final."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.postgres = isinstance(datastore, PostgresDatastore)
        table = f'"{datastore.schema}".cles_personnelles' if self.postgres else "cles_personnelles"
        self._table = table
        self._cache: OrderedDict[UUID, bytes] = OrderedDict()
        self._verrou = threading.Lock()
        cle_type = "BYTEA" if self.postgres else "BLOB"
        self._executer(
            f"CREATE TABLE IF NOT EXISTS {table} (sujet TEXT PRIMARY KEY, cle {cle_type} NOT NULL)",
            (),
            commit=True,
        )

    def cle(self, sujet: UUID, creer: bool = False) -> bytes | None:
        with self._verrou:
            if sujet in self._cache:
                self._cache.move_to_end(sujet)
                return self._cache[sujet]
        lignes = self._executer(f"SELECT cle FROM {self._table} WHERE sujet = %s", (str(sujet),))
        cle = bytes(lignes[0][0]) if lignes else None
        if cle is None and creer:
            self._executer(
                f"INSERT INTO {self._table} (sujet, cle) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (str(sujet), AESGCM.generate_key(bit_length=256)),
                commit=True,
            )
            return self.cle(sujet)
        if cle is not None:
            self._retenir(sujet, cle)
        return cle

    def precharger(self, sujets: Iterable[UUID]) -> None:
        """One query for many subjects (projections read events in batches)."""
        manquants = [s for s in set(sujets) if s not in self._cache]
        for i in range(0, len(manquants), 500):
            morceau = [str(s) for s in manquants[i : i + 500]]
            marques = ", ".join(["%s"] * len(morceau))
            sql = f"SELECT sujet, cle FROM {self._table} WHERE sujet IN ({marques})"
            for sujet, cle in self._executer(sql, tuple(morceau)):
                self._retenir(UUID(sujet), bytes(cle))

    def detruire(self, sujet: UUID) -> None:
        self._executer(f"DELETE FROM {self._table} WHERE sujet = %s", (str(sujet),), commit=True)
        with self._verrou:
            self._cache.pop(sujet, None)

    def _retenir(self, sujet: UUID, cle: bytes) -> None:
        with self._verrou:
            self._cache[sujet] = cle
            while len(self._cache) > TAILLE_CACHE:
                self._cache.popitem(last=False)

    def _executer(self, sql: str, params: tuple[Any, ...], commit: bool = False) -> list[Any]:
        if not self.postgres:
            sql = sql.replace("%s", "?")
        with self.datastore.transaction(commit=commit) as cur:
            cur.execute(sql, params)
            if not sql.startswith("SELECT"):
                return []
            return [
                tuple(ligne.values()) if isinstance(ligne, dict) else tuple(ligne)
                for ligne in cur.fetchall()
            ]


class MapperEffacable(Mapper[UUID]):
    """Encrypts the personal fields of a dossier's events under the dossier's key."""

    def __init__(self, transcoder: Transcoder) -> None:
        super().__init__(transcoder)
        self.coffre: Coffre | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        champs = CHAMPS_PERSONNELS.get(get_topic(type(domain_event)))
        if not champs or self.coffre is None:
            return super().to_stored_event(domain_event)
        cle = self.coffre.cle(domain_event.originator_id, creer=True)
        assert cle is not None
        etat = dict(vars(domain_event))
        for champ in champs:
            if champ in etat:
                etat[champ] = {MARQUE: self._chiffrer(cle, etat[champ])}
        copie = object.__new__(type(domain_event))
        object.__setattr__(copie, "__dict__", etat)
        return super().to_stored_event(copie)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        evenement = super().to_domain_event(stored_event)
        champs = CHAMPS_PERSONNELS.get(stored_event.topic)
        if not champs:
            return evenement
        etat = vars(evenement)
        chiffres = [c for c in champs if isinstance(etat.get(c), dict) and MARQUE in etat[c]]
        if not chiffres:
            return evenement
        assert self.coffre is not None
        cle = self.coffre.cle(evenement.originator_id)
        for champ in chiffres:
            etat[champ] = (
                champs[champ] if cle is None else self._dechiffrer(cle, etat[champ][MARQUE])
            )
        return evenement

    def _chiffrer(self, cle: bytes, valeur: Any) -> str:
        nonce = os.urandom(12)
        texte = AESGCM(cle).encrypt(nonce, self.transcoder.encode(valeur), None)
        return base64.b64encode(nonce + texte).decode()

    def _dechiffrer(self, cle: bytes, chiffre: str) -> Any:
        brut = base64.b64decode(chiffre)
        return self.transcoder.decode(AESGCM(cle).decrypt(brut[:12], brut[12:], None))
