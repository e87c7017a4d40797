"""The adapter over the library's internals (application/magasin): a round trip per backend, so
that a library upgrade that breaks one of them fails here first; and crypto-shredding fails
closed (R20): no way to write personal fields in clear."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, StoredEvent
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


# ------------------------------------------------------------------ the bulk path (loads)


def _stockes(n: int, premiere_version: int = 1) -> list[StoredEvent]:
    """``n`` stored events of one aggregate that no one else writes, as the mapper makes them."""
    originaire = uuid4()
    return [
        StoredEvent(originaire, v, "tests:Bidon", f'{{"v": {v}}}'.encode())
        for v in range(premiere_version, premiere_version + n)
    ]


def test_le_chemin_en_masse_ecrit_dans_le_journal_comme_le_depot(app: Cotraitance) -> None:
    """COPY on PostgreSQL: the same table, read back by the library, with contiguous
    notification ids in the order given."""
    depart = app.magasin.position()
    stockes = _stockes(5)
    app.magasin.inserer_en_masse(stockes)
    lues = app.magasin.notifications(depart, 10, depart + 10)
    assert [n.id for n in lues] == list(range(depart + 1, depart + 6))
    assert [(n.originator_id, n.originator_version, n.topic, n.state) for n in lues] == [
        (s.originator_id, s.originator_version, s.topic, s.state) for s in stockes
    ]
    assert app.magasin.existants([stockes[0].originator_id]) == {stockes[0].originator_id}


def test_le_chemin_en_masse_est_atomique_sur_une_version_deja_enregistree(
    app: Cotraitance,
) -> None:
    """One version already there fails the whole batch with the library's IntegrityError
    (the application turns it into a ConflitVersion), and writes nothing of it."""
    deja = _stockes(2)
    app.magasin.inserer_en_masse(deja)
    depart = app.magasin.position()
    autre = _stockes(3)
    doublon = StoredEvent(deja[0].originator_id, 2, "tests:Bidon", b"{}")
    with pytest.raises(IntegrityError):
        app.magasin.inserer_en_masse([*autre, doublon])
    assert app.magasin.position() == depart
    assert app.magasin.existants([autre[0].originator_id]) == set()


@pytest.mark.postgres
def test_le_chemin_en_masse_prend_le_verrou_de_la_bibliotheque(base_postgres: Base) -> None:
    """The library's guarantee (a reader never passes a gap that fills later) rests on its
    table lock: the bulk path waits for another writer's open insert (a ROW EXCLUSIVE lock,
    which a plain COPY would not wait for) like ``insert_events`` does, and wakes the
    library's LISTEN subscribers."""
    app = Cotraitance(env=base_postgres.env, ports=ports(base_postgres))
    try:
        table = f'"{base_postgres.postgres_schema}"."{app.recorder.events_table_name}"'
        depart = app.magasin.position()
        abonnement = app.recorder.subscribe(gt=depart)
        fini = threading.Event()
        with psycopg.connect(base_postgres.conninfo()) as verrou:
            verrou.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
            fil = threading.Thread(
                target=lambda: (app.magasin.inserer_en_masse(_stockes(3)), fini.set())
            )
            fil.start()
            assert not fini.wait(0.5), "the bulk path wrote while the table was locked"
            verrou.rollback()
        assert fini.wait(10)
        fil.join()
        recus: list[Any] = []
        lecteur = threading.Thread(
            target=lambda: recus.extend(next(abonnement) for _ in range(3)), daemon=True
        )
        lecteur.start()
        lecteur.join(10)
        abonnement.stop()
        assert [n.id for n in recus] == [depart + 1, depart + 2, depart + 3], "not woken"
    finally:
        app.close()


@pytest.mark.postgres
def test_le_chemin_en_masse_reessaie_apres_une_attente_de_verrou_trop_longue(
    base_postgres: Base,
) -> None:
    """As the library's ``insert_events``: a lock wait over the store's timeout (1 s here) is
    retried, not a failed load."""
    env = {**base_postgres.env, "POSTGRES_LOCK_TIMEOUT": "1"}
    app = Cotraitance(env=env, ports=ports(base_postgres))
    try:
        table = f'"{base_postgres.postgres_schema}"."{app.recorder.events_table_name}"'
        depart = app.magasin.position()
        with psycopg.connect(base_postgres.conninfo()) as verrou:
            verrou.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
            relache = threading.Timer(1.6, verrou.rollback)
            relache.start()
            app.magasin.inserer_en_masse(_stockes(2))
            relache.join()
        assert app.magasin.position() == depart + 2
    finally:
        app.close()


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
