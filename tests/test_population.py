"""`cotraitance demo-data`: the labelled synthetic French population (issue 8, part 5).

Its files must pass the project's own validation, as the importers build them (R1–R4, DESIGN
§4), and its truth must be what it says: an "inversion jour/mois" really has day and month
swapped, twins really share a birth date and a surname (DESIGN §5)."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz.distance import Levenshtein

from cotraitance.cli import main
from cotraitance.population import (
    DATE_REFERENCE,
    NOMS_FICHIERS,
    PARTS_CAS,
    Cas,
    Parametres,
    generer,
)
from domain import identite as regles
from domain.affectation import DonneesAffectation, suggestions_refus
from domain.noms import compact
from domain.regles import Regles, age_au
from domain.valeurs import (
    Dispositif,
    Identite,
    MotifRefus,
    Periode,
    Sexe,
    TypeAffectation,
    TypeEvenement,
)
from integrations.referentiel.lignes import LigneRejetee
from integrations.referentiel.missions_locales import lire_missions_locales

Ligne = dict[str, Any]
REFERENCE = date(2026, 11, 2)


def _lire(chemin: Path) -> list[Ligne]:
    with chemin.open(encoding="utf-8") as fichier:
        return [json.loads(ligne) for ligne in fichier]


@dataclass
class Population:
    repertoire: Path
    mls: list[Ligne]
    dossiers: dict[str, Ligne]
    affectations: dict[str, Ligne]
    verite: list[Ligne]
    verite_dossiers: list[Ligne]

    @classmethod
    def lire(cls, repertoire: Path) -> Population:
        return cls(
            repertoire,
            _lire(repertoire / "missions-locales.jsonl"),
            {d["idDossier"]: d for d in _lire(repertoire / "dossiers.jsonl")},
            {a["idAffectation"]: a for a in _lire(repertoire / "affectations.jsonl")},
            _lire(repertoire / "verite.jsonl"),
            _lire(repertoire / "verite-dossiers.jsonl"),
        )

    def du_cas(self, cas: Cas) -> list[tuple[Ligne, Ligne | None, Ligne | None]]:
        """(affectation, true dossier, look-alike dossier) of each affectation of this case."""
        return [
            (
                self.affectations[v["idAffectation"]],
                self.dossiers.get(v["idDossier"] or ""),
                self.dossiers.get(v["idDossierProche"] or ""),
            )
            for v in self.verite
            if v["cas"] == cas.value
        ]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    repertoire = tmp_path_factory.mktemp("population")
    generer(repertoire, Parametres(dossiers=20_000, affectations=3_000, missions_locales=3))
    return Population.lire(repertoire)


def _identite(ligne: Ligne) -> Identite:
    """As an importer builds it (DESIGN §4 fields → the domain's value object)."""
    return Identite(
        nom=ligne["nom"],
        prenoms=ligne["prenoms"],
        date_naissance=date.fromisoformat(ligne["dateNaissance"]),
        nom_usage=ligne["nomUsage"],
        sexe=Sexe(ligne["sexe"]),
        commune_insee=ligne["communeInsee"],
        code_postal=ligne["codePostal"],
        telephone=ligne["telephone"],
        email=ligne["email"],
    )


def _donnees(ligne: Ligne) -> DonneesAffectation:
    entretien = ligne["dateDernierEntretienDude"]
    return DonneesAffectation(
        id_affectation=ligne["idAffectation"],
        code_ml=ligne["codeMissionLocale"],
        date_affectation=date.fromisoformat(ligne["dateAffectation"]),
        type_affectation=TypeAffectation(ligne["typeAffectation"]),
        identifiant_pe=ligne["identifiantPe"],
        identite=_identite(ligne),
        date_dernier_entretien_dude=date.fromisoformat(entretien) if entretien else None,
        periodes_radiation=tuple(
            Periode(date.fromisoformat(p["debut"]), date.fromisoformat(p["fin"]))
            for p in ligne["periodesRadiation"]
        ),
    )


# --- Reproducible, sized as asked -------------------------------------------------------------


def test_la_meme_graine_donne_les_memes_fichiers_octet_pour_octet(tmp_path: Path) -> None:
    parametres = Parametres(dossiers=3_000, affectations=400, missions_locales=2, graine=11)
    generer(tmp_path / "a", parametres)
    generer(tmp_path / "b", parametres)
    for nom in NOMS_FICHIERS:
        assert (tmp_path / "a" / f"{nom}.jsonl").read_bytes() == (
            tmp_path / "b" / f"{nom}.jsonl"
        ).read_bytes(), nom


def test_une_autre_graine_donne_une_autre_population(tmp_path: Path) -> None:
    generer(tmp_path / "a", Parametres(dossiers=1_000, affectations=100, graine=1))
    generer(tmp_path / "b", Parametres(dossiers=1_000, affectations=100, graine=2))
    for nom in ("dossiers", "affectations", "verite"):
        assert (tmp_path / "a" / f"{nom}.jsonl").read_bytes() != (
            tmp_path / "b" / f"{nom}.jsonl"
        ).read_bytes(), nom


def test_les_nombres_demandes_sont_respectes(population: Population) -> None:
    assert len(population.mls) == 3
    assert len(population.dossiers) == 20_000  # ids unique: the dict kept them all
    assert len(population.affectations) == 3_000
    assert len(population.verite) == 3_000
    assert {v["idAffectation"] for v in population.verite} == set(population.affectations)


def test_sans_dossiers_toutes_les_affectations_sont_des_personnes_nouvelles(
    tmp_path: Path,
) -> None:
    bilan = generer(tmp_path, Parametres(dossiers=0, affectations=50))
    assert bilan.par_cas == {"NOUVEAU": 50}
    assert (tmp_path / "dossiers.jsonl").read_text() == ""


# --- Every row passes the project's validation ------------------------------------------------


def test_les_missions_locales_se_lisent_comme_a_l_import_et_leurs_zones_sont_disjointes(
    population: Population,
) -> None:
    lues = list(lire_missions_locales(population.repertoire / "missions-locales.jsonl"))
    assert not [lu for lu in lues if isinstance(lu, LigneRejetee)]
    zones = [set(ml["communesInsee"]) for ml in population.mls]
    assert sum(len(z) for z in zones) == len(set().union(*zones))
    assert all(ml["conseillers"] for ml in population.mls)


def test_chaque_dossier_se_construit_avec_les_valeurs_du_domaine(population: Population) -> None:
    codes = {ml["codeMissionLocale"] for ml in population.mls}
    for ligne in population.dossiers.values():
        identite = _identite(ligne)
        identite.verifier_naissance(REFERENCE, Regles())
        assert ligne["codeMissionLocale"] in codes
        assert identite.telephone is None or len(identite.telephone) == 10
        regles.identifiant_pe(ligne["identifiantPe"])
        for d in ligne["dispositifs"]:
            assert d["type"] in ("PPAE", "CEJ", "PACEA", "AUTRE")
            entree = date.fromisoformat(d["dateEntree"])
            sortie = date.fromisoformat(d["dateSortie"]) if d["dateSortie"] else None
            Dispositif(d["type"], d["statut"], entree, sortie)
            assert entree <= REFERENCE
            assert sortie is None or entree <= sortie <= REFERENCE
        assert sum(d["statut"] == "EN_COURS" for d in ligne["dispositifs"]) <= 1
        for e in ligne["evenements"]:
            TypeEvenement(e["type"])
            assert date.fromisoformat(e["date"]) <= REFERENCE


def test_chaque_affectation_se_construit_comme_a_l_intake(population: Population) -> None:
    for ligne in population.affectations.values():
        donnees = _donnees(ligne)
        donnees.verifier(REFERENCE, Regles())
        assert len(donnees.identifiant_pe) == 8
        assert donnees.identifiant_pe[:7].isdigit()
        assert donnees.date_affectation <= REFERENCE
        for periode in donnees.periodes_radiation:
            assert periode.fin is not None
            assert periode.debut <= periode.fin < donnees.date_affectation


def test_un_identifiant_pe_n_appartient_qu_a_un_jeune(population: Population) -> None:
    """Conflicting PE identifiers are a veto (DESIGN §5): none by accident."""
    par_pe: dict[str, str] = {}
    for ligne in population.dossiers.values():
        if ligne["identifiantPe"]:
            assert ligne["identifiantPe"][:7] not in par_pe
            par_pe[ligne["identifiantPe"][:7]] = ligne["idDossier"]
    for v in population.verite:
        pe = population.affectations[v["idAffectation"]]["identifiantPe"][:7]
        assert par_pe.get(pe, v["idDossier"]) == v["idDossier"]


def test_r2_quelques_affectations_suggerent_un_refus_age_ou_hors_zone(
    population: Population,
) -> None:
    zones = {ml["codeMissionLocale"]: ml["communesInsee"] for ml in population.mls}
    suggestions: Counter[MotifRefus] = Counter()
    for ligne in population.affectations.values():
        donnees = _donnees(ligne)
        suggestions.update(suggestions_refus(donnees, zones[donnees.code_ml], Regles()))
    assert 0.01 * 3_000 < suggestions[MotifRefus.AGE] < 0.06 * 3_000
    assert 0.01 * 3_000 < suggestions[MotifRefus.HORS_ZONE] < 0.08 * 3_000
    ages = [
        age_au(date.fromisoformat(a["dateNaissance"]), date.fromisoformat(a["dateAffectation"]))
        for a in population.affectations.values()
    ]
    assert min(ages) >= 14
    assert sum(16 <= a <= 25 for a in ages) > 0.9 * len(ages)


# --- What French files hold -------------------------------------------------------------------


def test_les_noms_ont_la_frequence_et_les_formes_des_fichiers_francais(
    population: Population,
) -> None:
    dossiers = list(population.dossiers.values())
    noms = Counter(compact(d["nom"]) for d in dossiers)
    assert noms.most_common(1)[0][0] == "martin" or "martin" in dict(noms.most_common(5))
    assert noms["martin"] > 20 * statistics.median(noms.values())
    textes = [d["nom"] + " " + d["prenoms"] + " " + (d["nomUsage"] or "") for d in dossiers]
    for forme in ("é", "ë", "ï", "N'", "Le ", "de ", "-"):
        assert any(forme in t or forme.upper() in t for t in textes), forme
    assert any(("æ" in t.lower() or "œ" in t.lower()) for t in textes)
    assert any(len(d["prenoms"].split()) >= 3 for d in dossiers)
    assert any(d["nomUsage"] for d in dossiers)
    assert any(d["nom"].isupper() for d in dossiers)
    assert not all(d["nom"].isupper() for d in dossiers)


def test_des_freres_et_soeurs_partagent_le_telephone_et_l_e_mail_du_foyer(
    population: Population,
) -> None:
    telephones = Counter(
        regles.telephone(d["telephone"]) for d in population.dossiers.values() if d["telephone"]
    )
    partages = [t for t, n in telephones.items() if n >= 2]
    assert len(partages) > 0.01 * len(population.dossiers)


def test_les_trois_listes_sont_atteignables(population: Population) -> None:
    """R3: new persons, known youths who never had a PPAE, and youths who had one."""
    connus = [population.dossiers[v["idDossier"]] for v in population.verite if v["idDossier"]]
    avec_ppae = [
        d
        for d in connus
        if any(
            x["type"] == "PPAE" and x["statut"] in ("EN_COURS", "TERMINE") for x in d["dispositifs"]
        )
    ]
    assert 0.3 < 1 - len(connus) / len(population.verite) < 0.5
    assert 0 < len(avec_ppae) < len(connus)
    reaffectations = [
        population.affectations[v["idAffectation"]]["typeAffectation"] == "REAFFECTATION"
        for v in population.verite
    ]
    assert 0 < sum(reaffectations) < len(reaffectations) / 2


# --- The truth is what it says ---------------------------------------------------------------


def test_chaque_cas_apparait_dans_une_population_moyenne(population: Population) -> None:
    vus = Counter(v["cas"] for v in population.verite)
    assert set(vus) == {c.value for c in Cas}
    for cas, part in PARTS_CAS.items():
        assert vus[cas.value] > 0.4 * part * 3_000, cas


def _tel(ligne: Ligne) -> str | None:
    return regles.telephone(ligne["telephone"])


def _identiques(a: Ligne, d: Ligne, *sauf: str) -> bool:
    champs = ["nom", "nomUsage", "prenoms", "dateNaissance", "sexe", "communeInsee"]
    champs += ["codePostal", "email"]
    return all(a[c] == d[c] for c in champs if c not in sauf) and (
        "telephone" in sauf or _tel(a) == _tel(d)
    )


def _premier(prenoms: str) -> str:
    return compact(prenoms.split()[0])


def _jumeaux(a: Ligne, b: Ligne) -> bool:
    return (
        a["dateNaissance"] == b["dateNaissance"]
        and compact(a["nom"]) == compact(b["nom"])
        and _premier(a["prenoms"]) != _premier(b["prenoms"])
    )


def _une_seule_difference(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


VERIFICATIONS: dict[Cas, Callable[[Ligne, Ligne], bool]] = {
    Cas.COPIE_EXACTE: lambda a, d: _identiques(a, d),
    Cas.CASSE_ACCENTS: lambda a, d: (
        compact(a["nom"]) == compact(d["nom"])
        and compact(a["prenoms"]) == compact(d["prenoms"])
        and (a["nom"], a["prenoms"]) != (d["nom"], d["prenoms"])
        and _identiques(a, d, "nom", "prenoms")
    ),
    Cas.INVERSION_NOM_PRENOM: lambda a, d: (
        (a["nom"], a["prenoms"]) == (d["prenoms"], d["nom"]) and _identiques(a, d, "nom", "prenoms")
    ),
    Cas.INVERSION_JOUR_MOIS: lambda a, d: (
        (x := date.fromisoformat(d["dateNaissance"])).day != x.month
        and date.fromisoformat(a["dateNaissance"]) == date(x.year, x.day, x.month)
        and _identiques(a, d, "dateNaissance")
    ),
    Cas.FAUTE_CHIFFRE_NAISSANCE: lambda a, d: (
        _une_seule_difference(a["dateNaissance"], d["dateNaissance"])
        and _identiques(a, d, "dateNaissance")
    ),
    Cas.FAUTE_NOM: lambda a, d: (
        Levenshtein.distance(compact(a["nom"]), compact(d["nom"])) == 1 and _identiques(a, d, "nom")
    ),
    Cas.PREMIER_PRENOM_SEUL: lambda a, d: (
        len(d["prenoms"].split()) >= 2
        and a["prenoms"] == d["prenoms"].split()[0]
        and _identiques(a, d, "prenoms")
    ),
    Cas.NOM_USAGE: lambda a, d: (
        d["nomUsage"] is not None
        and a["nom"] == d["nomUsage"] != d["nom"]
        and a["nomUsage"] is None
        and _identiques(a, d, "nom", "nomUsage")
    ),
    Cas.DEMENAGEMENT: lambda a, d: (
        a["communeInsee"] != d["communeInsee"]
        and _tel(a) != _tel(d)
        and _identiques(a, d, "communeInsee", "codePostal", "telephone", "email")
    ),
    Cas.CONTACTS_ABSENTS: lambda a, d: (
        d["telephone"] is not None
        and d["email"] is not None
        and (a["telephone"] is None or a["email"] is None)
        and _identiques(a, d, *(c for c in ("telephone", "email") if a[c] is None))
    ),
}


@pytest.mark.parametrize("cas", list(VERIFICATIONS), ids=lambda c: c.value)
def test_l_affectation_d_un_jeune_connu_differe_de_son_dossier_par_son_cas(
    population: Population, cas: Cas
) -> None:
    lignes = population.du_cas(cas)
    assert lignes
    for affectation, dossier, _ in lignes:
        assert dossier is not None
        assert affectation["codeMissionLocale"] == dossier["codeMissionLocale"]
        assert affectation["identifiantPe"] == (
            dossier["identifiantPe"] or affectation["identifiantPe"]
        )
        assert VERIFICATIONS[cas](affectation, dossier), (affectation, dossier)


def test_le_jumeau_d_un_jeune_connu_a_lui_aussi_un_dossier(population: Population) -> None:
    for affectation, dossier, jumeau in population.du_cas(Cas.JUMEAU_CONNU):
        assert dossier is not None
        assert jumeau is not None
        assert _identiques(affectation, dossier)
        assert _jumeaux(jumeau, dossier)


def test_un_jumeau_sans_dossier_partage_naissance_et_nom_avec_celui_qui_en_a_un(
    population: Population,
) -> None:
    for affectation, dossier, proche in population.du_cas(Cas.JUMEAU):
        assert dossier is None
        assert proche is not None
        assert _jumeaux(affectation, proche)
        assert affectation["communeInsee"] == proche["communeInsee"]


def test_un_homonyme_a_les_memes_noms_et_une_autre_naissance(population: Population) -> None:
    for affectation, dossier, proche in population.du_cas(Cas.HOMONYME):
        assert dossier is None
        assert proche is not None
        assert compact(affectation["nom"]) == compact(proche["nom"])
        assert compact(affectation["prenoms"]) == compact(proche["prenoms"])
        assert affectation["dateNaissance"] != proche["dateNaissance"]


def test_un_frere_ou_une_soeur_partage_le_telephone_et_l_e_mail_du_foyer(
    population: Population,
) -> None:
    for affectation, dossier, proche in population.du_cas(Cas.FRATRIE):
        assert dossier is None
        assert proche is not None
        assert compact(affectation["nom"]) == compact(proche["nom"])
        assert _tel(affectation) == _tel(proche) is not None
        assert affectation["email"] == proche["email"] is not None
        assert _premier(affectation["prenoms"]) != _premier(proche["prenoms"])
        assert affectation["dateNaissance"] != proche["dateNaissance"]


def test_une_personne_nouvelle_n_a_ni_dossier_ni_sosie(population: Population) -> None:
    for _, dossier, proche in population.du_cas(Cas.NOUVEAU):
        assert dossier is None
        assert proche is None


def test_les_doublons_de_dossiers_sont_etiquetes_avec_leur_variation(
    population: Population,
) -> None:
    doublons = [v for v in population.verite_dossiers if v["lien"] == "DOUBLON"]
    assert 0.002 * 20_000 < len(doublons) < 0.01 * 20_000
    copies = {v["idDossier"] for v in population.verite if v["idDossier"]}
    for v in doublons:
        doublon, original = (
            population.dossiers[v["idDossier"]],
            population.dossiers[v["idDossierLie"]],
        )
        assert (
            doublon["codeMissionLocale"] == original["codeMissionLocale"] == v["codeMissionLocale"]
        )
        assert VERIFICATIONS[Cas(v["cas"])](doublon, original), v
        assert original["idDossier"] not in copies  # an affectation's youth has one dossier


def test_les_jumeaux_parmi_les_dossiers_sont_etiquetes(population: Population) -> None:
    jumeaux = [v for v in population.verite_dossiers if v["lien"] == "JUMEAU"]
    assert jumeaux
    for v in jumeaux:
        assert _jumeaux(population.dossiers[v["idDossier"]], population.dossiers[v["idDossierLie"]])


# --- The command -----------------------------------------------------------------------------


def test_la_commande_ecrit_les_fichiers_et_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sortie = tmp_path / "demo"
    code = main(["demo-data", str(sortie), "--dossiers", "600", "--affectations", "60"])
    assert code == 0
    for nom in NOMS_FICHIERS:
        assert (sortie / f"{nom}.jsonl").is_file()
    assert not list(sortie.glob("*.partiel"))
    assert len(_lire(sortie / "affectations.jsonl")) == 60
    assert "600 dossier(s)" in capsys.readouterr().out


def test_la_commande_refuse_un_parametre_hors_bornes_sans_rien_ecrire(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sortie = tmp_path / "demo"
    assert main(["demo-data", str(sortie), "--missions-locales", "0"]) == 1
    assert "--missions-locales" in capsys.readouterr().err
    assert not sortie.exists()


def test_aucune_date_d_un_dossier_n_est_apres_la_date_de_reference(tmp_path: Path) -> None:
    """An event or a programme in the future would be rejected by `import dossiers` (seed 1
    draws youths not yet 16, whose window of events is empty)."""
    generer(tmp_path, Parametres(dossiers=30_000, affectations=1_000, graine=1))
    limite = DATE_REFERENCE.isoformat()
    for d in _lire(tmp_path / "dossiers.jsonl"):
        assert all(e["date"] <= limite for e in d["evenements"]), d["evenements"]
        for dispositif in d["dispositifs"]:
            assert (dispositif["dateEntree"] or "") <= limite
            assert (dispositif["dateSortie"] or "") <= limite
