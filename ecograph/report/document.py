"""The report in memory: a titled list of :class:`Section` (text, tables, figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["Section", "Report", "Row"]

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
    labels : dict
        column -> {cell value: label}: how the report shows values that only this ecosystem names
        (an alliance's ``stage_names``); the CSV and report.json keep the values.
    facts : dict
        The key figures ``text`` states that no table holds, by name (``"organisations"``), exact;
        written to ``report.json`` so that every number the prose shows has a home there.
    headers : dict
        column -> header where this section's tables use a column in their own sense (the declared
        district of a centre, not a declared circle layer); other headers come from the phrases.
    """

    title: str
    text: str = ""
    tables: dict[str, list[Row]] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    level: int = 2
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    """A titled list of sections, in the language ``lang`` ("zh" or "en") of its titles, prose and
    (when written) table headers and labels; ``names`` maps organisation ids to the names that
    summary.md and report.html show in their place (the CSV and report.json keep the ids)."""

    title: str
    sections: list[Section] = field(default_factory=list)
    lang: str = "en"
    names: dict[str, str] = field(default_factory=dict)

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
                for name, labels in section.labels.items():
                    earlier.labels.setdefault(name, {}).update(labels)
                earlier.facts.update(section.facts)
                earlier.headers.update(section.headers)
                return
        self.sections.append(section)

    def tables(self) -> dict[str, list[Row]]:
        """Every table of every section, by name."""
        return {name: rows for s in self.sections for name, rows in s.tables.items()}

    def figures(self) -> dict[str, Figure]:
        """Every figure of every section, by name."""
        return {name: fig for s in self.sections for name, fig in s.figures.items()}
