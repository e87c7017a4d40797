"""Persisted data stays readable: an event store written by the first landed code (see
tests/donnees/README.md) loads, its read models rebuild from zero, and the API answers on it
exactly as that code did (history, state as of an instant, PPAE list, dossier search)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import pytest

from api.contexte import ContexteRequete, JournalAcces
from api.erreurs import formater
from api.ids import decoder_uuid
from api.schema import construire_schema
from application.contexte import Contexte
from application.horloge import HorlogeFixe
from cotraitance.racine import Service, construire
from cotraitance.settings import Settings
from domain.valeurs import Acteur, Identite, Role, Sexe

DONNEES = Path(__file__).parent / "donnees"
ML = "ML001"
AUJOURDHUI = date(2026, 11, 20)
ATTENDU: dict[str, Any] = json.loads(
    (DONNEES / "magasin_v1_attendu.json").read_text(encoding="utf-8")
)
SCHEMA = construire_schema(introspection=True, suggestions=True)

IDENTITE = (
    "identite { nom nomUsage prenoms dateNaissance sexe communeInsee codePostal telephone email }"
)
PPAE = """id version statut dateAffectation dateEntree entreeRetroactive dateSortie motifSortie
  motifArret avertissements { code message } rendezVous { id date statut }
  conditionsEntree { entretien dossierJustifie acceptation }
  affectation { id idAffectation statut }"""
DOSSIER = f"""id version codeMissionLocale identifiantPe marqueurDude justifie supprime {IDENTITE}
  conseiller {{ id nom }} ppae {{ {PPAE} }} ppaes {{ id statut }}
  dispositifs {{ type statut dateEntree dateSortie }}
  evenements(first: 100) {{ edges {{ cursor node {{ id type date enregistreLe enregistrePar annule
    commentaire motifAnnulation remplace }} }} pageInfo {{ hasNextPage endCursor }} }}"""
HISTORIQUE = """historique(first: 100) { edges { cursor node { position version type enregistreLe
  dateEffet acteur role donnees } } pageInfo { hasNextPage endCursor } }"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    dossier = tmp_path_factory.mktemp("magasin")
    copie = dossier / "magasin.db"
    shutil.copy(DONNEES / "magasin_v1.db", copie)
    settings = Settings(database_url=f"sqlite:///{copie}", var_dir=str(dossier))
    service = construire(settings, HorlogeFixe(AUJOURDHUI))
    for nom in service.runner.processeurs:
        service.runner.reconstruire(nom)
    try:
        yield service
    finally:
        service.close()


@pytest.fixture(scope="module")
def executer(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    journal = JournalAcces(str(tmp_path_factory.mktemp("journal") / "acces.jsonl"))

    def executer(
        document: str, variables: dict[str, Any] | None = None, role: Role = Role.AUDITEUR
    ) -> Any:
        ctx = ContexteRequete(Acteur("lecteur", role, ML), service, journal, "req")

        async def run() -> Any:
            return await SCHEMA.execute(document, variable_values=variables, context_value=ctx)

        resultat = anyio.run(run)
        assert not resultat.errors, [formater(e, "req") for e in resultat.errors]
        return resultat.data

    yield executer
    journal.close()


def test_le_magasin_fige_se_charge_et_ses_vues_se_reconstruisent(service: Service) -> None:
    assert service.app.recorder.max_notification_id() == ATTENDU["position"]
    assert all(e.position == ATTENDU["position"] for e in service.runner.etats())


@pytest.mark.parametrize("dossier_id", sorted(ATTENDU["dossiers"]))
def test_chaque_dossier_se_lit_comme_avant(executer: Any, dossier_id: str) -> None:
    document = f"query($id: ID!) {{ dossier(id: $id) {{ {DOSSIER} }} }}"
    lu = executer(document, {"id": dossier_id}, Role.GESTIONNAIRE)["dossier"]
    assert lu == ATTENDU["dossiers"][dossier_id]


@pytest.mark.parametrize("dossier_id", sorted(ATTENDU["historiques"]))
def test_l_historique_de_chaque_dossier_est_celui_d_avant(executer: Any, dossier_id: str) -> None:
    """R21: the history reads the same: types, instants, effective dates, actors, data."""
    lu = executer(f"query($id: ID!) {{ dossier(id: $id) {{ {HISTORIQUE} }} }}", {"id": dossier_id})
    assert lu["dossier"]["historique"] == ATTENDU["historiques"][dossier_id]


def test_l_etat_a_chaque_instant_est_celui_d_avant(executer: Any) -> None:
    """R21: the state as recorded at an instant, nested PPAE included."""
    assert len(ATTENDU["etats"]) > 30
    for attendu in ATTENDU["etats"]:
        lu = executer(
            f"""query($id: ID!, $t: DateTime!) {{ dossier(id: $id) {{
            etatAu(instant: $t) {{ {DOSSIER} }} }} }}""",
            {"id": attendu["id"], "t": attendu["instant"]},
        )["dossier"]["etatAu"]
        assert lu == attendu["etat"], (attendu["id"], attendu["instant"])


@pytest.mark.parametrize("filtre", sorted(ATTENDU["ppaes"]))
def test_la_liste_des_ppae_est_celle_d_avant(executer: Any, filtre: str) -> None:
    variables = {
        "tous": {},
        "non_initialises": {"s": "NON_INITIALISE"},
        "en_cours": {"s": "EN_COURS"},
        "termines": {"s": "TERMINE"},
        "supprimes": {"s": "SUPPRIME"},
        "conseiller_c1": {"c": "C1"},
    }[filtre]
    lu = executer(
        f"""query($s: StatutPpae, $c: ID) {{ ppaes(statut: $s, conseillerId: $c, first: 100) {{
        totalCount edges {{ cursor node {{ {PPAE} dossier {{ id }} }} }}
        pageInfo {{ hasNextPage endCursor }} }} }}""",
        variables,
        Role.GESTIONNAIRE,
    )["ppaes"]
    assert lu == ATTENDU["ppaes"][filtre]


def test_les_pages_de_ppae_et_leurs_curseurs_sont_ceux_d_avant(executer: Any) -> None:
    pages, apres = [], None
    while True:
        page = executer(
            """query($a: String) { ppaes(first: 3, after: $a) { edges { cursor node { id } }
            pageInfo { hasNextPage endCursor } } }""",
            {"a": apres},
            Role.GESTIONNAIRE,
        )["ppaes"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        apres = page["pageInfo"]["endCursor"]
    assert pages == ATTENDU["pages_ppaes"]


def test_la_recherche_de_dossiers_repond_comme_avant(executer: Any) -> None:
    for attendu in ATTENDU["recherches"]:
        lu = executer(
            """query($t: String, $d: Date, $p: String) { rechercherDossiers(texte: $t,
            dateNaissance: $d, identifiantPe: $p, first: 100) { totalCount edges { cursor node {
            id identifiantPe identite { nom prenoms dateNaissance } } }
            pageInfo { hasNextPage endCursor } } }""",
            {"t": attendu["texte"], "d": attendu["dateNaissance"], "p": attendu["identifiantPe"]},
            Role.GESTIONNAIRE,
        )["rechercherDossiers"]
        assert lu == attendu["reponse"], attendu["texte"]


def test_une_cle_d_idempotence_enregistree_avant_rejoue_son_resultat(service: Service) -> None:
    """A key recorded by the first code replays its result and records nothing new."""
    cle = ATTENDU["cles"]["cle-fixe-2"]
    avant = service.app.recorder.max_notification_id()
    ctx = Contexte(Acteur(cle["sub"], Role.CONSEILLER, ML), cle_idempotence="cle-fixe-2")
    resultat = service.app.creer_dossier(
        ctx, Identite("Henry", "Noah", date(2007, 7, 7), sexe=Sexe.M)
    )
    assert resultat.dossier_id == decoder_uuid(cle["dossier"], "Dossier")
    assert service.app.recorder.max_notification_id() == avant
