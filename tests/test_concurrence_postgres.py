"""R21/optimistic concurrency on PostgreSQL: of two commands racing on one PPAE, one wins.

Two application instances (two API workers) share one schema. Each loads the same version of
the PPAE, decides, then waits at a barrier just before saving, so that both saves really
collide. The store's unique (aggregate, version) key must let one through and turn the other
into a ``ConflitVersion`` (code CONFLIT_VERSION) that recorded nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.contexte import Contexte, Resultat, systeme
from application.horloge import HorlogeFixe
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.racine import ports
from domain.affectation import DonneesAffectation
from domain.dossier import Dossier
from domain.erreurs import ConflitVersion
from domain.ppae import PPAE
from domain.valeurs import (
    Acteur,
    Conseiller,
    Identite,
    Role,
    StatutPpae,
    TypeAffectation,
    TypeEvenement,
)

pytestmark = pytest.mark.postgres

ML = "ML001"
AUJOURDHUI = date(2026, 11, 20)
DATE_AFFECTATION = AUJOURDHUI - timedelta(days=30)
GESTIONNAIRE_1 = Contexte(Acteur("gestion-1", Role.GESTIONNAIRE, ML))
GESTIONNAIRE_2 = Contexte(Acteur("gestion-2", Role.GESTIONNAIRE, ML))
ATTENTE_MAX = 10.0


class CotraitanceSynchronisee(Cotraitance):
    """An API worker that, once it has decided, waits for the other one before saving."""

    name = "Cotraitance"  # the same stored application: its name picks the tables

    def __init__(self, *args: Any, barriere: threading.Barrier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.barriere = barriere

    def save(self, *objets: Any, **kwargs: Any) -> Any:
        self.barriere.wait(timeout=ATTENTE_MAX)
        return super().save(*objets, **kwargs)


@pytest.fixture
def app(base_postgres: Base, horloge: HorlogeFixe) -> Iterator[Cotraitance]:
    application = Cotraitance(env=base_postgres.env, ports=ports(base_postgres), horloge=horloge)
    application.enregistrer_mission_locale(
        systeme(ML),
        ML,
        "Mission Locale de Paris Est",
        ["75111"],
        [Conseiller("C1", "Claire Martin"), Conseiller("C2", "Karim Benali")],
    )
    try:
        yield application
    finally:
        application.close()


def ouvrir_un_ppae(app: Cotraitance, numero: int = 1) -> tuple[UUID, UUID]:
    """An accepted affectation resolved as a new IMPORTE_DUDE dossier: (affectation, PPAE)."""
    donnees = DonneesAffectation(
        id_affectation=f"AFF-{numero}",
        code_ml=ML,
        date_affectation=DATE_AFFECTATION,
        type_affectation=TypeAffectation.INITIALE,
        identifiant_pe=f"{numero:07d}P",
        identite=Identite("DUPONT", "Lea", date(2006, 3, 1), commune_insee="75111"),
    )
    affectation_id = app.recevoir_affectation(systeme(ML), donnees).affectation_id
    assert affectation_id is not None
    app.decider_affectation(GESTIONNAIRE_1, affectation_id, True, None)
    ppae_id = app.creer_dossier_importe(GESTIONNAIRE_1, affectation_id).ppae_id
    assert ppae_id is not None
    return affectation_id, ppae_id


def en_meme_temps(
    base: Base,
    horloge: HorlogeFixe,
    commandes: Sequence[Callable[[Cotraitance], Resultat]],
) -> list[Resultat | BaseException]:
    """Runs each command on its own application instance, the saves released together."""
    barriere = threading.Barrier(len(commandes))
    instances = [
        CotraitanceSynchronisee(env=base.env, ports=ports(base), horloge=horloge, barriere=barriere)
        for _ in commandes
    ]
    try:
        with ThreadPoolExecutor(max_workers=len(commandes)) as pool:
            futurs = [pool.submit(c, i) for c, i in zip(commandes, instances, strict=True)]
            issues: list[Resultat | BaseException] = []
            for futur in futurs:
                erreur = futur.exception(timeout=3 * ATTENTE_MAX)
                issues.append(erreur if erreur is not None else futur.result())
        return issues
    finally:
        for instance in instances:
            instance.close()


def un_gagnant_un_conflit(issues: list[Resultat | BaseException]) -> int:
    """The index of the command that won; the other one must be a clean version conflict."""
    gagnants = [i for i, issue in enumerate(issues) if isinstance(issue, Resultat)]
    perdants = [issue for issue in issues if not isinstance(issue, Resultat)]
    assert len(gagnants) == 1, issues
    assert len(perdants) == 1, issues
    assert isinstance(perdants[0], ConflitVersion), repr(perdants[0])
    assert perdants[0].code == "CONFLIT_VERSION"
    return gagnants[0]


def topics(app: Cotraitance, depuis: int) -> list[str]:
    """The topics of the events recorded after notification ``depuis``."""
    return [
        n.topic for n in app.recorder.select_notifications(depuis, 1000, inclusive_of_start=False)
    ]


def test_deux_affectations_simultanees_de_conseiller_une_seule_l_emporte(
    app: Cotraitance, base_postgres: Base, horloge: HorlogeFixe
) -> None:
    """R21/optimistic concurrency, R6: two managers assign the same PPAE at the same time.

    Both loaded the same version without an expected version; the store lets one save
    through and the other one gets CONFLIT_VERSION, with nothing recorded for it.
    """
    _, ppae_id = ouvrir_un_ppae(app)
    avant = app.repository.get(ppae_id)
    position = app.recorder.max_notification_id()

    issues = en_meme_temps(
        base_postgres,
        horloge,
        [
            lambda a: a.affecter_conseiller(GESTIONNAIRE_1, ppae_id, "C1"),
            lambda a: a.affecter_conseiller(GESTIONNAIRE_2, ppae_id, "C2"),
        ],
    )

    gagnant = un_gagnant_un_conflit(issues)
    conseiller, auteur = [("C1", "gestion-1"), ("C2", "gestion-2")][gagnant]
    ppae: PPAE = app.repository.get(ppae_id)
    assert ppae.version == avant.version + 1
    assert ppae.conseiller_id == conseiller
    assert topics(app, position) == ["domain.ppae:PPAE.ConseillerAffecte"]
    dernier = list(app.events.get(ppae_id))[-1]
    assert dernier.conseiller_id == conseiller
    assert dernier._meta["acteur"] == auteur


def test_deux_acceptations_simultanees_ne_gardent_qu_une_date_d_entree(
    app: Cotraitance, base_postgres: Base, horloge: HorlogeFixe
) -> None:
    """R21/optimistic concurrency, R8, R9: two counselors record the acceptance at once.

    The interview and the justification are there, so each acceptance would start the PPAE
    with its own entry date: exactly one of them is stored, with its EntreeEnCours.
    """
    _, ppae_id = ouvrir_un_ppae(app)
    dossier_id = app.repository.get(ppae_id).dossier_id
    app.justifier_dossier(GESTIONNAIRE_1, dossier_id, "CNI")
    app.saisir_evenement(GESTIONNAIRE_1, dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, AUJOURDHUI)
    position = app.recorder.max_notification_id()
    dates = [DATE_AFFECTATION + timedelta(days=5), DATE_AFFECTATION + timedelta(days=10)]

    issues = en_meme_temps(
        base_postgres,
        horloge,
        [
            lambda a: a.accepter_ppae(GESTIONNAIRE_1, ppae_id, dates[0]),
            lambda a: a.accepter_ppae(GESTIONNAIRE_2, ppae_id, dates[1]),
        ],
    )

    gagnant = un_gagnant_un_conflit(issues)
    ppae: PPAE = app.repository.get(ppae_id)
    assert ppae.statut is StatutPpae.EN_COURS
    assert ppae.date_entree == dates[gagnant]
    assert sorted(topics(app, position)) == [
        "domain.dossier:Dossier.PPAEAccepte",
        "domain.ppae:PPAE.Accepte",
        "domain.ppae:PPAE.EntreeRetroactive",
    ]


def test_deux_resolutions_simultanees_d_une_affectation_ne_creent_qu_un_dossier(
    app: Cotraitance, base_postgres: Base, horloge: HorlogeFixe
) -> None:
    """R21/optimistic concurrency, R4: the save spanning affectation, dossier and PPAE is atomic.

    Two managers create the imported dossier of the same affectation at the same time: the
    loser's dossier and PPAE are not half-saved, so the youth has one dossier, one PPAE.
    """
    donnees = DonneesAffectation(
        id_affectation="AFF-9",
        code_ml=ML,
        date_affectation=DATE_AFFECTATION,
        type_affectation=TypeAffectation.INITIALE,
        identifiant_pe="0000009D",
        identite=Identite("MARTIN", "Yanis", date(2005, 7, 14), commune_insee="75111"),
    )
    affectation_id = app.recevoir_affectation(systeme(ML), donnees).affectation_id
    assert affectation_id is not None
    app.decider_affectation(GESTIONNAIRE_1, affectation_id, True, None)
    position = app.recorder.max_notification_id()

    issues = en_meme_temps(
        base_postgres,
        horloge,
        [
            lambda a: a.creer_dossier_importe(GESTIONNAIRE_1, affectation_id),
            lambda a: a.creer_dossier_importe(GESTIONNAIRE_2, affectation_id),
        ],
    )

    gagnant = issues[un_gagnant_un_conflit(issues)]
    assert isinstance(gagnant, Resultat)
    enregistres = topics(app, position)
    assert enregistres.count("domain.dossier:Dossier.Cree") == 1
    assert enregistres.count("domain.ppae:PPAE.Ouvert") == 1
    affectation = app.repository.get(affectation_id)
    assert (affectation.dossier_id, affectation.ppae_id) == (gagnant.dossier_id, gagnant.ppae_id)
    dossier: Dossier = app.repository.get(affectation.dossier_id)
    assert dossier.ppae_ouvert == gagnant.ppae_id


def test_une_version_attendue_perimee_est_refusee_sans_rien_enregistrer(
    app: Cotraitance,
) -> None:
    """R21/optimistic concurrency: a screen showing version N cannot overwrite version N+1.

    The command carrying the stale expected version gets CONFLIT_VERSION, nothing is recorded,
    and the same command succeeds once the screen reloaded the current version.
    """
    _, ppae_id = ouvrir_un_ppae(app)
    version_affichee = app.repository.get(ppae_id).version
    app.affecter_conseiller(GESTIONNAIRE_1, ppae_id, "C1", version_attendue=version_affichee)
    position = app.recorder.max_notification_id()

    with pytest.raises(ConflitVersion) as refus:
        app.affecter_conseiller(GESTIONNAIRE_2, ppae_id, "C2", version_attendue=version_affichee)

    assert refus.value.code == "CONFLIT_VERSION"
    assert app.recorder.max_notification_id() == position
    assert app.repository.get(ppae_id).conseiller_id == "C1"
    version_rechargee = app.repository.get(ppae_id).version
    app.affecter_conseiller(GESTIONNAIRE_2, ppae_id, "C2", version_attendue=version_rechargee)
    assert app.repository.get(ppae_id).conseiller_id == "C2"
