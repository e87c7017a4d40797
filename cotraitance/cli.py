"""La commande cotraitance : servir l'API, émettre un jeton de développement, charger les
fichiers de référence, suivre et reconstruire les modèles de lecture. Chaque commande dit sur
quelle base elle travaille (configuration : COTRAITANCE_DATABASE_URL, voir le README)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from urllib.parse import quote

import psycopg
from eventsourcing import persistence as persistance_es

from api.auth import ROLES_JETON, emettre_jeton_dev
from application.contexte import systeme
from application.magasin.connexions import MagasinInjoignable
from application.magasin.persistance import base_depuis_url
from application.traitement.reconstruction import Bilan, ReconstructionEnCours
from cotraitance.arguments import (
    date_iso,
    de_1_a_1000,
    decimal,
    duree,
    entier,
    franciser,
    port,
    positif_ou_nul,
    strictement_positif,
)
from cotraitance.demo import CONSEILLERS, charger_demo
from cotraitance.demo import ML as DEMO_ML
from cotraitance.imports import (
    EXIT_LIGNES_REJETEES,
    barre,
    dude_recuperer,
    fichier_refuse,
    importer_affectations,
)
from cotraitance.interblocages import Interblocage, est_interblocage, reessayer
from cotraitance.interblocages import message as message_interblocage
from cotraitance.livraison import ajouter_envoi, ajouter_renvoi
from cotraitance.population import (
    DATE_REFERENCE,
    NOMS_FICHIERS,
    Parametres,
    ParametresInvalides,
    generer,
)
from cotraitance.racine import Service, construire, processeurs, reglages_api, secret_dev
from cotraitance.rejets import GARDES, Rejets, RejetsIllisibles, affichable
from cotraitance.reprise import LOT_DOSSIERS, PROCESSUS, importer_dossiers
from cotraitance.settings import ConfigurationInvalide, Settings
from domain.erreurs import ErreurMetier
from domain.valeurs import Role
from integrations.dude import simulateur_entrees
from integrations.dude.simulateur import Simulateur, SimulateurEnFond
from integrations.erreurs_systeme import raison_fichier
from integrations.referentiel.fichier import JSONL
from integrations.referentiel.lignes import LigneRejetee
from integrations.referentiel.missions_locales import lire_missions_locales

ISSUES = {"creee": "créée", "modifiee": "modifiée", "inchangee": "inchangée"}


BASE_INDISPONIBLE = (
    psycopg.OperationalError,
    sqlite3.OperationalError,
    persistance_es.OperationalError,
    persistance_es.InterfaceError,
    MagasinInjoignable,
)
"""What a database that cannot answer raises: a message, never a traceback."""


EXIT_INTERROMPU = 130
"""Ctrl-C, as shells report it (128 + SIGINT)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Whatever happens, a French message and an exit code: never a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("interrompu", file=sys.stderr)
        return EXIT_INTERROMPU
    except OSError as exc:
        ou = f"{exc.filename} : " if exc.filename else ""
        print(f"erreur d'accès au fichier : {ou}{raison_fichier(exc)}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # not OperationalError: what the file holds
        print(
            f"la base SQLite est illisible ({type(exc).__name__}) : le fichier n'est pas une "
            "base de ce service, ou il est endommagé (COTRAITANCE_DATABASE_URL)",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # the last resort: a message, the kind of failure, no trace
        print(
            f"erreur inattendue ({type(exc).__name__}) : la commande s'est arrêtée ; ce qui "
            "avait été enregistré l'est",
            file=sys.stderr,
        )
        return 1


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.depuis_env(os.environ)
    except ConfigurationInvalide as exc:
        print(f"erreur de configuration : {exc}", file=sys.stderr)
        return 1
    if not hasattr(args, "action"):
        parser.print_help()
        return 1
    if args.action in (token, dude_simulateur, demo_data, evaluate_matching):
        return int(args.action(settings, args))
    if not _base_annoncee(settings, existante=args.action is not serve and not args.cree_base):
        return 1
    if args.action is serve:
        return int(serve(settings, args))
    args.settings = settings
    decrite = base_depuis_url(settings.database_url, creer=False).decrite()
    try:
        service = construire(settings)
    except BASE_INDISPONIBLE as exc:
        print(f"base de données injoignable ({type(exc).__name__}) : {decrite}", file=sys.stderr)
        return 1
    try:
        return int(args.action(service, args))
    except KeyboardInterrupt:
        print(
            "interrompu : ce qui a été enregistré avant l'est ; relancez la commande pour la "
            "suite (ce qui est déjà là n'est pas enregistré deux fois)",
            file=sys.stderr,
        )
        return EXIT_INTERROMPU
    except Interblocage as exc:
        print(exc, file=sys.stderr)
        return 1
    except BASE_INDISPONIBLE as exc:
        if est_interblocage(exc):
            print(message_interblocage(1), file=sys.stderr)
            return 1
        print(
            f"la base de données a cessé de répondre ({type(exc).__name__}) : ce qui a été "
            "enregistré avant l'est ; relancez la commande (ce qui est déjà là n'est pas "
            "enregistré deux fois)",
            file=sys.stderr,
        )
        return 1
    finally:
        with contextlib.suppress(*BASE_INDISPONIBLE):
            service.close()


def _base_annoncee(settings: Settings, existante: bool) -> bool:
    """Says which database the command works on (never its password); a command that expects
    data refuses a SQLite file that does not exist instead of creating an empty one."""
    base = base_depuis_url(settings.database_url, creer=False)
    if base.sqlite_chemin is None:
        print(f"base : {base.decrite()}", file=sys.stderr)
        return True
    chemin = Path(base.sqlite_chemin).resolve()
    if chemin.is_dir():
        print(
            f"{chemin} est un dossier : COTRAITANCE_DATABASE_URL doit nommer un fichier",
            file=sys.stderr,
        )
        return False
    if chemin.exists():
        print(f"base : {base.decrite()} ({chemin})", file=sys.stderr)
        return True
    if existante:
        print(
            f"aucune base à {chemin} : lancez la commande depuis le dossier du service ou "
            "indiquez COTRAITANCE_DATABASE_URL.",
            file=sys.stderr,
        )
        return False
    print(f"base : nouvelle base créée à {chemin}", file=sys.stderr)
    return True


def _option_rejets(commande: argparse.ArgumentParser) -> None:
    commande.add_argument(
        "--rejets",
        type=Path,
        metavar="FICHIER",
        help=f"écrire tous les rejets dans FICHIER (CSV si son nom finit par .csv, JSON Lines "
        f"sinon : ligne, lieu, raison) ; le bilan n'en montre que les {GARDES} premiers",
    )


def _parser() -> argparse.ArgumentParser:
    franciser()
    parser = argparse.ArgumentParser(prog="cotraitance", description=__doc__)
    parser.set_defaults(cree_base=False)
    commandes = parser.add_subparsers(title="commandes")
    defauts = argparse.ArgumentDefaultsHelpFormatter

    serveur = commandes.add_parser("serve", help="servir l'API GraphQL", formatter_class=defauts)
    serveur.add_argument("--demo", action="store_true", help="charger le jeu de démonstration")
    serveur.add_argument("--host", default="127.0.0.1", help="adresse d'écoute")
    serveur.add_argument("--port", type=port, default=8000, help="port d'écoute")
    serveur.set_defaults(action=serve)

    jeton = commandes.add_parser("token", help="émettre un jeton de développement")
    jeton.add_argument("--role", required=True, choices=[r.value for r in ROLES_JETON.values()])
    jeton.add_argument("--ml", required=True, help="code de la Mission Locale")
    jeton.add_argument("--sub", default=None, help="sujet (par défaut : le rôle en minuscules)")
    jeton.set_defaults(action=token)

    imports = commandes.add_parser("import", help="charger un fichier").add_subparsers(
        title="fichiers"
    )
    ml = imports.add_parser("missions-locales", help="Missions Locales : zone et conseillers")
    ml.add_argument("file", type=Path, help="fichier JSON Lines (une Mission Locale par ligne)")
    _option_rejets(ml)
    ml.set_defaults(action=importer_missions_locales, cree_base=True)
    sorties = (
        "code de sortie : 0 si aucune ligne n'est rejetée, 2 si des lignes le sont (les bonnes "
        "passent quand même), 1 si la commande n'a pas pu aller au bout"
    )
    affectations = imports.add_parser(
        "affectations",
        help="affectations reçues du DUDE (JSON Lines ou CSV ; R1 : un doublon n'enregistre rien)",
        description=f"Enregistre les affectations d'un fichier (DESIGN §4). {sorties}.",
    )
    affectations.add_argument("file", type=Path, help="fichier .jsonl ou .csv (séparateur ;)")
    affectations.add_argument(
        "--format", choices=["jsonl", "csv"], help="par défaut : d'après l'extension du fichier"
    )
    _option_rejets(affectations)
    affectations.set_defaults(action=importer_affectations)
    dossiers = imports.add_parser(
        "dossiers",
        help="dossiers existants d'une Mission Locale (reprise ; recharger n'enregistre rien)",
        description=f"Charge les dossiers existants par lots (DESIGN §4). {sorties}.",
        formatter_class=defauts,
    )
    dossiers.add_argument("file", type=Path, help="fichier JSON Lines (un dossier par ligne)")
    dossiers.add_argument(
        "--lot",
        type=strictement_positif,
        default=LOT_DOSSIERS,
        help="dossiers enregistrés ensemble",
    )
    dossiers.add_argument(
        "--processus",
        type=positif_ou_nul,
        default=None,
        help=f"processus de chargement (0 : dans ce processus) ; par défaut {PROCESSUS} sur "
        "PostgreSQL pour un fichier de plus de 8 Mo, 0 sinon",
    )
    _option_rejets(dossiers)
    dossiers.set_defaults(action=importer_dossiers)

    demo = commandes.add_parser(
        "demo-data",
        help="écrire une population synthétique étiquetée (Missions Locales, dossiers, "
        "affectations et la vérité du rapprochement)",
        formatter_class=defauts,
    )
    demo.add_argument("dir", type=Path, help="dossier où écrire les fichiers JSON Lines")
    demo.add_argument("--dossiers", type=positif_ou_nul, default=10_000, help="dossiers existants")
    demo.add_argument(
        "--affectations", type=positif_ou_nul, default=1_000, help="affectations du DUDE"
    )
    demo.add_argument(
        "--missions-locales",
        type=entier,
        default=None,
        help="nombre de Missions Locales (par défaut : une pour 50 000 dossiers)",
    )
    demo.add_argument("--seed", type=entier, default=0, help="graine : même graine, mêmes fichiers")
    demo.add_argument(
        "--date-reference",
        type=date_iso,
        default=DATE_REFERENCE,
        help="les affectations sont datées des 90 jours qui la précèdent",
    )
    demo.add_argument(
        "--ecraser", action="store_true", help="remplacer les fichiers de population déjà là"
    )
    demo.set_defaults(action=demo_data)

    evaluation = commandes.add_parser(
        "evaluate-matching",
        help="mesurer le rapprochement sur une population étiquetée (demo-data)",
        description="Rapproche chaque affectation des dossiers de sa Mission Locale avec le "
        "moteur du service et compare à la vérité : taux de faux rapprochements automatiques, "
        "de doublons créés, d'examens humains, rappel du blocage ; et la référence (date de "
        "naissance exacte + Jaro-Winkler moyen des noms). Aucune base n'est utilisée.",
    )
    evaluation.add_argument("dir", type=Path, help="dossier écrit par cotraitance demo-data")
    evaluation.add_argument(
        "--estimer",
        action="store_true",
        help="ré-estimer aussi les m par EM sur les paires bloquées, et les afficher",
    )
    evaluation.add_argument("--json", action="store_true", help="une ligne JSON à la fin")
    evaluation.set_defaults(action=evaluate_matching)

    noms = [p.nom for p in processeurs()]
    projections = commandes.add_parser("projections", help="modèles de lecture").add_subparsers(
        title="actions"
    )
    status = projections.add_parser("status", help="position et retard de chaque processeur")
    status.set_defaults(action=projections_status)
    rebuild = projections.add_parser(
        "rebuild", help=f"reconstruire un processeur, ou tous, depuis zéro ({', '.join(noms)})"
    )
    rebuild.add_argument("name", nargs="?", choices=noms, help="le processeur (tous sinon)")
    rebuild.set_defaults(action=projections_rebuild)
    catchup = projections.add_parser("catch-up", help="traiter les événements pas encore lus")
    catchup.set_defaults(action=projections_catch_up)

    dude = commandes.add_parser("dude", help="flux vers le DUDE").add_subparsers(title="actions")
    ajouter_envoi(dude, defauts)
    ajouter_renvoi(dude, defauts)
    pull = dude.add_parser(
        "pull",
        help="récupérer les affectations du DUDE (COTRAITANCE_DUDE_AFFECTATIONS_URL)",
        description="Récupère page à page les affectations de chaque Mission Locale connue "
        "et les enregistre comme import affectations. Code de sortie : 0 sans rejet, 2 si des "
        "enregistrements sont rejetés, 1 si le DUDE n'a pas pu être lu jusqu'au bout.",
        formatter_class=defauts,
    )
    pull.add_argument("--ml", help="une seule Mission Locale (toutes celles connues sinon)")
    pull.add_argument(
        "--limite", type=de_1_a_1000, default=500, help="affectations par page (1 à 1000)"
    )
    pull.add_argument(
        "--pages-max", type=strictement_positif, default=10_000, help="pages par Mission Locale"
    )
    pull.add_argument(
        "--delai-page",
        type=duree,
        default=60.0,
        help="secondes pour recevoir une page entière (en plus du délai par lecture)",
    )
    pull.add_argument("--duree", type=duree, default=3600.0, help="durée maximale (secondes)")
    _option_rejets(pull)
    pull.set_defaults(action=dude_recuperer)
    simu = dude.add_parser("simulator", help="un simulateur du DUDE", formatter_class=defauts)
    simu.add_argument("--host", default="127.0.0.1", help="adresse d'écoute")
    simu.add_argument("--port", type=port, default=8100, help="port d'écoute")
    simu.add_argument("--latence-ms", type=entier, default=0, help="latence de chaque réponse")
    simu.add_argument("--taux-5xx", type=decimal, default=0.0, help="part de réponses 503")
    simu.add_argument(
        "--taux-timeout", type=decimal, default=0.0, help="part de réponses trop tardives"
    )
    simu.add_argument(
        "--affectations",
        type=Path,
        help="affectations servies à dude pull (JSON Lines ; POST /affectations en ajoute)",
    )
    simu.add_argument(
        "--rejeter",
        action="append",
        default=[],
        metavar="TYPE=CODE",
        help="rejeter (422) les flux de ce type avec ce code, ex. EVENEMENT=DOSSIER_CLOS",
    )
    simu.set_defaults(action=dude_simulateur)
    return parser


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import creer_app
    from api.journaux import configuration_des_journaux

    if args.demo and settings.est_prod:
        print("--demo est refusé en prod : pas de données fictives en production.", file=sys.stderr)
        return 1
    if not _port_libre(args.host, args.port):
        print(f"le port {args.port} est déjà pris sur {args.host} : --port AUTRE", file=sys.stderr)
        return 1
    simulateur = None
    if args.demo and not settings.dude_url:
        simulateur = SimulateurEnFond(Simulateur())
    url_dude = simulateur.demarrer() if simulateur else None
    service = construire(settings, dude_url=f"{url_dude}/flux" if url_dude else None)
    try:
        app = creer_app(service, reglages_api(settings))
        if url_dude:
            print(f"simulateur du DUDE : {url_dude} (dossiers reçus : {url_dude}/dossiers/<id PE>)")
        if args.demo:
            aujourdhui = service.app.horloge.aujourdhui()
            charge = charger_demo(service.app, aujourdhui, service.runner.rattraper)
            print("données de démonstration " + ("chargées" if charge else "déjà présentes"))
        url = f"http://{args.host}:{args.port}/graphql"
        print(f"API GraphQL Cotraitance : {url}")
        if args.demo:
            _jetons_demo(settings, url)
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="info",
            log_config=configuration_des_journaux(),
        )
    finally:
        service.close()
        if simulateur:
            simulateur.arreter()
    return 0


def _port_libre(hote: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in hote else socket.AF_INET) as essai:
        try:
            essai.bind((hote, port))
        except OSError:
            return False
    return True


def _jetons_demo(settings: Settings, url: str) -> None:
    """One token per role (a counselor of the demo ML for CONSEILLER), and, when GraphiQL is
    on, a link that opens it with the Authorization header filled in."""
    secret = secret_dev(settings)
    print(f"jetons de développement pour {DEMO_ML} (en-tête Authorization: Bearer <jeton>) :")
    for role in ROLES_JETON.values():
        sub = CONSEILLERS[0].id if role is Role.CONSEILLER else role.value.lower()
        jeton = emettre_jeton_dev(secret, sub, role, DEMO_ML)
        print(f"  {role.value:<13} {jeton}")
        if settings.graphiql:
            entetes = json.dumps({"Authorization": f"Bearer {jeton}"})
            print(f"  {'':<13} {url}?headers={quote(entetes)}")


def token(settings: Settings, args: argparse.Namespace) -> int:
    if settings.est_prod:
        print("l'émetteur de développement est désactivé en prod", file=sys.stderr)
        return 1
    role = ROLES_JETON[args.role]
    print(emettre_jeton_dev(secret_dev(settings), args.sub or args.role.lower(), role, args.ml))
    return 0


def importer_missions_locales(service: Service, args: argparse.Namespace) -> int:
    chemin: Path = args.file
    if fichier_refuse(chemin, JSONL):
        return 1
    try:
        rejets = Rejets.vers(args.rejets, args.file)
    except RejetsIllisibles as exc:
        print(exc, file=sys.stderr)
        return 1
    service.runner.rattraper()  # the PPAE board is what a counselor's removal is checked on
    issues: Counter[str] = Counter()
    with rejets:
        _charger_missions_locales(service, chemin, issues, rejets)
    total = sum(issues.values()) + rejets.nombre
    print(
        f"{total} ligne(s) lue(s) : {issues['creee']} créée(s), {issues['modifiee']} modifiée(s), "
        f"{issues['inchangee']} inchangée(s), {rejets.nombre} rejetée(s)"
    )
    for rejet in rejets.premiers():
        print(f"  rejet ligne {rejet.ligne} : {affichable(rejet.raison)}")
    if rejets.non_montres():
        print(rejets.non_montres())
    return EXIT_LIGNES_REJETEES if rejets else 0


def _charger_missions_locales(
    service: Service, chemin: Path, issues: Counter[str], rejets: Rejets
) -> None:
    vus: dict[str, int] = {}
    for lu in lire_missions_locales(chemin):
        if isinstance(lu, LigneRejetee):
            rejets.ajouter(lu)
            continue
        if lu.code in vus:
            raison = f"la Mission Locale {lu.code} figure déjà ligne {vus[lu.code]}"
            rejets.ajouter(LigneRejetee(lu.ligne, raison))
            continue
        vus[lu.code] = lu.ligne
        try:
            resultat = reessayer(
                partial(
                    service.app.enregistrer_mission_locale,
                    systeme(lu.code, "import-missions-locales"),
                    lu.code,
                    lu.nom,
                    lu.communes,
                    lu.conseillers,
                )
            )
        except ErreurMetier as exc:
            rejets.ajouter(LigneRejetee(lu.ligne, exc.message))
            continue
        issue = resultat.issue or "?"
        issues[issue] += 1
        print(f"ligne {lu.ligne} : {lu.code} {ISSUES.get(issue, issue)}", flush=True)


def demo_data(settings: Settings, args: argparse.Namespace) -> int:
    """Writes the labelled population; no database involved."""
    parametres = Parametres(
        dossiers=args.dossiers,
        affectations=args.affectations,
        missions_locales=args.missions_locales,
        graine=args.seed,
        date_reference=args.date_reference,
    )
    debut = time.monotonic()

    def progression(quoi: str, fait: int, total: int) -> None:
        print(f"{quoi} : {fait} / {total}", file=sys.stderr, flush=True)

    if args.dir.exists() and not args.dir.is_dir():
        print(
            f"{args.dir} : un fichier existe à cet endroit, un dossier est attendu", file=sys.stderr
        )
        return 1
    deja = [n for n in NOMS_FICHIERS if (args.dir / f"{n}.jsonl").exists()]
    if deja and not args.ecraser:
        print(
            f"{args.dir} contient déjà {', '.join(f'{n}.jsonl' for n in deja)} : rien n'est "
            "écrit (--ecraser pour les remplacer)",
            file=sys.stderr,
        )
        return 1
    try:
        bilan = generer(args.dir, parametres, progression)
    except ParametresInvalides as exc:
        print(f"paramètre invalide : {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        ou = exc.filename or args.dir
        print(
            f"impossible d'écrire la population dans {ou} : {raison_fichier(exc)}", file=sys.stderr
        )
        return 1
    print(
        f"{bilan.missions_locales} Mission(s) Locale(s), {bilan.dossiers} dossier(s) (dont "
        f"{bilan.doublons} doublon(s) et {bilan.paires_de_jumeaux} jumeau(x)), "
        f"{bilan.affectations} affectation(s) (dont {bilan.personnes_nouvelles} personne(s) "
        f"sans dossier) écrits dans {args.dir} en {time.monotonic() - debut:.1f} s"
    )
    for cas, nombre in bilan.par_cas.items():
        print(f"  {cas:<26}{nombre:>9}")
    return 0


def evaluate_matching(settings: Settings, args: argparse.Namespace) -> int:
    """The engine against the truth of a labelled population; no database involved."""
    from cotraitance import evaluation
    from domain.rapprochement import PARAMETRES

    manquants = [
        f for f in ("dossiers.jsonl", "affectations.jsonl", "verite.jsonl")
        if not (args.dir / f).is_file()
    ]  # fmt: skip
    if manquants:
        print(
            f"{args.dir} : fichier(s) manquant(s) {', '.join(manquants)} "
            "(écrivez-les avec cotraitance demo-data DIR)",
            file=sys.stderr,
        )
        return 1
    population = evaluation.charger(
        args.dir, lambda n: print(f"dossiers indexés : {n}", file=sys.stderr, flush=True)
    )
    moteur = evaluation.resume(evaluation.evaluer(population))
    reference = evaluation.resume(evaluation.evaluer_reference(population))
    print(
        f"{population.dossiers} dossier(s) indexé(s) en {population.index_s:.1f} s "
        f"(index : {population.index_rss_mo:.0f} Mo), {len(population.affectations)} "
        f"affectation(s), {population.rejetees} ligne(s) illisible(s)"
    )
    libelles = {
        "false_auto_match_rate": "faux rapprochements automatiques",
        "duplicates_created_rate": "doublons créés (jeunes connus classés DE non connus)",
        "review_rate": "affectations à examiner",
        "blocking_recall": "rappel du blocage (dossier du jeune parmi les bloqués)",
        "auto_match_rate": "rapprochements automatiques justes",
        "candidate_recall": "dossier du jeune parmi les candidats montrés",
    }
    print(f"{'':<56}{'moteur':>10}{'référence':>12}")
    for cle, libelle in libelles.items():
        print(f"{libelle:<56}{moteur[cle]:>10.2%}{reference[cle]:>12.2%}")
    print(
        f"{'durée du rapprochement (s)':<56}{moteur['seconds']:>10.2f}{reference['seconds']:>12.2f}"
    )
    print(
        f"{'par affectation, médiane (ms)':<56}{moteur['per_match_ms_p50']:>10.2f}"
        f"{reference['per_match_ms_p50']:>12.2f}"
    )
    if args.estimer:
        estimes = evaluation.estimer(population)
        print("paramètres mesurés sur la population (m : vraies paires, u : paires au hasard)")
        print("et ceux du moteur entre parenthèses :")
        for critere, niveaux in estimes.m.items():
            valeurs = ", ".join(
                f"{n.value} m {m:.3g} ({PARAMETRES.m[critere][n]:.3g}) "
                f"u {estimes.u[critere][n]:.3g} ({PARAMETRES.u[critere][n]:.3g})"
                for n, m in niveaux.items()
            )
            print(f"  {critere} : {valeurs}")
    if args.json:
        print(json.dumps({"engine": moteur, "baseline": reference}))
    return 0


def projections_status(service: Service, args: argparse.Namespace) -> int:
    print(f"{'processeur':<28}{'position':>10}{'retard':>10}  état")
    for etat in service.runner.etats():
        statut = "à reconstruire" if etat.a_reconstruire else "ok"
        print(f"{etat.nom:<28}{etat.position:>10}{etat.retard:>10}  {statut}")
    return 0


def projections_rebuild(service: Service, args: argparse.Namespace) -> int:
    """Each processor rebuilt beside its live tables (``serve`` may run meanwhile)."""
    for nom in [args.name] if args.name else list(service.runner.processeurs):
        try:
            bilan = _reconstruire(service, nom)
        except ReconstructionEnCours as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(
            f"{nom} : reconstruit à partir de {bilan.evenements} événement(s) en "
            f"{bilan.duree:.1f} s ({bilan.par_seconde:.0f} événements/s)"
        )
    return 0


def _reconstruire(service: Service, nom: str) -> Bilan:
    """With a progress bar over the log's positions (stderr, when it is a terminal)."""
    tete = service.app.magasin.position()
    with barre(f"reconstruction de {nom}", tete or None) as avancer:
        faits = 0

        def progression(position: int, _plafond: int) -> None:
            nonlocal faits
            atteint = min(position, tete)
            avancer(max(0, atteint - faits))
            faits = max(faits, atteint)

        return service.runner.reconstruire(nom, progression=progression)


def dude_simulateur(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    rejets = {}
    for regle in args.rejeter:
        type_flux, _, code = regle.partition("=")
        rejets[type_flux] = {"code": code or "REJET", "message": f"Flux {type_flux} rejeté."}
    reglages = {"latence_ms": args.latence_ms, "taux_5xx": args.taux_5xx}
    reglages |= {"taux_timeout": args.taux_timeout, "rejets": rejets}
    try:
        fautes = simulateur_entrees.fautes(reglages)
    except simulateur_entrees.EntreeRefusee as exc:
        print(f"option refusée : {exc.message.replace('_', '-')}", file=sys.stderr)
        return 1
    simulateur = Simulateur(fautes)
    if args.affectations:
        if not args.affectations.is_file():
            print(f"fichier introuvable : {args.affectations}", file=sys.stderr)
            return 1
        servies = simulateur.charger_affectations(args.affectations)
        print(f"{servies} affectation(s) servie(s) à http://{args.host}:{args.port}/affectations")
    print(f"simulateur du DUDE : http://{args.host}:{args.port}/flux")
    uvicorn.run(simulateur.application(), host=args.host, port=args.port)
    return 0


def projections_catch_up(service: Service, args: argparse.Namespace) -> int:
    print(f"{service.runner.rattraper()} événement(s) traité(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
