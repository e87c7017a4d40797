"""`cotraitance dude pull` against the DUDE simulator served over HTTP (a real uvicorn): page
after page, every bad record reported by its place while the good ones go through, the same R1
discipline and summary as the file import, an unreachable DUDE said as such."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from application.magasin.persistance import Base
from cotraitance.imports import EXIT_ECHEC, EXIT_LIGNES_REJETEES
from cotraitance.settings import Settings
from domain.affectation import Affectation
from integrations.dude.simulateur import Simulateur, SimulateurEnFond
from tests.import_outils import (
    AFFECTATIONS_JSONL,
    application,
    exemples_json,
    lancer,
    position,
    preparer_cli,
)

ML = "ML001"


@pytest.fixture
def base_cli(base: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    return preparer_cli(base, monkeypatch)


@pytest.fixture
def dude(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Simulateur, str]]:
    """The simulator with the example affectations, set as the DUDE of the CLI."""
    simulateur = Simulateur()
    simulateur.charger_affectations(AFFECTATIONS_JSONL)
    serveur = SimulateurEnFond(simulateur)
    url = serveur.demarrer()
    monkeypatch.setenv("COTRAITANCE_DUDE_URL", f"{url}/flux")
    yield simulateur, url
    serveur.arreter()


def _affectation(base: Base, id_affectation: str) -> Affectation | None:
    with application(base) as app:
        agregat = app.repository.get(Affectation.create_id(ML, id_affectation))
        return agregat if isinstance(agregat, Affectation) else None


def _enregistrement(**modifs: Any) -> dict[str, Any]:
    return {**exemples_json()[0], **modifs}


def test_les_affectations_du_dude_sont_enregistrees_puis_recuperees_sans_rien_doubler(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: tuple[Simulateur, str]
) -> None:
    """R1: pulling again records nothing."""
    code, sortie = lancer(capsys, "dude", "pull", "--limite", "2")
    assert code == 0, sortie
    assert (
        "3 affectation(s) reçue(s) : 3 nouvelle(s), 0 doublon(s), 0 conflit(s), 0 rejetée(s)"
        in (sortie)
    )
    beranger = _affectation(base_cli, "DUDE-2026-0004519")
    assert beranger is not None
    assert beranger.identite.prenoms == "Lucas Émile"
    avant = position(base_cli)
    code, sortie = lancer(capsys, "dude", "pull")
    assert code == 0
    assert "0 nouvelle(s), 3 doublon(s)" in sortie
    assert position(base_cli) == avant


MAUVAIS = [
    (_enregistrement(idAffectation="KO-1", nom=None), "champ nom manquant ou vide"),
    (_enregistrement(idAffectation="KO-2", dateAffectation="2026-13-01"), "dateAffectation : date"),
    (_enregistrement(idAffectation="KO-3", identifiantPe="1234"), "identifiantPe : L'identifiant"),
    (
        _enregistrement(idAffectation="KO-4", prenoms="X" * 11_000),
        "enregistrement trop long (plus de 10000 octets)",
    ),
    (
        _enregistrement(idAffectation="KO-5", dateNaissance=20040517),
        "dateNaissance : texte attendu",
    ),
]


def test_un_enregistrement_fautif_est_rapporte_par_sa_page_et_son_rang(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: tuple[Simulateur, str]
) -> None:
    """R24 over HTTP: the 3 examples fill page 1 and 2 (pages of 2); the bad records follow,
    one good record between them, then a malformed phone that goes through with a warning."""
    simulateur, _ = dude
    simulateur.ajouter_affectations(
        [
            MAUVAIS[0][0],
            _enregistrement(idAffectation="OK-1"),
            *(m for m, _ in MAUVAIS[1:]),
            _enregistrement(idAffectation="T-1", telephone="12"),
        ]
    )
    code, sortie = lancer(capsys, "dude", "pull", "--limite", "2")
    assert code == EXIT_LIGNES_REJETEES
    assert (
        "10 affectation(s) reçue(s) : 5 nouvelle(s), 0 doublon(s), 0 conflit(s), 5 rejetée(s)"
        in (sortie)
    )
    places = [
        "ML001 page 2, enregistrement 2",
        "ML001 page 3, enregistrement 2",
        "ML001 page 4, enregistrement 1",
        "ML001 page 4, enregistrement 2",
        "ML001 page 5, enregistrement 1",
    ]
    for place, (_, raison) in zip(places, MAUVAIS, strict=True):
        assert f"rejet {place} : {raison}" in sortie
    assert "avertissement ML001 page 5, enregistrement 2 : telephone ignoré" in sortie
    assert _affectation(base_cli, "OK-1") is not None
    sans_telephone = _affectation(base_cli, "T-1")
    assert sans_telephone is not None
    assert sans_telephone.identite.telephone is None


def test_un_conflit_recupere_est_signale(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: tuple[Simulateur, str]
) -> None:
    """R1"""
    lancer(capsys, "dude", "pull")
    dude[0].ajouter_affectations([_enregistrement(nom="Durand")])
    code, sortie = lancer(capsys, "dude", "pull")
    assert code == 0
    assert "0 nouvelle(s), 3 doublon(s), 1 conflit(s)" in sortie


def test_seules_les_affectations_de_la_mission_locale_demandee_sont_recuperees(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: tuple[Simulateur, str]
) -> None:
    dude[0].ajouter_affectations([_enregistrement(idAffectation="AUTRE", codeMissionLocale="ML2")])
    code, sortie = lancer(capsys, "dude", "pull", "--ml", ML)
    assert code == 0
    assert "3 affectation(s) reçue(s) : 3 nouvelle(s)" in sortie


def test_une_mission_locale_inconnue_en_option_est_refusee(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: tuple[Simulateur, str]
) -> None:
    code, sortie = lancer(capsys, "dude", "pull", "--ml", "ML999")
    assert code == EXIT_ECHEC
    assert "Mission Locale inconnue : ML999" in sortie


def test_un_dude_injoignable_rend_1_et_le_dit(
    base_cli: Base, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        port = libre.getsockname()[1]
    monkeypatch.setenv("COTRAITANCE_DUDE_AFFECTATIONS_URL", f"http://127.0.0.1:{port}/a")
    code, sortie = lancer(capsys, "dude", "pull")
    assert code == EXIT_ECHEC
    assert "échec : ML001 page 1 : DUDE injoignable" in sortie


def test_sans_url_du_dude_la_commande_le_dit(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    code, sortie = lancer(capsys, "dude", "pull")
    assert code == EXIT_ECHEC
    assert "ni COTRAITANCE_DUDE_AFFECTATIONS_URL ni COTRAITANCE_DUDE_URL" in sortie


# ------------------------------------------------------------------ the simulator and settings


def test_le_simulateur_pagine_par_mission_locale_avec_un_curseur(
    dude: tuple[Simulateur, str],
) -> None:
    simulateur, url = dude
    simulateur.ajouter_affectations([_enregistrement(idAffectation="N-1", codeMissionLocale="ML2")])
    with httpx2.Client() as client:
        page1 = client.get(f"{url}/affectations", params={"codeMissionLocale": ML, "limite": 2})
        suivant = page1.json()["suivant"]
        page2 = client.get(
            f"{url}/affectations", params={"codeMissionLocale": ML, "limite": 2, "apres": suivant}
        )
        ml2 = client.get(f"{url}/affectations", params={"codeMissionLocale": "ML2"})
        ajout = client.post(f"{url}/affectations", content=json.dumps(_enregistrement()))
        fautif = client.get(f"{url}/affectations", params={"limite": 0})
    assert [a["idAffectation"] for a in page1.json()["affectations"]] == [
        "DUDE-2026-0004512",
        "DUDE-2026-0004513",
    ]
    assert page2.json() == {"affectations": [exemples_json()[2]], "suivant": None}
    assert [a["idAffectation"] for a in ml2.json()["affectations"]] == ["N-1"]
    assert ajout.json() == {"ajoutees": 1}
    assert fautif.status_code == 400


@pytest.mark.parametrize(
    ("env", "attendue"),
    [
        ({"COTRAITANCE_DUDE_URL": "http://dude:8100/flux"}, "http://dude:8100/affectations"),
        ({"COTRAITANCE_DUDE_URL": "https://h/api/dude/flux/"}, "https://h/api/dude/affectations"),
        (
            {
                "COTRAITANCE_DUDE_URL": "http://a/flux",
                "COTRAITANCE_DUDE_AFFECTATIONS_URL": "http://b/x",
            },
            "http://b/x",
        ),
        ({}, None),
    ],
)
def test_l_adresse_des_affectations_est_a_cote_des_flux_sauf_reglage(
    env: dict[str, str], attendue: str | None
) -> None:
    assert Settings.depuis_env(env).url_affectations == attendue
