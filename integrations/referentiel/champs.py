"""One record's fields (a JSON object, or a CSV row read as one), each checked with every fault
collected: a rejected row says all that is wrong with it at once, in French. Values are never
echoed in a reason (they may be personal data): the field and the rule are.

The identity rules are the domain's (``domain.identite``); a malformed optional contact (phone,
e-mail) does not reject the youth: it is dropped, with a warning."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from domain import identite as regles_des_champs
from domain.erreurs import ErreurMetier, SaisieInvalide
from domain.valeurs import Identite, Sexe
from integrations.referentiel.lignes import LigneInvalide

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def raison(exc: ErreurMetier) -> str:
    """Every fault of a domain refusal, each with its field."""
    return "; ".join(f"{f.champ} : {f.message}" if f.champ else f.message for f in exc.fautes())


class Champs:
    def __init__(self, objet: Mapping[str, Any], prefixe: str = "") -> None:
        self.objet = objet
        self.prefixe = prefixe
        """The path of a nested object's fields in reasons (``dispositifs[2].``)."""
        self.fautes: list[str] = []
        self.avertissements: list[str] = []

    def raison(self) -> str:
        return "; ".join(self.fautes)

    def verifier(self) -> None:
        if self.fautes:
            raise LigneInvalide(self.raison())

    def fauter(self, champ: str, message: str) -> None:
        self.fautes.append(f"{self.prefixe}{champ} : {message}")

    def _brut(self, champ: str) -> Any:
        valeur = self.objet.get(champ)
        if isinstance(valeur, str) and not valeur.strip():
            return None
        return valeur

    def texte(self, champ: str, obligatoire: bool = False) -> str | None:
        valeur = self._brut(champ)
        if valeur is None:
            if obligatoire:
                self.fautes.append(f"champ {self.prefixe}{champ} manquant ou vide")
            return None
        if not isinstance(valeur, str):
            self.fauter(champ, "texte attendu")
            return None
        return valeur.strip()

    def date(self, champ: str, obligatoire: bool = False) -> date | None:
        texte = self.texte(champ, obligatoire)
        if texte is None:
            return None
        try:
            if not _DATE.match(texte):
                raise ValueError(texte)
            return date.fromisoformat(texte)
        except ValueError:
            self.fauter(champ, "date invalide (attendue au format AAAA-MM-JJ)")
            return None

    def choix(self, champ: str, valeurs: type[E], obligatoire: bool = False) -> E | None:
        texte = self.texte(champ, obligatoire)
        if texte is None:
            return None
        try:
            return valeurs(texte.upper())
        except ValueError:
            permises = " | ".join(v.value for v in valeurs)
            self.fauter(champ, f"valeur « {texte[:40]} » inconnue ({permises})")
            return None

    def booleen(self, champ: str, defaut: bool = False) -> bool:
        valeur = self.objet.get(champ)
        if valeur is None:
            return defaut
        if not isinstance(valeur, bool):
            self.fauter(champ, "true ou false attendu")
            return defaut
        return valeur

    def liste(self, champ: str) -> list[Any]:
        valeur = self.objet.get(champ)
        if valeur is None:
            return []
        if not isinstance(valeur, list):
            self.fauter(champ, "liste attendue")
            return []
        return valeur

    def regle(self, champ: str, regle: Callable[[str], T], obligatoire: bool = False) -> T | None:
        """A text field checked by a domain rule (identifiers, codes)."""
        texte = self.texte(champ, obligatoire)
        if texte is None:
            return None
        try:
            return regle(texte)
        except SaisieInvalide as exc:
            self.fautes.extend(f"{self.prefixe}{champ} : {f.message}" for f in exc.fautes())
            return None

    def mission_locale(self, connues: Container[str]) -> str | None:
        code = self.texte("codeMissionLocale", obligatoire=True)
        if code is not None and code not in connues:
            self.fautes.append(f"Mission Locale inconnue : {code[:20]}")
            return None
        return code

    def contact(self, champ: str, regle: Callable[[str | None], str | None]) -> str | None:
        """A malformed optional contact is dropped with a warning; the youth goes through."""
        texte = self.texte(champ)
        if texte is None:
            return None
        try:
            return regle(texte)
        except SaisieInvalide as exc:
            self.avertissements.append(f"{champ} ignoré : {exc.message}")
            return None

    def identite(self) -> Identite | None:
        """DESIGN §4's identity fields, checked and normalised by the domain's ``Identite``."""
        nom = self.texte("nom", obligatoire=True)
        prenoms = self.texte("prenoms", obligatoire=True)
        naissance = self.date("dateNaissance", obligatoire=True)
        nom_usage = self.texte("nomUsage")
        sexe = self.choix("sexe", Sexe)
        commune = self.texte("communeInsee")
        postal = self.texte("codePostal")
        telephone = self.contact("telephone", regles_des_champs.telephone)
        email = self.contact("email", regles_des_champs.email)
        if nom is None or prenoms is None or naissance is None:
            return None
        try:
            return Identite(
                nom=nom,
                prenoms=prenoms,
                date_naissance=naissance,
                nom_usage=nom_usage,
                sexe=sexe,
                commune_insee=commune,
                code_postal=postal,
                telephone=telephone,
                email=email,
            )
        except SaisieInvalide as exc:
            self.fautes.append(raison(exc))
            return None
