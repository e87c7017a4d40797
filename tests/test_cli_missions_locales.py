"""`cotraitance import missions-locales FILE` on real files: bad rows reported, good rows saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from application.magasin.persistance import base_depuis_url
from application.service import Cotraitance
from cotraitance.cli import EXIT_LIGNES_REJETEES, main
from cotraitance.racine import ports
from tests.scenario import GESTIONNAIRE, dossier_importe

EXEMPLE = Path(__file__).resolve().parent.parent / "examples" / "missions-locales.jsonl"


@pytest.fixture
def base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", url)
    return url


def _ml(url: str, code: str) -> tuple[list[str], list[str]] | None:
    base = base_depuis_url(url)
    app = Cotraitance(env=base.env, ports=ports(base))
    try:
        ml = app.mission_locale(code)
        return None if ml is None else (ml.communes, [c.id for c in ml.conseillers])
    finally:
        app.close()


def test_l_import_du_fichier_exemple_cree_la_mission_locale_puis_ne_change_rien(
    base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "missions-locales", str(EXEMPLE)]) == 0
    assert "1 créée(s)" in capsys.readouterr().out
    assert _ml(base_url, "ML001") == (["75056", "75111", "75120", "93048"], ["C1", "C2"])
    assert main(["import", "missions-locales", str(EXEMPLE)]) == 0
    assert "1 inchangée(s)" in capsys.readouterr().out


def test_une_ligne_malformee_est_rapportee_avec_son_numero_et_les_bonnes_passent(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonne = {
        "codeMissionLocale": "ML002",
        "nom": "Nord",
        "communesInsee": ["59350"],
        "conseillers": [{"id": "N1", "nom": "Nina"}],
    }
    fichier = tmp_path / "ml.jsonl"
    fichier.write_text(
        "\n".join(
            [
                "{pas du json",
                json.dumps({**bonne, "communesInsee": ["5935"]}),
                json.dumps(bonne),
                json.dumps({**bonne, "codeMissionLocale": "ML003", "conseillers": [{"id": "X"}]}),
                "[1, 2]",
            ]
        ),
        encoding="utf-8",
    )
    assert main(["import", "missions-locales", str(fichier)]) == EXIT_LIGNES_REJETEES
    sortie = capsys.readouterr().out
    assert "rejet ligne 1 : JSON invalide" in sortie
    assert "rejet ligne 2 : codes INSEE invalides : 5935" in sortie
    assert "rejet ligne 4 : champ nom manquant ou vide" in sortie
    assert "rejet ligne 5 : un objet JSON est attendu" in sortie
    assert _ml(base_url, "ML002") == (["59350"], ["N1"])
    assert _ml(base_url, "ML003") is None


def test_un_second_chargement_met_a_jour_zone_et_conseillers(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "missions-locales", str(EXEMPLE)]) == 0
    ligne = json.loads(EXEMPLE.read_text(encoding="utf-8"))
    ligne["communesInsee"].append("93066")
    ligne["conseillers"] = ligne["conseillers"][:1]
    fichier = tmp_path / "maj.jsonl"
    fichier.write_text(json.dumps(ligne), encoding="utf-8")
    assert main(["import", "missions-locales", str(fichier)]) == 0
    assert "1 modifiée(s)" in capsys.readouterr().out
    assert _ml(base_url, "ML001") == (["75056", "75111", "75120", "93048", "93066"], ["C1"])


def test_un_fichier_absent_est_une_erreur_claire(
    base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "missions-locales", "absent.jsonl"]) == 1
    assert "fichier introuvable" in capsys.readouterr().err


def test_projections_status_et_rebuild(base_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "missions-locales", str(EXEMPLE)]) == 0
    assert main(["projections", "rebuild"]) == 0
    assert main(["projections", "status"]) == 0
    sortie = capsys.readouterr().out
    assert "recherche_dossiers" in sortie
    assert "ok" in sortie
    with pytest.raises(SystemExit) as sortie_argparse:
        main(["projections", "rebuild", "inconnue"])
    assert sortie_argparse.value.code == 2
    assert "tableau_ppae" in capsys.readouterr().err  # the names it takes


def test_chaque_commande_dit_sur_quelle_base_elle_travaille(
    base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "missions-locales", str(EXEMPLE)]) == 0
    assert "base : nouvelle base créée à" in capsys.readouterr().err
    assert main(["projections", "status"]) == 0
    erreur = capsys.readouterr().err
    assert erreur.startswith("base : sqlite:///")
    assert str(Path(base_url.removeprefix("sqlite:///")).resolve()) in erreur


def test_une_commande_qui_attend_des_donnees_ne_cree_pas_de_base_vide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from another folder, it says where it looked instead of creating ./var/…"""
    absente = tmp_path / "ailleurs" / "cotraitance.db"
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", f"sqlite:///{absente}")
    assert main(["projections", "status"]) == 1
    assert "aucune base" in capsys.readouterr().err
    assert not absente.exists()
    assert not absente.parent.exists()


def test_une_url_de_base_invalide_est_une_ligne_qui_nomme_le_reglage(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", "mysql://localhost/x")
    assert main(["projections", "status"]) == 1
    erreur = capsys.readouterr().err
    assert "COTRAITANCE_DATABASE_URL" in erreur
    assert "Traceback" not in erreur
    assert len(erreur.strip().splitlines()) == 1


def test_une_mission_locale_en_double_dans_un_fichier_est_une_ligne_rejetee(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ligne = EXEMPLE.read_text(encoding="utf-8").strip()
    vide = json.loads(ligne)
    vide["conseillers"] = []
    fichier = tmp_path / "double.jsonl"
    fichier.write_text(f"{ligne}\n{json.dumps(vide)}\n", encoding="utf-8")
    assert main(["import", "missions-locales", str(fichier)]) == EXIT_LIGNES_REJETEES
    assert "rejet ligne 2 : la Mission Locale ML001 figure déjà ligne 1" in capsys.readouterr().out
    assert _ml(base_url, "ML001") == (["75056", "75111", "75120", "93048"], ["C1", "C2"])


def test_retirer_un_conseiller_qui_suit_des_ppae_ouverts_est_refuse(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A counselor does not vanish while still following open PPAE: the row is rejected."""
    assert main(["import", "missions-locales", str(EXEMPLE)]) == 0
    base = base_depuis_url(base_url)
    app = Cotraitance(env=base.env, ports=ports(base))
    try:
        resultat = dossier_importe(app, GESTIONNAIRE)
        assert resultat.ppae_id is not None
        app.affecter_conseiller(GESTIONNAIRE, resultat.ppae_id, "C2")
    finally:
        app.close()
    ligne = json.loads(EXEMPLE.read_text(encoding="utf-8"))
    ligne["conseillers"] = [c for c in ligne["conseillers"] if c["id"] != "C2"]
    fichier = tmp_path / "sans-c2.jsonl"
    fichier.write_text(json.dumps(ligne), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "missions-locales", str(fichier)]) == EXIT_LIGNES_REJETEES
    assert "C2 (1 PPAE)" in capsys.readouterr().out
    assert _ml(base_url, "ML001") == (["75056", "75111", "75120", "93048"], ["C1", "C2"])


def test_l_aide_ne_renvoie_pas_a_des_documents_internes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    aide = capsys.readouterr().out
    assert "DESIGN" not in aide
    assert "8000" in aide
    assert "127.0.0.1" in aide


@pytest.mark.parametrize(
    ("hostile", "raison"),
    [
        ('{"codeMissionLocale": ' + "[" * 5000 + "]" * 5000 + "}", "JSON trop imbriqué"),
        ('{"codeMissionLocale": ' + "1" * 5000 + "}", "JSON invalide (nombre entier trop long)"),
    ],
    ids=["imbrique", "entier"],
)
def test_une_ligne_json_hostile_est_rejetee_et_les_suivantes_passent(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: str, raison: str
) -> None:
    """R24: a line the JSON reader cannot take is a rejected row, the next ones go through."""
    fichier = tmp_path / "ml.jsonl"
    fichier.write_text(f"{hostile}\n{EXEMPLE.read_text(encoding='utf-8')}", encoding="utf-8")
    assert main(["import", "missions-locales", str(fichier)]) == EXIT_LIGNES_REJETEES
    sortie = capsys.readouterr().out
    assert f"rejet ligne 1 : {raison}" in sortie
    assert "1 créée(s)" in sortie
    assert _ml(base_url, "ML001") is not None
