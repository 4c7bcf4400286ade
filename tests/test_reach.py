"""Reach, profiles, coverage, decay, influence and k-step reach: hand-computed cases and
networkx as the oracle."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from conftest import GRAPH_NAMES, build_ecosystem, make_graph

import ecograph as eg
from ecograph.errors import AnalysisError, NodeNotFoundError


def oracle_reach(g: nx.Graph, sources, hops) -> dict:
    """Minimum hop distance from any source, by one networkx BFS per source."""
    best: dict = {}
    for s in sources:
        for v, d in nx.single_source_shortest_path_length(g, s, cutoff=hops).items():
            best[v] = min(d, best.get(v, d))
    return best


def some_sources(g: nx.Graph, count: int, seed: int = 0) -> list:
    nodes = list(g)
    return random.Random(seed).sample(nodes, min(count, len(nodes)))


# ---------------------------------------------------------------------- hand-computed
def test_reach_on_a_path_by_hand():
    g = nx.path_graph(6)
    assert eg.reach(g, [0], hops=2).to_dict() == {0: 0, 1: 1, 2: 2}
    assert eg.reach(g, [0, 5], hops=1).to_dict() == {0: 0, 5: 0, 1: 1, 4: 1}
    assert eg.reach(g, 3).to_dict() == {3: 0, 2: 1, 4: 1, 1: 2, 5: 2, 0: 3}
    assert eg.reach(g, [2], hops=0).to_dict() == {2: 0}
    assert eg.reach_profile(g, [0], 7) == [1, 2, 3, 4, 5, 6, 6, 6]


def test_reach_follows_direction():
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "a"), ("c", "a")])
    assert eg.reach(g, "a").to_dict() == {"a": 0, "b": 1, "c": 2}
    assert eg.reach(g, "c", hops=1).to_dict() == {"c": 0, "a": 1}
    assert eg.reach(g, "a", directed=False, hops=1).to_dict() == {"a": 0, "b": 1, "c": 1, "x": 1}


def test_reach_in_an_ecosystem_by_relation_type():
    eco = build_ecosystem()
    # services flow from the engineering centre to the firms it serves
    assert eg.reach(eco, "c", relations="serves").to_dict() == {"c": 0, "f2": 1, "sme": 1}
    # collaboration is symmetric: read both ways even in a directed view
    assert eg.reach(eco, "f1", relations=["collaborates"]).to_dict() == {"f1": 0, "u": 1, "c": 2}
    # a platform's rings point at it: read relations both ways to reach the ring members
    ring = eg.reach(eco, "p", hops=1, relations="in_ring", directed=False)
    assert set(ring) == {"p", "c", "s", "f1", "sme"}
    # everything, directed: the centre reaches the platform, the firms it serves and beyond
    assert eg.reach(eco, "c", hops=1).to_dict() == {"c": 0, "p": 1, "f2": 1, "u": 1, "sme": 1}
    assert eg.reach_profile(eco, ["gov"], 3) == [1, 2, 6, 9]
    assert "lonely" not in eg.reach(eco, "gov")


def test_coverage_by_hand():
    g = nx.star_graph(5)  # hub 0
    rows = eg.coverage(g, [1], population=[0, 2, 3, 1], hops=2)
    assert [(r["hop"], r["reached"]) for r in rows] == [(0, 1), (1, 2), (2, 4)]
    assert rows[-1]["share"] == 1.0 and rows[0]["population"] == 4
    eco = build_ecosystem()
    smes = [n for n in eco if eco.node(n).get("sme")]
    rows = eg.coverage(eco, "c", smes, hops=1, relations="serves")
    assert [r["share"] for r in rows] == [0.0, 1.0]


def test_decay_reach_by_hand():
    g = nx.path_graph(4)
    assert eg.decay_reach(g, [0], delta=0.5) == pytest.approx(0.5 + 0.25 + 0.125)
    assert eg.decay_reach(g, [0], delta=0.5, hops=1) == pytest.approx(0.5)
    assert eg.decay_reach(g, [0, 3], delta=1.0) == 2.0  # delta 1: nodes reached beyond the sources


def test_k_step_reach_by_hand():
    g = nx.DiGraph([(0, 1), (1, 2), (2, 3), (0, 0)])
    assert eg.k_step_reach(g, hops=2).to_dict() == {0: 2, 1: 2, 2: 1, 3: 0}
    assert eg.k_step_reach(g, hops=0).to_dict() == {0: 0, 1: 0, 2: 0, 3: 0}
    assert eg.k_step_reach(nx.star_graph(3), hops=1).to_dict() == {0: 3, 1: 1, 2: 1, 3: 1}


# ---------------------------------------------------------------------- networkx as oracle
@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize("hops", [None, 0, 1, 2, 3])
def test_reach_matches_networkx_bfs(name, hops):
    g = make_graph(name)
    for count in (1, 5):
        sources = some_sources(g, count, seed=count)
        expected = oracle_reach(g, sources, hops)
        got = eg.reach(g, sources, hops=hops)
        assert got.to_dict() == expected
        assert list(got.values()) == sorted(got.values())  # in hop order
        if hops is not None:
            profile = eg.reach_profile(g, sources, hops)
            assert profile == [sum(1 for d in expected.values() if d <= h) for h in range(hops + 1)]


@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_k_step_reach_matches_networkx(name, k):
    g = make_graph(name)
    expected = {v: len(nx.single_source_shortest_path_length(g, v, cutoff=k)) - 1 for v in g}
    assert eg.k_step_reach(g, hops=k).to_dict() == expected


@pytest.mark.parametrize("name", ["barabasi", "gnp_directed", "disconnected", "multidigraph"])
def test_coverage_and_decay_match_oracle(name):
    g = make_graph(name)
    sources = some_sources(g, 3)
    population = some_sources(g, 15, seed=9)
    dist = oracle_reach(g, sources, None)
    rows = eg.coverage(g, sources, population, hops=3)
    for row in rows:
        hit = sum(1 for v in population if dist.get(v, 99) <= row["hop"])
        assert (row["reached"], row["share"]) == (hit, hit / len(population))
    expected = sum(0.3**d for d in dist.values() if d > 0)
    assert eg.decay_reach(g, sources, delta=0.3) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", ["gnp_directed", "weighted_undirected", "multidigraph", "disconnected"])
def test_influence_is_personalised_pagerank(name):
    g = make_graph(name)
    sources = some_sources(g, 3)
    expected = nx.pagerank(g, personalization={s: 1 for s in sources}, tol=1e-13, max_iter=10_000)
    got = eg.influence(g, sources)
    for v in g:
        assert got[v] == pytest.approx(expected[v], abs=1e-8)
    weighted = eg.influence(g, {sources[0]: 3.0, sources[1]: 1.0}, alpha=0.6)
    expected = nx.pagerank(g, alpha=0.6, personalization={sources[0]: 3.0, sources[1]: 1.0}, tol=1e-13)
    assert weighted.to_dict() == pytest.approx(expected, abs=1e-8)


def test_relations_on_networkx_graph_use_type_attribute():
    eco = build_ecosystem()
    exported = eco.to_networkx()  # MultiDiGraph, collaborates stored once
    got = eg.reach(exported, "c", relations="serves").to_dict()
    assert got == {"c": 0, "f2": 1, "sme": 1}


# ---------------------------------------------------------------------- errors
def test_unknown_sources_are_named():
    g = nx.path_graph(3)
    with pytest.raises(NodeNotFoundError, match="'ghost'.*'spook'|'spook'.*'ghost'") as info:
        eg.reach(g, [0, "ghost", "spook"])
    assert info.value.ids == ["ghost", "spook"]
    with pytest.raises(NodeNotFoundError, match="population"):
        eg.coverage(g, [0], ["nobody"], hops=1)
    with pytest.raises(NodeNotFoundError):
        eg.influence(g, ["ghost"])


def test_bad_parameters():
    g = nx.path_graph(3)
    with pytest.raises(AnalysisError):
        eg.reach(g, [0], hops=-1)
    with pytest.raises(AnalysisError):
        eg.reach_profile(g, [0], hops=None)
    with pytest.raises(AnalysisError):
        eg.coverage(g, [0], [], hops=1)
    with pytest.raises(AnalysisError):
        eg.decay_reach(g, [0], delta=1.5)
    with pytest.raises(AnalysisError, match="relations"):
        eg.reach(eg.compile(g), [0], relations="serves")


def test_empty_inputs():
    assert eg.reach(nx.path_graph(3), []).to_dict() == {}
    assert eg.k_step_reach(nx.Graph()).to_dict() == {}
    assert eg.reach_profile(nx.path_graph(3), [], 2) == [0, 0, 0]


def test_reach_from_many_sources_on_a_larger_graph():
    g = nx.barabasi_albert_graph(3000, 4, seed=23)
    sources = some_sources(g, 400, seed=24)
    for hops in (1, 2, None):
        assert eg.reach(g, sources, hops=hops).to_dict() == oracle_reach(g, sources, hops)
    d = nx.gnp_random_graph(2000, 0.003, seed=25, directed=True)
    sources = some_sources(d, 300, seed=26)
    assert eg.reach(d, sources).to_dict() == oracle_reach(d, sources, None)
