"""The DUDE flows through the application and the emitter (R2, R10, R11, R13-R15, R20, R21), on
SQLite and PostgreSQL; their verification through GraphQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from application.contexte import systeme
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.racine import Service, assembler
from domain.affectation import Affectation
from domain.flux import TypeFlux, cle
from domain.valeurs import (
    MotifArret,
    MotifRefus,
    MotifSortie,
    Role,
    StatutRendezVous,
    TypeEvenement,
)
from integrations.dude import reconciliation, registre
from tests.api_outils import Api, api  # noqa: F401
from tests.conftest import ML, Acteurs
from tests.outils_graphql import gid, muter
from tests.scenario import (
    affectation_acceptee,
    donnees_affectation,
    dossier_importe,
    entretien,
    ids,
    recevoir,
    refus,
    rendez_vous,
)

ENTREE = date(2026, 10, 1)


@pytest.fixture
def service(app: Cotraitance, base: Base) -> Iterator[Service]:
    service = assembler(base, app)
    try:
        yield service
    finally:
        service.fermer_connexions()


def flux(service: Service, dossier_id: UUID | None = None) -> list[dict[str, Any]]:
    service.runner.rattraper()
    with service.lecture() as cur:
        if dossier_id is not None:
            return registre.du_dossier(cur, str(dossier_id))
        return registre.lister(cur, ML, limite=100).lignes


def types(lignes: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(ligne["type"], ligne["date_effet"]) for ligne in lignes]


def en_cours_retroactif(app: Cotraitance, acteurs: Acteurs) -> tuple[UUID, UUID]:
    """Interviews before and after the entry date, then a backdated entry (R9, R14)."""
    c = acteurs.conseiller
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.saisir_evenement(c, dossier_id, TypeEvenement.ATELIER, date(2026, 9, 20), "avant")
    entretien(app, c, dossier_id, date(2026, 10, 5))
    app.saisir_evenement(c, dossier_id, TypeEvenement.PROPOSITION_EMPLOI, date(2026, 10, 9))
    app.justifier_dossier(c, dossier_id, "CNI")
    app.accepter_ppae(c, ppae_id, ENTREE)
    return dossier_id, ppae_id


def test_une_entree_retroactive_transmet_les_evenements_depuis_la_date_d_entree(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R14: the entry flow, then every event already recorded in the window; not before it."""
    dossier_id, _ = en_cours_retroactif(app, acteurs)
    assert types(flux(service, dossier_id)) == [
        ("ENTREE_PPAE", "2026-10-01"),
        ("EVENEMENT", "2026-10-05"),
        ("EVENEMENT", "2026-10-09"),
    ]


def test_un_evenement_saisi_en_retard_dans_la_fenetre_est_transmis_pas_apres_la_sortie(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R13: recorded late but dated inside the window: flows; dated after the exit: never."""
    c = acteurs.conseiller
    dossier_id, ppae_id = en_cours_retroactif(app, acteurs)
    app.sortir_ppae(c, ppae_id, date(2026, 11, 1), MotifSortie.EMPLOI_DURABLE)
    app.saisir_evenement(c, dossier_id, TypeEvenement.ATELIER, date(2026, 10, 20))
    app.saisir_evenement(c, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 10))
    assert types(flux(service, dossier_id))[3:] == [
        ("SORTIE_PPAE", "2026-11-01"),
        ("EVENEMENT", "2026-10-20"),
    ]


def test_annuler_un_evenement_transmis_emet_une_annulation(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R14: the cancellation of an event already sent is itself a flow."""
    c = acteurs.conseiller
    dossier_id, ppae_id = en_cours_retroactif(app, acteurs)
    evenement = entretien(app, c, dossier_id, date(2026, 10, 15))
    app.annuler_evenement(c, dossier_id, evenement, "erreur de saisie")
    dernier = flux(service, dossier_id)[-1]
    assert (dernier["type"], dernier["evenement_id"]) == ("ANNULATION", evenement)
    message = json.loads(registre_message(service, dernier["cle"]))
    assert message["cleAnnulee"] == cle(ppae_id, evenement, TypeFlux.EVENEMENT)
    assert "erreur de saisie" not in json.dumps(message)


def registre_message(service: Service, cle_flux: str) -> str:
    with service.lecture() as cur:
        ligne = cur.fetchone("SELECT message FROM flux_dude WHERE cle = %s", [cle_flux])
    assert ligne is not None
    return str(ligne[0])


def test_les_decisions_et_l_arret_anticipe_sont_transmis(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R2: the decision (with its reason); R10: the early stop, with the reassignment asked."""
    g = acteurs.gestionnaire
    refusee = recevoir(app, "AFF-R")
    app.decider_affectation(g, refusee, False, MotifRefus.HORS_ZONE)
    _, ppae_id = ids(dossier_importe(app, g, "AFF-A"))
    app.arreter_cotraitance(g, ppae_id, MotifArret.REFUS_DU_JEUNE, demander_reaffectation=True)
    messages = [json.loads(registre_message(service, f["cle"])) for f in flux(service)]
    par_type = {(m["type"], m["idAffectation"]): m for m in messages}
    assert par_type[("DECISION_AFFECTATION", "AFF-R")]["motif"] == "HORS_ZONE"
    assert par_type[("DECISION_AFFECTATION", "AFF-A")]["decision"] == "ACCEPTEE"
    arret = par_type[("ARRET_ANTICIPE", "AFF-A")]
    assert (arret["motif"], arret["demandeReaffectation"]) == ("REFUS_DU_JEUNE", True)


def test_un_message_ne_porte_jamais_de_nom_ni_de_texte_libre(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """DESIGN §4: identifiers, dates, types and reasons only."""
    _dossier_id, _ = en_cours_retroactif(app, acteurs)
    for ligne in flux(service):
        message = json.loads(registre_message(service, ligne["cle"]))
        assert set(message) <= {
            "cle", "type", "idAffectation", "identifiantPe", "codeMissionLocale", "dateEffet",
            "decision", "motif", "typeEvenement", "motifSortie", "demandeReaffectation",
            "cleAnnulee",
        }  # fmt: skip
        assert "Dupont" not in json.dumps(message)
        assert "avant" not in json.dumps(message)


def test_reconstruire_l_emetteur_redonne_les_memes_cles_et_garde_les_etats(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R13: a pure function of history; R15: delivery states are never lost."""
    en_cours_retroactif(app, acteurs)
    avant = {f["cle"] for f in flux(service)}
    premier = sorted(avant)[0]
    with service.ecriture() as cur:
        cur.execute("UPDATE flux_dude SET statut = 'ACQUITTE' WHERE cle = %s", [premier])
    service.runner.reconstruire("emetteur_dude")
    apres = {f["cle"]: f["statut"] for f in flux(service)}
    assert set(apres) == avant
    assert apres[premier] == "ACQUITTE"


def test_la_reconciliation_compare_l_historique_aux_flux_enregistres(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R21: re-derived from history; a flow missing from the register is named."""
    dossier_id, _ = en_cours_retroactif(app, acteurs)
    enregistres = [f["cle"] for f in flux(service, dossier_id)]
    r = reconciliation.reconcilier(app, service.lecture, acteurs.auditeur, dossier_id)
    assert (sorted(r.attendus), r.manquants, r.en_trop) == (sorted(enregistres), [], [])
    with service.ecriture() as cur:
        cur.execute("DELETE FROM flux_dude WHERE cle = %s", [enregistres[1]])
    r = reconciliation.reconcilier(app, service.lecture, acteurs.auditeur, dossier_id)
    assert r.manquants == [enregistres[1]]


def test_un_dossier_dont_des_flux_sont_enregistres_ne_se_supprime_pas(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R20: the deletion guard reads the flows recorded, whatever history alone would say."""
    g = acteurs.gestionnaire
    dossier_id, _ = ids(dossier_importe(app, g))
    with service.ecriture() as cur:
        cur.execute(
            "INSERT INTO flux_dude (cle, code_ml, groupe, ordre, type, statut, date_effet, jour, "
            "cree_le, affectation_id, dossier_id, message) VALUES (%s, %s, %s, %s, %s, %s, %s, "
            "%s, %s, %s, %s, %s)",
            ["k", ML, "x", "0", "EVENEMENT", "ACQUITTE", "2026-10-01", "2026-10-01",
             "2026-10-01T00:00:00+00:00", str(dossier_id), str(dossier_id), "{}"],
        )  # fmt: skip
    with refus(app, "SUPPRESSION_INTERDITE"):
        app.supprimer_dossier(g, dossier_id, confirmer=True)


# ------------------------------------------------------------------ verification (GraphQL)

FLUX_DOSSIER = """query($id: ID!) { dossier(id: $id) { fluxDude { cle type statut dateEffet
  tentatives erreur evenement { id transmisDude } }
  evenements { edges { node { type date transmisDude } } } } }"""


def test_le_dossier_montre_ses_flux_et_chaque_evenement_s_il_est_transmis(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    dossier_id, _ = en_cours_retroactif(app, acteurs)
    d = api.donnees(FLUX_DOSSIER, {"id": gid("Dossier", dossier_id)})["dossier"]
    assert [(f["type"], f["statut"]) for f in d["fluxDude"]] == [
        ("ENTREE_PPAE", "EN_ATTENTE"),
        ("EVENEMENT", "EN_ATTENTE"),
        ("EVENEMENT", "EN_ATTENTE"),
    ]
    assert all(f["evenement"]["transmisDude"] for f in d["fluxDude"][1:])
    transmis = {(e["node"]["date"], e["node"]["transmisDude"]) for e in d["evenements"]["edges"]}
    assert transmis == {("2026-09-20", False), ("2026-10-05", True), ("2026-10-09", True)}


def test_les_flux_se_filtrent_et_se_comptent_par_jour_type_et_statut(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    en_cours_retroactif(app, acteurs)
    liste = api.donnees(
        "{ fluxDude(type: EVENEMENT) { totalCount edges { node { type dateEffet } } } }"
    )["fluxDude"]
    assert liste["totalCount"] == 2
    stats = api.donnees(
        '{ decisionnelFlux(du: "2000-01-01", au: "2100-01-01") { type statut nombre } }'
    )["decisionnelFlux"]
    compte = {(s["type"], s["statut"]): s["nombre"] for s in stats}
    assert compte == {
        ("DECISION_AFFECTATION", "EN_ATTENTE"): 1,
        ("ENTREE_PPAE", "EN_ATTENTE"): 1,
        ("EVENEMENT", "EN_ATTENTE"): 2,
    }


def test_renvoyer_un_flux_rejete_le_remet_en_attente_avec_la_meme_cle(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    """R15: a re-send is a new attempt of the same flow."""
    affectation_acceptee(app, acteurs.gestionnaire)
    api.service.runner.rattraper()
    with api.service.ecriture() as cur:
        cur.execute(
            "UPDATE flux_dude SET statut = 'REJETE', erreur = 'DOSSIER_INCONNU : x', tentatives = 1"
        )
        cle_flux = cur.fetchone("SELECT cle FROM flux_dude")[0]  # type: ignore[index]
    entree = {"fluxId": gid("FluxDude", cle_flux)}
    r = muter(api, "renvoyerFlux", entree, selection="flux { cle statut erreur tentatives }")
    assert r["erreurs"] == []
    assert r["flux"] == {
        "cle": cle_flux, "statut": "EN_ATTENTE", "erreur": "DOSSIER_INCONNU : x", "tentatives": 1
    }  # fmt: skip
    with api.service.ecriture() as cur:
        cur.execute("UPDATE flux_dude SET statut = 'ACQUITTE'")
    deja = muter(api, "renvoyerFlux", entree, selection="flux { statut }")
    assert [e["code"] for e in deja["erreurs"]] == ["TRANSITION_INTERDITE"]
    assert deja["flux"] == {"statut": "ACQUITTE"}


def test_les_flux_d_une_autre_ml_n_existent_pas(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    """R23: lists, counts, nodes, re-sends and reconciliations stay within the actor's ML."""
    app.enregistrer_mission_locale(systeme("ML999"), "ML999", "Autre", ["13055"], [])
    app.recevoir_affectation(systeme("ML999"), donnees_affectation("AFF-9", code_ml="ML999"))
    autre = Affectation.create_id("ML999", "AFF-9")
    app.decider_affectation(acteurs.autre_ml, autre, True, None)
    dossier_id, _ = en_cours_retroactif(app, acteurs)
    cle_autre = cle(autre, "decision", TypeFlux.DECISION_AFFECTATION)
    vus_ml999 = api.donnees("{ fluxDude { totalCount } }", ml="ML999")["fluxDude"]["totalCount"]
    assert vus_ml999 == 1
    assert api.donnees("{ fluxDude { totalCount } }")["fluxDude"]["totalCount"] == 4
    id_autre = gid("FluxDude", cle_autre)
    noeud = api.donnees("query($id: ID!) { node(id: $id) { id } }", {"id": id_autre})
    assert noeud == {"node": None}
    r = muter(api, "renvoyerFlux", {"fluxId": id_autre}, selection="flux { cle }")
    assert [e["code"] for e in r["erreurs"]] == ["NON_TROUVE"]
    reco = api.donnees(
        "query($id: ID!) { reconciliationFlux(dossierId: $id) { attendus } }",
        {"id": gid("Dossier", dossier_id)},
        role=Role.AUDITEUR,
        ml="ML999",
    )
    assert reco == {"reconciliationFlux": None}
    propre = api.donnees(
        "query($id: ID!) { reconciliationFlux(dossierId: $id) { "
        "attendus enregistres manquants enTrop } }",
        {"id": gid("Dossier", dossier_id)},
        role=Role.AUDITEUR,
    )["reconciliationFlux"]
    assert propre == {"attendus": 3, "enregistres": 3, "manquants": [], "enTrop": []}


def test_un_rendez_vous_present_apres_l_entree_est_transmis_comme_entretien(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    """R6, R13: an appointment marked présent is an interview; in the window, it flows."""
    g = acteurs.gestionnaire
    dossier_id, ppae_id = en_cours_retroactif(app, acteurs)
    rdv = rendez_vous(app, g, ppae_id, date(2026, 11, 12))
    app.renseigner_rendez_vous(g, ppae_id, rdv, StatutRendezVous.PRESENT)
    dernier = flux(service, dossier_id)[-1]
    message = json.loads(registre_message(service, dernier["cle"]))
    assert (message["type"], message["typeEvenement"], message["dateEffet"]) == (
        "EVENEMENT", "ENTRETIEN_INDIVIDUEL", "2026-11-12"
    )  # fmt: skip


SORTIE_ANTICIPEE = """query($id: ID!) { dossier(id: $id) {
  fluxDude { type evenement { date } }
  evenements { edges { node { date transmisDude annulationDude } } } } }"""


def test_une_sortie_datee_avant_un_evenement_transmis_le_montre_annule_sur_l_evenement_et_ses_flux(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    """R11, R13, R14: the exit on 2026-10-07 leaves the proposal of 2026-10-09 outside the
    window: the payload warns, the event no longer says it stands at the DUDE, it says its
    flow was cancelled, and the dossier's flows show the ANNULATION of it."""
    dossier_id, ppae_id = en_cours_retroactif(app, acteurs)
    sortie = muter(
        api,
        "sortirPpae",
        {"ppaeId": gid("PPAE", ppae_id), "dateSortie": "2026-10-07", "motif": "ABANDON"},
        selection="avertissements { code message }",
    )
    assert [a["code"] for a in sortie["avertissements"]] == ["FLUX_DUDE_ANNULES"]
    assert "proposition d'emploi du 2026-10-09" in sortie["avertissements"][0]["message"]
    d = api.donnees(SORTIE_ANTICIPEE, {"id": gid("Dossier", dossier_id)})["dossier"]
    assert [(f["type"], (f["evenement"] or {}).get("date")) for f in d["fluxDude"]][-2:] == [
        ("SORTIE_PPAE", None),
        ("ANNULATION", "2026-10-09"),
    ]
    etats = {
        e["node"]["date"]: (e["node"]["transmisDude"], e["node"]["annulationDude"])
        for e in d["evenements"]["edges"]
    }
    assert etats == {
        "2026-09-20": (False, False),
        "2026-10-05": (True, False),
        "2026-10-09": (False, True),
    }


def test_dans_etat_au_un_evenement_retire_par_une_sortie_l_est_a_partir_de_cette_sortie(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    """R14, R21: before the backdated exit was recorded, the proposal stood at the DUDE; as of
    after it, its flow is retracted (the same answer as today's, at that instant)."""
    dossier_id, ppae_id = en_cours_retroactif(app, acteurs)
    avant = datetime.now(UTC)
    time.sleep(0.002)
    app.sortir_ppae(acteurs.conseiller, ppae_id, date(2026, 10, 7), MotifSortie.ABANDON)
    apres = datetime.now(UTC)
    document = """query($id: ID!, $t: DateTime!) { dossier(id: $id) { etatAu(instant: $t) {
        evenements { edges { node { date transmisDude annulationDude } } } } } }"""

    def etats(instant: datetime) -> dict[str, tuple[bool, bool]]:
        variables = {"id": gid("Dossier", dossier_id), "t": instant.isoformat()}
        sortie = api.donnees(document, variables, role=Role.AUDITEUR)["dossier"]["etatAu"]
        return {
            e["node"]["date"]: (e["node"]["transmisDude"], e["node"]["annulationDude"])
            for e in sortie["evenements"]["edges"]
        }

    assert etats(avant)["2026-10-09"] == (True, False)
    assert etats(apres)["2026-10-09"] == (False, True)
    assert etats(apres)["2026-10-05"] == (True, False)
