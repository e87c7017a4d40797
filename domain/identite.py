"""Identity and contact data: checked and normalised here, once, for every entry point (the API,
the DUDE intake, the bulk load of dossiers). Each rule says what it takes, in French."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from domain.erreurs import ErreurMetier, SaisieInvalide
from domain.regles import Regles, age_au
from domain.textes import texte_optionnel

_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_POSTAL = re.compile(r"^\d{5}$")
_SEPARATEURS_TELEPHONE = re.compile(r"[\s.\-()/]")
_TELEPHONE_NATIONAL = re.compile(r"^0[1-9]\d{8}$")
_INDICATIFS = ("+33", "0033", "+262", "+590", "+594", "+596", "+269")
"""France and its overseas departments: their numbers are 0 + nine digits at home."""
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
)
_PE = re.compile(r"^(\d{7}[A-Z0-9]|[A-Z0-9]{11})$")


def commune_insee(valeur: str | None) -> str | None:
    propre = _court(valeur, "communeInsee", 10)
    if propre is None:
        return None
    propre = propre.upper()
    if not _INSEE.match(propre):
        raise SaisieInvalide(
            "Le code commune INSEE compte 5 caractères (chiffres, ou 2A/2B pour la Corse).",
            "communeInsee",
        )
    return propre


def code_postal(valeur: str | None) -> str | None:
    propre = _court(valeur, "codePostal", 10)
    if propre is None:
        return None
    propre = propre.replace(" ", "")
    if not _POSTAL.match(propre):
        raise SaisieInvalide("Le code postal compte 5 chiffres.", "codePostal")
    return propre


def telephone(valeur: str | None) -> str | None:
    """A French number, kept as 0 + nine digits (+33 6 12 34 56 78 → 0612345678)."""
    propre = _court(valeur, "telephone", 30)
    if propre is None:
        return None
    chiffres = _SEPARATEURS_TELEPHONE.sub("", propre)
    for indicatif in _INDICATIFS:
        if chiffres.startswith(indicatif) and len(chiffres) == len(indicatif) + 9:
            chiffres = "0" + chiffres[len(indicatif) :]
            break
    if not _TELEPHONE_NATIONAL.match(chiffres):
        raise SaisieInvalide(
            "Le téléphone est un numéro français : 10 chiffres (06 12 34 56 78) ou +33 6 12 "
            "34 56 78.",
            "telephone",
        )
    return chiffres


def email(valeur: str | None) -> str | None:
    propre = _court(valeur, "email", 254)
    if propre is None:
        return None
    propre = propre.lower()
    if not _EMAIL.match(propre):
        raise SaisieInvalide("L'adresse e-mail n'est pas valide (nom@domaine.fr).", "email")
    return propre


def identifiant_pe(valeur: str | None) -> str | None:
    """France Travail's identifier: 7 digits and a letter or digit, or the 11-character local
    identifier; kept without spaces, in capitals."""
    propre = _court(valeur, "identifiantPe", 30)
    if propre is None:
        return None
    propre = propre.replace(" ", "").upper()
    if not _PE.match(propre):
        raise SaisieInvalide(
            "L'identifiant France Travail compte 7 chiffres suivis d'une lettre ou d'un chiffre "
            "(1234567A), ou 11 caractères (identifiant local).",
            "identifiantPe",
        )
    return propre


def naissance_plausible(naissance: date, aujourdhui: date, regles: Regles) -> None:
    """A person's birth date: not the youth's eligibility (R2 suggests refusals, it does not
    reject), only what no living youth can have."""
    age = age_au(naissance, aujourdhui) if naissance <= aujourdhui else -1
    if not regles.age_min_plausible <= age <= regles.age_max_plausible:
        raise SaisieInvalide(
            f"La date de naissance doit donner un âge de {regles.age_min_plausible} à "
            f"{regles.age_max_plausible} ans ({naissance.isoformat()}).",
            "dateNaissance",
        )


def rassembler(*verifications: Callable[[], object]) -> None:
    """Runs every check; one refusal listing every faulty field, or none."""
    fautes: list[ErreurMetier] = []
    for verification in verifications:
        try:
            verification()
        except SaisieInvalide as exc:
            fautes.extend(exc.fautes())
    if fautes:
        raise SaisieInvalide.plusieurs(fautes)


def _court(valeur: str | None, champ: str, maximum: int) -> str | None:
    return texte_optionnel(valeur, champ, maximum)
