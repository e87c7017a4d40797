"""R24: a bad date or instant gets one code and a French message naming its field, written in the
document or sent as a variable; library texts never reach the client."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_outils import Api, api  # noqa: F401

CREER = (
    'creerDossier(input: {{nom: "Dupont", prenoms: "Léa", dateNaissance: {} }})'
    " {{ erreurs {{ code }} }}"
)
DATES = ["2026-02-30", "2026-13-01", "20260201", "2026-2-1", "x", "", "2026-02-01T00:00:00"]


def _erreur(sortie: dict[str, Any]) -> dict[str, Any]:
    assert len(sortie["errors"]) == 1, sortie
    erreur: dict[str, Any] = sortie["errors"][0]
    return erreur


@pytest.mark.parametrize("valeur", DATES)
def test_une_date_invalide_a_le_meme_code_et_le_meme_message_ecrite_ou_en_variable(
    api: Api,  # noqa: F811
    valeur: str,
) -> None:
    ecrite = _erreur(api.executer("mutation { " + CREER.format(f'"{valeur}"') + " }"))
    variable = _erreur(
        api.executer("mutation($d: Date!) { " + CREER.format("$d") + " }", {"d": valeur})
    )
    for erreur in (ecrite, variable):
        assert erreur["extensions"] == {"code": "BAD_USER_INPUT", "champ": "dateNaissance"}
        assert erreur["message"] == (
            f"dateNaissance : « {valeur} » n'est pas une date AAAA-MM-JJ qui existe."
        )


@pytest.mark.parametrize(
    "instant", ["2026-11-20T09:30:00", "2026-13-01T00:00:00Z", "hier", "2026-11-20"]
)
def test_un_instant_invalide_est_refuse_en_francais(api: Api, instant: str) -> None:  # noqa: F811
    sortie = api.executer(
        'query($t: DateTime!) { dossier(id: "x") { etatAu(instant: $t) { id } } }',
        {"t": instant},
    )
    erreur = _erreur(sortie)
    assert erreur["extensions"] == {"code": "BAD_USER_INPUT", "champ": "instant"}
    assert "ISO 8601" in erreur["message"]
    assert "isoformat" not in erreur["message"]
    assert "range" not in erreur["message"]


def test_une_date_invalide_dans_un_objet_en_variable_nomme_son_champ(api: Api) -> None:  # noqa: F811
    sortie = api.executer(
        "mutation($i: CreerDossierInput!) { creerDossier(input: $i) { erreurs { code } } }",
        {"i": {"nom": "Dupont", "prenoms": "Léa", "dateNaissance": "2026-02-30"}},
    )
    assert _erreur(sortie)["extensions"] == {"code": "BAD_USER_INPUT", "champ": "dateNaissance"}


def test_une_date_valide_passe(api: Api) -> None:  # noqa: F811
    sortie = api.executer("mutation { " + CREER.format('"2004-02-29"') + " }")
    assert "errors" not in sortie
