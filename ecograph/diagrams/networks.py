"""The whole-ecosystem overview: every organisation, coloured by sector, sized by centrality.

The layout is deterministic and vectorised: each sector (政产学研金介) gets a wedge of the
disc in proportion to its size, and inside its wedge a sector's organisations sit on a
sunflower spiral with the most central ones nearest the middle, where the sectors meet. It
takes milliseconds for thousands of nodes (a force layout takes minutes) and the same data
always gives the same picture. Beyond ``max_nodes`` only the most central organisations are
drawn (connected ones only), and the title says what is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import scipy.sparse as sp
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from ..compiled import node_attribute
from ..matrix import SparseGraph
from ..labels import ecosystem_title
from ._base import (
    EDGE_COLOUR,
    SECTOR_COLOURS,
    SECTOR_LABELS,
    Metric,
    bilingual,
    check_lang,
    colour,
    dot_handle,
    drawing,
    label,
    legend_outside,
    marker_areas,
    metric_label,
    node_metric,
    short,
    square_off,
    structure,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["network", "sector_layout", "most_central", "spread_apart", "central_sample", "overview_counts",
           "OverviewCounts"]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def sector_layout(sector_codes: np.ndarray, rank: np.ndarray, *, gap: float = 0.04) -> np.ndarray:
    """Positions on the unit disc: a wedge per sector, central nodes (low ``rank``) inside.

    Parameters
    ----------
    sector_codes : numpy.ndarray of int
        Sector of each node (0..k-1).
    rank : numpy.ndarray
        Order within the sector (0 = most central); only the order matters.
    gap : float
        Empty angle between wedges, as a fraction of the circle.

    Returns
    -------
    numpy.ndarray of shape (n, 2)

    Examples
    --------
    >>> import numpy as np
    >>> xy = sector_layout(np.array([0, 0, 1]), np.array([0, 1, 0]))
    >>> xy.shape, bool((np.hypot(*xy.T) <= 1).all())
    ((3, 2), True)
    """
    codes = np.asarray(sector_codes, dtype=np.int64)
    n = len(codes)
    if n == 0:
        return np.zeros((0, 2))
    k = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=k).astype(float)
    present = counts > 0
    # Every present sector gets at least a small wedge so small sectors stay visible.
    share = np.where(present, np.maximum(counts / n, 0.04), 0.0)
    share = share / share.sum() * (1.0 - gap * present.sum())
    start = np.concatenate([[0.0], np.cumsum(share + gap * present)])[:-1]
    # Position of each node inside its sector, by rank.
    order = np.lexsort((rank, codes))
    within = np.empty(n, dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(counts.astype(np.int64))])[:-1]
    within[order] = np.arange(n) - first[codes[order]]
    size = counts[codes]
    radius = 0.12 + 0.88 * np.sqrt((within + 0.5) / size)
    angle = 2 * np.pi * (start[codes] + share[codes] * np.mod(within * _GOLDEN + 0.5, 1.0)) + np.pi / 2
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def most_central(compiled: SparseGraph, metric: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the nodes to draw, in graph order: every node when there are at most
    ``limit``; else the ``limit`` connected nodes with the highest ``metric`` (ties keep graph
    order), never padded with isolated ones (they would only crowd the picture).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b")]); g.add_node("c")
    >>> most_central(SparseGraph.from_networkx(g), np.array([0.1, 0.1, 0.9]), 2).tolist()
    [0, 1]
    """
    if len(metric) <= limit:
        return np.arange(len(metric))
    connected = (compiled.out_degree > 0) | (compiled.in_degree > 0)
    order = np.lexsort((np.arange(len(metric)), -metric, ~connected))
    return np.sort(order[:min(limit, int(connected.sum()))])


class CentralSample(NamedTuple):
    """The organisations an overview draws, with their sector layout (see :func:`central_sample`)."""

    compiled: SparseGraph  #: every organisation and tie
    keep: np.ndarray  #: positions in ``compiled`` of the drawn organisations, in graph order
    nodes: list[str]  #: their ids
    values: np.ndarray  #: their metric values
    sectors: list[str]  #: their sectors
    xy: np.ndarray  #: their :func:`sector_layout` positions (unit disc)


def central_sample(
    eco: Ecosystem, relations: str | Iterable[str] | None, size_by: Metric, max_nodes: int,
) -> CentralSample:
    """The ``max_nodes`` most central organisations (:func:`most_central`) by ``size_by``, laid
    out by sector with the largest values nearest the middle."""
    compiled = structure(eco, relations)
    metric = node_metric(eco, compiled.nodes, size_by)
    keep = most_central(compiled, metric, max_nodes)
    kept = [compiled.nodes[i] for i in keep]
    values = metric[keep]
    sectors = list(eco.vocabulary.sectors)
    sector_of = node_attribute(eco, kept, "sector")
    codes = np.array([sectors.index(s) for s in sector_of], dtype=np.int64)
    rank = np.argsort(np.argsort(-values, kind="stable"), kind="stable")
    return CentralSample(compiled, keep, kept, values, sector_of, sector_layout(codes, rank))


class OverviewCounts(NamedTuple):
    """What a network overview draws and leaves out (see :func:`overview_counts`)."""

    organisations: int  #: in the ecosystem
    drawn: int  #: organisations drawn
    drawn_ties: int  #: ties among them (pairs, either direction)
    not_drawn: int  #: organisations left out
    not_drawn_without_tie: int  #: of those, the ones without any tie
    ties_to_not_drawn: int  #: ties from a drawn organisation to one left out


def _drawn_ties(sample: CentralSample) -> sp.coo_matrix:
    """The ties among the drawn organisations, each pair once (upper triangle)."""
    symmetric = sample.compiled.matrix + sample.compiled.matrix.T
    return sp.triu(symmetric[sample.keep][:, sample.keep], k=1, format="coo")


def overview_counts(sample: CentralSample) -> OverviewCounts:
    """The counts a network overview of ``sample`` states in its title (and the report in report.json).

    Parameters
    ----------
    sample : CentralSample
        The organisations drawn (:func:`central_sample`).

    Returns
    -------
    OverviewCounts

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a"); eco.add_org("b"); eco.add_org("c")
    >>> eco.add_relation("a", "b", "collaborates")
    >>> overview_counts(central_sample(eco, None, "degree", 1))
    OverviewCounts(organisations=3, drawn=1, drawn_ties=0, not_drawn=2, not_drawn_without_tie=1, ties_to_not_drawn=1)
    """
    symmetric = sample.compiled.matrix + sample.compiled.matrix.T
    rows = symmetric[sample.keep]
    n = len(sample.compiled.nodes)
    left_out = np.ones(n, dtype=bool)
    left_out[sample.keep] = False
    tied = np.asarray((symmetric != 0).sum(axis=1)).ravel() > 0
    return OverviewCounts(
        organisations=n, drawn=len(sample.keep), drawn_ties=int(_drawn_ties(sample).nnz),
        not_drawn=int(left_out.sum()), not_drawn_without_tie=int((left_out & ~tied).sum()),
        # pairs linking a drawn organisation to one left out (they explain the big, lonely nodes)
        ties_to_not_drawn=int((rows != 0).sum() - (rows[:, sample.keep] != 0).sum()),
    )


def spread_apart(values: np.ndarray, min_gap: float) -> np.ndarray:
    """Values moved as little as possible (least squares) so that consecutive ones, in sorted
    order, differ by at least ``min_gap``; the order is kept.

    Examples
    --------
    >>> spread_apart(np.array([0.0, 0.01, 1.0]), 0.1).round(3).tolist()
    [-0.045, 0.055, 1.0]
    """
    order = np.argsort(values, kind="stable")
    wanted = values[order]
    # The smallest shifts that keep the order and the gap: isotonic in (angle - k * gap).
    base = wanted - min_gap * np.arange(len(wanted))
    fitted = _isotonic(base)
    out = np.empty_like(values, dtype=float)
    out[order] = fitted + min_gap * np.arange(len(wanted))
    return out


def _isotonic(values: np.ndarray) -> np.ndarray:
    """Least-squares non-decreasing fit (pool adjacent violators)."""
    means: list[float] = []
    sizes: list[int] = []
    for v in values.tolist():
        means.append(v)
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            size = sizes[-2] + sizes[-1]
            means[-2] = (means[-2] * sizes[-2] + means[-1] * sizes[-1]) / size
            sizes[-2] = size
            means.pop()
            sizes.pop()
    return np.repeat(means, sizes)


def _rim_labels(ax: Axes, points: np.ndarray, texts: list[str]) -> None:
    """Names in two columns beside the disc, spread apart vertically, with leader lines."""
    for right in (True, False):
        side = np.flatnonzero((points[:, 0] >= 0) == right)
        if not len(side):
            continue
        ys = spread_apart(points[side, 1], min_gap=0.085)
        x = 1.1 if right else -1.1
        for i, y in zip(side, ys):
            ax.annotate(texts[i], points[i], xytext=(x, y), ha="left" if right else "right", va="center",
                        fontsize=8, zorder=4, arrowprops={"arrowstyle": "-", "color": "#707070", "linewidth": 0.6,
                                                          "shrinkA": 0, "shrinkB": 2})


def network(
    eco: Ecosystem,
    *,
    size_by: Metric = "degree",
    relations: str | Iterable[str] | None = None,
    max_nodes: int = 500,
    top_labels: int = 15,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the ecosystem as a network: sectors as wedges, central organisations large and named.

    Parameters
    ----------
    eco : Ecosystem
    size_by : str, mapping, callable or None
        Centrality that sizes the nodes, picks the labelled ones and, beyond ``max_nodes``,
        the drawn ones: an ecograph analytic's name (degree by default: on directed service
        relations PageRank favours the clients, degree the busy providers and hubs), a mapping
        node -> value, a callable ``eco -> mapping`` or ``None``.
    relations : str or iterable of str, optional
        Relation types drawn as edges (all by default).
    max_nodes : int
        Draw at most this many organisations (connected ones first, then the most central:
        see :func:`most_central`); the title says how many were left out.
    top_labels : int
        Organisations named on the picture.
    lang : {"zh", "en", "zh+en"}
    font : str, optional
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        An unknown ``lang`` or ``size_by`` metric.
    UnknownRelationError
        A relation type the vocabulary does not know.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("g", "科技局", kind="government"); eco.add_org("f", "甲公司")
    >>> eco.add_relation("g", "f", "funds", amount=100)
    >>> fig = network(eco, size_by=None, max_nodes=1)
    >>> "1" in fig.axes[0].get_title() and "2" in fig.axes[0].get_title()
    True
    """
    check_lang(lang)
    sample = central_sample(eco, relations, size_by, max_nodes)
    _, _, kept_nodes, values, sector_of, xy = sample
    sectors = list(eco.vocabulary.sectors)
    upper = _drawn_ties(sample)
    counts = overview_counts(sample)
    with drawing(ax, (11.5, 10.0), font) as (fig, ax):
        if upper.nnz:
            segments = np.stack([xy[upper.row], xy[upper.col]], axis=1)
            alpha = float(np.clip(8.0 / np.sqrt(upper.nnz), 0.04, 0.35))
            ax.add_collection(LineCollection(segments, colors=EDGE_COLOUR, linewidths=0.5, alpha=alpha, zorder=1))
        faces = [colour(SECTOR_COLOURS, s) for s in sector_of]
        ax.scatter(xy[:, 0], xy[:, 1], s=marker_areas(values, 12.0, 420.0), c=faces, edgecolors="white",
                   linewidths=0.5, zorder=2)
        top = np.argsort(-values, kind="stable")[:top_labels]
        _rim_labels(ax, xy[top], [short(n, 12) for n in node_attribute(eco, [kept_nodes[i] for i in top], "name")])
        square_off(ax, 1.45, 1.3)
        by_sector = {s: sector_of.count(s) for s in sectors if s in sector_of}
        handles = [dot_handle(f"{label(SECTOR_LABELS, s, lang)} {n:,}", colour(SECTOR_COLOURS, s)) for s, n in
                   by_sector.items()]
        legend_outside(ax, handles, bilingual("部门", "sector", lang))
        drawn, ties, total = counts.drawn, counts.drawn_ties, counts.organisations
        shown = bilingual(f"{drawn:,} 个组织 · {ties:,} 条关系", f"{drawn:,} organisations · {ties:,} ties", lang)
        if counts.not_drawn:
            by = metric_label(size_by, lang) or bilingual("原有顺序", "order", lang)
            shown += bilingual(f"（按{by}取前 {drawn:,} 个，共 {total:,} 个）",
                               f" (top {drawn:,} of {total:,} by {by})", lang)
            n_left, lonely, outside = counts.not_drawn, counts.not_drawn_without_tie, counts.ties_to_not_drawn
            if lonely == n_left:
                omitted = [bilingual(f"未画出的 {n_left:,} 个组织都没有任何关系",
                                     f"the {n_left:,} organisations not drawn have no tie", lang)]
            else:  # only non-zero extras are stated
                omitted = [bilingual(f"未画出 {n_left:,} 个组织", f"{n_left:,} organisations not drawn", lang)]
                if lonely:
                    omitted.append(bilingual(f"其中 {lonely:,} 个没有任何关系",
                                             f"{lonely:,} of them without any tie", lang))
            if outside:
                omitted.append(bilingual(f"另有 {outside:,} 条关系连向未画出的组织",
                                         f"{outside:,} more ties lead to organisations not drawn", lang))
            shown += "\n" + ("，" if lang == "zh" else "; ").join(omitted)
        sized = metric_label(size_by, lang)
        if sized:
            shown += "\n" + bilingual(f"节点大小：{sized}", f"size: {sized}", lang)
        ax.set_title(title or f"{ecosystem_title(eco, lang)}: {bilingual('生态网络全景', 'ecosystem network', lang)}\n{shown}",
                     fontsize=13)
    return fig
