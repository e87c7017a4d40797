"""Idempotency keys belong to their user; the same key sent twice at once replays, it does not
conflict."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from application.contexte import Contexte
from application.service import Cotraitance
from domain.valeurs import Acteur, Identite, Role
from tests.conftest import ML

ANNE = Contexte(Acteur("anne", Role.CONSEILLER, ML), cle_idempotence="cle-1")
BRUNO = Contexte(Acteur("bruno", Role.CONSEILLER, ML), cle_idempotence="cle-1")
JEUNE = Identite("Martin", "Léa", date(2004, 1, 1))


def test_deux_utilisateurs_d_une_meme_ml_ont_chacun_leurs_cles(app: Cotraitance) -> None:
    a = app.creer_dossier(ANNE, JEUNE)
    b = app.creer_dossier(BRUNO, replace(JEUNE, prenoms="Tom"))
    assert a.dossier_id != b.dossier_id


def test_la_meme_cle_envoyee_deux_fois_en_meme_temps_rend_le_premier_resultat(
    app: Cotraitance,
) -> None:
    """A retry that overtakes the first attempt: both answer with the one dossier created."""
    sauver = app.save
    resultats: list[Any] = []

    def intercale(*evenements: Any, **kwargs: Any) -> Any:
        app.save = sauver  # type: ignore[method-assign]
        resultats.append(app.creer_dossier(ANNE, JEUNE))  # the retry, saved first
        return sauver(*evenements, **kwargs)

    app.save = intercale  # type: ignore[method-assign]
    premier = app.creer_dossier(ANNE, JEUNE)
    assert premier == resultats[0]
    avant = app.recorder.max_notification_id()
    assert app.creer_dossier(ANNE, JEUNE) == premier
    assert app.recorder.max_notification_id() == avant
