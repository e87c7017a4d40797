"""Les rejets d'un chargement, en mémoire bornée quel que soit le fichier : le bilan garde les
``GARDES`` premiers (ceux des plus petits numéros de ligne) et compte les autres ; le fichier de
rejets (``--rejets FICHIER``), s'il est demandé, les reçoit tous, au fil de la lecture (CSV si
son nom finit par ``.csv``, JSON Lines sinon : ligne, lieu, raison)."""

from __future__ import annotations

import csv
import heapq
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import IO, Generic, TypeVar

from integrations.erreurs_systeme import raison_fichier
from integrations.referentiel.lignes import LigneRejetee

GARDES = 100
"""Rejections (and warnings, conflicts) shown in a summary: a file of millions of bad rows
must neither fill the memory nor the terminal."""
T = TypeVar("T")


class RejetsIllisibles(Exception):
    """The rejection file cannot be written; the message is what the user is told."""


class Rejets:
    def __init__(self, sortie: IO[str] | None = None, gardes: int = GARDES) -> None:
        self._sortie = sortie
        self.nombre = 0
        self.gardes = gardes
        self._tas: list[tuple[int, int, LigneRejetee]] = []  # (-line, -order, rejection)
        self._ordre = count()
        self._ecrire = _ecrivain(sortie) if sortie is not None else None
        self.fichier: str | None = getattr(sortie, "name", None) if sortie else None
        self.ecrits = 0
        self.panne: str | None = None
        """Why the rejection file could not be written to the end, if it could not."""

    @classmethod
    def vers(cls, chemin: Path | None, lu: Path | None = None) -> Rejets:
        """``chemin``: the rejection file asked for (replaced if it exists), or none; never the
        file being read (``lu``), which opening it for writing would empty."""
        if chemin is None:
            return cls()
        if lu is not None and _meme_fichier(chemin, lu):
            raise RejetsIllisibles(
                f"le fichier de rejets {chemin} est le fichier lu : choisissez un autre nom "
                "(rien n'a été lu ni écrit)"
            )
        try:
            return cls(chemin.open("w", encoding="utf-8", newline=""))
        except OSError as exc:
            raise RejetsIllisibles(
                f"le fichier de rejets {chemin} ne peut pas être écrit ({raison_fichier(exc)})"
            ) from None

    def __enter__(self) -> Rejets:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._sortie is not None:
            try:
                self._sortie.close()
            except OSError as erreur:  # the last buffered rejections could not be written
                self.panne = self.panne or raison_fichier(erreur)
                print(
                    f"le fichier de rejets {self.fichier} est incomplet ({self.panne})",
                    file=sys.stderr,
                )

    def ajouter(self, rejet: LigneRejetee) -> None:
        self.nombre += 1
        if self._ecrire is not None:
            try:
                self._ecrire(rejet)
                self.ecrits += 1
            except OSError as exc:  # the load goes on; the summary says the file is short
                self.panne = raison_fichier(exc)
                self._ecrire = None
                print(
                    f"le fichier de rejets {self.fichier} ne peut plus être écrit "
                    f"({self.panne}) : le chargement continue, les rejets sont comptés",
                    file=sys.stderr,
                )
        entree = (-rejet.ligne, -next(self._ordre), rejet)
        if len(self._tas) < self.gardes:
            heapq.heappush(self._tas, entree)
        elif entree > self._tas[0]:
            heapq.heapreplace(self._tas, entree)

    def premiers(self) -> list[LigneRejetee]:
        """The kept rejections, in line order."""
        return [r for _, _, r in sorted(self._tas, reverse=True)]

    def __bool__(self) -> bool:
        return self.nombre > 0

    def non_montres(self) -> str | None:
        """What the summary says of the rejections it does not list, if any."""
        lignes = []
        reste = self.nombre - len(self._tas)
        if reste > 0:
            ou = "--rejets FICHIER pour les avoir tous"
            if self.fichier:
                ou = f"tous dans {self.fichier}" if self.panne is None else "fichier incomplet"
            lignes.append(f"  … et {reste} autre(s) rejet(s) ({ou})")
        if self.panne is not None:
            lignes.append(
                f"  le fichier de rejets {self.fichier} est incomplet : {self.ecrits} rejet(s) "
                f"écrit(s) sur {self.nombre} ({self.panne})"
            )
        return "\n".join(lignes) or None


def _ecrivain(sortie: IO[str]) -> Callable[[LigneRejetee], object]:
    if str(getattr(sortie, "name", "")).lower().endswith(".csv"):
        table = csv.writer(sortie, delimiter=";", lineterminator="\n")
        table.writerow(["ligne", "lieu", "raison"])
        return lambda r: table.writerow([r.ligne, r.ou, r.raison])
    return lambda r: sortie.write(
        json.dumps({"ligne": r.ligne, "lieu": r.ou, "raison": r.raison}, ensure_ascii=False) + "\n"
    )


@dataclass
class Premiers(Generic[T]):
    """The first ``gardes`` items and how many there were in all."""

    gardes: int = GARDES
    elements: list[T] = field(default_factory=list)
    nombre: int = 0

    def ajouter(self, element: T) -> None:
        self.nombre += 1
        if len(self.elements) < self.gardes:
            self.elements.append(element)

    def non_montres(self, quoi: str) -> str | None:
        reste = self.nombre - len(self.elements)
        return f"  … et {reste} autre(s) {quoi}" if reste > 0 else None


def _meme_fichier(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: not the same file
        return a.resolve() == b.resolve()


def affichable(texte: str) -> str:
    """A reason or a place as one line on a terminal: what a file sent (a line feed, an escape
    sequence that clears the screen, a right-to-left override) shown escaped, never acted on."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in texte
    )
