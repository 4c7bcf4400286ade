"""Central organisations: PageRank, betweenness and degree of the ten most central."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..centrality import betweenness, degree, pagerank
from ..matrix import compile
from ..results import competition_ranks
from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "EXACT_BETWEENNESS_UP_TO", "SAMPLED_SOURCES"]

#: Betweenness is exact up to this many organisations, and estimated from
#: :data:`SAMPLED_SOURCES` sampled sources (seed 0) above.
EXACT_BETWEENNESS_UP_TO = 5000
SAMPLED_SOURCES = 500


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """The ten most central organisations (PageRank, betweenness, degree).

    Betweenness is exact up to :data:`EXACT_BETWEENNESS_UP_TO` organisations and estimated from
    :data:`SAMPLED_SOURCES` sampled sources (seed 0) above that.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", "甲"); eco.add_org("b", "乙")
    >>> eco.add_relation("a", "b", "collaborates")
    >>> [row["name"] for row in sections(eco)[0].tables["central_organisations"]]
    ['甲', '乙']
    """
    if eco.number_of_relations() == 0:
        return []
    g = compile(eco)
    sampled = g.n > EXACT_BETWEENNESS_UP_TO
    measures = {
        "pagerank": pagerank(g, weight=None),
        "betweenness": betweenness(g, k=SAMPLED_SOURCES if sampled else None, seed=0),
        "degree": degree(g),
    }
    ranks = {name: competition_ranks(values.array) for name, values in measures.items()}
    top = np.lexsort((np.arange(g.n), ranks["pagerank"][0]))[:10]  # rank, then node order
    rows = []
    for i in top.tolist():
        record = eco.node(g.nodes[i])
        row: dict[str, Any] = {**_rank(ranks["pagerank"], i, "rank"), "id": record["id"],
                               "name": record["name"], "kind": record["kind"]}
        for name, values in measures.items():
            row[name] = round(float(values.array[i]), 6)
            if name != "pagerank":
                row.update(_rank(ranks[name], i, f"{name}_rank"))
        rows.append(row)
    facts = {"organisations": g.n, **({"sampled_sources": SAMPLED_SOURCES} if sampled else {})}
    text = say("central.text", lang, view=say("central.directed" if g.directed else "central.undirected", lang),
               n=g.n, highest=_highest(eco, g.nodes, measures["betweenness"].array, lang),
               sampled=say("central.sampled", lang, sources=SAMPLED_SOURCES) if sampled else "")
    return [Section(say("central", lang), text, tables={"central_organisations": rows}, facts=facts)]


def _rank(ranks: tuple[np.ndarray, np.ndarray], i: int, column: str) -> dict[str, Any]:
    """Competition rank as a number in ``column`` and whether it is shared in ``column_tied``
    (the writers show them together: "2 (tied)")."""
    rank, tied = ranks
    return {column: int(rank[i]), f"{column}_tied": bool(tied[i] > 1)}


def _highest(eco: Ecosystem, nodes: list[str], values: np.ndarray, lang: str) -> str:
    """Who has the highest value, said honestly when nobody or several do."""
    best = float(values.max())
    if best == 0:
        return say("central.nobody", lang)
    leaders = np.flatnonzero(np.isclose(values, best, rtol=1e-12, atol=0.0))
    names = ("、" if lang == "zh" else ", ").join(eco.node(nodes[i])["name"] for i in leaders[:3]) + (" …" if len(leaders) > 3 else "")
    return say("central.highest", lang, names=names) if len(leaders) == 1 else say("central.shared", lang, n=len(leaders), names=names)
