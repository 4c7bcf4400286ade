"""Circle layers (圈层) of each platform: composition, density, flows, radiation, inferred
rings, promotion suggestions; the circle-layer diagram and the reach chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError, EcographError
from ..rings import infer_rings, radiation, ring_composition, ring_density, ring_flows, suggest_promotions
from .document import Section

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..model import Ecosystem

__all__ = ["sections", "figures"]


def _percent(x: float) -> str:
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def sections(eco: Ecosystem) -> list[Section]:
    """One section per platform: composition, density, flows, radiation, inferred rings and
    promotion suggestions (empty when the ecosystem has no platform with members).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", "平台", kind="platform"); eco.add_org("c")
    >>> eco.add_relation("c", "p", "in_ring", ring="core")
    >>> [s.title for s in sections(eco)]
    ['Circle layers: 平台']
    """
    out = []
    for platform in eco.platforms():
        composition = ring_composition(eco, platform)
        if not any(composition.sizes.values()):
            continue
        name = eco.node(platform)["name"]
        sizes = ", ".join(f"{ring} {size:,}" for ring, size in composition.sizes.items())
        text = [f"**{name}** has {sum(composition.sizes.values()):,} members in four circle layers ({sizes})."]
        tables: dict[str, list[dict[str, Any]]] = {
            f"rings_{platform}_composition": composition.rows(),
            f"rings_{platform}_density": ring_density(eco, platform).rows(),
        }
        for relation, table in ring_flows(eco, platform).items():
            tables[f"rings_{platform}_{relation}"] = table.rows()
        try:
            spread = radiation(eco, platform)
            text.append(f"Radiation: {spread.summary()}.")
            tables[f"rings_{platform}_radiation"] = spread.hops
        except EcographError as exc:
            text.append(f"Radiation not computed: {exc}.")
        try:
            if sum(1 for size in composition.sizes.values() if size) < 2:
                raise AnalysisError("fewer than two rings have members")
            inferred = infer_rings(eco, platform)
            text.append(
                f"Rings inferred from distance to the core agree with the declared rings for "
                f"{_percent(inferred.agreement)} of the members (Kendall τ-b = {inferred.tau:.2f}); "
                f"{len(inferred.disagreements):,} members sit elsewhere than declared."
            )
            tables[f"rings_{platform}_inferred"] = inferred.confusion_rows()
            tables[f"rings_{platform}_disagreements"] = inferred.disagreements
        except EcographError as exc:
            text.append(f"Rings not inferred: {exc}.")
        promotions = suggest_promotions(eco, platform)
        if promotions:
            best = promotions[0]
            text.append(f"Best placed to join the collaboration ring: {best.name} ({best.reason}).")
            tables[f"rings_{platform}_promotions"] = [p.to_dict() for p in promotions]
        out.append(Section(f"Circle layers: {name}", "\n\n".join(text), tables=tables))
    return out


def figures(eco: Ecosystem) -> list[Section]:
    """The circle-layer diagram of each platform with members, and the reach chart of its core.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("p", "平台", kind="platform"); eco.add_org("c"); eco.add_org("f")
    >>> eco.add_relation("c", "p", "in_ring", ring="core")
    >>> figures(eco)  # one ring: nothing to show
    []
    >>> eco.add_relation("f", "p", "in_ring", ring="radiation"); eco.add_relation("c", "f", "serves")
    >>> [list(s.figures) for s in figures(eco)]
    [['circle_layers_p', 'reach_p']]
    """
    from ..applicability import platform_reach_why_not, platform_why_not
    from ..diagrams.charts import platform_reach
    from ..diagrams.layers import circle_layers

    out = []
    for platform in eco.platforms():
        name = eco.node(platform)["name"]
        layers = eco.rings(platform)
        drawn: dict[str, Figure] = {}
        text = ""
        if platform_why_not(eco, platform) is None:  # a diagram only where it has something to show
            drawn[f"circle_layers_{platform}"] = circle_layers(eco, platform)
            text = (f"The circle layers of {name}: {len(layers['core'])} core, {len(layers['core_ring'])} core-ring, "
                    f"{len(layers['collaboration'])} collaboration and {len(layers['radiation'])} radiation members, "
                    "coloured by kind and sized by degree; faint curves are their ties.")
        if platform_reach_why_not(eco, platform) is None:
            drawn[f"reach_{platform}"] = platform_reach(eco, platform)
            text += " The reach chart counts the target firms the core reaches within each number of hops (the radiation above)."
        if drawn:
            out.append(Section(f"Circle layers: {name}", text.strip(), figures=drawn))
    return out
