"""The ``Cotraitance`` application: one command per mutation of the contract, saved atomically."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper

from application.chiffrement import Coffre, MapperEffacable
from application.contexte import (
    ROLES_GESTION,
    ROLES_REFERENTIEL,
    ROLES_SUIVI,
    Contexte,
    Resultat,
)
from application.horloge import Horloge, HorlogeSysteme
from application.transcodage import enregistrer_transcodages
from domain.affectation import Affectation, DonneesAffectation
from domain.dossier import Dossier
from domain.erreurs import CleIdempotenceReutilisee, ConflitVersion, NonTrouve, SaisieInvalide
from domain.idempotence import CleIdempotence
from domain.mission_locale import MissionLocale
from domain.ppae import PPAE
from domain.regles import Regles
from domain.valeurs import (
    Conseiller,
    Dispositif,
    Identite,
    MarqueurDude,
    MotifArret,
    MotifRefus,
    MotifSortie,
    StatutPpae,
    StatutRendezVous,
    TypeEvenement,
)

A = TypeVar("A", bound=Aggregate)
FluxTransmis = Callable[[Dossier, Sequence[PPAE]], bool]

LIBELLES = {Dossier: "Dossier", PPAE: "PPAE", Affectation: "Affectation"}
CHAMPS = {Dossier: "dossierId", PPAE: "ppaeId", Affectation: "affectationId"}
"""The input field that names an aggregate of that type, for NON_TROUVE (R24)."""


def flux_deduits_de_l_historique(dossier: Dossier, ppaes: Sequence[PPAE]) -> bool:
    """R13/R20: flows exist once a PPAE ran, or when an early stop was sent to the DUDE."""
    return any(
        p.statut in (StatutPpae.EN_COURS, StatutPpae.TERMINE) or p.motif_arret for p in ppaes
    )


class Cotraitance(Application[UUID]):
    name = "Cotraitance"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        horloge: Horloge | None = None,
        regles: Regles | None = None,
        flux_transmis: FluxTransmis = flux_deduits_de_l_historique,
    ) -> None:
        super().__init__(env)
        self.coffre = Coffre(getattr(self.recorder, "datastore"))  # noqa: B009
        assert isinstance(self.mapper, MapperEffacable)
        self.mapper.coffre = self.coffre
        self.horloge = horloge or HorlogeSysteme()
        self.regles = regles or Regles()
        self.flux_transmis = flux_transmis

    def construct_mapper(self) -> Mapper[UUID]:
        return MapperEffacable(self.construct_transcoder())

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        enregistrer_transcodages(transcoder, Resultat)

    # ------------------------------------------------------------------ reference data

    def enregistrer_mission_locale(
        self, ctx: Contexte, code: str, nom: str, communes: list[str], conseillers: list[Conseiller]
    ) -> Resultat:
        ctx.exiger(ROLES_REFERENTIEL)
        ml = self._optionnel(MissionLocale, MissionLocale.create_id(code))
        if ml is None:
            ml = MissionLocale(code=code, nom=nom, communes=communes, conseillers=conseillers)
            issue = "creee"
        else:
            issue = "modifiee" if ml.mettre_a_jour(nom, communes, conseillers) else "inchangee"
        self._enregistrer(ctx, [ml])
        return Resultat(issue=issue)

    def mission_locale(self, code: str) -> MissionLocale | None:
        return self._optionnel(MissionLocale, MissionLocale.create_id(code))

    # ------------------------------------------------------------------ affectations

    def recevoir_affectation(self, ctx: Contexte, donnees: DonneesAffectation) -> Resultat:
        """R1: the same affectation twice is recorded once; other content is kept for review."""
        ctx.exiger(ROLES_REFERENTIEL)
        if donnees.code_ml != ctx.acteur.code_ml:
            raise SaisieInvalide(
                "L'affectation vise une autre Mission Locale.", "codeMissionLocale"
            )
        affectation_id = Affectation.create_id(donnees.code_ml, donnees.id_affectation)
        existante = self._optionnel(Affectation, affectation_id)
        if existante is None:
            self._enregistrer(ctx, [Affectation.recevoir(donnees)])
            return Resultat(affectation_id=affectation_id, issue="nouvelle")
        if existante.recevoir_a_nouveau(donnees):
            self._enregistrer(ctx, [existante])
            return Resultat(affectation_id=affectation_id, issue="conflit")
        return Resultat(affectation_id=affectation_id, issue="doublon")

    def decider_affectation(
        self, ctx: Contexte, affectation_id: UUID, accepter: bool, motif: MotifRefus | None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            affectation = self._charger(ctx, Affectation, affectation_id)
            affectation.decider(accepter, motif)
            return [affectation], Resultat(affectation_id=affectation_id)

        entree = {"affectation": affectation_id, "accepter": accepter, "motif": motif}
        return self._executer(ctx, "decider_affectation", entree, ROLES_GESTION, decider)

    def creer_dossier_importe(self, ctx: Contexte, affectation_id: UUID) -> Resultat:
        """R4: DE non connu → a dossier marked IMPORTE_DUDE with a PPAE NON_INITIALISE."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            affectation = self._charger(ctx, Affectation, affectation_id)
            affectation.verifier_a_rapprocher()
            dossier = Dossier(
                code_ml=affectation.code_ml,
                identite=affectation.identite,
                identifiant_pe=affectation.identifiant_pe,
                marqueur=MarqueurDude.IMPORTE_DUDE,
                dispositifs=[],
                id_externe=None,
                justifie=False,
            )
            ppae = self._ouvrir_ppae(affectation, dossier, MarqueurDude.IMPORTE_DUDE)
            return [affectation, dossier, ppae], Resultat(
                dossier_id=dossier.id, ppae_id=ppae.id, affectation_id=affectation_id
            )

        entree = {"affectation": affectation_id}
        return self._executer(ctx, "creer_dossier_importe", entree, ROLES_GESTION, decider)

    def rapprocher(self, ctx: Contexte, affectation_id: UUID, dossier_id: UUID) -> Resultat:
        """R4: match to a chosen dossier → RAPPROCHE_DUDE, PE id copied, PPAE NON_INITIALISE."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            affectation = self._charger(ctx, Affectation, affectation_id)
            dossier = self._charger(ctx, Dossier, dossier_id)
            affectation.verifier_a_rapprocher()
            dossier.marquer_rapproche(affectation_id, affectation.identifiant_pe)
            ppae = self._ouvrir_ppae(affectation, dossier, MarqueurDude.RAPPROCHE_DUDE)
            return [affectation, dossier, ppae], Resultat(
                dossier_id=dossier_id, ppae_id=ppae.id, affectation_id=affectation_id
            )

        entree = {"affectation": affectation_id, "dossier": dossier_id}
        return self._executer(ctx, "rapprocher", entree, ROLES_GESTION, decider)

    def _ouvrir_ppae(
        self, affectation: Affectation, dossier: Dossier, marqueur: MarqueurDude
    ) -> PPAE:
        ppae = PPAE(
            dossier_id=dossier.id,
            affectation_id=affectation.id,
            code_ml=affectation.code_ml,
            date_affectation=affectation.date_affectation,
            marqueur=marqueur,
            date_dernier_entretien_dude=affectation.date_dernier_entretien_dude,
            periodes_radiation=affectation.periodes_radiation,
        )
        dossier.ouvrir_ppae(ppae.id)
        affectation.rapprocher(dossier.id, ppae.id, marqueur)
        return ppae

    # ------------------------------------------------------------------ dossiers

    def creer_dossier(
        self,
        ctx: Contexte,
        identite: Identite,
        identifiant_pe: str | None = None,
        dispositifs: Sequence[Dispositif] = (),
        justifie: bool = False,
    ) -> Resultat:
        """R4: a youth walking in; probable duplicates come with the matching engine."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            _verifier_identite(identite, self.horloge.aujourdhui())
            dossier = Dossier(
                code_ml=ctx.acteur.code_ml,
                identite=identite,
                identifiant_pe=identifiant_pe or None,
                marqueur=None,
                dispositifs=list(dispositifs),
                id_externe=None,
                justifie=justifie,
            )
            return [dossier], Resultat(dossier_id=dossier.id)

        entree = {"identite": identite, "pe": identifiant_pe, "dispositifs": list(dispositifs)}
        return self._executer(ctx, "creer_dossier", entree, ROLES_SUIVI, decider)

    def justifier_dossier(
        self, ctx: Contexte, dossier_id: UUID, piece: str, version_attendue: int | None = None
    ) -> Resultat:
        """R8 (a): identity proven; may be the last condition to arrive."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id, version_attendue)
            dossier.justifier(piece)
            return [dossier, *self._evaluer_entree(ctx, dossier)], Resultat(dossier_id=dossier_id)

        entree = {"dossier": dossier_id, "piece": piece, "version": version_attendue}
        return self._executer(ctx, "justifier_dossier", entree, ROLES_SUIVI, decider)

    def saisir_evenement(
        self,
        ctx: Contexte,
        dossier_id: UUID,
        type_evenement: TypeEvenement,
        jour: date,
        commentaire: str | None = None,
    ) -> Resultat:
        """R7, R8 (c): an interview may be the last condition to arrive."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            evenement_id = uuid4().hex
            dossier.saisir_evenement(
                evenement_id,
                type_evenement,
                jour,
                commentaire,
                ctx.acteur.sub,
                self.horloge.aujourdhui(),
            )
            resultat = Resultat(dossier_id=dossier_id, evenement_id=evenement_id)
            return [dossier, *self._evaluer_entree(ctx, dossier)], resultat

        entree = {"dossier": dossier_id, "type": type_evenement, "date": jour, "c": commentaire}
        return self._executer(ctx, "saisir_evenement", entree, ROLES_SUIVI, decider)

    def corriger_evenement(
        self,
        ctx: Contexte,
        dossier_id: UUID,
        evenement_id: str,
        type_evenement: TypeEvenement,
        jour: date,
    ) -> Resultat:
        """R7: a correction is a new event; the corrected one stays in history."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            nouvel_id = uuid4().hex
            dossier.corriger_evenement(
                evenement_id,
                nouvel_id,
                type_evenement,
                jour,
                ctx.acteur.sub,
                self.horloge.aujourdhui(),
            )
            resultat = Resultat(dossier_id=dossier_id, evenement_id=nouvel_id)
            return [dossier, *self._evaluer_entree(ctx, dossier)], resultat

        entree = {"dossier": dossier_id, "evt": evenement_id, "type": type_evenement, "date": jour}
        return self._executer(ctx, "corriger_evenement", entree, ROLES_SUIVI, decider)

    def annuler_evenement(
        self, ctx: Contexte, dossier_id: UUID, evenement_id: str, motif: str | None = None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            dossier.annuler_evenement(evenement_id, motif)
            return [dossier], Resultat(dossier_id=dossier_id, evenement_id=evenement_id)

        entree = {"dossier": dossier_id, "evt": evenement_id, "motif": motif}
        return self._executer(ctx, "annuler_evenement", entree, ROLES_SUIVI, decider)

    def transferer_donnees(self, ctx: Contexte, source_id: UUID, cible_id: UUID) -> Resultat:
        """R17: move a duplicate's data (PE identifier, events) onto the youth's real dossier."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            source = self._charger(ctx, Dossier, source_id, champ="dossierSourceId")
            cible = self._charger(ctx, Dossier, cible_id, champ="dossierCibleId")
            source.transferer_vers(cible)
            return [source, cible, *self._evaluer_entree(ctx, cible)], Resultat(dossier_id=cible_id)

        entree = {"source": source_id, "cible": cible_id}
        return self._executer(ctx, "transferer_donnees", entree, ROLES_GESTION, decider)

    def supprimer_dossier(self, ctx: Contexte, dossier_id: UUID, confirmer: bool) -> Resultat:
        """R20: refused once the youth ran a PPAE or flows went out; confirmed if it has history."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            ppaes = [self._charger(ctx, PPAE, i) for i in dossier.ppae_ids]
            dossier.supprimer(
                confirmer, [p.statut for p in ppaes], self.flux_transmis(dossier, ppaes)
            )
            modifies: list[Aggregate] = [dossier]
            for ppae in ppaes:
                if ppae.statut is StatutPpae.NON_INITIALISE:
                    ppae.clore_par_suppression_du_dossier()
                    modifies.append(ppae)
                    if ppae.affectation_id is not None:
                        affectation = self._charger(ctx, Affectation, ppae.affectation_id)
                        affectation.annuler_rapprochement()
                        modifies.append(affectation)
            return modifies, Resultat(dossier_id=dossier_id)

        entree = {"dossier": dossier_id, "confirmer": confirmer}
        resultat = self._executer(ctx, "supprimer_dossier", entree, ROLES_GESTION, decider)
        self.coffre.detruire(dossier_id)  # R20: the personal data of every event is now erased
        return resultat

    # ------------------------------------------------------------------ PPAE

    def affecter_conseiller(
        self, ctx: Contexte, ppae_id: UUID, conseiller_id: str, version_attendue: int | None = None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            ml = self.mission_locale(ppae.code_ml)
            if ml is None or ml.conseiller(conseiller_id) is None:
                raise SaisieInvalide(
                    "Ce conseiller n'appartient pas à la Mission Locale.", "conseillerId"
                )
            ppae.affecter_conseiller(conseiller_id)
            return [ppae], Resultat(ppae_id=ppae_id)

        entree = {"ppae": ppae_id, "conseiller": conseiller_id, "version": version_attendue}
        return self._executer(ctx, "affecter_conseiller", entree, ROLES_GESTION, decider)

    def proposer_rendez_vous(
        self, ctx: Contexte, ppae_id: UUID, jour: date, version_attendue: int | None = None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            rendez_vous_id = uuid4().hex
            ppae.proposer_rendez_vous(rendez_vous_id, jour)
            return [ppae], Resultat(ppae_id=ppae_id, rendez_vous_id=rendez_vous_id)

        entree = {"ppae": ppae_id, "date": jour, "version": version_attendue}
        return self._executer(ctx, "proposer_rendez_vous", entree, ROLES_SUIVI, decider)

    def renseigner_rendez_vous(
        self, ctx: Contexte, ppae_id: UUID, rendez_vous_id: str, statut: StatutRendezVous
    ) -> Resultat:
        """R6: a youth present at the appointment had an individual interview that day (R8 c)."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id)
            aujourdhui = self.horloge.aujourdhui()
            rdv = ppae.renseigner_rendez_vous(rendez_vous_id, statut, aujourdhui)
            modifies: list[Aggregate] = [ppae]
            resultat = Resultat(ppae_id=ppae_id, rendez_vous_id=rendez_vous_id)
            if statut is StatutRendezVous.PRESENT:
                dossier = self._charger(ctx, Dossier, ppae.dossier_id)
                evenement_id = uuid4().hex
                dossier.saisir_evenement(
                    evenement_id,
                    TypeEvenement.ENTRETIEN_INDIVIDUEL,
                    rdv.date,
                    None,
                    ctx.acteur.sub,
                    aujourdhui,
                )
                ppae.evaluer_entree(dossier.justifie, dossier.entretiens())
                modifies.append(dossier)
                resultat = Resultat(
                    ppae_id=ppae_id,
                    rendez_vous_id=rendez_vous_id,
                    evenement_id=evenement_id,
                    dossier_id=dossier.id,
                )
            return modifies, resultat

        entree = {"ppae": ppae_id, "rdv": rendez_vous_id, "statut": statut}
        return self._executer(ctx, "renseigner_rendez_vous", entree, ROLES_SUIVI, decider)

    def accepter_ppae(
        self, ctx: Contexte, ppae_id: UUID, date_entree: date, version_attendue: int | None = None
    ) -> Resultat:
        """R8 (b), R9: acceptance with an entry date, possibly retroactive."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            avertissements = ppae.accepter(date_entree, self.horloge.aujourdhui())
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            ppae.evaluer_entree(dossier.justifie, dossier.entretiens())
            return [ppae], Resultat(ppae_id=ppae_id, avertissements=avertissements)

        entree = {"ppae": ppae_id, "date": date_entree, "version": version_attendue}
        return self._executer(ctx, "accepter_ppae", entree, ROLES_SUIVI, decider)

    def arreter_cotraitance(
        self,
        ctx: Contexte,
        ppae_id: UUID,
        motif: MotifArret,
        demander_reaffectation: bool = False,
        version_attendue: int | None = None,
    ) -> Resultat:
        """R10: early stop; the PPAE becomes SUPPRIME and the dossier may open another one."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            ppae.arreter(motif, demander_reaffectation, self.regles.convocations_manquees_min)
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            dossier.fermer_ppae(ppae_id)
            return [ppae, dossier], Resultat(ppae_id=ppae_id)

        entree = {
            "ppae": ppae_id,
            "motif": motif,
            "r": demander_reaffectation,
            "v": version_attendue,
        }
        return self._executer(ctx, "arreter_cotraitance", entree, ROLES_GESTION, decider)

    def sortir_ppae(
        self,
        ctx: Contexte,
        ppae_id: UUID,
        date_sortie: date,
        motif: MotifSortie,
        version_attendue: int | None = None,
    ) -> Resultat:
        """R11: exit from EN_COURS; the PPAE becomes TERMINE."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            ppae.sortir(date_sortie, motif, self.horloge.aujourdhui())
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            dossier.fermer_ppae(ppae_id)
            return [ppae, dossier], Resultat(ppae_id=ppae_id)

        entree = {"ppae": ppae_id, "date": date_sortie, "motif": motif, "v": version_attendue}
        return self._executer(ctx, "sortir_ppae", entree, ROLES_SUIVI, decider)

    def annuler_rapprochement(self, ctx: Contexte, ppae_id: UUID) -> Resultat:
        """R19: the affectation goes back to its list, the dossier loses its DUDE mark."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id)
            ppae.annuler_rapprochement()
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            dossier.annuler_rapprochement(ppae_id)
            modifies: list[Aggregate] = [ppae, dossier]
            if ppae.affectation_id is not None:
                affectation = self._charger(ctx, Affectation, ppae.affectation_id)
                affectation.annuler_rapprochement()
                modifies.append(affectation)
            return modifies, Resultat(
                ppae_id=ppae_id, dossier_id=dossier.id, affectation_id=ppae.affectation_id
            )

        entree = {"ppae": ppae_id}
        return self._executer(ctx, "annuler_rapprochement", entree, ROLES_GESTION, decider)

    # ------------------------------------------------------------------ reading

    def charger(self, ctx: Contexte, type_agregat: type[A], agregat_id: UUID) -> A:
        """An aggregate of the actor's ML; another ML's is indistinguishable from a missing one."""
        return self._charger(ctx, type_agregat, agregat_id)

    # ------------------------------------------------------------------ machinery

    def _evaluer_entree(self, ctx: Contexte, dossier: Dossier) -> list[Aggregate]:
        if dossier.ppae_ouvert is None:
            return []
        ppae = self._charger(ctx, PPAE, dossier.ppae_ouvert)
        return [ppae] if ppae.evaluer_entree(dossier.justifie, dossier.entretiens()) else []

    def _optionnel(self, type_agregat: type[A], agregat_id: UUID) -> A | None:
        try:
            agregat: Aggregate = self.repository.get(agregat_id)
        except AggregateNotFoundError:
            return None
        return agregat if isinstance(agregat, type_agregat) else None

    def _charger(
        self,
        ctx: Contexte,
        type_agregat: type[A],
        agregat_id: UUID,
        version_attendue: int | None = None,
        champ: str | None = None,
    ) -> A:
        agregat = self._optionnel(type_agregat, agregat_id)
        if agregat is None or getattr(agregat, "code_ml", None) != ctx.acteur.code_ml:
            libelle = LIBELLES.get(type_agregat, type_agregat.__name__)
            raise NonTrouve(f"{libelle} introuvable.", champ or CHAMPS.get(type_agregat))
        if version_attendue is not None and agregat.version != version_attendue:
            raise ConflitVersion(
                f"{LIBELLES.get(type_agregat, '')} modifié entre-temps (version "
                f"{agregat.version}, attendue {version_attendue}) : rechargez-le puis réessayez."
            )
        return agregat

    def _executer(
        self,
        ctx: Contexte,
        commande: str,
        entree: dict[str, Any],
        roles: frozenset[Any],
        decider: Callable[[], tuple[list[Aggregate], Resultat]],
    ) -> Resultat:
        ctx.exiger(roles)
        cle: CleIdempotence | None = None
        if ctx.cle_idempotence:
            empreinte = _empreinte(entree)
            portee = ctx.acteur.code_ml
            deja = self._optionnel(
                CleIdempotence, CleIdempotence.create_id(portee, commande, ctx.cle_idempotence)
            )
            if deja is not None:
                if deja.empreinte != empreinte:
                    raise CleIdempotenceReutilisee(
                        "Cette clé d'idempotence a déjà servi pour une autre saisie.",
                        "cleIdempotence",
                    )
                resultat: Resultat = deja.resultat  # type: ignore[assignment]
                return resultat
        modifies, resultat = decider()
        if ctx.cle_idempotence:
            cle = CleIdempotence(
                portee=ctx.acteur.code_ml,
                commande=commande,
                cle=ctx.cle_idempotence,
                empreinte=_empreinte(entree),
                resultat=resultat,  # type: ignore[arg-type]
            )
        self._enregistrer(ctx, [*modifies, *([cle] if cle else [])])
        return resultat

    def _enregistrer(self, ctx: Contexte, agregats: Sequence[Aggregate]) -> None:
        """One atomic save of every aggregate a rule spans, each event carrying R21 metadata."""
        meta = ctx.metadonnees()
        evenements = [e for a in _uniques(agregats) for e in a.collect_events()]
        for evenement in evenements:
            object.__setattr__(evenement, "_meta", meta)
        try:
            self.save(*evenements)
        except IntegrityError:
            raise ConflitVersion(
                "Une autre modification a été enregistrée en même temps : rechargez puis réessayez."
            ) from None


def _uniques(agregats: Sequence[Aggregate]) -> list[Aggregate]:
    vus: dict[UUID, Aggregate] = {}
    for a in agregats:
        vus.setdefault(a.id, a)
    return list(vus.values())


def _empreinte(entree: dict[str, Any]) -> str:
    texte = json.dumps(entree, default=_en_texte, sort_keys=True)
    return hashlib.sha256(texte.encode()).hexdigest()


def _en_texte(valeur: Any) -> Any:
    if hasattr(valeur, "value"):
        return valeur.value
    if hasattr(valeur, "__dataclass_fields__"):
        return {k: getattr(valeur, k) for k in valeur.__dataclass_fields__}
    return str(valeur)


def _verifier_identite(identite: Identite, aujourdhui: date) -> None:
    if not identite.nom.strip():
        raise SaisieInvalide("Le nom est obligatoire.", "nom")
    if not identite.prenoms.strip():
        raise SaisieInvalide("Le prénom est obligatoire.", "prenoms")
    if identite.date_naissance >= aujourdhui:
        raise SaisieInvalide("La date de naissance doit être dans le passé.", "dateNaissance")
