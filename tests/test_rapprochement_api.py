"""Matching through the application and the API (R3-R5, R23): the index processor, the three
lists, candidates with their explanation, R5's refresh, duplicates caught at creation, the
warning when the chosen dossier was not proposed, tenancy, access log, conflicts (R1)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.ids import encoder_id
from application.contexte import systeme
from application.service import Cotraitance
from domain.erreurs import ErreurMetier
from domain.valeurs import Dispositif, ListeCotraitance, MotifRefus, Role
from tests.api_outils import Api, api  # noqa: F401
from tests.conftest import ML, Acteurs
from tests.scenario import (
    GESTIONNAIRE,
    NAISSANCE,
    affectation,
    donnees_affectation,
    dossier_manuel,
    ppae_en_cours,
    recevoir,
    rien_n_est_enregistre,
)

AUTRE = "ML999"
LISTE = """query($l: ListeCotraitance) { affectations(liste: $l) { edges { node {
    idAffectation liste candidats { score decision vetos reaffectation
      dossier { id identite { nom prenoms } }
      explication { critere niveau poids } } } } } }"""


def accepter(app: Cotraitance, affectation_id: UUID) -> None:
    app.decider_affectation(GESTIONNAIRE, affectation_id, True, None)


def lister(api: Api, liste: str | None = None, **kw: Any) -> list[dict[str, Any]]:  # noqa: F811
    donnees = api.donnees(LISTE, {"l": liste}, **kw)
    return [e["node"] for e in donnees["affectations"]["edges"]]


def index(api: Api) -> None:  # noqa: F811
    api.service.runner.rattraper()


# ---------------------------------------------------------------------- the three lists


def test_sans_dossier_l_affectation_va_dans_de_non_connus(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R3"""
    accepter(app, recevoir(app))
    [noeud] = lister(api, "DE_NON_CONNUS")
    assert noeud["candidats"] == []


def test_un_dossier_du_jeune_le_met_dans_rapprochements_possibles_explique(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R3: the candidate carries its score, decision and per-criterion explanation."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE, nom="Lefèvre", prenoms="Léa")
    index(api)
    accepter(app, recevoir(app, nom="LEFEVRE", prenoms="Lea"))
    [noeud] = lister(api, "RAPPROCHEMENTS_POSSIBLES")
    [candidat] = noeud["candidats"]
    assert candidat["dossier"]["id"] == encoder_id("Dossier", dossier_id)
    assert candidat["decision"] == "AUTOMATIQUE"
    assert 0.99 < candidat["score"] <= 1
    niveaux = {e["critere"]: e["niveau"] for e in candidat["explication"]}
    assert niveaux["nom"] == niveaux["prenoms"] == niveaux["dateNaissance"] == "EXACT"
    assert niveaux["identifiantPe"] == "ABSENT"
    assert all(e["poids"] > 0 for e in candidat["explication"] if e["niveau"] == "EXACT")


def test_un_jeune_qui_a_eu_un_ppae_va_dans_reaffectations_pe(
    app: Cotraitance,
    api: Api,  # noqa: F811
    acteurs: Acteurs,
) -> None:
    """R3: a candidate whose youth had a PPAE en cours (or terminé)."""
    ppae_en_cours(app, acteurs.gestionnaire)  # a youth Dupont Lea, matched then started
    index(api)
    accepter(app, recevoir(app, "AFF-2", identifiant_pe="2345678B"))
    [noeud] = lister(api, "REAFFECTATIONS_PE")
    assert noeud["idAffectation"] == "AFF-2"
    assert noeud["candidats"][0]["reaffectation"] is True


def test_un_ppae_repris_en_cours_compte_comme_un_ppae_passe(app: Cotraitance, api: Api) -> None:  # noqa: F811
    dossier_manuel(app, GESTIONNAIRE, dispositifs=[Dispositif("PPAE", "TERMINE")])
    index(api)
    accepter(app, recevoir(app))
    assert [n["idAffectation"] for n in lister(api, "REAFFECTATIONS_PE")] == ["AFF-1"]


def test_des_jumeaux_vont_a_l_examen(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """Veto: same birth date and surname, another first name."""
    dossier_manuel(app, GESTIONNAIRE, prenoms="Chloe", telephone="0612345678")
    index(api)
    accepter(app, recevoir(app, telephone="0612345678"))
    [noeud] = lister(api)
    assert noeud["liste"] == "RAPPROCHEMENTS_POSSIBLES"
    [candidat] = noeud["candidats"]
    assert candidat["decision"] == "A_EXAMINER"
    assert candidat["vetos"] == ["JUMEAUX"]


def test_un_identifiant_pe_en_conflit_va_a_l_examen(app: Cotraitance, api: Api) -> None:  # noqa: F811
    dossier_manuel(app, GESTIONNAIRE, identifiant_pe="7654321B")
    index(api)
    accepter(app, recevoir(app))
    [candidat] = lister(api)[0]["candidats"]
    assert candidat["decision"] == "A_EXAMINER"
    assert candidat["vetos"] == ["IDENTIFIANTS_PE_DIFFERENTS"]


def test_le_dossier_d_une_autre_ml_n_est_jamais_candidat(
    app: Cotraitance,
    api: Api,  # noqa: F811
    acteurs: Acteurs,
) -> None:
    """R23: the same youth in another ML is not a candidate."""
    dossier_manuel(app, acteurs.autre_ml)
    index(api)
    accepter(app, recevoir(app))
    assert lister(api, "DE_NON_CONNUS")[0]["candidats"] == []


def test_un_dossier_supprime_n_est_plus_candidat(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R20: deleted, its record leaves the index."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    app.supprimer_dossier(GESTIONNAIRE, dossier_id, True)
    index(api)
    accepter(app, recevoir(app))
    assert lister(api)[0]["liste"] == "DE_NON_CONNUS"


# ---------------------------------------------------------------------- R5, R4


def test_actualiser_apres_un_nouveau_dossier_change_de_liste(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R5: a dossier created after the intake makes the affectation a possible match."""
    accepter(app, recevoir(app))
    assert lister(api)[0]["liste"] == "DE_NON_CONNUS"
    dossier_manuel(app, GESTIONNAIRE)
    document = "mutation { actualiserRapprochements { reexaminees erreurs { code } } }"
    assert api.donnees(document)["actualiserRapprochements"] == {"reexaminees": 1, "erreurs": []}
    assert lister(api)[0]["liste"] == "RAPPROCHEMENTS_POSSIBLES"
    with rien_n_est_enregistre(app):  # nothing changed since: nothing recorded
        assert api.donnees(document)["actualiserRapprochements"]["reexaminees"] == 1


def test_actualiser_ne_touche_pas_une_autre_ml(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R23: from another ML, nothing of ML001 is re-examined nor recorded."""
    accepter(app, recevoir(app))
    document = "mutation { actualiserRapprochements { reexaminees } }"
    with rien_n_est_enregistre(app):
        assert api.donnees(document, ml=AUTRE)["actualiserRapprochements"]["reexaminees"] == 0


@pytest.mark.parametrize("role", [Role.AUDITEUR, Role.INTEGRATEUR, Role.CONSEILLER])
def test_actualiser_est_reserve_aux_gestionnaires(
    app: Cotraitance,
    api: Api,  # noqa: F811
    role: Role,
) -> None:
    accepter(app, recevoir(app))
    document = "mutation { actualiserRapprochements { reexaminees erreurs { code } } }"
    with rien_n_est_enregistre(app):
        sortie = api.executer(document, role=role)
    assert [e["extensions"]["code"] for e in sortie["errors"]] == ["FORBIDDEN"]


CREER = """mutation($i: CreerDossierInput!) { creerDossier(input: $i) {
    dossier { id } doublonsProbables { score decision dossier { id } explication { critere } }
    erreurs { code } } }"""


def test_creer_un_dossier_rend_ses_doublons_probables(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R4: duplicates caught at the source."""
    existant = dossier_manuel(app, GESTIONNAIRE, nom="N'Diaye", prenoms="Awa")
    entree = {"nom": "Ndiaye", "prenoms": "Awa", "dateNaissance": NAISSANCE.isoformat()}
    cree = api.donnees(CREER, {"i": entree})["creerDossier"]
    [doublon] = cree["doublonsProbables"]
    assert doublon["dossier"]["id"] == encoder_id("Dossier", existant)
    assert cree["dossier"]["id"] != doublon["dossier"]["id"]


def test_un_dossier_sans_double_n_a_pas_de_doublon(app: Cotraitance, api: Api) -> None:  # noqa: F811
    dossier_manuel(app, GESTIONNAIRE, nom="Martin", prenoms="Hugo", date_naissance=date(2001, 2, 3))
    entree = {"nom": "Lefèvre", "prenoms": "Léa", "dateNaissance": "2005-06-07"}
    assert api.donnees(CREER, {"i": entree})["creerDossier"]["doublonsProbables"] == []


RAPPROCHER = """mutation($i: RapprocherInput!) { rapprocher(input: $i) {
    ppae { id } avertissements { code message } erreurs { code } } }"""


def test_rapprocher_un_dossier_non_propose_avertit(app: Cotraitance, api: Api) -> None:  # noqa: F811
    propose = dossier_manuel(app, GESTIONNAIRE)
    autre = dossier_manuel(
        app, GESTIONNAIRE, nom="Bernard", prenoms="Hugo", date_naissance=date(2001, 2, 3)
    )
    index(api)
    affectation_id = recevoir(app)
    accepter(app, affectation_id)
    entree = {
        "affectationId": encoder_id("Affectation", affectation_id),
        "dossierId": encoder_id("Dossier", autre),
        "confirmer": True,
    }
    sortie = api.donnees(RAPPROCHER, {"i": entree})["rapprocher"]
    assert sortie["erreurs"] == []
    assert [a["code"] for a in sortie["avertissements"]] == ["DOSSIER_NON_CANDIDAT"]
    assert propose != autre


def test_rapprocher_le_candidat_propose_n_avertit_pas(app: Cotraitance, api: Api) -> None:  # noqa: F811
    propose = dossier_manuel(app, GESTIONNAIRE)
    index(api)
    affectation_id = recevoir(app)
    accepter(app, affectation_id)
    entree = {
        "affectationId": encoder_id("Affectation", affectation_id),
        "dossierId": encoder_id("Dossier", propose),
    }
    assert api.donnees(RAPPROCHER, {"i": entree})["rapprocher"]["avertissements"] == []


# ---------------------------------------------------------------------- access log


def test_lire_l_identite_d_un_candidat_est_journalise(
    app: Cotraitance,
    api: Api,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R23: a candidate's identity is a read of that dossier's personal data."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    index(api)
    accepter(app, recevoir(app))
    lister(api)
    lignes = [json.loads(x) for x in (tmp_path / "acces.jsonl").read_text().splitlines()]
    assert any(str(dossier_id) in ligne["dossiers"] for ligne in lignes)


# ---------------------------------------------------------------------- conflicts (R1)

CONFLITS = """query($id: ID!) { affectation(id: $id) { conflits identite { nom }
    contenusEnConflit { empreinte identite { nom } } } }"""
RESOUDRE = """mutation($i: ResoudreConflitAffectationInput!) { resoudreConflitAffectation(
    input: $i) { affectation { identite { nom } conflits } erreurs { code champ } } }"""


@pytest.mark.parametrize("adopter", [True, False])
def test_un_conflit_s_adopte_ou_s_ecarte(
    app: Cotraitance,
    api: Api,  # noqa: F811
    acteurs: Acteurs,
    adopter: bool,
) -> None:
    affectation_id = recevoir(app, nom="Dupont")
    app.recevoir_affectation(systeme(ML), donnees_affectation(nom="Durand"))
    ident = encoder_id("Affectation", affectation_id)
    lu = api.donnees(CONFLITS, {"id": ident})["affectation"]
    [contenu] = lu["contenusEnConflit"]
    assert (lu["conflits"], contenu["identite"]["nom"]) == (1, "Durand")
    entree = {"affectationId": ident, "empreinte": contenu["empreinte"], "adopter": adopter}
    sortie = api.donnees(RESOUDRE, {"i": entree})["resoudreConflitAffectation"]
    assert sortie["erreurs"] == []
    assert sortie["affectation"] == {
        "identite": {"nom": "Durand" if adopter else "Dupont"},
        "conflits": 0,
    }
    # Either content again records nothing (both are known now).
    with rien_n_est_enregistre(app):
        for nom in ("Dupont", "Durand"):
            app.recevoir_affectation(systeme(ML), donnees_affectation(nom=nom))
    historique = affectation(app, acteurs.gestionnaire, affectation_id)
    assert historique.conflits == []


def test_resoudre_un_conflit_inconnu_est_une_saisie_invalide(app: Cotraitance, api: Api) -> None:  # noqa: F811
    affectation_id = recevoir(app)
    entree = {
        "affectationId": encoder_id("Affectation", affectation_id),
        "empreinte": "v2:inconnue",
        "adopter": True,
    }
    with rien_n_est_enregistre(app):
        sortie = api.donnees(RESOUDRE, {"i": entree})["resoudreConflitAffectation"]
    assert [(e["code"], e["champ"]) for e in sortie["erreurs"]] == [
        ("SAISIE_INVALIDE", "empreinte")
    ]


def test_la_demo_remplit_les_trois_listes_avec_des_candidats_expliques(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """`serve --demo` shows the three lists filled (R3), candidates explained."""
    from cotraitance.demo import charger_demo

    assert ML == "ML001"
    charger_demo(app, app.horloge.aujourdhui(), api.service.runner.rattraper)
    listes = {
        liste: {n["idAffectation"]: n for n in lister(api, liste)}
        for liste in ("DE_NON_CONNUS", "RAPPROCHEMENTS_POSSIBLES", "REAFFECTATIONS_PE")
    }
    a_rapprocher = """{ affectations(statut: A_RAPPROCHER) { edges { node { idAffectation } } } }"""
    en_attente = {
        e["node"]["idAffectation"] for e in api.donnees(a_rapprocher)["affectations"]["edges"]
    }
    assert en_attente & set(listes["DE_NON_CONNUS"]) == {"DEMO-0004"}
    assert set(listes["RAPPROCHEMENTS_POSSIBLES"]) >= {"DEMO-0014", "DEMO-0015", "DEMO-0017"}
    assert set(listes["REAFFECTATIONS_PE"]) == {"DEMO-0016"}
    jumelle = listes["RAPPROCHEMENTS_POSSIBLES"]["DEMO-0017"]["candidats"][0]
    assert (jumelle["decision"], jumelle["vetos"]) == ("A_EXAMINER", ["JUMEAUX"])
    inversee = listes["RAPPROCHEMENTS_POSSIBLES"]["DEMO-0015"]["candidats"][0]
    niveaux = {e["critere"]: e["niveau"] for e in inversee["explication"]}
    assert niveaux["dateNaissance"] == "INVERSION_JOUR_MOIS"
    assert niveaux["nom"] == "INVERSION_NOM_PRENOM"
    assert inversee["decision"] == "A_EXAMINER"  # two variations at once: to confirm (R4)


def test_a_l_intake_la_liste_et_les_candidats_sont_connus_avant_la_decision(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R3 at intake: the manager sees whether the youth is known when deciding (R2): its
    candidates and the list it will join."""
    dossier_manuel(app, GESTIONNAIRE)
    index(api)
    noeud = une(api, recevoir(app))
    assert noeud["statut"] == "A_DECIDER"
    assert noeud["listePrevue"] == "RAPPROCHEMENTS_POSSIBLES"
    assert noeud["candidats"][0]["decision"] == "AUTOMATIQUE"


UNE = """query($id: ID!) { affectation(id: $id) { idAffectation statut liste listePrevue
    candidats { decision } } }"""


def une(api: Api, affectation_id: UUID) -> dict[str, Any]:  # noqa: F811
    noeud: dict[str, Any] = api.donnees(UNE, {"id": encoder_id("Affectation", affectation_id)})[
        "affectation"
    ]
    return noeud


def test_une_affectation_a_decider_n_est_dans_aucune_liste(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R3: the three lists hold the accepted affectations awaiting resolution; one still to
    decide is in none, and says which it will join."""
    dossier_manuel(app, GESTIONNAIRE)
    index(api)
    affectation_id = recevoir(app)
    assert all(lister(api, liste.value) == [] for liste in ListeCotraitance)
    noeud = une(api, affectation_id)
    assert (noeud["liste"], noeud["listePrevue"]) == (None, "RAPPROCHEMENTS_POSSIBLES")
    accepter(app, affectation_id)
    assert [n["idAffectation"] for n in lister(api, "RAPPROCHEMENTS_POSSIBLES")] == ["AFF-1"]
    assert une(api, affectation_id)["liste"] == "RAPPROCHEMENTS_POSSIBLES"


def test_une_affectation_resolue_quitte_sa_liste(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R3, R4: once resolved, the entry leaves its list (still found by status)."""
    affectation_id = recevoir(app)
    accepter(app, affectation_id)
    app.creer_dossier_importe(GESTIONNAIRE, affectation_id)
    assert lister(api, "DE_NON_CONNUS") == []
    resolues = api.donnees(
        "{ affectations(liste: DE_NON_CONNUS, statut: RAPPROCHEE) { totalCount } }"
    )["affectations"]
    assert resolues["totalCount"] == 1


def test_les_deux_imports_a_la_suite_remplissent_les_listes(
    base: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A newcomer's path: import dossiers, then import affectations: the affectations of the
    youths who have a dossier are matched (the index is caught up first), the others unknown."""
    from tests.import_outils import (
        AFFECTATIONS_JSONL,
        DOSSIERS_JSONL,
        application,
        lancer,
        preparer_cli,
    )

    preparer_cli(base, monkeypatch)
    assert lancer(capsys, "import", "dossiers", str(DOSSIERS_JSONL))[0] == 0
    code, sortie = lancer(capsys, "import", "affectations", str(AFFECTATIONS_JSONL))
    assert code == 0, sortie
    assert "index de rapprochement" in sortie
    with application(base) as app:
        listes = {
            a.id_affectation: a.liste for a in (app.repository.get(i) for i in _affectations(app))
        }
    assert listes["DUDE-2026-0004512"] is ListeCotraitance.RAPPROCHEMENTS_POSSIBLES  # Dupont
    assert listes["DUDE-2026-0004513"] is ListeCotraitance.REAFFECTATIONS_PE  # N'Diaye
    assert listes["DUDE-2026-0004519"] is ListeCotraitance.DE_NON_CONNUS  # Béranger


def _affectations(app: Cotraitance) -> list[UUID]:
    from domain.affectation import Affectation

    codes = ["DUDE-2026-0004512", "DUDE-2026-0004513", "DUDE-2026-0004519"]
    return [Affectation.create_id(ML, code) for code in codes]


# ---------------------------------------------------------------------- the index itself


def _tables_de_l_index(api: Api) -> str:  # noqa: F811
    with api.service.lecture() as cur:
        lignes = [
            *cur.fetchall("SELECT * FROM rap_fiches"),
            *cur.fetchall("SELECT * FROM rap_cles"),
            *cur.fetchall("SELECT * FROM rap_frequences"),
        ]
    return json.dumps(lignes, default=str)


def test_un_dossier_supprime_apres_son_indexation_ne_laisse_pas_son_nom(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R20: its record, keys and name counts leave the index (crypto-shredding elsewhere)."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE, nom="Zyskowski", prenoms="Anaïs")
    index(api)
    assert "zyskowski" in _tables_de_l_index(api)
    app.supprimer_dossier(GESTIONNAIRE, dossier_id, True)
    index(api)
    restant = _tables_de_l_index(api)
    assert "zyskowski" not in restant
    assert "anais" not in restant


def test_l_identifiant_pe_copie_au_rapprochement_devient_une_cle(
    app: Cotraitance,
    api: Api,  # noqa: F811
    acteurs: Acteurs,
) -> None:
    """A later affectation with that PE identifier finds the dossier whatever the names."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    index(api)
    affectation_id = recevoir(app)
    accepter(app, affectation_id)
    app.rapprocher(GESTIONNAIRE, affectation_id, dossier_id)  # copies 1234567A onto it
    index(api)
    recevoir(app, "AFF-2", nom="Tout", prenoms="Autre", date_naissance=date(2001, 1, 1))
    noeud = next(n for n in lister(api) if n["idAffectation"] == "AFF-2")
    niveaux = {e["critere"]: e["niveau"] for e in noeud["candidats"][0]["explication"]}
    assert niveaux["identifiantPe"] == "EXACT"
    assert noeud["candidats"][0]["decision"] == "A_EXAMINER"  # names and date disagree


def test_une_affectation_refusee_ne_rejoindra_aucune_liste(app: Cotraitance, api: Api) -> None:  # noqa: F811
    """R2, R3: filed at intake as DE_NON_CONNUS to come, a refusal takes it out of the way."""
    affectation_id = recevoir(app)
    assert une(api, affectation_id)["listePrevue"] == "DE_NON_CONNUS"
    app.decider_affectation(GESTIONNAIRE, affectation_id, False, MotifRefus.AGE)
    assert (une(api, affectation_id)["liste"], une(api, affectation_id)["listePrevue"]) == (
        None,
        None,
    )
    assert lister(api, "DE_NON_CONNUS") == []


def test_creer_le_dossier_d_un_jeune_qui_ressemble_a_un_dossier_avertit(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R4: the list was made before the dossier existed (an index catching up, a walk-in
    since): creating the dossier says a duplicate is likely."""
    affectation_id = recevoir(app)
    accepter(app, affectation_id)
    dossier_manuel(app, GESTIONNAIRE)
    index(api)
    document = """mutation($i: CreerDossierImporteInput!) { creerDossierImporte(input: $i) {
        dossier { id } avertissements { code } erreurs { code } } }"""
    entree = {"affectationId": encoder_id("Affectation", affectation_id)}
    sortie = api.donnees(document, {"i": entree})["creerDossierImporte"]
    assert [a["code"] for a in sortie["avertissements"]] == ["DOUBLONS_PROBABLES"]


def test_lire_l_explication_d_un_candidat_est_journalise(
    app: Cotraitance,
    api: Api,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R23: the explanation tells which of the youth's data the dossier bears."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE)
    index(api)
    recevoir(app)
    api.donnees(
        "{ affectations { edges { node { candidats { explication { critere niveau } } } } } }"
    )
    lignes = [json.loads(x) for x in (tmp_path / "acces.jsonl").read_text().splitlines()]
    assert any(str(dossier_id) in ligne["dossiers"] for ligne in lignes)


# ---------------------------------------------------------------------- one engine, one answer


def _candidat(app: Cotraitance, api: Api, affectation_id: UUID) -> dict[str, Any]:  # noqa: F811
    [candidat] = une(api, affectation_id)["candidats"]
    return candidat  # type: ignore[no-any-return]


def test_un_candidat_automatique_aux_noms_inverses_se_rapproche_sans_confirmation(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R3, R4: the engine proposes the dossier automatically (names inverted, one known
    variation): rapprocher takes it as proposed, it does not ask to confirm."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE, nom="Lea", prenoms="Dupont")
    index(api)
    affectation_id = recevoir(app)
    accepter(app, affectation_id)
    assert _candidat(app, api, affectation_id)["decision"] == "AUTOMATIQUE"
    r = app.rapprocher(GESTIONNAIRE, affectation_id, dossier_id)
    assert r.ppae_id is not None


def test_des_noms_et_un_jour_mois_inverses_vont_a_l_examen_et_se_confirment(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R3, R4: names inverted and day/month swapped at once: to examine, and matching it asks
    the manager to confirm, naming what differs."""
    dossier_id = dossier_manuel(
        app, GESTIONNAIRE, nom="Lea", prenoms="Dupont", date_naissance=date(2004, 5, 3)
    )
    index(api)
    affectation_id = recevoir(app, date_naissance=date(2004, 3, 5))
    accepter(app, affectation_id)
    assert _candidat(app, api, affectation_id)["decision"] == "A_EXAMINER"
    with pytest.raises(ErreurMetier) as refus_:
        app.rapprocher(GESTIONNAIRE, affectation_id, dossier_id)
    assert refus_.value.code == "CONFIRMATION_REQUISE"
    for attendu in ("2004-05-03", "2004-03-05", "nom Lea", "prénom Dupont"):
        assert attendu in refus_.value.message
    assert app.rapprocher(GESTIONNAIRE, affectation_id, dossier_id, confirmer=True).ppae_id
