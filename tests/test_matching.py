"""eg.match against brute force: the global optimum of the documented score, within capacity,
deterministic, every refusal explained."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

import ecograph as eg
from ecograph.errors import AnalysisError, EndpointKindError, NodeNotFoundError
from loaders.datasets import load_dataset

FIELDS = ("集成电路", "新材料", "机器视觉")
PROVINCES = (("江苏", "长三角"), ("浙江", "长三角"), ("北京", "京津冀"), ("广东", "粤港澳大湾区"))


def random_instance(seed: int, n_problems: int = 5, n_experts: int = 4) -> eg.Ecosystem:
    """Societies, firms with places, society ties at 1-3 hops, experts with 1-2 societies."""
    rng = np.random.default_rng(seed)
    eco = eg.Ecosystem(name=f"small{seed}")
    for s in range(3):
        eco.add_org(f"s{s}", f"学会{s}", kind="society")
    for f in range(4):
        province, region = PROVINCES[rng.integers(len(PROVINCES))]
        radiation = [province] + ([PROVINCES[rng.integers(len(PROVINCES))][0]] if rng.random() < 0.5 else [])
        eco.add_org(f"f{f}", f"企业{f}", province=province, region=region, radiation_provinces=list(dict.fromkeys(radiation)))
    for s in range(3):
        for f in range(4):
            if rng.random() < 0.3:
                eco.add_relation(f"s{s}", f"f{f}", "serves")
    for a, b in itertools.combinations(range(4), 2):
        if rng.random() < 0.3:
            eco.add_relation(f"f{a}", f"f{b}", "collaborates")
    for x in range(n_experts):
        fields = list(rng.choice(FIELDS, size=rng.integers(1, 3), replace=False))
        province, region = PROVINCES[rng.integers(len(PROVINCES))]
        eco.add_org(f"x{x}", f"专家{x}", kind="expert", fields=fields, capacity=int(rng.integers(1, 3)),
                    province=province, region=region)
        for s in rng.choice(3, size=rng.integers(0, 3), replace=False).tolist():
            eco.add_relation(f"x{x}", f"s{s}", "member_of")
    for p in range(n_problems):
        fields = list(rng.choice(FIELDS, size=rng.integers(1, 3), replace=False))
        eco.add_org(f"p{p}", f"难题{p}", kind="problem", fields=fields)
        eco.add_relation(f"f{rng.integers(4)}", f"p{p}", "poses")
    return eco


def oracle_points(eco: eg.Ecosystem, problem: str, expert: str, weights=(0.5, 0.3, 0.2), hops: int = 3):
    """The documented score, computed with networkx: (points, serving society) or None if incompatible."""
    need, has = eco.node(problem)["fields"], eco.node(expert)["fields"]
    shared = len(set(need) & set(has))
    if not shared:
        return None
    firm = next(u for u, _, t in eco.graph.in_edges(problem, data="type") if t == "poses")
    undirected = nx.Graph(eco.graph.to_undirected())
    societies = sorted(v for _, v, t in eco.graph.out_edges(expert, data="type") if t == "member_of")
    best, society = None, societies[0] if societies else None
    for s in societies:
        try:
            d = nx.shortest_path_length(undirected, s, firm)
        except nx.NetworkXNoPath:
            continue
        if d <= hops and (best is None or d < best):
            best, society = d, s
    proximity = 0.0 if best is None else 2.0 ** -(best - 1)
    e, f = eco.node(expert), eco.node(firm)
    if e["province"] == f["province"]:
        region = 1.0
    elif e["region"] == f["region"] or e["province"] in f["radiation_provinces"]:
        region = 0.5
    else:
        region = 0.0
    w = np.array(weights) / sum(weights)
    score = w[0] * shared / len(need) + w[1] * proximity + w[2] * region
    return int(np.floor(score * 1000 + 0.5 + 1e-9)), society


def brute_force(eco: eg.Ecosystem):
    """Best (matched, total points, -sum load*(load-1)/2) over every assignment within capacity."""
    problems, experts = sorted(eco.nodes("problem")), sorted(eco.nodes("expert"))
    options = []
    for p in problems:
        row = [(None, 0)]
        for x in experts:
            scored = oracle_points(eco, p, x)
            if scored is not None:
                row.append((x, scored[0]))
        options.append(row)
    caps = {x: eco.node(x)["capacity"] for x in experts}
    best = None
    for choice in itertools.product(*options):
        load = {x: 0 for x in experts}
        for x, _ in choice:
            if x is not None:
                load[x] += 1
        if any(load[x] > caps[x] for x in experts):
            continue
        key = (sum(x is not None for x, _ in choice), sum(pt for _, pt in choice),
               -sum(v * (v - 1) // 2 for v in load.values()))
        best = key if best is None or key > best else best
    return best


def objective(eco: eg.Ecosystem, m: eg.Matching):
    return (m.matched, m.total_points, -sum(v * (v - 1) // 2 for v in m.load.values()))


@pytest.mark.parametrize("seed", range(40))
def test_match_reaches_the_brute_force_optimum_within_capacity(seed):
    eco = random_instance(seed)
    m = eg.match(eco)
    assert objective(eco, m) == brute_force(eco)
    for x, load in m.load.items():  # capacity never exceeded
        assert load <= eco.node(x)["capacity"]
        assert load == sum(1 for e in m.assignment.values() if e == x)
    for p, x in m.assignment.items():  # every pair's points and society are the documented ones
        points, society = oracle_points(eco, p, x)
        assert m.points[p] == points
        assert m.society[p] == society


@pytest.mark.parametrize("seed", range(40, 52))
def test_candidate_lists_still_match_the_most_problems(seed):
    eco = random_instance(seed, n_problems=6, n_experts=5)
    best = brute_force(eco)
    short = eg.match(eco, candidates=1)
    assert short.matched == best[0]  # a maximum-cardinality matching joins the short lists
    assert short.total_points <= best[1]
    assert objective(eco, eg.match(eco, candidates=50)) == best  # lists longer than the instance: exact


def test_nobody_is_left_unmatched_while_a_compatible_expert_has_room():
    for seed in range(52, 80):
        eco = random_instance(seed, n_problems=6, n_experts=3)
        m = eg.match(eco)
        for p in m.unmatched:
            need = set(eco.node(p)["fields"])
            for x in eco.nodes("expert"):
                if need & set(eco.node(x)["fields"]):
                    assert m.load[x] == eco.node(x)["capacity"], (seed, p, x)


def test_refusals_are_explained():
    eco = eg.Ecosystem()
    eco.add_org("f", "企业", province="江苏", region="长三角")
    eco.add_orgs(["p_ic", "p_ic2", "p_space", "p_none"], ["芯片", "封装", "卫星", "无领域"], kind="problem",
                 fields=[["集成电路"], ["集成电路"], ["卫星应用"], None])
    eco.add_relations(["f"] * 4, ["p_ic", "p_ic2", "p_space", "p_none"], "poses")
    eco.add_org("x", "张伟", kind="expert", fields=["集成电路"], capacity=1)
    eco.add_org("y", "李娜", kind="expert", fields=["卫星应用"], capacity=0)
    m = eg.match(eco)
    assert m.matched == 1 and set(m.unmatched) == {"p_space", "p_none", next(p for p in ("p_ic", "p_ic2") if p not in m.assignment)}
    codes = {p: m.refusals[p]["code"] for p in m.unmatched}
    assert codes["p_space"] == "no_expert_in_field" and codes["p_none"] == "no_fields"
    lost = next(p for p in ("p_ic", "p_ic2") if p in codes)
    assert codes[lost] == "capacity_exhausted"
    assert m.refusals[lost]["message_en"] == "all 1 experts in field 集成电路 are at capacity (1 problems, all assigned)"
    assert m.refusals["p_space"]["message_en"] == "no expert in field 卫星应用 within capacity"
    rows = {r["problem"]: r for r in m.rows()}
    assert [r["problem"] for r in m.rows()] == sorted(rows)
    for p in m.unmatched:
        assert rows[p]["status"] == "unmatched" and rows[p]["expert"] is None and rows[p]["reasons"] == m.refusals[p]["message"]
    matched = next(p for p in ("p_ic", "p_ic2") if p in m.assignment)
    assert rows[matched]["reasons"].startswith("领域匹配 1/1（集成电路）；专家未加入学会")
    # capacity overrides: one int for all, or per expert
    assert eg.match(eco, capacity=2).matched == 3  # both 集成电路 problems, and 卫星应用
    assert eg.match(eco, capacity={"y": 1}).matched == 2


def test_bad_input_gets_named_errors():
    eco = random_instance(0)
    with pytest.raises(NodeNotFoundError, match="'nope'"):
        eg.match(eco, ["nope"])
    with pytest.raises(EndpointKindError, match="expected 'problem'"):
        eg.match(eco, ["f0"])
    with pytest.raises(AnalysisError, match="unknown weight 'price'"):
        eg.match(eco, weights={"price": 1})
    with pytest.raises(AnalysisError, match="sum to 0"):
        eg.match(eco, weights={"field": 0})
    with pytest.raises(AnalysisError, match="capacity -1"):
        eg.match(eco, capacity=-1)
    with pytest.raises(AnalysisError, match="hops=0"):
        eg.match(eco, hops=0)
    with pytest.raises(AnalysisError, match="candidates=0"):
        eg.match(eco, candidates=0)
    eco.add_org("p_bad", kind="problem", fields=[1, 2])
    with pytest.raises(AnalysisError, match="'p_bad'.*fields"):
        eg.match(eco)


def test_results_are_tables_and_deterministic():
    eco = load_dataset("cast_service_action", n_problems=300)
    first, again = eg.match(eco), eg.match(load_dataset("cast_service_action", n_problems=300))
    assert first.rows() == again.rows()
    frame = first.to_pandas()
    assert list(frame["problem"]) == first.problems and frame["points"].sum() == first.total_points
    assert tuple(frame.columns) == eg.matching.MATCH_COLUMNS
    as_dict = first.to_dict()
    rows = {r["problem"]: r for r in as_dict["rows"]}
    assert list(rows) == first.problems and as_dict["summary"] == first.summary()
    for p, x in first.assignment.items():
        assert rows[p]["expert"] == x and x in eco.members(first.society[p])
    summary = first.summary()
    assert summary["matched"] + summary["unmatched"] == summary["problems"] == 300
