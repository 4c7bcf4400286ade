"""Chain alliances: coverage, gaps, bottlenecks, anchor position, request routing, strengthening."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest

from ecograph import Ecosystem, errors
from ecograph.chains import (
    ChainRouter,
    anchor_position,
    chain_coverage,
    decompose_request,
    strengthen_chain,
)

STAGES = ["discovery", "screening", "pharmacology", "clinical", "process", "pilot", "registration"]


@pytest.fixture
def bio() -> Ecosystem:
    """A small drug-development chain with one gap (registration) and known loads."""
    eco = Ecosystem(name="bio-mini")
    eco.add_org("alliance", "生物医药产业技术创新服务平台", kind="alliance", stages=STAGES)
    members = [
        ("anchor", "上海新药研究开发中心", "research_institute", ["discovery", "process"], 20, "anchor"),
        ("screen", "国家新药筛选中心", "research_institute", ["screening"], 10, "member"),
        ("safety", "国家上海新药安全评价研究中心", "research_institute", ["pharmacology"], 6, "member"),
        ("dmpk", "上海药物代谢研究中心", "research_institute", ["pharmacology"], 2, "member"),
        ("clinic", "上海医学临床研究中心", "research_institute", ["clinical"], None, "member"),
        ("pilot", "张江中试基地", "enterprise", ["pilot"], 3, "member"),
    ]
    for mid, name, kind, stages, cap, role in members:
        eco.add_org(mid, name, kind=kind)
        eco.add_relation(mid, "alliance", "chain_member", stages=stages, capacity=cap, role=role)
    for other in ("screen", "safety", "dmpk", "clinic", "pilot"):
        eco.add_relation("anchor", other, "collaborates")
    eco.add_relation("safety", "dmpk", "collaborates")
    for client in ("c1", "c2"):
        eco.add_org(client, sme=True)
    eco.add_relation("safety", "c1", "serves", service="pharmacology", count=9)
    eco.add_relation("dmpk", "c2", "serves", service="pharmacology", count=3)
    eco.add_relation("screen", "c1", "serves", service="screening", count=5)
    eco.add_relation("pilot", "c2", "serves", service="pilot", count=6)
    eco.add_relation("pilot", "c1", "serves", service="training", count=50)  # not a stage
    # outsiders that could strengthen the chain
    eco.add_org("cro", "注册代理公司", kind="service_org", capabilities=["registration"])
    eco.add_org("gmp", "GMP生产企业", kind="enterprise", stages=["pilot", "registration"])
    eco.add_relation("gmp", "pilot", "collaborates")
    eco.add_org("lab", "高校实验室", kind="university")
    eco.add_relation("lab", "dmpk", "collaborates")
    eco.add_relation("lab", "safety", "collaborates")
    eco.add_org("gov", "上海市科委", kind="government", capabilities=["registration"])
    eco.add_relation("gov", "pilot", "funds", amount=100)
    return eco


def test_coverage_members_capacity_demand(bio: Ecosystem) -> None:
    cov = chain_coverage(bio, "alliance")
    rows = {s.stage: s for s in cov.stages}
    assert [s.stage for s in cov.stages] == STAGES
    assert rows["discovery"].members == ["anchor"] and rows["discovery"].capacity == 10.0  # 20 split over 2
    assert rows["pharmacology"].capacity == 8.0 and rows["pharmacology"].demand == 12.0
    assert rows["pharmacology"].load == pytest.approx(1.5)
    assert rows["clinical"].capacity == 0.0 and rows["clinical"].demand == 0.0 and rows["clinical"].load == 0.0
    # a service naming no stage ("training", 50) is shared over the provider's stages
    assert rows["pilot"].demand == 56.0 and rows["pilot"].load == pytest.approx(56 / 3)
    assert chain_coverage(bio, "alliance", services={"service": "pilot"}).stage("pilot").load == 2.0
    assert cov.gaps == ["registration"]
    assert cov.single_points == ["discovery", "screening", "clinical", "process", "pilot"]
    assert cov.by_load == ["pilot", "pharmacology", "screening"]  # 18.7, 1.5, 0.5
    assert cov.bottlenecks == ["pilot"]  # pharmacology is overloaded but far below 75 % of pilot's load
    assert cov.anchor == "anchor"
    frame = cov.to_pandas()
    assert list(frame.index) == STAGES and frame.loc["registration", "gap"]


def test_coverage_with_given_demand_and_infinite_load(bio: Ecosystem) -> None:
    cov = chain_coverage(bio, "alliance", demand={"registration": 4, "clinical": 1})
    assert cov.stage("registration").load == math.inf
    assert cov.stage("clinical").load == math.inf  # the only member has no declared capacity
    assert cov.stage("pharmacology").demand == 0.0
    assert cov.bottlenecks[:2] == ["clinical", "registration"]
    with pytest.raises(errors.AnalysisError):
        chain_coverage(bio, "alliance", demand={"marketing": 1})
    with pytest.raises(errors.AnalysisError):
        cov.stage("marketing")


def test_alliance_with_one_stage_and_no_members() -> None:
    eco = Ecosystem()
    eco.add_org("a", kind="alliance", stages=["testing"])
    cov = chain_coverage(eco, "a")
    assert cov.gaps == ["testing"] and cov.single_points == [] and cov.bottlenecks == []
    eco.add_org("lab")
    eco.add_relation("lab", "a", "chain_member", stages=["testing"], capacity=1)
    assert chain_coverage(eco, "a").single_points == ["testing"]
    assert decompose_request(eco, "a", ["testing"]).assignment() == {"testing": "lab"}


def test_member_in_two_alliances_is_counted_in_each() -> None:
    eco = Ecosystem()
    eco.add_org("a1", kind="alliance", stages=["design", "test"])
    eco.add_org("a2", kind="alliance", stages=["test", "certify"])
    eco.add_org("lab")
    eco.add_relation("lab", "a1", "chain_member", stages=["test"], capacity=4)
    eco.add_relation("lab", "a2", "chain_member", stages=["test", "certify"], capacity=4)
    assert chain_coverage(eco, "a1").stage("test").capacity == 4.0
    assert chain_coverage(eco, "a2").stage("test").capacity == 2.0
    assert chain_coverage(eco, "a1").gaps == ["design"]
    candidates = strengthen_chain(eco, "a1", stages=["design"]).candidates
    assert candidates == []  # the only organisation is already a member


def test_not_an_alliance(bio: Ecosystem) -> None:
    with pytest.raises(errors.EndpointKindError):
        chain_coverage(bio, "anchor")
    with pytest.raises(errors.NodeNotFoundError):
        chain_coverage(bio, "nowhere")


# ---------------------------------------------------------------------------- anchor position
def test_anchor_position_matches_networkx(bio: Ecosystem) -> None:
    pos = anchor_position(bio, "alliance")
    members = list(bio.chain("alliance").members)
    full = nx.Graph()
    full.add_edges_from((u, v) for u, v, _k, _d in bio.relations(["collaborates", "serves"]))
    shared = {n for n in full if n not in members and sum(m in full[n] for m in members) >= 2}
    assert shared == {"c1", "c2", "lab"}
    graph = full.subgraph([*members, *shared])
    oracle = nx.betweenness_centrality(graph)
    assert pos.betweenness == pytest.approx({m: oracle[m] for m in members})
    assert pos.rank == 1 + sum(oracle[m] > oracle["anchor"] for m in members)
    # cross-group two-paths through the anchor: pairs of its neighbours in different groups
    # (first stage, or outside) that are not tied to each other
    first = {m: s[0] for m, s in bio.chain("alliance").members.items()} | dict.fromkeys(shared, "(outside)")
    expected = sum(1 for a, c in itertools.combinations(graph["anchor"], 2)
                   if not graph.has_edge(a, c) and first[a] != first[c])
    assert pos.cross_stage == expected
    assert pos.roles["total"] == sum(1 for a, c in itertools.combinations(graph["anchor"], 2) if not graph.has_edge(a, c))


def test_anchor_rank_when_the_anchor_is_peripheral() -> None:
    eco = Ecosystem()
    eco.add_org("a", kind="alliance", stages=["s1", "s2"])
    for m, role in [("hub", "member"), ("x", "member"), ("y", "anchor")]:
        eco.add_org(m)
        eco.add_relation(m, "a", "chain_member", stages=["s1"], role=role)
    eco.add_relation("hub", "x", "collaborates")
    eco.add_relation("hub", "y", "collaborates")
    pos = anchor_position(eco, "a")
    assert (pos.rank, pos.betweenness["y"], pos.cross_stage) == (2, 0.0, 0.0)


def test_anchor_position_needs_an_anchor() -> None:
    eco = Ecosystem()
    eco.add_org("a", kind="alliance", stages=["s"])
    with pytest.raises(errors.AnalysisError):
        anchor_position(eco, "a")


# ---------------------------------------------------------------------------- decomposition
def test_request_split_in_chain_order_with_gap_reported(bio: Ecosystem) -> None:
    d = decompose_request(bio, "alliance", ["registration", "pharmacology", "discovery", "discovery"])
    assert d.request == ["discovery", "pharmacology", "registration"]
    assert [(t.stage, t.member) for t in d.tasks] == [("discovery", "anchor"), ("pharmacology", "safety")]
    assert d.unserved == {"registration": "no member covers this stage"}
    assert not d.feasible
    assert d.to_dict()["feasible"] is False


def test_strict_request_raises_and_leaves_load_unchanged(bio: Ecosystem) -> None:
    router = ChainRouter(bio, "alliance")
    with pytest.raises(errors.UnservableRequestError) as info:
        router.route(["screening", "registration", "marketing"], strict=True)
    assert info.value.stages == ["registration", "marketing"]
    assert info.value.alliance == "alliance"
    assert sum(router.load.values()) == 0
    assert isinstance(info.value, errors.AnalysisError)


def test_load_balancing_follows_capacity_then_performance(bio: Ecosystem) -> None:
    router = ChainRouter(bio, "alliance")
    picks = [router.route(["pharmacology"]).tasks[0].member for _ in range(8)]
    # safety (cap 6) vs dmpk (cap 2): utilisation (load+1)/cap; a tie goes to the better
    # service volume (safety 9 > dmpk 3)
    expected, load = [], {"safety": 0, "dmpk": 0}
    caps = {"safety": 6, "dmpk": 2}
    perf = {"safety": 9, "dmpk": 3}
    for _ in range(8):
        best = min(caps, key=lambda m: ((load[m] + 1) / caps[m], -perf[m]))
        load[best] += 1
        expected.append(best)
    assert picks == expected
    assert router.load["safety"] == 6 and router.load["dmpk"] == 2
    full = router.route(["pharmacology"])
    assert full.unserved == {"pharmacology": "all 2 members covering this stage are at capacity"}


def test_performance_breaks_ties() -> None:
    eco = Ecosystem()
    eco.add_org("a", kind="alliance", stages=["s"])
    for m in ("first", "second"):
        eco.add_org(m, score=1 if m == "first" else 5)
        eco.add_relation(m, "a", "chain_member", stages=["s"], capacity=3)
    assert decompose_request(eco, "a", ["s"]).assignment() == {"s": "first"}
    assert decompose_request(eco, "a", ["s"], performance="score").assignment() == {"s": "second"}
    assert decompose_request(eco, "a", ["s"], performance={"first": 2.0}).assignment() == {"s": "first"}
    assert decompose_request(eco, "a", ["s"], load={"first": 1}).assignment() == {"s": "second"}
    with pytest.raises(errors.AnalysisError):
        ChainRouter(eco, "a", load={"stranger": 1})


def test_member_without_capacity_is_never_full(bio: Ecosystem) -> None:
    router = ChainRouter(bio, "alliance")
    for _ in range(30):
        assert router.route(["clinical"]).assignment() == {"clinical": "clinic"}


# ---------------------------------------------------------------------------- strengthening
def test_strengthening_ranks_declared_capability_then_adjacent_ties(bio: Ecosystem) -> None:
    result = strengthen_chain(bio, "alliance")
    registration = result.for_stage("registration")
    assert [c.candidate for c in registration] == ["gmp", "cro"]
    assert registration[0].purpose == "fill gap"
    assert registration[0].declares and registration[0].adjacent_ties == 1  # works with the pilot base
    assert "declares capability 'registration'" in registration[0].reason
    assert all(c.candidate != "gov" for c in result.candidates)  # government is not a chain member
    pilot = result.for_stage("pilot")
    assert pilot[0].candidate == "gmp" and pilot[0].purpose == "back up"
    stages = {c.stage for c in result.candidates}
    assert stages <= set(chain_coverage(bio, "alliance").single_points) | {"registration"}


def test_strengthening_counts_ties_to_adjacent_members_vectorised(bio: Ecosystem) -> None:
    # 'lab' works with both pharmacology members: adjacent to screening and clinical
    screening = strengthen_chain(bio, "alliance", stages=["screening"]).for_stage("screening")
    lab = next(c for c in screening if c.candidate == "lab")
    assert (lab.declares, lab.adjacent_ties, lab.member_ties) == (False, 2, 2)
    clinical = strengthen_chain(bio, "alliance", stages=["clinical"], top=1).candidates
    assert [c.candidate for c in clinical] == ["lab"]
    with pytest.raises(errors.AnalysisError):
        strengthen_chain(bio, "alliance", stages=["marketing"])
    assert strengthen_chain(bio, "alliance").to_pandas().shape[1] == 8


# ---------------------------------------------------------------------------- built-in dataset
def test_biopharma_dataset() -> None:
    from loaders.datasets import shanghai_biopharma

    eco = shanghai_biopharma()
    cov = chain_coverage(eco, "bio_platform")
    assert cov.gaps == [] and cov.single_points == ["clinical"] and cov.anchor == "sndc"
    assert cov.period == {"year": 2011}  # the latest year on record: 2011 H1
    assert sum(s.demand for s in cov.stages) == pytest.approx(
        sum(d.get("count", 1) for u, _v, _k, d in eco.relations("serves")
            if u in eco.chain("bio_platform").members and d.get("year") == 2011))
    assert sum(s.demand for s in cov.stages) == pytest.approx(13694)
    pos = anchor_position(eco, "bio_platform")
    assert pos.rank == 1 + sum(b > pos.betweenness["sndc"] for b in pos.betweenness.values())
    router = ChainRouter(eco, "bio_platform")
    chain = eco.chain("bio_platform")
    for _ in range(60):
        d = router.route(chain.stages)
        for task in d.tasks:
            assert task.load <= chain.capacity[task.member]
        for stage in d.unserved:  # a stage is refused only when every member of it is full
            assert all(router.load[m] >= chain.capacity[m] for m in chain.by_stage[stage])


def test_results_are_plain_data(bio: Ecosystem) -> None:
    import json

    results = [chain_coverage(bio, "alliance"), anchor_position(bio, "alliance"),
               decompose_request(bio, "alliance", STAGES), strengthen_chain(bio, "alliance")]
    for result in results:
        json.dumps(result.to_dict(), allow_nan=True)
        assert len(result.to_pandas()) > 0


def _binding_by_hand(loads: dict[str, float]) -> list[str]:
    """Oracle of the bottleneck rule: overloaded stages within 75 % of the highest load."""
    over = {s: x for s, x in loads.items() if x >= 1}
    return sorted((s for s, x in over.items() if x >= 0.75 * max(over.values())), key=lambda s: -over[s]) if over else []


@pytest.mark.parametrize("loads", [
    {"a": 4.0, "b": 3.0, "c": 2.9, "d": 0.5},
    {"a": 0.9, "b": 0.2},
    {"a": 2.0, "b": 2.0, "c": 1.0},
    {"a": 1.0},
])
def test_bottlenecks_follow_the_binding_rule(loads: dict[str, float]) -> None:
    stages = list(loads)
    eco = Ecosystem()
    eco.add_org("al", kind="alliance", stages=stages)
    for s in stages:
        eco.add_org(f"m_{s}")
        eco.add_relation(f"m_{s}", "al", "chain_member", stages=[s], capacity=10)
    cov = chain_coverage(eco, "al", demand={s: 10 * x for s, x in loads.items()})
    assert cov.bottlenecks == _binding_by_hand(loads)


def test_demand_counts_the_latest_year_only() -> None:
    """Regression: a load compares one year's demand with capacity; it added all years (46.15 in
    the report against 43.0 in the example for biopharma screening)."""
    eco = Ecosystem()
    eco.add_org("al", kind="alliance", stages=["s"])
    eco.add_org("m"); eco.add_org("c")
    eco.add_relation("m", "al", "chain_member", stages=["s"], capacity=4)
    eco.add_relation("m", "c", "serves", key="2010", year=2010, count=100)
    eco.add_relation("m", "c", "serves", key="2011", year=2011, count=8)
    cov = chain_coverage(eco, "al")
    assert cov.period == {"year": 2011} and cov.stage("s").demand == 8 and cov.stage("s").load == 2.0
    assert chain_coverage(eco, "al", services={"year": 2010}).stage("s").load == 25.0


def test_biopharma_bottlenecks_agree_in_report_diagram_and_example() -> None:
    """Regression: the report named one bottleneck (load 46.15), the diagram 2 and the example
    printed a load of 43.0."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    from ecograph.diagrams import chain
    from ecograph.report.chains import sections
    from loaders.datasets import shanghai_biopharma

    eco = shanghai_biopharma()
    cov = chain_coverage(eco, "bio_platform")
    assert cov.bottlenecks == ["screening", "registration"]
    loads = {name: f"{cov.stage(name).load:.2f}" for name in cov.bottlenecks}
    assert loads == {"screening": "43.03", "registration": "33.68"}
    [section] = sections(eco)
    for name, load in loads.items():
        assert f"{name} (demand" in section.text and f"load {load})" in section.text
    assert f"瓶颈 {len(cov.bottlenecks)}" in chain(eco, "bio_platform").axes[0].get_title()
    script = Path(__file__).resolve().parents[1] / "examples" / "biopharma_chain.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True).stdout
    assert dict(re.findall(r"bottleneck: (\w+) \(demand is ([\d.]+) times", out)) == loads
