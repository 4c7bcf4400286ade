"""Dynamic management (有进有出): decisions by hand on a small panel, and the Tianjin panel's history."""

from __future__ import annotations

from decimal import Decimal

import pytest

import loaders
from ecograph import Ecosystem
from ecograph.scoring import IndicatorTable, evaluate
from ecograph.management import DECISIONS, indicator_panel, manage

ELIGIBLE = dict(registered_in_tianjin=True, years_registered=5, independent_legal_person=True, bachelor_share=0.8,
                iso9001=True, center_type="enterprise", staff=20, revenue_per_head=Decimal(200000))


def small_panel() -> Ecosystem:
    """Five members since 2018, applicants f (eligible, admitted 2019) and g (no ISO 9001)."""
    eco = Ecosystem(name="小面板", periods=[2019, 2020])
    eco.vocabulary.add_relation("cultivated_by")
    eco.vocabulary.add_relation("reports")
    eco.add_org("stc", "市科委", kind="government")
    for ident in "abcdefg":
        eco.add_org(ident, f"天津市{ident}生产力促进中心", kind="productivity_center", **ELIGIBLE)
    eco.update_org("g", iso9001=False)
    for ident in "abc":
        eco.add_relation(ident, "stc", "cultivated_by", since=2018)
    for ident in "de":  # removed after the 2019 evaluation, as the rules decide
        eco.add_relation(ident, "stc", "cultivated_by", since=2018, until=2020)
    eco.add_relation("f", "stc", "cultivated_by", since=2019)  # admitted in 2019
    x2019 = {"a": 1.0, "b": 0.8, "c": 0.7, "d": 0.2, "e": 0.0, "f": 0.5, "g": 0.9}
    x2020 = {"a": 1.0, "b": 0.96, "c": 0.5, "f": 0.85, "g": 0.9}
    for year, x in ((2019, x2019), (2020, x2020)):
        for ident, value in x.items():
            flags = {"submitted": False} if (year, ident) == (2019, "e") else {}
            eco.add_relation(ident, "stc", "reports", key=f"y{year}", since=year, until=year + 1, x=value,
                             **flags)
    return eco


OPTIONS = {"weights": {"x": 1.0}, "thresholds": {"excellent": 0.9, "good": 0.6, "pass": 0.3}}


def test_decisions_by_hand() -> None:
    m = manage(small_panel(), **OPTIONS)
    got = {(d.period, d.id): (d.decision, d.rule, d.grade) for d in m.decisions}
    expected = {
        # 2019: x min-max over a..e = x itself; e did not hand in its materials
        (2019, "a"): ("promote", "excellent_reward", "excellent"),
        (2019, "b"): ("keep", "good_or_pass", "good"),
        (2019, "c"): ("keep", "good_or_pass", "good"),
        (2019, "d"): ("remove", "fail_grade", "fail"),
        (2019, "e"): ("remove", "materials_not_submitted", "fail"),
        (2019, "f"): ("promote", "admit_eligible", None),
        (2019, "g"): ("reject", "applicant_ineligible", None),
        # 2020: a, b, c and f evaluated (min-max over 0.5 … 1.0); d and e are gone
        (2020, "a"): ("promote", "excellent_reward", "excellent"),
        (2020, "b"): ("promote", "excellent_reward", "excellent"),
        (2020, "c"): ("remove", "fail_grade", "fail"),
        (2020, "f"): ("keep", "good_or_pass", "good"),
        (2020, "g"): ("reject", "applicant_ineligible", None),
    }
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == value, key
    g = next(d for d in m.decisions if d.id == "g")
    assert g.detail == "iso9001" and g.text.startswith("申请纳入")
    assert m.counts(2019) == {"promote": 2, "keep": 2, "warn": 0, "remove": 2, "reject": 1}
    assert [t for t in m.trajectories() if t["id"] == "c"] == [
        {"id": "c", "period": 2019, "grade": "good", "score": pytest.approx(0.7)},
        {"id": "c", "period": 2020, "grade": "fail", "score": pytest.approx(0.0)}]


def test_a_pass_after_a_better_grade_is_a_warning_and_targets_limit_entries() -> None:
    eco = small_panel()
    m = manage(eco, thresholds={"excellent": 0.95, "good": 0.6, "pass": 0.0}, weights={"x": 1.0},
               targets={2019: 4})
    c2020 = next(d for d in m.decisions if (d.period, d.id) == (2020, "c"))
    assert (c2020.decision, c2020.rule, c2020.previous_grade, c2020.grade) == ("warn", "declining_pass", "good", "pass")
    # 2019: a, b, c, d stay (d passes with threshold 0), e removed: 4 members already -> f waits
    # (the data admitted f anyway: the decision list is the rules' reading of the data)
    f = next(d for d in m.decisions if d.id == "f")
    assert (f.decision, f.rule) == ("reject", "target_reached")


def test_the_indicator_panel_and_evaluations_equal_a_direct_evaluation() -> None:
    eco = loaders.load_dataset("tianjin_centers")
    panel = indicator_panel(eco)
    m = manage(eco)
    for period, evaluation in m.evaluations.items():
        table = panel[period]
        due = list(evaluation.scores)
        direct = evaluate(table.take([table.units.index(u) for u in due]), quota={"excellent": 0.2, "good": 0.3, "pass": 0.4},
                          fail={u for u in due if eco.graph.edges[u, "tj_stc", f"y{period}"].get("submitted") is False})
        assert direct.scores.to_dict() == evaluation.scores.to_dict()
        assert dict(direct.grades.items()) == dict(evaluation.grades.items())
    assert isinstance(panel[2018], IndicatorTable) and len(panel[2018]) == 80


def test_the_tianjin_history_is_what_the_rules_decide() -> None:
    eco = loaders.load_dataset("tianjin_centers")
    m = manage(eco)
    assert eco.periods() == [2018, 2019, 2020] and m.periods == eco.periods()
    spans = {u: (d.get("since"), d.get("until")) for u, _v, _k, d in eco.relations("cultivated_by")}
    for period in m.periods:
        entered = {u for u, (since, _) in spans.items() if since == period}
        left = {u for u, (_, until) in spans.items() if until == period + 1}
        assert entered == {d.id for d in m.decisions if d.period == period and d.rule == "admit_eligible"}
        assert left == {d.id for d in m.decisions if d.period == period and d.decision == "remove"}
        members_after = len(m.members[period]) - len(left) + len(entered)
        target = dict(zip(eco.attrs["target_years"], eco.attrs["targets"]))[period]
        assert members_after <= target
        assert set(m.counts(period)) == set(DECISIONS)
    rules = {d.rule for d in m.decisions}
    assert {"admit_eligible", "excellent_reward", "fail_grade", "inspection_failed", "materials_not_submitted"} <= rules
    # every decision names its rule's clause and source text
    assert all(d.clause and d.text for d in m.decisions)
