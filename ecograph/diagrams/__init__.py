"""Diagrams for planners: matplotlib figures with Chinese labels, and an offline interactive map.

Every diagram is a function that returns a :class:`matplotlib.figure.Figure` (or draws on a
given axes), built without pyplot so no global state or backend is touched:

- :func:`circle_layers` — a platform's four rings (核心/核心圈/协同创新圈/辐射圈);
- :func:`chain` — an alliance's stages, members, anchor, gaps and bottlenecks;
- :func:`membership` — association overlap and member composition;
- :func:`hierarchy` — national association → districts → centres, with counts;
- :func:`network` — the whole ecosystem by sector, sized by centrality;
- :func:`reach_chart` / :func:`platform_reach`, :func:`allocation_chart`, :func:`radar_chart` —
  reach per hop, a budget allocation and the evaluation radar;
- :func:`action_flows`, :func:`coverage_chart` — a service action's societies → enterprises →
  regions (alluvial) and its coverage by region;
- :func:`ring_transitions`, :func:`layers_over_time`, :func:`trajectories`, :func:`growth_bars` —
  change over time: ring moves between two periods (alluvial), circle layers per period, a
  metric's trajectories, year-on-year growth;
- :func:`interactive_html` — one self-contained HTML page to drag, zoom, filter and search.

Write figures with :func:`save` (PNG/SVG/PDF, fonts embedded). Chinese glyphs come from the
bundled Noto Sans CJK; choose the Latin font with ``font=`` or :func:`set_font`.

Examples
--------
>>> from ecograph import Ecosystem
>>> from ecograph.diagrams import chain, missing_glyphs
>>> eco = Ecosystem()
>>> eco.add_org("a", "联盟", kind="alliance", stages=["研发", "生产"])
>>> eco.add_org("x", "甲公司"); eco.add_relation("x", "a", "chain_member", stages=["研发"])
>>> missing_glyphs(chain(eco, "a"))
[]
"""

from __future__ import annotations

from ._base import cjk_as_outlines, save
from .actions import action_flows, coverage_chart
from .chains import chain
from .charts import (
    allocation_chart,
    dimension_scores,
    evaluation_radar,
    platform_reach,
    radar_chart,
    reach_chart,
)
from .layers import circle_layers
from .fonts import FontError, font_families, get_font, missing_glyphs, set_font
from .hierarchies import hierarchy
from .interactive import interactive_html
from .memberships import membership
from .networks import network
from .timelines import growth_bars, layers_over_time, ring_transitions, trajectories

__all__ = [
    "circle_layers",
    "chain",
    "membership",
    "hierarchy",
    "network",
    "reach_chart",
    "platform_reach",
    "allocation_chart",
    "radar_chart",
    "evaluation_radar",
    "dimension_scores",
    "action_flows",
    "coverage_chart",
    "interactive_html",
    "ring_transitions",
    "layers_over_time",
    "trajectories",
    "growth_bars",
    "save",
    "cjk_as_outlines",
    "set_font",
    "get_font",
    "font_families",
    "missing_glyphs",
    "FontError",
]
