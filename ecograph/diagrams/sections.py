"""Report sections with the diagrams that apply to an ecosystem (listed in ``SECTION_BUILDERS``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..reporting import Section
from ._base import part_of_tree, structure
from .chains import chain
from .charts import evaluation_radar, platform_reach
from .layers import circle_layers
from .hierarchies import hierarchy
from .memberships import membership
from .networks import network

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..model import Ecosystem

__all__ = ["report_sections"]

#: Hierarchies drawn per report (the largest roots).
MAX_HIERARCHIES = 3


def report_sections(eco: Ecosystem) -> list[Section]:
    """The diagrams that apply to ``eco``, one section per topic.

    Circle layers and reach per platform, the chain per alliance (with stages), association
    overlap and composition, the largest hierarchies, the evaluation radar (when the ecosystem
    declares evaluation dimensions) and the network overview.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="demo")
    >>> eco.add_org("a", "联盟", kind="alliance", stages=["研发", "生产"])
    >>> eco.add_org("x", "甲公司"); eco.add_relation("x", "a", "chain_member", stages=["研发"])
    >>> [(s.title, list(s.figures)) for s in report_sections(eco)]
    [('Chain alliance: 联盟', ['chain_a']), ('Network overview', ['network'])]
    """
    sections: list[Section] = []
    graph = eco.graph
    for platform in eco.platforms():
        name = graph.nodes[platform].get("name", platform)
        layers = eco.rings(platform)
        if not any(layers.values()):
            continue
        figures: dict[str, Figure] = {f"circle_layers_{platform}": circle_layers(eco, platform)}
        text = (f"The circle layers of {name}: {len(layers['core'])} core, {len(layers['core_ring'])} core-ring, "
                f"{len(layers['collaboration'])} collaboration and {len(layers['radiation'])} radiation members, "
                "coloured by kind and sized by degree; faint curves are their ties.")
        if layers["core"]:
            figures[f"reach_{platform}"] = platform_reach(eco, platform)
            text += " The reach chart counts the organisations the core reaches within each number of hops."
        sections.append(Section(f"Circle layers: {name}", text, figures=figures))
    for alliance in eco.alliances():
        view = eco.chain(alliance)
        if not view.stages:
            continue
        name = graph.nodes[alliance].get("name", alliance)
        text = (f"{name}: {len(view.members)} members along {len(view.stages)} stages; "
                f"{len(view.gaps)} stage(s) without any member (gaps, red). The anchor unit is starred.")
        sections.append(Section(f"Chain alliance: {name}", text, figures={f"chain_{alliance}": chain(eco, alliance)}))
    if sum(1 for a in eco.associations() if eco.members(a)) >= 2:  # overlap needs two
        sections.append(Section(
            "Associations and memberships",
            "Members shared by each pair of associations (heat map) and the share of each association's "
            "members that are listed, leading (龙头), 专精特新 or high-tech.",
            figures={"membership": membership(eco)},
        ))
    tree = part_of_tree(eco)
    if tree.roots:
        sizes = {root: len(tree.descendants(root)) for root in tree.roots}
        roots = sorted(sizes, key=lambda r: -sizes[r])[:MAX_HIERARCHIES]
        figures = {f"hierarchy_{root}": hierarchy(eco, root) for root in roots}
        sections.append(Section(
            "Hierarchy",
            "The part_of hierarchy as a sunburst: each ring is one level, each wedge is proportional to the "
            "units below it; crowded levels are grouped (e.g. by centre level) with their counts.",
            figures=figures,
        ))
    if eco.attrs.get("dimensions") and len(eco.nodes("productivity_center")) >= 2:
        sections.append(Section(
            "Evaluation by dimension",
            "Each centre's indicators, min–max normalised and averaged per evaluation dimension (0 = lowest "
            "centre, 1 = highest): the best centres by mean score against the average of all.",
            figures={"evaluation_radar": evaluation_radar(eco)},
        ))
    if len(eco) > 1 and structure(eco).nnz:
        sections.append(Section(
            "Network overview",
            "Every organisation coloured by sector (政产学研金介), sized by degree, the most central named; "
            "beyond 500 organisations only the most central are drawn.",
            figures={"network": network(eco)},
        ))
    return sections
