"""Chain alliances (链式): coverage, weak points, the anchor unit's position, a full-chain
request split into tasks, candidates to strengthen the chain; the chain diagram."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..chains import Candidate, anchor_funding, anchor_position, chain_coverage, decompose_request, strengthen_chain
from ..labels import STAGE_LABELS, attribute_label, label
from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..chains import ChainCoverage
    from ..model import Chain, Ecosystem

__all__ = ["sections", "figures", "stage_names"]


def stage_names(eco: Ecosystem, alliance: str, lang: str) -> dict[str, str]:
    """Stage id -> the name a reader of ``lang`` sees: in Chinese the alliance's ``stage_names``, else
    the vocabulary's label (:data:`~ecograph.labels.STAGE_LABELS`); ids stay in the files.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["rd", "clinical"], stage_names=["研发", "临床"])
    >>> stage_names(eco, "a", "zh"), stage_names(eco, "a", "en")
    ({'rd': '研发', 'clinical': '临床'}, {'rd': 'R&D', 'clinical': 'clinical'})
    """
    from ..diagrams.chains import stage_labels

    stages = list(eco.chain(alliance).stages)
    own = stage_labels(eco, alliance) if lang == "zh" else stages
    return {s: name if name != s else label(STAGE_LABELS, s, lang) for s, name in zip(stages, own)}


def _reason(candidate: Candidate, stages: list[str], names: dict[str, str]) -> str:
    """Why a candidate strengthens its stage, in Chinese (the table keeps the English reason)."""
    i = stages.index(candidate.stage)
    neighbours = "、".join(names[s] for s in stages[max(i - 1, 0): i + 2] if s != candidate.stage)
    parts = []
    if candidate.declares:
        parts.append(f"申报具备“{names[candidate.stage]}”能力")
    if candidate.adjacent_ties:
        parts.append(f"与相邻环节（{neighbours}）的 {candidate.adjacent_ties} 家成员合作")
    if candidate.member_ties:
        parts.append(f"与联盟 {candidate.member_ties} 家成员有联系")
    return "；".join(parts)


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """One section per chain alliance: coverage, weak points, the anchor's position, how a
    full-chain request would be split, and candidates to strengthen the chain.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", "联盟", kind="alliance", stages=["s"])
    >>> [s.title for s in sections(eco)]
    ['Chain alliance: 联盟']
    """
    out = []
    for alliance in eco.alliances():
        chain = eco.chain(alliance)
        if not chain.stages:
            continue
        name = eco.node(alliance)["name"]
        cov = chain_coverage(eco, alliance)
        names = stage_names(eco, alliance, lang)
        listed = ("、" if lang == "zh" else ", ").join

        def stages(ids: list[str]) -> str:
            return listed(names.get(s, s) for s in ids) or say("chain.none", lang)

        facts: dict[str, Any] = {**_counts(chain, cov), **cov.period}
        text = [say("chain.members", lang, name=name, members=facts["members"], n=facts["stages"],
                    stages=" → ".join(names[s] for s in chain.stages))]
        text.append(say("chain.gaps", lang, gaps=stages(cov.gaps), single=stages(cov.single_points)))
        if cov.bottlenecks:
            period = "".join(say("chain.period", lang, key=attribute_label(key, lang) or key, value=value)
                             for key, value in cov.period.items())
            loads = ("；" if lang == "zh" else "; ").join(
                say("chain.load", lang, stage=names.get(s.stage, s.stage), demand=s.demand, capacity=s.capacity,
                    load=s.load) for s in map(cov.stage, cov.bottlenecks))
            text.append(say("chain.bottlenecks", lang, period=period, loads=loads))
        tables: dict[str, list[dict[str, Any]]] = {f"chain_{alliance}_coverage": cov.rows()}
        if chain.anchor is not None:
            pos = anchor_position(eco, alliance)
            facts.update(anchor_rank=pos.rank, cross_stage_pairs=pos.cross_stage)
            text.append(say("chain.anchor", lang, name=eco.node(chain.anchor)["name"], rank=pos.rank,
                            members=facts["members"], cross=pos.cross_stage))
            tables[f"chain_{alliance}_betweenness"] = [{"member": m, "betweenness": b} for m, b in pos.betweenness.items()]
            funding = anchor_funding(eco, alliance)
            if funding.passed:
                facts.update(anchor_received=funding.received, anchor_passed_on=funding.passed_total)
                tables[f"chain_{alliance}_funding"] = funding.rows()
        full = decompose_request(eco, alliance, chain.stages)
        unserved = say("chain.unserved", lang, stages=stages(full.unserved)) if full.unserved else ""
        facts["full_request_tasks"] = len(full.tasks)
        text.append(say("chain.request", lang, tasks=len(full.tasks), unserved=unserved))
        tables[f"chain_{alliance}_full_request"] = [t.to_dict() for t in full.tasks]
        candidates = strengthen_chain(eco, alliance)
        labels: dict[str, dict[Any, str]] = {"stage": names}
        if candidates.candidates:
            tables[f"chain_{alliance}_strengthening"] = [c.to_dict() for c in candidates.candidates]
            if lang == "zh":
                labels["purpose"] = {"fill gap": "填补缺口", "back up": "备份单点"}
                labels["reason"] = {c.reason: _reason(c, list(chain.stages), names) for c in candidates.candidates}
        out.append(Section(say("chain", lang, name=name), "\n\n".join(text), tables=tables, labels=labels,
                           facts=facts))
    return out


def _counts(chain: Chain, coverage: ChainCoverage) -> dict[str, int]:
    """The counts the chain's prose and diagram title state."""
    return {"members": len(chain.members), "stages": len(chain.stages), "gaps": len(coverage.gaps),
            "bottlenecks": len(coverage.bottlenecks), "single_points": len(coverage.single_points)}


def figures(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """The chain diagram of each alliance with stages.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="demo")
    >>> eco.add_org("a", "联盟", kind="alliance", stages=["研发", "生产"])
    >>> eco.add_org("x", "甲公司"); eco.add_relation("x", "a", "chain_member", stages=["研发"])
    >>> [(s.title, list(s.figures)) for s in figures(eco)]
    [('Chain alliance: 联盟', ['chain_a'])]
    """
    from ..diagrams.chains import chain as chain_diagram

    out = []
    for alliance in eco.alliances():
        view = eco.chain(alliance)
        if not view.stages:
            continue
        name = eco.node(alliance)["name"]
        facts = _counts(view, chain_coverage(eco, alliance))
        text = say("chain.figure", lang, name=name, members=facts["members"], stages=facts["stages"], gaps=facts["gaps"])
        out.append(Section(say("chain", lang, name=name), text,
                           figures={f"chain_{alliance}": chain_diagram(eco, alliance, lang=lang)}, facts=facts))
    return out
