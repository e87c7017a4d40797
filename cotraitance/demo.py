"""A realistic synthetic data set: an ML with its zone and counselors, affectations in every
status, PPAE in every state (a retroactive entry, an early stop, an exit included), and the
cases a newcomer should be able to see: 0007's entry date can fall in a deregistration (R9's
warning), 0013 had an interview but no acceptance (vigilance); the three intake lists (R3) with
explained candidates: 0014 matches a walk-in dossier (one of her first names), 0015's dossier has
names and birth day/month inverted and is still found, 0017 has a twin on file (veto: to
examine), 0016 reassigns 0012's youth, whose PPAE ended (REAFFECTATIONS_PE), 0004 is unknown
(DE_NON_CONNUS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID

from application.contexte import Contexte, systeme
from application.service import Cotraitance
from domain.affectation import Affectation, DonneesAffectation
from domain.valeurs import (
    Acteur,
    Conseiller,
    Dispositif,
    Identite,
    MotifArret,
    MotifRefus,
    MotifSortie,
    Periode,
    Role,
    Sexe,
    StatutRendezVous,
    TypeAffectation,
    TypeEvenement,
)

ML = "ML001"
COMMUNES = ["75056", "75111", "75120", "93048", "93066"]
CONSEILLERS = [
    Conseiller("C1", "Claire Martin"),
    Conseiller("C2", "Karim Benali"),
    Conseiller("C3", "Sophie Nguyen"),
]
JEUNES = [
    # id, nom, prénoms, naissance, sexe, commune, jours depuis l'affectation
    ("0001", "Dupont", "Jean-Pierre", date(2004, 5, 17), Sexe.M, "75111", 3),
    ("0002", "Lefèvre", "Inès", date(1999, 1, 8), Sexe.F, "75120", 4),
    ("0003", "Moreau", "Hugo", date(2005, 9, 30), Sexe.M, "69123", 5),
    ("0004", "Garcia", "Lina", date(2006, 2, 14), Sexe.F, "93048", 20),
    ("0005", "N'Diaye", "Awa", date(2003, 2, 9), Sexe.F, "93048", 25),
    ("0006", "Béranger", "Lucas Émile", date(2006, 3, 12), Sexe.M, "75120", 30),
    ("0007", "Rousseau", "Chloé", date(2005, 11, 2), Sexe.F, "75111", 35),
    ("0008", "Benali", "Yanis", date(2004, 7, 21), Sexe.M, "93066", 40),
    ("0009", "Petit", "Manon", date(2006, 6, 6), Sexe.F, "75056", 45),
    ("0010", "Lœvenbruck", "Théo", date(2005, 4, 1), Sexe.M, "75120", 60),
    ("0011", "Fontaine", "Sarah", date(2004, 12, 24), Sexe.F, "93048", 75),
    ("0012", "Diallo", "Mamadou", date(2003, 8, 15), Sexe.M, "93066", 120),
    ("0013", "Mercier", "Emma", date(2005, 10, 10), Sexe.F, "75111", 15),
    ("0014", "Martin", "Léa Marie", date(2005, 4, 12), Sexe.F, "75056", 2),
    ("0015", "Nguyen", "Thomas", date(2004, 3, 5), Sexe.M, "93066", 6),
    ("0016", "Diallo", "Mamadou", date(2003, 8, 15), Sexe.M, "93066", 1),
    ("0017", "Bernard", "Lou", date(2006, 1, 20), Sexe.F, "75120", 8),
]
CONNUS = [
    # Walk-in dossiers already on file (R4), which the intake finds (R3).
    Identite("MARTIN", "Léa", date(2005, 4, 12), sexe=Sexe.F, commune_insee="75056"),
    Identite("Thomas", "Nguyen", date(2004, 5, 3), sexe=Sexe.M, commune_insee="93066"),
    Identite("Bernard", "Jade", date(2006, 1, 20), sexe=Sexe.F, commune_insee="75120"),
]


def charger_demo(
    app: Cotraitance, aujourdhui: date, rattraper: Callable[[], object] = lambda: None
) -> bool:
    """Loads the data set once; returns False when it was already there. ``rattraper`` brings
    the read models up to date (the matching index) before affectations are accepted."""
    if Affectation.create_id(ML, "DEMO-0001") in app.repository:
        return False
    app.enregistrer_mission_locale(
        systeme(ML, "demo"), ML, "Mission Locale de Paris Est", COMMUNES, CONSEILLERS
    )
    g = Contexte(Acteur("demo-gestionnaire", Role.GESTIONNAIRE, ML))
    c = Contexte(Acteur("demo-conseiller", Role.CONSEILLER, ML))
    j = {
        num: _recevoir(app, aujourdhui, num, nom, prenoms, naissance, sexe, commune, anciennete)
        for num, nom, prenoms, naissance, sexe, commune, anciennete in JEUNES
    }

    for identite in CONNUS:
        telephone = "0612340117" if identite.nom == "Bernard" else None  # the twins' family
        app.creer_dossier(c, replace(identite, telephone=telephone))
    rattraper()

    # Affectations to decide: 0001 (eligible), 0002 (suggests AGE), 0003 (suggests HORS_ZONE).
    app.decider_affectation(g, j["0003"][0], False, MotifRefus.HORS_ZONE)
    for num in ("0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013"):
        app.decider_affectation(g, j[num][0], True, None)

    # 0005 is known to the ML: a walk-in dossier with history, matched (RAPPROCHE_DUDE).
    connu = app.creer_dossier(
        c,
        Identite("N'DIAYE", "Awa", date(2003, 2, 9), sexe=Sexe.F, commune_insee="93048"),
        dispositifs=[Dispositif("PACEA", "TERMINE", date(2023, 2, 1), date(2023, 12, 15))],
    ).dossier_id
    assert connu is not None
    app.saisir_evenement(c, connu, TypeEvenement.ATELIER, aujourdhui - timedelta(days=200))
    ppae = {
        num: _importer(app, g, j[num][0])
        for num in ("0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013")
    }
    ppae["0005"] = app.rapprocher(g, j["0005"][0], connu).ppae_id  # type: ignore[assignment]
    # 0004 stays in its list, to be resolved.

    for num in ("0007", "0008", "0009", "0010", "0011", "0012", "0013"):
        app.affecter_conseiller(g, ppae[num], CONSEILLERS[int(num) % 3].id)
    dossier: dict[str, UUID] = {num: app.repository.get(ppae[num]).dossier_id for num in ppae}
    jour = {num: aujourdhui - timedelta(days=j[num][1]) for num in j}

    # 0008: waiting for its interview.
    app.proposer_rendez_vous(c, ppae["0008"], aujourdhui + timedelta(days=3))
    # 0009: two missed convocations, then an early stop (R10).
    for decalage in (5, 12):
        rdv = app.proposer_rendez_vous(c, ppae["0009"], jour["0009"] + timedelta(days=decalage))
        app.renseigner_rendez_vous(
            c, ppae["0009"], rdv.rendez_vous_id or "", StatutRendezVous.ABSENT
        )
    app.arreter_cotraitance(g, ppae["0009"], MotifArret.ABSENCES_REPETEES, True)
    # 0010: entered on time (interview, justification, acceptance), with events and proposals.
    _entrer(app, c, ppae["0010"], dossier["0010"], jour["0010"] + timedelta(days=7))
    for decalage, type_evenement in (
        (14, TypeEvenement.ATELIER),
        (21, TypeEvenement.PROPOSITION_FORMATION),
        (28, TypeEvenement.INFORMATION_COLLECTIVE),
    ):
        app.saisir_evenement(
            c,
            dossier["0010"],
            type_evenement,
            jour["0010"] + timedelta(days=decalage),
            "Compte rendu interne, jamais transmis.",
        )
    # 0011: a retroactive entry (R9): the interview happened weeks ago, acceptance recorded now.
    app.justifier_dossier(c, dossier["0011"], "PASSEPORT")
    entretien = jour["0011"] + timedelta(days=10)
    app.saisir_evenement(c, dossier["0011"], TypeEvenement.ENTRETIEN_INDIVIDUEL, entretien)
    app.saisir_evenement(
        c, dossier["0011"], TypeEvenement.PROPOSITION_EMPLOI, entretien + timedelta(days=9)
    )
    app.accepter_ppae(c, ppae["0011"], entretien)
    # 0012: entered, then exit (R11).
    _entrer(app, c, ppae["0012"], dossier["0012"], jour["0012"] + timedelta(days=8))
    app.sortir_ppae(c, ppae["0012"], aujourdhui - timedelta(days=10), MotifSortie.EMPLOI_DURABLE)
    # 0013: interviews after the assignment but no acceptance (the vigilance case).
    app.saisir_evenement(
        c, dossier["0013"], TypeEvenement.ENTRETIEN_INDIVIDUEL, jour["0013"] + timedelta(days=2)
    )
    # The intake lists (R3): accepted once the index knows every dossier above.
    rattraper()
    for num in ("0014", "0015", "0016", "0017"):
        app.decider_affectation(g, j[num][0], True, None)
    app.actualiser_rapprochements(g)  # R5: 0004 and 0005's lists, now that dossiers are known
    return True


def _recevoir(
    app: Cotraitance,
    aujourdhui: date,
    num: str,
    nom: str,
    prenoms: str,
    naissance: date,
    sexe: Sexe,
    commune: str,
    anciennete: int,
) -> tuple[UUID, int]:
    donnees = DonneesAffectation(
        id_affectation=f"DEMO-{num}",
        code_ml=ML,
        date_affectation=aujourdhui - timedelta(days=anciennete),
        type_affectation=TypeAffectation.REAFFECTATION
        if num in ("0005", "0016")
        else TypeAffectation.INITIALE,
        identifiant_pe=_identifiant_pe("0012" if num == "0016" else num),
        identite=Identite(
            nom,
            prenoms,
            naissance,
            sexe=sexe,
            commune_insee=commune,
            telephone="0612340117"
            if num == "0017"
            else f"06 12 34 {int(num):02d} {int(num) * 7 % 100:02d}",
        ),
        periodes_radiation=(_radiation(num, aujourdhui - timedelta(days=anciennete)),),
    )
    affectation_id = app.recevoir_affectation(systeme(ML, "demo-dude"), donnees).affectation_id
    assert affectation_id is not None
    return affectation_id, anciennete


def _identifiant_pe(num: str) -> str:
    return f"{int(num) * 1234567 % 9999999:07d}{'ABCDEFGH'[int(num) % 8]}"


def _radiation(num: str, affectation: date) -> Periode:
    """An old deregistration for most; for 0007, one after the assignment, so that accepting
    its PPAE with an entry date in it shows R9's warning."""
    if num == "0007":
        return Periode(affectation + timedelta(days=5), affectation + timedelta(days=15))
    return Periode(affectation - timedelta(days=200), affectation - timedelta(days=170))


def _importer(app: Cotraitance, g: Contexte, affectation_id: UUID) -> UUID:
    ppae_id = app.creer_dossier_importe(g, affectation_id).ppae_id
    assert ppae_id is not None
    return ppae_id


def _entrer(app: Cotraitance, c: Contexte, ppae_id: UUID, dossier_id: UUID, jour: date) -> None:
    rdv = app.proposer_rendez_vous(c, ppae_id, jour)
    app.renseigner_rendez_vous(c, ppae_id, rdv.rendez_vous_id or "", StatutRendezVous.PRESENT)
    app.justifier_dossier(c, dossier_id, "CNI")
    app.accepter_ppae(c, ppae_id, jour)
