"""The Missions Locales of the synthetic population: zones of real-looking INSEE codes in real
départements, counselors, and how the dossiers are shared among them."""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass
from random import Random

from cotraitance.population_noms import nom_de_famille, prenom_second


@dataclass(frozen=True)
class Commune:
    insee: str
    postal: str


@dataclass(frozen=True)
class MissionLocale:
    code: str
    nom: str
    indicatif: str
    """The region's landline prefix digit (01 Île-de-France … 05 south-west)."""
    communes: tuple[Commune, ...]
    cumul: tuple[float, ...]
    hors_zone: tuple[Commune, ...]
    """Communes of the same département outside every ML's zone."""
    conseillers: tuple[tuple[str, str], ...]
    debut: int
    fin: int
    """Its dossiers are those of index debut ≤ i < fin."""

    NOMBRE_MAX = 200

    @property
    def taille(self) -> int:
        return self.fin - self.debut

    def commune(self, rng: Random) -> Commune:
        indice = bisect(self.cumul, rng.random() * self.cumul[-1])
        return self.communes[min(indice, len(self.communes) - 1)]

    def ligne(self) -> dict[str, object]:
        return {
            "codeMissionLocale": self.code,
            "nom": self.nom,
            "communesInsee": [c.insee for c in self.communes],
            "conseillers": [{"id": i, "nom": n} for i, n in self.conseillers],
        }


_VILLES = [
    ("Mission Locale de Paris Est", "75", "1"),
    ("Mission Locale de Lyon", "69", "4"),
    ("Mission Locale de Marseille", "13", "4"),
    ("Mission Locale de Lille Avenir", "59", "3"),
    ("Mission Locale de Toulouse", "31", "5"),
    ("Mission Locale Nantes Métropole", "44", "2"),
    ("Mission Locale du Bassin Rennais", "35", "2"),
    ("Mission Locale du Pays de Brest", "29", "2"),
    ("Mission Locale de Strasbourg", "67", "3"),
    ("Mission Locale des Jeunes de Bordeaux", "33", "5"),
    ("Mission Locale Montpellier Méditerranée", "34", "4"),
    ("Mission Locale Nice Côte d'Azur", "06", "4"),
    ("Mission Locale d'Ajaccio", "2A", "4"),
    ("Mission Locale de Bastia", "2B", "4"),
    ("Mission Locale de Saint-Denis", "93", "1"),
    ("Mission Locale de Créteil", "94", "1"),
    ("Mission Locale du Grand Amiénois", "80", "3"),
    ("Mission Locale de Rouen", "76", "2"),
    ("Mission Locale Caen la Mer", "14", "2"),
    ("Mission Locale de Dijon", "21", "3"),
    ("Mission Locale de Besançon", "25", "3"),
    ("Mission Locale de Clermont-Ferrand", "63", "4"),
    ("Mission Locale de l'Agglomération de Limoges", "87", "5"),
    ("Mission Locale de Poitiers", "86", "5"),
    ("Mission Locale de l'Orléanais", "45", "2"),
    ("Mission Locale de Touraine", "37", "2"),
    ("Mission Locale de Metz", "57", "3"),
    ("Mission Locale du Grand Nancy", "54", "3"),
    ("Mission Locale de Reims", "51", "3"),
    ("Mission Locale de Grenoble", "38", "4"),
    ("Mission Locale de Saint-Étienne", "42", "4"),
    ("Mission Locale de Perpignan", "66", "4"),
    ("Mission Locale Pau Pyrénées", "64", "5"),
    ("Mission Locale de La Rochelle", "17", "5"),
    ("Mission Locale de l'Agglomération Mancelle", "72", "2"),
    ("Mission Locale d'Angers", "49", "2"),
    ("Mission Locale du Pays de Cornouaille", "29", "2"),
    ("Mission Locale du Pays de Lorient", "56", "2"),
    ("Mission Locale de Saint-Brieuc", "22", "2"),
    ("Mission Locale Centre Essonne", "91", "1"),
    ("Mission Locale de Cergy", "95", "1"),
    ("Mission Locale de Versailles", "78", "1"),
    ("Mission Locale du Havre", "76", "2"),
    ("Mission Locale de Toulon", "83", "4"),
    ("Mission Locale d'Avignon", "84", "4"),
]


def missions_locales(rng: Random, nombre: int, dossiers: int) -> list[MissionLocale]:
    """``nombre`` MLs of uneven sizes sharing ``dossiers``; disjoint zones of 6 to 28 communes
    (a département's commune numbers 001–899; 900–999 lie outside every zone)."""
    poids = [rng.lognormvariate(0, 0.6) for _ in range(nombre)]
    tailles = _repartir(dossiers, poids)
    prochaine: dict[str, int] = {}
    mls, debut = [], 0
    for k in range(nombre):
        nom, departement, indicatif = _VILLES[k % len(_VILLES)]
        if k >= len(_VILLES):
            nom = f"{nom} — antenne {k // len(_VILLES) + 1}"
        numeros = []
        for _ in range(rng.randint(6, 28)):
            prochaine[departement] = prochaine.get(departement, 0) + rng.randint(1, 3)
            numeros.append(prochaine[departement])
        hors = rng.sample(range(900, 1000), 5)
        conseillers = tuple(
            (f"ML{k + 1:03d}-C{n:02d}", _nom_d_adulte(rng)) for n in range(1, rng.randint(3, 12))
        )
        communes = tuple(_commune(departement, n) for n in numeros)
        mls.append(
            MissionLocale(
                code=f"ML{k + 1:03d}",
                nom=nom,
                indicatif=indicatif,
                communes=communes,
                cumul=tuple(_cumul_zipf(len(communes))),
                hors_zone=tuple(_commune(departement, n) for n in hors),
                conseillers=conseillers,
                debut=debut,
                fin=debut + tailles[k],
            )
        )
        debut += tailles[k]
    return mls


def _commune(departement: str, numero: int) -> Commune:
    prefixe = "20" if departement in ("2A", "2B") else departement
    return Commune(f"{departement}{numero:03d}", f"{prefixe}{((numero * 7) % 97 + 1) * 10:03d}")


def _cumul_zipf(nombre: int) -> list[float]:
    cumul, total = [], 0.0
    for rang in range(nombre):
        total += 1 / (rang + 1)
        cumul.append(total)
    return cumul


def _repartir(total: int, poids: list[float]) -> list[int]:
    """``total`` split in proportion to ``poids`` (largest remainders)."""
    somme = sum(poids)
    exactes = [total * p / somme for p in poids]
    parts = [int(e) for e in exactes]
    restes = sorted(range(len(poids)), key=lambda i: (parts[i] - exactes[i], i))
    for i in restes[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _nom_d_adulte(rng: Random) -> str:
    nom, origine = nom_de_famille(rng)
    return f"{prenom_second(rng, origine, rng.choice('FM'))} {nom}"
