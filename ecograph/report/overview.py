"""Overview: counts of organisations by kind and sector, relations by type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .document import Row, Section

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections"]


def _count_rows(counts: dict[str, int], label: str) -> list[Row]:
    return [{label: key, "count": value} for key, value in counts.items()]


def sections(eco: Ecosystem) -> list[Section]:
    """Counts by kind, sector and relation type.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="demo"); eco.add_org("a", "甲")
    >>> [s.title for s in sections(eco)]
    ['Overview']
    """
    summary = eco.summary()
    text = (
        f"**{summary['organisations']:,}** organisations and **{summary['relations']:,}** relations; "
        f"{len(eco.platforms())} platforms, {len(eco.alliances())} chain alliances, "
        f"{len(eco.associations())} associations/societies."
    )
    return [
        Section(
            "Overview",
            text,
            tables={
                "by_kind": _count_rows(summary["by_kind"], "kind"),
                "by_sector": _count_rows(summary["by_sector"], "sector"),
                "by_relation": _count_rows(summary["by_relation"], "relation"),
            },
        )
    ]
