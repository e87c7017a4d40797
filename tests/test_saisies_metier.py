"""R24 reaches the rules: identity and contact data checked and normalised once, in the domain,
every faulty field reported in one answer; matching guarded (R4); an entry date that leaves
the PPAE waiting says why (R8, R9)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from application.service import Cotraitance
from domain.erreurs import ErreurMetier
from domain.valeurs import Identite, StatutPpae
from tests.api_outils import Api, api  # noqa: F401
from tests.conftest import Acteurs
from tests.outils_graphql import gid, muter
from tests.scenario import (
    GESTIONNAIRE,
    affectation_acceptee,
    donnees_affectation,
    dossier,
    dossier_importe,
    dossier_manuel,
    entretien,
    ids,
    ppae,
    refus,
    rien_n_est_enregistre,
)

SAISIE = {"nom": "Dupont", "prenoms": "Léa", "dateNaissance": "2004-03-15"}


def test_chaque_champ_fautif_est_signale_dans_une_seule_reponse(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """The manager corrects everything at once, nothing is recorded meanwhile."""
    entree = {
        **SAISIE,
        "email": "pas-un-email",
        "communeInsee": "ABCDE",
        "codePostal": "7",
        "telephone": "bonjour",
        "identifiantPe": "!!",
        "dateNaissance": "1900-01-01",
    }
    with rien_n_est_enregistre(app):
        payload = muter(api, "creerDossier", entree, selection="dossier { id }")
    assert payload["dossier"] is None
    champs = {e["champ"]: e["code"] for e in payload["erreurs"]}
    assert champs == dict.fromkeys(
        ["email", "communeInsee", "codePostal", "telephone", "identifiantPe", "dateNaissance"],
        "SAISIE_INVALIDE",
    )
    assert all(e["message"] and "Traceback" not in e["message"] for e in payload["erreurs"])


@pytest.mark.parametrize(
    ("naissance", "accepte"),
    [
        ("0001-01-01", False),
        ("1900-01-01", False),
        ("2026-10-20", False),  # last month
        ("2016-11-21", False),  # 9 years old
        ("2016-11-20", True),  # 10
        ("1926-11-21", True),  # 99
        ("1999-01-08", True),  # 27: too old for the ML, but a person (R2 suggests refusal)
    ],
)
def test_une_naissance_doit_etre_plausible_pour_une_personne(
    app: Cotraitance, acteurs: Acteurs, naissance: str, accepte: bool
) -> None:
    identite = Identite("Dupont", "Léa", date.fromisoformat(naissance))
    if accepte:
        assert app.creer_dossier(acteurs.conseiller, identite).dossier_id
    else:
        with refus(app, "SAISIE_INVALIDE") as info:
            app.creer_dossier(acteurs.conseiller, identite)
        assert info.value.champ == "dateNaissance"


def test_les_bornes_d_age_plausibles_se_reglent() -> None:
    from cotraitance.settings import Settings

    regles = Settings.depuis_env({"COTRAITANCE_AGE_MIN_PLAUSIBLE": "12"}).regles
    assert (regles.age_min_plausible, regles.age_max_plausible) == (12, 100)


@pytest.mark.parametrize(
    ("champs", "attendu"),
    [
        ({"telephone": "+33 6 12 34 56 78"}, {"telephone": "0612345678"}),
        ({"telephone": "06.12.34.56.78"}, {"telephone": "0612345678"}),
        ({"telephone": "0033612345678"}, {"telephone": "0612345678"}),
        ({"telephone": "+262 692 12 34 56"}, {"telephone": "0692123456"}),
        ({"email": " Lea.Dupont@Exemple.FR "}, {"email": "lea.dupont@exemple.fr"}),
        ({"commune_insee": "2a004"}, {"commune_insee": "2A004"}),
        ({"commune_insee": "2B033"}, {"commune_insee": "2B033"}),
        ({"code_postal": "75 011"}, {"code_postal": "75011"}),
    ],
)
def test_les_coordonnees_sont_normalisees(champs: dict[str, Any], attendu: dict[str, Any]) -> None:
    identite = Identite("Dupont", "Léa", date(2004, 3, 15), **champs)
    assert {k: getattr(identite, k) for k in attendu} == attendu


@pytest.mark.parametrize(
    ("identifiant", "attendu"),
    [("1234567a", "1234567A"), ("1234567 8", "12345678"), ("ab12345cd67", "AB12345CD67")],
)
def test_les_identifiants_france_travail_en_usage_sont_acceptes(
    app: Cotraitance, acteurs: Acteurs, identifiant: str, attendu: str
) -> None:
    dossier_id = dossier_manuel(app, acteurs.conseiller, identifiant_pe=identifiant)
    assert dossier(app, acteurs.conseiller, dossier_id).identifiant_pe == attendu


@pytest.mark.parametrize("identifiant", ["!!", "PE-0001", "123456", "12345678901234"])
def test_un_identifiant_france_travail_malforme_est_refuse_aussi_a_la_reception(
    app: Cotraitance, identifiant: str
) -> None:
    """The DUDE's intake gets the same checks as a dossier typed by hand."""
    from application.contexte import systeme

    with pytest.raises(ErreurMetier) as refus_:
        app.recevoir_affectation(systeme("ML001"), donnees_affectation(identifiant_pe=identifiant))
    assert (refus_.value.code, refus_.value.champ) == ("SAISIE_INVALIDE", "identifiantPe")


# ------------------------------------------------------------------ R4: matching guarded


def test_rapprocher_un_autre_jeune_demande_une_confirmation_qui_dit_pourquoi(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    """Garcia (2006-02-14) is not Diallo (2003-08-15): the manager is told, and must confirm."""
    g = acteurs.gestionnaire
    diallo = dossier_manuel(
        app, g, nom="Diallo", prenoms="Mamadou", date_naissance=date(2003, 8, 15)
    )
    garcia = affectation_acceptee(
        app, g, nom="Garcia", prenoms="Lina", date_naissance=date(2006, 2, 14)
    )
    with refus(app, "CONFIRMATION_REQUISE") as info:
        app.rapprocher(g, garcia, diallo)
    assert info.value.champ == "confirmer"
    for attendu in ("2003-08-15", "2006-02-14", "Diallo", "Garcia", "Mamadou", "Lina"):
        assert attendu in info.value.message
    app.rapprocher(g, garcia, diallo, confirmer=True)
    assert dossier(app, g, diallo).identifiant_pe == "1234567A"


def test_un_autre_identifiant_france_travail_sur_le_dossier_n_est_jamais_ecrase(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    g = acteurs.gestionnaire
    dossier_id = dossier_manuel(app, g, identifiant_pe="7654321B")
    affectation_id = affectation_acceptee(app, g)
    for confirmer in (False, True):
        with refus(app, "IDENTIFIANT_PE_EN_CONFLIT"):
            app.rapprocher(g, affectation_id, dossier_id, confirmer=confirmer)
    assert dossier(app, g, dossier_id).identifiant_pe == "7654321B"


def test_un_transfert_n_ecrase_pas_l_identifiant_du_vrai_dossier(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    g = acteurs.gestionnaire
    doublon = dossier_importe(app, g).dossier_id
    assert doublon is not None
    vrai = dossier_manuel(app, g, identifiant_pe="7654321B")
    with refus(app, "IDENTIFIANT_PE_EN_CONFLIT") as info:
        app.transferer_donnees(g, doublon, vrai)
    assert info.value.champ == "dossierCibleId"


def test_rapprocher_par_l_api_avec_confirmation(app: Cotraitance, api: Api) -> None:  # noqa: F811
    autre = dossier_manuel(app, GESTIONNAIRE, nom="Martin", prenoms="Paul")
    affectation_id = affectation_acceptee(app, GESTIONNAIRE)
    entree = {
        "affectationId": gid("Affectation", affectation_id),
        "dossierId": gid("Dossier", autre),
    }
    refuse = muter(api, "rapprocher", entree)
    assert [(e["code"], e["champ"]) for e in refuse["erreurs"]] == [
        ("CONFIRMATION_REQUISE", "confirmer")
    ]
    accepte = muter(api, "rapprocher", {**entree, "confirmer": True})
    assert accepte["erreurs"] == []


# ------------------------------------------------------------------ R8, R9: a hint


def test_une_entree_apres_le_seul_entretien_avertit_et_nomme_la_date_qui_ferait_demarrer(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    c = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(c, dossier_id, "CNI")
    entretien(app, c, dossier_id, date(2026, 10, 5))
    r = app.accepter_ppae(c, ppae_id, date(2026, 10, 20))
    [avertissement] = r.avertissements
    assert avertissement.code == "ENTRETIEN_AVANT_ENTREE"
    assert "2026-10-05" in avertissement.message
    assert ppae(app, c, ppae_id).statut is StatutPpae.NON_INITIALISE
    app.accepter_ppae(c, ppae_id, date(2026, 10, 5))  # as the hint says
    assert ppae(app, c, ppae_id).statut is StatutPpae.EN_COURS


def test_sans_entretien_aucun_avertissement_d_entree(app: Cotraitance, acteurs: Acteurs) -> None:
    c = acteurs.conseiller
    _, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    assert app.accepter_ppae(c, ppae_id, date(2026, 10, 20)).avertissements == []


def test_une_identite_saisie_normalisee_garde_le_meme_sens(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    """The stored value is the normalised one."""
    identite = Identite("Dupont", "Léa", date(2004, 3, 15), telephone="06 12 34 56 78")
    dossier_id = app.creer_dossier(acteurs.conseiller, identite).dossier_id
    assert dossier_id is not None
    assert dossier(app, acteurs.conseiller, dossier_id).identite == replace(
        identite, telephone="0612345678"
    )
