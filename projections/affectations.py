"""Affectations by status (and list), for the intake screens. R3: the lists hold the accepted
affectations; one still to decide keeps the list it will join in ``liste_prevue``."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from application.traitement.pages import Page, paginer, texte
from application.traitement.stockage import Curseur
from domain.affectation import Affectation
from domain.valeurs import ListeCotraitance, StatutAffectation
from projections.vue import Ligne, VueTable


class AffectationsParStatut(VueTable):
    nom = "affectations_par_statut"
    version = 2
    """2: ``liste`` only once accepted, ``liste_prevue`` from intake."""
    table = "vue_affectations"
    colonnes: ClassVar[dict[str, str]] = {
        "affectation_id": "TEXT",
        "code_ml": "TEXT NOT NULL",
        "id_affectation": "TEXT NOT NULL",
        "statut": "TEXT NOT NULL",
        "liste": "TEXT",
        "liste_prevue": "TEXT",
        "motif_refus": "TEXT",
        "date_affectation": "TEXT NOT NULL",
        "tri": "TEXT NOT NULL",
        "dossier_id": "TEXT",
        "ppae_id": "TEXT",
        "conflits": "INTEGER NOT NULL",
        "version": "BIGINT NOT NULL",
    }
    index = ("(code_ml, statut, tri)", "(code_ml, liste, statut, tri)")
    agregats = (Affectation,)

    def cle_de(self, evenement: Any) -> str | None:
        return str(evenement.originator_id) if isinstance(evenement, Affectation.Event) else None

    def appliquer(self, ligne: Ligne | None, e: Any) -> Ligne | None:
        if isinstance(e, Affectation.Recue):
            ligne = {
                "affectation_id": str(e.originator_id),
                "code_ml": e.code_ml,
                "id_affectation": e.id_affectation,
                "statut": StatutAffectation.A_DECIDER.value,
                "liste": None,
                "liste_prevue": None,
                "motif_refus": None,
                "date_affectation": texte(e.date_affectation),
                "tri": f"{texte(e.date_affectation)} {e.id_affectation}",
                "dossier_id": None,
                "ppae_id": None,
                "conflits": 0,
            }
        elif ligne is None:
            return None
        elif isinstance(e, Affectation.ConflitRecu):
            ligne["conflits"] += 1
        elif isinstance(e, Affectation.Acceptee):
            ligne.update(statut=StatutAffectation.A_RAPPROCHER.value, liste=ligne["liste_prevue"])
        elif isinstance(e, Affectation.Refusee):
            ligne.update(
                statut=StatutAffectation.REFUSEE.value,
                motif_refus=texte(e.motif),
                liste=None,
                liste_prevue=None,
            )
        elif isinstance(e, Affectation.ConflitEcarte):
            ligne["conflits"] -= 1
        elif isinstance(e, Affectation.ConflitAdopte):
            jour = texte(e.donnees.date_affectation)
            ligne.update(
                conflits=ligne["conflits"] - 1,
                date_affectation=jour,
                tri=f"{jour} {ligne['id_affectation']}",
            )
        elif isinstance(e, Affectation.Classee | Affectation.CandidatsProposes):
            ligne["liste_prevue"] = texte(e.liste)
            if ligne["statut"] != StatutAffectation.A_DECIDER.value:
                ligne["liste"] = texte(e.liste)
        elif isinstance(e, Affectation.Rapprochee):
            ligne.update(
                statut=StatutAffectation.RAPPROCHEE.value,
                dossier_id=str(e.dossier_id),
                ppae_id=str(e.ppae_id),
            )
        elif isinstance(e, Affectation.RapprochementAnnule):
            ligne.update(statut=StatutAffectation.A_RAPPROCHER.value, dossier_id=None, ppae_id=None)
        ligne["version"] = e.originator_version
        return ligne


def lister(
    cur: Curseur,
    code_ml: str,
    statut: StatutAffectation | None = None,
    liste: ListeCotraitance | None = None,
    apres: tuple[str, str] | None = None,
    limite: int = 20,
) -> Page:
    """R3: a list's entries are the accepted affectations awaiting their resolution (another
    status with a list: those resolved from it)."""
    if liste is not None and statut is None:
        statut = StatutAffectation.A_RAPPROCHER
    conditions, params = ["code_ml = %s"], [code_ml]
    for colonne, valeur in (("statut", texte(statut)), ("liste", texte(liste))):
        if valeur is not None:
            conditions.append(f"{colonne} = %s")
            params.append(valeur)
    vue = AffectationsParStatut
    return paginer(
        cur,
        vue.table,
        list(vue.colonnes),
        conditions,
        params,
        ("tri", "affectation_id"),
        apres,
        limite,
    )


def a_rapprocher(cur: Curseur, code_ml: str) -> list[UUID]:
    """R5: the ML's affectations not resolved yet (to decide, or accepted and awaiting their
    match), oldest first."""
    lignes = cur.fetchall(
        f"SELECT affectation_id FROM {AffectationsParStatut.table} "
        "WHERE code_ml = %s AND statut IN (%s, %s) ORDER BY tri, affectation_id",
        [code_ml, StatutAffectation.A_DECIDER.value, StatutAffectation.A_RAPPROCHER.value],
    )
    return [UUID(str(ligne[0])) for ligne in lignes]
