"""Memberships and hierarchies: matrix, overlap and projections (networkx bipartite oracles),
composition, roll-ups, balance, regional partition."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from decimal import Decimal

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms import bipartite

from ecograph import Ecosystem, errors
from ecograph.districts import adjusted_rand_index, propose_districts
from ecograph.hierarchies import balance, gini, rollup
from ecograph.memberships import association_overlap, bridging, composition, membership_matrix, projection


@pytest.fixture
def suzhou_mini() -> Ecosystem:
    """Three associations (one without members), five firms, one firm in two associations."""
    eco = Ecosystem(name="suzhou-mini")
    eco.add_org("robot", "苏州市机器人产业协会", kind="association", industry="equipment", region="苏州")
    eco.add_org("ai", "苏州市人工智能行业协会", kind="association", industry="electronics", region="苏州")
    eco.add_org("empty", "新成立协会", kind="association", industry="services", region="苏州")
    firms = [
        ("f1", dict(listed=True, high_tech=True, industry="equipment")),
        ("f2", dict(leading=True, specialized=True, high_tech=True, industry="equipment")),
        ("f3", dict(specialized=True, industry="electronics")),
        ("f4", dict(industry="electronics")),
        ("u1", dict()),
    ]
    for fid, attrs in firms:
        eco.add_org(fid, kind="university" if fid == "u1" else "enterprise", **attrs)
    for f, a in [("f1", "robot"), ("f2", "robot"), ("f2", "ai"), ("f3", "ai"), ("f4", "ai"), ("u1", "robot")]:
        eco.add_relation(f, a, "member_of")
    return eco


def _bipartite(eco: Ecosystem) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(eco.associations())
    graph.add_edges_from((u, v) for u, v, _k, d in eco.relations("member_of"))
    return graph


def random_memberships(seed: int, n_assoc: int = 12, n_firms: int = 80, p: float = 0.12) -> Ecosystem:
    rng = random.Random(seed)
    eco = Ecosystem()
    for a in range(n_assoc):
        eco.add_org(f"a{a}", kind="association" if a % 3 else "society")
    for f in range(n_firms):
        eco.add_org(f"f{f}", listed=rng.random() < 0.2)
        for a in range(n_assoc):
            if rng.random() < p:
                eco.add_relation(f"f{f}", f"a{a}", "member_of")
    return eco


def test_matrix_rows_columns_and_empty_association(suzhou_mini: Ecosystem) -> None:
    mm = membership_matrix(suzhou_mini)
    assert mm.associations == ["robot", "ai", "empty"]
    assert mm.sizes().tolist() == [3, 3, 0]
    assert dict(zip(mm.members, mm.memberships().tolist()))["f2"] == 2
    assert mm.to_dict()["empty"] == []
    assert mm.to_pandas().shape == (3, 5)


def test_matrix_rejects_non_membership_node(suzhou_mini: Ecosystem) -> None:
    with pytest.raises(errors.EndpointKindError):
        membership_matrix(suzhou_mini, ["f1"])
    with pytest.raises(errors.NodeNotFoundError):
        membership_matrix(suzhou_mini, ["nope"])


def test_matrix_is_cached_and_invalidated(suzhou_mini: Ecosystem) -> None:
    first = membership_matrix(suzhou_mini)
    assert membership_matrix(suzhou_mini) is first
    suzhou_mini.add_relation("f4", "empty", "member_of")
    assert membership_matrix(suzhou_mini).sizes().tolist() == [3, 3, 1]


def test_overlap_hand_computed(suzhou_mini: Ecosystem) -> None:
    pairs = association_overlap(suzhou_mini).pairs()
    assert pairs == [{"a": "robot", "b": "ai", "shared": 1, "jaccard": 1 / 5, "overlap": 1 / 3}]
    assert association_overlap(suzhou_mini).pairs(min_shared=2) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("side", ["associations", "members"])
def test_projections_match_networkx(seed: int, side: str) -> None:
    eco = random_memberships(seed)
    graph = _bipartite(eco)
    mm = membership_matrix(eco)
    nodes = mm.associations if side == "associations" else mm.members
    oracles = {
        "count": bipartite.weighted_projected_graph(graph, nodes),
        "jaccard": bipartite.overlap_weighted_projected_graph(graph, nodes, jaccard=True),
        "overlap": bipartite.overlap_weighted_projected_graph(graph, nodes, jaccard=False),
    }
    for weight, oracle in oracles.items():
        mine = projection(mm, side, method=weight)
        assert set(mine.nodes) == set(oracle.nodes)
        assert {frozenset(e) for e in mine.edges} == {frozenset(e) for e in oracle.edges}
        for u, v, w in oracle.edges(data="weight"):
            assert mine[u][v]["weight"] == pytest.approx(w, abs=1e-12)


def test_overlap_pairs_equal_projection_weights() -> None:
    eco = random_memberships(7)
    overlap = association_overlap(eco)
    graph = projection(eco, "associations", "jaccard")
    for row in overlap.pairs():
        assert graph[row["a"]][row["b"]]["weight"] == pytest.approx(row["jaccard"])
    assert len(overlap.pairs()) == graph.number_of_edges()


def test_projection_bad_arguments(suzhou_mini: Ecosystem) -> None:
    with pytest.raises(errors.AnalysisError):
        projection(suzhou_mini, "firms")
    with pytest.raises(errors.AnalysisError):
        projection(suzhou_mini, method="cosine")


def test_composition_counts_shares_and_totals(suzhou_mini: Ecosystem) -> None:
    comp = composition(suzhou_mini)
    robot, ai, empty = comp.rows()
    assert (robot["members"], robot["listed"], robot["high_tech"], robot["leading"]) == (3, 1, 2, 1)
    assert robot["high_tech_share"] == pytest.approx(2 / 3)
    assert (ai["specialized"], ai["specialized_share"]) == (2, pytest.approx(2 / 3))
    assert empty["members"] == 0 and empty["listed_share"] == 0.0 and empty["top_sector"] is None
    # f2 is in two associations: counted once in the distinct totals
    assert comp.totals == {"members": 5, "memberships": 6, "in_several": 1, "listed": 1, "leading": 1,
                           "specialized": 2, "high_tech": 2}
    assert comp.mix["sector"]["robot"] == {"industry": 2, "academia": 1}
    assert robot["top_industry"] in ("equipment",) and robot["top_industry_share"] == pytest.approx(2 / 3)
    assert list(comp.to_pandas().index) == ["robot", "ai", "empty"]


def test_composition_matches_a_plain_loop() -> None:
    eco = random_memberships(3)
    comp = composition(eco, flags=("listed",))
    rows = {row["association"]: row for row in comp.rows()}
    for association in eco.associations():  # the oracle's associations: a missing row fails
        row = rows[association]
        members = eco.members(association)
        assert row["members"] == len(members)
        assert row["listed"] == sum(bool(eco.node(m).get("listed")) for m in members)


# ---------------------------------------------------------------------------- hierarchy
@pytest.fixture
def national() -> Ecosystem:
    eco = Ecosystem(name="national-mini")
    eco.add_org("cppc", "中国生产力促进中心协会", kind="association")
    for d in ("ne", "east", "west"):
        eco.add_org(d, kind="district")
        eco.add_relation(d, "cppc", "part_of")
    layout = {"ne": 3, "east": 5, "west": 1}
    i = 0
    for d, n in layout.items():
        for _ in range(n):
            eco.add_org(f"c{i}", kind="productivity_center", staff=10 + i, budget=Decimal("1.10"))
            eco.add_relation(f"c{i}", d, "part_of")
            i += 1
    return eco


def test_rollup_counts_and_sums(national: Ecosystem) -> None:
    r = rollup(national).to_dict()
    assert r["cppc"]["n_productivity_center"] == 9 and r["cppc"]["n_district"] == 3
    assert r["ne"]["n_productivity_center"] == 3 and r["ne"]["staff"] == 10 + 11 + 12
    assert r["cppc"]["staff"] == sum(10 + i for i in range(9))
    assert r["cppc"]["budget"] == Decimal("9.90")  # money stays exact
    assert r["c0"]["n_productivity_center"] == 0 and r["c0"]["staff"] == 10
    assert r["east"]["depth"] == 1 and r["east"]["parent"] == "cppc"


def test_rollup_matches_networkx_descendants() -> None:
    rng = random.Random(5)
    eco = Ecosystem()
    eco.add_org("root", kind="association", weight=1)
    nodes = ["root"]
    for i in range(200):
        eco.add_org(f"n{i}", kind="district" if i % 4 else "productivity_center", weight=rng.randint(0, 9))
        eco.add_relation(f"n{i}", rng.choice(nodes), "part_of")
        nodes.append(f"n{i}")
    tree = nx.DiGraph((p, c) for c, p in eco.hierarchy().parent.items())
    r = rollup(eco, ["weight"])
    rows = r.to_dict()
    assert set(rows) == set(tree)
    for node in tree:  # the oracle's nodes: a missing row fails
        row = rows[node]
        below = nx.descendants(tree, node)
        assert row["weight"] == eco.node(node)["weight"] + sum(eco.node(b)["weight"] for b in below)
        assert row["n_district"] == sum(eco.node(b)["kind"] == "district" for b in below)


def test_rollup_rejects_non_numeric_attribute(national: Ecosystem) -> None:
    national.update_org("c0", level="national")
    with pytest.raises(errors.AnalysisError):
        rollup(national, ["level"])
    assert "level" not in rollup(national).sums  # skipped silently when not asked for


def test_rollup_on_an_ecosystem_without_hierarchy() -> None:
    eco = Ecosystem()
    eco.add_org("a")
    r = rollup(eco)
    assert r.nodes == [] and r.rows() == []


def test_gini_against_pairwise_definition() -> None:
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.integers(0, 50, size=17).astype(float)
        pairwise = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
        assert gini(x) == pytest.approx(pairwise)
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0


def test_balance_of_districts(national: Ecosystem) -> None:
    b = balance(national)
    assert b.sizes == {"ne": 3, "east": 5, "west": 1}
    assert (b.min, b.max, b.mean) == (1.0, 5.0, 3.0)
    assert b.cv == pytest.approx(np.std([3, 5, 1]) / 3)
    assert b.gini == pytest.approx(gini([3, 5, 1]))
    staff = balance(national, measure="staff")
    assert staff.sizes["west"] == 18
    with pytest.raises(errors.AnalysisError):
        balance(national, level="province")
    with pytest.raises(errors.AnalysisError):
        balance(national, measure="revenue")


# ---------------------------------------------------------------------------- bridging
def _cross_pairs_oracle(graph: nx.Graph, group: dict) -> dict:
    """Unordered open two-paths a - v - c with the ends in different groups, by brute force."""
    out = {}
    for v in graph:
        count = 0
        for a, c in itertools.combinations(graph[v], 2):
            if not graph.has_edge(a, c) and group[a] != group[c]:
                count += 1
        out[v] = count
    return out


@pytest.mark.parametrize("seed", [0, 4])
def test_bridging_matches_brute_force(seed: int) -> None:
    eco = random_memberships(seed, n_assoc=9, n_firms=60, p=0.2)
    rng = random.Random(seed)
    for node in eco:
        eco.update_org(node, industry=rng.choice(["电子", "装备", "医药"]))
    result = bridging(eco)
    group = {n: eco.node(n)["industry"] for n in eco}
    firm_oracle = _cross_pairs_oracle(_bipartite(eco), group)
    rows = {row["member"]: row for row in result.members}
    assert set(rows) == {u for u, _v, _k, _d in eco.relations("member_of")}
    for row in rows.values():
        assert row["bridging"] == pytest.approx(firm_oracle[row["member"]])
        assoc_groups = {group[a] for a in eco.graph.successors(row["member"])}
        assert row["groups"] == len(assoc_groups)
    assoc_graph = projection(eco, "associations")
    assoc_oracle = _cross_pairs_oracle(assoc_graph, group)
    for row in result.associations:
        assert row["bridging"] == pytest.approx(assoc_oracle[row["association"]])
        members = eco.members(row["association"])
        outside = sum(group[m] != group[row["association"]] for m in members)
        assert row["outside_share"] == pytest.approx(outside / max(len(members), 1))
    bridges = [r["bridging"] for r in result.members]
    assert bridges == sorted(bridges, reverse=True)


def test_bridging_by_region_with_missing_values(suzhou_mini: Ecosystem) -> None:
    result = bridging(suzhou_mini, by="region")
    # associations are all in 苏州, members have no region: f2 links two 苏州 associations
    f2 = next(r for r in result.members if r["member"] == "f2")
    assert (f2["group"], f2["groups"], f2["bridging"]) == ("(none)", 1, 0.0)
    empty = next(r for r in result.associations if r["association"] == "empty")
    assert empty["members"] == 0 and empty["outside_share"] == 0.0


# ---------------------------------------------------------------------------- partition
def _ari_by_pairs(a: list, b: list) -> float:
    """Hubert–Arabie ARI from explicit pair agreement counts."""
    n11 = n10 = n01 = n00 = 0
    for i, j in itertools.combinations(range(len(a)), 2):
        same_a, same_b = a[i] == a[j], b[i] == b[j]
        n11 += same_a and same_b
        n10 += same_a and not same_b
        n01 += same_b and not same_a
        n00 += not same_a and not same_b
    num = 2 * (n00 * n11 - n01 * n10)
    den = (n00 + n01) * (n01 + n11) + (n00 + n10) * (n10 + n11)
    return 1.0 if den == 0 else num / den


def test_adjusted_rand_index_against_pair_counting() -> None:
    rng = random.Random(1)
    for _ in range(20):
        n = rng.randint(2, 40)
        a = [rng.randint(0, 4) for _ in range(n)]
        b = [rng.choice("xyz") for _ in range(n)]
        assert adjusted_rand_index(a, b) == pytest.approx(_ari_by_pairs(a, b), abs=1e-12)
    assert adjusted_rand_index(["a", "a", "b"], [5, 5, 7]) == 1.0
    with pytest.raises(errors.AnalysisError):
        adjusted_rand_index([1, 2], [1])


def _districts(seed: int = 0, per: int = 30) -> Ecosystem:
    """Three declared districts; each groups two regions with its own dominant industry."""
    rng = random.Random(seed)
    eco = Ecosystem()
    eco.add_org("cppc", kind="association")
    layout = {"东北": (["辽宁", "吉林"], "装备"), "华南": (["广东", "广西"], "电子"), "西部": (["新疆", "甘肃"], "能源")}
    i = 0
    for district, (regions, industry) in layout.items():
        eco.add_org(district, kind="district")
        eco.add_relation(district, "cppc", "part_of")
        for _ in range(per):
            ind = industry if rng.random() < 0.8 else rng.choice(["装备", "电子", "能源"])
            eco.add_org(f"c{i}", kind="productivity_center", region=rng.choice(regions), industry=ind)
            eco.add_relation(f"c{i}", district, "part_of")
            i += 1
    return eco


def test_propose_districts_recovers_a_clear_partition() -> None:
    eco = _districts()
    proposal = propose_districts(eco)  # region first, industry half weight (the default)
    assert len(proposal.sizes) == 3
    assert 27 <= min(proposal.sizes) and max(proposal.sizes) <= int(np.ceil(90 / 3 * 1.1))
    assert proposal.ari == pytest.approx(adjusted_rand_index(proposal.declared, proposal.labels.tolist()))
    assert proposal.ari == 1.0
    assert sum(sum(v for k, v in row.items() if k != "declared") for row in proposal.confusion) == 90


def test_propose_districts_is_deterministic_and_balanced() -> None:
    eco = _districts(seed=3)
    a = propose_districts(eco, 4, seed=11, tolerance=0.0)
    b = propose_districts(eco, 4, seed=11, tolerance=0.0)
    assert np.array_equal(a.labels, b.labels)
    assert max(a.sizes) == 23 and min(a.sizes) >= 22 and sum(a.sizes) == 90  # floor(22.5) .. ceil(22.5)
    with pytest.raises(errors.AnalysisError):
        propose_districts(eco, 0)
    with pytest.raises(errors.AnalysisError):
        propose_districts(eco, 91)


def test_propose_districts_without_declared_districts() -> None:
    eco = Ecosystem()
    for i in range(4):
        eco.add_org(f"c{i}", kind="productivity_center", lat=float(i), region="x")
    p = propose_districts(eco, 2, weights={"lat": 1.0}, tolerance=0.0)
    assert np.isnan(p.ari)
    assert p.labels[0] == p.labels[1] != p.labels[2] == p.labels[3]


# ---------------------------------------------------------------------------- built-in datasets
def test_suzhou_dataset_composition() -> None:
    from loaders.datasets import suzhou_associations

    eco = suzhou_associations()
    comp = composition(eco)
    links = [(u, v) for u, v, _k, _d in eco.relations("member_of")]  # the oracle: the relations themselves
    in_several = sum(1 for n in Counter(u for u, _v in links).values() if n > 1)
    assert comp.totals == {"members": 11849, "memberships": len(links), "in_several": in_several, "listed": 191,
                           "leading": 308, "specialized": 292, "high_tech": 1127}
    rows = {r["association"]: r for r in comp.rows()}
    assert rows["sz_meddevice"]["members"] == 528
    assert len(rows) == 25 and "sz_federation" not in rows  # the umbrella is a federation, not an association
    assert sum(r["members"] for r in comp.rows()) == len(links) > 11849  # the synthetic overlap
    firms_of: dict[str, set[str]] = {}
    for u, v in links:
        firms_of.setdefault(v, set()).add(u)
    expected = {frozenset((a, b)): len(firms_of[a] & firms_of[b]) for a in firms_of for b in firms_of
                if a < b and firms_of[a] & firms_of[b]}
    pairs = association_overlap(eco).pairs()
    assert pairs and {frozenset((p["a"], p["b"])): p["shared"] for p in pairs} == expected
    field = {a: eco.node(a)["field"] for a in eco.associations()}
    spans: dict[str, set[str]] = {}
    for u, v in links:
        spans.setdefault(u, set()).add(field[v])
    bridges = {r["member"]: r for r in bridging(eco, by="field").members}
    for firm, fields in spans.items():  # a firm bridges exactly when its associations span two fields
        assert bridges[firm]["groups"] == len(fields)
        assert (bridges[firm]["bridging"] > 0) == (len(fields) > 1)


def test_productivity_dataset_hierarchy() -> None:
    from loaders.datasets import productivity_centers

    eco = productivity_centers(n_enterprises=3000)
    r = rollup(eco, attach="serves").to_dict()
    assert r["cppc"]["n_productivity_center"] == 2689 and r["cppc"]["n_district"] == 10
    served = {v for u, v, _k, _d in eco.relations("serves")}
    assert r["cppc"]["serves_distinct"] == len(served) == 3000
    assert r["cppc"]["serves_count"] == sum(d["count"] for *_e, d in eco.relations("serves"))
    district = "d_northeast"
    centres = [c for c, p in eco.hierarchy().parent.items() if p == district]
    expected = {v for c in centres for _, v, t in eco.graph.out_edges(c, data="type") if t == "serves"}
    assert r[district]["serves_distinct"] == len(expected)
    b = balance(eco)
    assert sum(b.sizes.values()) == 2689 and b.min >= 200
    proposal = propose_districts(eco)
    again = propose_districts(eco)
    assert np.array_equal(proposal.labels, again.labels)
    assert int(np.floor(2689 / 10 * 0.9)) <= min(proposal.sizes) <= max(proposal.sizes) <= int(np.ceil(2689 / 10 * 1.1))
    assert proposal.ari > 0.3  # neighbouring provinces group together, as the declared districts do


def test_results_are_plain_data(suzhou_mini: Ecosystem, national: Ecosystem) -> None:
    import json

    results = [membership_matrix(suzhou_mini), association_overlap(suzhou_mini), composition(suzhou_mini),
               bridging(suzhou_mini), rollup(national), balance(national), propose_districts(national, 3)]
    for result in results:
        json.dumps(result.to_dict(), default=str)  # Decimal money is the only non-JSON value
        assert len(result.to_pandas()) > 0


def test_rollup_aggregates_each_attribute_by_its_rule() -> None:
    """Regression: the roll-up summed founding years and shares. Oracle: the values in each
    node's subtree, gathered by walking networkx descendants."""
    import random

    import networkx as nx

    from ecograph.hierarchies import aggregation, rollup

    rng = random.Random(3)
    eco = Ecosystem()
    eco.add_org("n", kind="association", founded_year=1992)
    for d in range(3):
        eco.add_org(f"d{d}", kind="district")
        eco.add_relation(f"d{d}", "n", "part_of")
        for c in range(4):
            attrs = {"staff": rng.randint(5, 40), "founded_year": rng.randint(1985, 2015),
                     "bachelor_share": round(rng.random(), 3)}
            if c == 3:
                attrs.pop("bachelor_share")  # a missing share is not a zero
            eco.add_org(f"c{d}{c}", kind="productivity_center", **attrs)
            eco.add_relation(f"c{d}{c}", f"d{d}", "part_of")
    r = rollup(eco, how={"staff": "mean"})
    assert r.how == {"bachelor_share": "mean", "founded_year": "min", "staff": "mean"}
    tree = nx.DiGraph((v, u) for u, v, _k, _d in eco.relations("part_of"))
    oracle = {"mean": lambda xs: sum(xs) / len(xs) if xs else None, "min": lambda xs: min(xs) if xs else None}
    rows = {row["node"]: row for row in r.rows()}
    for node in tree:
        below = [node, *nx.descendants(tree, node)]
        for attr, rule in r.how.items():
            values = [eco.node(m)[attr] for m in below if eco.node(m).get(attr) is not None]
            expected = oracle[rule](values)
            assert rows[node][attr] == (expected if expected is None or rule == "min" else pytest.approx(expected))
    assert 1985 <= rows["n"]["founded_year"] <= 1992 and 0 <= rows["n"]["bachelor_share"] <= 1  # never a sum
    assert aggregation("staff") == "sum" and rollup(eco).how["staff"] == "sum"
    with pytest.raises(errors.AnalysisError):
        rollup(eco, how={"staff": "median"})
