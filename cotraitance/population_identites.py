"""The youths of the synthetic population: families, identities as an ML's dossier holds them,
and the ways the DUDE's copy of the same youth differs (``Cas``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import Enum
from random import Random

from cotraitance.population_graphies import (
    autre_graphie,
    faute_de_chiffre,
    faute_de_lettre,
    jour_mois_inversables,
    plus_ans,
)
from cotraitance.population_noms import (
    Tirage,
    nom_de_famille,
    prenom,
    prenom_second,
)
from cotraitance.population_territoire import Commune, MissionLocale
from domain.noms import compact
from domain.valeurs import TypeEvenement

# --- Proportions of the dossiers ---------------------------------------------------------

PART_NOM_DOUBLE = 0.05
"""Double surnames, hyphenated or not (Martin-Dubois, Da Silva Ferreira)."""
PART_NOM_USAGE = 0.06
"""Dossiers with a usage name: married name, the other parent's name or both parents'."""
PART_PRENOMS_MULTIPLES = 0.3
"""Dossiers holding several first names (Léa Marie Anne) rather than the first one alone."""
PART_NOM_MAJUSCULES = 0.6
PART_PRENOMS_MAJUSCULES = 0.15
"""Names typed in capitals (DUPONT), the rest as written (Dupont, de La Fontaine)."""
PART_TELEPHONE_PERSONNEL, PART_TELEPHONE_FOYER = 0.65, 0.25
PART_EMAIL_PERSONNEL, PART_EMAIL_FOYER = 0.6, 0.15
"""The youth's own phone/e-mail, the family's (shared by siblings), or none."""
PART_DOSSIERS_HORS_ZONE = 0.02
"""Dossiers of youths who have since moved out of the ML's zone."""
PART_IDENTIFIANT_PE = 0.3
"""Dossiers holding the PE identifier (always when the youth had a PPAE)."""
PART_JUSTIFIE = 0.7
PART_PPAE_TERMINE, PART_PPAE_EN_COURS = 0.15, 0.03
AUTRES_DISPOSITIFS = (("CEJ", 0.10, 0.12), ("PACEA", 0.05, 0.20), ("AUTRE", 0.0, 0.04))
"""(type, share en cours, share terminé); at most one programme en cours per dossier."""
PART_HORS_ZONE_DEMENAGEMENT = 0.25
"""A move (DEMENAGEMENT) out of the ML's zone rather than within it."""


class Cas(Enum):
    """How an affectation (or a duplicate dossier) relates to the dossier it copies."""

    COPIE_EXACTE = "COPIE_EXACTE"
    CASSE_ACCENTS = "CASSE_ACCENTS"
    """Capitals, accents, ligatures, hyphens, apostrophes or spaces written differently."""
    INVERSION_NOM_PRENOM = "INVERSION_NOM_PRENOM"
    INVERSION_JOUR_MOIS = "INVERSION_JOUR_MOIS"
    FAUTE_CHIFFRE_NAISSANCE = "FAUTE_CHIFFRE_NAISSANCE"
    """One digit of the ISO birth date typed wrong (the date stays valid)."""
    FAUTE_NOM = "FAUTE_NOM"
    """One letter of the surname substituted, dropped or doubled."""
    PREMIER_PRENOM_SEUL = "PREMIER_PRENOM_SEUL"
    NOM_USAGE = "NOM_USAGE"
    """The DUDE's surname is the dossier's usage name."""
    DEMENAGEMENT = "DEMENAGEMENT"
    """Another commune and postal code, a new phone, sometimes a new e-mail."""
    CONTACTS_ABSENTS = "CONTACTS_ABSENTS"
    JUMEAU_CONNU = "JUMEAU_CONNU"
    """An exact copy; the youth's twin has a dossier too (``idDossierProche``)."""
    NOUVEAU = "NOUVEAU"
    JUMEAU = "JUMEAU"
    """A new person whose twin has a dossier: same birth date and surname."""
    HOMONYME = "HOMONYME"
    """A new person with the name and first names of a youth who has a dossier."""
    FRATRIE = "FRATRIE"
    """A new person whose brother or sister has a dossier: same family phone and e-mail."""


CAS_NOUVEAUX = frozenset({Cas.NOUVEAU, Cas.JUMEAU, Cas.HOMONYME, Cas.FRATRIE})
PARTS_CAS_DOUBLONS = {
    Cas.COPIE_EXACTE: 0.20,
    Cas.CASSE_ACCENTS: 0.25,
    Cas.FAUTE_NOM: 0.15,
    Cas.PREMIER_PRENOM_SEUL: 0.10,
    Cas.INVERSION_JOUR_MOIS: 0.05,
    Cas.FAUTE_CHIFFRE_NAISSANCE: 0.08,
    Cas.DEMENAGEMENT: 0.07,
    Cas.CONTACTS_ABSENTS: 0.05,
    Cas.NOM_USAGE: 0.05,
}
"""How a duplicate dossier differs from the first one (CASSE_ACCENTS when not applicable)."""
_TIRAGE_CAS_DOUBLONS = Tirage(
    [c.value for c in PARTS_CAS_DOUBLONS], list(PARTS_CAS_DOUBLONS.values())
)
_PARTS_DOMAINES = {
    "gmail.com": 35,
    "hotmail.fr": 15,
    "yahoo.fr": 7,
    "outlook.fr": 8,
    "icloud.com": 8,
    "orange.fr": 6,
    "free.fr": 5,
    "laposte.net": 4,
    "sfr.fr": 3,
    "live.fr": 4,
    "hotmail.com": 5,
}
_TIRAGE_DOMAINES = Tirage(list(_PARTS_DOMAINES), list(_PARTS_DOMAINES.values()))
_TIRAGE_EVENEMENTS = Tirage(
    [t.value for t in TypeEvenement],
    [45, 10, 20, 10, 8, 7],
)
_TIRAGE_NOMBRE_EVENEMENTS = Tirage([str(n) for n in range(9)], [20, 15, 15, 12, 10, 8, 8, 6, 6])
_CLES_PE = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Foyer:
    """A family: what brothers, sisters and twins share."""

    nom: str
    origine: str
    commune: Commune
    telephone: str
    email: str


@dataclass(frozen=True)
class Personne:
    """A youth's identity as one file holds it (phone as 0 + nine digits)."""

    nom: str
    nom_usage: str | None
    prenoms: str
    naissance: date
    sexe: str
    commune: Commune
    telephone: str | None
    email: str | None
    origine: str

    def champs(self, telephone: str | None) -> dict[str, object]:
        """The DESIGN §4 identity fields, the phone written as given."""
        return {
            "nom": self.nom,
            "nomUsage": self.nom_usage,
            "prenoms": self.prenoms,
            "dateNaissance": self.naissance.isoformat(),
            "sexe": self.sexe,
            "communeInsee": self.commune.insee,
            "codePostal": self.commune.postal,
            "telephone": telephone,
            "email": self.email,
        }

    @property
    def premier_prenom(self) -> str:
        return self.prenoms.split()[0]


@dataclass(frozen=True)
class Contenu:
    """What a dossier holds beyond the identity."""

    identifiant_pe: str | None
    justifie: bool
    dispositifs: list[dict[str, str | None]]
    evenements: list[dict[str, str]]
    a_eu_ppae: bool


class Fabrique:
    """Draws families, youths and their variations from one random stream."""

    def __init__(self, rng: Random, reference: date, premier_telephone: int) -> None:
        self.rng = rng
        self.reference = reference
        self.serie_telephone = premier_telephone

    # --- Identifiers and contacts --------------------------------------------------------

    def identifiant_pe(self, serie: int) -> str:
        """Unique per ``serie`` (an affine bijection of the 7 digits), a random key."""
        return f"{(serie * 3_141_593 + 1_234_567) % 10**7:07d}{self.rng.choice(_CLES_PE)}"

    def _telephone(self, prefixe: str) -> str:
        self.serie_telephone += 1
        return f"0{prefixe}{(self.serie_telephone * 7_919_237 + 4_321) % 10**8:08d}"

    def mobile(self) -> str:
        return self._telephone(self.rng.choice("67"))

    def email(self, prenoms: str, nom: str, naissance: date) -> str:
        p, n = compact(prenoms.split()[0]) or "jeune", compact(nom) or "contact"
        yy, nn = f"{naissance.year % 100:02d}", f"{self.rng.randrange(100):02d}"
        formes = [f"{p}.{n}{yy}", f"{p}{n}{nn}", f"{p[0]}{n}{yy}{nn}", f"{n}.{p}{nn}"]
        formes += [f"{p}{yy}{nn}", f"{p}-{n}{nn}", f"{p}.{n}"]
        return f"{self.rng.choice(formes)}@{_TIRAGE_DOMAINES(self.rng)}"

    def format_dossier(self, telephone: str | None) -> str | None:
        if telephone is None or self.rng.random() < 0.8:
            return telephone
        return _par_paires(telephone)

    def format_dude(self, telephone: str | None) -> str | None:
        tirage = self.rng.random()
        if telephone is None or tirage < 0.4:
            return telephone
        return _par_paires(telephone) if tirage < 0.9 else "+33 " + _par_paires(telephone)[1:]

    # --- People --------------------------------------------------------------------------

    def naissance(self, jour: date, age_min: int, age_max: int) -> date:
        """A birth date giving an age in [age_min, age_max) on ``jour``."""
        plus_tot = plus_ans(jour, -age_max) + timedelta(days=1)
        plus_tard = plus_ans(jour, -age_min)
        return plus_tot + timedelta(days=self.rng.randrange((plus_tard - plus_tot).days + 1))

    def foyer(self, ml: MissionLocale, hors_zone: bool | None = None) -> Foyer:
        rng = self.rng
        nom, origine = nom_de_famille(rng)
        if rng.random() < PART_NOM_DOUBLE:
            autre, _ = nom_de_famille(rng)
            nom = f"{nom}{rng.choice('- ')}{autre}" if compact(autre) != compact(nom) else nom
        if hors_zone is None:
            hors_zone = rng.random() < PART_DOSSIERS_HORS_ZONE
        commune = rng.choice(ml.hors_zone) if hors_zone else ml.commune(rng)
        fixe = rng.random() < 0.4
        telephone = self._telephone(ml.indicatif) if fixe else self.mobile()
        parent = prenom_second(rng, origine, rng.choice("FM"))
        locaux = (f"{compact(parent)}.{compact(nom)}", f"famille.{compact(nom)}")
        email = f"{rng.choice(locaux)}{rng.randint(1, 999)}@{_TIRAGE_DOMAINES(rng)}"
        return Foyer(nom, origine, commune, telephone, email)

    def jeune(
        self,
        foyer: Foyer,
        naissance: date,
        *,
        sexe: str | None = None,
        autre_que: str | None = None,
        multiples: bool | None = None,
        nom_usage: bool | None = None,
        contacts_du_foyer: bool = False,
        contacts_complets: bool = False,
    ) -> Personne:
        rng = self.rng
        sexe = sexe or rng.choice("FM")
        prenoms = self._prenoms(foyer.origine, sexe, multiples, autre_que)
        usage = None
        if nom_usage or (nom_usage is None and rng.random() < PART_NOM_USAGE):
            usage = self._nom_usage(foyer, sexe, naissance)
        if rng.random() < PART_NOM_MAJUSCULES:
            nom, usage = foyer.nom.upper(), usage.upper() if usage else None
        else:
            nom = foyer.nom
        telephone = email = None
        tirage = rng.random()
        if contacts_du_foyer or PART_TELEPHONE_PERSONNEL <= tirage < (
            PART_TELEPHONE_PERSONNEL + PART_TELEPHONE_FOYER
        ):
            telephone = foyer.telephone
        elif tirage < PART_TELEPHONE_PERSONNEL or contacts_complets:
            telephone = self.mobile()
        tirage = rng.random()
        if contacts_du_foyer or PART_EMAIL_PERSONNEL <= tirage < (
            PART_EMAIL_PERSONNEL + PART_EMAIL_FOYER
        ):
            email = foyer.email
        elif tirage < PART_EMAIL_PERSONNEL or contacts_complets:
            email = self.email(prenoms, foyer.nom, naissance)
        if rng.random() < PART_PRENOMS_MAJUSCULES:
            prenoms = prenoms.upper()
        return Personne(
            nom, usage, prenoms, naissance, sexe, foyer.commune, telephone, email, foyer.origine
        )

    def _prenoms(
        self, origine: str, sexe: str, multiples: bool | None, autre_que: str | None
    ) -> str:
        rng, exclus = self.rng, {compact(autre_que.split()[0])} if autre_que else set()
        premier = prenom(rng, origine, sexe)
        while compact(premier) in exclus:
            premier = prenom(rng, origine, sexe)
        noms = [premier]
        if multiples or (multiples is None and rng.random() < PART_PRENOMS_MULTIPLES):
            for _ in range(1 if rng.random() < 0.65 else 2):
                for _essai in range(10):
                    second = prenom_second(rng, origine, sexe)
                    if second not in noms:
                        noms.append(second)
                        break
        return " ".join(noms)

    def _nom_usage(self, foyer: Foyer, sexe: str, naissance: date) -> str:
        """Married name, the other parent's name, or both parents' names."""
        rng = self.rng
        autre, _ = nom_de_famille(rng)
        while compact(autre) == compact(foyer.nom):
            autre, _ = nom_de_famille(rng)
        marie = sexe == "F" and naissance.year <= self.reference.year - 20
        if (marie and rng.random() < 0.5) or rng.random() < 0.4:
            return autre
        return f"{foyer.nom} {autre}"

    def base(
        self, ml: MissionLocale, foyer: Foyer, cas: Cas, jour: date, plus_de_26: bool
    ) -> Personne:
        """A dossier an affectation will copy: its identity allows the case planned."""
        age_min, age_max = (26, 28) if plus_de_26 else (16, 26)
        naissance = self.naissance(jour, age_min, age_max)
        while cas is Cas.INVERSION_JOUR_MOIS and not jour_mois_inversables(naissance):
            naissance = self.naissance(jour, age_min, age_max)
        return self.jeune(
            foyer,
            naissance,
            multiples=True if cas is Cas.PREMIER_PRENOM_SEUL else None,
            nom_usage=True if cas is Cas.NOM_USAGE else None,
            contacts_du_foyer=cas is Cas.FRATRIE,
            contacts_complets=cas in (Cas.DEMENAGEMENT, Cas.CONTACTS_ABSENTS),
        )

    def jumeau(self, autre: Personne, foyer: Foyer) -> Personne:
        """Same birth date, surname and address; often the same phone or e-mail."""
        rng = self.rng
        jumeau = self.jeune(foyer, autre.naissance, autre_que=autre.prenoms, nom_usage=False)
        telephone = autre.telephone if autre.telephone and rng.random() < 0.5 else jumeau.telephone
        email = autre.email if autre.email and rng.random() < 0.3 else jumeau.email
        return replace(
            jumeau, nom=autre.nom, commune=autre.commune, telephone=telephone, email=email
        )

    def frere_ou_soeur(
        self,
        autre: Personne,
        foyer: Foyer,
        jour: date,
        age_min: int,
        age_max: int,
        contacts_du_foyer: bool = False,
    ) -> Personne:
        """Same surname and address, born at least ten months apart."""
        naissance = self.naissance(jour, age_min, age_max)
        for _ in range(20):
            if abs((naissance - autre.naissance).days) >= 300:
                break
            naissance = self.naissance(jour, age_min, age_max)
        frere = self.jeune(
            foyer, naissance, autre_que=autre.prenoms, contacts_du_foyer=contacts_du_foyer
        )
        return replace(frere, nom=autre.nom, commune=autre.commune)

    def homonyme(self, autre: Personne, ml: MissionLocale, jour: date) -> Personne:
        """Another family's youth with the same name and first names, born another day."""
        naissance = self.naissance(jour, 16, 26)
        while naissance == autre.naissance:
            naissance = self.naissance(jour, 16, 26)
        homonyme = self.jeune(self.foyer(ml, hors_zone=False), naissance, sexe=autre.sexe)
        email = homonyme.email
        while email is not None and email == autre.email:
            email = self.email(autre.prenoms, autre.nom, naissance)
        return replace(homonyme, nom=autre.nom, nom_usage=None, prenoms=autre.prenoms, email=email)

    # --- Variations ----------------------------------------------------------------------

    def cas_de_doublon(self, personne: Personne) -> Cas:
        cas = Cas(_TIRAGE_CAS_DOUBLONS(self.rng))
        return cas if applicable(cas, personne) else Cas.CASSE_ACCENTS

    def varier(self, p: Personne, cas: Cas, ml: MissionLocale) -> Personne:
        """``p`` as another file holds it, differing by ``cas`` only (``applicable``)."""
        rng = self.rng
        if cas is Cas.CASSE_ACCENTS:
            nom, prenoms = p.nom, p.prenoms
            if rng.random() < 0.7:
                nom = autre_graphie(rng, p.nom, nom_de_famille=True)
            if nom == p.nom or rng.random() < 0.5:
                prenoms = autre_graphie(rng, p.prenoms, nom_de_famille=False)
            return replace(p, nom=nom, prenoms=prenoms)
        if cas is Cas.INVERSION_NOM_PRENOM:
            return replace(p, nom=p.prenoms, prenoms=p.nom)
        if cas is Cas.INVERSION_JOUR_MOIS:
            return replace(
                p, naissance=p.naissance.replace(month=p.naissance.day, day=p.naissance.month)
            )
        if cas is Cas.FAUTE_CHIFFRE_NAISSANCE:
            return replace(p, naissance=faute_de_chiffre(rng, p.naissance, self.reference))
        if cas is Cas.FAUTE_NOM:
            return replace(p, nom=faute_de_lettre(rng, p.nom))
        if cas is Cas.PREMIER_PRENOM_SEUL:
            return replace(p, prenoms=p.premier_prenom)
        if cas is Cas.NOM_USAGE:
            return replace(p, nom=p.nom_usage or p.nom, nom_usage=None)
        if cas is Cas.DEMENAGEMENT:
            return self._demenager(p, ml)
        if cas is Cas.CONTACTS_ABSENTS:
            sans = rng.choice(("telephone", "email", "les deux"))
            return replace(
                p,
                telephone=None if sans != "email" else p.telephone,
                email=None if sans != "telephone" else p.email,
            )
        return p

    def _demenager(self, p: Personne, ml: MissionLocale) -> Personne:
        rng = self.rng
        hors_zone = rng.random() < PART_HORS_ZONE_DEMENAGEMENT or len(ml.communes) < 2
        communes = ml.hors_zone if hors_zone else ml.communes
        commune = rng.choice(communes)
        while commune == p.commune:
            commune = rng.choice(communes)
        email = p.email
        if rng.random() < 0.5:
            while email == p.email:
                email = self.email(p.prenoms, p.nom, p.naissance)
        return replace(p, commune=commune, telephone=self.mobile(), email=email)

    # --- The rest of a dossier -----------------------------------------------------------

    def contenu(self, p: Personne, serie: int, doublon: bool) -> Contenu:
        """Programmes, events, justification; a duplicate is a thin second dossier."""
        rng = self.rng
        dispositifs = [] if doublon else self._dispositifs(p)
        ppae = [d["statut"] for d in dispositifs if d["type"] == "PPAE"]
        evenements = self._evenements(p, 3 if doublon else 8)
        if "EN_COURS" in ppae:
            entree = date.fromisoformat(str(dispositifs[0]["dateEntree"]))
            jour = entree + timedelta(days=rng.randrange((self.reference - entree).days + 1))
            evenements.append({"type": "ENTRETIEN_INDIVIDUEL", "date": jour.isoformat()})
            evenements.sort(key=lambda e: e["date"])
        identifiant = None
        if ppae or (not doublon and rng.random() < PART_IDENTIFIANT_PE):
            identifiant = self.identifiant_pe(serie)
        justifie = "EN_COURS" in ppae or rng.random() < (0.3 if doublon else PART_JUSTIFIE)
        return Contenu(identifiant, justifie, dispositifs, evenements, bool(ppae))

    def _fenetre(self, p: Personne, annees: int) -> tuple[date, int]:
        debut = max(plus_ans(p.naissance, 16), plus_ans(self.reference, -annees))
        return debut, max((self.reference - debut).days, 0)

    def _dispositifs(self, p: Personne) -> list[dict[str, str | None]]:
        rng = self.rng
        debut, jours = self._fenetre(p, 5)
        if jours <= 30:
            return []
        tirage, dispositifs = rng.random(), []
        if tirage < PART_PPAE_EN_COURS + PART_PPAE_TERMINE:
            statut = "EN_COURS" if tirage < PART_PPAE_EN_COURS else "TERMINE"
            dispositifs.append(self._dispositif("PPAE", statut, debut, jours))
        en_cours = bool(dispositifs) and dispositifs[0]["statut"] == "EN_COURS"
        for type_dispositif, part_en_cours, part_termine in AUTRES_DISPOSITIFS:
            tirage = rng.random()
            if tirage < part_en_cours and not en_cours:
                dispositifs.append(self._dispositif(type_dispositif, "EN_COURS", debut, jours))
                en_cours = True
            elif part_en_cours <= tirage < part_en_cours + part_termine:
                dispositifs.append(self._dispositif(type_dispositif, "TERMINE", debut, jours))
        return dispositifs

    def _dispositif(
        self, type_: str, statut: str, debut: date, jours: int
    ) -> dict[str, str | None]:
        entree = debut + timedelta(days=self.rng.randrange(jours - 30))
        sortie = None
        if statut == "TERMINE":
            fin = min(entree + timedelta(days=self.rng.randint(30, 540)), self.reference)
            sortie = fin.isoformat()
        return {
            "type": type_,
            "statut": statut,
            "dateEntree": entree.isoformat(),
            "dateSortie": sortie,
        }

    def _evenements(self, p: Personne, maximum: int) -> list[dict[str, str]]:
        debut, jours = self._fenetre(p, 3)
        if debut > self.reference:  # not 16 yet: no event to record (none in the future)
            return []
        nombre = min(int(_TIRAGE_NOMBRE_EVENEMENTS(self.rng)), maximum)
        dates = sorted(debut + timedelta(days=self.rng.randrange(jours + 1)) for _ in range(nombre))
        return [{"type": _TIRAGE_EVENEMENTS(self.rng), "date": d.isoformat()} for d in dates]

    def ligne_dossier(
        self, id_dossier: str, ml: MissionLocale, p: Personne, contenu: Contenu
    ) -> dict[str, object]:
        return {
            "idDossier": id_dossier,
            "codeMissionLocale": ml.code,
            **p.champs(self.format_dossier(p.telephone)),
            "identifiantPe": contenu.identifiant_pe,
            "justifie": contenu.justifie,
            "dispositifs": contenu.dispositifs,
            "evenements": contenu.evenements,
        }


def applicable(cas: Cas, p: Personne) -> bool:
    if cas is Cas.INVERSION_JOUR_MOIS:
        return jour_mois_inversables(p.naissance)
    if cas is Cas.PREMIER_PRENOM_SEUL:
        return len(p.prenoms.split()) >= 2
    if cas is Cas.NOM_USAGE:
        return p.nom_usage is not None
    if cas is Cas.CONTACTS_ABSENTS:
        return p.telephone is not None and p.email is not None
    return True


# --- Text and date variations ------------------------------------------------------------


def _par_paires(telephone: str) -> str:
    return " ".join(telephone[i : i + 2] for i in range(0, 10, 2))
