"""Exact allocation: hand-worked cases, an independent Fraction oracle, properties."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ecograph as eg
from ecograph.allocation import GRADE_WEIGHTS, allocate, cascade, divisor_apportion, grade_rewards
from ecograph.errors import AllocationError
from ecograph.results import NodeValues


# ---------------------------------------------------------------------------------- oracle
def reference_allocation(budget, scores, floor=0, cap=None):
    """Independent, slow, all-Fraction reference: water-filling by scanning λ, then Hamilton.

    budget, floor, cap in whole units (ints); scores exact (int/Fraction/float).
    """
    ids = list(scores)
    s = {i: Fraction(scores[i]) for i in ids}
    active = [i for i in ids if s[i] > 0]
    hi = {i: (cap if cap is not None else None) for i in active}

    def total(lam):
        out = Fraction(0)
        for i in active:
            q = max(Fraction(floor), lam * s[i])
            if hi[i] is not None:
                q = min(Fraction(hi[i]), q)
            out += q
        return out

    # candidate breakpoints; g is piecewise linear between them
    points = sorted({Fraction(0)} | {Fraction(floor) / s[i] for i in active}
                    | ({Fraction(cap) / s[i] for i in active} if cap is not None else set()))
    lam = None
    for a, b in zip(points, points[1:] + [None]):
        ga = total(a)
        if b is None:
            slope = sum(s[i] for i in active if hi[i] is None or a * s[i] < hi[i])
            lam = a + (budget - ga) / slope if slope else a
            break
        gb = total(b)
        if ga <= budget <= gb:
            lam = a if gb == ga else a + (b - a) * (budget - ga) / (gb - ga)
            break
    quota = {}
    for i in ids:
        if i not in active:
            quota[i] = Fraction(0)
            continue
        q = max(Fraction(floor), lam * s[i])
        if cap is not None:
            q = min(Fraction(cap), q)
        quota[i] = q
    amounts = {i: int(q // 1) for i, q in quota.items()}
    left = budget - sum(amounts.values())
    order = sorted(ids, key=lambda i: (-(quota[i] - (quota[i] // 1)), -s[i], i))
    for i in order[:left]:
        amounts[i] += 1
    return amounts


# ---------------------------------------------------------------------------------- hand-worked
def test_equal_scores_tie_goes_to_smaller_id():
    # 100 / 3 = 33 1/3 each; floors 33+33+33 = 99; 1 unit left; remainders and scores tie,
    # so the smallest id ("a") gets it.
    alloc = allocate(100, {"c": 1, "a": 1, "b": 1})
    assert alloc.to_dict() == {"c": 33, "a": 34, "b": 33}
    assert alloc.explain("a")["rounding"] == "+1 (largest remainder)"
    assert alloc.explain("c")["quota"] == Fraction(100, 3)


def test_alabama_paradox_hamilton_by_hand():
    # populations 6, 6, 2 (total 14).
    # 10 seats: quotas 60/14 = 4.2857, 4.2857, 20/14 = 1.4286 -> floors 4, 4, 1 (= 9);
    #   largest remainder .4286 is C's -> 4, 4, 2.
    # 11 seats: quotas 66/14 = 4.714, 4.714, 22/14 = 1.571 -> floors 4, 4, 1 (= 9);
    #   two left: remainders .714, .714 beat .571 -> 5, 5, 1 (C loses a seat: Alabama paradox).
    pops = {"A": 6, "B": 6, "C": 2}
    assert allocate(10, pops).to_dict() == {"A": 4, "B": 4, "C": 2}
    assert allocate(11, pops).to_dict() == {"A": 5, "B": 5, "C": 1}


def test_tie_break_larger_score_before_id():
    # budget 3, scores 1 and 5 (total 6): quotas 0.5 and 2.5; floors 0 + 2 = 2; one left,
    # remainders tie at 1/2, the larger score ("b") wins even though "a" sorts first.
    assert allocate(3, {"a": 1, "b": 5}).to_dict() == {"a": 0, "b": 3}


def test_float_scores_are_exact_binary_values():
    # 0.1, 0.2 and 0.3 are 0.1000000000000000055..., 0.2000000000000000111...,
    # 0.2999999999999999888...; quotas of 100 are 16.67, 33.33, 49.999999999999998:
    # floors 16 + 33 + 49 = 98, the two remainders .99999 (c) and .67 (a) get the 2 left.
    alloc = allocate(100, {"a": 0.1, "b": 0.2, "c": 0.3})
    assert alloc.to_dict() == {"a": 17, "b": 33, "c": 50}
    assert alloc.explain("c")["quota"] < 50
    assert alloc.to_dict() == reference_allocation(100, {"a": 0.1, "b": 0.2, "c": 0.3})


def test_caps_release_money_to_others_repeatedly():
    # scores 6:3:1, budget 100, cap 40. Unbounded: 60, 30, 10 -> a capped at 40;
    # 60 left for b, c at 3:1 -> 45, 15 -> b capped at 40; c gets the remaining 20.
    alloc = allocate(100, {"a": 6, "b": 3, "c": 1}, cap=40)
    assert alloc.to_dict() == {"a": 40, "b": 40, "c": 20}
    assert [alloc.explain(u)["rule"] for u in "abc"] == ["cap", "cap", "proportional"]


def test_floors_taken_from_the_others():
    # scores 8:1:1, budget 100, floor 15. Unbounded: 80, 10, 10 -> b and c raised to 15;
    # a gets 100 - 30 = 70.
    alloc = allocate(100, {"a": 8, "b": 1, "c": 1}, floor=15)
    assert alloc.to_dict() == {"a": 70, "b": 15, "c": 15}


def test_floor_and_cap_together_with_per_unit_cap():
    # budget 90, scores 1/3 : 0.2 : 1 (Fraction, Decimal, int), floor 20, cap 50 (c: 45).
    # c capped at 45; 45 left for a, b at (1/3):(1/5) = 5:3 -> 28.125, 16.875 -> b raised to 20,
    # a gets 25, which is within bounds.
    alloc = allocate(90, {"a": Fraction(1, 3), "b": Decimal("0.2"), "c": 1}, floor=20, cap={"a": 50, "b": 50, "c": 45})
    assert alloc.to_dict() == {"a": 25, "b": 20, "c": 45}


def test_decimal_budget_in_cents():
    # 100.00 yuan in 0.01 steps = 10,000 cents; 3 equal scores: 3333 1/3 each -> 3334, 3333, 3333.
    alloc = allocate(Decimal("100.00"), {"x": 1, "y": 1, "z": 1}, unit=Decimal("0.01"))
    assert alloc.to_dict() == {"x": Decimal("33.34"), "y": Decimal("33.33"), "z": Decimal("33.33")}
    assert sum(alloc.values()) == Decimal("100.00")


def test_unit_multiples():
    # 1,000 fen in steps of 100 fen: 10 units at 1:2 -> 3.33, 6.67 -> 3, 7 units -> 300, 700.
    assert allocate(1000, {"a": 1, "b": 2}, unit=100).to_dict() == {"a": 300, "b": 700}


def test_ineligible_excluded_zero_score_get_nothing():
    alloc = allocate(
        1000,
        {"a": 1, "b": 1, "c": 1, "d": 0, "e": 1},
        eligible=["a", "b", "c", "d"],
        exclude={"c": "credit blacklist"},
        floor=100,
    )
    # a and b share 1000 equally; d has score 0 (no floor for it), e is not eligible.
    assert alloc.to_dict() == {"a": 500, "b": 500, "c": 0, "d": 0, "e": 0}
    assert alloc.explain("c")["rule"] == "excluded" and alloc.explain("c")["reason"] == "credit blacklist"
    assert alloc.explain("d")["rule"] == "zero score"
    assert alloc.explain("e")["rule"] == "ineligible"


def test_grade_weights_fixed_rewards_and_reserve():
    # Tianjin-style: 200,000 yuan (20,000,000 fen) to each excellent centre without a credit
    # record; 1,000,000 fen kept as a reserve; the rest shared 3:2:1 x score, fail excluded.
    grades = {"c1": "excellent", "c2": "excellent", "c3": "good", "c4": "pass", "c5": "fail"}
    scores = {"c1": 90, "c2": 88, "c3": 80, "c4": 70, "c5": 40}
    fixed = grade_rewards(grades, {"excellent": 20_000_000}, blacklist=["c2"])
    assert fixed == {"c1": 20_000_000}
    alloc = allocate(
        50_000_000, scores, grades=grades, fixed=fixed, reserve={"office": 1_000_000}
    )
    # left = 50,000,000 - 1,000,000 - 20,000,000 = 29,000,000 for c2, c3, c4 with weighted
    # scores 3*88 = 264, 2*80 = 160, 1*70 = 70 (total 494):
    #   c2 = 29e6 * 264/494 = 15,497,975.7 -> 15,497,975 ; c3 = 29e6 * 160/494 = 9,392,712.5 -> 9,392,712
    #   c4 = 29e6 * 70/494 = 4,109,311.7 -> 4,109,311 ; floors sum 28,999,998, 2 left:
    #   remainders .7 (c2: 0.708502), .7 (c4: 0.740890), .5 (c3: 0.550607) -> c4, c2 get +1.
    assert alloc.to_dict() == {"c1": 20_000_000, "c2": 15_497_976, "c3": 9_392_712, "c4": 4_109_312, "c5": 0}
    assert alloc.reserved == {"office": 1_000_000}
    assert sum(alloc.values()) + sum(alloc.reserved.values()) == 50_000_000
    assert alloc.explain("c5")["reason"] == "grade fail"
    assert alloc.explain("c1")["rule"] == "fixed"
    assert GRADE_WEIGHTS == {"excellent": 3, "good": 2, "pass": 1, "fail": 0}


def test_nodevalues_input_and_to_json():
    scores = NodeValues(["p", "q"], np.array([0.25, 0.75]))
    alloc = eg.allocate(Decimal("10.00"), scores, unit=Decimal("0.01"))
    doc = alloc.to_json()
    assert doc["amounts"] == {"p": "2.50", "q": "7.50"}
    assert doc["explanation"][0]["share"] == "0.250000"
    assert all(not isinstance(v, float) for v in doc["amounts"].values())
    ints = eg.allocate(7, NodeValues(["p", "q"], np.array([1, 6]))).to_json()
    assert ints["amounts"] == {"p": 1, "q": 6} and ints["explanation"][1]["score"] == 6
    assert type(ints["explanation"][1]["score"]) is int


def test_pandas_series_scores():
    pd = pytest.importorskip("pandas")
    # 1,000 at 1 : 3 -> 250, 750; the object column of Decimals takes the exact path
    assert allocate(1000, pd.Series([1.0, 3.0], index=["a", "b"])).to_dict() == {"a": 250, "b": 750}
    decimals = pd.Series([Decimal("0.5"), Decimal("1.5")], index=["a", "b"], dtype=object)
    assert allocate(1000, decimals).to_dict() == {"a": 250, "b": 750}
    with pytest.raises(AllocationError, match="not unique"):
        allocate(1000, pd.Series([1, 2], index=["a", "a"]))


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(budget=100.0, scores={"a": 1}), "budget"),
        (dict(budget=100, scores={"a": 1}, unit=3), "budget"),
        (dict(budget=100, scores={"a": -1}), "scores"),
        (dict(budget=100, scores={"a": float("nan")}), "scores"),
        (dict(budget=100, scores={"a": 1, "b": 1}, floor=60), "floor"),
        (dict(budget=100, scores={"a": 1, "b": 1}, cap=40), "cap"),
        (dict(budget=100, scores={"a": 0}), "scores"),
        (dict(budget=100, scores={"a": 1}, eligible=["zz"]), "eligible"),
        (dict(budget=100, scores={"a": 1}, reserve={"x": 200}), "budget"),
        (dict(budget=100, scores={"a": 1}, grades={"a": "superb"}), "grades"),
        (dict(budget=100, scores={"a": True}), "scores"),
        (dict(budget=100, scores={"a": 1}, fixed={"a": 10}, exclude=["a"]), "exclude"),
    ],
)
def test_errors_name_the_field(kwargs, field):
    budget, scores = kwargs.pop("budget"), kwargs.pop("scores")
    with pytest.raises(AllocationError) as info:
        allocate(budget, scores, **kwargs)
    assert info.value.field == field
    assert str(info.value)


def test_infeasible_messages_say_why():
    with pytest.raises(AllocationError, match="floors need 120 but only 100"):
        allocate(100, {"a": 1, "b": 1}, floor=60)
    with pytest.raises(AllocationError, match="caps of the 2 eligible units hold only 80"):
        allocate(100, {"a": 1, "b": 1}, cap=40)


def test_empty_budget_and_empty_scores():
    assert allocate(0, {"a": 1, "b": 2}).to_dict() == {"a": 0, "b": 0}
    assert allocate(0, {}).to_dict() == {}


def test_subnormal_and_tiny_scores_beside_large_ones():
    # found by hypothesis: a subnormal float (5e-324) among scores of ~600 used to underflow in
    # the float estimate and stall the water-filling; every decision must stay exact.
    scores = {"u00": Fraction(2, 13), "u01": Fraction(2, 13), "u02": 631, "u03": 5e-324, "u04": 176,
              "u05": Fraction(5137, 29)}
    alloc = allocate(1165, scores, floor=152, cap=195)
    # five units capped at 195 (975); the tiny one takes the remaining 190, inside its bounds
    assert alloc.to_dict() == {"u00": 195, "u01": 195, "u02": 195, "u03": 190, "u04": 195, "u05": 195}
    assert alloc.to_dict() == reference_allocation(1165, scores, 152, 195)
    tiny = {"a": Decimal("1E-400"), "b": Decimal("3E-400"), "c": 10**400}
    assert allocate(10, tiny, cap=7).to_dict() == reference_allocation(10, tiny, 0, 7)


def test_large_values_use_python_ints():
    # budget * score overflows int64: the exact path must still sum to the budget.
    budget = 10**18
    scores = {"a": 3 * 10**17, "b": 10**17 + 1, "c": 7}
    alloc = allocate(budget, scores)
    assert sum(alloc.values()) == budget
    assert alloc.to_dict() == reference_allocation(budget, scores)


# ---------------------------------------------------------------------------------- cascade
def test_cascade_government_anchor_members():
    # 1,000,000 fen to the platform's anchor, which keeps 5 % (50,000) for the platform office
    # and passes 950,000 to its three members at 5:3:2 -> 475,000, 285,000, 190,000.
    tree = {"gov": ["anchor"], "anchor": ["m1", "m2", "m3"]}
    result = cascade(1_000_000, tree, {"anchor": 1, "m1": 5, "m2": 3, "m3": 2}, retain={"anchor": Fraction(5, 100)})
    assert result.to_dict() == {"gov": 1_000_000, "anchor": 1_000_000, "m1": 475_000, "m2": 285_000, "m3": 190_000}
    assert result.kept == {"gov": 0, "anchor": 50_000}
    assert result.leaves() == {"m1": 475_000, "m2": 285_000, "m3": 190_000}
    for parent, alloc in result.allocations.items():  # exact at every level
        assert result[parent] == result.kept[parent] + sum(alloc.values())


def test_cascade_association_districts_centres_with_hierarchy():
    eco = eg.Ecosystem()
    eco.add_org("assoc", kind="association")
    for d in ("d1", "d2"):
        eco.add_org(d, kind="district")
        eco.add_relation(d, "assoc", "part_of")
    for c, d in [("c1", "d1"), ("c2", "d1"), ("c3", "d2")]:
        eco.add_org(c, kind="productivity_center")
        eco.add_relation(c, d, "part_of")
    # districts by number of centres 2:1 -> 667, 333 (1000/3 rounding: d1's remainder .667 wins);
    # d1's 667 to c1:c2 = 1:1 -> 334, 333 (tie -> smaller id c1); d2's 333 to c3.
    result = cascade(1000, eco.hierarchy(), {"d1": 2, "d2": 1, "c1": 1, "c2": 1, "c3": 1})
    assert result.to_dict() == {"assoc": 1000, "d1": 667, "d2": 333, "c1": 334, "c2": 333, "c3": 333}


def test_cascade_errors():
    with pytest.raises(AllocationError, match="one root"):
        cascade(10, {"a": ["b"], "c": ["d"]}, {"b": 1, "d": 1})
    with pytest.raises(AllocationError, match="no score"):
        cascade(10, {"a": ["b", "c"]}, {"b": 1})
    with pytest.raises(AllocationError, match="retain"):
        cascade(10, {"a": ["b"]}, {"b": 1}, retain={"a": 1})


# ---------------------------------------------------------------------------------- divisor methods
def test_dhondt_and_sainte_lague_by_hand():
    votes = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
    # D'Hondt divisors 1,2,3,4: A 100k 50k 33.3k 25k | B 80k 40k 26.7k | C 30k 15k | D 20k.
    # The 8 largest: 100, 80, 50, 40, 33.3, 30, 26.7, 25 -> A 4, B 3, C 1, D 0.
    assert divisor_apportion(8, votes).to_dict() == {"A": 4, "B": 3, "C": 1, "D": 0}
    # Sainte-Laguë divisors 1,3,5,7: A 100k 33.3k 20k | B 80k 26.7k 16k | C 30k 10k | D 20k.
    # The 8 largest: 100, 80, 33.3, 30, 26.7, 20 (A), 20 (D), 16 -> A 3, B 3, C 1, D 1.
    assert divisor_apportion(8, votes, method="sainte_lague").to_dict() == {"A": 3, "B": 3, "C": 1, "D": 1}
    # Adams gives every unit with votes one seat first.
    assert divisor_apportion(4, votes, method="adams").to_dict() == {"A": 1, "B": 1, "C": 1, "D": 1}


def brute_force_divisor(seats, votes, divisor):
    ranked = sorted(
        ((Fraction(v) / divisor(a), Fraction(v), u) for u, v in votes.items() if v > 0 for a in range(seats)),
        key=lambda t: (-t[0], -t[1], t[2]),
    )
    out = dict.fromkeys(votes, 0)
    for _, _, u in ranked[:seats]:
        out[u] += 1
    return out


@settings(max_examples=60, deadline=None)
@given(
    seats=st.integers(0, 40),
    votes=st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 500), min_size=1),
    method=st.sampled_from(["dhondt", "sainte_lague"]),
)
def test_divisor_methods_match_brute_force(seats, votes, method):
    assume(seats == 0 or any(votes.values()))
    divisor = {"dhondt": lambda a: Fraction(a + 1), "sainte_lague": lambda a: Fraction(2 * a + 1, 2)}[method]
    assert divisor_apportion(seats, votes, method=method).to_dict() == brute_force_divisor(seats, votes, divisor)


def test_divisor_errors():
    with pytest.raises(AllocationError, match="unknown divisor method"):
        divisor_apportion(3, {"a": 1}, method="hare")
    with pytest.raises(AllocationError, match="no positive votes"):
        divisor_apportion(3, {"a": 0})


# ---------------------------------------------------------------------------------- properties
score_values = st.one_of(
    st.integers(0, 10**6),
    st.fractions(min_value=0, max_value=1000, max_denominator=50),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
)


@st.composite
def requests(draw):
    n = draw(st.integers(1, 12))
    scores = {f"u{i:02d}": draw(score_values) for i in range(n)}
    assume(any(Fraction(v) > 0 for v in scores.values()))
    active = sum(1 for v in scores.values() if Fraction(v) > 0)
    budget = draw(st.integers(0, 10**6))
    floor = draw(st.integers(0, budget // active))
    cap = draw(st.one_of(st.none(), st.integers(max(floor, -(-budget // active)), budget + 1)))
    return budget, scores, floor, cap


@settings(max_examples=200, deadline=None)
@given(requests())
def test_matches_reference_and_respects_bounds(request):
    budget, scores, floor, cap = request
    alloc = allocate(budget, scores, floor=floor, cap=cap)
    amounts = alloc.to_dict()
    assert sum(amounts.values()) == budget
    for u, s in scores.items():
        if Fraction(s) == 0:
            assert amounts[u] == 0
        else:
            assert amounts[u] >= floor and (cap is None or amounts[u] <= cap)
    assert amounts == reference_allocation(budget, scores, floor, cap)


@settings(max_examples=100, deadline=None)
@given(requests(), st.randoms(use_true_random=False))
def test_invariant_under_reordering_and_deterministic(request, rnd):
    budget, scores, floor, cap = request
    items = list(scores.items())
    rnd.shuffle(items)
    first = allocate(budget, scores, floor=floor, cap=cap).to_dict()
    assert allocate(budget, dict(items), floor=floor, cap=cap).to_dict() == first
    assert allocate(budget, scores, floor=floor, cap=cap).to_dict() == first


@settings(max_examples=150, deadline=None)
@given(
    budget=st.integers(0, 10**5),
    scores=st.dictionaries(st.sampled_from([f"u{i}" for i in range(10)]), st.integers(1, 1000), min_size=1),
    bump=st.integers(1, 1000),
    data=st.data(),
)
def test_monotone_in_score(budget, scores, bump, data):
    unit = data.draw(st.sampled_from(sorted(scores)))
    before = allocate(budget, scores)[unit]
    raised = dict(scores, **{unit: scores[unit] + bump})
    assert allocate(budget, raised)[unit] >= before


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(0, 10**7),
    scores=st.dictionaries(st.text("abc", min_size=1, max_size=3), st.decimals(min_value=0, max_value=100, places=2), min_size=1),
)
def test_decimal_money_sums_exactly(cents, scores):
    assume(any(v > 0 for v in scores.values()))
    budget = Decimal(cents).scaleb(-2)
    alloc = allocate(budget, scores, unit=Decimal("0.01"))
    assert sum(alloc.values(), Decimal(0)) == budget
    assert all((v * 100) == (v * 100).to_integral_value() for v in alloc.values())


def test_vectorised_path_matches_reference_on_many_units():
    rng = random.Random(7)
    scores = {f"u{i:04d}": rng.random() for i in range(300)}
    scores.update({f"t{i}": 0.5 for i in range(20)})  # exact ties
    budget = 987_654_321
    assert allocate(budget, scores).to_dict() == reference_allocation(budget, scores)
    ints = {k: int(v * 1000) for k, v in scores.items()}
    assert allocate(budget, ints, floor=1_000_000, cap=9_000_000).to_dict() == reference_allocation(
        budget, ints, 1_000_000, 9_000_000
    )


# ---------------------------------------------------------------------------------- CLI and examples
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "allocation"


def run_cli(args, capsys):
    from ecograph.cli import main

    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_biopharma_cascade_matches_the_dataset(capsys):
    import json

    code, out, _ = run_cli(["allocate", str(EXAMPLES / "biopharma_grant.yaml")], capsys)
    assert code == 0
    result = json.loads(out)
    received, kept = result["received"], result["kept"]
    members = result["levels"]["bio_platform"]["amounts"]
    assert len(members) == 13
    # 5 % of 500,000,000 fen stays with the platform office; the members share the rest exactly
    assert kept["bio_platform"] == 25_000_000
    assert sum(members.values()) == 475_000_000
    assert all(v % 100 == 0 and 10_000_000 <= v <= 100_000_000 for v in members.values())
    # the screening centre (3,013 of 13,694 services) would get 104.5 M fen: capped at 100 M
    assert members["screening_centre"] == 100_000_000
    request = yaml.safe_load((EXAMPLES / "biopharma_grant.yaml").read_text(encoding="utf-8"))
    scores = {m: request["scores"][m] for m in members}
    assert sum(scores.values()) == 13694  # the source's H1 2011 figure
    direct = allocate(475_000_000, scores, unit=100, floor=10_000_000, cap=100_000_000)
    assert direct.to_dict() == {k: received[k] for k in members}
    # the members and the total are the dataset's (its split over members is synthetic)
    from loaders import datasets
    eco = datasets.shanghai_biopharma()
    chain = eco.chain("bio_platform")
    assert chain.anchor == "sndc" and sorted(members) == sorted(chain.members)
    services = eg.service_indicators(eco, year=2011, providers=list(chain.members)).column("services")
    assert services.sum() == 13694


def test_cli_tianjin_rewards_and_district_quotas(capsys, tmp_path):
    import json

    out_file = tmp_path / "rewards.json"
    code, _, err = run_cli(["allocate", str(EXAMPLES / "tianjin_rewards.yaml"), "-o", str(out_file)], capsys)
    assert code == 0 and "wrote" in err
    result = json.loads(out_file.read_text(encoding="utf-8"))
    amounts = {k: Decimal(v) for k, v in result["amounts"].items()}
    assert sum(amounts.values()) == Decimal("1000000.00")
    assert amounts["tj_ppc_01"] == Decimal("200000.00") and amounts["tj_ppc_02"] == 0
    code, out, _ = run_cli(["allocate", str(EXAMPLES / "district_quotas.yaml")], capsys)
    seats = json.loads(out)["amounts"]
    assert sum(seats.values()) == 30
    votes = yaml.safe_load((EXAMPLES / "district_quotas.yaml").read_text(encoding="utf-8"))["votes"]
    assert seats == divisor_apportion(30, votes, method="sainte_lague").to_dict()


def test_cli_evaluate_csv(capsys):
    import json

    code, out, _ = run_cli(["evaluate", str(EXAMPLES / "tianjin_indicators.csv"),
                            "--quota", "excellent=0.2,good=0.3,pass=0.4"], capsys)
    assert code == 0
    result = json.loads(out)
    assert len(result["scores"]) == 12
    # 12 centres: floor(12*0.2) = 2 excellent, floor(12*0.5) - 2 = 4 good, floor(12*0.9) - 6 = 4 pass, 2 fail
    counts = {g: list(result["grades"].values()).count(g) for g in ("excellent", "good", "pass", "fail")}
    assert counts == {"excellent": 2, "good": 4, "pass": 4, "fail": 2}
    assert result["settings"]["weights"] == "entropy"
    assert sum(result["weights"].values()) == pytest.approx(1.0)


def test_cli_errors_name_file_and_field(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("budget: 100.5\nscores: {a: 1}\n", encoding="utf-8")
    code, _, err = run_cli(["allocate", str(bad)], capsys)
    assert code == 1 and "field 'budget': 100.5 is a float; money is an int (fen)" in err and "bad.yaml" in err
    typo = tmp_path / "typo.json"
    typo.write_text('{"budget": 10, "scores": {"a": 1}, "flor": 1}', encoding="utf-8")
    code, _, err = run_cli(["allocate", str(typo)], capsys)
    assert code == 1 and "unknown field 'flor'" in err and "typo.json" in err
    table = tmp_path / "t.csv"
    table.write_text("id,x\na,1\nb,lots\n", encoding="utf-8")
    code, _, err = run_cli(["evaluate", str(table)], capsys)
    assert code == 1 and "row 3" in err and "'x'" in err


def test_cascade_level_options_keep_grade_weights():
    # grades apply per level to the children they name; grade_weights are shared by all levels.
    # districts d1 (excellent, 1) and d2 (good, 1) weigh 3:2 -> 600, 400; d1's centres c1 (pass)
    # and c2 (fail) -> c1 takes all 600; d2 passes 400 to c3.
    tree = {"root": ["d1", "d2"], "d1": ["c1", "c2"], "d2": ["c3"]}
    grades = {"d1": "excellent", "d2": "good", "c1": "pass", "c2": "fail", "c3": "pass"}
    result = cascade(1000, tree, dict.fromkeys(grades, 1), grades=grades, grade_weights=GRADE_WEIGHTS)
    assert result.to_dict() == {"root": 1000, "d1": 600, "d2": 400, "c1": 600, "c2": 0, "c3": 400}
