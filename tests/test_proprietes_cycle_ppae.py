"""Lifecycle properties of the PPAE, driven through the application (R4, R6-R11, R19, R20).

A hypothesis state machine plays random sequences of commands on one SQLite file: intake
and resolution of affectations, counselors, appointments, interviews, justification,
acceptance, early stop, exit, cancelled matches, deleted dossiers. A business refusal is a
valid outcome, provided it records nothing. After every step the invariants of DESIGN.md
must hold: replaying the history gives the live state, at most one open PPAE per dossier,
closure is final, entry before exit, and a PPAE only runs once the three R8 conditions held.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from application.contexte import Contexte, Resultat, systeme
from application.horloge import HorlogeFixe
from application.magasin.persistance import base_depuis_url
from cotraitance.racine import assembler, construire_application
from domain.affectation import DonneesAffectation
from domain.dossier import Dossier
from domain.erreurs import ErreurMetier
from domain.ppae import PPAE
from domain.valeurs import (
    Acteur,
    Conseiller,
    Identite,
    MarqueurDude,
    MotifArret,
    MotifSortie,
    Periode,
    Role,
    StatutPpae,
    StatutRendezVous,
    TypeAffectation,
    TypeEvenement,
)
from projections import ppae as tableau

AUJOURDHUI = date(2026, 11, 20)
ML = "ML001"
OUVERTS = (StatutPpae.NON_INITIALISE, StatutPpae.EN_COURS)
DEMARRES = (StatutPpae.EN_COURS, StatutPpae.TERMINE)

# A position on the span [start, today], in percent: below 0 is that many days before the
# start (an assignment date, an entry date), above 100 that many days after today.
positions = st.integers(min_value=-10, max_value=105)
avant_le_debut = st.integers(min_value=-10, max_value=-1)
# Entries tend to come early and interviews late, so that runs often reach EN_COURS.
positions_d_entree = st.one_of(st.integers(0, 40), avant_le_debut, st.integers(0, 40), positions)
positions_de_sortie = st.one_of(positions, avant_le_debut, positions)
anciennetes = st.integers(min_value=0, max_value=120)
derniers_entretiens_dude = st.none() | st.integers(min_value=1, max_value=30)
positions_d_entretien = st.one_of(
    st.integers(40, 100), avant_le_debut, st.integers(40, 100), positions
)


def jour_entre(debut: date, position: int) -> date:
    if position < 0:
        return debut + timedelta(days=position)
    if position > 100:
        return AUJOURDHUI + timedelta(days=position - 100)
    return debut + timedelta(days=(AUJOURDHUI - debut).days * position // 100)


PERSONNEL = {"identite", "identifiant_pe", "piece", "identifiant_pe_avant_rapprochement"}


def etat(agregat: Aggregate) -> dict[str, Any]:
    """Every attribute of an aggregate (version, timestamps included), pending events excepted.
    A deleted dossier's personal data is erased (R20): only its other facts are compared."""
    attributs = {k: v for k, v in vars(agregat).items() if k != "_pending_events"}
    if isinstance(agregat, Dossier) and agregat.supprime:
        attributs = {k: v for k, v in attributs.items() if k not in PERSONNEL}
        attributs["evenements"] = {
            i: (e.type, e.date, e.annule, e.remplace) for i, e in agregat.evenements.items()
        }
    return attributs


class CycleDeVie(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.repertoire = tempfile.mkdtemp(prefix="cycle-ppae-")
        base = base_depuis_url(f"sqlite:///{self.repertoire}/x.db")
        self.app = construire_application(base, HorlogeFixe(AUJOURDHUI))
        # A copy of each aggregate as it was in memory when saved, told by the application's
        # public listener (what the read cache listens to).
        self.etats_vivants: dict[UUID, Aggregate] = {}
        self.app.ecouteurs.append(self.observer)
        self.app.enregistrer_mission_locale(
            systeme(ML),
            ML,
            "Mission Locale de Paris Est",
            ["75111", "75120"],
            [Conseiller("C1", "Claire Martin"), Conseiller("C2", "Karim Benali")],
        )
        # A second instance on the same file: it knows nothing but the stored events.
        self.relecture = construire_application(base, HorlogeFixe(AUJOURDHUI))
        # The read models of that file, caught up after each step.
        self.lectures = assembler(base, self.relecture)
        self.gestionnaire = Contexte(Acteur("gestion-1", Role.GESTIONNAIRE, ML))
        self.numero = 0
        self.affectations: list[UUID] = []
        self.dossiers: list[UUID] = []
        self.ppaes: list[UUID] = []
        self.evenements: dict[UUID, list[str]] = {}
        self.rendez_vous: dict[UUID, list[str]] = {}
        self.statuts_finaux: dict[UUID, StatutPpae] = {}
        self.entrees_constatees: set[UUID] = set()

    def observer(self, agregats: Sequence[Aggregate]) -> None:
        for agregat in agregats:
            self.etats_vivants[agregat.id] = copy.deepcopy(agregat)

    def teardown(self) -> None:
        self.lectures.stockage.close()
        self.relecture.close()
        self.app.close()
        shutil.rmtree(self.repertoire, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def tenter(self, commande: Callable[..., Resultat], *args: Any) -> Resultat | None:
        """Runs a command; a business refusal is a valid outcome if it recorded nothing."""
        avant = self.app.recorder.max_notification_id()
        try:
            resultat = commande(self.gestionnaire, *args)
        except ErreurMetier as refus:
            event(f"{commande.__name__}: {refus.code}")
            assert self.app.recorder.max_notification_id() == avant, (
                f"{commande.__name__} refused but recorded events"
            )
            return None
        event(f"{commande.__name__}: ok")
        return resultat

    def ppae(self, ppae_id: UUID) -> PPAE:
        agregat: PPAE = self.app.repository.get(ppae_id)
        return agregat

    def dossier(self, dossier_id: UUID) -> Dossier:
        agregat: Dossier = self.app.repository.get(dossier_id)
        return agregat

    def date_de_reference(self, dossier: Dossier) -> date:
        """The assignment date of the dossier's latest PPAE: interviews are dated around it."""
        if not dossier.ppae_ids:
            return AUJOURDHUI - timedelta(days=90)
        return self.ppae(dossier.ppae_ids[-1]).date_affectation

    def noter(self, resultat: Resultat | None) -> None:
        if resultat is None:
            return
        if resultat.dossier_id and resultat.dossier_id not in self.dossiers:
            self.dossiers.append(resultat.dossier_id)
        if resultat.ppae_id and resultat.ppae_id not in self.ppaes:
            self.ppaes.append(resultat.ppae_id)
        if resultat.evenement_id and resultat.dossier_id:
            self.evenements.setdefault(resultat.dossier_id, []).append(resultat.evenement_id)

    def resoudre(self, affectation_id: UUID, dossier_id: UUID | None) -> None:
        """R4: create an IMPORTE_DUDE dossier, or match the affectation to a chosen dossier."""
        if dossier_id is None:
            self.noter(self.tenter(self.app.creer_dossier_importe, affectation_id))
        else:
            self.noter(self.tenter(self.app.rapprocher, affectation_id, dossier_id))

    def choisir_dossier(self, data: st.DataObject) -> UUID:
        """Half the time the dossier of a PPAE, so that the R8 conditions meet on one youth."""
        if self.ppaes and not data.draw(st.booleans()):
            return self.ppae(data.draw(st.sampled_from(self.ppaes))).dossier_id
        return data.draw(st.sampled_from(self.dossiers))

    def choisir_ppae(self, data: st.DataObject, statut: StatutPpae) -> UUID:
        """Half the time a PPAE in the given status, if any, so that lifecycles go further."""
        dans_le_statut = [i for i in self.ppaes if self.ppae(i).statut is statut]
        if dans_le_statut and not data.draw(st.booleans()):
            return data.draw(st.sampled_from(dans_le_statut))
        return data.draw(st.sampled_from(self.ppaes))

    # ------------------------------------------------------------------ intake (R4)

    def recevoir_et_accepter(
        self, anciennete: int, dernier_entretien_dude: int | None, radiee: bool
    ) -> UUID:
        self.numero += 1
        date_affectation = AUJOURDHUI - timedelta(days=anciennete)
        dernier = (
            None
            if dernier_entretien_dude is None
            else date_affectation - timedelta(days=dernier_entretien_dude)
        )
        radiation = (
            (Periode(date_affectation, date_affectation + timedelta(days=10)),) if radiee else ()
        )
        donnees = DonneesAffectation(
            id_affectation=f"AFF-{self.numero}",
            code_ml=ML,
            date_affectation=date_affectation,
            type_affectation=TypeAffectation.INITIALE,
            identifiant_pe=f"{self.numero:07d}P",
            identite=Identite(f"NOM{self.numero}", "Lea", date(2006, 3, 1), commune_insee="75111"),
            date_dernier_entretien_dude=dernier,
            periodes_radiation=radiation,
        )
        affectation_id = self.app.recevoir_affectation(systeme(ML), donnees).affectation_id
        assert affectation_id is not None
        self.app.decider_affectation(self.gestionnaire, affectation_id, True, None)
        self.affectations.append(affectation_id)
        return affectation_id

    @initialize(anciennete=anciennetes, dernier_entretien_dude=derniers_entretiens_dude)
    def une_premiere_affectation_importee(
        self, anciennete: int, dernier_entretien_dude: int | None
    ) -> None:
        self.resoudre(self.recevoir_et_accepter(anciennete, dernier_entretien_dude, False), None)
        assert self.ppaes, "a new affectation creates an IMPORTE_DUDE dossier"

    @rule(
        anciennete=anciennetes,
        dernier_entretien_dude=derniers_entretiens_dude,
        radiee=st.booleans(),
        rapprocher=st.booleans(),
        data=st.data(),
    )
    def recevoir_accepter_et_resoudre_une_affectation(
        self,
        anciennete: int,
        dernier_entretien_dude: int | None,
        radiee: bool,
        rapprocher: bool,
        data: st.DataObject,
    ) -> None:
        affectation_id = self.recevoir_et_accepter(anciennete, dernier_entretien_dude, radiee)
        cible = data.draw(st.sampled_from(self.dossiers)) if rapprocher else None
        self.resoudre(affectation_id, cible)

    @rule(rapprocher=st.booleans(), data=st.data())
    def resoudre_une_affectation_a_nouveau(self, rapprocher: bool, data: st.DataObject) -> None:
        """After a cancelled match or a deleted dossier the affectation is to resolve again."""
        affectation_id = data.draw(st.sampled_from(self.affectations))
        cible = data.draw(st.sampled_from(self.dossiers)) if rapprocher else None
        self.resoudre(affectation_id, cible)

    @rule(justifie=st.booleans())
    def creer_un_dossier_a_la_main(self, justifie: bool) -> None:
        self.numero += 1
        identite = Identite(f"MAIN{self.numero}", "Yanis", date(2005, 7, 14))
        self.noter(self.tenter(self.app.creer_dossier, identite, None, (), justifie))

    # ------------------------------------------------------------------ follow-up (R6, R7)

    @rule(conseiller=st.sampled_from(["C1", "C2", "C9"]), data=st.data())
    def affecter_un_conseiller(self, conseiller: str, data: st.DataObject) -> None:
        ppae_id = data.draw(st.sampled_from(self.ppaes))
        self.tenter(self.app.affecter_conseiller, ppae_id, conseiller)

    @rule(position=positions, data=st.data())
    def proposer_un_rendez_vous(self, position: int, data: st.DataObject) -> None:
        ppae_id = data.draw(st.sampled_from(self.ppaes))
        jour = jour_entre(self.ppae(ppae_id).date_affectation, position)
        resultat = self.tenter(self.app.proposer_rendez_vous, ppae_id, jour)
        if resultat is not None and resultat.rendez_vous_id:
            self.rendez_vous.setdefault(ppae_id, []).append(resultat.rendez_vous_id)

    @precondition(lambda self: self.rendez_vous)
    @rule(statut=st.sampled_from(StatutRendezVous), data=st.data())
    def renseigner_un_rendez_vous(self, statut: StatutRendezVous, data: st.DataObject) -> None:
        ppae_id = data.draw(st.sampled_from(list(self.rendez_vous)))
        rendez_vous_id = data.draw(st.sampled_from(self.rendez_vous[ppae_id]))
        self.noter(self.tenter(self.app.renseigner_rendez_vous, ppae_id, rendez_vous_id, statut))

    @rule(
        type_evenement=st.sampled_from(
            [TypeEvenement.ENTRETIEN_INDIVIDUEL] * 3 + [TypeEvenement.ATELIER]
        ),
        position=positions_d_entretien,
        data=st.data(),
    )
    def saisir_un_evenement(
        self, type_evenement: TypeEvenement, position: int, data: st.DataObject
    ) -> None:
        dossier_id = self.choisir_dossier(data)
        jour = jour_entre(self.date_de_reference(self.dossier(dossier_id)), position)
        self.noter(self.tenter(self.app.saisir_evenement, dossier_id, type_evenement, jour))

    @precondition(lambda self: self.evenements)
    @rule(position=positions_d_entretien, data=st.data())
    def corriger_un_entretien(self, position: int, data: st.DataObject) -> None:
        dossier_id = data.draw(st.sampled_from(list(self.evenements)))
        evenement_id = data.draw(st.sampled_from(self.evenements[dossier_id]))
        jour = jour_entre(self.date_de_reference(self.dossier(dossier_id)), position)
        self.noter(
            self.tenter(
                self.app.corriger_evenement,
                dossier_id,
                evenement_id,
                TypeEvenement.ENTRETIEN_INDIVIDUEL,
                jour,
            )
        )

    @precondition(lambda self: self.evenements)
    @rule(data=st.data())
    def annuler_un_evenement(self, data: st.DataObject) -> None:
        dossier_id = data.draw(st.sampled_from(list(self.evenements)))
        evenement_id = data.draw(st.sampled_from(self.evenements[dossier_id]))
        self.tenter(self.app.annuler_evenement, dossier_id, evenement_id, "erreur de saisie")

    @rule(piece=st.sampled_from(["CNI", "Passeport", "  "]), data=st.data())
    def justifier_un_dossier(self, piece: str, data: st.DataObject) -> None:
        dossier_id = self.choisir_dossier(data)
        actif = not self.dossier(dossier_id).supprime
        resultat = self.tenter(self.app.justifier_dossier, dossier_id, piece)
        assert (resultat is not None) == (actif and bool(piece.strip()))

    # ------------------------------------------------------------------ lifecycle (R8-R11, R19)

    @rule(position=positions_d_entree, data=st.data())
    def accepter_avec_une_date_d_entree(self, position: int, data: st.DataObject) -> None:
        """R9: not in the future, not before the assignment, after the last DUDE interview."""
        ppae_id = self.choisir_ppae(data, StatutPpae.NON_INITIALISE)
        avant = self.ppae(ppae_id)
        entree = jour_entre(avant.date_affectation, position)
        dernier = avant.date_dernier_entretien_dude
        admissible = (
            avant.statut is StatutPpae.NON_INITIALISE
            and avant.date_affectation <= entree <= AUJOURDHUI
            and (dernier is None or entree > dernier)
        )
        resultat = self.tenter(self.app.accepter_ppae, ppae_id, entree)
        assert (resultat is not None) == admissible
        if resultat is not None:
            assert self.ppae(ppae_id).date_entree == entree

    @rule(
        ordre=st.lists(
            st.sampled_from(["justifier", "entretien", "accepter"]),
            min_size=2,
            max_size=3,
            unique=True,
        ),
        position_entree=positions_d_entree,
        position_entretien=positions_d_entretien,
        data=st.data(),
    )
    def accueillir_un_jeune(
        self,
        ordre: list[str],
        position_entree: int,
        position_entretien: int,
        data: st.DataObject,
    ) -> None:
        """R8 in whatever order: a meeting where a counselor records two or three conditions."""
        ppae_id = self.choisir_ppae(data, StatutPpae.NON_INITIALISE)
        ppae = self.ppae(ppae_id)
        for etape in ordre:
            if etape == "justifier":
                self.tenter(self.app.justifier_dossier, ppae.dossier_id, "CNI")
            elif etape == "entretien":
                jour = jour_entre(ppae.date_affectation, position_entretien)
                self.noter(
                    self.tenter(
                        self.app.saisir_evenement,
                        ppae.dossier_id,
                        TypeEvenement.ENTRETIEN_INDIVIDUEL,
                        jour,
                    )
                )
            else:
                entree = jour_entre(ppae.date_affectation, position_entree)
                self.tenter(self.app.accepter_ppae, ppae_id, entree)

    @rule(motif=st.sampled_from(MotifArret), reaffecter=st.booleans(), data=st.data())
    def arreter_par_anticipation(
        self, motif: MotifArret, reaffecter: bool, data: st.DataObject
    ) -> None:
        """R10: only from NON_INITIALISE; repeated absences need two missed convocations."""
        ppae_id = data.draw(st.sampled_from(self.ppaes))
        avant = self.ppae(ppae_id)
        regles = self.app.regles
        anciennete = (AUJOURDHUI - avant.date_affectation).days
        admissible = avant.statut is StatutPpae.NON_INITIALISE and (
            (
                motif is MotifArret.ABSENCES_REPETEES
                and avant.convocations_manquees >= regles.convocations_manquees_min
            )
            or motif is MotifArret.REFUS_DU_JEUNE
            or (
                motif is MotifArret.AFFECTATION_NON_TRAITEE
                and anciennete >= regles.anciennete_affectation_jours
            )
        )
        resultat = self.tenter(self.app.arreter_cotraitance, ppae_id, motif, reaffecter)
        assert (resultat is not None) == admissible
        if resultat is not None:
            assert self.ppae(ppae_id).statut is StatutPpae.SUPPRIME

    @rule(position=positions_de_sortie, motif=st.sampled_from(MotifSortie), data=st.data())
    def sortir_du_ppae(self, position: int, motif: MotifSortie, data: st.DataObject) -> None:
        """R11: only from EN_COURS, on or after the entry date, not in the future."""
        ppae_id = self.choisir_ppae(data, StatutPpae.EN_COURS)
        avant = self.ppae(ppae_id)
        sortie = jour_entre(avant.date_entree or avant.date_affectation, position)
        admissible = (
            avant.statut is StatutPpae.EN_COURS
            and avant.date_entree is not None
            and avant.date_entree <= sortie <= AUJOURDHUI
        )
        resultat = self.tenter(self.app.sortir_ppae, ppae_id, sortie, motif)
        assert (resultat is not None) == admissible
        if resultat is not None:
            assert self.ppae(ppae_id).statut is StatutPpae.TERMINE

    @rule(data=st.data())
    def annuler_un_rapprochement(self, data: st.DataObject) -> None:
        """R19: only a RAPPROCHE_DUDE PPAE still non initialisé."""
        ppae_id = data.draw(st.sampled_from(self.ppaes))
        avant = self.ppae(ppae_id)
        admissible = (
            avant.marqueur is MarqueurDude.RAPPROCHE_DUDE
            and avant.statut is StatutPpae.NON_INITIALISE
        )
        resultat = self.tenter(self.app.annuler_rapprochement, ppae_id)
        assert (resultat is not None) == admissible

    @rule(confirmer=st.booleans(), data=st.data())
    def supprimer_un_dossier(self, confirmer: bool, data: st.DataObject) -> None:
        """R20: refused once a PPAE ran or flows left; confirmed when there is history."""
        dossier_id = data.draw(st.sampled_from(self.dossiers))
        avant = self.dossier(dossier_id)
        ppaes = [self.ppae(i) for i in avant.ppae_ids]
        interdite = avant.supprime or any(
            p.statut in DEMARRES or p.motif_arret is not None for p in ppaes
        )
        admissible = not interdite and (confirmer or not avant.a_un_historique())
        resultat = self.tenter(self.app.supprimer_dossier, dossier_id, confirmer)
        assert (resultat is not None) == admissible
        if resultat is not None:
            assert all(self.ppae(i).statut.est_final for i in avant.ppae_ids)

    # ------------------------------------------------------------------ invariants

    def stockes(self, ids: list[UUID]) -> list[Any]:
        """The aggregates as stored: rebuilt from their events by the second instance."""
        return [self.relecture.repository.get(i) for i in ids]

    @invariant()
    def rejouer_l_historique_redonne_l_etat_vivant(self) -> None:
        """(a) The history is the source of truth: a replay gives what the command computed."""
        assert self.etats_vivants, "no save observed: the invariant would check nothing"
        for agregat_id, vivant in self.etats_vivants.items():
            rejoue = self.relecture.repository.get(agregat_id)
            assert type(rejoue) is type(vivant)
            assert etat(rejoue) == etat(vivant), type(vivant).__name__

    @invariant()
    def le_tableau_des_ppae_est_celui_des_agregats(self) -> None:
        """R6 in one place: the board's fold and the aggregate agree on every PPAE, status and
        cotraitance status included, whatever the appointments' outcomes."""
        self.lectures.runner.rattraper()
        with self.lectures.lecture() as cur:
            page = tableau.lister(cur, ML, limite=1000)
        lignes = {UUID(ligne["ppae_id"]): ligne for ligne in page.lignes}
        assert set(lignes) == set(self.ppaes)
        for ppae_id, ligne in lignes.items():
            p = self.relecture.repository.get(ppae_id)
            attendu = {
                "statut": p.statut.value,
                "statut_cotraitance": p.statut_cotraitance.value if p.statut_cotraitance else None,
                "conseiller_id": p.conseiller_id,
                "date_entree": p.date_entree.isoformat() if p.date_entree else None,
                "date_sortie": p.date_sortie.isoformat() if p.date_sortie else None,
                "version": p.version,
            }
            assert {k: ligne[k] for k in attendu} == attendu
            if p.statut is not StatutPpae.NON_INITIALISE:
                assert p.statut_cotraitance is None

    @invariant()
    def un_dossier_n_a_jamais_deux_ppae_ouverts(self) -> None:
        """(b) R4: at most one PPAE non initialisé or en cours per dossier."""
        ouverts: dict[UUID, list[UUID]] = {}
        for ppae in self.stockes(self.ppaes):
            if ppae.statut in OUVERTS:
                ouverts.setdefault(ppae.dossier_id, []).append(ppae.id)
        for dossier_id, ids in ouverts.items():
            assert len(ids) == 1, f"dossier {dossier_id} has open PPAE {ids}"
            dossier = self.relecture.repository.get(dossier_id)
            assert not dossier.supprime
            assert dossier.ppae_ouvert == ids[0]

    @invariant()
    def un_dossier_ne_designe_comme_ouvert_qu_un_ppae_ouvert(self) -> None:
        """R4: the dossier's open PPAE, which blocks a new one, is really open."""
        for dossier in self.stockes(self.dossiers):
            if dossier.ppae_ouvert is not None and not dossier.supprime:
                assert self.relecture.repository.get(dossier.ppae_ouvert).statut in OUVERTS

    @invariant()
    def la_cloture_est_definitive(self) -> None:
        """(c) TERMINE and SUPPRIME are final."""
        for ppae in self.stockes(self.ppaes):
            deja = self.statuts_finaux.get(ppae.id)
            if deja is not None:
                assert ppae.statut is deja, f"{deja.value} → {ppae.statut.value}"
            elif ppae.statut.est_final:
                self.statuts_finaux[ppae.id] = ppae.statut
                event(f"a PPAE reached {ppae.statut.value}")

    @invariant()
    def la_date_d_entree_precede_la_date_de_sortie(self) -> None:
        """(d) R11."""
        for ppae in self.stockes(self.ppaes):
            if ppae.date_entree is not None and ppae.date_sortie is not None:
                assert ppae.date_entree <= ppae.date_sortie
            if ppae.statut is StatutPpae.TERMINE:
                assert ppae.date_sortie is not None

    @invariant()
    def un_ppae_ne_demarre_qu_avec_les_trois_conditions(self) -> None:
        """(e) R8: acceptance with an entry date, a justified dossier, an interview since entry.

        When a PPAE is first seen running, its interview must still stand; later on it may
        have been cancelled or corrected (the PPAE does not go back), but it stays recorded.
        """
        for ppae in self.stockes(self.ppaes):
            if ppae.statut not in DEMARRES:
                continue
            assert ppae.date_entree is not None
            assert ppae.date_entree >= ppae.date_affectation
            dossier = self.relecture.repository.get(ppae.dossier_id)
            assert dossier.justifie
            entretiens = [
                e
                for e in dossier.evenements.values()
                if e.type is TypeEvenement.ENTRETIEN_INDIVIDUEL and e.date >= ppae.date_entree
            ]
            if ppae.id not in self.entrees_constatees:
                entretiens = [e for e in entretiens if not e.annule]
                self.entrees_constatees.add(ppae.id)
                event("a PPAE reached EN_COURS")
            assert entretiens, f"PPAE {ppae.id} runs without an interview since its entry"

    @invariant()
    def les_trois_conditions_reunies_font_demarrer_le_ppae(self) -> None:
        """R8: the last of the three conditions to arrive triggers the transition."""
        for ppae in self.stockes(self.ppaes):
            if ppae.statut is not StatutPpae.NON_INITIALISE or ppae.date_entree is None:
                continue
            dossier = self.relecture.repository.get(ppae.dossier_id)
            entretien = any(d >= ppae.date_entree for d in dossier.entretiens())
            assert not (dossier.justifie and entretien), f"PPAE {ppae.id} should be EN_COURS"

    @invariant()
    def une_affectation_rapprochee_designe_son_ppae(self) -> None:
        """R4: a resolved affectation points at a PPAE opened for it, on its dossier."""
        for affectation in self.stockes(self.affectations):
            if affectation.ppae_id is not None:
                ppae = self.relecture.repository.get(affectation.ppae_id)
                assert ppae.affectation_id == affectation.id
                assert ppae.dossier_id == affectation.dossier_id


CycleDeVie.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCycleDeVieDuPPAE = CycleDeVie.TestCase
