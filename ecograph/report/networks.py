"""The network overview: every organisation coloured by sector."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["figures"]


def figures(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """The network overview, when the ecosystem has two or more organisations and a relation.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", "甲"); eco.add_org("b", "乙")
    >>> eco.add_relation("a", "b", "collaborates")
    >>> [list(s.figures) for s in figures(eco)]
    [['network']]
    """
    from ..diagrams._base import structure
    from ..diagrams.networks import network

    if len(eco) < 2 or not structure(eco).nnz:
        return []
    return [Section(
        say("network", lang),
        say("network.figure", lang),
        figures={"network": network(eco, lang=lang)},
    )]
