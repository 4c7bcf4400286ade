"""Brokers between sectors (Gould–Fernandez roles over the flow relations)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..brokers import ROLES, brokerage
from .document import Section
from ..labels import RELATION_LABELS, label
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "FLOW_RELATIONS"]

#: Relations along which something flows between sectors.
FLOW_RELATIONS = frozenset({"collaborates", "serves", "funds"})


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """The organisations brokering most between sectors (Gould–Fernandez).

    Uses the flow relations present (``collaborates``, ``serves``, ``funds``); empty when
    there is none.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("g", "科技局", kind="government"); eco.add_org("p", "生产力促进中心", kind="productivity_center")
    >>> eco.add_org("f", "企业")
    >>> eco.add_relation("g", "p", "funds", amount=100); eco.add_relation("p", "f", "serves")
    >>> [(row["name"], row["liaison"]) for row in sections(eco)[0].tables["brokers"]][:1]
    [('生产力促进中心', 1.0)]
    """
    flows = sorted(FLOW_RELATIONS & {attrs["type"] for *_edge, attrs in eco.relations()})
    if not flows:
        return []
    result = brokerage(eco, "sector", relations=flows)
    top = [i for i in np.argsort(-result.raw[:, -1], kind="stable")[:10].tolist() if result.raw[i, -1] > 0]
    if not top:
        return []
    rows = []
    for i in top:
        record = eco.node(result.nodes[i])
        row: dict[str, Any] = {"id": record["id"], "name": record["name"], "sector": record["sector"]}
        row.update({role: float(result.raw[i, j]) for j, role in enumerate(ROLES)})
        z = float(result.z[i, -1])
        row["total_z"] = round(z, 3) if np.isfinite(z) else None
        rows.append(row)
    relations = ("、" if lang == "zh" else ", ").join(label(RELATION_LABELS, f, lang) if lang == "zh" else f for f in flows)
    text = say("brokers.text", lang, relations=relations)
    return [Section(say("brokers", lang), text, tables={"brokers": rows})]
