"""R8 under concurrency: a command deciding on a stale read of the other aggregate loses with
CONFLIT_VERSION instead of leaving a PPAE NON_INITIALISE with its three conditions met."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from application.service import Cotraitance
from domain.dossier import Dossier
from domain.erreurs import ErreurMetier
from domain.valeurs import StatutPpae
from tests.scenario import GESTIONNAIRE, dossier_importe, entretien, ids, ppae

ENTREE = date(2026, 10, 1)


def _pendant_la_lecture_du_dossier(app: Cotraitance, autre: Callable[[], Any]) -> None:
    """Runs ``autre`` (a concurrent request) right after the next command loaded the dossier
    from the repository."""
    depot = app.repository
    lire = depot.get

    def intercale(agregat_id: Any, *args: Any, **kwargs: Any) -> Any:
        agregat = lire(agregat_id, *args, **kwargs)
        if isinstance(agregat, Dossier):
            depot.get = lire  # type: ignore[method-assign]
            autre()
        return agregat

    depot.get = intercale  # type: ignore[method-assign]


def test_accepter_pendant_une_justification_concurrente_est_un_conflit_de_version(
    app: Cotraitance,
) -> None:
    dossier_id, ppae_id = ids(dossier_importe(app, GESTIONNAIRE))
    entretien(app, GESTIONNAIRE, dossier_id, date(2026, 10, 5))
    _pendant_la_lecture_du_dossier(
        app, lambda: app.justifier_dossier(GESTIONNAIRE, dossier_id, "CNI")
    )
    with pytest.raises(ErreurMetier) as refus:
        app.accepter_ppae(GESTIONNAIRE, ppae_id, ENTREE)
    assert refus.value.code == "CONFLIT_VERSION"
    app.accepter_ppae(GESTIONNAIRE, ppae_id, ENTREE)  # the retry sees the justification
    assert ppae(app, GESTIONNAIRE, ppae_id).statut is StatutPpae.EN_COURS


def test_annuler_l_entretien_pendant_une_acceptation_ne_fait_pas_entrer_sur_un_entretien_annule(
    app: Cotraitance,
) -> None:
    dossier_id, ppae_id = ids(dossier_importe(app, GESTIONNAIRE))
    app.justifier_dossier(GESTIONNAIRE, dossier_id, "CNI")
    evenement_id = entretien(app, GESTIONNAIRE, dossier_id, date(2026, 10, 5))
    _pendant_la_lecture_du_dossier(
        app, lambda: app.annuler_evenement(GESTIONNAIRE, dossier_id, evenement_id, "erreur")
    )
    with pytest.raises(ErreurMetier) as refus:
        app.accepter_ppae(GESTIONNAIRE, ppae_id, ENTREE)
    assert refus.value.code == "CONFLIT_VERSION"
    app.accepter_ppae(GESTIONNAIRE, ppae_id, ENTREE)
    assert ppae(app, GESTIONNAIRE, ppae_id).statut is StatutPpae.NON_INITIALISE
