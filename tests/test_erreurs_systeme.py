"""A file the system refuses is explained in French, never with its English strerror (R24)."""

from __future__ import annotations

import errno

import pytest

from integrations.erreurs_systeme import raison_fichier


@pytest.mark.parametrize(
    ("numero", "raison"),
    [
        (errno.EACCES, "permission refusée"),
        (errno.ENOSPC, "disque plein"),
        (errno.EISDIR, "c'est un dossier, pas un fichier"),
        (errno.ETXTBSY, "erreur du système (ETXTBSY)"),
    ],
)
def test_le_refus_du_systeme_est_dit_en_francais(numero: int, raison: str) -> None:
    exc = OSError(numero, "Some English text", "/un/fichier")
    assert raison_fichier(exc) == raison
    assert "English" not in raison_fichier(exc)
