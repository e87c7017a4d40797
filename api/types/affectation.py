"""An affectation received from the DUDE (R1-R4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from api.enums import DecisionRapprochement  # noqa: F401 (registers the enum's name)
from api.ids import encoder_id
from api.types.chargement import charger_au
from api.types.commun import Ctx, Identite, Node, Periode
from api.types.lecture import personnel
from api.types.passe import mission_locale_au
from domain.affectation import Affectation as AffectationAgregat
from domain.affectation import CandidatPropose, DonneesAffectation, suggestions_refus
from domain.dossier import Dossier as DossierAgregat
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811
from domain.rapprochement import Candidat as CandidatTrouve
from domain.rapprochement import Decision
from domain.valeurs import ListeCotraitance, MotifRefus, StatutAffectation, TypeAffectation

if TYPE_CHECKING:
    from api.types.dossier import Dossier
    from api.types.ppae import PPAE

DossierParesseux = Annotated["Dossier", strawberry.lazy("api.types.dossier")]
PPAEParesseux = Annotated["PPAE", strawberry.lazy("api.types.ppae")]


@strawberry.type
class ElementExplication:
    critere: str = strawberry.field(
        description="Which comparison: nom, prenoms, dateNaissance, identifiantPe, "
        "communeInsee, email, telephone, sexe."
    )
    niveau: str = strawberry.field(
        description="How it compared: EXACT, PROCHE, INVERSION_NOM_PRENOM, "
        "INVERSION_JOUR_MOIS, UN_CHIFFRE, UN_DES_PRENOMS, DIFFERENT, ABSENT."
    )
    poids: float = strawberry.field(description="Weight in bits added to the score.")


@strawberry.type
class Candidat:
    dossier_id: strawberry.Private[UUID]
    score: float = strawberry.field(description="Probability-like score in [0, 1].")
    decision: Decision
    elements: strawberry.Private[list[ElementExplication]]
    raisons: strawberry.Private[list[str]]
    reaffectation: bool = strawberry.field(
        description="Beyond the contract: its youth had a PPAE en cours or terminé (R3)."
    )
    instant: strawberry.Private[datetime | None] = None
    """Set within etatAu: its dossier as of that instant (R21)."""

    def sujets_lus(self) -> tuple[UUID | None, UUID | None]:
        """What the explanation tells of the dossier (its birth date, phone… agree with the
        affectation's) is a read of its personal data (R23)."""
        return self.dossier_id, None

    @personnel()
    def explication(self) -> list[ElementExplication]:
        return self.elements

    @personnel(
        description="Beyond the contract: why this candidate goes to human review whatever its "
        "score (JUMEAUX, IDENTIFIANTS_PE_DIFFERENTS, SEXE_DIFFERENT)."
    )
    def vetos(self) -> list[str]:
        return self.raisons

    @classmethod
    def propose(cls, c: CandidatPropose, instant: datetime | None = None) -> Candidat:
        return cls(
            instant=instant,
            dossier_id=c.dossier_id,
            score=c.score,
            decision=_decision(c.decision),
            elements=[
                ElementExplication(critere=str(x[0]), niveau=str(x[1]), poids=float(x[2]))
                for x in c.explication
            ],
            raisons=list(c.vetos),
            reaffectation=c.ppae_passe,
        )

    @classmethod
    def trouve(cls, c: CandidatTrouve, reaffectation: bool) -> Candidat:
        return cls(
            dossier_id=UUID(c.ref),
            score=round(c.score, 6),
            decision=c.decision,
            elements=[
                ElementExplication(critere=e.critere, niveau=e.niveau.value, poids=e.poids)
                for e in c.explication
            ],
            raisons=[v.value for v in c.vetos],
            reaffectation=reaffectation,
        )

    @strawberry.field
    async def dossier(self, info: Ctx) -> DossierParesseux:
        from api.types.dossier import Dossier

        d = await charger_au(info, DossierAgregat, self.dossier_id, self.instant)
        if d is None:  # filtered out by ``candidats_visibles``
            raise RuntimeError("candidate dossier vanished")
        return Dossier.de(d, self.instant)


def _decision(stockee: str) -> Decision:
    """A decision recorded under a name this version no longer has reads as to examine."""
    try:
        return Decision(stockee)
    except ValueError:
        return Decision.A_EXAMINER


async def candidats_visibles(
    info: Ctx, candidats: list[Candidat], instant: datetime | None = None
) -> list[Candidat]:
    """Candidates whose dossier the actor sees and that were not deleted since (R20, R23);
    within etatAu, not deleted by then (R21)."""
    if not candidats:
        return []
    ids = [c.dossier_id for c in candidats]
    if instant is None:
        dossiers = await info.context.charger_plusieurs(DossierAgregat, ids)
    else:
        lus = [await charger_au(info, DossierAgregat, i, instant) for i in ids]
        dossiers = [d for d in lus if d is not None]
    visibles = {
        d.id
        for d in dossiers
        if not d.supprime and d.transfere_vers is None  # a duplicate whose data moved
    }
    return [c for c in candidats if c.dossier_id in visibles]


@strawberry.type(
    description="Beyond the contract (R1): a content received later under the same DUDE id, "
    "awaiting the manager's decision (resoudreConflitAffectation)."
)
class ContenuEnConflit:
    affectation_id: strawberry.Private[UUID]
    donnees: strawberry.Private[DonneesAffectation]
    empreinte: str
    date_affectation: date
    type_affectation: TypeAffectation
    date_dernier_entretien_dude: date | None

    def sujets_lus(self) -> tuple[UUID | None, UUID | None]:
        return None, self.affectation_id

    @personnel()
    def identite(self) -> Identite:
        return Identite.de(self.donnees.identite)

    @personnel()
    def identifiant_pe(self) -> str:
        return self.donnees.identifiant_pe


@strawberry.type
class Affectation(Node):
    agregat: strawberry.Private[AffectationAgregat]
    id_affectation: str
    code_mission_locale: str
    type_affectation: TypeAffectation
    date_affectation: date
    date_dernier_entretien_dude: date | None
    periodes_radiation: list[Periode]
    statut: StatutAffectation
    motif_refus: MotifRefus | None
    liste: ListeCotraitance | None
    liste_prevue: ListeCotraitance | None = strawberry.field(
        description="Beyond the contract (R3): the list matching files it in, known from "
        "intake; still to decide, the affectation is in no list (liste is null) and this is "
        "the one it will join once accepted. Null once refused."
    )
    conflits: int = strawberry.field(
        description="R1: contents received later under the same id with other data, kept "
        "for review; decide and match knowing the DUDE sent something else since."
    )
    instant: strawberry.Private[datetime | None] = None
    """Set within etatAu: the affectation as recorded at that instant (R21)."""

    @classmethod
    def de(cls, a: AffectationAgregat, instant: datetime | None = None) -> Affectation:
        return cls(
            id=strawberry.ID(encoder_id("Affectation", a.id)),
            agregat=a,
            id_affectation=a.id_affectation,
            code_mission_locale=a.code_ml,
            type_affectation=a.type_affectation,
            date_affectation=a.date_affectation,
            date_dernier_entretien_dude=a.date_dernier_entretien_dude,
            periodes_radiation=[Periode(debut=p.debut, fin=p.fin) for p in a.periodes_radiation],
            statut=a.statut,
            motif_refus=a.motif_refus,
            liste=a.liste_courante,
            liste_prevue=a.liste,
            conflits=len(a.conflits),
            instant=instant,
        )

    def sujets_lus(self) -> tuple[UUID | None, UUID | None]:
        """The access log names the affectation and the dossier it was matched to."""
        return self.agregat.dossier_id, self.agregat.id

    @personnel()
    def identite(self) -> Identite:
        return Identite.de(self.agregat.identite)

    @personnel()
    def identifiant_pe(self) -> str:
        return self.agregat.identifiant_pe

    @strawberry.field(description="R2: computed suggestions, not decisions.")
    async def suggestions_refus(self, info: Ctx) -> list[MotifRefus]:
        ctx = info.context
        ml = await (mission_locale_au(ctx, self.instant) if self.instant else ctx.mission_locale())
        communes = ml.communes if ml else []
        regles = info.context.service.app.regles
        return suggestions_refus(self.agregat.donnees(), communes, regles)

    @strawberry.field(description="R3: best candidates first, with explanations.")
    async def candidats(self, info: Ctx) -> list[Candidat]:
        candidats = [Candidat.propose(c, self.instant) for c in self.agregat.candidats]
        return await candidats_visibles(info, candidats, self.instant)

    @strawberry.field(description="Beyond the contract (R1): contents awaiting review.")
    def contenus_en_conflit(self) -> list[ContenuEnConflit]:
        a = self.agregat
        return [
            ContenuEnConflit(
                affectation_id=a.id,
                donnees=d,
                empreinte=e,
                date_affectation=d.date_affectation,
                type_affectation=d.type_affectation,
                date_dernier_entretien_dude=d.date_dernier_entretien_dude,
            )
            for e, d in zip(a.conflits, a.contenus_en_conflit, strict=True)
        ]

    @strawberry.field
    async def dossier(self, info: Ctx) -> DossierParesseux | None:
        from api.types.dossier import Dossier

        d = await charger_au(info, DossierAgregat, self.agregat.dossier_id, self.instant)
        return Dossier.de(d, self.instant) if d else None

    @strawberry.field
    async def ppae(self, info: Ctx) -> PPAEParesseux | None:
        from api.types.ppae import PPAE

        p = await charger_au(info, PPAEAgregat, self.agregat.ppae_id, self.instant)
        return PPAE.de(p, self.instant) if p else None
