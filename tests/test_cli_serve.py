"""`cotraitance serve` as a user runs it: a real uvicorn process on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest


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
