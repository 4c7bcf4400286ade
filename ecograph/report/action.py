"""CAST's 百千万 action: technical problems matched to experts (供需对接) and the action's evaluation (评估反馈)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..action import ActionEvaluation, action_evaluation
from ..matching import POINTS
from .document import Section
from .phrases import COLUMNS, say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures"]


def _evaluation(eco: Ecosystem) -> ActionEvaluation | None:
    """The matching and evaluation of ``eco`` (once per ecosystem version, shared by text and figures)."""
    if not eco.nodes("problem") or not eco.nodes("expert"):
        return None
    return eco.cached(("ecograph.report.action",), lambda: action_evaluation(eco))


def sections(eco: Ecosystem, lang: str = "zh") -> list[Section]:
    """The action's section, when the ecosystem has technical problems and experts.

    Examples
    --------
    >>> from loaders.datasets import load_dataset
    >>> [section] = sections(load_dataset("cast_service_action", n_problems=100))
    >>> section.title, sorted(section.tables)[:2]
    ('百千万行动：供需对接与评估反馈', ['action_expert_load', 'action_regions'])
    >>> from ecograph import Ecosystem
    >>> sections(Ecosystem())
    []
    """
    ev = _evaluation(eco)
    if ev is None:
        return []
    m = ev.matching
    facts = {**ev.summary(), **m.summary(), "full_points": POINTS}
    sep = "、" if lang == "zh" else ", "
    weights = sep.join(f"{COLUMNS[name][lang != 'zh']} {facts['weights'][key]:.0%}" for key, name in
                       (("field", "field_fit"), ("proximity", "proximity"), ("region", "region_fit")))
    coverage = say("action.coverage", lang, coverage=facts["coverage"]) if facts["coverage"] is not None else ""
    utilisation = f"{facts['utilisation']:.0%}" if facts["utilisation"] is not None else "—"
    text = [
        say("action.matched", lang, problems=facts["problems"], matched=facts["matched"], share=facts["matched_share"],
            experts=facts["experts_used"], societies=facts["societies_matched"], reached=facts["reached"],
            coverage=coverage),
        say("action.optimal", lang, weights=weights, points=facts["full_points"]),
        say("action.load", lang, gini=facts["load_gini"], utilisation=utilisation,
            provinces=facts["radiation_provinces"]),
    ]
    if facts["unmatched_by_reason"]:
        text.append(say("action.refused", lang, counts=sep.join(say(f"action.refusal.{code}", lang, n=n)
                                                                  for code, n in facts["unmatched_by_reason"].items())))
    tables = {
        "action_regions": ev.regions,
        "action_societies": ev.rows(),
        "action_expert_load": ev.load,
        "match_assignment": m.rows(),
    }
    if m.refusals:
        tables["match_refusals"] = [row for row in m.rows() if row["status"] == "unmatched"]
    return [Section(say("action", lang), "\n\n".join(text), tables=tables, facts=facts)]


def figures(eco: Ecosystem, lang: str = "zh") -> list[Section]:
    """The alluvial diagram (societies → enterprises → regions) and the regional coverage chart.

    Examples
    --------
    >>> from loaders.datasets import load_dataset
    >>> [section] = figures(load_dataset("cast_service_action", n_problems=100))
    >>> sorted(section.figures)
    ['action_coverage', 'action_flows']
    """
    from ..diagrams.actions import action_flows, coverage_chart

    ev = _evaluation(eco)
    if ev is None:
        return []
    return [Section(say("action", lang), say("action.figure", lang),
                    figures={"action_flows": action_flows(eco, ev, lang=lang), "action_coverage": coverage_chart(ev, lang=lang)})]
