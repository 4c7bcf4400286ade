"""Reach (辐射能力): how far services, collaboration or influence spread from a set of sources.

All functions run one multi-source breadth-first search over the compiled CSR graph: every
source starts at hop 0 and the search only touches the rows of nodes it reaches (the
"gather the frontier's rows" formulation, as a compiled queue), so reaching a few thousand
nodes in a million-node graph costs only their edges. Edges are followed in their direction
(both ways on undirected graphs).

On an :class:`~ecograph.model.Ecosystem`, ``relations`` restricts the relation types followed
and ``directed=False`` reads every relation both ways (e.g. to reach a platform's ring members,
whose ``in_ring`` relations point to the platform).

Examples
--------
>>> import networkx as nx
>>> import ecograph as eg
>>> g = nx.path_graph(5)
>>> eg.reach(g, [0], hops=2).to_dict()
{0: 0, 1: 1, 2: 2}
>>> eg.reach_profile(g, [0, 4], max_hops=2)
[2, 4, 5]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numba
import numpy as np

from .errors import AnalysisError
from .matrix import GraphLike, SparseGraph, as_sparse
from .results import NodeValues

__all__ = ["reach", "reach_profile", "coverage", "decay_reach", "influence", "k_step_reach"]

Sources = Hashable | Iterable[Hashable]


def reach(
    G: GraphLike,
    sources: Sources,
    hops: int | None = None,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> NodeValues:
    """Nodes reached from ``sources`` within ``hops`` steps, with their hop distance.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    sources : node or iterable of nodes
        Where the spread starts (hop 0). A string is one node.
    hops : int, optional
        Maximum number of steps; ``None`` means unbounded.
    relations : str or iterable of str, optional
        Relation types to follow (Ecosystems, or networkx graphs whose edges carry ``type``).
    directed : bool, optional
        ``False`` follows edges both ways; ``None`` keeps the graph's (or the Ecosystem's
        default) view.

    Returns
    -------
    NodeValues
        ``{reached node: hop}`` (ints), sources first, then by hop and graph order.

    Raises
    ------
    NodeNotFoundError
        Naming the source ids that are not nodes.
    AnalysisError
        A negative ``hops``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("d", "a")])
    >>> reach(g, "a").to_dict()
    {'a': 0, 'b': 1, 'c': 2}
    >>> reach(g, "a", directed=False).to_dict()
    {'a': 0, 'b': 1, 'd': 1, 'c': 2}
    """
    g, start = _prepare(G, sources, relations, directed, "reach")
    reached, dist = _bfs(g, start, hops)
    order = np.lexsort((reached, dist))
    return g.subset_values(reached[order], dist[order], "hops")


def reach_profile(
    G: GraphLike,
    sources: Sources,
    max_hops: int,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> list[int]:
    """Cumulative number of nodes reached within 0, 1, ..., ``max_hops`` steps.

    Parameters
    ----------
    G, sources, relations, directed
        As in :func:`reach`.
    max_hops : int
        Last hop reported.

    Returns
    -------
    list of int
        ``max_hops + 1`` counts; the first is the number of distinct sources.

    Examples
    --------
    >>> import networkx as nx
    >>> reach_profile(nx.star_graph(4), [1], max_hops=3)
    [1, 2, 5, 5]
    """
    g, start = _prepare(G, sources, relations, directed, "reach_profile")
    _check_hops(max_hops, "reach_profile", required=True)
    _, dist = _bfs(g, start, max_hops)
    return np.cumsum(np.bincount(dist, minlength=max_hops + 1)).tolist()


def coverage(
    G: GraphLike,
    sources: Sources,
    population: Iterable[Hashable],
    hops: int,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> list[dict[str, Any]]:
    """Share of a target population reached within 0..``hops`` steps.

    E.g. the SMEs of an industry reached by a platform's services within two hops.

    Parameters
    ----------
    G, sources, relations, directed
        As in :func:`reach`.
    population : iterable of nodes
        The target population (duplicates ignored). Sources that belong to it count as
        reached at hop 0.
    hops : int
        Last hop reported.

    Returns
    -------
    list of dict
        One row per hop ``0..hops``: ``hop``, ``reached`` (population members reached within
        that many steps, cumulative), ``population`` (its size) and ``share``
        (``reached / population``).

    Raises
    ------
    NodeNotFoundError
        Unknown source or population ids (named).
    AnalysisError
        An empty population.

    Examples
    --------
    >>> import networkx as nx
    >>> rows = coverage(nx.path_graph(5), [0], population=[2, 3, 4], hops=3)
    >>> [(r["hop"], r["reached"], r["share"]) for r in rows]
    [(0, 0, 0.0), (1, 0, 0.0), (2, 1, 0.3333333333333333), (3, 2, 0.6666666666666666)]
    """
    g, start = _prepare(G, sources, relations, directed, "coverage")
    _check_hops(hops, "coverage", required=True)
    members = np.unique(g.positions(population, "coverage population"))
    if len(members) == 0:
        raise AnalysisError("coverage: the population is empty", field="population")
    reached, dist = _bfs(g, start, hops)
    in_population = np.zeros(g.n, dtype=bool)
    in_population[members] = True
    counts = np.cumsum(np.bincount(dist[in_population[reached]], minlength=hops + 1)).tolist()
    size = len(members)
    return [{"hop": h, "reached": c, "population": size, "share": c / size} for h, c in enumerate(counts)]


def decay_reach(
    G: GraphLike,
    sources: Sources,
    delta: float,
    hops: int | None = None,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> float:
    """Decayed reach: the sum of ``delta ** hop`` over the nodes reached beyond the sources.

    A node ``h`` hops away counts ``delta**h`` (Jackson's decay centrality of a source set):
    with ``delta = 1`` this is the number of nodes reached, with small ``delta`` it is close
    to ``delta`` times the number of direct neighbours.

    Parameters
    ----------
    G, sources, relations, directed
        As in :func:`reach`.
    delta : float
        Decay per hop, in ``(0, 1]``.
    hops : int, optional
        Maximum hop counted (unbounded by default).

    Returns
    -------
    float

    Raises
    ------
    AnalysisError
        ``delta`` outside ``(0, 1]``.

    Examples
    --------
    >>> import networkx as nx
    >>> decay_reach(nx.path_graph(4), [0], delta=0.5)
    0.875
    """
    if not 0 < delta <= 1:
        raise AnalysisError(f"decay_reach: delta must be in (0, 1], got {delta}", field="delta")
    g, start = _prepare(G, sources, relations, directed, "decay_reach")
    _, dist = _bfs(g, start, hops)
    beyond = dist[dist > 0]
    return float(np.sum(np.power(float(delta), beyond)))


def influence(
    G: GraphLike,
    sources: Sources | Mapping[Hashable, float],
    alpha: float = 0.85,
    weight: str | None = "weight",
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> NodeValues:
    """Influence of a source set: PageRank personalised on the sources.

    A random walk that restarts at the sources (probability ``1 - alpha`` per step); the
    stationary probability of each node is its share of the sources' influence. Equals
    ``nx.pagerank(G, alpha, personalization={s: 1 for s in sources})``.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    sources : node, iterable of nodes, or mapping node -> restart weight
    alpha, weight, tol, max_iter
        As in :func:`ecograph.pagerank`.

    Returns
    -------
    NodeValues
        Sums to 1 over all nodes.

    Raises
    ------
    NodeNotFoundError
        Unknown source ids.

    Examples
    --------
    >>> import networkx as nx
    >>> inf = influence(nx.path_graph(3), [0])
    >>> round(inf[0], 4), round(inf[2], 4)
    (0.3453, 0.1953)
    """
    from .centrality import pagerank

    g = as_sparse(G, weight)
    if isinstance(sources, Mapping):
        restart = dict(sources)
    else:
        restart = {g.nodes[i]: 1.0 for i in np.unique(_positions(g, sources, "influence")).tolist()}
    values = pagerank(g, alpha=alpha, personalization=restart, weight=weight, tol=tol, max_iter=max_iter)
    values.name = "influence"
    return values


def k_step_reach(
    G: GraphLike,
    k: int = 2,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> NodeValues:
    """For every node, how many other nodes it reaches within ``k`` steps ("2-step reach").

    Exact: one bounded breadth-first search per node, run in parallel in a compiled kernel
    (equals ``len(nx.single_source_shortest_path_length(G, v, cutoff=k)) - 1``).

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    k : int
        Number of steps (``k >= 0``).
    relations, directed
        As in :func:`reach`.

    Returns
    -------
    NodeValues
        Integer counts, excluding the node itself.

    Examples
    --------
    >>> import networkx as nx
    >>> k_step_reach(nx.path_graph(5), k=2).to_dict()
    {0: 2, 1: 3, 2: 4, 3: 3, 4: 2}
    """
    _check_hops(k, "k_step_reach", required=True)
    g = as_sparse(G, relations=relations, directed=directed)
    chunks = max(1, min(g.n, 64 * numba.get_num_threads()))
    counts = _bounded_counts(g.indptr, g.indices, k, chunks) if g.n else np.zeros(0, np.int64)
    return g.values(counts, f"reach_{k}_step")


# ---------------------------------------------------------------------- helpers
def _prepare(
    G: GraphLike, sources: Sources, relations: Any, directed: bool | None, who: str
) -> tuple[SparseGraph, np.ndarray]:
    g = as_sparse(G, relations=relations, directed=directed)
    return g, np.unique(_positions(g, sources, who))


def _positions(g: SparseGraph, sources: Sources, who: str) -> np.ndarray:
    return g.positions(sources, f"{who} sources")


def _check_hops(hops: int | None, who: str, required: bool = False) -> None:
    if hops is None and not required:
        return
    if isinstance(hops, bool) or not isinstance(hops, (int, np.integer)) or hops < 0:
        raise AnalysisError(f"{who}: hops must be a non-negative integer, got {hops!r}", field="hops")


def _bfs(g: SparseGraph, start: np.ndarray, hops: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Reached positions (BFS order) and their hop distances."""
    _check_hops(hops, "reach")
    if g.n == 0 or len(start) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _multi_source_bfs(g.indptr, g.indices, start, -1 if hops is None else int(hops))


@numba.njit(cache=True, nogil=True)
def _multi_source_bfs(indptr, indices, sources, max_hops):  # pragma: no cover - compiled
    n = len(indptr) - 1
    dist = np.full(n, -1, np.int64)
    queue = np.empty(n, np.int64)
    tail = 0
    for s in sources:
        dist[s] = 0
        queue[tail] = s
        tail += 1
    head = 0
    while head < tail:
        v = queue[head]
        dv = dist[v]
        if dv == max_hops:
            break  # the queue is in hop order: everything left is at the last hop
        head += 1
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            if dist[w] < 0:
                dist[w] = dv + 1
                queue[tail] = w
                tail += 1
    reached = queue[:tail].copy()
    return reached, dist[reached]


@numba.njit(cache=True, parallel=True, nogil=True)
def _bounded_counts(indptr, indices, k, chunks):  # pragma: no cover - compiled
    # Each block stamps visited nodes with the current source id, so nothing is reset.
    n = len(indptr) - 1
    counts = np.zeros(n, np.int64)
    for c in numba.prange(chunks):
        stamp = np.full(n, -1, np.int64)
        queue = np.empty(n, np.int64)
        for s in range(c, n, chunks):
            stamp[s] = s
            queue[0] = s
            head, tail = 0, 1
            for _ in range(k):
                level_end = tail
                if head == level_end:
                    break
                while head < level_end:
                    v = queue[head]
                    head += 1
                    for e in range(indptr[v], indptr[v + 1]):
                        w = indices[e]
                        if stamp[w] != s:
                            stamp[w] = s
                            queue[tail] = w
                            tail += 1
            counts[s] = tail - 1
    return counts
