"""Associations (协会/学会): composition, overlap between associations, members that bridge
industries; the membership diagram."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compiled import node_attribute
from ..memberships import association_overlap, bridging, composition, membership_matrix
from .document import Section

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures"]

#: Attributes of associations tried, in order, to group them for the bridging table.
GROUP_ATTRIBUTES = ("industry", "field", "region", "province")


def sections(eco: Ecosystem) -> list[Section]:
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
    text = [
        f"{len(mm.associations):,} associations hold {t['memberships']:,} memberships of {t['members']:,} distinct "
        f"members: {t['listed']:,} listed, {t['leading']:,} leading (龙头), {t['specialized']:,} 专精特新 and "
        f"{t['high_tech']:,} high-tech."
    ]
    tables: dict[str, list[dict[str, Any]]] = {"association_composition": comp.rows()}
    pairs = association_overlap(mm).pairs()
    if pairs:
        top = pairs[0]
        text.append(f"{len(pairs):,} pairs of associations share members; the largest overlap is {top['a']} – "
                    f"{top['b']} ({top['shared']:,} shared, Jaccard {top['jaccard']:.2f}).")
        tables["association_overlap"] = pairs
    if int((mm.sizes() > 0).sum()) >= 2:
        for attr in GROUP_ATTRIBUTES:
            if any(v is not None for v in node_attribute(eco, mm.associations, attr)):
                bridges = bridging(eco, by=attr, top=50)
                best = bridges.members[0] if bridges.members else None
                if best and best["bridging"] > 0:
                    text.append(f"Best bridge across {attr}: {best['name']} (links {best['groups']} groups).")
                tables[f"bridging_members_by_{attr}"] = bridges.members
                tables[f"bridging_associations_by_{attr}"] = bridges.associations
                break
    return [Section("Associations and memberships", "\n\n".join(text), tables=tables)]


def figures(eco: Ecosystem) -> list[Section]:
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
        "Associations and memberships",
        "Members shared by each pair of associations (heat map) and the share of each association's "
        "members that are listed, leading (龙头), 专精特新 or high-tech.",
        figures={"membership": membership(eco)},
    )]
