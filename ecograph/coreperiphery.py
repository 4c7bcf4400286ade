"""Core–periphery structure: k-cores, onion layers, Borgatti–Everett models and ring levels.

* :func:`core_number` and :func:`onion_layers` peel the graph in a compiled bucket queue,
  O(n + m); they equal :func:`networkx.core_number` and :func:`networkx.onion_layers`
  (directed graphs: degree = in + out, as networkx's ``core_number``; self-loops are ignored
  where networkx refuses them).
* :func:`borgatti_everett` — the discrete model: a core set whose ideal pattern (a tie
  wherever at least one end is in the core) correlates best (Pearson, over all ordered pairs
  ``i != j``) with the adjacency matrix. Optional ``core_periphery="ignore"`` leaves the
  core–periphery block out of the correlation (Borgatti & Everett's "missing" variant).
* :func:`continuous_coreness` — the continuous model: ``c`` minimising
  ``sum_{i != j} (a_ij - c_i c_j)^2``.
* :func:`core_periphery_levels` — ``k`` nested levels (e.g. the four circle layers of a
  platform) from the k-core (or onion) hierarchy.

Examples
--------
>>> import networkx as nx
>>> from ecograph.coreperiphery import borgatti_everett, core_number
>>> core_number(nx.lollipop_graph(4, 2)).to_dict()
{0: 3, 1: 3, 2: 3, 3: 3, 4: 1, 5: 1}
>>> borgatti_everett(nx.star_graph(4)).core
[0]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from .errors import AnalysisError, ConvergenceError
from .matrix import GraphLike, SparseGraph, compile
from .model import RINGS
from .results import NodeValues, TableResult

__all__ = [
    "core_number",
    "onion_layers",
    "borgatti_everett",
    "continuous_coreness",
    "core_periphery_levels",
    "CorePeriphery",
    "ContinuousCoreness",
    "CoreLevels",
]

_BLOCK_MODES = ("ones", "ignore")


# ---------------------------------------------------------------------------- k-cores, onion
def core_number(G: GraphLike, relations: str | Iterable[str] | None = None) -> NodeValues:
    """The k-core number (shell index) of every node, as :func:`networkx.core_number`.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
        Edges are read as simple ties (weights and parallel edges ignored); on a directed
        graph a node's degree is in-degree + out-degree, as networkx counts it. An
        Ecosystem is read undirected (every relation one tie).
    relations : str or iterable of str, optional
        Ecosystems: relation types forming the graph.

    Returns
    -------
    NodeValues
        Integer core numbers.

    Raises
    ------
    AnalysisError
        ``G`` is not a graph, or ``relations`` is given with a compiled SparseGraph.
    UnknownRelationError
        A relation type the ecosystem's vocabulary does not know.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import core_number
    >>> core_number(nx.complete_graph(4)).to_dict()
    {0: 3, 1: 3, 2: 3, 3: 3}
    """
    graph = _shell_graph(G, relations)
    core, _ = _peel(graph)
    return graph.values(core, "core_number")


def onion_layers(G: GraphLike, relations: str | Iterable[str] | None = None) -> NodeValues:
    """The onion decomposition layer of every node, as :func:`networkx.onion_layers`.

    Each round removes every node whose remaining degree is at most the current core value;
    isolated nodes form layer 1. Layers refine the k-shells.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
        As :func:`core_number` (networkx accepts only undirected simple graphs here).
    relations : str or iterable of str, optional
        Ecosystems: relation types forming the graph.

    Returns
    -------
    NodeValues
        Integer layers starting at 1.

    Raises
    ------
    AnalysisError
        ``G`` is not a graph, or ``relations`` is given with a compiled SparseGraph.
    UnknownRelationError
        A relation type the ecosystem's vocabulary does not know.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import onion_layers
    >>> onion_layers(nx.path_graph(5)).to_dict()
    {0: 1, 1: 2, 2: 3, 3: 2, 4: 1}
    """
    graph = _shell_graph(G, relations)
    _, layer = _peel(graph)
    return graph.values(layer, "onion_layer")


def _shell_graph(G: GraphLike, relations: Any) -> SparseGraph:
    """Ecosystems are peeled as undirected graphs (a k-core is about ties, not direction);
    networkx graphs and SparseGraphs keep their own direction, as networkx does."""
    from .model import Ecosystem

    return compile(G, relations=relations, directed=False if isinstance(G, Ecosystem) else None)


def _peel(graph: SparseGraph) -> tuple[np.ndarray, np.ndarray]:
    """(core number, onion layer) of every node, ties read as simple and self-loops skipped."""
    if graph.n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if graph.directed:
        # a pair joined both ways counts twice, as networkx's in + out degree
        arcs = sp.csr_array((np.ones(graph.nnz, np.int64), graph.indices, graph.indptr), shape=(graph.n, graph.n))
        ties = (arcs + arcs.T).tocsr()
        return _onion_peel(ties.indptr, ties.indices, ties.data)
    return _onion_peel(graph.indptr, graph.indices, np.ones(graph.nnz, np.int64))


@numba.njit(cache=True, nogil=True)
def _onion_peel(indptr, indices, weights):  # pragma: no cover - compiled
    """Batch peeling with degree buckets (doubly linked lists): O(n + m + max degree).

    A round removes every alive node of degree <= k at once (one onion layer); when none is
    left, k rises to the smallest remaining degree (a new k-shell).
    """
    n = len(indptr) - 1
    deg = np.zeros(n, np.int64)
    for v in range(n):
        for e in range(indptr[v], indptr[v + 1]):
            if indices[e] != v:
                deg[v] += weights[e]
    top = 0
    for v in range(n):
        top = max(top, deg[v])
    head = np.full(top + 1, -1, np.int64)
    nxt = np.full(n, -1, np.int64)
    prv = np.full(n, -1, np.int64)
    for v in range(n - 1, -1, -1):  # reversed so that buckets list nodes in index order
        d = deg[v]
        nxt[v] = head[d]
        if head[d] >= 0:
            prv[head[d]] = v
        head[d] = v
    alive = np.ones(n, np.bool_)
    queued = np.zeros(n, np.bool_)
    core = np.zeros(n, np.int64)
    layer = np.zeros(n, np.int64)
    frontier = np.empty(n, np.int64)
    following = np.empty(n, np.int64)
    size = 0
    k = 0
    d = 0
    current_layer = 0
    done = 0
    while done < n:
        if size == 0:
            while head[d] < 0:
                d += 1
            if d > k:
                k = d
            v = head[d]
            while v >= 0:
                frontier[size] = v
                size += 1
                v = nxt[v]
            head[d] = -1
        current_layer += 1
        for i in range(size):
            v = frontier[i]
            alive[v] = False
            core[v] = k
            layer[v] = current_layer
        count = 0
        for i in range(size):
            v = frontier[i]
            for e in range(indptr[v], indptr[v + 1]):
                u = indices[e]
                if u == v or not alive[u] or queued[u]:
                    continue
                du = deg[u]
                # unlink u from bucket du
                if prv[u] >= 0:
                    nxt[prv[u]] = nxt[u]
                else:
                    head[du] = nxt[u]
                if nxt[u] >= 0:
                    prv[nxt[u]] = prv[u]
                du -= weights[e]
                deg[u] = du
                if du <= k:
                    queued[u] = True
                    following[count] = u
                    count += 1
                else:
                    prv[u] = -1
                    nxt[u] = head[du]
                    if head[du] >= 0:
                        prv[head[du]] = u
                    head[du] = u
        done += size
        frontier, following = following, frontier
        size = count
    return core, layer


# ---------------------------------------------------------------------------- Borgatti–Everett
@dataclass(frozen=True)
class CorePeriphery(TableResult):
    """A discrete core/periphery partition (:func:`borgatti_everett`).

    Attributes
    ----------
    core, periphery : list
        Node ids, in graph order.
    fitness : float
        Pearson correlation of the adjacency with the ideal pattern.
    membership : NodeValues
        1 for core nodes, 0 for periphery nodes.
    core_periphery : str
        How the core–periphery block was scored (``"ones"`` or ``"ignore"``).
    """

    key = "node"

    core: list[Hashable]
    periphery: list[Hashable]
    fitness: float
    membership: NodeValues
    core_periphery: str

    def rows(self) -> list[dict[str, Any]]:
        """One row per node: ``node`` and ``core`` (1 core, 0 periphery)."""
        return [{"node": n, "core": int(v)} for n, v in zip(self.membership.nodes, self.membership.array.tolist())]

    def to_dict(self) -> dict[str, Any]:
        """``{"core": [...], "periphery": [...], "fitness": r, "core_periphery": mode}``."""
        return {"core": list(self.core), "periphery": list(self.periphery), "fitness": self.fitness,
                "core_periphery": self.core_periphery}


def borgatti_everett(
    G: GraphLike,
    seed: int | None = None,
    *,
    weight: str | None = None,
    core_periphery: str = "ones",
    restarts: int = 8,
    relations: str | Iterable[str] | None = None,
) -> CorePeriphery:
    """Borgatti–Everett discrete core/periphery partition.

    Maximises the Pearson correlation, over all ordered pairs ``i != j``, between ``a_ij`` and
    the ideal pattern ``d_ij = 1`` if ``i`` or ``j`` is in the core, else ``0``.

    The optimiser starts from the best degree-ranked split (the top-``k`` nodes by degree for
    the best ``k``, evaluated for every ``k`` at once) and from ``restarts`` random
    partitions, and improves each with Kernighan–Lin passes: single-node moves chosen by an
    exact vectorised fitness delta, allowed to go downhill within a pass, keeping the best
    prefix. Deterministic for a given ``seed``; on graphs up to 12 nodes it is checked
    against exhaustive enumeration.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    seed : int, optional
        Seed of the random restarts (the degree-ranked start is always used).
    weight : str, optional
        Edge attribute correlated instead of 0/1 ties.
    core_periphery : {"ones", "ignore"}
        ``"ones"``: core–periphery pairs are ideal ties (the classic model; a star's centre
        is a core of one). ``"ignore"``: core–periphery pairs are left out of the
        correlation (a split graph with any core–periphery ties scores 1).
    restarts : int
        Random starting partitions besides the degree-ranked one.
    relations : str or iterable of str, optional
        Ecosystems: relation types forming the graph.

    Returns
    -------
    CorePeriphery
        ``.core``, ``.periphery``, ``.fitness``, ``.membership``.

    Raises
    ------
    AnalysisError
        Too few nodes, no variation in the ties (empty or complete graph), or an unknown
        ``core_periphery`` option.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import borgatti_everett
    >>> g = nx.complete_graph(3)
    >>> g.add_edges_from((c, p) for c in range(3) for p in (3, 4, 5))
    >>> r = borgatti_everett(g, seed=1)
    >>> r.core, r.fitness
    ([0, 1, 2], 1.0)
    """
    if core_periphery not in _BLOCK_MODES:
        raise AnalysisError(
            f"borgatti_everett: core_periphery={core_periphery!r}; expected one of {_BLOCK_MODES}",
            field="core_periphery",
        )
    graph = compile(G, weight, relations=relations)
    smallest = 2 if core_periphery == "ones" else 4
    if graph.n < smallest:
        raise AnalysisError(f"borgatti_everett: needs at least {smallest} nodes, got {graph.n}", field="G")
    model = _DiscreteModel(graph, weight, core_periphery)
    starts = [model.degree_start()]
    rng = np.random.default_rng(seed)
    for _ in range(max(0, int(restarts))):
        starts.append(rng.random(graph.n) < 0.5)
    best_core, best_fit = None, -np.inf
    for start in starts:
        core, fit = model.improve(start)
        if fit > best_fit + 1e-12:
            best_core, best_fit = core, fit
    assert best_core is not None
    in_core = best_core.astype(np.int64)
    nodes = graph.nodes
    return CorePeriphery(
        core=[nodes[i] for i in np.flatnonzero(best_core)],
        periphery=[nodes[i] for i in np.flatnonzero(~best_core)],
        fitness=_tidy(best_fit),
        membership=graph.values(in_core, "core"),
        core_periphery=core_periphery,
    )


class _DiscreteModel:
    """Sufficient statistics of the correlation and their changes under single-node moves.

    The correlation depends on the partition only through the core size ``k`` and the sums
    of ``a_ij`` (and ``a_ij^2``) inside the core block and inside the periphery block; moving
    node ``v`` changes those by its tie sums towards the core and the periphery.
    """

    def __init__(self, graph: SparseGraph, weight: str | None, mode: str) -> None:
        a = graph.matrix.copy() if weight is not None else sp.csr_array(
            (np.ones(graph.nnz), graph.indices, graph.indptr), shape=(graph.n, graph.n)
        )
        a.setdiag(0)
        a.eliminate_zeros()
        self.n = graph.n
        self.ones = mode == "ones"
        self.a = a.tocsr()
        squares = self.a.multiply(self.a)
        self.mutual = (self.a + self.a.T).tocsr()  # a_vj + a_jv: what v adds to a block with j
        self.mutual_sq = (squares + squares.T).tocsr()
        self.mutual_sq.sort_indices()
        self.mutual.sort_indices()
        self.sum_x = float(self.a.sum())
        self.sum_xx = float(squares.sum())
        n = float(self.n)
        if self.ones and n * (n - 1) * self.sum_xx - self.sum_x**2 <= 1e-12 * max(1.0, self.sum_x**2):
            raise AnalysisError(
                "borgatti_everett: the ties do not vary (empty or complete graph): no core/periphery fit",
                field="G",
            )

    def degree_start(self) -> np.ndarray:
        """The best split into the top-k nodes by degree, over every k at once."""
        strength = np.asarray(self.mutual.sum(axis=1)).ravel()
        order = np.argsort(-strength, kind="stable")
        rank = np.empty(self.n, np.int64)
        rank[order] = np.arange(self.n)
        coo = self.a.tocoo()
        lo = np.minimum(rank[coo.row], rank[coo.col])
        hi = np.maximum(rank[coo.row], rank[coo.col])

        def block_sums(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            # inside the core of the top-k iff hi < k; inside the periphery iff lo >= k
            cc = np.concatenate(([0.0], np.cumsum(np.bincount(hi, values, minlength=self.n))))
            pp = np.concatenate((np.cumsum(np.bincount(lo, values, minlength=self.n)[::-1])[::-1], [0.0]))
            return cc, pp

        w_cc, w_pp = block_sums(coo.data)
        q_cc, q_pp = block_sums(coo.data**2)
        fit = _correlations(self.n, np.arange(self.n + 1), w_cc, w_pp, q_cc, q_pp, self.sum_x, self.sum_xx, self.ones)
        start = np.zeros(self.n, bool)
        start[order[: int(np.argmax(fit))]] = True
        return start

    def improve(self, start: np.ndarray) -> tuple[np.ndarray, float]:
        """Kernighan–Lin passes of single-node moves from ``start`` until a pass gains nothing."""
        core = start.copy()
        as_float = core.astype(np.float64)
        to_c = self.mutual @ as_float
        to_p = np.asarray(self.mutual.sum(axis=1)).ravel() - to_c
        sq_c = self.mutual_sq @ as_float
        sq_p = np.asarray(self.mutual_sq.sum(axis=1)).ravel() - sq_c
        stats = np.array([core.sum(), to_c[core].sum() / 2, to_p[~core].sum() / 2,
                          sq_c[core].sum() / 2, sq_p[~core].sum() / 2], dtype=np.float64)
        patience = min(self.n, 1000)  # full passes up to 1000 nodes, then stop after 1000 idle moves
        while True:
            gained = _kl_pass(self.mutual.indptr, self.mutual.indices, self.mutual.data, self.mutual_sq.data,
                              core, to_c, to_p, sq_c, sq_p, stats, self.sum_x, self.sum_xx, self.ones, patience)
            if not gained:
                break
        fit = _correlation(self.n, stats[0], stats[1], stats[2], stats[3], stats[4], self.sum_x, self.sum_xx, self.ones)
        return core, fit


@numba.njit(cache=True, nogil=True)
def _correlation(n, k, w_cc, w_pp, q_cc, q_pp, sum_x, sum_xx, ones):  # pragma: no cover - compiled
    """Pearson correlation of ties with the ideal pattern; -inf where undefined.

    ``ones``: pairs are all ordered pairs, ideal 1 unless both ends are periphery.
    Otherwise: pairs inside the core (ideal 1) and inside the periphery (ideal 0) only.
    """
    if ones:
        pairs = n * (n - 1.0)
        sy = pairs - (n - k) * (n - k - 1.0)
        sxy = sum_x - w_pp
        sx = sum_x
        sxx = sum_xx
    else:
        pairs = k * (k - 1.0) + (n - k) * (n - k - 1.0)
        sy = k * (k - 1.0)
        sxy = w_cc
        sx = w_cc + w_pp
        sxx = q_cc + q_pp
    denominator = (pairs * sxx - sx * sx) * (pairs * sy - sy * sy)
    if not denominator > 0:
        return -np.inf
    return (pairs * sxy - sx * sy) / np.sqrt(denominator)


@numba.njit(cache=True, nogil=True)
def _correlations(n, ks, w_cc, w_pp, q_cc, q_pp, sum_x, sum_xx, ones):  # pragma: no cover - compiled
    out = np.empty(len(ks))
    for i in range(len(ks)):
        out[i] = _correlation(n, ks[i], w_cc[i], w_pp[i], q_cc[i], q_pp[i], sum_x, sum_xx, ones)
    return out


@numba.njit(cache=True, nogil=True)
def _flip(v, indptr, indices, data, data_sq, core, to_c, to_p, sq_c, sq_p, stats):  # pragma: no cover
    """Move v to the other side, updating the block sums and every neighbour's tie sums."""
    if core[v]:
        sign = -1.0
        stats[1] -= to_c[v]
        stats[2] += to_p[v]
        stats[3] -= sq_c[v]
        stats[4] += sq_p[v]
    else:
        sign = 1.0
        stats[1] += to_c[v]
        stats[2] -= to_p[v]
        stats[3] += sq_c[v]
        stats[4] -= sq_p[v]
    stats[0] += sign
    for e in range(indptr[v], indptr[v + 1]):
        u = indices[e]
        to_c[u] += sign * data[e]
        to_p[u] -= sign * data[e]
        sq_c[u] += sign * data_sq[e]
        sq_p[u] -= sign * data_sq[e]
    core[v] = not core[v]


@numba.njit(cache=True, nogil=True)
def _kl_pass(indptr, indices, data, data_sq, core, to_c, to_p, sq_c, sq_p, stats, sum_x, sum_xx, ones,
             patience):  # pragma: no cover - compiled
    """One Kernighan–Lin pass: best unlocked move each step (downhill allowed), then roll back
    to the best prefix. Ties go to the lowest index. Returns whether the fitness improved."""
    n = len(core)
    locked = np.zeros(n, np.bool_)
    moves = np.empty(n, np.int64)
    count = 0
    start = _correlation(n, stats[0], stats[1], stats[2], stats[3], stats[4], sum_x, sum_xx, ones)
    best = start
    best_count = 0
    for _step in range(n):
        chosen = -1
        chosen_fit = -np.inf
        for v in range(n):
            if locked[v]:
                continue
            if core[v]:
                fit = _correlation(n, stats[0] - 1, stats[1] - to_c[v], stats[2] + to_p[v],
                                   stats[3] - sq_c[v], stats[4] + sq_p[v], sum_x, sum_xx, ones)
            else:
                fit = _correlation(n, stats[0] + 1, stats[1] + to_c[v], stats[2] - to_p[v],
                                   stats[3] + sq_c[v], stats[4] - sq_p[v], sum_x, sum_xx, ones)
            if fit > chosen_fit:
                chosen, chosen_fit = v, fit
        if chosen < 0:
            break
        _flip(chosen, indptr, indices, data, data_sq, core, to_c, to_p, sq_c, sq_p, stats)
        locked[chosen] = True
        moves[count] = chosen
        count += 1
        if chosen_fit > best + 1e-12:
            best, best_count = chosen_fit, count
        elif count - best_count >= patience:
            break
    for i in range(count - 1, best_count - 1, -1):
        _flip(moves[i], indptr, indices, data, data_sq, core, to_c, to_p, sq_c, sq_p, stats)
    return best_count > 0


# ---------------------------------------------------------------------------- continuous model
@dataclass(frozen=True)
class ContinuousCoreness(TableResult):
    """The continuous Borgatti–Everett model (:func:`continuous_coreness`).

    Attributes
    ----------
    coreness : NodeValues
        ``c_i`` (non-negative for a graph with non-negative weights).
    fitness : float
        Pearson correlation of ``a_ij`` with ``c_i c_j`` over the ordered pairs ``i != j``.
    residual : float
        ``sum_{i != j} (a_ij - c_i c_j)^2`` at the solution.
    iterations : int
    """

    key = "node"

    coreness: NodeValues
    fitness: float
    residual: float
    iterations: int

    def rows(self) -> list[dict[str, Any]]:
        """One row per node: ``node`` and ``coreness``."""
        return [{"node": n, "coreness": v} for n, v in zip(self.coreness.nodes, self.coreness.array.tolist())]

    def to_dict(self) -> dict[str, Any]:
        """``{"coreness": {node: c}, "fitness": r, "residual": ..., "iterations": ...}``."""
        return {"coreness": self.coreness.to_dict(), "fitness": self.fitness, "residual": self.residual,
                "iterations": self.iterations}


def continuous_coreness(
    G: GraphLike,
    *,
    weight: str | None = None,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    relations: str | Iterable[str] | None = None,
) -> ContinuousCoreness:
    """Continuous Borgatti–Everett coreness: ``c`` minimising ``sum_{i != j} (a_ij - c_i c_j)^2``.

    A directed graph is fitted through its symmetric part ``(A + A^T) / 2`` (the same
    minimiser, since ``c_i c_j`` is symmetric). The stationarity condition
    ``c_i = sum_j a_ij c_j / (sum_j c_j^2 - c_i^2)`` is iterated from ``c = s / sqrt(sum s)``
    (``s`` the strengths: exact when ``A = c c^T``) by L-BFGS on the exact gradient
    ``-4 (S c - c (|c|^2 - c^2))`` (sparse products only) until the projected gradient is
    below ``tol``. Deterministic.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    weight : str, optional
        Edge attribute used as tie strength (``None``: 0/1 ties).
    tol : float
        Convergence threshold on the largest gradient component.
    max_iter : int
    relations : str or iterable of str, optional
        Ecosystems: relation types forming the graph.

    Returns
    -------
    ContinuousCoreness
        ``.coreness`` (NodeValues), ``.fitness``, ``.residual``.

    Raises
    ------
    AnalysisError
        Fewer than 3 nodes or no tie.
    ConvergenceError
        Not converged within ``max_iter`` iterations.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import continuous_coreness
    >>> g = nx.Graph()
    >>> c = {"a": 2.0, "b": 1.0, "x": 0.5, "y": 0.5}
    >>> g.add_weighted_edges_from((u, v, c[u] * c[v]) for u in c for v in c if u < v)
    >>> r = continuous_coreness(g, weight="weight")
    >>> {k: round(v, 6) for k, v in r.coreness.items()}
    {'a': 2.0, 'b': 1.0, 'x': 0.5, 'y': 0.5}
    >>> round(r.fitness, 6)
    1.0
    """
    graph = compile(G, weight, relations=relations)
    if graph.n < 3:
        raise AnalysisError(f"continuous_coreness: needs at least 3 nodes, got {graph.n}", field="G")
    a = graph.matrix.copy() if weight is not None else sp.csr_array(
        (np.ones(graph.nnz), graph.indices, graph.indptr), shape=(graph.n, graph.n)
    )
    a.setdiag(0)
    a.eliminate_zeros()
    s = ((a + a.T) / 2).tocsr()
    strength = np.asarray(s.sum(axis=1)).ravel()
    total = strength.sum()
    if total <= 0:
        raise AnalysisError("continuous_coreness: the graph has no tie to fit", field="G")
    sum_x, sum_xx = float(a.sum()), float(a.multiply(a).sum())

    def objective(c: np.ndarray) -> tuple[float, np.ndarray]:
        # sum_{i != j} (a_ij - c_i c_j)^2 = sum a^2 - 2 c'Sc + (c'c)^2 - sum c^4, S the
        # symmetric part (the antisymmetric part of A does not depend on c); and its gradient
        sc = s @ c
        cc = float(np.dot(c, c))  # np.dot: BLAS; 1-D matmul is far slower here
        value = sum_xx - 2 * float(np.dot(c, sc)) + cc * cc - float((c**4).sum())
        return value, -4 * (sc - c * (cc - c * c))

    start = strength / np.sqrt(total)
    outcome = minimize(objective, start, jac=True, method="L-BFGS-B",
                       options={"maxiter": max_iter, "gtol": tol, "ftol": 0.0, "maxcor": 20})
    if not outcome.success and outcome.nit >= max_iter:
        raise ConvergenceError(
            f"continuous_coreness: no convergence to tol={tol} in {max_iter} iterations", field="max_iter"
        )
    c, current, iteration = outcome.x, float(outcome.fun), int(outcome.nit)
    if c.sum() < 0:
        c = -c
    n = float(graph.n)
    pairs = n * (n - 1)
    cc = float(np.dot(c, c))
    sy = float(c.sum()) ** 2 - cc
    syy = cc * cc - float((c**4).sum())
    sxy = float(np.dot(c, s @ c))
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = (pairs * sxy - sum_x * sy) / np.sqrt((pairs * sum_xx - sum_x**2) * (pairs * syy - sy * sy))
    return ContinuousCoreness(
        coreness=graph.values(c, "coreness"),
        fitness=_tidy(float(fit)),
        residual=float(max(current, 0.0)),
        iterations=iteration,
    )


# ---------------------------------------------------------------------------- k levels
@dataclass(frozen=True)
class CoreLevels(TableResult):
    """Nested core levels (:func:`core_periphery_levels`).

    Attributes
    ----------
    level : NodeValues
        0 for the innermost level (which always holds the main core) up to ``k - 1``.
    labels : tuple of str
        Name of each level (the four circle layers when ``k = 4``).
    thresholds : list of int
        Smallest core number (or onion layer) of each level; level ``j`` and all inner
        levels together are exactly the nodes with value ``>= thresholds[j]``.
    shell : str
        ``"core"`` or ``"onion"``.
    """

    key = "node"

    level: NodeValues
    labels: tuple[str, ...]
    thresholds: list[int]
    shell: str

    def groups(self) -> dict[str, list[Hashable]]:
        """Nodes per level label, innermost first (every label present)."""
        out: dict[str, list[Hashable]] = {label: [] for label in self.labels}
        for node, lvl in zip(self.level.nodes, self.level.array.tolist()):
            out[self.labels[lvl]].append(node)
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per node: ``node``, ``level`` and its ``label``."""
        return [{"node": n, "level": lvl, "label": self.labels[lvl]} for n, lvl in zip(self.level.nodes, self.level.array.tolist())]

    def to_dict(self) -> dict[Hashable, str]:
        """``{node: level label}``."""
        return {node: self.labels[lvl] for node, lvl in zip(self.level.nodes, self.level.array.tolist())}


def core_periphery_levels(
    G: GraphLike,
    k: int = 4,
    *,
    shell: str = "core",
    labels: Sequence[str] | None = None,
    relations: str | Iterable[str] | None = None,
) -> CoreLevels:
    """Split nodes into ``k`` nested core–periphery levels (e.g. a platform's four rings).

    Definition: with ``x(v)`` the core number (``shell="core"``) or onion layer
    (``shell="onion"``), ``x_max`` and ``x_min`` its extremes and ``w = (x_max - x_min + 1) / k``,

    ``level(v) = min(k - 1, floor((x_max - x(v)) / w))``

    — equal-width bins of the shell index counted from the top. Level 0 always holds the main
    core; levels ``0..j`` together form a k-core (``shell="core"``), so the levels are nested.
    Levels may be empty when the graph has fewer distinct shells than ``k``.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    k : int
        Number of levels (at least 2).
    shell : {"core", "onion"}
        Shell index to bin: k-core number, or the finer onion layer.
    labels : sequence of str, optional
        Level names, innermost first; default :data:`ecograph.RINGS` for ``k = 4``, else
        ``level0 ... level{k-1}``.
    relations : str or iterable of str, optional
        Ecosystems: relation types forming the graph.

    Returns
    -------
    CoreLevels
        ``.level`` (NodeValues), ``.groups()``, ``.to_dict()`` (node -> label).

    Raises
    ------
    AnalysisError
        ``k < 2``, wrong number of labels, or an unknown ``shell``.

    Examples
    --------
    >>> import networkx as nx
    >>> from ecograph import core_periphery_levels
    >>> g = nx.complete_graph(5)                      # core number 4
    >>> g.add_edges_from([(0, 5), (1, 5), (5, 6), (6, 7), (2, 8), (8, 9), (9, 2)])
    >>> core_periphery_levels(g).groups()["core"]
    [0, 1, 2, 3, 4]
    >>> core_periphery_levels(g).to_dict()[7]
    'radiation'
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise AnalysisError(f"core_periphery_levels: k must be an integer >= 2, got {k!r}", field="k")
    if shell not in ("core", "onion"):
        raise AnalysisError(f"core_periphery_levels: shell={shell!r}; expected 'core' or 'onion'", field="shell")
    if labels is None:
        labels = RINGS if k == len(RINGS) else tuple(f"level{i}" for i in range(k))
    labels = tuple(labels)
    if len(labels) != k:
        raise AnalysisError(f"core_periphery_levels: {len(labels)} labels for k={k} levels", field="labels")
    graph = _shell_graph(G, relations)
    core, layer = _peel(graph)
    x = core if shell == "core" else layer
    if graph.n == 0:
        return CoreLevels(graph.values(np.zeros(0, np.int64), "level"), labels, [], shell)
    x_max, x_min = int(x.max()), int(x.min())
    width = (x_max - x_min + 1) / k
    level = np.minimum(k - 1, np.floor((x_max - x) / width).astype(np.int64))
    thresholds = [int(x[level <= j].min()) if (level <= j).any() else x_max + 1 for j in range(k)]
    return CoreLevels(graph.values(level, "level"), labels, thresholds, shell)


def _tidy(value: float) -> float:
    """Round away float dust so that exact fits read 1.0."""
    return float(round(value, 12)) + 0.0
