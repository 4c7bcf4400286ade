"""SparseGraph compilation: same matrix as networkx, Ecosystem views, caching, errors."""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
import numpy as np
import pytest
from conftest import GRAPH_NAMES, ecosystem_digraph, make_graph

import ecograph as eg
from ecograph.errors import AnalysisError, AttributeTypeError, NodeNotFoundError, UnknownRelationError
from ecograph.matrix import SparseGraph, compile


@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_same_matrix_as_networkx(name, weight):
    g = make_graph(name)
    compiled = eg.compile(g, weight)
    if len(g) == 0:  # networkx refuses the empty graph; ours is simply 0 x 0
        assert compiled.matrix.shape == (0, 0) and compiled.nodes == []
        return
    expected = nx.to_scipy_sparse_array(g, weight=weight, dtype=float, format="csr")
    assert compiled.nodes == list(g)
    assert compiled.directed == g.is_directed()
    assert compiled.matrix.shape == expected.shape
    assert abs(compiled.matrix - expected).sum() == 0
    assert compiled.nnz == expected.nnz  # zero-weight edges stay edges
    assert compiled.indices.dtype == np.int32 and compiled.data.dtype == np.float64
    assert compiled.matrix.has_canonical_format


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_degrees_and_transpose(name):
    g = make_graph(name)
    c = eg.compile(g, "weight")
    dense = nx.to_numpy_array(g, weight="weight")
    pattern = nx.to_numpy_array(g, weight=None) > 0
    assert np.allclose(c.out_strength, dense.sum(axis=1))
    assert np.allclose(c.in_strength, dense.sum(axis=0))
    assert c.out_degree.tolist() == pattern.sum(axis=1).tolist()
    assert c.in_degree.tolist() == pattern.sum(axis=0).tolist()
    assert np.array_equal(c.T.matrix.toarray(), dense.T)
    assert c.T.T is c
    assert np.array_equal(c.diagonal(), np.diag(dense))


def test_multigraph_min_combine_keeps_shortest_parallel_edge():
    m = nx.MultiDiGraph()
    m.add_edge("a", "b", weight=5)
    m.add_edge("a", "b", weight=2)
    m.add_edge("b", "a", weight=7)
    assert eg.compile(m, "weight", combine="min").matrix.toarray().tolist() == [[0, 2], [7, 0]]
    assert eg.compile(m, "weight").matrix.toarray().tolist() == [[0, 7], [7, 0]]
    u = eg.compile(m, "weight", directed=False, combine="min")
    assert u.matrix.toarray().tolist() == [[0, 2], [2, 0]] and not u.directed


def test_from_edges_and_its_errors():
    g = SparseGraph.from_edges(np.array([0, 2, 2]), np.array([1, 1, 1]), np.array([1.0, 2.0, 3.0]), n=4)
    assert g.matrix.toarray().tolist() == [[0, 1, 0, 0], [0, 0, 0, 0], [0, 5, 0, 0], [0, 0, 0, 0]]
    assert g.nodes == [0, 1, 2, 3]
    u = SparseGraph.from_edges([0, 1], [1, 1], directed=False)
    assert u.matrix.toarray().tolist() == [[0, 1], [1, 1]]  # self-loop once, as networkx
    with pytest.raises(AnalysisError, match="positions"):
        SparseGraph.from_edges([0], [5], n=3)
    with pytest.raises(AnalysisError):
        SparseGraph.from_edges([0, 1], [1])
    with pytest.raises(AnalysisError):
        SparseGraph.from_edges([0], [1], combine="max")
    assert SparseGraph.from_edges([], []).n == 0


def test_ecosystem_directed_view_matches_hand_built_digraph(ecosystem):
    for weight in (None, "weight", "count"):
        compiled = eg.compile(ecosystem, weight)
        oracle = ecosystem_digraph(ecosystem, weight)
        expected = nx.to_scipy_sparse_array(oracle, nodelist=list(ecosystem), weight="weight")
        assert compiled.directed
        assert abs(compiled.matrix - expected).sum() == 0
    only = eg.compile(ecosystem, relations=["serves"])
    assert only.nnz == 2 and only.matrix[ecosystem_index(only, "c"), ecosystem_index(only, "f2")] == 2
    assert only.nodes == list(ecosystem)  # every organisation keeps its row


def ecosystem_index(g, node):
    return g.index[node]


def test_ecosystem_views(ecosystem):
    collab = eg.compile(ecosystem, relations="collaborates")
    assert not collab.directed  # only symmetric relations: undirected by default
    assert collab.matrix[collab.index["u"], collab.index["f1"]] == 1
    undirected = eg.compile(ecosystem, directed=False)
    assert not undirected.directed
    assert (undirected.matrix != undirected.matrix.T).nnz == 0
    forced = eg.compile(ecosystem, relations="collaborates", directed=True)
    assert forced.directed and forced.nnz == 4


def test_ecosystem_compilation_is_cached_until_mutation(ecosystem):
    first = eg.compile(ecosystem, "count")
    assert eg.compile(ecosystem, "count") is first
    assert compile(ecosystem, "count") is first
    assert eg.compile(ecosystem, None) is not first
    ecosystem.add_relation("gov", "u", "funds", amount=5)
    second = eg.compile(ecosystem, "count")
    assert second is not first and second.nnz == first.nnz + 1


def test_ecosystem_weight_types(ecosystem):
    ecosystem.add_relation("gov", "f1", "funds", amount=Decimal("12.50"))
    g = eg.compile(ecosystem, "amount", relations="funds")
    assert g.matrix[g.index["gov"], g.index["f1"]] == 12.5
    with pytest.raises(AttributeTypeError, match="weight"):
        eg.compile(eg.Ecosystem.from_networkx(nx.Graph([(0, 1, {"project": "电机"})])), "project")
    with pytest.raises(UnknownRelationError):
        eg.compile(ecosystem, relations="loves")


def test_positions_name_missing_ids():
    g = eg.compile(nx.Graph([("甲", "乙"), ((1, 2), "乙")]))
    assert g.positions("甲").tolist() == [0]
    assert g.positions((1, 2)).tolist() == [2]
    with pytest.raises(NodeNotFoundError, match="'丙'") as info:
        g.positions(["甲", "丙"], "sources")
    assert info.value.ids == ["丙"]


def test_compile_inputs_and_errors():
    g = nx.path_graph(3)
    compiled = compile(g)
    assert compile(compiled) is compiled
    d = eg.compile(nx.DiGraph([(0, 1)]))
    assert not compile(d, directed=False).directed
    with pytest.raises(AnalysisError, match="expected an Ecosystem"):
        compile([(0, 1)])
    with pytest.raises(AnalysisError, match="relations"):
        compile(compiled, relations="serves")


def test_round_trip_and_memory():
    g = make_graph("weighted_directed")
    back = eg.compile(g, "weight").to_networkx()
    assert nx.utils.edges_equal(back.edges(data="weight"), g.edges(data="weight"))
    c = eg.compile(g, "weight")
    assert c.nbytes() == c.indptr.nbytes + c.indices.nbytes + c.data.nbytes
    assert c.nbytes() <= 12 * c.nnz + 4 * (c.n + 1)
    _ = c.T
    assert c.nbytes() == 2 * (c.indptr.nbytes + c.indices.nbytes + c.data.nbytes)
    assert "directed" in repr(c)
