"""R15: many flows re-sent at once (after a DUDE that rejected them all for a reason that was
not a business one): `renvoyerFluxEnMasse` by state, type and day made, GESTIONNAIRE and ADMIN
only, within the actor's ML (R23); `cotraitance dude resend` does the same from the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from application.contexte import systeme
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.cli import main
from domain.affectation import Affectation
from domain.valeurs import Role
from tests.api_outils import Api, api  # noqa: F401
from tests.conftest import ML, Acteurs
from tests.import_outils import lancer
from tests.outils_graphql import muter
from tests.scenario import affectation_acceptee, donnees_affectation, dossier_importe

SELECTION = "renvoyes"


def rejeter_tout(api: Api) -> None:  # noqa: F811
    """What a DUDE answering 401 did before: every flow REJETE, once tried."""
    api.service.runner.rattraper()
    with api.service.ecriture() as cur:
        cur.execute("UPDATE flux_dude SET statut = 'REJETE', erreur = 'HTTP 401', tentatives = 1")


def etats(api: Api, ml: str = ML) -> dict[str, tuple[str, str, int]]:  # noqa: F811
    with api.service.lecture() as cur:
        lignes = cur.fetchall(
            "SELECT cle, statut, type, tentatives FROM flux_dude WHERE code_ml = %s", [ml]
        )
    return {c: (s, t, int(n)) for c, s, t, n in lignes}


def autre_ml(app: Cotraitance, acteurs: Acteurs) -> None:
    app.enregistrer_mission_locale(systeme("ML999"), "ML999", "Autre", ["13055"], [])
    app.recevoir_affectation(systeme("ML999"), donnees_affectation("AFF-9", code_ml="ML999"))
    app.decider_affectation(acteurs.autre_ml, Affectation.create_id("ML999", "AFF-9"), True, None)


def masse(api: Api, role: Role = Role.GESTIONNAIRE, **entree: Any) -> dict[str, Any]:  # noqa: F811
    return muter(api, "renvoyerFluxEnMasse", entree, selection=SELECTION, role=role)


def test_renvoyer_en_masse_les_flux_rejetes_les_remet_tous_en_attente_avec_leurs_cles(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    for i in range(3):
        affectation_acceptee(app, acteurs.gestionnaire, f"AFF-{i}", identifiant_pe=f"{i:07d}M")
    rejeter_tout(api)
    r = masse(api, etat="REJETE")
    assert r == {"renvoyes": 3, "erreurs": []}
    assert {(s, n) for s, _, n in etats(api).values()} == {("EN_ATTENTE", 1)}


def test_renvoyer_en_masse_ne_touche_jamais_les_flux_d_une_autre_ml(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    """R23: another ML's flows are neither counted nor changed."""
    autre_ml(app, acteurs)
    affectation_acceptee(app, acteurs.gestionnaire)
    rejeter_tout(api)
    assert masse(api, etat="REJETE")["renvoyes"] == 1
    assert {s for s, _, _ in etats(api, "ML999").values()} == {"REJETE"}


def test_renvoyer_en_masse_se_limite_au_type_et_aux_jours_demandes(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    dossier_importe(app, acteurs.gestionnaire)
    rejeter_tout(api)
    with api.service.ecriture() as cur:
        cur.execute("UPDATE flux_dude SET jour = '2026-11-02'")
    assert masse(api, etat="REJETE", type="ENTREE_PPAE")["renvoyes"] == 0
    assert masse(api, etat="REJETE", du="2026-11-03")["renvoyes"] == 0
    assert masse(api, etat="REJETE", au="2026-11-01")["renvoyes"] == 0
    r = masse(api, etat="REJETE", type="DECISION_AFFECTATION", du="2026-11-02", au="2026-11-02")
    assert r["renvoyes"] == 1
    assert {t: s for s, t, _ in etats(api).values()}["DECISION_AFFECTATION"] == "EN_ATTENTE"


def test_un_conseiller_ne_renvoie_pas_en_masse(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    affectation_acceptee(app, acteurs.gestionnaire)
    rejeter_tout(api)
    sortie = api.executer(
        "mutation($i: RenvoyerFluxEnMasseInput!) { renvoyerFluxEnMasse(input: $i) { renvoyes } }",
        {"i": {"etat": "REJETE"}},
        role=Role.CONSEILLER,
    )
    assert [e["extensions"] for e in sortie["errors"]] == [
        {"code": "FORBIDDEN", "champ": "renvoyerFluxEnMasse"}
    ]
    assert {s for s, _, _ in etats(api).values()} == {"REJETE"}


def test_des_flux_acquittes_ne_se_renvoient_pas_et_une_periode_a_l_envers_est_refusee(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
) -> None:
    affectation_acceptee(app, acteurs.gestionnaire)
    rejeter_tout(api)
    acquittes = masse(api, etat="ACQUITTE")
    assert [(e["code"], e["champ"]) for e in acquittes["erreurs"]] == [
        ("TRANSITION_INTERDITE", "etat")
    ]
    envers = masse(api, etat="REJETE", du="2026-11-10", au="2026-11-01")
    assert [(e["code"], e["champ"]) for e in envers["erreurs"]] == [("SAISIE_INVALIDE", "au")]
    assert {s for s, _, _ in etats(api).values()} == {"REJETE"}


def test_dude_resend_renvoie_les_flux_rejetes_d_une_ml(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
    base: Base,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    autre_ml(app, acteurs)
    affectation_acceptee(app, acteurs.gestionnaire)
    rejeter_tout(api)
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", base.url)
    monkeypatch.delenv("COTRAITANCE_DUDE_URL", raising=False)
    code, sortie = lancer(capsys, "dude", "resend", "--etat", "REJETE", "--ml", ML)
    assert code == 0, sortie
    assert "1 flux remis en attente" in sortie
    assert {s for s, _, _ in etats(api).values()} == {"EN_ATTENTE"}
    assert {s for s, _, _ in etats(api, "ML999").values()} == {"REJETE"}
    with pytest.raises(SystemExit) as refus:  # an acknowledged flow is not offered
        main(["dude", "resend", "--etat", "ACQUITTE", "--ml", ML])
    assert refus.value.code != 0


def test_dude_resend_pour_une_ml_inconnue_le_dit(
    app: Cotraitance,
    acteurs: Acteurs,
    api: Api,  # noqa: F811
    base: Base,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A typo in the ML's code is not '0 flux remis en attente', exit 0."""
    affectation_acceptee(app, acteurs.gestionnaire)
    rejeter_tout(api)
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", base.url)
    code, sortie = lancer(capsys, "dude", "resend", "--etat", "REJETE", "--ml", "ML00l")
    assert code == 1
    assert "Mission Locale inconnue : ML00l" in sortie
    assert {s for s, _, _ in etats(api).values()} == {"REJETE"}
