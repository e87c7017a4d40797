"""Les commandes d'arrivée des affectations : ``import affectations`` et ``dude pull`` (et ce
qu'elles partagent avec ``import dossiers``, voir ``reprise.py``). Chaque ligne (ou
enregistrement) est enregistrée ou rejetée avec sa place et sa raison, les bonnes passent
(R24) ; une barre de progression sur un terminal ; un bilan à la fin. Code de sortie : 0 sans
rejet, 2 si des lignes ont été rejetées, 1 si la commande n'a pas pu aller au bout (fichier
introuvable, DUDE injoignable)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from uuid import uuid4

from application.contexte import Contexte, systeme
from application.service import Cotraitance
from cotraitance.interblocages import reessayer
from cotraitance.racine import Service
from cotraitance.rejets import Premiers, Rejets, RejetsIllisibles, affichable
from cotraitance.settings import Settings
from domain.erreurs import ConflitVersion, ErreurMetier
from integrations.dude.client_borne import Bornes, ClientDUDE
from integrations.dude.intake import AffectationLue, format_par_extension, lire_affectations
from integrations.dude.recuperation import RecuperationImpossible, recuperer
from integrations.referentiel.champs import raison
from integrations.referentiel.fichier import FichierRefuse, examiner
from integrations.referentiel.lignes import LigneRejetee
from projections.rapprochement import IndexRapprochement

EXIT_LIGNES_REJETEES = 2
EXIT_ECHEC = 1
Avancer = Callable[[int], object]


class MissionsLocalesConnues(Container[str]):
    """The store's ML codes, asked once each (what the intake checks ``codeMissionLocale``
    against)."""

    def __init__(self, app: Cotraitance) -> None:
        self.app = app
        self._connues: dict[str, bool] = {}

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        if code not in self._connues:
            connue = self.app.mission_locale(code) is not None
            if connue or len(self._connues) < 10_000:
                self._connues[code] = connue
            return connue
        return self._connues[code]


@dataclass
class Bilan:
    sub: str
    """The system actor this run records as (R21), with one correlation id for the run."""
    correlation: str = field(default_factory=lambda: uuid4().hex)
    issues: Counter[str] = field(default_factory=Counter)
    rejets: Rejets = field(default_factory=Rejets)
    """Counted, the first kept for the summary, all written to the rejection file (bounded
    memory whatever the file)."""
    avertissements: Premiers[tuple[str, str]] = field(default_factory=Premiers)
    conflits: Premiers[tuple[str, str]] = field(default_factory=Premiers)

    def contexte(self, code_ml: str) -> Contexte:
        return replace(systeme(code_ml, self.sub), correlation_id=self.correlation)

    @property
    def code_de_sortie(self) -> int:
        return EXIT_LIGNES_REJETEES if self.rejets else 0

    def avertir(self, ou: str, messages: Sequence[str]) -> None:
        for message in messages:
            self.avertissements.ajouter((ou, message))

    def details(self) -> None:
        for rejet in self.rejets.premiers():
            print(f"  rejet {affichable(rejet.ou)} : {affichable(rejet.raison)}")
        lignes = [self.rejets.non_montres()]
        for ou, message in self.avertissements.elements:
            lignes.append(f"  avertissement {affichable(ou)} : {affichable(message)}")
        lignes.append(self.avertissements.non_montres("avertissement(s)"))
        for ou, message in self.conflits.elements:
            lignes.append(f"  conflit {affichable(ou)} : {affichable(message)}")
        lignes.append(self.conflits.non_montres("conflit(s)"))
        for ligne in lignes:
            if ligne:
                print(ligne)


@contextmanager
def barre(description: str, total: int | None) -> Iterator[Avancer]:
    """A progress bar on stderr when it is a terminal; nothing otherwise (pipes, logs, CI)."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    colonnes = [BarColumn(), TimeRemainingColumn()] if total else [MofNCompleteColumn()]
    with Progress(
        "[progress.description]{task.description}",
        *colonnes,
        console=Console(stderr=True),
        transient=True,
    ) as progression:
        tache = progression.add_task(description, total=total)
        yield lambda n: progression.advance(tache, n)


# ------------------------------------------------------------------ affectations


def index_a_jour(service: Service) -> None:
    """R3: each new affectation is matched at intake; the matching index first takes the
    dossiers recorded since it last read the log (``import dossiers`` just before, say)."""
    print("index de rapprochement : mise à jour", file=sys.stderr, flush=True)
    lus = reessayer(lambda: service.runner.rattraper(noms=[IndexRapprochement.nom]))
    if lus:
        print(f"index de rapprochement : {lus} événement(s) pris", file=sys.stderr)


def fichier_refuse(chemin: Path, attendu: str | None, choix_possible: bool = False) -> bool:
    """Says why the file cannot be read as rows, if it cannot (``examiner``)."""
    try:
        examiner(chemin, attendu, choix_possible)
    except FichierRefuse as exc:
        print(exc, file=sys.stderr)
        return True
    return False


def importer_affectations(service: Service, args: argparse.Namespace) -> int:
    chemin: Path = args.file
    if fichier_refuse(chemin, args.format or format_par_extension(chemin), choix_possible=True):
        return EXIT_ECHEC
    index_a_jour(service)
    connues = MissionsLocalesConnues(service.app)
    try:
        with (
            Rejets.vers(args.rejets, args.file) as rejets,
            barre(chemin.name, chemin.stat().st_size) as avancer,
        ):
            bilan = Bilan("import-affectations", rejets=rejets)
            for lu in lire_affectations(chemin, connues, avancer, args.format):
                recevoir(service.app, lu, bilan)
    except (FichierRefuse, RejetsIllisibles) as exc:
        print(exc, file=sys.stderr)
        return EXIT_ECHEC
    _bilan_affectations(bilan)
    return bilan.code_de_sortie


def recevoir(app: Cotraitance, lu: AffectationLue | LigneRejetee, bilan: Bilan) -> None:
    """R1: a good row recorded once (``nouvelle``), again (``doublon``) or with other content
    (``conflit``, kept for review); a bad one rejected with its place and reason. Another
    command receiving the same affectation at the same time makes this save conflict (or
    deadlock): received again, it is a duplicate (R1)."""
    if isinstance(lu, LigneRejetee):
        bilan.rejets.ajouter(lu)
        return
    bilan.avertir(lu.ou, lu.avertissements)
    donnees = lu.donnees
    try:
        resultat = reessayer(
            lambda: app.recevoir_affectation(bilan.contexte(donnees.code_ml), donnees),
            aussi=(ConflitVersion,),
        )
    except ErreurMetier as exc:
        bilan.rejets.ajouter(LigneRejetee(lu.ligne, raison(exc), lu.lieu))
        return
    issue = resultat.issue or "?"
    bilan.issues[issue] += 1
    if issue == "conflit":
        bilan.conflits.ajouter(
            (lu.ou, f"{donnees.id_affectation} déjà reçue avec un autre contenu, gardé pour examen")
        )


def _bilan_affectations(bilan: Bilan) -> None:
    n = bilan.issues
    recues = n.total() + bilan.rejets.nombre
    print(
        f"{recues} affectation(s) reçue(s) : {n['nouvelle']} nouvelle(s), "
        f"{n['doublon']} doublon(s), {n['conflit']} conflit(s), "
        f"{bilan.rejets.nombre} rejetée(s), {bilan.avertissements.nombre} avertissement(s)"
    )
    bilan.details()


def dude_recuperer(service: Service, args: argparse.Namespace) -> int:
    """``dude pull``: every ML of the store (or ``--ml``), page after page."""
    settings: Settings = args.settings
    url = settings.url_affectations
    if not url:
        print(
            "ni COTRAITANCE_DUDE_AFFECTATIONS_URL ni COTRAITANCE_DUDE_URL ne sont réglées",
            file=sys.stderr,
        )
        return EXIT_ECHEC
    connues = MissionsLocalesConnues(service.app)
    if args.ml and args.ml not in connues:
        print(f"Mission Locale inconnue : {args.ml}", file=sys.stderr)
        return EXIT_ECHEC
    codes = [args.ml] if args.ml else [ml.code for ml in service.app.missions_locales()]
    index_a_jour(service)
    print(f"affectations du DUDE : {url} ({len(codes)} Mission(s) Locale(s))", file=sys.stderr)
    try:
        bilan = Bilan("dude-pull", rejets=Rejets.vers(getattr(args, "rejets", None)))
    except RejetsIllisibles as exc:
        print(exc, file=sys.stderr)
        return EXIT_ECHEC
    echecs = []
    bornes = Bornes(
        pages=args.pages_max,
        delai_page_s=args.delai_page,
        duree_s=args.duree,
        lecture_s=float(settings.dude_delai_s),
    )
    with (
        bilan.rejets,
        ClientDUDE(bornes) as client,
        barre("affectations", None) as avancer,
    ):
        for code in codes:
            try:
                for lu in recuperer(client, url, code, connues, args.limite):
                    recevoir(service.app, lu, bilan)
                    avancer(1)
            except RecuperationImpossible as exc:
                echecs.append(f"{code} {exc}")
    _bilan_affectations(bilan)
    for echec in echecs:
        print(f"  échec : {echec} (relancer la commande reprend sans rien doubler)")
    return EXIT_ECHEC if echecs else bilan.code_de_sortie
