"""action_evaluation (评估反馈) against figures recomputed directly from the matching and the graph."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

import ecograph as eg
from loaders.datasets import load_dataset


@pytest.fixture(scope="module")
def case():
    eco = load_dataset("cast_service_action", n_problems=600, seed=3)
    m = eg.match(eco, capacity=1)
    return eco, m, eg.action_evaluation(eco, m)


def test_coverage_by_region_recounted(case):
    eco, m, ev = case
    expected = defaultdict(Counter)
    poser = {v: u for u, v, _k, _d in eco.relations("poses")}
    for f in eco.nodes("enterprise"):
        region = eco.node(f)["region"]
        problems = [p for p, firm in poser.items() if firm == f]
        matched = [p for p in problems if p in m.assignment]
        expected[region].update(enterprises=1, problems=len(problems), matched=len(matched),
                                with_problems=bool(problems), reached=bool(matched))
    rows = {r["region"]: r for r in ev.regions}
    assert set(rows) == set(expected)
    for region, counts in expected.items():
        for key in ("enterprises", "problems", "matched", "with_problems", "reached"):
            assert rows[region][key] == counts[key], (region, key)
        assert rows[region]["served"] == counts["enterprises"]  # every firm of the dataset is served
        assert rows[region]["coverage"] == pytest.approx(counts["reached"] / counts["with_problems"])
    assert ev.summary()["enterprises"] == 1000 and ev.summary()["matched"] == m.matched


def test_society_reach_and_scorecard_recounted(case):
    eco, m, ev = case
    rows = {r["society"]: r for r in ev.societies}
    assert list(rows) == sorted(eco.nodes("society"))
    poser = {v: u for u, v, _k, _d in eco.relations("poses")}
    all_radiation = {q for f in eco.nodes("enterprise") for q in eco.node(f)["radiation_provinces"]}
    for s in eco.nodes("society"):
        served = {v for u, v, _k, d in eco.relations("serves") if u == s}
        mine = [p for p, soc in m.society.items() if soc == s]
        reached = {poser[p] for p in mine}
        provinces = {q for f in reached | served for q in eco.node(f)["radiation_provinces"]}
        row = rows[s]
        assert row["problems_matched"] == len(mine)
        assert row["experts_active"] == len({m.assignment[p] for p in mine})
        assert row["enterprises_served"] == len(served) and row["enterprises_reached"] == len(reached)
        assert row["new_enterprises"] == len(reached - served)
        assert row["radiation_provinces"] == len(provinces)
        assert row["radiation_share"] == pytest.approx(len(provinces) / len(all_radiation))
        assert row["members"] == len(eco.members(s))
        if mine:
            assert row["mean_score"] == pytest.approx(sum(m.points[p] for p in mine) / len(mine) / 1000)
    table = ev.scorecard()
    assert table.units == sorted(eco.nodes("society"))
    for i, s in enumerate(table.units):
        for j, name in enumerate(table.indicators):
            assert table.values[i, j] == pytest.approx(rows[s][name] or 0)
    # the scorecard feeds the evaluation and allocation functions
    result = eg.evaluate(table, weights="equal", thresholds={"excellent": 0.8, "good": 0.6, "pass": 0.4})
    grant = eg.allocate(5_000_000_00, result.scores.to_dict(), unit=100)
    assert sum(grant.values()) == 5_000_000_00 and set(grant) == set(table.units)


def test_load_distribution_and_gini(case):
    eco, m, ev = case
    loads = [m.load[x] for x in eco.nodes("expert")]
    assert {r["load"]: r["experts"] for r in ev.load} == {k: loads.count(k) for k in range(max(loads) + 1)}
    n, mean = len(loads), sum(loads) / len(loads)
    # Gini as the mean absolute difference over all ordered pairs, counted by load value
    counts = Counter(loads)
    mad = sum(ca * cb * abs(a - b) for a, ca in counts.items() for b, cb in counts.items())
    assert ev.load_gini == pytest.approx(mad / (2 * n * n * mean))
    assert ev.utilisation == pytest.approx(sum(loads) / 10_000)  # capacity=1 for everyone


def test_flows_add_up_to_the_matched_problems(case):
    eco, m, ev = case
    assert sum(f["problems"] for f in ev.flows) == m.matched
    for f in ev.flows:
        assert eco.node(f["enterprise"])["region"] == f["region"]


def test_diagrams_draw_the_evaluation(case, tmp_path):
    from matplotlib.patches import Rectangle

    from ecograph.diagrams import action_flows, coverage_chart, missing_glyphs, save

    eco, m, ev = case
    flows = action_flows(eco, ev)
    assert missing_glyphs(flows) == []
    assert f"{m.matched:,} 项已对接难题" in flows.axes[0].get_title(loc="left")
    # the right-hand blocks are the regions, each as tall as its matched problems
    labels = {t.get_text().rsplit("  ", 1)[0]: t.get_text().rsplit("  ", 1)[1] for t in flows.axes[0].texts
              if "  " in t.get_text()}
    for row in ev.regions:
        assert labels[row["region"]] == f"{row['matched']:,}"
    chart = coverage_chart(ev)
    assert missing_glyphs(chart) == []
    bars = [p for p in chart.axes[0].patches if isinstance(p, Rectangle) and p.get_width() > 0]
    widths = sorted(round(b.get_width()) for b in bars)
    expected = sorted(v for r in ev.regions for v in (r["enterprises"], r["with_problems"], r["reached"]) if v > 0)
    assert widths == expected
    for fig, name in ((flows, "flows.png"), (chart, "coverage.svg")):
        save(fig, tmp_path / name)
        assert (tmp_path / name).stat().st_size > 10_000
