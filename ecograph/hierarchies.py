"""Hierarchies: the ``part_of`` forest (national association → district → centre), roll-ups
and balance.

- :func:`rollup` — counts and numeric attributes summed up the ``part_of`` tree (with the
  distinct targets of an attached relation, e.g. the firms each centre serves);
- :func:`balance` — how even the units of one level are (sizes, spread, Gini).

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem(); eco.add_org("n", kind="association"); eco.add_org("d", kind="district")
>>> eco.add_org("c", kind="productivity_center", staff=5); eco.add_relation("d", "n", "part_of")
>>> eco.add_relation("c", "d", "part_of")
>>> rollup(eco).to_dict()["n"]["staff"]
5
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from operator import methodcaller
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .compiled import codes, compiled
from .errors import AnalysisError
from .results import TableResult

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["Rollup", "Balance", "rollup", "balance", "gini", "subtree_sum", "subtree_aggregate", "aggregation", "AGGREGATIONS"]


# ---------------------------------------------------------------------------- hierarchy roll-ups
@dataclass(frozen=True)
class Rollup(TableResult):
    """Counts and numeric attributes rolled up the ``part_of`` forest.

    Attributes
    ----------
    nodes : list of str
        Every node of the forest (roots, inner nodes, leaves).
    parent : numpy.ndarray
        Position of each node's parent, ``-1`` for roots.
    depth : numpy.ndarray
        0 for roots.
    kinds : list of str
    counts : dict
        kind -> per node, how many descendants (strictly below it) have that kind.
    sums : dict
        attribute -> per node, the attribute aggregated over the node and its descendants by
        its rule in ``how`` (a sum counts missing values as 0; ``Decimal`` money stays exact in
        an object array; a mean, minimum or maximum over no value is ``None``).
    how : dict
        attribute -> its aggregation rule (:func:`aggregation`).
    """

    key = "node"

    nodes: list[str]
    parent: np.ndarray
    depth: np.ndarray
    kinds: list[str]
    counts: dict[str, np.ndarray]
    sums: dict[str, np.ndarray]
    how: dict[str, str] = field(default_factory=dict)

    def position(self, node: str) -> int:
        try:
            return self.nodes.index(node)
        except ValueError:
            raise NodeNotFoundError(f"rollup: {node!r} is not in the part_of hierarchy", id=node) from None

    def rows(self, kind: str | None = None) -> list[dict[str, Any]]:
        """One row per node (of ``kind`` if given): id, kind, depth, parent, counts, sums."""
        picks = range(len(self.nodes)) if kind is None else [i for i, k in enumerate(self.kinds) if k == kind]
        out = []
        for i in picks:
            row: dict[str, Any] = {
                "node": self.nodes[i],
                "kind": self.kinds[i],
                "depth": int(self.depth[i]),
                "parent": self.nodes[self.parent[i]] if self.parent[i] >= 0 else None,
            }
            row.update({f"n_{k}": int(v[i]) for k, v in self.counts.items()})
            row.update({a: (v[i].item() if hasattr(v[i], "item") else v[i]) for a, v in self.sums.items()})
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {row.pop("node"): row for row in self.rows()}


def _parents(eco: Ecosystem) -> dict[str, str]:
    """child -> parent of the ``part_of`` forest (as :meth:`Ecosystem.hierarchy`, cached)."""

    def build() -> dict[str, str]:
        view = compiled(eco)
        part_of = view.relation("part_of")
        nodes = view.nodes
        return {nodes[c]: nodes[p] for c, p in zip(part_of.source.tolist(), part_of.target.tolist())}

    return eco.cached("hierarchies._parents", build)


def _forest(eco: Ecosystem) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Nodes, parent positions and depths of the ``part_of`` forest (cached per version)."""

    def build() -> tuple[list[str], np.ndarray, np.ndarray]:
        parent_of = _parents(eco)
        index: dict[str, int] = {}
        for child, par in parent_of.items():
            index.setdefault(par, len(index))
            index.setdefault(child, len(index))
        parent = np.full(len(index), -1, dtype=np.int64)
        if parent_of:
            kids = np.fromiter((index[c] for c in parent_of), dtype=np.int64, count=len(parent_of))
            parent[kids] = np.fromiter((index[p] for p in parent_of.values()), dtype=np.int64, count=len(parent_of))
        depth = np.zeros(len(index), dtype=np.int64)
        cursor = parent.copy()
        while (live := cursor >= 0).any():  # one step up per round: rounds = tree height
            depth[live] += 1
            cursor[live] = parent[cursor[live]]
        return list(index), parent, depth

    return eco.cached("hierarchies._forest", build)


def subtree_sum(parent: np.ndarray, depth: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each node's value plus the values of all its descendants (one pass per tree level).

    Examples
    --------
    >>> parent, depth = np.array([-1, 0, 1]), np.array([0, 1, 2])
    >>> subtree_sum(parent, depth, np.array([1, 10, 100])).tolist()
    [111, 110, 100]
    """
    total = values.copy()
    for level in range(int(depth.max(initial=0)), 0, -1):
        at = np.flatnonzero(depth == level)
        np.add.at(total, parent[at], total[at])
    return total


#: How an attribute can be aggregated up the hierarchy.
AGGREGATIONS = ("sum", "mean", "min", "max", "count")

_YEAR_NAMES = frozenset({"year", "founded", "established", "since", "until"})
_SHARE_NAMES = frozenset({"share", "ratio", "rate", "growth"})


def aggregation(attr: str, how: Mapping[str, str] | None = None) -> str:
    """The rule that rolls ``attr`` up the hierarchy: ``how[attr]`` when declared, else by
    name — years (``year``, ``*_year``, ``founded`` …) take the earliest (``min``), shares
    and ratios (``*_share``, ``*_ratio``, ``*_rate``, ``growth``) the ``mean``, everything
    else the ``sum``. Years and shares are never summed.

    Raises
    ------
    AnalysisError
        A declared rule that is not one of :data:`AGGREGATIONS`.

    Examples
    --------
    >>> [aggregation(a) for a in ("staff", "founded_year", "bachelor_share")]
    ['sum', 'min', 'mean']
    >>> aggregation("staff", {"staff": "mean"})
    'mean'
    """
    if how and attr in how:
        rule = how[attr]
        if rule not in AGGREGATIONS:
            raise AnalysisError(f"rollup: aggregation {rule!r} of {attr!r} is not one of {list(AGGREGATIONS)}",
                                field="how", value=rule)
        return rule
    last = attr.rsplit("_", 1)[-1]
    if attr in _YEAR_NAMES or last == "year":
        return "min"
    if attr in _SHARE_NAMES or last in _SHARE_NAMES:
        return "mean"
    return "sum"


def subtree_aggregate(parent: np.ndarray, depth: np.ndarray, values: np.ndarray, present: np.ndarray,
                      rule: str) -> np.ndarray:
    """``values`` (where ``present``) aggregated over each node and its descendants by ``rule``.

    Examples
    --------
    >>> parent, depth = np.array([-1, 0, 0]), np.array([0, 1, 1])
    >>> years, present = np.array([0, 1998, 2005]), np.array([False, True, True])
    >>> subtree_aggregate(parent, depth, years, present, "min").tolist()
    [1998, 1998, 2005]
    >>> subtree_aggregate(parent, depth, np.array([0.0, 0.2, 0.6]), present, "mean").tolist()
    [0.4, 0.2, 0.6]
    """
    if rule == "sum":
        return subtree_sum(parent, depth, values)
    counted = subtree_sum(parent, depth, present.astype(np.int64))
    if rule == "count":
        return counted
    if rule == "mean":
        totals = subtree_sum(parent, depth, np.where(present, values, 0).astype(np.float64))
        return np.array([t / c if c else None for t, c in zip(totals.tolist(), counted.tolist())], dtype=object)
    pick, fill = (np.minimum, np.inf) if rule == "min" else (np.maximum, -np.inf)
    best = np.where(present, values.astype(np.float64), fill)
    for level in range(int(depth.max(initial=0)), 0, -1):
        at = np.flatnonzero(depth == level)
        pick.at(best, parent[at], best[at])
    integral = values.dtype.kind in "iu"
    return np.array([None if not np.isfinite(b) else int(b) if integral else b for b in best.tolist()], dtype=object)


def _numeric_column(values: list[Any]) -> np.ndarray | None:
    """A numeric array for an attribute column (``None`` when it is not numeric)."""
    present = [v for v in values if v is not None]
    if not present or any(isinstance(v, bool) or not isinstance(v, (int, float, Decimal)) for v in present):
        return None
    if any(isinstance(v, Decimal) for v in present):
        return np.array([Decimal(0) if v is None else Decimal(v) for v in values], dtype=object)
    if all(isinstance(v, int) for v in present):
        return np.array([0 if v is None else v for v in values], dtype=np.int64)
    return np.array([0.0 if v is None else float(v) for v in values], dtype=np.float64)


def rollup(
    eco: Ecosystem,
    attrs: Iterable[str] | None = None,
    *,
    attach: str | None = None,
    attach_weight: str | None = "count",
    how: Mapping[str, str] | None = None,
) -> Rollup:
    """Count kinds and aggregate numeric attributes up the ``part_of`` hierarchy.

    Parameters
    ----------
    eco : Ecosystem
    attrs : iterable of str, optional
        Numeric attributes to roll up; by default every attribute that is numeric (int, float
        or Decimal, not bool) on the forest's nodes.
    attach : str, optional
        A relation type whose targets hang below the forest's nodes, e.g. ``"serves"``: the
        firms a centre serves. Adds ``<attach>_distinct`` (distinct targets in the subtree: a
        firm served by two centres of one district counts once for the district) and
        ``<attach>_<attach_weight>`` (the relation attribute summed over the subtree).
    attach_weight : str, optional
        Relation attribute summed for ``attach`` (``count`` by default; ``None`` to skip).
    how : mapping, optional
        attribute -> ``"sum"``, ``"mean"``, ``"min"``, ``"max"`` or ``"count"``; attributes
        not named follow :func:`aggregation` (years the earliest, shares the mean, the rest
        the sum).

    Returns
    -------
    Rollup

    Raises
    ------
    AnalysisError
        A requested attribute that is not numeric.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("n", kind="association"); eco.add_org("d", kind="district")
    >>> eco.add_org("c1", kind="productivity_center", staff=5)
    >>> eco.add_org("c2", kind="productivity_center", staff=7)
    >>> eco.add_relation("d", "n", "part_of")
    >>> eco.add_relation("c1", "d", "part_of"); eco.add_relation("c2", "d", "part_of")
    >>> eco.add_org("f"); eco.add_relation("c1", "f", "serves", count=3); eco.add_relation("c2", "f", "serves")
    >>> r = rollup(eco, attach="serves").to_dict()
    >>> r["n"]["n_productivity_center"], r["n"]["staff"], r["d"]["serves_distinct"], r["d"]["serves_count"]
    (2, 12, 1, 4.0)
    """
    nodes, parent, depth = _forest(eco)
    view = compiled(eco)
    records = [view.records[i] for i in view.positions(nodes).tolist()]
    kinds = [d["kind"] for d in records]
    kind_code, kind_values = codes(kinds)
    counts = {}
    for k, kind in enumerate(kind_values):
        own = (kind_code == k).astype(np.int64)
        counts[kind] = subtree_sum(parent, depth, own) - own
    if attrs is None:
        keys = sorted({a for d in records for a in d} - {"name", "kind", "sector"})
        requested = False
    else:
        keys, requested = list(attrs), True
    sums = {}
    rules: dict[str, str] = {}
    for attr in keys:
        raw = [d.get(attr) for d in records]
        column = _numeric_column(raw)
        if column is None:
            if requested:
                raise AnalysisError(f"rollup: attribute {attr!r} is not numeric on the hierarchy's nodes", field=attr)
            continue
        rules[attr] = aggregation(attr, how)
        present = np.array([v is not None for v in raw], dtype=bool)
        sums[attr] = subtree_aggregate(parent, depth, column, present, rules[attr])
    if attach is not None and nodes:
        attached = _attached(eco, nodes, parent, depth, attach, attach_weight)
        sums.update(attached)
        rules.update(dict.fromkeys(attached, "sum"))
    return Rollup(nodes, parent, depth, kinds, counts, sums, rules)


def _ancestors(parent: np.ndarray, depth: np.ndarray) -> sp.csr_array:
    """``U[a, c] = 1`` when ``a`` is ``c`` or one of its ancestors (forest positions)."""
    n = len(parent)
    kids = np.flatnonzero(parent >= 0)
    step = sp.csr_array((np.ones(len(kids)), (parent[kids], kids)), shape=(n, n))
    power = sp.identity(n, format="csr")
    total = power.copy()
    for _ in range(int(depth.max(initial=0))):  # one matrix product per tree level
        power = step @ power
        total = total + power
    return sp.csr_array(total)


def _attached(eco: Ecosystem, nodes: list[str], parent: np.ndarray, depth: np.ndarray, relation: str,
              weight: str | None) -> dict[str, np.ndarray]:
    """Distinct targets of ``relation`` from each subtree, and the summed ``weight``."""
    view = compiled(eco)
    everyone, edges = view.nodes, view.relation(relation)
    src, dst, data = edges.source, edges.target, edges.records
    forest_code = np.full(len(everyone), -1, dtype=np.int64)
    forest_code[view.positions(nodes)] = np.arange(len(nodes))
    keep = forest_code[src] >= 0
    values = np.ones(int(keep.sum()))
    if weight is not None:
        values = np.fromiter(map(methodcaller("get", weight, 1), compress(data, keep.tolist())), dtype=np.float64,
                             count=len(values))
    rows = sp.csr_array((values, (forest_code[src[keep]], dst[keep])), shape=(len(nodes), len(everyone)))
    up = _ancestors(parent, depth)
    binary = rows.copy()
    binary.data[:] = 1.0  # a relation with weight 0 still attaches its target
    reached = up @ binary
    out = {f"{relation}_distinct": np.diff(reached.indptr).astype(np.int64)}
    if weight is not None:
        out[f"{relation}_{weight}"] = up @ np.asarray(rows.sum(axis=1)).ravel()
    return out


# ---------------------------------------------------------------------------- balance
def gini(values: Sequence[float] | np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = all equal; 0 for an empty or all-zero list).

    Examples
    --------
    >>> gini([1, 1, 1]), round(gini([0, 0, 3]), 6)
    (0.0, 0.666667)
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.dot(ranks, x) / (n * total) - (n + 1) / n)


@dataclass(frozen=True)
class Balance(TableResult):
    """How even the units of one hierarchy level are.

    Attributes
    ----------
    level : str
        The kind of the units compared (e.g. ``district``).
    measure : str
        What was compared (``n_<kind>`` for a count, or an attribute name).
    sizes : dict
        unit -> value.
    min, max, mean, cv, gini : float
        Spread: coefficient of variation = population std / mean.
    """

    key = "unit"

    level: str
    measure: str
    sizes: dict[str, float]
    min: float
    max: float
    mean: float
    cv: float
    gini: float

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit: ``unit`` and its size under :attr:`measure`."""
        return [{"unit": u, self.measure: v} for u, v in self.sizes.items()]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def balance(eco: Ecosystem, level: str = "district", measure: str = "productivity_center") -> Balance:
    """Sizes and spread of the units of one hierarchy level.

    Parameters
    ----------
    eco : Ecosystem
    level : str
        Kind of the units compared (``district`` by default).
    measure : str
        A kind (count the descendants of that kind) or a numeric attribute (summed).

    Returns
    -------
    Balance
        Size of every unit, their minimum, maximum, mean and Gini coefficient.

    Raises
    ------
    AnalysisError
        No unit of that kind in the hierarchy, or an unknown measure.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> for d in ("d1", "d2"):
    ...     eco.add_org(d, kind="district")
    >>> for i, d in enumerate(["d1", "d1", "d1", "d2"]):
    ...     eco.add_org(f"c{i}", kind="productivity_center"); eco.add_relation(f"c{i}", d, "part_of")
    >>> b = balance(eco)
    >>> b.sizes, b.min, b.max, b.gini
    ({'d1': 3, 'd2': 1}, 1.0, 3.0, 0.25)
    """
    r = rollup(eco)
    picks = np.array([i for i, k in enumerate(r.kinds) if k == level], dtype=np.int64)
    if len(picks) == 0:
        raise AnalysisError(f"balance: no node of kind {level!r} in the part_of hierarchy", field="level", value=level)
    if measure in r.counts:
        values, label = r.counts[measure][picks], f"n_{measure}"
    elif measure in r.sums:
        values, label = r.sums[measure][picks], measure
    else:
        raise AnalysisError(
            f"balance: measure {measure!r} is neither a kind below {level!r} nor a numeric attribute; expected one "
            f"of {sorted(r.counts) + sorted(r.sums)}",
            field="measure",
            value=measure,
        )
    x = np.asarray(values, dtype=np.float64)
    mean = float(x.mean())
    return Balance(
        level=level,
        measure=label,
        sizes={r.nodes[i]: v.item() if hasattr(v, "item") else v for i, v in zip(picks, values)},
        min=float(x.min()),
        max=float(x.max()),
        mean=mean,
        cv=float(x.std() / mean) if mean else 0.0,
        gini=gini(x),
    )
