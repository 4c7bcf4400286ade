"""Centrality benchmark cases: ecograph vs igraph, networkx and scikit-network on one graph.

Each case maps a library to a zero-argument callable. networkx runs that would take minutes
are timed on a sample of the work and scaled up (marked "estimated" in the table).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from common import Graphs

import ecograph as eg

Case = dict[str, Any]


def _sample(n: int, k: int, seed: int = 1) -> list[int]:
    return random.Random(seed).sample(range(n), k)


def cases(G: Graphs, size: str) -> list[Case]:
    import networkx as nx
    import sknetwork.ranking as skr

    g, ig = G.ecograph(), G.igraph()
    nxg = G.networkx if G.n <= 100_000 else None  # building networkx at 1M nodes takes minutes and GBs
    skip_nx = "networkx skipped at 1M nodes (graph alone ~3 GB)" if nxg is None else None
    out: list[Case] = []

    out.append({
        "algorithm": "PageRank",
        "ecograph": lambda: eg.pagerank(g),
        "igraph": lambda: ig.pagerank(),
        "networkx": (lambda: nx.pagerank(nxg(), tol=1e-10, max_iter=1000)) if nxg else None,
        "sknetwork": lambda: skr.PageRank(damping_factor=0.85, tol=1e-10).fit_predict(G.sknetwork()),
        "notes": [n for n in [skip_nx] if n],
    })
    out.append({
        "algorithm": "eigenvector",
        "ecograph": lambda: eg.eigenvector(g),
        "igraph": lambda: ig.eigenvector_centrality(),
        "networkx": (lambda: nx.eigenvector_centrality(nxg())) if nxg else None,
        "notes": [n for n in [skip_nx] if n],
    })
    if G.n <= 10_000:
        few = _sample(G.n, 200)
        scale = G.n / len(few)
        out.append({
            "algorithm": "closeness",
            "ecograph": lambda: eg.closeness(g),
            "igraph": lambda: ig.closeness(),
            "networkx": (lambda: [nx.closeness_centrality(nxg(), u=u) for u in few], scale),
            "notes": ["networkx estimated from 200 nodes", "scikit-network's closeness needs a connected graph"],
        })
        out.append({
            "algorithm": "harmonic",
            "ecograph": lambda: eg.harmonic(g),
            "igraph": lambda: ig.harmonic_centrality(),
            "networkx": (lambda: nx.harmonic_centrality(nxg(), sources=few), scale),
            "notes": ["networkx estimated from 200 sources"],
        })
        out.append({
            "algorithm": "betweenness exact",
            "ecograph": lambda: eg.betweenness(g),
            "igraph": lambda: ig.betweenness(directed=False),
            "networkx": (lambda: nx.betweenness_centrality(nxg(), k=100, seed=1), G.n / 100),
            "notes": ["networkx estimated from 100 sources",
                      "scikit-network's betweenness fails on disconnected graphs"],
        })
    if G.n == 100_000:
        sources = _sample(G.n, 256)
        out.append({
            "algorithm": "betweenness k=256",
            "ecograph": lambda: eg.betweenness(g, k=256, seed=1),
            "igraph": lambda: ig.betweenness(directed=False, sources=sources),
            "networkx": (lambda: nx.betweenness_centrality(nxg(), k=16, seed=1), 16.0),
            "notes": ["networkx estimated from 16 of the 256 sources"],
        })
    return out


def warm_up() -> None:
    """Compile (or load from the numba cache) every kernel on a tiny graph, outside timing."""
    import networkx as nx

    tiny = eg.compile(nx.barabasi_albert_graph(50, 2, seed=0))
    eg.pagerank(tiny), eg.eigenvector(tiny), eg.closeness(tiny), eg.harmonic(tiny)
    eg.betweenness(tiny), eg.betweenness(tiny, k=5, seed=1)
    np.asarray(eg.degree(tiny).array)
