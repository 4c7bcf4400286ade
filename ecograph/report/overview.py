"""Overview: counts of organisations by kind and sector, relations by type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .document import Row, Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections"]


def _count_rows(counts: dict[str, int], label: str) -> list[Row]:
    return [{label: key, "count": value} for key, value in counts.items()]


def sections(eco: Ecosystem, lang: str = "en") -> list[Section]:
    """Counts by kind, sector and relation type.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="demo"); eco.add_org("a", "甲")
    >>> [s.title for s in sections(eco)]
    ['Overview']
    """
    summary = eco.summary()
    facts = {"organisations": summary["organisations"], "relations": summary["relations"],
             "platforms": len(eco.platforms()), "alliances": len(eco.alliances()),
             "associations": len(eco.associations())}
    return [
        Section(
            say("overview", lang),
            say("overview.text", lang, **facts),
            facts=facts,
            tables={
                "by_kind": _count_rows(summary["by_kind"], "kind"),
                "by_sector": _count_rows(summary["by_sector"], "sector"),
                "by_relation": _count_rows(summary["by_relation"], "relation"),
            },
        )
    ]
