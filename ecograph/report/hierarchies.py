"""The ``part_of`` hierarchy: roll-up, district balance, a proposed regional partition; the
sunburst diagrams of the largest trees."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..districts import propose_districts
from ..hierarchies import balance, rollup
from .document import Row, Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..model import Ecosystem

__all__ = ["sections", "figures", "MAX_HIERARCHIES"]

#: Hierarchies drawn per report (the largest roots).
MAX_HIERARCHIES = 3


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """The hierarchy: units per level, roll-up of the top levels, district balance and a
    proposed partition (empty when there is no ``part_of`` relation).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("n", kind="association"); eco.add_org("d", kind="district")
    >>> eco.add_relation("d", "n", "part_of")
    >>> [s.text for s in sections(eco)]
    ['The hierarchy has 2 units in 2 levels; 1 root.']
    """
    parents = eco.hierarchy().parent
    if not parents:
        return []
    units = {*parents, *parents.values()}
    serves = any(provider in units for provider, *_rest in eco.relations("serves"))
    r = rollup(eco, attach="serves" if serves else None)
    top_rows = [row for row in r.rows() if row["depth"] <= 1 and row["kind"] != "productivity_center"]
    facts: dict[str, Any] = {"units": len(r.nodes), "levels": int(r.depth.max()) + 1, "roots": int((r.parent < 0).sum())}
    text = [say("hierarchy.text", lang, **facts)]
    tables: dict[str, list[Row]] = {"hierarchy_rollup": top_rows}
    if {"district", "productivity_center"} <= set(r.kinds):  # balance counts centres per district
        b = balance(eco)
        facts["balance"] = {"districts": len(b.sizes), "min": b.min, "max": b.max, "mean": b.mean, "cv": b.cv,
                            "gini": b.gini}
        text.append(say("hierarchy.balance", lang, **facts["balance"]))
        tables["district_balance"] = [{"district": d, "centres": v} for d, v in b.sizes.items()]
        centres = [c for c in eco.nodes("productivity_center") if parents.get(c) in b.sizes]
        if len(centres) >= len(b.sizes):
            proposal = propose_districts(eco, centres=centres)
            facts["proposal"] = {"districts": len(proposal.sizes), "ari": proposal.ari}
            text.append(say("hierarchy.proposal", lang, **facts["proposal"]))
            tables["district_proposal"] = proposal.regions
            tables["district_proposal_confusion"] = proposal.confusion
    # the proposal's "declared" is a centre's current district, not a declared circle layer
    headers = {"declared": say("hierarchy.current_district", lang)} if "district_proposal" in tables else {}
    return [Section(say("hierarchy", lang), "\n\n".join(text), tables=tables, facts=facts, headers=headers)]


def figures(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """Sunbursts of the :data:`MAX_HIERARCHIES` largest ``part_of`` trees.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("n", kind="association")
    >>> for d in ("d1", "d2", "d3"):
    ...     eco.add_org(d, kind="district"); eco.add_relation(d, "n", "part_of")
    >>> figures(eco)  # one level of single units: wedges of one each
    []
    >>> eco.add_org("c", kind="productivity_center"); eco.add_relation("c", "d1", "part_of")
    >>> [list(s.figures) for s in figures(eco)]
    [['hierarchy_n']]
    """
    from ..diagrams._base import part_of_tree
    from ..diagrams.hierarchies import hierarchy, hierarchy_rings, sunburst_counts

    from ..applicability import hierarchy_why_not

    tree = part_of_tree(eco)
    shown = [root for root in tree.roots if hierarchy_why_not(eco, root) is None]
    if not shown:
        return []
    sizes = {root: len(tree.descendants(root)) for root in shown}
    roots = sorted(sizes, key=lambda r: -sizes[r])[:MAX_HIERARCHIES]
    drawn: dict[str, Figure] = {f"hierarchy_{root}": hierarchy(eco, root, lang=lang) for root in roots}
    return [Section(
        say("hierarchy", lang),
        say("hierarchy.figure", lang),
        figures=drawn,
        facts={f"sunburst_{root}": sunburst_counts(hierarchy_rings(eco, root)) for root in roots},
    )]
