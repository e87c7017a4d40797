"""The contract's object types, by family, resolved from aggregates loaded in batches."""

from api.types.affectation import Affectation
from api.types.commun import (
    Avertissement,
    Connection,
    Conseiller,
    Ctx,
    Edge,
    Identite,
    Node,
    PageInfo,
    Utilisateur,
)
from api.types.dossier import Dossier, Evenement, FaitHistorique
from api.types.ppae import PPAE, ConditionsEntree, RendezVous

__all__ = [
    "PPAE",
    "Affectation",
    "Avertissement",
    "ConditionsEntree",
    "Connection",
    "Conseiller",
    "Ctx",
    "Dossier",
    "Edge",
    "Evenement",
    "FaitHistorique",
    "Identite",
    "Node",
    "PageInfo",
    "RendezVous",
    "Utilisateur",
]
