"""Core–periphery: networkx for k-cores and onion layers, closed-form cases and exhaustive
enumeration for Borgatti–Everett, a generic optimiser for the continuous model."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import minimize

import ecograph as eg
from ecograph import RINGS, Ecosystem
from ecograph.coreperiphery import (
    borgatti_everett,
    continuous_coreness,
    core_number,
    core_periphery_levels,
    onion_layers,
)
from ecograph.errors import AnalysisError
from ecograph.matrix import SparseGraph


def _undirected_graphs():
    with_isolates = nx.gnp_random_graph(120, 0.04, seed=1)
    with_isolates.add_nodes_from(["孤立甲", "孤立乙"])
    return {
        "gnp": nx.gnp_random_graph(300, 0.03, seed=2),
        "ba": nx.barabasi_albert_graph(400, 3, seed=3),
        "karate": nx.karate_club_graph(),
        "isolates": with_isolates,
        "disconnected": nx.disjoint_union(nx.complete_graph(6), nx.cycle_graph(7)),
        "tree": nx.balanced_tree(3, 4),
        "empty": nx.Graph(),
    }


@pytest.mark.parametrize("name", list(_undirected_graphs()))
def test_core_number_and_onion_equal_networkx(name):
    graph = _undirected_graphs()[name]
    assert core_number(graph).to_dict() == nx.core_number(graph)
    assert onion_layers(graph).to_dict() == nx.onion_layers(graph)


@pytest.mark.parametrize("seed", [4, 5])
def test_directed_core_number_counts_in_plus_out(seed):
    graph = nx.gnp_random_graph(200, 0.03, seed=seed, directed=True)
    graph.add_edges_from([(0, 1), (1, 0)])  # a reciprocal pair counts twice
    assert core_number(graph).to_dict() == nx.core_number(graph)


def test_self_loops_are_ignored_and_inputs_agree():
    graph = nx.gnp_random_graph(80, 0.08, seed=6)
    looped = graph.copy()
    looped.add_edges_from([(0, 0), (5, 5)])
    assert core_number(looped).to_dict() == nx.core_number(graph)  # networkx refuses self-loops
    assert onion_layers(looped).to_dict() == nx.onion_layers(graph)
    compiled = eg.compile(graph)
    assert core_number(compiled).to_dict() == nx.core_number(graph)
    multi = nx.MultiGraph(graph)
    multi.add_edges_from(list(graph.edges)[:10])  # parallel edges do not raise a core
    assert core_number(multi).to_dict() == nx.core_number(graph)


def test_core_number_on_an_ecosystem():
    eco = Ecosystem()
    for node in "abcde":
        eco.add_org(node)
    for u, v in [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]:
        eco.add_relation(u, v, "collaborates")
    eco.add_relation("d", "e", "serves", count=2)
    assert core_number(eco).to_dict() == {"a": 2, "b": 2, "c": 2, "d": 1, "e": 1}
    assert core_number(eco, relations="collaborates").to_dict()["e"] == 0
    assert eg.core_number is core_number and eg.onion_layers is onion_layers


# ------------------------------------------------------------------------ Borgatti–Everett
def _split_graph(core_size: int, periphery_size: int, p: float, seed: int) -> tuple[nx.Graph, list[int]]:
    """A clique core, an independent periphery, core–periphery ties with probability p."""
    rng = np.random.default_rng(seed)
    graph = nx.complete_graph(core_size)
    graph.add_nodes_from(range(core_size, core_size + periphery_size))
    for c in range(core_size):
        for q in range(core_size, core_size + periphery_size):
            if rng.random() < p:
                graph.add_edge(c, q)
    order = rng.permutation(core_size + periphery_size)  # hide the core among the ids
    mapping = {old: int(new) for old, new in zip(range(core_size + periphery_size), order)}
    return nx.relabel_nodes(graph, mapping), sorted(mapping[c] for c in range(core_size))


def test_complete_split_graph_is_a_perfect_fit():
    graph, core = _split_graph(5, 12, p=1.0, seed=1)
    result = borgatti_everett(graph, seed=3)
    assert result.fitness == 1.0
    assert sorted(result.core) == core
    assert sorted(result.periphery) == sorted(set(graph) - set(core))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_split_graph_with_missing_block_is_perfect_when_ignored(seed):
    graph, core = _split_graph(6, 15, p=0.4, seed=seed)
    result = borgatti_everett(graph, seed=seed, core_periphery="ignore")
    assert result.fitness == 1.0
    assert sorted(result.core) == core


def test_star_has_a_core_of_one():
    result = borgatti_everett(nx.star_graph(9), seed=0)
    assert result.core == [0] and result.fitness == 1.0
    assert result.membership.to_dict()[0] == 1 and sum(result.membership.values()) == 1


def _exhaustive(graph: nx.Graph, mode: str, weight: str | None = None) -> float:
    """Best correlation over all 2^n partitions (dense, by definition)."""
    a = nx.to_numpy_array(graph, weight=weight)
    n = len(a)
    off = ~np.eye(n, dtype=bool)
    best = -np.inf
    for bits in itertools.product((False, True), repeat=n):
        core = np.array(bits)
        if mode == "ones":
            keep = off
            ideal = core[:, None] | core[None, :]
        else:
            keep = off & (core[:, None] == core[None, :])
            ideal = core[:, None] & core[None, :]
        x, y = a[keep], ideal[keep].astype(float)
        if x.std() == 0 or y.std() == 0:
            continue
        best = max(best, float(np.corrcoef(x, y)[0, 1]))
    return best


@pytest.mark.parametrize("mode", ["ones", "ignore"])
@pytest.mark.parametrize("seed", range(8))
def test_optimiser_finds_the_exhaustive_optimum(mode, seed):
    n = 9 + seed % 4  # 9..12 nodes
    graph = nx.gnp_random_graph(n, 0.25 + 0.05 * (seed % 5), seed=seed, directed=seed % 3 == 0)
    if seed % 2:
        rng = np.random.default_rng(seed)
        for _u, _v, data in graph.edges(data=True):
            data["weight"] = float(rng.integers(1, 5))
    weight = "weight" if seed % 2 else None
    result = borgatti_everett(graph, seed=seed, weight=weight, core_periphery=mode)
    assert result.fitness == pytest.approx(_exhaustive(graph, mode, weight), abs=1e-9)
    # the reported fitness is the correlation of the reported partition
    a = nx.to_numpy_array(graph, weight=weight)
    core = np.array([result.membership[v] == 1 for v in graph])
    off = ~np.eye(len(a), dtype=bool)
    keep = off if mode == "ones" else off & (core[:, None] == core[None, :])
    ideal = (core[:, None] | core[None, :]) if mode == "ones" else (core[:, None] & core[None, :])
    assert result.fitness == pytest.approx(np.corrcoef(a[keep], ideal[keep].astype(float))[0, 1], abs=1e-9)


def test_deterministic_given_seed_and_exports():
    graph = nx.barabasi_albert_graph(150, 2, seed=9)
    first = borgatti_everett(graph, seed=42).to_dict()
    assert borgatti_everett(graph, seed=42).to_dict() == first
    assert set(first) == {"core", "periphery", "fitness", "core_periphery"}
    frame = borgatti_everett(graph, seed=42).to_pandas()
    assert int(frame["core"].sum()) == len(first["core"]) and frame.index.name == "node"
    assert eg.borgatti_everett is borgatti_everett


def test_borgatti_everett_on_an_ecosystem_and_errors():
    eco = Ecosystem()
    eco.add_org("hub", "工程中心", kind="research_institute")
    for i in range(6):
        eco.add_org(f"f{i}", f"企业{i}")
        eco.add_relation("hub", f"f{i}", "collaborates")
    assert borgatti_everett(eco, seed=0).core == ["hub"]
    with pytest.raises(AnalysisError, match="do not vary"):
        borgatti_everett(nx.complete_graph(5))
    with pytest.raises(AnalysisError, match="do not vary"):
        borgatti_everett(nx.empty_graph(5))
    with pytest.raises(AnalysisError, match="at least"):
        borgatti_everett(nx.path_graph(3), core_periphery="ignore")
    with pytest.raises(AnalysisError, match="core_periphery"):
        borgatti_everett(nx.path_graph(5), core_periphery="zeros")


# ------------------------------------------------------------------------ continuous model
def _residual(a: np.ndarray, c: np.ndarray) -> float:
    off = ~np.eye(len(a), dtype=bool)
    return float(((a - np.outer(c, c))[off] ** 2).sum())


def test_rank_one_weights_are_recovered_exactly():
    c = np.array([3.0, 2.0, 1.5, 0.5, 0.4, 0.2])
    graph = nx.Graph()
    graph.add_weighted_edges_from((i, j, c[i] * c[j]) for i in range(6) for j in range(i + 1, 6))
    result = continuous_coreness(graph, weight="weight")
    np.testing.assert_allclose(result.coreness.array, c, atol=1e-7)
    assert result.fitness == 1.0 and result.residual < 1e-12


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_continuous_matches_a_generic_optimiser(directed, seed):
    graph = nx.gnp_random_graph(25, 0.2, seed=seed, directed=directed)
    a = nx.to_numpy_array(graph, weight=None)
    result = continuous_coreness(graph)
    rng = np.random.default_rng(seed)
    starts = [np.full(len(a), 0.5), rng.random(len(a)), rng.random(len(a)) * 2]
    best = min((minimize(lambda x: _residual(a, x), s, method="BFGS") for s in starts), key=lambda o: o.fun)
    ours = result.coreness.array
    assert _residual(a, ours) <= best.fun + 1e-7
    np.testing.assert_allclose(ours, np.abs(best.x), atol=1e-3)
    assert result.residual == pytest.approx(_residual(a, ours), rel=1e-9)
    off = ~np.eye(len(a), dtype=bool)
    assert result.fitness == pytest.approx(np.corrcoef(a[off], np.outer(ours, ours)[off])[0, 1], abs=1e-9)


def test_continuous_star_and_errors():
    result = continuous_coreness(nx.star_graph(6))
    values = result.coreness.to_dict()
    assert max(values, key=values.get) == 0
    assert result.to_dict()["coreness"] == values and result.to_pandas().shape == (7, 1)
    with pytest.raises(AnalysisError, match="no tie"):
        continuous_coreness(nx.empty_graph(4))
    with pytest.raises(AnalysisError, match="at least 3"):
        continuous_coreness(nx.path_graph(2))
    assert eg.continuous_coreness is continuous_coreness


# ------------------------------------------------------------------------ k levels
def _layered() -> nx.Graph:
    graph = nx.complete_graph(6)  # core number 5
    graph.add_edges_from((i, 10 + j) for i in range(6) for j in range(4) if (i + j) % 2 == 0)  # 3 ties each
    graph.add_edges_from([(10, 20), (11, 20), (20, 21), (21, 22)])
    return graph


def test_levels_definition_and_nesting():
    graph = _layered()
    levels = core_periphery_levels(graph)
    cores = nx.core_number(graph)
    x_max, x_min = max(cores.values()), min(cores.values())
    width = (x_max - x_min + 1) / 4
    for node, level in levels.level.items():
        assert level == min(3, int((x_max - cores[node]) // width))
    assert levels.labels == RINGS
    assert levels.groups()["core"] == [0, 1, 2, 3, 4, 5]
    # levels 0..j are exactly a k-core
    for j, threshold in enumerate(levels.thresholds):
        inner = {v for v, lvl in levels.level.items() if lvl <= j}
        assert inner == set(nx.k_core(graph, threshold))
    assert levels.to_dict()[22] == "radiation"
    frame = levels.to_pandas()
    assert list(frame.columns) == ["level", "label"] and frame.loc[0, "label"] == "core"


def test_levels_options_and_errors():
    graph = _layered()
    onion = core_periphery_levels(graph, k=3, shell="onion")
    layers = nx.onion_layers(graph)
    assert onion.labels == ("level0", "level1", "level2")
    top, width = max(layers.values()), (max(layers.values()) - min(layers.values()) + 1) / 3
    assert onion.level.to_dict() == {v: min(2, int((top - layer) // width)) for v, layer in layers.items()}
    assert core_periphery_levels(nx.cycle_graph(5)).groups()["core"] == [0, 1, 2, 3, 4]  # one shell
    named = core_periphery_levels(graph, k=2, labels=["核心", "外围"])
    assert set(named.groups()) == {"核心", "外围"}
    assert core_periphery_levels(nx.Graph()).to_dict() == {}
    compiled = SparseGraph.from_edges([0, 1, 2], [1, 2, 0], directed=False)
    assert core_periphery_levels(compiled).to_dict() == {0: "core", 1: "core", 2: "core"}
    with pytest.raises(AnalysisError, match="k must"):
        core_periphery_levels(graph, k=1)
    with pytest.raises(AnalysisError, match="labels"):
        core_periphery_levels(graph, k=3, labels=["a"])
    with pytest.raises(AnalysisError, match="shell="):
        core_periphery_levels(graph, shell="degree")
    assert eg.core_periphery_levels is core_periphery_levels
