"""R21: the correlation id the events record is the server's; R23: reference data stays within
its Mission Locale."""

from __future__ import annotations

from uuid import UUID

import pytest
from starlette.testclient import TestClient

from application.contexte import Contexte
from application.service import Cotraitance
from domain.erreurs import ErreurMetier
from domain.valeurs import Acteur, Conseiller, Role
from tests.api_outils import jeton
from tests.conftest import ML


def test_la_correlation_des_evenements_ne_vient_pas_du_client(
    http: TestClient, app: Cotraitance
) -> None:
    reponse = http.post(
        "/graphql",
        json={
            "query": """mutation { creerDossier(input: {nom: "Roy", prenoms: "Ana",
              dateNaissance: "2004-01-01"}) { dossier { id } erreurs { code } } }"""
        },
        headers={"Authorization": f"Bearer {jeton()}", "X-Request-Id": "choisi-par-le-client"},
    )
    assert reponse.headers["x-request-id"] == "choisi-par-le-client"
    derniere = app.recorder.max_notification_id()
    assert derniere is not None
    notification = app.recorder.select_notifications(start=derniere, limit=1)[0]
    meta = vars(app.mapper.to_domain_event(notification))["_meta"]
    assert meta["correlation"] != "choisi-par-le-client"
    assert len(meta["correlation"]) == 32


def test_un_admin_ne_modifie_pas_le_referentiel_d_une_autre_mission_locale(
    app: Cotraitance,
) -> None:
    admin = Contexte(Acteur("admin", Role.ADMIN, ML))
    avant = app.recorder.max_notification_id()
    with pytest.raises(ErreurMetier) as refus:
        app.enregistrer_mission_locale(admin, "ML999", "Autre", ["75056"], [Conseiller("X", "X")])
    assert refus.value.code == "NON_TROUVE"
    assert app.recorder.max_notification_id() == avant
    assert app.mission_locale("ML999") is None
    resultat = app.enregistrer_mission_locale(
        admin, ML, "Renommée", ["75111"], [Conseiller("C1", "Claire Martin")]
    )
    assert resultat.issue == "modifiee"
    assert isinstance(app.mission_locale(ML).id, UUID)  # type: ignore[union-attr]
