"""An offline, interactive map of the ecosystem: one self-contained HTML page.

The page inlines the vendored vis-network standalone build (``vendor/vis-network.min.js``,
Apache-2.0 OR MIT, licences beside it) and the graph as JSON, so it opens from a file with no
network, and embeds the glyphs it uses of the bundled CJK font, so that Chinese shows on any
machine. A planner can drag and zoom, search organisations by (Chinese) name, filter by sector
and circle layer (only where the ecosystem has them), show organisations without relations,
click an organisation for its facts and neighbours, and export the view as PNG. Nodes start in
a deterministic layout grouped by what the ecosystem has (:class:`_GroupedLayout`); the force
layout can be switched on.

The core builds the page as a string; writing it to a file is the caller's (CLI's) job.
"""

from __future__ import annotations

import html
import importlib.resources
import json
import string
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from ..compiled import compiled, index_of
from ..labels import ecosystem_title
from ..model import RINGS
from ._base import (
    KIND_LABELS,
    RING_LABELS,
    SECTOR_COLOURS,
    SECTOR_LABELS,
    Metric,
    bilingual,
    check_lang,
    colour,
    label,
    metric_label,
    metric_name,
    node_metric,
)
from .networks import central_sample
from .webfont import EMBEDDED_FAMILY, embedded_characters, font_face_css

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["interactive_html", "graph_json", "VIS_NETWORK_VERSION"]

VIS_NETWORK_VERSION = "10.1.5"
_NO_RING = "none"


def _vis_network_js() -> str:
    script = importlib.resources.files(__package__).joinpath("vendor/vis-network.min.js").read_text("utf-8")
    # A literal "</script" inside inline JavaScript would end the element early.
    return script.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _json_for_html(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>``, ``&`` or line separators left raw."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def graph_json(
    eco: Ecosystem,
    *,
    size_by: Metric = "degree",
    relations: str | Iterable[str] | None = None,
    max_nodes: int = 3000,
    lang: str = "zh",
    pinned: int = 20,
) -> dict[str, Any]:
    """The graph data of the interactive page: nodes with position, groups, facts; edges; filters.

    Parameters
    ----------
    eco : Ecosystem
    size_by : str, mapping, callable or None
        Node size, and which nodes are kept beyond ``max_nodes`` (the largest).
    relations : str or iterable of str, optional
        Relation types drawn as edges (all by default).
    max_nodes : int
    lang : {"zh", "en", "zh+en"}
    pinned : int
        How many of the most central connected organisations are labelled at every zoom (the
        platforms, alliances and membership hubs that head a group are labelled too).

    Returns
    -------
    dict
        ``nodes`` (id, label, position, colour, sector, kind, rings, ``isolated``, ``pinned``,
        ``info``), ``edges``, ``sectors`` and ``rings`` (the filters: only groups that exist),
        ``decor`` (ring circles, group and stage titles drawn under the nodes), ``total``
        (organisations before sampling) and ``size_by``.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("p", "平台", kind="platform"); eco.add_org("a", "甲公司"); eco.add_org("b", "乙公司")
    >>> eco.add_relation("a", "p", "in_ring", ring="collaboration")
    >>> data = graph_json(eco, size_by=None)
    >>> [(n["id"], n["rings"], n["isolated"]) for n in data["nodes"]]
    [('p', ['none'], False), ('a', ['collaboration'], False), ('b', ['none'], True)]
    >>> [r["id"] for r in data["rings"]], [s["id"] for s in data["sectors"]]
    (['collaboration', 'none'], ['industry', 'intermediary'])
    """
    check_lang(lang)
    record = compiled(eco).record
    network, keep, kept, values, _, _ = central_sample(eco, relations, size_by, max_nodes)
    adjacency = network.matrix[keep][:, keep]
    upper = sp.triu(adjacency + adjacency.T, k=1, format="coo")
    edges = [{"from": kept[a], "to": kept[b]} for a, b in zip(upper.row.tolist(), upper.col.tolist())]
    linked = np.zeros(len(kept), dtype=bool)
    linked[upper.row] = linked[upper.col] = True
    degree = node_metric(eco, kept, "degree")
    layout = _GroupedLayout(eco, kept, values, linked, lang)
    rings = layout.rings
    central = [kept[i] for i in np.argsort(-values, kind="stable") if linked[i]][:pinned]
    labelled = set(central) | set(layout.heads)
    metric = metric_name(size_by)
    out_nodes = []
    for i, node in enumerate(kept):
        data = record(node)
        member_rings = rings.get(node, [_NO_RING])
        name = data.get("name", node)
        out_nodes.append({
            "id": node, "label": name, "sector": data["sector"], "kind": data["kind"], "rings": member_rings,
            "value": float(values[i]), "x": round(float(layout.xy[i, 0]), 1), "y": round(float(layout.xy[i, 1]), 1),
            "color": colour(SECTOR_COLOURS, data["sector"]), "isolated": not bool(linked[i]),
            "pinned": node in labelled,
            "title": f"{name}\n{label(KIND_LABELS, data['kind'], lang)} · {label(SECTOR_LABELS, data['sector'], lang)}",
            "info": {
                "kind": label(KIND_LABELS, data["kind"], lang),
                "sector": label(SECTOR_LABELS, data["sector"], lang),
                "rings": layout.ring_names.get(node, []),
                "memberships": layout.memberships.get(node, []),
                "metrics": [[bilingual("关系数", "degree", lang), _number(degree[i])]]
                + ([[metric_label(metric, lang), _number(values[i])]] if metric not in ("degree", "") else []),
            },
        })
    order = list(SECTOR_COLOURS)
    present = sorted({n["sector"] for n in out_nodes}, key=lambda s: (order.index(s) if s in order else len(order), s))
    ring_ids = [r for r in (*RINGS, _NO_RING) if any(r in n["rings"] for n in out_nodes)]
    has_rings = any(r != _NO_RING for r in ring_ids)
    return {
        "nodes": out_nodes,
        "edges": edges,
        "sectors": [{"id": s, "label": label(SECTOR_LABELS, s, lang), "color": colour(SECTOR_COLOURS, s)}
                    for s in present] if len(present) > 1 else [],
        "rings": [{"id": r, "label": label(RING_LABELS, r, lang) if r != _NO_RING
                   else bilingual("不在圈层", "no ring", lang)} for r in ring_ids] if has_rings else [],
        "decor": layout.decor,
        "total": len(network.nodes),
        "size_by": metric,
        "central": len(central),
    }


def _number(value: float) -> str:
    """A metric for reading: integers as such, else four significant digits."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:.4g}"


class _GroupedLayout:
    """Positions grouped by what the ecosystem has: each platform's members on its four ring
    circles, each alliance's members in columns by chain stage, the members of each association,
    society, district (or ``part_of`` parent) in a disc around it, packed in rows, largest first;
    below them the rest in a compact disc by sector, and last the unconnected organisations."""

    _GAP = 60.0

    def __init__(self, eco: Ecosystem, kept: list[str], values: np.ndarray, linked: np.ndarray, lang: str) -> None:
        self.eco, self.lang = eco, lang
        self.kept = {n for n, connected in zip(kept, linked) if connected}  # unconnected ones go last, apart
        self.position = index_of(kept)
        self.values = values
        self.xy = np.zeros((len(kept), 2))
        self.decor: list[dict[str, Any]] = []
        self.heads: list[str] = []
        self.rings: dict[str, list[str]] = {}
        self.ring_names: dict[str, list[str]] = {}
        self.memberships: dict[str, list[str]] = {}
        self.placed: set[str] = set()
        self._bottom = 0.0
        groups = self._platforms() + self._alliances() + self._hubs()
        # the rest after the named groups, however many: a compact disc in annuli by sector, so that it
        # does not dwarf the groups a planner looks for; the unconnected ones (hidden by default) below all
        rest, sectors = [], list(SECTOR_COLOURS)
        for nodes, title, hidden in (
                ([n for n in kept if n in self.kept and n not in self.placed], ("其他有关系的组织", "other connected organisations"), False),
                ([n for n in kept if n not in self.kept], ("无关系的组织", "unconnected organisations"), True)):
            if nodes:
                order = sorted(nodes, key=lambda n: (sectors.index(eco.node(n)["sector"]) if eco.node(n)["sector"] in sectors
                                                     else len(sectors), -self.values[self.position[n]]))
                rest.append((*self._group(order, _disc(len(order), 9.0), [], _title(*title, len(nodes), lang)), hidden))
        self._pack([(*g, False) for g in groups])
        for group in rest:
            self._pack([group], below=True)

    def _name(self, node: str) -> str:
        return self.eco.node(node).get("name", node)

    def _ranked(self, nodes: Iterable[str]) -> list[str]:
        todo = [n for n in dict.fromkeys(nodes) if n in self.kept and n not in self.placed]
        return sorted(todo, key=lambda n: -self.values[self.position[n]])

    def _group(self, nodes: list[str], local: np.ndarray, decor: list[dict[str, Any]], title: str
               ) -> tuple[list[str], np.ndarray, list[dict[str, Any]], str]:
        self.placed.update(nodes)
        return nodes, local, decor, title

    def _platforms(self) -> list[Any]:
        groups = []
        for platform in self.eco.platforms():
            layers = self.eco.rings(platform)
            for ring, members in layers.items():
                for member in members:
                    self.rings.setdefault(member, [])
                    if ring not in self.rings[member]:
                        self.rings[member].append(ring)
                    self.ring_names.setdefault(member, []).append(
                        f"{self._name(platform)} · {label(RING_LABELS, ring, self.lang)}")
            if platform not in self.kept:
                continue
            nodes, points, decor, radius = [platform], [(0.0, 0.0)], [], 0.0
            for k, ring in enumerate(RINGS):
                members = self._ranked(m for m in layers[ring] if m not in nodes)
                if not members and ring != "core":
                    continue
                radius = max(radius + 110.0, len(members) * 26.0 / (2 * np.pi))
                if ring == "core" and len(members) <= 1:
                    radius = 45.0 if members else 0.0
                angles = -np.pi / 2 + 2 * np.pi * np.arange(len(members)) / max(len(members), 1)
                points += [(radius * np.cos(a), radius * np.sin(a)) for a in angles]
                nodes += members
                if radius:
                    decor.append({"type": "ring", "x": 0.0, "y": 0.0, "r": radius,
                                  "label": f"{label(RING_LABELS, ring, self.lang)} {len(layers[ring]):,}"})
                self.placed.update(members)
            self.heads.append(platform)
            title = f"{self._name(platform)} · {bilingual('圈层', 'circle layers', self.lang)}"
            groups.append(self._group(nodes, np.array(points), decor, title))
        return groups

    def _alliances(self) -> list[Any]:
        groups = []
        for alliance in self.eco.alliances():
            chain = self.eco.chain(alliance)
            names = self.eco.node(alliance).get("stage_names") or list(chain.stages)
            columns = []
            for members in chain.by_stage.values():  # a member stands in the column of its first stage
                columns.append(self._ranked(members))
                self.placed.update(columns[-1])
            nodes, points, decor = [], [], []
            width = 150.0
            for s, column in enumerate(columns):
                x = (s - (len(columns) - 1) / 2) * width
                decor.append({"type": "title", "x": x, "y": -50.0, "label": str(names[s]) if s < len(names) else ""})
                nodes += column
                points += [(x, 10.0 + 34.0 * j) for j in range(len(column))]
            if alliance in self.kept and alliance not in self.placed:
                nodes.append(alliance)
                points.append((0.0, -110.0))
                self.heads.append(alliance)
            if nodes:
                title = f"{self._name(alliance)} · {bilingual('产业链环节', 'chain stages', self.lang)}"
                groups.append(self._group(nodes, np.array(points), decor, title))
        return groups

    def _hubs(self) -> list[Any]:
        """Associations, societies, districts and part_of parents with their members."""
        members: dict[str, list[str]] = {}
        relation: dict[str, str] = {}
        for u, v, _, data in self.eco.relations(("member_of", "part_of")):
            if u in self.kept:
                members.setdefault(v, []).append(u)
                relation.setdefault(v, data["type"])
                self.memberships.setdefault(u, []).append(self._name(v))
        groups = []
        for hub in sorted(members, key=lambda h: (-len(members[h]), str(h))):
            nodes = self._ranked(members[hub])
            if not nodes and (hub not in self.kept or hub in self.placed):
                continue
            points = _disc(len(nodes))
            if hub in self.kept and hub not in self.placed:
                nodes = [hub] + nodes
                points = np.vstack([[0.0, 0.0], points])
                self.heads.append(hub)
            title = bilingual(*(_HUB_WORDS[relation[hub]]), self.lang)
            groups.append(self._group(nodes, points, [], _title(f"{self._name(hub)} · {title}", "", len(members[hub]),
                                                                self.lang)))
        return groups

    def _pack(self, groups: list[Any], below: bool = False) -> None:
        """Rows of groups, largest first, each centred in its cell; ``below``: under what is placed.
        A group flagged hidden (the unconnected organisations) has its title drawn only when they are shown."""
        sized = []
        for nodes, local, decor, title, hidden in groups:
            extent = np.abs(local).max(axis=0) if len(local) else np.zeros(2)
            extent[0] = max(extent[0], _TITLE_MAX / 2 * len(title))  # room for the title at any zoom
            for item in decor:
                extent = np.maximum(extent, [abs(item["x"]) + item.get("r", 0.0), abs(item["y"]) + item.get("r", 0.0)])
            sized.append((nodes, local, decor, title, hidden, extent + self._GAP))
        sized.sort(key=lambda g: -float(np.prod(g[5])))
        total = sum(float(np.prod(2 * g[5])) for g in sized)
        row_width = max(float(np.sqrt(total)) * 1.3, 2 * float(max(g[5][0] for g in sized))) if sized else 0.0
        x = row_height = 0.0
        y = self._bottom if below else 0.0
        for nodes, local, decor, title, hidden, (half_w, half_h) in sized:
            if x > 0 and x + 2 * half_w > row_width:
                x, y, row_height = 0.0, y + row_height, 0.0
            centre = np.array([x + half_w, y + half_h + 30.0])
            for node, point in zip(nodes, local):
                self.xy[self.position[node]] = centre + point
            for item in decor:
                self.decor.append({**item, "x": round(float(centre[0] + item["x"]), 1),
                                   "y": round(float(centre[1] + item["y"]), 1)})
            self.decor.append({"type": "group", "x": round(float(centre[0]), 1),
                               "y": round(float(centre[1] - half_h + 10.0), 1), "label": title,
                               **({"isolated": True} if hidden else {})})
            x += 2 * half_w
            row_height = max(row_height, 2 * half_h + 30.0)
        self._bottom = y + row_height


#: Largest size of a group title in map units (a CJK character is about as wide as it is high).
_TITLE_MAX = 28.0
#: Titles of a hub's group by the relation that makes its members.
_HUB_WORDS = {"member_of": ("会员", "members"), "part_of": ("下属单位", "units")}


def _disc(n: int, spacing: float = 16.0) -> np.ndarray:
    """``n`` points evenly filling a disc (the golden-angle spiral), ``spacing`` apart."""
    j = np.arange(n)
    radius = spacing * np.sqrt(j + 1.5)
    angle = j * 2.399963
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _title(zh: str, en: str, count: int, lang: str) -> str:
    if not en:
        return f"{zh}（{count:,}）" if lang != "en" else f"{zh} ({count:,})"
    return bilingual(f"{zh}（{count:,}）", f"{en} ({count:,})", lang)


def interactive_html(
    eco: Ecosystem,
    *,
    title: str | None = None,
    size_by: Metric = "degree",
    relations: str | Iterable[str] | None = None,
    max_nodes: int = 3000,
    lang: str = "zh",
) -> str:
    """One self-contained HTML page to explore the ecosystem offline.

    The page embeds the glyphs it uses of the bundled CJK font (:mod:`ecograph.diagrams.webfont`),
    so Chinese shows on machines without a Chinese font. Organisations are grouped by what the
    ecosystem has (rings around each platform, chain stages, association and district discs); the
    most central ones and every search hit are labelled at every zoom; organisations without a
    relation are hidden until the toggle shows them; a legend says what colour, size and labels
    mean; clicking an organisation lists its kind, sector, rings, memberships, metrics and
    neighbours; the current view exports as PNG.

    Parameters
    ----------
    eco : Ecosystem
    title : str, optional
        Page heading (the ecosystem's name by default).
    size_by : str, mapping, callable or None
        Node size; beyond ``max_nodes`` only the largest nodes are kept (the page says so).
    relations : str or iterable of str, optional
        Relation types drawn as edges.
    max_nodes : int
    lang : {"zh", "en", "zh+en"}

    Returns
    -------
    str
        The HTML document (write it with UTF-8 encoding).

    Raises
    ------
    AnalysisError
        An unknown ``lang`` or ``size_by`` metric.
    UnknownRelationError
        A relation type the vocabulary does not know.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="示例"); eco.add_org("a", "甲公司")
    >>> page = interactive_html(eco, size_by=None)
    >>> page.startswith("<!DOCTYPE html>") and "vis.Network" in page and "http://" not in page.split("<script>")[0]
    True
    >>> "@font-face" in page and set("示例甲公司") <= embedded_characters(page)
    True
    """
    data = graph_json(eco, size_by=size_by, relations=relations, max_nodes=max_nodes, lang=lang)
    heading = title or f"{ecosystem_title(eco, lang)}: {bilingual('生态网络交互图', 'interactive ecosystem map', lang)}"
    shown = len(data["nodes"])
    note = bilingual(f"{shown:,} 个组织 · {len(data['edges']):,} 条关系",
                     f"{shown:,} organisations · {len(data['edges']):,} ties", lang)
    if shown < data["total"]:
        by = metric_label(data["size_by"], lang)
        note += bilingual(f"（按{by}取前 {shown:,} 个，共 {data['total']:,} 个）",
                          f" (top {shown:,} of {data['total']:,} by {by})", lang)
    isolated = sum(n["isolated"] for n in data["nodes"])
    words = {
        "search": bilingual("按名称搜索", "search by name", lang),
        "sector": bilingual("部门", "sector", lang),
        "ring": bilingual("圈层", "ring", lang),
        "physics": bilingual("力导向布局", "force layout", lang),
        "isolated": bilingual(f"显示无关系的组织（{isolated:,}）", f"show unconnected organisations ({isolated:,})", lang),
        "export": bilingual("导出 PNG", "export PNG", lang),
        "shown": bilingual("显示", "shown", lang),
        "found": bilingual("找到", "found", lang),
        "none": bilingual("未找到", "not found", lang),
        "kind": bilingual("类型", "kind", lang),
        "rings": bilingual("圈层", "rings", lang),
        "memberships": bilingual("所属", "member of", lang),
        "neighbours": bilingual("相邻组织", "neighbours", lang),
        "more": bilingual("等", "and", lang),
        "close": bilingual("关闭", "close", lang),
        "legend_colour": bilingual("颜色：部门", "colour: sector", lang),
        "legend_size": bilingual(f"大小：{metric_label(data['size_by'], 'zh') or '相同'}",
                                 f"size: {metric_label(data['size_by'], 'en') or 'equal'}", lang),
        "legend_labels": bilingual(f"标注：最核心的 {data['central']} 个组织、各组之首与搜索结果",
                                   f"labels: the {data['central']} most central, group heads and search hits", lang),
        "legend_groups": bilingual("分组：平台圈层、链环节、协会与片区", "groups: platform rings, chain stages, "
                                   "associations and districts", lang),
    }
    if not isolated:
        words["isolated"] = ""
    replacements = {
        "LANG": "zh-CN" if lang != "en" else "en",
        "TITLE": html.escape(heading),
        "NOTE": html.escape(note),
        "FAMILY": EMBEDDED_FAMILY,
        "TITLE_MAX": f"{_TITLE_MAX:g}",
        "DATA": _json_for_html(data),
        "WORDS": _json_for_html(words),
    }
    page = _PAGE
    for key, value in replacements.items():
        page = page.replace(f"%%{key}%%", value)
    font = font_face_css(page + "".join(words.values()) + "…、：，·（）" + string.printable)
    return page.replace("%%FONT%%", font).replace("%%VIS%%", _vis_network_js())


_PAGE = """<!DOCTYPE html>
<html lang="%%LANG%%">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ecograph">
<title>%%TITLE%%</title>
<style>
  %%FONT%%
  html, body { margin: 0; height: 100%; font-family: "%%FAMILY%%", "DejaVu Sans", sans-serif; color: #222; }
  body { display: flex; flex-direction: column; }
  header { padding: 8px 14px; border-bottom: 1px solid #ddd; background: #fafafa; }
  h1 { font-size: 18px; margin: 0 0 2px 0; }
  .note { font-size: 12px; color: #666; }
  .controls { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: center; margin-top: 6px; font-size: 13px; }
  fieldset { border: 1px solid #ddd; padding: 2px 8px; margin: 0; }
  fieldset:empty, label:empty { display: none; }
  legend { font-size: 12px; color: #555; }
  label { margin-right: 8px; white-space: nowrap; }
  button, input { font-family: inherit; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px; }
  #search { width: 200px; padding: 3px 6px; }
  #status { font-size: 12px; color: #444; }
  main { flex: 1; position: relative; min-height: 400px; }
  #map { position: absolute; inset: 0; }
  #legend { position: absolute; left: 10px; bottom: 10px; background: rgba(255,255,255,.92); border: 1px solid #ddd;
    padding: 6px 10px; font-size: 12px; line-height: 1.6; max-width: 46%; }
  #info { position: absolute; right: 10px; top: 10px; width: min(320px, 80%); max-height: calc(100% - 20px);
    overflow: auto; background: #fff; border: 1px solid #ccc; box-shadow: 0 2px 8px rgba(0,0,0,.15); padding: 8px 12px;
    font-size: 13px; display: none; }
  #info h2 { font-size: 15px; margin: 0 0 6px 0; padding-right: 40px; }
  #info dt { color: #666; font-size: 12px; margin-top: 4px; }
  #info dd { margin: 0; }
  #info button { position: absolute; right: 8px; top: 6px; }
  div.vis-tooltip { font-family: "%%FAMILY%%", "DejaVu Sans", sans-serif; white-space: pre-line; }
</style>
</head>
<body>
<header>
  <h1>%%TITLE%%</h1>
  <div class="note">%%NOTE%%</div>
  <div class="controls">
    <input id="search" type="search">
    <fieldset id="sectors"></fieldset>
    <fieldset id="rings"></fieldset>
    <label id="isolated-box"><input id="isolated" type="checkbox"> <span></span></label>
    <label><input id="physics" type="checkbox"> <span id="physics-label"></span></label>
    <button id="export" type="button"></button>
    <a id="download" download="map.png" hidden></a>
    <span id="status"></span>
  </div>
</header>
<main>
  <div id="map"></div>
  <div id="legend"></div>
  <div id="info" role="dialog"></div>
</main>
<script type="application/json" id="graph-data">%%DATA%%</script>
<script type="application/json" id="words">%%WORDS%%</script>
<script>%%VIS%%</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var words = JSON.parse(document.getElementById("words").textContent);
  var FONT = '"%%FAMILY%%", "DejaVu Sans", sans-serif';
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var neighbours = {};
  data.edges.forEach(function (e) {
    (neighbours[e.from] = neighbours[e.from] || []).push(e.to);
    (neighbours[e.to] = neighbours[e.to] || []).push(e.from);
  });
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return { id: n.id, title: n.title, value: n.value, x: n.x, y: n.y, color: n.color,
             sector: n.sector, rings: n.rings, isolated: n.isolated, name: n.label };
  }));
  var edges = new vis.DataSet(data.edges);
  var activeSectors = new Set(data.sectors.map(function (s) { return s.id; }));
  var activeRings = new Set(data.rings.map(function (r) { return r.id; }));
  var showIsolated = false, hits = new Set(), selected = null;
  var nodeView = new vis.DataView(nodes, { filter: function (n) {
    if (hits.has(n.id)) { return true; }
    return (showIsolated || !n.isolated) && (!data.sectors.length || activeSectors.has(n.sector)) &&
      (!data.rings.length || n.rings.some(function (r) { return activeRings.has(r); }));
  } });
  var network = new vis.Network(document.getElementById("map"), { nodes: nodeView, edges: edges }, {
    physics: { enabled: false, stabilization: false },
    nodes: { shape: "dot", scaling: { min: 5, max: 30 }, borderWidth: 1, font: { face: FONT } },
    edges: { color: { color: "#9a9a9a", opacity: 0.35 }, width: 0.6, smooth: false },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: data.edges.length > 3000 }
  });
  function text(ctx, label, x, y, px, weight, colour) {
    ctx.font = (weight || "") + " " + px + "px " + FONT;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ctx.lineWidth = px / 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.strokeText(label, x, y);
    ctx.fillStyle = colour || "#222"; ctx.fillText(label, x, y);
  }
  network.on("beforeDrawing", function (ctx) {
    var scale = network.getScale();
    data.decor.forEach(function (d) {
      if (d.isolated && !showIsolated) { return; }
      if (d.type === "ring") {
        ctx.beginPath(); ctx.setLineDash([6 / scale, 6 / scale]); ctx.lineWidth = 1 / scale;
        ctx.strokeStyle = "#bbbbbb"; ctx.arc(d.x, d.y, d.r, 0, 2 * Math.PI); ctx.stroke(); ctx.setLineDash([]);
        text(ctx, d.label, d.x, d.y - d.r - 15 / scale, 11 / scale, "", "#777");
      } else {
        // a group title is 14 px on screen, but no larger than %%TITLE_MAX%% map units: zoomed out, titles
        // shrink with their groups instead of running into the next group's
        var px = d.type === "group" ? Math.min(14 / scale, %%TITLE_MAX%%) : 12 / scale;
        text(ctx, d.label, d.x, d.y, px, d.type === "group" ? "bold" : "", "#555");
      }
    });
  });
  var order = data.nodes.map(function (n) { return n.id; });
  order.sort(function (a, b) { return byId[b].value - byId[a].value; });
  var drawnLabels = [];
  function labelled() { return drawnLabels.slice(); }
  network.on("afterDrawing", function (ctx) {
    // search hits and the selection first, then group heads and the most central, then (zoomed in)
    // the rest; a label that would overlap one already drawn is left out
    var scale = network.getScale(), taken = [];
    var wanted = Array.from(hits).concat(selected ? [selected] : [])
      .concat(order.filter(function (id) { return byId[id].pinned; }))
      .concat(scale >= 1.4 ? order : []);
    var seen = new Set();
    drawnLabels = [];
    wanted.forEach(function (id) {
      if (seen.has(id) || !nodeView.get(id)) { return; }
      seen.add(id);
      var strong = hits.has(id) || id === selected, px = (strong ? 14 : 12) / scale;
      var box = network.getBoundingBox(id), x = (box.left + box.right) / 2, y = box.bottom + 2 / scale;
      ctx.font = (strong ? "bold " : "") + px + "px " + FONT;
      var w = ctx.measureText(byId[id].label).width, r = [x - w / 2, y, x + w / 2, y + px * 1.2];
      if (!strong && taken.some(function (t) { return r[0] < t[2] && t[0] < r[2] && r[1] < t[3] && t[1] < r[3]; })) {
        return;
      }
      taken.push(r); drawnLabels.push(id);
      text(ctx, byId[id].label, x, y, px, strong ? "bold" : "", strong ? "#000" : "#222");
    });
  });
  function status(extra) {
    document.getElementById("status").textContent =
      words.shown + " " + nodeView.length + " / " + data.nodes.length + (extra ? " · " + extra : "");
  }
  function refresh(extra) { nodeView.refresh(); status(extra); network.redraw(); }
  function checkboxes(containerId, title, items, active) {
    if (!items.length) { return; }
    var box = document.getElementById(containerId);
    var legend = document.createElement("legend"); legend.textContent = title; box.appendChild(legend);
    items.forEach(function (item) {
      var lab = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox"; input.checked = true; input.value = item.id;
      input.addEventListener("change", function () {
        if (input.checked) { active.add(item.id); } else { active.delete(item.id); }
        refresh();
      });
      lab.appendChild(input);
      if (item.color) {
        var dot = document.createElement("span");
        dot.className = "swatch"; dot.style.background = item.color; lab.appendChild(dot);
      }
      lab.appendChild(document.createTextNode(item.label));
      box.appendChild(lab);
    });
  }
  checkboxes("sectors", words.sector, data.sectors, activeSectors);
  checkboxes("rings", words.ring, data.rings, activeRings);
  var search = document.getElementById("search");
  search.placeholder = words.search; search.setAttribute("aria-label", words.search);
  document.getElementById("physics-label").textContent = words.physics;
  var isolatedBox = document.getElementById("isolated-box");
  if (words.isolated) { isolatedBox.querySelector("span").textContent = words.isolated; } else { isolatedBox.remove(); }
  var toggle = document.getElementById("isolated");
  if (toggle) { toggle.addEventListener("change", function (e) { showIsolated = e.target.checked; refresh(); }); }
  document.getElementById("physics").addEventListener("change", function (e) {
    network.setOptions({ physics: { enabled: e.target.checked } });
  });
  search.addEventListener("input", function (e) {
    var query = e.target.value.trim().toLowerCase();
    hits = new Set();
    if (query) {
      data.nodes.forEach(function (n) {
        if (String(n.label).toLowerCase().indexOf(query) >= 0 || String(n.id).toLowerCase() === query) { hits.add(n.id); }
      });
    }
    var found = Array.from(hits);
    network.selectNodes([]);
    if (!query) { refresh(); return; }
    refresh(found.length ? words.found + " " + found.length : words.none);
    if (found.length) {
      network.selectNodes(found);
      if (found.length === 1) { network.focus(found[0], { scale: 1.2 }); } else { network.fit({ nodes: found }); }
    }
  });
  var info = document.getElementById("info");
  function showInfo(id) {
    var n = byId[id];
    if (!n) { info.style.display = "none"; selected = null; network.redraw(); return; }
    selected = id;
    var near = (neighbours[id] || []).map(function (m) { return byId[m].label; });
    var rows = [[words.kind, n.info.kind + " · " + n.info.sector]];
    if (n.info.rings.length) { rows.push([words.rings, n.info.rings.join("；")]); }
    if (n.info.memberships.length) { rows.push([words.memberships, n.info.memberships.join("；")]); }
    n.info.metrics.forEach(function (m) { rows.push([m[0], m[1]]); });
    if (near.length) {
      rows.push([words.neighbours + " " + near.length,
                 near.slice(0, 12).join("、") + (near.length > 12 ? " " + words.more + " " + near.length : "")]);
    }
    info.textContent = "";
    var close = document.createElement("button"); close.type = "button"; close.textContent = words.close;
    close.addEventListener("click", function () { showInfo(null); });
    var h = document.createElement("h2"); h.textContent = n.label;
    var dl = document.createElement("dl");
    rows.forEach(function (r) {
      var dt = document.createElement("dt"); dt.textContent = r[0];
      var dd = document.createElement("dd"); dd.textContent = r[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    info.appendChild(close); info.appendChild(h); info.appendChild(dl);
    info.style.display = "block";
    network.redraw();
  }
  network.on("click", function (params) { showInfo(params.nodes.length ? params.nodes[0] : null); });
  var legend = document.getElementById("legend");
  [words.legend_colour, words.legend_size, words.legend_labels, words.legend_groups].forEach(function (line) {
    var div = document.createElement("div"); div.textContent = line; legend.appendChild(div);
  });
  var exportButton = document.getElementById("export");
  exportButton.textContent = words.export;
  var api = { network: network, nodeView: nodeView, labelled: labelled, showInfo: showInfo, lastExport: null };
  exportButton.addEventListener("click", function () {
    var source = document.querySelector("#map canvas");
    var canvas = document.createElement("canvas");
    canvas.width = source.width; canvas.height = source.height;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, canvas.width, canvas.height); ctx.drawImage(source, 0, 0);
    var link = document.getElementById("download");
    link.href = api.lastExport = canvas.toDataURL("image/png");
    link.download = (document.title || "map").replace(/[\\\\/:*?"<>|]/g, "_") + ".png";
    link.click();
  });
  status();
  if (document.fonts && document.fonts.load) {
    document.fonts.load("12px " + FONT, "中").then(function () { network.redraw(); });
  }
  window.ecographMap = api;
  window.ecographNetwork = network;
})();
</script>
</body>
</html>
"""
