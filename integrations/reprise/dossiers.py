"""The file of an ML's existing dossiers (DESIGN §4): JSON Lines, one youth per line, with the
programmes they followed (``dispositifs``) and their past events. Each row becomes a
``DossierRepris`` or a rejection with its line and reason; a malformed contact goes through
without it, with a warning."""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from application.reprise import DossierRepris
from domain import identite as regles_des_champs
from domain.textes import texte_valide
from domain.valeurs import Dispositif, TypeEvenement
from integrations.referentiel.champs import Champs
from integrations.referentiel.lignes import LigneRejetee, Progression, lire_jsonl

TAILLE_MAX = 100_000
"""Bytes: a youth with years of history has a few hundred events (about 60 bytes each)."""
ID_DOSSIER_MAX = 60
TYPES_DISPOSITIF = ("PPAE", "CEJ", "PACEA", "AUTRE")
_STATUT = re.compile(r"^[A-Z][A-Z_]{0,29}$")


@dataclass(frozen=True)
class DossierLu:
    ligne: int
    dossier: DossierRepris
    avertissements: tuple[str, ...] = ()

    @property
    def ou(self) -> str:
        return f"ligne {self.ligne}"


def lire_dossiers(
    chemin: Path, connues: Container[str], progression: Progression | None = None
) -> Iterator[DossierLu | LigneRejetee]:
    """``connues``: the codes of the Missions Locales the store knows."""
    for lu in lire_jsonl(chemin, TAILLE_MAX, progression):
        if isinstance(lu, LigneRejetee):
            yield lu
            continue
        numero, objet = lu
        yield dossier(objet, connues, numero)


def dossier(
    objet: Mapping[str, Any], connues: Container[str], ligne: int
) -> DossierLu | LigneRejetee:
    champs = Champs(_id_en_texte(objet))
    id_externe = champs.regle("idDossier", lambda v: texte_valide(v, "idDossier", ID_DOSSIER_MAX))
    code_ml = champs.mission_locale(connues)
    identite = champs.identite()
    identifiant_pe = champs.regle("identifiantPe", regles_des_champs.identifiant_pe)
    justifie = champs.booleen("justifie")
    dispositifs = [
        d
        for rang, brut in enumerate(champs.liste("dispositifs"), start=1)
        if (d := _dispositif(champs, rang, brut)) is not None
    ]
    evenements = [
        e
        for rang, brut in enumerate(champs.liste("evenements"), start=1)
        if (e := _evenement(champs, rang, brut)) is not None
    ]
    if champs.fautes or code_ml is None or identite is None:
        return LigneRejetee(ligne, champs.raison())
    repris = DossierRepris(
        code_ml=code_ml,
        identite=identite,
        id_externe=id_externe,
        identifiant_pe=identifiant_pe,
        justifie=justifie,
        dispositifs=tuple(dispositifs),
        evenements=tuple(evenements),
    )
    return DossierLu(ligne, repris, tuple(champs.avertissements))


def _id_en_texte(objet: Mapping[str, Any]) -> Mapping[str, Any]:
    """A former system's numeric id is an id all the same."""
    valeur = objet.get("idDossier")
    if isinstance(valeur, int) and not isinstance(valeur, bool):
        return {**objet, "idDossier": str(valeur)}
    return objet


def _dispositif(champs: Champs, rang: int, brut: Any) -> Dispositif | None:
    if not isinstance(brut, dict):
        champs.fauter(
            f"dispositifs[{rang}]", "objet {type, statut, dateEntree, dateSortie} attendu"
        )
        return None
    sous = Champs(brut, f"dispositifs[{rang}].")
    type_dispositif = (sous.texte("type", obligatoire=True) or "").upper()
    if type_dispositif and type_dispositif not in TYPES_DISPOSITIF:
        sous.fauter("type", f"valeur inconnue ({' | '.join(TYPES_DISPOSITIF)})")
    statut = (sous.texte("statut", obligatoire=True) or "").upper()
    if statut and not _STATUT.match(statut):
        sous.fauter("statut", "code attendu en capitales (EN_COURS, TERMINE…)")
    entree, sortie = sous.date("dateEntree"), sous.date("dateSortie")
    if entree and sortie and sortie < entree:
        sous.fauter("dateSortie", "antérieure à la date d'entrée")
    champs.fautes.extend(sous.fautes)
    if sous.fautes:
        return None
    return Dispositif(type_dispositif, statut, entree, sortie)


def _evenement(champs: Champs, rang: int, brut: Any) -> tuple[TypeEvenement, date] | None:
    if not isinstance(brut, dict):
        champs.fauter(f"evenements[{rang}]", "objet {type, date} attendu")
        return None
    sous = Champs(brut, f"evenements[{rang}].")
    type_evenement = sous.choix("type", TypeEvenement, obligatoire=True)
    jour = sous.date("date", obligatoire=True)
    champs.fautes.extend(sous.fautes)
    if type_evenement is None or jour is None:
        return None
    return type_evenement, jour
