"""French names for the synthetic population, with their frequencies (fixed: France's, not the
seed's). Lists are ordered from the most to the least frequent; a Zipf-like weight follows the
rank, so that Martin, Bernard, Dubois… come far more often than the long tail."""

from __future__ import annotations

from bisect import bisect
from itertools import accumulate
from random import Random


def hasard(cle: str) -> Random:
    """A seeded stream: the same ``cle`` always draws the same values (a string seed is hashed
    with SHA-512, whatever PYTHONHASHSEED)."""
    return Random(f"population:{cle}")  # noqa: S311 (synthetic data, not secrets)


class Tirage:
    """Values drawn with fixed weights (a bisection on the cumulated weights)."""

    def __init__(self, valeurs: list[str], poids: list[float]) -> None:
        self.valeurs = tuple(valeurs)
        self.cumul = tuple(accumulate(poids))

    def __call__(self, rng: Random) -> str:
        indice = bisect(self.cumul, rng.random() * self.cumul[-1])
        return self.valeurs[min(indice, len(self.valeurs) - 1)]


def _liste(texte: str) -> list[str]:
    return [v.strip() for v in texte.split(",") if v.strip()]


def zipf(valeurs: list[str], exposant: float, decalage: float = 1.0) -> Tirage:
    return Tirage(valeurs, [1 / (rang + decalage) ** exposant for rang in range(len(valeurs))])


PARTS_ORIGINES = {
    "france": 0.74,
    "maghreb": 0.10,
    "afrique": 0.05,
    "iberique": 0.045,
    "asie": 0.03,
    "italie": 0.02,
    "turquie": 0.015,
}
"""Where a family's surname comes from; the first names follow, with some mixing."""
PART_NOMS_COURANTS_FRANCE = 0.2
"""French surnames drawn from the common list (Martin ≈ 0.5 % of all youths); the others from
the long tail."""
PART_PRENOM_FRANCAIS = {"france": 0.97, "asie": 0.6, "italie": 0.5, "iberique": 0.4}
"""Youths of a family of this origin given a first name from the French list (others: 0.3)."""

NOMS_COURANTS = _liste(
    "Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, "
    "Michel, Lefèvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, "
    "Lambert, Fontaine, Rousseau, Vincent, Muller, Faure, André, Mercier, Blanc, Guérin, Boyer, "
    "Garnier, Chevalier, François, Legrand, Gauthier, Garcia, Perrin, Robin, Clément, Morin, "
    "Nicolas, Henry, Roussel, Mathieu, Gautier, Masson, Marchand, Duval, Denis, Dumont, Marie, "
    "Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard, Giraud, Joly, Rivière, Lucas, "
    "Brunet, Gaillard, Barbier, Arnaud, Gérard, Roche, Renard, Schmitt, Roy, Leroux, Colin, "
    "Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, Dumas, Lacroix, Olivier, "
    "Philippe, Bourgeois, Pierre, Benoît, Rey, Leclerc, Payet, Rolland, Leclercq, Guillaume, "
    "Lecomte, Jean, Dupuy, Guillot, Hubert, Berger, Carpentier, Dupuis, Moulin, Louis, "
    "Deschamps, Huet, Vasseur, Boucher, Fleury, Royer, Klein, Jacquet, Adam, Paris, Poirier, "
    "Marty, Aubry, Guyot, Carré, Charles, Renault, Charpentier, Ménard, Maillard, Baron, Bertin, "
    "Bailly, Hervé, Schneider, Le Gall, Collet, Léger, Bouvier, Julien, Prévost, Millet, Perrot, "
    "Daniel, Le Roux, Cousin, Germain, Breton, Besson, Langlois, Rémy, Le Goff, Pelletier, "
    "Lévêque, Perrier, Leblanc, Barré, Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger, Jacob, "
    "Monnier, Michaud, Guichard, Gillet, Étienne, Grondin, Poulain, Tessier, Chevallier, Collin, "
    "Chauvin, Bouchet, Gay, Lemaître, Bénard, Maréchal, Humbert, Reynaud, Antoine, Hoarau, "
    "Perret, Barthélemy, Cordier, Pichon, Lejeune, Gilbert, Lamy, Delaunay, Pasquier, Carlier, "
    "Laporte, Lecœur, Le Bihan, Le Floch, Le Corre, Le Guen, de La Fontaine, Saint-Martin, "
    "Desjardins, Lœvenbruck, Le Bris, du Pont, de Saint-Exupéry"
)
NOMS = {
    "maghreb": _liste(
        "Benali, Haddad, Mansouri, Bouaziz, Belkacem, Cherif, Amrani, Benaïssa, Boukhari, Hamidi, "
        "Saïdi, Brahimi, Mebarki, Khelifi, Bensaïd, El Amrani, Aït Ali, Ben Salah, Benhamou, "
        "Boudjema, Chaoui, Djebbar, El Idrissi, Ferhat, Ghali, Hadjadj, Kaci, Lahlou, Meziane, "
        "Ouali, Rahmani, Slimani, Tahri, Zeroual, Bouzid, Benmoussa, Aït Ouarab, El Fassi, Hamdi, "
        "Bakkali"
    ),
    "afrique": _liste(
        "Diallo, N'Diaye, Traoré, Diop, Camara, Koné, Sow, Cissé, Keïta, Touré, Fofana, Sylla, "
        "Coulibaly, Diarra, Bamba, Konaté, Sissoko, Ba, Kanté, N'Guessan, Mendy, Gomis, Sané, "
        "Ndiaye, Dembélé, Diakité, Doumbia, Kouassi, Yao, M'Bengue, N'Dour, Niang, Faye, Sarr, "
        "Gueye, Fall, Kamara, Tshibangu, Mukendi, Makélélé"
    ),
    "iberique": _liste(
        "Da Silva, Dos Santos, Ferreira, Pereira, Rodrigues, Fernandes, Gonçalves, Lopes, Martins, "
        "De Sousa, De Oliveira, d'Almeida, Carvalho, Ribeiro, Teixeira, Gomes, Costa, Moreira, "
        "Alves, Pinto, Martinez, Lopez, Sanchez, Perez, Gomez, Fernandez, Ruiz, Moreno, Jimenez, "
        "Hernandez, Diaz, Alvarez, Romero, Navarro, Dominguez, Vázquez, Muñoz, Ortega"
    ),
    "asie": _liste(
        "Nguyen, Tran, Le, Pham, Huynh, Hoang, Phan, Vu, Vo, Dang, Bui, Do, Ngo, Duong, Ly, Chen, "
        "Wang, Zhang, Lin, Lam, Truong, Dinh, Ta, Mai, Cao"
    ),
    "italie": _liste(
        "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, "
        "Gallo, Conti, De Luca, Giordano, Mancini, Rizzo, Lombardi, Moretti, Di Stefano, "
        "Lo Presti, D'Angelo"
    ),
    "turquie": _liste(
        "Yilmaz, Kaya, Demir, Şahin, Çelik, Yildiz, Öztürk, Aydin, Arslan, Doğan, Koç, Kurt, "
        "Özdemir, Polat, Erdoğan, Aksoy, Güler, Tekin"
    ),
}
_RACINES = _liste(
    "Barb, Bell, Berth, Bess, Bich, Blond, Bonn, Bord, Bouch, Bourd, Brach, Bret, Buiss, Carr, "
    "Chab, Chamb, Champ, Chap, Charp, Chass, Chauv, Chen, Cheval, Coll, Comb, Cord, Coul, Court, "
    "Creus, Delm, Desch, Dev, Dor, Drou, Duch, Dum, Duv, Fav, Ferr, Flor, Foss, Foug, Four, Gaill, "
    "Garn, Gauth, Gerb, Gir, Godb, Gour, Grang, Gren, Gros, Guill, Hub, Jacqu, Jol, Jourd, Lach, "
    "Lagr, Lamb, Lang, Larch, Lebr, Mall, March, Marg, Mass, Maur, Mén, Mich, Mill, Moll, Mont, "
    "Mor, Moul, Noy, Pag, Pasc, Pell, Pich, Pign, Plan, Poir, Pons, Pouj, Prad, Rab, Rag, Raym, "
    "Rév, Rich, Rig, Riv, Roch, Rod, Roll, Rouss, Sauv, Senn, Tard, Teys, Thom, Tourn, Trib, Vach, "
    "Vall, Verd, Vern, Vial, Vid, Vign, Vill, Bouss, Chal, Clav, Gasn, Lesc, Marc"
)
_FINALES = _liste(
    "ard, aud, eau, el, et, ette, ier, ière, in, ine, ion, on, ot, otte, oux, y, ant, as, at, é, "
    "ès, ey, ois, ault, enne, ieux, elin, erat, illon, ereau, onnet, ichon, aix, ac, iez, ouin"
)


_RACINES_MAGHREB = _liste(
    "Ali, Said, Amar, Kacem, Hamou, Moussa, Salah, Youcef, Ahmed, Yahia, Brahim, Slimane, "
    "Djelloul, Aïssa, Abdallah, Mansour, Khaled, Tayeb, Omar, Larbi, Hadj, Mokhtar, Rabah, Driss, "
    "Hassan, Kaddour, Miloud, Hamid"
)


def _noms_maghreb_composes() -> list[str]:
    """Ben Ali and Benali, Bouamar, El Kacem, Aït Amar, Ould Ahmed…"""
    noms = [f"{pre}{r.lower()}" for pre in ("Ben", "Bou") for r in _RACINES_MAGHREB]
    noms += [f"{pre} {r}" for pre in ("Ben", "El", "Aït", "Ould") for r in _RACINES_MAGHREB]
    hasard("noms-maghreb").shuffle(noms)
    return [n for n in noms if n not in NOMS["maghreb"]]


def _noms_rares() -> list[str]:
    """The long tail: plausible French surnames, in a fixed order of frequency."""
    noms = [racine + finale for racine in _RACINES for finale in _FINALES]
    hasard("noms-rares").shuffle(noms)
    return [f"Le {nom}" if i % 37 == 0 else nom for i, nom in enumerate(noms)]


PRENOMS = {
    ("france", "M"): _liste(
        "Lucas, Enzo, Hugo, Thomas, Théo, Nathan, Mathis, Louis, Léo, Maxime, Alexandre, Clément, "
        "Antoine, Baptiste, Quentin, Tom, Noah, Raphaël, Arthur, Gabriel, Valentin, Romain, "
        "Nicolas, Julien, Paul, Evan, Jules, Axel, Kylian, Dylan, Kévin, Jordan, Florian, "
        "Corentin, "
        "Adrien, Mattéo, Timothée, Benjamin, Victor, Samuel, Loïc, Jérémy, Damien, Mathéo, Noé, "
        "Aurélien, Gaëtan, Jean-Baptiste, Pierre-Louis, Killian, Anthony, Dorian, Bastien, Simon, "
        "Erwan, Mickaël, Sébastien, Émile, Gaël, Yann, Marc-Antoine, Jean, Tristan, Titouan, Malo, "
        "Esteban, Ethan, Sacha, Nolan, Aymeric, Jean-Charles, Cyril, Morgan, Rémi, Grégoire, "
        "Thibault, Guillaume, Mathias, Aloïs, Côme"
    ),
    ("france", "F"): _liste(
        "Léa, Manon, Chloé, Emma, Camille, Inès, Sarah, Océane, Lucie, Clara, Jade, Lola, Marie, "
        "Anaïs, Pauline, Laura, Mathilde, Julie, Justine, Louise, Zoé, Juliette, Lisa, Eva, "
        "Maëlys, "
        "Charlotte, Margaux, Alice, Romane, Elisa, Ambre, Marine, Émilie, Mélissa, Célia, Morgane, "
        "Noémie, Élodie, Lou, Léna, Héloïse, Hélène, Lætitia, Anne-Sophie, Marie-Ève, Marie-Lou, "
        "Ophélie, Solène, Bérénice, Nolwenn, Maïwenn, Capucine, Agathe, Clémence, Cécile, Gaëlle, "
        "Axelle, Lilou, Maëva, Éloïse, Perrine, Estelle, Mélanie, Coralie, Laurine, Amandine, "
        "Marie-Charlotte, Anne-Laure, Faustine, Zoë"
    ),
    ("maghreb", "M"): _liste(
        "Yanis, Rayan, Mohamed, Adam, Ilyes, Mehdi, Bilal, Sofiane, Karim, Nassim, Amine, Walid, "
        "Yassine, Hamza, Anis, Samy, Ryad, Zakaria, Ismaël, Younes, Mohamed-Amine, Abdelkader"
    ),
    ("maghreb", "F"): _liste(
        "Inès, Yasmine, Sarah, Lina, Nour, Amira, Myriam, Salma, Kenza, Imane, Sofia, Wassila, "
        "Nawel, Rania, Soraya, Leïla, Samira, Hajar, Aya, Fatima-Zahra"
    ),
    ("afrique", "M"): _liste(
        "Mamadou, Moussa, Ibrahima, Ousmane, Amadou, Seydou, Cheikh, Abdoulaye, Boubacar, "
        "Aboubacar, Issa, Souleymane, Mamadou-Lamine, Kalidou, Babacar, Modibo, Yacouba, Djibril"
    ),
    ("afrique", "F"): _liste(
        "Awa, Aminata, Fatoumata, Mariam, Aïssatou, Kadiatou, Fanta, Oumou, Hawa, Binta, Coumba, "
        "Ndeye, Rokhaya, Assa, Mariama, Sokhna, Khady, Adama"
    ),
    ("iberique", "M"): _liste(
        "Diego, Tiago, Rafael, Miguel, João, Pedro, Carlos, Alejandro, Manuel, Nuno, Bruno, Rubén, "
        "Sergio, Luis"
    ),
    ("iberique", "F"): _liste(
        "Inês, Ana, Maria, Sofia, Beatriz, Carla, Lucía, Marta, Alba, Paula, Catarina, Joana, Rita"
    ),
    ("asie", "M"): _liste("Minh, Long, Huy, Thanh, Bao, Duc, Anh, Wei, Hao, Quang"),
    ("asie", "F"): _liste("Linh, Mai, Thu, Lan, Anh, Ngoc, Vy, Mei, Thao, Hoa"),
    ("italie", "M"): _liste("Lorenzo, Matteo, Luca, Marco, Alessandro, Giovanni, Fabio, Dario"),
    ("italie", "F"): _liste("Giulia, Chiara, Francesca, Alessia, Giorgia, Martina, Bianca, Aurora"),
    ("turquie", "M"): _liste("Emre, Yusuf, Mehmet, Burak, Can, Eren, Kerem, Enes, Mert, Baran"),
    ("turquie", "F"): _liste("Elif, Zeynep, Ecem, Büşra, Merve, Esra, Melek, Derya, Selin, Dilara"),
}
PRENOMS_SECONDS = {
    "M": _liste(
        "Jean, Pierre, Louis, Paul, Marie, Joseph, Michel, André, Philippe, Henri, Jacques, "
        "Antoine, François, Charles, Alexandre, Gabriel, Xavier, Noël"
    ),
    "F": _liste(
        "Marie, Anne, Louise, Jeanne, Claire, Catherine, Françoise, Élisabeth, Sophie, Hélène, "
        "Isabelle, Christine, Rose, Madeleine, Thérèse, Cécile, Geneviève, Laure"
    ),
}
"""Second and third first names (``Léa Marie Anne``), and the parents' first names."""

TIRAGE_ORIGINE = Tirage(list(PARTS_ORIGINES), list(PARTS_ORIGINES.values()))
TIRAGE_NOMS_COURANTS = zipf(NOMS_COURANTS, 0.5)
TIRAGE_NOMS_RARES = zipf(_noms_rares(), 0.5, decalage=100)
NOMS["maghreb"] += _noms_maghreb_composes()
TIRAGE_NOMS = {origine: zipf(noms, 0.35) for origine, noms in NOMS.items()}
TIRAGE_PRENOMS = {cle: zipf(prenoms, 0.5, decalage=10) for cle, prenoms in PRENOMS.items()}
TIRAGE_PRENOMS_SECONDS = {sexe: zipf(p, 0.8) for sexe, p in PRENOMS_SECONDS.items()}


def nom_de_famille(rng: Random) -> tuple[str, str]:
    """A surname and the origin its family's first names follow."""
    origine = TIRAGE_ORIGINE(rng)
    if origine != "france":
        return TIRAGE_NOMS[origine](rng), origine
    if rng.random() < PART_NOMS_COURANTS_FRANCE:
        return TIRAGE_NOMS_COURANTS(rng), origine
    return TIRAGE_NOMS_RARES(rng), origine


def prenom(rng: Random, origine: str, sexe: str) -> str:
    if rng.random() < PART_PRENOM_FRANCAIS.get(origine, 0.3):
        origine = "france"
    return TIRAGE_PRENOMS[(origine, sexe)](rng)


def prenom_second(rng: Random, origine: str, sexe: str) -> str:
    if origine == "france":
        return TIRAGE_PRENOMS_SECONDS[sexe](rng)
    return TIRAGE_PRENOMS[(origine, sexe)](rng)
