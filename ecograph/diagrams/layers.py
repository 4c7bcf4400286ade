"""The circle-layer (圈层) diagram of a technology-innovation service platform.

Concentric rings — core, core ring, collaboration ring, radiation ring — with each member on its
ring, grouped and coloured by kind, sized by a metric, and the ties between members drawn as
faint curves bent towards the centre. A ring with more members than ``max_dots`` (the radiation
ring of hundreds of SMEs) is drawn as arcs per kind with their counts instead of dots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Wedge

from ..compiled import compiled
from ..model import RINGS
from ._base import (
    EDGE_COLOUR,
    KIND_COLOURS,
    KIND_LABELS,
    RING_LABELS,
    Metric,
    bilingual,
    check_lang,
    colour,
    dot_handle,
    drawing,
    is_cjk,
    label,
    legend_outside,
    marker_areas,
    metric_label,
    node_metric,
    short,
    square_off,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["circle_layers", "bezier_curves"]

# Ring bands (inner, outer radius); members sit in the middle of their band.
_BANDS = {"core": (0.0, 0.8), "core_ring": (0.8, 1.8), "collaboration": (1.8, 2.8), "radiation": (2.8, 3.8)}
_BAND_FILL = {"core": "#FFF4D6", "core_ring": "#FDF8EC", "collaboration": "#F3F7FB", "radiation": "#F7F7F7"}
_LABEL_GAP = np.deg2rad(34.0)  # left free at the top of each ring for its label
_TOP = np.pi / 2


def bezier_curves(start: np.ndarray, end: np.ndarray, bend: float = 0.55, points: int = 20) -> np.ndarray:
    """Quadratic Bézier curves from ``start`` to ``end`` (arrays of shape (E, 2)).

    The control point is the chord's midpoint pulled towards the origin by ``bend`` (0 =
    straight), so ties between rings curve through the middle like bundled edges.

    Returns
    -------
    numpy.ndarray of shape (E, points, 2)

    Examples
    --------
    >>> import numpy as np
    >>> c = bezier_curves(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]), bend=0.0, points=3)
    >>> c.round(2).tolist()
    [[[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]]
    """
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    control = (start + end) / 2 * (1.0 - bend)
    t = np.linspace(0.0, 1.0, points)[None, :, None]
    return (1 - t) ** 2 * start[:, None, :] + 2 * (1 - t) * t * control[:, None, :] + t**2 * end[:, None, :]


def _slot_angles(groups: Sequence[int], gap: float = _LABEL_GAP) -> np.ndarray:
    """Angles for members in consecutive groups, one empty slot between groups."""
    sizes = np.asarray(groups, dtype=int)
    n = int(sizes.sum())
    if n == 0:
        return np.zeros(0)
    group_of = np.repeat(np.arange(len(sizes)), sizes)
    position = np.arange(n) + group_of  # skip one slot per group boundary
    slots = n + len(sizes) - 1
    return _TOP + gap / 2 + (position + 0.5) * (2 * np.pi - gap) / slots


def circle_layers(
    eco: Ecosystem,
    platform: str,
    *,
    size_by: Metric = "degree",
    ties: bool = True,
    max_dots: int = 60,
    max_labels: int = 14,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw a platform's circle layers (圈层结构).

    Parameters
    ----------
    eco : Ecosystem
    platform : str
        Id of a ``platform`` node; its members come from ``in_ring`` relations.
    size_by : str, mapping, callable or None
        Node size: an ecograph analytic's name (``"degree"``, ``"pagerank"`` ...), a mapping
        node -> value such as a :class:`~ecograph.results.NodeValues`, a callable
        ``eco -> mapping``, or ``None`` for equal sizes.
    ties : bool
        Draw the relations among members (faint curves).
    max_dots : int
        A ring with more members is drawn as arcs per kind with counts.
    max_labels : int
        Names shown per ring (the largest members by ``size_by``); the core is always named.
    lang : {"zh", "en", "zh+en"}
        Language of ring, kind and title labels (member names are shown as they are).
    font : str, optional
        Font family or file for Latin text; Chinese falls back to Noto Sans CJK.
    title : str, optional
        Replaces the default title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    NodeNotFoundError, EndpointKindError
        ``platform`` is not a platform of ``eco``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("p", "电机平台", kind="platform")
    >>> eco.add_org("c", "工程中心", kind="research_institute")
    >>> eco.add_org("a", "电机协会", kind="association")
    >>> eco.add_relation("c", "p", "in_ring", ring="core")
    >>> eco.add_relation("a", "p", "in_ring", ring="core_ring")
    >>> fig = circle_layers(eco, "p", size_by=None)
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith('核心圈')]
    ['核心圈 (1)']
    """
    check_lang(lang)
    layers = eco.rings(platform)
    record = compiled(eco).record
    with drawing(ax, (11.5, 9.5), font) as (fig, ax):
        members = [m for ring in RINGS for m in layers[ring]]
        metric = node_metric(eco, members, size_by)
        value_of = dict(zip(members, metric))
        areas = dict(zip(members, marker_areas(metric, 40.0, 520.0)))
        position: dict[str, np.ndarray] = {}
        kinds_seen: dict[str, None] = {}
        label_boxes: list[tuple[float, float, float, float]] = []
        _draw_bands(ax, layers, lang)
        for ring in RINGS:
            ring_members = layers[ring]
            if not ring_members:
                continue
            by_kind: dict[str, list[str]] = {}
            for m in ring_members:
                by_kind.setdefault(record(m)["kind"], []).append(m)
            kinds = sorted(by_kind, key=lambda k: (-len(by_kind[k]), k))
            kinds_seen.update(dict.fromkeys(kinds))
            if ring != "core" and len(ring_members) > max_dots:
                position.update(_draw_arcs(ax, ring, {k: by_kind[k] for k in kinds}, lang))
                continue
            ordered = [m for k in kinds for m in sorted(by_kind[k], key=lambda n: -value_of[n])]
            xy = _ring_positions(ring, [len(by_kind[k]) for k in kinds])
            position.update(zip(ordered, xy))
            ax.scatter(
                xy[:, 0], xy[:, 1],
                s=[areas[m] for m in ordered],
                c=[colour(KIND_COLOURS, record(m)["kind"]) for m in ordered],
                edgecolors="white", linewidths=0.8, zorder=3,
            )
            # Largest first; among equals, a golden-ratio walk round the ring spreads the names.
            spread = {m: (k * 0.6180339887) % 1.0 for k, m in enumerate(ordered)}
            by_value = sorted(ordered, key=lambda n: (-value_of[n], spread[n]))
            _label_members(ax, eco, ring, by_value, position, label_boxes, len(ordered) if ring == "core" else max_labels)
        if ties:
            _draw_ties(ax, eco, platform, position)
        square_off(ax, 4.05)
        handles = [dot_handle(label_kind(k, lang), colour(KIND_COLOURS, k)) for k in kinds_seen]
        legend_outside(ax, handles, bilingual("成员类型", "member kind", lang))
        name = record(platform).get("name", platform)
        counts = " · ".join(f"{_ring_label(r, lang)} {len(layers[r])}" for r in RINGS)
        sized = metric_label(size_by, lang)
        subtitle = counts + (f"  ({bilingual('节点大小', 'size', lang)}: {sized})" if sized else "")
        ax.set_title(title or f"{name}: {bilingual('圈层结构', 'circle layers', lang)}\n{subtitle}", fontsize=13)
    return fig


def label_kind(kind: str, lang: str) -> str:
    return label(KIND_LABELS, kind, lang)


def _ring_label(ring: str, lang: str) -> str:
    return label(RING_LABELS, ring, lang)


def _ring_positions(ring: str, groups: Sequence[int]) -> np.ndarray:
    inner, outer = _BANDS[ring]
    n = int(sum(groups))
    if ring == "core":
        if n == 1:
            return np.zeros((1, 2))
        angles = _TOP + 2 * np.pi * np.arange(n) / n
        radius = np.full(n, 0.4)
    else:
        angles = _slot_angles(groups)
        # Alternate two radii in crowded rings so neighbouring dots do not touch.
        radius = (inner + outer) / 2 + (0.18 * np.where(np.arange(n) % 2, 1, -1) if n > 24 else 0.0)
    return np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])


def _draw_bands(ax: Axes, layers: dict[str, list[str]], lang: str) -> None:
    for ring in RINGS:
        inner, outer = _BANDS[ring]
        ax.add_patch(Wedge((0, 0), outer, 0, 360, width=outer - inner, facecolor=_BAND_FILL[ring],
                           edgecolor="none", zorder=0))
        ax.add_patch(Circle((0, 0), outer, fill=False, edgecolor="#B0B0B0", linestyle=(0, (4, 3)),
                            linewidth=0.8, zorder=1))
        text = f"{_ring_label(ring, lang)} ({len(layers[ring])})"
        y = outer - 0.22 if ring != "core" else -0.62
        ax.text(0, y, text, ha="center", va="center", fontsize=11, color="#404040",
                zorder=5)


def _draw_arcs(ax: Axes, ring: str, by_kind: dict[str, list[str]], lang: str) -> dict[str, np.ndarray]:
    """Arcs per kind with their counts; returns each member's anchor point (its arc's middle)."""
    inner, outer = _BANDS[ring]
    counts = np.array([len(v) for v in by_kind.values()], dtype=float)
    span = 2 * np.pi - _LABEL_GAP
    pad = np.deg2rad(1.5)
    edges = _TOP + _LABEL_GAP / 2 + np.concatenate([[0.0], np.cumsum(counts / counts.sum() * span)])
    anchors: dict[str, np.ndarray] = {}
    middle_radius = (inner + outer) / 2 - 0.05
    for (kind, members), start, stop in zip(by_kind.items(), edges[:-1], edges[1:]):
        face = colour(KIND_COLOURS, kind)
        ax.add_patch(Wedge((0, 0), outer - 0.32, np.rad2deg(start + pad / 2), np.rad2deg(stop - pad / 2),
                           width=outer - inner - 0.42, facecolor=face, alpha=0.35, edgecolor=face, zorder=2))
        mid = (start + stop) / 2
        direction = np.array([np.cos(mid), np.sin(mid)])
        anchors.update((m, (inner + 0.12) * direction) for m in members)  # ties end at the arc's edge
        if stop - start > np.deg2rad(9):
            ax.text(*(middle_radius * direction), f"{label_kind(kind, lang)}\n×{len(members):,}", ha="center",
                    va="center", fontsize=9, color="#202020", zorder=5)
    return anchors


def _label_box(x: float, y: float, text: str, angle: float) -> tuple[float, float, float, float]:
    """Approximate extent (x0, y0, x1, y1) in data units of a size-8 label placed beside a node.

    At the default figure size one data unit is about 75 points: a CJK character is ~0.11
    units wide, a Latin one ~0.065, a line ~0.14 high.
    """
    width = sum(0.11 if is_cjk(c) else 0.065 for c in text)
    x0 = x + 0.14 * np.cos(angle)
    x0, x1 = (x0, x0 + width) if np.cos(angle) >= 0 else (x0 - width, x0)
    yc = y + 0.14 * np.sin(angle)
    return x0, yc - 0.07, x1, yc + 0.07


def _label_members(
    ax: Axes, eco: Ecosystem, ring: str, candidates: list[str], position: dict[str, np.ndarray],
    taken: list[tuple[float, float, float, float]], limit: int,
) -> None:
    """Name up to ``limit`` members, in ``candidates`` order, skipping any whose label would
    overlap one already placed (``taken`` collects the boxes across rings)."""
    record = compiled(eco).record
    placed = 0
    for m in candidates:
        if placed >= limit:
            break
        x, y = position[m]
        name = record(m).get("name", m)
        if ring == "core":
            ax.text(x, y - 0.2, short(name, 18), ha="center", va="top", fontsize=9, zorder=6)
            taken.append((x - 1.0, y - 0.35, x + 1.0, y - 0.2))
            continue
        text = short(name, 10)
        angle = float(np.arctan2(y, x))
        box = _label_box(x, y, text, angle)
        if any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
            continue
        taken.append(box)
        placed += 1
        ax.text(x + 0.14 * np.cos(angle), y + 0.14 * np.sin(angle), text,
                ha="left" if np.cos(angle) >= 0 else "right", va="center", fontsize=8, zorder=6, color="#202020")


def _draw_ties(ax: Axes, eco: Ecosystem, platform: str, position: dict[str, np.ndarray]) -> None:
    pairs: dict[tuple[str, str], int] = {}
    for u, v, _k, d in eco.relations():
        if d["type"] == "in_ring" or u == platform or v == platform:
            continue
        if u not in position or v not in position:
            continue
        key = (u, v) if u <= v else (v, u)
        pairs[key] = pairs.get(key, 0) + 1
    if not pairs:
        return
    # Ties into an aggregated ring share its anchor: draw each anchor pair once, wider by count.
    merged: dict[tuple[tuple[float, float], tuple[float, float]], int] = {}
    for (u, v), n in pairs.items():
        a, b = tuple(position[u]), tuple(position[v])
        if a == b:
            continue
        key = (a, b) if a <= b else (b, a)
        merged[key] = merged.get(key, 0) + n
    if not merged:
        return
    ends = np.array(list(merged.keys()))
    weight = np.array(list(merged.values()), dtype=float)
    curves = bezier_curves(ends[:, 0, :], ends[:, 1, :])
    widths = 0.5 + 1.5 * np.log1p(weight) / np.log1p(weight.max())
    ax.add_collection(LineCollection(curves, colors=EDGE_COLOUR, linewidths=widths, alpha=0.18, zorder=2))

