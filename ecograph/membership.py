"""Memberships and hierarchies: associations, their members, districts and roll-ups.

An association (行业协会/商会/学会) holds members through ``member_of``; a hierarchy
(national association → district → centre) is the ``part_of`` forest. Everything here works
on sparse matrices so that the 11,849 memberships of Suzhou's 25 associations, or a
500,000-firm national hierarchy, stay fast:

- :func:`membership_matrix` — association × member incidence (``scipy.sparse``);
- :func:`association_overlap` / :func:`projection` — shared members, Jaccard, and the
  co-membership projections (the same graphs as networkx's bipartite projections);
- :func:`composition` — counts and shares of listed, leading (龙头), 专精特新 (``specialized``)
  and high-tech members, and the mix of sectors/industries per association;
- :func:`bridging` — firms and associations that span industries or regions
  (Gould–Fernandez brokerage with industry/region groups);
- :func:`rollup`, :func:`balance` — counts and numeric attributes summed up the ``part_of``
  tree, and how even the districts are;
- :func:`propose_districts` — a balanced regional partition of centres compared with the
  declared districts (adjusted Rand index).

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem()
>>> for a in ("robot", "ai"):
...     eco.add_org(a, kind="association", industry=a)
>>> for f in ("f1", "f2", "f3"):
...     eco.add_org(f, listed=(f == "f1"))
>>> for f, a in [("f1", "robot"), ("f2", "robot"), ("f2", "ai"), ("f3", "ai")]:
...     eco.add_relation(f, a, "member_of")
>>> mm = membership_matrix(eco)
>>> mm.sizes().tolist()
[2, 2]
>>> association_overlap(mm).pairs()
[{'a': 'robot', 'b': 'ai', 'shared': 1, 'jaccard': 0.3333333333333333, 'overlap': 0.5}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .compiled import compiled
from .errors import AnalysisError, NodeNotFoundError
from .matrix import SparseGraph
from .results import rows_to_pandas

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .model import Ecosystem

__all__ = [
    "MembershipMatrix",
    "AssociationOverlap",
    "Composition",
    "Bridging",
    "Rollup",
    "Balance",
    "DistrictProposal",
    "membership_matrix",
    "association_overlap",
    "projection",
    "composition",
    "bridging",
    "rollup",
    "balance",
    "gini",
    "adjusted_rand_index",
    "propose_districts",
]

#: Boolean member flags counted by :func:`composition` (attribute names of the data model).
FLAGS: tuple[str, ...] = ("listed", "leading", "specialized", "high_tech")


def node_attribute(eco: Ecosystem, nodes: Sequence[str], attr: str, default: Any = None) -> list[Any]:
    """One attribute of many nodes, in ``nodes`` order (``default`` where missing).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", region="苏州"); eco.add_org("b")
    >>> node_attribute(eco, ["a", "b"], "region", "-")
    ['苏州', '-']
    """
    view = compiled(eco)
    records = view.records
    return [records[i].get(attr, default) for i in view.positions(nodes).tolist()]


def codes(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Integer codes for category values (first-seen order) and the categories.

    Examples
    --------
    >>> c, values = codes(["x", "y", "x"])
    >>> c.tolist(), values
    ([0, 1, 0], ['x', 'y'])
    """
    table: dict[Any, int] = {}
    out = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64, count=len(values))
    return out, list(table)


# ---------------------------------------------------------------------------- membership matrix
@dataclass(frozen=True)
class MembershipMatrix:
    """Association × member incidence matrix.

    Attributes
    ----------
    associations : list of str
        Row ids (every requested association, members or not).
    members : list of str
        Column ids (every organisation that is a member of at least one of them).
    matrix : scipy.sparse.csr_array
        ``matrix[i, j] = 1`` when ``members[j]`` is a member of ``associations[i]``.
    """

    associations: list[str]
    members: list[str]
    matrix: sp.csr_array

    def sizes(self) -> np.ndarray:
        """Members per association."""
        return np.asarray(self.matrix.sum(axis=1)).ravel().astype(np.int64)

    def memberships(self) -> np.ndarray:
        """Associations per member."""
        return np.asarray(self.matrix.sum(axis=0)).ravel().astype(np.int64)

    def members_of(self, association: str) -> list[str]:
        row = self.associations.index(association)
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        return [self.members[j] for j in self.matrix.indices[start:end]]

    def to_dict(self) -> dict[str, list[str]]:
        """association -> its members."""
        return {a: self.members_of(a) for a in self.associations}

    def to_pandas(self) -> Any:
        """A 0/1 :class:`pandas.DataFrame` (associations × members, sparse columns)."""
        import pandas as pd

        return pd.DataFrame.sparse.from_spmatrix(
            sp.csr_matrix(self.matrix), index=self.associations, columns=self.members
        )


def membership_matrix(eco: Ecosystem, associations: Iterable[str] | None = None) -> MembershipMatrix:
    """The association × member matrix of ``member_of`` relations.

    Parameters
    ----------
    eco : Ecosystem
    associations : iterable of str, optional
        Rows, in this order; all associations and societies by default. Districts may be given
        too (they also hold members).

    Returns
    -------
    MembershipMatrix

    Raises
    ------
    NodeNotFoundError, EndpointKindError
        An id that is not an association, society or district.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="association"); eco.add_org("x")
    >>> eco.add_relation("x", "a", "member_of")
    >>> membership_matrix(eco).to_dict()
    {'a': ['x']}
    """
    rows = eco.associations() if associations is None else list(associations)
    for a in rows:
        eco.members(a)  # raises a clear error for an unknown id or a non-membership kind

    def build() -> MembershipMatrix:
        view = compiled(eco)
        nodes, member_of = view.nodes, view.relation("member_of")
        src, dst = member_of.source, member_of.target
        row_code = np.full(len(nodes), -1, dtype=np.int64)
        if rows:
            row_code[view.positions(rows)] = np.arange(len(rows))
        keep = row_code[dst] >= 0
        r, members = row_code[dst[keep]], src[keep]
        unique, first = np.unique(members, return_index=True)
        order = unique[np.argsort(first, kind="stable")]  # members in first-seen order
        col_code = np.empty(len(nodes), dtype=np.int64)
        col_code[order] = np.arange(len(order))
        matrix = sp.csr_array((np.ones(len(r), dtype=np.int64), (r, col_code[members])), shape=(len(rows), len(order)))
        matrix.sum_duplicates()
        matrix.data[:] = 1  # two member_of relations (distinct keys) still make one membership
        return MembershipMatrix(rows, [nodes[j] for j in order.tolist()], matrix)

    return eco.cached(("membership_matrix", tuple(rows)), build)


def _as_matrix(source: Ecosystem | MembershipMatrix) -> MembershipMatrix:
    return source if isinstance(source, MembershipMatrix) else membership_matrix(source)


# ---------------------------------------------------------------------------- overlap, projections
@dataclass(frozen=True)
class AssociationOverlap:
    """Shared members between associations.

    Attributes
    ----------
    associations : list of str
    shared : scipy.sparse.csr_array
        ``shared[i, j]`` members in common (the diagonal holds each association's size).
    sizes : numpy.ndarray
    """

    associations: list[str]
    shared: sp.csr_array
    sizes: np.ndarray

    def pairs(self, min_shared: int = 1) -> list[dict[str, Any]]:
        """Every pair ``a < b`` (row order) sharing at least ``min_shared`` members, with
        ``jaccard`` = |A∩B| / |A∪B| and ``overlap`` = |A∩B| / min(|A|, |B|)."""
        upper = sp.triu(self.shared, k=1, format="coo")
        keep = upper.data >= max(min_shared, 1)
        i, j, s = upper.row[keep], upper.col[keep], upper.data[keep]
        jac = s / (self.sizes[i] + self.sizes[j] - s)
        ovl = s / np.minimum(self.sizes[i], self.sizes[j])
        order = np.lexsort((j, i, -s))
        return [
            {"a": self.associations[i[k]], "b": self.associations[j[k]], "shared": int(s[k]),
             "jaccard": float(jac[k]), "overlap": float(ovl[k])}
            for k in order
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"associations": self.associations, "sizes": self.sizes.tolist(), "pairs": self.pairs()}

    def to_pandas(self) -> Any:
        return rows_to_pandas(self.pairs(), columns=["a", "b", "shared", "jaccard", "overlap"])


def association_overlap(source: Ecosystem | MembershipMatrix) -> AssociationOverlap:
    """Members shared by every pair of associations (``M Mᵀ``).

    Parameters
    ----------
    source : Ecosystem or MembershipMatrix
        An ecosystem (its associations and societies) or a membership matrix made from one.

    Returns
    -------
    AssociationOverlap
        Shared members of every pair, with Jaccard and overlap coefficients (``.pairs()``).

    Raises
    ------
    NodeNotFoundError
        An association id that is not in the ecosystem (through :func:`membership_matrix`).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="association"); eco.add_org("b", kind="society")
    >>> eco.add_org("x"); eco.add_relation("x", "a", "member_of"); eco.add_relation("x", "b", "member_of")
    >>> association_overlap(eco).pairs()[0]["jaccard"]
    1.0
    """
    mm = _as_matrix(source)
    shared = sp.csr_array(mm.matrix @ mm.matrix.T)
    return AssociationOverlap(mm.associations, shared, mm.sizes())


def projection(
    source: Ecosystem | MembershipMatrix, side: str = "associations", method: str = "count"
) -> nx.Graph:
    """The co-membership projection as a networkx graph.

    Parameters
    ----------
    source : Ecosystem or MembershipMatrix
    side : {"associations", "members"}
        Project onto associations (linked when they share a member) or onto members (linked
        when they belong to a common association).
    method : {"count", "jaccard", "overlap"}
        ``count`` = number of shared neighbours (as
        :func:`networkx.bipartite.weighted_projected_graph`); ``jaccard`` = |N(u)∩N(v)| /
        |N(u)∪N(v)| and ``overlap`` = |N(u)∩N(v)| / min(|N(u)|, |N(v)|) (as
        :func:`networkx.bipartite.overlap_weighted_projected_graph` with ``jaccard=True`` /
        ``False``).

    Returns
    -------
    networkx.Graph
        Every node of that side (isolated ones included), edge attribute ``weight``.

    Raises
    ------
    AnalysisError
        An unknown ``side`` or ``method``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="association")
    >>> eco.add_org("x"); eco.add_org("y")
    >>> eco.add_relation("x", "a", "member_of"); eco.add_relation("y", "a", "member_of")
    >>> list(projection(eco, "members").edges(data="weight"))
    [('x', 'y', 1)]
    """
    import networkx as nx

    mm = _as_matrix(source)
    if side == "associations":
        incidence, nodes = mm.matrix, mm.associations
    elif side == "members":
        incidence, nodes = sp.csr_array(mm.matrix.T), mm.members
    else:
        raise AnalysisError(f"projection: side {side!r}; expected 'associations' or 'members'", field="side")
    if method not in ("count", "jaccard", "overlap"):
        raise AnalysisError(f"projection: method {method!r}; expected 'count', 'jaccard' or 'overlap'", field="method")
    degree = np.asarray(incidence.sum(axis=1)).ravel()
    shared = sp.triu(incidence @ incidence.T, k=1, format="coo")
    i, j, s = shared.row, shared.col, shared.data
    if method == "count":
        values: Iterable[Any] = s.tolist()
    elif method == "jaccard":
        values = (s / (degree[i] + degree[j] - s)).tolist()
    else:
        values = (s / np.minimum(degree[i], degree[j])).tolist()
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_weighted_edges_from(zip((nodes[k] for k in i), (nodes[k] for k in j), values))
    return graph


# ---------------------------------------------------------------------------- composition
@dataclass(frozen=True)
class Composition:
    """Who the members of each association are.

    Attributes
    ----------
    rows : list of dict
        Per association: ``association``, ``name``, ``members``, the count and ``*_share`` of
        every flag, and ``top_<category>`` (the most common value and its share).
    totals : dict
        Over the distinct members of all associations: ``members`` (distinct), ``memberships``
        (sum of association sizes) and the distinct count of every flag.
    mix : dict
        category -> association -> {value: count}.
    """

    rows: list[dict[str, Any]]
    totals: dict[str, int]
    mix: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "totals": self.totals, "mix": self.mix}

    def to_pandas(self) -> Any:
        return rows_to_pandas(self.rows, index="association")


def composition(
    eco: Ecosystem,
    associations: Iterable[str] | None = None,
    flags: Sequence[str] = FLAGS,
    categories: Sequence[str] = ("sector", "industry"),
) -> Composition:
    """Counts and shares of flagged members, and the category mix, per association.

    A flag counts when the member's attribute is truthy (``listed=True``); a member without the
    attribute counts as not flagged. Shares of an association without members are 0.

    Parameters
    ----------
    eco : Ecosystem
    associations : iterable of str, optional
    flags : sequence of str
        Boolean attributes; by default ``listed``, ``leading`` (龙头), ``specialized`` (专精特新),
        ``high_tech``.
    categories : sequence of str
        Attributes whose value mix is tabulated (members without it count as ``"(none)"``).

    Returns
    -------
    Composition

    Raises
    ------
    NodeNotFoundError
        An association id that is not in the ecosystem.
    EndpointKindError
        An id that is not an association or society.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="association")
    >>> eco.add_org("x", high_tech=True); eco.add_org("y")
    >>> eco.add_relation("x", "a", "member_of"); eco.add_relation("y", "a", "member_of")
    >>> row = composition(eco).rows[0]
    >>> row["high_tech"], row["high_tech_share"]
    (1, 0.5)
    """
    mm = membership_matrix(eco, associations)
    sizes = mm.sizes()
    safe = np.maximum(sizes, 1)
    names = node_attribute(eco, mm.associations, "name")
    rows: list[dict[str, Any]] = [
        {"association": a, "name": n, "members": int(s)} for a, n, s in zip(mm.associations, names, sizes)
    ]
    totals = {"members": len(mm.members), "memberships": int(sizes.sum())}
    for flag in flags:
        vector = np.fromiter((bool(v) for v in node_attribute(eco, mm.members, flag)), dtype=np.int64,
                             count=len(mm.members))
        counts = mm.matrix @ vector
        totals[flag] = int(vector.sum())
        for row, count, size in zip(rows, counts, safe):
            row[flag] = int(count)
            row[f"{flag}_share"] = float(count / size)
    mix: dict[str, dict[str, dict[str, int]]] = {}
    for category in categories:
        code, values = codes([str(v) for v in node_attribute(eco, mm.members, category, "(none)")])
        onehot = sp.csr_array((np.ones(len(code), dtype=np.int64), (np.arange(len(code)), code)),
                              shape=(len(code), len(values)))
        table = (mm.matrix @ onehot).toarray() if len(values) else np.zeros((len(rows), 0), dtype=np.int64)
        mix[category] = {}
        for row, counts, size in zip(rows, table, safe):
            present = {values[k]: int(counts[k]) for k in np.flatnonzero(counts)}
            mix[category][row["association"]] = dict(sorted(present.items(), key=lambda kv: (-kv[1], kv[0])))
            top = next(iter(mix[category][row["association"]].items()), (None, 0))
            row[f"top_{category}"] = top[0]
            row[f"top_{category}_share"] = float(top[1] / size)
    return Composition(rows, totals, mix)


# ---------------------------------------------------------------------------- hierarchy roll-ups
@dataclass(frozen=True)
class Rollup:
    """Counts and numeric attributes summed up the ``part_of`` forest.

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
        attribute -> per node, the attribute summed over the node and its descendants (missing
        values count as 0; ``Decimal`` money stays exact in an object array).
    """

    nodes: list[str]
    parent: np.ndarray
    depth: np.ndarray
    kinds: list[str]
    counts: dict[str, np.ndarray]
    sums: dict[str, np.ndarray]

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

    def to_pandas(self) -> Any:
        return rows_to_pandas(self.rows(), index="node")


def _parents(eco: Ecosystem) -> dict[str, str]:
    """child -> parent of the ``part_of`` forest (as :meth:`Ecosystem.hierarchy`, cached)."""

    def build() -> dict[str, str]:
        view = compiled(eco)
        part_of = view.relation("part_of")
        nodes = view.nodes
        return {nodes[c]: nodes[p] for c, p in zip(part_of.source.tolist(), part_of.target.tolist())}

    return eco.cached("membership._parents", build)


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

    return eco.cached("membership._forest", build)


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
) -> Rollup:
    """Sum counts and numeric attributes up the ``part_of`` hierarchy.

    Parameters
    ----------
    eco : Ecosystem
    attrs : iterable of str, optional
        Numeric attributes to sum; by default every attribute that is numeric (int, float or
        Decimal, not bool) on the forest's nodes.
    attach : str, optional
        A relation type whose targets hang below the forest's nodes, e.g. ``"serves"``: the
        firms a centre serves. Adds ``<attach>_distinct`` (distinct targets in the subtree: a
        firm served by two centres of one district counts once for the district) and
        ``<attach>_<attach_weight>`` (the relation attribute summed over the subtree).
    attach_weight : str, optional
        Relation attribute summed for ``attach`` (``count`` by default; ``None`` to skip).

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
    for attr in keys:
        column = _numeric_column([d.get(attr) for d in records])
        if column is None:
            if requested:
                raise AnalysisError(f"rollup: attribute {attr!r} is not numeric on the hierarchy's nodes", field=attr)
            continue
        sums[attr] = subtree_sum(parent, depth, column)
    if attach is not None and nodes:
        sums.update(_attached(eco, nodes, parent, depth, attach, attach_weight))
    return Rollup(nodes, parent, depth, kinds, counts, sums)


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
        values = np.fromiter((d.get(weight, 1) for d in compress(data, keep.tolist())), dtype=np.float64,
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
class Balance:
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

    level: str
    measure: str
    sizes: dict[str, float]
    min: float
    max: float
    mean: float
    cv: float
    gini: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def to_pandas(self) -> Any:
        return rows_to_pandas([{"unit": u, self.measure: v} for u, v in self.sizes.items()], index="unit")


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


# ---------------------------------------------------------------------------- bridging
@dataclass(frozen=True)
class Bridging:
    """Firms and associations that span groups (industries or regions).

    Attributes
    ----------
    by : str
        The attribute defining the groups.
    members : list of dict
        Per member, best bridges first: ``groups`` (distinct groups of its associations),
        ``bridging`` (pairs of its associations in different groups — the representative,
        gatekeeper and liaison two-paths through it on the membership graph).
    associations : list of dict
        Per association, best bridges first: ``outside_share`` (members from another group) and
        ``bridging`` (two-paths across groups through it on the overlap graph of associations).
    """

    by: str
    members: list[dict[str, Any]]
    associations: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "members": self.members, "associations": self.associations}

    def to_pandas(self) -> Any:
        return rows_to_pandas(self.members, index="member")


_CROSS_ROLES = ("representative", "gatekeeper", "liaison")


def _cross_group(graph: SparseGraph, labels: Mapping[str, Any]) -> np.ndarray:
    """Unordered open two-paths through each node whose ends lie in different groups."""
    from .brokers import brokerage

    result = brokerage(graph, labels, ordered=False)
    return sum(np.asarray(result[role].array) for role in _CROSS_ROLES)


def bridging(eco: Ecosystem, by: str = "industry", associations: Iterable[str] | None = None,
             top: int | None = None) -> Bridging:
    """Members and associations that bridge industries (or regions), via Gould–Fernandez brokerage.

    Groups are the values of attribute ``by`` (missing: ``"(none)"``). Members are brokers on
    the undirected membership graph (association – member – association); associations on
    the association overlap graph (two associations linked when they share a member). A
    bridge's count is its representative + gatekeeper + liaison two-paths, each unordered path
    counted once: the pairs of contacts in different groups it connects.

    Parameters
    ----------
    eco : Ecosystem
    by : str
        ``industry``, ``region`` or any node attribute.
    associations : iterable of str, optional
    top : int, optional
        Keep only the best ``top`` members (all by default).

    Returns
    -------
    Bridging

    Raises
    ------
    NodeNotFoundError
        An association id that is not in the ecosystem.
    EndpointKindError
        An id that is not an association or society.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("a", kind="association", industry="robot")
    >>> eco.add_org("b", kind="association", industry="medical")
    >>> eco.add_org("x", industry="robot"); eco.add_org("y", industry="robot")
    >>> for f, a in [("x", "a"), ("x", "b"), ("y", "a")]:
    ...     eco.add_relation(f, a, "member_of")
    >>> [(m["member"], m["groups"], m["bridging"]) for m in bridging(eco).members]
    [('x', 2, 1.0), ('y', 1, 0.0)]
    """
    mm = membership_matrix(eco, associations)
    na, nm = len(mm.associations), len(mm.members)
    nodes = [*mm.associations, *mm.members]
    group = ["(none)" if v is None else v for v in node_attribute(eco, nodes, by)]
    labels = dict(zip(nodes, group))
    coo = mm.matrix.tocoo()
    two_mode = SparseGraph.from_edges(coo.row, coo.col + na, n=na + nm, nodes=nodes, directed=False)
    member_bridging = _cross_group(two_mode, labels)[na:]
    gcode, gvalues = codes(group)
    assoc_groups = sp.csr_array((np.ones(na), (np.arange(na), gcode[:na])), shape=(na, len(gvalues)))
    spanned = np.asarray(((mm.matrix.T @ assoc_groups) > 0).sum(axis=1)).ravel()
    names = node_attribute(eco, nodes, "name")
    member_rows = [
        {"member": nodes[na + j], "name": names[na + j], "group": group[na + j], "associations": int(k),
         "groups": int(s), "bridging": float(b)}
        for j, (k, s, b) in enumerate(zip(mm.memberships(), spanned, member_bridging))
    ]
    member_rows.sort(key=lambda r: (-r["bridging"], -r["groups"]))
    overlap = association_overlap(mm).shared.tocoo()
    off = overlap.row != overlap.col
    assoc_graph = SparseGraph.from_edges(overlap.row[off], overlap.col[off], n=na, nodes=mm.associations,
                                         directed=True)  # the overlap is symmetric: both arcs are there
    assoc_bridging = _cross_group(assoc_graph.undirected(), labels) if na else np.zeros(0)
    member_groups = sp.csr_array((np.ones(nm), (np.arange(nm), gcode[na:])), shape=(nm, len(gvalues)))
    same = (mm.matrix @ member_groups).toarray()[np.arange(na), gcode[:na]] if na else np.zeros(0)
    outside = mm.sizes() - same
    sizes = np.maximum(mm.sizes(), 1)
    assoc_rows = [
        {"association": a, "name": names[i], "group": group[i], "members": int(mm.sizes()[i]),
         "outside_share": float(outside[i] / sizes[i]), "bridging": float(assoc_bridging[i])}
        for i, a in enumerate(mm.associations)
    ]
    assoc_rows.sort(key=lambda r: (-r["bridging"], -r["outside_share"]))
    return Bridging(by, member_rows[:top] if top is not None else member_rows, assoc_rows)


# ---------------------------------------------------------------------------- regional partition
def adjusted_rand_index(labels_a: Sequence[Any], labels_b: Sequence[Any]) -> float:
    """Adjusted Rand index of two partitions of the same items (1 = identical, ~0 = chance).

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> round(adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 6)
    0.242424
    """
    if len(labels_a) != len(labels_b):
        raise AnalysisError(f"adjusted_rand_index: {len(labels_a)} labels against {len(labels_b)}")
    a, _ = codes(list(labels_a))
    b, _ = codes(list(labels_b))
    n = len(a)
    if n < 2:
        return 1.0
    table = sp.coo_array((np.ones(n), (a, b))).tocsr()
    table.sum_duplicates()

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table.data)
    rows = pairs(np.asarray(table.sum(axis=1)).ravel())
    cols = pairs(np.asarray(table.sum(axis=0)).ravel())
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    if maximum == expected:  # both partitions trivial (one cluster each, or all singletons)
        return 1.0
    return float((index - expected) / (maximum - expected))


@dataclass(frozen=True)
class DistrictProposal:
    """A proposed partition of centres into districts, compared with the declared one.

    Attributes
    ----------
    centres : list of str
    labels : numpy.ndarray
        Proposed district number (0 … k−1) per centre.
    declared : list
        Declared district per centre (its ``part_of`` parent; ``None`` when it has none).
    sizes : list of int
        Centres per proposed district.
    ari : float
        Adjusted Rand index against the declared districts (``nan`` when none is declared).
    confusion : list of dict
        Declared district × proposed district counts.
    regions : list of dict
        Per proposed district: its size and its regions, largest first.
    """

    centres: list[str]
    labels: np.ndarray
    declared: list[Any]
    sizes: list[int]
    ari: float
    confusion: list[dict[str, Any]]
    regions: list[dict[str, Any]]

    def assignment(self) -> dict[str, int]:
        return dict(zip(self.centres, self.labels.tolist()))

    def to_dict(self) -> dict[str, Any]:
        return {"sizes": self.sizes, "ari": self.ari, "confusion": self.confusion, "regions": self.regions,
                "assignment": self.assignment()}

    def to_pandas(self) -> Any:
        return rows_to_pandas(
            [{"centre": c, "proposed": int(p), "declared": d} for c, p, d in zip(self.centres, self.labels, self.declared)],
            index="centre",
        )


#: Approximate latitude and longitude of each provincial capital: "地理位置相近" for
#: :func:`propose_districts` when centres carry a province or region name.
PROVINCE_COORDINATES: dict[str, tuple[float, float]] = {
    "北京": (39.9, 116.4), "天津": (39.1, 117.2), "河北": (38.0, 114.5), "山西": (37.9, 112.5),
    "内蒙古": (40.8, 111.7), "辽宁": (41.8, 123.4), "吉林": (43.9, 125.3), "黑龙江": (45.8, 126.6),
    "上海": (31.2, 121.5), "江苏": (32.1, 118.8), "浙江": (30.3, 120.2), "安徽": (31.8, 117.3),
    "福建": (26.1, 119.3), "江西": (28.7, 115.9), "山东": (36.7, 117.0), "河南": (34.8, 113.7),
    "湖北": (30.6, 114.3), "湖南": (28.2, 113.0), "广东": (23.1, 113.3), "广西": (22.8, 108.3),
    "海南": (20.0, 110.3), "重庆": (29.6, 106.5), "四川": (30.7, 104.1), "贵州": (26.6, 106.7),
    "云南": (25.0, 102.7), "西藏": (29.7, 91.1), "陕西": (34.3, 108.9), "甘肃": (36.1, 103.8),
    "青海": (36.6, 101.8), "宁夏": (38.5, 106.3), "新疆": (43.8, 87.6),
}


def _location(eco: Ecosystem, centres: list[str], region: str, coordinates: Mapping[str, tuple[float, float]],
              weight: float) -> np.ndarray:
    """Standardised (lat, lon) of each centre's region, scaled by ``weight`` (unknown: the mean)."""
    values = node_attribute(eco, centres, region)
    known = np.array([v in coordinates for v in values])
    xy = np.array([coordinates.get(v, (np.nan, np.nan)) for v in values], dtype=np.float64).reshape(-1, 2)
    if not known.any():
        return np.zeros((len(centres), 0))
    mean = xy[known].mean(axis=0)
    xy[~known] = mean
    spread = xy[known].std(axis=0).mean() or 1.0  # one scale for both axes keeps distances isotropic
    return (xy - mean) / spread * weight


def _features(eco: Ecosystem, centres: list[str], weights: Mapping[str, float]) -> np.ndarray:
    """One-hot blocks per categorical attribute, scaled by its weight; numeric attributes
    standardised and scaled (missing values at the mean)."""
    blocks = []
    for attr, weight in weights.items():
        values = node_attribute(eco, centres, attr)
        numeric = _numeric_column(values)
        if numeric is not None:
            x = np.asarray(numeric, dtype=np.float64)
            present = np.array([v is not None for v in values])
            mean = x[present].mean()
            x[~present] = mean
            spread = x.std() or 1.0
            blocks.append(((x - mean) / spread * weight)[:, None])
        else:
            code, cats = codes(["(none)" if v is None else v for v in values])
            onehot = np.zeros((len(centres), len(cats)))
            onehot[np.arange(len(centres)), code] = weight
            blocks.append(onehot)
    return np.hstack(blocks) if blocks else np.zeros((len(centres), 1))


def _balanced_assign(distance: np.ndarray, capacity: int, floor: int = 0) -> np.ndarray:
    """Assign points to clusters nearest first, at least ``floor`` and at most ``capacity`` each.

    Each round every free point bids for its nearest cluster that still has room; each cluster
    keeps its nearest bidders up to its room (rounds <= clusters). Then every cluster below
    ``floor`` takes the points nearest to it from clusters that can spare them.
    """
    n, k = distance.shape
    label = np.full(n, -1, dtype=np.int64)
    room = np.full(k, capacity, dtype=np.int64)
    free = np.arange(n)
    while len(free):
        open_ = room > 0
        masked = np.where(open_[None, :], distance[free], np.inf)
        choice = np.argmin(masked, axis=1)
        for c in np.unique(choice).tolist():  # at most k clusters per round
            bidders = free[choice == c]
            take = bidders[np.argsort(distance[bidders, c], kind="stable")[: room[c]]]
            label[take] = c
            room[c] -= len(take)
        free = free[label[free] < 0]
    sizes = np.bincount(label, minlength=k)
    for c in np.argsort(sizes, kind="stable").tolist():  # smallest first; at most k repairs
        short = floor - sizes[c]
        if short <= 0:
            continue
        donors = np.flatnonzero((sizes[label] > floor) & (label != c))
        # nearest to c first, taking from each donor only what it can spare
        donors = donors[np.argsort(distance[donors, c], kind="stable")]
        spare = sizes - floor
        taken = []
        for p in donors.tolist():  # stops after ``short`` points
            if spare[label[p]] > 0:
                spare[label[p]] -= 1
                taken.append(p)
                if len(taken) == short:
                    break
        for p in taken:
            sizes[label[p]] -= 1
        label[taken] = c
        sizes[c] += len(taken)
    return label


def _balanced_kmeans(
    x: np.ndarray, k: int, capacity: int, floor: int, rng: np.random.Generator, max_iter: int
) -> tuple[np.ndarray, float]:
    """One run of capacity-limited k-means from a k-means++ start: labels and total squared distance."""
    n = len(x)
    centroids = [x[rng.integers(n)]]
    for _ in range(1, k):
        d2 = np.min([((x - c) ** 2).sum(axis=1) for c in centroids], axis=0)
        total = d2.sum()
        centroids.append(x[rng.choice(n, p=d2 / total)] if total > 0 else x[rng.integers(n)])
    center = np.array(centroids)
    label = np.full(n, -1)
    for _ in range(max_iter):
        distance = ((x[:, None, :] - center[None, :, :]) ** 2).sum(axis=2)
        new = _balanced_assign(distance, capacity, floor)
        if np.array_equal(new, label):
            break
        label = new
        counts = np.bincount(label, minlength=k)
        sums = np.zeros_like(center)
        np.add.at(sums, label, x)
        center = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], center)
    cost = float(((x - center[label]) ** 2).sum())
    return label, cost


def propose_districts(
    eco: Ecosystem,
    k: int | None = None,
    *,
    centres: Iterable[str] | None = None,
    region: str | None = None,
    weights: Mapping[str, float] | None = None,
    coordinates: Mapping[str, tuple[float, float]] | None = None,
    location_weight: float = 2.0,
    tolerance: float = 0.1,
    seed: int = 0,
    n_init: int = 10,
    max_iter: int = 100,
) -> DistrictProposal:
    """Propose ``k`` balanced districts for a set of centres from region and industry similarity.

    Balanced k-means: centres are points in a feature space (one-hot blocks for categorical
    attributes such as ``region`` and ``industry``, standardised numeric attributes such as
    coordinates, each block scaled by its weight); k-means++ seeding with ``seed``, then
    alternate a size-limited assignment (at most ⌈n/k · (1 + tolerance)⌉ and at least
    ⌊n/k · (1 − tolerance)⌋ centres per district, nearest first) and centroid updates until
    the assignment is stable; the
    tightest of ``n_init`` restarts wins. The result is deterministic given ``seed``; it is compared with the declared districts (each centre's
    ``part_of`` parent) by the adjusted Rand index.

    Parameters
    ----------
    eco : Ecosystem
    k : int, optional
        Number of districts (default: the number of declared districts, else 10).
    centres : iterable of str, optional
        Default: every ``productivity_center``.
    region : str, optional
        The attribute naming each centre's region (default: ``region`` if centres have it,
        else ``province``).
    weights : mapping, optional
        attribute -> weight; default ``{region: 1.0, "industry": 0.5}``.
    coordinates : mapping, optional
        region value -> (latitude, longitude), so that neighbouring regions group together;
        default :data:`PROVINCE_COORDINATES` (Chinese provinces); an empty mapping disables it.
    location_weight : float
        Weight of the standardised coordinates.
    tolerance : float
        Allowed relative deviation from the mean district size, both ways.
    seed : int
    n_init : int
        Restarts from different k-means++ seeds.
    max_iter : int

    Returns
    -------
    DistrictProposal

    Raises
    ------
    AnalysisError
        ``k`` < 1 or larger than the number of centres.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> for i, region in enumerate(["辽宁", "辽宁", "吉林", "广东", "广东", "广西"]):
    ...     eco.add_org(f"c{i}", kind="productivity_center", region=region, industry="机械" if i < 3 else "电子")
    >>> p = propose_districts(eco, 2, tolerance=0.0)
    >>> p.sizes, p.labels.tolist() in ([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0])
    ([3, 3], True)
    """
    picks = eco.nodes("productivity_center") if centres is None else list(centres)
    n = len(picks)
    parents = _parents(eco)
    declared = [parents.get(c) for c in picks]
    if k is None:
        k = len({d for d in declared if d is not None}) or 10
    if not 1 <= k <= max(n, 1) or n == 0:
        raise AnalysisError(f"propose_districts: cannot make {k} districts from {n} centres", field="k", value=k)
    if region is None:
        region = next((a for a in ("region", "province") if any(v is not None for v in node_attribute(eco, picks, a))),
                      "region")
    x = _features(eco, picks, {region: 1.0, "industry": 0.5} if weights is None else weights)
    places = PROVINCE_COORDINATES if coordinates is None else coordinates
    if places:
        x = np.hstack([x, _location(eco, picks, region, places, location_weight)])
    capacity = int(np.ceil(n / k * (1 + tolerance)))
    floor = int(np.floor(n / k * max(1 - tolerance, 0)))
    rng = np.random.default_rng(seed)
    best: tuple[float, np.ndarray] | None = None
    for _ in range(n_init):  # restarts: keep the tightest partition
        label, cost = _balanced_kmeans(x, k, capacity, floor, rng, max_iter)
        if best is None or cost < best[0] - 1e-12:
            best = (cost, label)
    label = best[1]
    has_declared = [d is not None for d in declared]
    ari = (adjusted_rand_index([d for d, h in zip(declared, has_declared) if h], label[has_declared])
           if any(has_declared) else float("nan"))
    confusion: dict[Any, list[int]] = {}
    for d, p in zip(declared, label.tolist()):
        confusion.setdefault(d, [0] * k)[p] += 1
    regions_of = node_attribute(eco, picks, region, "(none)")
    regions = []
    for c in range(k):
        members = [regions_of[i] for i in np.flatnonzero(label == c)]
        regions.append({"district": c, "size": len(members), "regions": _top_counts(members)})
    return DistrictProposal(
        picks, label, declared, np.bincount(label, minlength=k).tolist(), ari,
        [{"declared": d, **{f"proposed_{c}": v for c, v in enumerate(row)}} for d, row in confusion.items()],
        regions,
    )


def _top_counts(values: list[Any], limit: int = 6) -> str:
    table: dict[Any, int] = {}
    for v in values:
        table[v] = table.get(v, 0) + 1
    top = sorted(table.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return ", ".join(f"{v} {c}" for v, c in top[:limit]) + (" …" if len(top) > limit else "")
