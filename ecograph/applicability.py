"""Which analyses have something to show for an ecosystem, and why not when they do not.

Each rule looks only at the ecosystem's structure and returns ``None`` when the analysis applies
or a one-line reason when it does not (``"no platform has members in two circle layers"``).
The report leaves out what does not apply, ``ecograph diagram`` refuses with the reason, and
``ecograph datasets NAME`` lists what applies. Diagrams take their rules from here
(:data:`ecograph.diagrams.applicability.DIAGRAMS`), so a figure and its analysis agree.

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem()
>>> eco.add_org("p", "平台", kind="platform"); eco.add_org("a", "甲公司")
>>> eco.add_relation("a", "p", "in_ring", ring="core")
>>> why_not(eco, "rings")
'no platform has members in at least two circle layers (圈层)'
>>> applicable_analyses(eco)
['centrality', 'brokerage', 'core_periphery']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .compiled import compiled
from .errors import AnalysisError
from .labels import bilingual, plural

if TYPE_CHECKING:  # pragma: no cover
    from .dynamics import Changes
    from .model import Ecosystem

__all__ = ["ANALYSES", "why_not", "applicable_analyses", "analysis_title", "platform_why_not",
           "platform_reach_why_not", "alliance_why_not", "hierarchy_why_not", "growth_why_not", "growing_pairs"]

Rule = Callable[["Ecosystem"], "str | None"]


def platform_why_not(eco: Ecosystem, platform: str) -> str | None:
    """Why the platform's circle layers show nothing (members in fewer than two rings)."""
    used = [ring for ring, members in eco.rings(platform).items() if members]
    if len(used) < 2:
        return f"platform {platform!r} has members in {len(used)} {plural(len(used), 'circle layer')} (圈层)"
    return None


def alliance_why_not(eco: Ecosystem, alliance: str) -> str | None:
    """Why the alliance's chain shows nothing (fewer than two stages or two members)."""
    chain = eco.chain(alliance)
    if len(chain.stages) < 2 or len(chain.members) < 2:
        return (f"alliance {alliance!r} has {len(chain.stages)} {plural(len(chain.stages), 'stage')} and "
                f"{len(chain.members)} {plural(len(chain.members), 'member')}; "
                "a chain needs two of each")
    return None


def platform_reach_why_not(eco: Ecosystem, platform: str) -> str | None:
    """Why the platform's reach shows nothing (no core member with a relation beyond its ring)."""
    view = compiled(eco)
    ends = [e for _, edges in view.relations() for e in (edges.source, edges.target)]
    degree = np.bincount(np.concatenate(ends), minlength=len(view)) if ends else np.zeros(len(view), np.int64)
    if (degree[view.positions(eco.rings(platform)["core"])] > 1).any():
        return None
    return f"platform {platform!r} has no core member with relations to reach out along"


def hierarchy_why_not(eco: Ecosystem, root: str) -> str | None:
    """Why the part_of tree under ``root`` shows nothing.

    A sunburst sizes each wedge by the units below it, so it has something to show only when the
    root has at least two units directly below it and at least one of those has units of its own
    (two levels below the root). One level of leaves draws wedges of one unit each; a chain of
    single children draws full circles.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> for n in ("r", "a", "b", "a1"):
    ...     eco.add_org(n, n)
    >>> eco.add_relation("a", "r", "part_of"); eco.add_relation("b", "r", "part_of")
    >>> hierarchy_why_not(eco, "r")
    "the part_of tree under 'r' has one level: 2 units of one each"
    >>> eco.add_relation("a1", "a", "part_of")
    >>> hierarchy_why_not(eco, "r") is None
    True
    """
    tree = eco.cached(("ecograph.applicability", "hierarchy"), eco.hierarchy)
    children = tree.children(root)
    if len(children) < 2:
        return f"the part_of tree under {root!r} has {len(tree.descendants(root))} unit(s) in single file"
    if not set(children) & set(tree.parent.values()):  # no child is a parent itself
        return f"the part_of tree under {root!r} has one level: {len(children)} units of one each"
    return None


def growth_why_not(changes: Changes, measure: str = "count") -> str | None:
    """Why the growth chart of ``changes`` shows nothing (no group's ``measure`` changed)."""
    rows = [g for g in changes.growth if g.measure == measure]
    if not rows:
        return f"no {measure!r} counted between {changes.t0} and {changes.t1}"
    if all(g.after == g.before for g in rows):
        return f"no growth: every {measure!r} is the same in {changes.t1} as in {changes.t0}"
    return None


def growing_pairs(eco: Ecosystem, measure: str = "count") -> list[Changes]:
    """The changes between consecutive periods whose growth chart has something to show.

    Examples
    --------
    >>> from loaders.datasets import load_dataset
    >>> [(c.t0, c.t1) for c in growing_pairs(load_dataset("shanghai_motor"))]  # 2009 → 2011: all 0 %
    [(2007, 2009)]
    """
    from .dynamics import changes

    periods = eco.periods()
    pairs = [changes(eco, t0, t1) for t0, t1 in zip(periods, periods[1:])]
    return [c for c in pairs if growth_why_not(c, measure) is None]


def _growth(eco: Ecosystem) -> str | None:
    if len(eco.periods()) < 2:
        return "fewer than two periods"
    if eco.cached(("ecograph.applicability", "growth"), lambda: growing_pairs(eco)):
        return None
    return "no counted measure grew or shrank between consecutive periods"


def _rings(eco: Ecosystem) -> str | None:
    if any(platform_why_not(eco, p) is None for p in eco.platforms()):
        return None
    return "no platform has members in at least two circle layers (圈层)" if eco.platforms() else "no platform"


def _reach(eco: Ecosystem) -> str | None:
    if not eco.platforms():
        return "no platform"
    if any(platform_reach_why_not(eco, p) is None for p in eco.platforms()):
        return None
    return "no platform core with relations to reach out along"


def _chains(eco: Ecosystem) -> str | None:
    reasons = [alliance_why_not(eco, a) for a in eco.alliances()]
    if not reasons:
        return "no chain alliance"
    if None in reasons:
        return None
    return reasons[0] if len(reasons) == 1 else "no alliance with two stages and two members"


def _memberships(eco: Ecosystem) -> str | None:
    with_members = [a for a in eco.associations() if eco.members(a)]
    if len(with_members) >= 2:
        return None
    if not with_members:
        return "no association or society with members"
    return f"one association with members ({with_members[0]!r}); overlap needs two"


def _hierarchy(eco: Ecosystem) -> str | None:
    tree = eco.cached(("ecograph.applicability", "hierarchy"), eco.hierarchy)
    if any(hierarchy_why_not(eco, root) is None for root in tree.roots):
        return None
    return "no part_of hierarchy with two units below its root and two levels"


def _relations(eco: Ecosystem) -> str | None:
    return None if eco.number_of_relations() else "no relations between organisations"


def _sectors(eco: Ecosystem) -> str | None:
    sectors = {eco.node(n)["sector"] for n in eco}
    return None if len(sectors) >= 2 and eco.number_of_relations() else "fewer than two sectors with relations"


def _helix(eco: Ecosystem) -> str | None:
    sectors = {eco.node(n)["sector"] for n in eco}
    missing = [s for s in ("government", "industry", "academia") if s not in sectors]
    return None if not missing else f"no organisation of sector {', '.join(missing)}"


def _evaluation(eco: Ecosystem) -> str | None:
    if "dimensions" not in eco.attrs:
        return "no evaluation dimensions (attribute 'dimensions')"
    return None if len(eco.nodes("productivity_center")) >= 2 else "fewer than two productivity centres"


def _action(eco: Ecosystem) -> str | None:
    return None if eco.nodes("society") and eco.nodes("expert") else "no societies with experts (百千万 action)"


#: analysis -> (Chinese and English name, rule)
ANALYSES: dict[str, tuple[str, str, Rule]] = {
    "centrality": ("中心性", "centrality", _relations),
    "brokerage": ("跨部门中介", "brokerage between sectors", _sectors),
    "core_periphery": ("核心—边缘结构", "core–periphery", _relations),
    "triple_helix": ("三螺旋协同", "triple helix", _helix),
    "rings": ("平台圈层", "platform circle layers", _rings),
    "reach": ("辐射能力", "reach", _reach),
    "chains": ("链式联盟", "chain alliances", _chains),
    "memberships": ("协会会员重叠", "association memberships", _memberships),
    "hierarchy": ("层级结构", "hierarchy", _hierarchy),
    "evaluation": ("绩效评估", "evaluation", _evaluation),
    "action": ("百千万行动评估", "service action", _action),
    "growth": ("同比增长", "growth between periods", _growth),
}


def why_not(eco: Ecosystem, analysis: str) -> str | None:
    """``None`` when ``analysis`` has something to show for ``eco``, else the reason.

    Raises
    ------
    AnalysisError
        Unknown analysis name.
    """
    if analysis not in ANALYSES:
        raise AnalysisError(f"unknown analysis {analysis!r}; expected one of {list(ANALYSES)}", field="analysis",
                            value=analysis)
    return ANALYSES[analysis][2](eco)


def applicable_analyses(eco: Ecosystem) -> list[str]:
    """The analyses that have something to show, in :data:`ANALYSES` order."""
    return [name for name in ANALYSES if why_not(eco, name) is None]


def analysis_title(name: str, lang: str = "zh") -> str:
    """The analysis's name in ``lang``.

    Examples
    --------
    >>> analysis_title("reach"), analysis_title("reach", "en")
    ('辐射能力', 'reach')
    """
    zh, en, _ = ANALYSES[name]
    return bilingual(zh, en, lang)
