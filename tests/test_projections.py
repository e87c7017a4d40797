"""Read models: batched catch-up, rebuild from zero, live runner on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest

from application.contexte import Contexte
from application.magasin.persistance import Base
from application.service import Cotraitance
from application.traitement.runner import Runner
from application.traitement.stockage import StockageVues
from domain.valeurs import (
    Identite,
    MotifArret,
    StatutAffectation,
    StatutCotraitance,
    StatutPpae,
    StatutRendezVous,
    TypeEvenement,
)
from projections import affectations, dossiers, ppae
from projections.catalogue import toutes_les_vues
from tests.conftest import ML, Acteurs
from tests.scenario_projections import peupler


@pytest.fixture
def projecteur(app: Cotraitance, base: Base) -> Iterator[Runner]:
    stockage = StockageVues(base)
    try:
        yield Runner(app, stockage, toutes_les_vues())
    finally:
        stockage.close()


def _contenu(projecteur: Runner) -> dict[str, list[tuple[object, ...]]]:
    with projecteur.stockage.lecture() as cur:
        return {
            v.nom: sorted(cur.fetchall(f"SELECT * FROM {v.table}"))
            for v in projecteur.processeurs.values()
        }


def test_une_vue_reconstruite_de_zero_egale_la_vue_tenue_au_fil_de_l_eau(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    peupler(app, acteurs, projecteur=projecteur, nombre=12)
    projecteur.rattraper(lot=5)
    vivant = _contenu(projecteur)
    for nom in projecteur.processeurs:
        projecteur.reconstruire(nom, lot=7)
    assert _contenu(projecteur) == vivant
    assert all(e.retard == 0 for e in projecteur.etats())


def test_le_tableau_ppae_reflete_l_etat_des_agregats(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    ids = peupler(app, acteurs, nombre=10)
    projecteur.rattraper(lot=3)
    with projecteur.stockage.lecture() as cur:
        lignes = {ligne["ppae_id"]: ligne for ligne in ppae.lister(cur, ML, limite=100).lignes}
    for ppae_id in ids.ppaes:
        agregat = app.repository.get(ppae_id)
        ligne = lignes[str(ppae_id)]
        assert ligne["statut"] == agregat.statut.value
        assert ligne["statut_cotraitance"] == (
            agregat.statut_cotraitance.value if agregat.statut_cotraitance else None
        )
        assert ligne["conseiller_id"] == agregat.conseiller_id
        assert ligne["version"] == agregat.version


def test_la_recherche_tolere_accents_casse_et_apostrophes(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    for nom, prenoms in [("BÉRANGER", "Lucas Émile"), ("N'Diaye", "Awa"), ("Lœvenbruck", "Zoé")]:
        app.creer_dossier(acteurs.conseiller, Identite(nom, prenoms, date(2004, 5, 17)))
    projecteur.rattraper()
    with projecteur.stockage.lecture() as cur:
        for texte, attendu in [
            ("beranger", "BÉRANGER"),
            ("Béranger lucas", "BÉRANGER"),
            ("ndiaye", "N'Diaye"),
            ("n diaye awa", "N'Diaye"),
            ("LOEVENBRUCK zoe", "Lœvenbruck"),
        ]:
            page = dossiers.rechercher(cur, ML, texte)
            assert [ligne["nom"] for ligne in page.lignes] == [attendu], texte
        assert dossiers.rechercher(cur, ML, "inconnu").total == 0
        assert dossiers.rechercher(cur, "ML999", "beranger").total == 0


def test_la_recherche_par_date_de_naissance_et_identifiant_pe(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    app.creer_dossier(acteurs.conseiller, Identite("Martin", "Léa", date(2003, 1, 2)), "1234567A")
    app.creer_dossier(acteurs.conseiller, Identite("Martin", "Tom", date(2001, 7, 8)))
    projecteur.rattraper()
    with projecteur.stockage.lecture() as cur:
        par_date = dossiers.rechercher(cur, ML, date_naissance=date(2003, 1, 2))
        assert [ligne["prenoms"] for ligne in par_date.lignes] == ["Léa"]
        par_pe = dossiers.rechercher(cur, ML, identifiant_pe=" 1234567a ")
        assert [ligne["prenoms"] for ligne in par_pe.lignes] == ["Léa"]


def test_la_pagination_par_curseur_parcourt_tout_sans_doublon(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    for i in range(7):
        app.creer_dossier(acteurs.conseiller, Identite(f"Nom{i % 3}", f"P{i}", date(2004, 1, 1)))
    projecteur.rattraper()
    vus: list[str] = []
    apres = None
    with projecteur.stockage.lecture() as cur:
        while True:
            page = dossiers.rechercher(cur, ML, apres=apres, limite=3)
            assert page.total == 7
            vus.extend(ligne["dossier_id"] for ligne in page.lignes)
            if not page.suivante:
                break
            dernier = page.lignes[-1]
            apres = (dernier["tri"], dernier["dossier_id"])
    assert len(vus) == len(set(vus)) == 7


def test_un_dossier_supprime_n_est_plus_trouve_et_ses_donnees_personnelles_quittent_la_vue(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    r = app.creer_dossier(acteurs.conseiller, Identite("Durand", "Paul", date(2004, 1, 1)))
    assert r.dossier_id is not None
    app.supprimer_dossier(acteurs.gestionnaire, r.dossier_id, confirmer=False)
    projecteur.rattraper()
    with projecteur.stockage.lecture() as cur:
        assert dossiers.rechercher(cur, ML, "durand").total == 0
        ligne = cur.fetchone(
            "SELECT nom, prenoms, supprime FROM vue_dossiers WHERE dossier_id = %s",
            [str(r.dossier_id)],
        )
    assert ligne == (None, None, 1)


def test_les_affectations_se_listent_par_statut(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    peupler(app, acteurs, nombre=6)
    projecteur.rattraper()
    with projecteur.stockage.lecture() as cur:
        comptes = {s: affectations.lister(cur, ML, statut=s).total for s in StatutAffectation}
    assert comptes[StatutAffectation.RAPPROCHEE] == 6
    assert sum(comptes.values()) == 6


def test_le_tableau_filtre_par_statut_cotraitance_et_conseiller(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    ids = peupler(app, acteurs, nombre=4)
    premier = ids.ppaes[1]  # affected to C1, not yet entered
    r = app.proposer_rendez_vous(acteurs.conseiller, premier, date(2026, 11, 12))
    assert r.rendez_vous_id is not None
    app.renseigner_rendez_vous(
        acteurs.conseiller, premier, r.rendez_vous_id, StatutRendezVous.REPORTE
    )
    projecteur.rattraper()
    with projecteur.stockage.lecture() as cur:
        attente = ppae.lister(
            cur,
            ML,
            statut_cotraitance=StatutCotraitance.ATTENTE_PLANIFICATION_RDV,
            conseiller_id="C1",
            limite=100,
        )
    assert str(premier) in {ligne["ppae_id"] for ligne in attente.lignes}
    assert (
        app.repository.get(premier).statut_cotraitance
        is StatutCotraitance.ATTENTE_PLANIFICATION_RDV
    )


def test_le_projecteur_en_continu_suit_les_nouveaux_evenements(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    """SQLite is polled; PostgreSQL is followed through the event store's subscription."""
    arret = threading.Event()
    fil = threading.Thread(target=projecteur.executer, args=(arret, 0.05), daemon=True)
    fil.start()
    try:
        ids = peupler(app, acteurs, nombre=3)
        app.arreter_cotraitance(acteurs.gestionnaire, ids.ppaes[0], MotifArret.REFUS_DU_JEUNE)
        derniere = app.recorder.max_notification_id()
        assert derniere is not None
        assert projecteur.attendre(derniere, delai=10)
    finally:
        arret.set()
        fil.join(timeout=10)
    with projecteur.stockage.lecture() as cur:
        supprimes = ppae.lister(cur, ML, statut=StatutPpae.SUPPRIME)
    assert supprimes.total == 1


def test_un_changement_de_version_de_vue_la_reconstruit(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs, base: Base
) -> None:
    peupler(app, acteurs, nombre=2)
    projecteur.rattraper()
    vues = toutes_les_vues()
    vues[0].version = vues[0].version + 1  # type: ignore[misc]
    autre = Runner(app, projecteur.stockage, vues)
    etat = {e.nom: e for e in autre.etats()}[vues[0].nom]
    assert etat.position == 0
    assert not etat.a_reconstruire
    autre.rattraper()
    assert all(e.retard == 0 for e in autre.etats())


def test_un_evenement_saisi_apparait_dans_la_version_du_dossier(
    app: Cotraitance, projecteur: Runner, acteurs: Acteurs
) -> None:
    ctx: Contexte = acteurs.conseiller
    r = app.creer_dossier(ctx, Identite("Petit", "Noé", date(2005, 3, 3)))
    assert r.dossier_id is not None
    app.saisir_evenement(ctx, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2))
    projecteur.rattraper()
    with projecteur.stockage.lecture() as cur:
        ligne = cur.fetchone(
            "SELECT version FROM vue_dossiers WHERE dossier_id = %s", [str(r.dossier_id)]
        )
    assert ligne == (2,)
