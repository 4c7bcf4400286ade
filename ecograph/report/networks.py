"""The network overview: every organisation coloured by sector."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["figures", "MAX_NODES", "SIZE_BY"]

#: The overview draws at most this many organisations, the most central by :data:`SIZE_BY`.
MAX_NODES = 500
SIZE_BY = "degree"


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
    from ..diagrams.networks import central_sample, network, overview_counts

    if len(eco) < 2 or not structure(eco).nnz:
        return []
    facts = {"max_nodes": MAX_NODES, **overview_counts(central_sample(eco, None, SIZE_BY, MAX_NODES))._asdict()}
    return [Section(
        say("network", lang),
        say("network.figure", lang, max_nodes=MAX_NODES),
        figures={"network": network(eco, size_by=SIZE_BY, max_nodes=MAX_NODES, lang=lang)},
        facts=facts,
    )]
