"""Performance scoring: indicators → normalisation → weights → score → grade.

The pipeline follows the performance evaluations of Chinese innovation-service bodies (e.g.
Tianjin's productivity centres: six dimensions, grades 优秀/良好/合格/不合格):

1. an :class:`IndicatorTable` (units × indicators, numpy-backed), e.g. from the ``serves``
   relations by :func:`service_indicators`;
2. :func:`normalize` with an explicit method and each indicator's direction
   (``"higher"`` or ``"lower"`` is better): ``minmax``, ``vector`` or ``zscore``; every method
   returns values where higher is better;
3. weights: given, :func:`entropy_weights` (the textbook entropy weight method) or
   :func:`ahp_weights` (AHP from a pairwise-comparison matrix, consistency ratio checked);
4. a composite score: :func:`weighted_sum` or :func:`topsis`;
5. :func:`grade` by thresholds or by quota (e.g. top 20 % excellent).

:func:`evaluate` runs the whole pipeline. Admission rules (who may be evaluated at all) are in
:mod:`ecograph.eligibility`.

Examples
--------
>>> from ecograph.scoring import IndicatorTable, evaluate
>>> table = IndicatorTable.from_records({
...     "c1": {"clients": 120, "cost": 30}, "c2": {"clients": 80, "cost": 20},
...     "c3": {"clients": 40, "cost": 25}})
>>> result = evaluate(table, {"clients": "higher", "cost": "lower"}, weights={"clients": 1, "cost": 1},
...                   thresholds={"excellent": 0.75, "good": 0.5, "pass": 0.25})
>>> result.scores.to_dict()
{'c1': 0.5, 'c2': 0.75, 'c3': 0.25}
>>> result.grades.to_dict()
{'c1': 'good', 'c2': 'excellent', 'c3': 'pass'}
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from .compiled import compiled, index_of
from .errors import EvaluationError, NodeNotFoundError
from .limits import exact_decimal_context
from .results import NodeValues, TableResult

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = [
    "IndicatorTable",
    "Weights",
    "Grades",
    "Evaluation",
    "service_indicators",
    "normalize",
    "entropy_weights",
    "ahp_weights",
    "weighted_sum",
    "topsis",
    "grade",
    "evaluate",
    "GRADES",
    "GRADE_LABELS",
    "RANDOM_INDEX",
    "CENTRE_INDICATORS",
]

#: Grades, best first.
GRADES: tuple[str, ...] = ("excellent", "good", "pass", "fail")
#: Chinese labels of the grades (优秀/良好/合格/不合格).
GRADE_LABELS: dict[str, str] = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
#: Saaty's random consistency index RI by matrix order n (Saaty 1980).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
#: Default indicators of productivity-centre evaluations, by Tianjin's six dimensions (seed 003:
#: 中心规模, 服务成效, 人力资源, 沟通交流, 规范管理, 可持续发展); all higher-is-better. An
#: ecosystem may name its own through the attributes ``dimensions`` and ``indicators_<dimension>``.
CENTRE_INDICATORS: dict[str, str] = {
    "total_assets": "scale", "business_revenue": "scale", "revenue_per_head": "scale",
    "firms_served": "service", "tech_services": "service", "consulting": "service",
    "staff": "human_resources", "bachelor_share": "human_resources",
    "report_timeliness": "communication", "industry_events": "communication",
    "management_rules": "management",
    "business_model": "sustainability", "capacity_building": "sustainability",
}

_DIRECTIONS = {"higher": "higher", "max": "higher", "benefit": "higher", "+": "higher",
               "lower": "lower", "min": "lower", "cost": "lower", "-": "lower"}
_NORMALISATIONS = ("minmax", "vector", "zscore")
_MISSING = ("error", "zero", "mean", "exclude")


# ---------------------------------------------------------------------------------- table
class IndicatorTable(TableResult):
    """Units × indicators, as a float64 matrix (``nan`` = missing).

    Parameters
    ----------
    units : sequence
        Row ids.
    indicators : sequence of str
        Column names.
    values : array-like, shape (len(units), len(indicators))
    exact : mapping, optional
        Column -> exact per-unit values (e.g. revenue in fen as int or Decimal) returned by
        :meth:`to_dict` instead of the float column.

    Examples
    --------
    >>> t = IndicatorTable(["a", "b"], ["x", "y"], [[1, 2], [3, 4]])
    >>> t.column("y").tolist(), t.to_dict()["b"]
    ([2.0, 4.0], {'x': 3.0, 'y': 4.0})
    """

    key = "unit"

    def __init__(
        self,
        units: Sequence[Hashable],
        indicators: Sequence[str],
        values: Any,
        *,
        exact: Mapping[str, Sequence[Any]] | None = None,
    ) -> None:
        array = np.array(values, dtype=np.float64).reshape(len(units), len(indicators))
        if np.isinf(array).any():
            i, j = (int(x) for x in np.argwhere(np.isinf(array))[0])
            raise EvaluationError(
                f"unit {units[i]!r}, indicator {indicators[j]!r}: infinite value", id=units[i], field=indicators[j]
            )
        if len(set(units)) != len(units):
            raise EvaluationError("indicator table repeats a unit id", field="units")
        if len(set(indicators)) != len(indicators):
            raise EvaluationError("indicator table repeats an indicator name", field="indicators")
        self.units: list[Hashable] = list(units)
        self.indicators: list[str] = list(indicators)
        self.values = array
        self.exact: dict[str, list[Any]] = {k: list(v) for k, v in (exact or {}).items()}

    @classmethod
    def from_records(cls, records: Mapping[Hashable, Mapping[str, Any]], indicators: Sequence[str] | None = None) -> IndicatorTable:
        """Build from ``{unit: {indicator: value}}``; absent or ``None`` values become missing.

        Raises
        ------
        EvaluationError
            A value that is not a number (names unit and indicator).

        Examples
        --------
        >>> t = IndicatorTable.from_records({"a": {"x": 1, "y": 2}, "b": {"x": 3}})
        >>> t.indicators, t.to_dict()["b"]
        (['x', 'y'], {'x': 3.0, 'y': None})
        """
        if indicators is None:
            seen: dict[str, None] = {}
            for row in records.values():
                seen.update(dict.fromkeys(row))
            indicators = list(seen)
        values = np.full((len(records), len(indicators)), np.nan)
        for i, (unit, row) in enumerate(records.items()):
            for j, name in enumerate(indicators):
                value = row.get(name)
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction, np.number)):
                    raise EvaluationError(
                        f"unit {unit!r}, indicator {name!r}: {value!r} is not a number", id=unit, field=name
                    )
                values[i, j] = float(value)
        return cls(list(records), list(indicators), values)

    def __len__(self) -> int:
        return len(self.units)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def column(self, name: str) -> np.ndarray:
        """One indicator's values, in unit order."""
        try:
            return self.values[:, self.indicators.index(name)]
        except ValueError:
            raise EvaluationError(f"no indicator {name!r}; the table has {self.indicators}", field=name) from None

    def select(self, indicators: Sequence[str]) -> IndicatorTable:
        """The table restricted to ``indicators`` (in that order)."""
        cols = [self.indicators.index(n) if n in self.indicators else -1 for n in indicators]
        if -1 in cols:
            missing = indicators[cols.index(-1)]
            raise EvaluationError(f"no indicator {missing!r}; the table has {self.indicators}", field=missing)
        return IndicatorTable(self.units, list(indicators), self.values[:, cols],
                              exact={k: v for k, v in self.exact.items() if k in indicators})

    def take(self, rows: np.ndarray) -> IndicatorTable:
        """The table restricted to the rows selected by a boolean mask or index array."""
        picked = np.arange(len(self.units))[rows]
        return IndicatorTable([self.units[i] for i in picked], self.indicators, self.values[picked],
                              exact={k: [v[i] for i in picked] for k, v in self.exact.items()})

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit: ``unit`` and every indicator (exact columns exact)."""
        return [{"unit": unit, **row} for unit, row in self.to_dict().items()]

    def to_dict(self) -> dict[Hashable, dict[str, Any]]:
        """``{unit: {indicator: value}}``; missing values are ``None``, exact columns exact."""
        out: dict[Hashable, dict[str, Any]] = {}
        for i, unit in enumerate(self.units):
            row: dict[str, Any] = {}
            for j, name in enumerate(self.indicators):
                if name in self.exact:
                    row[name] = self.exact[name][i]
                else:
                    value = self.values[i, j]
                    row[name] = None if math.isnan(value) else float(value)
            out[unit] = row
        return out

    def to_pandas(self) -> Any:
        """A :class:`pandas.DataFrame` (rows = units, columns = indicators; needs pandas)."""
        import pandas as pd

        frame = pd.DataFrame(self.values, index=pd.Index(self.units, name="unit"), columns=self.indicators)
        for name, values in self.exact.items():
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
        return frame

    def __repr__(self) -> str:
        return f"IndicatorTable({len(self.units)} units × {len(self.indicators)} indicators: {self.indicators})"


def _directions(table: IndicatorTable, directions: Mapping[str, str] | None) -> np.ndarray:
    """A boolean array: True where lower is better. Unnamed indicators are higher-is-better."""
    directions = dict(directions or {})
    unknown = set(directions) - set(table.indicators)
    if unknown:
        name = sorted(unknown)[0]
        raise EvaluationError(f"direction given for unknown indicator {name!r}", field=name)
    lower = np.zeros(len(table.indicators), dtype=bool)
    for j, name in enumerate(table.indicators):
        word = directions.get(name, "higher")
        if word not in _DIRECTIONS:
            raise EvaluationError(
                f"indicator {name!r}: direction {word!r}; expected 'higher' or 'lower'", field=name
            )
        lower[j] = _DIRECTIONS[word] == "lower"
    return lower


def _require_complete(table: IndicatorTable) -> None:
    missing = np.isnan(table.values)
    if missing.any():
        i, j = (int(x) for x in np.argwhere(missing)[0])
        raise EvaluationError(
            f"unit {table.units[i]!r} has no value for indicator {table.indicators[j]!r}; "
            "fill it in or choose missing='zero', 'mean' or 'exclude'",
            id=table.units[i],
            field=table.indicators[j],
        )


def _fill_missing(table: IndicatorTable, policy: str) -> tuple[IndicatorTable, list[Hashable]]:
    if policy not in _MISSING:
        raise EvaluationError(f"missing={policy!r}; expected one of {list(_MISSING)}", field="missing")
    missing = np.isnan(table.values)
    if not missing.any() or policy == "error":
        _require_complete(table)
        return table, []
    if policy == "exclude":
        keep = ~missing.any(axis=1)
        return table.take(keep), [u for u, k in zip(table.units, keep) if not k]
    values = table.values.copy()
    if policy == "zero":
        values[missing] = 0.0
    else:
        present = ~missing
        counts = present.sum(axis=0)
        if (counts == 0).any():
            name = table.indicators[int(np.flatnonzero(counts == 0)[0])]
            raise EvaluationError(f"indicator {name!r} has no value at all; its mean is undefined", field=name)
        means = np.where(present, values, 0.0).sum(axis=0) / counts
        values[missing] = np.broadcast_to(means, values.shape)[missing]
    filled = {table.indicators[j] for j in np.flatnonzero(missing.any(axis=0))}
    exact = {k: v for k, v in table.exact.items() if k not in filled}  # imputed columns are no longer exact
    return IndicatorTable(table.units, table.indicators, values, exact=exact), []


# ---------------------------------------------------------------------------------- normalisation
def normalize(table: IndicatorTable, directions: Mapping[str, str] | None = None, method: str = "minmax") -> IndicatorTable:
    """Put every indicator on a common, higher-is-better scale.

    ``minmax``: ``(x - min)/(max - min)``, or ``(max - x)/(max - min)`` when lower is better;
    a constant column becomes 1. ``vector``: ``x/‖x‖₂``, or ``1 - x/‖x‖₂`` when lower is
    better; an all-zero column becomes 1. ``zscore``: ``(x - mean)/std`` (population std),
    negated when lower is better; a constant column becomes 0.

    Parameters
    ----------
    table : IndicatorTable
        Complete (no missing values).
    directions : mapping, optional
        Indicator -> ``"higher"`` or ``"lower"`` is better (default ``"higher"``).
    method : {"minmax", "vector", "zscore"}

    Returns
    -------
    IndicatorTable

    Raises
    ------
    EvaluationError
        Unknown method or direction, or a missing value (names unit and indicator).

    Examples
    --------
    >>> t = IndicatorTable(["a", "b", "c"], ["x"], [[2], [4], [6]])
    >>> normalize(t, {"x": "lower"}).column("x").tolist()
    [1.0, 0.5, 0.0]
    """
    if method not in _NORMALISATIONS:
        raise EvaluationError(f"normalisation {method!r}; expected one of {list(_NORMALISATIONS)}", field="normalization")
    _require_complete(table)
    lower = _directions(table, directions)
    x = table.values
    if method == "minmax":
        low, high = x.min(axis=0, initial=np.inf), x.max(axis=0, initial=-np.inf)
        span = high - low
        safe = np.where(span > 0, span, 1.0)
        out = np.where(lower, high - x, x - low) / safe
        out[:, span <= 0] = 1.0
    elif method == "vector":
        norm = np.sqrt((x * x).sum(axis=0))
        out = x / np.where(norm > 0, norm, 1.0)
        out[:, norm == 0] = 1.0
        out = np.where(lower & (norm > 0), 1.0 - out, out)
    else:
        std = x.std(axis=0)
        out = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
        out[:, std == 0] = 0.0
        out = np.where(lower, -out, out)
    return IndicatorTable(table.units, table.indicators, out)


# ---------------------------------------------------------------------------------- weights
class Weights(TableResult, Mapping[str, float]):
    """Indicator weights (summing to 1) and how they were obtained.

    Attributes
    ----------
    method : str
        ``"given"``, ``"entropy"`` or ``"ahp"``.
    details : dict
        Method-specific figures: entropy ``e`` and divergence ``d`` per indicator and the
        normalisation used; AHP ``lambda_max``, ``ci``, ``cr``, ``ri``.
    """

    key = "indicator"

    def __init__(self, indicators: Sequence[str], values: np.ndarray, method: str, **details: Any) -> None:
        self.indicators = list(indicators)
        self.array = np.asarray(values, dtype=np.float64)
        self.method = method
        self.details = details

    def __getitem__(self, name: str) -> float:
        try:
            return float(self.array[self.indicators.index(name)])
        except ValueError:
            raise NodeNotFoundError(f"weights: no indicator {name!r}; expected one of {self.indicators}", id=name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def rows(self) -> list[dict[str, Any]]:
        """One row per indicator: ``indicator`` and ``weight``."""
        return [{"indicator": i, "weight": w} for i, w in zip(self.indicators, self.array.tolist())]

    def to_dict(self) -> dict[str, float]:
        return dict(zip(self.indicators, self.array.tolist()))

    def __repr__(self) -> str:
        body = ", ".join(f"{k!r}: {v:.4f}" for k, v in self.to_dict().items())
        return f"Weights({self.method}; {{{body}}})"


def _given_weights(table: IndicatorTable, weights: Mapping[str, Any]) -> Weights:
    names = set(weights)
    if names != set(table.indicators):
        extra, lacking = sorted(names - set(table.indicators)), sorted(set(table.indicators) - names)
        raise EvaluationError(
            f"weights must name every indicator exactly once; unknown {extra}, missing {lacking}", field="weights"
        )
    values = np.array([float(weights[n]) for n in table.indicators])
    if (values < 0).any() or not np.isfinite(values).all() or values.sum() <= 0:
        raise EvaluationError("weights must be finite, non-negative and not all zero", field="weights")
    return Weights(table.indicators, values / values.sum(), "given")


def entropy_weights(
    table: IndicatorTable, directions: Mapping[str, str] | None = None, *, normalization: str = "minmax"
) -> Weights:
    """Entropy weight method (熵权法), textbook variant.

    With ``x`` the normalised matrix (``minmax`` with direction by default):
    ``p_ij = x_ij / Σ_i x_ij``; ``e_j = -1/ln(n) · Σ_i p_ij ln p_ij`` (with 0·ln 0 = 0);
    ``d_j = 1 - e_j``; ``w_j = d_j / Σ_j d_j``. An all-zero column counts as uniform
    (``e_j = 1``, weight 0). The normalisation used is recorded in ``details``.

    Parameters
    ----------
    table : IndicatorTable
        Raw indicators (complete, at least 2 units).
    directions : mapping, optional
    normalization : {"minmax", "vector"}
        ``zscore`` is refused: the method needs non-negative values.

    Returns
    -------
    Weights

    Raises
    ------
    EvaluationError
        Fewer than 2 units, a z-score normalisation, or no indicator that varies.

    Examples
    --------
    >>> t = IndicatorTable(["a", "b", "c"], ["x", "y"], [[1, 5], [2, 5], [3, 6]])
    >>> {k: round(v, 4) for k, v in entropy_weights(t).items()}
    {'x': 0.2961, 'y': 0.7039}
    """
    if normalization == "zscore":
        raise EvaluationError(
            "entropy weights need non-negative normalised values; use normalization='minmax' or 'vector'",
            field="normalization",
        )
    if len(table) < 2:
        raise EvaluationError("entropy weights need at least 2 units", field="units")
    x = normalize(table, directions, normalization).values
    totals = x.sum(axis=0)
    p = np.where(totals > 0, x / np.where(totals > 0, totals, 1.0), 1.0 / len(table))
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / math.log(len(table))
    d = 1.0 - e
    d[np.abs(d) < 1e-15] = 0.0
    if d.sum() <= 0:
        raise EvaluationError("no indicator varies across the units; entropy weights are undefined", field="indicators")
    return Weights(table.indicators, d / d.sum(), "entropy", normalization=normalization,
                   entropy=dict(zip(table.indicators, e.tolist())), divergence=dict(zip(table.indicators, d.tolist())))


def ahp_weights(
    matrix: Any, indicators: Sequence[str] | None = None, *, force: bool = False, tol: float = 1e-9
) -> Weights:
    """AHP weights from a pairwise-comparison matrix (principal eigenvector), with Saaty's CR.

    ``A[i][j]`` says how much more important indicator ``i`` is than ``j`` (1–9 scale);
    ``A[j][i] = 1/A[i][j]``. ``λ_max`` is the principal eigenvalue, ``CI = (λ_max - n)/(n - 1)``,
    ``CR = CI / RI(n)`` with Saaty's random index :data:`RANDOM_INDEX` (CR = 0 for n <= 2).

    Parameters
    ----------
    matrix : array-like, shape (n, n)
        Positive and reciprocal (within ``tol``).
    indicators : sequence of str, optional
        Names (default ``"c1"``, ``"c2"`` ...).
    force : bool
        Return the weights even when CR > 0.1.

    Returns
    -------
    Weights
        ``details`` has ``lambda_max``, ``ci``, ``ri``, ``cr``.

    Raises
    ------
    EvaluationError
        Not square, not positive, not reciprocal, n > 15, or CR > 0.1 without ``force``.

    Examples
    --------
    >>> w = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]], ["a", "b", "c"])
    >>> [round(v, 4) for v in w.values()], round(w.details["cr"], 6)
    ([0.5714, 0.2857, 0.1429], 0.0)
    """
    a = np.array(matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise EvaluationError(f"AHP matrix must be square, got shape {a.shape}", field="matrix")
    n = a.shape[0]
    names = list(indicators) if indicators is not None else [f"c{i + 1}" for i in range(n)]
    if len(names) != n:
        raise EvaluationError(f"AHP matrix is {n}×{n} but {len(names)} indicator names were given", field="indicators")
    if n not in RANDOM_INDEX:
        raise EvaluationError(f"AHP supports at most 15 criteria (Saaty's RI table), got {n}", field="matrix")
    if not np.isfinite(a).all() or (a <= 0).any():
        raise EvaluationError("AHP matrix entries must be positive numbers", field="matrix")
    bad = np.argwhere(np.abs(a * a.T - 1.0) > tol)
    if len(bad):
        i, j = (int(v) for v in bad[0])
        raise EvaluationError(
            f"AHP matrix is not reciprocal: A[{i}][{j}] = {a[i, j]:g} but A[{j}][{i}] = {a[j, i]:g}", field="matrix"
        )
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lam = float(eigenvalues[k].real)
    w = np.abs(eigenvectors[:, k].real)
    w = w / w.sum()
    ri = RANDOM_INDEX[n]
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    ci, cr = max(ci, 0.0) if abs(ci) > 1e-12 else 0.0, max(cr, 0.0) if abs(cr) > 1e-12 else 0.0
    if cr > 0.1 and not force:
        raise EvaluationError(
            f"AHP matrix is inconsistent: CR = {cr:.3f} > 0.1 (λ_max = {lam:.4f}, CI = {ci:.4f}, RI = {ri}); "
            "revise the comparisons or pass force=True",
            field="matrix",
            cr=cr,
        )
    return Weights(names, w, "ahp", lambda_max=lam, ci=ci, ri=ri, cr=cr)


def _resolve_weights(table: IndicatorTable, weights: Any, directions: Mapping[str, str] | None, normalization: str) -> Weights:
    if isinstance(weights, Weights):
        return _given_weights(table, weights.to_dict()) if weights.method == "given" else _check_named(table, weights)
    if weights == "entropy":
        entropy_normalization = normalization if normalization != "zscore" else "minmax"
        return entropy_weights(table, directions, normalization=entropy_normalization)
    if weights == "equal":
        return Weights(table.indicators, np.full(len(table.indicators), 1.0 / len(table.indicators)), "equal")
    if isinstance(weights, Mapping):
        return _given_weights(table, weights)
    raise EvaluationError(
        f"weights={weights!r}; expected 'entropy', 'equal', a mapping indicator -> weight, or Weights", field="weights"
    )


def _check_named(table: IndicatorTable, weights: Weights) -> Weights:
    if set(weights.indicators) != set(table.indicators):
        raise EvaluationError(
            f"weights are for {weights.indicators} but the table has {table.indicators}", field="weights"
        )
    order = [weights.indicators.index(n) for n in table.indicators]
    return Weights(table.indicators, weights.array[order], weights.method, **weights.details)


# ---------------------------------------------------------------------------------- scores
def weighted_sum(normalized: IndicatorTable, weights: Mapping[str, float]) -> NodeValues:
    """Composite score ``Σ_j w_j r_ij`` of a normalised table (weights rescaled to sum 1).

    Parameters
    ----------
    normalized : IndicatorTable
        A normalised table (higher is better), e.g. from :func:`normalize`.
    weights : mapping
        indicator -> weight (rescaled to sum 1), or :class:`Weights`.

    Returns
    -------
    NodeValues
        The score of every unit.

    Raises
    ------
    EvaluationError
        Weights that do not name the table's indicators, or missing values in the table.

    Examples
    --------
    >>> t = IndicatorTable(["a", "b"], ["x", "y"], [[1.0, 0.0], [0.5, 1.0]])
    >>> weighted_sum(t, {"x": 3, "y": 1}).to_dict()
    {'a': 0.75, 'b': 0.625}
    """
    w = _given_weights(normalized, dict(weights)).array if not isinstance(weights, Weights) else _check_named(normalized, weights).array
    _require_complete(normalized)
    return NodeValues(normalized.units, normalized.values @ w, name="score")


def topsis(normalized: IndicatorTable, weights: Mapping[str, float]) -> NodeValues:
    """TOPSIS closeness ``C_i = D⁻_i / (D⁺_i + D⁻_i)`` on a normalised (higher-is-better) table.

    ``v_ij = w_j r_ij``; the ideal is each column's maximum, the anti-ideal its minimum;
    ``D⁺``/``D⁻`` are Euclidean distances to them. When every unit is identical, C = 0.5.
    Classic TOPSIS uses ``normalize(..., method="vector")``.

    Parameters
    ----------
    normalized : IndicatorTable
        A normalised table (higher is better), e.g. from :func:`normalize`.
    weights : mapping
        indicator -> weight, or :class:`Weights`.

    Returns
    -------
    NodeValues
        The closeness of every unit to the ideal, in [0, 1].

    Raises
    ------
    EvaluationError
        Weights that do not name the table's indicators, or missing values in the table.

    Examples
    --------
    >>> t = IndicatorTable(["a", "b", "c"], ["x", "y"], [[1, 0], [0, 1], [1, 1]])
    >>> [round(v, 4) for v in topsis(t, {"x": 1, "y": 1}).values()]
    [0.5, 0.5, 1.0]
    """
    w = _given_weights(normalized, dict(weights)).array if not isinstance(weights, Weights) else _check_named(normalized, weights).array
    _require_complete(normalized)
    v = normalized.values * w
    best, worst = v.max(axis=0, initial=-np.inf), v.min(axis=0, initial=np.inf)
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_best + d_worst
    closeness = np.where(total > 0, d_worst / np.where(total > 0, total, 1.0), 0.5)
    return NodeValues(normalized.units, closeness, name="score")


# ---------------------------------------------------------------------------------- grades
class Grades(TableResult, Mapping[Hashable, str]):
    """``{unit: grade}`` with grades in :data:`GRADES`; :meth:`label` gives the Chinese name.

    Attributes
    ----------
    rule : str
        How the grades were given (thresholds or quota, with the numbers).
    reasons : dict
        Units forced to a grade (e.g. fail for late materials), with the reason.
    """

    key = "unit"

    def __init__(self, grades: dict[Hashable, str], rule: str, reasons: Mapping[Hashable, str] | None = None) -> None:
        self._grades = grades
        self.rule = rule
        self.reasons = dict(reasons or {})

    def __getitem__(self, unit: Hashable) -> str:
        return self._grades[unit]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._grades)

    def __len__(self) -> int:
        return len(self._grades)

    def label(self, unit: Hashable) -> str:
        """The Chinese grade of ``unit`` (优秀/良好/合格/不合格)."""
        return GRADE_LABELS[self._grades[unit]]

    def counts(self) -> dict[str, int]:
        """Units per grade, best first (every grade present)."""
        out = dict.fromkeys(GRADES, 0)
        for g in self._grades.values():
            out[g] += 1
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit: ``unit``, ``grade`` and its Chinese ``label``."""
        return [{"unit": u, "grade": g, "label": GRADE_LABELS[g]} for u, g in self._grades.items()]

    def to_dict(self, *, chinese: bool = False) -> dict[Hashable, str]:
        return {u: GRADE_LABELS[g] if chinese else g for u, g in self._grades.items()}

    def __repr__(self) -> str:
        return f"Grades({self.counts()}; {self.rule})"


def _share(value: Any, name: str) -> Fraction:
    try:
        share = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (TypeError, ValueError):
        raise EvaluationError(f"quota[{name!r}] = {value!r} is not a number", field="quota") from None
    return share


def grade(
    scores: Mapping[Hashable, float],
    *,
    thresholds: Mapping[str, float] | None = None,
    quota: Mapping[str, Any] | None = None,
    fail: Mapping[Hashable, str] | Iterable[Hashable] = (),
) -> Grades:
    """Grade units by score thresholds or by quota.

    Thresholds: a unit gets the best grade whose threshold its score reaches (``>=``); below
    every threshold it fails. Quota: shares of the units per grade, best first (e.g.
    ``{"excellent": 0.2, "good": 0.3, "pass": 0.4}``; the rest fail); grade ``g`` goes to the
    first ``⌊n · (cumulative share up to g)⌋`` units by score, and units tied on score share
    the lower grade, so a quota is never exceeded. Units in ``fail`` fail regardless (e.g.
    materials not submitted on time, 无正当理由不按规定报送评估材料).

    Parameters
    ----------
    scores : mapping
    thresholds, quota : mapping
        Exactly one of them; keys among ``excellent``, ``good``, ``pass``.
    fail : iterable or mapping, optional
        Units forced to fail, optionally ``{unit: reason}``.

    Returns
    -------
    Grades

    Raises
    ------
    EvaluationError
        Both or neither of thresholds/quota, unknown grades, thresholds not decreasing,
        quota shares outside [0, 1] or summing above 1, or NaN scores.

    Examples
    --------
    >>> s = {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6, "e": 0.5}
    >>> grade(s, quota={"excellent": 0.2, "good": 0.4}).to_dict()
    {'a': 'excellent', 'b': 'good', 'c': 'good', 'd': 'fail', 'e': 'fail'}
    >>> grade(s, thresholds={"excellent": 0.85, "good": 0.75, "pass": 0.6}).to_dict(chinese=True)
    {'a': '优秀', 'b': '良好', 'c': '合格', 'd': '合格', 'e': '不合格'}
    """
    if (thresholds is None) == (quota is None):
        raise EvaluationError("grade needs exactly one of thresholds= or quota=", field="thresholds")
    rules = thresholds if thresholds is not None else quota
    assert rules is not None
    unknown = [g for g in rules if g not in GRADES[:-1]]
    if unknown:
        raise EvaluationError(f"unknown grade {unknown[0]!r}; expected among {list(GRADES[:-1])}", field=unknown[0])
    units = list(scores)
    values = np.array([float(scores[u]) for u in units], dtype=np.float64)
    if np.isnan(values).any():
        bad = units[int(np.flatnonzero(np.isnan(values))[0])]
        raise EvaluationError(f"unit {bad!r} has no score (NaN)", id=bad, field="score")
    order = [g for g in GRADES[:-1] if g in rules]
    result: dict[Hashable, str] = {}
    if thresholds is not None:
        limits = [float(thresholds[g]) for g in order]
        if any(b > a for a, b in zip(limits, limits[1:])):
            raise EvaluationError(f"thresholds must not increase from better to worse grades: {dict(thresholds)}", field="thresholds")
        for unit, value in zip(units, values.tolist()):
            result[unit] = next((g for g, t in zip(order, limits) if value >= t), "fail")
        rule = "thresholds " + ", ".join(f"{g} >= {thresholds[g]}" for g in order)
    else:
        assert quota is not None
        shares = [_share(quota[g], g) for g in order]
        if any(s < 0 for s in shares) or sum(shares) > 1:
            raise EvaluationError(f"quota shares must be >= 0 and sum to at most 1: {dict(quota)}", field="quota")
        n = len(units)
        ranked = sorted(range(n), key=lambda i: -values[i])  # stable: equal scores keep input order
        position_grade = ["fail"] * n
        start, cumulative = 0, Fraction(0)
        for g, s in zip(order, shares):
            cumulative += s
            end = math.floor(n * cumulative)
            for p in range(start, end):
                position_grade[p] = g
            start = end
        rank_of = index_of(GRADES)
        p = 0
        while p < n:  # units tied on score take the lowest grade of their group
            q = p
            while q + 1 < n and values[ranked[q + 1]] == values[ranked[p]]:
                q += 1
            worst = max(position_grade[p:q + 1], key=rank_of.__getitem__)
            for r in range(p, q + 1):
                result[units[ranked[r]]] = worst
            p = q + 1
        result = {u: result[u] for u in units}
        rule = "quota " + ", ".join(f"{g} {quota[g]}" for g in order) + "; ties share the lower grade"
    forced = dict(fail.items()) if isinstance(fail, Mapping) else {u: "forced fail" for u in fail}
    for unit in forced:
        if unit not in result:
            raise EvaluationError(f"fail names {unit!r}, which has no score", id=unit, field="fail")
        result[unit] = "fail"
    return Grades(result, rule, forced)


# ---------------------------------------------------------------------------------- pipeline
@dataclass
class Evaluation(TableResult):
    """Everything :func:`evaluate` computed.

    Attributes
    ----------
    table : IndicatorTable
        The indicators used (after the missing-value policy).
    normalized : IndicatorTable
    weights : Weights
    scores : NodeValues
    grades : Grades or None
    excluded : list
        Units dropped by ``missing="exclude"``.
    settings : dict
        The choices made (normalisation, weighting, method, missing policy).
    """

    key = "unit"

    table: IndicatorTable
    normalized: IndicatorTable
    weights: Weights
    scores: NodeValues
    grades: Grades | None = None
    excluded: list[Hashable] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit: the indicators, ``score``, ``rank`` (ties share the better rank) and,
        when graded, ``grade`` and its Chinese ``grade_zh``."""
        values = self.scores.array
        ranks = 1 + len(values) - np.searchsorted(np.sort(values), values, side="right")
        out = []
        for row, score, rank in zip(self.table.rows(), values.tolist(), ranks.tolist()):
            row.update(score=score, rank=rank)
            if self.grades is not None:
                row.update(grade=self.grades[row["unit"]], grade_zh=self.grades.label(row["unit"]))
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, weights (with their details), scores, grades, rank."""
        values = self.scores.array
        ranks = 1 + len(values) - np.searchsorted(np.sort(values), values, side="right")
        return {
            "settings": dict(self.settings),
            "weights": self.weights.to_dict(),
            "weight_details": _jsonable(self.weights.details),
            "scores": self.scores.to_dict(),
            "rank": dict(zip(self.scores.nodes, ranks.tolist())),  # ties share the better rank
            "grades": None if self.grades is None else self.grades.to_dict(),
            "grade_rule": None if self.grades is None else self.grades.rule,
            "excluded": list(self.excluded),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def evaluate(
    table: IndicatorTable,
    directions: Mapping[str, str] | None = None,
    *,
    normalization: str = "minmax",
    weights: Any = "entropy",
    method: str = "weighted_sum",
    missing: str = "error",
    thresholds: Mapping[str, float] | None = None,
    quota: Mapping[str, Any] | None = None,
    fail: Mapping[Hashable, str] | Iterable[Hashable] = (),
) -> Evaluation:
    """Indicators → normalised values → weights → composite score → grade.

    Parameters
    ----------
    table : IndicatorTable
    directions : mapping, optional
        Indicator -> ``"higher"``/``"lower"`` is better (default higher).
    normalization : {"minmax", "vector", "zscore"}
        Used for the score; entropy weights use it too (``minmax`` when ``zscore`` is chosen).
    weights : "entropy", "equal", mapping or Weights
        Given weights are rescaled to sum 1; pass :func:`ahp_weights` output for AHP.
    method : {"weighted_sum", "topsis"}
    missing : {"error", "zero", "mean", "exclude"}
        What a missing value means; ``"error"`` raises :class:`EvaluationError` naming the
        unit and the indicator.
    thresholds, quota, fail :
        Grading (see :func:`grade`); no grades when both are ``None``.

    Returns
    -------
    Evaluation

    Raises
    ------
    EvaluationError

    Examples
    --------
    >>> t = IndicatorTable(["a", "b", "c"], ["x", "y"], [[1, 5], [2, None], [3, 6]])
    >>> r = evaluate(t, missing="mean", weights="equal")
    >>> r.table.to_dict()["b"]["y"], round(r.scores["c"], 3)
    (5.5, 1.0)
    """
    if method not in ("weighted_sum", "topsis"):
        raise EvaluationError(f"method {method!r}; expected 'weighted_sum' or 'topsis'", field="method")
    filled, excluded = _fill_missing(table, missing)
    if len(filled) == 0:
        raise EvaluationError("no unit left to evaluate", field="units")
    resolved = _resolve_weights(filled, weights, directions, normalization)
    normalized = normalize(filled, directions, normalization)
    scores = weighted_sum(normalized, resolved) if method == "weighted_sum" else topsis(normalized, resolved)
    grades = None
    if thresholds is not None or quota is not None:
        grades = grade(scores, thresholds=thresholds, quota=quota, fail=fail)
    settings = {"normalization": normalization, "weights": resolved.method, "method": method, "missing": missing}
    return Evaluation(filled, normalized, resolved, scores, grades, excluded, settings)


# ---------------------------------------------------------------------------------- service indicators
def service_indicators(
    eco: Ecosystem,
    *,
    year: int | None = None,
    target: str | Iterable[str] = "sme",
    providers: Iterable[str] | None = None,
) -> IndicatorTable:
    """Service performance of every provider, from the ``serves`` relations.

    Columns: ``services`` (Σ ``count``, 1 per relation without a count), ``clients``
    (distinct), ``sme_clients`` (clients whose ``sme`` attribute is true), ``sme_share``,
    ``revenue`` (Σ ``revenue``, exact in :attr:`IndicatorTable.exact`; missing when no relation
    of the provider has one), ``growth`` (revenue
    growth of ``year`` over ``year - 1``: ``(R_y - R_{y-1}) / R_{y-1}``; NaN when there is no
    earlier revenue) and ``reach`` (share of the target population among the clients).

    Parameters
    ----------
    eco : Ecosystem
    year : int, optional
        Count only relations of that ``year`` (relations without a year are left out); by
        default all relations, and growth compares the latest year with the one before.
    target : str or iterable of ids
        The target population: the organisations whose attribute of that name is true
        (default ``"sme"``), or explicit ids. ``reach`` is NaN when it is empty.
    providers : iterable of ids, optional
        Rows to report (default: every source of a ``serves`` relation, in first-seen order).

    Returns
    -------
    IndicatorTable

    Raises
    ------
    NodeNotFoundError
        A provider id that is not in the ecosystem.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> for i, sme in [("p", False), ("f1", True), ("f2", False), ("f3", True)]:
    ...     eco.add_org(i, sme=sme)
    >>> eco.add_relation("p", "f1", "serves", key="y1", count=3, revenue=1000, year=2010)
    >>> eco.add_relation("p", "f2", "serves", key="y2", count=1, revenue=1500, year=2011)
    >>> row = service_indicators(eco).to_dict()["p"]
    >>> row["services"], row["clients"], row["sme_share"], row["revenue"], row["growth"], row["reach"]
    (4.0, 2.0, 0.5, 2500, 0.5, 0.5)
    """
    node_index, source, client, counts, has_year, edge_year, revenues, with_revenue = eco.cached(
        ("evaluation.serves_arrays",), lambda: _serves_arrays(eco)
    )
    if providers is None:
        nodes = list(node_index)
        first_seen = np.sort(np.unique(source, return_index=True)[1])
        rows = [nodes[i] for i in source[first_seen].tolist()]
    else:
        rows = list(providers)
        unknown = [p for p in rows if p not in node_index]
        if unknown:
            raise NodeNotFoundError(f"service_indicators: provider(s) {unknown[:5]} not in the ecosystem", id=unknown[0])
    row_of = np.full(len(node_index), -1, dtype=np.int64)
    for r, p in enumerate(rows):
        if p in node_index:
            row_of[node_index[p]] = r
    n = len(rows)
    row = row_of[source]
    growth_year = year if year is not None else (int(edge_year[has_year].max()) if has_year.any() else None)
    chosen = (row >= 0) & ((edge_year == year) & has_year if year is not None else True)

    services = np.bincount(row[chosen], weights=counts[chosen], minlength=n)
    pairs = np.unique(row[chosen] * len(node_index) + client[chosen])  # distinct (provider, client)
    pair_row, pair_client = pairs // max(len(node_index), 1), pairs % max(len(node_index), 1)
    sme = compiled(eco).flags("sme")
    if isinstance(target, str):
        in_target = compiled(eco).flags(target)
    else:
        in_target = np.zeros(len(node_index), dtype=bool)
        in_target[[node_index[t] for t in target if t in node_index]] = True
    n_clients = np.bincount(pair_row, minlength=n).astype(np.float64)
    n_sme = np.bincount(pair_row, weights=sme[pair_client].astype(np.float64), minlength=n)
    reached = np.bincount(pair_row, weights=in_target[pair_client].astype(np.float64), minlength=n)

    revenue = _exact_sums(row, chosen, revenues, with_revenue, n)
    growth = np.full(n, np.nan)
    if growth_year is not None:
        now = _exact_sums(row, (row >= 0) & has_year & (edge_year == growth_year), revenues, with_revenue, n)
        before = _exact_sums(row, (row >= 0) & has_year & (edge_year == growth_year - 1), revenues, with_revenue, n)
        for i, (r_now, r_before) in enumerate(zip(now, before)):
            if r_before:
                growth[i] = float((Fraction(r_now or 0) - Fraction(r_before)) / Fraction(r_before))
    with np.errstate(divide="ignore", invalid="ignore"):
        sme_share = np.where(n_clients > 0, n_sme / np.where(n_clients > 0, n_clients, 1), np.nan)
    population = int(in_target.sum())
    reach = reached / population if population else np.full(n, np.nan)
    columns = ["services", "clients", "sme_clients", "sme_share", "revenue", "growth", "reach"]
    revenue_column = [np.nan if r is None else float(r) for r in revenue]
    values = np.column_stack([services, n_clients, n_sme, sme_share, revenue_column, growth, reach]) if n else np.zeros((0, 7))
    return IndicatorTable(rows, columns, values, exact={"revenue": revenue})


def _serves_arrays(eco: Ecosystem) -> tuple[Any, ...]:
    """The ``serves`` relations as arrays, from the compiled view (memoised per ecosystem
    version): node index, source and client positions, counts, has-year mask, years, revenues
    and the positions of the relations that have a revenue (often none)."""
    view = compiled(eco)
    serves = view.relation("serves")
    years = serves.column("year")
    revenues = serves.column("revenue")
    has_year = np.array([y is not None for y in years], dtype=bool)
    edge_year = np.array([-1 if y is None else y for y in years], dtype=np.int64)
    with_revenue = np.flatnonzero(np.array([r is not None for r in revenues], dtype=bool))
    return (view.index, serves.source, serves.target, np.array(serves.column("count", 1), dtype=np.float64),
            has_year, edge_year, revenues, with_revenue)


def _exact_sums(row: np.ndarray, mask: np.ndarray, amounts: list[Any], present: np.ndarray, n: int) -> list[Any]:
    """Exact per-row sums of the money ``amounts`` (edges ``present`` have one) selected by
    ``mask``; ``None`` for a row without any figure."""
    out: list[Any] = [None] * n
    picked = present[mask[present]]
    with localcontext(exact_decimal_context()):  # Decimal sums exact beyond 28 digits, or an error
        for r, e in zip(row[picked].tolist(), picked.tolist()):
            out[r] = amounts[e] if out[r] is None else out[r] + amounts[e]
    return out
