"""R6, written once: the cotraitance status of a PPAE before it starts.

The aggregate and the PPAE board both fold the same events through this value, so they cannot
disagree. The status describes the wait for the first interview: once the PPAE has left
NON_INITIALISE (en cours, terminé or supprimé) it has none."""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.valeurs import StatutCotraitance, StatutRendezVous


@dataclass(frozen=True)
class SuiviCotraitance:
    statut: StatutCotraitance | None = StatutCotraitance.A_AFFECTER
    rdv_planifies: int = 0
    """Appointments proposed whose outcome is not recorded yet."""

    def conseiller_affecte(self) -> SuiviCotraitance:
        """A_AFFECTER → ATTENTE_PLANIFICATION_RDV; a change of counselor changes nothing else."""
        if self.statut is StatutCotraitance.A_AFFECTER:
            return replace(self, statut=StatutCotraitance.ATTENTE_PLANIFICATION_RDV)
        return self

    def rendez_vous_propose(self) -> SuiviCotraitance:
        if self.statut is None:
            return self
        return SuiviCotraitance(StatutCotraitance.EN_ATTENTE_ENTRETIEN, self.rdv_planifies + 1)

    def rendez_vous_renseigne(self, issue: StatutRendezVous) -> SuiviCotraitance:
        """An appointment cancelled or postponed with no other one planned: back to planning."""
        restants = max(0, self.rdv_planifies - 1)
        statut = self.statut
        if statut is not None and restants == 0 and issue in ANNULATIONS:
            statut = StatutCotraitance.ATTENTE_PLANIFICATION_RDV
        return SuiviCotraitance(statut, restants)

    def termine(self) -> SuiviCotraitance:
        """The PPAE left NON_INITIALISE: no cotraitance status any more."""
        return replace(self, statut=None)


ANNULATIONS = (StatutRendezVous.ANNULE, StatutRendezVous.REPORTE)
