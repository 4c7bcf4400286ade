"""Associations (协会/学会): composition, overlap between associations, members that bridge
industries; the membership diagram."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compiled import node_attribute
from ..memberships import association_overlap, bridging, composition, composition_by, membership_matrix
from .document import Section
from .phrases import column, say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures", "MAX_DRAWN"]

#: The membership diagram draws at most this many associations, the largest.
MAX_DRAWN = 30

#: Attributes of associations tried, in order, to group them for the bridging table.
GROUP_ATTRIBUTES = ("industry", "field", "region", "province")


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """Associations: composition, overlap and bridges (empty when no association has members).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="association"); eco.add_org("x")
    >>> eco.add_relation("x", "a", "member_of")
    >>> [s.title for s in sections(eco)]
    ['Associations and memberships']
    """
    mm = membership_matrix(eco)
    if not mm.members:
        return []
    comp = composition(eco)
    t = comp.totals
    facts: dict[str, Any] = {"associations": len(mm.associations), **t}
    text = [say("associations.text", lang, **facts)]
    tables: dict[str, list[dict[str, Any]]] = {"association_composition": comp.rows()}
    pairs = association_overlap(mm).pairs()
    labels: dict[str, dict[Any, str]] = {}
    if pairs:
        top = pairs[0]
        a, b = node_attribute(eco, [top["a"], top["b"]], "name")
        facts["overlapping_pairs"] = len(pairs)
        text.append(say("associations.overlap", lang, pairs=len(pairs), **{**top, "a": a, "b": b}))
        tables["association_overlap"] = pairs
        names = dict(zip(mm.associations, node_attribute(eco, mm.associations, "name")))
        labels = {"a": names, "b": names}  # the pairs by name; the files keep the ids
    if int((mm.sizes() > 0).sum()) >= 2:
        for attr in GROUP_ATTRIBUTES:
            if any(v is not None for v in node_attribute(eco, mm.associations, attr)):
                bridges = bridging(eco, by=attr, top=50)
                best = bridges.members[0] if bridges.members else None
                if best and best["bridging"] > 0:
                    text.append(say("associations.bridge", lang, attr=column(attr, lang), name=best["name"],
                                    groups=best["groups"]))
                tables[f"bridging_members_by_{attr}"] = bridges.members
                tables[f"bridging_associations_by_{attr}"] = bridges.associations
                tables[f"composition_by_{attr}"] = composition_by(eco, attr).rows()
                facts[f"bridges_by_{attr}"] = bridges.bridges
                break
    return [Section(say("associations", lang), "\n\n".join(text), tables=tables, labels=labels, facts=facts)]


def figures(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """The membership diagram (overlap heat map, composition bars) when two or more
    associations have members.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="association"); eco.add_org("x")
    >>> eco.add_relation("x", "a", "member_of")
    >>> figures(eco)  # overlap needs two associations
    []
    """
    from ..applicability import why_not
    from ..diagrams.memberships import membership

    if why_not(eco, "memberships") is not None:
        return []
    return [Section(
        say("associations", lang),
        say("associations.figure", lang),
        figures={"membership": membership(eco, max_associations=MAX_DRAWN, lang=lang)},
        facts={"max_associations_drawn": MAX_DRAWN},
    )]
