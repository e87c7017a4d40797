"""Dossier search: name tolerant to accents and case, birth date, PE identifier."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from application.traitement.pages import Page, paginer, texte
from application.traitement.stockage import Curseur
from domain.dossier import Dossier
from domain.noms import normaliser
from projections.vue import Ligne, VueTable

PERSONNEL = ("nom", "nom_usage", "prenoms", "date_naissance", "texte_norm", "tri", "identifiant_pe")


class RechercheDossiers(VueTable):
    nom = "recherche_dossiers"
    table = "vue_dossiers"
    version = 2
    colonnes: ClassVar[dict[str, str]] = {
        "dossier_id": "TEXT",
        "code_ml": "TEXT NOT NULL",
        "nom": "TEXT",
        "nom_usage": "TEXT",
        "prenoms": "TEXT",
        "date_naissance": "TEXT",
        "texte_norm": "TEXT",
        "tri": "TEXT",
        "identifiant_pe": "TEXT",
        "marqueur": "TEXT",
        "justifie": "INTEGER NOT NULL",
        "supprime": "INTEGER NOT NULL",
        "ppae_ouvert": "TEXT",
        "cree_le": "TEXT",
        "version": "BIGINT NOT NULL",
    }
    index = (
        "(code_ml, tri, dossier_id)",
        "(code_ml, date_naissance)",
        "(code_ml, identifiant_pe)",
    )
    agregats = (Dossier,)

    def cle_de(self, evenement: Any) -> str | None:
        return str(evenement.originator_id) if isinstance(evenement, Dossier.Event) else None

    def appliquer(self, ligne: Ligne | None, e: Any) -> Ligne | None:
        if isinstance(e, Dossier.Cree):
            i = e.identite
            ligne = {
                "dossier_id": str(e.originator_id),
                "code_ml": e.code_ml,
                "nom": i.nom,
                "nom_usage": i.nom_usage,
                "prenoms": i.prenoms,
                "date_naissance": texte(i.date_naissance),
                "texte_norm": texte_recherche(i.nom, i.nom_usage, i.prenoms),
                "tri": normaliser(f"{i.nom} {i.prenoms}"),
                "identifiant_pe": _pe(e.identifiant_pe),
                "marqueur": texte(e.marqueur),
                "justifie": int(e.justifie),
                "supprime": 0,
                "ppae_ouvert": None,
                "cree_le": e.timestamp.isoformat(),
            }
        elif ligne is None:
            return None
        elif isinstance(e, Dossier.Justifie):
            ligne["justifie"] = 1
        elif isinstance(e, Dossier.RapprocheDude):
            ligne.update(marqueur="RAPPROCHE_DUDE", identifiant_pe=_pe(e.identifiant_pe))
        elif isinstance(e, Dossier.RapprochementAnnule):
            ligne.update(marqueur=texte(e.marqueur), identifiant_pe=_pe(e.identifiant_pe))
            if ligne["ppae_ouvert"] == str(e.ppae_id):
                ligne["ppae_ouvert"] = None
        elif isinstance(e, Dossier.DonneesRecues):
            ligne["identifiant_pe"] = _pe(e.identifiant_pe)
        elif isinstance(e, Dossier.PPAEOuvert):
            ligne["ppae_ouvert"] = str(e.ppae_id)
        elif isinstance(e, Dossier.PPAEFerme):
            ligne["ppae_ouvert"] = None
        elif isinstance(e, Dossier.Supprime):
            ligne.update({c: None for c in PERSONNEL}, supprime=1, ppae_ouvert=None)
        ligne["version"] = e.originator_version
        return ligne


def _echapper(mot: str) -> str:
    return mot.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _pe(identifiant: str | None) -> str | None:
    """PE identifiers compare without case or surrounding spaces (as the search does)."""
    return identifiant.strip().upper() if identifiant else None


def texte_recherche(nom: str, nom_usage: str | None, prenoms: str) -> str:
    """Spaced and compact forms of the names, so that 'ndiaye' finds N'Diaye."""
    noms = [normaliser(n) for n in (nom, nom_usage) if n]
    return " ".join([*noms, *(n.replace(" ", "") for n in noms), normaliser(prenoms)])


def rechercher(
    cur: Curseur,
    code_ml: str,
    texte_libre: str | None = None,
    date_naissance: date | None = None,
    identifiant_pe: str | None = None,
    apres: tuple[str, str] | None = None,
    limite: int = 20,
) -> Page:
    conditions, params = ["code_ml = %s", "supprime = 0"], [code_ml]
    for mot in normaliser(texte_libre or "").split():
        # The words are matched as typed: % and _ are not wildcards for the user.
        conditions.append("texte_norm LIKE %s ESCAPE '!'")
        params.append(f"%{_echapper(mot)}%")
    if date_naissance is not None:
        conditions.append("date_naissance = %s")
        params.append(date_naissance.isoformat())
    if identifiant_pe:
        conditions.append("identifiant_pe = %s")
        params.append(identifiant_pe.strip().upper())
    vue = RechercheDossiers
    return paginer(
        cur, vue.table, list(vue.colonnes), conditions, params, ("tri", "dossier_id"), apres, limite
    )
