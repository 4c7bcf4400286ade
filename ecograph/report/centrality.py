"""Central organisations: PageRank, betweenness and degree of the ten most central."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..centrality import betweenness, degree, pagerank
from ..matrix import compile
from .document import Section

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections"]


def sections(eco: Ecosystem) -> list[Section]:
    """The ten most central organisations (PageRank, betweenness, degree).

    Betweenness is exact up to 5,000 organisations and estimated from 500 sampled sources
    (seed 0) above that.

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
    sampled = g.n > 5000
    measures = {
        "pagerank": pagerank(g, weight=None),
        "betweenness": betweenness(g, k=500 if sampled else None, seed=0),
        "degree": degree(g),
    }
    ranks = {name: _ranks(values.array) for name, values in measures.items()}
    top = np.argsort(-measures["pagerank"].array, kind="stable")[:10]
    rows = []
    for i in top.tolist():
        record = eco.node(g.nodes[i])
        row: dict[str, Any] = {"rank": int(ranks["pagerank"][i]), "id": record["id"], "name": record["name"],
                               "kind": record["kind"]}
        for name, values in measures.items():
            row[name] = round(float(values.array[i]), 6)
            if name != "pagerank":
                row[f"{name}_rank"] = int(ranks[name][i])
        rows.append(row)
    broker = eco.node(g.nodes[int(np.argmax(measures["betweenness"].array))])["name"]
    text = (
        f"The ten organisations with the highest PageRank over all relations "
        f"({'directed' if g.directed else 'undirected'} view, {g.n:,} organisations), with their "
        f"betweenness and degree centrality and the rank on each. PageRank rewards links from "
        f"well-linked organisations; betweenness marks brokers on shortest paths (highest: "
        f"{broker}){'; estimated from 500 sampled sources' if sampled else ''}."
    )
    return [Section("Central organisations", text, tables={"central_organisations": rows})]


def _ranks(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(values), np.int64)
    ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
    return ranks
