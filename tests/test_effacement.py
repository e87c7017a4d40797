"""R20 crypto-shredding: what a deletion erases, in every process, even after a crash."""

from __future__ import annotations

import json
from datetime import date

import pytest

from application.audit import historique
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.racine import assembler, ports
from domain.valeurs import Identite, TypeEvenement
from tests.api_outils import Api
from tests.conftest import Acteurs
from tests.outils_graphql import gid

SECRET = "Passeport 19AB12345 de Jean SECRET"


def _dossier_avec_texte_libre(app: Cotraitance, acteurs: Acteurs) -> tuple[object, str]:
    c = acteurs.conseiller
    r = app.creer_dossier(c, Identite("Secretin", "Jean", date(2004, 1, 1)), "9999999S")
    assert r.dossier_id is not None
    app.justifier_dossier(c, r.dossier_id, SECRET)
    e = app.saisir_evenement(c, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2), SECRET)
    assert e.evenement_id is not None
    app.annuler_evenement(c, r.dossier_id, e.evenement_id, f"motif : {SECRET}")
    return r.dossier_id, e.evenement_id


def _tout(app: Cotraitance, acteurs: Acteurs, dossier_id: object) -> str:
    faits = historique(app, acteurs.auditeur, dossier_id)  # type: ignore[arg-type]
    return json.dumps([f.donnees for f in faits], default=str) + repr(
        vars(app.repository.get(dossier_id))
    )


def test_la_suppression_efface_identite_identifiant_piece_commentaires_et_motifs(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    dossier_id, _ = _dossier_avec_texte_libre(app, acteurs)
    assert "SECRET" in _tout(app, acteurs, dossier_id)
    app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)  # type: ignore[arg-type]
    restant = _tout(app, acteurs, dossier_id)
    assert "SECRET" not in restant
    assert "Secretin" not in restant
    assert "ATELIER" in restant  # the non-personal facts stay


def test_un_autre_processus_ne_dechiffre_plus_apres_le_passage_de_son_projecteur(
    app: Cotraitance, acteurs: Acteurs, base: Base
) -> None:
    """Two processes (two API workers, the API and the CLI): each forgets the key when its
    runner reads the deletion from the log."""
    autre = assembler(base, Cotraitance(env=base.env, ports=ports(base), horloge=app.horloge))
    try:
        dossier_id, _ = _dossier_avec_texte_libre(app, acteurs)
        lu = autre.app.repository.get(dossier_id)
        assert "Secretin" in repr(vars(lu))  # key now cached there
        app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)  # type: ignore[arg-type]
        autre.runner.rattraper()
        assert "Secretin" not in repr(vars(autre.app.repository.get(dossier_id)))
    finally:
        autre.close()


def test_une_panne_entre_la_suppression_et_l_effacement_est_reparee_depuis_le_journal(
    app: Cotraitance, acteurs: Acteurs, base: Base, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier_id, _ = _dossier_avec_texte_libre(app, acteurs)
    detruire = app.coffre.detruire
    monkeypatch.setattr(app.coffre, "detruire", lambda sujet: None)  # the process dies here
    app.supprimer_dossier(acteurs.gestionnaire, dossier_id, confirmer=True)  # type: ignore[arg-type]
    monkeypatch.setattr(app.coffre, "detruire", detruire)
    assert "Secretin" in repr(vars(app.repository.get(dossier_id)))
    service = assembler(base, app)
    try:
        service.runner.rattraper()
    finally:
        service.fermer_connexions()
    assert "Secretin" not in repr(vars(app.repository.get(dossier_id)))


def test_le_retour_d_une_mutation_est_a_jour_meme_si_le_projecteur_tarde(
    app: Cotraitance, api: Api, acteurs: Acteurs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read cache is on (as while the runner runs) but the runner lags: the payload still
    shows what the mutation just recorded, since the command's own process invalidates."""
    r = app.creer_dossier(acteurs.conseiller, Identite("Lent", "Léo", date(2004, 1, 1)))
    monkeypatch.setattr(api.service.runner, "en_continu", True)
    monkeypatch.setattr(api.service.runner, "attendre", lambda *a, **k: False)
    lire = "query($id: ID!) { dossier(id: $id) { version justifie } }"
    variables = {"id": gid("Dossier", r.dossier_id)}  # type: ignore[arg-type]
    assert api.donnees(lire, variables)["dossier"] == {"version": 1, "justifie": False}
    justifier = """mutation($i: JustifierDossierInput!) { justifierDossier(input: $i) {
      dossier { version justifie } erreurs { code } } }"""
    retour = api.donnees(justifier, {"i": {"dossierId": variables["id"], "piece": "CNI"}})
    assert retour["justifierDossier"]["dossier"] == {"version": 2, "justifie": True}
    assert api.donnees(lire, variables)["dossier"] == {"version": 2, "justifie": True}


def test_une_valeur_absente_est_stockee_nulle_et_une_presente_chiffree(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    """No comment is no personal data: stored as null (no key lookup, the bulk load's many
    past events cost no encryption); a comment is stored encrypted, and both read back as
    they were, then as erased after the deletion."""
    c = acteurs.conseiller
    r = app.creer_dossier(c, Identite("Secretin", "Jean", date(2004, 1, 1)))
    assert r.dossier_id is not None
    app.saisir_evenement(c, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2))
    app.saisir_evenement(c, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 3), SECRET)
    stockes = app.recorder.select_events(r.dossier_id)
    commentaires = [
        json.loads(e.state)["commentaire"] for e in stockes if e.topic.endswith("EvenementSaisi")
    ]
    assert commentaires[0] is None
    assert isinstance(commentaires[1], dict)  # {"_chiffre_": …}
    assert SECRET not in json.dumps(commentaires)
    lus = sorted(
        (e.date, e.commentaire) for e in app.repository.get(r.dossier_id).evenements.values()
    )
    assert lus == [(date(2026, 11, 2), None), (date(2026, 11, 3), SECRET)]
