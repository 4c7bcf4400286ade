"""Association membership: who shares members with whom, and who the members are.

Left, a heat map of members shared by every pair of associations (行业协会/商会/学会); right,
the share of each association's members that are listed, leading (龙头), 专精特新 or high-tech.
The numbers come from :func:`ecograph.memberships.association_overlap` and
:func:`ecograph.memberships.composition`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure

from ..errors import AnalysisError
from ..labels import ecosystem_title
from ..memberships import FLAGS, association_overlap, composition, membership_matrix
from ._base import _PALETTE, FLAG_LABELS, adopt_fonts, bilingual, check_lang, label, light_grid, open_frame, short
from .fonts import diagram_style

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["membership"]

_FLAG_COLOURS = {"listed": "#0072B2", "leading": "#D55E00", "specialized": "#009E73", "high_tech": "#CC79A7"}


def membership(
    eco: Ecosystem,
    associations: Iterable[str] | None = None,
    *,
    flags: Sequence[str] = FLAGS,
    max_associations: int = 30,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    axes: tuple[Axes, Axes] | None = None,
) -> Figure:
    """Draw association overlap (heat map) and member composition (bars).

    Parameters
    ----------
    eco : Ecosystem
    associations : iterable of str, optional
        Associations, societies or districts to show; all associations and societies by
        default. The largest ``max_associations`` are drawn (the title says when some are left
        out).
    flags : sequence of str
        Boolean member attributes whose shares are shown; ``listed``, ``leading``,
        ``specialized`` (专精特新) and ``high_tech`` by default.
    max_associations : int
    lang : {"zh", "en", "zh+en"}
    font : str, optional
    title : str, optional
    axes : pair of matplotlib.axes.Axes, optional
        Draw the heat map and the bars here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        No association to draw.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("a", "机器人协会", kind="association"); eco.add_org("b", "人工智能学会", kind="society")
    >>> eco.add_org("x", "甲公司", listed=True); eco.add_org("y", "乙公司", high_tech=True)
    >>> for f, a in [("x", "a"), ("y", "a"), ("y", "b")]:
    ...     eco.add_relation(f, a, "member_of")
    >>> fig = membership(eco)
    >>> [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    ['上市', '龙头', '专精特新', '高新技术']
    """
    check_lang(lang)
    mm = membership_matrix(eco, associations)
    if not mm.associations:
        raise AnalysisError("membership diagram: the ecosystem has no association to draw", field="associations")
    sizes = mm.sizes()
    order = np.argsort(-sizes, kind="stable")[:max_associations]
    chosen = [mm.associations[i] for i in order]
    overlap = association_overlap(membership_matrix(eco, chosen))
    comp = composition(eco, chosen, flags=flags, categories=())
    shared = overlap.shared.toarray().astype(float)
    np.fill_diagonal(shared, np.nan)
    names = [f"{short(row['name'] or row['association'], 14)} ({row['members']:,})" for row in comp.rows()]
    n = len(chosen)
    with diagram_style(font) as families:
        if axes is None:
            fig = Figure(figsize=(15.5, max(5.5, 0.32 * n + 3.0)), layout="constrained")
            heat_ax, bar_ax = fig.subplots(1, 2, width_ratios=[1.25, 1.0])
        else:
            heat_ax, bar_ax = axes
            fig = heat_ax.figure
        _heat_map(fig, heat_ax, shared, names, [row["members"] for row in comp.rows()], lang)
        _composition_bars(bar_ax, comp.rows(), flags, lang)
        # the flags of all members, as the member count beside them (not only of the associations drawn)
        total = composition(eco, mm.associations, flags=flags, categories=()).totals if n < len(mm.associations) \
            else comp.totals
        counts = " · ".join(f"{label(FLAG_LABELS, f, lang)} {total[f]:,}" for f in flags)
        left_out = len(mm.associations) - n
        scope = bilingual(
            f"{len(mm.associations)} 个协会" + (f"（显示最大的 {n} 个）" if left_out else ""),
            f"{len(mm.associations)} associations" + (f" (largest {n} shown)" if left_out else ""),
            lang,
        )
        members = bilingual(f"{len(mm.members):,} 家会员", f"{len(mm.members):,} members", lang)
        fig.suptitle(
            title or f"{ecosystem_title(eco, lang)}: "
            f"{bilingual('协会会员重叠与构成', 'association overlap and composition', lang)}\n"
            f"{scope} · {members} · {counts}",
            fontsize=13,
        )
    adopt_fonts(families, heat_ax, bar_ax)
    return fig


def _heat_map(fig: Figure, ax: Axes, shared: np.ndarray, names: list[str], sizes: list[int], lang: str) -> None:
    n = len(names)
    labels = [f"{k + 1}. {name}" for k, name in enumerate(names)]
    positive = shared[np.isfinite(shared) & (shared > 0)]
    if not positive.size:
        # No two associations share a member: a heat map would be blank, so show their sizes.
        bars = ax.barh(np.arange(n), sizes, color="#8DA0CB")
        ax.bar_label(bars, labels=[f"{v:,}" for v in sizes], fontsize=7, padding=2)
        ax.set_yticks(range(n), labels, fontsize=8)
        ax.set_ylim(n - 0.5, -0.5)
        open_frame(ax)
        ax.set_xlabel(bilingual("会员数", "members", lang))
        ax.set_title(bilingual("会员数（协会之间没有共同会员）", "members (no association shares a member)", lang),
                     fontsize=11)
        return
    # A square-root scale keeps both the few large and the many small overlaps visible.
    norm = PowerNorm(gamma=0.5, vmin=0, vmax=positive.max())
    masked = np.ma.masked_invalid(np.where(shared > 0, shared, np.nan))
    image = ax.imshow(masked, cmap=colormaps["YlOrRd"], norm=norm, aspect="auto", interpolation="nearest")
    bar = fig.colorbar(image, ax=ax, shrink=0.7, pad=0.01)
    bar.set_label(bilingual("共同会员数", "shared members", lang))
    if n <= 12:
        for i, j in zip(*np.nonzero(np.nan_to_num(shared) > 0)):
            ax.text(j, i, f"{int(shared[i, j]):,}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(n), [str(k + 1) for k in range(n)], fontsize=7)
    ax.set_yticks(range(n), labels, fontsize=8)
    ax.set_facecolor("#F2F2F2")  # pairs with no shared member, and the diagonal
    ax.set_title(bilingual("两两共同会员（对角线除外）", "members shared by each pair", lang), fontsize=11)


def _composition_bars(ax: Axes, rows: list[dict], flags: Sequence[str], lang: str) -> None:
    n = len(rows)
    height = 0.8 / max(len(flags), 1)
    y = np.arange(n)
    for k, flag in enumerate(flags):
        shares = np.array([row[f"{flag}_share"] for row in rows]) * 100
        ax.barh(y - 0.4 + (k + 0.5) * height, shares, height=height, label=label(FLAG_LABELS, flag, lang),
                color=_FLAG_COLOURS.get(flag, _PALETTE[k % len(_PALETTE)]))
    ax.set_yticks(y, [str(k + 1) for k in range(n)], fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)
    if not any(row[f"{flag}_share"] for row in rows for flag in flags):
        ax.set_xlim(0, 100)
        ax.text(50, (n - 1) / 2, bilingual("没有带这些标记的会员", "no member carries these flags", lang),
                ha="center", va="center", color="#666666")
    else:
        ax.set_xlim(0, None)
    ax.set_xlabel(bilingual("占会员比例 (%)", "share of members (%)", lang))
    light_grid(ax, "x")
    open_frame(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    ax.set_title(bilingual("会员构成", "member composition", lang), fontsize=11)
