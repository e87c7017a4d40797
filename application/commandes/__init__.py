"""Every command of the application, as a value (see ``base.py``)."""

from application.commandes.affectations import (
    ActualiserRapprochements,
    CreerDossierImporte,
    DeciderAffectation,
    Rapprocher,
    ResoudreConflitAffectation,
)
from application.commandes.base import Commande, Monde
from application.commandes.dossiers import (
    AnnulerEvenement,
    CorrigerEvenement,
    CreerDossier,
    JustifierDossier,
    SaisirEvenement,
    SupprimerDossier,
    TransfererDonnees,
)
from application.commandes.ppae import (
    AccepterPpae,
    AffecterConseiller,
    AnnulerRapprochement,
    ArreterCotraitance,
    ProposerRendezVous,
    RenseignerRendezVous,
    SortirPpae,
)
from application.commandes.referentiel import EnregistrerMissionLocale, RecevoirAffectation

__all__ = [
    "AccepterPpae",
    "ActualiserRapprochements",
    "AffecterConseiller",
    "AnnulerEvenement",
    "AnnulerRapprochement",
    "ArreterCotraitance",
    "Commande",
    "CorrigerEvenement",
    "CreerDossier",
    "CreerDossierImporte",
    "DeciderAffectation",
    "EnregistrerMissionLocale",
    "JustifierDossier",
    "Monde",
    "ProposerRendezVous",
    "Rapprocher",
    "RecevoirAffectation",
    "RenseignerRendezVous",
    "ResoudreConflitAffectation",
    "SaisirEvenement",
    "SortirPpae",
    "SupprimerDossier",
    "TransfererDonnees",
]
