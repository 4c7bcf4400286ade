"""Circle layers: composition, density, flows, radiation, inferred rings, promotions."""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pytest
from scipy.stats import kendalltau

from ecograph import Ecosystem, errors
from ecograph.model import RINGS
from ecograph.report.rings import sections as report_sections
from ecograph.rings import (
    infer_rings,
    radiation,
    rank_levels,
    ring_composition,
    ring_density,
    ring_flows,
    suggest_promotions,
)


@pytest.fixture
def platform() -> Ecosystem:
    """core c; core ring a1, a2; collaboration f1, f2, u; radiation r1..r4 (r4 tied to the core)."""
    eco = Ecosystem(name="rings-mini")
    eco.add_org("p", "电机平台", kind="platform", target_industry="motor")
    members = {
        "c": ("research_institute", "core"),
        "a1": ("association", "core_ring"),
        "a2": ("service_org", "core_ring"),
        "f1": ("enterprise", "collaboration"),
        "f2": ("enterprise", "collaboration"),
        "u": ("university", "collaboration"),
        "r1": ("enterprise", "radiation"),
        "r2": ("enterprise", "radiation"),
        "r3": ("enterprise", "radiation"),
        "r4": ("enterprise", "radiation"),
    }
    for m, (kind, ring) in members.items():
        eco.add_org(m, kind=kind, industry="motor" if kind == "enterprise" else None)
        eco.add_relation(m, "p", "in_ring", ring=ring)
    eco.add_org("x", industry="motor")  # an industry firm outside the platform
    eco.add_org("y", industry="pump")
    for a, b in [("c", "a1"), ("c", "a2"), ("c", "f1"), ("c", "f2"), ("c", "u"), ("f1", "f2"), ("c", "r4")]:
        eco.add_relation(a, b, "collaborates")
    eco.add_relation("a1", "r1", "serves", count=4)
    eco.add_relation("a1", "r2", "serves", count=1)
    eco.add_relation("a2", "r3", "serves", count=2)
    eco.add_relation("r1", "a1", "serves", count=1, key="back")
    eco.add_relation("r3", "x", "serves")
    eco.add_relation("y", "r2", "serves")  # y reaches r2, not the reverse
    return eco


def test_composition(platform: Ecosystem) -> None:
    comp = ring_composition(platform, "p")
    assert comp.sizes == {"core": 1, "core_ring": 2, "collaboration": 3, "radiation": 4}
    assert comp.by_kind["core_ring"] == {"association": 1, "service_org": 1}
    assert comp.by_sector["collaboration"] == {"industry": 2, "academia": 1}
    assert list(comp.to_pandas().index) == list(RINGS)


def test_empty_ring_and_non_platform() -> None:
    eco = Ecosystem()
    eco.add_org("p", kind="platform")
    eco.add_org("c")
    eco.add_org("r")
    eco.add_relation("c", "p", "in_ring", ring="core")
    eco.add_relation("r", "p", "in_ring", ring="radiation")
    eco.add_relation("c", "r", "serves")
    assert ring_composition(eco, "p").sizes == {"core": 1, "core_ring": 0, "collaboration": 0, "radiation": 1}
    density = ring_density(eco, "p")
    assert math.isnan(density.get("core", "core")) and math.isnan(density.get("core_ring", "radiation"))
    assert density.get("core", "radiation") == 1.0
    inference = infer_rings(eco, "p")
    assert inference.confusion.sum() == 2 and inference.agreement == 1.0
    assert suggest_promotions(eco, "p", from_ring="core_ring", to_ring="core") == []
    with pytest.raises(errors.EndpointKindError):
        ring_composition(eco, "c")


def test_member_declared_in_two_rings_counts_in_the_innermost() -> None:
    eco = Ecosystem()
    eco.add_org("p", kind="platform")
    eco.add_org("m")
    eco.add_relation("m", "p", "in_ring", ring="radiation")
    eco.add_relation("m", "p", "in_ring", ring="collaboration", key="second")
    assert ring_composition(eco, "p").sizes["collaboration"] == 1
    assert ring_composition(eco, "p").sizes["radiation"] == 0


def test_density_hand_computed(platform: Ecosystem) -> None:
    d = ring_density(platform, "p")
    assert d.get("core", "core_ring") == 1.0  # c-a1, c-a2 of 1 x 2 pairs
    assert d.get("collaboration", "collaboration") == pytest.approx(1 / 3)  # f1-f2 of 3 pairs
    assert d.get("core_ring", "radiation") == pytest.approx(3 / 8)  # a1-r1 (twice), a1-r2, a2-r3
    assert d.get("core", "radiation") == pytest.approx(1 / 4)
    assert d.get("radiation", "radiation") == 0.0
    assert np.allclose(d.values, d.values.T, equal_nan=True)


def test_density_matches_networkx_block_counts() -> None:
    rng = random.Random(2)
    eco = Ecosystem()
    eco.add_org("p", kind="platform")
    ring_of = {}
    for i in range(40):
        ring_of[f"n{i}"] = RINGS[min(3, rng.randint(0, 4))]
        eco.add_org(f"n{i}")
        eco.add_relation(f"n{i}", "p", "in_ring", ring=ring_of[f"n{i}"])
    g = nx.gnp_random_graph(40, 0.15, seed=3)
    for u, v in g.edges:
        eco.add_relation(f"n{u}", f"n{v}", "serves" if (u + v) % 2 else "collaborates")
    d = ring_density(eco, "p")
    simple = nx.relabel_nodes(g, lambda i: f"n{i}")
    for i, a in enumerate(RINGS):
        for j, b in enumerate(RINGS):
            na = sum(r == a for r in ring_of.values())
            nb = sum(r == b for r in ring_of.values())
            ties = sum(1 for u, v in simple.edges if {ring_of[u], ring_of[v]} == {a, b} and (a != b or ring_of[u] == a))
            pairs = na * (na - 1) / 2 if a == b else na * nb
            expected = ties / pairs if pairs else math.nan
            assert d.values[i, j] == pytest.approx(expected, nan_ok=True)


def test_flows(platform: Ecosystem) -> None:
    flows = ring_flows(platform, "p", relations=("serves", "collaborates"))
    serves = flows["serves"]
    assert serves.get("core_ring", "radiation") == 3.0
    assert serves.get("radiation", "core_ring") == 1.0
    assert serves.get("radiation", "radiation") == 0.0  # r3 -> x leaves the platform
    collab = flows["collaborates"]
    assert collab.get("core", "collaboration") == 3.0 == collab.get("collaboration", "core")
    assert collab.get("collaboration", "collaboration") == 1.0  # f1-f2 once
    weighted = ring_flows(platform, "p", relations=("serves",), weight="count")["serves"]
    assert weighted.get("core_ring", "radiation") == 7.0
    assert weighted.to_pandas().shape == (4, 4)


def test_radiation_hops_and_target(platform: Ecosystem) -> None:
    rad = radiation(platform, "p")
    # hop 1: a1 a2 f1 f2 u r4; hop 2: r1 r2 r3 (served by the core ring); hop 3: x; y never
    assert [row["reached"] for row in rad.hops] == [1, 7, 10, 11]
    assert [row["new"] for row in rad.hops] == [1, 6, 3, 1]
    assert rad.hops[2]["radiation"] == 4 and rad.hops[3]["outside"] == 1
    # target: motor enterprises (the platform's target_industry): f1 f2 r1..r4 x
    assert rad.target_size == 7
    assert [row["target"] for row in rad.hops] == [0, 3, 6, 7]
    assert rad.hops[1]["target_share"] == pytest.approx(3 / 7)
    assert rad.summary().startswith("the core reaches 3 of 7 target firms directly (43%)")
    only = radiation(platform, "p", target=["y", "x"], hops=1)
    assert only.target_size == 2 and only.target_within(1) == 0
    assert radiation(platform, "p", target={"kind": "university"}).hops[1]["target"] == 1


def test_radiation_matches_networkx_bfs() -> None:
    rng = random.Random(9)
    eco = Ecosystem()
    eco.add_org("p", kind="platform")
    for i in range(60):
        eco.add_org(f"n{i}", kind="association" if i >= 50 else "enterprise")
    for i in range(3):
        eco.add_relation(f"n{i}", "p", "in_ring", ring="core")
    graph = nx.DiGraph()  # the oracle: serves one way, collaborates and member_of both ways, funds never
    graph.add_nodes_from(f"n{i}" for i in range(60))
    for k in range(120):
        u, v = rng.sample(range(60), 2)
        rtype = rng.choice(["serves", "collaborates", "member_of", "funds"])
        if rtype == "member_of" and v < 50:
            continue
        eco.add_relation(f"n{u}", f"n{v}", rtype, key=f"k{k}")
        if rtype != "funds":
            graph.add_edge(f"n{u}", f"n{v}")
        if rtype in ("collaborates", "member_of"):
            graph.add_edge(f"n{v}", f"n{u}")
    graph.add_edges_from(("src", f"n{i}") for i in range(3))
    dist = {n: d - 1 for n, d in nx.single_source_shortest_path_length(graph, "src").items() if n != "src"}
    rad = radiation(eco, "p", target=[f"n{i}" for i in range(60)], hops=4)
    assert rad.hops[-1]["reached"] < 60  # the test graph is not trivially all reached
    for row in rad.hops:
        assert row["reached"] == sum(d <= row["hop"] for d in dist.values())
        assert row["new"] == sum(d == row["hop"] for d in dist.values())


def test_radiation_errors() -> None:
    eco = Ecosystem()
    eco.add_org("p", kind="platform")
    with pytest.raises(errors.AnalysisError):
        radiation(eco, "p")
    eco.add_org("c")
    eco.add_relation("c", "p", "in_ring", ring="core")
    with pytest.raises(errors.AnalysisError):
        radiation(eco, "p", hops=-1)
    with pytest.raises(errors.NodeNotFoundError):
        radiation(eco, "p", target=["ghost"])
    assert radiation(eco, "p", hops=0).summary() == "the core itself is 1 of 1 target firms"
    assert radiation(eco, "p", target=[]).summary() == "no target population to reach"


def test_rank_levels_ties_and_empty_levels() -> None:
    assert rank_levels(np.array([0.0, 1, 1, 5]), [1, 0, 2, 1]).tolist() == [0, 2, 2, 3]
    # a tie group straddling two levels goes where its middle rank falls
    assert rank_levels(np.array([0.0, 1, 1, 1, 1]), [1, 1, 3]).tolist() == [0, 2, 2, 2, 2]


# ---------------------------------------------------------------------------- inferred rings
def test_infer_rings_distance(platform: Ecosystem) -> None:
    inference = infer_rings(platform, "p")
    assert inference.confusion.sum() == 10
    assert inference.confusion.sum(axis=1).tolist() == [1, 2, 3, 4]
    assert inference.tau == pytest.approx(kendalltau(inference.declared, inference.score).statistic)
    wrong = {d["member"]: d for d in inference.disagreements}
    # r4 collaborates with the core directly: as central as the collaboration ring
    assert wrong["r4"]["inferred"] == "collaboration"
    assert wrong["r4"]["direction"] == "more central than declared"
    assert "1 hop(s) from the core" in wrong["r4"]["reason"]
    assert "a1" not in wrong and "a2" not in wrong  # bridges to the radiation ring rank first
    assert inference.to_pandas().shape == (4, 4)


def test_infer_rings_kshell_uses_core_number(platform: Ecosystem) -> None:
    inference = infer_rings(platform, "p", method="kshell")
    members = inference.members
    sub = nx.Graph()
    sub.add_nodes_from(members)
    sub.add_edges_from((u, v) for u, v, _k, _d in platform.relations(["serves", "collaborates", "member_of"])
                       if u in members and v in members and u != v)
    oracle = nx.core_number(sub)
    assert inference.score.tolist() == [-oracle[m] for m in members]
    assert inference.tau == pytest.approx(kendalltau(inference.declared, inference.score).statistic)
    with pytest.raises(errors.AnalysisError):
        infer_rings(platform, "p", method="pagerank")


def test_unreachable_members_are_described(platform: Ecosystem) -> None:
    platform.add_org("lonely")
    platform.add_relation("lonely", "p", "in_ring", ring="core_ring")
    inference = infer_rings(platform, "p")
    lonely = next(d for d in inference.disagreements if d["member"] == "lonely")
    assert "not connected to the core" in lonely["reason"] and lonely["inferred"] == "radiation"


# ---------------------------------------------------------------------------- promotions
def test_promotions_ranked_by_ties_into_inner_rings(platform: Ecosystem) -> None:
    platform.add_relation("r2", "f1", "collaborates")
    platform.add_relation("r2", "u", "collaborates")
    ranked = suggest_promotions(platform, "p")
    assert [p.member for p in ranked] == ["r2", "r4", "r1", "r3"]
    assert ranked[0].inner_ties == 3 and ranked[0].ties["collaboration"] == 2
    assert ranked[1].ties["core"] == 1
    assert "1 core member" in ranked[1].reason
    assert [p.member for p in suggest_promotions(platform, "p", top=1)] == ["r2"]
    assert suggest_promotions(platform, "p", from_ring="collaboration", to_ring="core")[0].member == "f1"
    with pytest.raises(errors.AnalysisError):
        suggest_promotions(platform, "p", from_ring="core_ring", to_ring="radiation")
    with pytest.raises(errors.AnalysisError):
        suggest_promotions(platform, "p", to_ring="inner")


# ---------------------------------------------------------------------------- built-in dataset
def test_motor_platform_dataset() -> None:
    from loaders.datasets import shanghai_motor

    eco = shanghai_motor()
    rad = radiation(eco, "motor_platform")
    assert rad.target_size == 2000
    assert rad.hops[1]["target"] == 40  # the backbone makers served directly
    assert rad.hops[3]["target"] == 141  # + the 101 firms reached through the industry association
    inference = infer_rings(eco, "motor_platform")
    backbone = [n for n in inference.members if eco.node(n).get("backbone")]
    positions = dict(zip(inference.members, inference.inferred.tolist()))
    assert {positions[b] for b in backbone} == {RINGS.index("collaboration")}
    assert inference.tau == pytest.approx(kendalltau(inference.declared, inference.score).statistic)
    sections = report_sections(eco)
    assert len(sections) == 1 and "rings_motor_platform_radiation" in sections[0].tables
    assert "40 of 2,000" in sections[0].text


def test_infer_rings_coreness_on_a_clear_core_periphery() -> None:
    eco = Ecosystem()
    eco.add_org("p", kind="platform")
    layout = {"c1": "core", "c2": "core_ring", "c3": "core_ring", **{f"r{i}": "radiation" for i in range(6)}}
    for m, ring in layout.items():
        eco.add_org(m)
        eco.add_relation(m, "p", "in_ring", ring=ring)
    for a, b in [("c1", "c2"), ("c1", "c3"), ("c2", "c3")]:  # a core clique ...
        eco.add_relation(a, b, "collaborates")
    for i in range(6):  # ... and a periphery tied only to it
        eco.add_relation(["c1", "c2", "c3"][i % 3], f"r{i}", "serves")
    eco.add_relation("c1", "r1", "serves")
    inference = infer_rings(eco, "p", method="coreness")
    assert inference.agreement == 1.0
    assert inference.tau > 0.7
    assert inference.tau == pytest.approx(kendalltau(inference.declared, inference.score).statistic)


def test_results_are_plain_data(platform: Ecosystem) -> None:
    import json

    results = [ring_composition(platform, "p"), ring_density(platform, "p"), radiation(platform, "p"),
               infer_rings(platform, "p"), *ring_flows(platform, "p").values()]
    for result in results:
        json.dumps(result.to_dict(), allow_nan=True)
        assert len(result.to_pandas()) > 0
    json.dumps([p.to_dict() for p in suggest_promotions(platform, "p")])


def test_a_member_declared_in_two_rings_is_in_the_innermost_everywhere() -> None:
    """Regression: eco.rings() kept such a member in both rings (the diagram and the map drew it
    twice) while the analytics kept it in the innermost only."""
    from ecograph.diagrams import circle_layers
    from ecograph.diagrams.interactive import graph_json

    eco = Ecosystem()
    eco.add_org("p", "平台", kind="platform")
    for member, ring in [("c", "core"), ("a", "core_ring"), ("f", "collaboration"), ("r", "radiation")]:
        eco.add_org(member)
        eco.add_relation(member, "p", "in_ring", ring=ring)
    eco.add_relation("a", "p", "in_ring", ring="radiation", key="also")  # the association also radiates
    eco.add_relation("c", "a", "collaborates")
    expected = {"core": ["c"], "core_ring": ["a"], "collaboration": ["f"], "radiation": ["r"]}
    assert eco.rings("p") == expected
    assert ring_composition(eco, "p").sizes == {ring: len(m) for ring, m in expected.items()}
    labels = [t.get_text() for t in circle_layers(eco, "p", size_by=None).axes[0].texts]
    assert "辐射圈 (1)" in labels and "核心圈 (1)" in labels
    rings_drawn = {node["id"]: node["rings"] for node in graph_json(eco)["nodes"] if node["id"] != "p"}
    assert rings_drawn["a"] == ["core_ring"]


def test_reach_chart_share_is_the_share_of_the_target_population() -> None:
    """Regression: the chart plotted every organisation reached against the size of the target
    population (a line above the title's 7 %, 9 % on the axis)."""
    from ecograph.diagrams import platform_reach
    from loaders.datasets import shanghai_motor

    eco = shanghai_motor()
    spread = radiation(eco, "motor_platform")
    fig = platform_reach(eco, "motor_platform")
    [line] = [ln for ln in fig.axes[0].get_lines() if len(ln.get_ydata()) == len(spread.hops)]
    assert list(line.get_ydata()) == [row["target"] for row in spread.hops]
    assert line.get_ydata()[-1] / spread.target_size == spread.hops[-1]["target_share"] <= 1
    assert f"141 / 2,000 ({spread.hops[-1]['target_share']:.0%})" in fig.axes[0].get_title()
