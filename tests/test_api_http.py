"""The app over HTTP, with its lifespan: health, a query, a mutation then a list query."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.api_outils import http, poster  # noqa: F401
from tests.conftest import ML


def test_la_sante_repond_avec_l_etat_des_vues(http: TestClient) -> None:  # noqa: F811
    reponse = http.get("/health")
    assert reponse.status_code == 200
    assert reponse.json()["status"] == "ok"
    assert set(reponse.json()["projections"]) == {
        "recherche_dossiers",
        "tableau_ppae",
        "affectations_par_statut",
        "index_rapprochement",
        "emetteur_dude",
    }


def test_une_mutation_puis_la_recherche_voit_le_dossier_cree(http: TestClient) -> None:  # noqa: F811
    cree = poster(
        http,
        """mutation($i: CreerDossierInput!) { creerDossier(input: $i) {
        dossier { id identite { nom } codeMissionLocale } erreurs { code } } }""",
        {"i": {"nom": "Éloïse", "prenoms": "Zoé", "dateNaissance": "2005-01-02"}},
    )
    assert cree.status_code == 200
    assert cree.headers["x-request-id"]
    payload = cree.json()["data"]["creerDossier"]
    assert payload["erreurs"] == []
    assert payload["dossier"]["codeMissionLocale"] == ML
    trouve = poster(
        http, '{ rechercherDossiers(texte: "eloise") { totalCount edges { node { id } } } }'
    )
    assert trouve.json()["data"]["rechercherDossiers"]["totalCount"] == 1
    assert (
        trouve.json()["data"]["rechercherDossiers"]["edges"][0]["node"]["id"]
        == payload["dossier"]["id"]
    )


def test_les_refus_du_serveur_graphql_sont_des_erreurs_json_codees(http: TestClient) -> None:  # noqa: F811
    """R24: bad JSON, too many operations, a GET query: JSON errors with a stable code."""
    from tests.api_outils import jeton

    entetes = {"Authorization": f"Bearer {jeton()}"}
    mauvais = [
        http.post(
            "/graphql",
            content=b"{pas du json",
            headers={**entetes, "content-type": "application/json"},
        ),
        http.post("/graphql", json=[{"query": "{ moi { sub } }"}] * 6, headers=entetes),
        http.get("/graphql", params={"query": "{ moi { sub } }"}, headers=entetes),
    ]
    for reponse in mauvais:
        assert reponse.status_code == 400
        erreur = reponse.json()["errors"][0]
        assert erreur["extensions"]["code"] == "BAD_USER_INPUT"
        assert erreur["extensions"]["requestId"] == reponse.headers["x-request-id"]
    lot = http.post("/graphql", json=[{"query": "{ moi { sub } }"}] * 2, headers=entetes)
    assert [r["data"]["moi"]["sub"] for r in lot.json()] == ["testeur", "testeur"]
