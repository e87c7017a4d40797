"""Affectations received from the DUDE (DESIGN §4, intake): a JSON Lines or CSV file, or the
records of a page pulled over HTTP (``recuperation.py``). Each record becomes a
``DonneesAffectation`` or a rejection with its line (or position) and reason (R24); a malformed
contact goes through without it, with a warning."""

from __future__ import annotations

import csv
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from domain import identite as regles_des_champs
from domain.affectation import DonneesAffectation
from domain.erreurs import SaisieInvalide
from domain.textes import ID_AFFECTATION_MAX, texte_valide
from domain.valeurs import Periode, TypeAffectation
from integrations.referentiel.champs import Champs, raison
from integrations.referentiel.fichier import FichierRefuse
from integrations.referentiel.lignes import (
    BOM,
    LigneRejetee,
    Progression,
    lire_jsonl,
    lire_lignes,
)

TAILLE_MAX = 10_000
"""Bytes: an affectation is a few hundred; a longer row is rejected without being read whole."""
CHAMPS = (
    "idAffectation",
    "codeMissionLocale",
    "dateAffectation",
    "typeAffectation",
    "identifiantPe",
    "nom",
    "nomUsage",
    "prenoms",
    "dateNaissance",
    "sexe",
    "communeInsee",
    "codePostal",
    "telephone",
    "email",
    "dateDernierEntretienDude",
    "periodesRadiation",
)
OBLIGATOIRES = (
    "idAffectation",
    "codeMissionLocale",
    "dateAffectation",
    "typeAffectation",
    "identifiantPe",
    "nom",
    "prenoms",
    "dateNaissance",
)
FORMATS = ("jsonl", "csv")


@dataclass(frozen=True)
class AffectationLue:
    ligne: int
    donnees: DonneesAffectation
    avertissements: tuple[str, ...] = ()
    lieu: str | None = None

    @property
    def ou(self) -> str:
        return self.lieu or f"ligne {self.ligne}"


def lire_affectations(
    chemin: Path,
    connues: Container[str],
    progression: Progression | None = None,
    format_fichier: str | None = None,
) -> Iterator[AffectationLue | LigneRejetee]:
    """``connues``: the codes of the Missions Locales the store knows."""
    lus = (
        lire_csv(chemin, OBLIGATOIRES, TAILLE_MAX, progression)
        if (format_fichier or format_du_fichier(chemin)) == "csv"
        else lire_jsonl(chemin, TAILLE_MAX, progression)
    )
    for lu in lus:
        if isinstance(lu, LigneRejetee):
            yield lu
            continue
        numero, objet = lu
        yield affectation(objet, connues, numero)


def format_par_extension(chemin: Path) -> str | None:
    suffixe = chemin.suffix.lower()
    if suffixe in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffixe == ".csv":
        return "csv"
    return None


def format_du_fichier(chemin: Path) -> str:
    """By the file's extension, else by its first character (``{``: JSON Lines)."""
    par_extension = format_par_extension(chemin)
    if par_extension is not None:
        return par_extension
    with chemin.open("rb") as fichier:
        debut = fichier.read(1024).removeprefix(BOM).lstrip()
    return "jsonl" if debut.startswith(b"{") else "csv"


def affectation(
    objet: Mapping[str, Any], connues: Container[str], ligne: int, lieu: str | None = None
) -> AffectationLue | LigneRejetee:
    """One record, by DESIGN §4's field names, to the domain's value (or why not)."""
    champs = Champs(objet)
    id_affectation = champs.regle(
        "idAffectation",
        lambda v: texte_valide(v, "idAffectation", ID_AFFECTATION_MAX),
        obligatoire=True,
    )
    code_ml = champs.mission_locale(connues)
    date_affectation = champs.date("dateAffectation", obligatoire=True)
    type_affectation = champs.choix("typeAffectation", TypeAffectation, obligatoire=True)
    identifiant_pe = champs.regle(
        "identifiantPe", regles_des_champs.identifiant_pe, obligatoire=True
    )
    identite = champs.identite()
    dernier_entretien = champs.date("dateDernierEntretienDude")
    periodes = _periodes(champs)
    if (
        champs.fautes
        or id_affectation is None
        or code_ml is None
        or date_affectation is None
        or type_affectation is None
        or identifiant_pe is None
        or identite is None
    ):
        return LigneRejetee(ligne, champs.raison(), lieu)
    try:
        donnees = DonneesAffectation(
            id_affectation=id_affectation,
            code_ml=code_ml,
            date_affectation=date_affectation,
            type_affectation=type_affectation,
            identifiant_pe=identifiant_pe,
            identite=identite,
            date_dernier_entretien_dude=dernier_entretien,
            periodes_radiation=tuple(periodes),
        )
    except SaisieInvalide as exc:
        return LigneRejetee(ligne, raison(exc), lieu)
    return AffectationLue(ligne, donnees, tuple(champs.avertissements), lieu)


def _periodes(champs: Champs) -> list[Periode]:
    periodes = []
    for rang, brute in enumerate(champs.liste("periodesRadiation"), start=1):
        if not isinstance(brute, dict):
            champs.fauter(f"periodesRadiation[{rang}]", "objet {debut, fin} attendu")
            continue
        sous = Champs(brute, f"periodesRadiation[{rang}].")
        debut, fin = sous.date("debut", obligatoire=True), sous.date("fin")
        if debut and fin and fin < debut:
            sous.fauter("fin", "antérieure au début")
        champs.fautes.extend(sous.fautes)
        if debut and not sous.fautes:
            periodes.append(Periode(debut, fin))
    return periodes


# ------------------------------------------------------------------ CSV


def lire_csv(
    chemin: Path,
    obligatoires: Sequence[str],
    taille_max: int,
    progression: Progression | None = None,
) -> Iterator[tuple[int, dict[str, Any]] | LigneRejetee]:
    """``;``-separated with a header row; an empty cell is an absent value; the radiation
    periods as ``debut/fin`` pairs separated by ``|``. A header that cannot be read or lacks a
    required column refuses the whole file (no row could go through): ``FichierRefuse``, which
    says how many rows were left unread."""
    entete: list[str] | None = None
    lignes = lire_lignes(chemin, taille_max, progression)
    for lu in lignes:
        if isinstance(lu, LigneRejetee):
            if entete is None:
                _refuser(f"en-tête : {lu.raison}", lignes)
            yield lu
            continue
        numero, texte = lu
        valeurs = next(csv.reader([texte], delimiter=";"))
        if entete is None:
            entete = [v.strip() for v in valeurs]
            faute = _faute_d_entete(entete, obligatoires)
            if faute:
                _refuser(faute, lignes)
            continue
        while len(valeurs) > len(entete) and not valeurs[-1].strip():
            valeurs.pop()  # a trailing separator
        if len(valeurs) != len(entete):
            yield LigneRejetee(
                numero, f"{len(valeurs)} colonne(s) au lieu de {len(entete)} (l'en-tête)"
            )
            continue
        objet: dict[str, Any] = {
            c: (v.strip() or None) for c, v in zip(entete, valeurs, strict=True)
        }
        if "periodesRadiation" in objet:
            objet["periodesRadiation"] = _periodes_csv(objet["periodesRadiation"])
        yield numero, objet


def _refuser(faute: str, reste: Iterator[object]) -> NoReturn:
    non_lues = sum(1 for _ in reste)
    raise FichierRefuse(f"fichier refusé : {non_lues} ligne(s) non lue(s) ; {faute}")


def _faute_d_entete(entete: list[str], obligatoires: Sequence[str]) -> str:
    doubles = sorted({c for c in entete if entete.count(c) > 1})
    if doubles:
        return f"en-tête : colonnes en double : {', '.join(doubles)}"
    absentes = [c for c in obligatoires if c not in entete]
    if absentes:
        return (
            f"en-tête : colonnes obligatoires absentes : {', '.join(absentes)} "
            "(séparateur attendu : « ; »)"
        )
    return ""


def _periodes_csv(valeur: str | None) -> list[dict[str, str | None]]:
    periodes: list[dict[str, str | None]] = []
    for paire in (valeur or "").split("|"):
        if paire.strip():
            debut, _, fin = paire.partition("/")
            periodes.append({"debut": debut.strip(), "fin": fin.strip() or None})
    return periodes
