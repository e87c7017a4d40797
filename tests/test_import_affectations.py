"""`cotraitance import affectations FILE` (DESIGN §4, R1, R24): JSON Lines and CSV files, every
bad row reported with its line and reason while the good ones go through, a malformed contact
dropped with a warning, idempotent re-imports, conflicts kept, the summary and exit codes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from application.magasin.persistance import Base
from cotraitance.imports import EXIT_ECHEC, EXIT_LIGNES_REJETEES
from domain.affectation import Affectation
from tests.import_outils import (
    AFFECTATIONS_CSV,
    AFFECTATIONS_JSONL,
    application,
    ecrire,
    exemples_json,
    lancer,
    position,
    preparer_cli,
)

ML = "ML001"
ENTETE = (
    "idAffectation;codeMissionLocale;dateAffectation;typeAffectation;identifiantPe;nom;nomUsage;"
    "prenoms;dateNaissance;sexe;communeInsee;codePostal;telephone;email;"
    "dateDernierEntretienDude;periodesRadiation"
)


@pytest.fixture
def base_cli(base: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    return preparer_cli(base, monkeypatch)


def _affectation(base: Base, id_affectation: str) -> Affectation | None:
    with application(base) as app:
        agregat = app.repository.get(Affectation.create_id(ML, id_affectation))
        return agregat if isinstance(agregat, Affectation) else None


def _existe(base: Base, id_affectation: str) -> bool:
    with application(base) as app:
        return Affectation.create_id(ML, id_affectation) in app.repository


def _json(**modifs: Any) -> str:
    return json.dumps({**exemples_json()[0], **modifs}, ensure_ascii=False)


def _csv(**modifs: str) -> str:
    colonnes = ENTETE.split(";")
    valeurs = dict(
        zip(
            colonnes,
            [
                "DUDE-1",
                "ML001",
                "2026-11-02",
                "INITIALE",
                "2345678B",
                "Dupont",
                "",
                "Jean",
                "2004-05-17",
                "M",
                "75111",
                "75011",
                "",
                "",
                "",
                "",
            ],
            strict=True,
        )
    )
    valeurs.update(modifs)
    return ";".join(valeurs[c] for c in colonnes)


# ------------------------------------------------------------------ the examples


@pytest.mark.parametrize("exemple", [AFFECTATIONS_JSONL, AFFECTATIONS_CSV], ids=["jsonl", "csv"])
def test_le_fichier_exemple_s_importe_sans_rejet(
    base_cli: Base, capsys: pytest.CaptureFixture[str], exemple: Path
) -> None:
    code, sortie = lancer(capsys, "import", "affectations", str(exemple))
    assert code == 0, sortie
    assert (
        "3 affectation(s) reçue(s) : 3 nouvelle(s), 0 doublon(s), 0 conflit(s), 0 rejetée(s)"
        in (sortie)
    )
    dupont = _affectation(base_cli, "DUDE-2026-0004512")
    assert dupont is not None
    assert dupont.identite.telephone == "0612345678"
    assert [
        (p.debut.isoformat(), p.fin.isoformat() if p.fin else None)
        for p in dupont.periodes_radiation
    ] == [("2026-06-01", "2026-06-30")]
    beranger = _affectation(base_cli, "DUDE-2026-0004519")
    assert beranger is not None
    assert (beranger.identite.nom, beranger.identite.prenoms) == ("BÉRANGER", "Lucas Émile")


def test_le_csv_latin1_et_le_json_lines_decrivent_les_memes_affectations(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    """R1 across formats: the same content read from either file is the same affectation."""
    assert lancer(capsys, "import", "affectations", str(AFFECTATIONS_JSONL))[0] == 0
    avant = position(base_cli)
    code, sortie = lancer(capsys, "import", "affectations", str(AFFECTATIONS_CSV))
    assert code == 0
    assert "0 nouvelle(s), 3 doublon(s), 0 conflit(s)" in sortie
    assert position(base_cli) == avant


def test_reimporter_le_meme_fichier_n_enregistre_rien(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    """R1"""
    lancer(capsys, "import", "affectations", str(AFFECTATIONS_JSONL))
    avant = position(base_cli)
    code, sortie = lancer(capsys, "import", "affectations", str(AFFECTATIONS_JSONL))
    assert code == 0
    assert "3 affectation(s) reçue(s) : 0 nouvelle(s), 3 doublon(s)" in sortie
    assert position(base_cli) == avant


def test_une_affectation_au_contenu_different_est_un_conflit_garde_pour_examen(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R1: kept for review, never silently dropped nor overwriting the first content."""
    lancer(capsys, "import", "affectations", str(AFFECTATIONS_JSONL))
    fichier = ecrire(tmp_path / "b.jsonl", [_json(nom="Durand")])
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == 0
    assert "0 nouvelle(s), 0 doublon(s), 1 conflit(s)" in sortie
    assert "conflit ligne 1 : DUDE-2026-0004512 déjà reçue avec un autre contenu" in sortie
    recue = _affectation(base_cli, "DUDE-2026-0004512")
    assert recue is not None
    assert recue.identite.nom == "Dupont"
    assert [d.identite.nom for d in recue.contenus_en_conflit] == ["Durand"]


# ------------------------------------------------------------------ bad rows (R24)

LIGNES_JSON_FAUTIVES = [
    ("champ manquant", lambda: _json(idAffectation="X-1", nom=None), "champ nom manquant ou vide"),
    (
        "date invalide",
        lambda: _json(idAffectation="X-2", dateAffectation="2026-02-30"),
        "dateAffectation : date invalide",
    ),
    (
        "Mission Locale inconnue",
        lambda: _json(idAffectation="X-3", codeMissionLocale="ML999"),
        "Mission Locale inconnue : ML999",
    ),
    (
        "identifiant malformé",
        lambda: _json(idAffectation="X-4", identifiantPe="12-AB"),
        "identifiantPe : L'identifiant France Travail compte 7 chiffres",
    ),
    (
        "type inconnu",
        lambda: _json(idAffectation="X-5", typeAffectation="AUTRE"),
        "typeAffectation : valeur « AUTRE » inconnue (INITIALE | REAFFECTATION)",
    ),
    (
        "date de naissance impossible",
        lambda: _json(idAffectation="X-6", dateNaissance="1890-01-01"),
        "dateNaissance : La date de naissance doit donner un âge de 10 à 100 ans",
    ),
    ("JSON invalide", lambda: '{"idAffectation": "X-7", ', "JSON invalide"),
    (
        "JSON trop imbriqué",
        lambda: '{"idAffectation": "X-11", "nom": ' + "[" * 4000 + "]" * 4000 + "}",
        "JSON trop imbriqué",
    ),
    (
        "entier trop long",
        lambda: '{"idAffectation": "X-12", "nom": ' + "9" * 5000 + "}",
        "JSON invalide (nombre entier trop long)",
    ),
    (
        "encodage",
        lambda: _json(idAffectation="X-8", nom="Bérénice").encode("latin-1"),
        "encodage invalide : la ligne n'est pas en UTF-8",
    ),
    (
        "ligne trop longue",
        lambda: _json(idAffectation="X-9", nom="A" * 12_000),
        "ligne trop longue (plus de 10000 octets)",
    ),
    (
        "période malformée",
        lambda: _json(idAffectation="X-10", periodesRadiation=[{"fin": "2026-01-01"}]),
        "champ periodesRadiation[1].debut manquant ou vide",
    ),
]


@pytest.mark.parametrize(
    ("ligne_fautive", "raison"),
    [(f, r) for _, f, r in LIGNES_JSON_FAUTIVES],
    ids=[n for n, _, _ in LIGNES_JSON_FAUTIVES],
)
def test_une_ligne_json_fautive_est_rejetee_avec_son_numero_et_les_bonnes_passent(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    ligne_fautive: Any,
    raison: str,
) -> None:
    """R24: line 3 is rejected with its reason; lines 1 and 4 (good) are recorded."""
    avec_accent = _json(idAffectation="OK-1", nom="Béranger")
    fichier = ecrire(
        tmp_path / "a.jsonl", [avec_accent, "", ligne_fautive(), _json(idAffectation="OK-2")]
    )
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert (
        "3 affectation(s) reçue(s) : 2 nouvelle(s), 0 doublon(s), 0 conflit(s), 1 rejetée(s)"
        in (sortie)
    )
    assert f"rejet ligne 3 : {raison}" in sortie
    assert _existe(base_cli, "OK-1")
    assert _existe(base_cli, "OK-2")


def test_toutes_les_fautes_d_une_ligne_sont_dites_ensemble(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R24: one answer lists every faulty field."""
    fichier = ecrire(
        tmp_path / "a.jsonl", [_json(nom=None, dateNaissance="17/05/2004", identifiantPe="x")]
    )
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    rejet = next(ligne for ligne in sortie.splitlines() if "rejet ligne 1" in ligne)
    for attendu in ("identifiantPe :", "champ nom manquant", "dateNaissance : date invalide"):
        assert attendu in rejet


LIGNES_CSV_FAUTIVES = [
    ("champ manquant", {"nom": ""}, "champ nom manquant ou vide"),
    ("date invalide", {"dateNaissance": "2004-5-17"}, "dateNaissance : date invalide"),
    ("Mission Locale inconnue", {"codeMissionLocale": "ML999"}, "Mission Locale inconnue : ML999"),
    ("identifiant malformé", {"identifiantPe": "ABC"}, "identifiantPe : L'identifiant France"),
    (
        "période malformée",
        {"periodesRadiation": "2026-06-30/2026-06-01"},
        "periodesRadiation[1].fin : antérieure au début",
    ),
    ("ligne trop longue", {"prenoms": "B" * 11_000}, "ligne trop longue (plus de 10000 octets)"),
]


@pytest.mark.parametrize(
    ("modifs", "raison"),
    [(m, r) for _, m, r in LIGNES_CSV_FAUTIVES],
    ids=[n for n, _, _ in LIGNES_CSV_FAUTIVES],
)
def test_une_ligne_csv_fautive_est_rejetee_avec_son_numero_et_les_bonnes_passent(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    modifs: dict[str, str],
    raison: str,
) -> None:
    """R24: the header is line 1; the bad row (line 3) is rejected, lines 2 and 4 recorded."""
    lignes = [
        ENTETE,
        _csv(idAffectation="OK-1"),
        _csv(idAffectation="KO-1", **modifs),
        _csv(idAffectation="OK-2", periodesRadiation="2026-01-01/2026-01-31|2026-03-01/"),
    ]
    fichier = ecrire(tmp_path / "a.csv", lignes, encodage="latin-1", fin="\r\n")
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "3 affectation(s) reçue(s) : 2 nouvelle(s)" in sortie
    assert f"rejet ligne 3 : {raison}" in sortie
    assert not _existe(base_cli, "KO-1")
    ok = _affectation(base_cli, "OK-2")
    assert ok is not None
    assert [(p.debut.month, p.fin.month if p.fin else None) for p in ok.periodes_radiation] == [
        (1, 1),
        (3, None),
    ]


def test_une_ligne_csv_d_un_autre_encodage_ou_d_un_autre_nombre_de_colonnes_est_rejetee(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R24: a UTF-8 file (decided by its first accented line) with a Latin-1 line."""
    lignes: list[str | bytes] = [
        ENTETE,
        _csv(idAffectation="OK-1", nom="Lefèvre"),
        _csv(idAffectation="KO-1", nom="Noël").encode("latin-1"),
        _csv(idAffectation="KO-2") + ";;en trop",
        _csv(idAffectation="OK-2") + ";",
    ]
    fichier = ecrire(tmp_path / "a.csv", lignes)
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "rejet ligne 3 : encodage invalide" in sortie
    assert "rejet ligne 4 : 18 colonne(s) au lieu de 16" in sortie
    lefevre = _affectation(base_cli, "OK-1")
    assert lefevre is not None
    assert lefevre.identite.nom == "Lefèvre"
    assert _existe(base_cli, "OK-2")


def test_une_ligne_latin1_en_tete_d_un_fichier_utf8_est_la_seule_rejetee(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R24: the file's encoding is that of most of its accented lines, wherever the odd one
    stands; the minority line is the one reported."""
    lignes: list[str | bytes] = [
        ENTETE,
        _csv(idAffectation="KO-1", nom="Noël").encode("latin-1"),
        *(_csv(idAffectation=f"OK-{n}", nom="Lefèvre") for n in range(1, 6)),
    ]
    fichier = ecrire(tmp_path / "a.csv", lignes)
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "6 affectation(s) reçue(s) : 5 nouvelle(s)" in sortie
    assert "rejet ligne 2 : encodage invalide : la ligne n'est pas en UTF-8" in sortie
    assert not _existe(base_cli, "KO-1")
    recue = _affectation(base_cli, "OK-5")
    assert recue is not None
    assert recue.identite.nom == "Lefèvre"


def test_une_ligne_utf8_en_tete_d_un_fichier_latin1_est_la_seule_rejetee(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R24: decoding the Latin-1 majority as UTF-8 is impossible, and the UTF-8 line read as
    Latin-1 would store a mangled name (« NoÃ«l »): that line is the one reported."""
    lignes: list[str | bytes] = [
        ENTETE,
        _csv(idAffectation="KO-1", nom="Noël").encode("utf-8"),
        *(_csv(idAffectation=f"OK-{n}", nom="Lefèvre").encode("latin-1") for n in range(1, 4)),
    ]
    fichier = ecrire(tmp_path / "a.csv", lignes, fin="\r\n")
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "4 affectation(s) reçue(s) : 3 nouvelle(s)" in sortie
    assert "rejet ligne 2 : encodage invalide : la ligne est en UTF-8" in sortie
    recue = _affectation(base_cli, "OK-3")
    assert recue is not None
    assert recue.identite.nom == "Lefèvre"


def test_un_en_tete_sans_colonne_obligatoire_refuse_tout_le_fichier_en_comptant_ses_lignes(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R24: no row of such a file could go through; the file is refused (exit 1), said once,
    with the number of rows left unread, and not summarised as one row received."""
    lignes = [ENTETE.replace(";nom;", ";name;"), _csv(), "", _csv(idAffectation="B"), _csv()]
    fichier = ecrire(tmp_path / "a.csv", lignes)
    avant = position(base_cli)
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_ECHEC
    assert "en-tête : colonnes obligatoires absentes : nom" in sortie
    assert "fichier refusé : 3 ligne(s) non lue(s)" in sortie
    assert "reçue(s)" not in sortie
    assert position(base_cli) == avant


def test_une_affectation_datee_dans_le_futur_est_rejetee(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R9: an entry date is on or after the assignment date and never in the future, so an
    assignment dated in the future could never get one; the next rows go through."""
    futur = (date.today() + timedelta(days=2)).isoformat()
    lignes = [_json(idAffectation="F-1", dateAffectation=futur), _json(idAffectation="OK-1")]
    fichier = ecrire(tmp_path / "a.jsonl", lignes)
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert (
        "rejet ligne 1 : dateAffectation : La date d'affectation ne peut pas être dans le futur"
        in (sortie)
    )
    assert not _existe(base_cli, "F-1")
    assert _existe(base_cli, "OK-1")


# ------------------------------------------------------------------ contacts, encodings


@pytest.mark.parametrize("format_fichier", ["jsonl", "csv"])
def test_un_telephone_malforme_n_empeche_pas_l_affectation_et_fait_un_avertissement(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, format_fichier: str
) -> None:
    """R24: the youth goes through without the phone; the report says so."""
    if format_fichier == "csv":
        lignes = [ENTETE, _csv(idAffectation="T-1", telephone="06 12", email="a@b.fr")]
    else:
        lignes = [_json(idAffectation="T-1", telephone="06 12", email="a@b.fr")]
    fichier = ecrire(tmp_path / f"a.{format_fichier}", lignes)
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == 0
    ligne = 2 if format_fichier == "csv" else 1
    assert f"avertissement ligne {ligne} : telephone ignoré : Le téléphone est un numéro" in sortie
    assert "1 nouvelle(s)" in sortie
    recue = _affectation(base_cli, "T-1")
    assert recue is not None
    assert (recue.identite.telephone, recue.identite.email) == (None, "a@b.fr")


def test_un_email_malforme_est_ignore_avec_un_avertissement(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = ecrire(tmp_path / "a.jsonl", [_json(idAffectation="E-1", email="pas-un-email")])
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == 0
    assert "avertissement ligne 1 : email ignoré : L'adresse e-mail n'est pas valide" in sortie
    recue = _affectation(base_cli, "E-1")
    assert recue is not None
    assert recue.identite.email is None


@pytest.mark.parametrize(
    ("encodage", "bom"), [("utf-8", True), ("latin-1", False)], ids=["utf8-bom", "latin1"]
)
@pytest.mark.parametrize("format_fichier", ["jsonl", "csv"])
def test_bom_crlf_et_latin1_sont_toleres(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    encodage: str,
    bom: bool,
    format_fichier: str,
) -> None:
    if format_fichier == "csv":
        lignes = [ENTETE, _csv(idAffectation="B-1", nom="Œuvray", prenoms="Zoé")]
    else:
        lignes = [_json(idAffectation="B-1", nom="Œuvray", prenoms="Zoé")]
    if encodage == "latin-1":  # Œ is not in Latin-1
        lignes = [ligne.replace("Œ", "O") for ligne in lignes]
    fichier = ecrire(tmp_path / f"a.{format_fichier}", lignes, encodage, fin="\r\n", bom=bom)
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == 0, sortie
    recue = _affectation(base_cli, "B-1")
    assert recue is not None
    assert recue.identite.prenoms == "Zoé"
    assert recue.identite.nom == ("Œuvray" if encodage == "utf-8" else "Ouvray")


def test_le_format_se_reconnait_au_contenu_sans_extension(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = tmp_path / "sans-extension"
    fichier.write_bytes(AFFECTATIONS_CSV.read_bytes())
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert (code, "3 nouvelle(s)" in sortie) == (0, True)


# ------------------------------------------------------------------ the command


def test_un_fichier_introuvable_rend_1_sans_rien_enregistrer(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    avant = position(base_cli)
    code, _ = lancer(capsys, "import", "affectations", str(tmp_path / "absent.jsonl"))
    assert code == EXIT_ECHEC
    assert position(base_cli) == avant


def test_l_aide_dit_les_codes_de_sortie(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        lancer(capsys, "import", "affectations", "--help")
    aide = " ".join(capsys.readouterr().out.split())
    assert "0 si aucune ligne n'est rejetée, 2 si des lignes le sont" in aide


def test_un_csv_windows_1252_garde_l_oe_et_l_apostrophe_des_noms(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """What a spreadsheet writes as "Latin-1" is Windows-1252: « œ » and « ’ » are bytes 0x9C
    and 0x92 there, control characters in ISO 8859-1 (they were stored as such in names)."""
    lignes: list[str | bytes] = [
        ENTETE,
        _csv(idAffectation="W-1", nom="Lœvenbruck", prenoms="Zoé’").encode("cp1252"),
    ]
    fichier = ecrire(tmp_path / "a.csv", lignes)
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == 0, sortie
    recue = _affectation(base_cli, "W-1")
    assert recue is not None
    assert (recue.identite.nom, recue.identite.prenoms) == ("Lœvenbruck", "Zoé’")


@pytest.mark.parametrize(
    "nom", ["L\u009cvenbruck", "Ev\u202eil", "Zw\u200bsp", "A\u2028B", "\ufeffAbel", "A\tB"]
)
def test_un_nom_aux_caracteres_invisibles_est_rejete_avec_sa_ligne(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, nom: str
) -> None:
    """R24: a control, bidirectional or zero-width character would be stored for ever in a name
    and change how it shows (a right-to-left override turns « Eveil » around)."""
    fichier = ecrire(
        tmp_path / "a.jsonl", [_json(idAffectation="KO-1", nom=nom), _json(idAffectation="OK-1")]
    )
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "rejet ligne 1" in sortie
    assert "non imprimables" in sortie
    assert not _existe(base_cli, "KO-1")
    assert _existe(base_cli, "OK-1")
