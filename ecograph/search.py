"""Graph search kernels shared by reach and centrality (compiled with numba).

:func:`bfs_levels` is the one multi-source breadth-first search over CSR arrays;
:func:`run_parallel` runs a per-source kernel on every thread. Both work on plain arrays, so
any analytic module can use them without importing another analytic.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

__all__ = ["bfs_levels", "filled", "run_parallel"]


@numba.njit(cache=True, nogil=True)
def bfs_levels(indptr, indices, in_indptr, in_indices, sources, max_hops, dist, queue):  # pragma: no cover
    """Multi-source breadth-first search, level by level, direction-optimising.

    ``dist`` must hold -1 for every node on entry; on return ``queue[:tail]`` lists the
    reached nodes in hop order and ``dist`` their hops (``tail`` is returned). ``max_hops``
    < 0 means unbounded. ``in_indptr``/``in_indices`` is the reversed graph (the same arrays
    for an undirected graph).

    A level is expanded top-down (gather the frontier's rows) while the frontier is small and
    bottom-up (every unvisited node looks for a parent among its in-neighbours, stopping at
    the first) while the frontier holds many nodes and most of the remaining edges (Beamer,
    Asanović and Patterson 2012), so a search never scans much more than the edges it needs.
    The last level of a bounded search goes bottom-up only when that scans fewer edges.
    """
    n = len(indptr) - 1
    all_edges = len(indices)
    tail = 0
    frontier_edges = 0
    for s in sources:
        if dist[s] < 0:
            dist[s] = 0
            queue[tail] = s
            tail += 1
            frontier_edges += indptr[s + 1] - indptr[s]
    explored_edges = frontier_edges
    head = 0
    level = 0
    bottom_up = False
    while head < tail and level != max_hops:
        level_end = tail
        remaining = all_edges - explored_edges
        if level + 1 == max_hops:  # last level: no later level profits from going bottom-up
            bottom_up = frontier_edges > remaining
        elif not bottom_up and frontier_edges * 14 > remaining and (level_end - head) * 24 > n:
            bottom_up = True  # a frontier this large finds parents for most nodes early
        elif bottom_up and (level_end - head) * 24 < n:
            bottom_up = False
        found_edges = 0
        if bottom_up:
            for v in range(n):
                if dist[v] < 0:
                    for e in range(in_indptr[v], in_indptr[v + 1]):
                        if dist[in_indices[e]] == level:
                            dist[v] = level + 1
                            queue[tail] = v
                            tail += 1
                            found_edges += indptr[v + 1] - indptr[v]
                            break
        else:
            for i in range(head, level_end):
                v = queue[i]
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    if dist[w] < 0:
                        dist[w] = level + 1
                        queue[tail] = w
                        tail += 1
                        found_edges += indptr[w + 1] - indptr[w]
        head = level_end
        level += 1
        frontier_edges = found_edges
        explored_edges += found_edges
    return tail


@numba.njit(cache=True, nogil=True)
def filled(shape, value, dtype):  # pragma: no cover - compiled
    """``np.full(shape, value, dtype)`` for the work arrays of :func:`run_parallel` kernels.

    Inside a ``parallel=True`` kernel numba turns ``np.zeros``/``np.full`` into parallel loops,
    which :func:`run_parallel`'s chunk size of 1 schedules element by element (0.2 s for 3M
    elements); called from here they stay one plain fill.
    """
    return np.full(shape, value, dtype)


def run_parallel(kernel: Any, count: int, *args: Any) -> Any:
    """Run a per-source numba kernel ``kernel(*args, threads, block)`` on all threads.

    The ``count`` sources are cut into blocks that threads take one at a time (dynamic
    scheduling), so a core slowed by another process or a block full of hubs does not hold
    the others back; ``threads`` rows of work arrays are indexed by ``numba.get_thread_id()``.
    """
    threads = numba.get_num_threads()
    block = max(1, min(64, count // (8 * threads)))
    with numba.parallel_chunksize(1):
        return kernel(*args, threads, block)
