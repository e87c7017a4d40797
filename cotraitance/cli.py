"""The ``cotraitance`` command (DESIGN §6): technical words in English, domain words in French."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from api.auth import ROLES_JETON, emettre_jeton_dev
from application.contexte import systeme
from cotraitance.demo import ML as DEMO_ML
from cotraitance.demo import charger_demo
from cotraitance.racine import Service, construire, reglages_api, secret_dev
from cotraitance.settings import ConfigurationInvalide, Settings
from domain.erreurs import ErreurMetier
from integrations.referentiel.lignes import LigneRejetee
from integrations.referentiel.missions_locales import lire_missions_locales

EXIT_LIGNES_REJETEES = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.depuis_env(os.environ)
    except ConfigurationInvalide as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 1
    if not hasattr(args, "action"):
        parser.print_help()
        return 1
    if args.action in (serve, token):
        return int(args.action(settings, args))
    service = construire(settings)
    try:
        code = args.action(service, args)
        return int(code)
    finally:
        service.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cotraitance", description=__doc__)
    commandes = parser.add_subparsers(title="commands")

    serveur = commandes.add_parser("serve", help="serve the GraphQL API")
    serveur.add_argument("--demo", action="store_true", help="load the demo data set first")
    serveur.add_argument("--host", default="127.0.0.1")
    serveur.add_argument("--port", type=int, default=8000)
    serveur.set_defaults(action=serve)

    jeton = commandes.add_parser("token", help="print a token of the dev issuer")
    jeton.add_argument("--role", required=True, choices=[r.value for r in ROLES_JETON.values()])
    jeton.add_argument("--ml", required=True, help="code of the Mission Locale")
    jeton.add_argument("--sub", default=None, help="subject (default: the role in lower case)")
    jeton.set_defaults(action=token)

    imports = commandes.add_parser("import", help="load a file").add_subparsers(title="files")
    ml = imports.add_parser("missions-locales", help="Missions Locales: zone and counselors")
    ml.add_argument("file", type=Path)
    ml.set_defaults(action=importer_missions_locales)

    projections = commandes.add_parser("projections", help="read models").add_subparsers()
    status = projections.add_parser("status", help="position and lag of each view")
    status.set_defaults(action=projections_status)
    rebuild = projections.add_parser("rebuild", help="rebuild one view, or all, from zero")
    rebuild.add_argument("name", nargs="?")
    rebuild.set_defaults(action=projections_rebuild)
    catchup = projections.add_parser("catch-up", help="process the events not yet in the views")
    catchup.set_defaults(action=projections_catch_up)
    return parser


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import creer_app
    from api.journaux import configuration_des_journaux

    service = construire(settings)
    if args.demo:
        charge = charger_demo(service.app, service.app.horloge.aujourdhui())
        print("demo data " + ("loaded" if charge else "already there"))
    url = f"http://{args.host}:{args.port}/graphql"
    print(
        f"Cotraitance GraphQL API: {url}"
        + (" (GraphiQL in a browser)" if settings.graphiql else "")
    )
    if args.demo and not settings.est_prod:
        secret = secret_dev(settings)
        print(f"dev tokens for {DEMO_ML} (Authorization: Bearer <token>):")
        for role in ROLES_JETON.values():
            jeton = emettre_jeton_dev(secret, role.value.lower(), role, DEMO_ML)
            print(f"  {role.value:<13} {jeton}")
    try:
        app = creer_app(service, reglages_api(settings))
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="info",
            log_config=configuration_des_journaux(),
        )
    finally:
        service.close()
    return 0


def token(settings: Settings, args: argparse.Namespace) -> int:
    if settings.est_prod:
        print("the dev issuer is off in prod", file=sys.stderr)
        return 1
    role = ROLES_JETON[args.role]
    print(emettre_jeton_dev(secret_dev(settings), args.sub or args.role.lower(), role, args.ml))
    return 0


def importer_missions_locales(service: Service, args: argparse.Namespace) -> int:
    chemin: Path = args.file
    if not chemin.is_file():
        print(f"fichier introuvable : {chemin}", file=sys.stderr)
        return 1
    issues: Counter[str] = Counter()
    rejets: list[LigneRejetee] = []
    for lu in lire_missions_locales(chemin):
        if isinstance(lu, LigneRejetee):
            rejets.append(lu)
            continue
        try:
            resultat = service.app.enregistrer_mission_locale(
                systeme(lu.code, "import-missions-locales"),
                lu.code,
                lu.nom,
                lu.communes,
                lu.conseillers,
            )
        except ErreurMetier as exc:
            rejets.append(LigneRejetee(lu.ligne, exc.message))
            continue
        issues[resultat.issue or "?"] += 1
        print(f"ligne {lu.ligne} : {lu.code} {resultat.issue}", flush=True)
    total = sum(issues.values()) + len(rejets)
    print(
        f"{total} ligne(s) lue(s) : {issues['creee']} créée(s), {issues['modifiee']} modifiée(s), "
        f"{issues['inchangee']} inchangée(s), {len(rejets)} rejetée(s)"
    )
    for rejet in rejets:
        print(f"  rejet ligne {rejet.ligne} : {rejet.raison}")
    return EXIT_LIGNES_REJETEES if rejets else 0


def projections_status(service: Service, args: argparse.Namespace) -> int:
    print(f"{'processor':<28}{'position':>10}{'lag':>10}  state")
    for etat in service.runner.etats():
        statut = "to rebuild" if etat.a_reconstruire else "ok"
        print(f"{etat.nom:<28}{etat.position:>10}{etat.retard:>10}  {statut}")
    return 0


def projections_rebuild(service: Service, args: argparse.Namespace) -> int:
    connus = list(service.runner.processeurs)
    noms = [args.name] if args.name else connus
    inconnus = [n for n in noms if n not in connus]
    if inconnus:
        print(f"unknown processor: {', '.join(inconnus)} (known: {', '.join(connus)})")
        return 1
    for nom in noms:
        lus = service.runner.reconstruire(nom)
        print(f"{nom}: rebuilt from {lus} event(s)")
    return 0


def projections_catch_up(service: Service, args: argparse.Namespace) -> int:
    print(f"{service.runner.rattraper()} event(s) processed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
