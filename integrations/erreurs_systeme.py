"""The operating system's refusals (an ``OSError``'s errno) said in French, for every message
about a file: its own text (``strerror``) is English."""

from __future__ import annotations

import errno

RAISONS = {
    errno.EEXIST: "un fichier existe déjà à cet endroit",
    errno.ENOENT: "le chemin n'existe pas",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EFBIG: "fichier trop gros",
    errno.ELOOP: "trop de liens symboliques",
    errno.EMFILE: "trop de fichiers ouverts",
}


def raison_fichier(exc: OSError) -> str:
    """An operating system's refusal, in French (the path is the caller's to say)."""
    if exc.errno in RAISONS:
        return RAISONS[exc.errno]
    return f"erreur du système ({errno.errorcode.get(exc.errno or 0, type(exc).__name__)})"
