"""Matching a youth to the ML's dossiers (R3-R5, DESIGN §5): French normalisation, blocking keys,
Fellegi-Sunter comparison with per-field levels and weights in bits, vetoes, decision bands.

Pure: the candidates' records come from an index (a processor keeps it, ``projections/
rapprochement.py``; ``IndexMemoire`` below holds one in memory for evaluations), the name
frequencies of the ML likewise. Nothing here reads or writes anything.

The model. Each field of a pair compares at one *level* (``EXACT``, ``PROCHE``…); a level ``l``
has an ``m`` (how often a true pair shows it) and a ``u`` (how often two different youths do);
its weight is ``log2(m/u)`` bits. The pair's weight is the sum; its score the posterior
probability with the prior ``A_PRIORI`` (of a candidate being the youth). Exact surname and first
name agreements are adjusted by term frequency: agreeing on a rare name says more than on
"Martin", so their ``u`` is the name's frequency in the ML (smoothed towards the national
default while the ML holds few dossiers). Parameters: ``PARAMETRES`` hold ``m`` set from how
records vary between the DUDE and an ML (checked with ``estimer`` on the labelled population:
``cotraitance evaluate-matching DIR --estimer`` prints the ``m`` measured on true pairs and the
``u`` on random pairs next to them); see docs/decisions.md, "Matching".
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from rapidfuzz.distance import JaroWinkler

from domain.noms import normaliser
from domain.valeurs import Identite

# ---------------------------------------------------------------------- normalisation

PARTICULES = frozenset(
    {"de", "du", "des", "la", "le", "les", "d", "l", "van", "von", "der", "den", "di", "da"}
    | {"del", "della", "dos", "das", "el", "al", "ben", "bin", "ibn"}
)
"""Dropped from a surname's particle-free form (kept in its compact form): 'de La Fontaine'
is 'delafontaine' and 'fontaine'."""


def formes_nom(nom: str) -> tuple[str, ...]:
    """The compact form ('N'Diaye' → 'ndiaye', 'de La Fontaine' → 'delafontaine') and the
    particle-free one ('fontaine'), without repeats; empty when nothing is left."""
    mots = normaliser(nom).split()
    if not mots:
        return ()
    compacte = "".join(mots)
    sans = "".join(m for m in mots if m not in PARTICULES) or compacte
    return (compacte,) if sans == compacte else (compacte, sans)


def mots_prenoms(prenoms: str) -> tuple[str, ...]:
    """'Jean-Baptiste Marie' → ('jean', 'baptiste', 'marie'): compound and multiple first names
    alike are sequences of words (files do not tell them apart reliably)."""
    return tuple(normaliser(prenoms).split())


_REGLES_PHONETIQUES = [
    (re.compile(p), r)
    for p, r in (
        (r"[^a-z]", ""),
        (r"ph", "f"),
        (r"(sch|sh)", "ch"),
        (r"ch(?=[rl])", "k"),
        (r"gu(?=[eiy])", "G"),
        (r"g(?=[eiy])", "j"),
        (r"(ck|qu|q)", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c(?!h)", "k"),
        (r"w", "v"),
        (r"y", "i"),
        (r"z", "s"),
        (r"x", "ks"),
        (r"(?<!c)h", ""),
        (r"bv", "v"),
        (r"(eau|au)", "o"),
        (r"(ai|ei)", "e"),
        (r"[ae][nm](?![aeiou]|$)", "A"),
        (r"[ae][nm]$", "A"),
        (r"o[nm](?![aeiou])", "O"),
        (r"(ai|ei|u|i)n(?![aeiou])", "I"),
        (r"ou", "u"),
        (r"(.)\1+", r"\1"),
        (r"(?<=.)[estdx]+$", ""),
        (r"G", "g"),
    )
]


def phonetique(mot: str) -> str:
    """A French sound key (a simplified phonex): 'Lefebvre', 'Lefèvre' and 'Lefevre' share
    'lefevr'; 'Philippe' and 'Filipe' share 'filip'. Used for blocking only, never scored."""
    cle = "".join(normaliser(mot).split())  # nasal vowels are capitals until the end
    for motif, remplacement in _REGLES_PHONETIQUES:
        cle = motif.sub(remplacement, cle)
    return cle.lower()[:8]


def _chiffres(jour: date) -> str:
    return jour.strftime("%Y%m%d")


def jour_mois_inverses(jour: date) -> date | None:
    """The date with day and month swapped, when that is another valid date."""
    if jour.day > 12 or jour.day == jour.month:
        return None
    try:
        return jour.replace(month=jour.day, day=jour.month)
    except ValueError:
        return None


# ---------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Fiche:
    """What matching compares of a youth, normalised once (a dossier's, in the index, or an
    affectation's). ``noms`` are the forms of the birth and usage names."""

    noms: tuple[str, ...]
    prenoms: tuple[str, ...]
    naissance: date
    sexe: str | None = None
    identifiant_pe: str | None = None
    email: str | None = None
    telephone: str | None = None
    commune: str | None = None

    @classmethod
    def de(cls, identite: Identite, identifiant_pe: str | None = None) -> Fiche:
        noms: list[str] = []
        for nom in (identite.nom, identite.nom_usage):
            for forme in formes_nom(nom or ""):
                if forme not in noms:
                    noms.append(forme)
        return cls(
            noms=tuple(noms),
            prenoms=mots_prenoms(identite.prenoms),
            naissance=identite.date_naissance,
            sexe=identite.sexe.value if identite.sexe else None,
            identifiant_pe=identifiant_pe or None,
            email=identite.email,
            telephone=identite.telephone,
            commune=identite.commune_insee,
        )

    @property
    def prenom(self) -> str:
        return self.prenoms[0] if self.prenoms else ""

    @property
    def nom(self) -> str:
        return self.noms[0] if self.noms else ""

    def en_json(self) -> dict[str, Any]:
        return {
            "n": list(self.noms),
            "p": list(self.prenoms),
            "d": self.naissance.isoformat(),
            "s": self.sexe,
            "pe": self.identifiant_pe,
            "e": self.email,
            "t": self.telephone,
            "c": self.commune,
        }

    @classmethod
    def de_json(cls, d: Mapping[str, Any]) -> Fiche:
        return cls(
            noms=tuple(d["n"]),
            prenoms=tuple(d["p"]),
            naissance=date.fromisoformat(d["d"]),
            sexe=d.get("s"),
            identifiant_pe=d.get("pe"),
            email=d.get("e"),
            telephone=d.get("t"),
            commune=d.get("c"),
        )


# ---------------------------------------------------------------------- blocking


def cles_de_blocage(fiche: Fiche) -> set[str]:
    """The keys a dossier is filed under (index side)."""
    cles = set()
    jour = _chiffres(fiche.naissance)
    initiales = {n[0] for n in fiche.noms} | ({fiche.prenom[0]} if fiche.prenom else set())
    cles |= {f"dn:{jour}:{i}" for i in initiales}
    sons = {phonetique(n) for n in fiche.noms} - {""}
    cles |= {f"py:{s}:{fiche.naissance.year}" for s in sons}
    if fiche.prenom:
        son_prenom = phonetique(fiche.prenom)
        cles |= {f"np:{s}:{son_prenom}" for s in sons}
    if fiche.identifiant_pe:
        cles.add(f"pe:{fiche.identifiant_pe}")
    if fiche.email:
        cles.add(f"em:{fiche.email}")
    if fiche.telephone:
        cles.add(f"tel:{fiche.telephone}")
    return cles


def cles_de_recherche(fiche: Fiche) -> set[str]:
    """The keys looked up for a youth (query side): the index's keys, plus what catches a first
    name typed as the surname and a birth date with day and month swapped."""
    cles = cles_de_blocage(fiche)
    initiales = {n[0] for n in fiche.noms} | ({fiche.prenom[0]} if fiche.prenom else set())
    inverse = jour_mois_inverses(fiche.naissance)
    if inverse is not None:
        cles |= {f"dn:{_chiffres(inverse)}:{i}" for i in initiales}
    if fiche.prenom:
        son_prenom = phonetique(fiche.prenom)
        cles.add(f"py:{son_prenom}:{fiche.naissance.year}")
        cles |= {f"np:{son_prenom}:{phonetique(n)}" for n in fiche.noms}
    return cles


# ---------------------------------------------------------------------- comparison


class Niveau(Enum):
    EXACT = "EXACT"
    PROCHE = "PROCHE"
    """Names: a typo away (Jaro-Winkler ≥ 0.92 on the compact forms)."""
    INVERSION_NOM_PRENOM = "INVERSION_NOM_PRENOM"
    INVERSION_JOUR_MOIS = "INVERSION_JOUR_MOIS"
    UN_CHIFFRE = "UN_CHIFFRE"
    """Birth dates: one digit differs, or two adjacent digits are swapped."""
    UN_DES_PRENOMS = "UN_DES_PRENOMS"
    """First names: the first names of one are some of the other's (one file holds only the
    first of several, or a compound name was split)."""
    ABSENT = "ABSENT"
    DIFFERENT = "DIFFERENT"


@dataclass(frozen=True, slots=True)
class Element:
    """One line of a candidate's explanation (the contract's ``ElementExplication``)."""

    critere: str
    niveau: Niveau
    poids: float


SEUIL_PROCHE = 0.92


def _proche(a: str, b: str) -> bool:
    return JaroWinkler.normalized_similarity(a, b) >= SEUIL_PROCHE


def niveau_nom(a: Fiche, b: Fiche) -> Niveau:
    if set(a.noms) & set(b.noms):
        return Niveau.EXACT
    if _inverses(a, b):
        return Niveau.INVERSION_NOM_PRENOM
    if any(_proche(x, y) for x in a.noms for y in b.noms):
        return Niveau.PROCHE
    return Niveau.DIFFERENT


def _inverses(a: Fiche, b: Fiche) -> bool:
    """The surname of one is the first name of the other, both ways."""
    if not (a.prenoms and b.prenoms):
        return False
    return ("".join(a.prenoms) in b.noms or a.prenom in b.noms) and (
        "".join(b.prenoms) in a.noms or b.prenom in a.noms
    )


def niveau_prenoms(a: Fiche, b: Fiche) -> Niveau:
    if not (a.prenoms and b.prenoms):
        return Niveau.ABSENT
    if a.prenoms == b.prenoms or "".join(a.prenoms) == "".join(b.prenoms):
        return Niveau.EXACT
    if _inverses(a, b):
        return Niveau.INVERSION_NOM_PRENOM
    mots_a, mots_b = set(a.prenoms), set(b.prenoms)
    if mots_a <= mots_b or mots_b <= mots_a:
        # One file holds only some of the other's first names ('Léa' and 'Léa Marie').
        # Each holding one the other lacks is two people ('Jean-Pierre', 'Jean-Baptiste';
        # twins 'Léa Marie' and 'Chloé Marie'): DIFFERENT, which the twins' veto sees.
        return Niveau.UN_DES_PRENOMS
    if mots_a & mots_b:
        return Niveau.DIFFERENT
    if _proche(a.prenom, b.prenom) or _proche("".join(a.prenoms), "".join(b.prenoms)):
        return Niveau.PROCHE
    return Niveau.DIFFERENT


def niveau_naissance(a: date, b: date) -> Niveau:
    if a == b:
        return Niveau.EXACT
    if jour_mois_inverses(a) == b:
        return Niveau.INVERSION_JOUR_MOIS
    x, y = _chiffres(a), _chiffres(b)
    ecarts = [i for i in range(8) if x[i] != y[i]]
    if len(ecarts) == 1 or (
        len(ecarts) == 2
        and ecarts[1] == ecarts[0] + 1
        and x[ecarts[0]] == y[ecarts[1]]
        and x[ecarts[1]] == y[ecarts[0]]
    ):
        return Niveau.UN_CHIFFRE
    return Niveau.DIFFERENT


def niveau_valeur(a: str | None, b: str | None) -> Niveau:
    if not a or not b:
        return Niveau.ABSENT
    return Niveau.EXACT if a == b else Niveau.DIFFERENT


# ---------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Parametres:
    """``m`` and ``u`` per criterion and level; an absent value weighs nothing."""

    m: Mapping[str, Mapping[Niveau, float]]
    u: Mapping[str, Mapping[Niveau, float]]
    a_priori: float = 1e-3
    """Prior probability that a candidate from the blocking keys is the youth."""
    frequence_nom: float = 1e-3
    frequence_prenom: float = 5e-3
    """National defaults of a surname's / first name's frequency, towards which an ML's own
    frequencies are smoothed while it holds few dossiers."""
    lissage: float = 500.0
    """Weight (in dossiers) of the national default in the smoothing."""

    def poids(self, critere: str, niveau: Niveau) -> float:
        if niveau is Niveau.ABSENT:
            return 0.0
        return math.log2(self.m[critere][niveau] / self.u[critere][niveau])


_TABLE: dict[str, dict[str, tuple[float, float]]] = {
    # critère: {niveau: (m, u)}
    "nom": {
        "EXACT": (0.92, 1e-3),
        "INVERSION_NOM_PRENOM": (0.015, 1e-6),
        "PROCHE": (0.045, 4e-3),
        "DIFFERENT": (0.02, 0.995),
    },
    "prenoms": {
        "EXACT": (0.82, 5e-3),
        "INVERSION_NOM_PRENOM": (0.015, 1e-6),
        "UN_DES_PRENOMS": (0.12, 6e-3),
        "PROCHE": (0.03, 1e-2),
        "DIFFERENT": (0.015, 0.98),
    },
    "dateNaissance": {
        "EXACT": (0.93, 3e-4),
        "INVERSION_JOUR_MOIS": (0.025, 2e-5),
        "UN_CHIFFRE": (0.035, 4e-3),
        "DIFFERENT": (0.01, 0.996),
    },
    "sexe": {"EXACT": (0.995, 0.5), "DIFFERENT": (0.005, 0.5)},
    "identifiantPe": {"EXACT": (0.97, 1e-6), "DIFFERENT": (0.03, 0.999999)},
    # Contacts: a family shares its phone and e-mail, so their u is that of a household, not
    # of a person, and the two agreeing together are counted once (see ``comparer``).
    "email": {"EXACT": (0.75, 2e-4), "DIFFERENT": (0.25, 0.9998)},
    "telephone": {"EXACT": (0.7, 2e-4), "DIFFERENT": (0.3, 0.9998)},
    "communeInsee": {"EXACT": (0.85, 0.05), "DIFFERENT": (0.15, 0.95)},
}

PARAMETRES = Parametres(
    m={c: {Niveau[n]: mu[0] for n, mu in niveaux.items()} for c, niveaux in _TABLE.items()},
    u={c: {Niveau[n]: mu[1] for n, mu in niveaux.items()} for c, niveaux in _TABLE.items()},
)

CRITERES = tuple(PARAMETRES.m)


@dataclass(frozen=True)
class Frequences:
    """How often each surname / first name occurs among an ML's dossiers (term frequency)."""

    noms: Mapping[str, int] = field(default_factory=dict)
    prenoms: Mapping[str, int] = field(default_factory=dict)
    total: int = 0

    def _frequence(self, compte: int, defaut: float, lissage: float) -> float:
        return (compte + lissage * defaut) / (self.total + lissage)

    def nom(self, valeur: str, p: Parametres) -> float:
        return self._frequence(self.noms.get(valeur, 0), p.frequence_nom, p.lissage)

    def prenom(self, valeur: str, p: Parametres) -> float:
        return self._frequence(self.prenoms.get(valeur, 0), p.frequence_prenom, p.lissage)


AUCUNE_FREQUENCE = Frequences()


def comparer(
    a: Fiche,
    b: Fiche,
    frequences: Frequences = AUCUNE_FREQUENCE,
    p: Parametres = PARAMETRES,
) -> list[Element]:
    """The explanation of a pair: one element per criterion, its level and weight in bits."""
    niveaux = {
        "nom": niveau_nom(a, b),
        "prenoms": niveau_prenoms(a, b),
        "dateNaissance": niveau_naissance(a.naissance, b.naissance),
        "sexe": niveau_valeur(a.sexe, b.sexe),
        "identifiantPe": niveau_valeur(a.identifiant_pe, b.identifiant_pe),
        "email": niveau_valeur(a.email, b.email),
        "telephone": niveau_valeur(a.telephone, b.telephone),
        "communeInsee": niveau_valeur(a.commune, b.commune),
    }
    elements = []
    for critere, niveau in niveaux.items():
        poids = p.poids(critere, niveau)
        if niveau is Niveau.EXACT and critere == "nom":
            commun = next(n for n in a.noms if n in b.noms)
            poids = math.log2(p.m[critere][niveau] / frequences.nom(commun, p))
        elif niveau is Niveau.EXACT and critere == "prenoms":
            poids = math.log2(p.m[critere][niveau] / frequences.prenom(a.prenom, p))
        elements.append(Element(critere, niveau, round(poids, 2)))
    if niveaux["email"] is niveaux["telephone"] is Niveau.EXACT:
        # One household's contact seen twice: the weaker of the two agreements is not counted.
        faible = min(
            (e for e in elements if e.critere in ("email", "telephone")), key=lambda e: e.poids
        )
        elements[elements.index(faible)] = Element(faible.critere, faible.niveau, 0.0)
    return elements


def poids_total(elements: Iterable[Element]) -> float:
    return sum(e.poids for e in elements)


def score(poids: float, p: Parametres = PARAMETRES) -> float:
    """The posterior probability that the pair is one youth, in [0, 1]."""
    logit = poids + math.log2(p.a_priori / (1 - p.a_priori))
    if logit > 60:
        return 1.0
    if logit < -60:
        return 0.0
    return 1 / (1 + 2**-logit)


# ---------------------------------------------------------------------- vetoes and bands


class Veto(Enum):
    JUMEAUX = "JUMEAUX"
    """Same birth date and surname, another first name: a twin, not a typo."""
    IDENTIFIANTS_PE_DIFFERENTS = "IDENTIFIANTS_PE_DIFFERENTS"
    SEXE_DIFFERENT = "SEXE_DIFFERENT"


def vetos(elements: Sequence[Element]) -> list[Veto]:
    niveaux = {e.critere: e.niveau for e in elements}
    trouves = []
    if (
        niveaux["dateNaissance"] is Niveau.EXACT
        and niveaux["nom"] is Niveau.EXACT
        and niveaux["prenoms"] in (Niveau.DIFFERENT, Niveau.PROCHE)
    ):
        trouves.append(Veto.JUMEAUX)
    if niveaux["identifiantPe"] is Niveau.DIFFERENT:
        trouves.append(Veto.IDENTIFIANTS_PE_DIFFERENTS)
    if niveaux["sexe"] is Niveau.DIFFERENT:
        trouves.append(Veto.SEXE_DIFFERENT)
    return trouves


class Decision(Enum):
    AUTOMATIQUE = "AUTOMATIQUE"
    A_EXAMINER = "A_EXAMINER"


SEUIL_AUTOMATIQUE = 0.999
"""Score from which the best candidate is proposed first (no veto, and a clear margin)."""
MARGE_AUTOMATIQUE = 10.0
"""Bits the best candidate must lead the runner-up by to be AUTOMATIQUE."""
SEUIL_EXAMEN = 0.5
"""Below this score (about 10 bits of evidence) a dossier is not shown as a candidate: on the
generated population, 0.05 showed homonyms and look-alikes to examine for 14% of the
affectations, 0.5 for 11%, with no youth who has a dossier left without it (evaluate-matching)."""
CANDIDATS_MAX = 10


@dataclass(frozen=True)
class Candidat:
    ref: str
    """The dossier's id (as the index holds it)."""
    score: float
    decision: Decision
    explication: tuple[Element, ...]
    vetos: tuple[Veto, ...] = ()

    @property
    def poids(self) -> float:
        return poids_total(self.explication)


IDENTITE = ("nom", "prenoms", "dateNaissance")
VARIATIONS = frozenset(
    {
        Niveau.PROCHE,
        Niveau.INVERSION_NOM_PRENOM,
        Niveau.INVERSION_JOUR_MOIS,
        Niveau.UN_CHIFFRE,
        Niveau.UN_DES_PRENOMS,
    }
)
"""How one youth's identity varies between two files, and matching sees through."""


def identite_a_confirmer(elements: Sequence[Element]) -> list[str]:
    """R3, R4, one answer for the engine and for ``rapprocher``: the identity criteria a manager
    must confirm before matching the pair; none when surname, first names and birth date agree,
    at most one of them with a known variation (names inverted count once). A criterion that
    differs, or two variations at once (names inverted and day/month swapped), make a
    look-alike rather than one youth typed twice: every criterion that is not exact is then
    named. Only a candidate with nothing to confirm can be AUTOMATIQUE."""
    niveaux = {e.critere: e.niveau for e in elements}
    ecarts = [c for c in IDENTITE if niveaux[c] is not Niveau.EXACT]
    variations = len(ecarts)
    if niveaux["nom"] is niveaux["prenoms"] is Niveau.INVERSION_NOM_PRENOM:
        variations -= 1
    divergent = any(niveaux[c] not in VARIATIONS for c in ecarts)
    return ecarts if divergent or variations > 1 else []


def identite_coherente(elements: Sequence[Element]) -> bool:
    """An automatic proposal needs the person's identity to agree, whatever the contacts say."""
    return not identite_a_confirmer(elements)


def classer_candidats(
    fiche: Fiche,
    trouves: Iterable[tuple[str, Fiche]],
    frequences: Frequences = AUCUNE_FREQUENCE,
    p: Parametres = PARAMETRES,
) -> list[Candidat]:
    """R3: the dossiers found by the blocking keys, scored, best first; the first one
    AUTOMATIQUE only with a very high score, a coherent identity, no veto and a clear margin
    over the runner-up; any veto sends a candidate to review whatever its score, and a dossier
    bearing the youth's PE identifier is always shown, whatever else disagrees."""
    notes = []
    for ref, autre in trouves:
        elements = comparer(fiche, autre, frequences, p)
        poids = poids_total(elements)
        veto = vetos(elements)
        meme_pe = any(e.critere == "identifiantPe" and e.niveau is Niveau.EXACT for e in elements)
        if score(poids, p) >= SEUIL_EXAMEN or (veto and poids > 0) or meme_pe:
            notes.append((poids, ref, elements, veto))
    notes.sort(key=lambda n: (-n[0], n[1]))
    candidats = []
    for rang, (poids, ref, elements, veto) in enumerate(notes[:CANDIDATS_MAX]):
        marge = poids - notes[1][0] if len(notes) > 1 else math.inf
        automatique = (
            rang == 0
            and not veto
            and identite_coherente(elements)
            and score(poids, p) >= SEUIL_AUTOMATIQUE
        )
        decision = (
            Decision.AUTOMATIQUE
            if automatique and marge >= MARGE_AUTOMATIQUE
            else Decision.A_EXAMINER
        )
        candidats.append(Candidat(ref, score(poids, p), decision, tuple(elements), tuple(veto)))
    return candidats


@dataclass(frozen=True)
class Trouves:
    """A youth's candidates among an ML's dossiers, and which of them had a PPAE en cours or
    terminé (what the index answers)."""

    candidats: list[Candidat]
    ppae_passe: frozenset[str] = frozenset()


# ---------------------------------------------------------------------- an index in memory


_SEPARATEUR = "\x1f"
_BITS_RANG = 24
_MASQUE_CLE = (1 << 40) - 1


def _encoder(ref: str, f: Fiche) -> str:
    champs = (
        ref,
        ",".join(f.noms),
        " ".join(f.prenoms),
        f.naissance.isoformat(),
        f.sexe or "",
        f.identifiant_pe or "",
        f.email or "",
        f.telephone or "",
        f.commune or "",
    )
    return _SEPARATEUR.join(champs)


def _decoder(ligne: str) -> tuple[str, Fiche]:
    ref, noms, prenoms, naissance, sexe, pe, email, telephone, commune = ligne.split(_SEPARATEUR)
    fiche = Fiche(
        noms=tuple(noms.split(",")) if noms else (),
        prenoms=tuple(prenoms.split()),
        naissance=date.fromisoformat(naissance),
        sexe=sexe or None,
        identifiant_pe=pe or None,
        email=email or None,
        telephone=telephone or None,
        commune=commune or None,
    )
    return ref, fiche


class IndexMemoire:
    """The blocking index in memory, for evaluations and benchmarks over a whole population
    (the service keeps the same keys in a processor's tables). Compact: one string per dossier
    (decoded when it is a candidate) and one 64-bit integer per key (40 bits of the key's hash,
    24 of the dossier's rank), sorted once and searched by bisection; a hash collision only
    brings one more dossier to score."""

    def __init__(self) -> None:
        self._lignes: list[str] = []
        self._cles = array("Q")
        self._trie = True
        self._noms: Counter[str] = Counter()
        self._prenoms: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._lignes)

    def ajouter(self, ref: str, fiche: Fiche) -> None:
        rang = len(self._lignes)
        if rang >= 1 << _BITS_RANG:
            raise OverflowError("an in-memory index holds 16,777,216 dossiers at most")
        self._lignes.append(_encoder(ref, fiche))
        self._cles.extend(
            ((hash(cle) & _MASQUE_CLE) << _BITS_RANG) | rang for cle in cles_de_blocage(fiche)
        )
        self._trie = False
        self._noms.update(fiche.noms)
        if fiche.prenom:
            self._prenoms[fiche.prenom] += 1

    def lire(self, rang: int) -> tuple[str, Fiche]:
        return _decoder(self._lignes[rang])

    def __iter__(self) -> Iterator[tuple[str, Fiche]]:
        return (_decoder(ligne) for ligne in self._lignes)

    @property
    def frequences(self) -> Frequences:
        return Frequences(self._noms, self._prenoms, len(self._lignes))

    def figer(self) -> None:
        """Sorts the keys (done by the first lookup after additions)."""
        if not self._trie:
            self._cles = array("Q", sorted(self._cles))
            self._trie = True

    def _rangs(self, cle: str) -> Iterator[int]:
        self.figer()
        debut = (hash(cle) & _MASQUE_CLE) << _BITS_RANG
        fin = debut | ((1 << _BITS_RANG) - 1)
        cles = self._cles
        i = bisect_left(cles, debut)
        while i < len(cles) and cles[i] <= fin:
            yield cles[i] & ((1 << _BITS_RANG) - 1)
            i += 1

    def trouver(self, fiche: Fiche) -> Iterator[tuple[str, Fiche]]:
        rangs: set[int] = set()
        for cle in cles_de_recherche(fiche):
            rangs.update(self._rangs(cle))
        for rang in sorted(rangs):
            yield self.lire(rang)

    def candidats(self, fiche: Fiche, p: Parametres = PARAMETRES) -> list[Candidat]:
        return classer_candidats(fiche, self.trouver(fiche), self.frequences, p)


# ---------------------------------------------------------------------- estimation


def estimer(
    vraies: Sequence[Sequence[Element]],
    aleatoires: Sequence[Sequence[Element]],
    p: Parametres = PARAMETRES,
    poids_a_priori: float = 200.0,
) -> Parametres:
    """``m`` from pairs known to be one youth (a labelled population), ``u`` from random pairs
    of dossiers (where true matches are negligible): each level's share among the pairs where
    the criterion is present, smoothed towards the current value as if it had been seen in
    ``poids_a_priori`` pairs (a level never seen keeps a non-zero weight)."""

    def parts(
        paires: Sequence[Sequence[Element]], defaut: Mapping[str, Mapping[Niveau, float]]
    ) -> dict[str, dict[Niveau, float]]:
        comptes: dict[tuple[str, Niveau], int] = defaultdict(int)
        presents: dict[str, int] = defaultdict(int)
        for paire in paires:
            for e in paire:
                if e.niveau is not Niveau.ABSENT:
                    comptes[e.critere, e.niveau] += 1
                    presents[e.critere] += 1
        return {
            critere: {
                niveau: (comptes[critere, niveau] + poids_a_priori * valeur)
                / (presents[critere] + poids_a_priori)
                for niveau, valeur in niveaux.items()
            }
            for critere, niveaux in defaut.items()
        }

    return Parametres(
        m=parts(vraies, p.m),
        u=parts(aleatoires, p.u),
        a_priori=p.a_priori,
        frequence_nom=p.frequence_nom,
        frequence_prenom=p.frequence_prenom,
        lissage=p.lissage,
    )
