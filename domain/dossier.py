"""A youth's dossier at the Mission Locale: identity, events (R7), PPAE links, deletion (R20)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import identite as regles_des_champs
from domain.acces import DeMissionLocale
from domain.erreurs import (
    ConfirmationRequise,
    DossierDejaEnPPAE,
    IdentifiantPeEnConflit,
    NonTrouve,
    SaisieInvalide,
    SuppressionInterdite,
    TransitionInterdite,
)
from domain.regles import Regles
from domain.textes import (
    COMMENTAIRE_MAX,
    MOTIF_MAX,
    PIECE_MAX,
    texte_optionnel,
    texte_valide,
)
from domain.valeurs import (
    Dispositif,
    Identite,
    MarqueurDude,
    StatutPpae,
    TypeEvenement,
)


@dataclass(frozen=True)
class EvenementDossier:
    """An interview, collective session, workshop or proposal (R7). Never edited in place."""

    id: str
    type: TypeEvenement
    date: date
    enregistre_le: datetime
    enregistre_par: str
    commentaire: str | None = None
    annule: bool = False
    motif_annulation: str | None = None
    remplace: str | None = None
    """The event this one corrects, if any."""


def saisir_identite(
    champs: Mapping[str, Any], identifiant_pe: str | None, aujourdhui: date, regles: Regles
) -> Identite:
    """A new youth's identity as typed: every faulty field (identity, birth date, PE
    identifier) in one refusal (R24)."""
    trouvee: list[Identite] = []
    regles_des_champs.rassembler(
        lambda: trouvee.append(Identite(**champs)),
        lambda: regles_des_champs.naissance_plausible(champs["date_naissance"], aujourdhui, regles),
        lambda: regles_des_champs.identifiant_pe(identifiant_pe),
    )
    return trouvee[0]


class Dossier(Aggregate, DeMissionLocale):
    class Cree(Aggregate.Created):
        code_ml: str
        identite: Identite
        identifiant_pe: str | None
        marqueur: MarqueurDude | None
        dispositifs: list[Dispositif]
        id_externe: str | None
        justifie: bool

    @event(Cree)
    def __init__(
        self,
        code_ml: str,
        identite: Identite,
        identifiant_pe: str | None,
        marqueur: MarqueurDude | None,
        dispositifs: list[Dispositif],
        id_externe: str | None,
        justifie: bool,
    ) -> None:
        self.code_ml = code_ml
        self.identite = identite
        self.identifiant_pe = identifiant_pe
        self.marqueur = marqueur
        self.dispositifs = list(dispositifs)
        self.id_externe = id_externe
        self.justifie = justifie
        self.piece: str | None = None
        self.evenements: dict[str, EvenementDossier] = {}
        self.ppae_ids: list[UUID] = []
        self.ppae_ouvert: UUID | None = None
        self.acceptations: dict[UUID, date] = {}
        self.identifiant_pe_avant_rapprochement: str | None = None
        self.marqueur_avant_rapprochement: MarqueurDude | None = None
        self.transfere_vers: UUID | None = None
        self.supprime = False

    @classmethod
    def creer(
        cls,
        code_ml: str,
        identite: Identite,
        aujourdhui: date,
        regles: Regles,
        identifiant_pe: str | None = None,
        marqueur: MarqueurDude | None = None,
        dispositifs: Sequence[Dispositif] = (),
        id_externe: str | None = None,
        justifie: bool = False,
        dossier_id: UUID | None = None,
    ) -> Dossier:
        """A new dossier: identity checked (by its value object, and its birth date here),
        PE identifier normalised; every fault reported at once. ``dossier_id``: a
        deterministic id (a bulk load made idempotent), else a new one."""
        normalise: list[str | None] = []
        regles_des_champs.rassembler(
            lambda: identite.verifier_naissance(aujourdhui, regles),
            lambda: normalise.append(regles_des_champs.identifiant_pe(identifiant_pe)),
        )
        champs: dict[str, Any] = {
            "code_ml": code_ml,
            "identite": identite,
            "identifiant_pe": normalise[0],
            "marqueur": marqueur,
            "dispositifs": list(dispositifs),
            "id_externe": id_externe,
            "justifie": justifie,
        }
        if dossier_id is None:
            return cls(**champs)
        # The library's way to create an aggregate with a given id and its created event.
        return cls._create(cls.Cree, id=dossier_id, **champs)

    # ------------------------------------------------------------------ queries

    def entretiens(self) -> list[date]:
        """Dates of the individual interviews that still stand (R8)."""
        return [
            e.date
            for e in self.evenements.values()
            if e.type is TypeEvenement.ENTRETIEN_INDIVIDUEL and not e.annule
        ]

    @property
    def ppae_courant(self) -> UUID | None:
        """The open PPAE, or else the latest one."""
        return self.ppae_ouvert or (self.ppae_ids[-1] if self.ppae_ids else None)

    def a_un_historique(self) -> bool:
        return bool(self.evenements or self.ppae_ids or self.justifie or self.dispositifs)

    def verifier_actif(self) -> None:
        if self.supprime:
            raise TransitionInterdite("Ce dossier est supprimé : il ne peut plus être modifié.")

    # ------------------------------------------------------------------ commands

    def justifier(self, piece: str) -> bool:
        self.verifier_actif()
        piece = texte_valide(piece, "piece", PIECE_MAX)
        if not piece:
            raise SaisieInvalide("Indiquez la pièce d'identité présentée.", "piece")
        if self.justifie:
            return False
        self._justifier(piece)
        return True

    def saisir_evenement(
        self,
        evenement_id: str,
        type_evenement: TypeEvenement,
        date_evenement: date,
        commentaire: str | None,
        par: str,
        aujourdhui: date,
    ) -> None:
        self.verifier_actif()
        _verifier_evenement(date_evenement, commentaire, aujourdhui)
        self.trigger_event(
            self.EvenementSaisi,
            evenement_id=evenement_id,
            type_evenement=type_evenement,
            date_evenement=date_evenement,
            commentaire=commentaire,
            par=par,
        )

    def corriger_evenement(
        self,
        evenement_id: str,
        nouvel_id: str,
        type_evenement: TypeEvenement,
        date_evenement: date,
        par: str,
        aujourdhui: date,
    ) -> None:
        """R7: a correction is a new event replacing the old one, which stays in history."""
        ancien = self._evenement_valide(evenement_id)
        _verifier_evenement(date_evenement, ancien.commentaire, aujourdhui)
        self.trigger_event(
            self.EvenementCorrige,
            evenement_id=evenement_id,
            nouvel_id=nouvel_id,
            type_evenement=type_evenement,
            date_evenement=date_evenement,
            par=par,
        )

    def annuler_evenement(self, evenement_id: str, motif: str | None) -> None:
        self._evenement_valide(evenement_id)
        self._annuler_evenement(evenement_id, texte_optionnel(motif, "motif", MOTIF_MAX))

    def ouvrir_ppae(self, ppae_id: UUID) -> None:
        """R4: at most one open PPAE per dossier."""
        self.verifier_actif()
        if self.ppae_ouvert is not None:
            raise DossierDejaEnPPAE(
                "Ce dossier a déjà un PPAE ouvert (non initialisé ou en cours) : "
                "terminez-le ou arrêtez-le avant d'en ouvrir un autre."
            )
        self._ouvrir_ppae(ppae_id)

    def noter_acceptation(self, ppae_id: UUID, date_entree: date) -> None:
        """R8 (b): the youth accepted to enter that PPAE on that date."""
        self.verifier_actif()
        self._noter_acceptation(ppae_id, date_entree)

    def fermer_ppae(self, ppae_id: UUID) -> None:
        if self.ppae_ouvert == ppae_id:
            self._fermer_ppae(ppae_id)

    def marquer_rapproche(self, affectation_id: UUID, identifiant_pe: str) -> None:
        """R4: the PE identifier copied onto the dossier; another one already there is a
        conflict, never overwritten."""
        self.verifier_actif()
        self._verifier_identifiant(identifiant_pe)
        self._marquer_rapproche(affectation_id, identifiant_pe, self.identifiant_pe, self.marqueur)

    def _verifier_identifiant(
        self, identifiant_pe: str, origine: str = "l'affectation", champ: str = "dossierId"
    ) -> None:
        """R4: another PE identifier already on this dossier is a conflict, never overwritten."""
        actuel = (self.identifiant_pe or "").replace(" ", "").upper()
        if actuel and actuel != identifiant_pe.replace(" ", "").upper():
            raise IdentifiantPeEnConflit(
                "Ce dossier porte déjà un autre identifiant France Travail "
                f"({self.identifiant_pe}, {origine} porte {identifiant_pe}) : ce n'est sans "
                "doute pas le même jeune. "
                "Choisissez un autre dossier, ou vérifiez l'identifiant auprès de France Travail.",
                champ,
            )

    def annuler_rapprochement(self, ppae_id: UUID) -> None:
        """R19: only the latest match can be cancelled (one open PPAE); undo exactly it."""
        self._annuler_rapprochement(
            ppae_id, self.identifiant_pe_avant_rapprochement, self.marqueur_avant_rapprochement
        )

    def transferer_vers(self, cible: Dossier) -> None:
        """R17: move this duplicate's data (mainly the PE identifier) onto the real dossier."""
        self.verifier_actif()
        cible.verifier_actif()
        if cible.id == self.id:
            raise SaisieInvalide("Le dossier cible doit être différent du dossier source.")
        if self.identifiant_pe and cible.identifiant_pe:
            cible._verifier_identifiant(self.identifiant_pe, "le doublon", "dossierCibleId")
        evenements = [e for e in self.evenements.values() if not e.annule]
        commentaires = {e.id: e.commentaire for e in evenements if e.commentaire}
        cible._recevoir_donnees(
            self.id,
            self.identifiant_pe or cible.identifiant_pe,
            [replace(e, commentaire=None) for e in evenements],
            commentaires,
        )
        self._transmettre_donnees(cible.id)

    def supprimer(
        self, confirmer: bool, statuts_ppae: list[StatutPpae], flux_transmis: bool
    ) -> None:
        """R20: deletion guard. Deletion is an event; personal data is erased afterwards."""
        self.verifier_actif()
        ppae_demarre = any(s in (StatutPpae.EN_COURS, StatutPpae.TERMINE) for s in statuts_ppae)
        ppae_importe = any(
            d.type == "PPAE" and d.statut in ("EN_COURS", "TERMINE") for d in self.dispositifs
        )
        if ppae_demarre or ppae_importe:
            raise SuppressionInterdite(
                "Suppression impossible : ce dossier a un PPAE en cours ou terminé."
            )
        actifs = [d.type for d in self.dispositifs if d.est_actif and d.type != "PPAE"]
        if actifs:
            raise SuppressionInterdite(
                "Suppression impossible : le jeune suit un autre dispositif actif "
                f"({', '.join(actifs)})."
            )
        if flux_transmis:
            raise SuppressionInterdite(
                "Suppression impossible : des flux de ce dossier ont déjà été transmis au DUDE."
            )
        if self.a_un_historique() and not confirmer:
            raise ConfirmationRequise(
                "Ce dossier a un historique (événements, PPAE ou justificatif) : "
                "confirmez la suppression.",
                "confirmer",
            )
        self._supprimer()

    # ------------------------------------------------------------------ events

    class EvenementSaisi(Aggregate.Event):
        evenement_id: str
        type_evenement: TypeEvenement
        date_evenement: date
        commentaire: str | None
        par: str

        def apply(self, aggregate: Any) -> None:
            aggregate.evenements[self.evenement_id] = EvenementDossier(
                id=self.evenement_id,
                type=self.type_evenement,
                date=self.date_evenement,
                enregistre_le=self.timestamp,
                enregistre_par=self.par,
                commentaire=self.commentaire,
            )

    class EvenementCorrige(Aggregate.Event):
        evenement_id: str
        nouvel_id: str
        type_evenement: TypeEvenement
        date_evenement: date
        par: str

        def apply(self, aggregate: Any) -> None:
            ancien: EvenementDossier = aggregate.evenements[self.evenement_id]
            aggregate.evenements[self.evenement_id] = replace(
                ancien, annule=True, motif_annulation="corrigé"
            )
            aggregate.evenements[self.nouvel_id] = EvenementDossier(
                id=self.nouvel_id,
                type=self.type_evenement,
                date=self.date_evenement,
                enregistre_le=self.timestamp,
                enregistre_par=self.par,
                commentaire=ancien.commentaire,
                remplace=self.evenement_id,
            )

    class Justifie(Aggregate.Event):
        piece: str

    @event(Justifie)
    def _justifier(self, piece: str) -> None:
        self.justifie = True
        self.piece = piece

    class EvenementAnnule(Aggregate.Event):
        evenement_id: str
        motif: str | None

    @event(EvenementAnnule)
    def _annuler_evenement(self, evenement_id: str, motif: str | None) -> None:
        ancien = self.evenements[evenement_id]
        self.evenements[evenement_id] = replace(ancien, annule=True, motif_annulation=motif)

    class PPAEOuvert(Aggregate.Event):
        ppae_id: UUID

    @event(PPAEOuvert)
    def _ouvrir_ppae(self, ppae_id: UUID) -> None:
        self.ppae_ids.append(ppae_id)
        self.ppae_ouvert = ppae_id

    class PPAEAccepte(Aggregate.Event):
        ppae_id: UUID
        date_entree: date

    @event(PPAEAccepte)
    def _noter_acceptation(self, ppae_id: UUID, date_entree: date) -> None:
        self.acceptations[ppae_id] = date_entree

    class PPAEFerme(Aggregate.Event):
        ppae_id: UUID

    @event(PPAEFerme)
    def _fermer_ppae(self, ppae_id: UUID) -> None:
        self.ppae_ouvert = None

    class RapprocheDude(Aggregate.Event):
        affectation_id: UUID
        identifiant_pe: str
        identifiant_pe_avant: str | None
        marqueur_avant: MarqueurDude | None

    @event(RapprocheDude)
    def _marquer_rapproche(
        self,
        affectation_id: UUID,
        identifiant_pe: str,
        identifiant_pe_avant: str | None,
        marqueur_avant: MarqueurDude | None,
    ) -> None:
        self.marqueur = MarqueurDude.RAPPROCHE_DUDE
        self.identifiant_pe_avant_rapprochement = identifiant_pe_avant
        self.marqueur_avant_rapprochement = marqueur_avant
        self.identifiant_pe = identifiant_pe

    class RapprochementAnnule(Aggregate.Event):
        ppae_id: UUID
        identifiant_pe: str | None
        marqueur: MarqueurDude | None

    @event(RapprochementAnnule)
    def _annuler_rapprochement(
        self, ppae_id: UUID, identifiant_pe: str | None, marqueur: MarqueurDude | None
    ) -> None:
        self.marqueur = marqueur
        self.identifiant_pe = identifiant_pe
        if self.ppae_ouvert == ppae_id:
            self.ppae_ouvert = None

    class DonneesRecues(Aggregate.Event):
        source_id: UUID
        identifiant_pe: str | None
        evenements: list[EvenementDossier]
        commentaires: dict[str, str]

    @event(DonneesRecues)
    def _recevoir_donnees(
        self,
        source_id: UUID,
        identifiant_pe: str | None,
        evenements: list[EvenementDossier],
        commentaires: dict[str, str],
    ) -> None:
        """Comments travel apart from the events: they are personal data, the events are not."""
        self.identifiant_pe = identifiant_pe
        for e in evenements:
            self.evenements.setdefault(e.id, replace(e, commentaire=commentaires.get(e.id)))

    class DonneesTransferees(Aggregate.Event):
        cible_id: UUID

    @event(DonneesTransferees)
    def _transmettre_donnees(self, cible_id: UUID) -> None:
        self.transfere_vers = cible_id

    class Supprime(Aggregate.Event):
        pass

    @event(Supprime)
    def _supprimer(self) -> None:
        self.supprime = True
        self.ppae_ouvert = None

    def _evenement_valide(self, evenement_id: str) -> EvenementDossier:
        self.verifier_actif()
        evenement = self.evenements.get(evenement_id)
        if evenement is None:
            raise NonTrouve("Événement introuvable sur ce dossier.", "evenementId")
        if evenement.annule:
            raise TransitionInterdite("Cet événement est déjà annulé ou corrigé.")
        return evenement


def _verifier_evenement(jour: date, commentaire: str | None, aujourdhui: date) -> None:
    if jour > aujourdhui:
        raise SaisieInvalide("La date d'un événement ne peut pas être dans le futur.", "date")
    if commentaire is not None:
        texte_valide(commentaire, "commentaire", COMMENTAIRE_MAX, multiligne=True)
