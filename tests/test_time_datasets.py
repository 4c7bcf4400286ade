"""The built-in panels reproduce the seed's dated figures through eco.at, eg.changes and eg.panel."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

import ecograph as eg
import loaders
from loaders.datasets import DATASETS

YI = 100_000_000  # 亿


@pytest.fixture(scope="module")
def bio():
    return loaders.load_dataset("shanghai_biopharma")


@pytest.fixture(scope="module")
def pudong():
    return loaders.load_dataset("pudong_policy")


@pytest.fixture(scope="module")
def motor():
    return loaders.load_dataset("shanghai_motor")


def test_biopharma_changes_give_the_2010_and_h1_2011_figures(bio) -> None:
    assert bio.periods() == [2010, 2011]
    c = eg.changes(bio, 2010, 2011)
    group = "serves/专业技术服务"
    # 2010: 1,120 firms served, 853 of them SMEs, 1,287 service projects
    assert c.measure(group, "clients").before == 1120
    assert c.measure(group, "clients.sme").before == 853
    assert c.measure(group, "count").before == 1287
    # H1 2011: 13,694 services to 571 users, 283 of them in Shanghai
    assert c.measure(group, "count").after == 13694
    assert c.measure(group, "clients").after == 571
    assert c.measure(group, "clients.region=上海").after == 283
    # revenue: "more than 100 million" (2010) and "more than 60 million" yuan (H1 2011), in fen
    revenue = c.measure(group, "revenue")
    assert revenue.before > 1 * YI * 100 and 60_000_000 * 100 < revenue.after < 70_000_000 * 100
    # the snapshot of H1 2011 ends on 30 June
    assert eg.changes(bio, 2011, dt.date(2011, 7, 1)).measure(group, "clients").after == 0
    years, output = (bio.node("bio_platform")[k] for k in ("industry_output_years", "industry_output_yuan"))
    assert dict(zip(years, output)) == {2008: 800 * YI, 2011: 1800 * YI}


def test_pudong_panel_gives_the_2011_growth_rates(pudong) -> None:
    c = eg.changes(pudong, 2010, 2011)
    total = c.measure("accepts", "count")
    assert total.after > 8000 and round(total.rate * 100, 2) == 36.83  # all matters +36.83 %
    hightech = c.measure("accepts/高新技术企业认定", "count")
    assert hightech.after == 194 and math.floor(hightech.rate * 100) == 74  # +74 % (truncated: 74.8 %)
    institutions = c.measure("accepts/区级企业研发机构认定", "count")
    assert institutions.after == 164 and round(institutions.rate * 100) == 264
    deduction = c.measure("accepts/企业研发费用税前加计扣除", "count")
    assert deduction.after == 2760
    expense = c.measure("accepts/企业研发费用税前加计扣除", "rd_expense")
    assert expense.after == Decimal("115.52") * YI and round(expense.rate * 100) == 79
    # no whole number of 2010 high-tech firms gives +74 % rounded: the seed's rate is truncated
    assert not any(round((194 / n - 1) * 100) == 74 for n in range(1, 194))
    # the 2011 serves edges to the 194 + 164 firms exist in 2011 only
    assert eg.changes(pudong, 2010, 2011).added["serves"].__len__() == 194 + 164


def test_motor_history_2007_2009_2011(motor) -> None:
    assert motor.periods() == [2007, 2009, 2011]
    s2007, s2009, s2011 = (motor.at(y) for y in motor.periods())
    assert {"motor_sh_centre", "motor_mi_centre"} <= set(s2007) and "motor_centre" not in s2007
    assert "motor_centre" in s2009 and "motor_platform" not in s2009
    c = eg.changes(motor, 2009, 2011)
    assert c.entered == ["motor_platform"]
    entries = {m.to_ring: m.count for m in c.ring_moves if m.from_ring is None}
    assert entries == {ring: len(members) for ring, members in motor.rings("motor_platform").items()}
    assert motor.node("motor_platform")["yx3_promotion_share"] == 0.815


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_with_periods_has_snapshots_changes_and_panels(name) -> None:
    eco = loaders.load_dataset(name, **({"n_enterprises": 300} if name == "productivity_centers" else {}))
    periods = eco.periods()
    if not periods:  # a dataset without periods has one snapshot: itself, at any time
        assert eco.at(2000) == eco
        rows = eg.changes(eco, 2000, 2001).rows()
        assert all(r["aspect"] == "growth" and r["before"] == r["after"] for r in rows)
        return
    for period in periods:
        assert not eco.at(period).problems()
    for t0, t1 in zip(periods, periods[1:]):
        rows = eg.changes(eco, t0, t1).rows()
        assert all(set(r) == set(eg.Changes.columns) for r in rows)
    p = eg.panel(eco, periods, "degree")
    assert {r["period"] for r in p.rows()} == set(periods)
    for period in periods:
        assert len([r for r in p.rows() if r["period"] == period]) == len(eco.at(period))


def test_the_time_page_runs() -> None:
    import doctest
    from pathlib import Path

    page = Path(__file__).parent.parent / "docs" / "time.md"
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 20 and result.failed == 0


def test_time_diagrams_draw_the_results_in_chinese(tmp_path, motor, pudong) -> None:
    from ecograph import diagrams

    c = eg.changes(motor, 2009, 2011)
    moves = {(m.from_ring, m.to_ring): m.count for m in c.ring_moves}
    figures = {
        "ring": diagrams.ring_transitions(c, "motor_platform"),
        "layers": diagrams.layers_over_time(motor, "motor_platform"),
        "trajectories": diagrams.trajectories(eg.panel(motor, None, "pagerank"), motor, top=4),
        "growth": diagrams.growth_bars(eg.changes(pudong, 2010, 2011),
                                       groups=["accepts", "accepts/高新技术企业认定", "accepts/区级企业研发机构认定"]),
    }
    assert f"进入 {sum(n for (a, _), n in moves.items() if a is None)}" in figures["ring"].axes[0].get_title(loc="left")
    texts = [t.get_text() for t in figures["growth"].axes[0].texts]
    assert texts == ["+36.83%", "+74.77%", "+264.44%"]
    assert len(figures["trajectories"].axes[0].get_lines()) == 4
    for name, fig in figures.items():
        assert diagrams.missing_glyphs(fig) == [], name
        diagrams.save(fig, tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
