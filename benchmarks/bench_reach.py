"""Reach benchmark cases: multi-source k-hop reach and every node's 2-step reach.

igraph has no multi-source search, so it gets a super-source vertex linked to all sources,
added outside the timing, and one ``neighborhood(order=k+1)`` from it (its fastest route);
networkx uses ``bfs_layers`` from all sources.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from common import Graphs

import ecograph as eg

Case = dict[str, Any]


def _with_super_source(ig, sources: list[int]):
    h = ig.copy()
    h.add_vertices(1)
    hub = h.vcount() - 1
    h.add_edges([(hub, s) for s in sources])
    return h, hub


def cases(G: Graphs, size: str) -> list[Case]:
    import networkx as nx

    if G.n < 100_000:
        return []
    g, ig = G.ecograph(), G.igraph()
    nxg = G.networkx if G.n <= 100_000 else None
    out: list[Case] = []
    for count in (10, 10_000):
        sources = random.Random(count).sample(range(G.n), count)
        hub_graph, hub = _with_super_source(ig, sources)
        for k in (1, 2, 3):
            out.append({
                "algorithm": f"reach k={k} from {count:,}",
                "ecograph": lambda s=sources, k=k: eg.reach(g, s, hops=k),
                "igraph": lambda h=hub_graph, hub=hub, k=k: h.neighborhood(hub, order=k + 1),
                "networkx": (lambda s=sources, k=k: list(itertools.islice(nx.bfs_layers(nxg(), s), k + 1)))
                if nxg else None,
                "notes": [] if nxg else ["networkx skipped at 1M nodes"],
            })
    if G.n == 100_000:
        few = random.Random(2).sample(range(G.n), 1000)
        out.append({
            "algorithm": "2-step reach, every node",
            "ecograph": lambda: eg.k_step_reach(g, hops=2),
            "igraph": lambda: ig.neighborhood_size(order=2, mindist=1),
            "networkx": (lambda: [len(nx.single_source_shortest_path_length(nxg(), v, cutoff=2)) for v in few],
                         G.n / len(few)),
            "notes": ["networkx estimated from 1,000 nodes"],
        })
    return out


def warm_up() -> None:
    import networkx as nx

    tiny = eg.compile(nx.barabasi_albert_graph(50, 2, seed=0))
    eg.reach(tiny, [0, 1], hops=2), eg.k_step_reach(tiny, 2), eg.reach_profile(tiny, [0], 2)
