"""Loading many aggregates at once gives what the repository gives one by one."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from application.lecture import charger_plusieurs
from application.service import Cotraitance
from domain.valeurs import Identite, TypeEvenement
from tests.conftest import Acteurs


def test_la_lecture_groupee_egale_la_lecture_une_par_une(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    ids = []
    for i in range(5):
        r = app.creer_dossier(acteurs.conseiller, Identite(f"N{i}", "P", date(2004, 1, 1)))
        assert r.dossier_id is not None
        for j in range(i):
            app.saisir_evenement(
                acteurs.conseiller, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, j + 1)
            )
        ids.append(r.dossier_id)
    charges = charger_plusieurs(app, [*ids, uuid4(), ids[0]])
    assert set(charges) == set(ids)
    for i in ids:
        un = app.repository.get(i)
        assert charges[i].version == un.version
        assert vars(charges[i]) == vars(un)
