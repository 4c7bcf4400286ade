"""The compiled view against a direct reading of the networkx multigraph (the oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from ecograph import Ecosystem
from ecograph.compiled import compiled
from ecograph.errors import NodeNotFoundError
from loaders.datasets import load_dataset


@pytest.mark.parametrize("name", ["shanghai_motor", "shanghai_biopharma", "suzhou_associations", "pudong_policy"])
def test_every_relation_of_the_graph_is_in_the_view(name):
    eco = load_dataset(name)
    view = compiled(eco)
    assert view.nodes == list(eco.graph)
    for node, data in eco.graph.nodes(data=True):  # iterate over the oracle: a missing node fails
        assert view.records[view.index[node]] is data
    seen: dict[str, list[tuple[str, str, int]]] = {}
    for u, v, d in eco.graph.edges(data=True):
        seen.setdefault(d["type"], []).append((u, v, id(d)))
    assert set(view.edges) == set(seen)
    for rtype, expected in seen.items():
        edges = view.relation(rtype)
        got = sorted(zip((view.nodes[i] for i in edges.source.tolist()),
                         (view.nodes[i] for i in edges.target.tolist()), map(id, edges.records)))
        assert got == sorted(expected)


def test_cached_per_version_and_columns():
    eco = Ecosystem()
    eco.add_org("a", sme=True, region="上海")
    eco.add_org("b")
    view = compiled(eco)
    assert compiled(eco) is view
    assert view.column("region") == ["上海", None] and view.flags("sme").tolist() == [True, False]
    eco.add_relation("a", "b", "serves", count=2)
    fresh = compiled(eco)
    assert fresh is not view and fresh.relation("serves").column("count") == [2]
    assert len(fresh.relation("funds")) == 0
    with pytest.raises(NodeNotFoundError, match="'z'"):
        fresh.positions(["a", "z"])
    np.testing.assert_array_equal(fresh.positions(["b", "a"]), [1, 0])
