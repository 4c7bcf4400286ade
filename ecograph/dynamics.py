"""Ecosystems over time: what changed between two time points, and metrics per period.

:func:`changes` compares the snapshots ``eco.at(t0)`` and ``eco.at(t1)``: organisations that
entered and left (by kind and by sector), relations added and removed (by type), moves between
circle layers (from ring -> to ring, one rule for a member in several rings:
:meth:`ecograph.Ecosystem.rings`), chain members joining or leaving stages, association
members joining or leaving, and the growth (同比 when ``t1`` is a year after ``t0``) of the
counted attributes of service relations: relations, distinct clients (users), client groups
(SMEs, regions …) and every numeric attribute (count, revenue …).

:func:`panel` runs one analytic per period, on one compiled graph per period, and gives a tidy
``(period, id, value)`` table. Periods that fall in the same segment of the timeline share one
snapshot, and therefore its compiled graph and the metric's value (computed once).

Examples
--------
>>> import ecograph as eg
>>> eco = eg.Ecosystem()
>>> eco.add_org("p", "平台", kind="platform")
>>> eco.add_org("a", "甲", since=2010); eco.add_org("b", "乙", since=2011, kind="university")
>>> eco.add_relation("a", "p", "in_ring", ring="radiation", until=2011)
>>> eco.add_relation("a", "p", "in_ring", key="r2011", ring="collaboration", since=2011)
>>> c = eg.changes(eco, 2010, 2011)
>>> c.entered, c.ring_moves[0].from_ring, c.ring_moves[0].to_ring
(['b'], 'radiation', 'collaboration')
>>> [(r["aspect"], r["change"], r["group"], r["count"]) for r in c.rows() if r["aspect"] == "organisations"]
[('organisations', 'entered', 'kind=university', 1), ('organisations', 'entered', 'sector=academia', 1)]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from .compiled import compiled, index_of
from .errors import AnalysisError
from .matrix import compile
from .model import RINGS, Ecosystem
from .results import NodeValues, TableResult
from .timeline import TimePoint, time_key

__all__ = ["changes", "Changes", "RingMove", "Growth", "panel", "Panel", "PANEL_METRICS", "COUNTED_RELATIONS"]

#: Relation types whose attributes are counted by :func:`changes` (services, users, revenue).
COUNTED_RELATIONS: tuple[str, ...] = ("serves",)

#: Attributes never summed as counts (they are labels or time, not quantities).
_NOT_COUNTED = frozenset({"year", "since", "until", "capacity"})

ROW_COLUMNS: tuple[str, ...] = ("aspect", "change", "group", "from_ring", "to_ring", "count", "members",
                                "measure", "before", "after", "growth")


@dataclass(frozen=True)
class RingMove:
    """Members of ``platform`` that moved from one circle layer to another (``None`` = outside)."""

    platform: str
    from_ring: str | None
    to_ring: str | None
    members: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Growth:
    """One counted measure before and after, and its growth rate (``None`` when before is 0)."""

    group: str
    measure: str
    before: int | Decimal | float
    after: int | Decimal | float

    @property
    def rate(self) -> float | None:
        """``after / before - 1`` (0.74 = +74 %), computed exactly before the final rounding."""
        if not self.before:
            return None
        if isinstance(self.before, float) or isinstance(self.after, float):
            return self.after / self.before - 1
        return float(Decimal(self.after) / Decimal(self.before) - 1)


def _by(ids: Iterable[str], eco_of: Callable[[str], Mapping[str, Any]], attr: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for node in ids:
        table.setdefault(str(eco_of(node).get(attr)), []).append(node)
    return dict(sorted(table.items()))


@dataclass(frozen=True)
class Changes(TableResult):
    """What changed in an ecosystem between ``t0`` and ``t1`` (see :func:`changes`).

    Attributes
    ----------
    t0, t1 : int or date
    entered, left : list of str
        Organisations present at ``t1`` only / at ``t0`` only (in the ecosystem's order).
    entered_by, left_by : dict
        ``"kind=…"`` and ``"sector=…"`` -> the organisations of that group.
    added, removed : dict
        Relation type -> list of ``(source, target, key)``.
    ring_moves : list of RingMove
        Per platform and (from ring, to ring), ``None`` meaning outside the platform.
    ring_stays : list of RingMove
        Per platform and ring, the members in the same ring at both times (from ring = to ring).
    stage_joins, stage_leaves : dict
        ``(alliance, stage)`` -> members that joined / left that stage.
    association_joins, association_leaves : dict
        Association -> members that joined / left.
    growth : list of Growth
        Counted measures of service relations per ``relation type/service`` group.

    Examples
    --------
    >>> import ecograph as eg
    >>> eco = eg.Ecosystem(); eco.add_org("a", since=2010); eco.add_org("b", since=2011)
    >>> c = eg.changes(eco, 2010, 2011)
    >>> c.entered, c.left, c.entered_by["kind=enterprise"]
    (['b'], [], ['b'])
    """

    t0: TimePoint
    t1: TimePoint
    entered: list[str]
    left: list[str]
    entered_by: dict[str, list[str]]
    left_by: dict[str, list[str]]
    added: dict[str, list[tuple[str, str, str]]]
    removed: dict[str, list[tuple[str, str, str]]]
    ring_moves: list[RingMove]
    stage_joins: dict[tuple[str, str], list[str]]
    stage_leaves: dict[tuple[str, str], list[str]]
    association_joins: dict[str, list[str]]
    association_leaves: dict[str, list[str]]
    growth: list[Growth] = field(default_factory=list)
    ring_stays: list[RingMove] = field(default_factory=list)

    columns = ROW_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        """One tidy table: every change as a row (columns :data:`ROW_COLUMNS`, unused ones ``None``)."""
        out: list[dict[str, Any]] = []

        def add(aspect: str, change: str, group: str, members: Sequence[Any], **extra: Any) -> None:
            row = dict.fromkeys(ROW_COLUMNS)
            row.update(aspect=aspect, change=change, group=group, count=len(members), members=list(members), **extra)
            out.append(row)

        for change, table in (("entered", self.entered_by), ("left", self.left_by)):
            for group, ids in table.items():
                add("organisations", change, group, ids)
        for change, rels in (("added", self.added), ("removed", self.removed)):
            for rtype, triples in rels.items():
                add("relations", change, rtype, [list(t) for t in triples])
        for move in self.ring_moves:
            add("rings", "moved", move.platform, move.members, from_ring=move.from_ring, to_ring=move.to_ring)
        for stay in self.ring_stays:
            add("rings", "stayed", stay.platform, stay.members, from_ring=stay.from_ring, to_ring=stay.to_ring)
        for change, stages in (("joined", self.stage_joins), ("left", self.stage_leaves)):
            for (alliance, stage), ids in stages.items():
                add("stages", change, f"{alliance}/{stage}", ids)
        for change, assoc in (("joined", self.association_joins), ("left", self.association_leaves)):
            for association, ids in assoc.items():
                add("associations", change, association, ids)
        for g in self.growth:
            row = dict.fromkeys(ROW_COLUMNS)
            row.update(aspect="growth", change="growth", group=g.group, measure=g.measure,
                       before=g.before, after=g.after, growth=g.rate)
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"t0": self.t0, "t1": self.t1, "rows": self.rows()}

    def measure(self, group: str, measure: str) -> Growth:
        """The growth row of one group and measure.

        Raises
        ------
        KeyError
            No such row (the message lists the groups).
        """
        for g in self.growth:
            if (g.group, g.measure) == (group, measure):
                return g
        raise AnalysisError(f"changes: no measure {measure!r} for group {group!r}; groups: "
                            f"{sorted({g.group for g in self.growth})}", field="measure")

    def summary(self) -> dict[str, int]:
        """Counts per aspect: organisations entered/left, relations added/removed, ring moves …"""
        return {
            "entered": len(self.entered), "left": len(self.left),
            "relations_added": sum(map(len, self.added.values())),
            "relations_removed": sum(map(len, self.removed.values())),
            "ring_moves": sum(m.count for m in self.ring_moves if m.from_ring and m.to_ring),
            "ring_entries": sum(m.count for m in self.ring_moves if not m.from_ring),
            "ring_exits": sum(m.count for m in self.ring_moves if not m.to_ring),
            "stage_joins": sum(map(len, self.stage_joins.values())),
            "stage_leaves": sum(map(len, self.stage_leaves.values())),
            "association_joins": sum(map(len, self.association_joins.values())),
            "association_leaves": sum(map(len, self.association_leaves.values())),
        }


def changes(
    eco: Ecosystem,
    t0: TimePoint,
    t1: TimePoint,
    *,
    relations: str | Iterable[str] | None = None,
    by: str | None = "service",
    client_groups: Sequence[str] = ("sme", "region"),
) -> Changes:
    """What changed between ``t0`` and ``t1`` (two years or dates).

    Parameters
    ----------
    eco : Ecosystem
    t0, t1 : int or datetime.date
        The two time points (``eco.at(t0)`` and ``eco.at(t1)`` are compared).
    relations : str or iterable of str, optional
        Relation types whose attributes are counted for the growth rows; by default the
        ecosystem's attribute ``counted_relations``, else :data:`COUNTED_RELATIONS`.
    by : str or None
        Relation attribute that splits the counted relations into groups (``service``: e.g.
        高新技术企业认定 vs 研发费用加计扣除); every type also gets its total (group = the type).
    client_groups : sequence of str
        Client (target) attributes broken down in the client counts: a boolean attribute counts
        the clients where it is true (``clients.sme``), any other value counts per value
        (``clients.region=上海``).

    Returns
    -------
    Changes

    Raises
    ------
    TimeIntervalError
        ``t0`` or ``t1`` is not a year or a date.
    AnalysisError
        ``t1`` is not after ``t0``.

    Examples
    --------
    >>> from ecograph import Ecosystem, changes
    >>> eco = Ecosystem(); eco.add_org("p", kind="service_org", since=2010)
    >>> eco.add_org("a", since=2010); eco.add_org("b", since=2011)
    >>> eco.add_relation("p", "a", "serves", since=2010, count=3)
    >>> eco.add_relation("p", "b", "serves", since=2011, count=5)
    >>> ch = changes(eco, 2010, 2011)
    >>> ch.entered, [(g.measure, g.before, g.after) for g in ch.growth if g.group == "serves"]
    (['b'], [('relations', 1, 2), ('count', 3, 8), ('clients', 1, 2)])
    """
    if time_key(t1, "changes", "t1") <= time_key(t0, "changes", "t0"):
        raise AnalysisError(f"changes: t1 {t1!r} must come after t0 {t0!r}", field="t1")
    before, after = eco.at(t0), eco.at(t1)
    record = compiled(eco).record  # the full record, whichever snapshot has it
    entered = [n for n in after if n not in before]
    left = [n for n in before if n not in after]
    edges0, edges1 = _edge_types(before), _edge_types(after)
    added: dict[str, list[tuple[str, str, str]]] = {}
    removed: dict[str, list[tuple[str, str, str]]] = {}
    for e, t in edges1.items():
        if e not in edges0:
            added.setdefault(t, []).append(e)
    for e, t in edges0.items():
        if e not in edges1:
            removed.setdefault(t, []).append(e)
    stage_joins, stage_leaves = _stage_changes(before, after)
    moves, stays = _ring_moves(before, after)
    assoc_joins, assoc_leaves = _association_changes(before, after)
    if relations is None:
        relations = eco.attrs.get("counted_relations", COUNTED_RELATIONS)
    types = (relations,) if isinstance(relations, str) else tuple(relations)
    return Changes(
        t0, t1, entered, left,
        _grouped(entered, record), _grouped(left, record),
        dict(sorted(added.items())), dict(sorted(removed.items())),
        moves, stage_joins, stage_leaves, assoc_joins, assoc_leaves,
        _growth(before, after, types, by, client_groups), stays,
    )


def _prefixed(table: dict[str, list[str]], name: str) -> dict[str, list[str]]:
    return {f"{name}={k}": v for k, v in table.items()}


def _grouped(ids: list[str], record: Callable[[str], Mapping[str, Any]]) -> dict[str, list[str]]:
    return {**_prefixed(_by(ids, record, "kind"), "kind"), **_prefixed(_by(ids, record, "sector"), "sector")}


def _edge_types(eco: Ecosystem) -> dict[tuple[str, str, str], str]:
    return {(u, v, k): d["type"] for u, v, k, d in eco.relations()}


def _ring_moves(before: Ecosystem, after: Ecosystem) -> tuple[list[RingMove], list[RingMove]]:
    moves: list[RingMove] = []
    stays: list[RingMove] = []
    for platform in dict.fromkeys([*before.platforms(), *after.platforms()]):
        rings = []
        for snap in (before, after):
            layers = snap.rings(platform) if platform in snap else {}
            rings.append({m: ring for ring, members in layers.items() for m in members})
        grouped: dict[tuple[str | None, str | None], list[str]] = {}
        for member in dict.fromkeys([*rings[0], *rings[1]]):
            grouped.setdefault((rings[0].get(member), rings[1].get(member)), []).append(member)
        order = index_of(RINGS)
        for (was, now), members in sorted(grouped.items(), key=lambda kv: (order.get(kv[0][0], -1), order.get(kv[0][1], 9))):
            (moves if was != now else stays).append(RingMove(platform, was, now, tuple(members)))
    return moves, stays


def _stage_changes(before: Ecosystem, after: Ecosystem) -> tuple[dict, dict]:
    joins: dict[tuple[str, str], list[str]] = {}
    leaves: dict[tuple[str, str], list[str]] = {}
    for alliance in dict.fromkeys([*before.alliances(), *after.alliances()]):
        tables = [snap.chain(alliance).by_stage if alliance in snap else {} for snap in (before, after)]
        for stage in dict.fromkeys([*tables[0], *tables[1]]):
            was, now = tables[0].get(stage, []), tables[1].get(stage, [])
            if joined := [m for m in now if m not in was]:
                joins[(alliance, stage)] = joined
            if gone := [m for m in was if m not in now]:
                leaves[(alliance, stage)] = gone
    return joins, leaves


def _association_changes(before: Ecosystem, after: Ecosystem) -> tuple[dict, dict]:
    from .model import MEMBERSHIP_KINDS

    joins: dict[str, list[str]] = {}
    leaves: dict[str, list[str]] = {}
    for assoc in dict.fromkeys([*before.nodes(MEMBERSHIP_KINDS), *after.nodes(MEMBERSHIP_KINDS)]):
        was = before.members(assoc) if assoc in before else []
        now = after.members(assoc) if assoc in after else []
        now_set, was_set = set(now), set(was)
        if joined := [m for m in dict.fromkeys(now) if m not in was_set]:
            joins[assoc] = joined
        if gone := [m for m in dict.fromkeys(was) if m not in now_set]:
            leaves[assoc] = gone
    return joins, leaves


def _counts(eco: Ecosystem, types: tuple[str, ...], by: str | None, client_groups: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Group -> measure -> value over the counted relations of one snapshot."""
    sums: dict[str, dict[str, Any]] = {}
    clients: dict[str, dict[str, None]] = {}
    for u, v, _k, d in eco.relations(types):
        groups = [d["type"]] + ([f"{d['type']}/{d[by]}"] if by is not None and by in d else [])
        for group in groups:
            table = sums.setdefault(group, {"relations": 0})
            table["relations"] += 1
            clients.setdefault(group, {})[v] = None
            for name, value in d.items():
                if name not in _NOT_COUNTED and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    table[name] = table.get(name, 0) + value
    record = compiled(eco).record
    for group, who in clients.items():
        table = sums[group]
        table["clients"] = len(who)
        for attr in client_groups:
            for client in who:
                value = record(client).get(attr)
                if value is None or value is False:
                    continue
                measure = f"clients.{attr}" if value is True else f"clients.{attr}={value}"
                table[measure] = table.get(measure, 0) + 1
    return sums


def _growth(before: Ecosystem, after: Ecosystem, types: tuple[str, ...], by: str | None,
            client_groups: Sequence[str]) -> list[Growth]:
    was, now = _counts(before, types, by, client_groups), _counts(after, types, by, client_groups)
    rows: list[Growth] = []
    for group in sorted({*was, *now}):
        a, b = was.get(group, {}), now.get(group, {})
        for measure in dict.fromkeys([*a, *b]):
            rows.append(Growth(group, measure, a.get(measure, 0), b.get(measure, 0)))
    return rows


# ---------------------------------------------------------------------------- panels
def _density(G: Any, relations: Any = None) -> float:
    g = compile(G, relations=relations)
    n = g.n
    if n < 2:
        return 0.0
    off = g.nnz - int(np.count_nonzero(g.diagonal()))
    return off / (n * (n - 1))


def _components(G: Any, relations: Any = None) -> int:
    from scipy.sparse.csgraph import connected_components

    g = compile(G, relations=relations)
    return int(connected_components(g.matrix, directed=g.directed, connection="weak")[0]) if g.n else 0


def _helix(G: Ecosystem, **kwargs: Any) -> float:
    from .helix import triple_helix

    return triple_helix(G, **kwargs).T


def _coverage(G: Any, sources: Any, population: Any, hops: int, **kwargs: Any) -> float:
    from .reachability import coverage
    from .rings import select

    if callable(sources):
        sources = sources(G)
    sources = [s for s in sources if s in G]
    population = select(G, population) if isinstance(population, Mapping) else [p for p in population if p in G]
    if not population:
        return 0.0
    table = coverage(G, sources, population, hops, **kwargs) if sources else [{"share": 0.0}]
    return float(table[-1]["share"])


def _brokerage(G: Any, by: Any, role: str = "total", **kwargs: Any) -> NodeValues:
    from .brokers import brokerage

    return brokerage(G, by, **kwargs)[role]


def _analytic(name: str) -> Callable[..., Any]:
    import ecograph

    return getattr(ecograph, name)


#: Metric name -> function of a snapshot (per-node metrics return NodeValues, network measures a number).
PANEL_METRICS: dict[str, Callable[..., Any]] = {
    **{name: (lambda G, _n=name, **kw: _analytic(_n)(G, **kw))
       for name in ("degree", "pagerank", "eigenvector", "katz", "closeness", "harmonic", "betweenness",
                    "reach", "core_number", "onion_layers", "constraint", "effective_size")},
    "brokerage": _brokerage,
    "density": _density,
    "components": _components,
    "triple_helix": _helix,
    "coverage": _coverage,
}


@dataclass(frozen=True)
class Panel(TableResult):
    """A metric per period: tidy rows ``(period, id, value)`` (``id`` is ``None`` for network measures).

    Attributes
    ----------
    metric : str
    periods : list
    values : dict
        period -> NodeValues (per-node metrics) or a number (network measures).
    computed : int
        How many times the metric actually ran (periods sharing a snapshot share one run).

    Examples
    --------
    >>> import ecograph as eg
    >>> eco = eg.Ecosystem(); eco.add_org("a", since=2010); eco.add_org("b", since=2011)
    >>> eco.add_relation("a", "b", "collaborates", since=2011)
    >>> p = eg.panel(eco, [2010, 2011], "degree")
    >>> p.rows()[-1]
    {'period': 2011, 'id': 'b', 'value': 1.0}
    """

    metric: str
    periods: list[TimePoint]
    values: dict[Any, Any]
    computed: int

    columns = ("period", "id", "value")

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for period in self.periods:
            value = self.values[period]
            if isinstance(value, Mapping):
                out.extend({"period": period, "id": node, "value": v} for node, v in value.items())
            else:
                out.append({"period": period, "id": None, "value": value})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "periods": list(self.periods), "rows": self.rows()}

    def series(self, id: Hashable | None = None) -> list[tuple[TimePoint, Any]]:
        """``(period, value)`` of one organisation (``None`` where absent), or of the network measure."""
        out = []
        for period in self.periods:
            value = self.values[period]
            out.append((period, value.get(id) if isinstance(value, Mapping) else value))
        return out

    def top(self, k: int = 5, period: TimePoint | None = None) -> list[Hashable]:
        """The ``k`` organisations with the largest value in ``period`` (the last one by default)."""
        value = self.values[self.periods[-1] if period is None else period]
        if not isinstance(value, NodeValues):
            raise AnalysisError(f"panel: {self.metric} is a network measure; it has no top organisations", field="metric")
        return [node for node, _ in value.top(k)]


def panel(eco: Ecosystem, periods: Sequence[TimePoint] | None, metric: str | Callable[..., Any], **kwargs: Any) -> Panel:
    """Run ``metric`` on ``eco.at(period)`` for every period.

    Parameters
    ----------
    eco : Ecosystem
    periods : sequence of int or date, or None
        ``None`` means :meth:`Ecosystem.periods`.
    metric : str or callable
        A name of :data:`PANEL_METRICS` (per-node: ``pagerank``, ``betweenness``, ``reach``,
        ``brokerage`` …; network: ``density``, ``components``, ``triple_helix``, ``coverage``) or
        a function ``f(snapshot, **kwargs)`` returning NodeValues, a mapping or a number.
    **kwargs
        Passed to the metric (e.g. ``sources=`` for reach, ``by=`` for brokerage).

    Returns
    -------
    Panel

    Raises
    ------
    AnalysisError
        Unknown metric name, or no periods.

    Examples
    --------
    >>> import ecograph as eg
    >>> eco = eg.Ecosystem()
    >>> eco.add_org("a"); eco.add_org("b"); eco.add_org("c", since=2011)
    >>> eco.add_relation("a", "b", "collaborates"); eco.add_relation("b", "c", "collaborates")
    >>> p = eg.panel(eco, [2010, 2011, 2012], "density")
    >>> [(r["period"], round(r["value"], 3)) for r in p.rows()], p.computed
    ([(2010, 1.0), (2011, 0.667), (2012, 0.667)], 2)
    """
    if isinstance(metric, str):
        function = PANEL_METRICS.get(metric)
        if function is None:
            raise AnalysisError(f"panel: unknown metric {metric!r}; expected one of {sorted(PANEL_METRICS)} "
                                "or a function of a snapshot", field="metric", value=metric)
        name = metric
    else:
        function, name = metric, getattr(metric, "__name__", "metric")
    periods = list(eco.periods() if periods is None else periods)
    if not periods:
        raise AnalysisError("panel: no periods (give periods= or an ecosystem with periods)", field="periods")
    try:
        key: Hashable = ("ecograph.panel", name if isinstance(metric, str) else metric, _freeze(kwargs))
        hash(key)
    except TypeError:
        key = None
    values: dict[Any, Any] = {}
    runs = [0]

    def run(snap: Ecosystem) -> Any:
        runs[0] += 1
        return function(snap, **kwargs)

    for period in periods:
        snap = eco.at(period)
        values[period] = run(snap) if key is None else snap.cached(key, lambda s=snap: run(s))
    return Panel(name, periods, values, runs[0])


def _freeze(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    return value
