"""Brokerage: Gould–Fernandez roles and Burt's structural holes.

Gould and Fernandez (1989) classify every *open two-path* ``a -> v -> c`` (``a != c`` and no
arc ``a -> c``) by the groups of its three nodes; the broker is ``v``. Names and columns follow
R ``sna`` 2.7 ``brokerage()`` (checked against its output, see ``tests/data/sna_golden``):

==============  ========  ==========  ============================================
role            sna name  two-path    the broker ...
==============  ========  ==========  ============================================
coordinator     ``w_I``   A -> A -> A  links two members of its own group
itinerant       ``w_O``   A -> B -> A  links two members of another group
representative  ``b_IO``  A -> A -> B  carries its own group's contact out
gatekeeper      ``b_OI``  B -> A -> A  lets an outside contact into its group
liaison         ``b_O``   A -> B -> C  links two other, different groups
total           ``t``                  all open two-paths through the broker
==============  ========  ==========  ============================================

(In the table the broker is the middle letter; the gatekeeper row reads "A -> B -> B" when the
broker's group is called B.) Arcs are binary (weights are ignored) and self-loops never form a
two-path. On an undirected graph each path ``a - v - c`` is counted in both orientations, as
sna does; ``ordered=False`` halves every count so that each unordered path counts once in
total (an A - A - B path then gives ½ representative and ½ gatekeeper).

Expected counts, standard deviations and z-scores are sna's: conditional on the group sizes
and the density ``d = m / (N (N - 1))`` where ``m`` counts arcs, self-loops included.

Burt's :func:`constraint` and :func:`effective_size` equal :func:`networkx.constraint` and
:func:`networkx.effective_size`.

Examples
--------
>>> import networkx as nx
>>> from ecograph import brokerage
>>> g = nx.DiGraph([("u", "v"), ("v", "f")])
>>> r = brokerage(g, {"u": "academia", "v": "academia", "f": "industry"})
>>> r["representative"].to_dict()
{'u': 0.0, 'v': 1.0, 'f': 0.0}
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numba
import numpy as np
import scipy.sparse as sp

from .compiled import compiled
from .errors import AnalysisError
from .matrix import GraphLike, SparseGraph, compile
from .results import NodeValues, TableResult

__all__ = ["ROLES", "SNA_ROLES", "BrokerageResult", "brokerage", "constraint", "effective_size"]

#: The Gould–Fernandez roles, in sna's column order, and the total.
ROLES: tuple[str, ...] = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")

#: ecograph role -> column name of R sna's ``brokerage()``.
SNA_ROLES: dict[str, str] = dict(zip(ROLES, ("w_I", "w_O", "b_IO", "b_OI", "b_O", "t")))

# two-path products per block of brokers when counting closed two-paths (bounds memory)
_BLOCK_WORK = 20_000_000


class BrokerageResult(TableResult):
    """Gould–Fernandez brokerage per node, with sna's expectations and z-scores.

    Attributes
    ----------
    nodes : list
        Node ids, in row order.
    groups : list
        Group of each node.
    raw, expected, sd, z : numpy.ndarray
        ``n x 6`` arrays, columns in :data:`ROLES` order.
    totals, expected_totals, sd_totals, z_totals : dict
        Whole-network values per role (sna's ``raw.gli``, ``exp.gli``, ``sd.gli``, ``z.gli``).
    ordered : bool
        Whether ordered two-paths were counted.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import brokerage
    >>> r = brokerage(nx.path_graph(3), {0: "a", 1: "a", 2: "b"})
    >>> r.totals["total"], r["gatekeeper"][1]
    (2.0, 1.0)
    >>> r.to_pandas().loc[1, "representative"]
    np.float64(1.0)
    """

    key = "node"

    def __init__(
        self,
        nodes: list[Hashable],
        groups: list[Hashable],
        raw: np.ndarray,
        expected: np.ndarray,
        sd: np.ndarray,
        global_stats: np.ndarray,
        ordered: bool,
    ) -> None:
        self.nodes = nodes
        self.groups = groups
        self.raw = raw
        self.expected = expected
        self.sd = sd
        with np.errstate(divide="ignore", invalid="ignore"):
            self.z = (raw - expected) / sd
            gz = (global_stats[0] - global_stats[1]) / global_stats[2]
        self.totals = dict(zip(ROLES, global_stats[0].tolist()))
        self.expected_totals = dict(zip(ROLES, global_stats[1].tolist()))
        self.sd_totals = dict(zip(ROLES, global_stats[2].tolist()))
        self.z_totals = dict(zip(ROLES, gz.tolist()))
        self.ordered = ordered
        for array in (self.raw, self.expected, self.sd, self.z):
            array.flags.writeable = False

    def _column(self, role: str) -> int:
        try:
            return ROLES.index(role)
        except ValueError:
            raise AnalysisError(f"brokerage: unknown role {role!r}; expected one of {ROLES}", field="role") from None

    def __getitem__(self, role: str) -> NodeValues:
        """Raw counts of one role as :class:`NodeValues`."""
        return NodeValues(self.nodes, self.raw[:, self._column(role)], name=role)

    def zscores(self, role: str) -> NodeValues:
        """z-scores of one role (NaN or ±inf where sna's standard deviation is 0)."""
        return NodeValues(self.nodes, self.z[:, self._column(role)], name=f"{role}_z")

    def expected_values(self, role: str) -> NodeValues:
        """Expected counts of one role given each node's group size and the density."""
        return NodeValues(self.nodes, self.expected[:, self._column(role)], name=f"{role}_expected")

    def rows(self) -> list[dict[str, Any]]:
        """One row per node: ``node``, ``group`` and the count of every role."""
        return [{"node": n, "group": g, **dict(zip(ROLES, r))} for n, g, r in zip(self.nodes, self.groups, self.raw.tolist())]

    def to_dict(self) -> dict[str, Any]:
        """Plain data: per node ``{"group", role: count ...}``, expected and z per node, and totals."""

        def table(array: np.ndarray) -> dict[Hashable, dict[str, float]]:
            return {n: dict(zip(ROLES, row)) for n, row in zip(self.nodes, array.tolist())}

        return {
            "roles": list(ROLES),
            "ordered": self.ordered,
            "groups": dict(zip(self.nodes, self.groups)),
            "raw": table(self.raw),
            "expected": table(self.expected),
            "z": table(self.z),
            "totals": dict(self.totals),
            "expected_totals": dict(self.expected_totals),
            "sd_totals": dict(self.sd_totals),
            "z_totals": dict(self.z_totals),
        }

    def to_pandas(self, measure: str = "raw") -> Any:
        """A DataFrame indexed by node: ``group`` and one column per role.

        Parameters
        ----------
        measure : {"raw", "expected", "sd", "z"}
        """
        import pandas as pd

        arrays = {"raw": self.raw, "expected": self.expected, "sd": self.sd, "z": self.z}
        if measure not in arrays:
            raise AnalysisError(f"to_pandas: measure {measure!r}; expected one of {sorted(arrays)}", field="measure")
        frame = pd.DataFrame(arrays[measure], index=pd.Index(self.nodes, name="node"), columns=list(ROLES))
        frame.insert(0, "group", self.groups)
        return frame

    def __repr__(self) -> str:
        return f"BrokerageResult({len(self.nodes)} nodes, {len(set(self.groups))} groups, total={self.totals['total']:g})"


def brokerage(
    G: GraphLike,
    by: str | Mapping[Hashable, Hashable],
    *,
    ordered: bool = True,
    default: Hashable | None = None,
    relations: str | Iterable[str] | None = None,
) -> BrokerageResult:
    """Gould–Fernandez brokerage roles of every node, as R ``sna::brokerage``.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
        Arcs are read as binary; an undirected graph is read in both directions.
    by : str or mapping
        The grouping: a node attribute name (``"sector"``, ``"kind"``, ``"region"`` ...; for an Ecosystem
        also ``"ring"``: the circle layer from the node's ``in_ring`` relation) or a mapping
        node -> group. A SparseGraph has no attributes: pass a mapping.
    ordered : bool
        ``True`` (sna): ordered two-paths, so an undirected path counts twice. ``False``
        (undirected graphs only): every count, expectation and sd halved.
    default : hashable, optional
        Group of nodes that have none; by default such a node is an error.
    relations : str or iterable of str, optional
        Ecosystems: the relation types forming the graph (all by default).

    Returns
    -------
    BrokerageResult
        ``result[role]`` gives :class:`NodeValues`; ``.z``, ``.expected``, ``.totals``.

    Raises
    ------
    AnalysisError
        A node without a group (and no ``default``), an unknown role, or ``ordered=False`` on
        a directed graph.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import brokerage
    >>> g = nx.DiGraph([(0, 1), (1, 2), (2, 3)])
    >>> nx.set_node_attributes(g, {0: "g", 1: "i", 2: "i", 3: "u"}, "sector")
    >>> r = brokerage(g, "sector")
    >>> r["gatekeeper"][1], r["representative"][2]
    (1.0, 1.0)
    """
    graph = compile(G, relations=relations)
    labels = _group_labels(G, graph, by, default)
    if not ordered and graph.directed:
        raise AnalysisError("brokerage: ordered=False applies to undirected graphs only", field="ordered")
    classes: dict[Hashable, int] = {}
    gid = np.fromiter((classes.setdefault(c, len(classes)) for c in labels), dtype=np.int64, count=graph.n)
    sizes = np.bincount(gid, minlength=len(classes)).astype(np.float64)
    pattern = _binary(graph.matrix)
    arcs = pattern.nnz  # sna's m: arcs, self-loops included
    pattern.setdiag(0)
    pattern.eliminate_zeros()
    raw = _role_counts(pattern, gid, len(classes))
    n = float(graph.n)
    density = arcs / (n * (n - 1.0)) if graph.n > 1 else float("nan")  # sna: 0/0 for one node
    expected_group, var_group = _group_expectations(sizes, n, density)
    stats = np.vstack([raw.sum(axis=0), *_global_expectations(sizes, n, density)])
    stats[2] = np.sqrt(stats[2])
    expected = expected_group[gid]
    sd = np.sqrt(var_group)[gid]
    if not ordered:
        raw, expected, sd, stats = raw / 2.0, expected / 2.0, sd / 2.0, stats / 2.0
    return BrokerageResult(graph.nodes, labels, raw, expected, sd, stats, ordered)


def constraint(
    G: GraphLike,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    *,
    relations: str | Iterable[str] | None = None,
) -> NodeValues:
    """Burt's constraint, equal to :func:`networkx.constraint`.

    ``c(v) = sum_w (p_vw + sum_q p_vq p_qw)^2`` over the in- and out-neighbours ``w`` of ``v``,
    with ``p`` the mutual weights (``a_vw + a_wv``) normalised by their row sums.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    nodes : iterable, optional
        Only these nodes (all by default).
    weight : str, optional
        Edge attribute used as weight (``None``: each edge weighs 1).
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems); all by default.

    Returns
    -------
    NodeValues
        NaN for nodes without a neighbour other than themselves. (networkx 3.6 also returns a
        number for a node whose only edge is a self-loop of weight other than 1; ecograph
        returns NaN there too.)

    Raises
    ------
    AnalysisError
        ``G`` is not a graph, or ``relations`` is given with a compiled SparseGraph.
    UnknownRelationError
        A relation type the ecosystem's vocabulary does not know.
    NodeNotFoundError
        A node of ``nodes`` that is not in the graph.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import constraint
    >>> constraint(nx.star_graph(2)).to_dict()
    {0: 0.5, 1: 1.0, 2: 1.0}
    """
    graph, rows, values, _ = _structural_holes(G, nodes, weight, relations)
    return _values(graph, rows, nodes, values, "constraint")


def effective_size(
    G: GraphLike,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    *,
    relations: str | Iterable[str] | None = None,
) -> NodeValues:
    """Burt's effective size, equal to :func:`networkx.effective_size`.

    ``e(v) = sum_w (1 - sum_q p_vq m_wq)`` over the neighbours ``w`` of ``v`` (either
    direction), ``p`` the mutual weights normalised by row sum, ``m`` by row maximum.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    nodes : iterable, optional
        Only these nodes (all by default).
    weight : str, optional
        Edge attribute used as weight (``None``: each edge weighs 1).
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems); all by default.

    Returns
    -------
    NodeValues
        NaN for nodes without a neighbour other than themselves.

    Raises
    ------
    AnalysisError
        ``G`` is not a graph, or ``relations`` is given with a compiled SparseGraph.
    UnknownRelationError
        A relation type the ecosystem's vocabulary does not know.
    NodeNotFoundError
        A node of ``nodes`` that is not in the graph.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import effective_size
    >>> effective_size(nx.path_graph(3)).to_dict()
    {0: 1.0, 1: 2.0, 2: 1.0}
    """
    graph, rows, _, values = _structural_holes(G, nodes, weight, relations)
    return _values(graph, rows, nodes, values, "effective_size")


# ---------------------------------------------------------------------------------- internals
def _group_labels(
    G: GraphLike, graph: SparseGraph, by: Any, default: Hashable | None
) -> list[Hashable]:
    from .model import Ecosystem

    if isinstance(by, Mapping):
        labels = [by.get(node, default) for node in graph.nodes]
        what = "the group mapping"
    elif isinstance(by, str):
        if isinstance(G, SparseGraph):
            raise AnalysisError(
                f"brokerage: a SparseGraph has no node attributes; pass a mapping node -> group instead of {by!r}",
                field="by",
            )
        if isinstance(G, Ecosystem):
            labels = [d.get(by, default) for d in compiled(G).records]  # the compiled graph's node order
        else:
            labels = [G.nodes[node].get(by, default) for node in graph.nodes]
        if isinstance(G, Ecosystem) and by == "ring" and all(label is default for label in labels):
            labels = _ring_labels(G, graph.nodes, default)
        what = f"attribute {by!r}"
    else:
        raise AnalysisError(
            f"brokerage: by must be an attribute name or a mapping node -> group, got {type(by).__name__}",
            field="by",
        )
    for node, label in zip(graph.nodes, labels):
        if label is None:
            raise AnalysisError(
                f"brokerage: node {node!r} has no group in {what}; give it one or pass default=",
                field="by", id=node,
            )
        if not isinstance(label, Hashable):
            raise AnalysisError(f"brokerage: group {label!r} of node {node!r} is not hashable", field="by", id=node)
    return labels


def _ring_labels(eco: Any, nodes: list[Hashable], default: Hashable | None) -> list[Hashable]:
    """Circle layer of each node from its ``in_ring`` relation (one platform at a time)."""
    ring: dict[Hashable, Hashable] = {}
    for u, platform, _key, attrs in eco.relations("in_ring"):
        if ring.setdefault(u, attrs["ring"]) != attrs["ring"]:
            raise AnalysisError(
                f"brokerage: node {u!r} sits in different rings of several platforms (e.g. {platform!r}); "
                "pass a mapping node -> ring for one platform",
                field="by", id=u,
            )
    return [ring.get(node, default) for node in nodes]


def _binary(matrix: sp.csr_array) -> sp.csr_array:
    """Every stored entry (weight 0 included) as an arc of weight 1."""
    out = sp.csr_array((np.ones(matrix.nnz), matrix.indices.copy(), matrix.indptr.copy()), shape=matrix.shape)
    return out


def _role_counts(adjacency: sp.csr_array, gid: np.ndarray, n_groups: int) -> np.ndarray:
    """Open two-paths per broker and role: all pairs (in-nbr, out-nbr) minus a == c minus closed.

    With P the node x group indicator, in-/out-neighbours per group are A^T P and A P;
    reciprocal arcs (a == c) are (A o A^T) P; closed two-paths a -> v -> c with a -> c are
    counted per group of c as ((A_c A_c^T) o A^T) P, A_c the columns of group c.
    """
    n = adjacency.shape[0]
    rows = np.arange(n)
    indicator = sp.csr_array((np.ones(n), (rows, gid)), shape=(n, n_groups))
    a = adjacency
    at = a.T.tocsr()
    in_g = (at @ indicator).toarray()
    out_g = (a @ indicator).toarray()
    rec_g = (a.multiply(at) @ indicator).toarray()

    closed_total = np.zeros(n)
    closed_same = np.zeros(n)  # a and c in one group, summed over groups
    closed_own_a = np.zeros(n)  # a in the broker's group
    closed_own_c = np.zeros(n)  # c in the broker's group
    closed_own_both = np.zeros(n)
    columns = a.tocsc()
    for g in range(n_groups):
        members = np.flatnonzero(gid == g)
        a_c = columns[:, members].tocsr()
        closed = _closed_by_a_group(a_c, at, indicator)  # n x groups, c in group g
        closed_total += closed.sum(axis=1)
        closed_same += closed[:, g]
        closed_own_a += closed[rows, gid]
        closed_own_c[members] = closed[members].sum(axis=1)
        closed_own_both[members] = closed[members, g]

    indeg, outdeg = in_g.sum(axis=1), out_g.sum(axis=1)
    own_in, own_out, own_rec = in_g[rows, gid], out_g[rows, gid], rec_g[rows, gid]
    total = indeg * outdeg - rec_g.sum(axis=1) - closed_total
    coordinator = own_in * own_out - own_rec - closed_own_both
    same_group = (in_g * out_g - rec_g).sum(axis=1) - closed_same
    itinerant = same_group - coordinator
    representative = own_in * (outdeg - own_out) - (closed_own_a - closed_own_both)
    gatekeeper = (indeg - own_in) * own_out - (closed_own_c - closed_own_both)
    liaison = total - same_group - representative - gatekeeper
    return np.column_stack([coordinator, itinerant, representative, gatekeeper, liaison, total])


def _closed_by_a_group(a_c: sp.csr_array, at: sp.csr_array, indicator: sp.csr_array) -> np.ndarray:
    """closed[v, group of a] = #(a, c): a -> v, v -> c, a -> c, c among the columns of ``a_c``.

    Rows are processed in blocks so that the two-path product ``A_c A_c^T`` stays bounded.
    """
    n = a_c.shape[0]
    out = np.zeros((n, indicator.shape[1]))
    if a_c.nnz == 0:
        return out
    a_c_t = a_c.T.tocsr()
    in_deg_c = np.diff(a_c_t.indptr)  # in-degree of each c from all nodes
    work = np.cumsum(a_c @ in_deg_c.astype(np.float64))
    start = 0
    while start < n:
        stop = int(np.searchsorted(work, (work[start - 1] if start else 0.0) + _BLOCK_WORK, side="right"))
        stop = max(stop, start + 1)
        shared = a_c[start:stop] @ a_c_t  # shared[v, a] = #c: v -> c and a -> c
        closed = shared.multiply(at[start:stop])  # keep a -> v
        out[start:stop] = (closed @ indicator).toarray() if closed.nnz else 0.0
        start = stop
    return out


def _group_expectations(sizes: np.ndarray, n: float, d: float) -> tuple[np.ndarray, np.ndarray]:
    """sna's per-group expected counts and variances (``exp.grp``, ``sd.grp``^2)."""
    q = d * d * (1 - d)
    c3 = d**3 * (1 - d) ** 3
    k = sizes
    others = [np.delete(k, i) for i in range(len(k))]
    e = np.zeros((len(k), 6))
    v = np.zeros((len(k), 6))
    e[:, 0] = q * (k - 1) * (k - 2)
    v[:, 0] = e[:, 0] * (1 - q) + 2 * (k - 1) * (k - 2) * (k - 3) * c3
    e[:, 1] = q * np.array([(o * (o - 1)).sum() for o in others])
    v[:, 1] = e[:, 1] * (1 - q) + 2 * np.array([(o * (o - 1) * (o - 2)).sum() for o in others]) * c3
    e[:, 2] = q * (n - k) * (k - 1)
    v[:, 2] = e[:, 2] * (1 - q) + 2 * ((k - 1) * _choose2(n - k) + (n - k) * _choose2(k - 1)) * c3
    e[:, 3], v[:, 3] = e[:, 2], v[:, 2]
    e[:, 4] = q * np.array([o.sum() ** 2 - (o * o).sum() for o in others])
    v[:, 4] = e[:, 4] * (1 - q) + 4 * np.array(
        [(o * _choose2(n - o - ki)).sum() for o, ki in zip(others, k)]
    ) * c3
    e[:, 5] = q * (n - 1) * (n - 2)
    v[:, 5] = e[:, 5] * (1 - q) + 2 * (n - 1) * (n - 2) * (n - 3) * c3
    return e, v


def _global_expectations(k: np.ndarray, n: float, d: float) -> tuple[np.ndarray, np.ndarray]:
    """sna's whole-network expected counts and variances (``exp.gli``, ``sd.gli``^2)."""
    q = d * d * (1 - d)
    d3, d4, d5 = d**3 * (1 - d) ** 3, d**4 * (1 - d) ** 2, d**5 * (1 - d)
    e = np.zeros(6)
    v = np.zeros(6)
    e[0] = q * (k * (k - 1) * (k - 2)).sum()
    v[0] = e[0] * (1 - q) + (k * (k - 1) * (k - 2) * ((4 * k - 10) * d3 - 4 * (k - 3) * d4 + (k - 3) * d5)).sum()
    x, y = k[:, None], k[None, :]
    e[1] = q * (k * (n - k) * (k - 1)).sum()
    v[1] = e[1] * (1 - q) + (
        (x * y * (x - 1) * ((2 * x + 2 * y - 6) * d3 + (n - x - 1) * d5)).sum()
        - (k * k * (k - 1) * ((4 * k - 6) * d3 + (n - k - 1) * d5)).sum()
    )
    e[2] = e[1]
    v[2] = e[2] * (1 - q) + (k * (n - k) * (k - 1) * ((n - 3) * d3 + (k - 2) * d5)).sum()
    e[3], v[3] = e[2], v[2]
    e[4] = q * ((x * y * (n - x - y)).sum() - (k * k * (n - 2 * k)).sum())
    v[4] = e[4] * (1 - q)
    g = len(k)
    for i in range(g):  # triples of distinct groups (i, j, k), as sna's triple loop
        nj, nk = k[:, None], k[None, :]
        term = k[i] * nj * nk * (
            (4 * (n - nj) - 2 * (k[i] + nk + 1)) * d3
            - (4 * (n - nk) - 2 * (k[i] + nj + 1)) * d4
            + (n - (k[i] + nk + 1)) * d5
        )
        distinct = (np.arange(g)[:, None] != np.arange(g)[None, :]) & (np.arange(g)[:, None] != i) & (
            np.arange(g)[None, :] != i
        )
        v[4] += term[distinct].sum()
    e[5] = q * n * (n - 1) * (n - 2)
    v[5] = e[5] * (1 - q) + n * (n - 1) * (n - 2) * ((4 * n - 10) * d3 - 4 * (n - 3) * d4 + (n - 3) * d5)
    return e, v


def _choose2(x: np.ndarray | float) -> np.ndarray | float:
    """R's ``choose(x, 2)`` for any real x: x (x - 1) / 2."""
    return x * (x - 1) / 2


def _structural_holes(
    G: GraphLike, nodes: Iterable[Hashable] | None, weight: str | None, relations: str | Iterable[str] | None
) -> tuple[SparseGraph, np.ndarray, np.ndarray, np.ndarray]:
    """(graph, rows, constraint, effective size) of the requested nodes.

    Mutual weights ``M = A + A^T`` (networkx: an undirected edge counts from both sides; a
    self-loop stays on the diagonal and takes part, as in networkx's matrix formulas). Only the
    entries of ``P M``-type products at neighbour pairs are needed, so a compiled kernel
    accumulates them per node over its neighbours' rows instead of forming the full two-step
    product (which is dominated by hubs).
    """
    graph = compile(G, weight, relations=relations)
    rows = _rows(graph, nodes)
    mutual = (graph.matrix + graph.matrix.T).tocsr()
    mutual.data[mutual.data < 0] = 0.0  # networkx's neighbour mask is mutual weight > 0
    mutual.eliminate_zeros()
    row_sum = np.asarray(mutual.sum(axis=1), dtype=np.float64).ravel()
    row_max = mutual.max(axis=1).toarray().ravel() if mutual.nnz else np.zeros(graph.n)
    chunks = max(1, min(len(rows), 4 * numba.get_num_threads()))
    constraint_values, effective = _burt_kernel(
        mutual.indptr, mutual.indices, mutual.data.astype(np.float64), row_sum, row_max,
        rows.astype(np.int64), chunks,
    )
    lonely = np.diff(mutual.indptr)[rows] - (mutual.diagonal()[rows] > 0) == 0
    constraint_values[lonely] = np.nan
    effective[lonely] = np.nan
    return graph, rows, constraint_values, effective


@numba.njit(cache=True, parallel=True, nogil=True)
def _burt_kernel(indptr, indices, mutual, row_sum, row_max, rows, chunks):  # pragma: no cover - compiled
    """Per node i: constraint sum_j (p_ij + sum_q p_iq p_qj)^2 and effective size
    deg(i) - sum_j sum_q p_iq m_jq over neighbours j, with p = M / row sum, m = M / row max.

    Neighbours j of i are stamped with i; walking the rows of i's neighbours q meets exactly
    the two-step pairs (i, q, j) that end on a neighbour.
    """
    n = len(indptr) - 1
    constraint_out = np.zeros(len(rows))
    effective_out = np.zeros(len(rows))
    for c in numba.prange(chunks):
        stamp = np.full(n, -1, np.int64)
        indirect = np.zeros(n)
        for r in range(c, len(rows), chunks):
            i = rows[r]
            start, stop = indptr[i], indptr[i + 1]
            if stop == start:
                continue
            for e in range(start, stop):
                stamp[indices[e]] = i
                indirect[indices[e]] = 0.0
            redundancy = 0.0
            for e in range(start, stop):
                q = indices[e]
                p_iq = mutual[e] / row_sum[i]
                for f in range(indptr[q], indptr[q + 1]):
                    j = indices[f]
                    if stamp[j] == i:
                        indirect[j] += p_iq * mutual[f] / row_sum[q]
                        redundancy += p_iq * mutual[f] / row_max[j]  # M symmetric: M[j, q] = M[q, j]
            total = 0.0
            for e in range(start, stop):
                local = mutual[e] / row_sum[i] + indirect[indices[e]]
                total += local * local
            constraint_out[r] = total
            effective_out[r] = (stop - start) - redundancy
    return constraint_out, effective_out


def _rows(graph: SparseGraph, nodes: Iterable[Hashable] | None) -> np.ndarray:
    if nodes is None:
        return np.arange(graph.n)
    return graph.positions(list(nodes), what="nodes")


def _values(graph: SparseGraph, rows: np.ndarray, nodes: Any, values: np.ndarray, name: str) -> NodeValues:
    if nodes is None:
        return graph.values(values, name)
    return graph.subset_values(rows, values, name)
