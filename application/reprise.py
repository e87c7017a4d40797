"""Bulk load of an ML's existing dossiers (DESIGN §4, "existing dossiers"): many dossiers and
their past events in one atomic save, idempotent on the former system's id.

A dossier's id is derived from its ML and ``idDossier`` (from its content when the row has no
``idDossier``): loading the same file again finds every dossier already there and records
nothing. A dossier already there is not updated from the file (its history in this system is
the truth from its first load on)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid5

from application.base import ApplicationBase
from application.contexte import Contexte
from domain.acces import Capacite, exiger
from domain.dossier import Dossier
from domain.erreurs import ConflitVersion, ErreurMetier, SaisieInvalide
from domain.mission_locale import NAMESPACE
from domain.regles import Regles
from domain.valeurs import Dispositif, Identite, TypeEvenement

NOUVEAU = "nouveau"
DEJA_PRESENT = "deja_present"


@dataclass(frozen=True)
class DossierRepris:
    """One dossier of the ML's former system, its form already checked by the reader."""

    code_ml: str
    identite: Identite
    id_externe: str | None = None
    identifiant_pe: str | None = None
    justifie: bool = False
    dispositifs: tuple[Dispositif, ...] = ()
    evenements: tuple[tuple[TypeEvenement, date], ...] = ()

    def dossier_id(self) -> UUID:
        if self.id_externe:
            return uuid5(NAMESPACE, f"dossier-repris:{self.code_ml}:{self.id_externe}")
        return uuid5(NAMESPACE, f"dossier-repris:{self.code_ml}:contenu:{self._empreinte()}")

    def _empreinte(self) -> str:
        i = self.identite
        contenu = [
            [i.nom, i.nom_usage, i.prenoms, i.date_naissance.isoformat()],
            [i.sexe.value if i.sexe else None, i.commune_insee, i.code_postal],
            [i.telephone, i.email, self.identifiant_pe, self.justifie],
            [
                [d.type, d.statut, _iso(d.date_entree), _iso(d.date_sortie)]
                for d in self.dispositifs
            ],
            [[t.value, j.isoformat()] for t, j in self.evenements],
        ]
        texte = json.dumps(contenu, ensure_ascii=False)
        return hashlib.sha256(texte.encode()).hexdigest()

    def dossier(self, dossier_id: UUID, aujourdhui: date, regles: Regles, par: str) -> Dossier:
        """The aggregate with its creation and one event per past event (R7), checked by the
        domain like a dossier created by hand (birth date, PE identifier, dates)."""
        dossier = Dossier.creer(
            code_ml=self.code_ml,
            identite=self.identite,
            aujourdhui=aujourdhui,
            regles=regles,
            identifiant_pe=self.identifiant_pe,
            dispositifs=self.dispositifs,
            id_externe=self.id_externe,
            justifie=self.justifie,
            dossier_id=dossier_id,
        )
        for rang, (type_evenement, jour) in enumerate(self.evenements, start=1):
            evenement_id = uuid5(dossier_id, f"evenement:{rang}").hex
            dossier.saisir_evenement(evenement_id, type_evenement, jour, None, par, aujourdhui)
        return dossier


@dataclass(frozen=True)
class Repris:
    issue: str
    """``nouveau`` or ``deja_present``."""
    dossier_id: UUID
    evenements: int = 0


def reprendre(
    app: ApplicationBase, ctx: Contexte, lot: Sequence[DossierRepris]
) -> list[Repris | ErreurMetier]:
    """One outcome per row, in order: a refused row does not stop the others."""
    exiger(ctx.acteur, Capacite.REFERENTIEL)
    ids = [d.dossier_id() for d in lot]
    for tentative in (1, 2):
        deja = app.magasin.existants(ids)
        issues, nouveaux = _decider(app, ctx, lot, ids, deja)
        try:
            app.enregistrer_en_lot(ctx, nouveaux)
        except ConflitVersion:
            if tentative == 2:
                raise
            continue  # another load recorded some of them meanwhile: decide again
        return issues
    raise AssertionError("unreachable")


def _decider(
    app: ApplicationBase,
    ctx: Contexte,
    lot: Sequence[DossierRepris],
    ids: list[UUID],
    deja: set[UUID],
) -> tuple[list[Repris | ErreurMetier], list[Dossier]]:
    aujourdhui = app.horloge.aujourdhui()
    issues: list[Repris | ErreurMetier] = []
    nouveaux: dict[UUID, Dossier] = {}
    for donnees, dossier_id in zip(lot, ids, strict=True):
        if donnees.code_ml != ctx.acteur.code_ml:
            issues.append(
                SaisieInvalide("Le dossier vise une autre Mission Locale.", "codeMissionLocale")
            )
        elif dossier_id in deja or dossier_id in nouveaux:
            issues.append(Repris(DEJA_PRESENT, dossier_id))
        else:
            try:
                dossier = donnees.dossier(dossier_id, aujourdhui, app.regles, ctx.acteur.sub)
            except ErreurMetier as exc:
                issues.append(exc)
                continue
            nouveaux[dossier_id] = dossier
            issues.append(Repris(NOUVEAU, dossier_id, len(donnees.evenements)))
    return issues, list(nouveaux.values())


def _iso(jour: date | None) -> str | None:
    return jour.isoformat() if jour else None
