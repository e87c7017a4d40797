"""R23: every path of the schema to personal data (identity, PE identifier, comment, cancellation
reason, history) logs the read. The schema is walked from its roots: a new field or a new path
that reaches such data without the logging helper fails here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
)

from api.types.lecture import LecturePersonnelle
from application.service import Cotraitance
from domain.valeurs import Role, TypeEvenement
from tests.api_outils import SCHEMA, Api, api  # noqa: F401
from tests.outils_graphql import gid
from tests.scenario import GESTIONNAIRE, dossier_importe, entretien, ids, rendez_vous

PERSONNELS = {"identite", "identifiantPe", "commentaire", "motifAnnulation", "historique"}
PROFONDEUR = 3
GRAPHQL: GraphQLSchema = SCHEMA._schema


def _type(champ: GraphQLField) -> Any:
    t = champ.type
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def _extensions(nom_type: str, nom_champ: str) -> list[Any]:
    definition = SCHEMA.get_type_by_name(nom_type)
    nommer = SCHEMA.config.name_converter.get_graphql_name
    champ = next(f for f in definition.fields if nommer(f) == nom_champ)  # type: ignore[union-attr]
    return list(champ.extensions)


def _champs_personnels() -> Iterator[tuple[str, str]]:
    for nom, definition in GRAPHQL.type_map.items():
        if not isinstance(definition, GraphQLObjectType) or nom.startswith("__"):
            continue
        for nom_champ, champ in definition.fields.items():
            identite = getattr(_type(champ), "name", None) == "Identite"
            if nom_champ in PERSONNELS or identite:
                yield nom, nom_champ


def test_chaque_champ_personnel_passe_par_le_journal_des_lectures() -> None:
    champs = sorted(_champs_personnels())
    assert ("Evenement", "motifAnnulation") in champs
    assert len(champs) >= 7
    sans = [
        c for c in champs if not any(isinstance(e, LecturePersonnelle) for e in _extensions(*c))
    ]
    assert sans == []


# ------------------------------------------------------------------ every path, executed


def _chemins() -> list[tuple[str, str]]:
    """(root field, selection) for every path from Query to a personal field."""
    chemins: list[tuple[str, str]] = []

    def parcourir(definition: Any, profondeur: int, vus: frozenset[tuple[str, str]]) -> list[str]:
        selections = []
        types = (
            [t for t in GRAPHQL.get_possible_types(definition)]
            if isinstance(definition, GraphQLInterfaceType)
            else [definition]
        )
        for concret in types:
            for nom, champ in concret.fields.items():
                cle = (concret.name, nom)
                arguments = _arguments(champ)
                if cle in vus or arguments is None:
                    continue
                cible = _type(champ)
                trouves = []
                if nom in PERSONNELS or getattr(cible, "name", None) == "Identite":
                    trouves.append(f"{nom}{arguments} {_feuille(cible)}".strip())
                elif profondeur > 0 and isinstance(cible, GraphQLObjectType | GraphQLInterfaceType):
                    for suite in parcourir(cible, profondeur - 1, vus | {cle}):
                        trouves.append(f"{nom}{arguments} {{ {suite} }}")
                if concret is not definition:
                    trouves = [f"... on {concret.name} {{ {t} }}" for t in trouves]
                selections.extend(trouves)
        return selections

    for nom, champ in GRAPHQL.query_type.fields.items():  # type: ignore[union-attr]
        if nom not in RACINES:
            continue
        for suite in parcourir(_type(champ), PROFONDEUR, frozenset()):
            chemins.append((nom, suite))
    return chemins


RACINES = {
    "dossier": "dossier",
    "ppae": "ppae",
    "affectation": "affectation",
    "node": "noeud",
    "rechercherDossiers": None,
    "ppaes": None,
    "affectations": None,
}


def _arguments(champ: GraphQLField) -> str | None:
    """The arguments to pass, or None when the field needs one we cannot make up."""
    valeurs = []
    for nom, argument in champ.args.items():
        if nom == "instant":
            valeurs.append(f'instant: "{datetime.now(UTC).isoformat()}"')
        elif isinstance(argument.type, GraphQLNonNull) and argument.default_value is None:
            return None
    return f"({', '.join(valeurs)})" if valeurs else ""


def _feuille(cible: Any) -> str:
    if not isinstance(cible, GraphQLObjectType):
        return ""
    if "totalCount" in cible.fields:
        return "{ totalCount }"
    return "{ " + next(n for n, f in cible.fields.items() if not _est_objet(f)) + " }"


def _est_objet(champ: GraphQLField) -> bool:
    return isinstance(_type(champ), GraphQLObjectType | GraphQLInterfaceType)


@pytest.fixture
def monde(app: Cotraitance) -> dict[str, Any]:
    """A dossier with a commented event, a cancelled one, an appointment and its affectation."""
    resultat = dossier_importe(app, GESTIONNAIRE)
    dossier_id, ppae_id = ids(resultat)
    app.saisir_evenement(
        GESTIONNAIRE, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2), "note interne"
    )
    annule = entretien(app, GESTIONNAIRE, dossier_id, date(2026, 11, 3))
    app.annuler_evenement(GESTIONNAIRE, dossier_id, annule, "saisi par erreur")
    rendez_vous(app, GESTIONNAIRE, ppae_id, date(2026, 11, 25))
    return {
        "dossier_id": dossier_id,
        "affectation_id": resultat.affectation_id,
        "variables": {
            "dossier": gid("Dossier", dossier_id),
            "ppae": gid("PPAE", ppae_id),
            "affectation": gid("Affectation", resultat.affectation_id),  # type: ignore[arg-type]
        },
        "evenement": gid("Evenement", f"{dossier_id}:{annule}"),
    }


def _lignes(journal: Path) -> list[dict[str, Any]]:
    if not journal.exists():
        return []
    return [json.loads(ligne) for ligne in journal.read_text(encoding="utf-8").splitlines()]


def test_chaque_chemin_vers_une_donnee_personnelle_est_journalise(
    api: Api,  # noqa: F811
    monde: dict[str, Any],
    tmp_path: Path,
) -> None:
    chemins = _chemins()
    assert len(chemins) > 40  # the walk reaches deep: dossier → ppae → affectation → identite…
    journal = tmp_path / "acces.jsonl"
    noeuds = [monde["variables"][k] for k in ("dossier", "ppae", "affectation")]
    noeuds.append(monde["evenement"])
    sans_trace = []
    for racine, selection in chemins:
        for noeud in noeuds if racine == "node" else [None]:
            variable = RACINES[racine]
            if variable is None:
                document = f"query Chemin {{ {racine} {{ {selection} }} }}"
                variables = {}
            else:
                document = (
                    f"query Chemin(${variable}: ID!) "
                    f"{{ {racine}(id: ${variable}) {{ {selection} }} }}"
                )
                valeurs = {**monde["variables"], "noeud": noeud}
                variables = {variable: valeurs[variable]}
            avant = len(_lignes(journal))
            sortie = api.executer(document, variables, role=Role.ADMIN)
            assert "errors" not in sortie, (document, sortie["errors"])
            if not _lit_une_valeur(sortie["data"]):
                continue  # nothing personal was read on this path (a node of another type)
            nouvelles = _lignes(journal)[avant:]
            if not any(str(monde["dossier_id"]) in ligne["dossiers"] for ligne in nouvelles):
                sans_trace.append(document)
    assert sans_trace == []


def _lit_une_valeur(donnees: Any) -> bool:
    """Whether the answer holds at least one non-null leaf (a value was read)."""
    if isinstance(donnees, dict):
        return any(_lit_une_valeur(v) for v in donnees.values())
    if isinstance(donnees, list):
        return any(_lit_une_valeur(v) for v in donnees)
    return donnees is not None and not isinstance(donnees, UUID)
