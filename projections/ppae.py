"""The PPAE board: by status, cotraitance status and counselor."""

from __future__ import annotations

from typing import Any, ClassVar

from application.traitement.pages import Page, paginer, texte
from application.traitement.stockage import Curseur
from domain.ppae import PPAE, statut_apres
from domain.suivi import SuiviCotraitance
from domain.valeurs import StatutCotraitance, StatutPpae
from projections.vue import Ligne, VueTable


class TableauPPAE(VueTable):
    nom = "tableau_ppae"
    table = "vue_ppae"
    version = 2
    """2: the cotraitance status is the domain's R6 fold (none once the PPAE has started)."""
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
        if isinstance(e, PPAE.Ouvert):
            ligne = {
                "ppae_id": str(e.originator_id),
                "code_ml": e.code_ml,
                "dossier_id": str(e.dossier_id),
                "affectation_id": str(e.affectation_id) if e.affectation_id else None,
                "statut": StatutPpae.NON_INITIALISE.value,
                "date_affectation": texte(e.date_affectation),
                "date_entree": None,
                "date_sortie": None,
                "ouvert_le": e.timestamp.isoformat(),
                "conseiller_id": None,
            }
            _suivre(ligne, SuiviCotraitance())
        elif ligne is None:
            return None
        elif isinstance(e, PPAE.ConseillerAffecte):
            ligne["conseiller_id"] = e.conseiller_id
            _suivre(ligne, _suivi(ligne).conseiller_affecte())
        elif isinstance(e, PPAE.RendezVousPropose):
            _suivre(ligne, _suivi(ligne).rendez_vous_propose())
        elif isinstance(e, PPAE.RendezVousRenseigne):
            _suivre(ligne, _suivi(ligne).rendez_vous_renseigne(e.statut))
        elif isinstance(e, PPAE.Accepte):
            ligne["date_entree"] = texte(e.date_entree)
        elif isinstance(e, PPAE.Sorti):
            ligne["date_sortie"] = texte(e.date_sortie)
        if (statut := statut_apres(e)) is not None:
            ligne["statut"] = statut.value
            _suivre(ligne, _suivi(ligne).termine())
        ligne["version"] = e.originator_version
        return ligne


def _suivi(ligne: Ligne) -> SuiviCotraitance:
    """R6 as the row holds it (the fold is the domain's, see domain/suivi.py)."""
    statut = ligne["statut_cotraitance"]
    return SuiviCotraitance(StatutCotraitance(statut) if statut else None, ligne["rdv_planifies"])


def _suivre(ligne: Ligne, suivi: SuiviCotraitance) -> None:
    ligne["statut_cotraitance"] = texte(suivi.statut)
    ligne["rdv_planifies"] = suivi.rdv_planifies


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


def conseillers_affectes(cur: Curseur, code_ml: str) -> dict[str, int]:
    """Each counselor's number of open PPAE (what a counselor's removal must not orphan)."""
    TableauPPAE().creer(cur)  # a store whose views were never built yet: none
    lignes = cur.fetchall(
        f"SELECT conseiller_id, COUNT(*) FROM {TableauPPAE.table} WHERE code_ml = %s "
        "AND statut IN (%s, %s) AND conseiller_id IS NOT NULL GROUP BY conseiller_id",
        [code_ml, StatutPpae.NON_INITIALISE.value, StatutPpae.EN_COURS.value],
    )
    return {str(conseiller): int(nombre) for conseiller, nombre in lignes}
