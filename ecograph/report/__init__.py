"""The report: what an ecosystem's analyses say, as text, tables and figures.

``ecograph report`` is a thin face over this package; from Python::

    import ecograph.report
    ecograph.report.write(eco, "out")          # summary.md, report.html, report.json, tables/, figures/
    ecograph.report.write(eco, "out", lang="en")   # in English (Chinese is the default for Chinese names)

or in two steps, to look at or change the report before it is written::

    report = ecograph.report.build(eco)        # a Report: a titled list of Section
    ecograph.report.save(report, "out")

The report is built by the section builders listed, in report order, in :data:`SECTIONS`.
Each builder is a plain function ``builder(eco, lang) -> list[Section]`` that returns an empty list
when it has nothing to say about this ecosystem; its titles and prose come from the catalogue
:mod:`ecograph.report.phrases` in the language ``lang`` ("zh" or "en"). Builders only format: they call the
analytics (``ecograph.rings``, ``ecograph.chains``, ...) and turn their result objects into
prose, tables and figures; they never compute a figure themselves. A section whose title
equals an earlier one is merged into it (:meth:`Report.add`), which is how a topic's diagram
joins its analysis.

Adding a section (e.g. a section on change over time):

1. write a module here, one per topic (``ecograph/report/changes.py``), with a function
   ``sections(eco: Ecosystem, lang: str = "en") -> list[Section]`` and, if the topic has a diagram,
   a function ``figures(eco, lang) -> list[Section]``; its words go into the catalogue
   :mod:`~ecograph.report.phrases` in both languages that imports the diagram lazily (matplotlib is slow to
   import); give both a doctest;
2. list the function(s) in :data:`SECTIONS` at the place the section should appear
   (analyses before :func:`figures <ecograph.report.rings.figures>` of the diagrams);
3. test it in ``tests/test_report.py``; docs/report.md describes every section.

Examples
--------
>>> from ecograph import Ecosystem
>>> import ecograph.report
>>> eco = Ecosystem(name="demo"); eco.add_org("a", "甲")
>>> report = ecograph.report.build(eco)
>>> [s.title for s in report.sections], report.lang
(['概况'], 'zh')
>>> [s.title for s in ecograph.report.build(eco, lang="en").sections]
['Overview']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import (
    action, associations, brokers, centrality, chains, changes, evaluation, helix, hierarchies, networks, onestop, overview,
    rings,
)
from .document import Report, Row, Section
from .phrases import LANGS, default_lang, say
from .writers import render_html, render_json, render_markdown, save

from ..compiled import compiled
from ..errors import RequestError
from ..labels import ecosystem_title

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["Section", "Report", "Row", "SECTIONS", "SectionBuilder", "build", "write", "save", "render_markdown",
           "render_html", "render_json", "LANGS", "report_lang"]

SectionBuilder = Callable[["Ecosystem", str], list[Section]]

#: The section builders, in report order: the analyses, then the diagrams (each merged into the
#: section of its topic when that section exists).
SECTIONS: tuple[SectionBuilder, ...] = (
    overview.sections,
    centrality.sections,
    rings.sections,
    chains.sections,
    associations.sections,
    hierarchies.sections,
    brokers.sections,
    helix.sections,
    onestop.sections,
    evaluation.sections,
    action.sections,
    changes.sections,
    rings.figures,
    chains.figures,
    associations.figures,
    hierarchies.figures,
    evaluation.figures,
    action.figures,
    changes.figures,
    networks.figures,
)


def report_lang(eco: Ecosystem, lang: str | None = None) -> str:
    """The report's language: ``lang``, or Chinese when most organisation names are Chinese.

    Raises
    ------
    RequestError
        ``lang`` is not one of :data:`LANGS`.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", "上海电机")
    >>> report_lang(eco), report_lang(eco, "en")
    ('zh', 'en')
    """
    if lang is None:
        return default_lang(compiled(eco).column("name"))
    if lang not in LANGS:
        raise RequestError(f"lang: {lang!r} is not one of {', '.join(LANGS)}")
    return lang


def build(
    eco: Ecosystem,
    *,
    lang: str | None = None,
    sections: Sequence[SectionBuilder] = SECTIONS,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run the section builders on ``eco``.

    Parameters
    ----------
    eco : Ecosystem
    lang : {"zh", "en"}, optional
        Language of titles, prose, table headers and labels; by default Chinese when most
        organisation names are Chinese (:func:`report_lang`), else English.
    sections : sequence of callables
        Builders ``builder(eco, lang) -> list[Section]``; :data:`SECTIONS` by default.
    progress : callable, optional
        Called with a short message (``"rings.sections"``) before each builder runs.

    Returns
    -------
    Report

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="demo"); eco.add_org("a", "甲")
    >>> build(eco, sections=[overview.sections]).title
    '生态系统分析报告：demo'
    >>> eco.attrs["title_zh"] = "示例生态"
    >>> build(eco, sections=[overview.sections]).title
    '生态系统分析报告：示例生态'
    """
    lang = report_lang(eco, lang)
    view = compiled(eco)
    names = {id: name for id, name in zip(view.nodes, view.column("name")) if isinstance(id, str) and name}
    report = Report(title=say("report", lang, name=ecosystem_title(eco, lang)), lang=lang, names=names)
    for builder in sections:
        if progress is not None:
            progress(f"{builder.__module__.rpartition('.')[2]}.{builder.__name__}")
        for section in builder(eco, lang):
            report.add(section)
    return report


def write(
    eco: Ecosystem,
    out: str | Path,
    *,
    lang: str | None = None,
    dpi: int = 150,
    svg: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Build the report of ``eco`` and write it into the folder ``out``.

    Parameters
    ----------
    eco : Ecosystem
    out : str or Path
        Output folder (created if missing): ``summary.md``, ``report.html``, ``report.json``,
        ``tables/*.csv``, ``tables.xlsx``, ``figures/*.png``.
    lang : {"zh", "en"}, optional
        Language of the report (see :func:`build`); the CSV tables and ``report.json`` hold the
        same exact values in every language.
    dpi : int
        PNG resolution.
    svg : bool
        Also write every figure as SVG.
    progress : callable, optional
        Called with a short message before each section builder runs.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="demo"); eco.add_org("a", "甲")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sorted(p.name for p in write(eco, folder))
    ['by_kind.csv', 'by_relation.csv', 'by_sector.csv', 'report.html', 'report.json', 'summary.md', 'tables.xlsx']
    """
    return save(build(eco, lang=lang, progress=progress), out, dpi=dpi, svg=svg)
