"""The DUDE simulator (a real uvicorn on 127.0.0.1) and bad input: a body is bounded while it is
read (413), JSON that cannot be held is a 400, faults or affectations of the wrong shape a 422,
each with the DUDE's ``{code, message}`` in French — never a 500, and nothing it holds is lost:
the flows keep passing and the list of flows stays readable (R24)."""

from __future__ import annotations

import json
import socket
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from cotraitance.cli import main
from integrations.dude.simulateur import Simulateur, SimulateurEnFond

MEGA = 1024 * 1024
FLUX = {"cle": "K-1", "type": "EVENEMENT", "identifiantPe": "2345678B"}


@pytest.fixture
def dude() -> Iterator[tuple[Simulateur, str]]:
    simulateur = Simulateur()
    serveur = SimulateurEnFond(simulateur)
    url = serveur.demarrer()
    yield simulateur, url
    serveur.arreter()


def _envoyer(client: httpx2.Client, url: str, flux: dict[str, Any] = FLUX) -> httpx2.Response:
    return client.post(f"{url}/flux", json=flux, headers={"Idempotency-Key": str(flux["cle"])})


def _erreur_en_francais(reponse: httpx2.Response, statut: int, code: str) -> str:
    assert reponse.status_code == statut, reponse.text
    corps = reponse.json()
    assert set(corps) == {"code", "message"}
    assert corps["code"] == code
    return str(corps["message"])


@pytest.mark.parametrize("chemin", ["/flux", "/fautes", "/affectations"])
def test_un_corps_annonce_trop_gros_est_refuse_en_413_sans_etre_attendu(
    dude: tuple[Simulateur, str], chemin: str
) -> None:
    """200 MB announced, not one byte sent: the answer comes at once (pre-fix: the simulator
    waited for the 200 MB)."""
    _, url = dude
    hote, port = url.removeprefix("http://").split(":")
    with socket.create_connection((hote, int(port)), timeout=10) as connexion:
        connexion.sendall(
            f"POST {chemin} HTTP/1.1\r\nHost: {hote}\r\nIdempotency-Key: K-1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {200 * MEGA}\r\n\r\n".encode()
        )
        reponse = connexion.recv(65536).decode()
    assert reponse.startswith("HTTP/1.1 413"), reponse
    assert '"code":"CORPS_TROP_GROS"' in reponse


def test_un_flux_sans_longueur_annoncee_est_coupe_en_413_des_la_borne(
    dude: tuple[Simulateur, str],
) -> None:
    """A 200 MB flow sent in chunks: read up to the bound, never held whole."""
    simulateur, url = dude
    morceau = b" " * MEGA

    def corps() -> Iterator[bytes]:
        for _ in range(200):
            yield morceau

    tracemalloc.start()
    try:
        with httpx2.Client(timeout=30) as client:
            reponse = client.post(
                f"{url}/flux", content=corps(), headers={"Idempotency-Key": "K-1"}
            )
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = _erreur_en_francais(reponse, 413, "CORPS_TROP_GROS")
    assert "plus de 65536 octets" in message
    assert pic < 40 * MEGA
    assert simulateur.recus == {}


@pytest.mark.parametrize("chemin", ["/flux", "/fautes", "/affectations"])
def test_un_corps_trop_imbrique_rend_400_et_pas_500(
    dude: tuple[Simulateur, str], chemin: str
) -> None:
    _, url = dude
    with httpx2.Client(timeout=10) as client:
        reponse = client.post(
            f"{url}{chemin}", content="[" * 20_000 + "]" * 20_000, headers={"Idempotency-Key": "K"}
        )
    assert "trop imbriqué" in _erreur_en_francais(reponse, 400, "JSON_INVALIDE")


def test_un_flux_a_caractere_isole_est_refuse_et_la_liste_des_flux_reste_lisible(
    dude: tuple[Simulateur, str],
) -> None:
    """A lone surrogate kept in memory made every later ``GET /flux`` a 500."""
    _, url = dude
    texte = json.dumps(FLUX).replace("EVENEMENT", "EVENEMENT\\ud800")
    with httpx2.Client(timeout=10) as client:
        refuse = client.post(f"{url}/flux", content=texte, headers={"Idempotency-Key": "K-1"})
        _envoyer(client, url, {**FLUX, "cle": "K-2"})
        liste = client.get(f"{url}/flux")
    assert "caractère isolé" in _erreur_en_francais(refuse, 400, "JSON_INVALIDE")
    assert liste.status_code == 200
    assert [f["cle"] for f in liste.json()["flux"]] == ["K-2"]


def test_des_fautes_mal_typees_sont_refusees_en_422_et_les_flux_passent_encore(
    dude: tuple[Simulateur, str],
) -> None:
    """``{"taux_5xx": "abc"}`` was accepted, then every ``POST /flux`` failed with a 500."""
    _, url = dude
    with httpx2.Client(timeout=10) as client:
        refuse = client.post(f"{url}/fautes", json={"taux_5xx": "abc"})
        flux = _envoyer(client, url)
    message = _erreur_en_francais(refuse, 422, "FAUTES_INVALIDES")
    assert message == "taux_5xx : nombre de 0 à 1 attendu"
    assert flux.status_code == 200


@pytest.mark.parametrize(
    ("fautes", "raison"),
    [
        ({"latence_ms": -1}, "latence_ms : nombre entier de 0 à 60000 attendu"),
        ({"latence_ms": True}, "latence_ms : nombre entier de 0 à 60000 attendu"),
        ({"latence_ms": 1.5}, "latence_ms : nombre entier de 0 à 60000 attendu"),
        ({"taux_timeout": 2}, "taux_timeout : nombre de 0 à 1 attendu"),
        ({"duree_timeout_s": 1e9}, "duree_timeout_s : nombre de 0 à 600 attendu"),
        ({"graine": "a"}, "graine : nombre entier ou null attendu"),
        ({"rejets": "x"}, "rejets : objet {type de flux ou clé : {code, message}} attendu"),
        (
            {"rejets": {"EVENEMENT": {"code": 3}}},
            "rejets : objet {type de flux ou clé : {code, message}} attendu",
        ),
        ({"taux": 1}, "champ inconnu : taux"),
        ([], "un objet JSON est attendu"),
    ],
    ids=lambda v: "" if isinstance(v, str) else json.dumps(v),
)
def test_des_fautes_invalides_sont_refusees_en_422_avec_leur_raison(
    dude: tuple[Simulateur, str], fautes: Any, raison: str
) -> None:
    simulateur, url = dude
    with httpx2.Client(timeout=10) as client:
        reponse = client.post(f"{url}/fautes", json=fautes)
    assert raison in _erreur_en_francais(reponse, 422, "FAUTES_INVALIDES")
    assert simulateur.fautes.taux_5xx == 0.0


def test_des_fautes_valides_sont_appliquees(dude: tuple[Simulateur, str]) -> None:
    simulateur, url = dude
    fautes = {"taux_5xx": 1, "rejets": {"SORTIE_PPAE": {"code": "CLOS", "message": "Clos."}}}
    with httpx2.Client(timeout=10) as client:
        reponse = client.post(f"{url}/fautes", json=fautes)
        flux = _envoyer(client, url)
    assert reponse.status_code == 200, reponse.text
    assert simulateur.fautes.taux_5xx == 1.0
    assert flux.status_code == 503


@pytest.mark.parametrize("corps", ['"abc"', "3", "null"])
def test_des_affectations_qui_ne_sont_ni_objet_ni_liste_sont_refusees_en_422(
    dude: tuple[Simulateur, str], corps: str
) -> None:
    """Malformed records inside a list are served as they are (what the intake must reject);
    a body that is no record at all is refused."""
    simulateur, url = dude
    with httpx2.Client(timeout=10) as client:
        reponse = client.post(f"{url}/affectations", content=corps)
    message = _erreur_en_francais(reponse, 422, "AFFECTATIONS_INVALIDES")
    assert message == "une affectation (objet JSON) ou une liste d'affectations est attendue"
    assert simulateur.affectations == []


@pytest.mark.parametrize(
    ("options", "raison"),
    [
        (["--taux-5xx", "5"], "taux-5xx : nombre de 0 à 1 attendu"),
        (["--latence-ms", "-3"], "latence-ms : nombre entier de 0 à 60000 attendu"),
    ],
)
def test_la_commande_du_simulateur_refuse_une_faute_hors_bornes_sans_demarrer(
    capsys: pytest.CaptureFixture[str], options: list[str], raison: str
) -> None:
    """The same checks as ``POST /fautes``: a 5 for a share made every flow fail."""
    assert main(["dude", "simulator", "--port", "1", *options]) == 1
    assert f"option refusée : {raison}" in capsys.readouterr().err
