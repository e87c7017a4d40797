"""The DUDE emitter: a processor that derives the flows from the event log (``domain/flux.py``)
and records them, with its tracking position, in one transaction. A flow recorded once keeps
its key and its delivery state: rebuilding the emitter re-derives the same keys and adds only
what is missing (the flows table is never dropped)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.utils import get_topic

from application.traitement.stockage import Curseur
from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.flux import EtatFluxDossier, Flux, StatutFlux, decision, jour_de
from domain.ppae import PPAE

TABLE = "flux_dude"
COLONNES = {
    "cle": "TEXT PRIMARY KEY",
    "code_ml": "TEXT NOT NULL",
    "groupe": "TEXT NOT NULL",
    "ordre": "TEXT NOT NULL",
    "type": "TEXT NOT NULL",
    "statut": "TEXT NOT NULL",
    "date_effet": "TEXT NOT NULL",
    "jour": "TEXT NOT NULL",
    "cree_le": "TEXT NOT NULL",
    "affectation_id": "TEXT NOT NULL",
    "dossier_id": "TEXT",
    "ppae_id": "TEXT",
    "evenement_id": "TEXT",
    "message": "TEXT NOT NULL",
    "tentatives": "INTEGER NOT NULL DEFAULT 0",
    "prochain_essai": "TEXT",
    "bail_jusqua": "TEXT",
    "envoye_le": "TEXT",
    "acquitte_le": "TEXT",
    "erreur": "TEXT",
    "transport": "TEXT",
}
INDEX = (
    "(statut, groupe, ordre)",
    "(groupe, ordre)",
    "(code_ml, jour, type, statut)",
    "(dossier_id)",
    "(evenement_id)",
)
ETATS = "flux_dude_etats"
PPAES = "flux_dude_ppae"
AFFECTATIONS = "flux_dude_affectations"


class EmetteurDude:
    nom = "emetteur_dude"
    """Persisted (its tracking row): frozen."""
    version = 1
    sujets: ClassVar[tuple[str, ...]] = tuple(
        get_topic(c)
        for c in (
            Affectation.Recue,
            Affectation.Acceptee,
            Affectation.Refusee,
            Dossier.EvenementSaisi,
            Dossier.EvenementCorrige,
            Dossier.EvenementAnnule,
            Dossier.DonneesRecues,
            PPAE.Ouvert,
            PPAE.EntreeEnCours,
            PPAE.EntreeRetroactive,
            PPAE.Sorti,
            PPAE.ArreteAnticipe,
            PPAE.RapprochementAnnule,
            PPAE.ClosDossierSupprime,
        )
    )

    def creer(self, cur: Curseur) -> None:
        colonnes = ", ".join(f"{c} {t}" for c, t in COLONNES.items())
        cur.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({colonnes})")
        for i, definition in enumerate(INDEX):
            cur.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_i{i} ON {TABLE} {definition}")
        cur.execute(f"CREATE TABLE IF NOT EXISTS {ETATS} (dossier_id TEXT PRIMARY KEY, etat TEXT)")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {PPAES} (ppae_id TEXT PRIMARY KEY, dossier_id TEXT)"
        )
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {AFFECTATIONS} (affectation_id TEXT PRIMARY KEY, "
            "code_ml TEXT, id_affectation TEXT, identifiant_pe TEXT)"
        )

    tables = (ETATS, PPAES, AFFECTATIONS)
    """Only what is derived again: the flows and their delivery states stay."""

    def supprimer(self, cur: Curseur) -> None:
        for table in self.tables:
            cur.execute(f"DROP TABLE IF EXISTS {table}")

    def traiter(self, cur: Curseur, evenements: Sequence[Any]) -> None:
        affectations = self._affectations(cur, evenements)
        dossiers_de = self._dossiers_des_ppae(cur, evenements)
        etats = self._etats(cur, {d for e in evenements if (d := _dossier(e, dossiers_de))})
        flux: list[tuple[Flux, Any]] = []
        for evenement in evenements:
            if (choix := decision(evenement)) is not None:
                flux.append((choix, evenement))
            elif (dossier_id := _dossier(evenement, dossiers_de)) is not None:
                flux += [(f, evenement) for f in etats[dossier_id].prendre(dossier_id, evenement)]
        self._ecrire_etats(cur, etats)
        self._enregistrer(cur, flux, affectations)

    # ------------------------------------------------------------------ state tables

    def _affectations(self, cur: Curseur, evenements: Sequence[Any]) -> dict[str, tuple[str, ...]]:
        nouvelles = [
            (str(e.originator_id), e.code_ml, e.id_affectation, e.identifiant_pe)
            for e in evenements
            if isinstance(e, Affectation.Recue)
        ]
        for ligne in nouvelles:
            cur.execute(
                f"INSERT INTO {AFFECTATIONS} VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (affectation_id) DO NOTHING",
                ligne,
            )
        return {ligne[0]: ligne[1:] for ligne in nouvelles}

    def _dossiers_des_ppae(self, cur: Curseur, evenements: Sequence[Any]) -> dict[UUID, UUID]:
        ouverts = {e.originator_id: e.dossier_id for e in evenements if isinstance(e, PPAE.Ouvert)}
        for ppae_id, dossier_id in ouverts.items():
            cur.execute(
                f"INSERT INTO {PPAES} VALUES (%s, %s) ON CONFLICT (ppae_id) DO NOTHING",
                [str(ppae_id), str(dossier_id)],
            )
        autres = sorted(
            {str(e.originator_id) for e in evenements if isinstance(e, PPAE.Event)}
            - {str(p) for p in ouverts}
        )
        for ppae_id, dossier_id in _par_morceaux(cur, PPAES, "ppae_id", "dossier_id", autres):
            ouverts[UUID(ppae_id)] = UUID(dossier_id)
        return ouverts

    def _etats(self, cur: Curseur, dossiers: set[UUID]) -> dict[UUID, EtatFluxDossier]:
        etats = {d: EtatFluxDossier() for d in dossiers}
        for dossier_id, texte in _par_morceaux(
            cur, ETATS, "dossier_id", "etat", sorted(str(d) for d in dossiers)
        ):
            etats[UUID(dossier_id)] = EtatFluxDossier.depuis_json(json.loads(texte))
        return etats

    def _ecrire_etats(self, cur: Curseur, etats: dict[UUID, EtatFluxDossier]) -> None:
        cur.executemany(
            f"INSERT INTO {ETATS} (dossier_id, etat) VALUES (%s, %s) "
            "ON CONFLICT (dossier_id) DO UPDATE SET etat = excluded.etat",
            [[str(d), json.dumps(e.en_json(), separators=(",", ":"))] for d, e in etats.items()],
        )

    # ------------------------------------------------------------------ flows

    def _enregistrer(
        self, cur: Curseur, flux: list[tuple[Flux, Any]], recues: dict[str, tuple[str, ...]]
    ) -> None:
        if not flux:
            return
        connues = dict(recues)
        manquantes = sorted({str(f.affectation_id) for f, _ in flux} - set(connues))
        colonnes = "code_ml, id_affectation, identifiant_pe"
        for ligne in _par_morceaux(cur, AFFECTATIONS, "affectation_id", colonnes, manquantes):
            connues[ligne[0]] = tuple(ligne[1:])
        lignes = []
        for rang, (f, evenement) in enumerate(flux):
            code_ml, id_affectation, identifiant_pe = connues[str(f.affectation_id)]
            message = {
                "cle": f.cle,
                "type": f.type.value,
                "idAffectation": id_affectation,
                "identifiantPe": identifiant_pe,
                "codeMissionLocale": code_ml,
                "dateEffet": f.date_effet.isoformat(),
                **dict(f.details),
            }
            instant = evenement.timestamp.isoformat()
            lignes.append(
                [
                    f.cle,
                    code_ml,
                    identifiant_pe,
                    f"{instant}#{rang:05d}",
                    f.type.value,
                    StatutFlux.EN_ATTENTE.value,
                    f.date_effet.isoformat(),
                    jour_de(evenement.timestamp).isoformat(),
                    instant,
                    str(f.affectation_id),
                    str(f.dossier_id) if f.dossier_id else None,
                    str(f.ppae_id) if f.ppae_id else None,
                    f.evenement_id,
                    json.dumps(message, ensure_ascii=False, separators=(",", ":")),
                    instant,
                ]
            )
        cur.executemany(
            f"INSERT INTO {TABLE} (cle, code_ml, groupe, ordre, type, statut, date_effet, jour, "
            "cree_le, affectation_id, dossier_id, ppae_id, evenement_id, message, prochain_essai)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (cle) DO NOTHING",
            lignes,
        )


def _dossier(evenement: Any, dossiers_de: dict[UUID, UUID]) -> UUID | None:
    if isinstance(evenement, Dossier.Event):
        identifiant: UUID = evenement.originator_id
        return identifiant
    if isinstance(evenement, PPAE.Event):
        return dossiers_de.get(evenement.originator_id)
    return None


def _par_morceaux(
    cur: Curseur, table: str, cle: str, colonnes: str, valeurs: list[str]
) -> list[tuple[Any, ...]]:
    lignes: list[tuple[Any, ...]] = []
    for i in range(0, len(valeurs), 500):
        morceau = valeurs[i : i + 500]
        marques = ", ".join(["%s"] * len(morceau))
        lignes += cur.fetchall(
            f"SELECT {cle}, {colonnes} FROM {table} WHERE {cle} IN ({marques})", morceau
        )
    return lignes
