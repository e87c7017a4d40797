"""What every family of types shares: the request's info, Relay nodes and generic connections
(named as the contract does: ``Connection[Dossier]`` is ``DossierConnection``), small values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from api.contexte import ContexteRequete
from api.enums import RoleApi
from domain import valeurs
from domain.valeurs import Sexe

Ctx = Info[ContexteRequete, None]
N = TypeVar("N")


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    node: N
    cursor: str


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def de(cls, noeuds: Sequence[tuple[N, str]], suivante: bool, total: int) -> Connection[N]:
        """A page from its (node, cursor) pairs."""
        aretes = [Edge(node=n, cursor=c) for n, c in noeuds]
        fin = aretes[-1].cursor if aretes else None
        return cls(
            edges=aretes,
            page_info=PageInfo(has_next_page=suivante, end_cursor=fin),
            total_count=total,
        )

    @classmethod
    def tranche(
        cls, suite: Sequence[N], curseur_de: Callable[[N], str], limite: int, total: int
    ) -> Connection[N]:
        """The first ``limite`` of what follows the client's cursor, in memory already."""
        noeuds = [(n, curseur_de(n)) for n in suite[:limite]]
        return cls.de(noeuds, len(suite) > limite, total)


@strawberry.type
class Utilisateur:
    sub: str
    role: RoleApi
    code_mission_locale: str


@strawberry.type
class Conseiller:
    id: strawberry.ID
    nom: str

    @classmethod
    def de(cls, c: valeurs.Conseiller) -> Conseiller:
        return cls(id=strawberry.ID(c.id), nom=c.nom)


@strawberry.type
class Periode:
    debut: date
    fin: date | None


@strawberry.type
class Identite:
    nom: str
    nom_usage: str | None
    prenoms: str
    date_naissance: date
    sexe: Sexe | None
    commune_insee: str | None
    code_postal: str | None
    telephone: str | None
    email: str | None
    efface: bool = strawberry.field(
        description="R20: the dossier was deleted and this identity erased; the other fields "
        'then hold placeholders (names "[effacé]", birth date 1900-01-01), not data.'
    )

    @classmethod
    def de(cls, i: valeurs.Identite) -> Identite:
        """A deleted dossier's identity reads as erased already (crypto-shredding, R20)."""
        return cls(
            efface=i.efface,
            nom=i.nom,
            nom_usage=i.nom_usage,
            prenoms=i.prenoms,
            date_naissance=i.date_naissance,
            sexe=i.sexe,
            commune_insee=i.commune_insee,
            code_postal=i.code_postal,
            telephone=i.telephone,
            email=i.email,
        )


@strawberry.type
class Avertissement:
    code: str
    message: str

    @classmethod
    def de(cls, a: valeurs.Avertissement) -> Avertissement:
        return cls(code=a.code, message=a.message)


@strawberry.type
class Dispositif:
    type: str
    statut: str
    date_entree: date | None
    date_sortie: date | None
