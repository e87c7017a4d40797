"""A view with one row per key, folded from events in batches: one kind of processor."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from application.traitement.stockage import Curseur

Ligne = dict[str, Any]
LOT_SQL = 500


def sujets(*agregats: type[Aggregate]) -> tuple[str, ...]:
    """The topics of every event class of these aggregates."""
    return tuple(
        get_topic(v)
        for a in agregats
        for v in vars(a).values()
        if isinstance(v, type) and issubclass(v, Aggregate.Event)
    )


class VueTable(ABC):
    nom: ClassVar[str]
    """Persisted name (tracking row): frozen once data exists."""
    version: ClassVar[int] = 1
    """Bump when the table or the fold changes: the view is then rebuilt from zero."""
    table: ClassVar[str]
    colonnes: ClassVar[dict[str, str]]
    """Column → SQL type; the first column is the key."""
    index: ClassVar[tuple[str, ...]] = ()
    agregats: ClassVar[tuple[type[Aggregate], ...]]

    @property
    def cle(self) -> str:
        return next(iter(self.colonnes))

    @property
    def sujets(self) -> tuple[str, ...]:
        return sujets(*self.agregats)

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,)

    @abstractmethod
    def cle_de(self, evenement: Any) -> str | None:
        """The row an event touches, or None if it does not concern this view."""

    @abstractmethod
    def appliquer(self, ligne: Ligne | None, evenement: Any) -> Ligne | None:
        """The row after the event (None deletes it). Pure: no I/O."""

    def creer(self, cur: Curseur) -> None:
        cols = ", ".join(f"{c} {t}" for c, t in self.colonnes.items())
        cur.execute(f"CREATE TABLE IF NOT EXISTS {self.table} ({cols}, PRIMARY KEY ({self.cle}))")
        for i, definition in enumerate(self.index):
            cur.execute(
                f"CREATE INDEX IF NOT EXISTS {self.table}_i{i} ON {self.table} {definition}"
            )

    def supprimer(self, cur: Curseur) -> None:
        cur.execute(f"DROP TABLE IF EXISTS {self.table}")

    def traiter(self, cur: Curseur, evenements: Sequence[Any]) -> None:
        """Folds a batch of events into the rows they touch: one read, one write per batch."""
        touches = [(k, e) for e in evenements if (k := self.cle_de(e)) is not None]
        if not touches:
            return
        lignes = self._lire(cur, {k for k, _ in touches})
        for cle, evenement in touches:
            lignes[cle] = self.appliquer(lignes.get(cle), evenement)
        self._ecrire(cur, lignes)

    def _lire(self, cur: Curseur, cles: set[str]) -> dict[str, Ligne | None]:
        noms = list(self.colonnes)
        lignes: dict[str, Ligne | None] = {}
        colonnes = ", ".join(noms)
        if cur.est_postgres:
            # One statement whatever the batch size: the keys travel as one array.
            sql = f"SELECT {colonnes} FROM {self.table} WHERE {self.cle} = ANY(%s)"
            for valeurs in cur.fetchall(sql, [sorted(cles)]):
                lignes[valeurs[0]] = dict(zip(noms, valeurs, strict=True))
            return lignes
        liste = sorted(cles)
        for i in range(0, len(liste), LOT_SQL):
            morceau = liste[i : i + LOT_SQL]
            marques = ", ".join(["%s"] * len(morceau))
            sql = f"SELECT {colonnes} FROM {self.table} WHERE {self.cle} IN ({marques})"
            for valeurs in cur.fetchall(sql, morceau):
                lignes[valeurs[0]] = dict(zip(noms, valeurs, strict=True))
        return lignes

    def _ecrire(self, cur: Curseur, lignes: dict[str, Ligne | None]) -> None:
        noms = list(self.colonnes)
        maj = ", ".join(f"{c} = excluded.{c}" for c in noms[1:])
        gardees = [ligne for ligne in lignes.values() if ligne is not None]
        supprimees = [cle for cle, ligne in lignes.items() if ligne is None]
        if cur.est_postgres:
            # Set-based: one upsert and one delete per batch instead of a statement per row
            # (executemany). The rows travel as one JSON document (encoded in C, parsed by the
            # server into the table's row type): adapting per-column arrays cost more in Python
            # than the upsert itself. Keys are unique here, so no row is hit twice.
            if gardees:
                cur.execute(
                    f"INSERT INTO {self.table} ({', '.join(noms)}) "
                    f"SELECT {', '.join(noms)} FROM "
                    f"json_populate_recordset(NULL::{self.table}, %s) "
                    f"ON CONFLICT ({self.cle}) DO UPDATE SET {maj}",
                    [json.dumps(gardees, separators=(",", ":"), default=str)],
                )
            if supprimees:
                cur.execute(f"DELETE FROM {self.table} WHERE {self.cle} = ANY(%s)", [supprimees])
            return
        cur.executemany(
            f"INSERT INTO {self.table} ({', '.join(noms)}) "
            f"VALUES ({', '.join(['%s'] * len(noms))}) "
            f"ON CONFLICT ({self.cle}) DO UPDATE SET {maj}",
            [[ligne.get(c) for c in noms] for ligne in gardees],
        )
        cur.executemany(
            f"DELETE FROM {self.table} WHERE {self.cle} = %s", [[c] for c in supprimees]
        )
