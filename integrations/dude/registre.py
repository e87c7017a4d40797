"""The flows as recorded and their delivery state (R15): what the verification screens read, what
a re-send changes, and how senders claim flows — ordered per DUDE dossier (the PE identifier:
a flow waits until the previous ones of its dossier are acknowledged or rejected), never sent by
two senders at once (a lease, taken with SKIP LOCKED on PostgreSQL, in one write transaction on
SQLite)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from application.traitement.pages import Ligne, Page, paginer
from application.traitement.stockage import Curseur
from domain.flux import StatutFlux, TypeFlux
from integrations.dude.emetteur import COLONNES, TABLE

VISIBLES = [c for c in COLONNES if c != "message"]
NON_FINIS = (StatutFlux.EN_ATTENTE.value, StatutFlux.ENVOYE.value)


def maintenant() -> str:
    return datetime.now(UTC).isoformat()


def lister(
    cur: Curseur,
    code_ml: str,
    statut: StatutFlux | None = None,
    type_flux: TypeFlux | None = None,
    du: date | None = None,
    au: date | None = None,
    apres: tuple[str, str] | None = None,
    limite: int = 20,
) -> Page:
    """The ML's flows in the order they were made; ``du``/``au`` bound the day made."""
    conditions, params = ["code_ml = %s"], [code_ml]
    for colonne, operateur, valeur in (
        ("statut", "=", statut.value if statut else None),
        ("type", "=", type_flux.value if type_flux else None),
        ("jour", ">=", du.isoformat() if du else None),
        ("jour", "<=", au.isoformat() if au else None),
    ):
        if valeur is not None:
            conditions.append(f"{colonne} {operateur} %s")
            params.append(valeur)
    return paginer(cur, TABLE, VISIBLES, conditions, params, ("ordre", "cle"), apres, limite)


def un(cur: Curseur, code_ml: str, cle: str) -> Ligne | None:
    ligne = cur.fetchone(
        f"SELECT {', '.join(VISIBLES)} FROM {TABLE} WHERE cle = %s AND code_ml = %s",
        [cle, code_ml],
    )
    return dict(zip(VISIBLES, ligne, strict=True)) if ligne else None


def du_dossier(cur: Curseur, dossier_id: str) -> list[Ligne]:
    lignes = cur.fetchall(
        f"SELECT {', '.join(VISIBLES)} FROM {TABLE} WHERE dossier_id = %s ORDER BY ordre, cle",
        [dossier_id],
    )
    return [dict(zip(VISIBLES, ligne, strict=True)) for ligne in lignes]


def existent(cur: Curseur, dossier_id: str) -> bool:
    """R20: whether any flow of this dossier was recorded (sent or on its way)."""
    return cur.fetchone(f"SELECT 1 FROM {TABLE} WHERE dossier_id = %s", [dossier_id]) is not None


@dataclass(frozen=True)
class Transmissions:
    """What the DUDE was told of a dossier's events (R13, R14)."""

    en_vigueur: frozenset[str]
    """Events with an EVENEMENT flow that no ANNULATION of the same PPAE retracted."""
    annulees: frozenset[str]
    """Events with an ANNULATION flow (cancelled, corrected, or left out by a backdated exit)."""


def transmissions(cur: Curseur, dossier_id: str) -> Transmissions:
    lignes = cur.fetchall(
        f"SELECT type, ppae_id, evenement_id FROM {TABLE} WHERE dossier_id = %s AND type IN "
        "(%s, %s) AND evenement_id IS NOT NULL",
        [dossier_id, TypeFlux.EVENEMENT.value, TypeFlux.ANNULATION.value],
    )
    return transmissions_de((str(t), str(p), str(e)) for t, p, e in lignes)


def transmissions_de(flux: Iterable[tuple[str, str, str]]) -> Transmissions:
    """From (type, PPAE id, event id) of a dossier's flows: recorded, or derived from history
    as of an instant (R21)."""
    par_type: dict[str, set[tuple[str, str]]] = {t.value: set() for t in TypeFlux}
    for type_flux, ppae_id, evenement_id in flux:
        par_type[type_flux].add((ppae_id, evenement_id))
    retirees = par_type[TypeFlux.ANNULATION.value]
    return Transmissions(
        en_vigueur=frozenset(e for p, e in par_type[TypeFlux.EVENEMENT.value] - retirees),
        annulees=frozenset(e for _, e in retirees),
    )


@dataclass(frozen=True)
class Statistique:
    jour: date
    type: TypeFlux
    statut: StatutFlux
    nombre: int


def decisionnel(cur: Curseur, code_ml: str, du: date, au: date) -> list[Statistique]:
    """R15: flows per day made, type and state."""
    lignes = cur.fetchall(
        f"SELECT jour, type, statut, COUNT(*) FROM {TABLE} WHERE code_ml = %s "
        "AND jour >= %s AND jour <= %s GROUP BY jour, type, statut ORDER BY jour, type, statut",
        [code_ml, du.isoformat(), au.isoformat()],
    )
    return [
        Statistique(date.fromisoformat(j), TypeFlux(t), StatutFlux(s), int(n))
        for j, t, s, n in lignes
    ]


def renvoyer(cur: Curseur, code_ml: str, cle: str) -> bool:
    """R15: a rejected or stuck flow gets a new attempt (same flow, same key). Stuck: sent and
    never acknowledged, or still waiting after failed attempts."""
    cur.execute(
        f"UPDATE {TABLE} SET statut = %s, prochain_essai = %s, bail_jusqua = NULL "
        "WHERE cle = %s AND code_ml = %s AND (statut IN (%s, %s) "
        "OR (statut = %s AND tentatives > 0))",
        [
            StatutFlux.EN_ATTENTE.value,
            maintenant(),
            cle,
            code_ml,
            StatutFlux.REJETE.value,
            StatutFlux.ENVOYE.value,
            StatutFlux.EN_ATTENTE.value,
        ],
    )
    return cur.rowcount == 1


RENVOYABLES = (StatutFlux.REJETE, StatutFlux.EN_ATTENTE, StatutFlux.ENVOYE)


def renvoyer_en_masse(
    cur: Curseur,
    code_ml: str,
    statut: StatutFlux,
    type_flux: TypeFlux | None = None,
    du: date | None = None,
    au: date | None = None,
) -> int:
    """R15: every flow of the ML in that state (of that type, made those days) due again, same
    flows, same keys; how many. Of the waiting ones, only those already tried; of the sent ones,
    only those whose lease is over (the others are being sent right now)."""
    conditions, params = ["code_ml = %s", "statut = %s"], [code_ml, statut.value]
    if statut is StatutFlux.EN_ATTENTE:
        conditions.append("tentatives > 0")
    if statut is StatutFlux.ENVOYE:
        conditions.append("(bail_jusqua IS NULL OR bail_jusqua < %s)")
        params.append(maintenant())
    for colonne, operateur, valeur in (
        ("type", "=", type_flux.value if type_flux else None),
        ("jour", ">=", du.isoformat() if du else None),
        ("jour", "<=", au.isoformat() if au else None),
    ):
        if valeur is not None:
            conditions.append(f"{colonne} {operateur} %s")
            params.append(valeur)
    cur.execute(
        f"UPDATE {TABLE} SET statut = %s, prochain_essai = %s, bail_jusqua = NULL "
        f"WHERE {' AND '.join(conditions)}",
        [StatutFlux.EN_ATTENTE.value, maintenant(), *params],
    )
    return int(cur.rowcount)


# ------------------------------------------------------------------ senders


@dataclass(frozen=True)
class Reserve:
    cle: str
    message: str
    bail: str
    tentative: int


def reserver(cur: Curseur, bail: timedelta, nombre: int) -> list[Reserve]:
    """Claims up to ``nombre`` flows that are due and first of their DUDE dossier. Runs in its
    own write transaction."""
    instant = datetime.now(UTC)
    jusqua = (instant + bail).isoformat()
    maintenant_ = instant.isoformat()
    verrou = " FOR UPDATE SKIP LOCKED" if cur.est_postgres else ""
    lignes = cur.fetchall(
        f"SELECT f.cle, f.message, f.tentatives FROM {TABLE} f WHERE "
        "((f.statut = %s AND f.prochain_essai <= %s) OR (f.statut = %s AND f.bail_jusqua < %s)) "
        f"AND NOT EXISTS (SELECT 1 FROM {TABLE} g WHERE g.groupe = f.groupe "
        "AND g.ordre < f.ordre AND g.statut IN (%s, %s)) "
        f"ORDER BY f.ordre LIMIT %s{verrou}",
        [
            StatutFlux.EN_ATTENTE.value,
            maintenant_,
            StatutFlux.ENVOYE.value,
            maintenant_,
            *NON_FINIS,
            nombre,
        ],
    )
    if lignes:
        marques = ", ".join(["%s"] * len(lignes))
        cur.execute(
            f"UPDATE {TABLE} SET statut = %s, bail_jusqua = %s, tentatives = tentatives + 1, "
            f"envoye_le = %s WHERE cle IN ({marques})",
            [StatutFlux.ENVOYE.value, jusqua, maintenant_, *(c for c, _, _ in lignes)],
        )
    return [Reserve(c, m, jusqua, int(t) + 1) for c, m, t in lignes]


def conclure(
    cur: Curseur,
    cle: str,
    bail: str,
    statut: StatutFlux,
    erreur: str | None = None,
    prochain_essai: datetime | None = None,
) -> bool:
    """Records an attempt's outcome, if this sender still holds the flow's lease."""
    champs: dict[str, Any] = {
        "statut": statut.value,
        "erreur": erreur,
        "bail_jusqua": None,
        "prochain_essai": prochain_essai.isoformat() if prochain_essai else None,
    }
    if statut is StatutFlux.ACQUITTE:
        champs["acquitte_le"] = maintenant()
    affectations = ", ".join(f"{c} = %s" for c in champs)
    cur.execute(
        f"UPDATE {TABLE} SET {affectations} WHERE cle = %s AND statut = %s AND bail_jusqua = %s",
        [*champs.values(), cle, StatutFlux.ENVOYE.value, bail],
    )
    return cur.rowcount == 1


def deposer(cur: Curseur, nombre: int) -> list[tuple[str, str]]:
    """The file transport: the due flows, first of their dossier, claimed in the caller's
    transaction; ``marquer_deposes`` marks them delivered, in the same transaction, once they
    are on disk (a batch transfer has no acknowledgement; the next flows of a dossier then
    follow)."""
    return [(r.cle, r.message) for r in reserver(cur, timedelta(days=3650), nombre)]


def marquer_deposes(cur: Curseur, cles: list[str]) -> None:
    if cles:
        marques = ", ".join(["%s"] * len(cles))
        cur.execute(
            f"UPDATE {TABLE} SET statut = %s, bail_jusqua = NULL, transport = %s, "
            f"acquitte_le = %s WHERE cle IN ({marques})",
            [StatutFlux.ACQUITTE.value, "fichier", maintenant(), *cles],
        )


def a_livrer(cur: Curseur, apres: tuple[str, str] | None, nombre: int) -> list[tuple[str, ...]]:
    """What would leave (``dude send --apercu``): the flows still to deliver, in the order they
    were made, ``nombre`` at a time after ``apres`` (``ordre``, ``cle``); reads only."""
    condition, params = "", []
    if apres is not None:
        condition, params = (
            " AND (ordre > %s OR (ordre = %s AND cle > %s))",
            [
                apres[0],
                apres[0],
                apres[1],
            ],
        )
    lignes = cur.fetchall(
        f"SELECT ordre, cle, message FROM {TABLE} WHERE statut IN (%s, %s){condition} "
        "ORDER BY ordre, cle LIMIT %s",
        [*NON_FINIS, *params, nombre],
    )
    return [tuple(str(v) for v in ligne) for ligne in lignes]


def en_cours(cur: Curseur) -> int:
    """Flows still to deliver (waiting or in flight)."""
    ligne = cur.fetchone(f"SELECT COUNT(*) FROM {TABLE} WHERE statut IN (%s, %s)", list(NON_FINIS))
    return int(ligne[0]) if ligne else 0
