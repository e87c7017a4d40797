"""The PPAE aggregate alone, in memory (no application, no database): the fast tier.

A hypothesis state machine drives one PPAE through random commands; after every step, replaying
its events gives the same state (R12: history is the truth), closure is final, and R6's status
exists only before the PPAE starts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.erreurs import ErreurMetier
from domain.ppae import PPAE, statut_apres
from domain.regles import Regles
from domain.suivi import SuiviCotraitance
from domain.valeurs import (
    MarqueurDude,
    MotifArret,
    MotifSortie,
    StatutCotraitance,
    StatutPpae,
    StatutRendezVous,
)

AUJOURDHUI = date(2026, 11, 20)
AFFECTATION = date(2026, 9, 1)


def ouvrir(marqueur: MarqueurDude = MarqueurDude.IMPORTE_DUDE) -> PPAE:
    return PPAE(
        dossier_id=uuid4(),
        affectation_id=uuid4(),
        code_ml="ML001",
        date_affectation=AFFECTATION,
        marqueur=marqueur,
        date_dernier_entretien_dude=None,
        periodes_radiation=[],
    )


def rejouer(ppae: PPAE, evenements: list[Any]) -> PPAE:
    copie: Any = None
    for evenement in evenements:
        copie = evenement.mutate(copie)
    assert isinstance(copie, PPAE)
    return copie


def etat(ppae: PPAE) -> dict[str, Any]:
    return {k: v for k, v in vars(ppae).items() if k != "_pending_events"}


def test_un_ppae_entre_quand_les_trois_conditions_sont_reunies() -> None:
    """R8: the last of the three conditions triggers the transition (here: the interview)."""
    ppae = ouvrir()
    ppae.accepter(date(2026, 10, 1), AUJOURDHUI)
    assert not ppae.evaluer_entree(True, [date(2026, 9, 20)])  # before the entry date
    assert ppae.evaluer_entree(True, [date(2026, 10, 5)])
    assert ppae.statut is StatutPpae.EN_COURS
    assert ppae.statut_cotraitance is None  # R6: no cotraitance status once started


def test_le_statut_de_cotraitance_suit_conseiller_et_rendez_vous() -> None:
    """R6."""
    ppae = ouvrir()
    assert ppae.statut_cotraitance is StatutCotraitance.A_AFFECTER
    ppae.affecter_conseiller("C1")
    assert ppae.statut_cotraitance is StatutCotraitance.ATTENTE_PLANIFICATION_RDV
    ppae.proposer_rendez_vous("r1", date(2026, 11, 10))
    ppae.proposer_rendez_vous("r2", date(2026, 11, 12))
    assert ppae.statut_cotraitance is StatutCotraitance.EN_ATTENTE_ENTRETIEN
    ppae.renseigner_rendez_vous("r1", StatutRendezVous.REPORTE, AUJOURDHUI)
    assert ppae.statut_cotraitance is StatutCotraitance.EN_ATTENTE_ENTRETIEN  # r2 still planned
    ppae.renseigner_rendez_vous("r2", StatutRendezVous.ANNULE, AUJOURDHUI)
    assert ppae.statut_cotraitance is StatutCotraitance.ATTENTE_PLANIFICATION_RDV


def test_l_arret_anticipe_n_est_permis_qu_avant_l_entree() -> None:
    """R10."""
    ppae = ouvrir()
    ppae.accepter(date(2026, 10, 1), AUJOURDHUI)
    ppae.evaluer_entree(True, [date(2026, 10, 5)])
    with pytest.raises(ErreurMetier) as refus:
        ppae.arreter(MotifArret.REFUS_DU_JEUNE, False, Regles(), AUJOURDHUI)
    assert refus.value.code == "TRANSITION_INTERDITE"


def test_chaque_evenement_qui_change_le_statut_le_porte() -> None:
    """Events carry their outcome: what a fold copies instead of recomputing."""
    ppae = ouvrir()
    ppae.arreter(MotifArret.REFUS_DU_JEUNE, False, Regles(), AUJOURDHUI)
    ouvert, arrete = ppae.collect_events()
    assert statut_apres(ouvert) is None
    assert statut_apres(arrete) is StatutPpae.SUPPRIME


class UnPPAE(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ppae = ouvrir(MarqueurDude.RAPPROCHE_DUDE)
        self.evenements: list[Any] = list(self.ppae.collect_events())
        self.suivi = SuiviCotraitance()
        self.final: StatutPpae | None = None
        self.numero = 0

    def tenter(self, action: Any) -> None:
        try:
            action()
        except ErreurMetier:
            assert not self.ppae.pending_events  # a refusal changes nothing
        nouveaux = list(self.ppae.collect_events())
        for e in nouveaux:  # the board's fold, event by event, through the same R6 rules
            if isinstance(e, PPAE.ConseillerAffecte):
                self.suivi = self.suivi.conseiller_affecte()
            elif isinstance(e, PPAE.RendezVousPropose):
                self.suivi = self.suivi.rendez_vous_propose()
            elif isinstance(e, PPAE.RendezVousRenseigne):
                self.suivi = self.suivi.rendez_vous_renseigne(e.statut)
            if statut_apres(e) is not None:
                self.suivi = self.suivi.termine()
        self.evenements.extend(nouveaux)

    @rule(conseiller=st.sampled_from(["C1", "C2"]))
    def affecter(self, conseiller: str) -> None:
        self.tenter(lambda: self.ppae.affecter_conseiller(conseiller))

    @rule(jours=st.integers(-5, 120))
    def proposer(self, jours: int) -> None:
        self.numero += 1
        rdv = f"r{self.numero}"
        self.tenter(
            lambda: self.ppae.proposer_rendez_vous(rdv, AFFECTATION + timedelta(days=jours))
        )

    @rule(issue=st.sampled_from(list(StatutRendezVous)), data=st.data())
    def renseigner(self, issue: StatutRendezVous, data: st.DataObject) -> None:
        if not self.ppae.rendez_vous:
            return
        rdv = data.draw(st.sampled_from(sorted(self.ppae.rendez_vous)))
        self.tenter(lambda: self.ppae.renseigner_rendez_vous(rdv, issue, AUJOURDHUI))

    @rule(jours=st.integers(-5, 90), justifie=st.booleans(), entretien=st.integers(0, 90))
    def accepter(self, jours: int, justifie: bool, entretien: int) -> None:
        entree = AFFECTATION + timedelta(days=jours)

        def accepter_puis_evaluer() -> None:
            self.ppae.accepter(entree, AUJOURDHUI)
            self.ppae.evaluer_entree(justifie, [AFFECTATION + timedelta(days=entretien)])

        self.tenter(accepter_puis_evaluer)

    @rule(motif=st.sampled_from(list(MotifArret)))
    def arreter(self, motif: MotifArret) -> None:
        self.tenter(lambda: self.ppae.arreter(motif, True, Regles(), AUJOURDHUI))

    @rule(jours=st.integers(0, 90), motif=st.sampled_from(list(MotifSortie)))
    def sortir(self, jours: int, motif: MotifSortie) -> None:
        self.tenter(
            lambda: self.ppae.sortir(AFFECTATION + timedelta(days=jours), motif, AUJOURDHUI)
        )

    @rule()
    def annuler_le_rapprochement(self) -> None:
        self.tenter(self.ppae.annuler_rapprochement)

    @invariant()
    def rejouer_les_evenements_redonne_l_etat(self) -> None:
        assert etat(rejouer(self.ppae, self.evenements)) == etat(self.ppae)

    @invariant()
    def la_cloture_est_definitive(self) -> None:
        if self.final is not None:
            assert self.ppae.statut is self.final
        if self.ppae.statut.est_final:
            self.final = self.ppae.statut

    @invariant()
    def le_statut_de_cotraitance_n_existe_qu_avant_l_entree(self) -> None:
        """R6 in one place: the aggregate and the same fold event by event agree."""
        assert self.ppae.suivi == self.suivi
        demarre = self.ppae.statut is not StatutPpae.NON_INITIALISE
        assert (self.ppae.statut_cotraitance is None) == demarre

    @invariant()
    def l_entree_precede_la_sortie(self) -> None:
        if self.ppae.date_sortie is not None:
            assert self.ppae.date_entree is not None
            assert self.ppae.date_entree <= self.ppae.date_sortie


UnPPAE.TestCase.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
TestUnPPAEEnMemoire = UnPPAE.TestCase
