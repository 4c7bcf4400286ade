"""Only diagrams and analyses with something to show: the rules, the CLI refusal, the listing."""

from __future__ import annotations

import pytest

from ecograph import Ecosystem
from ecograph.applicability import ANALYSES, applicable_analyses, hierarchy_why_not, why_not
from ecograph.cli import main
from ecograph.diagrams.applicability import DIAGRAMS, applicable_diagrams, diagram_why_not
from ecograph.errors import AnalysisError
from loaders.datasets import list_datasets, load_dataset


def platform_with(rings: dict[str, int]) -> Ecosystem:
    eco = Ecosystem()
    eco.add_org("p", "平台", kind="platform")
    for ring, n in rings.items():
        for i in range(n):
            eco.add_org(f"{ring}{i}", f"{ring}{i}")
            eco.add_relation(f"{ring}{i}", "p", "in_ring", ring=ring)
    return eco


def test_circle_layers_need_two_rings_with_members() -> None:
    assert why_not(platform_with({"core": 1}), "rings") == "no platform has members in at least two circle layers (圈层)"
    assert why_not(platform_with({"core": 1, "radiation": 1}), "rings") is None
    assert why_not(Ecosystem(), "rings") == "no platform"


def test_reach_needs_a_core_with_relations() -> None:
    eco = platform_with({"core": 1, "radiation": 2})
    assert why_not(eco, "reach") == "no platform core with relations to reach out along"
    eco.add_relation("core0", "radiation0", "serves")
    assert why_not(eco, "reach") is None


def test_chain_needs_two_stages_and_two_members() -> None:
    eco = Ecosystem()
    eco.add_org("a", "联盟", kind="alliance", stages=["研发"])
    eco.add_org("x", "甲")
    eco.add_relation("x", "a", "chain_member", stages=["研发"])
    assert "1 stage and 1 member" in why_not(eco, "chains")
    eco.update_org("a", stages=["研发", "生产"])
    eco.add_org("y", "乙")
    eco.add_relation("y", "a", "chain_member", stages=["生产"])
    assert why_not(eco, "chains") is None


def test_membership_needs_two_associations_with_members() -> None:
    eco = Ecosystem()
    for a in ("a1", "a2"):
        eco.add_org(a, a, kind="association")
    eco.add_org("f", "甲")
    eco.add_relation("f", "a1", "member_of")
    assert why_not(eco, "memberships") == "one association with members ('a1'); overlap needs two"
    eco.add_relation("f", "a2", "member_of")
    assert why_not(eco, "memberships") is None


def test_hierarchy_needs_two_units_and_two_levels_below_the_root() -> None:
    eco = Ecosystem()
    for n in "abcd":
        eco.add_org(n, n)
    eco.add_relation("b", "a", "part_of")
    eco.add_relation("c", "b", "part_of")  # a chain of single children: nothing to show
    assert why_not(eco, "hierarchy") is not None
    eco.add_relation("d", "a", "part_of")
    assert why_not(eco, "hierarchy") is None
    flat = Ecosystem()  # one level of leaves: every wedge one unit
    flat.add_org("r", "r")
    for n in "xyz":
        flat.add_org(n, n)
        flat.add_relation(n, "r", "part_of")
    assert why_not(flat, "hierarchy") == "no part_of hierarchy with two units below its root and two levels"
    assert hierarchy_why_not(flat, "r") == "the part_of tree under 'r' has one level: 3 units of one each"


def test_hierarchy_rule_on_every_dataset(datasets: dict[str, Ecosystem]) -> None:
    for name, eco in datasets.items():
        tree = eco.hierarchy()
        for root in tree.roots:  # the oracle: the depths of the units below the root
            depths = [tree.depth(u) - tree.depth(root) for u in tree.descendants(root)]
            shows = depths.count(1) >= 2 and max(depths) >= 2
            assert (hierarchy_why_not(eco, root) is None) == shows, (name, root)
    assert hierarchy_why_not(datasets["shanghai_motor"], "seari") is not None  # three wedges of one unit
    assert hierarchy_why_not(datasets["productivity_centers"], "cppc") is None


def test_cli_refuses_a_flat_hierarchy(tmp_path, capsys) -> None:
    out = tmp_path / "h.png"
    assert main(["diagram", "hierarchy", "--dataset", "shanghai_motor", "--root", "seari", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == ("ecograph diagram: error: diagram hierarchy: nothing to draw: the part_of tree under 'seari' "
                       "has one level: 3 units of one each")
    assert not out.exists()


def test_unknown_names_are_errors() -> None:
    with pytest.raises(AnalysisError, match="unknown analysis 'sunburst'"):
        why_not(Ecosystem(), "sunburst")
    with pytest.raises(AnalysisError, match="unknown diagram 'pie'"):
        diagram_why_not(Ecosystem(), "pie")


@pytest.fixture(scope="module")
def datasets() -> dict[str, Ecosystem]:
    return {d["name"]: load_dataset(d["name"]) for d in list_datasets()}


def test_every_dataset_gets_its_own_diagrams(datasets: dict[str, Ecosystem]) -> None:
    expected = {  # what each seed case is about
        "shanghai_motor": {"circle-layers", "reach"},
        "shanghai_biopharma": {"chain"},
        "suzhou_associations": {"membership"},
        "productivity_centers": {"hierarchy"},
        "tianjin_centers": {"radar"},
        "cast_service_action": {"action-flows", "action-coverage"},
    }
    for name, eco in datasets.items():
        applies = set(applicable_diagrams(eco))
        assert expected.get(name, set()) <= applies, name
        assert {"network", "interactive"} <= applies
        for kind in DIAGRAMS:  # a refused diagram says why, in one line
            reason = diagram_why_not(eco, kind)
            assert (kind in applies) == (reason is None) and (reason is None or "\n" not in reason)
    assert "membership" not in applicable_diagrams(datasets["shanghai_motor"])  # one association only
    assert "circle-layers" not in applicable_diagrams(datasets["suzhou_associations"])


def test_cli_refuses_a_diagram_with_nothing_to_show(tmp_path, capsys) -> None:
    out = tmp_path / "m.png"
    assert main(["diagram", "membership", "--dataset", "shanghai_motor", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == ("ecograph diagram: error: diagram membership: nothing to draw: one association with members "
                   "('motor_assoc'); overlap needs two")
    assert not out.exists()


def test_datasets_lists_what_applies(capsys) -> None:
    assert main(["datasets", "shanghai_biopharma"]) == 0
    text = capsys.readouterr().out
    eco = load_dataset("shanghai_biopharma")
    assert f"analyses that apply: {', '.join(applicable_analyses(eco))}" in text
    assert f"diagrams that apply: {', '.join(applicable_diagrams(eco))}" in text
    assert set(applicable_analyses(eco)) <= set(ANALYSES) and "chains" in applicable_analyses(eco)


def _two_periods(after: int) -> Ecosystem:
    """A provider serving a firm 5 times in 2010 and ``after`` times in 2011."""
    eco = Ecosystem(periods=[2010, 2011])
    eco.add_org("p", "服务中心", kind="service_org", since=2010)
    eco.add_org("f", "甲公司", since=2010)
    eco.add_relation("p", "f", "serves", key="2010", count=5, since=2010, until=2011)
    eco.add_relation("p", "f", "serves", key="2011", count=after, since=2011)
    return eco


def test_growth_needs_a_count_that_changed() -> None:
    import ecograph as eg
    from ecograph.applicability import growing_pairs

    flat, grown = _two_periods(5), _two_periods(8)
    assert [g.rate for g in eg.changes(flat, 2010, 2011).growth if g.measure == "count"] == [0.0]
    assert why_not(flat, "growth") == "no counted measure grew or shrank between consecutive periods"
    assert diagram_why_not(flat, "growth") is not None and growing_pairs(flat) == []
    assert why_not(grown, "growth") is None and "growth" in applicable_diagrams(grown)
    assert [(c.t0, c.t1) for c in growing_pairs(grown)] == [(2010, 2011)]
    assert why_not(Ecosystem(), "growth") == "fewer than two periods"


def test_the_report_leaves_out_growth_charts_without_growth() -> None:
    import ecograph as eg
    from ecograph.report.changes import figures

    motor = load_dataset("shanghai_motor")
    periods = motor.periods()
    drawn = {name for section in figures(motor, "zh") for name in section.figures}
    for t0, t1 in zip(periods, periods[1:]):  # the oracle: the growth rows of each pair
        rates = [g for g in eg.changes(motor, t0, t1).growth if g.measure == "count"]
        grew = any(g.after != g.before for g in rates)
        assert (f"growth_{t0}_{t1}" in drawn) == grew, (t0, t1)
    assert "growth_2009_2011" not in drawn  # every count the same (0 %) in 2011 as in 2009


def test_growth_chart_reads_in_chinese() -> None:
    import ecograph as eg
    from ecograph.diagrams import growth_bars

    fig = growth_bars(eg.changes(_two_periods(8), 2010, 2011), "count", lang="zh")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "次数" and "count" not in ax.get_title() and "serves" not in str(
        [t.get_text() for t in ax.get_xticklabels()])


def test_cli_refuses_a_growth_chart_without_growth(tmp_path, capsys) -> None:
    out = tmp_path / "g.png"
    assert main(["diagram", "growth", "--dataset", "tianjin_centers", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == ("ecograph diagram: error: diagram growth: nothing to draw: no counted measure grew or shrank "
                       "between consecutive periods")
    assert not out.exists()
