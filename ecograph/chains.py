"""Chain alliances (链式平台/联盟): coverage of the chain, its weak points, request routing.

An alliance declares its ordered ``stages`` (e.g. the biopharma chain discovery → screening →
pharmacology → clinical → process → pilot scale-up → registration → production → market); its
members join with ``chain_member`` relations naming the stages they cover, a ``capacity`` and a
``role`` (one ``anchor``, the 依托单位, the others ``member``).

- :func:`chain_coverage` — members, capacity and demand per stage; gaps (no member),
  single points of failure (one member), bottlenecks (highest demand / capacity);
- :func:`anchor_position` — how central the anchor unit is among the members (betweenness and
  Gould–Fernandez brokerage across stages);
- :func:`decompose_request` / :class:`ChainRouter` — split a client request into one task per
  stage, each routed to a member of that stage (任务分解);
- :func:`strengthen_chain` — 强链补链延链: ranked organisations from the wider ecosystem to fill a
  gap or back up a single point of failure.

Capacity and demand share one unit (services per period). A member covering several stages
shares its capacity equally among them; members without a ``capacity`` add nothing to a
stage's capacity.

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem()
>>> eco.add_org("a", kind="alliance", stages=["discovery", "clinical", "market"])
>>> eco.add_org("x", kind="research_institute"); eco.add_org("y")
>>> eco.add_relation("x", "a", "chain_member", stages=["discovery"], capacity=10, role="anchor")
>>> eco.add_relation("y", "a", "chain_member", stages=["clinical"], capacity=4)
>>> cov = chain_coverage(eco, "a")
>>> cov.gaps, cov.single_points
(['market'], ['discovery', 'clinical'])
>>> decompose_request(eco, "a", ["discovery", "market"]).unserved
{'market': 'no member covers this stage'}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .compiled import compiled, index_of
from .errors import AnalysisError, UnservableRequestError
from .labels import plural
from .matrix import compile
from .results import TableResult
from .rings import induced

if TYPE_CHECKING:  # pragma: no cover
    from .model import Chain, Ecosystem

__all__ = [
    "BINDING_SHARE",
    "demand_period",
    "StageCoverage",
    "ChainCoverage",
    "AnchorPosition",
    "AnchorFunding",
    "Task",
    "Decomposition",
    "ChainRouter",
    "Candidate",
    "Strengthening",
    "chain_coverage",
    "anchor_position",
    "anchor_funding",
    "decompose_request",
    "strengthen_chain",
]

#: Relations through which organisations work with each other along a chain.
WORK_RELATIONS: tuple[str, ...] = ("serves", "collaborates")

#: Kinds that are structures rather than possible chain members.
_STRUCTURAL_KINDS = frozenset({"platform", "alliance", "district", "association", "society", "government"})


# ---------------------------------------------------------------------------- coverage
@dataclass(frozen=True)
class StageCoverage:
    """One stage of a chain.

    Attributes
    ----------
    stage : str
    members : list of str
        Members covering the stage.
    capacity : float
        Sum of the members' capacity shares (a member's capacity split equally over its stages).
    demand : float
    load : float
        ``demand / capacity``; ``inf`` when there is demand but no capacity, 0 without demand.
    """

    stage: str
    members: list[str]
    capacity: float
    demand: float
    load: float

    @property
    def gap(self) -> bool:
        return not self.members

    @property
    def single_point(self) -> bool:
        return len(self.members) == 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "members": list(self.members),
            "n_members": len(self.members),
            "capacity": self.capacity,
            "demand": self.demand,
            "load": self.load,
            "gap": self.gap,
            "single_point": self.single_point,
        }


#: An overloaded stage is a bottleneck when its load is at least this share of the highest load.
BINDING_SHARE = 0.75


@dataclass(frozen=True)
class ChainCoverage(TableResult):
    """Coverage of an alliance's chain, stage by stage (in chain order).

    Attributes
    ----------
    alliance, anchor : str
    stages : list of StageCoverage
    period : dict
        The filter on the ``serves`` relations the demand was counted from (e.g.
        ``{"year": 2011}``); empty when demand was given or counted from every relation.
    """

    key = "stage"

    alliance: str
    anchor: str | None
    stages: list[StageCoverage]
    period: dict[str, Any] = field(default_factory=dict)

    @property
    def gaps(self) -> list[str]:
        """Stages no member covers."""
        return [s.stage for s in self.stages if s.gap]

    @property
    def single_points(self) -> list[str]:
        """Stages covered by exactly one member (its failure breaks the chain)."""
        return [s.stage for s in self.stages if s.single_point]

    @property
    def by_load(self) -> list[str]:
        """Stages with demand, by decreasing load (demand / capacity); ties keep chain order."""
        loaded = [s for s in self.stages if s.demand > 0]
        return [s.stage for s in sorted(loaded, key=lambda s: -s.load)]

    @property
    def bottlenecks(self) -> list[str]:
        """The stages that limit the chain (瓶颈), by decreasing load: demand exceeds capacity
        (load >= 1) and the load is at least :data:`BINDING_SHARE` of the highest load.

        When every stage is overloaded, naming them all says nothing; the bottlenecks are the
        ones that bind most. This is the one rule the report, the chain diagram and the
        examples use.
        """
        loaded = [self.stage(name) for name in self.by_load]
        overloaded = [s for s in loaded if s.load >= 1.0]
        if not overloaded:
            return []
        top = overloaded[0].load
        return [s.stage for s in overloaded if s.load >= BINDING_SHARE * top]

    def stage(self, name: str) -> StageCoverage:
        for s in self.stages:
            if s.stage == name:
                return s
        raise AnalysisError(f"alliance {self.alliance!r} has no stage {name!r}", field="stage", value=name)

    def rows(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.stages]

    def to_dict(self) -> dict[str, Any]:
        return {
            "alliance": self.alliance,
            "anchor": self.anchor,
            "stages": self.rows(),
            "gaps": self.gaps,
            "single_points": self.single_points,
            "bottlenecks": self.bottlenecks,
            "period": dict(self.period),
        }


def stage_demand(eco: Ecosystem, chain: Chain, services: Mapping[str, Any] | None = None) -> dict[str, float]:
    """Service volume per stage from the members' ``serves`` relations.

    Each relation weighs its ``count`` (1 when absent). It goes to the stage its ``service``
    names when that is a stage of the chain; otherwise it is shared equally among the stages
    the member covers. ``services`` keeps only relations whose attributes match (e.g.
    ``{"year": 2010}``).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["s1", "s2"]); eco.add_org("m"); eco.add_org("c")
    >>> eco.add_relation("m", "a", "chain_member", stages=["s1", "s2"])
    >>> eco.add_relation("m", "c", "serves", count=4)
    >>> stage_demand(eco, eco.chain("a"))
    {'s1': 2.0, 's2': 2.0}
    """
    demand = dict.fromkeys(chain.stages, 0.0)
    wanted = dict(services or {})
    view = compiled(eco)
    serves = view.relation("serves")
    for member, stages in chain.members.items():
        for e in np.flatnonzero(serves.source == view.index[member]).tolist():
            d = serves.records[e]
            if any(d.get(k) != v for k, v in wanted.items()):
                continue
            volume = float(d.get("count", 1))
            if d.get("service") in demand:
                demand[d["service"]] += volume
            else:
                for stage in stages:
                    demand[stage] += volume / len(stages)
    return demand


def demand_period(eco: Ecosystem, chain: Chain) -> dict[str, Any]:
    """The period whose services count as demand by default: the latest ``year`` on the
    members' ``serves`` relations (``{}`` when none carries a year).

    Loads compare one period's demand with capacity, so years are never added together.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["s"]); eco.add_org("m"); eco.add_org("c")
    >>> eco.add_relation("m", "a", "chain_member", stages=["s"])
    >>> eco.add_relation("m", "c", "serves", key="y1", year=2010); eco.add_relation("m", "c", "serves", key="y2", year=2011)
    >>> demand_period(eco, eco.chain("a"))
    {'year': 2011}
    """
    view = compiled(eco)
    serves = view.relation("serves")
    by_members = np.flatnonzero(np.isin(serves.source, view.positions(chain.members)))
    years = [year for i in by_members.tolist() if (year := serves.records[i].get("year")) is not None]
    return {"year": max(years)} if years else {}


def chain_coverage(
    eco: Ecosystem,
    alliance: str,
    demand: Mapping[str, float] | None = None,
    services: Mapping[str, Any] | None = None,
) -> ChainCoverage:
    """Members, capacity, demand and load per stage of a chain alliance.

    Parameters
    ----------
    eco : Ecosystem
    alliance : str
    demand : mapping, optional
        stage -> demand. By default the service volume recorded on the members' ``serves``
        relations (see :func:`stage_demand`).
    services : mapping, optional
        Attribute filter on those relations (e.g. ``{"year": 2010}``); by default the latest
        year (:func:`demand_period`), so one period's demand meets the capacity.

    Returns
    -------
    ChainCoverage

    Raises
    ------
    NodeNotFoundError, EndpointKindError
        ``alliance`` is not an alliance of ``eco``.
    AnalysisError
        ``demand`` names a stage the alliance does not declare.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["s1", "s2"])
    >>> eco.add_org("m"); eco.add_relation("m", "a", "chain_member", stages=["s1", "s2"], capacity=6)
    >>> cov = chain_coverage(eco, "a", demand={"s1": 6})
    >>> [(s.stage, s.capacity, s.load) for s in cov.stages]
    [('s1', 3.0, 2.0), ('s2', 3.0, 0.0)]
    """
    chain = eco.chain(alliance)
    period: dict[str, Any] = {}
    if demand is None:
        period = dict(services) if services is not None else demand_period(eco, chain)
        wanted = stage_demand(eco, chain, period)
    else:
        unknown = sorted(set(demand) - set(chain.stages))
        if unknown:
            raise AnalysisError(
                f"chain_coverage: demand names stage(s) {unknown} that alliance {alliance!r} does not declare; "
                f"expected some of {list(chain.stages)}",
                field="demand",
                value=unknown[0],
            )
        wanted = {s: float(demand.get(s, 0.0)) for s in chain.stages}
    capacity = dict.fromkeys(chain.stages, 0.0)
    for member, stages in chain.members.items():
        cap = chain.capacity.get(member)
        if cap is not None and stages:
            for stage in stages:
                capacity[stage] += cap / len(stages)
    rows = []
    for stage, members in chain.by_stage.items():
        need, cap = wanted[stage], capacity[stage]
        load = need / cap if cap > 0 else (math.inf if need > 0 else 0.0)
        rows.append(StageCoverage(stage, members, cap, need, load))
    return ChainCoverage(alliance, chain.anchor, rows, period)


# ---------------------------------------------------------------------------- anchor position
@dataclass(frozen=True)
class AnchorPosition(TableResult):
    """How central the anchor unit (依托单位) is among the alliance members.

    Attributes
    ----------
    alliance, anchor : str
    betweenness : dict
        member -> normalised betweenness in the working network.
    rank : int
        The anchor's rank by betweenness among the members (1 = most central; ties share the
        better rank).
    roles : dict
        The anchor's Gould–Fernandez brokerage counts with members grouped by their first
        stage and non-members in one outside group (each unordered two-path once).
    cross_stage : float
        Open two-paths through the anchor whose ends lie in different groups (two stages, or
        a stage and an outside partner): representative + gatekeeper + liaison.
    """

    key = "member"

    alliance: str
    anchor: str
    betweenness: dict[str, float]
    rank: int
    roles: dict[str, float]
    cross_stage: float

    def rows(self) -> list[dict[str, Any]]:
        """One row per member: ``member`` and its ``betweenness``."""
        return [{"member": m, "betweenness": b} for m, b in self.betweenness.items()]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AnchorFunding(TableResult):
    """Money through the anchor unit: what it receives and what it passes on to the members.

    Attributes
    ----------
    alliance, anchor : str
    received : int or Decimal
        Sum of the ``amount`` of the ``funds`` relations into the anchor (in the data's unit).
    passed : list of dict
        One row per ``funds`` relation from the anchor to a member: ``member``, ``name``,
        ``amount``, ``year`` and ``performance`` (as recorded; ``None`` when missing).
    """

    key = "member"

    alliance: str
    anchor: str
    received: Any
    passed: list[dict[str, Any]]

    @property
    def passed_total(self) -> Any:
        """Sum of the amounts passed on."""
        return sum(row["amount"] for row in self.passed)

    def rows(self) -> list[dict[str, Any]]:
        """One row per amount passed on (see :attr:`passed`)."""
        return list(self.passed)


def anchor_funding(eco: Ecosystem, alliance: str) -> AnchorFunding:
    """The ``funds`` relations into the anchor unit of ``alliance`` and from it to the members
    (依托单位 passing government money on by service performance).

    Parameters
    ----------
    eco : Ecosystem
    alliance : str
        A chain alliance with an anchor unit.

    Returns
    -------
    AnchorFunding

    Raises
    ------
    AnalysisError
        The alliance has no anchor unit.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["s"]); eco.add_org("g", kind="government")
    >>> eco.add_org("x", "甲"); eco.add_org("y", "乙")
    >>> eco.add_relation("x", "a", "chain_member", role="anchor", stages=["s"])
    >>> eco.add_relation("y", "a", "chain_member", stages=["s"])
    >>> eco.add_relation("g", "x", "funds", amount=100); eco.add_relation("x", "y", "funds", amount=60)
    >>> f = anchor_funding(eco, "a"); f.received, f.passed_total, [r["name"] for r in f.rows()]
    (100, 60, ['乙'])
    """
    chain = eco.chain(alliance)
    if chain.anchor is None:
        raise AnalysisError(f"anchor_funding: alliance {alliance!r} has no anchor unit (role='anchor')",
                            field="role", id=alliance)
    received = sum(d.get("amount") or 0 for _u, v, _k, d in eco.relations("funds") if v == chain.anchor)
    passed = [{"member": v, "name": eco.node(v)["name"], "amount": d.get("amount") or 0, "year": d.get("year"),
               "performance": d.get("performance")}
              for u, v, _k, d in eco.relations("funds") if u == chain.anchor and v in chain.members]
    return AnchorFunding(alliance, chain.anchor, received, passed)


def anchor_position(eco: Ecosystem, alliance: str, relations: Sequence[str] = WORK_RELATIONS) -> AnchorPosition:
    """Betweenness and brokerage of the anchor unit in the alliance's working network.

    The working network is the undirected view of ``relations`` among the members and the
    organisations tied to at least two members (shared clients and partners, through whom
    members reach each other). Members are grouped by the first stage they cover
    (``"(none)"`` without stages), other organisations form the group ``"(outside)"``.

    Parameters
    ----------
    eco : Ecosystem
    alliance : str
        Id of the chain alliance.
    relations : sequence of str
        Relation types of the working network.

    Returns
    -------
    AnchorPosition
        The anchor's betweenness, its rank among the members, its brokerage roles and the
        share of its brokerage that crosses stages.

    Raises
    ------
    AnalysisError
        The alliance has no anchor unit.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["s1", "s2", "s3"])
    >>> for m, st, role in [("x", "s1", "member"), ("hub", "s2", "anchor"), ("z", "s3", "member")]:
    ...     eco.add_org(m); eco.add_relation(m, "a", "chain_member", stages=[st], role=role)
    >>> eco.add_relation("x", "hub", "collaborates"); eco.add_relation("hub", "z", "collaborates")
    >>> pos = anchor_position(eco, "a")
    >>> pos.rank, pos.betweenness["hub"], pos.cross_stage
    (1, 1.0, 1.0)
    """
    from .brokers import brokerage
    from .centrality import betweenness

    chain = eco.chain(alliance)
    if chain.anchor is None:
        raise AnalysisError(f"anchor_position: alliance {alliance!r} has no anchor unit (role='anchor')",
                            id=alliance, field="role")
    members = list(chain.members)
    graph = compile(eco, relations=list(relations), directed=False)
    member_pos = graph.positions(members)
    ties = graph.matrix.copy()
    ties.data[:] = 1.0
    indicator = np.zeros(graph.n)
    indicator[member_pos] = 1.0
    shared = np.flatnonzero(ties @ indicator >= 2)
    shared = shared[~np.isin(shared, member_pos)]
    network = induced(graph, np.concatenate([member_pos, shared]))
    nodes = network.nodes
    between = betweenness(network).array[: len(members)]
    anchor_at = members.index(chain.anchor)
    groups = {node: "(outside)" for node in nodes[len(members):]}
    groups.update({m: (stages[0] if stages else "(none)") for m, stages in chain.members.items()})
    roles = brokerage(network, groups, ordered=False)
    anchor_roles = {role: float(roles[role].array[anchor_at]) for role in
                    ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")}
    return AnchorPosition(
        alliance,
        chain.anchor,
        dict(zip(members, between.tolist())),
        int((between > between[anchor_at]).sum()) + 1,
        anchor_roles,
        anchor_roles["representative"] + anchor_roles["gatekeeper"] + anchor_roles["liaison"],
    )


# ---------------------------------------------------------------------------- request decomposition
@dataclass(frozen=True)
class Task:
    """One stage of a request, assigned to one member."""

    stage: str
    member: str
    load: int
    capacity: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "member": self.member, "load": self.load, "capacity": self.capacity}


@dataclass(frozen=True)
class Decomposition(TableResult):
    """A client request split into tasks (任务分解).

    Attributes
    ----------
    alliance : str
    request : list of str
        The stages asked for, in chain order (unknown stages last, as given).
    tasks : list of Task
        One per servable stage; ``load`` is the member's load after taking the task.
    unserved : dict
        stage -> why it cannot be served (not a stage of the alliance, no member, all members
        at capacity).
    """

    columns = ('stage', 'member', 'load', 'capacity')

    alliance: str
    request: list[str]
    tasks: list[Task]
    unserved: dict[str, str] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return not self.unserved

    def assignment(self) -> dict[str, str]:
        """stage -> member."""
        return {t.stage: t.member for t in self.tasks}

    def rows(self) -> list[dict[str, Any]]:
        """One row per task (stage, member, load, capacity)."""
        return [t.to_dict() for t in self.tasks]

    def to_dict(self) -> dict[str, Any]:
        return {
            "alliance": self.alliance,
            "request": list(self.request),
            "tasks": [t.to_dict() for t in self.tasks],
            "unserved": dict(self.unserved),
            "feasible": self.feasible,
        }


def service_performance(eco: Ecosystem, members: Iterable[str], attribute: str | None = None) -> dict[str, float]:
    """Service performance per member: the node attribute ``attribute`` when given (0 where
    missing), else the member's recorded service volume (sum of ``count``, 1 when absent, over
    its outgoing ``serves`` relations).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("m", score=7); eco.add_org("c")
    >>> eco.add_relation("m", "c", "serves", count=3)
    >>> service_performance(eco, ["m"]), service_performance(eco, ["m"], "score")
    ({'m': 3.0}, {'m': 7.0})
    """
    view = compiled(eco)
    members = list(members)
    positions = view.positions(members, "member")
    if attribute is not None:
        column = view.column(attribute)
        return {m: float(column[p] or 0) for m, p in zip(members, positions.tolist())}
    serves = view.relation("serves")
    volume = np.bincount(serves.source, weights=np.asarray(serves.column("count", 1), dtype=np.float64),
                         minlength=len(view))
    return {m: float(volume[p]) for m, p in zip(members, positions.tolist())}


class ChainRouter:
    """Routes client requests to alliance members, keeping each member's load across requests.

    Each requested stage goes to the member of that stage with the lowest utilisation after
    taking the task, ``(load + 1) / capacity`` (a member without a declared capacity counts as
    capacity 1 and is never full); ties go to the better service performance, then to the
    member listed first. A member whose load has reached its capacity takes no more tasks.

    Parameters
    ----------
    eco : Ecosystem
    alliance : str
    performance : mapping or str, optional
        member -> performance score, or the name of a node attribute holding it; by default the
        members' recorded service volume (:func:`service_performance`).
    load : mapping, optional
        Initial load per member (0 by default).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["screen"])
    >>> for m, cap in [("big", 4), ("small", 2)]:
    ...     eco.add_org(m); eco.add_relation(m, "a", "chain_member", stages=["screen"], capacity=cap)
    >>> router = ChainRouter(eco, "a")
    >>> [router.route(["screen"]).tasks[0].member for _ in range(6)]
    ['big', 'big', 'small', 'big', 'big', 'small']
    >>> router.route(["screen"]).unserved
    {'screen': 'all 2 members covering this stage are at capacity'}
    """

    def __init__(
        self,
        eco: Ecosystem,
        alliance: str,
        performance: Mapping[str, float] | str | None = None,
        load: Mapping[str, int] | None = None,
    ) -> None:
        self.chain = eco.chain(alliance)
        members = list(self.chain.members)
        if performance is None or isinstance(performance, str):
            self.performance = service_performance(eco, members, performance)
        else:
            self.performance = {m: float(performance.get(m, 0.0)) for m in members}
        self.load: dict[str, int] = {m: 0 for m in members}
        for m, value in (load or {}).items():
            if m not in self.load:
                raise AnalysisError(f"ChainRouter: {m!r} is not a member of alliance {alliance!r}", id=m, field="load")
            self.load[m] = int(value)
        self._by_stage = self.chain.by_stage

    def route(self, stages: Iterable[str], *, strict: bool = False) -> Decomposition:
        """Split one request into tasks and update the loads.

        Parameters
        ----------
        stages : iterable of str
            The stages the client needs (repeats are served once).
        strict : bool
            Raise instead of returning a partial decomposition.

        Returns
        -------
        Decomposition
            ``unserved`` lists every stage that cannot be served and why; the servable stages
            are assigned (and loaded) either way unless ``strict`` raises.

        Raises
        ------
        UnservableRequestError
            With ``strict=True`` when a stage cannot be served (``stages`` lists them); no load
            is changed then.
        """
        order = index_of(self.chain.stages)
        requested = list(dict.fromkeys(stages))
        requested.sort(key=lambda s: order.get(s, len(order)))
        tasks: list[Task] = []
        unserved: dict[str, str] = {}
        trial = dict(self.load)
        for stage in requested:
            if stage not in order:
                unserved[stage] = f"not a stage of alliance {self.chain.alliance!r}"
                continue
            candidates = self._by_stage[stage]
            if not candidates:
                unserved[stage] = "no member covers this stage"
                continue
            chosen = self._pick(candidates, trial)
            if chosen is None:
                unserved[stage] = f"all {len(candidates)} members covering this stage are at capacity"
                continue
            trial[chosen] += 1
            tasks.append(Task(stage, chosen, trial[chosen], self.chain.capacity.get(chosen)))
        if strict and unserved:
            raise UnservableRequestError(
                f"alliance {self.chain.alliance!r} cannot serve stage(s) "
                + "; ".join(f"{s}: {why}" for s, why in unserved.items()),
                alliance=self.chain.alliance,
                stages=list(unserved),
            )
        self.load = trial
        return Decomposition(self.chain.alliance, requested, tasks, unserved)

    def _pick(self, candidates: Sequence[str], load: Mapping[str, int]) -> str | None:
        best: tuple[float, float, int] | None = None
        chosen = None
        for rank, member in enumerate(candidates):  # members of one stage: a handful
            cap = self.chain.capacity.get(member)
            if cap is not None and load[member] >= cap:
                continue
            key = ((load[member] + 1) / (cap or 1), -self.performance[member], rank)
            if best is None or key < best:
                best, chosen = key, member
        return chosen


def decompose_request(
    eco: Ecosystem,
    alliance: str,
    stages: Iterable[str],
    *,
    performance: Mapping[str, float] | str | None = None,
    load: Mapping[str, int] | None = None,
    strict: bool = False,
) -> Decomposition:
    """Split one client request into tasks, one per stage, each routed to a member.

    See :class:`ChainRouter` for the routing rule; use a router to keep loads across requests.

    Parameters
    ----------
    eco : Ecosystem
    alliance : str
    stages : iterable of str
    performance, load
        See :class:`ChainRouter`.
    strict : bool
        Raise :class:`~ecograph.errors.UnservableRequestError` when a stage cannot be served
        (default: return the decomposition with ``unserved`` filled in).

    Returns
    -------
    Decomposition

    Raises
    ------
    UnservableRequestError
        Only with ``strict=True``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["s1", "s2"])
    >>> eco.add_org("m"); eco.add_relation("m", "a", "chain_member", stages=["s1", "s2"])
    >>> decompose_request(eco, "a", ["s2", "s1"]).assignment()
    {'s1': 'm', 's2': 'm'}
    """
    return ChainRouter(eco, alliance, performance, load).route(stages, strict=strict)


# ---------------------------------------------------------------------------- strengthening
@dataclass(frozen=True)
class Candidate:
    """An organisation that could strengthen one stage of a chain.

    Attributes
    ----------
    stage : str
    purpose : str
        ``"fill gap"`` (no member covers the stage) or ``"back up"`` (one member does).
    candidate : str
    declares : bool
        Lists the stage in its ``stages`` or ``capabilities`` attribute.
    adjacent_ties : int
        Members of the neighbouring stages it serves, is served by or collaborates with.
    member_ties : int
        Members of the alliance it is tied to at all.
    reason : str
    """

    stage: str
    purpose: str
    candidate: str
    name: str
    declares: bool
    adjacent_ties: int
    member_ties: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Strengthening(TableResult):
    """Ranked candidates per weak stage (强链补链延链)."""

    columns = ('stage', 'purpose', 'candidate', 'name', 'declares', 'adjacent_ties', 'member_ties', 'reason')

    alliance: str
    candidates: list[Candidate]

    def for_stage(self, stage: str) -> list[Candidate]:
        return [c for c in self.candidates if c.stage == stage]

    def rows(self) -> list[dict[str, Any]]:
        """One row per candidate, best first within each stage."""
        return [c.to_dict() for c in self.candidates]

    def to_dict(self) -> dict[str, Any]:
        return {"alliance": self.alliance, "candidates": [c.to_dict() for c in self.candidates]}


def _capability_matrix(eco: Ecosystem, stages: Sequence[str]) -> sp.csr_array:
    """Nodes × stages: 1 where a node lists the stage in ``stages`` or ``capabilities``."""
    col = index_of(stages)
    rows: list[int] = []
    cols: list[int] = []
    for i, data in enumerate(compiled(eco).records):
        if data["kind"] == "alliance":
            continue  # an alliance's own ``stages`` declare its chain, not a capability
        for attr in ("stages", "capabilities"):
            value = data.get(attr)
            if isinstance(value, str):
                value = [value]
            for s in value or ():
                if s in col:
                    rows.append(i)
                    cols.append(col[s])
    matrix = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(eco), len(stages)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def strengthen_chain(
    eco: Ecosystem,
    alliance: str,
    *,
    stages: Iterable[str] | None = None,
    top: int = 5,
    relations: Sequence[str] = WORK_RELATIONS,
) -> Strengthening:
    """Rank organisations outside the alliance that could fill a gap or back up a single point.

    A candidate is any organisation that is not a member and not a structure (platform,
    alliance, district, association, society, government) and that either declares the stage
    or works with members of the neighbouring stages. Candidates are ranked, best first, by

    1. ``declares``: the stage is in its ``stages`` or ``capabilities`` attribute;
    2. ``adjacent_ties``: members of the neighbouring stages (the one before and after in chain
       order) it works with — the upstream/downstream partners it would join;
    3. ``member_ties``: members of the alliance it works with at all;

    then by insertion order. "Works with" means a collaboration (either way) or a service the
    candidate provides to the member (being a member's client is no sign of capability); each
    partner counts once.

    Parameters
    ----------
    eco : Ecosystem
    alliance : str
    stages : iterable of str, optional
        Stages to strengthen; by default every gap and single point of failure.
    top : int
        Candidates kept per stage.
    relations : sequence of str
        Relation types that count as working ties (directed ones from the candidate).

    Returns
    -------
    Strengthening

    Raises
    ------
    NodeNotFoundError
        ``alliance`` is not in the ecosystem.
    EndpointKindError
        ``alliance`` is not an alliance.
    AnalysisError
        A stage the alliance does not declare.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["s1", "s2"])
    >>> eco.add_org("m"); eco.add_relation("m", "a", "chain_member", stages=["s1"])
    >>> eco.add_org("lab", kind="research_institute", capabilities=["s2"])
    >>> eco.add_relation("lab", "m", "collaborates")
    >>> [(c.stage, c.candidate, c.purpose) for c in strengthen_chain(eco, "a").candidates]
    [('s2', 'lab', 'fill gap')]
    """
    chain = eco.chain(alliance)
    by_stage = chain.by_stage
    if stages is None:
        targets = [s for s, m in by_stage.items() if len(m) <= 1]
    else:
        targets = list(stages)
        unknown = [s for s in targets if s not in by_stage]
        if unknown:
            raise AnalysisError(
                f"strengthen_chain: stage(s) {unknown} not declared by alliance {alliance!r}; expected some of "
                f"{list(chain.stages)}",
                field="stages",
                value=unknown[0],
            )
    graph = compile(eco, relations=list(relations), directed=True)
    ties = graph.matrix.copy()  # row = the candidate: its collaborations and the services it provides
    ties.data[:] = 1.0  # one tie per partner, whatever the number or weight of relations
    n = graph.n
    member_pos = graph.positions(list(chain.members)) if chain.members else np.zeros(0, dtype=np.int64)
    view = compiled(eco)
    eligible = np.fromiter((kind not in _STRUCTURAL_KINDS for kind in view.column("kind")), bool, n)
    eligible[member_pos] = False
    eligible[graph.index[alliance]] = False
    member_ind = np.zeros(n)
    member_ind[member_pos] = 1.0
    member_ties = ties @ member_ind
    capability = _capability_matrix(eco, chain.stages).tocsc()
    order = index_of(chain.stages)
    names = view.column("name")
    out: list[Candidate] = []
    for stage in targets:  # one vectorised pass over all organisations per weak stage
        i = order[stage]
        neighbours = [s for s in chain.stages[max(i - 1, 0): i + 2] if s != stage]
        adjacent_members = sorted({m for s in neighbours for m in by_stage[s]})
        indicator = np.zeros(n)
        if adjacent_members:
            indicator[graph.positions(adjacent_members)] = 1.0
        adjacent = ties @ indicator
        declares = capability[:, [i]].toarray().ravel() > 0
        fit = eligible & (declares | (adjacent > 0))
        picks = np.flatnonzero(fit)
        ranked = picks[np.lexsort((picks, -member_ties[picks], -adjacent[picks], -declares[picks].astype(np.int64)))][:top]
        purpose = "fill gap" if not by_stage[stage] else "back up"
        for p in ranked.tolist():
            node = graph.nodes[p]
            out.append(Candidate(
                stage=stage, purpose=purpose, candidate=node, name=names[p], declares=bool(declares[p]),
                adjacent_ties=int(adjacent[p]), member_ties=int(member_ties[p]),
                reason=_reason(stage, bool(declares[p]), int(adjacent[p]), neighbours, int(member_ties[p])),
            ))
    return Strengthening(alliance, out)


def _reason(stage: str, declares: bool, adjacent: int, neighbours: list[str], member_ties: int) -> str:
    parts = []
    if declares:
        parts.append(f"declares capability {stage!r}")
    if adjacent:
        parts.append(f"works with {adjacent} {plural(adjacent, 'member')} of the adjacent {plural(len(neighbours), 'stage')} {', '.join(neighbours)}")
    if member_ties:
        parts.append(f"tied to {member_ties} alliance {plural(member_ties, 'member')}")
    return "; ".join(parts)
