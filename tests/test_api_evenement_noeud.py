"""An event is a Node (contract): reachable by its id, its free text logged when read (R23)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from application.contexte import Contexte
from application.service import Cotraitance
from domain.valeurs import Acteur, Identite, Role, TypeEvenement
from tests.api_outils import Api
from tests.conftest import ML
from tests.outils_graphql import gid

NOEUD = """query($id: ID!) { node(id: $id) { id ... on Evenement { type date commentaire } } }"""
CONSEILLER = Contexte(Acteur("conseil-1", Role.CONSEILLER, ML))


def _dossier_avec_atelier(app: Cotraitance) -> tuple[str, str]:
    r = app.creer_dossier(CONSEILLER, Identite("Roux", "Léo", date(2005, 1, 1)))
    assert r.dossier_id is not None
    e = app.saisir_evenement(
        CONSEILLER, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 4), "Motivé."
    )
    return str(r.dossier_id), gid("Evenement", f"{r.dossier_id}:{e.evenement_id}")


def test_un_evenement_se_lit_par_son_identifiant_de_noeud(app: Cotraitance, api: Api) -> None:
    _, evenement_gid = _dossier_avec_atelier(app)
    noeud = api.donnees(NOEUD, {"id": evenement_gid})["node"]
    assert noeud == {
        "id": evenement_gid,
        "type": "ATELIER",
        "date": "2026-11-04",
        "commentaire": "Motivé.",
    }


def test_l_evenement_d_une_autre_mission_locale_est_introuvable(app: Cotraitance, api: Api) -> None:
    """R23"""
    _, evenement_gid = _dossier_avec_atelier(app)
    assert api.donnees(NOEUD, {"id": evenement_gid}, ml="ML999")["node"] is None
    assert api.donnees(NOEUD, {"id": gid("Evenement", "pas:un-id")})["node"] is None


def test_lire_un_commentaire_est_journalise_sans_sa_valeur(
    app: Cotraitance,
    api: Api,
    tmp_path: Path,
) -> None:
    """R23: free text about a youth is personal data; the log names the dossier, not the text."""
    dossier_id, evenement_gid = _dossier_avec_atelier(app)
    api.donnees(NOEUD, {"id": evenement_gid})
    lignes = (tmp_path / "acces.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["dossiers"] for x in lignes] == [[dossier_id]]
    assert "Motivé" not in lignes[0]
