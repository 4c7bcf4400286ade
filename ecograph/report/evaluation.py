"""Service performance of providers; eligibility, quota grades and the dimension radar of
productivity centres (生产力促进中心)."""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from ..eligibility import check_eligibility, load_rules
from ..labels import attribute_label
from ..scoring import CENTRE_INDICATORS, GRADE_LABELS, IndicatorTable, evaluate, service_indicators
from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures", "GRADE_QUOTA", "ELIGIBILITY_RULES", "RADAR_TOP"]

#: The eligibility rule set the report checks centres against (:func:`ecograph.eligibility.load_rules`).
ELIGIBILITY_RULES = "tianjin_centres"

#: Centres drawn on the evaluation radar beside the average (the best by mean dimension score).
RADAR_TOP = 5

#: Shares of centres per grade (an illustrative policy; the source fixes the four grades, not their shares).
GRADE_QUOTA = {"excellent": 0.2, "good": 0.3, "pass": 0.4}


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """Service performance of providers (when there are ``serves`` relations); eligibility
    (when they carry ``center_type``) and quota grades (when they carry evaluation indicators,
    :data:`~ecograph.scoring.CENTRE_INDICATORS` or the ecosystem's own) of productivity
    centres.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("p", "平台"); eco.add_org("f", "企业", sme=True)
    >>> eco.add_relation("p", "f", "serves", count=5)
    >>> [s.title for s in sections(eco)]
    ['Service performance']
    """
    out: list[Section] = []
    if eco.number_of_relations("serves"):
        table = service_indicators(eco)
        rows = [{"id": r["unit"], "name": eco.node(r["unit"])["name"], **{k: v for k, v in r.items() if k != "unit"}}
                for r in sorted(table.rows(), key=lambda r: -r["services"])]
        text = say("service_performance.text", lang, providers=len(rows))
        out.append(Section(say("service_performance", lang), text, tables={"service_performance": rows},
                           facts={"providers": len(rows)}))
    out.extend(_centre_sections(eco, lang))
    return out


def _money(yuan: Decimal, lang: str) -> str:
    """An amount of yuan for reading: 万元 in Chinese (exact, no float), yuan in English."""
    return f"{(yuan / 10000).normalize():,f} 万元" if lang == "zh" else f"{yuan:,} yuan"


def _thresholds() -> dict[str, Decimal]:
    """The numeric threshold of each :data:`ELIGIBILITY_RULES` rule that has one (its first check's), exact."""
    out = {}
    for rule in load_rules(ELIGIBILITY_RULES)["rules"]:
        value = (rule.get("check") or [{}])[0].get("value")
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            with contextlib.suppress(InvalidOperation):
                out[rule["id"]] = Decimal(str(value))
    return out


def _centre_indicators(eco: Ecosystem) -> list[str]:
    dimensions = eco.attrs.get("dimensions")
    if isinstance(dimensions, list):
        named = [i for d in dimensions for i in eco.attrs.get(f"indicators_{d}", [])]
        if named:
            return named
    return list(CENTRE_INDICATORS)


def _centre_sections(eco: Ecosystem, lang: str) -> list[Section]:
    """Eligibility and graded evaluation of productivity centres that carry the data."""
    centres = eco.nodes("productivity_center")
    if len(centres) < 2:
        return []
    records = {c: eco.node(c) for c in centres}
    out: list[Section] = []
    if all(records[c].get("center_type") is not None for c in centres):
        eligibility = check_eligibility(records, ELIGIBILITY_RULES)
        facts = {"centres": len(centres), "passed": sum(eligibility.eligible.values()), "thresholds": _thresholds()}
        text = say("centre_eligibility.text", lang, passed=facts["passed"], centres=facts["centres"],
                   years=facts["thresholds"]["operating_two_years"], bachelor_share=facts["thresholds"]["bachelor_share"])
        rows = eligibility.rows()
        labels: dict[str, dict[Any, str]] = {}
        if lang == "zh":  # each condition in the source's own words (the files keep ids and English)
            wording = {rule["id"]: rule["text"] for rule in load_rules(eligibility.rules)["rules"]}
            for row, u in zip(rows, eligibility.eligible):
                labels.setdefault("reasons", {})[row["reasons"]] = "；".join(f["text"] for f in eligibility.failures[u])
                labels.setdefault("unassessed", {})[row["unassessed"]] = "；".join(  # the condition's first words
                    re.split(r"[,，]", wording.get(r, r))[0] for r in eligibility.unassessed[u])
        out.append(Section(say("centre_eligibility", lang), text, tables={"centre_eligibility": rows}, labels=labels,
                           facts=facts))
    present = [i for i in _centre_indicators(eco) if all(records[c].get(i) is not None for c in centres)]
    if len(present) < 2:
        return out
    table = IndicatorTable.from_records({c: {k: records[c][k] for k in present} for c in centres}, present)
    try:
        result = evaluate(table, quota=GRADE_QUOTA)
    except EvaluationError:  # e.g. no indicator varies: nothing to grade
        return out
    assert result.grades is not None
    rows = [
        {"id": u, "name": records[u]["name"], "score": round(result.scores[u], 4),
         "grade": result.grades[u], "grade_zh": result.grades.label(u)}
        for u, _ in result.scores.top(len(result.scores))
    ]
    facts: dict[str, Any] = {"centres": len(centres), "indicators": len(present), "weights": dict(result.weights),
                             "quota": GRADE_QUOTA, "grades": result.grades.counts()}
    sep = "，" if lang == "zh" else ", "
    weights = sep.join(f"{attribute_label(k, lang) or k} {v:.3f}" for k, v in facts["weights"].items())
    counts = sep.join(f"{GRADE_LABELS[g] if lang == 'zh' else g} {n}" for g, n in facts["grades"].items())
    text = say("centre_evaluation.text", lang, centres=len(centres), indicators=len(present), weights=weights,
               counts=counts, **GRADE_QUOTA)
    reward = eco.attrs.get("excellent_reward_yuan")
    if reward is not None:
        facts["reward_yuan"] = Decimal(reward)
        facts["rewards_total_yuan"] = facts["grades"]["excellent"] * facts["reward_yuan"]
        text += say("centre_evaluation.reward", lang, reward=_money(facts["reward_yuan"], lang),
                    total=_money(facts["rewards_total_yuan"], lang))
    out.append(Section(say("centre_evaluation", lang), text, tables={"centre_grades": rows}, facts=facts))
    return out


def figures(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """The evaluation radar, when the ecosystem declares evaluation dimensions and has two or
    more productivity centres.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> figures(Ecosystem())
    []
    """
    from ..diagrams.charts import evaluation_radar

    if not eco.attrs.get("dimensions") or len(eco.nodes("productivity_center")) < 2:
        return []
    return [Section(
        say("evaluation_radar", lang),
        say("evaluation_radar.figure", lang),
        figures={"evaluation_radar": evaluation_radar(eco, top=RADAR_TOP, lang=lang)},
        # min-max normalisation maps every indicator onto 0 (lowest centre) .. 1 (highest)
        facts={"top": RADAR_TOP, "centres": len(eco.nodes("productivity_center")), "scale": [0, 1]},
    )]
