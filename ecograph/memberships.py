"""Memberships: associations (行业协会/商会/学会), their members, overlaps and bridges.

An association holds members through ``member_of``. Everything here works on sparse
matrices so that the 11,849 memberships of Suzhou's 25 associations stay fast:

- :func:`membership_matrix` — association × member incidence (``scipy.sparse``);
- :func:`association_overlap` / :func:`projection` — shared members, Jaccard, and the
  co-membership projections (the same graphs as networkx's bipartite projections);
- :func:`composition` — counts and shares of listed, leading (龙头), 专精特新 (``specialized``)
  and high-tech members, and the mix of sectors/industries per association;
- :func:`bridging` — firms and associations that span industries or regions
  (Gould–Fernandez brokerage with industry/region groups).

Hierarchies (roll-ups, balance) are in :mod:`ecograph.hierarchies`, regional districts in
:mod:`ecograph.districts`.

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
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .compiled import codes, compiled, node_attribute
from .errors import AnalysisError
from .matrix import SparseGraph
from .results import TableResult

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .model import Ecosystem

__all__ = [
    "MembershipMatrix",
    "AssociationOverlap",
    "Composition",
    "Bridging",
    "membership_matrix",
    "association_overlap",
    "projection",
    "composition",
    "composition_by",
    "GroupComposition",
    "bridging",
]

#: Boolean member flags counted by :func:`composition` (attribute names of the data model).
FLAGS: tuple[str, ...] = ("listed", "leading", "specialized", "high_tech")


# ---------------------------------------------------------------------------- membership matrix
@dataclass(frozen=True)
class MembershipMatrix(TableResult):
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

    columns = ('association', 'member')

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

    def rows(self) -> list[dict[str, Any]]:
        """One row per membership: ``association``, ``member``."""
        return [{"association": a, "member": m} for a in self.associations for m in self.members_of(a)]

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
class AssociationOverlap(TableResult):
    """Shared members between associations.

    Attributes
    ----------
    associations : list of str
    shared : scipy.sparse.csr_array
        ``shared[i, j]`` members in common (the diagonal holds each association's size).
    sizes : numpy.ndarray
    """

    columns = ('a', 'b', 'shared', 'jaccard', 'overlap')

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

    def rows(self) -> list[dict[str, Any]]:
        """The pairs sharing members (:meth:`pairs`)."""
        return self.pairs()

    def to_dict(self) -> dict[str, Any]:
        return {"associations": self.associations, "sizes": self.sizes.tolist(), "pairs": self.pairs()}


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
class Composition(TableResult):
    """Who the members of each association are.

    Attributes
    ----------
    associations : list of dict
        Per association: ``association``, ``name``, ``members``, the count and ``*_share`` of
        every flag, and ``top_<category>`` (the most common value and its share).
    totals : dict
        Over the distinct members of all associations: ``members`` (distinct), ``memberships``
        (sum of association sizes), ``in_several`` (members of two or more of the associations) and
        the distinct count of every flag.
    mix : dict
        category -> association -> {value: count}.
    """

    key = "association"

    associations: list[dict[str, Any]]
    totals: dict[str, int]
    mix: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """One row per association (see :attr:`associations`)."""
        return list(self.associations)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows(), "totals": self.totals, "mix": self.mix}


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
    >>> row = composition(eco).rows()[0]
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
    totals = {"members": len(mm.members), "memberships": int(sizes.sum()),
              "in_several": int((mm.memberships() > 1).sum())}
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


@dataclass(frozen=True)
class GroupComposition(TableResult):
    """Who the members of each group of associations are (see :func:`composition_by`).

    Attributes
    ----------
    by : str
        The associations' attribute that groups them.
    groups : list of dict
        Per group: ``by``'s value, ``associations``, ``members`` (distinct: a firm in two
        associations of the group counts once), the distinct count and ``*_share`` of every flag.
    """

    key = "group"

    by: str
    groups: list[dict[str, Any]]

    def rows(self) -> list[dict[str, Any]]:
        """One row per group (see :attr:`groups`)."""
        return list(self.groups)


def composition_by(eco: Ecosystem, by: str, flags: Sequence[str] = FLAGS) -> GroupComposition:
    """:func:`composition` totals per group of associations (e.g. by ``field``: 强链补链 per industry).

    Parameters
    ----------
    eco : Ecosystem
    by : str
        Attribute of the associations that groups them (associations without it form the group
        ``None``).
    flags : sequence of str
        Boolean member attributes counted, as in :func:`composition`.

    Returns
    -------
    GroupComposition

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="association", field="IT"); eco.add_org("b", kind="association", field="IT")
    >>> eco.add_org("x", high_tech=True); eco.add_org("y")
    >>> eco.add_relation("x", "a", "member_of"); eco.add_relation("x", "b", "member_of"); eco.add_relation("y", "b", "member_of")
    >>> composition_by(eco, "field", flags=["high_tech"]).rows()
    [{'field': 'IT', 'associations': 2, 'members': 2, 'high_tech': 1, 'high_tech_share': 0.5}]
    """
    associations = membership_matrix(eco).associations
    groups: dict[Any, list[str]] = {}
    for association, value in zip(associations, node_attribute(eco, associations, by)):
        groups.setdefault(value, []).append(association)
    rows = []
    for value, members_of in groups.items():
        totals = composition(eco, members_of, flags=flags, categories=()).totals
        row: dict[str, Any] = {by: value, "associations": len(members_of), "members": totals["members"]}
        for flag in flags:
            row[flag] = totals[flag]
            row[f"{flag}_share"] = totals[flag] / totals["members"] if totals["members"] else 0.0
        rows.append(row)
    return GroupComposition(by, rows)


# ---------------------------------------------------------------------------- bridging
@dataclass(frozen=True)
class Bridging(TableResult):
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
    bridges : int
        Members whose associations lie in two or more groups (``bridging`` > 0), all of them
        (:attr:`members` may be cut to the ``top`` ones).
    """

    key = "member"

    by: str
    members: list[dict[str, Any]]
    associations: list[dict[str, Any]]
    bridges: int

    def rows(self) -> list[dict[str, Any]]:
        """One row per bridging member (:attr:`members`)."""
        return list(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "members": self.members, "associations": self.associations, "bridges": self.bridges}


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
    bridges = sum(1 for r in member_rows if r["bridging"] > 0)
    return Bridging(by, member_rows[:top] if top is not None else member_rows, assoc_rows, bridges)
