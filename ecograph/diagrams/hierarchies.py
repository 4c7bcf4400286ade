"""The hierarchy sunburst: national association → districts → centres, with counts.

Each ring is one level of the ``part_of`` tree; a wedge's angle is proportional to the number
of leaves below it. A node with more than ``max_children`` children shows its leaf children as
one wedge per group (their ``level`` — national / industry / local — by default) labelled with
the count, so 2,689 productivity centres stay readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Wedge

from ..compiled import compiled
from ..errors import AnalysisError, NodeNotFoundError
from ._base import (
    KIND_LABELS,
    LEVEL_LABELS,
    bilingual,
    check_lang,
    colour,
    drawing,
    label,
    legend_outside,
    part_of_tree,
    short,
    square_off,
    wrap,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["hierarchy", "hierarchy_rings", "sunburst_counts"]

_LEVEL_COLOURS = {"national": "#D55E00", "industry": "#0072B2", "local": "#009E73"}
# Pastels for the first ring, so they never read as one of the (saturated) group colours.
_BRANCH_COLOURS = ("#A6CEE3", "#FDBF6F", "#CAB2D6", "#B2DF8A", "#FB9A99", "#FFFF99", "#D9D9D9", "#80B1D3",
                   "#FCCDE5", "#CCEBC5", "#BC80BD", "#FFED6F")
_WIDTH = 1.0  # radial width of a ring


def _lighter(face: str, amount: float) -> tuple[float, float, float]:
    r, g, b = to_rgb(face)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def hierarchy_rings(
    eco: Ecosystem, root: str, *, by: str = "level", max_children: int = 40, max_depth: int = 3
) -> list[dict[str, Any]]:
    """The sunburst's wedges: one dict per wedge with ``depth``, ``start``, ``span`` (fractions of
    the circle), ``count`` (leaves below), ``node`` (or ``None`` for a group), ``group`` and
    ``parent``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("n", kind="association"); eco.add_org("d", kind="district")
    >>> eco.add_relation("d", "n", "part_of")
    >>> for i, lv in enumerate(["national", "local", "local"]):
    ...     eco.add_org(f"c{i}", kind="productivity_center", level=lv)
    ...     eco.add_relation(f"c{i}", "d", "part_of")
    >>> [(w["group"], w["count"]) for w in hierarchy_rings(eco, "n", max_children=2) if w["depth"] == 2]
    [('local', 2), ('national', 1)]
    """
    tree = part_of_tree(eco)
    if root not in eco:
        raise NodeNotFoundError(f"hierarchy: no organisation with id {root!r}", id=root)
    kids: dict[str, list[str]] = {}
    for child, parent in tree.parent.items():
        kids.setdefault(parent, []).append(child)
    if root not in kids:
        raise AnalysisError(f"hierarchy: {root!r} has nothing below it through part_of relations", id=root,
                            field="root")
    # Leaves below each node, children before parents (reverse DFS order).
    order: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(kids.get(node, ()))
    leaves: dict[str, int] = {}
    for node in reversed(order):
        leaves[node] = sum(leaves[c] for c in kids[node]) if node in kids else 1
    record = compiled(eco).record
    wedges: list[dict[str, Any]] = []

    def place(node: str, start: float, span: float, depth: int) -> None:
        children = sorted(kids.get(node, ()), key=lambda c: (-leaves[c], c))
        if depth > max_depth or not children:
            return
        total = leaves[node]
        cursor = start
        leaf_children = [c for c in children if c not in kids]
        grouped = len(children) > max_children and leaf_children
        inner = [c for c in children if c in kids] if grouped else children
        for child in inner:
            width = span * leaves[child] / total
            wedges.append({"depth": depth, "start": cursor, "span": width, "count": leaves[child],
                           "node": child, "group": None, "parent": node})
            place(child, cursor, width, depth + 1)
            cursor += width
        if grouped:
            groups: dict[str, int] = {}
            for c in leaf_children:
                key = str(record(c).get(by, record(c)["kind"]))
                groups[key] = groups.get(key, 0) + 1
            for key, count in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])):
                width = span * count / total
                wedges.append({"depth": depth, "start": cursor, "span": width, "count": count,
                               "node": None, "group": key, "parent": node})
                cursor += width

    place(root, 0.0, 1.0, 1)
    return wedges


def sunburst_counts(wedges: list[dict[str, Any]]) -> dict[str, int]:
    """What a sunburst's title states: the wedges of its first ring and the leaf units below the root.

    Parameters
    ----------
    wedges : list of dict
        :func:`hierarchy_rings` of the root.

    Returns
    -------
    dict
        ``first_ring`` and ``leaves``.

    Examples
    --------
    >>> sunburst_counts([{"depth": 1, "count": 3}, {"depth": 1, "count": 1}, {"depth": 2, "count": 3}])
    {'first_ring': 2, 'leaves': 4}
    """
    first = [w for w in wedges if w["depth"] == 1]
    return {"first_ring": len(first), "leaves": sum(w["count"] for w in first)}


def hierarchy(
    eco: Ecosystem,
    root: str | None = None,
    *,
    by: str = "level",
    max_children: int = 40,
    max_depth: int = 3,
    lang: str = "zh",
    font: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the ``part_of`` hierarchy below ``root`` as a sunburst with counts.

    Parameters
    ----------
    eco : Ecosystem
    root : str, optional
        The top node; by default the root with the most nodes below it.
    by : str
        Attribute grouping the leaf children of a crowded node (``level`` of productivity
        centres by default; nodes without it are grouped by kind).
    max_children : int
        A node with more children shows its leaves as groups with counts.
    max_depth : int
        Rings drawn below the root.
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
        The ecosystem has no hierarchy, or ``root`` has nothing below it.
    NodeNotFoundError
        ``root`` is not in the ecosystem.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("n", "生产力促进中心协会", kind="association")
    >>> eco.add_org("d", "华东片区", kind="district"); eco.add_relation("d", "n", "part_of")
    >>> eco.add_org("c", "苏州中心", kind="productivity_center", level="national")
    >>> eco.add_relation("c", "d", "part_of")
    >>> fig = hierarchy(eco)
    >>> any('华东片区' in t.get_text() for t in fig.axes[0].texts)
    True
    """
    check_lang(lang)
    tree = part_of_tree(eco)
    if root is None:
        if not tree.roots:
            raise AnalysisError("hierarchy: the ecosystem has no part_of relations", field="root")
        root = max(tree.roots, key=lambda r: len(tree.descendants(r)))
    wedges = hierarchy_rings(eco, root, by=by, max_children=max_children, max_depth=max_depth)
    record = compiled(eco).record
    depth_max = max(w["depth"] for w in wedges)
    top_colour: dict[str, str] = {}
    by_node = {w["node"]: w for w in wedges if w["node"] is not None}
    with drawing(ax, (11.0, 9.5), font) as (fig, ax):
        group_labels: dict[str, int] = {}
        for w in wedges:
            theta1 = 90 - 360 * (w["start"] + w["span"])
            theta2 = 90 - 360 * w["start"]
            outer = (w["depth"] + 1) * _WIDTH
            if w["node"] is None:
                face: Any = colour(_LEVEL_COLOURS, w["group"])  # groups share a colour per value
                group_labels[w["group"]] = group_labels.get(w["group"], 0) + w["count"]
            elif w["depth"] == 1:
                face = _BRANCH_COLOURS[len(top_colour) % len(_BRANCH_COLOURS)]
                top_colour[w["node"]] = face
            else:
                face = _lighter(top_colour.get(_top_of(w, by_node), "#999999"), 0.25 * (w["depth"] - 1))
            ax.add_patch(Wedge((0, 0), outer, theta1, theta2, width=_WIDTH, facecolor=face, edgecolor="white",
                               linewidth=0.8 if w["span"] > 0.002 else 0.0))
            _label_wedge(ax, w, record, lang, outer)
        ax.add_patch(Wedge((0, 0), _WIDTH, 0, 360, facecolor="#404040", edgecolor="white"))
        root_name = record(root).get("name", root)
        counts = sunburst_counts(wedges)
        total = counts["leaves"]
        ax.text(0, 0, f"{wrap(short(root_name, 18), 6)}\n{total:,}", ha="center", va="center", color="white",
                fontsize=9)
        square_off(ax, (depth_max + 1) * _WIDTH + 0.1)
        handles = [Patch(facecolor=colour(_LEVEL_COLOURS, g), label=f"{_group_label(g, lang)} {n:,}")
                   for g, n in sorted(group_labels.items(), key=lambda kv: -kv[1])]
        if handles:
            legend_outside(ax, handles, bilingual("汇总的叶节点", "grouped leaves", lang))
        kinds = {record(w["node"])["kind"] for w in wedges if w["depth"] == 1 and w["node"] is not None}
        level_name = label(KIND_LABELS, kinds.pop(), lang) if len(kinds) == 1 else bilingual("下级", "children", lang)
        summary = bilingual(f"{counts['first_ring']} 个{level_name} · {total:,} 个末端单位",
                            f"{counts['first_ring']} {level_name} · {total:,} leaf units", lang)
        ax.set_title(title or f"{root_name}: {bilingual('层级结构', 'hierarchy', lang)}\n{summary}", fontsize=13)
    return fig


def _top_of(wedge: dict[str, Any], by_node: dict[str, dict[str, Any]]) -> str:
    node = wedge["node"] if wedge["node"] is not None else wedge["parent"]
    while node in by_node and by_node[node]["depth"] > 1:
        node = by_node[node]["parent"]
    return node


def _group_label(group: str, lang: str) -> str:
    return label(LEVEL_LABELS, group, lang) if group in LEVEL_LABELS else label(KIND_LABELS, group, lang)


def _label_wedge(ax: Axes, w: dict[str, Any], record: Callable[[str], dict[str, Any]], lang: str,
                 outer: float) -> None:
    degrees = 360 * w["span"]
    if degrees < (7 if w["node"] is not None else 4):
        return
    middle = np.deg2rad(90 - 360 * (w["start"] + w["span"] / 2))
    radius = outer - _WIDTH / 2
    x, y = radius * np.cos(middle), radius * np.sin(middle)
    colour_ = "#202020" if w["node"] is not None else "white"
    if w["node"] is not None:
        name = record(w["node"]).get("name", w["node"])
        if degrees >= 30:  # room for a few horizontal lines
            ax.text(x, y, f"{wrap(short(name, 21), 7)}\n{w['count']:,}", ha="center", va="center", fontsize=8.5,
                    color=colour_)
            return
        text = f"{short(name, 7)}\n{w['count']:,}"
    else:
        text = f"{w['count']:,}" if degrees < 14 else f"{_group_label(w['group'], lang)}\n{w['count']:,}"
    # Narrow wedges: text runs along the radius, turned to read from the left on both halves.
    rotation = np.rad2deg(middle)
    if np.cos(middle) < 0:
        rotation += 180
    ax.text(x, y, text, ha="center", va="center", rotation=rotation, rotation_mode="anchor",
            fontsize=7.5 if w["node"] is None else 8.5, color=colour_)
