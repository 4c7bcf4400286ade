"""Centrality on compiled graphs, with networkx's semantics.

Every function accepts an :class:`~ecograph.model.Ecosystem`, a
:class:`~ecograph.matrix.SparseGraph` or any networkx graph and returns
:class:`~ecograph.results.NodeValues`. On a networkx graph each gives the numbers of its
networkx namesake (to 1e-8), with the same parameters and defaults, except where a docstring
says otherwise (PageRank's ``tol`` is 1e-10 here; unknown node ids raise
:class:`~ecograph.errors.NodeNotFoundError` instead of being ignored).

Inputs are compiled once to CSR (see :mod:`ecograph.matrix`). Spectral measures use scipy
(sparse products, ARPACK); path-based measures (closeness, harmonic, betweenness) run one
breadth-first search or Dijkstra per source in compiled numba kernels, sources spread over
all cores.

Ecosystems are read with :func:`ecograph.matrix.compile` defaults: every relation type, the
undirected view when all relations present are symmetric (``collaborates``), else the directed
view. Compile with :func:`ecograph.compile` to choose relations, weights or direction.

Examples
--------
>>> import networkx as nx
>>> import ecograph as eg
>>> g = nx.star_graph(3)
>>> eg.degree(g).to_dict()
{0: 1.0, 1: 0.3333333333333333, 2: 0.3333333333333333, 3: 0.3333333333333333}
>>> eg.betweenness(g)[0]
1.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, eigs, eigsh

from .errors import AnalysisError, ConvergenceError
from .matrix import GraphLike, SparseGraph, compile
from .search import bfs_levels, filled, run_parallel
from .results import NodeValues

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = [
    "degree",
    "pagerank",
    "eigenvector",
    "katz",
    "closeness",
    "harmonic",
    "betweenness",
]


# ---------------------------------------------------------------------- degree
def degree(G: GraphLike, weight: str | None = None, *, relations: str | Iterable[str] | None = None) -> NodeValues:
    """Degree centrality: degree divided by ``n - 1`` (= ``nx.degree_centrality``).

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    weight : str, optional
        ``None`` gives exactly :func:`networkx.degree_centrality` (parallel edges count, a
        self-loop counts twice; directed graphs use in + out degree). With an attribute name
        the weighted degree (strength, ``G.degree(weight=...)``) is divided by ``n - 1`` the
        same way.
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems, and networkx graphs whose edges carry
        ``type``); all by default.

    Returns
    -------
    NodeValues
        Graphs with 0 or 1 node give 1 for every node, as networkx does.

    Raises
    ------
    AnalysisError
        ``G`` is not a graph, or ``relations`` is given with a compiled SparseGraph.
    UnknownRelationError
        A relation type the ecosystem's vocabulary does not know.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b", {"w": 3}), ("b", "c", {"w": 1})])
    >>> degree(g).to_dict()
    {'a': 0.5, 'b': 1.0, 'c': 0.5}
    >>> degree(g, weight="w").to_dict()
    {'a': 1.5, 'b': 2.0, 'c': 0.5}
    """
    g = compile(G, weight, relations=relations)
    if g.n <= 1:
        return g.values(np.ones(g.n), "degree")
    a = _weights(g, weight)
    strength = np.asarray(a.sum(axis=1)).ravel()
    if g.directed:
        strength = strength + np.asarray(a.sum(axis=0)).ravel()
    else:
        strength = strength + a.diagonal()  # a self-loop adds 2 to the degree
    return g.values(strength / (g.n - 1.0), "degree")


# ---------------------------------------------------------------------- spectral
def pagerank(
    G: GraphLike,
    alpha: float = 0.85,
    personalization: Mapping[Hashable, float] | None = None,
    weight: str | None = "weight",
    tol: float = 1e-10,
    max_iter: int = 1000,
    nstart: Mapping[Hashable, float] | None = None,
    dangling: Mapping[Hashable, float] | None = None,
    *,
    relations: str | Iterable[str] | None = None,
    method: str = "gauss-seidel",
) -> NodeValues:
    """PageRank with networkx's semantics and stopping rule (``nx.pagerank``).

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
        Undirected edges count both ways; parallel edge weights add up.
    alpha : float
        Damping factor.
    personalization : mapping, optional
        Node -> teleport weight (nodes left out get 0); uniform by default.
    weight : str or None
        Edge attribute used as weight (edges without it weigh 1).
    tol : float
        The result ``x`` passes networkx's test: one power-iteration step from ``x`` changes
        it by less than ``n * tol`` in L1 norm. ecograph's default is 1e-10 (networkx: 1e-6),
        so results agree with networkx run at a tight tolerance.
    max_iter : int
        Maximum number of passes over the graph (networkx: 100 iterations).
    nstart : mapping, optional
        Starting vector (normalised to sum 1).
    dangling : mapping, optional
        Where the rank of nodes without out-edges goes (default: the personalization vector).
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems, and networkx graphs whose edges carry
        ``type``); all by default.
    method : {"gauss-seidel", "power"}
        ``"gauss-seidel"`` (default) sweeps the nodes in place, each update using the values
        already updated in the same sweep (sweeping in the direction in which most arcs point),
        which needs a third to 40% fewer passes than the power iteration on power-law
        graphs; the answer is then checked (and returned) with
        one power-iteration step, so it meets networkx's stopping rule. ``"power"`` runs
        networkx's power iteration step by step (the same iterates, up to rounding).

    Returns
    -------
    NodeValues
        Sums to 1 (empty for the empty graph).

    Raises
    ------
    ConvergenceError
        No convergence within ``max_iter`` passes.
    NodeNotFoundError
        A key of ``personalization``, ``nstart`` or ``dangling`` that is not a node
        (networkx ignores such keys).
    AnalysisError
        ``personalization`` or ``dangling`` summing to zero, or an unknown ``method``.

    Notes
    -----
    Both methods run compiled (numba) on the transposed CSR matrix, gathering over each
    node's in-neighbours; a graph whose weights are all 1 streams only its column indices.
    The power-iteration step runs on all cores, summing per fixed block of rows, so the
    result does not depend on the number of threads; the Gauss–Seidel sweep runs on one.

    Examples
    --------
    >>> import networkx as nx
    >>> pr = pagerank(nx.DiGraph([(1, 2), (2, 3), (3, 1), (3, 2)]))
    >>> {k: round(v, 4) for k, v in pr.items()}
    {1: 0.2148, 2: 0.3974, 3: 0.3878}
    """
    if method not in _PAGERANK_METHODS:
        raise AnalysisError(f"pagerank: method must be one of {', '.join(_PAGERANK_METHODS)}; got {method!r}",
                            field="method")
    g = compile(G, weight, relations=relations)
    n = g.n
    if n == 0:
        return g.values(np.zeros(0), "pagerank")
    rev = g.T  # row i of A^T lists the in-neighbours of i: the product gathers, never scatters
    values = None if (weight is None and g.weight is not None) else rev.data
    if values is not None and _all_ones(values):
        values = None  # a 0/1 pattern: stream the column indices only, a third of the bytes
    if values is None:
        out = np.diff(g.indptr).astype(np.float64)  # out-degree = row sums of A
        values = np.empty(0)
    else:
        out = np.bincount(rev.indices, weights=values, minlength=n)
    inv = np.zeros(n)
    np.divide(1.0, out, out=inv, where=out != 0)  # 0 marks the dangling nodes
    x = np.full(n, 1.0 / n) if nstart is None else _vector(g, nstart, "nstart", normalise=True)
    # length-1 vectors stand for uniform ones (the kernels index them with stride 0)
    p = np.full(1, 1.0 / n) if personalization is None else _vector(g, personalization, "personalization", True)
    dangling_weights = p if dangling is None else _vector(g, dangling, "dangling", normalise=True)
    matrix = (_unsigned(rev.indptr), _unsigned(rev.indices), values, inv)
    blocks = _row_blocks(rev.indptr)
    alpha, tol = float(alpha), float(tol)
    passes = 0
    with numba.parallel_chunksize(1):  # blocks of rows handed out one at a time (busy cores)
        while passes < max_iter:
            if method == "gauss-seidel" and passes < max_iter - 1:
                passes += _pagerank_gauss_seidel(*matrix, x, alpha, dangling_weights, p, max_iter - 1 - passes,
                                                 n * tol)
            # one step (Gauss-Seidel: the check of networkx's rule), or the whole power iteration
            steps = 1 if method == "gauss-seidel" else max_iter - passes
            x, done = _pagerank_power(*matrix, x, alpha, dangling_weights, p, blocks, steps, n * tol)
            passes += done if done > 0 else steps
            if done > 0:
                return g.values(x, "pagerank")
    raise ConvergenceError(f"pagerank: no convergence within max_iter={max_iter} iterations (tol={tol})",
                           max_iter=max_iter)


_PAGERANK_METHODS = ("gauss-seidel", "power")


def eigenvector(
    G: GraphLike,
    max_iter: int = 100,
    tol: float = 1e-06,
    nstart: Mapping[Hashable, float] | None = None,
    weight: str | None = None,
    *,
    relations: str | Iterable[str] | None = None,
) -> NodeValues:
    """Eigenvector centrality (= ``nx.eigenvector_centrality``), Euclidean norm 1.

    On a directed graph a node is central when central nodes point to it (left eigenvector,
    in-edges), as in networkx.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
        Multigraphs (and Ecosystems) use summed parallel weights (networkx refuses them).
    max_iter, tol : int, float
        Power-iteration limits, as in networkx.
    nstart : mapping, optional
        Starting vector for the power iteration.
    weight : str, optional
        Edge attribute used as weight.
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems, and networkx graphs whose edges carry
        ``type``); all by default.

    Returns
    -------
    NodeValues

    Raises
    ------
    AnalysisError
        The empty graph, or an all-zero ``nstart``.
    ConvergenceError
        The power iteration did not converge within ``max_iter`` iterations.

    Notes
    -----
    When the graph is (strongly) connected and ``nstart`` is not given, the leading
    eigenvector is unique and computed with ARPACK (``eigsh``/``eigs``) to machine precision,
    which stays fast where power iteration slows down; this equals networkx's answer up to its
    own tolerance, and an answer is returned even in cases where networkx's 100 iterations at
    tol 1e-6 would not be enough. Otherwise the power iteration on ``A + I`` that networkx runs
    is reproduced step by step (vectorised), including its ``ConvergenceError``.

    Examples
    --------
    >>> import networkx as nx
    >>> ev = eigenvector(nx.path_graph(3))
    >>> [round(v, 6) for v in ev.values()]
    [0.5, 0.707107, 0.5]
    """
    g = compile(G, weight, relations=relations)
    n = g.n
    if n == 0:
        raise AnalysisError("eigenvector: cannot compute centrality for the null graph")
    a_t = _weights(g, weight, transposed=True)
    if nstart is None and n >= 3:
        x = _leading_eigenvector(g, a_t)
        if x is not None:
            return g.values(x, "eigenvector")
    x = np.ones(n) if nstart is None else _vector(g, nstart, "nstart")
    if not x.any():
        raise AnalysisError("eigenvector: initial vector cannot have all zero values")
    x = x / x.sum()

    def step(x: np.ndarray) -> np.ndarray:
        x = x + a_t @ x  # power iteration on A^T + I, as networkx
        return x / (_norm(x) or 1.0)

    return g.values(_power_iteration(step, x, "eigenvector", max_iter, tol), "eigenvector")


def _leading_eigenvector(g: SparseGraph, a_t: sp.csr_array) -> np.ndarray | None:
    """ARPACK's leading eigenvector when it is unique (strongly connected graph), else None."""
    if not _strongly_connected(g):
        return None
    a_t = a_t.astype(np.float64)
    v0 = np.ones(g.n)
    try:
        if g.directed:
            _, vecs = eigs(a_t, k=1, which="LR", v0=v0, tol=0)
            x = vecs[:, 0].real
        else:
            _, vecs = eigsh(a_t, k=1, which="LA", v0=v0, tol=0)
            x = vecs[:, 0]
    except (ArpackNoConvergence, ArpackError):
        return None
    x = x * np.sign(x.sum())
    if (x < -1e-12).any():  # not the Perron vector (e.g. zero weights broke irreducibility)
        return None
    x = np.clip(x, 0.0, None)
    return x / _norm(x)


def katz(
    G: GraphLike,
    alpha: float = 0.1,
    beta: float | Mapping[Hashable, float] = 1.0,
    max_iter: int = 1000,
    tol: float = 1e-06,
    nstart: Mapping[Hashable, float] | None = None,
    normalized: bool = True,
    weight: str | None = None,
    *,
    relations: str | Iterable[str] | None = None,
) -> NodeValues:
    """Katz centrality (= ``nx.katz_centrality``): ``x = alpha A^T x + beta``.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    alpha : float
        Attenuation; must be below ``1 / lambda_max`` to converge.
    beta : float or mapping
        Exogenous weight, one for all nodes or one per node (every node needed).
    max_iter, tol : int, float
        Power-iteration limits, as in networkx.
    nstart : mapping, optional
        Starting vector (zeros by default).
    normalized : bool
        Scale to Euclidean norm 1.
    weight : str, optional
        Edge attribute used as weight.
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems, and networkx graphs whose edges carry
        ``type``); all by default.

    Returns
    -------
    NodeValues

    Raises
    ------
    ConvergenceError
        No convergence (typically ``alpha`` too large).
    AnalysisError
        A ``beta`` mapping without a value for every node.

    Examples
    --------
    >>> import networkx as nx
    >>> k = katz(nx.path_graph(3))
    >>> [round(v, 6) for v in k.values()]
    [0.559885, 0.610784, 0.559885]
    """
    g = compile(G, weight, relations=relations)
    n = g.n
    if n == 0:
        return g.values(np.zeros(0), "katz")
    a_t = _weights(g, weight, transposed=True)
    if isinstance(beta, Mapping):
        if set(beta) != set(g.nodes):
            raise AnalysisError("katz: the beta mapping must have a value for every node", field="beta")
        b = _vector(g, beta, "beta")
    else:
        b = np.full(n, float(beta))
    x = np.zeros(n) if nstart is None else _vector(g, nstart, "nstart")
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run ends in ConvergenceError
        x = _power_iteration(lambda x: alpha * a_t @ x + b, x, "katz", max_iter, tol)
        if normalized:
            norm = _norm(x)
            x = x / norm if norm else x
    return g.values(x, "katz")


# ---------------------------------------------------------------------- path based
def closeness(
    G: GraphLike,
    u: Hashable | None = None,
    distance: str | None = None,
    wf_improved: bool = True,
    *,
    weight: str | None = None,
    relations: str | Iterable[str] | None = None,
) -> NodeValues | float:
    """Closeness centrality (= ``nx.closeness_centrality``), from incoming distances.

    ``(r - 1) / sum of distances`` over the ``r`` nodes that reach the node, times
    ``(r - 1) / (n - 1)`` with ``wf_improved`` (Wasserman–Faust, for disconnected graphs).

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    u : node, optional
        Only this node: returns a float, as networkx does.
    distance : str, optional
        Edge attribute used as length (Dijkstra); ``None``: hop counts. Parallel edges use
        their shortest length.
    wf_improved : bool
        Scale by the share of nodes reached.
    weight : str, optional
        Alias of ``distance`` (the name ecograph's other functions use); give only one.
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems, and networkx graphs whose edges carry
        ``type``); all by default.

    Returns
    -------
    NodeValues or float

    Raises
    ------
    NodeNotFoundError
        ``u`` is not a node.
    AnalysisError
        Negative lengths, or both ``distance`` and ``weight`` given.

    Examples
    --------
    >>> import networkx as nx
    >>> closeness(nx.path_graph(3)).to_dict()
    {0: 0.6666666666666666, 1: 1.0, 2: 0.6666666666666666}
    >>> closeness(nx.DiGraph([(0, 1)]), u=1)
    1.0
    """
    distance = _distance_name(distance, weight, "closeness")
    g = _path_graph(G, distance, relations)
    rev = g.T  # distances *to* the node
    roots = np.arange(g.n, dtype=np.int64) if u is None else g.positions(u, "closeness u")
    reached, total, _ = _path_sums(rev, roots, np.ones(g.n, dtype=np.bool_), distance is not None)
    value = np.zeros(len(roots))
    ok = (total > 0) & (g.n > 1)
    value[ok] = (reached[ok] - 1.0) / total[ok]
    if wf_improved and g.n > 1:
        value[ok] *= (reached[ok] - 1.0) / (g.n - 1)
    if u is not None:
        return float(value[0])
    return g.values(value, "closeness")


def harmonic(
    G: GraphLike,
    nbunch: Iterable[Hashable] | None = None,
    distance: str | None = None,
    sources: Iterable[Hashable] | None = None,
    *,
    weight: str | None = None,
    relations: str | Iterable[str] | None = None,
) -> NodeValues:
    """Harmonic centrality (= ``nx.harmonic_centrality``): sum of ``1 / d(v, u)`` over sources ``v``.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    nbunch : iterable, optional
        Nodes to score (all by default); the result holds only them, in graph order.
    distance : str, optional
        Edge attribute used as length; ``None``: hop counts. Zero distances are skipped.
    sources : iterable, optional
        Nodes whose distances count (all by default).
    weight : str, optional
        Alias of ``distance``.
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems, and networkx graphs whose edges carry
        ``type``); all by default.

    Returns
    -------
    NodeValues

    Raises
    ------
    NodeNotFoundError
        Ids in ``nbunch`` or ``sources`` that are not nodes (networkx drops them silently).
    AnalysisError
        Negative lengths, or both ``distance`` and ``weight`` given.

    Examples
    --------
    >>> import networkx as nx
    >>> harmonic(nx.path_graph(3)).to_dict()
    {0: 1.5, 1: 2.0, 2: 1.5}
    """
    distance = _distance_name(distance, weight, "harmonic")
    g = _path_graph(G, distance, relations)
    targets = np.arange(g.n, dtype=np.int64) if nbunch is None else np.unique(g.positions(nbunch, "harmonic nbunch"))
    mask = np.ones(g.n, dtype=np.bool_)
    if sources is not None:
        mask[:] = False
        mask[g.positions(sources, "harmonic sources")] = True
    _, _, harm = _path_sums(g.T, targets, mask, distance is not None)
    if nbunch is None:
        return g.values(harm, "harmonic")
    return g.subset_values(targets, harm, "harmonic")


def betweenness(
    G: GraphLike,
    k: int | None = None,
    normalized: bool = True,
    weight: str | None = None,
    endpoints: bool = False,
    seed: Any = None,
    *,
    relations: str | Iterable[str] | None = None,
) -> NodeValues:
    """Betweenness centrality (= ``nx.betweenness_centrality``), exact or sampled.

    Brandes' algorithm, one BFS (or Dijkstra when ``weight`` is given) per source, sources
    spread over all cores.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    k : int, optional
        Estimate from ``k`` sampled sources. The sample is the one networkx draws
        (``random.Random(seed).sample(list(G), k)``), so the same integer ``seed`` gives the
        same numbers as networkx.
    normalized : bool
        Divide by the number of node pairs (networkx's rescaling, incl. its sampling
        correction).
    weight : str, optional
        Edge attribute used as length; parallel edges use their shortest length.
    endpoints : bool
        Count path endpoints.
    seed : int, random.Random or None
        Sampling seed (networkx's ``py_random_state`` conventions).
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems, and networkx graphs whose edges carry
        ``type``); all by default.

    Returns
    -------
    NodeValues

    Raises
    ------
    AnalysisError
        ``k`` larger than the number of nodes, or negative lengths.

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness(nx.path_graph(4), normalized=False).to_dict()
    {0: 0.0, 1: 2.0, 2: 2.0, 3: 0.0}
    """
    from networkx.utils import create_py_random_state

    g = _path_graph(G, weight, relations)
    n = g.n
    if k is None:
        sources = np.arange(n, dtype=np.int64)
    else:
        if not 0 <= k <= n:
            raise AnalysisError(f"betweenness: k={k} sources cannot be sampled from {n} nodes", field="k")
        sampled = create_py_random_state(seed).sample(list(g.nodes), k)
        sources = g.positions(sampled, "betweenness")
    if weight is None:
        raw = run_parallel(_brandes_bfs, len(sources), g.indptr, g.indices, sources, endpoints)
    else:
        raw = run_parallel(_brandes_dijkstra, len(sources), g.indptr, g.indices, g.data, sources, endpoints)
    return g.values(_rescale(raw, n, normalized, g.directed, endpoints, sources), "betweenness")


def _rescale(values: np.ndarray, n: int, normalized: bool, directed: bool, endpoints: bool,
             sources: np.ndarray) -> np.ndarray:
    """networkx's ``_rescale`` (betweenness.py), vectorised."""
    sampled = len(sources) != n
    pairs = n if endpoints else n - 1
    if pairs < 2:
        return values
    k = len(sources) if sampled else pairs
    correction = 1 if directed else 2
    if not sampled or endpoints:
        scale = 1 / (k * (pairs - 1)) if normalized else pairs / (k * correction)
        return values * scale
    if normalized:
        scale_source = 1 / ((k - 1) * (pairs - 1)) if k > 1 else math.nan
        scale_other = 1 / (k * (pairs - 1))
    else:
        scale_source = pairs / ((k - 1) * correction) if k > 1 else math.nan
        scale_other = pairs / (k * correction)
    scale = np.full(n, scale_other)
    scale[sources] = scale_source
    return values * scale


# ---------------------------------------------------------------------- helpers
def _power_iteration(
    step: Callable[[np.ndarray], np.ndarray], x: np.ndarray, who: str, max_iter: int, tol: float,
) -> np.ndarray:
    """Apply ``step`` from ``x`` until the L1 change is below ``n * tol`` (networkx's test).

    Raises
    ------
    ConvergenceError
        Still changing after ``max_iter`` steps.
    """
    for _ in range(max_iter):
        xlast = x
        x = step(xlast)
        if np.abs(x - xlast).sum() < len(x) * tol:
            return x
    raise ConvergenceError(f"{who}: no convergence within max_iter={max_iter} iterations (tol={tol})",
                           max_iter=max_iter)


def _norm(x: np.ndarray) -> float:
    """Euclidean norm without BLAS (a threaded BLAS call costs more than the sum on a busy machine)."""
    return math.sqrt(float((x * x).sum()))


def _strongly_connected(g: SparseGraph) -> bool:
    """Node 0 reaches every node, and (directed) every node reaches node 0: two BFS."""
    rev = g.T
    for forward, backward in ((g, rev), (rev, g)) if g.directed else ((g, g),):
        dist = np.full(g.n, -1, np.int32)
        queue = np.empty(g.n, np.int32)
        start = np.zeros(1, np.int64)
        if bfs_levels(forward.indptr, forward.indices, backward.indptr, backward.indices, start, -1, dist, queue) < g.n:
            return False
    return True


def _weights(g: SparseGraph, weight: str | None, transposed: bool = False) -> sp.csr_array:
    """The matrix to use (``A``, or ``A^T`` from the cached transpose): the compiled weights,
    except that asking no weight of a SparseGraph compiled with weights gives its 0/1 pattern."""
    h = g.T if transposed else g
    if weight is None and g.weight is not None:
        return sp.csr_array((np.ones(h.nnz), h.indices, h.indptr), shape=(h.n, h.n))
    return h.matrix


def _unsigned(positions: np.ndarray) -> np.ndarray:
    """The same index array viewed as unsigned (no copy): numba then skips the negative-index
    wrap-around on every access, about a quarter of the cost of a gather."""
    return positions.view(np.uint32 if positions.itemsize == 4 else np.uint64)


def _vector(g: SparseGraph, values: Mapping[Hashable, float], what: str, normalise: bool = False) -> np.ndarray:
    out = np.zeros(g.n)
    keys = list(values)
    out[g.positions(keys, what)] = np.asarray([values[k] for k in keys], dtype=np.float64)
    if normalise:
        total = out.sum()
        if total == 0:
            raise AnalysisError(f"{what}: the values sum to zero; at least one must be positive", field=what)
        out /= total
    return out


def _distance_name(distance: str | None, weight: str | None, who: str) -> str | None:
    if distance is not None and weight is not None and distance != weight:
        raise AnalysisError(f"{who}: give distance= or its alias weight=, not both", field="distance")
    return distance if distance is not None else weight


def _path_graph(G: GraphLike, weight: str | None, relations: str | Iterable[str] | None) -> SparseGraph:
    """Compile for shortest paths: parallel edges keep their shortest length."""
    g = compile(G, weight, relations=relations, combine="min")
    if weight is not None and g.nnz and g.data.min() < 0:
        raise AnalysisError("shortest paths need non-negative lengths; found a negative edge weight", field=weight)
    return g


def _path_sums(g: SparseGraph, roots: np.ndarray, counted: np.ndarray, weighted: bool):
    """Per root: nodes reached (incl. itself), sum of distances, sum of 1/d over ``counted``."""
    if weighted:
        return run_parallel(_dijkstra_sums, len(roots), g.indptr, g.indices, g.data, roots, counted)
    rev = g.T
    return run_parallel(_bfs_sums, len(roots), g.indptr, g.indices, rev.indptr, rev.indices, roots, counted)


# ---------------------------------------------------------------------- numba kernels

# Each kernel cuts the sources into blocks handed out dynamically to the threads (so a busy
# core or a block of hubs does not hold the others back); a thread owns one row of work
# arrays and resets only the entries a search touched, so a search costs O(reached part).

@numba.njit(cache=True, parallel=True, nogil=True)
def _bfs_sums(indptr, indices, in_indptr, in_indices, roots, counted, threads, block):  # pragma: no cover
    n = len(indptr) - 1
    m = len(roots)
    reached = filled(m, 0, np.int64)
    total = filled(m, 0, np.float64)
    harm = filled(m, 0, np.float64)
    dists = filled((threads, n), -1, np.int32)
    queues = np.empty((threads, n), np.int32)
    sources = np.empty((threads, 1), np.int64)
    for b in numba.prange((m + block - 1) // block):
        t = numba.get_thread_id()
        dist, queue, source = dists[t], queues[t], sources[t]
        for r in range(b * block, min(m, (b + 1) * block)):
            source[0] = roots[r]
            tail = bfs_levels(indptr, indices, in_indptr, in_indices, source, -1, dist, queue)
            tot = 0
            h = 0.0
            for i in range(tail):
                v = queue[i]
                d = dist[v]
                tot += d
                if d > 0 and counted[v]:
                    h += 1.0 / d
                dist[v] = -1
            reached[r] = tail
            total[r] = tot
            harm[r] = h
    return reached, total, harm


@numba.njit(cache=True, nogil=True)
def _all_ones(values):  # pragma: no cover - compiled
    for v in values:
        if v != 1.0:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _row_blocks(indptr, count=64):  # pragma: no cover - compiled
    """Cut the rows into at most ``count`` blocks of about equal work (entries + rows).

    The cut depends on the graph only, never on the number of threads, so the per-block sums
    (and the result) are the same on every machine."""
    n = len(indptr) - 1
    count = max(1, min(count, n))
    total = indptr[n] + n
    bounds = np.empty(count + 1, np.int64)
    bounds[0] = 0
    for b in range(1, count + 1):
        target = total * b // count
        lo, hi = bounds[b - 1], n  # first row r with indptr[r] + r >= target
        while lo < hi:
            mid = (lo + hi) // 2
            if indptr[mid] + mid < target:
                lo = mid + 1
            else:
                hi = mid
        bounds[b] = lo
    return bounds


@numba.njit(cache=True, parallel=True, nogil=True)
def _pagerank_power(indptr, indices, values, inv, x, alpha, dangling_weights, p, blocks, max_iter,
                    threshold):  # pragma: no cover - compiled
    # networkx's step x <- alpha (x P + (x . dangling) w) + (1 - alpha) p, fused into one pass
    # over the rows of A^T, gathering z = x / out-strength of the in-neighbours. The L1 change
    # and the next dangling mass are summed per block in a fixed order, so the result does not
    # depend on the thread count. Empty `values`: unit weights; length-1 `dangling_weights`
    # and `p`: uniform. Returns (x, iterations used) or (x, 0) without convergence.
    n = len(x)
    count = len(blocks) - 1
    weighted = len(values) > 0
    w_step = 1 if len(dangling_weights) > 1 else 0
    p_step = 1 if len(p) > 1 else 0
    # no array expressions here: numba would run them as parallel loops with the caller's
    # chunk size of 1, one scheduling round per element
    z = np.empty(n)
    x_next = np.empty(n)
    z_next = np.empty(n)
    change = np.empty(count)
    mass = np.empty(count)
    dangling_mass = 0.0
    for i in range(n):
        z[i] = x[i] * inv[i]
        if inv[i] == 0.0:
            dangling_mass += x[i]
    for iteration in range(1, max_iter + 1):
        for b in numba.prange(count):
            delta = 0.0
            sink = 0.0
            for i in range(blocks[b], blocks[b + 1]):
                s = 0.0
                if weighted:
                    for k in range(indptr[i], indptr[i + 1]):
                        s += values[k] * z[indices[k]]
                else:
                    for k in range(indptr[i], indptr[i + 1]):
                        s += z[indices[k]]
                v = alpha * (s + dangling_mass * dangling_weights[i * w_step]) + (1 - alpha) * p[i * p_step]
                delta += abs(v - x[i])
                x_next[i] = v
                z_next[i] = v * inv[i]
                if inv[i] == 0.0:
                    sink += v
            change[b] = delta
            mass[b] = sink
        x, x_next = x_next, x
        z, z_next = z_next, z
        dangling_mass = 0.0
        total_change = 0.0
        for b in range(count):  # a plain loop: numba would turn .sum() into a threaded reduction
            dangling_mass += mass[b]
            total_change += change[b]
        if total_change < threshold:
            return x, iteration
    return x, 0


@numba.njit(cache=True, nogil=True)
def _pagerank_gauss_seidel(indptr, indices, values, inv, x, alpha, dangling_weights, p, max_sweeps,
                           threshold):  # pragma: no cover - compiled
    # In place on x = G x with G = alpha (P^T + w d^T) + (1 - alpha) p 1^T (the Google matrix):
    # each node's update gathers the in-neighbours' values of this sweep where already updated.
    # G x is homogeneous in x, so the dangling mass D and the total S of the previous sweep
    # stand in for x's own; x is normalised to sum 1 on return. Stops once the change of the
    # next sweep, predicted from the last two (change times their ratio), is below `threshold`
    # in L1 relative to the sum: a power step from x then changes it by about as much, which
    # is what the caller checks next. Returns the sweeps used.
    n = len(x)
    weighted = len(values) > 0
    w_step = 1 if len(dangling_weights) > 1 else 0
    p_step = 1 if len(p) > 1 else 0
    # sweep in the order in which most in-neighbours come before the node they point to, so
    # that most gathers already see this sweep's values (graphs built parent first, or the
    # other way round as in networkx's scale_free_graph)
    earlier = 0
    for i in range(n):
        for k in range(indptr[i], indptr[i + 1]):
            earlier += indices[k] < i  # no branch: on shuffled ids it would be a coin toss
    forward = 2 * earlier >= len(indices)
    z = x * inv
    total = x.sum()
    dangling_mass = 0.0
    for i in range(n):
        if inv[i] == 0.0:
            dangling_mass += x[i]
    sweep = 0
    previous = 0.0
    while sweep < max_sweeps:
        sweep += 1
        delta = 0.0
        new_total = 0.0
        new_mass = 0.0
        for position in range(n):
            i = position if forward else n - 1 - position
            s = 0.0
            if weighted:
                for k in range(indptr[i], indptr[i + 1]):
                    s += values[k] * z[indices[k]]
            else:
                for k in range(indptr[i], indptr[i + 1]):
                    s += z[indices[k]]
            v = alpha * (s + dangling_mass * dangling_weights[i * w_step]) + (1 - alpha) * total * p[i * p_step]
            delta += abs(v - x[i])
            x[i] = v
            z[i] = v * inv[i]
            new_total += v
            if inv[i] == 0.0:
                new_mass += v
        total, dangling_mass = new_total, new_mass
        delta /= total
        predicted = delta if sweep == 1 else delta * min(1.0, delta / previous)
        if predicted < threshold:
            break
        previous = delta
    x /= total
    return sweep


@numba.njit(cache=True, nogil=True)
def _thread_heaps(threads, capacity):  # pragma: no cover - compiled
    """Per thread, an empty heap of ``capacity`` entries: keys, push order, payload rows, and
    the scratch row :func:`_heap_push` takes its payload from."""
    keys = np.empty((threads, capacity), np.float64)
    order = np.empty((threads, capacity), np.int64)
    payload = np.empty((threads, capacity, 2), np.int64)
    item = np.zeros((threads, 2), np.int64)
    return keys, order, payload, item


@numba.njit(cache=True, nogil=True)
def _heap_swap(keys, order, payload, a, b):  # pragma: no cover - compiled
    keys[a], keys[b] = keys[b], keys[a]
    order[a], order[b] = order[b], order[a]
    for j in range(2):
        payload[a, j], payload[b, j] = payload[b, j], payload[a, j]


@numba.njit(cache=True, nogil=True)
def _heap_push(keys, order, payload, size, key, tie, item):  # pragma: no cover - compiled
    """Binary min-heap on (key, tie) with an int payload row; returns the new size."""
    i = size
    keys[i] = key
    order[i] = tie
    payload[i, 0] = item[0]
    payload[i, 1] = item[1]
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] < keys[i] or (keys[parent] == keys[i] and order[parent] < order[i]):
            break
        _heap_swap(keys, order, payload, i, parent)
        i = parent
    return size + 1


@numba.njit(cache=True, nogil=True)
def _heap_pop(keys, order, payload, size):  # pragma: no cover - compiled
    """Remove the smallest entry (moved to position ``size - 1``); returns the new size."""
    last = size - 1
    _heap_swap(keys, order, payload, 0, last)
    i = 0
    while True:
        left = 2 * i + 1
        if left >= last:
            break
        child = left
        right = left + 1
        if right < last and (keys[right] < keys[left] or (keys[right] == keys[left] and order[right] < order[left])):
            child = right
        if keys[i] < keys[child] or (keys[i] == keys[child] and order[i] < order[child]):
            break
        _heap_swap(keys, order, payload, i, child)
        i = child
    return last


@numba.njit(cache=True, parallel=True, nogil=True)
def _dijkstra_sums(indptr, indices, data, roots, counted, threads, block):  # pragma: no cover - compiled
    n = len(indptr) - 1
    m = len(roots)
    nnz = len(indices)
    reached = filled(m, 0, np.int64)
    total = filled(m, 0, np.float64)
    harm = filled(m, 0, np.float64)
    all_dist = filled((threads, n), np.inf, np.float64)
    all_done = filled((threads, n), 0, np.bool_)
    all_settled = np.empty((threads, n), np.int64)
    all_keys, all_order, all_payload, all_item = _thread_heaps(threads, nnz + 1)
    for b in numba.prange((m + block - 1) // block):
        t = numba.get_thread_id()
        dist, done, settled = all_dist[t], all_done[t], all_settled[t]
        keys, order, payload, item = all_keys[t], all_order[t], all_payload[t], all_item[t]
        for r in range(b * block, min(m, (b + 1) * block)):
            s = roots[r]
            dist[s] = 0.0
            item[0] = s
            size = _heap_push(keys, order, payload, 0, 0.0, 0, item)
            tie = 1
            count = 0
            tot = 0.0
            h = 0.0
            while size > 0:
                size = _heap_pop(keys, order, payload, size)
                d = keys[size]
                v = payload[size, 0]
                if done[v]:
                    continue
                done[v] = True
                settled[count] = v
                count += 1
                tot += d
                if d != 0.0 and counted[v]:
                    h += 1.0 / d
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    nd = d + data[e]
                    if not done[w] and nd < dist[w]:
                        dist[w] = nd
                        item[0] = w
                        size = _heap_push(keys, order, payload, size, nd, tie, item)
                        tie += 1
            reached[r] = count
            total[r] = tot
            harm[r] = h
            for i in range(count):
                dist[settled[i]] = np.inf
                done[settled[i]] = False
    return reached, total, harm


@numba.njit(cache=True, parallel=True, nogil=True)
def _brandes_bfs(indptr, indices, sources, endpoints, threads, block):  # pragma: no cover - compiled
    n = len(indptr) - 1
    m = len(sources)
    acc = filled((threads, n), 0, np.float64)
    dists = filled((threads, n), -1, np.int32)
    sigmas = filled((threads, n), 0, np.float64)
    deltas = filled((threads, n), 0, np.float64)
    queues = np.empty((threads, n), np.int32)
    for b in numba.prange((m + block - 1) // block):
        t = numba.get_thread_id()
        dist, sigma, delta, queue, mine = dists[t], sigmas[t], deltas[t], queues[t], acc[t]
        for r in range(b * block, min(m, (b + 1) * block)):
            s = sources[r]
            dist[s] = 0
            sigma[s] = 1.0
            queue[0] = s
            head, tail = 0, 1
            while head < tail:
                v = queue[head]
                head += 1
                dv1 = dist[v] + 1
                sv = sigma[v]
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    if dist[w] < 0:
                        dist[w] = dv1
                        queue[tail] = w
                        tail += 1
                    if dist[w] == dv1:
                        sigma[w] += sv
            # dependencies, farthest first: delta[v] = sum over successors w of sigma_v/sigma_w (1 + delta_w)
            for i in range(tail - 1, -1, -1):
                v = queue[i]
                dv1 = dist[v] + 1
                total = 0.0
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    if dist[w] == dv1:
                        total += (1.0 + delta[w]) / sigma[w]
                delta[v] = sigma[v] * total
                if v != s:
                    mine[v] += delta[v] + 1.0 if endpoints else delta[v]
            if endpoints:
                mine[s] += tail - 1
            for i in range(tail):
                v = queue[i]
                dist[v] = -1
                sigma[v] = 0.0
                delta[v] = 0.0
    return acc.sum(axis=0)


@numba.njit(cache=True, parallel=True, nogil=True)
def _brandes_dijkstra(indptr, indices, data, sources, endpoints, threads, block):  # pragma: no cover - compiled
    # Mirrors networkx's _single_source_dijkstra_path_basic step by step (incl. how equal
    # lengths and zero-length edges add predecessors), so ties resolve identically.
    n = len(indptr) - 1
    m = len(sources)
    nnz = len(indices)
    acc = filled((threads, n), 0, np.float64)
    all_seen = filled((threads, n), np.inf, np.float64)
    all_done = filled((threads, n), 0, np.bool_)
    all_sigma = filled((threads, n), 0, np.float64)
    all_delta = filled((threads, n), 0, np.float64)
    all_order_s = np.empty((threads, n), np.int64)
    all_head = filled((threads, n), -1, np.int64)  # predecessor lists: linked lists in pred/nxt
    all_pred = np.empty((threads, nnz + 1), np.int64)
    all_nxt = np.empty((threads, nnz + 1), np.int64)
    all_keys, all_order, all_payload, all_item = _thread_heaps(threads, nnz + 1)
    for b in numba.prange((m + block - 1) // block):
        t = numba.get_thread_id()
        seen, done, sigma, delta = all_seen[t], all_done[t], all_sigma[t], all_delta[t]
        order_s, head, pred, nxt = all_order_s[t], all_head[t], all_pred[t], all_nxt[t]
        keys, order, payload, item = all_keys[t], all_order[t], all_payload[t], all_item[t]
        mine = acc[t]
        for r in range(b * block, min(m, (b + 1) * block)):
            s = sources[r]
            sigma[s] = 1.0
            seen[s] = 0.0
            item[0] = s
            item[1] = s
            size = _heap_push(keys, order, payload, 0, 0.0, 0, item)
            tie = 1
            used = 0
            count = 0
            while size > 0:
                size = _heap_pop(keys, order, payload, size)
                d = keys[size]
                v = payload[size, 0]
                p = payload[size, 1]
                if done[v]:
                    continue
                sigma[v] += sigma[p]
                order_s[count] = v
                count += 1
                done[v] = True
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    nd = d + data[e]
                    if not done[w] and nd < seen[w]:
                        seen[w] = nd
                        item[0] = w
                        item[1] = v
                        size = _heap_push(keys, order, payload, size, nd, tie, item)
                        tie += 1
                        sigma[w] = 0.0
                        pred[used] = v
                        nxt[used] = -1
                        head[w] = used
                        used += 1
                    elif nd == seen[w]:
                        sigma[w] += sigma[v]
                        pred[used] = v
                        nxt[used] = head[w]
                        head[w] = used
                        used += 1
            for i in range(count - 1, -1, -1):
                w = order_s[i]
                coeff = (1.0 + delta[w]) / sigma[w]
                j = head[w]
                while j >= 0:
                    v = pred[j]
                    delta[v] += sigma[v] * coeff
                    j = nxt[j]
                if w != s:
                    mine[w] += delta[w] + 1.0 if endpoints else delta[w]
            if endpoints:
                mine[s] += count - 1
            for i in range(count):
                v = order_s[i]
                seen[v] = np.inf
                done[v] = False
                sigma[v] = 0.0
                delta[v] = 0.0
                head[v] = -1
    return acc.sum(axis=0)
