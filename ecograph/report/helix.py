"""Triple-helix synergy (Leydesdorff's T) of the collaboration projects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import AnalysisError
from ..helix import HELIX3, HELIX4, triple_helix
from .document import Row, Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "MIN_RECORDS"]

#: Fewest records for which the report shows T (T of a handful of records says nothing).
MIN_RECORDS = 10


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """Triple- and quadruple-helix T of the collaboration projects.

    Empty when fewer than :data:`MIN_RECORDS` projects involve a university, firm or
    government.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_org("u", "大学", kind="university"); eco.add_org("f", "企业")
    >>> for i in range(MIN_RECORDS):
    ...     eco.add_relation("u", "f", "collaborates", key=f"p{i}", project=f"p{i}")
    >>> [row["model"] for row in sections(eco)[0].tables["triple_helix"]]
    ['university-industry-government', 'university-industry-government', '政产学研 (4-D)', '政产学研 (4-D)']
    """
    rows: list[Row] = []
    for model, dims in (("university-industry-government", HELIX3), ("政产学研 (4-D)", HELIX4)):
        for include_none in (False, True):
            try:
                result = triple_helix(eco, dims, include_none=include_none)
            except AnalysisError:
                return []
            if result.records < MIN_RECORDS:
                return []
            rows.append({"model": model, "include_none": include_none, "records": result.records,
                         "T_millibits": round(result.millibits, 3)})
    text = say("helix.text", lang)
    return [Section(say("helix", lang), text, tables={"triple_helix": rows})]
