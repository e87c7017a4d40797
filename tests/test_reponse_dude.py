"""What an answer of the DUDE means (DESIGN §4, R15), as pure functions: `Retry-After` in both
forms and capped, credentials apart from business rejections, bodies read as outside JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.flux import StatutFlux
from integrations.dude.reponse import attente_demandee, juger

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
