"""A labelled synthetic French population (issue 8, part 5; DESIGN §4 formats, §5 quality).

``generer`` writes, in a directory:

- ``missions-locales.jsonl``: the Missions Locales, their zones (INSEE codes) and counselors;
- ``dossiers.jsonl``: the existing dossiers of each ML (the bulk-load format);
- ``affectations.jsonl``: the DUDE's affectations (the intake format);
- ``verite.jsonl``: for each affectation, the dossier it truly belongs to (or null: a new
  person) and the case applied (``Cas``), with the look-alike dossier of a hard negative;
- ``verite-dossiers.jsonl``: the duplicate dossiers (the same youth twice) and the twins among
  the dossiers (who are not duplicates).

What French files hold, drawn with fixed name frequencies (France's, whatever the seed) and the
proportions below (the population's): accents, ligatures, particles, compound and multiple first
names, double and usage names, families sharing a phone and an e-mail, twins; and, between an
ML's dossier and the DUDE's copy, the variations a matching engine must see through.

Same parameters and seed → byte-identical files. Memory stays bounded: dossiers are streamed, and
only those the affectations copy (planned before the dossiers are written) are kept."""

from __future__ import annotations

import json
from bisect import bisect
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from types import TracebackType

from cotraitance.population_identites import (
    CAS_NOUVEAUX,
    Cas,
    Fabrique,
    Foyer,
    Personne,
)
from cotraitance.population_noms import hasard
from cotraitance.population_territoire import MissionLocale, missions_locales

# --- Proportions of the population --------------------------------------------------------

PARTS_CAS: dict[Cas, float] = {
    # Known youths (59 %): the DUDE's copy of an existing dossier.
    Cas.COPIE_EXACTE: 0.20,
    Cas.CASSE_ACCENTS: 0.08,
    Cas.INVERSION_NOM_PRENOM: 0.02,
    Cas.INVERSION_JOUR_MOIS: 0.02,
    Cas.FAUTE_CHIFFRE_NAISSANCE: 0.03,
    Cas.FAUTE_NOM: 0.03,
    Cas.PREMIER_PRENOM_SEUL: 0.04,
    Cas.NOM_USAGE: 0.03,
    Cas.DEMENAGEMENT: 0.08,
    Cas.CONTACTS_ABSENTS: 0.04,
    Cas.JUMEAU_CONNU: 0.02,
    # New persons (41 %), of whom hard negatives look like a youth who has a dossier.
    Cas.NOUVEAU: 0.36,
    Cas.JUMEAU: 0.015,
    Cas.HOMONYME: 0.015,
    Cas.FRATRIE: 0.02,
}
"""Share of the affectations per case; sums to 1."""

PART_AGE_26_ET_PLUS = 0.03
"""Affectations of youths aged 26 or more at the assignment date (R2 suggests AGE)."""
PART_HORS_ZONE_NOUVEAUX = 0.05
"""New persons living outside the ML's zone (R2 suggests HORS_ZONE)."""
PART_REAFFECTATION_APRES_PPAE = 0.8
PART_REAFFECTATION_SANS_PPAE = 0.08
"""typeAffectation REAFFECTATION: mostly youths whose dossier shows a past PPAE."""
PART_ENTRETIEN_DUDE = 0.4
"""Affectations carrying the date of the last interview recorded in the DUDE."""
PART_RADIATION = 0.1
"""Affectations carrying a past PE deregistration period (R9)."""
ANCIENNETE_AFFECTATIONS_JOURS = 90
"""Affectations are dated in the days before the reference date."""

PART_DOUBLONS = 0.005
"""Dossiers that are a second dossier of a youth already in the ML (varied like a DUDE copy)."""
PART_JUMEAUX = 0.008
"""Dossiers of a twin of the previous dossier's youth."""
PART_FRATRIE = 0.06
"""Dossiers of a brother or sister of the previous dossier's youth (same address, contacts)."""
FENETRE_DOUBLONS = 2000
"""A duplicate copies one of the ML's last dossiers (what bounds the memory)."""

DOSSIERS_PAR_ML = 50_000
"""Default number of Missions Locales: one per this many dossiers."""
DATE_REFERENCE = date(2026, 11, 2)
"""Default reference date: not the clock's, so that a seed always gives the same files."""
DOSSIERS_MAX = 5_000_000
AFFECTATIONS_MAX = 1_000_000
"""Bounds that keep the generated identifiers (PE, phones) unique."""
PREMIER_TELEPHONE_AFFECTATIONS = 37_123_457
"""Phone serials: the dossiers' from 0 (at most 3 per dossier), the affectations' from here."""
NOMS_FICHIERS = (
    "missions-locales",
    "dossiers",
    "affectations",
    "verite",
    "verite-dossiers",
)

Progression = Callable[[str, int, int], None]
"""Called with (what, done, total) while writing."""


class ParametresInvalides(ValueError):
    """The message is for the user, in French."""


@dataclass(frozen=True)
class Parametres:
    dossiers: int = 10_000
    affectations: int = 1_000
    missions_locales: int | None = None
    """None: one per DOSSIERS_PAR_ML dossiers."""
    graine: int = 0
    date_reference: date = DATE_REFERENCE

    @property
    def nombre_ml(self) -> int:
        if self.missions_locales is not None:
            return self.missions_locales
        return max(1, -(-self.dossiers // DOSSIERS_PAR_ML))

    def verifier(self) -> None:
        if not 0 <= self.dossiers <= DOSSIERS_MAX:
            raise ParametresInvalides(f"--dossiers : de 0 à {DOSSIERS_MAX}")
        if not 0 <= self.affectations <= AFFECTATIONS_MAX:
            raise ParametresInvalides(f"--affectations : de 0 à {AFFECTATIONS_MAX}")
        if not 1 <= self.nombre_ml <= MissionLocale.NOMBRE_MAX:
            raise ParametresInvalides(f"--missions-locales : de 1 à {MissionLocale.NOMBRE_MAX}")


@dataclass(frozen=True)
class Bilan:
    missions_locales: int
    dossiers: int
    doublons: int
    paires_de_jumeaux: int
    affectations: int
    par_cas: dict[str, int]

    @property
    def personnes_nouvelles(self) -> int:
        return sum(n for cas, n in self.par_cas.items() if Cas(cas) in CAS_NOUVEAUX)


def generer(
    repertoire: Path, parametres: Parametres, progression: Progression | None = None
) -> Bilan:
    parametres.verifier()
    repertoire.mkdir(parents=True, exist_ok=True)
    graine = parametres.graine
    mls = missions_locales(
        hasard(f"{graine}:missions-locales"), parametres.nombre_ml, parametres.dossiers
    )
    plan = _Plan.tirer(hasard(f"{graine}:plan"), mls, parametres)
    with _Sorties(repertoire) as sorties:
        for ml in mls:
            sorties.ecrire("missions-locales", ml.ligne())
        memoire = _Dossiers(sorties, mls, plan, parametres, progression).ecrire()
        par_cas = _Affectations(sorties, mls, plan, memoire, parametres).ecrire()
    return Bilan(
        missions_locales=len(mls),
        dossiers=parametres.dossiers,
        doublons=memoire.doublons,
        paires_de_jumeaux=memoire.paires_de_jumeaux,
        affectations=parametres.affectations,
        par_cas={cas.value: par_cas[cas] for cas in Cas if par_cas[cas]},
    )


# --- The plan: which dossiers the affectations will copy ----------------------------------


@dataclass(frozen=True)
class _Prevue:
    """An affectation decided before the dossiers are written."""

    cas: Cas
    ml: int
    date_affectation: date
    base: int | None
    """Index of the dossier it copies or resembles (None: a new person, unlike anyone)."""
    plus_de_26: bool


@dataclass
class _Plan:
    prevues: list[_Prevue]
    bases: dict[int, _Prevue]
    jumeaux_forces: dict[int, int]
    """Index of a dossier written as the twin of the previous one (JUMEAU_CONNU)."""

    @classmethod
    def tirer(cls, rng: Random, mls: list[MissionLocale], parametres: Parametres) -> _Plan:
        plan = cls([], {}, {})
        tailles = [ml.taille if ml.taille >= 4 else 0 for ml in mls]
        cumul_bases = _cumuler(tailles)
        cumul_nouveaux = _cumuler([max(ml.taille, 1) for ml in mls])
        tirages = rng.choices(list(PARTS_CAS), list(PARTS_CAS.values()), k=parametres.affectations)
        for cas in tirages:
            jour = parametres.date_reference - timedelta(
                days=rng.randrange(ANCIENNETE_AFFECTATIONS_JOURS)
            )
            plus_de_26 = rng.random() < PART_AGE_26_ET_PLUS
            base, ml = None, -1
            if cas is not Cas.NOUVEAU:
                base, ml = plan._reserver(rng, mls, cumul_bases, cas is Cas.JUMEAU_CONNU)
            if base is None:
                cas, ml = Cas.NOUVEAU, _indice(rng, cumul_nouveaux)
            prevue = _Prevue(cas, ml, jour, base, plus_de_26)
            plan.prevues.append(prevue)
            if base is not None:
                plan.bases[base] = prevue
        plan.prevues.sort(key=lambda p: p.date_affectation)
        return plan

    def _reserver(
        self, rng: Random, mls: list[MissionLocale], cumul: list[float], jumeau: bool
    ) -> tuple[int | None, int]:
        """A dossier nobody else copies, nor its neighbours (room for a twin after it)."""
        if not cumul or cumul[-1] == 0:
            return None, -1
        for _ in range(50):
            k = _indice(rng, cumul)
            base = rng.randrange(mls[k].debut, mls[k].fin - 1)
            voisins = range(base - 1, base + 3)
            if any(v in self.bases or v in self.jumeaux_forces for v in voisins):
                continue
            if jumeau:
                self.jumeaux_forces[base + 1] = base
            return base, k
        return None, -1


# --- Dossiers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Retenu:
    """A dossier an affectation copies: what the affectation needs of it."""

    id_dossier: str
    personne: Personne
    foyer: Foyer
    identifiant_pe: str | None
    a_eu_ppae: bool


@dataclass
class _Memoire:
    retenus: dict[int, _Retenu] = field(default_factory=dict)
    jumeaux: dict[int, str] = field(default_factory=dict)
    """Base index → id of its twin's dossier (JUMEAU_CONNU)."""
    doublons: int = 0
    paires_de_jumeaux: int = 0


class _Dossiers:
    def __init__(
        self,
        sorties: _Sorties,
        mls: list[MissionLocale],
        plan: _Plan,
        parametres: Parametres,
        progression: Progression | None,
    ) -> None:
        self.sorties, self.mls, self.plan, self.progression = sorties, mls, plan, progression
        self.total = parametres.dossiers
        self.fabrique = Fabrique(
            hasard(f"{parametres.graine}:dossiers"),
            parametres.date_reference,
            premier_telephone=0,
        )
        self.memoire = _Memoire()

    def ecrire(self) -> _Memoire:
        for ml in self.mls:
            self._ecrire_ml(ml)
        if self.progression and self.total % 100_000:
            self.progression("dossiers", self.total, self.total)
        return self.memoire

    def _ecrire_ml(self, ml: MissionLocale) -> None:
        fab, plan = self.fabrique, self.plan
        precedent: tuple[str, Personne, Foyer] | None = None
        recents: deque[tuple[str, Personne, Foyer]] = deque(maxlen=FENETRE_DOUBLONS)
        for i in range(ml.debut, ml.fin):
            id_dossier = id_de_dossier(i)
            prevue = plan.bases.get(i)
            lien: tuple[str, str, Cas | None] | None = None
            if i in plan.jumeaux_forces and precedent is not None:
                id_jumeau, jumeau, foyer = precedent
                personne, lien = fab.jumeau(jumeau, foyer), ("JUMEAU", id_jumeau, None)
                self.memoire.jumeaux[plan.jumeaux_forces[i]] = id_dossier
            elif prevue is not None:
                foyer = fab.foyer(ml)
                personne = fab.base(
                    ml, foyer, prevue.cas, prevue.date_affectation, prevue.plus_de_26
                )
            else:
                personne, foyer, lien = self._ordinaire(ml, precedent, recents)
            contenu = fab.contenu(personne, i, doublon=lien is not None and lien[0] == "DOUBLON")
            self.sorties.ecrire("dossiers", fab.ligne_dossier(id_dossier, ml, personne, contenu))
            if lien is not None:
                self._lier(id_dossier, ml, lien)
            if prevue is not None:
                self.memoire.retenus[i] = _Retenu(
                    id_dossier, personne, foyer, contenu.identifiant_pe, contenu.a_eu_ppae
                )
            elif i not in plan.jumeaux_forces and (lien is None or lien[0] != "DOUBLON"):
                recents.append((id_dossier, personne, foyer))
            precedent = (id_dossier, personne, foyer)
            if self.progression and (i + 1) % 100_000 == 0:
                self.progression("dossiers", i + 1, self.total)

    def _ordinaire(
        self,
        ml: MissionLocale,
        precedent: tuple[str, Personne, Foyer] | None,
        recents: deque[tuple[str, Personne, Foyer]],
    ) -> tuple[Personne, Foyer, tuple[str, str, Cas | None] | None]:
        fab = self.fabrique
        tirage = fab.rng.random()
        if recents and tirage < PART_DOUBLONS:
            id_original, original, foyer = recents[fab.rng.randrange(len(recents))]
            cas = fab.cas_de_doublon(original)
            return fab.varier(original, cas, ml), foyer, ("DOUBLON", id_original, cas)
        if precedent is not None and tirage < PART_DOUBLONS + PART_JUMEAUX:
            id_jumeau, jumeau, foyer = precedent
            return fab.jumeau(jumeau, foyer), foyer, ("JUMEAU", id_jumeau, None)
        if precedent is not None and tirage < PART_DOUBLONS + PART_JUMEAUX + PART_FRATRIE:
            _, aine, foyer = precedent
            return fab.frere_ou_soeur(aine, foyer, fab.reference, 16, 30), foyer, None
        foyer = fab.foyer(ml)
        return fab.jeune(foyer, fab.naissance(fab.reference, 16, 30)), foyer, None

    def _lier(self, id_dossier: str, ml: MissionLocale, lien: tuple[str, str, Cas | None]) -> None:
        type_lien, id_lie, cas = lien
        if type_lien == "DOUBLON":
            self.memoire.doublons += 1
        else:
            self.memoire.paires_de_jumeaux += 1
        self.sorties.ecrire(
            "verite-dossiers",
            {
                "idDossier": id_dossier,
                "idDossierLie": id_lie,
                "codeMissionLocale": ml.code,
                "lien": type_lien,
                "cas": cas.value if cas else None,
            },
        )


def id_de_dossier(indice: int) -> str:
    return f"IMILO-{indice + 1:08d}"


# --- Affectations -------------------------------------------------------------------------


class _Affectations:
    def __init__(
        self,
        sorties: _Sorties,
        mls: list[MissionLocale],
        plan: _Plan,
        memoire: _Memoire,
        parametres: Parametres,
    ) -> None:
        self.sorties, self.mls, self.plan, self.memoire = sorties, mls, plan, memoire
        self.fabrique = Fabrique(
            hasard(f"{parametres.graine}:affectations"),
            parametres.date_reference,
            premier_telephone=PREMIER_TELEPHONE_AFFECTATIONS,
        )
        self.serie_pe = parametres.dossiers

    def ecrire(self) -> Counter[Cas]:
        par_cas: Counter[Cas] = Counter()
        for numero, prevue in enumerate(self.plan.prevues, start=1):
            ml = self.mls[prevue.ml]
            personne, id_vrai, id_proche, pe, ppae = self._personne(prevue, ml)
            rng = self.fabrique.rng
            seuil = PART_REAFFECTATION_APRES_PPAE if ppae else PART_REAFFECTATION_SANS_PPAE
            id_affectation = f"DUDE-{prevue.date_affectation.year}-{numero:07d}"
            self.sorties.ecrire(
                "affectations",
                {
                    "idAffectation": id_affectation,
                    "codeMissionLocale": ml.code,
                    "dateAffectation": prevue.date_affectation.isoformat(),
                    "typeAffectation": "REAFFECTATION" if rng.random() < seuil else "INITIALE",
                    "identifiantPe": pe,
                    **personne.champs(self.fabrique.format_dude(personne.telephone)),
                    **self._historique_dude(prevue.date_affectation),
                },
            )
            self.sorties.ecrire(
                "verite",
                {
                    "idAffectation": id_affectation,
                    "codeMissionLocale": ml.code,
                    "idDossier": id_vrai,
                    "cas": prevue.cas.value,
                    "idDossierProche": id_proche,
                },
            )
            par_cas[prevue.cas] += 1
        return par_cas

    def _personne(
        self, prevue: _Prevue, ml: MissionLocale
    ) -> tuple[Personne, str | None, str | None, str, bool]:
        """The youth as the DUDE knows them, the true dossier, the look-alike dossier, the PE
        identifier, and whether the dossier shows a past PPAE."""
        fab = self.fabrique
        self.serie_pe += 1
        nouveau_pe = fab.identifiant_pe(self.serie_pe)
        if prevue.base is None:
            hors_zone = fab.rng.random() < PART_HORS_ZONE_NOUVEAUX
            foyer = fab.foyer(ml, hors_zone=hors_zone)
            age_min, age_max = (26, 28) if prevue.plus_de_26 else (16, 26)
            naissance = fab.naissance(prevue.date_affectation, age_min, age_max)
            return fab.jeune(foyer, naissance), None, None, nouveau_pe, False
        base = self.memoire.retenus[prevue.base]
        jour = prevue.date_affectation
        if prevue.cas is Cas.JUMEAU:
            return fab.jumeau(base.personne, base.foyer), None, base.id_dossier, nouveau_pe, False
        if prevue.cas is Cas.HOMONYME:
            return fab.homonyme(base.personne, ml, jour), None, base.id_dossier, nouveau_pe, False
        if prevue.cas is Cas.FRATRIE:
            soeur = fab.frere_ou_soeur(
                base.personne, base.foyer, jour, 16, 26, contacts_du_foyer=True
            )
            return soeur, None, base.id_dossier, nouveau_pe, False
        proche = self.memoire.jumeaux.get(prevue.base)
        personne = fab.varier(base.personne, prevue.cas, ml)
        pe = base.identifiant_pe or nouveau_pe
        return personne, base.id_dossier, proche, pe, base.a_eu_ppae

    def _historique_dude(self, jour: date) -> dict[str, object]:
        rng = self.fabrique.rng
        entretien = None
        if rng.random() < PART_ENTRETIEN_DUDE:
            entretien = (jour - timedelta(days=rng.randint(20, 400))).isoformat()
        periodes = []
        if rng.random() < PART_RADIATION:
            debut = jour - timedelta(days=rng.randint(60, 500))
            fin = min(debut + timedelta(days=rng.randint(14, 92)), jour - timedelta(days=1))
            periodes.append({"debut": debut.isoformat(), "fin": fin.isoformat()})
        return {"dateDernierEntretienDude": entretien, "periodesRadiation": periodes}


# --- Files --------------------------------------------------------------------------------


class _Sorties:
    """The files, written under a temporary name and renamed once all are complete."""

    def __init__(self, repertoire: Path) -> None:
        self.chemins = {nom: repertoire / f"{nom}.jsonl" for nom in NOMS_FICHIERS}
        self.fichiers = {
            nom: chemin.with_suffix(".jsonl.partiel").open(
                "w", encoding="utf-8", newline="\n", buffering=1 << 20
            )
            for nom, chemin in self.chemins.items()
        }

    def ecrire(self, nom: str, objet: dict[str, object]) -> None:
        self.fichiers[nom].write(json.dumps(objet, ensure_ascii=False) + "\n")

    def __enter__(self) -> _Sorties:
        return self

    def __exit__(
        self,
        type_exc: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for nom, fichier in self.fichiers.items():
            fichier.close()
            partiel = Path(fichier.name)
            if exc is None:
                partiel.replace(self.chemins[nom])
            else:
                partiel.unlink(missing_ok=True)


def _cumuler(poids: list[int]) -> list[float]:
    cumul, total = [], 0.0
    for p in poids:
        total += p
        cumul.append(total)
    return cumul


def _indice(rng: Random, cumul: list[float]) -> int:
    return min(bisect(cumul, rng.random() * cumul[-1]), len(cumul) - 1)


__all__ = ["Bilan", "Cas", "Parametres", "ParametresInvalides", "generer"]
