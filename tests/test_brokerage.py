"""Brokerage: Gould–Fernandez roles against R sna 2.7 goldens and a brute-force count;
Burt's constraint and effective size against networkx."""

from __future__ import annotations

import csv
import itertools
import math
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import ecograph as eg
from ecograph import Ecosystem
from ecograph.brokers import ROLES, SNA_ROLES, brokerage, constraint, effective_size
from ecograph.errors import AnalysisError, NodeNotFoundError
from ecograph.matrix import SparseGraph

GOLDEN = Path(__file__).parent / "data" / "sna_golden"
CASES = list(csv.DictReader((GOLDEN / "cases.csv").open()))


def _number(text: str) -> float:
    return math.nan if text == "NA" else float(text)  # float() reads NaN, Inf, -Inf


def _golden_graph(case: dict[str, str]) -> tuple[nx.Graph, list[dict[str, str]]]:
    n, directed = int(case["n"]), case["directed"] == "TRUE"
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(range(n))
    rows = csv.DictReader((GOLDEN / f"{case['case']}.edges.csv").open())
    graph.add_edges_from((int(r["from"]), int(r["to"])) for r in rows)
    nodes = list(csv.DictReader((GOLDEN / f"{case['case']}.nodes.csv").open()))
    nx.set_node_attributes(graph, {int(r["node"]): r["group"] for r in nodes}, "group")
    return graph, nodes


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_matches_r_sna_per_node(case):
    graph, rows = _golden_graph(case)
    result = brokerage(graph, "group")
    for part, array in (("raw", result.raw), ("exp", result.expected), ("sd", result.sd), ("z", result.z)):
        want = np.array([[_number(r[f"{part}_{SNA_ROLES[role]}"]) for role in ROLES] for r in rows])
        np.testing.assert_allclose(array, want, rtol=1e-10, atol=1e-10, err_msg=f"{case['case']} {part}")


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_matches_r_sna_whole_network(case):
    graph, _ = _golden_graph(case)
    result = brokerage(graph, "group")
    rows = {r["measure"]: r for r in csv.DictReader((GOLDEN / "global.csv").open()) if r["case"] == case["case"]}
    for measure, got in (("raw", result.totals), ("exp", result.expected_totals),
                         ("sd", result.sd_totals), ("z", result.z_totals)):
        want = [_number(rows[measure][SNA_ROLES[role]]) for role in ROLES]
        np.testing.assert_allclose([got[role] for role in ROLES], want, rtol=1e-10, err_msg=measure)


def test_golden_cases_cover_the_brief():
    names = {c["case"] for c in CASES}
    assert {"dir_random", "undir_random", "dir_isolates", "singleton_group", "one_group"} <= names
    graph, rows = _golden_graph(next(c for c in CASES if c["case"] == "dir_isolates"))
    assert any(graph.degree(n) == 0 for n in graph)
    graph, rows = _golden_graph(next(c for c in CASES if c["case"] == "singleton_group"))
    assert min(np.unique([r["group"] for r in rows], return_counts=True)[1]) == 1


def _brute_force(graph: nx.Graph, group: dict) -> dict:
    """Enumerate every ordered open two-path a -> v -> c."""
    directed = graph.is_directed()
    out = {v: dict.fromkeys(ROLES, 0) for v in graph}
    succ = (lambda x: graph.successors(x)) if directed else (lambda x: graph.neighbors(x))
    for v in graph:
        preds = set(graph.predecessors(v) if directed else graph.neighbors(v)) - {v}
        for a, c in itertools.product(preds, set(succ(v)) - {v}):
            if a == c or graph.has_edge(a, c):
                continue
            ga, gv, gc = group[a], group[v], group[c]
            if ga == gv == gc:
                role = "coordinator"
            elif ga == gc:
                role = "itinerant"
            elif ga == gv:
                role = "representative"
            elif gc == gv:
                role = "gatekeeper"
            else:
                role = "liaison"
            out[v][role] += 1
            out[v]["total"] += 1
    return out


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_brute_force_enumeration(directed, seed):
    graph = nx.gnp_random_graph(35, 0.15, seed=seed, directed=directed)
    rng = np.random.default_rng(seed)
    group = {v: str(rng.choice(["政", "产", "学", "研"])) for v in graph}
    result = brokerage(graph, group)
    want = _brute_force(graph, group)
    for v in graph:
        assert {r: result[r][v] for r in ROLES} == pytest.approx(want[v]), v


def test_roles_on_a_directed_chain():
    # g -> i1 -> i2 -> u : i1 lets government into industry (gatekeeper), i2 carries industry out
    graph = nx.DiGraph([("g", "i1"), ("i1", "i2"), ("i2", "u")])
    r = brokerage(graph, {"g": "gov", "i1": "ind", "i2": "ind", "u": "uni"})
    assert r["gatekeeper"].to_dict() == {"g": 0.0, "i1": 1.0, "i2": 0.0, "u": 0.0}
    assert r["representative"].to_dict() == {"g": 0.0, "i1": 0.0, "i2": 1.0, "u": 0.0}
    # a closing arc g -> i2 removes i1's brokerage, the reverse arc i2 -> g does not
    groups = dict(zip(r.nodes, r.groups))
    assert brokerage(nx.DiGraph([*graph.edges, ("g", "i2")]), groups)["total"]["i1"] == 0
    assert brokerage(nx.DiGraph([*graph.edges, ("i2", "g")]), groups)["total"]["i1"] == 1


def test_liaison_and_itinerant():
    star_in = nx.DiGraph([("a", "hub"), ("hub", "c")])
    assert brokerage(star_in, {"a": 1, "hub": 2, "c": 3})["liaison"]["hub"] == 1
    assert brokerage(star_in, {"a": 1, "hub": 2, "c": 1})["itinerant"]["hub"] == 1
    assert brokerage(star_in, {"a": 1, "hub": 1, "c": 1})["coordinator"]["hub"] == 1


def test_unordered_halves_undirected_counts():
    graph = nx.path_graph(3)
    group = {0: "a", 1: "a", 2: "b"}
    ordered = brokerage(graph, group)
    unordered = brokerage(graph, group, ordered=False)
    assert ordered["total"][1] == 2 and unordered["total"][1] == 1
    assert unordered["representative"][1] == unordered["gatekeeper"][1] == 0.5
    np.testing.assert_allclose(unordered.raw, ordered.raw / 2)
    np.testing.assert_allclose(unordered.expected, ordered.expected / 2)
    np.testing.assert_allclose(unordered.z, ordered.z, equal_nan=True)
    with pytest.raises(AnalysisError, match="undirected"):
        brokerage(nx.DiGraph(graph), group, ordered=False)


def test_weights_and_parallel_edges_are_ignored():
    multi = nx.MultiDiGraph([(0, 1), (0, 1), (1, 2)])
    multi.edges[0, 1, 0]["weight"] = 7
    assert brokerage(multi, {0: 0, 1: 0, 2: 0})["coordinator"].to_dict() == {0: 0.0, 1: 1.0, 2: 0.0}


def _platform() -> Ecosystem:
    eco = Ecosystem()
    eco.add_org("p", "电机平台", kind="platform")
    eco.add_org("c", "工程中心", kind="research_institute")
    eco.add_org("s", "标准委员会", kind="association")
    eco.add_org("f", "骨干企业")
    eco.add_org("u", "高校", kind="university")
    eco.add_org("m", "中小企业")
    for node, ring in (("c", "core"), ("s", "core_ring"), ("f", "collaboration"), ("u", "collaboration"),
                       ("m", "radiation")):
        eco.add_relation(node, "p", "in_ring", ring=ring)
    eco.add_relation("c", "s", "collaborates")
    eco.add_relation("s", "f", "collaborates")
    eco.add_relation("f", "u", "collaborates")
    eco.add_relation("f", "m", "serves", count=3)
    return eco


def test_ecosystem_by_sector_and_by_ring():
    eco = _platform()
    graph = eco.subgraph(relations=["collaborates", "serves"], nodes=["c", "s", "f", "u", "m"])
    by_sector = brokerage(graph, "sector")
    # f: s -> f -> u, u -> f -> s, s -> f -> m, u -> f -> m
    assert by_sector["total"]["f"] == 4
    assert by_sector["liaison"]["f"] == 2  # s -> f -> u and back: three different sectors
    assert by_sector["gatekeeper"]["f"] == 2  # into industry: s -> f -> m, u -> f -> m
    # rings come from the in_ring relations; the platform itself has none
    by_ring = brokerage(eco, "ring", relations=["collaborates", "serves"], default="platform")
    assert by_ring.groups == ["platform", "core", "core_ring", "collaboration", "collaboration", "radiation"]
    # u -> f -> s and u -> f -> m carry the collaboration ring out; s -> f -> u lets core_ring in
    assert by_ring["representative"]["f"] == 2 and by_ring["gatekeeper"]["f"] == 1
    assert by_ring["liaison"]["f"] == 1 and by_ring["total"]["f"] == 4
    # relations= narrows an ecosystem's graph
    assert brokerage(graph, "sector", relations="collaborates")["total"]["f"] == 2


def test_sparse_graph_needs_a_mapping_and_missing_groups_are_named():
    compiled = SparseGraph.from_edges([0, 1], [1, 2], nodes=["x", "y", "z"])
    assert brokerage(compiled, {"x": 1, "y": 2, "z": 1})["itinerant"]["y"] == 1
    with pytest.raises(AnalysisError, match="SparseGraph has no node attributes"):
        brokerage(compiled, "sector")
    with pytest.raises(AnalysisError, match="'z'"):
        brokerage(compiled, {"x": 1, "y": 2})
    assert brokerage(compiled, {"x": 1, "y": 2}, default=1)["itinerant"]["y"] == 1


def test_results_export_and_role_errors():
    r = brokerage(nx.path_graph(4), {0: "a", 1: "a", 2: "b", 3: "b"})
    data = r.to_dict()
    assert data["raw"][1] == {"coordinator": 0.0, "itinerant": 0.0, "representative": 1.0,
                              "gatekeeper": 1.0, "liaison": 0.0, "total": 2.0}
    assert data["totals"]["total"] == 4.0 and data["groups"][3] == "b"
    frame = r.to_pandas()
    assert list(frame.columns) == ["group", *ROLES] and frame.loc[2, "representative"] == 1
    assert r.to_pandas("z").shape == (4, 7)
    assert r.zscores("total")[1] == pytest.approx(r.z[1, 5])
    assert r.expected_values("total")[0] == pytest.approx(r.expected[0, 5])
    with pytest.raises(AnalysisError, match="unknown role"):
        r["broker"]
    assert eg.brokerage is brokerage


def test_empty_and_tiny_graphs():
    r = brokerage(nx.Graph(), {})
    assert r.raw.shape == (0, 6) and r.totals["total"] == 0
    one = nx.Graph()
    one.add_node("a")
    r = brokerage(one, {"a": 1})
    assert r.raw.tolist() == [[0.0] * 6] and np.isnan(r.z_totals["total"])
    two = nx.empty_graph(2)
    r = brokerage(two, {0: "A", 1: "B"})
    assert r.expected.tolist() == [[0.0] * 6] * 2  # as sna: density 0
    assert all(math.isnan(z) for z in r.z_totals.values())


# ------------------------------------------------------------------------ Burt's measures
def _graphs():
    rng = np.random.default_rng(7)
    undirected = nx.gnp_random_graph(50, 0.1, seed=1)
    undirected.add_node("isolated")
    directed = nx.gnp_random_graph(50, 0.12, seed=2, directed=True)
    directed.add_node("isolated")
    weighted = nx.les_miserables_graph()
    weighted_directed = nx.gnp_random_graph(40, 0.15, seed=3, directed=True)
    for u, v, d in weighted_directed.edges(data=True):
        d["weight"] = float(rng.integers(1, 6))
    disconnected = nx.disjoint_union(nx.complete_graph(4), nx.star_graph(5))
    return {"undirected": undirected, "directed": directed, "weighted": weighted,
            "weighted_directed": weighted_directed, "disconnected": disconnected}


def _same(got: dict, want: dict) -> None:
    assert list(got) == list(want)
    for node in want:
        if math.isnan(want[node]):
            assert math.isnan(got[node]), node
        else:
            assert got[node] == pytest.approx(want[node], abs=1e-10), node


@pytest.mark.parametrize("name", list(_graphs()))
@pytest.mark.parametrize("weight", [None, "weight"])
def test_constraint_equals_networkx(name, weight):
    graph = _graphs()[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = nx.constraint(graph, weight=weight)
    _same(constraint(graph, weight=weight).to_dict(), want)


@pytest.mark.parametrize("name", list(_graphs()))
@pytest.mark.parametrize("weight", [None, "weight"])
def test_effective_size_equals_networkx(name, weight):
    graph = _graphs()[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if weight is None and not graph.is_directed():
            want = nx.effective_size(graph)
        else:
            # networkx 3.6's vectorised path divides mutual weights by the column maximum
            # instead of the row maximum (visible once the maxima differ: weights, or arcs one
            # way vs both ways); its per-node path (nodes=...) follows Burt's formula.
            want = nx.effective_size(graph, nodes=list(graph), weight=weight)
            # ... but that path calls a node without successors isolated: leave those out
            for node in graph:
                if graph.is_directed() and graph.out_degree(node) == 0 and graph.in_degree(node) > 0:
                    del want[node]
    got = effective_size(graph, weight=weight).to_dict()
    _same({node: got[node] for node in want}, want)


def test_burt_measures_on_a_multigraph_and_subsets():
    multi = nx.MultiDiGraph([(0, 1, {"weight": 2}), (0, 1, {"weight": 3}), (1, 2, {"weight": 1}),
                             (2, 0, {"weight": 1}), (2, 3, {"weight": 1}),
                             (3, 1, {"weight": 4})])
    _same(constraint(multi, weight="weight").to_dict(), nx.constraint(multi, weight="weight"))
    summed = nx.DiGraph()
    for u, v, w in multi.edges(data="weight"):
        summed.add_edge(u, v, weight=summed.get_edge_data(u, v, {"weight": 0})["weight"] + w)
    _same(effective_size(multi, weight="weight").to_dict(), nx.effective_size(summed, nodes=list(summed), weight="weight"))
    graph = nx.karate_club_graph()
    subset = [33, 0, 5]
    _same(constraint(graph, nodes=subset).to_dict(), nx.constraint(graph, nodes=subset))
    _same(effective_size(graph, nodes=subset).to_dict(), nx.effective_size(graph, nodes=subset))
    with pytest.raises(NodeNotFoundError):
        constraint(graph, nodes=["nobody"])


def test_burt_measures_on_an_ecosystem_and_empty_graphs():
    eco = _platform()
    graph = nx.Graph(eco.subgraph(relations="collaborates").to_networkx().to_undirected())
    _same(constraint(eco, weight=None).to_dict(), constraint(eco.subgraph(relations=None)).to_dict())
    collab = eco.subgraph(relations="collaborates")
    _same(constraint(collab).to_dict(), nx.constraint(graph))
    _same(effective_size(collab).to_dict(), nx.effective_size(graph))
    assert constraint(nx.Graph()).to_dict() == {}
    lonely = nx.Graph()
    lonely.add_edge("a", "a")
    lonely.add_node("b")
    assert all(math.isnan(v) for v in constraint(lonely).values())
    assert all(math.isnan(v) for v in effective_size(lonely).values())


def test_report_section():
    from ecograph.report.brokers import sections as report_sections

    eco = _platform()
    [section] = report_sections(eco)
    rows = section.tables["brokers"]
    expected = brokerage(eco, "sector", relations=["collaborates", "serves"])
    assert rows[0]["id"] == "f" and rows[0]["total"] == expected["total"]["f"]
    assert [r["total"] for r in rows] == sorted((r["total"] for r in rows), reverse=True)
    assert all(r["total"] > 0 for r in rows)
    assert report_sections(Ecosystem()) == []


def test_blocked_closed_path_count_matches(monkeypatch):
    import importlib

    module = importlib.import_module("ecograph.brokers")
    graph = nx.gnp_random_graph(60, 0.12, seed=11, directed=True)
    group = {v: v % 3 for v in graph}
    whole = brokerage(graph, group).raw.copy()
    monkeypatch.setattr(module, "_BLOCK_WORK", 7)  # many small row blocks
    np.testing.assert_array_equal(brokerage(graph, group).raw, whole)
    want = _brute_force(graph, group)
    assert [want[v]["total"] for v in graph] == whole[:, -1].tolist()
