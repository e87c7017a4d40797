"""Reading line-based files (JSON Lines, CSV) where a bad row is reported with its line number and
the good ones go on: one encoding per file (UTF-8, or Latin-1 as older exports come: that of most
of its accented lines), a UTF-8 BOM and CRLF line ends tolerated, and a bound on a line's size,
checked without reading an overlong line whole into memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from integrations.json_externe import JsonIllisible, lire_json

BOM = b"\xef\xbb\xbf"
TAILLE_MAX_DEFAUT = 1_000_000
MORCEAU = 64 * 1024
Progression = Callable[[int], object]
"""Told the number of bytes each line took, as the file is read (a progress bar)."""


@dataclass(frozen=True)
class LigneRejetee:
    ligne: int
    raison: str
    lieu: str | None = None
    """Where the row was, when it is not a file's line (``page 2, enregistrement 5``)."""

    @property
    def ou(self) -> str:
        return self.lieu or f"ligne {self.ligne}"


class LigneInvalide(ValueError):
    """A row's content does not fit the format; the message is the reason shown to the user."""


class Encodage:
    """The file's encoding, decided by most of its lines that are not plain ASCII: UTF-8 if
    most of them are valid UTF-8 (or as many), else Latin-1. A line in the other encoding is
    rejected: decoding it anyway would store mangled names (``BÃ©ranger``) for ever; deciding on
    the whole file, not on its first accented line, makes the odd line the one reported."""

    def __init__(self, nom: str) -> None:
        self.nom = nom

    @classmethod
    def du_fichier(cls, chemin: Path, taille_max: int) -> Encodage:
        en_utf8 = en_latin1 = 0
        with chemin.open("rb") as fichier:
            for _, brut in _lignes_brutes(fichier, taille_max, None):
                if brut is None or brut.isascii():
                    continue
                if _utf8(brut.removeprefix(BOM)) is None:
                    en_latin1 += 1
                else:
                    en_utf8 += 1
        return cls("latin-1" if en_latin1 > en_utf8 else "utf-8")

    def decoder(self, brut: bytes) -> str:
        if brut.isascii():
            return brut.decode("ascii")
        en_utf8 = _utf8(brut)
        if self.nom == "utf-8":
            if en_utf8 is None:
                raise LigneInvalide(
                    "encodage invalide : la ligne n'est pas en UTF-8 comme le reste du fichier"
                )
            return en_utf8
        if en_utf8 is not None:
            raise LigneInvalide(
                "encodage invalide : la ligne est en UTF-8 alors que le fichier est en Latin-1"
            )
        return _latin1(brut)


def _latin1(brut: bytes) -> str:
    """What spreadsheets write as "Latin-1" is Windows-1252: bytes 0x80-0x9F are letters and
    punctuation there (œ, ’, €…), control characters in ISO 8859-1. A byte Windows-1252 leaves
    undefined decodes as ISO 8859-1 does, and the row is then refused for its control
    character."""
    try:
        return brut.decode("cp1252")
    except UnicodeDecodeError:
        return brut.decode("latin-1")


def _utf8(brut: bytes) -> str | None:
    try:
        return brut.decode("utf-8")
    except UnicodeDecodeError:
        return None


def lire_lignes(
    chemin: Path, taille_max: int = TAILLE_MAX_DEFAUT, progression: Progression | None = None
) -> Iterator[tuple[int, str] | LigneRejetee]:
    """Each non-blank line's number and text (without its line end), or its rejection."""
    encodage = Encodage.du_fichier(chemin, taille_max)
    with chemin.open("rb") as fichier:
        for numero, brut in _lignes_brutes(fichier, taille_max, progression):
            if brut is None:
                yield LigneRejetee(numero, f"ligne trop longue (plus de {taille_max} octets)")
                continue
            if numero == 1 and brut.startswith(BOM):
                brut = brut[len(BOM) :]
            try:
                texte = encodage.decoder(brut.rstrip(b"\r\n"))
            except LigneInvalide as exc:
                yield LigneRejetee(numero, str(exc))
                continue
            if texte.strip():
                yield numero, texte


def _lignes_brutes(
    fichier: BinaryIO, taille_max: int, progression: Progression | None
) -> Iterator[tuple[int, bytes | None]]:
    """Lines as bytes; ``None`` for a line over ``taille_max`` (skipped by chunks)."""
    numero = 0
    while True:
        brut = fichier.readline(taille_max + 2)  # room for CRLF
        if not brut:
            return
        numero += 1
        lus = len(brut)
        trop_longue = len(brut.rstrip(b"\r\n")) > taille_max
        if trop_longue:
            while not brut.endswith(b"\n"):
                brut = fichier.readline(MORCEAU)
                if not brut:
                    break
                lus += len(brut)
        if progression is not None:
            progression(lus)
        yield numero, None if trop_longue else brut


def lire_jsonl(
    chemin: Path, taille_max: int = TAILLE_MAX_DEFAUT, progression: Progression | None = None
) -> Iterator[tuple[int, dict[str, Any]] | LigneRejetee]:
    for lu in lire_lignes(chemin, taille_max, progression):
        if isinstance(lu, LigneRejetee):
            yield lu
            continue
        numero, texte = lu
        try:
            objet = lire_json(texte)
        except JsonIllisible as exc:
            yield LigneRejetee(numero, str(exc))
            continue
        if not isinstance(objet, dict):
            yield LigneRejetee(numero, "un objet JSON est attendu")
            continue
        yield numero, objet


def texte_obligatoire(objet: dict[str, Any], champ: str) -> str:
    valeur = objet.get(champ)
    if not isinstance(valeur, str) or not valeur.strip():
        raise LigneInvalide(f"champ {champ} manquant ou vide")
    return valeur.strip()
