"""``ecograph diagram KIND``: draw one diagram of an ecosystem to PNG, SVG, PDF or HTML.

Examples::

    ecograph diagram circle-layers --dataset shanghai_motor -o rings.png --dpi 200
    ecograph diagram chain --dataset shanghai_biopharma -o chain.pdf
    ecograph diagram hierarchy --dataset productivity_centers -o centres.svg
    ecograph diagram radar --dataset tianjin_centers -o radar.png
    ecograph diagram interactive eco.yaml -o map.html
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError
from ._common import add_source_arguments, load_source, output_file, positive_int, progress

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..model import Ecosystem

KINDS = ("circle-layers", "chain", "membership", "hierarchy", "network", "reach", "radar", "action-flows",
         "action-coverage", "growth", "interactive")
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diagram",
        help="draw a diagram (circle layers, chain, membership, hierarchy, network, reach, radar, action flows "
        "and coverage, growth between periods, interactive map)",
        description="Draw one diagram of an ecosystem. Figures are written as PNG, SVG or PDF\n"
        "(chosen by the suffix of -o, fonts embedded, Chinese included); 'interactive'\n"
        "writes one offline HTML page to drag, zoom, filter and search. A diagram with\n"
        "nothing to show (a platform with one ring, a single association) is refused with\n"
        "the reason; 'ecograph datasets NAME' lists the diagrams that apply. 'growth' draws\n"
        "the latest pair of consecutive periods in which some count changed.",
        epilog="examples:\n"
        "  ecograph diagram circle-layers --dataset shanghai_motor -o rings.png --dpi 200\n"
        "  ecograph diagram chain --dataset shanghai_biopharma -o chain.pdf\n"
        "  ecograph diagram network eco.yaml -o network.svg --size-by pagerank --lang zh+en\n"
        "  ecograph diagram action-flows --dataset cast_service_action -o flows.png\n"
        "  ecograph diagram interactive --dataset suzhou_associations -o map.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help="one of: " + ", ".join(KINDS))
    add_source_arguments(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE", type=output_file(),  # the suffix is checked per kind
                        help="output file: .png/.svg/.pdf (interactive: .html)")
    parser.add_argument("--platform", metavar="ID", help="platform for circle-layers and reach "
                        "(default: the only platform)")
    parser.add_argument("--alliance", metavar="ID", help="alliance for chain (default: the only alliance)")
    parser.add_argument("--root", metavar="ID", help="top of the hierarchy (default: the largest root)")
    parser.add_argument("--association", metavar="ID", action="append",
                        help="association for membership, repeatable (default: all)")
    parser.add_argument("--size-by", default=None, metavar="METRIC",
                        help="node size: degree (default), pagerank, betweenness ...")
    parser.add_argument("--max-nodes", type=positive_int, default=None, metavar="N",
                        help="network/interactive: draw at most N nodes, the most central (default 500/3000)")
    parser.add_argument("--lang", choices=("zh", "en", "zh+en"), default="zh", help="label language (default zh)")
    parser.add_argument("--dpi", type=positive_int, default=150, help="PNG resolution (default 150)")
    parser.add_argument("--font", metavar="NAME", help="font family or font file for Latin text "
                        "(Chinese falls back to the bundled Noto Sans CJK)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    wanted = (".html",) if args.kind == "interactive" else FIGURE_SUFFIXES
    if out.suffix.lower() not in wanted:
        raise AnalysisError(
            f"diagram {args.kind}: output {str(out)!r} must end in {' or '.join(wanted)}", field="output",
            path=str(out),
        )
    if args.font:
        from ..diagrams import set_font

        set_font(args.font)  # checked before the (possibly long) load
    eco = load_source(args)
    _check_something_to_draw(eco, args)
    start = time.perf_counter()
    progress(f"diagram: drawing {args.kind} ...")
    if args.kind == "interactive":
        from ..diagrams.interactive import interactive_html

        options: dict[str, Any] = {"lang": args.lang, "size_by": args.size_by or "degree"}
        if args.max_nodes is not None:
            options["max_nodes"] = args.max_nodes
        out.write_text(interactive_html(eco, **options), encoding="utf-8")
    else:
        from ..diagrams import save

        figure = draw(eco, args)
        save(figure, out, dpi=args.dpi)
    progress(f"diagram: wrote {out} in {time.perf_counter() - start:.1f} s")
    print(out)
    return 0


def _check_something_to_draw(eco: Ecosystem, args: argparse.Namespace) -> None:
    """Refuse, in one line, a diagram that would show nothing (an empty ring, a one-stage chain)."""
    from ..applicability import alliance_why_not, hierarchy_why_not, platform_why_not
    from ..diagrams.applicability import diagram_why_not

    if args.kind in ("circle-layers", "reach") and args.platform is not None:
        reason = platform_why_not(eco, args.platform) if args.kind == "circle-layers" else None
    elif args.kind == "chain" and args.alliance is not None:
        reason = alliance_why_not(eco, args.alliance)
    elif args.kind == "hierarchy" and args.root in eco:  # an unknown root is the drawing's own error
        reason = hierarchy_why_not(eco, args.root)
    else:
        reason = diagram_why_not(eco, args.kind)
    if reason is not None:
        raise AnalysisError(f"diagram {args.kind}: nothing to draw: {reason}", field="kind", value=args.kind)


def _only(eco: Ecosystem, given: str | None, candidates: list[str], what: str, option: str) -> str:
    if given is not None:
        return given
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise AnalysisError(f"the ecosystem has no {what}", field=option)
    raise AnalysisError(f"the ecosystem has {len(candidates)} {what}s: choose one with {option} "
                        f"({', '.join(candidates[:10])}{' ...' if len(candidates) > 10 else ''})", field=option)


def draw(eco: Ecosystem, args: argparse.Namespace) -> Figure:
    """The figure of ``args.kind`` (everything but ``interactive``)."""
    from .. import diagrams

    common: dict[str, Any] = {"lang": args.lang}
    if args.kind == "circle-layers":
        platform = _only(eco, args.platform, eco.platforms(), "platform", "--platform")
        return diagrams.circle_layers(eco, platform, size_by=args.size_by or "degree", **common)
    if args.kind == "chain":
        alliance = _only(eco, args.alliance, eco.alliances(), "alliance", "--alliance")
        return diagrams.chain(eco, alliance, **common)
    if args.kind == "membership":
        return diagrams.membership(eco, args.association, **common)
    if args.kind == "hierarchy":
        return diagrams.hierarchy(eco, args.root, **common)
    if args.kind == "radar":
        return diagrams.evaluation_radar(eco, **common)
    if args.kind in ("action-flows", "action-coverage"):
        from ..action import action_evaluation

        evaluation = action_evaluation(eco)
        if args.kind == "action-flows":
            return diagrams.action_flows(eco, evaluation, **common)
        return diagrams.coverage_chart(evaluation, **common)
    if args.kind == "growth":
        from ..applicability import growing_pairs

        return diagrams.growth_bars(growing_pairs(eco)[-1], "count", **common)
    if args.kind == "network":
        if args.max_nodes is not None:
            common["max_nodes"] = args.max_nodes
        return diagrams.network(eco, size_by=args.size_by or "degree", **common)
    platform = _only(eco, args.platform, eco.platforms(), "platform", "--platform")
    return diagrams.platform_reach(eco, platform, **common)
