"""Demand–expertise matching (供需对接): enterprises' technical problems to experts and societies.

CAST's 百千万 action (seed 002) has local associations survey the enterprises' technical problems
(需求摸底) and national societies supply experts (资源对接). :func:`match` assigns every open
problem (``kind="problem"``, posed by an enterprise) to one expert (``kind="expert"``) and to
the society through which that expert serves, **globally** and within every expert's capacity.

The documented score of a pair (problem *p*, expert *e*) is, in points from 0 to 1000::

    points = round(1000 * (w_field * field_fit + w_proximity * proximity + w_region * region_fit))

* ``field_fit`` = needed fields of *p* the expert has / needed fields of *p*; a pair is
  *compatible* only when it is above 0 (the expert has at least one needed field);
* ``proximity`` = 2 ** -(d - 1) for the hop distance *d* (1 to ``hops``) between the
  enterprise posing *p* and the society through which *e* serves, in the undirected graph of all
  relations (1: the society already serves the enterprise; 0.5: one organisation in between;
  0 beyond ``hops``). The serving society is the expert's society nearest the enterprise (ties:
  the smallest society id);
* ``region_fit`` = 1 when the expert works in the enterprise's province, 0.5 when in its region
  or in one of its ``radiation_provinces``, else 0.

Weights default to field 0.5, proximity 0.3, region 0.2 (normalised to sum 1). The assignment
maximises, in this order: (1) the number of matched problems, (2) the total points, (3) the
spread of load (the smallest sum over experts of load·(load−1)/2). It is an exact maximum-weight
full bipartite matching (scipy's LAPJVsp) on problems × expert capacity slots, each problem also
having an "unmatched" slot, with integer weights that encode the three criteria
lexicographically. Problems and experts enter the solver sorted by id, so the same input gives
the same assignment; among assignments equal on all three criteria, the solver's order decides.

Hence no problem stays unmatched while a compatible expert has spare capacity: every refusal
names the needed fields and why ("no expert in field X", or "all N experts in field X are at
capacity").

Examples
--------
>>> import ecograph as eg
>>> eco = eg.Ecosystem()
>>> eco.add_org("s", "中国电子学会", kind="society")
>>> eco.add_org("f", "苏州某电子有限公司", province="江苏")
>>> eco.add_org("p", "芯片封装良率", kind="problem", fields=["集成电路"])
>>> eco.add_relation("f", "p", "poses")
>>> eco.add_relation("s", "f", "serves")
>>> eco.add_org("x", "张伟", kind="expert", fields=["集成电路"], province="江苏")
>>> eco.add_relation("x", "s", "member_of")
>>> m = eg.match(eco)
>>> m.assignment, m.society, m.points
({'p': 'x'}, {'p': 's'}, {'p': 1000})
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from .compiled import CompiledView, compiled, index_of
from .errors import AnalysisError, EndpointKindError, NodeNotFoundError
from .limits import MAX_MATCH_PAIRS
from .matrix import SparseGraph
from .results import TableResult

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["match", "Matching", "DEFAULT_WEIGHTS", "MAX_PROBLEMS", "MAX_CAPACITY", "POINTS", "MATCH_COLUMNS",
           "MATCH_COLUMN_LABELS", "STATUS_LABELS", "REFUSAL_LABELS"]

#: Default weights of the score components (normalised to sum 1).
DEFAULT_WEIGHTS: dict[str, float] = {"field": 0.5, "proximity": 0.3, "region": 0.2}
#: Largest number of problems one call matches (keeps the integer weights exact in float64).
MAX_PROBLEMS = 200_000
#: Largest capacity of one expert.
MAX_CAPACITY = 1000
#: Points of a perfect pair: scores are whole points from 0 to POINTS.
POINTS = 1000
#: Columns of :meth:`Matching.rows` and their (Chinese, English) headers.
MATCH_COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "problem": ("难题编号", "problem"), "problem_name": ("技术难题", "problem name"), "fields": ("所需领域", "fields"),
    "enterprise": ("企业编号", "enterprise"), "enterprise_name": ("企业", "enterprise name"),
    "status": ("对接状态", "status"), "expert": ("专家编号", "expert"), "expert_name": ("专家", "expert name"),
    "society": ("学会编号", "society"), "society_name": ("服务学会", "society name"), "score": ("匹配得分", "score"),
    "points": ("分值", "points"), "field_fit": ("领域契合", "field fit"), "proximity": ("网络邻近", "proximity"),
    "region_fit": ("地域契合", "region fit"), "hops": ("跳数", "hops"), "refusal": ("未匹配原因代码", "refusal"),
    "reasons": ("理由", "reasons"),
}
MATCH_COLUMNS: tuple[str, ...] = tuple(MATCH_COLUMN_LABELS)
#: Chinese words for the ``status`` column.
STATUS_LABELS: dict[str, tuple[str, str]] = {"matched": ("已对接", "matched"), "unmatched": ("未对接", "unmatched")}
#: Chinese words for the ``refusal`` codes (why a problem is not matched).
REFUSAL_LABELS: dict[str, tuple[str, str]] = {
    "no_fields": ("未注明所需领域", "no fields"), "no_expert_in_field": ("所需领域无可用专家", "no expert in field"),
    "capacity_exhausted": ("所需领域专家容量已满", "capacity exhausted"),
}

@dataclass(frozen=True)
class Matching(TableResult):
    """The assignment of problems to experts, with the score's parts and every refusal explained.

    Attributes
    ----------
    problems : list of str
        The problems considered, sorted by id.
    assignment : dict
        problem -> expert, for matched problems.
    society : dict
        problem -> the society through which the expert serves (``None`` when the expert is in
        no society).
    points : dict
        problem -> the pair's points (0-1000).
    parts : dict
        problem -> ``{"field_fit", "proximity", "region_fit", "hops"}`` of the matched pair.
    reasons : dict
        problem -> plain-Chinese reasons of a match, or of a refusal.
    refusals : dict
        problem -> ``{"code", "fields", "message"}`` for unmatched problems; ``code`` is
        ``no_fields``, ``no_expert_in_field`` or ``capacity_exhausted``.
    load, capacity : dict
        expert -> problems assigned, and its capacity (every expert considered).
    enterprise : dict
        problem -> the enterprise posing it (the first by id; ``None`` if none).
    weights : dict
        The normalised weights used.

    Examples
    --------
    >>> import ecograph as eg
    >>> eco = eg.Ecosystem(); eco.add_org("s", "中国电子学会", kind="society"); eco.add_org("f")
    >>> eco.add_org("p", "封装良率", kind="problem", fields=["集成电路"]); eco.add_relation("f", "p", "poses")
    >>> eco.add_org("x", "张伟", kind="expert", fields=["集成电路"]); eco.add_relation("x", "s", "member_of")
    >>> m = eg.match(eco)
    >>> m.assignment, m.society, m.load
    ({'p': 'x'}, {'p': 's'}, {'x': 1})
    """

    problems: list[str]
    assignment: dict[str, str]
    society: dict[str, str | None]
    points: dict[str, int]
    parts: dict[str, dict[str, Any]]
    reasons: dict[str, str]
    refusals: dict[str, dict[str, Any]]
    load: dict[str, int]
    capacity: dict[str, int]
    enterprise: dict[str, str | None]
    weights: dict[str, float]
    names: dict[str, str] = field(repr=False, default_factory=dict)
    fields: dict[str, list[str]] = field(repr=False, default_factory=dict)

    columns = MATCH_COLUMNS

    @property
    def matched(self) -> int:
        """Number of problems matched."""
        return len(self.assignment)

    @property
    def unmatched(self) -> list[str]:
        """Problems left unmatched (each has an entry in :attr:`refusals`)."""
        return [p for p in self.problems if p not in self.assignment]

    @property
    def total_points(self) -> int:
        """The objective's second criterion: the sum of the matched pairs' points."""
        return sum(self.points.values())

    def summary(self) -> dict[str, Any]:
        """Counts: problems, matched, unmatched by refusal code, experts used, total points.

        Examples
        --------
        >>> from ecograph.matching import Matching
        >>> Matching([], {}, {}, {}, {}, {}, {}, {}, {}, {}, {}).summary()["problems"]
        0
        """
        codes: dict[str, int] = {}
        for refusal in self.refusals.values():
            codes[refusal["code"]] = codes.get(refusal["code"], 0) + 1
        return {
            "problems": len(self.problems),
            "matched": self.matched,
            "unmatched": len(self.problems) - self.matched,
            "unmatched_by_reason": codes,
            "experts": len(self.capacity),
            "experts_used": sum(1 for v in self.load.values() if v),
            "total_points": self.total_points,
            "weights": dict(self.weights),
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per problem, in id order (columns :data:`MATCH_COLUMNS`): the pair, its score
        (points / 1000) and parts, the society, the reasons or the refusal."""
        out = []
        for p in self.problems:
            expert, firm, society = self.assignment.get(p), self.enterprise.get(p), self.society.get(p)
            parts = self.parts.get(p, {})
            out.append({
                "problem": p,
                "problem_name": self.names.get(p, p),
                "fields": "、".join(self.fields.get(p, [])),
                "enterprise": firm,
                "enterprise_name": self.names.get(firm) if firm else None,
                "status": "matched" if expert else "unmatched",
                "expert": expert,
                "expert_name": self.names.get(expert) if expert else None,
                "society": society,
                "society_name": self.names.get(society) if society else None,
                "score": self.points[p] / POINTS if expert else None,
                "points": self.points.get(p),
                "field_fit": parts.get("field_fit"),
                "proximity": parts.get("proximity"),
                "region_fit": parts.get("region_fit"),
                "hops": parts.get("hops"),
                "refusal": self.refusals[p]["code"] if p in self.refusals else None,
                "reasons": self.reasons[p],
            })
        return out

    def to_dict(self) -> dict[str, Any]:
        """``{"summary": ..., "rows": [...]}`` (JSON-ready)."""
        return {"summary": self.summary(), "rows": self.rows()}

    def __repr__(self) -> str:
        return (f"Matching({len(self.problems)} problems, {self.matched} matched, "
                f"{len(self.problems) - self.matched} unmatched, {self.total_points} points)")


def match(
    eco: Ecosystem,
    problems: Iterable[str] | None = None,
    *,
    experts: Iterable[str] | None = None,
    capacity: int | Mapping[str, int] | None = None,
    weights: Mapping[str, float] | None = None,
    hops: int = 3,
    candidates: int | None = None,
) -> Matching:
    """Assign technical problems to experts (and their societies) globally, within capacity.

    Parameters
    ----------
    eco : Ecosystem
        Holds ``problem`` nodes (``fields``: the fields they need), ``expert`` nodes
        (``fields``, ``capacity``, ``province``, ``region``), ``poses`` from enterprises to
        problems and ``member_of`` from experts to societies.
    problems : iterable of str, optional
        Problems to match; default every ``problem`` whose ``status`` is not ``"solved"``.
    experts : iterable of str, optional
        Experts to draw on; default every ``expert``.
    capacity : int or mapping, optional
        Problems an expert takes at most: one int for all, or ``{expert: int}`` overriding the
        experts' ``capacity`` attribute; default the attribute (1 where absent).
    weights : mapping, optional
        ``{"field": .., "proximity": .., "region": ..}`` (non-negative, normalised to sum 1;
        missing keys count 0 when a mapping is given). Default :data:`DEFAULT_WEIGHTS`.
    hops : int
        Largest hop distance counted as proximity (1 to 6).
    candidates : int, optional
        Give the solver only each problem's ``candidates`` best compatible experts (by points,
        then id) plus the pairs of one maximum-cardinality matching of all compatible pairs
        (Hopcroft–Karp) — faster on large instances. The number of matched problems is still
        the largest possible (so no problem is left while a compatible expert has room); the
        total points are optimal over those lists, and may fall short of the global optimum.
        Default: every compatible pair (the exact global optimum).

    Returns
    -------
    Matching

    Raises
    ------
    NodeNotFoundError
        A named problem or expert that does not exist.
    EndpointKindError
        A named problem or expert of another kind.
    AnalysisError
        Bad weights, capacity, hops or candidates; more than :data:`MAX_PROBLEMS` problems or
        more than :data:`~ecograph.limits.MAX_MATCH_PAIRS` compatible pairs.

    Examples
    --------
    >>> import ecograph as eg
    >>> eco = eg.Ecosystem()
    >>> eco.add_orgs(["p1", "p2"], kind="problem", fields=[["新材料"], ["新材料"]])
    >>> eco.add_org("x", "李娜", kind="expert", fields=["新材料"], capacity=1)
    >>> m = eg.match(eco)
    >>> m.matched, [m.refusals[p]["code"] for p in m.unmatched]
    (1, ['capacity_exhausted'])
    >>> m.reasons[m.unmatched[0]]
    '领域「新材料」的 1 名专家容量已满（共 1 项，均已分配）'
    """
    w = _weights(weights)
    if isinstance(hops, bool) or not isinstance(hops, int) or not 1 <= hops <= 6:
        raise AnalysisError(f"match: hops={hops!r}; expected an integer from 1 to 6", field="hops")
    if candidates is not None and (isinstance(candidates, bool) or not isinstance(candidates, int) or candidates < 1):
        raise AnalysisError(f"match: candidates={candidates!r}; expected a positive integer or None", field="candidates")
    view = compiled(eco)
    node = _lookup(view)
    problem_ids = _selected(view, problems, "problem", lambda n: node(n).get("status") != "solved")
    expert_ids = _selected(view, experts, "expert", lambda n: True)
    if len(problem_ids) > MAX_PROBLEMS:
        raise AnalysisError(f"match: {len(problem_ids)} problems; at most {MAX_PROBLEMS} per call", field="problems")
    caps = _capacities(view, expert_ids, capacity)

    need = [_field_list(node(p).get("fields"), p) for p in problem_ids]
    have = [_field_list(node(x).get("fields"), x) for x in expert_ids]
    posers_of = _ends(view, "poses", by="target")
    posers = [posers_of.get(p, []) for p in problem_ids]
    societies_of = _ends(view, "member_of", by="source", kinds=("society", "association"))
    memberships = [societies_of.get(x, []) for x in expert_ids]

    pairs = _compatible_pairs(need, have)
    scored = _score_pairs(eco, node, pairs, need, posers, memberships, expert_ids, w, hops)
    chosen = _solve(scored, len(problem_ids), caps, candidates)

    assignment, society, points, parts, reasons = {}, {}, {}, {}, {}
    load = dict.fromkeys(expert_ids, 0)
    for k in chosen:
        p, x = problem_ids[scored.problem[k]], expert_ids[scored.expert[k]]
        assignment[p], points[p] = x, int(scored.points[k])
        s = int(scored.society[k])
        society[p] = memberships[scored.expert[k]][s] if s >= 0 else None
        load[x] += 1
        parts[p] = {"field_fit": float(scored.field_fit[k]), "proximity": float(scored.proximity[k]),
                    "region_fit": float(scored.region_fit[k]),
                    "hops": int(scored.hops[k]) if scored.hops[k] <= hops else None}
    names = {}
    for p, firms in zip(problem_ids, posers):
        names[p] = node(p)["name"]
        for f in firms[:1]:
            names[f] = node(f)["name"]
    for p, x in assignment.items():
        names[x] = node(x)["name"]
        if society[p] is not None:
            names[society[p]] = node(society[p])["name"]
    position = index_of(expert_ids)
    for i, p in enumerate(problem_ids):
        if p in assignment:
            x = assignment[p]
            reasons[p] = _match_reasons(node, need[i], have[position[x]], parts[p], society[p], posers[i][:1], x)
    refusals = _refusals(problem_ids, need, have, expert_ids, caps, load, assignment)
    for p, refusal in refusals.items():
        reasons[p] = refusal["message"]
    return Matching(
        problems=problem_ids, assignment=assignment, society=society, points=points, parts=parts, reasons=reasons,
        refusals=refusals, load=load, capacity=dict(zip(expert_ids, caps.tolist())),
        enterprise={p: (f[0] if f else None) for p, f in zip(problem_ids, posers)}, weights=w, names=names,
        fields=dict(zip(problem_ids, need)),
    )


# ---------------------------------------------------------------------------------- inputs
def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    unknown = sorted(set(weights) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise AnalysisError(f"match: unknown weight {unknown[0]!r}; expected some of {list(DEFAULT_WEIGHTS)}",
                            field="weights")
    out = {}
    for key in DEFAULT_WEIGHTS:
        value = weights.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise AnalysisError(f"match: weight {key!r}={value!r}; expected a finite number >= 0", field="weights")
        out[key] = float(value)
    total = sum(out.values())
    if total <= 0:
        raise AnalysisError("match: the weights sum to 0; give at least one positive weight", field="weights")
    return {k: v / total for k, v in out.items()}


def _lookup(view: CompiledView) -> Any:
    """``id -> record`` over the compiled view (the ecosystem's own attribute dicts)."""
    records, index = view.records, view.index
    return lambda n: records[index[n]]


def _ends(view: CompiledView, type: str, *, by: str, kinds: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """The relations of ``type`` grouped by their ``by`` end ("source" or "target"): the other
    ends sorted by id (only those of ``kinds`` when given)."""
    edges, nodes, records = view.relation(type), view.nodes, view.records
    key, other = (edges.source, edges.target) if by == "source" else (edges.target, edges.source)
    out: dict[str, list[str]] = {}
    for k, o in zip(key.tolist(), other.tolist()):
        if kinds is None or records[o]["kind"] in kinds:
            out.setdefault(nodes[k], []).append(nodes[o])
    return {k: sorted(set(v)) for k, v in out.items()}


def _selected(view: CompiledView, given: Iterable[str] | None, kind: str, default: Any) -> list[str]:
    if given is None:
        return sorted(n for n, r in zip(view.nodes, view.records) if r["kind"] == kind and default(n))
    if isinstance(given, str):
        given = [given]
    chosen = sorted(set(given))
    for n in chosen:
        if n not in view.index:
            raise NodeNotFoundError(f"match: no organisation with id {n!r}", id=n, field=f"{kind}s")
        found = view.records[view.index[n]]["kind"]
        if found != kind:
            raise EndpointKindError(f"match: {n!r} has kind {found!r}; expected {kind!r}", id=n, field=f"{kind}s")
    return chosen


def _capacities(view: CompiledView, experts: list[str], capacity: int | Mapping[str, int] | None) -> np.ndarray:
    node = _lookup(view)
    overrides: Mapping[str, int] = {}
    if capacity is not None and not isinstance(capacity, Mapping):
        overrides = dict.fromkeys(experts, capacity)
    elif capacity is not None:
        overrides = capacity
        for x in overrides:
            if x not in view.index or node(x)["kind"] != "expert":
                raise NodeNotFoundError(f"match: capacity names {x!r}, which is not an expert", id=x, field="capacity")
    out = np.empty(len(experts), dtype=np.int64)
    for i, x in enumerate(experts):
        value = overrides[x] if x in overrides else node(x).get("capacity", 1)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= MAX_CAPACITY:
            raise AnalysisError(f"match: expert {x!r}: capacity {value!r}; expected an integer from 0 to {MAX_CAPACITY}",
                                id=x, field="capacity")
        out[i] = value
    return out


def _field_list(value: Any, node: str) -> list[str]:
    """``fields`` as a list of distinct strings (one string is one field)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(dict.fromkeys(v for v in value if v))
    raise AnalysisError(f"match: {node!r}: field 'fields' must be a list of strings, got {value!r}",
                        id=node, field="fields")


# ---------------------------------------------------------------------------------- scoring
@dataclass
class _Pairs:
    """Compatible pairs as parallel arrays, sorted by (problem, expert)."""

    problem: np.ndarray
    expert: np.ndarray
    shared: np.ndarray


@dataclass
class _Scored:
    problem: np.ndarray
    expert: np.ndarray
    points: np.ndarray
    field_fit: np.ndarray
    proximity: np.ndarray
    region_fit: np.ndarray
    hops: np.ndarray
    society: np.ndarray  # index into the expert's memberships, -1 when none


def _compatible_pairs(need: list[list[str]], have: list[list[str]]) -> _Pairs:
    """Every (problem, expert) sharing a field, with the number of shared fields (sparse product)."""
    vocabulary: dict[str, int] = {}

    def incidence(lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        rows = np.repeat(np.arange(len(lists)), [len(x) for x in lists])
        cols = np.array([vocabulary.setdefault(f, len(vocabulary)) for x in lists for f in x], dtype=np.int64)
        return rows, cols
    need_rows, need_cols = incidence(need)
    have_rows, have_cols = incidence(have)
    n_fields = max(len(vocabulary), 1)
    # an upper bound of the pairs (exact when every problem needs one field), before building them
    bound = int(np.dot(np.bincount(need_cols, minlength=n_fields), np.bincount(have_cols, minlength=n_fields)))
    if bound > MAX_MATCH_PAIRS:
        raise AnalysisError(f"match: up to {bound:,} compatible (problem, expert) pairs; at most {MAX_MATCH_PAIRS:,} "
                            "are scored in one call: match fewer problems or experts at a time, or use finer fields",
                            field="problems")
    needs = sp.csr_array((np.ones(len(need_rows)), (need_rows, need_cols)), shape=(len(need), n_fields))
    haves = sp.csr_array((np.ones(len(have_rows)), (have_rows, have_cols)), shape=(len(have), n_fields))
    shared = (needs @ haves.T).tocsr()
    shared.sort_indices()
    problem = np.repeat(np.arange(len(need), dtype=np.int64), np.diff(shared.indptr))
    return _Pairs(problem, shared.indices.astype(np.int64), np.rint(shared.data).astype(np.int64))


def _score_pairs(eco: Ecosystem, node: Any, pairs: _Pairs, need: list[list[str]], posers: list[list[str]],
                 memberships: list[list[str]], expert_ids: list[str], w: dict[str, float], hops: int) -> _Scored:
    n_need = np.array([max(len(x), 1) for x in need], dtype=np.float64)
    field_fit = pairs.shared / n_need[pairs.problem]

    # hop distances society -> enterprise, by a multi-source BFS over the undirected compiled graph
    societies = sorted({s for ms in memberships for s in ms})
    firms = sorted({f for fs in posers for f in fs})
    dist = _distances(eco, societies, firms, hops)  # (societies, firms), hops + 1 = beyond
    s_index, f_index = index_of(societies), index_of(firms)
    far = hops + 1
    best_hops = np.full(len(pairs.problem), far, dtype=np.int64)
    best_society = np.full(len(pairs.problem), -1, dtype=np.int64)
    max_members = max((len(m) for m in memberships), default=0)
    max_posers = max((len(f) for f in posers), default=0)
    member_table = np.full((len(memberships), max(max_members, 1)), -1, dtype=np.int64)
    for i, ms in enumerate(memberships):
        member_table[i, :len(ms)] = [s_index[s] for s in ms]
    poser_table = np.full((len(posers), max(max_posers, 1)), -1, dtype=np.int64)
    for i, fs in enumerate(posers):
        poser_table[i, :len(fs)] = [f_index[f] for f in fs]
    for j in range(max_members):  # memberships sorted by id: the first nearest society wins ties
        soc = member_table[pairs.expert, j]
        for k in range(max_posers):
            firm = poser_table[pairs.problem, k]
            ok = (soc >= 0) & (firm >= 0)
            d = np.full(len(soc), far, dtype=np.int64)
            d[ok] = dist[soc[ok], firm[ok]]
            better = d < best_hops
            best_hops[better] = d[better]
            best_society[better] = j
    no_tie = best_society < 0  # an expert in a society with no path still serves through its first one
    best_society[no_tie & (member_table[pairs.expert, 0] >= 0)] = 0
    proximity = np.where(best_hops <= hops, np.exp2(-(best_hops - 1.0)), 0.0)

    region_fit = _region_fit(node, pairs, posers, expert_ids)
    score = w["field"] * field_fit + w["proximity"] * proximity + w["region"] * region_fit
    points = np.floor(score * POINTS + 0.5 + 1e-9).astype(np.int64)
    return _Scored(pairs.problem, pairs.expert, points, field_fit, proximity, region_fit, best_hops, best_society)


def _distances(eco: Ecosystem, societies: list[str], firms: list[str], hops: int) -> np.ndarray:
    """Hop distance from each society to each firm (``hops + 1`` when farther or unreachable)."""
    out = np.full((len(societies), len(firms)), hops + 1, dtype=np.int64)
    if not societies or not firms:
        return out
    g = SparseGraph.from_ecosystem(eco, directed=False)
    adjacency = (g.matrix != 0).astype(np.float32).tocsr()
    sources = g.positions(societies)
    targets = g.positions(firms)
    frontier = np.zeros((g.n, len(societies)), dtype=np.float32)
    frontier[sources, np.arange(len(societies))] = 1
    seen = frontier > 0
    for level in range(1, hops + 1):
        reached = (adjacency @ frontier) > 0
        new = reached & ~seen
        if not new.any():
            break
        hit = new[targets].T  # (societies, firms)
        out[hit] = level
        seen |= new
        frontier = new.astype(np.float32)
    return out


def _region_fit(node: Any, pairs: _Pairs, posers: list[list[str]], expert_ids: list[str]) -> np.ndarray:
    """1 same province, 0.5 same region or a radiation province of the firm, else 0 (best poser)."""
    provinces: dict[Any, int] = {}
    regions: dict[Any, int] = {}

    def code(table: dict[Any, int], value: Any) -> int:
        return -1 if value is None else table.setdefault(value, len(table))

    expert_province = np.array([code(provinces, node(x).get("province")) for x in expert_ids], dtype=np.int64)
    expert_region = np.array([code(regions, node(x).get("region")) for x in expert_ids], dtype=np.int64)
    firms = [[node(f) for f in fs] for fs in posers]
    radiation = [[[code(provinces, q) for q in _field_list(f.get("radiation_provinces"), "radiation_provinces")]
                  for f in fs] for fs in firms]
    homes = [[(code(provinces, f.get("province")), code(regions, f.get("region"))) for f in fs] for fs in firms]
    # per problem and province code (+1 for "unknown", the last column): 2 = the firm's province,
    # 1 = a radiation province of the firm; regions likewise, in their own table
    province_fit = np.zeros((len(posers), len(provinces) + 1), dtype=np.int8)
    region_match = np.zeros((len(posers), len(regions) + 1), dtype=bool)
    for i in range(len(firms)):
        for radiated, (home, area) in zip(radiation[i], homes[i]):
            province_fit[i, radiated] = np.maximum(province_fit[i, radiated], 1)
            if home >= 0:
                province_fit[i, home] = 2
            if area >= 0:
                region_match[i, area] = True
    province_fit[:, -1] = 0  # an expert without a province fits nowhere by province
    region_match[:, -1] = False
    by_province = province_fit[pairs.problem, expert_province[pairs.expert]]
    by_region = region_match[pairs.problem, expert_region[pairs.expert]]
    return np.where(by_province == 2, 1.0, np.where((by_province == 1) | by_region, 0.5, 0.0))


# ---------------------------------------------------------------------------------- solving
def _solve(scored: _Scored, n_problems: int, caps: np.ndarray, candidates: int | None) -> list[int]:
    """Indices into ``scored`` of the chosen pairs (see the module docstring for the objective)."""
    usable = np.flatnonzero(caps[scored.expert] > 0)
    if candidates is None or len(usable) == 0:
        return _assign(scored, usable, n_problems, caps)
    # each problem's best `candidates` pairs (points descending, then expert id) ...
    order = usable[np.lexsort((scored.expert[usable], -scored.points[usable], scored.problem[usable]))]
    first = np.searchsorted(scored.problem[order], scored.problem[order], side="left")
    shortlist = np.sort(order[np.arange(len(order)) - first < candidates])
    chosen = _assign(scored, shortlist, n_problems, caps)
    if len(chosen) == n_problems:
        return chosen
    # some problem is left: add the pairs of one maximum-cardinality matching of all compatible
    # pairs (Hopcroft-Karp), so that the solver matches as many problems as possible
    slots = _SlotGraph(scored, usable, caps)
    graph = sp.csr_array((np.ones(len(slots.rows)), (slots.rows, slots.cols)), shape=(n_problems, slots.n_slots))
    column = maximum_bipartite_matching(graph, perm_type="column")
    matched = np.flatnonzero(column >= 0)
    if len(matched) == len(chosen):
        return chosen
    return _assign(scored, np.union1d(shortlist, slots.pairs(matched, column[matched])), n_problems, caps)


class _SlotGraph:
    """Pairs expanded to capacity slots: expert *e* with capacity *c* is *c* columns, slot 0 first."""

    def __init__(self, scored: _Scored, keep: np.ndarray, caps: np.ndarray) -> None:
        self.scored, self.keep, self.stride = scored, keep, len(caps)
        self.experts = np.unique(scored.expert[keep])
        self.slots = caps[self.experts]
        start = np.zeros(len(caps), dtype=np.int64)
        start[self.experts] = np.concatenate([[0], np.cumsum(self.slots)[:-1]])
        self.n_slots = int(self.slots.sum())
        per_pair = caps[scored.expert[keep]]
        self.pair_of_edge = np.repeat(keep, per_pair)
        self.slot = np.arange(len(self.pair_of_edge)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        self.rows = scored.problem[self.pair_of_edge]
        self.cols = start[scored.expert[self.pair_of_edge]] + self.slot

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The pair indices of matched (problem, slot) cells (pairs are sorted by problem, expert)."""
        expert = np.repeat(self.experts, self.slots)[cols]
        keys = self.scored.problem[self.keep] * self.stride + self.scored.expert[self.keep]
        return self.keep[np.searchsorted(keys, rows * self.stride + expert)]


def _assign(scored: _Scored, keep: np.ndarray, n_problems: int, caps: np.ndarray) -> list[int]:
    """Exact lexicographic optimum on the pairs ``keep`` (LAPJVsp on capacity slots)."""
    if len(keep) == 0 or n_problems == 0:
        return []
    slots = _SlotGraph(scored, keep, caps)
    max_slots = int(slots.slots.max())
    # integer weights: count first (a), then points (b), then lower slots first (spread load)
    b = n_problems * max_slots + 1
    a = n_problems * (b * POINTS + max_slots) + 1
    if float(a) * 4 > 2**53:
        raise AnalysisError(f"match: {n_problems} problems with capacities up to {max_slots} exceed exact arithmetic",
                            field="problems")
    weight = a + b * scored.points[slots.pair_of_edge] + (max_slots - slots.slot) + 1
    # the "unmatched" slot of each problem weighs 1: any real match beats it
    rows = np.concatenate([slots.rows, np.arange(n_problems)])
    cols = np.concatenate([slots.cols, slots.n_slots + np.arange(n_problems)])
    weight = np.concatenate([weight, np.ones(n_problems, dtype=np.int64)]).astype(np.float64)
    graph = sp.csr_array((weight, (rows, cols)), shape=(n_problems, slots.n_slots + n_problems))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph, maximize=True)
    real = col_ind < slots.n_slots
    return slots.pairs(row_ind[real], col_ind[real]).tolist()


# ---------------------------------------------------------------------------------- explaining
def _match_reasons(node: Any, needed: list[str], has: list[str], parts: dict[str, Any], society: str | None,
                   firms: list[str], expert: str) -> str:
    covered = [f for f in needed if f in has]
    out = [f"领域匹配 {len(covered)}/{len(needed)}（{'、'.join(covered)}）"]
    firm = firms[0] if firms else None
    society_name = node(society)["name"] if society else None
    if society is None:
        out.append("专家未加入学会")
    elif parts["hops"] == 1:
        out.append(f"{society_name}已服务该企业")
    elif parts["hops"] is not None:
        out.append(f"{society_name}与该企业相距 {parts['hops']} 跳")
    else:
        out.append(f"{society_name}与该企业尚无联系")
    if firm is not None:
        e, f = node(expert), node(firm)
        if parts["region_fit"] == 1.0:
            out.append(f"同省（{f.get('province')}）")
        elif parts["region_fit"] == 0.5:
            same = e.get("region") is not None and e.get("region") == f.get("region")
            out.append(f"同区域（{f.get('region')}）" if same else f"在企业辐射区域内（{e.get('province')}）")
        else:
            out.append("异地")
    return "；".join(out)


def _refusals(problem_ids: list[str], need: list[list[str]], have: list[list[str]], expert_ids: list[str],
              caps: np.ndarray, load: dict[str, int], assignment: dict[str, str]) -> dict[str, dict[str, Any]]:
    by_field: dict[str, list[int]] = {}
    for i, fields in enumerate(have):
        for f in fields:
            by_field.setdefault(f, []).append(i)
    out = {}
    for p, fields in zip(problem_ids, need):
        if p in assignment:
            continue
        if not fields:
            out[p] = {"code": "no_fields", "fields": [], "message": "未注明所需领域（fields 为空）",
                      "message_en": "the problem names no field it needs"}
            continue
        holders = sorted({i for f in fields for i in by_field.get(f, ())})
        quoted = "」「".join(fields)
        if not holders or caps[holders].sum() == 0:
            out[p] = {"code": "no_expert_in_field", "fields": fields,
                      "message": f"没有具备领域「{quoted}」且有服务容量的专家",
                      "message_en": f"no expert in field {' or '.join(fields)} within capacity"}
            continue
        total = int(caps[holders].sum())
        busy = sum(load[expert_ids[i]] for i in holders)
        if busy < total:  # cannot happen: the optimum matches every problem an expert can still take
            raise AnalysisError(f"match: internal error: {p!r} unmatched while an expert has spare capacity")
        out[p] = {"code": "capacity_exhausted", "fields": fields,
                  "message": f"领域「{quoted}」的 {len(holders)} 名专家容量已满（共 {total} 项，均已分配）",
                  "message_en": f"all {len(holders)} experts in field {' or '.join(fields)} are at capacity "
                                f"({total} problems, all assigned)"}
    return out
