"""How one name or date is written otherwise: capitals, accents, separators, a typo."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from random import Random

from domain.noms import compact

_MOTS = re.compile(r"[^\W\d_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def titre(texte: str) -> str:
    """DE LA FONTAINE → De La Fontaine, N'DIAYE → N'Diaye."""
    return _MOTS.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), texte)


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.translate(_LIGATURES))
    return "".join(c for c in decompose if not unicodedata.combining(c))


def autre_graphie(rng: Random, texte: str, nom_de_famille: bool) -> str:
    """The same name written otherwise: capitals always, often accents, sometimes separators
    (``compact`` gives the same)."""
    nouveau = titre(texte) if texte.isupper() else texte.upper()
    if rng.random() < 0.6:
        nouveau = sans_accents(nouveau)
    if rng.random() < 0.5:
        if "-" in nouveau:
            nouveau = nouveau.replace("-", " ")
        elif "'" in nouveau:
            nouveau = nouveau.replace("'", "")
        elif nom_de_famille and " " in nouveau:
            nouveau = nouveau.replace(" ", "")
    return nouveau


def faute_de_lettre(rng: Random, nom: str) -> str:
    """One letter substituted, dropped or doubled (Levenshtein 1 on ``compact``); the initial
    is kept nine times out of ten."""
    positions = [k for k, c in enumerate(nom) if c.isalpha() and len(compact(c)) == 1]
    if len(positions) > 1 and rng.random() < 0.9:
        positions = positions[1:]
    k = rng.choice(positions)
    lettre = nom[k]
    operation = rng.random()
    if operation < 0.25 and len(positions) >= 3:
        return nom[:k] + nom[k + 1 :]
    if operation < 0.5:
        return nom[:k] + lettre + nom[k:]
    remplacante = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != compact(lettre)])
    return nom[:k] + (remplacante.upper() if lettre.isupper() else remplacante) + nom[k + 1 :]


def faute_de_chiffre(rng: Random, naissance: date, reference: date) -> date:
    """One digit of the ISO date typed wrong: the year's last, the month's or the day's; the
    date stays valid and the age plausible."""
    iso = naissance.isoformat()
    for _ in range(50):
        position = rng.choice((3, 5, 6, 8, 9))
        texte = (
            iso[:position]
            + rng.choice("0123456789".replace(iso[position], ""))
            + iso[position + 1 :]
        )
        try:
            jour = date.fromisoformat(texte)
        except ValueError:
            continue
        if 14 <= reference.year - jour.year <= 32:
            return jour
    return rng.choice(_jours_a_un_chiffre_pres(naissance))


def _jours_a_un_chiffre_pres(naissance: date) -> list[date]:
    """The valid dates one digit of the day away (never empty: 30 April → 10, 20 April)."""
    iso, jours = naissance.isoformat(), []
    for position in (8, 9):
        for chiffre in "0123456789".replace(iso[position], ""):
            try:
                jours.append(date.fromisoformat(iso[:position] + chiffre + iso[position + 1 :]))
            except ValueError:
                continue
    return jours


def jour_mois_inversables(jour: date) -> bool:
    return jour.day <= 12 and jour.day != jour.month


def plus_ans(jour: date, ans: int) -> date:
    try:
        return jour.replace(year=jour.year + ans)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + ans, day=28)
