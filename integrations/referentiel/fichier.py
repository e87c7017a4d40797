"""What a file given to an import looks like, told before its rows are read: a path that is no
regular file (a directory, a pipe that would block the reading, a device with no end), an
empty, UTF-16, compressed or binary file, or one that looks like the other format. Each is
refused as a whole with a French reason, instead of as many "JSON invalide" rows as it has
lines (or a hang)."""

from __future__ import annotations

import stat
from pathlib import Path

from integrations.erreurs_systeme import raison_fichier
from integrations.referentiel.lignes import BOM

ECHANTILLON = 64 * 1024
"""Bytes looked at: the start of the file tells what it is."""
JSONL, CSV = "jsonl", "csv"
_COMPRESSIONS = {
    b"\x1f\x8b": "gzip",
    b"PK\x03\x04": "zip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"7z\xbc\xaf\x27\x1c": "7z",
}
_NATURES = (
    (stat.S_ISFIFO, "tube"),
    (stat.S_ISCHR, "périphérique"),
    (stat.S_ISBLK, "périphérique"),
    (stat.S_ISSOCK, "socket"),
)


class FichierRefuse(Exception):
    """The file cannot be read as rows; the message is what the user is told."""


def examiner(chemin: Path, attendu: str | None, choix_possible: bool = False) -> None:
    """Raises ``FichierRefuse`` unless ``chemin`` is a regular, readable, non-empty text file
    that does not look like the other format than ``attendu`` (``jsonl``, ``csv``, or
    ``None``: either);
    ``choix_possible``: the command takes ``--format``, the reason suggests it."""
    try:
        etat = chemin.stat()
    except FileNotFoundError:
        raise FichierRefuse(f"fichier introuvable : {chemin}") from None
    except OSError as exc:
        raise FichierRefuse(f"{chemin} ne peut pas être lu ({raison_fichier(exc)})") from None
    if stat.S_ISDIR(etat.st_mode):
        raise FichierRefuse(f"{chemin} est un répertoire, pas un fichier")
    if not stat.S_ISREG(etat.st_mode):
        nature = next((n for test, n in _NATURES if test(etat.st_mode)), "spécial")
        raise FichierRefuse(
            f"{chemin} n'est pas un fichier ordinaire ({nature}) : copiez d'abord son contenu "
            "dans un fichier"
        )
    try:
        with chemin.open("rb") as fichier:
            debut = fichier.read(ECHANTILLON)
    except OSError as exc:
        raise FichierRefuse(f"{chemin} ne peut pas être lu ({raison_fichier(exc)})") from None
    raison = _nature(debut, etat.st_size) or _format(debut, attendu, choix_possible)
    if raison:
        raise FichierRefuse(raison)


def _nature(debut: bytes, taille: int) -> str | None:
    if not debut.removeprefix(BOM).strip() and taille <= len(debut):
        return "le fichier est vide : aucune ligne à lire"
    for signature, nom in _COMPRESSIONS.items():
        if debut.startswith(signature):
            return f"le fichier semble compressé ({nom}) : décompressez-le d'abord"
    if debut.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_sans_bom(debut):
        return (
            "le fichier semble être en UTF-16 : enregistrez-le en UTF-8 (ou en Latin-1) "
            "puis relancez la commande"
        )
    # A stray control byte is one bad row (the reader rejects it); text does not hold many.
    controles = sum(1 for o in debut if o < 32 and o not in (9, 10, 13))
    if controles > len(debut) // 100:
        return "le fichier semble binaire (des octets de contrôle) : ni JSON Lines ni CSV"
    return None


def _utf16_sans_bom(debut: bytes) -> bool:
    """Text in UTF-16 has a NUL byte beside nearly every ASCII character."""
    paires = debut[: len(debut) // 2 * 2]
    if len(paires) < 4:
        return False
    nuls_pairs, nuls_impairs = paires[0::2].count(0), paires[1::2].count(0)
    moitie = len(paires) // 2
    return max(nuls_pairs, nuls_impairs) > moitie * 0.6 and min(nuls_pairs, nuls_impairs) == 0


def _format(debut: bytes, attendu: str | None, choix_possible: bool) -> str | None:
    premiere = next(
        (ligne.strip() for ligne in debut.removeprefix(BOM).splitlines() if ligne.strip()), b""
    )
    if attendu == JSONL and not premiere.startswith((b"{", b"[")):
        separateur = next((s for s in (";", ",", "\t") if s.encode() in premiere), None)
        if separateur is not None:
            suite = "--format csv ou l'extension .csv" if choix_possible else "JSON Lines attendu"
            nom = "tabulation" if separateur == "\t" else f"« {separateur} »"
            return (
                f"le fichier ressemble à du CSV (sa première ligne est un en-tête séparé par "
                f"{nom}), pas à du JSON Lines : {suite}"
            )
    if attendu == CSV and premiere.startswith(b"{"):
        suite = "--format jsonl ou l'extension .jsonl" if choix_possible else "CSV attendu"
        return (
            "le fichier ressemble à du JSON Lines (sa première ligne commence par « { »), "
            f"pas à du CSV : {suite}"
        )
    return None
