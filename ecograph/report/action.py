"""CAST's 百千万 action: technical problems matched to experts (供需对接) and the action's evaluation (评估反馈)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..action import ActionEvaluation, action_evaluation
from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures"]
_REFUSALS = {"no_fields": "未注明所需领域", "no_expert_in_field": "所需领域无可用专家",
             "capacity_exhausted": "所需领域专家容量已满"}


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
    m, total = ev.matching, ev.summary()
    matched_share = m.matched / total["problems"] if total["problems"] else 0.0
    weights = "、".join(f"{name} {m.weights[key]:.0%}" for key, name in
                        (("field", "领域契合"), ("proximity", "网络邻近"), ("region", "地域契合")))
    text = [
        f"**{total['problems']:,}** 项技术难题中 **{m.matched:,}** 项已对接专家（{matched_share:.1%}），"
        f"由 {m.summary()['experts_used']:,} 名专家经 {sum(1 for r in ev.societies if r['problems_matched']):,} 个学会承接；"
        f"{total['reached']:,} 家企业获得对接"
        + (f"，占有难题企业的 {total['coverage']:.1%}" if total["coverage"] is not None else "") + "。",
        f"分配为全局最优：先使对接的难题最多，再使总分最高（{weights}，满分 1000），再使专家负载最均衡；"
        "每位专家不超过其服务能力（capacity）。",
        f"专家负载基尼系数 {ev.load_gini:.2f}，服务能力利用率 "
        + (f"{ev.utilisation:.0%}" if ev.utilisation is not None else "—") + f"；"
        f"行动企业的辐射区域共 {ev.radiation_total} 个省份；各学会触及的省份数（radiation_provinces）"
        "与其他评分指标见学会评分表，可直接用于绩效评估与经费分配（ecograph.evaluate / ecograph.allocate）。",
    ]
    if m.refusals:
        counts: dict[str, int] = {}
        for refusal in m.refusals.values():
            counts[refusal["code"]] = counts.get(refusal["code"], 0) + 1
        text.append("未对接 " + "、".join(f"{_REFUSALS[code]} {n:,} 项" for code, n in counts.items())
                    + "：每一项的原因见未对接难题表。")
    tables = {
        "action_regions": ev.regions,
        "action_societies": ev.rows(),
        "action_expert_load": ev.load,
        "match_assignment": m.rows(),
    }
    if m.refusals:
        tables["match_refusals"] = [row for row in m.rows() if row["status"] == "unmatched"]
    return [Section(say("action", lang), "\n\n".join(text), tables=tables)]


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
    return [Section(say("action", lang), "学会—企业—地区的对接流向（带宽为已对接难题数），以及各重点区域的企业覆盖。",
                    figures={"action_flows": action_flows(eco, ev), "action_coverage": coverage_chart(ev)})]
