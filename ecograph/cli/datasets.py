"""``ecograph datasets``: list the built-in datasets, show one, or write one to a file.

Examples
--------
>>> from ecograph.cli import main
>>> main(["datasets", "--no-sizes"])  # doctest: +ELLIPSIS
shanghai_motor ...
0
"""

from __future__ import annotations

import argparse
import json

from ._common import parse_param, progress

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "datasets",
        help="list the built-in datasets (or show / export one)",
        description="List the built-in datasets with a one-line description and their size; with NAME, "
        "show its summary and the analyses and diagrams that apply to it; with --write, save it to a file "
        "or CSV folder.",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="a dataset to show or export")
    parser.add_argument("--param", metavar="KEY=VALUE", action="append", default=[],
                        help="dataset parameter, repeatable (e.g. --param seed=7)")
    parser.add_argument("--write", metavar="PATH", help="write the dataset (.yaml, .json, .graphml, .gexf or a folder)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-sizes", action="store_true", help="do not build the datasets to report their sizes")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import loaders
    from loaders.datasets import list_datasets

    if args.name is None:
        entries = list_datasets(sizes=not args.no_sizes)
        if args.json:
            print(json.dumps(entries, ensure_ascii=False, indent=1, default=str))
            return 0
        width = max(len(e["name"]) for e in entries)
        for e in entries:
            size = "" if args.no_sizes else f"  [{e['organisations']:,} organisations, {e['relations']:,} relations]"
            print(f"{e['name']:<{width}}  {e['description']}{size}")
        return 0
    params = dict(parse_param(p) for p in args.param)
    eco = loaders.load_dataset(args.name, **params)
    if args.write:
        loaders.write(eco, args.write)
        progress(f"wrote dataset {args.name!r} to {args.write}")
        return 0
    from ..applicability import applicable_analyses
    from ..diagrams.applicability import applicable_diagrams

    summary = eco.summary()
    applies = {"analyses": applicable_analyses(eco), "diagrams": applicable_diagrams(eco)}
    if args.json:
        print(json.dumps({"attrs": eco.attrs, **summary, **applies}, ensure_ascii=False, indent=1, default=str))
    else:
        print(f"{args.name}: {summary['organisations']:,} organisations, {summary['relations']:,} relations")
        for title in ("by_kind", "by_relation"):
            print(f"  {title.replace('_', ' ')}: " + ", ".join(f"{k}={v:,}" for k, v in summary[title].items()))
        for key, value in eco.attrs.items():
            print(f"  {key}: {value}")
        print("  analyses that apply: " + ", ".join(applies["analyses"]))
        print("  diagrams that apply: " + ", ".join(applies["diagrams"]))
    return 0
