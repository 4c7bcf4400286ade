"""``ecograph report``: write a folder with a Markdown summary, CSV tables, figures and one
self-contained HTML page (the layout is described in :mod:`ecograph.report.writers`)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ._common import add_source_arguments, load_source, output_folder, positive_int, progress


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a report (summary.md, report.html, tables, diagrams) for an ecosystem",
        description="Analyse an ecosystem and write summary.md, report.html (self-contained), report.json, "
        "CSV tables and figures into a folder, in Chinese or English (--lang).",
    )
    add_source_arguments(parser)
    parser.add_argument("--out", "-o", required=True, metavar="DIR", type=output_folder,
                        help="output folder (created if missing)")
    parser.add_argument("--dpi", type=positive_int, default=150, help="PNG resolution (default 150)")
    parser.add_argument("--svg", action="store_true", help="also write every figure as SVG")
    parser.add_argument("--lang", choices=("zh", "en"), default=None,
                        help="language of titles, prose, table headers and labels (default: zh when most "
                        "organisation names are Chinese, else en); CSV tables and report.json are the same in both")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import report

    eco = load_source(args)
    start = time.perf_counter()
    written = report.write(eco, Path(args.out), lang=args.lang, dpi=args.dpi, svg=args.svg,
                           progress=lambda step: progress(f"report: {step} ..."))
    progress(f"report: wrote {len(written)} files to {args.out} in {time.perf_counter() - start:.1f} s")
    print(Path(args.out) / "summary.md")
    return 0


__all__ = ["register", "run"]
