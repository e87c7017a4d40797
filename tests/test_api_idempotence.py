"""cleIdempotence through GraphQL: a replay returns the first result and records nothing new."""

from __future__ import annotations

from datetime import date

import pytest

from domain.valeurs import Periode, Role, TypeEvenement
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import erreur, gid, muter, position, reussit
from tests.scenario import (
    GESTIONNAIRE,
    affectation_acceptee,
    dossier_importe,
    dossier_manuel,
    dossier_rapproche,
    ppae_en_cours,
    recevoir,
    rendez_vous,
)

JEUNE = {"nom": "Martin", "prenoms": "Inès", "dateNaissance": "2005-06-07"}


def _ppae(app, **champs):
    return gid("PPAE", dossier_importe(app, GESTIONNAIRE, **champs).ppae_id)


def _dossier(app):
    return gid("Dossier", dossier_manuel(app, GESTIONNAIRE))


def _evenement(app):
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    saisi = app.saisir_evenement(GESTIONNAIRE, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2))
    return gid("Dossier", dossier_id), gid("Evenement", f"{dossier_id}:{saisi.evenement_id}")


def _rendez_vous(app):
    r = dossier_importe(app, GESTIONNAIRE)
    return gid("PPAE", r.ppae_id), rendez_vous(app, GESTIONNAIRE, r.ppae_id, date(2026, 11, 2))


def _radiation(app):
    return _ppae(app, periodes_radiation=(Periode(date(2026, 9, 20)),))


# mutation → (setup(app) → (input, another input))
CAS = {
    "creerDossier": lambda app: (JEUNE, {**JEUNE, "prenoms": "Ines"}),
    "deciderAffectation": lambda app: (
        {"affectationId": (a := gid("Affectation", recevoir(app))), "accepter": True},
        {"affectationId": a, "accepter": False, "motifRefus": "AGE"},
    ),
    "creerDossierImporte": lambda app: (
        {"affectationId": gid("Affectation", affectation_acceptee(app, GESTIONNAIRE, "AFF-1"))},
        {"affectationId": gid("Affectation", affectation_acceptee(app, GESTIONNAIRE, "AFF-2"))},
    ),
    "rapprocher": lambda app: (
        {
            "affectationId": gid("Affectation", affectation_acceptee(app, GESTIONNAIRE)),
            "dossierId": (d := _dossier(app)),
        },
        {"affectationId": gid("Affectation", recevoir(app, "AFF-2")), "dossierId": d},
    ),
    "affecterConseiller": lambda app: (
        {"ppaeId": (p := _ppae(app)), "conseillerId": "C1"},
        {"ppaeId": p, "conseillerId": "C2"},
    ),
    "saisirEvenement": lambda app: (
        {"dossierId": (d := _dossier(app)), "type": "ATELIER", "date": "2026-11-02"},
        {"dossierId": d, "type": "ATELIER", "date": "2026-11-03"},
    ),
    "annulerEvenement": lambda app: (
        {"dossierId": (e := _evenement(app))[0], "evenementId": e[1]},
        {"dossierId": e[0], "evenementId": e[1], "motif": "autre"},
    ),
    "corrigerEvenement": lambda app: (
        {
            "dossierId": (e := _evenement(app))[0],
            "evenementId": e[1],
            "type": "ATELIER",
            "date": "2026-11-01",
        },
        {"dossierId": e[0], "evenementId": e[1], "type": "ATELIER", "date": "2026-11-05"},
    ),
    "renseignerRendezVous": lambda app: (
        {"ppaeId": (r := _rendez_vous(app))[0], "rendezVousId": r[1], "statut": "PRESENT"},
        {"ppaeId": r[0], "rendezVousId": r[1], "statut": "ABSENT"},
    ),
    "justifierDossier": lambda app: (
        {"dossierId": (d := _dossier(app)), "piece": "CNI"},
        {"dossierId": d, "piece": "PASSEPORT"},
    ),
    "accepterPpae": lambda app: (
        {"ppaeId": (p := _radiation(app)), "dateEntree": "2026-10-01"},
        {"ppaeId": p, "dateEntree": "2026-10-02"},
    ),
    "arreterCotraitance": lambda app: (
        {"ppaeId": (p := _ppae(app)), "motif": "REFUS_DU_JEUNE"},
        {"ppaeId": p, "motif": "REFUS_DU_JEUNE", "demanderReaffectation": True},
    ),
    "sortirPpae": lambda app: (
        {
            "ppaeId": (p := gid("PPAE", ppae_en_cours(app, GESTIONNAIRE).ppae_id)),
            "dateSortie": "2026-11-10",
            "motif": "AUTRE",
        },
        {"ppaeId": p, "dateSortie": "2026-11-11", "motif": "AUTRE"},
    ),
    "annulerRapprochement": lambda app: (
        {"ppaeId": gid("PPAE", dossier_rapproche(app, GESTIONNAIRE).ppae_id)},
        {"ppaeId": _ppae(app, id_affectation="AFF-9")},
    ),
    "transfererDonnees": lambda app: (
        {"dossierSourceId": (s := _dossier(app)), "dossierCibleId": _dossier(app)},
        {"dossierSourceId": s, "dossierCibleId": _dossier(app)},
    ),
    "supprimerDossier": lambda app: (
        {"dossierId": (d := _dossier(app)), "confirmer": True},
        {"dossierId": d, "confirmer": False},
    ),
}


@pytest.mark.parametrize("mutation", list(CAS))
def test_rejouer_une_mutation_avec_la_meme_cle_rend_le_meme_resultat_sans_rien_enregistrer(
    app,
    api,  # noqa: F811
    mutation,
):
    """Contract, R23: same key and same input → the first result, nothing new recorded."""
    entree, _ = CAS[mutation](app)
    premier = reussit(muter(api, mutation, {**entree, "cleIdempotence": "cle-1"}))
    apres_premier = position(app)
    second = muter(api, mutation, {**entree, "cleIdempotence": "cle-1"})
    assert second == premier
    assert position(app) == apres_premier


@pytest.mark.parametrize("mutation", list(CAS))
def test_la_meme_cle_pour_une_autre_saisie_est_refusee(app, api, mutation):  # noqa: F811
    """Contract: a key reused with another input → CLE_IDEMPOTENCE_REUTILISEE, nothing recorded."""
    entree, autre = CAS[mutation](app)
    reussit(muter(api, mutation, {**entree, "cleIdempotence": "cle-1"}))
    avant = position(app)
    payload = muter(api, mutation, {**autre, "cleIdempotence": "cle-1"})
    assert erreur(payload) == ("CLE_IDEMPOTENCE_REUTILISEE", "cleIdempotence")
    assert position(app) == avant


def test_le_rejeu_d_une_acceptation_rend_aussi_ses_avertissements(app, api):  # noqa: F811
    """R9: the radiation warning is part of the first result, so of its replay."""
    entree, _ = CAS["accepterPpae"](app)
    for _ in range(2):
        p = reussit(muter(api, "accepterPpae", {**entree, "cleIdempotence": "k"}))
        assert [a["code"] for a in p["avertissements"]] == ["ENTREE_PENDANT_RADIATION"]


def test_une_cle_refusee_une_premiere_fois_reste_libre(app, api):  # noqa: F811
    """R24: a refused command records nothing, its key included; the corrected input goes."""
    refuse = muter(api, "creerDossier", {**JEUNE, "nom": " ", "cleIdempotence": "k"})
    assert erreur(refuse)[0] == "SAISIE_INVALIDE"
    reussit(muter(api, "creerDossier", {**JEUNE, "cleIdempotence": "k"}))


def test_une_cle_vaut_par_mutation_et_par_mission_locale(app, api):  # noqa: F811
    """The key's scope: the same key on another mutation or in another ML is another key."""
    ici = reussit(muter(api, "creerDossier", {**JEUNE, "cleIdempotence": "k"}))["dossier"]
    saisie = {
        "dossierId": ici["id"],
        "type": "ATELIER",
        "date": "2026-11-02",
        "cleIdempotence": "k",
    }
    reussit(muter(api, "saisirEvenement", saisie))
    document = """mutation($i: CreerDossierInput!) { creerDossier(input: $i) {
      dossier { id codeMissionLocale } erreurs { code } } }"""
    ailleurs = api.donnees(document, {"i": {**JEUNE, "cleIdempotence": "k"}}, ml="ML999")
    assert ailleurs["creerDossier"]["erreurs"] == []
    assert ailleurs["creerDossier"]["dossier"]["codeMissionLocale"] == "ML999"
    assert ailleurs["creerDossier"]["dossier"]["id"] != ici["id"]


def test_un_conseiller_rejoue_sa_propre_saisie(app, api):  # noqa: F811
    """A retried request from a counselor gets the same event back."""
    entree, _ = CAS["saisirEvenement"](app)
    entree = {**entree, "cleIdempotence": "retry"}
    premier = reussit(muter(api, "saisirEvenement", entree, role=Role.CONSEILLER))
    second = reussit(muter(api, "saisirEvenement", entree, role=Role.CONSEILLER))
    assert premier["evenement"]["id"] == second["evenement"]["id"]
