"""Chain alliances (链式): coverage, weak points, the anchor unit's position, a full-chain
request split into tasks, candidates to strengthen the chain; the chain diagram."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..chains import anchor_position, chain_coverage, decompose_request, strengthen_chain
from .document import Section

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures"]


def sections(eco: Ecosystem) -> list[Section]:
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
        text = [f"**{name}**: {len(chain.members)} members along {len(chain.stages)} stages "
                f"({' → '.join(chain.stages)})."]
        text.append(f"Gaps (no member): {', '.join(cov.gaps) or 'none'}. Single points of failure: "
                    f"{', '.join(cov.single_points) or 'none'}.")
        if cov.bottlenecks:
            period = "".join(f" in {key} {value}" for key, value in cov.period.items())
            loads = "; ".join(f"{s.stage} (demand {s.demand:,.0f} against capacity {s.capacity:,.1f}, load {s.load:.2f})"
                              for s in map(cov.stage, cov.bottlenecks))
            text.append(f"Bottleneck{'s' if len(cov.bottlenecks) > 1 else ''}{period}: {loads}.")
        tables: dict[str, list[dict[str, Any]]] = {f"chain_{alliance}_coverage": cov.rows()}
        if chain.anchor is not None:
            pos = anchor_position(eco, alliance)
            text.append(f"The anchor unit {eco.node(chain.anchor)['name']} ranks {pos.rank} of "
                        f"{len(chain.members)} members by betweenness in the working network and brokers "
                        f"{pos.cross_stage:g} pairs across stages.")
            tables[f"chain_{alliance}_betweenness"] = [{"member": m, "betweenness": b} for m, b in pos.betweenness.items()]
        full = decompose_request(eco, alliance, chain.stages)
        text.append(f"A request for the whole chain splits into {len(full.tasks)} tasks"
                    + (f"; unserved: {', '.join(full.unserved)}." if full.unserved else "."))
        tables[f"chain_{alliance}_full_request"] = [t.to_dict() for t in full.tasks]
        candidates = strengthen_chain(eco, alliance)
        if candidates.candidates:
            tables[f"chain_{alliance}_strengthening"] = [c.to_dict() for c in candidates.candidates]
        out.append(Section(f"Chain alliance: {name}", "\n\n".join(text), tables=tables))
    return out


def figures(eco: Ecosystem) -> list[Section]:
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
        text = (f"{name}: {len(view.members)} members along {len(view.stages)} stages; "
                f"{len(view.gaps)} stage(s) without any member (gaps, red). The anchor unit is starred.")
        out.append(Section(f"Chain alliance: {name}", text, figures={f"chain_{alliance}": chain_diagram(eco, alliance)}))
    return out
