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


def _ecosystem_built_every_way() -> Ecosystem:
    """One-by-one and batch additions interleaved: several keys per pair, a pair first joined
    by another type, a symmetric relation stored against the node order."""
    eco = Ecosystem()
    eco.add_orgs(["c1", "c2"], kind="productivity_center")
    eco.add_org("n", kind="association")
    eco.add_orgs(["f1", "f2", "f3"], sme=[True, None, False])
    eco.add_relation("c2", "f2", "serves", count=1)
    eco.add_relations(["c1", "c1", "c2"], ["f3", "f1", "f1"], "serves", keys=["y1", "y1", "y1"], count=[2, 3, 4])
    eco.add_relation("c1", "n", "member_of")
    eco.add_relation("c2", "f2", "serves", key="y2", count=5)
    eco.add_relations(["f3", "f2"], ["f1", "f1"], "collaborates")
    eco.add_relations(["c1", "c2"], ["f3", "f2"], "funds", amount=[7, 8])
    eco.add_relation("f2", "n", "member_of", since=2020)
    return eco


@pytest.mark.parametrize("name", ["shanghai_motor", "suzhou_associations", "productivity_centers", "built_every_way"])
def test_relations_in_the_graphs_adjacency_order(name):
    eco = _ecosystem_built_every_way() if name == "built_every_way" else load_dataset(name)
    assert eco._log is not None  # the view comes from the addition log, the oracle walks the graph
    view = compiled(eco)
    expected: dict[str, list[tuple[str, str, int]]] = {}
    for u, v, _k, d in eco.graph.edges(keys=True, data=True):
        expected.setdefault(d["type"], []).append((u, v, id(d)))
    assert list(view.edges) == list(expected)  # types in order of first appearance, too
    for rtype, rows in expected.items():
        edges = view.relation(rtype)
        got = list(zip((view.nodes[i] for i in edges.source.tolist()),
                       (view.nodes[i] for i in edges.target.tolist()), map(id, edges.records)))
        assert got == rows
    assert view.nodes == list(eco.graph) and all(r is d for r, (_n, d) in zip(view.records, eco.graph.nodes(data=True)))


def test_removal_drops_the_log_and_the_view_walks_the_graph():
    eco = _ecosystem_built_every_way()
    eco.remove_relation("c1", "f3", "y1")
    eco.remove_org("f2")
    assert eco._log is None
    view = compiled(eco)
    assert view.nodes == list(eco.graph)
    for rtype in ("serves", "collaborates", "funds", "member_of"):
        expected = [(u, v) for u, v, t in eco.graph.edges(data="type") if t == rtype]
        edges = view.relation(rtype)
        assert [(view.nodes[i], view.nodes[j]) for i, j in zip(edges.source.tolist(), edges.target.tolist())] == expected
