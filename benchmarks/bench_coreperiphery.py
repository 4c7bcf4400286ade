"""Core–periphery and structural-hole benchmark cases: k-cores, onion layers, Burt's measures.

igraph has ``coreness`` and ``constraint``; networkx has all four. networkx's vectorised
``effective_size`` builds a dense n x n matrix and its per-node path costs about the cube of a
hub's degree, so it is skipped above 10k nodes.
"""

from __future__ import annotations

from typing import Any

from common import Graphs

import ecograph as eg

Case = dict[str, Any]


def cases(G: Graphs, size: str) -> list[Case]:
    import networkx as nx
    from sknetwork.topology import get_core_decomposition

    g, ig = G.ecograph(), G.igraph()
    nxg = G.networkx if G.n <= 100_000 else None
    skipped = [] if nxg else ["networkx skipped at 1M nodes"]
    out: list[Case] = [
        {
            "algorithm": "core_number",
            "ecograph": lambda: eg.core_number(g),
            "igraph": lambda: ig.coreness(),
            "networkx": (lambda: nx.core_number(nxg())) if nxg else None,
            "sknetwork": lambda: get_core_decomposition(G.sknetwork()),
            "notes": skipped,
        },
        {
            "algorithm": "onion_layers",
            "ecograph": lambda: eg.onion_layers(g),
            "networkx": (lambda: nx.onion_layers(nxg())) if nxg else None,
            "notes": skipped,
        },
    ]
    if G.n > 100_000:
        return out
    out.append({
        "algorithm": "constraint (Burt)",
        "ecograph": lambda: eg.constraint(g),
        "igraph": lambda: ig.constraint(),
        "networkx": lambda: nx.constraint(nxg()),
    })
    big = G.n > 10_000
    out.append({
        "algorithm": "effective_size (Burt)",
        "ecograph": lambda: eg.effective_size(g),
        "networkx": None if big else (lambda: nx.effective_size(nxg())),
        "notes": ["networkx skipped above 10k nodes"] if big else [],
    })
    return out


def warm_up() -> None:
    import networkx as nx

    tiny = eg.compile(nx.barabasi_albert_graph(50, 2, seed=0))
    eg.core_number(tiny), eg.onion_layers(tiny), eg.constraint(tiny), eg.effective_size(tiny)
