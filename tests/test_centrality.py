"""Centrality against networkx (the oracle) on every fixture graph, to 1e-8."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from conftest import GRAPH_NAMES, SIMPLE_GRAPH_NAMES, build_ecosystem, ecosystem_digraph, make_graph

import ecograph as eg
from ecograph.errors import AnalysisError, ConvergenceError, NodeNotFoundError

TOL = 1e-8
TIGHT = {"tol": 1e-13, "max_iter": 100_000}


def assert_same(ours, expected: dict) -> None:
    got = ours.to_dict()
    assert list(got) == list(expected) or set(got) == set(expected)
    for node, value in expected.items():
        assert got[node] == pytest.approx(value, abs=TOL, rel=TOL, nan_ok=True), node


def weighted_names():
    return [n for n in GRAPH_NAMES if n.startswith("weighted") or n in ("disconnected", "self_loops", "multigraph")]


# ---------------------------------------------------------------------- degree
@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_degree_matches_networkx(name):
    g = make_graph(name)
    assert_same(eg.degree(g), nx.degree_centrality(g))


@pytest.mark.parametrize("name", weighted_names() + ["multidigraph", "self_loops_directed"])
def test_weighted_degree_is_strength_over_n_minus_1(name):
    g = make_graph(name)
    expected = {v: d / (len(g) - 1) for v, d in g.degree(weight="weight")}
    assert_same(eg.degree(g, weight="weight"), expected)


# ---------------------------------------------------------------------- pagerank
PAGERANK_METHODS = ["gauss-seidel", "power"]


@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize("weight", ["weight", None])
@pytest.mark.parametrize("method", PAGERANK_METHODS)
def test_pagerank_matches_networkx(name, weight, method):
    g = make_graph(name)
    assert_same(eg.pagerank(g, weight=weight, method=method),
                nx.pagerank(g, weight=weight, tol=1e-13, max_iter=10_000))


@pytest.mark.parametrize("name", ["gnp_directed", "star_directed", "multidigraph", "disconnected",
                                  "weighted_directed", "weighted_undirected"])
@pytest.mark.parametrize("method", PAGERANK_METHODS)
def test_pagerank_personalization_dangling_nstart(name, method):
    g = make_graph(name)
    nodes = list(g)
    pers = {nodes[0]: 1.0, nodes[-1]: 3.0}
    dang = {nodes[1]: 2.0, nodes[2]: 1.0}
    start = {v: i + 1.0 for i, v in enumerate(nodes)}
    expected = nx.pagerank(g, alpha=0.7, personalization=pers, dangling=dang, nstart=start, tol=1e-13,
                           max_iter=10_000)
    assert_same(eg.pagerank(g, alpha=0.7, personalization=pers, dangling=dang, nstart=start, method=method),
                expected)


def _power_law_digraph(n: int, seed: int) -> nx.DiGraph:
    """A directed power-law graph with dangling nodes and nodes nobody points to."""
    g = nx.DiGraph(nx.scale_free_graph(n, seed=seed))  # parallel edges merged
    g.remove_edges_from(nx.selfloop_edges(g))
    return g


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("personalized", [False, True])
def test_pagerank_gauss_seidel_meets_networkx_rule_at_its_default_tolerance(weighted, personalized):
    # The answer at networkx's default tol passes networkx's own stopping test: one step of
    # the Google matrix (built by networkx) moves it by less than n * tol in L1.
    g = _power_law_digraph(3000, seed=3)
    rng = np.random.default_rng(3)
    if weighted:
        for u, v in g.edges:
            g.edges[u, v]["weight"] = float(rng.integers(1, 5))
    nodes = list(g)
    pers = {v: float(rng.integers(0, 3)) for v in nodes} if personalized else None
    got = eg.pagerank(g, tol=1e-6, max_iter=100, personalization=pers)
    x = np.array([got[v] for v in nodes])
    google = nx.google_matrix(g, alpha=0.85, personalization=pers, nodelist=nodes,
                              weight="weight" if weighted else None)
    assert np.abs(x @ google - x).sum() < len(nodes) * 1e-6
    exact = nx.pagerank(g, personalization=pers, weight="weight" if weighted else None, tol=1e-13, max_iter=10_000)
    # networkx's own answer at tol 1e-6 is this close to the exact one (alpha / (1 - alpha) * n * tol)
    assert sum(abs(got[v] - exact[v]) for v in nodes) < 0.85 / 0.15 * len(nodes) * 1e-6


def test_pagerank_gauss_seidel_on_a_power_law_graph_matches_networkx_node_by_node():
    g = _power_law_digraph(3000, seed=4)
    assert_same(eg.pagerank(g), nx.pagerank(g, tol=1e-13, max_iter=10_000))


def test_pagerank_gauss_seidel_needs_fewer_passes_than_the_power_iteration():
    g = eg.compile(_power_law_digraph(3000, seed=6))

    def passes(method: str) -> int:  # the smallest max_iter that converges
        for max_iter in range(1, 200):
            try:
                eg.pagerank(g, method=method, max_iter=max_iter)
                return max_iter
            except ConvergenceError:
                pass
        raise AssertionError(method)

    gauss_seidel, power = passes("gauss-seidel"), passes("power")
    assert gauss_seidel <= 0.75 * power, (gauss_seidel, power)


def test_pagerank_zero_weight_out_edges_make_a_node_dangling():
    g = nx.DiGraph([(0, 1, {"weight": 2.0}), (1, 2, {"weight": 0.0}), (2, 0, {"weight": 1.0}), (2, 3, {"weight": 3.0})])
    for method in PAGERANK_METHODS:
        assert_same(eg.pagerank(g, method=method), nx.pagerank(g, tol=1e-13, max_iter=10_000))


def test_pagerank_compiled_with_weights_read_without_them():
    g = make_graph("weighted_directed")
    compiled = eg.compile(g, weight="weight")
    assert_same(eg.pagerank(compiled, weight=None), nx.pagerank(g, weight=None, tol=1e-13, max_iter=10_000))


def test_pagerank_does_not_depend_on_the_number_of_threads():
    import numba

    g = eg.compile(_power_law_digraph(3000, seed=5))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = {m: eg.pagerank(g, method=m).array.copy() for m in PAGERANK_METHODS}
    finally:
        numba.set_num_threads(before)
    for method in PAGERANK_METHODS:
        assert np.array_equal(eg.pagerank(g, method=method).array, one[method])


def test_pagerank_power_method_with_networkx_default_tolerance_is_the_same_iteration():
    g = make_graph("power_law_directed")
    assert_same(eg.pagerank(g, tol=1e-6, max_iter=100, method="power"), nx.pagerank(g))


def test_pagerank_errors():
    g = make_graph("gnp_directed")
    for method in PAGERANK_METHODS:
        for max_iter in (1, 2):
            with pytest.raises(ConvergenceError):
                eg.pagerank(g, max_iter=max_iter, method=method)
    with pytest.raises(AnalysisError, match="method"):
        eg.pagerank(g, method="jacobi")
    with pytest.raises(NodeNotFoundError, match="nowhere"):
        eg.pagerank(g, personalization={"nowhere": 1})
    with pytest.raises(AnalysisError):
        eg.pagerank(g, personalization={0: 0})
    assert eg.pagerank(nx.Graph()).to_dict() == {}


# ---------------------------------------------------------------------- eigenvector
def _eigen_oracle(g, **kw):
    try:
        return nx.eigenvector_centrality(g, **TIGHT, **kw)
    except nx.PowerIterationFailedConvergence:
        return None


@pytest.mark.parametrize("name", [n for n in SIMPLE_GRAPH_NAMES if n != "empty"])
@pytest.mark.parametrize("weight", [None, "weight"])
def test_eigenvector_matches_networkx(name, weight):
    g = make_graph(name)
    expected = _eigen_oracle(g, weight=weight)
    if expected is None:  # networkx does not converge: neither may we pretend to
        with pytest.raises(ConvergenceError):
            eg.eigenvector(g, weight=weight, **TIGHT)
        return
    assert_same(eg.eigenvector(g, weight=weight, **TIGHT), expected)


@pytest.mark.parametrize("name", ["disconnected", "disconnected_directed", "star_directed", "gnp"])
def test_eigenvector_default_parameters(name):
    g = make_graph(name)
    try:
        expected = nx.eigenvector_centrality(g)
    except nx.PowerIterationFailedConvergence:
        with pytest.raises(ConvergenceError):
            eg.eigenvector(g)
        return
    # ARPACK (connected graphs) is exact; networkx stops at tol 1e-6
    strongly = nx.is_strongly_connected if g.is_directed() else nx.is_connected
    tol = 1e-5 if strongly(g) else TOL
    got = eg.eigenvector(g).to_dict()
    for v in g:
        assert got[v] == pytest.approx(expected[v], abs=tol)


def test_eigenvector_nstart_and_errors():
    g = make_graph("gnp")
    start = {v: 1.0 + (v % 3) for v in g}
    assert_same(eg.eigenvector(g, nstart=start, **TIGHT), nx.eigenvector_centrality(g, nstart=start, **TIGHT))
    with pytest.raises(AnalysisError):
        eg.eigenvector(nx.Graph())
    with pytest.raises(AnalysisError):
        eg.eigenvector(g, nstart={v: 0 for v in g})
    with pytest.raises(ConvergenceError):
        eg.eigenvector(nx.DiGraph([(0, 1), (1, 2), (2, 3)]), max_iter=5)


# ---------------------------------------------------------------------- katz
@pytest.mark.parametrize("name", SIMPLE_GRAPH_NAMES)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_katz_matches_networkx(name, weight):
    g = make_graph(name)
    alpha = 0.05
    try:
        expected = nx.katz_centrality(g, alpha=alpha, weight=weight, **TIGHT)
    except nx.PowerIterationFailedConvergence:
        with pytest.raises(ConvergenceError):
            eg.katz(g, alpha=alpha, weight=weight, **TIGHT)
        return
    assert_same(eg.katz(g, alpha=alpha, weight=weight, **TIGHT), expected)


def test_katz_options_and_divergence():
    g = make_graph("gnp_directed")
    beta = {v: 1.0 + v % 4 for v in g}
    kw = {"alpha": 0.08, "beta": beta, "normalized": False}
    assert_same(eg.katz(g, **kw), nx.katz_centrality(g, **kw))
    with pytest.raises(ConvergenceError):
        eg.katz(make_graph("barabasi"), alpha=0.9)
    with pytest.raises(AnalysisError, match="every node"):
        eg.katz(g, beta={0: 1.0})


# ---------------------------------------------------------------------- closeness / harmonic
@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize("distance", [None, "weight"])
@pytest.mark.parametrize("wf_improved", [True, False])
def test_closeness_matches_networkx(name, distance, wf_improved):
    g = make_graph(name)
    expected = nx.closeness_centrality(g, distance=distance, wf_improved=wf_improved)
    assert_same(eg.closeness(g, distance=distance, wf_improved=wf_improved), expected)


def test_closeness_single_node_and_weight_alias():
    g = make_graph("weighted_directed")
    u = list(g)[3]
    assert eg.closeness(g, u=u) == pytest.approx(nx.closeness_centrality(g, u=u))
    assert_same(eg.closeness(g, weight="weight"), nx.closeness_centrality(g, distance="weight"))
    with pytest.raises(NodeNotFoundError):
        eg.closeness(g, u="nope")
    with pytest.raises(AnalysisError):
        eg.closeness(g, distance="weight", weight="other")


@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize("distance", [None, "weight"])
def test_harmonic_matches_networkx(name, distance):
    g = make_graph(name)
    assert_same(eg.harmonic(g, distance=distance), nx.harmonic_centrality(g, distance=distance))


@pytest.mark.parametrize("name", ["gnp_directed", "weighted_directed", "disconnected", "multidigraph"])
def test_harmonic_subsets(name):
    g = make_graph(name)
    nodes = list(g)
    few, many = nodes[:5], nodes[3:30]
    for nbunch, sources in [(few, many), (many, few), (few, None), (None, few)]:
        expected = nx.harmonic_centrality(g, nbunch=nbunch, sources=sources, distance="weight")
        assert_same(eg.harmonic(g, nbunch=nbunch, sources=sources, distance="weight"), expected)


# ---------------------------------------------------------------------- betweenness
@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("endpoints", [False, True])
def test_betweenness_matches_networkx(name, weight, normalized, endpoints):
    g = make_graph(name)
    expected = nx.betweenness_centrality(g, normalized=normalized, weight=weight, endpoints=endpoints)
    assert_same(eg.betweenness(g, normalized=normalized, weight=weight, endpoints=endpoints), expected)


@pytest.mark.parametrize("name", ["barabasi", "gnp_directed", "weighted_directed", "disconnected", "multigraph"])
@pytest.mark.parametrize("k", [1, 7, 20])
@pytest.mark.parametrize("endpoints", [False, True])
def test_sampled_betweenness_uses_networkx_sample(name, k, endpoints):
    g = make_graph(name)
    for weight in (None, "weight"):
        expected = nx.betweenness_centrality(g, k=k, seed=42, weight=weight, endpoints=endpoints)
        assert_same(eg.betweenness(g, k=k, seed=42, weight=weight, endpoints=endpoints), expected)


def test_betweenness_errors():
    with pytest.raises(AnalysisError, match="k=99"):
        eg.betweenness(nx.path_graph(4), k=99)
    with pytest.raises(AnalysisError, match="negative"):
        eg.betweenness(nx.Graph([(0, 1, {"weight": -1})]), weight="weight")


# ---------------------------------------------------------------------- inputs
def test_ecosystem_and_sparse_graph_inputs_agree_with_networkx_view():
    eco = build_ecosystem()
    oracle = ecosystem_digraph(eco)
    # parallel relations count their multiplicity, as in nx.pagerank on a MultiDiGraph
    assert_same(eg.pagerank(eco, weight=None), nx.pagerank(oracle, weight="weight", tol=1e-13, max_iter=10_000))
    weighted = ecosystem_digraph(eco, weight="weight")
    assert_same(eg.pagerank(eco), nx.pagerank(weighted, tol=1e-13, max_iter=10_000))
    assert_same(eg.betweenness(eco), nx.betweenness_centrality(oracle))
    assert_same(eg.closeness(eco), nx.closeness_centrality(oracle))
    assert_same(eg.harmonic(eco), nx.harmonic_centrality(oracle))
    compiled = eg.compile(eco, weight="count", relations=["serves", "collaborates"])
    oracle = ecosystem_digraph(eco, weight="count", relations={"serves", "collaborates"})
    assert_same(eg.pagerank(compiled), nx.pagerank(oracle, tol=1e-13, max_iter=10_000))
    assert_same(eg.betweenness(compiled, weight="count"), nx.betweenness_centrality(oracle, weight="weight"))


def test_collaboration_only_ecosystem_is_undirected():
    eco = eg.Ecosystem()
    for i in "abcd":
        eco.add_org(i)
    for u, v in ["ab", "bc", "cd"]:
        eco.add_relation(u, v, "collaborates")
    assert_same(eg.degree(eco), nx.degree_centrality(nx.path_graph("abcd")))
    assert_same(eg.betweenness(eco), nx.betweenness_centrality(nx.path_graph("abcd")))


def test_results_are_node_values_with_chinese_ids():
    g = make_graph("chinese_labels")
    pr = eg.pagerank(g)
    assert pr.top(1)[0][0] == "电机平台"
    assert isinstance(pr.array, np.ndarray) and not pr.array.flags.writeable
    assert pr.to_pandas()["电机平台"] == pytest.approx(pr["电机平台"])


def test_report_section_lists_top_organisations_with_chinese_names():
    from ecograph.report.centrality import sections as report_sections

    eco = build_ecosystem()
    (section,) = report_sections(eco)
    rows = section.tables["central_organisations"]
    assert len(rows) == 10
    pr = eg.pagerank(eco, weight=None)
    assert [r["id"] for r in rows] == [n for n, _ in pr.top(10)]
    assert rows[0]["name"] == eco.node(rows[0]["id"])["name"]
    from scipy.stats import rankdata

    expected = rankdata(-np.round(pr.array, 12), method="min")  # competition ranks of all organisations
    for row in rows:
        rank = int(expected[pr.nodes.index(row["id"])])
        assert row["rank"] == rank
        assert row["rank_tied"] == (int((expected == rank).sum()) > 1)
    assert report_sections(eg.Ecosystem()) == []


def test_larger_power_law_graph_exercises_bottom_up_search():
    # big frontiers switch the BFS to bottom-up: still networkx's numbers
    g = nx.barabasi_albert_graph(1500, 3, seed=21)
    assert_same(eg.closeness(g), nx.closeness_centrality(g))
    assert_same(eg.harmonic(g), nx.harmonic_centrality(g))
    d = nx.gnp_random_graph(800, 0.01, seed=22, directed=True)
    assert_same(eg.closeness(d), nx.closeness_centrality(d))
