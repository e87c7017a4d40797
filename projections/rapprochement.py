"""The matching index (R3-R5, DESIGN §5): each active dossier's normalised record, the blocking
keys it is filed under, whether its youth ever had a PPAE en cours or terminé, and the ML's
name frequencies. Candidates are looked up by key, never by scanning the ML's dossiers; always
within the ML (R23).

A deleted dossier (R20) leaves the index with its personal data; a dossier whose data were
transferred to another (a duplicate being fixed) is no longer a candidate."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from application.traitement.stockage import Curseur
from domain.dossier import Dossier
from domain.ppae import PPAE
from domain.rapprochement import (
    Fiche,
    Frequences,
    Trouves,
    classer_candidats,
    cles_de_blocage,
    cles_de_recherche,
)
from projections.vue import LOT_SQL, sujets

TYPES_PPAE_PASSE = ("EN_COURS", "TERMINE")
"""A bulk-loaded PPAE dispositif in these states counts as a PPAE the youth had (R3)."""


@dataclass
class _Inscrit:
    code_ml: str
    fiche: Fiche
    ppae_passe: bool


_EVENEMENTS = (
    Dossier.Cree,
    Dossier.RapprocheDude,
    Dossier.RapprochementAnnule,
    Dossier.DonneesRecues,
    Dossier.DonneesTransferees,
    Dossier.Supprime,
    PPAE.Ouvert,
    PPAE.EntreeEnCours,
    PPAE.EntreeRetroactive,
)


class IndexRapprochement:
    nom = "index_rapprochement"
    version = 1

    @property
    def sujets(self) -> tuple[str, ...]:
        retenus = {f"{c.__module__}:{c.__qualname__}" for c in _EVENEMENTS}
        return tuple(s for s in sujets(Dossier, PPAE) if s in retenus)

    def creer(self, cur: Curseur) -> None:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS rap_fiches (dossier_id TEXT PRIMARY KEY, "
            "code_ml TEXT NOT NULL, fiche TEXT NOT NULL, ppae_passe INTEGER NOT NULL)"
        )
        cur.execute(
            "CREATE TABLE IF NOT EXISTS rap_cles (code_ml TEXT NOT NULL, cle TEXT NOT NULL, "
            "dossier_id TEXT NOT NULL, PRIMARY KEY (code_ml, cle, dossier_id))"
        )
        cur.execute(
            "CREATE TABLE IF NOT EXISTS rap_ppae (ppae_id TEXT PRIMARY KEY, "
            "dossier_id TEXT NOT NULL)"
        )
        cur.execute(
            "CREATE TABLE IF NOT EXISTS rap_frequences (code_ml TEXT NOT NULL, "
            "champ TEXT NOT NULL, valeur TEXT NOT NULL, nombre BIGINT NOT NULL, "
            "PRIMARY KEY (code_ml, champ, valeur))"
        )

    tables = ("rap_fiches", "rap_cles", "rap_ppae", "rap_frequences")

    def supprimer(self, cur: Curseur) -> None:
        for table in self.tables:
            cur.execute(f"DROP TABLE IF EXISTS {table}")

    def traiter(self, cur: Curseur, evenements: Sequence[Any]) -> None:
        lot = _Lot(cur)
        for e in evenements:
            dossier_id = str(e.originator_id)
            if isinstance(e, Dossier.Cree):
                ppae_passe = any(
                    d.type == "PPAE" and d.statut in TYPES_PPAE_PASSE for d in e.dispositifs
                )
                fiche = Fiche.de(e.identite, e.identifiant_pe)
                lot.creer(dossier_id, _Inscrit(e.code_ml, fiche, ppae_passe))
            elif isinstance(e, Dossier.Supprime | Dossier.DonneesTransferees):
                lot.poser(dossier_id, None)
            elif isinstance(
                e, Dossier.RapprocheDude | Dossier.RapprochementAnnule | Dossier.DonneesRecues
            ):
                inscrit = lot.lire(dossier_id)
                if inscrit is not None:
                    fiche = _avec_pe(inscrit.fiche, e.identifiant_pe)
                    lot.poser(dossier_id, _Inscrit(inscrit.code_ml, fiche, inscrit.ppae_passe))
            elif isinstance(e, PPAE.Ouvert):
                lot.ppae[str(e.originator_id)] = str(e.dossier_id)
            elif isinstance(e, PPAE.EntreeEnCours | PPAE.EntreeRetroactive):
                dossier = lot.dossier_du_ppae(str(e.originator_id))
                inscrit = lot.lire(dossier) if dossier else None
                if dossier and inscrit is not None and not inscrit.ppae_passe:
                    lot.poser(dossier, _Inscrit(inscrit.code_ml, inscrit.fiche, True))
        lot.ecrire()


def _avec_pe(fiche: Fiche, identifiant_pe: str | None) -> Fiche:
    return Fiche(
        noms=fiche.noms,
        prenoms=fiche.prenoms,
        naissance=fiche.naissance,
        sexe=fiche.sexe,
        identifiant_pe=identifiant_pe.strip().upper() if identifiant_pe else None,
        email=fiche.email,
        telephone=fiche.telephone,
        commune=fiche.commune,
    )


class _Lot:
    """A batch's changes, written at the end: the records as they were before the batch
    (to take their keys and frequencies back) and as they are after it."""

    def __init__(self, cur: Curseur) -> None:
        self.cur = cur
        self.avant: dict[str, _Inscrit | None] = {}
        self.apres: dict[str, _Inscrit | None] = {}
        self.ppae: dict[str, str] = {}

    def lire(self, dossier_id: str) -> _Inscrit | None:
        if dossier_id in self.apres:
            return self.apres[dossier_id]
        if dossier_id not in self.avant:
            self.avant[dossier_id] = _lire_inscrit(self.cur, dossier_id)
        return self.avant[dossier_id]

    def creer(self, dossier_id: str, inscrit: _Inscrit) -> None:
        """A dossier's first event: nothing to read before it."""
        self.avant.setdefault(dossier_id, None)
        self.apres[dossier_id] = inscrit

    def poser(self, dossier_id: str, inscrit: _Inscrit | None) -> None:
        self.lire(dossier_id)
        self.apres[dossier_id] = inscrit

    def dossier_du_ppae(self, ppae_id: str) -> str | None:
        if ppae_id in self.ppae:
            return self.ppae[ppae_id]
        ligne = self.cur.fetchone("SELECT dossier_id FROM rap_ppae WHERE ppae_id = %s", [ppae_id])
        return str(ligne[0]) if ligne else None

    def ecrire(self) -> None:
        cur = self.cur
        cur.executemany(
            "INSERT INTO rap_ppae (ppae_id, dossier_id) VALUES (%s, %s) "
            "ON CONFLICT (ppae_id) DO NOTHING",
            list(self.ppae.items()),
        )
        retirees: list[tuple[str, str, str]] = []
        ajoutees: list[tuple[str, str, str]] = []
        frequences: Counter[tuple[str, str, str]] = Counter()
        fiches: list[tuple[str, str, str, int]] = []
        supprimees: list[tuple[str]] = []
        for dossier_id, apres in self.apres.items():
            avant = self.avant.get(dossier_id)
            if avant == apres:
                continue
            cles_avant = _cles(avant)
            cles_apres = _cles(apres)
            retirees += [(c, k, dossier_id) for c, k in cles_avant - cles_apres]
            ajoutees += [(c, k, dossier_id) for c, k in cles_apres - cles_avant]
            for inscrit, signe in ((avant, -1), (apres, 1)):
                if inscrit is not None:
                    for cle in _valeurs_frequentes(inscrit):
                        frequences[cle] += signe
            if apres is None:
                supprimees.append((dossier_id,))
            else:
                fiche = json.dumps(apres.fiche.en_json(), separators=(",", ":"))
                fiches.append((dossier_id, apres.code_ml, fiche, int(apres.ppae_passe)))
        cur.executemany(
            "DELETE FROM rap_cles WHERE code_ml = %s AND cle = %s AND dossier_id = %s", retirees
        )
        cur.executemany(
            "INSERT INTO rap_cles (code_ml, cle, dossier_id) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            ajoutees,
        )
        cur.executemany("DELETE FROM rap_fiches WHERE dossier_id = %s", supprimees)
        cur.executemany(
            "INSERT INTO rap_fiches (dossier_id, code_ml, fiche, ppae_passe) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (dossier_id) DO UPDATE SET "
            "code_ml = excluded.code_ml, fiche = excluded.fiche, ppae_passe = excluded.ppae_passe",
            fiches,
        )
        cur.executemany(
            "INSERT INTO rap_frequences (code_ml, champ, valeur, nombre) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (code_ml, champ, valeur) DO UPDATE SET "
            "nombre = rap_frequences.nombre + excluded.nombre",
            [(*cle, n) for cle, n in sorted(frequences.items()) if n],
        )
        # A name no dossier bears any more leaves the index (R20: a deleted youth's names).
        cur.executemany(
            "DELETE FROM rap_frequences WHERE code_ml = %s AND champ = %s AND valeur = %s "
            "AND nombre <= 0",
            [cle for cle, n in sorted(frequences.items()) if n < 0],
        )


def _cles(inscrit: _Inscrit | None) -> set[tuple[str, str]]:
    if inscrit is None:
        return set()
    return {(inscrit.code_ml, cle) for cle in cles_de_blocage(inscrit.fiche)}


def _valeurs_frequentes(inscrit: _Inscrit) -> Iterable[tuple[str, str, str]]:
    yield inscrit.code_ml, "*", ""
    for nom in inscrit.fiche.noms:
        yield inscrit.code_ml, "n", nom
    if inscrit.fiche.prenom:
        yield inscrit.code_ml, "p", inscrit.fiche.prenom


def _lire_inscrit(cur: Curseur, dossier_id: str) -> _Inscrit | None:
    ligne = cur.fetchone(
        "SELECT code_ml, fiche, ppae_passe FROM rap_fiches WHERE dossier_id = %s", [dossier_id]
    )
    if ligne is None:
        return None
    return _Inscrit(str(ligne[0]), Fiche.de_json(json.loads(ligne[1])), bool(ligne[2]))


# ---------------------------------------------------------------------- lookups


def _dans(cur: Curseur, sql: str, valeurs: Sequence[str], avant: Sequence[Any] = ()) -> list[Any]:
    """``sql`` has ``{}`` where the list of values goes (``= ANY`` on PostgreSQL)."""
    if not valeurs:
        return []
    if cur.est_postgres:
        return cur.fetchall(sql.format("= ANY(%s)"), [*avant, list(valeurs)])
    lignes: list[Any] = []
    for i in range(0, len(valeurs), LOT_SQL):
        morceau = list(valeurs[i : i + LOT_SQL])
        marques = ", ".join(["%s"] * len(morceau))
        lignes += cur.fetchall(sql.format(f"IN ({marques})"), [*avant, *morceau])
    return lignes


def frequences(cur: Curseur, code_ml: str, fiche: Fiche) -> Frequences:
    """The ML's counts of the youth's names (what term frequency needs), and its total."""
    sql = (
        "SELECT valeur, nombre FROM rap_frequences WHERE code_ml = %s AND champ = %s AND valeur {}"
    )
    noms = {v: int(n) for v, n in _dans(cur, sql, list(fiche.noms), [code_ml, "n"])}
    prenoms = {v: int(n) for v, n in _dans(cur, sql, [fiche.prenom], [code_ml, "p"])}
    total = _dans(cur, sql, [""], [code_ml, "*"])
    return Frequences(noms, prenoms, int(total[0][1]) if total else 0)


def trouver(cur: Curseur, code_ml: str, fiche: Fiche, exclure: Iterable[str] = ()) -> Trouves:
    """R3: the candidates of a youth among the ML's dossiers, best first."""
    ids = _dans(
        cur,
        "SELECT DISTINCT dossier_id FROM rap_cles WHERE code_ml = %s AND cle {}",
        sorted(cles_de_recherche(fiche)),
        [code_ml],
    )
    exclus = set(exclure)
    retenus = sorted({str(i[0]) for i in ids} - exclus)
    lignes = _dans(
        cur,
        "SELECT dossier_id, fiche, ppae_passe FROM rap_fiches WHERE code_ml = %s AND dossier_id {}",
        retenus,
        [code_ml],
    )
    inscrits = [(str(d), Fiche.de_json(json.loads(f))) for d, f, _ in lignes]
    candidats = classer_candidats(fiche, inscrits, frequences(cur, code_ml, fiche))
    passe = frozenset(str(d) for d, _, p in lignes if p)
    return Trouves(candidats, passe)
