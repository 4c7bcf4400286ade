"""Report assembly: sections of text, tables and figures built from an ecosystem.

The core builds a :class:`Report` in memory; the CLI (``ecograph report``) writes it to a
folder (``summary.md``, ``tables/*.csv``, figures, ``report.html``). Each analysis module
contributes sections through a ``report_sections(eco)`` function listed in
:data:`SECTION_BUILDERS`, so a new analysis joins the report without touching the writer.

Examples
--------
>>> from ecograph import Ecosystem
>>> from ecograph.reporting import build_report
>>> eco = Ecosystem(name="demo"); eco.add_org("a", "甲")
>>> report = build_report(eco)
>>> report.sections[0].title
'Overview'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .model import Ecosystem

__all__ = ["Section", "Report", "build_report", "SECTION_BUILDERS", "overview_sections", "rows_to_pandas"]

Row = dict[str, Any]


@dataclass
class Section:
    """One part of a report.

    Attributes
    ----------
    title : str
        Heading.
    text : str
        Markdown paragraphs (plain words first: what the figures mean).
    tables : dict
        name -> list of row dicts; written as ``tables/<name>.csv`` and shown in the report.
    figures : dict
        name -> matplotlib ``Figure``; written as ``<name>.png``/``.svg`` and inlined in HTML.
    level : int
        Heading level (2 = top-level section).
    """

    title: str
    text: str = ""
    tables: dict[str, list[Row]] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    level: int = 2


@dataclass
class Report:
    """A titled list of sections."""

    title: str
    sections: list[Section] = field(default_factory=list)

    def add(self, section: Section) -> None:
        r"""Append ``section``, or merge it into an earlier one with the same title and level
        (so a diagram joins the analysis of the same platform, alliance or hierarchy).

        Examples
        --------
        >>> report = Report("r")
        >>> report.add(Section("Hierarchy", "Counts per level."))
        >>> report.add(Section("Hierarchy", "The tree as a sunburst."))
        >>> len(report.sections), report.sections[0].text
        (1, 'Counts per level.\n\nThe tree as a sunburst.')
        """
        for earlier in self.sections:
            if (earlier.title, earlier.level) == (section.title, section.level):
                earlier.text = "\n\n".join(t for t in (earlier.text, section.text) if t)
                earlier.tables.update(section.tables)
                earlier.figures.update(section.figures)
                return
        self.sections.append(section)

    def tables(self) -> dict[str, list[Row]]:
        """Every table of every section, by name."""
        return {name: rows for s in self.sections for name, rows in s.tables.items()}

    def figures(self) -> dict[str, Figure]:
        return {name: fig for s in self.sections for name, fig in s.figures.items()}


def rows_to_pandas(rows: list[Row], index: str | None = None, columns: list[str] | None = None) -> Any:
    """A :class:`pandas.DataFrame` from row dicts (the ``to_pandas()`` of table-like results).

    ``columns`` fixes the columns when ``rows`` may be empty; ``index`` names the index column.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install 'ecograph[pandas]'") from exc
    frame = pd.DataFrame(rows, columns=columns)
    return frame.set_index(index) if index is not None and index in frame.columns else frame


def _count_rows(counts: dict[str, int], label: str) -> list[Row]:
    return [{label: key, "count": value} for key, value in counts.items()]


def overview_sections(eco: Ecosystem) -> list[Section]:
    """Counts by kind, sector and relation type."""
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


#: ``"module:function"`` entries, in report order; each function takes the ecosystem and
#: returns a list of sections (empty when it has nothing to say about this ecosystem).
SECTION_BUILDERS: list[str] = [
    "ecograph.reporting:overview_sections",
    "ecograph.centrality:report_sections",
    "ecograph.rings:report_sections",
    "ecograph.chains:report_sections",
    "ecograph.membership:report_sections",
    "ecograph.brokers:report_sections",
    "ecograph.helix:report_sections",
    "ecograph.onestop:report_sections",
    "ecograph.evaluation:report_sections",
    "ecograph.diagrams:report_sections",
]


def _resolve(entry: str) -> Callable[[Ecosystem], list[Section]]:
    module, _, name = entry.partition(":")
    return getattr(importlib.import_module(module), name)


def build_report(
    eco: Ecosystem,
    *,
    builders: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run every section builder on ``eco``.

    Parameters
    ----------
    eco : Ecosystem
    builders : iterable of str, optional
        ``"module:function"`` entries; :data:`SECTION_BUILDERS` by default.
    progress : callable, optional
        Called with a short message before each builder runs (the CLI prints it).

    Returns
    -------
    Report
    """
    report = Report(title=f"ecograph report: {eco.name}")
    for entry in SECTION_BUILDERS if builders is None else builders:
        if progress is not None:
            module, _, function = entry.partition(":")
            progress(f"{module.rpartition('.')[2]}.{function}")
        for section in _resolve(entry)(eco):
            report.add(section)
    return report
