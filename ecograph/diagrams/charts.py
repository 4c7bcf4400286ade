"""Charts of analysis results: reach per hop, a budget allocation, the evaluation radar.

They take plain inputs — lists, mappings, or the result objects of ecograph's analytics
(:func:`ecograph.reach_profile`, :class:`ecograph.allocation.Allocation`,
:class:`ecograph.scoring.Evaluation` tables) — so they also chart numbers computed elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import StrMethodFormatter

from ..compiled import compiled
from ..errors import AnalysisError
from ._base import (
    _PALETTE,
    bilingual,
    check_lang,
    colour,
    drawing,
    label,
    legend_outside,
    light_grid,
    open_frame,
    short,
    wrap,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = [
    "reach_chart",
    "platform_reach",
    "allocation_chart",
    "radar_chart",
    "dimension_scores",
    "evaluation_radar",
    "DIMENSION_LABELS",
    "RULE_LABELS",
]

#: Tianjin's six evaluation dimensions (see :data:`ecograph.scoring.CENTRE_INDICATORS`).
DIMENSION_LABELS: dict[str, tuple[str, str]] = {
    "scale": ("中心规模", "scale"),
    "service": ("服务成效", "service results"),
    "service results": ("服务成效", "service results"),
    "human_resources": ("人力资源", "human resources"),
    "human resources": ("人力资源", "human resources"),
    "communication": ("沟通交流", "communication"),
    "management": ("规范管理", "management"),
    "sustainability": ("可持续发展", "sustainability"),
}
#: Why a unit got its amount (the ``rule`` of :meth:`ecograph.allocation.Allocation.explain`).
RULE_LABELS: dict[str, tuple[str, str]] = {
    "proportional": ("按得分比例", "proportional"),
    "floor": ("保底", "floor"),
    "cap": ("封顶", "cap"),
    "fixed": ("固定奖励", "fixed"),
    "ineligible": ("不符合条件", "ineligible"),
    "excluded": ("排除", "excluded"),
    "zero score": ("零分", "zero score"),
}
_RULE_COLOURS = {"proportional": "#0072B2", "floor": "#009E73", "cap": "#D55E00", "fixed": "#CC79A7",
                 "ineligible": "#999999", "excluded": "#666666", "zero score": "#BBBBBB"}


def reach_chart(
    profiles: Sequence[int] | Mapping[str, Sequence[int]],
    *,
    total: int | None = None,
    population: tuple[str, str] | None = None,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Chart how far services spread: organisations newly reached at each hop, and the total.

    Parameters
    ----------
    profiles : sequence of int, or mapping name -> sequence of int
        Cumulative reached counts for hops 0, 1, 2 ... (what :func:`ecograph.reach_profile`
        returns); a mapping compares several sources (e.g. platforms).
    total : int, optional
        Size of the population the profiles count (e.g. all firms of the industry): the
        cumulative lines are then read as a share of it on the right-hand axis, so the
        profiles must count members of that population only.
    population : (str, str), optional
        What the profiles count, in Chinese and English (``("目标企业", "target firms")``);
        organisations by default.
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
        A profile that is empty or decreases (not cumulative).

    Examples
    --------
    >>> fig = reach_chart({"电机平台": [1, 48, 150, 170]}, total=2000)
    >>> fig.axes[0].get_xlabel()
    '跳数'
    """
    check_lang(lang)
    series = {"": list(profiles)} if not isinstance(profiles, Mapping) else {k: list(v) for k, v in profiles.items()}
    for name, values in series.items():
        if not values or any(b < a for a, b in zip(values, values[1:])):
            raise AnalysisError(
                f"reach_chart: profile {name or 'given'} must be non-empty cumulative counts, got {values}",
                field="profiles",
            )
    hops = max(len(v) for v in series.values())
    with drawing(ax, (9.0, 5.5), font) as (fig, ax):
        width = 0.8 / len(series)
        for k, (name, values) in enumerate(series.items()):
            cumulative = np.array(values, dtype=float)
            new = np.diff(cumulative, prepend=0.0)
            x = np.arange(len(values))
            face = _PALETTE[k % len(_PALETTE)]
            prefix = f"{name}: " if name and len(series) > 1 else ""
            bars = ax.bar(x - 0.4 + (k + 0.5) * width, new, width=width, color=face, alpha=0.55,
                          label=prefix + bilingual("新到达", "newly reached", lang))
            ax.bar_label(bars, labels=[f"{int(v):,}" for v in new], fontsize=8, padding=2)
            ax.plot(x, cumulative, marker="o", color=face, label=prefix + bilingual("累计", "cumulative", lang))
        ax.set_xticks(range(hops), [str(h) for h in range(hops)])
        ax.set_xlabel(bilingual("跳数", "hops", lang))
        zh, en = population or ("组织", "organisations")
        ax.set_ylabel(bilingual(f"{zh}数", en, lang))
        light_grid(ax, "y")
        ax.set_ylim(0, None)
        if total:
            share = ax.secondary_yaxis("right", functions=(lambda v: v / total * 100, lambda p: p * total / 100))
            share.set_ylabel(bilingual(f"占{zh} {total:,} 的比例 (%)", f"share of the {total:,} {en} (%)", lang))
        ax.legend(loc="upper left", fontsize="small", frameon=False)
        ax.set_title(title or bilingual("辐射能力：各跳到达的组织", "reach: organisations reached per hop", lang),
                     fontsize=13)
    return fig


def platform_reach(
    eco: Ecosystem,
    platform: str,
    *,
    hops: int = 3,
    target: Iterable[str] | Mapping[str, Any] | None = None,
    lang: str = "zh",
    font: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Chart how far a platform's core reaches, hop by hop (:func:`ecograph.rings.radiation`).

    Parameters
    ----------
    eco : Ecosystem
    platform : str
    hops : int
    target : iterable of str or mapping, optional
        The population whose share is shown (every enterprise by default).
    lang, font, ax
        As in :func:`reach_chart`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    NodeNotFoundError
        ``platform`` is not in the ecosystem.
    AnalysisError
        The platform has no core member, a negative ``hops`` or an unknown ``lang``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", "平台", kind="platform"); eco.add_org("c", kind="research_institute")
    >>> eco.add_relation("c", "p", "in_ring", ring="core"); eco.add_org("f", "甲公司")
    >>> eco.add_relation("c", "f", "serves")
    >>> fig = platform_reach(eco, "p", hops=1)
    >>> fig.axes[0].get_title().startswith("平台")
    True
    """
    from ..rings import radiation

    result = radiation(eco, platform, target=target, hops=hops)
    name = compiled(eco).record(platform).get("name", platform)
    profile = [row["target"] for row in result.hops]  # the target population reached: share <= 100 %
    last = result.hops[-1]
    summary = bilingual(f"{hops} 跳内覆盖目标群体 {last['target']:,} / {result.target_size:,} ({last['target_share']:.0%})",
                        f"{last['target']:,} of {result.target_size:,} target firms within {hops} hops "
                        f"({last['target_share']:.0%})", lang)
    return reach_chart(
        {name: profile}, total=result.target_size or None, population=("目标企业", "target firms"),
        lang=lang, font=font, ax=ax,
        title=f"{name}: {bilingual('辐射能力', 'reach', lang)}\n{summary}",
    )


def _money_text(amount: Any, in_fen: bool) -> str:
    value = Decimal(amount) / 100 if in_fen else Decimal(amount)
    return f"{value:,.2f}" if in_fen else f"{value:,}"


def allocation_chart(
    allocation: Mapping[Any, Any],
    *,
    names: Mapping[Any, str] | None = None,
    rules: Mapping[Any, str] | None = None,
    in_fen: bool = True,
    max_bars: int = 40,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Chart a budget allocation: one bar per unit, coloured by the rule that set its amount.

    Parameters
    ----------
    allocation : Allocation or mapping id -> amount
        An :class:`ecograph.allocation.Allocation` (its ``explain`` gives each unit's rule) or
        plain amounts.
    names : mapping, optional
        id -> display name (e.g. ``{n: eco.node(n)["name"]}``).
    rules : mapping, optional
        id -> rule (``proportional``, ``floor``, ``cap``, ``fixed``, ``ineligible``,
        ``excluded``, ``zero score``); taken from the Allocation by default.
    in_fen : bool
        Amounts are integer fen (shown in yuan with two decimals, exactly); ``False`` shows
        them as given.
    max_bars : int
        The largest amounts get a bar each; the title gives the count and sum of the rest.
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
        An unknown ``lang``.

    Examples
    --------
    >>> fig = allocation_chart({"c1": 20_000_000, "c2": 5_000_000}, rules={"c1": "fixed", "c2": "proportional"})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['固定奖励', '按得分比例']
    """
    check_lang(lang)
    ids = list(allocation)
    if rules is None:
        explain = getattr(allocation, "explain", None)
        rules = {u: explain(u)["rule"] for u in ids} if callable(explain) else {u: "proportional" for u in ids}
    amounts = {u: allocation[u] for u in ids}
    order = sorted(ids, key=lambda u: (-amounts[u], str(u)))
    shown, rest = order[:max_bars], order[max_bars:]
    labels = [short(str((names or {}).get(u, u)), 22) for u in shown]
    values = [float(Decimal(amounts[u]) / 100) if in_fen else float(amounts[u]) for u in shown]
    texts = [_money_text(amounts[u], in_fen) for u in shown]
    faces = [colour(_RULE_COLOURS, rules.get(u, "proportional")) for u in shown]
    total = sum(amounts.values())
    with drawing(ax, (10.0, max(4.0, 0.3 * len(labels) + 2.0)), font) as (fig, ax):
        y = np.arange(len(labels))
        bars = ax.barh(y, values, color=faces)
        ax.bar_label(bars, labels=texts, fontsize=8, padding=3)
        ax.set_yticks(y, labels, fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, max(values, default=1) * 1.18 or 1)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        unit = bilingual("元", "yuan", lang) if in_fen else ""
        ax.set_xlabel(bilingual("金额", "amount", lang) + (f" ({unit})" if unit else ""))
        light_grid(ax, "x")
        open_frame(ax)
        used = dict.fromkeys(rules.get(u, "proportional") for u in shown)
        legend_outside(ax, [Patch(facecolor=colour(_RULE_COLOURS, r), label=label(RULE_LABELS, r, lang))
                            for r in used], bilingual("分配规则", "rule applied", lang))
        method = getattr(allocation, "method", None)
        budget = getattr(allocation, "budget", None)
        summary = bilingual(f"{len(ids)} 个单位 · 合计 {_money_text(total, in_fen)}",
                            f"{len(ids)} units · total {_money_text(total, in_fen)}", lang)
        if budget is not None:
            summary += bilingual(f" · 预算 {_money_text(budget, in_fen)}", f" · budget {_money_text(budget, in_fen)}",
                                 lang)
        if method:
            summary += f" · {method}"
        if rest:
            rest_sum = sum(amounts[u] for u in rest)
            summary += "\n" + bilingual(f"另有 {len(rest)} 个单位共 {_money_text(rest_sum, in_fen)} 未单独画出",
                                        f"{len(rest)} more units with {_money_text(rest_sum, in_fen)} not drawn", lang)
        ax.set_title(title or f"{bilingual('资金分配', 'budget allocation', lang)}\n{summary}", fontsize=13)
    return fig


def radar_chart(
    scores: Mapping[str, Mapping[str, float]],
    *,
    dimensions: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    grades: Mapping[str, str] | None = None,
    max_units: int = 8,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Radar of evaluation scores over the dimensions (Tianjin's six by default).

    Parameters
    ----------
    scores : mapping unit -> mapping dimension -> value
        Values on a common scale (e.g. normalised 0–1 dimension scores); a missing dimension
        counts 0.
    dimensions : sequence of str, optional
        Axes in order; the keys of :data:`DIMENSION_LABELS` present in ``scores`` by default,
        then any others.
    labels : mapping dimension -> str, optional
        Axis labels; :data:`DIMENSION_LABELS` (or the dimension itself) by default.
    grades : mapping unit -> str, optional
        Shown next to each unit in the legend (e.g. 优秀).
    max_units : int
        Units drawn (in the given order).
    lang : {"zh", "en", "zh+en"}
    font : str, optional
    title : str, optional
    ax : matplotlib.axes.Axes, optional
        A polar axes.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        Fewer than three dimensions.

    Examples
    --------
    >>> dims = ["scale", "service results", "human resources"]
    >>> fig = radar_chart({"中心A": dict(zip(dims, [0.9, 0.7, 0.5]))}, grades={"中心A": "优秀"})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['中心规模', '服务成效', '人力资源']
    """
    check_lang(lang)
    if dimensions is None:
        present = dict.fromkeys(d for row in scores.values() for d in row)
        dimensions = [d for d in DIMENSION_LABELS if d in present] + [d for d in present if d not in DIMENSION_LABELS]
    if len(dimensions) < 3:
        raise AnalysisError(f"radar_chart needs at least 3 dimensions, got {list(dimensions)}", field="dimensions")
    units = list(scores)[:max_units]
    angles = np.linspace(0, 2 * np.pi, len(dimensions), endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    with drawing(ax, (9.0, 7.0), font, projection="polar") as (fig, ax):
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        top = 0.0
        for k, unit in enumerate(units):
            values = np.array([float(scores[unit].get(d, 0.0)) for d in dimensions])
            top = max(top, float(values.max(initial=0.0)))
            face = _PALETTE[k % len(_PALETTE)]
            name = short(str(unit), 24) + (f" ({grades[unit]})" if grades and unit in grades else "")
            ax.plot(closed, np.concatenate([values, values[:1]]), color=face, linewidth=1.6, label=name)
            ax.fill(closed, np.concatenate([values, values[:1]]), color=face, alpha=0.12)
        ax.set_xticks(angles, [wrap((labels or {}).get(d) or label(DIMENSION_LABELS, d, lang), 8)
                               for d in dimensions], fontsize=10)
        ax.set_ylim(0, top * 1.05 if top > 0 else 1)
        ax.tick_params(axis="y", labelsize=7)
        legend_outside(ax, ax.get_legend_handles_labels()[0], bilingual("评估对象", "units", lang))
        left_out = len(scores) - len(units)
        more = bilingual(f"（另有 {left_out} 个未画出）", f" ({left_out} more not drawn)", lang) if left_out else ""
        ax.set_title(title or bilingual("绩效评估：各维度得分", "evaluation scores by dimension", lang) + more,
                     fontsize=13, pad=20)
    return fig


def dimension_scores(eco: Ecosystem, kind: str = "productivity_center") -> dict[str, dict[str, float]]:
    """Per unit, the mean min–max-normalised indicator of each evaluation dimension.

    The dimensions and their indicators come from the ecosystem's attributes ``dimensions``
    and ``indicators_<dimension>`` (as the ``tianjin_centers`` dataset declares them); every
    indicator counts as higher-is-better, normalised with
    :func:`ecograph.scoring.normalize` over the units of ``kind``.

    Parameters
    ----------
    eco : Ecosystem
    kind : str
        Kind of the units evaluated.

    Returns
    -------
    dict
        unit -> dimension -> score in [0, 1].

    Raises
    ------
    AnalysisError
        The ecosystem declares no dimensions, or an indicator is missing on some unit.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(dimensions=["scale", "service"], indicators_scale=["assets"], indicators_service=["firms"])
    >>> eco.add_org("a", kind="productivity_center", assets=10, firms=5)
    >>> eco.add_org("b", kind="productivity_center", assets=20, firms=1)
    >>> dimension_scores(eco)
    {'a': {'scale': 0.0, 'service': 1.0}, 'b': {'scale': 1.0, 'service': 0.0}}
    """
    from ..scoring import IndicatorTable, normalize

    dimensions = eco.attrs.get("dimensions")
    if not dimensions:
        raise AnalysisError(f"ecosystem {eco.name!r} declares no evaluation 'dimensions'", field="dimensions")
    groups = {d: list(eco.attrs.get(f"indicators_{d}", ())) for d in dimensions}
    indicators = [i for d in dimensions for i in groups[d]]
    units = eco.nodes(kind)
    records = {}
    for unit in units:
        data = compiled(eco).record(unit)
        missing = [i for i in indicators if data.get(i) is None]
        if missing:
            raise AnalysisError(f"{unit!r} has no value for indicator(s) {missing}", id=unit, field=missing[0])
        records[unit] = {i: data[i] for i in indicators}
    normal = normalize(IndicatorTable.from_records(records, indicators), dict.fromkeys(indicators, "higher"))
    means = {d: np.mean([normal.column(i) for i in groups[d]], axis=0) if groups[d] else np.zeros(len(units))
             for d in dimensions}
    return {u: {d: float(means[d][k]) for d in dimensions} for k, u in enumerate(units)}


def evaluation_radar(
    eco: Ecosystem, *, top: int = 5, kind: str = "productivity_center", lang: str = "zh", font: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Radar of the ``top`` units (by mean dimension score) and the average of all units.

    Dimension names come from the ecosystem's ``dimension_names`` attribute when present.

    Parameters
    ----------
    eco : Ecosystem
        Declares ``dimensions`` and ``indicators_<dimension>`` (see :func:`dimension_scores`).
    top : int
        Units drawn individually (best mean dimension score first).
    kind : str
        Kind of the units evaluated.
    lang : {"zh", "en", "zh+en"}
    font : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        No evaluation dimensions, fewer than 3 of them, a unit without an indicator, or an
        unknown ``lang``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(dimensions=["a", "b", "c"], dimension_names=["规模", "成效", "人力"],
    ...                 indicators_a=["x"], indicators_b=["y"], indicators_c=["z"])
    >>> for i, (x, y, z) in enumerate([(1, 2, 3), (3, 1, 2)]):
    ...     eco.add_org(f"c{i}", f"中心{i}", kind="productivity_center", x=x, y=y, z=z)
    >>> fig = evaluation_radar(eco)
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['规模', '成效', '人力']
    """
    scores = dimension_scores(eco, kind)
    dimensions = list(eco.attrs["dimensions"])
    names = eco.attrs.get("dimension_names")
    labels = dict(zip(dimensions, names)) if isinstance(names, list) and len(names) == len(dimensions) else None
    ranked = sorted(scores, key=lambda u: -float(np.mean(list(scores[u].values()))))[:top]
    series = {compiled(eco).record(u).get("name", u): scores[u] for u in ranked}
    series[bilingual("全部平均", "average of all", lang)] = {
        d: float(np.mean([row[d] for row in scores.values()])) for d in dimensions
    }
    title = bilingual(f"绩效评估六维度：得分最高的 {len(ranked)} 个与平均（共 {len(scores)} 个）",
                      f"evaluation by dimension: top {len(ranked)} and the average of {len(scores)}", lang)
    return radar_chart(series, dimensions=dimensions, labels=labels, max_units=top + 1, lang=lang, font=font,
                       title=title, ax=ax)
