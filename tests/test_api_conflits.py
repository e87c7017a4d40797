"""R1: a conflicting content received later under the same id is visible to the manager."""

from __future__ import annotations

from application.contexte import systeme
from application.service import Cotraitance
from tests.api_outils import Api
from tests.conftest import ML
from tests.outils_graphql import gid
from tests.scenario import donnees_affectation, recevoir


def test_une_affectation_recue_a_nouveau_avec_un_autre_contenu_montre_son_conflit(
    app: Cotraitance, api: Api
) -> None:
    affectation_id = recevoir(app, nom="Dupont")
    document = "query($id: ID!) { affectation(id: $id) { conflits identite { nom } } }"
    variables = {"id": gid("Affectation", affectation_id)}
    assert api.donnees(document, variables)["affectation"] == {
        "conflits": 0,
        "identite": {"nom": "Dupont"},
    }
    app.recevoir_affectation(systeme(ML), donnees_affectation(nom="Durand"))
    assert api.donnees(document, variables)["affectation"] == {
        "conflits": 1,
        "identite": {"nom": "Dupont"},
    }
