"""The chain diagram of a chain alliance (链式联盟): stages left to right, members underneath.

Each member is a bar across the stages it covers, coloured by sector; the anchor unit (依托单位)
is starred. Stages nobody covers (gaps, 缺口) are shaded red, the overloaded stages that limit
the chain most (bottlenecks, 瓶颈: see :attr:`ecograph.chains.ChainCoverage.bottlenecks`) dark orange and stages that hang
on a single member (单点) light orange, so the weak links of the chain show at a glance. The numbers come from
:func:`ecograph.chains.chain_coverage`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrow, Patch, Rectangle

from ..chains import ChainCoverage, chain_coverage
from ..compiled import compiled, index_of
from ..errors import AnalysisError
from ._base import (
    BOTTLENECK_COLOUR,
    GAP_COLOUR,
    SECTOR_COLOURS,
    SECTOR_LABELS,
    SINGLE_POINT_COLOUR,
    bilingual,
    check_lang,
    colour,
    dot_handle,
    drawing,
    label,
    legend_outside,
    short,
    wrap,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["chain", "stage_labels"]

_HALF = 0.44  # half the width of a stage column


def stage_labels(eco: Ecosystem, alliance: str) -> list[str]:
    """Display names of an alliance's stages.

    The alliance's ``stage_names`` attribute (a list parallel to ``stages``, e.g. Chinese
    names) is used when present and of the right length; otherwise the stage ids.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("a", kind="alliance", stages=["rd", "pilot"], stage_names=["研发", "中试"])
    >>> stage_labels(eco, "a")
    ['研发', '中试']
    """
    data = compiled(eco).record(alliance)
    stages = list(data.get("stages", ()))
    names = data.get("stage_names")
    if isinstance(names, list) and len(names) == len(stages) and all(isinstance(n, str) for n in names):
        return names
    return stages


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs ``(first, last)`` of sorted stage indices."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def chain(
    eco: Ecosystem,
    alliance: str,
    *,
    demand: Mapping[str, float] | None = None,
    bottlenecks: Sequence[str] | None = None,
    max_rows: int = 30,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw an alliance's chain: stages, the members covering them, gaps and bottlenecks.

    Parameters
    ----------
    eco : Ecosystem
    alliance : str
        Id of an ``alliance`` node with ordered ``stages`` (and optionally ``stage_names``).
    demand : mapping, optional
        stage -> demand, passed to :func:`ecograph.chains.chain_coverage` (by default the
        service volume recorded on the members' ``serves`` relations).
    bottlenecks : sequence of str, optional
        Stages to highlight as bottlenecks; by default those of
        :attr:`ecograph.chains.ChainCoverage.bottlenecks` (overloaded stages within 75 % of
        the highest load).
    max_rows : int
        Members drawn one per row; the rest are summed per stage in a last row.
    lang : {"zh", "en", "zh+en"}
    font : str, optional
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    NodeNotFoundError, EndpointKindError
        ``alliance`` is not an alliance of ``eco``.
    AnalysisError
        The alliance declares no stages, or a bottleneck that is not one of its stages.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("a", "生物医药联盟", kind="alliance", stages=["rd", "pilot"], stage_names=["研发", "中试"])
    >>> eco.add_org("u", "药物研究院", kind="research_institute")
    >>> eco.add_relation("u", "a", "chain_member", stages=["rd"], role="anchor")
    >>> fig = chain(eco, "a")
    >>> texts = [t.get_text() for t in fig.axes[0].texts]
    >>> '研发' in texts and '缺口' in texts
    True
    """
    check_lang(lang)
    view = eco.chain(alliance)
    if not view.stages:
        raise AnalysisError(
            f"alliance {alliance!r} declares no stages: give it a 'stages' list to draw its chain",
            field="stages", id=alliance,
        )
    coverage = chain_coverage(eco, alliance, demand)
    highlighted = coverage.bottlenecks if bottlenecks is None else list(bottlenecks)
    unknown = [s for s in highlighted if s not in view.stages]
    if unknown:
        raise AnalysisError(
            f"bottlenecks {unknown} are not stages of alliance {alliance!r}; expected some of {list(view.stages)}",
            field="bottlenecks", id=alliance,
        )
    record = compiled(eco).record
    stage_index = index_of(view.stages)
    by_stage = view.by_stage
    members = sorted(
        view.members,
        key=lambda m: (m != view.anchor, stage_index[view.members[m][0]] if view.members[m] else len(stage_index),
                       -len(view.members[m]), record(m).get("name", m)),
    )
    shown, rest = members[:max_rows], members[max_rows:]
    n_rows = len(shown) + (1 if rest else 0)
    n_stages = len(view.stages)
    with drawing(ax, (max(9.0, 1.25 * n_stages + 4.5), max(4.5, 0.4 * n_rows + 2.6)), font) as (fig, ax):
        gap_set = set(coverage.gaps)
        bottleneck_set = set(highlighted) - gap_set
        single_set = set(coverage.single_points) - bottleneck_set
        words = {
            GAP_COLOUR: bilingual("缺口", "gap", lang),
            BOTTLENECK_COLOUR: bilingual("瓶颈", "bottleneck", lang),
            SINGLE_POINT_COLOUR: bilingual("单点", "single", lang),
        }
        state = {stage: GAP_COLOUR if stage in gap_set else BOTTLENECK_COLOUR if stage in bottleneck_set
                 else SINGLE_POINT_COLOUR
                 for stage in sorted(gap_set | bottleneck_set | single_set, key=stage_index.__getitem__)}
        bottom = -n_rows - 0.6
        for stage, face in state.items():
            i = stage_index[stage]
            ax.add_patch(Rectangle((i - _HALF, bottom), 2 * _HALF, -bottom - 0.35, facecolor=face,
                                   alpha=0.12, edgecolor=face, hatch="//" if face == GAP_COLOUR else None,
                                   linewidth=0.0, zorder=0))
            ax.text(i, bottom + 0.25, words[face], ha="center", va="bottom", fontsize=9, color=face, zorder=4)
        loads = {s.stage: s.load for s in coverage.stages if s.demand > 0}
        _draw_stage_header(ax, stage_labels(eco, alliance), view.stages, state,
                           lambda stage: _stage_note(len(by_stage[stage]), loads.get(stage), lang))
        ticks: list[str] = []
        for row, member in enumerate(shown):
            y = -row - 1
            data = record(member)
            face = colour(SECTOR_COLOURS, data["sector"])
            for first, last in _runs([stage_index[s] for s in view.members[member]]):
                ax.add_patch(Rectangle((first - _HALF, y - 0.32), last - first + 2 * _HALF, 0.64,
                                       facecolor=face, edgecolor="white", alpha=0.9, zorder=2))
            capacity = view.capacity.get(member)
            if capacity is not None and view.members[member]:
                first = stage_index[view.members[member][0]]
                ax.text(first - _HALF + 0.06, y, f"{capacity:,}", ha="left", va="center", fontsize=7,
                        color="white", zorder=3)
            ticks.append(("★ " if member == view.anchor else "") + short(data.get("name", member), 16))
        if rest:
            y = -len(shown) - 1
            ticks.append(bilingual(f"其他 {len(rest)} 家", f"{len(rest)} others", lang))
            rest_set = set(rest)
            for stage, i in stage_index.items():
                count = sum(1 for m in by_stage[stage] if m in rest_set)
                if count:
                    ax.text(i, y, f"+{count}", ha="center", va="center", fontsize=9, color="#404040")
        ax.set_yticks(-np.arange(1, n_rows + 1), ticks, fontsize=9)
        for tick, member in zip(ax.get_yticklabels(), shown):
            if member == view.anchor:
                tick.set_color("#C00000")
        ax.tick_params(axis="y", length=0)
        ax.set_xticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlim(-0.5, n_stages - 0.5)
        ax.set_ylim(bottom, 1.25)
        sectors = dict.fromkeys(record(m)["sector"] for m in members)
        handles = [dot_handle(label(SECTOR_LABELS, s, lang), colour(SECTOR_COLOURS, s), marker="s", size=10)
                   for s in sectors]
        if view.anchor is not None:
            handles.append(dot_handle(bilingual("★ 依托单位", "★ anchor unit", lang), "#C00000", marker="*", size=13))
        handles += [
            Patch(facecolor=GAP_COLOUR, alpha=0.25, hatch="//", label=bilingual("缺口：无成员", "gap: no member", lang)),
            Patch(facecolor=BOTTLENECK_COLOUR, alpha=0.3,
                  label=bilingual("瓶颈：负荷最高且需求>能力", "bottleneck: highest load, demand > capacity", lang)
                  if bottlenecks is None else words[BOTTLENECK_COLOUR]),
            Patch(facecolor=SINGLE_POINT_COLOUR, alpha=0.3,
                  label=bilingual("单点：仅一家成员", "single point: one member", lang)),
        ]
        if any(c is not None for c in view.capacity.values()):
            handles.append(Patch(facecolor="none", edgecolor="none",
                                 label=bilingual("条上数字：能力", "number on bar: capacity", lang)))
        legend_outside(ax, handles, bilingual("部门", "sector", lang))
        name = record(alliance).get("name", alliance)
        summary = bilingual(
            f"{n_stages} 个环节 · {len(members)} 家成员 · 缺口 {len(gap_set)} · 瓶颈 {len(bottleneck_set)}"
            f" · 单点 {len(single_set)}",
            f"{n_stages} stages · {len(members)} members · {len(gap_set)} gaps · {len(bottleneck_set)} bottlenecks"
            f" · {len(single_set)} single points",
            lang,
        )
        ax.set_title(title or f"{name}: {bilingual('产业链环节与成员', 'chain stages and members', lang)}\n{summary}",
                     fontsize=13)
    return fig


def _stage_note(members: int, load: float | None, lang: str) -> str:
    note = bilingual(f"{members} 家", f"{members} member" + ("s" if members != 1 else ""), lang)
    if load is not None:
        note += f" · {bilingual('负荷', 'load', lang)} {load:.2f}" if np.isfinite(load) else " · ∞"
    return note


def _draw_stage_header(
    ax: Axes, names: list[str], stages: Sequence[str],
    state: dict[str, str], note: Callable[[str], str],
) -> None:
    for i, (stage, name) in enumerate(zip(stages, names)):
        face = state.get(stage, "#3C6E9F")
        ax.add_patch(FancyArrow(i - _HALF - 0.04, 0.3, 2 * _HALF + 0.02, 0.0, width=0.62, head_width=0.62,
                                head_length=0.12, length_includes_head=True, facecolor=face, edgecolor="none",
                                zorder=2))
        ax.text(i - 0.04, 0.3, wrap(name), ha="center", va="center", fontsize=9, color="white",
                zorder=3)
        ax.text(i, 0.82, note(stage), ha="center", va="center", fontsize=8, color="#404040")
