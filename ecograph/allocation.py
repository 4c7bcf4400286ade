"""Exact, explainable budget allocation.

A budget (integer fen, or a :class:`~decimal.Decimal` amount with a Decimal ``unit`` such as
``Decimal("0.01")``) is split among units in proportion to their scores, in whole multiples of
``unit``, so that the amounts add up to the budget *exactly*.

Method (:func:`allocate`)
-------------------------
1. Money is taken off the top: reserved pools (``reserve``) and fixed amounts (``fixed``, e.g.
   Tianjin's 200,000-yuan reward for an "excellent" centre).
2. Units that are ineligible, excluded (a fail grade, a credit blacklist) or have a zero
   (grade-weighted) score get 0.
3. The rest ``R`` is shared by *water-filling*: unit ``i`` gets the quota
   ``q_i = clamp(λ·s_i, floor_i, cap_i)`` with the one ``λ`` for which ``Σ q_i = R``. What a cap
   holds back flows to the uncapped units; what a floor adds is taken from the others.
   ``λ`` is found exactly by Bitran–Hax variable fixing (the quotas solve the separable convex
   problem min Σ q_i²/(2 s_i) subject to the bounds and the total).
4. Largest remainder (Hamilton): each unit gets ``⌊q_i⌋`` units of money; the units still
   missing go, one each, to the largest fractional parts. **Tie-break**: larger remainder, then
   larger score, then smaller id (ids compared as values when they are all of one type, else as
   strings). The result therefore does not depend on the order of the input.

Exactness. Scores may be ``int``, ``Decimal``, ``Fraction`` or ``float``; a float is taken at
its exact binary value (``Fraction(0.1) == 3602879701896397/36028797018963968``), never
rounded through decimal text. Every decision (floors, fractional parts, remainder order) is
exact: numpy float64 arithmetic finds the answer fast and each value that lies within a
relative 1e-12 of a decision boundary (float error is a few 1e-16) is recomputed with
:class:`fractions.Fraction`.

Examples
--------
>>> from ecograph.allocation import allocate
>>> alloc = allocate(100, {"a": 1, "b": 1, "c": 1})
>>> alloc.to_dict()
{'a': 34, 'b': 33, 'c': 33}
>>> alloc.explain("a")["rounding"]
'+1 (largest remainder)'
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction
from numbers import Rational
from typing import Any, Union

import numpy as np

from .compiled import LazyIndex
from .errors import AllocationError, NodeNotFoundError
from .results import TableResult
from .limits import clip, decimal_problem, exact_decimal_context

__all__ = [
    "Allocation",
    "CascadeResult",
    "allocate",
    "cascade",
    "divisor_apportion",
    "grade_rewards",
    "GRADE_WEIGHTS",
    "DIVISOR_METHODS",
]

Money = Union[int, Decimal]
Score = Union[int, float, Decimal, Fraction]

#: Default grade weights: excellent : good : pass = 3 : 2 : 1, fail gets nothing.
GRADE_WEIGHTS: dict[str, int] = {"excellent": 3, "good": 2, "pass": 1, "fail": 0}

_MAX_UNITS = 2**62  # budget / unit must stay below this (int64 counts with headroom)
# Float estimates carry a relative error of a few 1e-16 (three roundings); anything closer than
# this (relative) to a decision boundary is recomputed exactly.
_REL_TOL = 1e-12

# rule codes stored per unit
_PROPORTIONAL, _FLOOR, _CAP, _FIXED, _INELIGIBLE, _EXCLUDED, _ZERO = range(7)
_RULE_NAMES = ("proportional", "floor", "cap", "fixed", "ineligible", "excluded", "zero score")


# ---------------------------------------------------------------------------------- money
def _money(value: Any, field: str) -> Money:
    """Check that ``value`` is exact money (int or finite Decimal), never float or bool."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, np.integer)):
        raise AllocationError(
            f"{field} must be exact money: an int in the smallest unit (fen) or a Decimal, "
            f"got {type(value).__name__} {value!r}",
            field=field,
        )
    problem = decimal_problem(value) if isinstance(value, Decimal) else None
    if problem:
        raise AllocationError(f"{field} {clip(value)} {problem}", field=field)
    return int(value) if isinstance(value, np.integer) else value


def _in_units(value: Money, unit: Money, field: str) -> int:
    """``value / unit`` as an int, or an error if ``value`` is not a whole number of units."""
    ratio = Fraction(value) / Fraction(unit)
    if ratio.denominator != 1:
        raise AllocationError(f"{field} {value} is not a whole multiple of unit {unit}", field=field)
    if ratio < 0:
        raise AllocationError(f"{field} must not be negative, got {value}", field=field)
    if ratio >= _MAX_UNITS:
        raise AllocationError(f"{field} {value} is {ratio} units; at most 2**62 units are supported", field=field)
    return int(ratio)


class _Money:
    """Converts between money and whole counts of ``unit``."""

    def __init__(self, budget: Any, unit: Any) -> None:
        self.budget = _money(budget, "budget")
        self.unit = _money(unit, "unit")
        if self.unit <= 0:
            raise AllocationError(f"unit must be positive, got {self.unit}", field="unit")
        self.decimal = isinstance(self.budget, Decimal) or isinstance(self.unit, Decimal)
        self.units = _in_units(self.budget, self.unit, "budget")

    def count(self, value: Any, field: str) -> int:
        return _in_units(_money(value, field), self.unit, field)

    def amount(self, count: int) -> Money:
        if self.decimal:
            with localcontext(exact_decimal_context()):  # exact or an error, never rounded to 28 digits
                return Decimal(count) * Decimal(self.unit)
        return count * self.unit


# ---------------------------------------------------------------------------------- ids
def _id_sort_key(ids: Sequence[Hashable]) -> Callable[[Hashable], Any]:
    """Order ids by value when they are all of one orderable type, else by their text."""
    types = {type(i) for i in ids}
    if len(types) == 1 and types <= {str, int}:
        return lambda x: x
    return str


# ---------------------------------------------------------------------------------- scores
class _Scores:
    """Exact non-negative scores with a float64 shadow for fast, verified decisions.

    ``approx`` is a float64 array; ``exact(i)`` the exact value as a Fraction (or int);
    ``exact_sum(mask)`` the exact sum over a boolean mask.
    """

    def __init__(self, values: Sequence[Any] | np.ndarray, ids: Sequence[Hashable]) -> None:
        array = values if isinstance(values, np.ndarray) else None
        if array is None:
            kinds = {type(v) for v in values}
            if kinds and kinds <= {float, np.float64}:
                array = np.asarray(values, dtype=np.float64)
            elif kinds and kinds <= {int, np.int64} and all(-(2**62) < v < 2**62 for v in values):
                array = np.asarray(values, dtype=np.int64)
        if array is not None and array.dtype.kind == "f":
            self.mode = "float"
            self.approx = np.ascontiguousarray(array, dtype=np.float64)
            bad = ~np.isfinite(self.approx) | (self.approx < 0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise AllocationError(
                    f"score of {ids[i]!r} is {self.approx[i]!r}; scores must be finite and >= 0",
                    field="scores",
                    id=ids[i],
                )
            self._ints = None
            self._shift = 0
        elif array is not None and array.dtype.kind in "iub":
            if array.dtype.kind == "b":
                raise AllocationError("scores must be numbers, not booleans", field="scores")
            self.mode = "int"
            self._ints = array.astype(np.int64)
            negative = self._ints < 0
            if negative.any():
                i = int(np.flatnonzero(negative)[0])
                raise AllocationError(f"score of {ids[i]!r} is negative; scores must be >= 0", field="scores", id=ids[i])
            self.approx = self._ints.astype(np.float64)
            self._shift = 0
        else:
            self.mode = "fraction"
            fractions = [self._to_fraction(v, ids[i]) for i, v in enumerate(values if array is None else array.tolist())]
            denominator = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
            self._denominator = denominator
            self._ints = np.array([f.numerator * (denominator // f.denominator) for f in fractions], dtype=object)
            biggest = max(fractions, default=Fraction(0))
            self._shift = max(0, int(biggest).bit_length() - 1000)  # keep floats finite
            self.approx = np.array([float(f / 2**self._shift) for f in fractions], dtype=np.float64)
        # mantissa in [0.5, 1) and binary exponent of every score: products with an exact
        # factor are then formed without intermediate overflow or underflow, even for
        # subnormal scores next to huge ones
        self._mantissa, self._binary_exponent = np.frexp(self.approx)

    @staticmethod
    def _to_fraction(value: Any, unit_id: Hashable) -> Fraction:
        if isinstance(value, bool) or value is None:
            raise AllocationError(f"score of {unit_id!r} is {value!r}; expected a number", field="scores", id=unit_id)
        try:
            if isinstance(value, (float, np.floating)):
                if not math.isfinite(value):
                    raise ValueError
                fraction = Fraction(float(value))
            elif isinstance(value, (int, Decimal, Rational, np.integer)):
                fraction = Fraction(int(value) if isinstance(value, np.integer) else value)
            else:
                raise TypeError
        except (TypeError, ValueError, ArithmeticError):
            raise AllocationError(
                f"score of {unit_id!r} is {value!r}; expected a finite int, float, Decimal or Fraction",
                field="scores",
                id=unit_id,
            ) from None
        if fraction < 0:
            raise AllocationError(f"score of {unit_id!r} is negative; scores must be >= 0", field="scores", id=unit_id)
        return fraction

    def __len__(self) -> int:
        return len(self.approx)

    def zeros(self) -> np.ndarray:
        """Exactly which scores are zero."""
        if self.mode == "fraction":
            return np.array([v == 0 for v in self._ints.tolist()], dtype=bool)
        return self.approx == 0

    def key(self, i: int) -> Any:
        """A hashable stand-in for the exact score of position ``i`` (equal iff scores equal)."""
        if self.mode == "float":
            return float(self.approx[i])
        return int(self._ints[i]) if self.mode == "int" else self._ints[i]

    def exact(self, i: int) -> Fraction:
        if self.mode == "float":
            return Fraction(float(self.approx[i]))
        if self.mode == "int":
            return Fraction(int(self._ints[i]))
        return Fraction(self._ints[i], self._denominator)

    def exact_sum(self, mask: np.ndarray) -> Fraction:
        if self.mode == "float":
            return _exact_float_sum(self.approx[mask])
        if self.mode == "int":
            chosen = self._ints[mask]
            if len(chosen) and int(chosen.max()) * len(chosen) >= 2**63:
                return Fraction(sum(chosen.tolist()))
            return Fraction(int(chosen.sum()))
        return Fraction(sum(self._ints[mask].tolist()), self._denominator)

    def scaled(self, factor: Fraction) -> np.ndarray:
        """Float estimates of ``factor * score`` (exact factor, float result)."""
        if factor == 0:
            return np.zeros_like(self.approx)
        k = factor.numerator.bit_length() - factor.denominator.bit_length()
        mantissa = float(factor / Fraction(2) ** k)  # in (1/2, 2): no overflow whatever k is
        exponent = self._binary_exponent.astype(np.int64) + (k + self._shift)
        exponent = np.clip(exponent, -(2**20), 2**20)  # ldexp saturates to 0 / inf well before this
        with np.errstate(over="ignore", under="ignore"):
            return np.ldexp(self._mantissa * mantissa, exponent.astype(np.int32))


def _exact_float_sum(values: np.ndarray) -> Fraction:
    """The exact sum of float64 values, vectorised: group the 53-bit mantissas by exponent."""
    if len(values) == 0:
        return Fraction(0)
    mantissa, exponent = np.frexp(values)
    ints = (mantissa * 2.0**53).astype(np.int64)  # exact: |mantissa| < 1 has 53 significant bits
    high, low = ints >> 26, ints & ((1 << 26) - 1)  # split so that group sums cannot overflow
    lowest = int(exponent.min())
    group = exponent - lowest  # floats span at most ~2,100 binary exponents
    high_sums = np.bincount(group, weights=high.astype(np.float64))  # each < 2**47: exact
    low_sums = np.bincount(group, weights=low.astype(np.float64))
    base = lowest - 53
    total = 0
    for shift, (h, lo) in enumerate(zip(high_sums.tolist(), low_sums.tolist())):
        if h or lo:
            total += ((int(h) << 26) + int(lo)) << shift
    return Fraction(total) * Fraction(2) ** base


# ---------------------------------------------------------------------------------- exact kernels
def _exact_compare(scores: _Scores, factor: Fraction, bounds: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Sign of ``factor * score_i - bound_i`` for positions ``idx``, exact."""
    estimate = scores.scaled(factor)[idx]
    bound = bounds[idx].astype(np.float64)
    diff = estimate - bound
    sign = np.sign(diff).astype(np.int8)
    near = np.abs(diff) <= _REL_TOL * np.maximum(np.abs(estimate), np.abs(bound)) + 1e-300
    near |= np.abs(estimate) < 1e-290  # an estimate in the subnormal range has lost its precision
    for j in np.flatnonzero(near).tolist():
        i = int(idx[j])
        value = factor * scores.exact(i) - int(bounds[i])
        sign[j] = (value > 0) - (value < 0)
    return sign


def _water_fill(
    scores: _Scores, active: np.ndarray, lower: np.ndarray, upper: np.ndarray, total: int
) -> tuple[np.ndarray, np.ndarray, Fraction]:
    """Bitran–Hax variable fixing: the λ with Σ clamp(λ s_i, lower_i, upper_i) = total.

    Returns ``(at_lower, at_upper, free_share)`` where ``free_share`` is the money (in units)
    left for the free units; their quota is ``free_share * s_i / Σ_free s``.
    """
    at_lower = np.zeros(len(active), dtype=bool)
    at_upper = np.zeros(len(active), dtype=bool)
    free = active.copy()
    while True:
        fixed = _int_sum(lower[at_lower]) + _int_sum(upper[at_upper])
        share = Fraction(total - fixed)
        score_sum = scores.exact_sum(free)
        if not free.any():
            return at_lower, at_upper, share
        factor = share / score_sum
        idx = np.flatnonzero(free)
        below = _exact_compare(scores, factor, lower, idx) < 0
        above = _exact_compare(scores, factor, upper, idx) > 0
        if not below.any() and not above.any():
            return at_lower, at_upper, share
        # the side with the larger total violation is fixed (ties: the lower side), exactly
        low_mask = np.zeros(len(active), dtype=bool)
        low_mask[idx[below]] = True
        high_mask = np.zeros(len(active), dtype=bool)
        high_mask[idx[above]] = True
        lower_gap = _int_sum(lower[low_mask]) - factor * scores.exact_sum(low_mask)
        upper_gap = factor * scores.exact_sum(high_mask) - _int_sum(upper[high_mask])
        fix_lower = below.any() and (lower_gap >= upper_gap or not above.any())
        chosen = idx[below] if fix_lower else idx[above]
        (at_lower if fix_lower else at_upper)[chosen] = True
        free[chosen] = False


def _largest_remainder(
    scores: _Scores, free: np.ndarray, share: Fraction, ids: Sequence[Hashable]
) -> tuple[np.ndarray, np.ndarray, Fraction | None]:
    """Hamilton rounding of the quotas ``share * s_i / Σ s`` over ``free``.

    Returns ``(counts, plus_one, factor)``: whole units per position, who got a remainder unit,
    and the exact quota per unit of score (``None`` when nobody is free).
    """
    n = len(free)
    counts = np.zeros(n, dtype=np.int64)
    plus_one = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(free)
    if len(idx) == 0:
        return counts, plus_one, None
    if share == 0:
        return counts, plus_one, Fraction(0)
    score_sum = scores.exact_sum(free)
    factor = share / score_sum
    by_score: dict[Any, tuple[int, Fraction]] = {}  # equal scores have equal quotas: compute once

    def exact_quota(j: int) -> tuple[int, Fraction]:
        key = scores.key(int(idx[j]))
        if key not in by_score:
            q = factor * scores.exact(int(idx[j]))
            whole = math.floor(q)
            by_score[key] = (whole, q - whole)
        return by_score[key]

    if scores.mode == "int" and share.denominator == 1 and score_sum < 2**63 and int(share) * int(scores._ints[idx].max()) < 2**63:
        # everything fits in int64: quotient and remainder of share*s_i / Σs, exactly
        product = scores._ints[idx] * int(share)
        base, remainders = np.divmod(product, int(score_sum))
        exact_remainders = True
    else:
        quota = scores.scaled(factor)[idx]
        whole_part = np.floor(quota)
        remainders = quota - whole_part
        base = whole_part.astype(np.int64)
        tol = _REL_TOL * np.maximum(quota, 1.0)
        near = (remainders <= tol) | (remainders >= 1 - tol)
        close = np.flatnonzero(near)  # too close to call in floats: exact, once per distinct score
        if len(close):
            first, inverse = _score_groups(scores, idx[close])
            exact = [exact_quota(int(close[r])) for r in first.tolist()]
            base[close] = np.array([w for w, _ in exact], dtype=np.int64)[inverse]
            remainders[close] = np.array([float(f) for _, f in exact])[inverse]
        exact_remainders = False

    def exact_remainder(j: int) -> Any:
        return int(remainders[j]) if exact_remainders else exact_quota(j)[1]

    counts[idx] = base
    missing = int(share) - int(base.sum())
    if missing > 0:
        error = 0.0 if exact_remainders else _REL_TOL * max(1.0, float(quota.max()))
        winners = _top_remainders(scores, idx, remainders, missing, exact_remainder, ids, exact_remainders, error)
        counts[idx[winners]] += 1
        plus_one[idx[winners]] = True
    return counts, plus_one, factor


def _top_remainders(
    scores: _Scores,
    idx: np.ndarray,
    remainders: np.ndarray,
    k: int,
    exact_remainder: Callable[[int], Fraction],
    ids: Sequence[Hashable],
    exact_array: bool,
    error: float = 0.0,
) -> np.ndarray:
    """Positions (into ``idx``) of the ``k`` largest remainders, with the documented tie-break."""
    m = len(remainders)
    kth = np.partition(remainders, m - k)[m - k]
    if exact_array:
        sure = np.flatnonzero(remainders > kth)
        candidates = np.flatnonzero(remainders == kth)
    else:
        tol = 2 * error + 1e-300  # each float remainder is within `error` of the exact one
        sure = np.flatnonzero(remainders > kth + tol)
        candidates = np.flatnonzero(np.abs(remainders - kth) <= tol)
    need = k - len(sure)
    if need == len(candidates):
        return np.concatenate([sure, candidates])
    # candidates with equal scores have equal remainders: rank the distinct scores exactly by
    # (larger remainder, larger score), then take whole groups; ids decide inside the last one
    first, inverse = _score_groups(scores, idx[candidates])
    keys = [(-exact_remainder(int(candidates[r])), -scores.exact(int(idx[candidates[r]]))) for r in first.tolist()]
    by_group = np.argsort(inverse, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(first)))])
    chosen = [sure]
    for g in sorted(range(len(first)), key=keys.__getitem__):
        members = candidates[by_group[bounds[g]:bounds[g + 1]]]
        if len(members) > need:
            members = members[_id_order([ids[p] for p in idx[members].tolist()])[:need]]
        chosen.append(members)
        need -= len(members)
        if need == 0:
            break
    return np.concatenate(chosen).astype(np.int64)


def _score_groups(scores: _Scores, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group positions by exact score: ``(first, inverse)`` as from ``np.unique``."""
    keys = scores.approx[positions] if scores.mode == "float" else scores._ints[positions]
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _id_order(ids: list[Hashable]) -> np.ndarray:
    """Indices that sort ``ids`` in the documented id order (see :func:`_id_sort_key`)."""
    key = _id_sort_key(ids)
    if key is not str:  # all str or all int: numpy sorts them the same way Python does
        return np.argsort(np.array(ids, dtype=object if isinstance(ids[0], int) else None), kind="stable")
    return np.array(sorted(range(len(ids)), key=lambda t: key(ids[t])), dtype=np.int64)


def _decimal_text(value: Fraction, places: int = 6) -> str:
    """A Fraction as decimal text rounded half-even to ``places`` (for display only)."""
    scaled = round(value * 10**places)
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), 10**places)
    return f"{sign}{whole}.{part:0{places}d}"


# ---------------------------------------------------------------------------------- result
class Allocation(TableResult, Mapping[Hashable, Money]):
    """The result of :func:`allocate`: a read-only mapping ``{id: amount}`` with its reasons.

    Attributes
    ----------
    budget : int or Decimal
        The whole budget (amounts plus reserved pools).
    unit : int or Decimal
        Every amount is a whole multiple of it.
    reserved : dict
        Pool name -> amount held back before the units were served.
    method : str
        ``"largest remainder"`` or the divisor method's name.

    Examples
    --------
    >>> a = allocate(10, {"x": 2, "y": 1}, reserve={"office": 1})
    >>> dict(a), a.reserved, sum(a.values()) + sum(a.reserved.values())
    ({'x': 6, 'y': 3}, {'office': 1}, 10)
    """

    key = "id"

    def __init__(
        self,
        ids: list[Hashable],
        counts: np.ndarray,
        money: _Money,
        rules: np.ndarray,
        plus_one: np.ndarray,
        *,
        scores: _Scores | None,
        raw_scores: Sequence[Any] | None = None,
        quota_factor: Fraction | None = None,
        reasons: Mapping[int, str] | None = None,
        reserved: Mapping[str, Money] | None = None,
        method: str = "largest remainder",
    ) -> None:
        self._ids = ids
        self._counts = counts
        self._counts.flags.writeable = False
        self._money = money
        self._rules = rules
        self._plus_one = plus_one
        self._scores = scores
        self._raw_scores = raw_scores
        self._quota_factor = quota_factor
        self._reasons = dict(reasons or {})
        self._index = LazyIndex(ids)
        self.budget = money.budget
        self.unit = money.unit
        self.reserved = dict(reserved or {})
        self.method = method

    # Mapping
    def _position(self, unit_id: Hashable) -> int:
        try:
            return self._index[unit_id]
        except (KeyError, TypeError):
            raise NodeNotFoundError(f"allocation: no amount for unit {unit_id!r}", id=unit_id) from None

    def __getitem__(self, unit_id: Hashable) -> Money:
        return self._money.amount(int(self._counts[self._position(unit_id)]))

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def counts(self) -> np.ndarray:
        """Amounts in whole units, as a read-only int64 array in input order."""
        return self._counts

    @property
    def total(self) -> Money:
        """Sum of the amounts (equals ``budget`` minus the reserved pools)."""
        return self._money.amount(int(self._counts.sum()))

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit: the explanation of its amount (:attr:`explanation`)."""
        return list(self.explanation)

    def to_dict(self) -> dict[Hashable, Money]:
        """``{id: amount}`` as a plain dict."""
        if not self._money.decimal and self._money.unit == 1:
            return dict(zip(self._ids, self._counts.tolist()))
        return {u: self._money.amount(c) for u, c in zip(self._ids, self._counts.tolist())}

    def explain(self, unit_id: Hashable) -> dict[str, Any]:
        """Why ``unit_id`` got its amount: score, quota, share of the budget, rule, rounding."""
        i = self._position(unit_id)
        rule = int(self._rules[i])
        amount = self[unit_id]
        score = None if self._raw_scores is None else self._raw_scores[i]
        record: dict[str, Any] = {
            "id": unit_id,
            "score": score.item() if isinstance(score, np.generic) else score,
            "amount": amount,
            "share": Fraction(amount) / Fraction(self.budget) if self.budget else Fraction(0),
            "rule": _RULE_NAMES[rule] if rule < len(_RULE_NAMES) else self.method,
        }
        if i in self._reasons:
            record["reason"] = self._reasons[i]
        if rule == _PROPORTIONAL and self._scores is not None and self._quota_factor is not None:
            record["quota"] = Fraction(self.unit) * self._quota_factor * self._scores.exact(i)
            record["rounding"] = "+1 (largest remainder)" if self._plus_one[i] else "rounded down"
        elif rule == _PROPORTIONAL:
            record["rounding"] = "+1 (largest remainder)" if self._plus_one[i] else "none"
        else:
            record["rounding"] = "none"
        return record

    @property
    def explanation(self) -> list[dict[str, Any]]:
        """:meth:`explain` for every unit, in input order."""
        return [self.explain(u) for u in self._ids]

    def to_json(self, *, explain: bool = True) -> dict[str, Any]:
        """A JSON-ready dict: money as int (whole fen) or str (Decimal); the explanation's
        ``share`` (of the budget) and ``quota`` (exact proportional amount before rounding) as
        decimal text rounded to 6 places."""
        def money(value: Money) -> int | str:
            return value if isinstance(value, int) else str(value)

        out: dict[str, Any] = {
            "budget": money(self.budget),
            "unit": money(self.unit),
            "method": self.method,
            "total": money(self.total),
            "reserved": {k: money(v) for k, v in self.reserved.items()},
            "amounts": {str(k): money(v) for k, v in self.to_dict().items()},
        }
        if explain:
            rows = []
            for record in self.explanation:
                row = {k: (money(v) if k == "amount" else v) for k, v in record.items()}
                row["id"] = str(row["id"])
                row["share"] = _decimal_text(record["share"])
                if "quota" in row:
                    row["quota"] = _decimal_text(record["quota"])
                if row["score"] is not None and not isinstance(row["score"], (int, float)):
                    row["score"] = str(row["score"])
                rows.append(row)
            out["explanation"] = rows
        return out

    def __repr__(self) -> str:
        return f"Allocation({len(self)} units, budget={self.budget}, unit={self.unit}, method={self.method!r})"


# ---------------------------------------------------------------------------------- inputs
def _ids_and_values(scores: Mapping[Hashable, Any]) -> tuple[list[Hashable], Sequence[Any] | np.ndarray]:
    if hasattr(scores, "index") and hasattr(scores, "to_numpy"):  # a pandas Series
        if not scores.index.is_unique:
            raise AllocationError("scores repeat an id (the Series index is not unique)", field="scores")
        return list(scores.index), scores.to_numpy()
    if not isinstance(scores, Mapping):
        raise AllocationError(
            f"scores must be a mapping {{id: score}}, got {type(scores).__name__}", field="scores"
        )
    array = getattr(scores, "array", None)  # NodeValues carries its numpy array
    if isinstance(array, np.ndarray) and hasattr(scores, "nodes"):
        return list(scores.nodes), array
    return list(scores.keys()), list(scores.values())


def _per_unit(
    value: Any, ids: list[Hashable], index: Mapping[Hashable, int], money: _Money, field: str, default: int | None
) -> np.ndarray | None:
    """A scalar or a per-unit mapping of money, as whole units per position (None: no bound)."""
    if value is None:
        return None if default is None else np.full(len(ids), default, dtype=np.int64)
    if isinstance(value, Mapping):
        out = np.full(len(ids), -1 if default is None else default, dtype=np.int64)
        for unit_id, amount in value.items():
            if unit_id not in index:
                raise AllocationError(f"{field} names {unit_id!r}, which has no score", field=field, id=unit_id)
            if amount is not None:
                out[index[unit_id]] = money.count(amount, f"{field}[{unit_id!r}]")
        return out
    return np.full(len(ids), money.count(value, field), dtype=np.int64)


def _id_set(value: Any, index: Mapping[Hashable, int], field: str) -> dict[int, str]:
    """Positions named by an iterable of ids or a mapping id -> reason / bool."""
    if value is None:
        return {}
    items = value.items() if isinstance(value, Mapping) else ((v, True) for v in value)
    out: dict[int, str] = {}
    for unit_id, reason in items:
        if unit_id not in index:
            raise AllocationError(f"{field} names {unit_id!r}, which has no score", field=field, id=unit_id)
        if reason is False or reason is None:
            continue
        out[index[unit_id]] = reason if isinstance(reason, str) else field
    return out


# ---------------------------------------------------------------------------------- allocate
def allocate(
    budget: Money,
    scores: Mapping[Hashable, Score],
    *,
    unit: Money = 1,
    floor: Money | Mapping[Hashable, Money] = 0,
    cap: Money | Mapping[Hashable, Money] | None = None,
    eligible: Iterable[Hashable] | Mapping[Hashable, bool] | None = None,
    exclude: Iterable[Hashable] | Mapping[Hashable, str] | None = None,
    grades: Mapping[Hashable, str] | None = None,
    grade_weights: Mapping[str, Score] | None = None,
    fixed: Mapping[Hashable, Money] | None = None,
    reserve: Mapping[str, Money] | None = None,
) -> Allocation:
    """Split ``budget`` exactly among the units in proportion to their scores.

    Parameters
    ----------
    budget : int or Decimal
        Money to distribute: an int in the smallest unit (fen), or a Decimal (then pass e.g.
        ``unit=Decimal("0.01")``). Floats are refused.
    scores : mapping
        ``{id: score}``; scores are non-negative int, float, Decimal or Fraction (floats taken
        at their exact binary value). A :class:`~ecograph.results.NodeValues` or a pandas
        ``Series`` (index = ids) works too.
    unit : int or Decimal
        Every amount is a whole multiple of ``unit``; ``budget`` must be one too.
    floor, cap : money or mapping, optional
        Each eligible unit with a positive score gets at least ``floor`` and at most ``cap``
        (a scalar or ``{id: amount}``; ids missing from a cap mapping are uncapped). Money a cap
        releases is redistributed to the others (water-filling).
    eligible : iterable or mapping, optional
        The ids that may receive money (``{id: bool}`` also accepted); others get 0.
    exclude : iterable or mapping, optional
        Ids that get 0, optionally ``{id: reason}`` (e.g. ``"credit blacklist"``).
    grades, grade_weights : mapping, optional
        With ``grades`` ``{id: grade}``, each score is multiplied by ``grade_weights[grade]``
        (default :data:`GRADE_WEIGHTS`, excellent:good:pass:fail = 3:2:1:0); a zero weight
        excludes the unit with the reason ``"grade <g>"``.
    fixed : mapping, optional
        ``{id: amount}`` paid first and exactly (e.g. rewards from :func:`grade_rewards`);
        these units take no proportional share.
    reserve : mapping, optional
        ``{pool: amount}`` held back from the budget (kept in ``result.reserved``).

    Returns
    -------
    Allocation
        ``{id: amount}`` in input order; ``sum(amounts) + sum(reserved) == budget`` exactly.

    Raises
    ------
    AllocationError
        Float money, an amount that is not a multiple of ``unit``, negative or non-finite
        scores, unknown ids, or an infeasible request (floors above the budget, caps below
        it, no unit able to receive a positive budget), with the reason.

    Examples
    --------
    >>> allocate(1000, {"a": 3, "b": 1}).to_dict()
    {'a': 750, 'b': 250}
    >>> allocate(1000, {"a": 3, "b": 1, "c": 1}, cap=500).to_dict()   # a's surplus flows on
    {'a': 500, 'b': 250, 'c': 250}
    >>> from decimal import Decimal
    >>> allocate(Decimal("1.00"), {"a": 1, "b": 2}, unit=Decimal("0.01")).to_dict()
    {'a': Decimal('0.33'), 'b': Decimal('0.67')}
    """
    money = _Money(budget, unit)
    ids, values = _ids_and_values(scores)
    index = LazyIndex(ids)
    n = len(ids)
    rules = np.full(n, _PROPORTIONAL, dtype=np.int8)
    reasons: dict[int, str] = {}

    if grades is not None:
        weights = dict(GRADE_WEIGHTS if grade_weights is None else grade_weights)
        values = _grade_weighted(ids, values, grades, weights, index, rules, reasons)
    exact_scores = _Scores(values, ids)

    left = money.units
    reserved: dict[str, Money] = {}
    for pool, amount in (reserve or {}).items():
        count = money.count(amount, f"reserve[{pool!r}]")
        left -= count
        reserved[pool] = money.amount(count)
    fixed_counts = _per_unit(fixed, ids, index, money, "fixed", default=None) if fixed else None
    if fixed_counts is not None:
        has_fixed = fixed_counts >= 0
        rules[has_fixed] = _FIXED
        left -= _int_sum(fixed_counts[has_fixed])  # Python ints: four amounts near 2**62 overflow int64
    if left < 0:
        raise AllocationError(
            f"reserved pools and fixed amounts need {money.amount(money.units - left)} but the budget is "
            f"{money.budget}",
            field="budget",
        )

    if eligible is not None:
        allowed = _id_set(eligible, index, "eligible")
        for i in range(n):
            if i not in allowed and rules[i] == _PROPORTIONAL:
                rules[i] = _INELIGIBLE
    for i, reason in _id_set(exclude, index, "exclude").items():
        if rules[i] == _FIXED:
            raise AllocationError(
                f"unit {ids[i]!r} is both excluded ({reason}) and given a fixed amount", field="exclude", id=ids[i]
            )
        rules[i] = _EXCLUDED
        reasons[i] = reason
    zero = exact_scores.zeros() & (rules == _PROPORTIONAL)
    rules[zero] = _ZERO
    active = rules == _PROPORTIONAL

    lower = _per_unit(floor, ids, index, money, "floor", default=0)
    upper = _per_unit(cap, ids, index, money, "cap", default=None)
    if upper is not None:
        upper = np.where(upper < 0, _MAX_UNITS, upper)
        clash = active & (upper < lower)
        if clash.any():
            i = int(np.flatnonzero(clash)[0])
            raise AllocationError(f"unit {ids[i]!r}: cap is below floor", field="cap", id=ids[i])
    else:
        upper = np.full(n, _MAX_UNITS, dtype=np.int64)
    _check_feasible(active, lower, upper, left, money, ids)

    if lower[active].any() or (upper[active] < _MAX_UNITS).any():
        at_lower, at_upper, share = _water_fill(exact_scores, active, lower, upper, left)
    else:
        at_lower = at_upper = np.zeros(n, dtype=bool)
        share = Fraction(left)
    free = active & ~at_lower & ~at_upper
    counts, plus_one, quota_factor = _largest_remainder(exact_scores, free, share, ids)
    counts[at_lower] = lower[at_lower]
    counts[at_upper] = upper[at_upper]
    rules[at_lower] = _FLOOR
    rules[at_upper] = _CAP
    if fixed_counts is not None:
        counts[has_fixed] = fixed_counts[has_fixed]
    result = Allocation(
        ids, counts, money, rules, plus_one,
        scores=exact_scores, raw_scores=values, quota_factor=quota_factor, reasons=reasons, reserved=reserved,
    )
    assert _int_sum(counts) == left + (_int_sum(fixed_counts[has_fixed]) if fixed_counts is not None else 0)
    return result


def _grade_weighted(
    ids: list[Hashable],
    values: Sequence[Any] | np.ndarray,
    grades: Mapping[Hashable, str],
    weights: Mapping[str, Score],
    index: Mapping[Hashable, int],
    rules: np.ndarray,
    reasons: dict[int, str],
) -> list[Any]:
    """Scores multiplied exactly by their grade's weight; zero weights exclude the unit."""
    out = []
    for i, (unit_id, score) in enumerate(zip(ids, values.tolist() if isinstance(values, np.ndarray) else values)):
        grade = grades.get(unit_id)
        if grade not in weights:
            raise AllocationError(
                f"unit {unit_id!r} has grade {grade!r}; expected one of {sorted(weights)}", field="grades", id=unit_id
            )
        weight = _Scores._to_fraction(weights[grade], grade)
        if weight == 0:
            rules[i] = _EXCLUDED
            reasons[i] = f"grade {grade}"
        out.append(_Scores._to_fraction(score, unit_id) * weight)
    unknown = set(grades) - set(index)
    if unknown:
        first = sorted(map(str, unknown))[0]
        raise AllocationError(f"grades names {first!r}, which has no score", field="grades", id=first)
    return out


def _int_sum(values: np.ndarray) -> int:
    """Exact sum of non-negative int64 values (Python ints when int64 could overflow)."""
    if len(values) and int(values.max()) >= 2**63 // len(values):
        return sum(values.tolist())
    return int(values.sum())


def _check_feasible(
    active: np.ndarray, lower: np.ndarray, upper: np.ndarray, left: int, money: _Money, ids: list[Hashable]
) -> None:
    floors = _int_sum(lower[active])
    if floors > left:
        raise AllocationError(
            f"infeasible: {int(active.sum())} units with floors need {money.amount(floors)} but only "
            f"{money.amount(left)} is left to share",
            field="floor",
        )
    caps = _int_sum(upper[active])
    if caps < left:
        if not active.any():
            raise AllocationError(
                f"infeasible: {money.amount(left)} to share but no eligible unit has a positive score",
                field="scores",
            )
        raise AllocationError(
            f"infeasible: the caps of the {int(active.sum())} eligible units hold only {money.amount(caps)} "
            f"of the {money.amount(left)} to share",
            field="cap",
        )


def grade_rewards(
    grades: Mapping[Hashable, str],
    rewards: Mapping[str, Money],
    *,
    blacklist: Iterable[Hashable] = (),
) -> dict[Hashable, Money]:
    """Fixed rewards by grade, for :func:`allocate`'s ``fixed`` (e.g. Tianjin's excellent centres).

    Units on the ``blacklist`` (a credit record, 失信行为记录) get no reward.

    Parameters
    ----------
    grades : mapping
        unit -> grade (``excellent``, ``good`` ...).
    rewards : mapping
        grade -> fixed amount (int fen or Decimal); grades without a reward get none.
    blacklist : iterable, optional
        Units barred from any reward.

    Returns
    -------
    dict
        unit -> reward, only for rewarded units (the ``fixed=`` argument of :func:`allocate`).

    Raises
    ------
    AllocationError
        A reward that is not exact money (a float, a negative amount).

    Examples
    --------
    >>> grades = {"c1": "excellent", "c2": "good", "c3": "excellent"}
    >>> grade_rewards(grades, {"excellent": 20_000_000}, blacklist=["c3"])
    {'c1': 20000000}
    """
    barred = set(blacklist)
    out: dict[Hashable, Money] = {}
    for unit_id, grade in grades.items():
        if grade in rewards and unit_id not in barred:
            out[unit_id] = _money(rewards[grade], f"rewards[{grade!r}]")
    return out


# ---------------------------------------------------------------------------------- cascade
class CascadeResult(TableResult, Mapping[Hashable, Money]):
    """What every node of a cascade received, with the allocation made at each parent.

    Attributes
    ----------
    kept : dict
        Internal node -> the amount it retained before passing the rest down.
    allocations : dict
        Internal node -> the :class:`Allocation` among its children.
    """

    key = "node"

    def __init__(self, received: dict[Hashable, Money], kept: dict[Hashable, Money], allocations: dict[Hashable, Allocation]):
        self._received = received
        self.kept = kept
        self.allocations = allocations

    def __getitem__(self, node: Hashable) -> Money:
        return self._received[node]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._received)

    def __len__(self) -> int:
        return len(self._received)

    def leaves(self) -> dict[Hashable, Money]:
        """Nodes that passed nothing on, with what they received."""
        return {n: a for n, a in self._received.items() if n not in self.allocations}

    def rows(self) -> list[dict[str, Any]]:
        """One row per node: ``node`` and the amount it ``received``."""
        return [{"node": n, "received": a} for n, a in self._received.items()]

    def to_dict(self) -> dict[Hashable, Money]:
        return dict(self._received)

    def to_json(self) -> dict[str, Any]:
        def money(value: Money) -> int | str:
            return value if isinstance(value, int) else str(value)

        return {
            "received": {str(k): money(v) for k, v in self._received.items()},
            "kept": {str(k): money(v) for k, v in self.kept.items()},
            "levels": {str(k): a.to_json() for k, a in self.allocations.items()},
        }


def cascade(
    budget: Money,
    tree: Mapping[Hashable, Sequence[Hashable]] | Any,
    scores: Mapping[Hashable, Score],
    *,
    root: Hashable | None = None,
    unit: Money = 1,
    retain: Mapping[Hashable, Score] | None = None,
    **options: Any,
) -> CascadeResult:
    """Pass a budget down a tree, allocating exactly at every level.

    Government → anchor unit → chain members; association → districts → centres. At each
    internal node, ``retain[node]`` (a share such as ``Fraction(1, 10)``, rounded down to
    ``unit``) is kept and the rest is split among its children with :func:`allocate`
    (children scores from ``scores``; ``options`` such as ``floor``, ``cap``, ``eligible``,
    ``exclude`` apply to the children they name). At every node, received = kept + Σ children.

    Parameters
    ----------
    budget : int or Decimal
    tree : mapping or Hierarchy
        ``{parent: [children]}``, or an :class:`~ecograph.model.Hierarchy` (``eco.hierarchy()``).
    scores : mapping
        Score of each non-root node, compared with its siblings.
    root : hashable, optional
        The node that receives ``budget``; by default the one node that is nobody's child.
    unit : int or Decimal
    retain : mapping, optional
        Node -> share of what it receives that it keeps (0 <= share < 1).
    **options
        Passed to :func:`allocate` at every level (per-unit mappings are filtered per level).

    Returns
    -------
    CascadeResult

    Raises
    ------
    AllocationError
        No unique root, a cycle, a missing score, or an infeasible level.

    Examples
    --------
    >>> tree = {"gov": ["anchor"], "anchor": ["m1", "m2"]}
    >>> r = cascade(1000, tree, {"anchor": 1, "m1": 2, "m2": 1}, retain={"anchor": Fraction(1, 10)})
    >>> r.to_dict(), r.kept
    ({'gov': 1000, 'anchor': 1000, 'm1': 600, 'm2': 300}, {'gov': 0, 'anchor': 100})
    """
    children = _tree_children(tree)
    if root is None:
        all_children = {c for kids in children.values() for c in kids}
        roots = [p for p in children if p not in all_children]
        if len(roots) != 1:
            raise AllocationError(f"cascade: expected one root, found {roots!r}; pass root=", field="root")
        root = roots[0]
    money = _Money(budget, unit)
    received: dict[Hashable, Money] = {root: money.budget}
    kept: dict[Hashable, Money] = {}
    allocations: dict[Hashable, Allocation] = {}
    stack, seen = [root], {root}
    while stack:
        node = stack.pop()
        kids = list(children.get(node, ()))
        if not kids:
            continue
        amount = received[node]
        share = Fraction(0) if retain is None or node not in retain else _Scores._to_fraction(retain[node], node)
        if not 0 <= share < 1:
            raise AllocationError(f"cascade: retain[{node!r}] = {share} must be in [0, 1)", field="retain", id=node)
        units = _Money(amount, unit).units
        keep_count = math.floor(share * units)
        kept[node] = money.amount(keep_count)
        missing = [k for k in kids if k not in scores]
        if missing:
            raise AllocationError(f"cascade: child {missing[0]!r} of {node!r} has no score", field="scores", id=missing[0])
        allocation = allocate(
            money.amount(units - keep_count), {k: scores[k] for k in kids}, unit=unit, **_level_options(options, kids)
        )
        allocations[node] = allocation
        for kid in kids:
            if kid in seen:
                raise AllocationError(f"cascade: {kid!r} appears twice (a cycle or two parents)", field="tree", id=kid)
            seen.add(kid)
            received[kid] = allocation[kid]
            stack.append(kid)
    return CascadeResult(received, kept, allocations)


def _level_options(options: Mapping[str, Any], kids: list[Hashable]) -> dict[str, Any]:
    """The ``allocate`` options for one level: per-unit mappings and id lists cut to ``kids``."""
    wanted = set(kids)
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key in _PER_UNIT_OPTIONS and isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if k in wanted}
        elif key in ("eligible", "exclude") and value is not None:
            value = [k for k in value if k in wanted]
        out[key] = value
    return out


_PER_UNIT_OPTIONS = frozenset({"floor", "cap", "eligible", "exclude", "grades", "fixed"})


def _tree_children(tree: Any) -> dict[Hashable, list[Hashable]]:
    if hasattr(tree, "parent") and hasattr(tree, "nodes"):  # a model.Hierarchy
        out: dict[Hashable, list[Hashable]] = {}
        for child, parent in tree.parent.items():
            out.setdefault(parent, []).append(child)
        return out
    if isinstance(tree, Mapping):
        return {parent: list(kids) for parent, kids in tree.items()}
    raise AllocationError(f"cascade: tree must be a mapping or a Hierarchy, got {type(tree).__name__}", field="tree")


# ---------------------------------------------------------------------------------- divisor methods
#: Divisor sequences: seat ``a+1`` of a unit is won at priority ``votes / d(a)``.
#: Divisor sequences d(a) = a + c of the supported methods (the closed-form start of
#: :func:`divisor_apportion` relies on that form).
DIVISOR_METHODS: dict[str, Callable[[int], Fraction]] = {
    "dhondt": lambda a: Fraction(a + 1),  # Jefferson / D'Hondt
    "sainte_lague": lambda a: Fraction(2 * a + 1, 2),  # Webster / Sainte-Laguë
    "adams": lambda a: Fraction(a),  # smallest divisors: every unit with votes gets a seat first
}


def divisor_apportion(
    seats: int,
    votes: Mapping[Hashable, Score],
    *,
    method: str = "dhondt",
) -> Allocation:
    """Apportion ``seats`` (quotas, places, whole grants) by a divisor method.

    Seat number ``a+1`` of unit ``i`` has priority ``votes_i / d(a)``; the ``seats`` highest
    priorities win (D'Hondt ``d(a) = a+1``, Sainte-Laguë ``d(a) = a+1/2``, Adams ``d(a) = a``).
    Equal priorities go to the larger vote, then the smaller id. Exact (Fractions).

    Parameters
    ----------
    seats : int
    votes : mapping
        ``{id: votes}``, non-negative numbers.
    method : {"dhondt", "sainte_lague", "adams"}

    Returns
    -------
    Allocation
        ``{id: seats}``, with ``method`` set.

    Raises
    ------
    AllocationError
        Unknown method, negative seats, or seats but no votes.

    Examples
    --------
    >>> votes = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
    >>> divisor_apportion(8, votes).to_dict()
    {'A': 4, 'B': 3, 'C': 1, 'D': 0}
    >>> divisor_apportion(8, votes, method="sainte_lague").to_dict()
    {'A': 3, 'B': 3, 'C': 1, 'D': 1}
    """
    if method not in DIVISOR_METHODS:
        raise AllocationError(f"unknown divisor method {method!r}; expected one of {sorted(DIVISOR_METHODS)}", field="method")
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise AllocationError(f"seats must be a non-negative int, got {seats!r}", field="seats")
    divisor = DIVISOR_METHODS[method]
    ids, values = _ids_and_values(votes)
    exact = [_Scores._to_fraction(v, u) for u, v in zip(ids, values.tolist() if isinstance(values, np.ndarray) else values)]
    total = sum(exact, Fraction(0))
    positive = [i for i, v in enumerate(exact) if v > 0]
    if seats and not positive:
        raise AllocationError("divisor_apportion: seats to give but no positive votes", field="votes")
    id_key = _id_sort_key(ids)
    rank = {i: r for r, i in enumerate(sorted(range(len(ids)), key=lambda i: id_key(ids[i])))}

    def priority(i: int, a: int) -> Fraction | float:
        d = divisor(a)
        return math.inf if d == 0 else exact[i] / d

    counts = [0] * len(ids)
    if seats and total:
        # Start from the seats won at the Hare divisor H = total / seats, in closed form: with
        # d(a) = a + c, seat a+1 of unit i has priority v_i / d(a) >= H exactly when a <= q_i - c
        # (q_i = v_i / H), so unit i holds floor(q_i - c) + 1 seats (none when q_i < c). The
        # start is at most one seat per unit away from the result, so the heap below does
        # O(units log units) work however many seats there are (10**9 seats take no longer).
        offset = divisor(0)
        hare = total / seats
        for i in positive:
            q = exact[i] / hare
            counts[i] = 0 if q < offset else min(seats, math.floor(q - offset) + 1)
    given = sum(counts)
    if given < seats:
        heap = [(-priority(i, counts[i]), -exact[i], rank[i], i) for i in positive]
        heapq.heapify(heap)
        for _ in range(seats - given):
            _, _, _, i = heapq.heappop(heap)
            counts[i] += 1
            heapq.heappush(heap, (-priority(i, counts[i]), -exact[i], rank[i], i))
    elif given > seats:  # drop the weakest seats held (lowest priority, smaller vote, larger id)
        heap = [(priority(i, counts[i] - 1), exact[i], -rank[i], i) for i in positive if counts[i]]
        heapq.heapify(heap)
        for _ in range(given - seats):
            _, _, _, i = heapq.heappop(heap)
            counts[i] -= 1
            if counts[i]:
                heapq.heappush(heap, (priority(i, counts[i] - 1), exact[i], -rank[i], i))
    money = _Money(seats, 1)
    rules = np.full(len(ids), 7, dtype=np.int8)
    return Allocation(
        ids, np.asarray(counts, dtype=np.int64), money, rules, np.zeros(len(ids), dtype=bool),
        scores=None, raw_scores=list(values), method=method,
    )
