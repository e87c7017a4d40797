"""R23: reads of personal data are logged (who, role, ML, operation, request id, which dossiers;
never a value); roles bound what can be read (history for auditors, the feed only for
integrators) and what can be changed (auditors and integrators change nothing)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from starlette.testclient import TestClient

from api.ids import encoder_id
from application.service import Cotraitance
from domain.valeurs import Role
from tests.api_monde import (  # noqa: F401
    CAS_MUTATIONS,
    CREER_DOSSIER,
    SANS_ENTREE,
    SCHEMA,
    Monde,
    document_mutation,
    etrangers,
    id_cas,
    monde,
    remplacer,
)
from tests.api_outils import Api, api, http, jeton  # noqa: F401
from tests.conftest import ML
from tests.scenario import GESTIONNAIRE, dossier_manuel, recevoir, rien_n_est_enregistre

NAISSANCE = date(2003, 7, 14)
VALEURS = ["Dupontel", "Albertine", "2003-07-14", "0612345678", "albertine.dupontel"]
IDENTITE = "identite { nom prenoms dateNaissance telephone email }"


@pytest.fixture
def dossier_id(app: Cotraitance) -> UUID:
    return dossier_manuel(
        app,
        GESTIONNAIRE,
        identifiant_pe="7777777B",
        nom="Dupontel",
        prenoms="Albertine",
        date_naissance=NAISSANCE,
        telephone="0612345678",
        email="albertine.dupontel@exemple.fr",
    )


def _lignes(tmp_path: Path) -> list[dict[str, Any]]:
    journal = tmp_path / "acces.jsonl"
    if not journal.exists():
        return []
    return [json.loads(ligne) for ligne in journal.read_text(encoding="utf-8").splitlines()]


def _codes(sortie: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in sortie.get("errors", [])]


# ------------------------------------------------------------------ the access log


def test_lire_l_identite_d_un_dossier_ecrit_une_ligne_sans_aucune_valeur(
    http: TestClient,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
) -> None:
    """R23: who, role, ML, operation, request id, dossier ids; never a field value."""
    reponse = http.post(
        "/graphql",
        json={
            "query": f"query FicheJeune($id: ID!) {{ dossier(id: $id) {{ {IDENTITE} }} }}",
            "variables": {"id": encoder_id("Dossier", dossier_id)},
            "operationName": "FicheJeune",
        },
        headers={"Authorization": f"Bearer {jeton(sub='agent-12')}", "X-Request-Id": "req-42"},
    )
    assert reponse.json()["data"]["dossier"]["identite"]["nom"] == "Dupontel"
    [ligne] = _lignes(tmp_path)
    assert ligne["qui"] == "agent-12"
    assert (ligne["role"], ligne["ml"], ligne["operation"]) == ("GESTIONNAIRE", ML, "FicheJeune")
    assert ligne["requestId"] == "req-42" == reponse.headers["x-request-id"]
    assert ligne["dossiers"] == [str(dossier_id)]
    assert datetime.fromisoformat(ligne["quand"]).tzinfo is not None
    brut = (tmp_path / "acces.jsonl").read_text(encoding="utf-8")
    assert [v for v in [*VALEURS, "7777777B", "identite"] if v in brut] == []


def test_une_liste_d_identites_ecrit_une_ligne_avec_tous_les_dossiers_lus(
    app: Cotraitance,
    api: Api,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
) -> None:
    """R23: one line per operation, whatever the number of dossiers."""
    autre = dossier_manuel(app, GESTIONNAIRE, nom="Durand")
    api.donnees(f"query Liste {{ rechercherDossiers {{ edges {{ node {{ {IDENTITE} }} }} }} }}")
    [ligne] = _lignes(tmp_path)
    assert ligne["dossiers"] == sorted([str(dossier_id), str(autre)])
    assert ligne["operation"] == "Liste"


def test_lire_l_identite_d_une_affectation_est_journalise(
    app: Cotraitance,
    api: Api,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R23: the youth's identity as received from the DUDE is personal data too."""
    affectation_id = recevoir(app, "AFF-7", nom="Dupontel")
    document = "query($id: ID!) { affectation(id: $id) { identite { nom } } }"
    api.donnees(document, {"id": encoder_id("Affectation", affectation_id)})
    [ligne] = _lignes(tmp_path)
    assert (ligne["operation"], ligne["affectations"]) == ("anonyme", [str(affectation_id)])
    assert "Dupontel" not in json.dumps(ligne)


SANS_DONNEES_PERSONNELLES = [
    pytest.param("{ moi { sub role codeMissionLocale } }", id="moi"),
    pytest.param("{ conseillers { id nom } }", id="conseillers"),
    pytest.param("{ rechercherDossiers { totalCount edges { node { id } } } }", id="recherche"),
    pytest.param("query($id: ID!) { dossier(id: $id) { id version justifie } }", id="dossier"),
]


@pytest.mark.parametrize("document", SANS_DONNEES_PERSONNELLES)
def test_une_requete_sans_donnees_personnelles_n_ecrit_rien(
    api: Api,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
    document: str,
) -> None:
    """R23: the log records reads of personal data, not traffic."""
    variables = {"id": encoder_id("Dossier", dossier_id)} if "$id" in document else None
    api.donnees(document, variables)
    assert _lignes(tmp_path) == []


@pytest.mark.parametrize("champ", ["dossier", "affectation"])
def test_lire_l_identifiant_pe_est_journalise(
    app: Cotraitance,
    api: Api,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
    champ: str,
) -> None:
    """R23: the France Travail identifier designates the youth as surely as the name."""
    cible = (
        encoder_id("Dossier", dossier_id)
        if champ == "dossier"
        else encoder_id("Affectation", recevoir(app, "AFF-8"))
    )
    api.donnees(f"query($id: ID!) {{ {champ}(id: $id) {{ identifiantPe }} }}", {"id": cible})
    assert len(_lignes(tmp_path)) == 1


# ------------------------------------------------------------------ reading, by role

AUDIT = """query Audit($id: ID!, $t: DateTime!) { dossier(id: $id) {
    historique { edges { node { type acteur } } } etatAu(instant: $t) { version } } }"""


@pytest.mark.parametrize("role", [Role.AUDITEUR, Role.ADMIN], ids=lambda r: r.value)
def test_l_auditeur_lit_l_historique_et_l_etat_a_un_instant(
    api: Api,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
    role: Role,
) -> None:
    """R21, R23: and that read of history is logged."""
    instant = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    variables = {"id": encoder_id("Dossier", dossier_id), "t": instant}
    dossier = api.donnees(AUDIT, variables, role=role)["dossier"]
    assert dossier["historique"]["edges"]
    assert dossier["etatAu"]["version"] >= 1
    [ligne] = _lignes(tmp_path)
    assert (ligne["role"], ligne["dossiers"]) == (role.value, [str(dossier_id)])


@pytest.mark.parametrize(
    "champ",
    ["historique { edges { cursor } }", 'etatAu(instant: "2026-11-20T10:00:00+00:00") { id }'],
    ids=["historique", "etatAu"],
)
@pytest.mark.parametrize("role", [Role.CONSEILLER, Role.GESTIONNAIRE], ids=lambda r: r.value)
def test_conseiller_et_gestionnaire_n_ont_pas_l_historique(
    api: Api,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
    role: Role,
    champ: str,
) -> None:
    """R21, R23: FORBIDDEN, and nothing was read."""
    document = f"query($id: ID!) {{ dossier(id: $id) {{ id {champ} }} }}"
    sortie = api.executer(document, {"id": encoder_id("Dossier", dossier_id)}, role=role)
    assert _codes(sortie) == ["FORBIDDEN"]
    assert "edges" not in json.dumps(sortie["data"])
    assert _lignes(tmp_path) == []


REQUETES = {
    "node": 'node(id: "RG9zc2llcjp4") { id }',
    "conseillers": "conseillers { id }",
    "affectations": "affectations { totalCount }",
    "affectation": 'affectation(id: "x") { id }',
    "dossier": 'dossier(id: "x") { id }',
    "rechercherDossiers": "rechercherDossiers { totalCount }",
    "ppae": 'ppae(id: "x") { id }',
    "ppaes": "ppaes { totalCount }",
    "fluxDude": "fluxDude { totalCount }",
    "decisionnelFlux": 'decisionnelFlux(du: "2026-01-01", au: "2026-12-31") { nombre }',
    "reconciliationFlux": 'reconciliationFlux(dossierId: "x") { attendus }',
}


@pytest.mark.parametrize("selection", REQUETES.values(), ids=REQUETES)
def test_l_integrateur_ne_lit_que_le_flux(
    api: Api,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
    selection: str,
) -> None:
    """R22, R23: every query but `moi` is FORBIDDEN to INTEGRATEUR."""
    sortie = api.executer(f"{{ {selection} }}", role=Role.INTEGRATEUR)
    assert _codes(sortie) == ["FORBIDDEN"]
    assert sortie["data"] is None or set(sortie["data"].values()) == {None}
    assert _lignes(tmp_path) == []


def test_l_integrateur_sait_qui_il_est(api: Api) -> None:  # noqa: F811
    """R23: `moi` stays open to every role."""
    moi = api.donnees("{ moi { role } }", role=Role.INTEGRATEUR)["moi"]
    assert moi == {"role": "INTEGRATEUR"}


def test_chaque_requete_du_schema_est_verifiee_pour_l_integrateur() -> None:
    """R23: a new query must join the integrator's list."""
    assert set(SCHEMA.query_type.fields) - {"moi"} - set(REQUETES) == set()  # type: ignore[union-attr]


# ------------------------------------------------------------------ changing, by role

RENVOI_EN_MASSE = ("renvoyerFluxEnMasse", {"etat": "REJETE"})
"""Over the actor's whole ML: its tenancy is in tests/test_renvoi_en_masse.py."""
MUTATIONS = [CREER_DOSSIER, RENVOI_EN_MASSE, *(c for c in CAS_MUTATIONS if not etrangers(c[1]))]


@pytest.mark.parametrize("cas", MUTATIONS, ids=id_cas)
@pytest.mark.parametrize("role", [Role.AUDITEUR, Role.INTEGRATEUR], ids=lambda r: r.value)
def test_auditeur_et_integrateur_ne_changent_rien(
    app: Cotraitance,
    api: Api,  # noqa: F811
    monde: Monde,  # noqa: F811
    role: Role,
    cas: tuple[str, dict[str, Any]],
) -> None:
    """R23: FORBIDDEN naming the mutation (as a refused read is), nothing recorded."""
    mutation, modele = cas
    with rien_n_est_enregistre(app):
        sortie = api.executer(
            document_mutation(mutation), {"i": remplacer(modele, monde.objets)}, role=role
        )
    assert [e["extensions"] for e in sortie["errors"]] == [{"code": "FORBIDDEN", "champ": mutation}]


def test_chaque_mutation_du_schema_est_verifiee_par_role() -> None:
    """R23"""
    couvertes = {m for m, _ in MUTATIONS} | set(SANS_ENTREE)  # test_rapprochement_api.py
    assert set(SCHEMA.mutation_type.fields) - couvertes == set()  # type: ignore[union-attr]


def test_chaque_operation_d_un_lot_a_sa_propre_ligne(
    app: Cotraitance,
    http: TestClient,  # noqa: F811
    dossier_id: UUID,
    tmp_path: Path,
) -> None:
    """R23: in a batch, the second line names the second operation's dossiers only."""
    autre = dossier_manuel(app, GESTIONNAIRE, nom="Durand")
    lire = "query {}($id: ID!) {{ dossier(id: $id) {{ identite {{ nom }} }} }}"
    lot = [
        {"query": lire.format("Premiere"), "variables": {"id": encoder_id("Dossier", dossier_id)}},
        {"query": "query Rien { moi { sub } }"},
        {"query": lire.format("Seconde"), "variables": {"id": encoder_id("Dossier", autre)}},
    ]
    reponse = http.post("/graphql", json=lot, headers={"Authorization": f"Bearer {jeton()}"})
    assert reponse.status_code == 200
    lignes = {ligne["operation"]: ligne["dossiers"] for ligne in _lignes(tmp_path)}
    assert lignes == {"Premiere": [str(dossier_id)], "Seconde": [str(autre)]}
