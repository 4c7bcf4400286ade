"""Diagrams of change over time: ring transitions, circle layers per period, trajectories, growth.

Each draws a result of :mod:`ecograph.dynamics` (:class:`~ecograph.dynamics.Changes`,
:class:`~ecograph.dynamics.Panel`) or snapshots ``eco.at(period)``; none computes a figure of
its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..compiled import compiled
from ..labels import MEASURE_LABELS, RELATION_LABELS_SHOWN
from ..model import RINGS
from ._base import (
    _PALETTE, RING_LABELS, bilingual, check_lang, drawing, label, light_grid, metric_label, open_frame, short, wrap,
)
from .actions import _bands, _stack
from .fonts import diagram_style
from .layers import circle_layers

if TYPE_CHECKING:  # pragma: no cover
    from ..dynamics import Changes, Panel
    from ..model import Ecosystem

__all__ = ["ring_transitions", "layers_over_time", "trajectories", "growth_bars"]

_RING_COLOURS = dict(zip(RINGS, ("#D55E00", "#E69F00", "#009E73", "#0072B2")))
_OUTSIDE = ("圈外", "outside")


def _period_text(period: Any) -> str:
    return period.isoformat() if hasattr(period, "isoformat") else str(period)


def ring_transitions(
    changes: Changes,
    platform: str,
    *,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Alluvial (Sankey) of a platform's members from their ring at ``t0`` to their ring at ``t1``.

    Bands are the :attr:`~ecograph.dynamics.Changes.ring_moves` and
    :attr:`~ecograph.dynamics.Changes.ring_stays` of ``platform``; "圈外" (outside) stands for
    members that entered or left the platform.

    Parameters
    ----------
    changes : Changes
        From :func:`ecograph.changes`.
    platform : str
        The platform's id.
    lang : {"zh", "en", "zh+en"}
    font, title, ax :
        As for the other diagrams.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        An unknown ``lang``.

    Examples
    --------
    >>> import ecograph as eg, loaders
    >>> motor = loaders.load_dataset("shanghai_motor")
    >>> fig = ring_transitions(eg.changes(motor, 2009, 2011), "motor_platform")
    >>> fig.axes[0].get_title(loc="left")
    '圈层变化 2009 → 2011：进入 179，离开 0，换圈 0'
    """
    check_lang(lang)
    outside = bilingual(*_OUTSIDE, lang)
    ring_word = {r: label(RING_LABELS, r, lang) for r in RINGS}
    flows: dict[tuple[str, str], int] = {}
    entered = left = moved = 0
    for move in [*changes.ring_moves, *changes.ring_stays]:
        if move.platform != platform:
            continue
        a = ring_word[move.from_ring] if move.from_ring else outside
        b = ring_word[move.to_ring] if move.to_ring else outside
        flows[(a, b)] = flows.get((a, b), 0) + move.count
        if move.from_ring is None:
            entered += move.count
        elif move.to_ring is None:
            left += move.count
        elif move.from_ring != move.to_ring:
            moved += move.count
    total = sum(flows.values())
    t0, t1 = _period_text(changes.t0), _period_text(changes.t1)
    order = [ring_word[r] for r in RINGS] + [outside]
    colours = {ring_word[r]: _RING_COLOURS[r] for r in RINGS} | {outside: "#999999"}
    with drawing(ax, (9, 6.5), font) as (fig, ax):
        ax.set_title(title or bilingual(f"圈层变化 {t0} → {t1}：进入 {entered}，离开 {left}，换圈 {moved}",
                                        f"Ring transitions {t0} → {t1}: {entered} entered, {left} left, {moved} moved",
                                        lang), loc="left")
        ax.axis("off")
        if total == 0:
            ax.text(0.5, 0.5, bilingual("该平台在两个时点都没有成员", "no member at either time", lang),
                    ha="center", va="center")
            return fig
        sizes = [{}, {}]
        for (a, b), n in flows.items():
            sizes[0][a] = sizes[0].get(a, 0) + n
            sizes[1][b] = sizes[1].get(b, 0) + n
        blocks = [_stack([k for k in order if k in sizes[i]], sizes[i], total, 0.015) for i in range(2)]
        xs, width = (0.0, 0.75), 0.04
        _bands(ax, flows, blocks[0], blocks[1], xs[0] + width, xs[1], total,
               lambda a, b: colours[b] if a == outside else colours[a])
        for i, side in enumerate(blocks):
            for key, (y0, y1) in side.items():
                ax.add_patch(Rectangle((xs[i], y0), width, y1 - y0, facecolor=colours[key], edgecolor="none"))
                text = f"{key}  {sizes[i][key]:,}"
                if i == 0:
                    ax.text(xs[i] - 0.01, (y0 + y1) / 2, text, ha="right", va="center", fontsize=9)
                else:
                    ax.text(xs[i] + width + 0.01, (y0 + y1) / 2, text, ha="left", va="center", fontsize=9)
            ax.text(xs[i] + width / 2, 1.03, (t0, t1)[i], ha="center", va="bottom", fontweight="bold")
        ax.set_xlim(-0.3, 1.1)
        ax.set_ylim(-0.02, 1.08)
    return fig


def layers_over_time(
    eco: Ecosystem,
    platform: str,
    periods: Sequence[Any] | None = None,
    *,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    **options: Any,
) -> Figure:
    """Small multiples: the platform's circle layers in each period (``eco.at(period)``).

    Periods where the platform does not exist yet show an empty panel that says so.
    ``options`` go to :func:`~ecograph.diagrams.circle_layers` (``size_by``, ``max_dots`` …).

    Parameters
    ----------
    eco : Ecosystem
    platform : str
        Id of the platform.
    periods : sequence, optional
        The periods drawn (:meth:`Ecosystem.periods` by default).
    lang : {"zh", "en", "zh+en"}
    font, title :
        As for the other diagrams.
    **options
        Passed to :func:`~ecograph.diagrams.circle_layers`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    NodeNotFoundError
        ``platform`` is not in the ecosystem.
    AnalysisError
        An unknown ``lang``.

    Examples
    --------
    >>> import loaders
    >>> fig = layers_over_time(loaders.load_dataset("shanghai_motor"), "motor_platform")
    >>> len(fig.axes), fig.axes[2].get_title()
    (3, '2011')
    """
    check_lang(lang)
    periods = list(eco.periods() if periods is None else periods)
    with diagram_style(font):
        fig = Figure(figsize=(6.2 * len(periods), 6.8), layout="constrained")
        axes = fig.subplots(1, len(periods), squeeze=False)[0]
    name = compiled(eco).record(platform).get("name", platform)
    for ax, period in zip(axes, periods):
        snap = eco.at(period)
        if platform not in snap:
            with drawing(ax, (6, 6), font):
                ax.axis("off")
                ax.set_title(_period_text(period), fontsize=13)
                ax.text(0.5, 0.5, bilingual("平台尚未成立", "the platform does not exist yet", lang),
                        ha="center", va="center", transform=ax.transAxes)
            continue
        circle_layers(snap, platform, lang=lang, font=font, ax=ax, title=_period_text(period), **options)
    with diagram_style(font) as families:
        fig.suptitle(title or bilingual(f"{name}：各时期的圈层结构", f"{name}: circle layers by period", lang),
                     fontfamily=families, fontsize=15)
    return fig


def trajectories(
    panel: Panel,
    eco: Ecosystem | None = None,
    *,
    top: int = 5,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Lines of a per-node metric over the periods for the ``top`` organisations of the last period.

    Parameters
    ----------
    panel : Panel
        From :func:`ecograph.panel` with a per-node metric.
    eco : Ecosystem, optional
        For the organisations' names (ids otherwise).
    top : int
        Organisations drawn (the largest values in the last period).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        An unknown ``lang``.

    Examples
    --------
    >>> import ecograph as eg, loaders
    >>> motor = loaders.load_dataset("shanghai_motor")
    >>> fig = trajectories(eg.panel(motor, None, "pagerank"), motor, top=3)
    >>> len(fig.axes[0].get_lines())
    3
    """
    check_lang(lang)
    view = compiled(eco) if eco is not None else None
    periods = panel.periods
    xs = np.arange(len(periods))
    with drawing(ax, (9, 5.5), font) as (fig, ax):
        for i, node in enumerate(panel.top(top)):
            ys = [np.nan if v is None else v for _p, v in panel.series(node)]
            name = short(view.record(node)["name"], 14) if view is not None and node in view.index else str(node)
            ax.plot(xs, ys, marker="o", color=_PALETTE[i % len(_PALETTE)], label=name)
        ax.set_xticks(xs, [_period_text(p) for p in periods])
        ax.set_ylabel(metric_label(panel.metric, lang))
        light_grid(ax, "y")
        open_frame(ax)
        ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_title(title or bilingual(f"{metric_label(panel.metric, 'zh')}：前 {top} 位单位的变化轨迹",
                                        f"{panel.metric}: trajectories of the top {top}", lang), loc="left")
    return fig


def growth_bars(
    changes: Changes,
    measure: str = "count",
    *,
    groups: Sequence[str] | None = None,
    top: int = 8,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Year-on-year (同比) bars: ``measure`` at ``t0`` and ``t1`` per group, growth rate on top.

    Parameters
    ----------
    changes : Changes
        From :func:`ecograph.changes`; its growth rows are drawn.
    measure : str
        A counted measure (``count``, ``clients``, ``revenue`` …).
    groups : sequence of str, optional
        The groups drawn (default: the ``top`` groups by value at ``t1``, totals first).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        An unknown ``lang``.

    Examples
    --------
    >>> import ecograph as eg, loaders
    >>> fig = growth_bars(eg.changes(loaders.load_dataset("pudong_policy"), 2010, 2011), top=4)
    >>> [t.get_text() for t in fig.axes[0].texts][:2]
    ['+36.83%', '+50.00%']
    """
    check_lang(lang)
    rows = {g.group: g for g in changes.growth if g.measure == measure}
    if groups is None:
        totals = [g for g in rows if "/" not in g]
        rest = sorted((g for g in rows if "/" in g), key=lambda g: (-float(rows[g].after), g))
        groups = (totals + rest)[:top]
    t0, t1 = _period_text(changes.t0), _period_text(changes.t1)
    xs = np.arange(len(groups))
    with drawing(ax, (max(7.0, 1.3 * len(groups) + 3), 5.5), font) as (fig, ax):
        before = [float(rows[g].before) for g in groups]
        after = [float(rows[g].after) for g in groups]
        ax.bar(xs - 0.2, before, width=0.4, color="#9ecae1", label=t0)
        ax.bar(xs + 0.2, after, width=0.4, color="#0072B2", label=t1)
        for x, g in zip(xs, groups):
            rate = rows[g].rate
            ax.text(x + 0.2, float(rows[g].after), bilingual("新增", "new", lang) if rate is None else f"{rate:+.2%}", ha="center",
                    va="bottom", fontsize=9)
        total_word = bilingual("合计", "total", lang)
        ax.set_xticks(xs, [wrap(g.split("/", 1)[1], 6) if "/" in g
                           else f"{total_word}\n({label(RELATION_LABELS_SHOWN, g, lang)})" for g in groups], fontsize=9)
        ax.set_ylabel(label(MEASURE_LABELS, measure, lang))
        light_grid(ax, "y")
        open_frame(ax)
        ax.legend(frameon=False)
        shown = label(MEASURE_LABELS, measure, lang)
        ax.set_title(title or bilingual(f"增长（{shown}）：{t0} → {t1}（一年间隔即同比）",
                                        f"Growth ({shown}): {t0} → {t1}", lang), loc="left")
    return fig
