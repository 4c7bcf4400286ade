"""Evaluation: hand-computed normalisations, entropy and AHP weights, TOPSIS, grades,
service indicators and Tianjin eligibility."""

from __future__ import annotations

import math
from decimal import Decimal

import networkx as nx
import numpy as np
import pytest

import ecograph as eg
from ecograph.errors import EvaluationError
from ecograph.eligibility import check_eligibility, load_rules
from ecograph.scoring import GRADE_LABELS, IndicatorTable, ahp_weights, entropy_weights, evaluate, grade, normalize, service_indicators, topsis, weighted_sum
from ecograph.report.evaluation import sections as report_sections


@pytest.fixture
def table():
    # 3 centres x 2 indicators: clients (higher better), cost (lower better)
    return IndicatorTable(["c1", "c2", "c3"], ["clients", "cost"], [[10, 4], [20, 2], [40, 3]])


# ---------------------------------------------------------------------------------- normalisation
def test_minmax_with_direction(table):
    # clients: min 10, max 40 -> (10-10)/30, (20-10)/30, (40-10)/30 = 0, 1/3, 1
    # cost (lower better): min 2, max 4 -> (4-4)/2, (4-2)/2, (4-3)/2 = 0, 1, 0.5
    r = normalize(table, {"cost": "lower"}, "minmax")
    np.testing.assert_allclose(r.values, [[0, 0], [1 / 3, 1], [1, 0.5]])


def test_vector_with_direction(table):
    # clients: ||x|| = sqrt(100 + 400 + 1600) = sqrt(2100) -> 10/45.826, 20/45.826, 40/45.826
    # cost: ||x|| = sqrt(16 + 4 + 9) = sqrt(29) = 5.385; lower better -> 1 - x/||x||
    r = normalize(table, {"cost": "lower"}, "vector")
    n1, n2 = math.sqrt(2100), math.sqrt(29)
    np.testing.assert_allclose(r.values, [[10 / n1, 1 - 4 / n2], [20 / n1, 1 - 2 / n2], [40 / n1, 1 - 3 / n2]])


def test_zscore_with_direction(table):
    # clients: mean 70/3, population std sqrt(((10-23.33)^2 + (20-23.33)^2 + (40-23.33)^2)/3) = 12.47
    # cost: mean 3, std sqrt((1 + 1 + 0)/3) = 0.8165; lower better -> negated: -1.2247, 1.2247, 0
    r = normalize(table, {"cost": "lower"}, "zscore")
    mean, std = 70 / 3, math.sqrt(((10 - 70 / 3) ** 2 + (20 - 70 / 3) ** 2 + (40 - 70 / 3) ** 2) / 3)
    np.testing.assert_allclose(r.column("clients"), [(v - mean) / std for v in (10, 20, 40)])
    np.testing.assert_allclose(r.column("cost"), [-1 / math.sqrt(2 / 3), 1 / math.sqrt(2 / 3), 0])


def test_constant_columns():
    t = IndicatorTable(["a", "b"], ["x"], [[5], [5]])
    assert normalize(t, method="minmax").column("x").tolist() == [1.0, 1.0]
    assert normalize(t, method="zscore").column("x").tolist() == [0.0, 0.0]


# ---------------------------------------------------------------------------------- entropy
def test_entropy_weights_by_hand(table):
    # min-max with direction (see test_minmax_with_direction):
    #   clients r = 0, 1/3, 1  -> sum 4/3 -> p = 0, 1/4, 3/4
    #   cost    r = 0, 1, 1/2  -> sum 3/2 -> p = 0, 2/3, 1/3
    # e = -1/ln(3) * sum p ln p (0 ln 0 = 0):
    #   e_clients = -(1/4 ln 1/4 + 3/4 ln 3/4)/ln 3 = (0.346574 + 0.215762)/1.098612 = 0.511859
    #   e_cost    = -(2/3 ln 2/3 + 1/3 ln 1/3)/ln 3 = (0.270310 + 0.366204)/1.098612 = 0.579380
    # d = 1 - e = 0.488141, 0.420620; w = d / sum(d) = 0.488141/0.908761 = 0.537150, 0.462850
    e_clients = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(3)
    e_cost = -((2 / 3) * math.log(2 / 3) + (1 / 3) * math.log(1 / 3)) / math.log(3)
    d1, d2 = 1 - e_clients, 1 - e_cost
    w = entropy_weights(table, {"cost": "lower"})
    assert w["clients"] == pytest.approx(d1 / (d1 + d2), abs=1e-12)
    assert w["cost"] == pytest.approx(d2 / (d1 + d2), abs=1e-12)
    assert round(w["clients"], 6) == 0.53715
    assert w.details["normalization"] == "minmax"
    assert w.details["entropy"]["clients"] == pytest.approx(0.511859, abs=1e-6)


def test_entropy_direction_matters_and_constant_column_gets_zero():
    # lower-is-better must not give the reversed column the weight of the raw one
    t = IndicatorTable(["a", "b", "c", "d"], ["x", "k"], [[1, 7], [2, 7], [3, 7], [10, 7]])
    higher = entropy_weights(t)
    assert higher["k"] == 0.0 and higher["x"] == 1.0
    t2 = IndicatorTable(["a", "b", "c", "d"], ["x", "y"], [[1, 1], [2, 2], [3, 3], [10, 10]])
    w = entropy_weights(t2, {"y": "lower"})
    assert w["x"] != pytest.approx(w["y"])  # min-max flips y: (10-y)/9 is a different profile


def test_entropy_errors():
    one = IndicatorTable(["a"], ["x"], [[1]])
    with pytest.raises(EvaluationError, match="at least 2 units"):
        entropy_weights(one)
    flat = IndicatorTable(["a", "b"], ["x"], [[1], [1]])
    with pytest.raises(EvaluationError, match="no indicator varies"):
        entropy_weights(flat)
    t = IndicatorTable(["a", "b"], ["x"], [[1], [2]])
    with pytest.raises(EvaluationError, match="non-negative"):
        entropy_weights(t, normalization="zscore")


# ---------------------------------------------------------------------------------- AHP
def power_iteration(matrix, steps=200):
    a = np.array(matrix, dtype=float)
    w = np.ones(len(a)) / len(a)
    for _ in range(steps):
        w = a @ w
        w = w / w.sum()
    lam = float(np.mean((a @ w) / w))
    return w, lam


def test_ahp_classic_example_against_power_iteration():
    # Saaty's scale: c1 is 3x as important as c2 and 5x c3; c2 is 3x c3.
    m = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    w = ahp_weights(m, ["c1", "c2", "c3"])
    ref_w, ref_lam = power_iteration(m)
    np.testing.assert_allclose(w.array, ref_w, atol=1e-10)
    # published values for this matrix: w = (0.637, 0.258, 0.105), λ_max = 3.0385,
    # CI = (3.0385 - 3)/2 = 0.0193, CR = 0.0193 / 0.58 = 0.033
    np.testing.assert_allclose(w.array, [0.637, 0.258, 0.105], atol=1e-3)
    assert w.details["lambda_max"] == pytest.approx(ref_lam, abs=1e-9)
    assert w.details["lambda_max"] == pytest.approx(3.0385, abs=1e-4)
    assert w.details["cr"] == pytest.approx((ref_lam - 3) / 2 / 0.58, abs=1e-9)
    assert w.details["cr"] == pytest.approx(0.033, abs=1e-3)


def test_ahp_consistent_matrix():
    # a perfectly consistent matrix a_ij = w_i / w_j with w = 4:2:1 -> weights 4/7, 2/7, 1/7, CR 0
    w = ahp_weights([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    np.testing.assert_allclose(w.array, [4 / 7, 2 / 7, 1 / 7])
    assert w.details["cr"] == 0.0
    assert list(w) == ["c1", "c2", "c3"]


def test_ahp_refuses_inconsistent_unless_forced():
    cyclic = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a > b > c > a
    with pytest.raises(EvaluationError, match="CR = .* > 0.1") as info:
        ahp_weights(cyclic)
    assert info.value.cr > 0.1
    forced = ahp_weights(cyclic, force=True)
    assert forced.details["cr"] > 0.1
    np.testing.assert_allclose(forced.array, [1 / 3] * 3)


@pytest.mark.parametrize(
    "matrix, message",
    [
        ([[1, 2], [2, 1]], "not reciprocal"),
        ([[1, 2, 3]], "square"),
        ([[1, -1], [-1, 1]], "positive"),
    ],
)
def test_ahp_bad_matrices(matrix, message):
    with pytest.raises(EvaluationError, match=message):
        ahp_weights(matrix)


# ---------------------------------------------------------------------------------- scores
def test_weighted_sum_by_hand(table):
    # normalised (min-max): c1 (0, 0), c2 (1/3, 1), c3 (1, 1/2); weights 0.6 / 0.4
    # c1 = 0; c2 = 0.6/3 + 0.4 = 0.6; c3 = 0.6 + 0.2 = 0.8
    r = normalize(table, {"cost": "lower"})
    scores = weighted_sum(r, {"clients": 0.6, "cost": 0.4})
    assert scores.to_dict() == pytest.approx({"c1": 0.0, "c2": 0.6, "c3": 0.8})


def test_topsis_by_hand():
    # normalised matrix [[1, 0], [0, 1], [0.5, 0.5]], weights 0.5 / 0.5 ->
    # v = [[.5, 0], [0, .5], [.25, .25]]; ideal (.5, .5), anti-ideal (0, 0)
    # a: D+ = .5, D- = .5 -> 0.5; b: same; c: D+ = sqrt(2)*.25, D- = sqrt(2)*.25 -> 0.5
    t = IndicatorTable(["a", "b", "c"], ["x", "y"], [[1, 0], [0, 1], [0.5, 0.5]])
    assert topsis(t, {"x": 1, "y": 1}).to_dict() == pytest.approx({"a": 0.5, "b": 0.5, "c": 0.5})
    # weights 3:1 -> v = [[.75, 0], [0, .25], [.375, .125]]; ideal (.75, .25), anti (0, 0)
    # a: D+ = .25, D- = .75 -> .75; b: D+ = .75, D- = .25 -> .25
    # c: D+ = sqrt(.375^2 + .125^2) = .3953, D- = same -> .5
    s = topsis(t, {"x": 3, "y": 1})
    assert s.to_dict() == pytest.approx({"a": 0.75, "b": 0.25, "c": 0.5})


def test_evaluate_pipeline_topsis_vector(table):
    result = evaluate(table, {"cost": "lower"}, normalization="vector", weights="equal", method="topsis",
                      quota={"excellent": 1 / 3, "good": 1 / 3})
    assert result.settings == {"normalization": "vector", "weights": "equal", "method": "topsis", "missing": "error"}
    assert set(result.grades.values()) <= {"excellent", "good", "fail"}
    frame = result.to_pandas()
    assert list(frame.columns[-4:]) == ["score", "rank", "grade", "grade_zh"]


def test_evaluate_with_ahp_weights(table):
    w = ahp_weights([[1, 3], [1 / 3, 1]], ["cost", "clients"])  # order differs from the table
    result = evaluate(table, {"cost": "lower"}, weights=w)
    assert result.weights.to_dict() == pytest.approx({"clients": 0.25, "cost": 0.75})
    # min-max r: c1 (0, 0), c2 (1/3, 1), c3 (1, .5) -> c2 = .25/3 + .75 = 0.8333, c3 = .25 + .375 = .625
    assert result.scores["c2"] == pytest.approx(0.25 / 3 + 0.75)
    assert result.scores["c3"] == pytest.approx(0.625)


# ---------------------------------------------------------------------------------- missing values
def test_missing_value_is_an_error_naming_unit_and_indicator():
    t = IndicatorTable.from_records({"a": {"x": 1, "y": 2}, "b": {"x": 2}, "c": {"x": 3, "y": 1}})
    with pytest.raises(EvaluationError) as info:
        evaluate(t)
    assert info.value.id == "b" and info.value.field == "y"
    assert "'b'" in str(info.value) and "'y'" in str(info.value)


def test_missing_policies():
    t = IndicatorTable.from_records({"a": {"x": 1, "y": 2}, "b": {"x": 2}, "c": {"x": 3, "y": 4}})
    assert evaluate(t, missing="zero", weights="equal").table.to_dict()["b"]["y"] == 0.0
    assert evaluate(t, missing="mean", weights="equal").table.to_dict()["b"]["y"] == 3.0  # (2 + 4) / 2
    excluded = evaluate(t, missing="exclude", weights="equal")
    assert excluded.excluded == ["b"] and list(excluded.scores) == ["a", "c"]
    with pytest.raises(EvaluationError, match="missing="):
        evaluate(t, missing="guess")


def test_imputed_exact_columns_become_plain_floats():
    t = service_indicators(service_ecosystem(), year=2010)  # screen has no 2010 revenue
    filled = evaluate(t.select(["services", "revenue"]), missing="zero", weights="equal").table
    assert filled.to_dict()["screen"]["revenue"] == 0.0 and "revenue" not in filled.exact


def test_infinite_values_refused():
    with pytest.raises(EvaluationError, match="infinite"):
        IndicatorTable(["a"], ["x"], [[float("inf")]])


def test_from_records_rejects_text():
    with pytest.raises(EvaluationError) as info:
        IndicatorTable.from_records({"a": {"x": "many"}})
    assert info.value.field == "x" and info.value.id == "a"


# ---------------------------------------------------------------------------------- grades
def test_grade_thresholds_and_labels():
    g = grade({"a": 95, "b": 85, "c": 61, "d": 59.9}, thresholds={"excellent": 90, "good": 80, "pass": 60})
    assert g.to_dict() == {"a": "excellent", "b": "good", "c": "pass", "d": "fail"}
    assert [g.label(u) for u in "abcd"] == ["优秀", "良好", "合格", "不合格"]
    assert GRADE_LABELS["fail"] == "不合格"


def test_grade_quota_counts_and_ties():
    # 10 units, quota 20 % excellent, 30 % good, 30 % pass: cumulative floors 2, 5, 8; 2 fail.
    scores = {f"u{i}": 100 - i for i in range(10)}
    g = grade(scores, quota={"excellent": 0.2, "good": 0.3, "pass": 0.3})
    assert g.counts() == {"excellent": 2, "good": 3, "pass": 3, "fail": 2}
    assert g["u0"] == "excellent" and g["u2"] == "good" and g["u9"] == "fail"
    # a tie across the excellent boundary: u1 and u2 both 99 -> both good (quota is a ceiling)
    tied = dict(scores, u2=99)
    g2 = grade(tied, quota={"excellent": 0.2, "good": 0.3, "pass": 0.3})
    assert g2["u0"] == "excellent" and g2["u1"] == "good" and g2["u2"] == "good"
    assert g2.counts()["excellent"] == 1


def test_grade_forced_fail_and_errors():
    g = grade({"a": 1.0, "b": 0.5}, thresholds={"excellent": 0.9}, fail={"a": "materials not submitted"})
    assert g["a"] == "fail" and g.reasons == {"a": "materials not submitted"}
    with pytest.raises(EvaluationError, match="exactly one"):
        grade({"a": 1})
    with pytest.raises(EvaluationError, match="not increase"):
        grade({"a": 1}, thresholds={"excellent": 0.5, "good": 0.7})
    with pytest.raises(EvaluationError, match="sum to at most 1"):
        grade({"a": 1}, quota={"excellent": 0.6, "good": 0.6})


# ---------------------------------------------------------------------------------- service indicators
def service_ecosystem():
    eco = eg.Ecosystem()
    eco.add_org("anchor", "上海新药研究开发中心", kind="research_institute")
    eco.add_org("screen", "国家新药筛选中心", kind="research_institute")
    for i, sme in enumerate([True, True, False, True, False]):
        eco.add_org(f"f{i}", f"企业{i}", sme=sme)
    eco.add_org("f5", "企业5")  # sme unknown
    # anchor: 2010 revenue 1000 (f0) ; 2011 revenue 1500 (f1) + 500 (f2) = 2000 -> growth 1.0
    eco.add_relation("anchor", "f0", "serves", key="a1", count=2, revenue=1000, year=2010, service="analysis")
    eco.add_relation("anchor", "f1", "serves", key="a2", count=3, revenue=1500, year=2011)
    eco.add_relation("anchor", "f2", "serves", key="a3", count=1, revenue=500, year=2011)
    eco.add_relation("anchor", "f0", "serves", key="a4", revenue=Decimal("0.50"), year=2011)  # count defaults to 1
    # screen: only 2011 -> growth undefined (NaN)
    eco.add_relation("screen", "f3", "serves", key="s1", count=10, revenue=300, year=2011)
    eco.add_relation("screen", "f5", "serves", key="s2", count=4, year=2011)
    return eco


def test_service_indicators_by_hand():
    t = service_indicators(service_ecosystem())
    rows = t.to_dict()
    a, s = rows["anchor"], rows["screen"]
    # anchor: services 2 + 3 + 1 + 1 = 7; clients f0, f1, f2 = 3; SME f0, f1 = 2 -> 2/3
    # revenue 1000 + 1500 + 500 + 0.50 = 3000.50 (exact Decimal);
    # growth 2011 over 2010: (2000.50 - 1000) / 1000 = 1.0005; SMEs in the ecosystem: f0, f1, f3 -> reach 2/3
    assert (a["services"], a["clients"], a["sme_clients"]) == (7.0, 3.0, 2.0)
    assert a["sme_share"] == pytest.approx(2 / 3)
    assert a["revenue"] == Decimal("3000.50")
    assert a["growth"] == pytest.approx(1.0005)
    assert a["reach"] == pytest.approx(2 / 3)
    # screen: services 14, clients 2, SME 1 (f3), revenue 300, no 2010 -> growth missing, reach 1/3
    assert (s["services"], s["clients"], s["sme_clients"], s["revenue"]) == (14.0, 2.0, 1.0, 300)
    assert s["growth"] is None and s["reach"] == pytest.approx(1 / 3)  # missing comes back as None
    assert math.isnan(t.column("growth")[1])
    frame = t.to_pandas()
    assert frame.loc["anchor", "revenue"] == Decimal("3000.50")


def test_service_indicators_for_one_year_and_explicit_target():
    t = service_indicators(service_ecosystem(), year=2010, target=["f0", "f4"])
    row = t.to_dict()["anchor"]
    assert (row["services"], row["clients"], row["revenue"], row["reach"]) == (2.0, 1.0, 1000, 0.5)
    assert row["growth"] is None  # no 2009 revenue
    assert t.to_dict()["screen"]["services"] == 0.0
    assert t.to_dict()["screen"]["revenue"] is None  # no revenue figure in 2010

def test_service_indicators_empty():
    t = service_indicators(eg.Ecosystem())
    assert t.shape == (0, 7)


# ---------------------------------------------------------------------------------- eligibility
ENTERPRISE_OK = {
    "name": "天津市滨海生产力促进中心有限公司",
    "region": "天津市滨海新区",
    "founded": 2012,
    "independent_legal_person": True,
    "bachelor_share": 0.75,
    "iso9001": True,
    "center_type": "enterprise",
    "staff": 20,
    "service_revenue": 20 * 15_000_000,  # exactly 150,000 yuan per head: passes (以上 = at least)
}
INSTITUTION_OK = {
    "name": "天津市科技生产力促进中心",
    "region": "天津",
    "years_operating": 2,
    "independent_legal_person": True,
    "bachelor_share": Decimal("0.70"),
    "iso9001": True,
    "center_type": "institution",
    "total_assets": 500_000_000,
    "floor_area": 300,
    "own_facilities": True,
}


def test_tianjin_rules_shipped_as_data():
    rules = load_rules("tianjin_centres")
    ids = [r["id"] for r in rules["rules"]]
    assert {"registered_in_tianjin", "operating_two_years", "name_contains_productivity", "bachelor_share",
            "iso9001", "enterprise_staff", "enterprise_revenue_per_head", "institution_assets",
            "institution_floor_area"} <= set(ids)
    with pytest.raises(EvaluationError):
        load_rules("atlantis")


def test_tianjin_eligible_units_at_the_limits():
    result = check_eligibility({"e": ENTERPRISE_OK, "i": INSTITUTION_OK}, as_of=2018)
    assert result.eligible == {"e": True, "i": True}
    # qualitative review items without data are left to the reviewers, not failed
    assert "service_capability" in result.unassessed["e"] and "own_facilities" not in result.unassessed["i"]


def test_tianjin_failures_are_explained():
    bad = dict(
        ENTERPRISE_OK,
        name="天津市某科技服务公司",  # no 生产力
        region="北京市",
        founded=2017,  # 1 year by 2018
        bachelor_share=0.69,
        iso9001=False,
        staff=14,
        service_revenue=14 * 15_000_000 - 1,  # one fen short per 14 heads
    )
    result = check_eligibility({"x": bad}, as_of=2018)
    failed = {f["rule"]: f for f in result.failures["x"]}
    assert set(failed) == {"registered_in_tianjin", "operating_two_years", "name_contains_productivity",
                           "bachelor_share", "iso9001", "enterprise_staff", "enterprise_revenue_per_head"}
    assert result.eligible["x"] is False
    assert failed["bachelor_share"]["found"] == 0.69
    assert "15万元" in failed["enterprise_revenue_per_head"]["text"]
    assert failed["operating_two_years"]["found"] == 1
    rows = result.rows()
    assert rows[0]["eligible"] is False and "iso9001" in rows[0]["failed"]


def test_tianjin_institution_thresholds_and_missing_data():
    small = dict(INSTITUTION_OK, total_assets=499_999_999, floor_area=299.5)
    result = check_eligibility({"s": small})
    assert [f["rule"] for f in result.failures["s"]] == ["institution_assets", "institution_floor_area"]
    unknown = {"name": "天津生产力中心"}
    r2 = check_eligibility({"u": unknown})
    explained = [f["explain"] for f in r2.failures["u"]]
    assert any("no registered_in_tianjin or region given" in e for e in explained)


def test_tianjin_dataset_against_a_direct_reading_of_the_rules():
    from loaders import datasets
    eco = datasets.tianjin_centers()
    result = check_eligibility(eco)
    centres = eco.nodes("productivity_center")
    assert list(result.eligible) == centres
    for c in centres:  # the seed's conditions, written out directly on the dataset's fields
        a = eco.node(c)
        ok = (a["registered_in_tianjin"] and a["years_registered"] >= 2 and "生产力" in a["name"]
              and a["independent_legal_person"] and a["bachelor_share"] >= 0.7 and a["iso9001"])
        if a["center_type"] == "enterprise":
            ok = ok and a["staff"] >= 15 and a["revenue_per_head"] >= Decimal(150000)
        else:
            ok = ok and a["total_assets"] >= Decimal(5_000_000) and a["office_area_m2"] >= 300
        assert result.eligible[c] == bool(ok), (c, result.failures[c])
    assert 0 < sum(result.eligible.values()) < len(centres)


def test_eligibility_from_ecosystem():
    eco = eg.Ecosystem()
    eco.add_org("e", kind="productivity_center", **{k: v for k, v in ENTERPRISE_OK.items()})
    eco.add_org("firm", "某企业")
    result = check_eligibility(eco, as_of=2018)
    assert list(result.eligible) == ["e"] and result.eligible["e"]


# ---------------------------------------------------------------------------------- report
def test_report_sections():
    eco = service_ecosystem()
    for i, (assets, staff, share) in enumerate([(9, 30, 0.9), (5, 20, 0.7), (2, 16, 0.8), (7, 25, 0.75), (1, 15, 0.72)]):
        eco.add_org(f"pc{i}", f"天津生产力促进中心{i}", kind="productivity_center",
                    total_assets=assets * 100_000_000, staff=staff, bachelor_share=share)
    sections = report_sections(eco)
    titles = [s.title for s in sections]
    assert titles == ["Service performance", "Centre evaluation"]
    perf = sections[0].tables["service_performance"]
    assert perf[0]["id"] == "screen" and perf[0]["name"] == "国家新药筛选中心"  # most services first
    grades = sections[1].tables["centre_grades"]
    assert grades[0]["id"] == "pc0" and grades[0]["grade"] == "excellent" and grades[0]["grade_zh"] == "优秀"
    assert report_sections(eg.Ecosystem()) == []


def test_report_sections_on_the_tianjin_dataset():
    from loaders import datasets
    eco = datasets.tianjin_centers(n_centres=40)
    sections = {s.title: s for s in report_sections(eco)}
    assert set(sections) == {"Centre eligibility", "Centre evaluation"}
    grades = sections["Centre evaluation"].tables["centre_grades"]
    counts = {g: sum(r["grade"] == g for r in grades) for g in ("excellent", "good", "pass", "fail")}
    assert counts == {"excellent": 8, "good": 12, "pass": 16, "fail": 4}  # 20/30/40 % of 40, no ties
    assert "1,600,000 yuan" in sections["Centre evaluation"].text  # 8 x 200,000


def test_lazy_exports():
    for name in ("evaluate", "entropy_weights", "ahp_weights", "topsis", "grade", "service_indicators",
                 "check_eligibility", "IndicatorTable"):
        assert callable(getattr(eg, name))


def naive_service_indicators(eco, year=None):
    """Independent oracle: plain loops over the networkx edges."""
    out = {}
    smes = {n for n, flag in eco.graph.nodes(data="sme") if flag}
    for u, v, d in eco.graph.edges(data=True):
        if d["type"] != "serves" or (year is not None and d.get("year") != year):
            continue
        row = out.setdefault(u, {"services": 0, "clients": set()})
        row["services"] += d.get("count", 1)
        row["clients"].add(v)
    return {
        u: {"services": r["services"], "clients": len(r["clients"]), "sme_clients": len(r["clients"] & smes),
            "reach": len(r["clients"] & smes) / len(smes)}
        for u, r in out.items()
    }


@pytest.mark.parametrize("year", [None, 2010, 2011])
def test_service_indicators_match_naive_loops_on_the_biopharma_dataset(year):
    from loaders import datasets
    eco = datasets.shanghai_biopharma()
    expected = naive_service_indicators(eco, year)
    got = service_indicators(eco, year=year).to_dict()
    for provider, row in expected.items():
        for name, value in row.items():
            assert got[provider][name] == pytest.approx(value), (provider, name)
    assert all(got[p]["services"] == 0 for p in set(got) - set(expected))


@pytest.mark.parametrize("name", ["gnp_directed", "power_law_directed", "weighted_directed", "disconnected_directed",
                                  "self_loops_directed", "multidigraph", "star_directed", "empty", "single",
                                  "two_nodes_directed", "chinese_labels"])
def test_service_indicators_on_the_shared_graphs(name):
    from conftest import make_graph

    g = make_graph(name)
    served = nx.MultiDiGraph()  # string keys so that parallel relations stay distinct
    served.add_nodes_from((node, {"sme": i % 3 != 0}) for i, node in enumerate(g.nodes))
    edges = list(g.edges()) if g.is_directed() else [e for u, v in g.edges() for e in ((u, v), (v, u))]
    served.add_edges_from((u, v, f"e{k}", {"count": 1 + k % 4}) for k, (u, v) in enumerate(edges))
    eco = eg.Ecosystem.from_networkx(served, default_relation="serves")
    expected = naive_service_indicators(eco)
    got = service_indicators(eco).to_dict()
    assert set(got) == set(expected)
    for provider, row in expected.items():
        for column, value in row.items():
            assert got[provider][column] == pytest.approx(value), (name, provider, column)
