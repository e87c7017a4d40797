"""`cotraitance serve` as a user runs it: a real uvicorn process on a free port."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from cotraitance.cli import main


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def serveur(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _port_libre()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COTRAITANCE_")},
        "COTRAITANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "COTRAITANCE_VAR_DIR": str(tmp_path / "var"),
        "COTRAITANCE_ACCESS_LOG": str(tmp_path / "var" / "acces.jsonl"),
    }
    processus = subprocess.Popen(
        [sys.executable, "-m", "cotraitance.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        try:
            if httpx2.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx2.HTTPError:
            time.sleep(0.1)
    else:
        processus.kill()
        pytest.fail(f"the server did not start: {processus.communicate()[0]}")
    try:
        yield url, processus
    finally:
        processus.terminate()
        processus.communicate(timeout=15)


def test_le_journal_d_acces_du_serveur_ne_garde_pas_les_chaines_de_requete(
    serveur: tuple[str, subprocess.Popen[str]],
) -> None:
    """Search text or a token put in a URL never reaches the logs."""
    url, processus = serveur
    httpx2.get(f"{url}/health?access_token=JETON-SECRET&texte=Dupontel", timeout=5)
    httpx2.post(f"{url}/graphql?texte=Dupontel", json={"query": "{ moi { sub } }"}, timeout=5)
    processus.terminate()
    sortie = processus.communicate(timeout=15)[0]
    assert "GET /health HTTP/1.1" in sortie
    assert "POST /graphql HTTP/1.1" in sortie
    assert "JETON-SECRET" not in sortie
    assert "Dupontel" not in sortie


def test_un_port_deja_pris_est_dit_avant_d_annoncer_url_et_jetons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("COTRAITANCE_VAR_DIR", str(tmp_path / "var"))
    with socket.socket() as occupe:
        occupe.bind(("127.0.0.1", 0))
        occupe.listen(1)
        port = occupe.getsockname()[1]
        assert main(["serve", "--demo", "--port", str(port)]) == 1
    sortie = capsys.readouterr()
    assert f"le port {port} est déjà pris" in sortie.err
    assert "http://" not in sortie.out
    assert "GESTIONNAIRE" not in sortie.out


def test_le_jeu_de_demonstration_est_refuse_en_prod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for nom, valeur in {
        "COTRAITANCE_ENV": "prod",
        "COTRAITANCE_OIDC_JWKS_URL": "http://127.0.0.1:9/jwks.json",
        "COTRAITANCE_OIDC_ISSUER": "https://idp.exemple.fr",
        "COTRAITANCE_OIDC_AUDIENCE": "cotraitance",
        "COTRAITANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
        "COTRAITANCE_VAR_DIR": str(tmp_path / "var"),
    }.items():
        monkeypatch.setenv(nom, valeur)
    monkeypatch.delenv("COTRAITANCE_JWT_SECRET", raising=False)
    assert main(["serve", "--demo", "--port", str(_port_libre())]) == 1
    assert "--demo est refusé en prod" in capsys.readouterr().err
    assert not (tmp_path / "prod.db").exists()


def _demo(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    """`serve --demo` in a process of its own, on a store under ``tmp_path``."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COTRAITANCE_")},
        "COTRAITANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "COTRAITANCE_VAR_DIR": str(tmp_path / "var"),
        "COTRAITANCE_ACCESS_LOG": str(tmp_path / "var" / "acces.jsonl"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cotraitance.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_la_demo_donne_un_jeton_de_conseiller_d_un_vrai_conseiller_et_un_lien_graphiql(
    tmp_path: Path,
) -> None:
    port = _port_libre()
    processus = _demo(tmp_path, port)
    lignes: list[str] = []
    assert processus.stdout is not None
    for ligne in processus.stdout:
        lignes.append(ligne)
        if "ADMIN" in "".join(lignes[-3:]) and "headers=" in ligne:
            break
    processus.terminate()
    processus.communicate(timeout=15)
    texte = "".join(lignes)
    conseiller = next(ligne for ligne in lignes if ligne.strip().startswith("CONSEILLER"))
    charge = conseiller.split()[1].split(".")[1]
    donnees = json.loads(base64.urlsafe_b64decode(charge + "=" * (-len(charge) % 4)))
    assert donnees["sub"] == "C1"  # Claire Martin, a counselor of the demo ML
    assert f"http://127.0.0.1:{port}/graphql?headers=" in texte


def test_les_requetes_du_simulateur_de_la_demo_ne_remplissent_pas_le_journal(
    tmp_path: Path,
) -> None:
    """`serve --demo`: the API's access log shows the API's requests, not the in-process
    simulator's (the demo's flows are sent to it at start-up)."""
    port = _port_libre()
    processus = _demo(tmp_path, port)
    try:
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            try:
                sante = httpx2.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
            except httpx2.HTTPError:
                time.sleep(0.3)
                continue
            if sante.get("envoiDude", {}).get("acquittes", 0) > 0:
                break
            time.sleep(0.3)
        else:
            raise AssertionError("the demo's flows never reached the simulator")
    finally:
        processus.terminate()
        sortie, _ = processus.communicate(timeout=15)
    assert "GET /health" in sortie  # the API's own requests are logged
    assert "POST /flux" not in sortie


def test_une_base_injoignable_donne_un_message_et_pas_une_trace(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cotraitance.cli import main

    monkeypatch.setenv(
        "COTRAITANCE_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{_port_libre()}/postgres"
    )
    assert main(["projections", "status"]) == 1
    erreur = capsys.readouterr().err
    assert "base de données injoignable" in erreur
    assert "Traceback" not in erreur
