"""The dossier aggregate and the identity value object alone, in memory (the fast tier)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.acces import Capacite, autorise, visible
from domain.dossier import Dossier
from domain.erreurs import ErreurMetier
from domain.regles import Regles
from domain.valeurs import Acteur, Identite, Role, StatutPpae, TypeEvenement

AUJOURDHUI = date(2026, 11, 20)
LEA = Identite("Dupont", "Léa", date(2004, 3, 15))


def test_une_identite_se_nettoie_des_espaces() -> None:
    assert Identite("  Dupont ", " Léa", date(2004, 3, 15), email=" ") == replace(LEA, email=None)


@pytest.mark.parametrize(
    ("champs", "champ"),
    [
        ({"nom": " "}, "nom"),
        ({"prenoms": ""}, "prenoms"),
        ({"nom": "Du\x00pont"}, "nom"),
        ({"nom_usage": "x" * 101}, "nomUsage"),
        ({"telephone": "06\n12"}, "telephone"),
    ],
)
def test_une_identite_invalide_ne_se_construit_pas(champs: dict[str, Any], champ: str) -> None:
    """R24: whoever builds an identity (API, intake, bulk load), the same checks."""
    with pytest.raises(ErreurMetier) as refus:
        replace(LEA, **champs)
    assert (refus.value.code, refus.value.champ) == ("SAISIE_INVALIDE", champ)


def test_un_dossier_refuse_une_naissance_qui_n_est_pas_passee() -> None:
    with pytest.raises(ErreurMetier) as refus:
        Dossier.creer("ML001", replace(LEA, date_naissance=AUJOURDHUI), AUJOURDHUI, Regles())
    assert refus.value.champ == "dateNaissance"


def test_le_ppae_courant_est_l_ouvert_ou_le_dernier() -> None:
    dossier = Dossier.creer("ML001", LEA, AUJOURDHUI, Regles())
    assert dossier.ppae_courant is None
    premier, second = uuid4(), uuid4()
    dossier.ouvrir_ppae(premier)
    assert dossier.ppae_courant == premier
    dossier.fermer_ppae(premier)
    assert dossier.ppae_courant == premier  # the latest one
    dossier.ouvrir_ppae(second)
    assert dossier.ppae_courant == second


def test_supprimer_un_dossier_avec_historique_demande_confirmation() -> None:
    """R20."""
    dossier = Dossier.creer("ML001", LEA, AUJOURDHUI, Regles())
    dossier.saisir_evenement("e1", TypeEvenement.ATELIER, date(2026, 11, 2), None, "c", AUJOURDHUI)
    with pytest.raises(ErreurMetier) as refus:
        dossier.supprimer(False, [], False)
    assert refus.value.code == "CONFIRMATION_REQUISE"
    with pytest.raises(ErreurMetier):
        dossier.supprimer(True, [StatutPpae.TERMINE], False)
    dossier.supprimer(True, [StatutPpae.SUPPRIME], False)
    assert dossier.supprime


@given(
    role=st.sampled_from(list(Role)),
    ml=st.sampled_from(["ML001", "ML002"]),
)
def test_un_acteur_ne_voit_que_sa_ml_et_un_anonyme_rien(role: Role, ml: str) -> None:
    """R23, written once: tenancy and capabilities."""
    dossier = Dossier.creer("ML001", LEA, AUJOURDHUI, Regles())
    acteur = Acteur("x", role, ml)
    assert visible(acteur, dossier) == (ml == "ML001")
    if role is Role.ANONYME:
        assert not any(autorise(acteur, c) for c in Capacite)
    if role is Role.INTEGRATEUR:
        assert not autorise(acteur, Capacite.LIRE)
