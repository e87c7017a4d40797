"""Matching (R3-R5, DESIGN §5) in the pure domain: normalisation, comparison levels, weights,
vetoes, decision bands, blocking keys; properties with hypothesis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.affectation import proposition
from domain.noms import normaliser
from domain.rapprochement import (
    IDENTITE,
    PARAMETRES,
    Decision,
    Element,
    Fiche,
    Frequences,
    IndexMemoire,
    Niveau,
    Trouves,
    Veto,
    classer_candidats,
    cles_de_blocage,
    cles_de_recherche,
    comparer,
    estimer,
    formes_nom,
    identite_a_confirmer,
    mots_prenoms,
    niveau_naissance,
    phonetique,
    score,
    vetos,
)
from domain.valeurs import Identite, ListeCotraitance, Sexe

NAISSANCE = date(2004, 3, 15)


def fiche(**champs: object) -> Fiche:
    identite = Identite(
        nom=str(champs.pop("nom", "Lefèvre")),
        prenoms=str(champs.pop("prenoms", "Léa Marie")),
        date_naissance=champs.pop("naissance", NAISSANCE),  # type: ignore[arg-type]
        nom_usage=champs.pop("nom_usage", None),  # type: ignore[arg-type]
        sexe=champs.pop("sexe", Sexe.F),  # type: ignore[arg-type]
        commune_insee=champs.pop("commune", "75111"),  # type: ignore[arg-type]
        telephone=champs.pop("telephone", "0612345678"),  # type: ignore[arg-type]
        email=champs.pop("email", "lea.lefevre@exemple.fr"),  # type: ignore[arg-type]
    )
    pe = champs.pop("pe", None)
    assert not champs, champs
    return Fiche.de(identite, pe)  # type: ignore[arg-type]


def niveaux(a: Fiche, b: Fiche) -> dict[str, Niveau]:
    return {e.critere: e.niveau for e in comparer(a, b)}


# ---------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("nom", "formes"),
    [
        ("N'Diaye", ("ndiaye",)),
        ("Ndiaye", ("ndiaye",)),
        ("de La Fontaine", ("delafontaine", "fontaine")),
        ("Le Goff", ("legoff", "goff")),
        ("LEFÈVRE", ("lefevre",)),
        ("Cœur-Joly", ("coeurjoly",)),
        ("  ", ()),
    ],
)
def test_les_formes_d_un_nom(nom: str, formes: tuple[str, ...]) -> None:
    assert formes_nom(nom) == formes


def test_prenoms_composes_et_multiples_sont_des_suites_de_mots() -> None:
    assert mots_prenoms("Jean-Baptiste Marie") == ("jean", "baptiste", "marie")
    assert mots_prenoms("Lætitia") == ("laetitia",)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lefebvre", "Lefèvre"),
        ("Philippe", "Filipe"),
        ("Laurent", "Lorent"),
        ("Thomas", "Tomas"),
        ("Christophe", "Kristof"),
        ("Lemaire", "Lemère"),
    ],
)
def test_la_cle_phonetique_rapproche_les_graphies(a: str, b: str) -> None:
    assert phonetique(a) == phonetique(b)


@pytest.mark.parametrize(("a", "b"), [("Martin", "Martine"), ("Durand", "Dubois")])
def test_la_cle_phonetique_distingue_les_noms_differents(a: str, b: str) -> None:
    assert phonetique(a) != phonetique(b)


textes = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "Zs", "Pd", "Po"]))


@given(textes)
def test_normaliser_deux_fois_ne_change_rien(texte: str) -> None:
    assert normaliser(normaliser(texte)) == normaliser(texte)
    mots = mots_prenoms(texte)
    assert mots_prenoms(" ".join(mots)) == mots
    for forme in formes_nom(texte):
        assert formes_nom(forme)[0] == forme


# ---------------------------------------------------------------------- levels


def test_une_copie_exacte_est_exacte_partout() -> None:
    a = fiche(pe="1234567A")
    assert set(niveaux(a, a).values()) == {Niveau.EXACT}


def test_accents_casse_et_tirets_ne_comptent_pas() -> None:
    assert niveaux(fiche(), fiche(nom="LEFEVRE", prenoms="lea-marie"))["nom"] is Niveau.EXACT
    assert niveaux(fiche(), fiche(nom="LEFEVRE", prenoms="lea-marie"))["prenoms"] is Niveau.EXACT


def test_le_nom_d_usage_compte_comme_le_nom_de_naissance() -> None:
    dossier = fiche(nom="Martin", nom_usage="Lefèvre")
    assert niveaux(dossier, fiche())["nom"] is Niveau.EXACT


def test_la_particule_peut_manquer() -> None:
    assert niveaux(fiche(nom="de La Fontaine"), fiche(nom="Fontaine"))["nom"] is Niveau.EXACT


def test_inversion_nom_prenom() -> None:
    n = niveaux(fiche(nom="Martin", prenoms="Lucas"), fiche(nom="Lucas", prenoms="Martin"))
    assert n["nom"] is n["prenoms"] is Niveau.INVERSION_NOM_PRENOM


def test_un_seul_des_prenoms() -> None:
    assert niveaux(fiche(), fiche(prenoms="Léa"))["prenoms"] is Niveau.UN_DES_PRENOMS


@pytest.mark.parametrize(
    ("a", "b"), [("Léa Marie", "Chloé Marie"), ("Jean-Pierre", "Jean-Baptiste")]
)
def test_deux_prenoms_qui_ont_chacun_un_mot_a_eux_sont_differents(a: str, b: str) -> None:
    """Twins 'Léa Marie' and 'Chloé Marie' share a word; neither holds the other's names."""
    elements = comparer(fiche(prenoms=a), fiche(prenoms=b))
    assert {e.critere: e.niveau for e in elements}["prenoms"] is Niveau.DIFFERENT
    assert Veto.JUMEAUX in vetos(elements)
    [candidat] = classer_candidats(fiche(prenoms=a), [("d1", fiche(prenoms=b))])
    assert candidat.decision is Decision.A_EXAMINER


def test_une_faute_de_frappe_dans_le_nom_est_proche() -> None:
    assert niveaux(fiche(), fiche(nom="Lefevrr"))["nom"] is Niveau.PROCHE


@pytest.mark.parametrize(
    ("autre", "niveau"),
    [
        (date(2004, 3, 15), Niveau.EXACT),
        (date(2004, 3, 16), Niveau.UN_CHIFFRE),
        (date(2004, 3, 51 - 40), Niveau.UN_CHIFFRE),  # 15 → 11
        (date(2005, 3, 15), Niveau.UN_CHIFFRE),
        (date(2004, 12, 25), Niveau.DIFFERENT),
    ],
)
def test_niveaux_de_la_date_de_naissance(autre: date, niveau: Niveau) -> None:
    assert niveau_naissance(NAISSANCE, autre) is niveau


def test_inversion_jour_mois_et_chiffres_permutes() -> None:
    assert niveau_naissance(date(2004, 3, 5), date(2004, 5, 3)) is Niveau.INVERSION_JOUR_MOIS
    assert niveau_naissance(date(2004, 3, 12), date(2004, 3, 21)) is Niveau.UN_CHIFFRE


def test_un_contact_absent_ne_pese_rien() -> None:
    elements = comparer(fiche(), fiche(telephone=None, email=None))
    absents = [e for e in elements if e.niveau is Niveau.ABSENT]
    assert {e.critere for e in absents} >= {"telephone", "email", "identifiantPe"}
    assert all(e.poids == 0 for e in absents)


def test_un_nom_rare_pese_plus_qu_un_nom_courant() -> None:
    frequences = Frequences(noms={"martin": 900, "lefevre": 2}, total=10_000)
    courant = {
        e.critere: e.poids for e in comparer(fiche(nom="Martin"), fiche(nom="Martin"), frequences)
    }
    rare = {e.critere: e.poids for e in comparer(fiche(), fiche(), frequences)}
    assert rare["nom"] > courant["nom"] > 0


def test_une_ml_sans_dossiers_prend_la_frequence_nationale() -> None:
    vide = Frequences()
    assert vide.nom("martin", PARAMETRES) == pytest.approx(PARAMETRES.frequence_nom)


# ---------------------------------------------------------------------- vetoes and bands


def test_jumeaux_veto() -> None:
    jumelle = fiche(prenoms="Chloé")
    assert Veto.JUMEAUX in vetos(comparer(fiche(), jumelle))


def test_identifiants_pe_differents_veto() -> None:
    assert Veto.IDENTIFIANTS_PE_DIFFERENTS in vetos(
        comparer(fiche(pe="1234567A"), fiche(pe="7654321B"))
    )


def test_sexe_different_veto() -> None:
    assert Veto.SEXE_DIFFERENT in vetos(comparer(fiche(), fiche(sexe=Sexe.M)))


def test_une_copie_exacte_est_automatique() -> None:
    [candidat] = classer_candidats(fiche(), [("d1", fiche())])
    assert candidat.decision is Decision.AUTOMATIQUE
    assert candidat.score > 0.999


def test_un_jumeau_va_a_l_examen_quel_que_soit_son_score() -> None:
    jumelle = fiche(prenoms="Chloé")
    [candidat] = classer_candidats(fiche(), [("d1", jumelle)])
    assert candidat.decision is Decision.A_EXAMINER
    assert candidat.vetos == (Veto.JUMEAUX,)


def test_deux_dossiers_identiques_ne_sont_jamais_automatiques() -> None:
    """No clear margin over the runner-up: a duplicate dossier, for a human to pick."""
    candidats = classer_candidats(fiche(), [("d1", fiche()), ("d2", fiche())])
    assert [c.decision for c in candidats] == [Decision.A_EXAMINER, Decision.A_EXAMINER]


def test_un_inconnu_n_a_pas_de_candidat() -> None:
    inconnu = fiche(
        nom="Bernard", prenoms="Hugo", naissance=date(2001, 7, 2), sexe=Sexe.M,
        commune="93048", telephone="0799999999", email="hugo@exemple.fr",
    )  # fmt: skip
    assert classer_candidats(inconnu, [("d1", fiche())]) == []


JOUR = date(2004, 3, 5)
"""A birth date whose day and month can be swapped (2004-05-03)."""


def test_des_noms_et_un_jour_mois_inverses_ne_sont_pas_automatiques_et_se_confirment() -> None:
    """R3, R4: names inverted and day/month swapped at once: a look-alike, not one youth typed
    twice. The engine does not propose it automatically, and matching it needs the manager's
    confirmation, naming the three criteria: one engine, one answer."""
    affectation = fiche(nom="Lefèvre", prenoms="Léa", naissance=JOUR)
    dossier = fiche(nom="Léa", prenoms="Lefèvre", naissance=date(2004, 5, 3))
    elements = comparer(affectation, dossier)
    assert [n for c, n in niveaux(affectation, dossier).items() if c in IDENTITE] == [
        Niveau.INVERSION_NOM_PRENOM,
        Niveau.INVERSION_NOM_PRENOM,
        Niveau.INVERSION_JOUR_MOIS,
    ]
    [candidat] = classer_candidats(affectation, [("d1", dossier)])
    assert candidat.score > 0.999
    assert candidat.decision is Decision.A_EXAMINER
    assert identite_a_confirmer(elements) == ["nom", "prenoms", "dateNaissance"]


@pytest.mark.parametrize(
    "dossier",
    [
        fiche(nom="Léa", prenoms="Lefèvre", naissance=JOUR),
        fiche(nom="Lefèvre", prenoms="Léa", naissance=date(2004, 5, 3)),
        fiche(nom="Lefèbvre", prenoms="Léa", naissance=JOUR),
        fiche(nom="Lefèvre", prenoms="Léa", naissance=date(2004, 3, 6)),
        fiche(nom="Lefèvre", prenoms="Léa Marie", naissance=JOUR),
    ],
    ids=["noms_inverses", "jour_mois_inverses", "faute_de_nom", "un_chiffre", "un_des_prenoms"],
)
def test_une_seule_variation_connue_est_automatique_sans_confirmation(dossier: Fiche) -> None:
    """R3, R4: one known variation of one youth's identity is what matching sees through: it
    can be proposed automatically, and matching it needs no confirmation."""
    affectation = fiche(nom="Lefèvre", prenoms="Léa", naissance=JOUR)
    [candidat] = classer_candidats(affectation, [("d1", dossier)])
    assert candidat.decision is Decision.AUTOMATIQUE
    assert identite_a_confirmer(comparer(affectation, dossier)) == []


def test_deux_variations_connues_demandent_confirmation() -> None:
    """R3, R4: a typo in the surname and a digit off in the birth date: two variations."""
    affectation = fiche(nom="Lefèvre", prenoms="Léa", naissance=JOUR)
    dossier = fiche(nom="Lefèbvre", prenoms="Léa", naissance=date(2004, 3, 6))
    [candidat] = classer_candidats(affectation, [("d1", dossier)])
    assert candidat.decision is Decision.A_EXAMINER
    assert identite_a_confirmer(comparer(affectation, dossier)) == ["nom", "dateNaissance"]


def test_un_nom_different_demande_confirmation() -> None:
    """R4: another surname is not a variation."""
    autre = fiche(nom="Diallo", prenoms="Léa", naissance=JOUR)
    assert identite_a_confirmer(comparer(fiche(naissance=JOUR), autre)) == ["nom", "prenoms"]


def test_les_listes() -> None:
    [c] = classer_candidats(fiche(), [(str(uuid4()), fiche())])
    assert proposition(Trouves([]))[0] is ListeCotraitance.DE_NON_CONNUS
    assert proposition(Trouves([c]))[0] is ListeCotraitance.RAPPROCHEMENTS_POSSIBLES
    assert proposition(Trouves([c], frozenset({c.ref})))[0] is ListeCotraitance.REAFFECTATIONS_PE


# ---------------------------------------------------------------------- properties

noms_fr = st.sampled_from(
    ["Lefèvre", "Martin", "N'Diaye", "de La Fontaine", "Le Goff", "Dubois", "Müller", "Cœur"]
)
prenoms_fr = st.sampled_from(["Léa", "Jean-Baptiste", "Marie Anne", "Lucas", "Chloé", "Éloïse"])
dates = st.dates(date(1995, 1, 1), date(2010, 12, 31))
fiches = st.builds(
    lambda nom, prenoms, naissance, sexe, tel: fiche(
        nom=nom, prenoms=prenoms, naissance=naissance, sexe=sexe, telephone=tel
    ),
    noms_fr,
    prenoms_fr,
    dates,
    st.sampled_from([Sexe.F, Sexe.M, None]),
    st.sampled_from(["0612345678", "0712345678", None]),
)


@given(fiches, fiches)
def test_les_niveaux_sont_symetriques_et_le_score_borne(a: Fiche, b: Fiche) -> None:
    assert niveaux(a, b) == niveaux(b, a)
    poids_ab = sum(e.poids for e in comparer(a, b))
    assert poids_ab == pytest.approx(sum(e.poids for e in comparer(b, a)), abs=0.05)
    assert 0.0 <= score(poids_ab) <= 1.0


@given(fiches, fiches, fiches)
def test_un_candidat_automatique_n_a_jamais_rien_a_confirmer(a: Fiche, b: Fiche, c: Fiche) -> None:
    """R3, R4: one engine, one answer: AUTOMATIQUE implies that ``rapprocher`` needs no
    confirmation."""
    for candidat in classer_candidats(a, [("b", b), ("c", c)]):
        if candidat.decision is Decision.AUTOMATIQUE:
            assert identite_a_confirmer(candidat.explication) == []


@given(fiches)
def test_la_recherche_ajoute_la_date_inversee_et_le_prenom_en_nom(a: Fiche) -> None:
    supplement = cles_de_recherche(a) - cles_de_blocage(a)
    inverse = a.naissance.day <= 12 and a.naissance.day != a.naissance.month
    assert any(c.startswith("dn:") for c in supplement) is inverse
    assert f"py:{phonetique(a.prenom)}:{a.naissance.year}" in cles_de_recherche(a)


@given(fiches, st.sampled_from(["inversion_nom", "jour_mois", "chiffre", "usage"]))
def test_le_blocage_retrouve_les_variantes(a: Fiche, variante: str) -> None:
    """Blocking recall on the variations a DUDE copy shows."""
    if variante == "inversion_nom":
        b = replace(a, noms=(a.prenom,), prenoms=(a.nom,))
    elif variante == "jour_mois":
        if a.naissance.day > 12:
            return
        b = replace(a, naissance=a.naissance.replace(month=a.naissance.day, day=a.naissance.month))
    elif variante == "chiffre":
        if (a.naissance.month, a.naissance.day) == (2, 29):
            return
        b = replace(a, naissance=a.naissance.replace(year=a.naissance.year - 1))
    else:
        b = replace(a, noms=("toutautre",), telephone=None, email=None)
    index = IndexMemoire()
    index.ajouter("vrai", a)
    assert "vrai" in [ref for ref, _ in index.trouver(b)]


def test_l_estimation_prend_m_des_vraies_paires_et_u_des_paires_au_hasard() -> None:
    vrai = [Element("nom", Niveau.EXACT, 0), Element("dateNaissance", Niveau.EXACT, 0)]
    faux = [Element("nom", Niveau.DIFFERENT, 0), Element("dateNaissance", Niveau.DIFFERENT, 0)]
    estimes = estimer([vrai] * 10_000, [faux] * 10_000)
    assert estimes.m["nom"][Niveau.EXACT] > 0.99
    assert estimes.u["nom"][Niveau.DIFFERENT] > 0.99
    # A level never seen keeps a weight (smoothed towards the shipped value), never zero.
    assert (
        0
        < estimes.m["dateNaissance"][Niveau.UN_CHIFFRE]
        < PARAMETRES.m["dateNaissance"][Niveau.UN_CHIFFRE]
    )
