"""R20 crypto-shredding: a dossier's personal data is stored encrypted with a key of its own;
destroying the key erases that data from every event, while the non-personal facts stay.

The mapper encrypts the personal fields of the dossier's events (identity, PE identifier, free
text) with AES-GCM under the dossier's key, kept in the table ``cles_personnelles`` of the event
store's database. Once the key is destroyed those fields read as erased.

Fail closed: the mapper cannot be built without its key vault, an application of ours refuses
any other mapper, and an identity is encoded by no other mapper (``transcodage.py``).
"""

from __future__ import annotations

import base64
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic

from application.magasin.adaptateur import ERREURS_DE_CONNEXION, MagasinEvenements
from application.magasin.transcodage import encodage_autorise
from domain.dossier import Dossier
from domain.valeurs import EFFACE, IDENTITE_EFFACEE

MARQUE = "_chiffre_"
TAILLE_CACHE = 10_000

# Personal fields of each event class, with the value they read as once erased.
CHAMPS_PERSONNELS: dict[str, dict[str, Any]] = {
    get_topic(Dossier.Cree): {"identite": IDENTITE_EFFACEE, "identifiant_pe": None},
    get_topic(Dossier.EvenementSaisi): {"commentaire": None},
    get_topic(Dossier.RapprocheDude): {"identifiant_pe": None, "identifiant_pe_avant": None},
    get_topic(Dossier.RapprochementAnnule): {"identifiant_pe": None},
    get_topic(Dossier.DonneesRecues): {"identifiant_pe": None, "commentaires": {}},
    get_topic(Dossier.Justifie): {"piece": EFFACE},
    get_topic(Dossier.EvenementAnnule): {"motif": None},
}
SUPPRESSION = get_topic(Dossier.Supprime)
"""The event after which a dossier's key must be gone (healed from the log if need be)."""


class Coffre:
    """Per-subject keys in the event store's own database; destroying one is final."""

    def __init__(self, magasin: MagasinEvenements) -> None:
        self.magasin = magasin
        self._table = magasin.table("cles_personnelles")
        self._cache: OrderedDict[UUID, bytes] = OrderedDict()
        self._verrou = threading.Lock()
        self._nouvelles = threading.local()
        cle_type = "BYTEA" if magasin.est_postgres else "BLOB"
        magasin.executer(
            f"CREATE TABLE IF NOT EXISTS {self._table} "
            f"(sujet TEXT PRIMARY KEY, cle {cle_type} NOT NULL)",
            commit=True,
        )

    def cle(self, sujet: UUID, creer: bool = False) -> bytes | None:
        with self._verrou:
            if sujet in self._cache:
                self._cache.move_to_end(sujet)
                return self._cache[sujet]
        sql = f"SELECT cle FROM {self._table} WHERE sujet = %s"
        lignes = self.magasin.executer(sql, (str(sujet),))
        cle = bytes(lignes[0][0]) if lignes else None
        if cle is None and creer:
            self.magasin.executer(
                f"INSERT INTO {self._table} (sujet, cle) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (str(sujet), AESGCM.generate_key(bit_length=256)),
                commit=True,
            )
            suivies: list[UUID] | None = getattr(self._nouvelles, "liste", None)
            if suivies is not None:
                suivies.append(sujet)
            return self.cle(sujet)
        if cle is not None:
            self._retenir(sujet, cle)
        return cle

    def creer_cles(self, sujets: Sequence[UUID]) -> list[UUID]:
        """Keys for many new subjects at once (a bulk load): one statement per 500 instead of
        three round trips each. Returns the subjects whose key this call made (a key another
        writer made meanwhile is used, never claimed)."""
        self.precharger(sujets)
        manquants = [s for s in dict.fromkeys(sujets) if s not in self._cache]
        faites: list[UUID] = []
        for debut in range(0, len(manquants), 500):
            morceau = {
                str(s): AESGCM.generate_key(bit_length=256) for s in manquants[debut : debut + 500]
            }
            valeurs = ", ".join(["(%s, %s)"] * len(morceau))
            lignes = self.magasin.executer(
                f"INSERT INTO {self._table} (sujet, cle) VALUES {valeurs} "
                "ON CONFLICT DO NOTHING RETURNING sujet",
                [v for paire in morceau.items() for v in paire],
                commit=True,
            )
            for (sujet,) in lignes:
                self._retenir(UUID(sujet), morceau[sujet])
                faites.append(UUID(sujet))
        self.precharger(s for s in manquants if s not in self._cache)  # made meanwhile
        return faites

    @contextmanager
    def retirees_en_cas_d_echec(self) -> Iterator[None]:
        """Keys made for a save that then fails are removed: no key without its dossier. But
        a save can fail after its commit (the answer lost, the library's retry then finds the
        events there): a key whose subject has events is kept, and so is every key when the
        store cannot say (an orphan key holds nothing; a destroyed one erases a youth)."""
        englobante = getattr(self._nouvelles, "liste", None)
        nouvelles: list[UUID] = []
        self._nouvelles.liste = nouvelles
        try:
            yield
        except BaseException:
            with suppress(*ERREURS_DE_CONNEXION):
                for sujet in set(nouvelles) - self.magasin.existants(nouvelles):
                    self.detruire(sujet)
            raise
        finally:
            self._nouvelles.liste = englobante

    def precharger(self, sujets: Iterable[UUID]) -> None:
        """One query for many subjects (processors read events in batches)."""
        manquants = [s for s in set(sujets) if s not in self._cache]
        for i in range(0, len(manquants), 500):
            morceau = [str(s) for s in manquants[i : i + 500]]
            marques = ", ".join(["%s"] * len(morceau))
            sql = f"SELECT sujet, cle FROM {self._table} WHERE sujet IN ({marques})"
            for sujet, cle in self.magasin.executer(sql, morceau):
                self._retenir(UUID(sujet), bytes(cle))

    def detruire(self, sujet: UUID) -> None:
        sql = f"DELETE FROM {self._table} WHERE sujet = %s"
        self.magasin.executer(sql, (str(sujet),), commit=True)
        with self._verrou:
            self._cache.pop(sujet, None)

    def detruire_les_cles_supprimees(self, evenements: Sequence[Any]) -> None:
        """A listener of the event log: R20 again for every ``Dossier.Supprime`` read. The
        deleting command destroyed the key already; this heals a crash between its save and
        that destruction, and makes this process forget its cached copy of the key."""
        for evenement in evenements:
            if get_topic(type(evenement)) == SUPPRESSION:
                self.detruire(evenement.originator_id)

    def _retenir(self, sujet: UUID, cle: bytes) -> None:
        with self._verrou:
            self._cache[sujet] = cle
            while len(self._cache) > TAILLE_CACHE:
                self._cache.popitem(last=False)


class MapperEffacable(Mapper[UUID]):
    """Encrypts the personal fields of a dossier's events under the dossier's key."""

    def __init__(self, transcoder: Transcoder, coffre: Coffre) -> None:
        if not isinstance(coffre, Coffre):
            raise TypeError("the personal data mapper needs its key vault")
        super().__init__(transcoder)
        self.coffre = coffre

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        topic = get_topic(type(domain_event))
        etat = dict(vars(domain_event))
        originator_id = etat.pop("originator_id")
        originator_version = etat.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            etat["class_version"] = class_version
        # An absent value (no comment, no PE identifier) is no personal data: stored as null,
        # read back as null before and after the key is destroyed, without a key lookup.
        champs = [c for c in CHAMPS_PERSONNELS.get(topic, {}) if etat.get(c) is not None]
        if champs:
            cle = self.coffre.cle(originator_id, creer=True)
            if cle is None:
                raise RuntimeError("no key for this dossier: its personal data cannot be stored")
            for champ in champs:
                etat[champ] = {MARQUE: self._chiffrer(cle, etat[champ])}
        with encodage_autorise():
            donnees = self.transcoder.encode(etat)
        return StoredEvent(originator_id, originator_version, topic, donnees)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        evenement = super().to_domain_event(stored_event)
        champs = CHAMPS_PERSONNELS.get(stored_event.topic)
        if not champs:
            return evenement
        etat = vars(evenement)
        chiffres = [c for c in champs if isinstance(etat.get(c), dict) and MARQUE in etat[c]]
        if not chiffres:
            return evenement
        cle = self.coffre.cle(evenement.originator_id)
        for champ in chiffres:
            etat[champ] = (
                champs[champ] if cle is None else self._dechiffrer(cle, etat[champ][MARQUE])
            )
        return evenement

    def _chiffrer(self, cle: bytes, valeur: Any) -> str:
        nonce = os.urandom(12)
        with encodage_autorise():
            clair = self.transcoder.encode(valeur)
        texte = AESGCM(cle).encrypt(nonce, clair, None)
        return base64.b64encode(nonce + texte).decode()

    def _dechiffrer(self, cle: bytes, chiffre: str) -> Any:
        brut = base64.b64decode(chiffre)
        return self.transcoder.decode(AESGCM(cle).decrypt(brut[:12], brut[12:], None))
