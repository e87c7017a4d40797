"""``cotraitance evaluate-matching DIR``: the matching engine (``domain/rapprochement.py``) run on
a labelled population (``cotraitance demo-data DIR``) against the truth, with a baseline.

Each ML's dossiers go into an in-memory index (the same blocking keys, normalisation and
scores as the service's processor-kept index); each affectation is matched within its ML. The
figures, over the affectations:

- ``false_auto_match_rate``: the first candidate is AUTOMATIQUE and is not the youth's dossier
  (a new person included): the error a manager could confirm by habit;
- ``duplicates_created_rate``: a youth who has a dossier filed DE_NON_CONNUS (no candidate):
  creating the dossier would make a second one — over the youths who have a dossier;
- ``review_rate``: the affectation needs a human look (its first candidate is A_EXAMINER);
- ``blocking_recall``: the youth's dossier is among the blocked dossiers (before scoring) —
  over the youths who have a dossier;
- ``auto_match_rate``: the first candidate is AUTOMATIQUE and right.

Baseline: candidates with the exact birth date only, scored by the mean Jaro-Winkler similarity
of the normalised surname and first names; AUTOMATIQUE from 0.95 with a 0.05 margin, shown from
0.85."""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz.distance import JaroWinkler

from domain import identite as regles_des_champs
from domain.erreurs import ErreurMetier
from domain.rapprochement import (
    PARAMETRES,
    Decision,
    Element,
    Fiche,
    IndexMemoire,
    Parametres,
    classer_candidats,
    comparer,
)
from domain.rapprochement import (
    estimer as estimer_parametres,
)
from integrations.referentiel.champs import Champs
from integrations.referentiel.lignes import LigneRejetee, lire_jsonl


def fiche_de_ligne(ligne: dict[str, Any]) -> Fiche:
    """A row of the DESIGN §4 formats (dossiers or affectations), read as the imports read it
    (``Champs``: the domain's checks, a malformed contact dropped)."""
    champs = Champs(ligne)
    identite = champs.identite()
    pe = champs.regle("identifiantPe", regles_des_champs.identifiant_pe)
    if identite is None or champs.fautes:
        raise ValueError(champs.raison())
    return Fiche.de(identite, pe)


def lire(chemin: Path, illisibles: Counter[str]) -> Iterator[dict[str, Any]]:
    """The file's objects, read as the imports read them; a line they would reject (bad JSON,
    nested too deep, an over-long integer, a bad encoding) is counted in ``illisibles``."""
    for lu in lire_jsonl(chemin):
        if isinstance(lu, LigneRejetee):
            illisibles[chemin.name] += 1
        else:
            yield lu[1]


def rss_mo() -> float:
    """This process's resident memory now (Linux), else its peak."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as statut:
            for ligne in statut:
                if ligne.startswith("VmRSS:"):
                    return int(ligne.split()[1]) / 1024
    except OSError:
        pass
    pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return pic / (1024 * 1024) if sys.platform == "darwin" else pic / 1024


def rss_max_mo(enfants: bool = False) -> float:
    """This process's peak resident memory; ``enfants``: that of its largest child process
    that ended (a loading process)."""
    pic = resource.getrusage(
        resource.RUSAGE_CHILDREN if enfants else resource.RUSAGE_SELF
    ).ru_maxrss
    return pic / (1024 * 1024) if sys.platform == "darwin" else pic / 1024


@dataclass
class Population:
    index: dict[str, IndexMemoire]
    affectations: list[tuple[str, str, Fiche]]
    """(idAffectation, codeMissionLocale, record)"""
    verite: dict[str, str | None]
    dossiers: int
    rejetees: int = 0
    index_s: float = 0.0
    index_rss_mo: float = 0.0


def charger(repertoire: Path, progression: Callable[[int], None] | None = None) -> Population:
    avant = rss_mo()
    debut = time.perf_counter()
    index: dict[str, IndexMemoire] = defaultdict(IndexMemoire)
    illisibles: Counter[str] = Counter()
    rejetees = dossiers = 0
    for ligne in lire(repertoire / "dossiers.jsonl", illisibles):
        try:
            fiche = fiche_de_ligne(ligne)
        except (ErreurMetier, KeyError, ValueError):
            rejetees += 1
            continue
        index[ligne["codeMissionLocale"]].ajouter(str(ligne["idDossier"]), fiche)
        dossiers += 1
        if progression and dossiers % 10_000 == 0:
            progression(dossiers)
    for index_ml in index.values():
        index_ml.figer()
    index_s = time.perf_counter() - debut
    index_rss = rss_mo() - avant
    affectations = []
    for ligne in lire(repertoire / "affectations.jsonl", illisibles):
        try:
            fiche = fiche_de_ligne(ligne)
        except (ErreurMetier, KeyError, ValueError):
            rejetees += 1
            continue
        affectations.append((ligne["idAffectation"], ligne["codeMissionLocale"], fiche))
    verite = {}
    for ligne in lire(repertoire / "verite.jsonl", illisibles):
        if isinstance(ligne.get("idAffectation"), str):
            verite[ligne["idAffectation"]] = ligne.get("idDossier")
        else:
            rejetees += 1
    rejetees += illisibles.total()
    return Population(
        dict(index), affectations, verite, dossiers, rejetees, index_s, max(index_rss, 0.0)
    )


@dataclass
class Mesures:
    affectations: int = 0
    connus: int = 0
    auto_justes: int = 0
    auto_faux: int = 0
    examen: int = 0
    doublons_crees: int = 0
    bloques: int = 0
    candidats_justes: int = 0
    secondes: float = 0.0
    durees_ms: list[float] = field(default_factory=list)

    def taux(self) -> dict[str, float]:
        n, connus = max(self.affectations, 1), max(self.connus, 1)
        return {
            "false_auto_match_rate": round(self.auto_faux / n, 5),
            "duplicates_created_rate": round(self.doublons_crees / connus, 5),
            "review_rate": round(self.examen / n, 5),
            "blocking_recall": round(self.bloques / connus, 5),
            "auto_match_rate": round(self.auto_justes / n, 5),
            "candidate_recall": round(self.candidats_justes / connus, 5),
        }

    def noter(
        self, vrai: str | None, bloques: set[str], premier: tuple[str, Decision] | None,
        montres: set[str], duree_ms: float,
    ) -> None:  # fmt: skip
        self.affectations += 1
        self.durees_ms.append(duree_ms)
        if vrai is not None:
            self.connus += 1
            self.bloques += vrai in bloques
            self.candidats_justes += vrai in montres
            if premier is None:
                self.doublons_crees += 1
        if premier is None:
            return
        ref, decision = premier
        if decision is Decision.AUTOMATIQUE:
            if ref == vrai:
                self.auto_justes += 1
            else:
                self.auto_faux += 1
        else:
            self.examen += 1


def evaluer(population: Population, p: Parametres = PARAMETRES) -> Mesures:
    mesures = Mesures()
    debut = time.perf_counter()
    for id_affectation, code_ml, fiche in population.affectations:
        t0 = time.perf_counter()
        index = population.index.get(code_ml)
        trouves = list(index.trouver(fiche)) if index else []
        candidats = (
            classer_candidats(fiche, trouves, index.frequences, p) if index is not None else []
        )
        duree = (time.perf_counter() - t0) * 1000
        premier = (candidats[0].ref, candidats[0].decision) if candidats else None
        mesures.noter(
            population.verite.get(id_affectation),
            {ref for ref, _ in trouves},
            premier,
            {c.ref for c in candidats},
            duree,
        )
    mesures.secondes = time.perf_counter() - debut
    return mesures


SEUIL_BASE_AUTO, MARGE_BASE, SEUIL_BASE_EXAMEN = 0.95, 0.05, 0.85


def evaluer_reference(population: Population) -> Mesures:
    """The baseline: exact birth date, then the mean Jaro-Winkler of the names."""
    mesures = Mesures()
    debut = time.perf_counter()
    par_date: dict[str, dict[date, list[int]]] = {}
    for code_ml, index_ml in population.index.items():
        dates: dict[date, list[int]] = defaultdict(list)
        for rang, (_, fiche) in enumerate(index_ml):
            dates[fiche.naissance].append(rang)
        par_date[code_ml] = dates
    preparation = time.perf_counter() - debut
    debut = time.perf_counter()
    for id_affectation, code_ml, fiche in population.affectations:
        t0 = time.perf_counter()
        index = population.index.get(code_ml)
        rangs = par_date.get(code_ml, {}).get(fiche.naissance, [])
        notes = []
        for rang in rangs:
            ref, autre = index.lire(rang) if index else ("", fiche)
            similarite = (
                JaroWinkler.normalized_similarity(fiche.nom, autre.nom)
                + JaroWinkler.normalized_similarity(
                    " ".join(fiche.prenoms), " ".join(autre.prenoms)
                )
            ) / 2
            if similarite >= SEUIL_BASE_EXAMEN and index is not None:
                notes.append((similarite, ref))
        notes.sort(reverse=True)
        premier = None
        if notes:
            marge = notes[0][0] - notes[1][0] if len(notes) > 1 else 1.0
            auto = notes[0][0] >= SEUIL_BASE_AUTO and marge >= MARGE_BASE
            premier = (notes[0][1], Decision.AUTOMATIQUE if auto else Decision.A_EXAMINER)
        duree = (time.perf_counter() - t0) * 1000
        bloques = {index.lire(r)[0] for r in rangs} if index else set()
        mesures.noter(
            population.verite.get(id_affectation), bloques, premier, {r for _, r in notes}, duree
        )
    mesures.secondes = time.perf_counter() - debut + preparation
    return mesures


def estimer(population: Population, aleatoires: int = 50_000, graine: int = 0) -> Parametres:
    """``m`` on the true pairs (affectation, its youth's dossier), ``u`` on random pairs of an
    affectation and a dossier of its ML."""
    hasard = random.Random(graine)  # noqa: S311 (a sample, not a secret)
    rangs = {
        code_ml: {ref: rang for rang, (ref, _) in enumerate(index)}
        for code_ml, index in population.index.items()
    }
    vraies: list[list[Element]] = []
    au_hasard: list[list[Element]] = []
    for id_affectation, code_ml, fiche in population.affectations:
        index = population.index.get(code_ml)
        vrai = population.verite.get(id_affectation)
        if index is None:
            continue
        if vrai is not None and vrai in rangs[code_ml]:
            vraies.append(comparer(fiche, index.lire(rangs[code_ml][vrai])[1]))
        if len(au_hasard) < aleatoires:
            for _ in range(max(1, aleatoires // max(len(population.affectations), 1))):
                au_hasard.append(comparer(fiche, index.lire(hasard.randrange(len(index)))[1]))
    return estimer_parametres(vraies, au_hasard)


def resume(mesures: Mesures) -> dict[str, Any]:
    durees = mesures.durees_ms or [0.0]
    return {
        **mesures.taux(),
        "seconds": round(mesures.secondes, 3),
        "per_match_ms_p50": round(statistics.median(durees), 3),
        "per_match_ms_p99": round(sorted(durees)[int(0.99 * (len(durees) - 1))], 3),
    }
