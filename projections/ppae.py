"""The PPAE board: by status, cotraitance status and counselor."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.ppae import PPAE
from domain.valeurs import StatutCotraitance, StatutPpae, StatutRendezVous
from projections.requetes import Page, paginer, texte
from projections.stockage import Curseur
from projections.vue import Ligne, VueTable, classes_evenements

(
    Ouvert,
    ConseillerAffecte,
    RendezVousPropose,
    RendezVousRenseigne,
    Accepte,
    EntreeEnCours,
    EntreeRetroactive,
    Sorti,
    ArreteAnticipe,
    RapprochementAnnule,
    ClosDossierSupprime,
) = classes_evenements(
    PPAE,
    "Ouvert",
    "ConseillerAffecte",
    "RendezVousPropose",
    "RendezVousRenseigne",
    "Accepte",
    "EntreeEnCours",
    "EntreeRetroactive",
    "Sorti",
    "ArreteAnticipe",
    "RapprochementAnnule",
    "ClosDossierSupprime",
)


class TableauPPAE(VueTable):
    nom = "tableau_ppae"
    table = "vue_ppae"
    colonnes: ClassVar[dict[str, str]] = {
        "ppae_id": "TEXT",
        "code_ml": "TEXT NOT NULL",
        "dossier_id": "TEXT NOT NULL",
        "affectation_id": "TEXT",
        "statut": "TEXT NOT NULL",
        "statut_cotraitance": "TEXT",
        "conseiller_id": "TEXT",
        "rdv_planifies": "INTEGER NOT NULL",
        "date_affectation": "TEXT NOT NULL",
        "date_entree": "TEXT",
        "date_sortie": "TEXT",
        "ouvert_le": "TEXT NOT NULL",
        "version": "BIGINT NOT NULL",
    }
    index = (
        "(code_ml, statut, ouvert_le)",
        "(code_ml, conseiller_id)",
        "(dossier_id)",
    )
    agregats = (PPAE,)

    def cle_de(self, evenement: Any) -> str | None:
        return str(evenement.originator_id) if isinstance(evenement, PPAE.Event) else None

    def appliquer(self, ligne: Ligne | None, e: Any) -> Ligne | None:
        if isinstance(e, Ouvert):
            ligne = {
                "ppae_id": str(e.originator_id),
                "code_ml": e.code_ml,
                "dossier_id": str(e.dossier_id),
                "affectation_id": str(e.affectation_id) if e.affectation_id else None,
                "statut": StatutPpae.NON_INITIALISE.value,
                "statut_cotraitance": StatutCotraitance.A_AFFECTER.value,
                "conseiller_id": None,
                "rdv_planifies": 0,
                "date_affectation": texte(e.date_affectation),
                "date_entree": None,
                "date_sortie": None,
                "ouvert_le": e.timestamp.isoformat(),
            }
        elif ligne is None:
            return None
        elif isinstance(e, ConseillerAffecte):
            ligne["conseiller_id"] = e.conseiller_id
            if ligne["statut_cotraitance"] == StatutCotraitance.A_AFFECTER.value:
                ligne["statut_cotraitance"] = StatutCotraitance.ATTENTE_PLANIFICATION_RDV.value
        elif isinstance(e, RendezVousPropose):
            ligne["statut_cotraitance"] = StatutCotraitance.EN_ATTENTE_ENTRETIEN.value
            ligne["rdv_planifies"] += 1
        elif isinstance(e, RendezVousRenseigne):
            ligne["rdv_planifies"] -= 1
            reporte = e.statut in (StatutRendezVous.ANNULE, StatutRendezVous.REPORTE)
            if reporte and ligne["rdv_planifies"] == 0:
                ligne["statut_cotraitance"] = StatutCotraitance.ATTENTE_PLANIFICATION_RDV.value
        elif isinstance(e, Accepte):
            ligne["date_entree"] = texte(e.date_entree)
        elif isinstance(e, EntreeEnCours | EntreeRetroactive):
            ligne["statut"] = StatutPpae.EN_COURS.value
        elif isinstance(e, Sorti):
            ligne.update(statut=StatutPpae.TERMINE.value, date_sortie=texte(e.date_sortie))
        elif isinstance(e, ArreteAnticipe | RapprochementAnnule | ClosDossierSupprime):
            ligne["statut"] = StatutPpae.SUPPRIME.value
        ligne["version"] = e.originator_version
        return ligne


def lister(
    cur: Curseur,
    code_ml: str,
    statut: StatutPpae | None = None,
    statut_cotraitance: StatutCotraitance | None = None,
    conseiller_id: str | None = None,
    apres: tuple[str, str] | None = None,
    limite: int = 20,
) -> Page:
    conditions, params = ["code_ml = %s"], [code_ml]
    for colonne, valeur in (
        ("statut", texte(statut)),
        ("statut_cotraitance", texte(statut_cotraitance)),
        ("conseiller_id", conseiller_id),
    ):
        if valeur is not None:
            conditions.append(f"{colonne} = %s")
            params.append(valeur)
    vue = TableauPPAE
    return paginer(
        cur,
        vue.table,
        list(vue.colonnes),
        conditions,
        params,
        ("ouvert_le", "ppae_id"),
        apres,
        limite,
    )
