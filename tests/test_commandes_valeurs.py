"""Commands are values: their whole content is their idempotency fingerprint, their decision runs
without saving (a dry run) and composes with others in one Monde (what a saga does)."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from uuid import UUID, uuid4

import pytest

from application.commandes import (
    AccepterPpae,
    Commande,
    CreerDossier,
    JustifierDossier,
    SaisirEvenement,
    SupprimerDossier,
    TransfererDonnees,
)
from application.commandes.base import Monde
from application.contexte import Resultat
from application.service import Cotraitance
from domain.idempotence import CleIdempotence
from domain.valeurs import Avertissement, Dispositif, StatutPpae, TypeEvenement
from tests.conftest import Acteurs
from tests.scenario import (
    DATE_ENTREE,
    dossier,
    dossier_importe,
    dossier_manuel,
    identite,
    ids,
    ppae,
    refus,
    rien_n_est_enregistre,
)

TOUTES = Commande.__subclasses__()


def _commandes() -> list[type[Commande]]:
    return [c for c in TOUTES if c.__module__.startswith("application.commandes")]


@pytest.mark.parametrize("classe", _commandes(), ids=lambda c: c.__name__)
def test_chaque_commande_est_une_valeur_figee_nommee(classe: type[Commande]) -> None:
    """Frozen dataclasses, each with its persisted name (idempotency scope) and capability."""
    assert classe.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert classe.nom_commande
    assert classe.capacite
    # Only a command over the actor's whole ML has no content of its own.
    assert fields(classe) or classe.nom_commande in {"actualiser_rapprochements"}


def test_les_noms_persistes_des_commandes_sont_uniques() -> None:
    noms = [c.nom_commande for c in _commandes()]
    assert len(noms) == 21
    assert len(set(noms)) == len(noms)


@pytest.mark.parametrize("champ", ["identite", "identifiant_pe", "dispositifs", "justifie"])
def test_l_empreinte_couvre_tout_le_contenu(champ: str) -> None:
    """Nothing to forget: any field that differs changes the fingerprint."""
    base = CreerDossier(identite(), "1234567A", (), False)
    autres = {
        "identite": identite(prenoms="Tom"),
        "identifiant_pe": "7654321B",
        "dispositifs": (Dispositif("CEJ", "EN_COURS"),),
        "justifie": True,
    }
    autre = replace(base, **{champ: autres[champ]})
    assert autre.empreinte() != base.empreinte()
    assert replace(base).empreinte() == base.empreinte()


def test_la_meme_cle_avec_un_autre_justifie_est_refusee(app: Cotraitance, acteurs: Acteurs) -> None:
    """The bulk dossier import sends justifie: the same key with another value must not silently
    replay the first result."""
    ctx = replace(acteurs.conseiller, cle_idempotence="cle-justifie")
    app.creer_dossier(ctx, identite(), justifie=False)
    with refus(app, "CLE_IDEMPOTENCE_REUTILISEE"):
        app.creer_dossier(ctx, identite(), justifie=True)


def test_une_simulation_decide_sans_rien_enregistrer(app: Cotraitance, acteurs: Acteurs) -> None:
    dossier_id, ppae_id = ids(dossier_importe(app, acteurs.gestionnaire))
    app.justifier_dossier(acteurs.conseiller, dossier_id, "CNI")
    app.saisir_evenement(
        acteurs.conseiller, dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, date(2026, 10, 5)
    )
    with rien_n_est_enregistre(app):
        simulation = app.simuler(acteurs.conseiller, AccepterPpae(ppae_id, DATE_ENTREE))
    noms = [type(e).__qualname__ for e in simulation.evenements]
    assert noms == ["PPAE.Accepte", "PPAE.EntreeRetroactive", "Dossier.PPAEAccepte"]
    assert simulation.resultat.ppae_id == ppae_id
    assert ppae(app, acteurs.conseiller, ppae_id).statut is StatutPpae.NON_INITIALISE


def test_une_simulation_refusee_dit_pourquoi_sans_rien_enregistrer(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    dossier_id = dossier_manuel(app, acteurs.conseiller)
    app.saisir_evenement(acteurs.conseiller, dossier_id, TypeEvenement.ATELIER, date(2026, 11, 1))
    with refus(app, "CONFIRMATION_REQUISE"):
        app.simuler(acteurs.gestionnaire, SupprimerDossier(dossier_id, confirmer=False))


def test_des_decisions_composees_se_voient_et_s_enregistrent_ensemble(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    """What a saga does: each step sees the previous ones' changes; one atomic save."""
    source = dossier_manuel(app, acteurs.conseiller, identifiant_pe="1234567A", nom="Doublon")
    cible = dossier_manuel(app, acteurs.conseiller, nom="Vrai")

    class Fusionner(Commande):
        nom_commande = "test_fusionner"
        capacite = TransfererDonnees.capacite

        def decider(self, monde: Monde) -> Resultat:
            TransfererDonnees(source, cible).decider(monde)
            # The deletion sees the transfer made in memory by the step before.
            return SupprimerDossier(source, confirmer=True).decider(monde)

    app.executer(acteurs.gestionnaire, Fusionner())
    assert dossier(app, acteurs.gestionnaire, cible).identifiant_pe == "1234567A"
    supprime = dossier(app, acteurs.gestionnaire, source)
    assert supprime.supprime
    assert supprime.transfere_vers == cible


def test_une_decision_composee_refusee_n_enregistre_aucune_etape(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    dossier_id = dossier_manuel(app, acteurs.conseiller)

    class JustifierPuisEchouer(Commande):
        nom_commande = "test_justifier_puis_echouer"
        capacite = JustifierDossier.capacite

        def decider(self, monde: Monde) -> Resultat:
            JustifierDossier(dossier_id, "CNI").decider(monde)
            return SaisirEvenement(dossier_id, TypeEvenement.ATELIER, date(2099, 1, 1)).decider(
                monde
            )

    with refus(app, "SAISIE_INVALIDE"):
        app.executer(acteurs.conseiller, JustifierPuisEchouer())
    assert not dossier(app, acteurs.conseiller, dossier_id).justifie


def test_une_cle_garde_un_petit_enregistrement_versionne_et_non_le_resultat(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    ctx = replace(acteurs.conseiller, cle_idempotence="cle-enregistrement")
    resultat = app.creer_dossier(ctx, identite())
    enregistres = list(
        app.events.get(_cle_id(ctx.acteur.sub, "creer_dossier", "cle-enregistrement"))
    )
    assert enregistres[0].resultat == {
        "version": 1,
        "ids": {"dossier": str(resultat.dossier_id)},
        "avertissements": [],
    }


def test_un_enregistrement_rejoue_redonne_le_resultat() -> None:
    resultat = Resultat(
        dossier_id=uuid4(),
        ppae_id=uuid4(),
        evenement_id="e1",
        avertissements=[Avertissement("ENTREE_PENDANT_RADIATION", "…")],
    )
    assert Resultat.rejoue(resultat.enregistrement()) == resultat


def _cle_id(sub: str, commande: str, cle: str) -> UUID:
    return CleIdempotence.create_id(f"ML001:{sub}", commande, cle)
