"""When each diagram has something to show: the rule of the analysis it draws.

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem(); eco.add_org("a", "甲公司"); eco.add_org("b", "乙公司")
>>> eco.add_relation("a", "b", "collaborates")
>>> applicable_diagrams(eco)
['network', 'interactive']
>>> diagram_why_not(eco, "chain")
'no chain alliance'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..applicability import why_not
from ..errors import AnalysisError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["DIAGRAMS", "diagram_why_not", "applicable_diagrams"]

#: diagram kind (as ``ecograph diagram`` names it) -> the analysis whose rule it follows
DIAGRAMS: dict[str, str | None] = {
    "circle-layers": "rings",
    "chain": "chains",
    "membership": "memberships",
    "hierarchy": "hierarchy",
    "network": "centrality",
    "reach": "reach",
    "radar": "evaluation",
    "action-flows": "action",
    "action-coverage": "action",
    "growth": "growth",
    "interactive": None,  # any organisation: the map is how one looks at the data
}


def diagram_why_not(eco: Ecosystem, kind: str) -> str | None:
    """``None`` when the diagram ``kind`` has something to show for ``eco``, else the reason.

    Raises
    ------
    AnalysisError
        Unknown kind.
    """
    if kind not in DIAGRAMS:
        raise AnalysisError(f"unknown diagram {kind!r}; expected one of {list(DIAGRAMS)}", field="kind", value=kind)
    analysis = DIAGRAMS[kind]
    if analysis is None:
        return None if len(eco) else "no organisations"
    return why_not(eco, analysis)


def applicable_diagrams(eco: Ecosystem) -> list[str]:
    """The diagram kinds that have something to show, in :data:`DIAGRAMS` order."""
    return [kind for kind in DIAGRAMS if diagram_why_not(eco, kind) is None]
