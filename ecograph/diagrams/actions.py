"""Diagrams of a service action (百千万行动): who serves whom, where (alluvial), and regional coverage.

Both draw an :class:`~ecograph.action.ActionEvaluation` (the result of
:func:`ecograph.action_evaluation`); they compute nothing the evaluation does not hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from ..compiled import compiled
from ._base import _PALETTE, bilingual, check_lang, drawing, light_grid, open_frame

if TYPE_CHECKING:  # pragma: no cover
    from ..action import ActionEvaluation
    from ..model import Ecosystem

__all__ = ["action_flows", "coverage_chart", "TIER_LABELS"]

#: Enterprise tiers of the action (seed 002): 龙头 leading firms, 专精特新 and other SMEs.
TIER_LABELS: dict[str, tuple[str, str]] = {
    "leading": ("龙头企业", "leading firms"),
    "specialized": ("专精特新企业", "专精特新 SMEs"),
    "sme": ("中小企业", "other SMEs"),
}
_OTHER = ("其他", "other")


def action_flows(
    eco: Ecosystem,
    evaluation: ActionEvaluation,
    *,
    society_by: str = "discipline",
    enterprise_by: str = "tier",
    top: int = 10,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Alluvial diagram: societies → enterprises → regions, band width = matched problems.

    Societies are grouped by their attribute ``society_by`` (default ``discipline``; the society's
    name when absent), enterprises by ``enterprise_by`` (default ``tier``: 龙头 / 专精特新 / SMEs),
    regions by the enterprise's ``region``; the ``top`` largest society groups are drawn, the
    rest merged into "其他".

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem evaluated (for the grouping attributes and names).
    evaluation : ActionEvaluation
        From :func:`ecograph.action_evaluation`; its ``flows`` are drawn.
    society_by, enterprise_by : str
        Grouping attributes of societies and enterprises.
    top : int
        Society groups drawn individually.
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
    >>> import ecograph as eg
    >>> from loaders.datasets import load_dataset
    >>> eco = load_dataset("cast_service_action", n_problems=150)
    >>> fig = action_flows(eco, eg.action_evaluation(eco))
    >>> fig.axes[0].get_title(loc="left")[:8]
    '学会—企业—地区'
    """
    check_lang(lang)
    record = compiled(eco).record
    tier_words = {k: bilingual(*v, lang) for k, v in TIER_LABELS.items()}
    other = bilingual(*_OTHER, lang)

    def society_group(s: str) -> str:
        value = record(s).get(society_by)
        return str(value) if value is not None else str(record(s).get("name", s))

    def firm_group(f: str) -> str:
        value = record(f).get(enterprise_by)
        return tier_words.get(value, str(value)) if value is not None else other

    volume: dict[str, int] = {}
    for flow in evaluation.flows:
        key = society_group(flow["society"])
        volume[key] = volume.get(key, 0) + flow["problems"]
    keep = set(sorted(volume, key=lambda k: (-volume[k], k))[:top])
    left: dict[tuple[str, str], int] = {}
    right: dict[tuple[str, str], int] = {}
    for flow in evaluation.flows:
        s = society_group(flow["society"])
        s = s if s in keep else other
        f = firm_group(flow["enterprise"])
        left[(s, f)] = left.get((s, f), 0) + flow["problems"]
        right[(f, flow["region"])] = right.get((f, flow["region"]), 0) + flow["problems"]
    total = sum(left.values())
    with drawing(ax, (12, 7.5), font) as (fig, ax):
        ax.set_title(title or bilingual(f"学会—企业—地区：{total:,} 项已对接难题的流向",
                                        f"Societies → enterprises → regions: {total:,} matched problems", lang),
                     loc="left")
        ax.axis("off")
        if total == 0:
            ax.text(0.5, 0.5, bilingual("没有已对接的难题", "no matched problem", lang), ha="center", va="center")
            return fig
        columns = [_column(left, 0), _column(left, 1) | _column(right, 0), _column(right, 1)]
        # order: societies and regions by volume; enterprise tiers in the documented order
        order = [sorted(columns[0], key=lambda k: (k == other, -columns[0][k], k)),
                 sorted(columns[1], key=lambda k: (list(tier_words.values()) + [k]).index(k)),
                 sorted(columns[2], key=lambda k: (-columns[2][k], k))]
        xs, width, gap = (0.0, 0.45, 0.9), 0.025, 0.012
        blocks = [_stack(order[i], columns[i], total, gap) for i in range(3)]
        colours = {k: _PALETTE[i % len(_PALETTE)] for i, k in enumerate(order[1])}
        _bands(ax, left, blocks[0], blocks[1], xs[0] + width, xs[1], total, lambda s, f: colours[f])
        _bands(ax, right, blocks[1], blocks[2], xs[1] + width, xs[2], total, lambda f, r: colours[f])
        headers = (bilingual("全国学会", "societies", lang), bilingual("服务企业", "enterprises", lang),
                   bilingual("重点区域", "regions", lang))
        for i in range(3):
            for key, (y0, y1) in blocks[i].items():
                face = colours.get(key, "#555555") if i == 1 else "#555555"
                ax.add_patch(Rectangle((xs[i], y0), width, y1 - y0, facecolor=face, edgecolor="none"))
                label = f"{key}  {columns[i][key]:,}"
                if i == 0:
                    ax.text(xs[i] - 0.008, (y0 + y1) / 2, label, va="center", ha="right", fontsize=9)
                else:  # right of the block; in the middle on a white box over the bands
                    ax.text(xs[i] + width + 0.008, (y0 + y1) / 2, label, va="center", ha="left", fontsize=9,
                            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5} if i == 1 else None)
            ax.text(xs[i] + width / 2, 1.03, headers[i], ha="center", va="bottom", fontsize=11)
        ax.set_xlim(-0.22, 1.08)
        ax.set_ylim(-0.02, 1.08)
    return fig


def _column(pairs: dict[tuple[str, str], int], side: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in pairs.items():
        out[key[side]] = out.get(key[side], 0) + n
    return out


def _stack(keys: list[str], sizes: dict[str, int], total: int, gap: float) -> dict[str, tuple[float, float]]:
    """Blocks from the top down, heights proportional to size, ``gap`` between them."""
    scale = (1.0 - gap * (len(keys) - 1)) / total
    out, top = {}, 1.0
    for key in keys:
        height = sizes[key] * scale
        out[key] = (top - height, top)
        top -= height + gap
    return out


def _bands(ax: Axes, pairs: dict[tuple[str, str], int], left: dict[str, tuple[float, float]],
           right: dict[str, tuple[float, float]], x0: float, x1: float, total: int, face) -> None:
    """One curved band per pair, stacked inside both blocks in the blocks' order."""
    scale_left = {k: (y1 - y0) / max(sum(n for (a, _), n in pairs.items() if a == k), 1) for k, (y0, y1) in left.items()}
    scale_right = {k: (y1 - y0) / max(sum(n for (_, b), n in pairs.items() if b == k), 1) for k, (y0, y1) in right.items()}
    cursor_left = {k: y1 for k, (_, y1) in left.items()}
    cursor_right = {k: y1 for k, (_, y1) in right.items()}
    order_right = list(right)
    for (a, b), n in sorted(pairs.items(), key=lambda item: (list(left).index(item[0][0]), order_right.index(item[0][1]))):
        h0, h1 = n * scale_left[a], n * scale_right[b]
        top0, top1 = cursor_left[a], cursor_right[b]
        cursor_left[a] -= h0
        cursor_right[b] -= h1
        mid = (x0 + x1) / 2
        vertices = [(x0, top0), (mid, top0), (mid, top1), (x1, top1), (x1, top1 - h1),
                    (mid, top1 - h1), (mid, top0 - h0), (x0, top0 - h0), (x0, top0)]
        codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO,
                 Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CLOSEPOLY]
        ax.add_patch(PathPatch(Path(vertices, codes), facecolor=face(a, b), alpha=0.45, edgecolor="none"))


def coverage_chart(
    evaluation: ActionEvaluation,
    *,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Regional coverage: per region, the enterprises, those with problems, those reached, and
    the coverage (reached / with problems), from :attr:`ActionEvaluation.regions`.

    Parameters
    ----------
    evaluation : ActionEvaluation
        From :func:`ecograph.action_evaluation`.
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
    >>> import ecograph as eg
    >>> from loaders.datasets import load_dataset
    >>> fig = coverage_chart(eg.action_evaluation(load_dataset("cast_service_action", n_problems=150)))
    >>> fig.axes[0].get_xlabel()
    '企业数'
    """
    check_lang(lang)
    rows = sorted(evaluation.regions, key=lambda r: (r["enterprises"], r["region"]))
    names = [r["region"] for r in rows]
    series = (
        ("enterprises", bilingual("服务企业", "enterprises", lang), "#BBBBBB"),
        ("with_problems", bilingual("有技术难题", "with problems", lang), "#56B4E9"),
        ("reached", bilingual("已对接专家", "matched to an expert", lang), "#0072B2"),
    )
    y = np.arange(len(rows))
    height = 0.26
    with drawing(ax, (10, 1.2 + 0.9 * max(len(rows), 1)), font) as (fig, ax):
        for i, (key, text, face) in enumerate(series):
            ax.barh(y + (1 - i) * height, [r[key] for r in rows], height=height, color=face, label=text)
        widest = max((r["enterprises"] for r in rows), default=0)
        for j, r in enumerate(rows):
            if r["coverage"] is not None:
                ax.text(r["enterprises"] + widest * 0.01, y[j] + height,
                        bilingual(f"覆盖率 {r['coverage']:.1%}（难题 {r['matched']:,}/{r['problems']:,}）",
                                  f"coverage {r['coverage']:.1%} ({r['matched']:,}/{r['problems']:,} problems)", lang),
                        va="center", fontsize=9)
        ax.set_yticks(y, names)
        ax.set_xlim(0, widest * 1.45 if widest else 1)
        ax.set_xlabel(bilingual("企业数", "enterprises", lang))
        summary = evaluation.summary()
        coverage = summary["coverage"]
        ax.set_title(title or bilingual(
            f"各区域企业覆盖：{summary['reached']:,} 家企业已对接专家"
            + (f"（占有难题企业的 {coverage:.1%}）" if coverage is not None else ""),
            f"Coverage by region: {summary['reached']:,} enterprises matched to experts"
            + (f" ({coverage:.1%} of those with problems)" if coverage is not None else ""), lang), loc="left")
        ax.legend(loc="lower right", frameon=False, fontsize="small")
        light_grid(ax, "x")
        open_frame(ax)
    return fig
