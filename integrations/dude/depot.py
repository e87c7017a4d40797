"""The file transport (R15): the due flows written as JSON Lines into a drop file that the DUDE
collects. A batch transfer has no answer, so the drop *is* the delivery: a flow written there is
marked ``ACQUITTE`` (``transport = 'fichier'``) and never leaves over HTTP.

Hence the order: each batch is claimed, written, flushed and fsynced (the directory too, for a
new file), and only then is the transaction that marks it delivered committed. A write that
fails (a full disk, a file that cannot be synced), or a record that fails, rolls that
transaction back and cuts the batch off the file: nothing is marked, the flows wait for the next
delivery. A crash between the fsync and the commit leaves the batch in the file unrecorded: the
next drop writes it again (at least once; the DUDE deduplicates by key), never loses it."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from application.traitement.stockage import StockageVues
from integrations.dude import registre
from integrations.erreurs_systeme import raison_fichier
from integrations.json_externe import JsonIllisible, lire_json


class DepotImpossible(Exception):
    """The drop file could not be written; ``deposes`` flows went (and are marked) before."""

    def __init__(self, deposes: int, raison: str) -> None:
        super().__init__(raison)
        self.deposes = deposes
        self.raison = raison


def deposer_fichier(stockage: StockageVues, chemin: Path, lot: int = 1000) -> int:
    """Every deliverable flow, in order per DUDE dossier, appended to ``chemin``; returns how
    many. Raises ``DepotImpossible`` (with a French reason) when the file cannot take them."""
    total = 0
    with _ouvrir(chemin) as fd:
        while True:
            taille = os.fstat(fd).st_size
            try:
                with stockage.transaction() as cur:
                    flux = registre.deposer(cur, lot)
                    if not flux:
                        return total
                    _ecrire(fd, "".join(message + "\n" for _, message in flux).encode())
                    registre.marquer_deposes(cur, [cle for cle, _ in flux])
            except OSError as exc:
                _retablir(fd, taille)
                raise DepotImpossible(total, raison(exc)) from None
            except BaseException:  # the record failed, or Ctrl-C: rolled back, so cut off too
                _retablir(fd, taille)
                raise
            total += len(flux)


def _verifier_depot(chemin: Path) -> None:
    """A regular file that already holds something must be an earlier drop (its first line a
    flow): appending flows to the store's own file, or to an intake file, would corrupt it and
    mark the flows delivered."""
    if not chemin.is_file() or chemin.stat().st_size == 0:
        return
    with chemin.open("rb") as fichier:
        premiere = fichier.readline(64 * 1024)
    try:
        flux = lire_json(premiere)
    except JsonIllisible:
        flux = None
    if not (isinstance(flux, dict) and isinstance(flux.get("cle"), str)):
        raise DepotImpossible(
            0,
            "ce fichier n'est pas un dépôt de flux (sa première ligne n'est pas un flux) ; "
            "déposez dans un fichier neuf ou dans un dépôt précédent",
        )


@contextlib.contextmanager
def _ouvrir(chemin: Path) -> Iterator[int]:
    _verifier_depot(chemin)
    nouveau = not chemin.exists()
    try:
        # non-blocking only to open: a named pipe nobody reads is refused, not waited for
        fd = os.open(chemin, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o640)
    except OSError as exc:
        raise DepotImpossible(0, raison(exc)) from None
    os.set_blocking(fd, True)
    try:
        if nouveau:  # the file's name must survive a crash as much as its lines
            try:
                _synchroniser_dossier(chemin.absolute().parent)
            except OSError as exc:
                raise DepotImpossible(0, raison(exc)) from None
        yield fd
    finally:
        os.close(fd)


def _ecrire(fd: int, donnees: bytes) -> None:
    vue = memoryview(donnees)
    while vue:
        vue = vue[os.write(fd, vue) :]
    os.fsync(fd)


def _synchroniser_dossier(dossier: Path) -> None:
    fd = os.open(dossier, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _retablir(fd: int, taille: int) -> None:
    """A batch half-written into a regular file is cut off: the next drop appends whole lines
    after the last whole batch."""
    with contextlib.suppress(OSError):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.ftruncate(fd, taille)


PROPRES = {
    errno.ENOSPC: "plus de place sur le disque",
    errno.EINVAL: "le fichier ne peut pas être synchronisé sur le disque (ce n'est pas un "
    "fichier ordinaire ?)",
    errno.ENOENT: "dossier introuvable",
    errno.ENXIO: "personne ne lit ce tube",
}
"""What a refusal means for a drop, where it says more than the general reason."""


def raison(exc: OSError) -> str:
    return PROPRES.get(exc.errno or 0) or raison_fichier(exc)
