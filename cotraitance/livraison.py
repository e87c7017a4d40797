"""``cotraitance dude send`` and ``dude resend``: the delivery of the flows to the DUDE (R15)
from the command line, over HTTP or by drop file, its preview, and the re-send of many flows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cotraitance.arguments import date_iso, decimal
from cotraitance.racine import Service
from domain.flux import StatutFlux, TypeFlux
from integrations.dude import registre
from integrations.dude.depot import DepotImpossible, deposer_fichier

EXIT_RESTE = 3
"""Flows still wait at the end (the DUDE was out, ``--duree`` passed)."""
EXIT_SUSPENDU = 4
"""The DUDE refused the credentials (401/403): nothing more is sent until it accepts them."""

AIDE_FICHIER = (
    "livrer les flux en les déposant dans ce fichier (JSON Lines, ajoutés à la fin) : ce dépôt "
    "est leur livraison au DUDE, ils sont marqués ACQUITTE et ne partiront jamais par HTTP ; "
    "pour seulement voir ce qui partirait, --apercu"
)


def ajouter_envoi(actions: Any, defauts: type[argparse.HelpFormatter]) -> None:
    """``dude send`` in the CLI's parser."""
    envoi = actions.add_parser(
        "send",
        help="livrer les flux en attente à COTRAITANCE_DUDE_URL (ou par fichier de dépôt)",
        description="Livre les flux en attente au DUDE (R15). --fichier les livre par dépôt "
        "(ce n'est pas un export) ; --apercu montre ce qui partirait sans rien enregistrer.",
        formatter_class=defauts,
    )
    mode = envoi.add_mutually_exclusive_group()
    mode.add_argument("--fichier", type=Path, help=AIDE_FICHIER)
    mode.add_argument(
        "--apercu",
        action="store_true",
        help="écrire sur la sortie standard (JSON Lines) les flux qui partiraient, sans rien "
        "envoyer ni enregistrer",
    )
    envoi.add_argument("--duree", type=decimal, default=300.0, help="durée maximale (secondes)")
    envoi.set_defaults(action=dude_envoyer)


def dude_envoyer(service: Service, args: argparse.Namespace) -> int:
    """Delivers the waiting flows (after the emitter has read the whole log)."""
    service.runner.rattraper()
    if args.apercu:
        return apercu(service)
    if args.fichier:
        return deposer(service, args.fichier)
    url = service.expediteur.reglages.url if service.expediteur else None
    if service.expediteur is None or not url:
        print("COTRAITANCE_DUDE_URL n'est pas réglée (ou --fichier)", file=sys.stderr)
        return 1
    bilan = service.expediteur.vider(args.duree)
    reste = service.expediteur.reste()
    print(
        f"{bilan.acquittes} acquitté(s), {bilan.rejetes} rejeté(s), {bilan.reportes} tentative(s) "
        f"à refaire, {reste} flux encore à livrer"
    )
    suspension = bilan.suspension
    if suspension is not None:
        print(
            f"envoi suspendu : {suspension.raison} ; aucun flux n'est rejeté pour cela "
            f"(nouvel essai possible dès {suspension.reprise_le:%H:%M:%S} UTC)",
            file=sys.stderr,
        )
        if suspension.identifiants:
            return EXIT_SUSPENDU
    return 0 if reste == 0 else EXIT_RESTE


def deposer(service: Service, chemin: Path) -> int:
    try:
        deposes = deposer_fichier(service.lectures, chemin)
    except DepotImpossible as exc:
        print(
            f"dépôt impossible dans {chemin} : {exc.raison}. {exc.deposes} flux livré(s) par ce "
            "dépôt avant l'échec ; aucun autre n'est marqué livré, ils attendent la prochaine "
            "livraison.",
            file=sys.stderr,
        )
        return 1
    print(
        f"{deposes} flux livré(s) par dépôt dans {chemin} : marqués ACQUITTE (transport "
        "fichier), ils ne partiront pas par HTTP. Pour seulement voir ce qui partirait : "
        "cotraitance dude send --apercu"
    )
    return 0


def apercu(service: Service, lot: int = 1000) -> int:
    total, apres = 0, None
    while True:
        with service.lecture() as cur:
            lignes = registre.a_livrer(cur, apres, lot)
        for _, _, message in lignes:
            print(message)
        total += len(lignes)
        if len(lignes) < lot:
            break
        apres = (lignes[-1][0], lignes[-1][1])
    print(f"{total} flux partiraient (aperçu : rien n'est envoyé ni enregistré)", file=sys.stderr)
    return 0


def ajouter_renvoi(actions: Any, defauts: type[argparse.HelpFormatter]) -> None:
    """``dude resend`` in the CLI's parser."""
    renvoi = actions.add_parser(
        "resend",
        help="remettre en attente les flux d'une Mission Locale dans un état (R15)",
        description="Remet en attente, mêmes flux et mêmes clés, les flux de la Mission Locale "
        "dans l'état demandé (REJETE ; EN_ATTENTE déjà tentés ; ENVOYE dont le bail est "
        "passé), filtrés par type et jour de création ; l'envoi les livre ensuite.",
        formatter_class=defauts,
    )
    renvoi.add_argument(
        "--etat", required=True, choices=[s.value for s in registre.RENVOYABLES], help="état"
    )
    renvoi.add_argument("--ml", required=True, help="code de la Mission Locale")
    renvoi.add_argument("--type", choices=[t.value for t in TypeFlux], help="type de flux")
    renvoi.add_argument("--du", type=date_iso, help="premier jour (AAAA-MM-JJ)")
    renvoi.add_argument("--au", type=date_iso, help="dernier jour (AAAA-MM-JJ)")
    renvoi.set_defaults(action=dude_renvoyer)


def dude_renvoyer(service: Service, args: argparse.Namespace) -> int:
    if args.du and args.au and args.au < args.du:
        print("--au précède --du", file=sys.stderr)
        return 1
    if args.ml not in {ml.code for ml in service.app.missions_locales()}:
        print(f"Mission Locale inconnue : {args.ml} (rien n'est remis en attente)", file=sys.stderr)
        return 1
    service.runner.rattraper()
    type_flux = TypeFlux(args.type) if args.type else None
    with service.ecriture() as cur:
        nombre = registre.renvoyer_en_masse(
            cur, args.ml, StatutFlux(args.etat), type_flux, args.du, args.au
        )
    print(f"{nombre} flux remis en attente ({args.etat}, {args.ml}) : l'envoi les livrera")
    return 0
