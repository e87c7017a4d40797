"""JSON from outside: any text gives a value or a French reason, never another exception (R24)."""

from __future__ import annotations

import pytest

from integrations.json_externe import JsonIllisible, lire_json


def test_un_objet_ordinaire_est_lu() -> None:
    assert lire_json('{"a": [1, "é"]}') == {"a": [1, "é"]}


@pytest.mark.parametrize(
    ("texte", "raison"),
    [
        ("[" * 100_000 + "]" * 100_000, "trop imbriqué"),
        ("[" * 40 + "]" * 40, "trop imbriqué"),
        ('{"n": ' + "9" * 5000 + "}", "nombre entier trop long"),
        ('{"nom": "\\ud800"}', "caractère isolé"),
        ('{"\\udfff": 1}', "caractère isolé"),
        ("{", "JSON invalide"),
        (b"\xff\xfe{", "JSON invalide"),
    ],
)
def test_un_texte_hostile_donne_une_raison_en_francais(texte: str | bytes, raison: str) -> None:
    with pytest.raises(JsonIllisible, match=raison):
        lire_json(texte)


@pytest.mark.parametrize(
    ("texte", "raison"),
    [
        ("", "valeur attendue"),
        ('{"a" 1}', "deux-points attendus"),
        ('{"a": 1 "b": 2}', "virgule attendue"),
        ("{a: 1}", "nom de propriété entre guillemets attendu"),
        ('{"a": "b', "texte non terminé"),
        ('{"a": "\\q"}', "échappement invalide"),
        ('{"a": "\\u12"}', "échappement \\uXXXX invalide"),
        ('{"a": 1} x', "données en trop"),
        ('{"a": "\x01"}', "caractère de contrôle"),
    ],
)
def test_la_raison_d_un_json_mal_forme_est_dite_en_francais(texte: str, raison: str) -> None:
    with pytest.raises(JsonIllisible) as exc:
        lire_json(texte)
    assert raison in str(exc.value)
    assert "Expecting" not in str(exc.value)
