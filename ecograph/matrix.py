"""Compiled sparse graphs: the CSR core every analytic runs on.

A :class:`SparseGraph` is a graph compiled once into compressed sparse row (CSR) arrays:
``A[i, j]`` is the weight of the edge ``i -> j`` (for an undirected graph both ``A[i, j]``
and ``A[j, i]``; a self-loop once, on the diagonal). Node ids live in :attr:`SparseGraph.nodes`
with an id -> position :attr:`SparseGraph.index`. Column indices are ``int32`` whenever they
fit, weights ``float64``.

It is built from

* an :class:`~ecograph.model.Ecosystem` with :meth:`SparseGraph.from_ecosystem` (choice of
  relation types, weight attribute and directed/undirected view; symmetric relations such as
  ``collaborates`` are read both ways), memoised with ``eco.cached`` so that any change to the
  ecosystem recompiles it;
* any networkx graph with :meth:`SparseGraph.from_networkx`: parallel edges of multigraphs are
  summed as :func:`networkx.to_scipy_sparse_array` does (or reduced to their minimum for
  shortest paths, as networkx's weighted path algorithms do);
* integer edge arrays with :meth:`SparseGraph.from_edges` (the fast route for large graphs).

Analytics accept an Ecosystem, a SparseGraph or a networkx graph: they call
:func:`compile`, which compiles (or reuses) the matrix, so their hot paths only see arrays.

Examples
--------
>>> import networkx as nx
>>> import ecograph as eg
>>> g = eg.compile(nx.path_graph(3))
>>> g
<SparseGraph undirected: 3 nodes, 4 stored entries, weight=None>
>>> g.matrix.toarray()
array([[0., 1., 0.],
       [1., 0., 1.],
       [0., 1., 0.]])
>>> g.out_degree.tolist()
[1, 2, 1]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import scipy.sparse as sp

from .compiled import compiled, index_of
from .errors import AnalysisError, AttributeTypeError, NodeNotFoundError, UnknownRelationError
from .results import NodeValues

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .model import Ecosystem

__all__ = ["SparseGraph", "compile", "GraphLike"]

#: How parallel edges between the same ordered pair are merged.
Combine = Literal["sum", "min"]

#: What the analytics accept.
GraphLike = Any  # Ecosystem | SparseGraph | networkx graph (kept loose to avoid import cycles)

_INT32_MAX = np.iinfo(np.int32).max


class SparseGraph:
    """A graph compiled to CSR arrays, with its node ids.

    Build it with :func:`compile` or the ``from_*`` constructors rather than directly.

    Parameters
    ----------
    nodes : sequence
        Node ids, in matrix order.
    matrix : scipy.sparse.csr_array
        ``n x n`` adjacency in canonical form (sorted indices, no duplicates). Explicit zeros
        are edges of weight 0.
    directed : bool
        ``False`` when ``matrix`` is the symmetric adjacency of an undirected graph.
    weight : str or None
        The edge attribute the weights came from (``None``: each edge counts 1).
    combine : {"sum", "min"}
        How parallel edges were merged.

    Attributes
    ----------
    nodes : list
        Node ids in matrix order.
    directed : bool
    weight : str or None
    combine : str

    Examples
    --------
    >>> g = SparseGraph.from_edges([0, 1, 1], [1, 2, 2], nodes=["a", "b", "c"])
    >>> g.matrix.toarray()
    array([[0., 1., 0.],
           [0., 0., 2.],
           [0., 0., 0.]])
    >>> g.in_degree.tolist(), g.out_strength.tolist()
    ([0, 1, 1], [1.0, 2.0, 0.0])
    """

    def __init__(
        self,
        nodes: Sequence[Hashable],
        matrix: sp.csr_array,
        *,
        directed: bool,
        weight: str | None = None,
        combine: Combine = "sum",
    ) -> None:
        n = len(nodes)
        if matrix.shape != (n, n):
            raise AnalysisError(f"SparseGraph: {n} nodes but a matrix of shape {matrix.shape}")
        self.nodes: list[Hashable] = nodes if isinstance(nodes, list) else list(nodes)
        self.directed = bool(directed)
        self.weight = weight
        self.combine = combine
        self._matrix = matrix
        self._index: dict[Hashable, int] | None = None
        self._transpose: SparseGraph | None = None
        self._node_array: np.ndarray | None = None
        self._range_ids: bool | None = None  # nodes are exactly the ints 0..n-1, in order

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_edges(
        cls,
        sources: Iterable[int] | np.ndarray,
        targets: Iterable[int] | np.ndarray,
        weights: Iterable[float] | np.ndarray | None = None,
        *,
        n: int | None = None,
        nodes: Sequence[Hashable] | None = None,
        directed: bool = True,
        weight: str | None = None,
        combine: Combine = "sum",
    ) -> SparseGraph:
        """Compile integer edge arrays (positions ``0..n-1``).

        Parameters
        ----------
        sources, targets : array_like of int
            Edge endpoints as node positions.
        weights : array_like of float, optional
            Edge weights (1 for every edge by default).
        n : int, optional
            Number of nodes (default: ``len(nodes)``, else the largest position + 1).
        nodes : sequence, optional
            Node ids in position order (default ``range(n)``).
        directed : bool
            ``False`` reads every edge both ways (a self-loop once).
        weight : str, optional
            Name of the weight attribute, recorded for reference.
        combine : {"sum", "min"}
            Merge parallel edges by summing their weights (as
            :func:`networkx.to_scipy_sparse_array`) or by keeping the smallest (as networkx's
            shortest-path algorithms on multigraphs).

        Returns
        -------
        SparseGraph

        Raises
        ------
        AnalysisError
            Arrays of different lengths, or positions outside ``0..n-1``.

        Examples
        --------
        >>> g = SparseGraph.from_edges([0, 0], [1, 1], [2.0, 5.0], directed=False, combine="min")
        >>> g.matrix.toarray()
        array([[0., 2.],
               [2., 0.]])
        """
        src = np.asarray(sources, dtype=np.int64).ravel()
        dst = np.asarray(targets, dtype=np.int64).ravel()
        if len(src) != len(dst):
            raise AnalysisError(f"from_edges: {len(src)} sources but {len(dst)} targets")
        if weights is None:
            w = np.ones(len(src), dtype=np.float64)
        else:
            w = np.asarray(weights, dtype=np.float64).ravel()
            if len(w) != len(src):
                raise AnalysisError(f"from_edges: {len(src)} edges but {len(w)} weights")
        if n is None:
            n = len(nodes) if nodes is not None else (int(max(src.max(), dst.max())) + 1 if len(src) else 0)
        range_ids = nodes is None
        if nodes is None:
            nodes = list(range(n))
        elif len(nodes) != n:
            raise AnalysisError(f"from_edges: n={n} but {len(nodes)} node ids")
        if len(src) and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
            raise AnalysisError(f"from_edges: edge endpoints must be positions in 0..{n - 1}")
        if not directed:
            off = src != dst  # a self-loop is stored once, as networkx does
            src, dst, w = (np.concatenate((src, dst[off])), np.concatenate((dst, src[off])),
                           np.concatenate((w, w[off])))
        graph = cls(list(nodes), _csr(src, dst, w, n, combine), directed=directed, weight=weight, combine=combine)
        if range_ids:
            graph._range_ids = True
        return graph

    @classmethod
    def from_networkx(
        cls,
        graph: nx.Graph,
        weight: str | None = None,
        *,
        combine: Combine = "sum",
        relations: str | Iterable[str] | None = None,
    ) -> SparseGraph:
        """Compile any networkx graph (Graph, DiGraph, MultiGraph, MultiDiGraph).

        Parameters
        ----------
        graph : networkx graph
        weight : str, optional
            Edge attribute holding the weight; edges without it weigh 1. ``None``: every edge
            weighs 1 (parallel edges then count their multiplicity).
        combine : {"sum", "min"}
            How parallel edges of a multigraph merge (see :meth:`from_edges`).
        relations : str or iterable of str, optional
            Keep only edges whose ``type`` attribute is one of these (as in graphs exported by
            :meth:`Ecosystem.to_networkx`).

        Returns
        -------
        SparseGraph
            Nodes in ``list(graph)`` order; same matrix as ``nx.to_scipy_sparse_array``.

        Examples
        --------
        >>> import networkx as nx
        >>> m = nx.MultiGraph([(0, 1), (0, 1), (1, 1)])
        >>> SparseGraph.from_networkx(m).matrix.toarray()
        array([[0., 2.],
               [2., 1.]])
        """
        nodes = list(graph)
        index = index_of(nodes)
        types = _as_set(relations)
        if types is None:
            edges = graph.edges(data=weight, default=1)
        else:
            edges = (
                (u, v, 1 if weight is None else d.get(weight, 1))
                for u, v, d in graph.edges(data=True) if d.get("type") in types
            )
        src: list[int] = []
        dst: list[int] = []
        wts: list[Any] = []
        for u, v, value in edges:
            src.append(index[u])
            dst.append(index[v])
            wts.append(value)
        w = None if weight is None else _to_float(wts, f"edge attribute {weight!r}")
        return cls.from_edges(
            np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), w, n=len(nodes), nodes=nodes,
            directed=graph.is_directed(), weight=weight, combine=combine,
        )

    @classmethod
    def from_ecosystem(
        cls,
        eco: Ecosystem,
        relations: str | Iterable[str] | None = None,
        weight: str | None = None,
        *,
        directed: bool | None = None,
        combine: Combine = "sum",
    ) -> SparseGraph:
        """Compile an ecosystem's relations (memoised until the ecosystem changes).

        Parameters
        ----------
        eco : Ecosystem
        relations : str or iterable of str, optional
            Relation types to include (all by default).
        weight : str, optional
            Relation attribute used as weight (ints, floats and Decimals are read as floats;
            relations without it weigh 1).
        directed : bool, optional
            Directed view: a directed relation ``u -> v`` gives ``A[u, v]``, a symmetric one
            (``collaborates``) both ``A[u, v]`` and ``A[v, u]``. Undirected view: every
            relation is an undirected edge. ``None`` (default) picks the undirected view when
            every included relation type is symmetric, the directed view otherwise.
        combine : {"sum", "min"}
            How several relations between the same pair merge.

        Returns
        -------
        SparseGraph
            Nodes in the ecosystem's insertion order (every organisation, also those without
            any included relation).

        Raises
        ------
        UnknownRelationError
            A relation type the vocabulary does not know.
        AttributeTypeError
            A weight that is not a number (names the relation).

        Examples
        --------
        >>> from ecograph import Ecosystem
        >>> eco = Ecosystem()
        >>> for i in "abc":
        ...     eco.add_org(i)
        >>> eco.add_relation("a", "b", "serves", count=3)
        >>> eco.add_relation("b", "c", "collaborates")
        >>> g = SparseGraph.from_ecosystem(eco, weight="count")
        >>> g.directed, g.matrix.toarray().tolist()
        (True, [[0.0, 3.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
        """
        types = _as_set(relations)
        known = eco.vocabulary.relations
        if types is not None:
            for t in sorted(types):
                if t not in known:
                    raise UnknownRelationError(
                        f"compile: unknown relation type {t!r}; expected one of {sorted(known)}",
                        field="relations", value=t,
                    )
        key = ("ecograph.matrix", None if types is None else tuple(sorted(types)), weight, directed, combine)
        return eco.cached(key, lambda: cls._compile_ecosystem(eco, types, weight, directed, combine))

    @classmethod
    def _compile_ecosystem(
        cls, eco: Ecosystem, types: set[str] | None, weight: str | None, directed: bool | None, combine: Combine
    ) -> SparseGraph:
        view = compiled(eco)
        specs = eco.vocabulary.relations
        chosen = view.relations(None if types is None else [t for t in specs if t in types])
        if directed is None:  # undirected only when every relation type in play is symmetric
            in_play = [t for t, _ in chosen] if types is None else list(types)
            directed = any(specs[t].directed for t in in_play)
        parts_u, parts_v, parts_w = [], [], []
        for rtype, edges in chosen:
            u_arr, v_arr = edges.source, edges.target
            w = np.ones(len(edges)) if weight is None else _relation_weights(eco, edges.column(weight, 1), weight, {rtype})
            if directed and not specs[rtype].directed:  # a symmetric relation is read both ways (a self-loop once)
                back = u_arr != v_arr
                u_arr, v_arr, w = (np.concatenate((u_arr, v_arr[back])), np.concatenate((v_arr, u_arr[back])),
                                   np.concatenate((w, w[back])))
            parts_u.append(u_arr)
            parts_v.append(v_arr)
            parts_w.append(w)
        empty = np.zeros(0, dtype=np.int64)
        u_all = np.concatenate(parts_u) if parts_u else empty
        v_all = np.concatenate(parts_v) if parts_v else empty
        w_all = np.concatenate(parts_w) if parts_w else np.zeros(0)
        graph = cls.from_edges(u_all, v_all, w_all, n=len(view.nodes), nodes=view.nodes, directed=directed,
                               weight=weight, combine=combine)
        graph._index = view.index  # one id -> position map per ecosystem version
        return graph

    # ------------------------------------------------------------------ arrays
    @property
    def matrix(self) -> sp.csr_array:
        """The ``n x n`` CSR adjacency (``A[i, j]`` = weight of ``i -> j``). Do not modify."""
        return self._matrix

    @property
    def indptr(self) -> np.ndarray:
        return self._matrix.indptr

    @property
    def indices(self) -> np.ndarray:
        return self._matrix.indices

    @property
    def data(self) -> np.ndarray:
        return self._matrix.data

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def nnz(self) -> int:
        """Number of stored entries (an undirected edge counts twice, a self-loop once)."""
        return int(self._matrix.nnz)

    def __len__(self) -> int:
        return len(self.nodes)

    def is_directed(self) -> bool:
        """networkx-style accessor for :attr:`directed`.

        Examples
        --------
        >>> SparseGraph.from_edges([0], [1], directed=False).is_directed()
        False
        """
        return self.directed

    @property
    def index(self) -> dict[Hashable, int]:
        """Node id -> position (built on first use)."""
        if self._index is None:
            self._index = index_of(self.nodes)
        return self._index

    @property
    def T(self) -> SparseGraph:
        """The reversed graph (transposed matrix), computed once; itself when undirected."""
        if not self.directed:
            return self
        if self._transpose is None:
            rev = self._matrix.T.tocsr()
            rev.sort_indices()
            t = SparseGraph(self.nodes, _narrow(rev), directed=True, weight=self.weight, combine=self.combine)
            t._index = self._index
            t._node_array = self._node_array
            t._range_ids = self._range_ids
            t._transpose = self
            self._transpose = t
        return self._transpose

    @property
    def out_degree(self) -> np.ndarray:
        """Distinct out-neighbours per node (a self-loop counts once)."""
        return np.diff(self._matrix.indptr)

    @property
    def in_degree(self) -> np.ndarray:
        """Distinct in-neighbours per node."""
        if not self.directed:
            return self.out_degree
        return np.bincount(self._matrix.indices, minlength=self.n)

    @property
    def out_strength(self) -> np.ndarray:
        """Row sums of the weights (edge multiplicities when compiled with ``weight=None``)."""
        return np.asarray(self._matrix.sum(axis=1), dtype=np.float64).ravel()

    @property
    def in_strength(self) -> np.ndarray:
        """Column sums of the weights."""
        if not self.directed:
            return self.out_strength
        return np.bincount(self._matrix.indices, weights=self.data, minlength=self.n).astype(np.float64)

    def undirected(self) -> SparseGraph:
        """The undirected view: every edge read both ways (itself when already undirected).

        Weights of ``u -> v`` and ``v -> u`` add up (with ``combine="min"`` the smaller one is
        kept); a self-loop stays once, on the diagonal.

        Examples
        --------
        >>> g = SparseGraph.from_edges([0, 1], [1, 0], [1.0, 2.0])
        >>> g.undirected().matrix.toarray().tolist()
        [[0.0, 3.0], [3.0, 0.0]]
        """
        if not self.directed:
            return self
        a = self._matrix.tocoo()
        g = SparseGraph.from_edges(a.row, a.col, a.data, n=self.n, nodes=self.nodes, directed=False,
                                   weight=self.weight, combine=self.combine)
        g._index = self._index
        return g

    def diagonal(self) -> np.ndarray:
        """Self-loop weights (0 where there is none).

        Examples
        --------
        >>> SparseGraph.from_edges([0, 1], [0, 0], [4.0, 1.0]).diagonal().tolist()
        [4.0, 0.0]
        """
        return self._matrix.diagonal()

    def nbytes(self) -> int:
        """Bytes held by the CSR arrays (and the transpose, once computed); ids not counted.

        Examples
        --------
        >>> SparseGraph.from_edges([0, 1], [1, 2]).nbytes()  # indptr 4*4 + indices 2*4 + data 2*8
        40
        """
        total = sum(a.nbytes for a in (self.indptr, self.indices, self.data))
        if self.directed and self._transpose is not None:
            t = self._transpose._matrix
            total += t.indptr.nbytes + t.indices.nbytes + t.data.nbytes
        return int(total)

    # ------------------------------------------------------------------ ids <-> positions
    def positions(self, ids: Hashable | Iterable[Hashable], what: str = "node") -> np.ndarray:
        """Positions of node ids (a single id or an iterable), as an ``int64`` array.

        Raises
        ------
        NodeNotFoundError
            Naming every unknown id (``what`` says which argument they came from).

        Examples
        --------
        >>> g = SparseGraph.from_edges([0], [1], nodes=["a", "b"])
        >>> g.positions(["b", "a"]).tolist()
        [1, 0]
        """
        if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable) or (
            isinstance(ids, tuple) and ids in self.index
        ):
            ids = [ids]
        if self.range_ids:  # ids are positions: check the range, no dictionary
            array = np.asarray(ids if isinstance(ids, (list, np.ndarray)) else list(ids))
            if array.ndim == 1 and array.dtype.kind in "iu":
                bad = (array < 0) | (array >= self.n)
                if not bad.any():
                    return array.astype(np.int64, copy=False)
        index = self.index
        try:  # the common case, at C speed
            return np.fromiter((index[v] for v in ids), dtype=np.int64)
        except (KeyError, TypeError):
            pass
        missing = []
        for v in ids:
            try:
                index[v]
            except (KeyError, TypeError):
                missing.append(v)
        shown = ", ".join(repr(m) for m in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise NodeNotFoundError(
            f"{what}: {len(missing)} id(s) not in the graph: {shown}", id=missing[0], ids=missing
        )

    @property
    def range_ids(self) -> bool:
        """True when the node ids are the ints ``0..n-1`` in order (ids and positions coincide).

        Examples
        --------
        >>> SparseGraph.from_edges([0], [1]).range_ids, SparseGraph.from_edges([0], [1], nodes="ab").range_ids
        (True, False)
        """
        if self._range_ids is None:
            nodes = self.nodes
            self._range_ids = nodes == list(range(len(nodes))) and all(type(v) is int for v in nodes)
        return self._range_ids

    def ids(self, positions: np.ndarray) -> list[Hashable]:
        """Node ids at ``positions`` (vectorised lookup, for large result sets).

        Examples
        --------
        >>> SparseGraph.from_edges([0], [1], nodes=["a", "b"]).ids(np.array([1, 1, 0]))
        ['b', 'b', 'a']
        """
        if self.range_ids:
            return np.asarray(positions, dtype=np.int64).tolist()
        if self._node_array is None:
            # fromiter keeps tuple ids whole (array assignment would unpack them)
            self._node_array = np.fromiter(self.nodes, dtype=object, count=self.n)
        return self._node_array[np.asarray(positions, dtype=np.int64)].tolist()

    def values(self, array: np.ndarray, name: str) -> NodeValues:
        """Wrap one value per node as :class:`~ecograph.results.NodeValues`.

        Examples
        --------
        >>> g = SparseGraph.from_edges([0], [1], nodes=["a", "b"])
        >>> g.values(g.out_strength, "out").to_dict()
        {'a': 1.0, 'b': 0.0}
        """
        return NodeValues(self.nodes, array, name=name, index=self._index)

    def subset_values(self, positions: np.ndarray, array: np.ndarray, name: str) -> NodeValues:
        """NodeValues over the nodes at ``positions`` only (``array`` aligned with them).

        Examples
        --------
        >>> g = SparseGraph.from_edges([0], [1], nodes=["a", "b"])
        >>> g.subset_values(np.array([1]), np.array([7]), "x").to_dict()
        {'b': 7}
        """
        return NodeValues(self.ids(positions), array, name=name)

    def to_networkx(self) -> nx.Graph:
        """A networkx ``Graph``/``DiGraph`` with the weights in attribute ``weight``.

        Examples
        --------
        >>> SparseGraph.from_edges([0], [1], [2.5]).to_networkx().edges(data=True)
        OutEdgeDataView([(0, 1, {'weight': 2.5})])
        """
        import networkx as nx

        coo = self._matrix.tocoo()
        graph = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(self.nodes)
        nodes = self.nodes
        graph.add_weighted_edges_from(
            (nodes[i], nodes[j], w) for i, j, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist())
        )
        return graph

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"<SparseGraph {kind}: {self.n} nodes, {self.nnz} stored entries, weight={self.weight!r}>"


# ---------------------------------------------------------------------- public helpers
def compile(
    G: GraphLike,
    weight: str | None = None,
    *,
    relations: str | Iterable[str] | None = None,
    directed: bool | None = None,
    combine: Combine = "sum",
) -> SparseGraph:
    """Compile an Ecosystem or networkx graph to a :class:`SparseGraph` (a SparseGraph is returned as is).

    The conversion every analytic starts with. A :class:`SparseGraph` is returned unchanged
    (it was compiled with its own weights, which are used as they are); ``relations`` cannot
    be applied to it, and ``directed=False`` gives its symmetrised view. Ecosystems are
    compiled once per option set and cached until they change; networkx graphs are compiled
    on every call (compile them once when running several analytics on a large graph).

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    weight : str, optional
        Edge attribute used as weight (``None``: each edge counts 1).
    relations : str or iterable of str, optional
        Relation types to include (Ecosystems, and networkx graphs whose edges carry ``type``).
    directed : bool, optional
        Ecosystems only: force the directed or undirected view (see
        :meth:`SparseGraph.from_ecosystem`). A networkx graph keeps its own direction; a
        directed one can be viewed undirected with ``directed=False``.
    combine : {"sum", "min"}
        How parallel edges merge.

    Returns
    -------
    SparseGraph

    Raises
    ------
    AnalysisError
        Something that is not a graph, or ``relations`` given with a SparseGraph.

    Examples
    --------
    >>> import networkx as nx
    >>> import ecograph as eg
    >>> g = eg.compile(nx.DiGraph([("x", "y", {"w": 2})]), weight="w")
    >>> g.nodes, g.matrix.toarray().tolist()
    (['x', 'y'], [[0.0, 2.0], [0.0, 0.0]])
    >>> eg.compile(g) is g
    True
    """
    from .model import Ecosystem

    if isinstance(G, SparseGraph):
        if relations is not None:
            raise AnalysisError("relations= cannot filter an already compiled SparseGraph; compile the Ecosystem instead")
        return G.undirected() if directed is False else G
    if isinstance(G, Ecosystem):
        return SparseGraph.from_ecosystem(G, relations, weight, directed=directed, combine=combine)
    if hasattr(G, "is_directed") and hasattr(G, "edges") and hasattr(G, "is_multigraph"):
        compiled = SparseGraph.from_networkx(G, weight, combine=combine, relations=relations)
        return compiled.undirected() if directed is False else compiled
    raise AnalysisError(
        f"expected an Ecosystem, a SparseGraph or a networkx graph, got {type(G).__name__}"
    )


# ---------------------------------------------------------------------- internals
def _csr(src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int, combine: Combine) -> sp.csr_array:
    if combine == "min" and len(src):
        key = src * max(n, 1) + dst
        order = np.lexsort((w, key))
        key = key[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        keep = order[first]
        src, dst, w = src[keep], dst[keep], w[keep]
    elif combine not in ("sum", "min"):
        raise AnalysisError(f"combine must be 'sum' or 'min', got {combine!r}")
    idx = np.int32 if n <= _INT32_MAX else np.int64
    matrix = sp.csr_array((w, (src.astype(idx), dst.astype(idx))), shape=(n, n))
    matrix.sum_duplicates()
    return _narrow(matrix)


def _narrow(matrix: sp.csr_array) -> sp.csr_array:
    """int32 index arrays whenever they fit (scipy may widen them)."""
    if matrix.nnz <= _INT32_MAX and matrix.shape[0] <= _INT32_MAX:
        if matrix.indices.dtype != np.int32:
            matrix.indices = matrix.indices.astype(np.int32)
        if matrix.indptr.dtype != np.int32:
            matrix.indptr = matrix.indptr.astype(np.int32)
    return matrix


def _as_set(relations: str | Iterable[str] | None) -> set[str] | None:
    if relations is None:
        return None
    return {relations} if isinstance(relations, str) else set(relations)


def _relation_weights(eco: Ecosystem, values: list[Any], weight: str, types: set[str] | None) -> np.ndarray:
    """Weights as floats; a value that is not a number is reported with its relation."""
    if not any(isinstance(v, (bool, str)) for v in values):
        try:
            return np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            pass
    for u, v, k, d in eco.relations(types):
        value = d.get(weight, 1)
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or hasattr(value, "__float__")):
            raise AttributeTypeError(
                f"relation {u!r} -[{k}]-> {v!r}: weight field {weight!r} is {value!r}; expected a number",
                field=weight, id=u,
            )
    return np.asarray(values, dtype=np.float64)  # pragma: no cover - every value was a number


def _to_float(values: list[Any], what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64) if values else np.zeros(0)
    except (TypeError, ValueError):
        out = np.empty(len(values))
        for i, v in enumerate(values):
            try:
                out[i] = float(v)
            except (TypeError, ValueError):
                raise AttributeTypeError(f"{what}: value {v!r} is not a number", field=what) from None
        return out
