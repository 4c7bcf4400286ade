"""Circle layers (圈层模式) of a technology-innovation service platform.

A platform's members sit in four rings, innermost first: the ``core`` (e.g. the national
engineering research centre, the incubation carrier), the ``core_ring`` (associations,
standards committees, inspection centres — the bridge to firms), the ``collaboration`` ring
(backbone manufacturers and universities in joint design) and the ``radiation`` ring (other
SMEs and users reached by diffusion). The analyses here ask whether the declared rings match
how the members actually work together:

- :func:`ring_composition` — ring sizes and their mix of kinds and sectors;
- :func:`ring_density` — tie density within and between rings (4 × 4);
- :func:`ring_flows` — services and collaborations from ring to ring (4 × 4 per relation);
- :func:`radiation` — how far the core reaches, hop by hop, into the rings and into a target
  population (e.g. the ~2,000 SME motor firms of the industry);
- :func:`infer_rings` — rings inferred from structure (distance from the core, k-shell or
  Borgatti–Everett coreness) against the declared ones: confusion matrix, Kendall τ-b, and the
  members whose declared ring disagrees with their position;
- :func:`suggest_promotions` — radiation members best placed to join the collaboration ring.

Ties are the ``serves``, ``collaborates`` and ``member_of`` relations by default (``in_ring``
itself is the ring declaration, not a tie).

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem()
>>> eco.add_org("p", kind="platform")
>>> for m, ring in [("c", "core"), ("s", "core_ring"), ("f", "collaboration"), ("r", "radiation")]:
...     eco.add_org(m); eco.add_relation(m, "p", "in_ring", ring=ring)
>>> eco.add_relation("c", "f", "collaborates"); eco.add_relation("c", "s", "collaborates")
>>> eco.add_relation("s", "r", "serves")
>>> ring_composition(eco, "p").sizes
{'core': 1, 'core_ring': 1, 'collaboration': 1, 'radiation': 1}
>>> [row["reached"] for row in radiation(eco, "p", hops=2).hops]
[1, 3, 4]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from scipy.stats import kendalltau

from .compiled import compiled, node_attribute
from .errors import AnalysisError
from .labels import plural
from .matrix import SparseGraph, compile
from .model import RINGS
from .results import TableResult

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = [
    "RingComposition",
    "RingTable",
    "Radiation",
    "RingInference",
    "Promotion",
    "ring_composition",
    "ring_density",
    "ring_flows",
    "radiation",
    "infer_rings",
    "suggest_promotions",
    "Promotions",
]

#: Relations that count as ties between platform members: services, collaborations and
#: memberships (an association in the core ring reaches firms through its members).
RING_RELATIONS: tuple[str, ...] = ("serves", "collaborates", "member_of")

#: Relations that radiation follows in their own direction only (a provider reaches its
#: clients, not the reverse); every other relation is followed both ways.
ONE_WAY: tuple[str, ...] = ("serves",)

#: Structural positions :func:`infer_rings` can rank members by.
METHODS: tuple[str, ...] = ("distance", "kshell", "coreness")


def _count(values: Iterable[str]) -> dict[str, int]:
    table: dict[str, int] = {}
    for v in values:
        table[v] = table.get(v, 0) + 1
    return dict(sorted(table.items(), key=lambda kv: (-kv[1], kv[0])))


def _ring_index(graph: SparseGraph, layers: Mapping[str, list[str]]) -> np.ndarray:
    """Per graph position: the ring number (0 = core … 3 = radiation), ``-1`` for non-members."""
    ring = np.full(graph.n, -1, dtype=np.int64)
    for r, name in enumerate(RINGS):
        if layers[name]:
            ring[graph.positions(layers[name])] = r
    return ring


def _indicator(ring: np.ndarray) -> sp.csr_array:
    """n × 4 sparse ring-indicator matrix (non-members have an empty row)."""
    rows = np.flatnonzero(ring >= 0)
    return sp.csr_array((np.ones(len(rows)), (rows, ring[rows])), shape=(len(ring), len(RINGS)))


# ---------------------------------------------------------------------------- composition
@dataclass(frozen=True)
class RingComposition(TableResult):
    """Who is in each ring.

    Attributes
    ----------
    platform : str
    members : dict
        ring -> member ids.
    by_kind, by_sector : dict
        ring -> {kind or sector: count}, most common first.
    """

    key = "ring"

    platform: str
    members: dict[str, list[str]]
    by_kind: dict[str, dict[str, int]]
    by_sector: dict[str, dict[str, int]]

    @property
    def sizes(self) -> dict[str, int]:
        return {ring: len(m) for ring, m in self.members.items()}

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"ring": ring, "size": len(self.members[ring]),
             "kinds": ", ".join(f"{k} {v}" for k, v in self.by_kind[ring].items()),
             "sectors": ", ".join(f"{k} {v}" for k, v in self.by_sector[ring].items())}
            for ring in RINGS
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"platform": self.platform, "sizes": self.sizes, "members": self.members,
                "by_kind": self.by_kind, "by_sector": self.by_sector}


def ring_composition(eco: Ecosystem, platform: str) -> RingComposition:
    """Ring sizes and their mix of kinds and sectors.

    Parameters
    ----------
    eco : Ecosystem
    platform : str

    Returns
    -------
    RingComposition

    Raises
    ------
    NodeNotFoundError, EndpointKindError
        ``platform`` is not a platform of ``eco``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", kind="platform")
    >>> eco.add_org("u", kind="university"); eco.add_relation("u", "p", "in_ring", ring="collaboration")
    >>> ring_composition(eco, "p").by_sector["collaboration"]
    {'academia': 1}
    """
    layers = eco.rings(platform)
    view = compiled(eco)
    kinds, sectors = view.column("kind"), view.column("sector")
    at = {r: view.positions(layers[r]).tolist() for r in RINGS}
    return RingComposition(
        platform,
        layers,
        {r: _count(kinds[i] for i in at[r]) for r in RINGS},
        {r: _count(sectors[i] for i in at[r]) for r in RINGS},
    )


# ---------------------------------------------------------------------------- 4 x 4 tables
@dataclass(frozen=True)
class RingTable(TableResult):
    """A ring × ring table (rows and columns in ring order, innermost first).

    ``values[i, j]`` is from ring ``i`` to ring ``j``; ``nan`` where undefined (a density
    involving an empty ring, or within a ring of one member).
    """

    key = "from"

    platform: str
    measure: str
    values: np.ndarray

    def get(self, source: str, target: str) -> float:
        return float(self.values[RINGS.index(source), RINGS.index(target)])

    def to_dict(self) -> dict[str, dict[str, float]]:
        return {a: {b: float(self.values[i, j]) for j, b in enumerate(RINGS)} for i, a in enumerate(RINGS)}

    def rows(self) -> list[dict[str, Any]]:
        return [{"from": a, **{b: float(self.values[i, j]) for j, b in enumerate(RINGS)}} for i, a in enumerate(RINGS)]


def ring_density(eco: Ecosystem, platform: str, relations: Sequence[str] = RING_RELATIONS) -> RingTable:
    """Tie density within and between rings.

    Members are linked when any of ``relations`` joins them (either direction, counted once).
    Within ring ``r`` the density is ties / (n_r (n_r − 1) / 2); between rings ``r`` and ``s``
    it is ties / (n_r n_s). The table is symmetric.

    Parameters
    ----------
    eco : Ecosystem
    platform : str
        Id of the platform.
    relations : sequence of str
        Relation types that make a tie.

    Returns
    -------
    RingTable
        Ring × ring densities (``nan`` where a ring has too few members).

    Raises
    ------
    NodeNotFoundError
        ``platform`` is not in the ecosystem.
    EndpointKindError
        ``platform`` is not a platform.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", kind="platform")
    >>> for m, ring in [("c", "core"), ("a", "collaboration"), ("b", "collaboration")]:
    ...     eco.add_org(m); eco.add_relation(m, "p", "in_ring", ring=ring)
    >>> eco.add_relation("c", "a", "collaborates")
    >>> d = ring_density(eco, "p")
    >>> d.get("core", "collaboration"), d.get("collaboration", "collaboration")
    (0.5, 0.0)
    """
    layers = eco.rings(platform)
    graph = compile(eco, relations=list(relations), directed=False)
    ring = _ring_index(graph, layers)
    ties = graph.matrix.copy()
    ties.data[:] = 1.0
    ties.setdiag(0)  # a self-loop is not a tie between two members
    ind = _indicator(ring)
    counts = (ind.T @ ties @ ind).toarray()  # within-ring ties counted twice (i->j and j->i)
    sizes = np.array([len(layers[r]) for r in RINGS], dtype=np.float64)
    pairs = np.outer(sizes, sizes)
    np.fill_diagonal(pairs, sizes * (sizes - 1))  # ordered pairs within a ring, matching the double count
    with np.errstate(invalid="ignore", divide="ignore"):
        density = np.where(pairs > 0, counts / np.where(pairs > 0, pairs, 1), np.nan)
    return RingTable(platform, "density", density)


def ring_flows(
    eco: Ecosystem, platform: str, relations: Sequence[str] = RING_RELATIONS, weight: str | None = None
) -> dict[str, RingTable]:
    """Relations between members, summed from ring to ring, one 4 × 4 table per relation type.

    For a directed relation (``serves``: provider → client) cell ``[i, j]`` sums the relations
    from ring ``i`` to ring ``j``. A symmetric relation (``collaborates``) appears in both
    ``[i, j]`` and ``[j, i]``, and once on the diagonal for a pair within one ring.

    Parameters
    ----------
    eco : Ecosystem
    platform : str
    relations : sequence of str
    weight : str, optional
        Relation attribute summed (e.g. ``count`` of services); each relation counts 1 by default.

    Returns
    -------
    dict
        relation type -> :class:`RingTable`.

    Raises
    ------
    NodeNotFoundError
        ``platform`` is not in the ecosystem.
    EndpointKindError
        ``platform`` is not a platform.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", kind="platform")
    >>> for m, ring in [("c", "core"), ("r", "radiation")]:
    ...     eco.add_org(m); eco.add_relation(m, "p", "in_ring", ring=ring)
    >>> eco.add_relation("c", "r", "serves", count=7)
    >>> ring_flows(eco, "p", weight="count")["serves"].get("core", "radiation")
    7.0
    """
    layers = eco.rings(platform)
    out: dict[str, RingTable] = {}
    for relation in relations:
        graph = compile(eco, weight, relations=[relation], directed=True)
        ind = _indicator(_ring_index(graph, layers))
        flows = (ind.T @ graph.matrix @ ind).toarray()
        if not eco.is_directed_relation(relation):
            # both directions are stored; within a ring that counts each collaboration twice
            flows[np.diag_indices(len(RINGS))] /= 2
        out[relation] = RingTable(platform, f"{relation} flows", flows)
    return out


# ---------------------------------------------------------------------------- radiation
@dataclass(frozen=True)
class Radiation(TableResult):
    """How far the core reaches, hop by hop.

    Attributes
    ----------
    platform : str
    core : list of str
        The sources (the core ring's members).
    target_size : int
        Size of the target population.
    hops : list of dict
        One row per hop ``h = 0 … hops`` (cumulative, i.e. within ``h`` hops):
        ``reached`` (all organisations), ``new`` (first reached at ``h``), ``<ring>`` (members
        of each ring), ``outside`` (non-members), ``target`` and ``target_share``.
    """

    key = "hop"

    platform: str
    core: list[str]
    target_size: int
    hops: list[dict[str, Any]]

    def target_within(self, hops: int) -> int:
        return int(self.hops[min(hops, len(self.hops) - 1)]["target"])

    def summary(self) -> str:
        """The finding in plain words."""
        if self.target_size == 0:
            return "no target population to reach"
        if len(self.hops) == 1:
            return f"the core itself is {self.hops[0]['target']:,} of {self.target_size:,} target firms"
        words = [f"the core reaches {self.hops[1]['target']:,} of {self.target_size:,} target firms directly "
                 f"({self.hops[1]['target_share']:.0%})"]
        words += [f"{row['target']:,} within {row['hop']} hops ({row['target_share']:.0%})" for row in self.hops[2:]]
        return ", ".join(words)

    def rows(self) -> list[dict[str, Any]]:
        """One row per hop (:attr:`hops`)."""
        return list(self.hops)

    def to_dict(self) -> dict[str, Any]:
        return {"platform": self.platform, "core": self.core, "target_size": self.target_size, "hops": self.hops}


def select(eco: Ecosystem, target: Iterable[str] | Mapping[str, Any] | None) -> list[str]:
    """Ids of a target population: given ids, an attribute filter (``{"kind": "enterprise",
    "sme": True}``; every key must match), or by default every enterprise.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", sme=True); eco.add_org("b"); eco.add_org("u", kind="university")
    >>> select(eco, None), select(eco, {"sme": True})
    (['a', 'b'], ['a'])
    """
    if target is None:
        target = {"kind": "enterprise"}
    if isinstance(target, Mapping):
        wanted = dict(target)
        view = compiled(eco)
        return [n for n, d in zip(view.nodes, view.records) if all(d.get(k) == v for k, v in wanted.items())]
    return list(target)


def _channel_graph(eco: Ecosystem, relations: Sequence[str]) -> SparseGraph:
    """Directed graph of diffusion channels: ``ONE_WAY`` relations in their direction, the
    others both ways."""
    one_way = [r for r in relations if r in ONE_WAY]
    both = [r for r in relations if r not in ONE_WAY]
    parts = [compile(eco, relations=one_way, directed=True).matrix] if one_way else []
    if both:
        parts.append(compile(eco, relations=both, directed=False).matrix)
    nodes = compiled(eco).nodes
    matrix = sp.csr_array(sum(parts[1:], parts[0]) if parts else sp.csr_array((len(nodes), len(nodes))))
    matrix.sort_indices()
    return SparseGraph(nodes, matrix, directed=True)


def radiation(
    eco: Ecosystem,
    platform: str,
    target: Iterable[str] | Mapping[str, Any] | None = None,
    hops: int = 3,
    relations: Sequence[str] = RING_RELATIONS,
) -> Radiation:
    """Reach of the platform core, hop by hop, into its rings and into a target population.

    Paths run through any organisation of the ecosystem; a ``serves`` relation is followed from
    provider to client only, collaborations and memberships both ways (an association passes
    results on to its members).

    Parameters
    ----------
    eco : Ecosystem
    platform : str
    target : iterable of str or mapping, optional
        The population whose coverage is measured: ids, or an attribute filter such as
        ``{"kind": "enterprise", "industry": "motor"}``. By default the enterprises of the
        platform's ``target_industry`` when it has one, else every enterprise.
    hops : int
    relations : sequence of str

    Returns
    -------
    Radiation

    Raises
    ------
    AnalysisError
        The platform has no core member, or ``hops`` is negative.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", kind="platform"); eco.add_org("c", kind="research_institute")
    >>> eco.add_relation("c", "p", "in_ring", ring="core")
    >>> for f in ("f1", "f2", "f3", "f4"):
    ...     eco.add_org(f)
    >>> eco.add_relation("c", "f1", "serves"); eco.add_relation("f1", "f2", "collaborates")
    >>> radiation(eco, "p", hops=2).summary()
    'the core reaches 1 of 4 target firms directly (25%), 2 within 2 hops (50%)'
    """
    from .reachability import reach

    if hops < 0:
        raise AnalysisError(f"radiation: hops must be >= 0, got {hops}", field="hops", value=hops)
    layers = eco.rings(platform)
    if not layers["core"]:
        raise AnalysisError(f"radiation: platform {platform!r} has no core member", id=platform, field="ring")
    graph = _channel_graph(eco, relations)
    distance = np.full(graph.n, -1, dtype=np.int64)
    reached = reach(graph, layers["core"], hops=hops)
    distance[graph.positions(reached.nodes)] = reached.array
    ring = _ring_index(graph, layers)
    in_target = np.zeros(graph.n, dtype=bool)
    industry = eco.node(platform).get("target_industry")
    if target is None and industry is not None:
        target = {"kind": "enterprise", "industry": industry}
    targets = select(eco, target)
    if targets:
        in_target[graph.positions(targets, "target")] = True
    size = int(in_target.sum())
    rows = []
    for h in range(hops + 1):  # a handful of hops; each step is vectorised over all nodes
        within = (distance >= 0) & (distance <= h)
        row: dict[str, Any] = {"hop": h, "reached": int(within.sum()), "new": int((distance == h).sum())}
        counts = np.bincount(ring[within] + 1, minlength=len(RINGS) + 1)
        row.update({"outside": int(counts[0]), **{r: int(counts[i + 1]) for i, r in enumerate(RINGS)}})
        hit = int((within & in_target).sum())
        row.update({"target": hit, "target_share": hit / size if size else 0.0})
        rows.append(row)
    return Radiation(platform, list(layers["core"]), size, rows)


# ---------------------------------------------------------------------------- inferred rings
@dataclass(frozen=True)
class RingInference(TableResult):
    """Declared rings against rings inferred from structure.

    Attributes
    ----------
    platform, method : str
    members : list of str
        Platform members, innermost declared ring first.
    declared, inferred : numpy.ndarray
        Ring numbers (0 = core … 3 = radiation).
    score : numpy.ndarray
        The structural position, lower = more central (hop distance from the core; minus the
        k-shell; minus the coreness). Unreachable members get one more than the largest
        finite distance.
    confusion : numpy.ndarray
        4 × 4 counts, rows = declared ring, columns = inferred ring.
    tau : float
        Kendall τ-b between declared ring number and score (1 = perfect agreement).
    disagreements : list of dict
        Members whose inferred ring differs from the declared one, largest gap first.
    """

    key = "declared"

    platform: str
    method: str
    members: list[str]
    declared: np.ndarray
    inferred: np.ndarray
    score: np.ndarray
    confusion: np.ndarray
    tau: float
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        """Share of members whose inferred ring is the declared one."""
        return float(np.trace(self.confusion) / max(len(self.members), 1))

    def confusion_rows(self) -> list[dict[str, Any]]:
        return [{"declared": a, **{b: int(self.confusion[i, j]) for j, b in enumerate(RINGS)}}
                for i, a in enumerate(RINGS)]

    def rows(self) -> list[dict[str, Any]]:
        """The confusion matrix, one row per declared ring."""
        return self.confusion_rows()

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "method": self.method,
            "tau": self.tau,
            "agreement": self.agreement,
            "confusion": self.confusion_rows(),
            "disagreements": self.disagreements,
        }


def induced(graph: SparseGraph, positions: np.ndarray) -> SparseGraph:
    """The subgraph induced by the nodes at ``positions`` (in that order).

    Examples
    --------
    >>> g = SparseGraph.from_edges([0, 1], [1, 2], nodes=["a", "b", "c"], directed=False)
    >>> sub = induced(g, np.array([2, 1]))
    >>> sub.nodes, sub.matrix.toarray().tolist()
    (['c', 'b'], [[0.0, 1.0], [1.0, 0.0]])
    """
    sub = sp.csr_array(graph.matrix[positions][:, positions])
    sub.sort_indices()
    return SparseGraph([graph.nodes[p] for p in positions.tolist()], sub, directed=graph.directed,
                       weight=graph.weight, combine=graph.combine)


def _member_graph(eco: Ecosystem, members: list[str], relations: Sequence[str]) -> SparseGraph:
    """The undirected graph induced by the platform members."""
    graph = compile(eco, relations=list(relations), directed=False)
    return induced(graph, graph.positions(members))


def _structural_score(graph: SparseGraph, core: list[str], method: str) -> tuple[np.ndarray, Callable[[int], str]]:
    """Position per member (lower = more central) and a description of member ``i``'s position."""
    if method == "distance":
        return _distance_score(graph, core)
    if method == "kshell":
        from .coreperiphery import core_number

        shell = np.asarray(core_number(graph).array, dtype=np.float64)
        return -shell, lambda i: f"in the {int(shell[i])}-shell"
    if method == "coreness":
        from .coreperiphery import continuous_coreness

        # the ranking needs coreness to a few digits, not the default 1e-10 gradient
        coreness = np.asarray(continuous_coreness(graph, tol=1e-6).coreness.array, dtype=np.float64)
        return -coreness, lambda i: f"of coreness {coreness[i]:.2f}"
    raise AnalysisError(f"infer_rings: method {method!r}; expected one of {list(METHODS)}", field="method", value=method)


def rank_levels(score: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    """Cut members ranked by ``score`` (ascending) into consecutive levels of the given sizes.

    Tied members cannot be told apart, so they share one level: the level in which the middle
    rank of their tie group falls.

    Examples
    --------
    >>> rank_levels(np.array([0, 1, 1, 1, 2]), [1, 2, 2]).tolist()
    [0, 1, 1, 1, 2]
    """
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    middle = np.cumsum(counts) - (counts - 1) / 2  # 1-based middle rank of each tie group
    return np.searchsorted(np.cumsum(sizes), middle, side="left")[inverse].astype(np.int64)


def _distance_score(graph: SparseGraph, core: list[str]) -> tuple[np.ndarray, Callable[[int], str]]:
    """Hops from the core, ties broken towards bridges: ``d - 0.5 * out / (max_out + 1)`` where
    ``out`` counts ties to members one hop farther out. Unreachable: largest distance + 1."""
    from .reachability import reach

    distance = np.full(graph.n, np.inf)
    if core:
        found = reach(graph, core)
        distance[graph.positions(found.nodes)] = found.array
    unreachable = ~np.isfinite(distance)
    finite = distance[~unreachable]
    distance[unreachable] = (finite.max() if len(finite) else 0) + 1
    ties = graph.matrix.tocoo()
    outward = np.bincount(ties.row[distance[ties.col] == distance[ties.row] + 1], minlength=graph.n)

    def describe(i: int) -> str:
        return "not connected to the core" if unreachable[i] else f"{int(distance[i])} hop(s) from the core"

    return distance - 0.5 * outward / (outward.max(initial=0) + 1), describe


def infer_rings(
    eco: Ecosystem, platform: str, method: str = "distance", relations: Sequence[str] = RING_RELATIONS
) -> RingInference:
    """Infer each member's ring from the structure of the members' ties and compare.

    Members are ranked by a structural position computed on the undirected graph of ties among
    the platform members (``relations``):

    - ``"distance"``: hops from the core members (the core is at 0); among members at the same
      distance, those with more ties to members one hop farther out (bridges) rank first;
    - ``"kshell"``: k-shell (core number), higher = more central;
    - ``"coreness"``: Borgatti–Everett continuous coreness, higher = more central.

    The ranking is cut into four inferred rings with the same sizes as the declared ones
    (innermost first; tied members share the ring where their group's middle rank falls), so
    the confusion matrix compares like with like. Kendall τ-b between the declared ring
    number and the position needs no cut.

    Parameters
    ----------
    eco : Ecosystem
    platform : str
    method : {"distance", "kshell", "coreness"}
    relations : sequence of str

    Returns
    -------
    RingInference

    Raises
    ------
    AnalysisError
        An unknown method.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", kind="platform")
    >>> rings = {"c": "core", "s": "core_ring", "f1": "collaboration", "f2": "collaboration",
    ...          "r1": "radiation", "r2": "radiation", "r3": "radiation"}
    >>> for m, ring in rings.items():
    ...     eco.add_org(m); eco.add_relation(m, "p", "in_ring", ring=ring)
    >>> for a, b in [("c", "s"), ("c", "f1"), ("c", "f2"), ("c", "r3"), ("s", "r1"), ("s", "r2")]:
    ...     eco.add_relation(a, b, "collaborates")
    >>> inf = infer_rings(eco, "p")
    >>> [(d["member"], d["declared"], d["inferred"]) for d in inf.disagreements]
    [('r3', 'radiation', 'collaboration')]
    >>> round(inf.tau, 3)
    0.882
    """
    if method not in METHODS:
        raise AnalysisError(f"infer_rings: method {method!r}; expected one of {list(METHODS)}", field="method")
    layers = eco.rings(platform)
    members = [m for r in RINGS for m in layers[r]]
    declared = np.array([r for r, name in enumerate(RINGS) for _ in layers[name]], dtype=np.int64)
    sizes = [len(layers[r]) for r in RINGS]
    graph = _member_graph(eco, members, relations)
    score, describe = _structural_score(graph, layers["core"], method)
    inferred = rank_levels(score, sizes) if members else np.zeros(0, dtype=np.int64)
    confusion = np.zeros((len(RINGS), len(RINGS)), dtype=np.int64)
    np.add.at(confusion, (declared, inferred), 1)
    # τ-b is undefined when either side is constant (scipy would warn and give nan)
    defined = len(members) > 1 and np.ptp(declared) > 0 and np.ptp(score) > 0
    tau = float(kendalltau(declared, score).statistic) if defined else float("nan")
    names = node_attribute(eco, members, "name")
    wrong = np.flatnonzero(declared != inferred)
    wrong = wrong[np.lexsort((wrong, -np.abs(declared[wrong] - inferred[wrong])))]
    disagreements = [
        {
            "member": members[i],
            "name": names[i],
            "declared": RINGS[declared[i]],
            "inferred": RINGS[inferred[i]],
            "direction": "more central than declared" if inferred[i] < declared[i] else "more peripheral than declared",
            "reason": f"declared {RINGS[declared[i]]} but {describe(i)}, like the {RINGS[inferred[i]]} members",
        }
        for i in wrong.tolist()
    ]
    return RingInference(platform, method, members, declared, inferred, score, confusion, tau, disagreements)


# ---------------------------------------------------------------------------- promotions
@dataclass(frozen=True)
class Promotion:
    """A member of an outer ring well placed to move inward.

    ``ties`` counts, per ring, the members of that ring it is tied to (one per partner).
    """

    member: str
    name: str
    ties: dict[str, int]
    inner_ties: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"member": self.member, "name": self.name, "inner_ties": self.inner_ties,
                **{f"ties_{r}": v for r, v in self.ties.items()}, "reason": self.reason}


class Promotions(TableResult, Sequence[Promotion]):
    """The promotions :func:`suggest_promotions` suggests, best first: a sequence of
    :class:`Promotion` and a table (one row per member).

    Parameters
    ----------
    items : list of Promotion

    Examples
    --------
    >>> p = Promotions([Promotion("r1", "甲公司", {"core": 1}, 1, "tied to 1 core member(s)")])
    >>> p[0].member, p.rows()[0]["ties_core"], p == [p[0]]
    ('r1', 1, True)
    """

    key = "member"

    def __init__(self, items: Iterable[Promotion]) -> None:
        self._items = list(items)

    def __getitem__(self, i: Any) -> Any:
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, Promotions)):
            return self._items == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Promotions({self._items!r})"

    def rows(self) -> list[dict[str, Any]]:
        """One row per suggested member (:meth:`Promotion.to_dict`)."""
        return [p.to_dict() for p in self._items]


def suggest_promotions(
    eco: Ecosystem,
    platform: str,
    from_ring: str = "radiation",
    to_ring: str = "collaboration",
    top: int = 10,
    relations: Sequence[str] = RING_RELATIONS,
) -> Promotions:
    """Members of ``from_ring`` best placed to join ``to_ring``, best first.

    Ranked by ties into the rings up to and including ``to_ring`` (``inner_ties``), then ties
    to the core, then to ``to_ring`` itself, then member order. Members with no such tie are
    not suggested.

    Parameters
    ----------
    eco : Ecosystem
    platform : str
        Id of the platform.
    from_ring, to_ring : str
        Circle layers: candidates come from ``from_ring`` and would move to ``to_ring``.
    top : int
        At most this many suggestions.
    relations : sequence of str
        Relation types that make a tie.

    Returns
    -------
    Promotions
        Best first.

    Raises
    ------
    AnalysisError
        Rings that are not circle layers, or ``to_ring`` not inside ``from_ring``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", kind="platform")
    >>> for m, ring in [("c", "core"), ("f", "collaboration"), ("r1", "radiation"), ("r2", "radiation")]:
    ...     eco.add_org(m); eco.add_relation(m, "p", "in_ring", ring=ring)
    >>> eco.add_relation("c", "r2", "collaborates"); eco.add_relation("f", "r2", "collaborates")
    >>> eco.add_relation("f", "r1", "serves")
    >>> [(p.member, p.inner_ties) for p in suggest_promotions(eco, "p")]
    [('r2', 2), ('r1', 1)]
    """
    for ring in (from_ring, to_ring):
        if ring not in RINGS:
            raise AnalysisError(f"suggest_promotions: {ring!r} is not a circle layer; expected one of {list(RINGS)}")
    inner_limit = RINGS.index(to_ring)
    if inner_limit >= RINGS.index(from_ring):
        raise AnalysisError(f"suggest_promotions: {to_ring!r} is not inside {from_ring!r}", field="to_ring")
    layers = eco.rings(platform)
    candidates = layers[from_ring]
    if not candidates:
        return Promotions([])
    graph = compile(eco, relations=list(relations), directed=False)
    ties = graph.matrix.copy()
    ties.data[:] = 1.0
    per_ring = (ties @ _indicator(_ring_index(graph, layers))).toarray()  # n × 4 ties into each ring
    pos = graph.positions(candidates)
    counts = per_ring[pos].astype(np.int64)
    inner = counts[:, : inner_limit + 1].sum(axis=1)
    order = np.lexsort((np.arange(len(pos)), -counts[:, inner_limit], -counts[:, 0], -inner))
    names = compiled(eco).column("name")
    out = []
    for k in order[inner[order] > 0][: max(top, 0)]:
        k = int(k)
        ties_by_ring = {r: int(counts[k, i]) for i, r in enumerate(RINGS)}
        words = ", ".join(f"{v} {r} {plural(v, 'member')}" for r, v in list(ties_by_ring.items())[: inner_limit + 1] if v)
        out.append(Promotion(candidates[k], names[graph.index[candidates[k]]], ties_by_ring, int(inner[k]),
                             f"tied to {words}"))
    return Promotions(out)
