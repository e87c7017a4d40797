"""What an answer of the DUDE means (DESIGN §4, R15), as pure functions: `Retry-After` in both
forms and capped, credentials apart from business rejections, bodies read as outside JSON;
the pause of the whole sender that some answers call for."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.flux import StatutFlux
from integrations.dude.reponse import attente_demandee, juger
from integrations.dude.suspension import Pause, Regulateur

MAINTENANT = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)


def test_un_retry_after_en_secondes_est_pris_tel_quel() -> None:
    assert attente_demandee("30", MAINTENANT, 3600) == 30.0


def test_un_retry_after_en_date_http_donne_les_secondes_qui_restent() -> None:
    assert attente_demandee("Fri, 20 Nov 2026 10:01:30 GMT", MAINTENANT, 3600) == 90.0


def test_un_retry_after_deja_passe_ne_fait_pas_attendre() -> None:
    assert attente_demandee("Fri, 20 Nov 2026 09:00:00 GMT", MAINTENANT, 3600) == 0.0


def test_un_retry_after_absurde_est_plafonne_dans_les_deux_formes() -> None:
    assert attente_demandee("9" * 5000, MAINTENANT, 3600) == 3600
    assert attente_demandee("86400", MAINTENANT, 3600) == 3600
    assert attente_demandee("Fri, 31 Dec 9999 23:59:59 GMT", MAINTENANT, 3600) == 3600


def test_un_retry_after_illisible_est_ignore() -> None:
    for valeur in (None, "", "bientôt", "-5", "1.5", "²", "Mon, 99 Foo 2026 10:00:00 GMT"):
        assert attente_demandee(valeur, MAINTENANT, 3600) is None, valeur


def test_401_et_403_font_attendre_les_flux_sans_les_rejeter() -> None:
    for statut in (401, 403):
        verdict = juger(statut, None, b'{"code": "X", "message": "y"}', MAINTENANT, 3600)
        assert verdict.statut is StatutFlux.EN_ATTENTE
        assert verdict.suspendre
        assert verdict.identifiants


def test_un_429_suspend_l_envoi_meme_sans_retry_after_un_503_seulement_s_il_dit_quand() -> None:
    assert juger(429, None, b"", MAINTENANT, 3600).suspendre
    assert not juger(503, None, b"", MAINTENANT, 3600).suspendre
    avec = juger(503, "12", b"", MAINTENANT, 3600)
    assert (avec.suspendre, avec.attente, avec.statut) == (True, 12.0, StatutFlux.EN_ATTENTE)


def test_un_rejet_au_corps_illisible_garde_le_statut_http_pour_raison() -> None:
    """A hostile body (deep nesting, a lone surrogate) is a rejection all the same (R24)."""
    for corps in (b"[" * 100_000, b'{"code": "\\ud800"}', b"\xff\xfe", b"<html>"):
        verdict = juger(422, None, corps, MAINTENANT, 3600)
        assert (verdict.statut, verdict.raison) == (StatutFlux.REJETE, "HTTP 422")


def test_un_rejet_garde_le_code_et_le_message_du_dude() -> None:
    corps = b'{"code": "DOSSIER_CLOS", "message": "Le dossier est clos."}'
    verdict = juger(409, None, corps, MAINTENANT, 3600)
    assert verdict.raison == "DOSSIER_CLOS : Le dossier est clos."


# ------------------------------------------------------------------ the pause of the sender


def test_pendant_une_suspension_rien_ne_part_puis_un_seul_flux_essaie() -> None:
    regulateur = Regulateur(lot=64, attente_max=300)
    regulateur.noter(0.0, True, Pause(10, "HTTP 429"), maintenant=1.0)
    assert regulateur.places(0, maintenant=5.0) == 0
    assert regulateur.places(0, maintenant=11.0) == 1
    assert regulateur.places(1, maintenant=11.0) == 0, "one at a time"


def test_une_reponse_partie_avant_la_suspension_ne_la_leve_pas() -> None:
    regulateur = Regulateur(lot=64, attente_max=300)
    regulateur.noter(0.0, True, Pause(10, "HTTP 401", identifiants=True), maintenant=1.0)
    regulateur.noter(0.5, True, None, maintenant=2.0)  # a 2xx in flight when it began
    assert regulateur.suspension is not None
    regulateur.noter(12.0, True, None, maintenant=13.0)  # the one that tried after the wait
    assert regulateur.suspension is None
    assert regulateur.places(0, maintenant=13.0) == 64


def test_des_identifiants_refuses_encore_font_attendre_deux_fois_plus_jusqu_au_plafond() -> None:
    regulateur = Regulateur(lot=64, attente_max=100)
    refus = Pause(30, "HTTP 401", identifiants=True)
    regulateur.noter(0.0, True, refus, maintenant=0.0)
    attentes = []
    for _ in range(4):
        suspension = regulateur.suspension
        assert suspension is not None
        attentes.append(suspension.attente)
        regulateur.noter(suspension.reprise, True, refus, maintenant=suspension.reprise)
    assert attentes == [30, 60, 100, 100]


def test_un_essai_sans_reponse_du_tout_ne_leve_ni_n_allonge_la_suspension() -> None:
    regulateur = Regulateur(lot=64, attente_max=300)
    regulateur.noter(0.0, True, Pause(30, "HTTP 401", identifiants=True), maintenant=0.0)
    regulateur.noter(30.0, False, None, maintenant=31.0)  # connection refused
    suspension = regulateur.suspension
    assert suspension is not None
    assert (suspension.attente, suspension.reprise) == (30, 61.0)
