"""eg.changes and eg.panel against brute force over snapshots built from scratch, and networkx."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import networkx as nx
import pytest
from test_time import from_scratch

import ecograph as eg
from ecograph import RINGS, Ecosystem
from ecograph.errors import AnalysisError

STAGES = ["discovery", "screening", "clinical", "production"]
YEARS = [2009, 2010, 2011, 2012]


def evolving_ecosystem(seed: int, n: int = 60) -> Ecosystem:
    """A platform, an alliance and an association whose members come, go and move, with services."""
    rng = random.Random(seed)
    eco = Ecosystem(name=f"evolving{seed}", periods=YEARS)
    eco.add_org("p", "平台", kind="platform")
    eco.add_org("al", "联盟", kind="alliance", stages=STAGES)
    eco.add_org("as", "协会", kind="association", since=2009)
    for i in range(n):
        since = rng.choice([None, 2010, 2011])
        until = rng.choice([None, None, 2012, dt.date(2012, 7, 1)])
        eco.add_org(f"o{i}", f"单位{i}", kind=rng.choice(["enterprise", "university", "research_institute"]),
                    since=since, until=until, sme=rng.random() < 0.6, region=rng.choice(["上海", "江苏", "浙江"]))
        first = since or 2009
        last = 2013 if until is None else until if isinstance(until, int) else until.year + 1
        years = list(range(first, last))
        if rng.random() < 0.7:  # ring history: one ring per run of years, keyed by start year
            cut = rng.choice(years)
            for j, (lo, hi) in enumerate([(first, cut), (cut, last)]):
                if lo < hi:
                    eco.add_relation(f"o{i}", "p", "in_ring", key=f"in_ring{j}", ring=rng.choice(RINGS[1:]),
                                     since=lo if j or since else None, until=hi if hi < last or until is None and hi < 2013 else None)
        if rng.random() < 0.5:
            eco.add_relation(f"o{i}", "al", "chain_member", stages=rng.sample(STAGES, rng.randint(1, 2)),
                             since=rng.choice(years))
        if rng.random() < 0.5:
            eco.add_relation(f"o{i}", "as", "member_of", since=rng.choice(years))
    ids = [f"o{i}" for i in range(n)]
    for j in range(4 * n):
        provider, client = rng.sample(ids, 2)
        span = _span(eco, provider, client)
        if span is None:
            continue
        year = rng.choice(span)
        eco.add_relation(provider, client, "serves", key=f"s{j}", since=year, until=year + 1,
                         count=rng.randint(1, 9), revenue=Decimal(rng.randint(1, 999)) / 10,
                         service=rng.choice(["检测", "培训"]))
    for j in range(n):
        u, v = rng.sample(ids, 2)
        eco.add_relation(u, v, "collaborates", key=f"c{j}", project=f"项目{j % 7}")
    return eco


def _span(eco: Ecosystem, u: str, v: str) -> list[int] | None:
    def years(node):
        d = eco.node(node)
        lo = d.get("since", 2009)
        hi = d.get("until", 2013)
        hi = hi if isinstance(hi, int) else hi.year  # a mid-year end: the whole year is not covered
        return set(range(lo, hi))

    common = sorted(years(u) & years(v))
    return common or None


# ---------------------------------------------------------------------------- changes
def innermost_rings(eco: Ecosystem, platform: str) -> dict[str, str]:
    ring: dict[str, str] = {}
    for u, v, _k, d in eco.relations("in_ring"):
        if v == platform and (u not in ring or RINGS.index(d["ring"]) < RINGS.index(ring[u])):
            ring[u] = d["ring"]
    return ring


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("t0,t1", [(2009, 2010), (2010, 2011), (2011, 2012), (2011, dt.date(2012, 7, 1)), (2009, 2013)])
def test_changes_equal_brute_force_over_sets(seed, t0, t1) -> None:
    eco = evolving_ecosystem(seed)
    day = lambda t: dt.date(t, 1, 1) if isinstance(t, int) else t  # noqa: E731
    s0, s1 = from_scratch(eco, day(t0)), from_scratch(eco, day(t1))
    c = eg.changes(eco, t0, t1)
    assert set(c.entered) == set(s1) - set(s0) and set(c.left) == set(s0) - set(s1)
    for who, table in ((set(s1) - set(s0), c.entered_by), (set(s0) - set(s1), c.left_by)):
        for attr in ("kind", "sector"):
            oracle = {f"{attr}={eco.node(n)[attr]}" for n in who}
            for group in oracle:
                assert set(table[group]) == {n for n in who if f"{attr}={eco.node(n)[attr]}" == group}
            assert {g for g in table if g.startswith(attr)} == oracle
    e0 = {(u, v, k): d["type"] for u, v, k, d in s0.relations()}
    e1 = {(u, v, k): d["type"] for u, v, k, d in s1.relations()}
    for rtype in set(e0.values()) | set(e1.values()):
        assert set(c.added.get(rtype, [])) == {e for e, t in e1.items() if t == rtype and e not in e0}
        assert set(c.removed.get(rtype, [])) == {e for e, t in e0.items() if t == rtype and e not in e1}
    r0, r1 = innermost_rings(s0, "p"), innermost_rings(s1, "p")
    oracle_moves = {}
    for m in set(r0) | set(r1):
        if r0.get(m) != r1.get(m):
            oracle_moves.setdefault((r0.get(m), r1.get(m)), set()).add(m)
    assert {(mv.from_ring, mv.to_ring): set(mv.members) for mv in c.ring_moves} == oracle_moves
    oracle_stays = {}
    for m in set(r0) & set(r1):
        if r0[m] == r1[m]:
            oracle_stays.setdefault(r0[m], set()).add(m)
    assert {st.from_ring: set(st.members) for st in c.ring_stays} == oracle_stays
    assert all(st.from_ring == st.to_ring for st in c.ring_stays)
    st0 = {(u, s) for u, v, _k, d in s0.relations("chain_member") for s in d["stages"]}
    st1 = {(u, s) for u, v, _k, d in s1.relations("chain_member") for s in d["stages"]}
    for stage in STAGES:
        assert set(c.stage_joins.get(("al", stage), [])) == {u for u, s in st1 - st0 if s == stage}
        assert set(c.stage_leaves.get(("al", stage), [])) == {u for u, s in st0 - st1 if s == stage}
    m0 = {u for u, v, _k, _d in s0.relations("member_of")}
    m1 = {u for u, v, _k, _d in s1.relations("member_of")}
    assert set(c.association_joins.get("as", [])) == m1 - m0
    assert set(c.association_leaves.get("as", [])) == m0 - m1
    for group, service in (("serves", None), ("serves/检测", "检测"), ("serves/培训", "培训")):
        for measure in ("relations", "count", "revenue", "clients", "clients.sme", "clients.region=上海"):
            before, after = (_brute(s, service, measure) for s in (s0, s1))
            if before == after == 0 and all(g.group != group for g in c.growth):
                continue  # a group with no relation at either time has no row
            row = c.measure(group, measure)
            assert (row.before, row.after) == (before, after), (group, measure)
            assert row.rate == (None if before == 0 else float(Decimal(after) / Decimal(before) - 1))
    rows = c.rows()
    assert len(rows) == len(c.to_pandas()) and list(c.to_pandas().columns) == list(c.columns)
    assert sum(r["count"] for r in rows if r["aspect"] == "organisations") == 2 * (len(c.entered) + len(c.left))


def _brute(eco: Ecosystem, service: str | None, measure: str):
    rels = [(u, v, d) for u, v, _k, d in eco.relations("serves") if service is None or d["service"] == service]
    clients = {v for _u, v, _d in rels}
    return {
        "relations": len(rels),
        "count": sum(d["count"] for *_e, d in rels),
        "revenue": sum((d["revenue"] for *_e, d in rels), Decimal(0)),
        "clients": len(clients),
        "clients.sme": sum(1 for v in clients if eco.node(v)["sme"]),
        "clients.region=上海": sum(1 for v in clients if eco.node(v)["region"] == "上海"),
    }[measure]


def test_changes_refuse_a_backward_interval() -> None:
    with pytest.raises(AnalysisError, match="t1 2010 must come after t0 2011"):
        eg.changes(Ecosystem(), 2011, 2010)
    with pytest.raises(AnalysisError, match="no measure 'count' for group 'serves'"):
        eg.changes(Ecosystem(), 2010, 2011).measure("serves", "count")


# ---------------------------------------------------------------------------- panel
@pytest.mark.parametrize("metric,kwargs,oracle", [
    ("pagerank", {}, lambda g: nx.pagerank(g, tol=1e-12)),
    ("betweenness", {}, nx.betweenness_centrality),
    ("closeness", {}, nx.closeness_centrality),
    ("degree", {}, None),
])
def test_per_node_panel_equals_networkx_on_snapshots_built_from_scratch(metric, kwargs, oracle) -> None:
    eco = evolving_ecosystem(4)
    periods = [2009, 2010, 2011, dt.date(2011, 6, 1), 2012]
    p = eg.panel(eco, periods, metric, **kwargs)
    seen = set()
    for period in periods:
        day = dt.date(period, 1, 1) if isinstance(period, int) else period
        scratch = from_scratch(eco, day)
        graph = eg.compile(scratch).to_networkx()
        expected = oracle(graph) if oracle else getattr(eg, metric)(scratch).to_dict()
        got = {r["id"]: r["value"] for r in p.rows() if r["period"] == period}
        assert set(got) == set(expected)
        for node, value in expected.items():
            assert got[node] == pytest.approx(value, abs=1e-8), (period, node)
        seen.add(period)
    assert seen == set(periods)
    assert p.computed == 4  # 2011 and 2011-06-01 share one segment: computed once


@pytest.mark.parametrize("metric,kwargs,oracle", [
    ("density", {}, lambda eco: nx.density(eg.compile(eco).to_networkx())),
    ("components", {}, lambda eco: nx.number_weakly_connected_components(eg.compile(eco).to_networkx())),
    ("triple_helix", {"by": "project"}, lambda eco: eg.triple_helix(eco, by="project").T),
    ("coverage", {"sources": ["o1", "o2"], "population": {"kind": "enterprise"}, "hops": 2},
     lambda eco: _coverage_oracle(eco, ["o1", "o2"], 2)),
])
def test_network_measures_per_period(metric, kwargs, oracle) -> None:
    eco = evolving_ecosystem(5)
    p = eg.panel(eco, None, metric, **kwargs)
    assert p.periods == YEARS
    rows = p.rows()
    assert [r["period"] for r in rows] == YEARS and all(r["id"] is None for r in rows)
    for year in YEARS:
        scratch = from_scratch(eco, dt.date(year, 1, 1))
        assert p.series()[YEARS.index(year)][1] == pytest.approx(oracle(scratch), abs=1e-12)


def _coverage_oracle(eco: Ecosystem, sources: list[str], hops: int) -> float:
    graph = eg.compile(eco).to_networkx()
    population = [n for n in eco if eco.node(n)["kind"] == "enterprise"]
    if not population:
        return 0.0
    reached = set()
    for s in sources:
        if s in graph:
            reached |= set(nx.single_source_shortest_path_length(graph, s, cutoff=hops))
    return len(reached & set(population)) / len(population)


def test_panel_reuses_work_and_refuses_unknown_metrics() -> None:
    eco = evolving_ecosystem(6)
    calls = []

    def size(snapshot):
        calls.append(len(snapshot))
        return len(snapshot)

    p = eg.panel(eco, [2010, dt.date(2010, 3, 1), 2011], size)
    assert p.computed == len(calls) == 2 and [v for _, v in p.series()] == [len(from_scratch(eco, d)) for d in
                                                                           (dt.date(2010, 1, 1), dt.date(2010, 3, 1), dt.date(2011, 1, 1))]
    again = eg.panel(eco, [2011], size)
    assert again.computed == 0  # cached on the snapshot until the ecosystem changes
    with pytest.raises(AnalysisError, match="unknown metric 'pagerankk'"):
        eg.panel(eco, [2010], "pagerankk")
    top = eg.panel(eco, YEARS, "pagerank").top(3)
    assert len(top) == 3
