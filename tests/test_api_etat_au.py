"""R21: inside ``etatAu(instant)`` every field answers as recorded at that instant (the DUDE
flows, whether an event flowed, the counselor's name, the history, the nested affectation and
dossier), or is refused there with INCONNU_A_CET_INSTANT when what was recorded cannot tell."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.contexte import systeme
from application.service import Cotraitance
from domain.flux import StatutFlux
from domain.valeurs import Conseiller, Role
from integrations.dude import registre
from tests.api_outils import Api, api  # noqa: F401
from tests.conftest import ML
from tests.outils_graphql import gid
from tests.scenario import DATE_ENTREE, GESTIONNAIRE, dossier_importe, entretien, ids

ETAT = """query($id: ID!, $t: DateTime!) { dossier(id: $id) { etatAu(instant: $t) { CHAMPS } } }"""
MAINTENANT = """query($id: ID!) { dossier(id: $id) { CHAMPS } }"""


def _lire(api: Api, dossier_id: UUID, champs: str, instant: datetime | None = None) -> Any:  # noqa: F811
    if instant is None:
        document, variables = MAINTENANT, {"id": gid("Dossier", dossier_id)}
        return api.donnees(document.replace("CHAMPS", champs), variables, role=Role.AUDITEUR)[
            "dossier"
        ]
    variables = {"id": gid("Dossier", dossier_id), "t": instant.isoformat()}
    sortie = api.donnees(ETAT.replace("CHAMPS", champs), variables, role=Role.AUDITEUR)
    return sortie["dossier"]["etatAu"]


def _instant() -> datetime:
    """Now, strictly between what was recorded before and what is recorded after."""
    avant = datetime.now(UTC)
    while datetime.now(UTC) == avant:
        pass
    return avant


@pytest.fixture
def en_cours_apres(app: Cotraitance) -> tuple[UUID, UUID, datetime]:
    """A dossier justified, interviewed, then (after the instant) accepted: EN_COURS since."""
    dossier_id, ppae_id = ids(dossier_importe(app, GESTIONNAIRE))
    app.justifier_dossier(GESTIONNAIRE, dossier_id, "CNI")
    entretien(app, GESTIONNAIRE, dossier_id, date(2026, 10, 5))
    instant = _instant()
    app.accepter_ppae(GESTIONNAIRE, ppae_id, DATE_ENTREE)
    return dossier_id, ppae_id, instant


def test_dans_etat_au_les_flux_sont_ceux_que_l_historique_appelait_alors(
    api: Api,  # noqa: F811
    en_cours_apres: tuple[UUID, UUID, datetime],
) -> None:
    """R13, R21: no entry flow before the entry; today's list has it."""
    dossier_id, _, instant = en_cours_apres
    champs = "fluxDude { cle type dateEffet }"
    assert "ENTREE_PPAE" in {f["type"] for f in _lire(api, dossier_id, champs)["fluxDude"]}
    assert _lire(api, dossier_id, champs, instant)["fluxDude"] == []


def test_dans_etat_au_un_evenement_n_est_transmis_que_si_son_flux_existait_alors(
    api: Api,  # noqa: F811
    en_cours_apres: tuple[UUID, UUID, datetime],
) -> None:
    """R13, R14, R21: the interview flowed with the (later) retroactive catch-up, not before."""
    dossier_id, _, instant = en_cours_apres
    champs = "evenements { edges { node { type transmisDude } } }"
    aujourdhui = _lire(api, dossier_id, champs)["evenements"]["edges"]
    alors = _lire(api, dossier_id, champs, instant)["evenements"]["edges"]
    assert [e["node"]["transmisDude"] for e in aujourdhui] == [True]
    assert [e["node"]["transmisDude"] for e in alors] == [False]


def test_dans_etat_au_le_conseiller_porte_le_nom_qu_il_avait_alors(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R21: the ML's counselors as recorded then (a counselor renamed since)."""
    dossier_id, ppae_id = ids(dossier_importe(app, GESTIONNAIRE))
    app.affecter_conseiller(GESTIONNAIRE, ppae_id, "C1")
    instant = _instant()
    conseillers = [Conseiller("C1", "Claire Martin-Roux"), Conseiller("C2", "Karim Benali")]
    app.enregistrer_mission_locale(
        systeme(ML), ML, "Mission Locale de Paris Est", ["75111", "75120", "93048"], conseillers
    )
    champs = "conseiller { id nom }"
    assert _lire(api, dossier_id, champs)["conseiller"]["nom"] == "Claire Martin-Roux"
    assert _lire(api, dossier_id, champs, instant)["conseiller"] == {
        "id": "C1",
        "nom": "Claire Martin",
    }


def test_dans_etat_au_l_historique_s_arrete_a_l_instant(
    api: Api,  # noqa: F811
    en_cours_apres: tuple[UUID, UUID, datetime],
) -> None:
    """R21: what was recorded by then, nothing after."""
    dossier_id, _, instant = en_cours_apres
    champs = "historique(first: 100) { totalCount edges { node { type enregistreLe } } }"
    alors = _lire(api, dossier_id, champs, instant)["historique"]
    types = [e["node"]["type"] for e in alors["edges"]]
    assert "PPAE.Accepte" not in types
    assert "Dossier.EvenementSaisi" in types
    assert alors["totalCount"] == len(types)
    assert all(datetime.fromisoformat(e["node"]["enregistreLe"]) <= instant for e in alors["edges"])
    assert "PPAE.Accepte" in {
        e["node"]["type"] for e in _lire(api, dossier_id, champs)["historique"]["edges"]
    }


def test_l_affectation_et_son_dossier_dans_etat_au_sont_ceux_d_alors(
    app: Cotraitance,
    api: Api,  # noqa: F811
) -> None:
    """R21: ppae → affectation → dossier, as recorded at the same instant."""
    dossier_id, _ = ids(dossier_importe(app, GESTIONNAIRE))
    instant = _instant()
    app.justifier_dossier(GESTIONNAIRE, dossier_id, "CNI")
    champs = "ppae { affectation { dossier { justifie } ppae { dossier { justifie } } } }"
    alors = _lire(api, dossier_id, champs, instant)["ppae"]["affectation"]
    assert alors == {"dossier": {"justifie": False}, "ppae": {"dossier": {"justifie": False}}}
    assert _lire(api, dossier_id, champs)["ppae"]["affectation"]["dossier"]["justifie"] is True


def test_un_etat_au_imbrique_ne_voit_pas_apres_l_instant_de_l_etat_consulte(
    api: Api,  # noqa: F811
    en_cours_apres: tuple[UUID, UUID, datetime],
) -> None:
    """R21: from the state as of then, a later instant is unknown: BAD_USER_INPUT on instant;
    an earlier one answers."""
    dossier_id, _, instant = en_cours_apres
    document = """query($id: ID!, $t: DateTime!, $u: DateTime!) { dossier(id: $id) {
      etatAu(instant: $t) { etatAu(instant: $u) { version } } } }"""
    variables = {"id": gid("Dossier", dossier_id), "t": instant.isoformat()}
    plus_tard = (instant + timedelta(days=1)).isoformat()
    sortie = api.executer(document, {**variables, "u": plus_tard}, role=Role.AUDITEUR)
    assert [e["extensions"] for e in sortie["errors"]] == [
        {"code": "BAD_USER_INPUT", "champ": "instant"}
    ]
    avant = api.donnees(document, {**variables, "u": instant.isoformat()}, role=Role.AUDITEUR)
    assert avant["dossier"]["etatAu"]["etatAu"]["version"] >= 1


def _envoyer(api: Api, statut: StatutFlux) -> list[str]:  # noqa: F811
    """One delivery attempt of every flow, in the order of its DUDE dossier, each concluded
    with ``statut`` (what a sender does)."""
    api.service.runner.rattraper()
    envoyes: list[str] = []
    while True:
        with api.service.ecriture() as cur:
            reserves = registre.reserver(cur, timedelta(minutes=5), 100)
            for r in reserves:
                registre.conclure(cur, r.cle, r.bail, statut, erreur="E1 refusé")
        if not reserves:
            return envoyes
        envoyes += [r.cle for r in reserves]


FLUX = "fluxDude { cle type statut envoyeLe acquitteLe tentatives erreur }"


def test_dans_etat_au_un_flux_acquitte_depuis_etait_en_attente(
    app: Cotraitance,
    api: Api,  # noqa: F811
    en_cours_apres: tuple[UUID, UUID, datetime],
) -> None:
    """R15, R21: a flow acknowledged after the instant was waiting, never tried, then."""
    dossier_id, _, _ = en_cours_apres
    apres_entree = _instant()
    assert _envoyer(api, StatutFlux.ACQUITTE)
    alors = _lire(api, dossier_id, FLUX, apres_entree)["fluxDude"]
    assert {f["type"] for f in alors} >= {"ENTREE_PPAE", "EVENEMENT"}
    assert {(f["statut"], f["tentatives"], f["envoyeLe"], f["acquitteLe"]) for f in alors} == {
        ("EN_ATTENTE", 0, None, None)
    }
    depuis = _lire(api, dossier_id, FLUX, _instant())["fluxDude"]
    assert {(f["statut"], f["tentatives"]) for f in depuis} == {("ACQUITTE", 1)}
    assert all(f["acquitteLe"] for f in depuis)


def test_dans_etat_au_l_etat_d_un_flux_rejete_est_refuse_mais_son_existence_repond(
    api: Api,  # noqa: F811
    en_cours_apres: tuple[UUID, UUID, datetime],
) -> None:
    """R15, R21: the register does not keep when a flow was rejected: its state after its
    attempt is INCONNU_A_CET_INSTANT naming the field; its key and type still answer."""
    dossier_id, _, _ = en_cours_apres
    assert _envoyer(api, StatutFlux.REJETE)
    instant = _instant()
    variables = {"id": gid("Dossier", dossier_id), "t": instant.isoformat()}
    sortie = api.executer(
        ETAT.replace("CHAMPS", "fluxDude { cle statut }"), variables, role=Role.AUDITEUR
    )
    assert {e["extensions"]["code"] for e in sortie["errors"]} == {"INCONNU_A_CET_INSTANT"}
    assert {e["extensions"]["champ"] for e in sortie["errors"]} == {"statut"}
    assert "rejet" in sortie["errors"][0]["message"]
    existants = _lire(api, dossier_id, "fluxDude { cle type acquitteLe }", instant)["fluxDude"]
    assert {f["type"] for f in existants} >= {"ENTREE_PPAE", "EVENEMENT"}
    assert all(f["acquitteLe"] is None for f in existants)


def test_dans_etat_au_les_flux_d_alors_se_derivent_une_fois_pour_tous_les_evenements(
    app: Cotraitance,
    api: Api,  # noqa: F811
    en_cours_apres: tuple[UUID, UUID, datetime],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R21: the events' transmisDude resolve together; the history is replayed once for them
    (it was once per event: 350 ms for 42 events on SQLite, 50 ms once)."""
    from api.types import passe

    dossier_id, _, _ = en_cours_apres
    for jour in range(6, 12):
        entretien(app, GESTIONNAIRE, dossier_id, date(2026, 10, jour))
    appels: list[UUID] = []
    derive = passe.flux_derives

    def compter(*args: Any) -> Any:
        appels.append(args[1])
        return derive(*args)

    monkeypatch.setattr(passe, "flux_derives", compter)
    champs = "evenements { edges { node { transmisDude } } }"
    alors = _lire(api, dossier_id, champs, _instant())["evenements"]["edges"]
    assert len(alors) == 7
    assert appels == [dossier_id]
