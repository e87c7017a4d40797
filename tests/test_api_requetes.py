"""Every query of the contract, through GraphQL documents with variables."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.valeurs import (
    Dispositif,
    MotifArret,
    MotifRefus,
    Periode,
    Role,
    StatutRendezVous,
    TypeEvenement,
)
from tests.api_outils import api  # noqa: F401
from tests.outils_graphql import (
    AFFECTATION_CHAMPS,
    DOSSIER_CHAMPS,
    EVENEMENT_CHAMPS,
    PPAE_CHAMPS,
    gid,
)
from tests.scenario import (
    GESTIONNAIRE,
    affectation_acceptee,
    dossier_importe,
    dossier_manuel,
    entretien,
    ids,
    ppae_en_cours,
    recevoir,
    rendez_vous,
)

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Dossier { identite { nom } } ... on PPAE { statut } ... on Affectation { idAffectation }
} }"""
DOSSIER = f"""query($id: ID!, $types: [TypeEvenement!]) {{ dossier(id: $id) {{ {DOSSIER_CHAMPS}
  evenements(types: $types) {{ edges {{ node {{ {EVENEMENT_CHAMPS} }} }} }} }} }}"""
PPAE = f"""query($id: ID!) {{ ppae(id: $id) {{ {PPAE_CHAMPS}
  dossier {{ id }} affectation {{ id idAffectation }} }} }}"""
AFFECTATION = f"query($id: ID!) {{ affectation(id: $id) {{ {AFFECTATION_CHAMPS} }} }}"
RECHERCHE = """query($t: String, $d: Date, $pe: String) {
  rechercherDossiers(texte: $t, dateNaissance: $d, identifiantPe: $pe) {
    totalCount edges { node { id identite { nom prenoms } } } } }"""
PPAES = """query($s: StatutPpae, $sc: StatutCotraitance, $c: ID) {
  ppaes(statut: $s, statutCotraitance: $sc, conseillerId: $c) {
    totalCount edges { node { id statut statutCotraitance } } } }"""
AFFECTATIONS = """query($s: StatutAffectation) { affectations(statut: $s) {
  totalCount edges { node { id idAffectation statut } } } }"""


def test_moi_rend_le_sujet_le_role_et_la_mission_locale_du_jeton(api):  # noqa: F811
    """R23"""
    moi = api.donnees("{ moi { sub role codeMissionLocale } }", role=Role.CONSEILLER, sub="c-7")
    assert moi["moi"] == {"sub": "c-7", "role": "CONSEILLER", "codeMissionLocale": "ML001"}


def test_les_conseillers_sont_ceux_de_la_mission_locale(api):  # noqa: F811
    """R6, §4"""
    conseillers = api.donnees("{ conseillers { id nom } }")["conseillers"]
    assert conseillers == [
        {"id": "C1", "nom": "Claire Martin"},
        {"id": "C2", "nom": "Karim Benali"},
    ]


def test_node_resout_dossier_ppae_et_affectation(app, api):  # noqa: F811
    """Relay Node: each global id comes back as its own type."""
    r = dossier_importe(app, GESTIONNAIRE)
    attendus = {
        gid("Dossier", r.dossier_id): ("Dossier", "identite", {"nom": "Dupont"}),
        gid("PPAE", r.ppae_id): ("PPAE", "statut", "NON_INITIALISE"),
        gid("Affectation", r.affectation_id): ("Affectation", "idAffectation", "AFF-1"),
    }
    for id_, (typename, champ, valeur) in attendus.items():
        noeud = api.donnees(NODE, {"id": id_})["node"]
        assert (noeud["__typename"], noeud["id"], noeud[champ]) == (typename, id_, valeur)


@pytest.mark.parametrize(
    "faux_id",
    ["pas-un-id", "", "%%%", gid("Dossier", "pas-un-uuid"), gid("Evenement", "x:y")],
)
def test_node_d_un_id_malforme_est_nul(api, faux_id):  # noqa: F811
    assert api.donnees(NODE, {"id": faux_id}) == {"node": None}


def test_node_d_un_id_inconnu_ou_d_un_autre_type_est_nul(app, api):  # noqa: F811
    """An id of the wrong type is not the object it names (R23: null, nothing else)."""
    dossier_id, ppae_id = ids(dossier_importe(app, GESTIONNAIRE))
    for faux in (gid("Dossier", uuid4()), gid("PPAE", dossier_id), gid("Affectation", ppae_id)):
        assert api.donnees(NODE, {"id": faux}) == {"node": None}
        assert api.donnees("query($id: ID!) { dossier(id: $id) { id } }", {"id": faux}) == {
            "dossier": None
        }


def test_le_dossier_expose_identite_conseiller_ppae_dispositifs_et_version(app, api):  # noqa: F811
    """R4, R6, R7: every field of a dossier, events filtered by type."""
    ancien = Dispositif("CEJ", "TERMINE", date(2024, 1, 10), date(2025, 1, 10))
    dossier_id = dossier_manuel(
        app, GESTIONNAIRE, identifiant_pe="1234567A", dispositifs=[ancien], email="lea@exemple.fr"
    )
    app.saisir_evenement(GESTIONNAIRE, dossier_id, TypeEvenement.ATELIER, date(2026, 9, 3), "note")
    r = app.rapprocher(GESTIONNAIRE, affectation_acceptee(app, GESTIONNAIRE), dossier_id)
    app.affecter_conseiller(GESTIONNAIRE, r.ppae_id, "C2")
    entretien(app, GESTIONNAIRE, dossier_id, date(2026, 9, 10))
    sortie = api.donnees(DOSSIER, {"id": gid("Dossier", dossier_id), "types": ["ATELIER"]})
    d = sortie["dossier"]
    assert d["version"] == app.repository.get(dossier_id).version
    assert d["identite"]["email"] == "lea@exemple.fr"
    assert d["identite"]["dateNaissance"] == "2004-03-15"
    assert (d["codeMissionLocale"], d["marqueurDude"], d["identifiantPe"]) == (
        "ML001",
        "RAPPROCHE_DUDE",
        "1234567A",
    )
    assert d["conseiller"] == {"id": "C2", "nom": "Karim Benali"}
    assert d["ppae"] == {"id": gid("PPAE", r.ppae_id), "statut": "NON_INITIALISE"}
    assert d["ppaes"] == [d["ppae"]]
    assert d["dispositifs"] == [
        {"type": "CEJ", "statut": "TERMINE", "dateEntree": "2024-01-10", "dateSortie": "2025-01-10"}
    ]
    (atelier,) = [e["node"] for e in d["evenements"]["edges"]]
    assert (atelier["type"], atelier["date"], atelier["commentaire"]) == (
        "ATELIER",
        "2026-09-03",
        "note",
    )
    assert (atelier["annule"], atelier["enregistrePar"]) == (False, "gestion-1")


def test_le_ppae_expose_conditions_rendez_vous_affectation_et_dossier(app, api):  # noqa: F811
    """R6, R8: what the PPAE still needs, its appointments and its links."""
    r = dossier_importe(app, GESTIONNAIRE)
    rdv = rendez_vous(app, GESTIONNAIRE, r.ppae_id, date(2026, 11, 2))
    app.renseigner_rendez_vous(GESTIONNAIRE, r.ppae_id, rdv, StatutRendezVous.ABSENT)
    app.justifier_dossier(GESTIONNAIRE, r.dossier_id, "CNI")
    p = api.donnees(PPAE, {"id": gid("PPAE", r.ppae_id)})["ppae"]
    assert p["conditionsEntree"] == {
        "entretien": False,
        "dossierJustifie": True,
        "acceptation": False,
    }
    assert p["rendezVous"] == [{"id": rdv, "date": "2026-11-02", "statut": "ABSENT"}]
    assert (p["statut"], p["statutCotraitance"]) == ("NON_INITIALISE", "EN_ATTENTE_ENTRETIEN")
    assert (p["dateAffectation"], p["dateEntree"], p["entreeRetroactive"]) == (
        "2026-09-01",
        None,
        False,
    )
    assert p["dossier"] == {"id": gid("Dossier", r.dossier_id)}
    assert p["affectation"] == {
        "id": gid("Affectation", r.affectation_id),
        "idAffectation": "AFF-1",
    }
    assert p["version"] == app.repository.get(r.ppae_id).version


def test_le_ppae_accepte_dans_le_passe_pendant_une_radiation_le_montre(app, api):  # noqa: F811
    """R9: retroactive entry and the radiation warning stay visible on the PPAE."""
    radiation = (Periode(date(2026, 9, 20), date(2026, 10, 20)),)
    r = dossier_importe(app, GESTIONNAIRE, periodes_radiation=radiation)
    app.accepter_ppae(GESTIONNAIRE, r.ppae_id, date(2026, 10, 1))
    p = api.donnees(PPAE, {"id": gid("PPAE", r.ppae_id)})["ppae"]
    assert (p["dateEntree"], p["entreeRetroactive"]) == ("2026-10-01", True)
    assert [a["code"] for a in p["avertissements"]] == ["ENTREE_PENDANT_RADIATION"]
    assert p["conditionsEntree"]["acceptation"] is True


@pytest.mark.parametrize(
    ("champs", "suggestions"),
    [
        ({}, []),
        ({"date_naissance": date(2000, 9, 1)}, ["AGE"]),
        ({"commune_insee": "13055"}, ["HORS_ZONE"]),
        ({"date_naissance": date(1990, 1, 1), "commune_insee": "13055"}, ["AGE", "HORS_ZONE"]),
    ],
)
def test_l_affectation_suggere_les_motifs_de_refus(app, api, champs, suggestions):  # noqa: F811
    """R2: eligibility is computed (26 at the assignment date, commune outside the zone)."""
    affectation_id = recevoir(app, **champs)
    a = api.donnees(AFFECTATION, {"id": gid("Affectation", affectation_id)})["affectation"]
    assert a["suggestionsRefus"] == suggestions
    assert (a["statut"], a["motifRefus"], a["dossier"], a["ppae"]) == (
        "A_DECIDER",
        None,
        None,
        None,
    )


def test_l_affectation_expose_ses_donnees_dude_et_ses_liens(app, api):  # noqa: F811
    """R1, R4, R9: radiation periods, last DUDE interview, then the dossier and PPAE it opened."""
    radiation = (Periode(date(2026, 5, 1), date(2026, 6, 30)), Periode(date(2026, 10, 1)))
    r = dossier_importe(
        app,
        GESTIONNAIRE,
        periodes_radiation=radiation,
        date_dernier_entretien_dude=date(2026, 9, 5),
    )
    a = api.donnees(AFFECTATION, {"id": gid("Affectation", r.affectation_id)})["affectation"]
    assert a["periodesRadiation"] == [
        {"debut": "2026-05-01", "fin": "2026-06-30"},
        {"debut": "2026-10-01", "fin": None},
    ]
    assert (a["idAffectation"], a["typeAffectation"], a["identifiantPe"]) == (
        "AFF-1",
        "INITIALE",
        "1234567A",
    )
    assert (a["dateAffectation"], a["dateDernierEntretienDude"]) == ("2026-09-01", "2026-09-05")
    assert (a["statut"], a["codeMissionLocale"]) == ("RAPPROCHEE", "ML001")
    assert a["dossier"] == {"id": gid("Dossier", r.dossier_id)}
    assert a["ppae"] == {"id": gid("PPAE", r.ppae_id)}


@pytest.fixture
def annuaire(app):
    """Three dossiers with accents, a usage name and PE identifiers."""
    return {
        "eloise": dossier_manuel(
            app, GESTIONNAIRE, "0000042C", nom="Lefèvre", prenoms="Éloïse", nom_usage="N'Diaye"
        ),
        "lea": dossier_manuel(app, GESTIONNAIRE, "1234567A", nom="Dupont", prenoms="Léa"),
        "hugo": dossier_manuel(
            app, GESTIONNAIRE, nom="Dupont", prenoms="Hugo", date_naissance=date(2003, 7, 1)
        ),
    }


@pytest.mark.parametrize(
    ("variables", "attendus"),
    [
        ({"t": "LEFEVRE"}, ["eloise"]),
        ({"t": "éloïse lefèvre"}, ["eloise"]),
        ({"t": "ndiaye"}, ["eloise"]),
        ({"t": "dupont"}, ["hugo", "lea"]),
        ({"t": "DUPONT léa"}, ["lea"]),
        ({"d": "2003-07-01"}, ["hugo"]),
        ({"t": "dupont", "d": "2004-03-15"}, ["lea"]),
        ({"pe": "0000042C"}, ["eloise"]),
        ({"t": "inconnu"}, []),
    ],
)
def test_la_recherche_de_dossiers_ignore_accents_et_casse(api, annuaire, variables, attendus):  # noqa: F811
    """R4: search by name (accents, case, usage name), birth date, PE identifier."""
    r = api.donnees(RECHERCHE, variables)["rechercherDossiers"]
    assert r["totalCount"] == len(attendus)
    assert {e["node"]["id"] for e in r["edges"]} == {gid("Dossier", annuaire[n]) for n in attendus}


def test_la_recherche_par_identifiant_pe_trouve_l_identifiant_tel_que_saisi(app, api):  # noqa: F811
    """R4: a PE identifier typed in lower case is found by the same text."""
    dossier_id = dossier_manuel(app, GESTIONNAIRE, "7654321b")
    r = api.donnees(RECHERCHE, {"pe": "7654321b"})["rechercherDossiers"]
    assert [e["node"]["id"] for e in r["edges"]] == [gid("Dossier", dossier_id)]


def test_la_liste_des_ppae_se_filtre_par_statut_statut_cotraitance_et_conseiller(app, api):  # noqa: F811
    """R6: the PPAE board."""
    g = GESTIONNAIRE
    a_affecter = dossier_importe(app, g, "AFF-1").ppae_id
    chez_c1 = dossier_importe(app, g, "AFF-2", nom="Martin").ppae_id
    app.affecter_conseiller(g, chez_c1, "C1")
    chez_c2 = dossier_importe(app, g, "AFF-3", nom="Bernard").ppae_id
    app.affecter_conseiller(g, chez_c2, "C2")
    rendez_vous(app, g, chez_c2, date(2026, 11, 25))
    arrete = dossier_importe(app, g, "AFF-4", nom="Petit").ppae_id
    app.arreter_cotraitance(g, arrete, MotifArret.REFUS_DU_JEUNE)

    def lister(**variables):
        r = api.donnees(PPAES, variables)["ppaes"]
        assert r["totalCount"] == len(r["edges"])
        return {e["node"]["id"] for e in r["edges"]}

    assert lister() == {gid("PPAE", p) for p in (a_affecter, chez_c1, chez_c2, arrete)}
    assert lister(s="SUPPRIME") == {gid("PPAE", arrete)}
    assert lister(s="NON_INITIALISE") == {gid("PPAE", p) for p in (a_affecter, chez_c1, chez_c2)}
    assert lister(sc="ATTENTE_PLANIFICATION_RDV") == {gid("PPAE", chez_c1)}
    assert lister(sc="EN_ATTENTE_ENTRETIEN") == {gid("PPAE", chez_c2)}
    assert lister(c="C2") == {gid("PPAE", chez_c2)}
    assert lister(c="C1", sc="EN_ATTENTE_ENTRETIEN") == set()


def test_la_liste_des_affectations_se_filtre_par_statut(app, api):  # noqa: F811
    """R2, R4: the intake screens."""
    g = GESTIONNAIRE
    a_decider = recevoir(app, "AFF-1")
    refusee = recevoir(app, "AFF-2")
    app.decider_affectation(g, refusee, False, MotifRefus.AGE)
    a_rapprocher = affectation_acceptee(app, g, "AFF-3")
    rapprochee = dossier_importe(app, g, "AFF-4").affectation_id
    for statut, attendue in [
        ("A_DECIDER", a_decider),
        ("REFUSEE", refusee),
        ("A_RAPPROCHER", a_rapprocher),
        ("RAPPROCHEE", rapprochee),
    ]:
        r = api.donnees(AFFECTATIONS, {"s": statut})["affectations"]
        assert r["totalCount"] == 1
        (noeud,) = [e["node"] for e in r["edges"]]
        assert (noeud["id"], noeud["statut"]) == (gid("Affectation", attendue), statut)
    assert api.donnees(AFFECTATIONS, {})["affectations"]["totalCount"] == 4


def test_le_statut_de_cotraitance_ne_liste_que_des_ppae_non_initialises(app, api):  # noqa: F811
    """R6: the cotraitance status is the wait for the first interview; a PPAE that started,
    ended or was stopped has none, on the board as on the object."""
    g = GESTIONNAIRE
    attend = dossier_importe(app, g, "AFF-1").ppae_id
    rendez_vous(app, g, attend, date(2026, 11, 25))
    entre = ppae_en_cours(app, g, "AFF-2", nom="Martin")
    rendez_vous(app, g, entre.ppae_id, date(2026, 11, 25))
    arrete = dossier_importe(app, g, "AFF-3", nom="Petit").ppae_id
    rendez_vous(app, g, arrete, date(2026, 11, 26))
    app.arreter_cotraitance(g, arrete, MotifArret.REFUS_DU_JEUNE)
    r = api.donnees(PPAES, {"sc": "EN_ATTENTE_ENTRETIEN"})["ppaes"]
    assert [e["node"]["id"] for e in r["edges"]] == [gid("PPAE", attend)]
    assert [e["node"]["statutCotraitance"] for e in r["edges"]] == ["EN_ATTENTE_ENTRETIEN"]
    for p in (entre.ppae_id, arrete):
        lu = api.donnees(
            "query($id: ID!) { ppae(id: $id) { statutCotraitance } }", {"id": gid("PPAE", p)}
        )
        assert lu["ppae"]["statutCotraitance"] is None


@pytest.mark.parametrize(("joker", "trouves"), [("%", 0), ("%%", 0), ("!", 0), ("_", 1)])
def test_les_caracteres_jokers_de_la_recherche_sont_cherches_tels_quels(app, api, joker, trouves):  # noqa: F811
    """A search for '%' does not list the whole ML; '_' finds only a name holding one."""
    dossier_manuel(app, GESTIONNAIRE, nom="Martin")
    dossier_manuel(app, GESTIONNAIRE, nom="Dupont_Bis")
    r = api.donnees(RECHERCHE, {"t": joker})["rechercherDossiers"]
    assert r["totalCount"] == trouves
