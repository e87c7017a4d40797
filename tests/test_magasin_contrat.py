"""The adapter over the library's internals (application/magasin): a round trip per backend, so
that a library upgrade that breaks one of them fails here first; and crypto-shredding fails
closed (R20): no way to write personal fields in clear."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.utils import get_topic

from application.contexte import Contexte
from application.magasin.adaptateur import MagasinEvenements
from application.magasin.chiffrement import MapperEffacable
from application.magasin.persistance import Base
from application.magasin.transcodage import DonneesPersonnellesEnClair, enregistrer_transcodages
from application.service import Cotraitance
from cotraitance.racine import ports
from domain.dossier import Dossier
from domain.regles import Regles
from domain.valeurs import Identite
from tests.conftest import Acteurs
from tests.scenario import dossier_manuel

SECRET = "Zébulon-Secret"


def _dossier(app: Cotraitance, acteurs: Acteurs) -> UUID:
    return dossier_manuel(app, acteurs.conseiller, identifiant_pe="1234567A", nom=SECRET)


def test_les_metadonnees_posees_avant_l_enregistrement_se_relisent(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    """R21: actor, role, ML and correlation id travel with every stored event."""
    ctx = Contexte(acteurs.conseiller.acteur, correlation_id="corr-42")
    dossier_id = app.creer_dossier(ctx, Identite("Meta", "Léa", date(2004, 1, 1))).dossier_id
    assert dossier_id is not None
    (evenement,) = app.events.get(dossier_id)
    assert MagasinEvenements.metadonnees(evenement) == {
        "acteur": "conseil-1",
        "role": "CONSEILLER",
        "ml": "ML001",
        "correlation": "corr-42",
    }
    assert MagasinEvenements.attributs(evenement)["code_ml"] == "ML001"


def test_la_lecture_groupee_rend_les_evenements_du_depot(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    ids = [_dossier(app, acteurs) for _ in range(3)]
    stockes = app.magasin.selectionner([*ids, UUID(int=0)])
    assert {s.originator_id for s in stockes} == set(ids)
    relus = sorted(
        (app.mapper.to_domain_event(s) for s in stockes), key=lambda e: str(e.originator_id)
    )
    attendus = sorted(
        (e for i in ids for e in app.events.get(i)), key=lambda e: str(e.originator_id)
    )
    assert [vars(e) for e in relus] == [vars(e) for e in attendus]


def test_le_sql_a_marqueurs_portables_s_execute_sur_la_base_du_magasin(app: Cotraitance) -> None:
    table = app.magasin.table("contrat_adaptateur")
    app.magasin.executer(f"CREATE TABLE {table} (a TEXT, b INTEGER)", commit=True)
    app.magasin.executer(f"INSERT INTO {table} VALUES (%s, %s)", ("x", 1), commit=True)
    assert app.magasin.executer(f"SELECT a, b FROM {table} WHERE b = %s", (1,)) == [("x", 1)]


def test_le_journal_des_notifications_se_lit_par_lots_et_par_sujets(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    depart = app.magasin.position()
    _dossier(app, acteurs)
    _dossier(app, acteurs)
    fin = app.magasin.position()
    assert fin == depart + 2
    lues = app.magasin.notifications(depart, 10, fin)
    assert [n.id for n in lues] == [depart + 1, depart + 2]
    assert app.magasin.notifications(depart, 10, fin, [get_topic(Dossier.Justifie)]) == []


# ------------------------------------------------------------------ fail closed (R20)


def test_les_champs_personnels_ne_sont_jamais_stockes_en_clair(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    dossier_id = _dossier(app, acteurs)
    (stocke,) = app.magasin.selectionner([dossier_id])
    assert SECRET.encode() not in stocke.state
    assert b"1234567A" not in stocke.state
    assert app.repository.get(dossier_id).identite.nom == SECRET


def test_le_mapper_ne_se_construit_pas_sans_coffre() -> None:
    with pytest.raises(TypeError):
        MapperEffacable(JSONTranscoder(), None)  # type: ignore[arg-type]


def test_une_application_a_nous_refuse_un_autre_mapper(base: Base) -> None:
    class SansChiffrement(Cotraitance):
        name = "Cotraitance"

        def construct_mapper(self) -> Mapper[UUID]:
            super().construct_mapper()  # the vault is there, but not used
            return Mapper(self.construct_transcoder())

    ports_ = ports(base)
    try:
        with pytest.raises(TypeError, match="personal-data mapper"):
            SansChiffrement(env=base.env, ports=ports_)
    finally:
        ports_.fermer()


def test_une_autre_application_ne_peut_pas_ecrire_une_identite_en_clair(base: Base) -> None:
    """Another application class, with the library's own mapper and our transcodings, cannot
    store a dossier: its identity is refused before anything is written."""

    class Autre(Application[UUID]):
        name = "Cotraitance"

        def register_transcodings(self, transcoder: JSONTranscoder) -> None:
            super().register_transcodings(transcoder)
            enregistrer_transcodages(transcoder)

    autre = Autre(env=base.env)
    try:
        dossier = Dossier.creer(
            "ML001", Identite(SECRET, "Léa", date(2004, 1, 1)), date.today(), Regles()
        )
        with pytest.raises(DonneesPersonnellesEnClair):
            autre.save(dossier)
        assert autre.recorder.max_notification_id() is None  # nothing was written
    finally:
        autre.close()


def test_un_evenement_rejoue_sans_sa_cle_se_lit_efface(app: Cotraitance, acteurs: Acteurs) -> None:
    dossier_id = _dossier(app, acteurs)
    app.coffre.detruire(dossier_id)
    lu: Any = app.repository.get(dossier_id)
    assert lu.identite.nom == "[effacé]"
    assert lu.identifiant_pe is None


def test_une_sauvegarde_echouee_ne_laisse_pas_de_cle_orpheline(
    app: Cotraitance, acteurs: Acteurs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier that was not saved has no personal-data key (R20: no key without its data)."""
    table = app.magasin.table("cles_personnelles")
    avant = app.magasin.executer(f"SELECT COUNT(*) FROM {table}")

    def panne(*_: Any, **__: Any) -> Any:
        raise OSError("disque plein")

    monkeypatch.setattr(app.recorder, "insert_events", panne)
    with pytest.raises(OSError, match="disque plein"):
        _dossier(app, acteurs)
    assert app.magasin.executer(f"SELECT COUNT(*) FROM {table}") == avant
