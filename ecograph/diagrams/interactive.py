"""An offline, interactive map of the ecosystem: one self-contained HTML page.

The page inlines the vendored vis-network standalone build (``vendor/vis-network.min.js``,
Apache-2.0 OR MIT, licences beside it) and the graph as JSON, so it opens from a file with no
network. A planner can drag and zoom, filter by sector and by circle layer, and search
organisations by (Chinese) name. Nodes start at the deterministic sector layout of
:func:`ecograph.diagrams.networks.sector_layout`; the force layout can be switched on.

The core builds the page as a string; writing it to a file is the caller's (CLI's) job.
"""

from __future__ import annotations

import html
import importlib.resources
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

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
    metric_name,
)
from .networks import central_sample

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
) -> dict[str, Any]:
    """The graph data of the interactive page: nodes with position, sector, rings and size; edges.

    Parameters
    ----------
    eco : Ecosystem
    size_by : str, mapping, callable or None
        Node size, and which nodes are kept beyond ``max_nodes`` (the largest).
    relations : str or iterable of str, optional
        Relation types drawn as edges (all by default).
    max_nodes : int
    lang : {"zh", "en", "zh+en"}

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``sectors`` (id, label, colour), ``rings`` (id, label) and
        ``total`` (organisations before sampling).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("p", "平台", kind="platform"); eco.add_org("a", "甲公司")
    >>> eco.add_relation("a", "p", "in_ring", ring="collaboration")
    >>> data = graph_json(eco, size_by=None)
    >>> [(n["id"], n["rings"]) for n in data["nodes"]]
    [('p', ['none']), ('a', ['collaboration'])]
    """
    check_lang(lang)
    graph = eco.graph
    compiled, keep, kept, values, _, layout = central_sample(eco, relations, size_by, max_nodes)
    nodes = compiled.nodes
    xy = layout * 60.0 * np.sqrt(max(len(kept), 1))
    rings: dict[str, list[str]] = {}
    for platform in eco.platforms():
        for ring, members in eco.rings(platform).items():
            for member in members:
                rings.setdefault(member, []).append(ring)
    out_nodes = []
    for i, node in enumerate(kept):
        data = graph.nodes[node]
        member_rings = sorted(set(rings.get(node, [_NO_RING])), key=lambda r: RINGS.index(r) if r in RINGS else 9)
        tooltip = (f"{data.get('name', node)}\n{label(KIND_LABELS, data['kind'], lang)} · "
                   f"{label(SECTOR_LABELS, data['sector'], lang)}")
        if node in rings:
            tooltip += "\n" + "、".join(label(RING_LABELS, r, lang) for r in member_rings)
        out_nodes.append({
            "id": node, "label": data.get("name", node), "sector": data["sector"], "kind": data["kind"],
            "rings": member_rings, "value": float(values[i]), "title": tooltip,
            "x": round(float(xy[i, 0]), 1), "y": round(float(-xy[i, 1]), 1),
            "color": colour(SECTOR_COLOURS, data["sector"]),
        })
    adjacency = compiled.matrix[keep][:, keep]
    upper = sp.triu(adjacency + adjacency.T, k=1, format="coo")
    edges = [{"from": kept[a], "to": kept[b]} for a, b in zip(upper.row.tolist(), upper.col.tolist())]
    present = dict.fromkeys(n["sector"] for n in out_nodes)
    ring_ids = [r for r in (*RINGS, _NO_RING) if any(r in n["rings"] for n in out_nodes)]
    return {
        "nodes": out_nodes,
        "edges": edges,
        "sectors": [{"id": s, "label": label(SECTOR_LABELS, s, lang), "color": colour(SECTOR_COLOURS, s)}
                    for s in present],
        "rings": [{"id": r, "label": label(RING_LABELS, r, lang) if r != _NO_RING
                   else bilingual("不在圈层", "no ring", lang)} for r in ring_ids],
        "total": len(nodes),
        "size_by": metric_name(size_by),
    }


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

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="示例"); eco.add_org("a", "甲公司")
    >>> page = interactive_html(eco, size_by=None)
    >>> page.startswith("<!DOCTYPE html>") and "vis.Network" in page and "http://" not in page.split("<script>")[0]
    True
    """
    data = graph_json(eco, size_by=size_by, relations=relations, max_nodes=max_nodes, lang=lang)
    heading = title or f"{eco.name}: {bilingual('生态网络交互图', 'interactive ecosystem map', lang)}"
    shown = len(data["nodes"])
    note = bilingual(f"{shown:,} 个组织 · {len(data['edges']):,} 条关系",
                     f"{shown:,} organisations · {len(data['edges']):,} ties", lang)
    if shown < data["total"]:
        note += bilingual(f"（按 {data['size_by']} 取前 {shown:,} 个，共 {data['total']:,} 个）",
                          f" (top {shown:,} of {data['total']:,} by {data['size_by']})", lang)
    words = {
        "search": bilingual("按名称搜索", "search by name", lang),
        "sector": bilingual("部门", "sector", lang),
        "ring": bilingual("圈层", "ring", lang),
        "physics": bilingual("力导向布局", "force layout", lang),
        "shown": bilingual("显示", "shown", lang),
        "found": bilingual("找到", "found", lang),
        "none": bilingual("未找到", "not found", lang),
    }
    return _PAGE.format(
        lang="zh-CN" if lang != "en" else "en",
        title=html.escape(heading),
        note=html.escape(note),
        search=html.escape(words["search"]),
        sector=html.escape(words["sector"]),
        ring=html.escape(words["ring"]),
        physics=html.escape(words["physics"]),
        vis_js=_vis_network_js(),
        data=_json_for_html(data),
        words=_json_for_html(words),
    )


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ecograph">
<title>{title}</title>
<style>
  html, body {{ margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC",
    "Microsoft YaHei", "DejaVu Sans", sans-serif; color: #222; }}
  body {{ display: flex; flex-direction: column; }}
  header {{ padding: 8px 14px; border-bottom: 1px solid #ddd; background: #fafafa; }}
  h1 {{ font-size: 18px; margin: 0 0 2px 0; }}
  .note {{ font-size: 12px; color: #666; }}
  .controls {{ display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin-top: 6px; font-size: 13px; }}
  fieldset {{ border: 1px solid #ddd; padding: 2px 8px; margin: 0; }}
  legend {{ font-size: 12px; color: #555; }}
  label {{ margin-right: 8px; white-space: nowrap; }}
  .swatch {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px; }}
  #search {{ width: 200px; padding: 3px 6px; }}
  #status {{ font-size: 12px; color: #444; }}
  #map {{ flex: 1; min-height: 400px; }}
</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <div class="note">{note}</div>
  <div class="controls">
    <input id="search" type="search" placeholder="{search}" aria-label="{search}">
    <fieldset id="sectors"><legend>{sector}</legend></fieldset>
    <fieldset id="rings"><legend>{ring}</legend></fieldset>
    <label><input id="physics" type="checkbox"> {physics}</label>
    <span id="status"></span>
  </div>
</header>
<div id="map"></div>
<script type="application/json" id="graph-data">{data}</script>
<script type="application/json" id="words">{words}</script>
<script>{vis_js}</script>
<script>
(function () {{
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var words = JSON.parse(document.getElementById("words").textContent);
  var nodes = new vis.DataSet(data.nodes.map(function (n) {{
    return {{ id: n.id, label: n.label, title: n.title, value: n.value, x: n.x, y: n.y,
             color: n.color, sector: n.sector, rings: n.rings, kind: n.kind }};
  }}));
  var edges = new vis.DataSet(data.edges);
  var activeSectors = new Set(data.sectors.map(function (s) {{ return s.id; }}));
  var activeRings = new Set(data.rings.map(function (r) {{ return r.id; }}));
  var nodeView = new vis.DataView(nodes, {{ filter: function (n) {{
    return activeSectors.has(n.sector) && n.rings.some(function (r) {{ return activeRings.has(r); }});
  }} }});
  var network = new vis.Network(document.getElementById("map"), {{ nodes: nodeView, edges: edges }}, {{
    physics: {{ enabled: false, stabilization: false }},
    nodes: {{ shape: "dot", scaling: {{ min: 5, max: 36, label: {{ enabled: true, min: 10, max: 22,
      drawThreshold: 9 }} }}, font: {{ size: 12 }}, borderWidth: 1 }},
    edges: {{ color: {{ color: "#9a9a9a", opacity: 0.35 }}, width: 0.6, smooth: false }},
    interaction: {{ hover: true, tooltipDelay: 120, hideEdgesOnDrag: data.edges.length > 3000 }}
  }});
  function status(extra) {{
    document.getElementById("status").textContent =
      words.shown + " " + nodeView.length + " / " + data.nodes.length + (extra ? " · " + extra : "");
  }}
  function checkboxes(containerId, items, active) {{
    var box = document.getElementById(containerId);
    items.forEach(function (item) {{
      var lab = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox"; input.checked = true; input.value = item.id;
      input.addEventListener("change", function () {{
        if (input.checked) {{ active.add(item.id); }} else {{ active.delete(item.id); }}
        nodeView.refresh(); status();
      }});
      lab.appendChild(input);
      if (item.color) {{
        var dot = document.createElement("span");
        dot.className = "swatch"; dot.style.background = item.color; lab.appendChild(dot);
      }}
      lab.appendChild(document.createTextNode(item.label));
      box.appendChild(lab);
    }});
  }}
  checkboxes("sectors", data.sectors, activeSectors);
  checkboxes("rings", data.rings, activeRings);
  document.getElementById("physics").addEventListener("change", function (e) {{
    network.setOptions({{ physics: {{ enabled: e.target.checked }} }});
  }});
  document.getElementById("search").addEventListener("input", function (e) {{
    var query = e.target.value.trim().toLowerCase();
    if (!query) {{ network.unselectAll(); status(); return; }}
    var hits = nodeView.getIds({{ filter: function (n) {{
      return String(n.label).toLowerCase().indexOf(query) >= 0 || String(n.id).toLowerCase() === query;
    }} }});
    network.selectNodes(hits);
    if (hits.length) {{
      network.focus(hits[0], {{ scale: 1.2, animation: {{ duration: 300 }} }});
      status(words.found + " " + hits.length);
    }} else {{
      status(words.none);
    }}
  }});
  status();
  window.ecographNetwork = network;
}})();
</script>
</body>
</html>
"""
