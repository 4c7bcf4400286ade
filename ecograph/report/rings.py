"""Circle layers (圈层) of each platform: composition, density, flows, radiation, inferred
rings, promotion suggestions; the circle-layer diagram and the reach chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError, EcographError
from ..model import RINGS
from ..rings import Promotion, Radiation, infer_rings, radiation, ring_composition, ring_density, ring_flows, suggest_promotions
from .document import Section
from .phrases import say
from ..labels import KIND_LABELS_SHOWN, RING_LABELS, SECTOR_LABELS, label

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..model import Ecosystem

__all__ = ["sections", "figures"]


def _percent(x: float) -> str:
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def _reach(spread: Radiation, lang: str) -> str:
    """How many target firms the core reaches within each number of hops, in words."""
    if spread.target_size == 0:
        return say("rings.no_target", lang)
    first, *further = spread.hops[1:] or spread.hops
    words = [say("rings.reach_direct" if len(spread.hops) > 1 else "rings.reach_itself", lang,
                 target=first["target"], size=spread.target_size, share=_percent(first["target_share"]))]
    words += [say("rings.reach_within", lang, target=row["target"], hop=row["hop"], share=_percent(row["target_share"]))
              for row in further]
    return ("，" if lang == "zh" else ", ").join(words)


def _reason(promotion: Promotion, lang: str) -> str:
    """Why a member is suggested, in ``lang``: its ties into the rings up to the collaboration ring."""
    if lang != "zh":
        return promotion.reason
    inner = RINGS[: RINGS.index("collaboration") + 1]
    ties = "、".join(f"{label(RING_LABELS, r)} {n} 家成员" for r, n in promotion.ties.items() if r in inner and n)
    return say("rings.tied", lang, ties=ties)


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
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
        sizes = ("，" if lang == "zh" else ", ").join(
            f"{label(RING_LABELS, ring, lang) if lang == 'zh' else ring} {size:,}" for ring, size in composition.sizes.items())
        facts: dict[str, Any] = {"members": sum(composition.sizes.values())}
        text = [say("rings.members", lang, name=name, total=facts["members"], sizes=sizes)]
        labels: dict[str, dict[Any, str]] = {}
        if lang == "zh":  # "enterprise 50, university 3" as 企业 50、高校 3
            for row in composition.rows():
                for column, counts, table in (("kinds", composition.by_kind, KIND_LABELS_SHOWN),
                                              ("sectors", composition.by_sector, SECTOR_LABELS)):
                    labels.setdefault(column, {})[row[column]] = "、".join(
                        f"{label(table, key)} {n:,}" for key, n in counts[row["ring"]].items())
        tables: dict[str, list[dict[str, Any]]] = {
            f"rings_{platform}_composition": composition.rows(),
            f"rings_{platform}_density": ring_density(eco, platform).rows(),
        }
        for relation, table in ring_flows(eco, platform).items():
            tables[f"rings_{platform}_{relation}"] = table.rows()
        try:
            spread = radiation(eco, platform)
            facts["target_size"] = spread.target_size
            text.append(say("rings.radiation", lang, summary=_reach(spread, lang)))
            tables[f"rings_{platform}_radiation"] = spread.hops
        except EcographError as exc:
            text.append(say("rings.no_radiation", lang, reason=exc))
        try:
            if sum(1 for size in composition.sizes.values() if size) < 2:
                raise AnalysisError(say("rings.too_few", lang))
            inferred = infer_rings(eco, platform)
            facts.update(agreement=inferred.agreement, tau=inferred.tau, disagreements=len(inferred.disagreements))
            text.append(say("rings.inferred", lang, agreement=_percent(inferred.agreement), tau=inferred.tau,
                            disagreements=len(inferred.disagreements)))
            tables[f"rings_{platform}_inferred"] = inferred.confusion_rows()
            tables[f"rings_{platform}_disagreements"] = inferred.disagreements
        except EcographError as exc:
            text.append(say("rings.not_inferred", lang, reason=exc))
        promotions = suggest_promotions(eco, platform)
        reasons: dict[str, str] = {}
        if promotions:
            labels["reason"] = reasons = {p.reason: _reason(p, lang) for p in promotions}
            best = promotions[0]
            text.append(say("rings.promotion", lang, name=best.name, reason=reasons[best.reason]))
            tables[f"rings_{platform}_promotions"] = [p.to_dict() for p in promotions]
        out.append(Section(say("circle_layers", lang, name=name), "\n\n".join(text), tables=tables, labels=labels,
                           facts=facts))
    return out


def figures(eco: Ecosystem, lang: str = "en") -> list[Section]:
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
            drawn[f"circle_layers_{platform}"] = circle_layers(eco, platform, lang=lang)
            text = say("rings.figure", lang, name=name, **{ring: len(members) for ring, members in layers.items()})
        if platform_reach_why_not(eco, platform) is None:
            drawn[f"reach_{platform}"] = platform_reach(eco, platform, lang=lang)
            text += " " + say("rings.reach", lang)
        if drawn:
            out.append(Section(say("circle_layers", lang, name=name), text.strip(), figures=drawn))
    return out
