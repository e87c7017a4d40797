"""Dossier mutations through GraphQL: create, justify, transfer data, delete."""

from __future__ import annotations

import pytest

from domain.valeurs import Dispositif, Role
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import code_graphql, erreur, gid, muter, position, reussit
from tests.scenario import (
    GESTIONNAIRE,
    dossier_importe,
    dossier_manuel,
    entretien,
    ppae_en_cours,
)

JEUNE = {
    "nom": "Lefèvre",
    "nomUsage": "N'Diaye",
    "prenoms": "Éloïse",
    "dateNaissance": "2005-01-02",
    "sexe": "F",
    "communeInsee": "75111",
    "codePostal": "75011",
    "telephone": "0601020304",
    "email": "eloise@exemple.fr",
    "identifiantPe": "7777777B",
}
RECHERCHE = "query($t: String) { rechercherDossiers(texte: $t) { totalCount } }"
DOSSIER = (
    "query($id: ID!) { dossier(id: $id) { supprime identifiantPe "
    "identite { nom prenoms dateNaissance telephone email efface } } }"
)


def test_creer_un_dossier_rend_le_dossier_avec_son_identite(app, api):  # noqa: F811
    """R4: a youth walking in; the dossier is then found by the search."""
    d = reussit(muter(api, "creerDossier", JEUNE, role=Role.CONSEILLER))["dossier"]
    identite = {k: v for k, v in JEUNE.items() if k != "identifiantPe"}
    assert d["identite"] == identite
    assert (d["identifiantPe"], d["marqueurDude"], d["codeMissionLocale"]) == (
        "7777777B",
        None,
        "ML001",
    )
    assert (d["justifie"], d["supprime"], d["version"], d["ppae"], d["ppaes"]) == (
        False,
        False,
        1,
        None,
        [],
    )
    assert api.donnees(RECHERCHE, {"t": "eloise"})["rechercherDossiers"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("modif", "champ"),
    [
        ({"nom": "   "}, "nom"),
        ({"nom": ""}, "nom"),
        ({"prenoms": " "}, "prenoms"),
        ({"dateNaissance": "2027-01-01"}, "dateNaissance"),
        ({"dateNaissance": "2026-11-20"}, "dateNaissance"),
        ({"nom": "L\u009cvenbruck"}, "nom"),
        ({"nom": "Ev\u202eil"}, "nom"),
        ({"prenoms": "Zw\u200bsp"}, "prenoms"),
    ],
    ids=[
        "nom-blanc",
        "nom-vide",
        "prenoms-blancs",
        "naissance-future",
        "naissance-aujourdhui",
        "nom-controle-c1",
        "nom-sens-inverse",
        "prenoms-largeur-nulle",
    ],
)
def test_une_identite_invalide_est_refusee_sur_son_champ(app, api, modif, champ):  # noqa: F811
    """R24: a typed error naming the field, and nothing recorded."""
    avant = position(app)
    assert erreur(muter(api, "creerDossier", {**JEUNE, **modif})) == ("SAISIE_INVALIDE", champ)
    assert position(app) == avant


@pytest.mark.parametrize(
    "modif", [{"dateNaissance": "2005-13-40"}, {"sexe": "X"}], ids=["date", "enum"]
)
def test_une_valeur_mal_formee_dans_les_variables_est_une_entree_invalide(app, api, modif):  # noqa: F811
    """R24: bad input never yields a 500."""
    document = "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }"
    sortie = api.executer(document, {"i": {**JEUNE, **modif}})
    assert code_graphql(sortie) in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}


def test_justifier_un_dossier_le_marque_justifie(app, api):  # noqa: F811
    """R8 (a): identity proven."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    entree = {"dossierId": gid("Dossier", dossier_id), "piece": "CNI", "versionAttendue": 1}
    d = reussit(muter(api, "justifierDossier", entree, role=Role.CONSEILLER))["dossier"]
    assert (d["justifie"], d["version"]) == (True, 2)


def test_justifier_sans_piece_est_une_saisie_invalide(app, api):  # noqa: F811
    """R8 (a), R24"""
    entree = {"dossierId": gid("Dossier", dossier_manuel(app, GESTIONNAIRE)), "piece": "  "}
    assert erreur(muter(api, "justifierDossier", entree)) == ("SAISIE_INVALIDE", "piece")


def test_justifier_avec_une_version_perimee_est_un_conflit(app, api):  # noqa: F811
    """Contract: a stale versionAttendue gives CONFLIT_VERSION; nothing is recorded."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    entretien(app, GESTIONNAIRE, dossier_id, app.horloge.aujourdhui())
    avant = position(app)
    entree = {"dossierId": gid("Dossier", dossier_id), "piece": "CNI", "versionAttendue": 1}
    assert erreur(muter(api, "justifierDossier", entree))[0] == "CONFLIT_VERSION"
    assert position(app) == avant


@pytest.mark.parametrize("mutation", ["justifierDossier", "supprimerDossier", "transfererDonnees"])
def test_un_id_de_dossier_malforme_est_non_trouve_sur_son_champ(app, api, mutation):  # noqa: F811
    """R24: malformed ids name their field."""
    vrai = gid("Dossier", dossier_manuel(app, GESTIONNAIRE))
    entrees = {
        "justifierDossier": ({"dossierId": "zzz", "piece": "CNI"}, "dossierId"),
        "supprimerDossier": ({"dossierId": "zzz", "confirmer": True}, "dossierId"),
        "transfererDonnees": ({"dossierSourceId": vrai, "dossierCibleId": "zzz"}, "dossierCibleId"),
    }
    entree, champ = entrees[mutation]
    assert erreur(muter(api, mutation, entree)) == ("NON_TROUVE", champ)


def test_transferer_les_donnees_d_un_doublon_importe_vers_le_vrai_dossier(app, api):  # noqa: F811
    """R17: the PE identifier and the events move onto the youth's real dossier."""
    doublon = dossier_importe(app, GESTIONNAIRE).dossier_id
    entretien(app, GESTIONNAIRE, doublon, app.horloge.aujourdhui())
    vrai = dossier_manuel(app, GESTIONNAIRE, identifiant_pe=None, nom="Dupond")
    entree = {"dossierSourceId": gid("Dossier", doublon), "dossierCibleId": gid("Dossier", vrai)}
    d = reussit(muter(api, "transfererDonnees", entree))["dossier"]
    assert d == {"id": gid("Dossier", vrai), "identifiantPe": "1234567A"}
    evenements = api.donnees(
        "query($id: ID!) { dossier(id: $id) { evenements { edges { node { type } } } } }",
        {"id": gid("Dossier", vrai)},
    )["dossier"]["evenements"]["edges"]
    assert [e["node"]["type"] for e in evenements] == ["ENTRETIEN_INDIVIDUEL"]


def test_transferer_un_dossier_vers_lui_meme_est_une_saisie_invalide(app, api):  # noqa: F811
    """R17, R24"""
    d = gid("Dossier", dossier_manuel(app, GESTIONNAIRE))
    payload = muter(api, "transfererDonnees", {"dossierSourceId": d, "dossierCibleId": d})
    assert erreur(payload)[0] == "SAISIE_INVALIDE"


def test_supprimer_un_dossier_avec_historique_exige_une_confirmation(app, api):  # noqa: F811
    """R20: explicit confirmation when the dossier holds any history."""
    dossier_id = dossier_importe(app, GESTIONNAIRE).dossier_id
    avant = position(app)
    entree = {"dossierId": gid("Dossier", dossier_id), "confirmer": False}
    assert erreur(muter(api, "supprimerDossier", entree)) == ("CONFIRMATION_REQUISE", "confirmer")
    assert position(app) == avant


@pytest.mark.parametrize("cause", ["ppae-en-cours", "autre-dispositif-actif"])
def test_supprimer_un_dossier_engage_est_interdit(app, api, cause):  # noqa: F811
    """R20: refused with a PPAE en cours or terminé, or another active dispositif."""
    if cause == "ppae-en-cours":
        dossier_id = ppae_en_cours(app, GESTIONNAIRE).dossier_id
    else:
        cej = Dispositif("CEJ", "EN_COURS")
        dossier_id = dossier_manuel(app, GESTIONNAIRE, dispositifs=[cej])
    entree = {"dossierId": gid("Dossier", dossier_id), "confirmer": True}
    assert erreur(muter(api, "supprimerDossier", entree))[0] == "SUPPRESSION_INTERDITE"


def test_un_dossier_supprime_apparait_supprime_et_sans_identite(app, api):  # noqa: F811
    """R20: deletion is an event; personal data no longer comes out of the API."""
    dossier_id = dossier_manuel(
        app, GESTIONNAIRE, "0000042C", nom="Zidane", email="z@exemple.fr", telephone="0611223344"
    )
    entree = {"dossierId": gid("Dossier", dossier_id), "confirmer": True}
    d = reussit(muter(api, "supprimerDossier", entree))["dossier"]
    relu = api.donnees(DOSSIER, {"id": gid("Dossier", dossier_id)})["dossier"]
    for vu in (d, relu):
        assert (vu["supprime"], vu["identifiantPe"]) == (True, None)
        assert "Zidane" not in str(vu["identite"])
        assert (vu["identite"]["email"], vu["identite"]["telephone"]) == (None, None)
        assert vu["identite"]["dateNaissance"] != "2004-03-15"
    assert relu["identite"]["efface"] is True  # R20: the placeholders say what they are
    assert api.donnees(RECHERCHE, {"t": "zidane"})["rechercherDossiers"]["totalCount"] == 0
    again = muter(api, "supprimerDossier", entree)
    assert erreur(again)[0] == "TRANSITION_INTERDITE"


def test_un_dossier_supprime_ne_rend_plus_les_commentaires_de_ses_evenements(app, api):  # noqa: F811
    """R7, R20: comments never leave the system, and go with the personal data."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    entree = {
        "dossierId": gid("Dossier", dossier_id),
        "type": "ATELIER",
        "date": "2026-11-02",
        "commentaire": "Vit chez sa tante, rue des Lilas",
    }
    reussit(muter(api, "saisirEvenement", entree))
    app.supprimer_dossier(GESTIONNAIRE, dossier_id, True)
    sortie = api.donnees(
        "query($id: ID!) { dossier(id: $id) { evenements { edges { node { commentaire } } } } }",
        {"id": gid("Dossier", dossier_id)},
    )
    assert "Lilas" not in str(sortie)
