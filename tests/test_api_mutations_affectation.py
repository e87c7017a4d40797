"""Affectation mutations through GraphQL: decide, create the dossier, match, cancel a match."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.valeurs import Role
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import code_graphql, erreur, gid, muter, position, reussit
from tests.scenario import (
    GESTIONNAIRE,
    affectation_acceptee,
    dossier_importe,
    dossier_manuel,
    dossier_rapproche,
    recevoir,
)

AFFECTATION_ETAT = "query($id: ID!) { affectation(id: $id) { statut dossier { id } ppae { id } } }"
DOSSIER_ETAT = "query($id: ID!) { dossier(id: $id) { marqueurDude identifiantPe ppae { id } } }"


def test_accepter_une_affectation_la_met_a_rapprocher(app, api):  # noqa: F811
    """R2: the manager decides; accepted → to be matched."""
    affectation_id = recevoir(app)
    entree = {"affectationId": gid("Affectation", affectation_id), "accepter": True}
    a = reussit(muter(api, "deciderAffectation", entree))["affectation"]
    assert (a["id"], a["statut"], a["motifRefus"]) == (
        gid("Affectation", affectation_id),
        "A_RAPPROCHER",
        None,
    )


@pytest.mark.parametrize("motif", ["AGE", "HORS_ZONE", "AUTRE"])
def test_refuser_une_affectation_garde_son_motif(app, api, motif):  # noqa: F811
    """R2: refusal with a reason AGE | HORS_ZONE | AUTRE."""
    entree = {"affectationId": gid("Affectation", recevoir(app)), "accepter": False}
    a = reussit(muter(api, "deciderAffectation", {**entree, "motifRefus": motif}))["affectation"]
    assert (a["statut"], a["motifRefus"]) == ("REFUSEE", motif)


def test_decider_deux_fois_est_une_transition_interdite(app, api):  # noqa: F811
    """R2: a decision is made once."""
    entree = {"affectationId": gid("Affectation", recevoir(app)), "accepter": True}
    reussit(muter(api, "deciderAffectation", entree))
    avant = position(app)
    assert erreur(muter(api, "deciderAffectation", entree))[0] == "TRANSITION_INTERDITE"
    refus = {**entree, "accepter": False, "motifRefus": "AGE"}
    assert erreur(muter(api, "deciderAffectation", refus))[0] == "TRANSITION_INTERDITE"
    assert position(app) == avant


@pytest.mark.parametrize(
    ("accepter", "motif"), [(False, None), (True, "AGE")], ids=["refus-sans-motif", "accord-motive"]
)
def test_un_motif_absent_ou_superflu_est_une_saisie_invalide(app, api, accepter, motif):  # noqa: F811
    """R2, R24: refusal needs a reason, acceptance takes none; nothing is recorded."""
    affectation_id = recevoir(app)
    avant = position(app)
    entree = {"affectationId": gid("Affectation", affectation_id), "accepter": accepter}
    payload = muter(api, "deciderAffectation", {**entree, "motifRefus": motif})
    assert erreur(payload) == ("SAISIE_INVALIDE", "motifRefus")
    assert position(app) == avant
    statut = api.donnees(AFFECTATION_ETAT, {"id": entree["affectationId"]})
    assert statut["affectation"]["statut"] == "A_DECIDER"


@pytest.mark.parametrize(
    "faux_id", ["n-importe-quoi", "", gid("Dossier", uuid4()), gid("Affectation", "pas-uuid")]
)
def test_un_id_d_affectation_malforme_est_non_trouve_sur_son_champ(app, api, faux_id):  # noqa: F811
    """R24: a typed error with the field, never a 500."""
    avant = position(app)
    decider = muter(api, "deciderAffectation", {"affectationId": faux_id, "accepter": True})
    assert erreur(decider) == ("NON_TROUVE", "affectationId")
    importer = muter(api, "creerDossierImporte", {"affectationId": faux_id})
    assert erreur(importer) == ("NON_TROUVE", "affectationId")
    assert position(app) == avant


def test_un_conseiller_ne_decide_pas_des_affectations(app, api):  # noqa: F811
    """R23: deciding is the manager's: FORBIDDEN, as every role refusal."""
    entree = {"affectationId": gid("Affectation", recevoir(app)), "accepter": True}
    document = """mutation($i: DeciderAffectationInput!) { deciderAffectation(input: $i) {
      erreurs { code } } }"""
    sortie = api.executer(document, {"i": entree}, role=Role.CONSEILLER)
    assert code_graphql(sortie) == "FORBIDDEN"


def test_creer_le_dossier_d_un_de_non_connu_ouvre_un_ppae_importe(app, api):  # noqa: F811
    """R4: DE non connu → a dossier IMPORTE_DUDE and a PPAE, the affectation RAPPROCHEE."""
    affectation_id = affectation_acceptee(app, GESTIONNAIRE)
    entree = {"affectationId": gid("Affectation", affectation_id)}
    r = reussit(muter(api, "creerDossierImporte", entree))
    assert r["affectation"] == {"id": entree["affectationId"], "statut": "RAPPROCHEE"}
    assert r["dossier"]["marqueurDude"] == "IMPORTE_DUDE"
    etat = api.donnees(AFFECTATION_ETAT, {"id": entree["affectationId"]})["affectation"]
    assert (etat["dossier"]["id"], etat["ppae"]["id"]) == (r["dossier"]["id"], r["ppae"]["id"])
    avant = position(app)
    assert erreur(muter(api, "creerDossierImporte", entree))[0] == "TRANSITION_INTERDITE"
    assert position(app) == avant


def test_creer_le_dossier_d_une_affectation_non_acceptee_est_interdit(app, api):  # noqa: F811
    """R4: only an accepted affectation is resolved."""
    entree = {"affectationId": gid("Affectation", recevoir(app))}
    assert erreur(muter(api, "creerDossierImporte", entree))[0] == "TRANSITION_INTERDITE"


def test_rapprocher_marque_le_dossier_et_y_copie_l_identifiant_pe(app, api):  # noqa: F811
    """R4: RAPPROCHE_DUDE, the PE identifier copied onto the dossier."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    affectation_id = affectation_acceptee(app, GESTIONNAIRE)
    entree = {
        "affectationId": gid("Affectation", affectation_id),
        "dossierId": gid("Dossier", dossier_id),
    }
    r = reussit(muter(api, "rapprocher", entree))
    assert r["dossier"] == {
        "id": gid("Dossier", dossier_id),
        "marqueurDude": "RAPPROCHE_DUDE",
        "identifiantPe": "1234567A",
    }
    assert r["affectation"]["statut"] == "RAPPROCHEE"
    assert r["ppae"]["id"]


def test_rapprocher_un_dossier_deja_en_ppae_est_refuse(app, api):  # noqa: F811
    """R4: at most one open PPAE per dossier."""
    dossier_id = dossier_importe(app, GESTIONNAIRE, "AFF-1").dossier_id
    autre = affectation_acceptee(app, GESTIONNAIRE, "AFF-2")
    avant = position(app)
    entree = {"affectationId": gid("Affectation", autre), "dossierId": gid("Dossier", dossier_id)}
    assert erreur(muter(api, "rapprocher", entree))[0] == "PPAE_DEJA_OUVERT"
    assert position(app) == avant
    etat = api.donnees(AFFECTATION_ETAT, {"id": entree["affectationId"]})["affectation"]
    assert (etat["statut"], etat["dossier"]) == ("A_RAPPROCHER", None)


def test_rapprocher_avec_un_id_de_dossier_malforme_est_non_trouve(app, api):  # noqa: F811
    """R24"""
    affectation_id = affectation_acceptee(app, GESTIONNAIRE)
    entree = {"affectationId": gid("Affectation", affectation_id), "dossierId": "pas-un-id"}
    assert erreur(muter(api, "rapprocher", entree)) == ("NON_TROUVE", "dossierId")


def test_rapprocher_avec_un_dossier_inconnu_designe_le_champ_dossier_id(app, api):  # noqa: F811
    """R24: the input field concerned, when there is one."""
    affectation_id = affectation_acceptee(app, GESTIONNAIRE)
    entree = {
        "affectationId": gid("Affectation", affectation_id),
        "dossierId": gid("Dossier", uuid4()),
    }
    assert erreur(muter(api, "rapprocher", entree)) == ("NON_TROUVE", "dossierId")


def test_annuler_un_rapprochement_rend_l_affectation_et_restaure_le_dossier(app, api):  # noqa: F811
    """R19: allowed on a RAPPROCHE_DUDE PPAE still non initialisé; the previous mark comes back."""
    r = dossier_rapproche(app, GESTIONNAIRE)
    payload = reussit(muter(api, "annulerRapprochement", {"ppaeId": gid("PPAE", r.ppae_id)}))
    assert payload["ppae"]["statut"] == "SUPPRIME"
    dossier = api.donnees(DOSSIER_ETAT, {"id": gid("Dossier", r.dossier_id)})["dossier"]
    assert (dossier["marqueurDude"], dossier["identifiantPe"]) == (None, None)
    etat = api.donnees(AFFECTATION_ETAT, {"id": gid("Affectation", r.affectation_id)})
    assert etat["affectation"] == {"statut": "A_RAPPROCHER", "dossier": None, "ppae": None}


def test_annuler_le_rapprochement_d_un_dossier_importe_est_refuse_avec_la_marche_a_suivre(app, api):  # noqa: F811
    """R19: refused on IMPORTE_DUDE, with an error that says why and what to do instead."""
    r = dossier_importe(app, GESTIONNAIRE)
    avant = position(app)
    payload = muter(api, "annulerRapprochement", {"ppaeId": gid("PPAE", r.ppae_id)})
    assert erreur(payload)[0] == "RAPPROCHEMENT_NON_ANNULABLE"
    message = payload["erreurs"][0]["message"]
    assert "importé DUDE" in message
    assert "transférez" in message
    assert position(app) == avant
