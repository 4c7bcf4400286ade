"""Regenerate the diagram gallery of docs/diagrams.md from the built-in datasets.

Usage (from the repository root)::

    .venv/bin/python scripts/make_gallery.py [--out docs/gallery] [--dpi 80]

Writes one PNG per diagram and dataset (``<dataset>-<diagram>.png``, full size, not
committed: docs/gallery/*.png is ignored), with ``--maps`` the interactive pages
(``<dataset>-map.html``, ~0.8 MB each, do not commit them), and the small JPEG thumbnails that
docs/diagrams.md shows (``thumb-*.jpg``, committed; the map's thumbnail needs headless
Chromium). It prints what it wrote.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ecograph import allocate
from ecograph.diagrams.fonts import diagram_style
from ecograph.diagrams import (
    allocation_chart,
    chain,
    circle_layers,
    evaluation_radar,
    hierarchy,
    interactive_html,
    membership,
    network,
    platform_reach,
    save,
)
from ecograph.diagrams.charts import dimension_scores
from loaders.datasets import list_datasets, load_dataset

#: Budget of the example allocation on tianjin_centers, in fen (5,000,000 yuan).
EXAMPLE_BUDGET_FEN = 500_000_000

#: (dataset, diagram) pairs shown in docs/diagrams.md as thumbnails.
THUMBNAILS = (
    ("shanghai_motor", "circle-layers-motor_platform"),
    ("shanghai_motor", "reach-motor_platform"),
    ("shanghai_biopharma", "chain-bio_platform"),
    ("suzhou_associations", "membership"),
    ("productivity_centers", "hierarchy"),
    ("productivity_centers", "network"),
    ("tianjin_centers", "radar"),
    ("tianjin_centers", "allocation"),
    ("shanghai_motor", "map"),
)
THUMBNAIL_DPI = 60


def diagrams_for(name: str) -> dict[str, Callable[[], object]]:
    """Every diagram that applies to the dataset ``name``, by diagram name."""
    eco = load_dataset(name)
    found: dict[str, Callable[[], object]] = {}
    for platform in eco.platforms():
        found[f"circle-layers-{platform}"] = lambda p=platform: circle_layers(eco, p)
        if eco.rings(platform)["core"]:
            found[f"reach-{platform}"] = lambda p=platform: platform_reach(eco, p)
    for alliance in eco.alliances():
        found[f"chain-{alliance}"] = lambda a=alliance: chain(eco, a)
    if sum(1 for a in eco.associations() if eco.members(a)) >= 2:
        found["membership"] = lambda: membership(eco)
    if eco.hierarchy().roots:
        found["hierarchy"] = lambda: hierarchy(eco)
    if eco.attrs.get("dimensions"):
        found["radar"] = lambda: evaluation_radar(eco)
        found["allocation"] = lambda: _example_allocation(eco)
    found["network"] = lambda: network(eco)
    found["map"] = lambda: interactive_html(eco)
    return found


def _example_allocation(eco):  # noqa: ANN001, ANN202 - a script helper
    """5 million yuan shared by mean dimension score, 50,000-yuan floor, 80,000-yuan cap."""
    scores = {u: sum(row.values()) / len(row) for u, row in dimension_scores(eco).items()}
    result = allocate(EXAMPLE_BUDGET_FEN, scores, unit=100, floor=5_000_000, cap=8_000_000)
    names = {u: eco.graph.nodes[u]["name"] for u in scores}
    return allocation_chart(result, names=names, max_bars=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/gallery", help="output folder (default docs/gallery)")
    parser.add_argument("--dpi", type=int, default=80, help="PNG resolution (default 80)")
    parser.add_argument("--dataset", action="append", help="only these datasets (repeatable)")
    parser.add_argument("--maps", action="store_true", help="also keep the interactive pages (<dataset>-map.html)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = args.dataset or [d["name"] for d in list_datasets(sizes=False)]
    for name in names:
        for diagram, make in diagrams_for(name).items():
            start = time.perf_counter()
            result = make()
            thumb = out / f"thumb-{name}-{diagram}.jpg" if (name, diagram) in THUMBNAILS else None
            if isinstance(result, str):
                if not args.maps and thumb is None:
                    continue
                folder = out if args.maps else Path(tempfile.mkdtemp())
                path = folder / f"{name}-{diagram}.html"
                path.write_text(result, encoding="utf-8")
                if thumb is not None and shutil.which("chromium"):
                    _screenshot(path, thumb)
            else:
                path = out / f"{name}-{diagram}.png"
                save(result, path, dpi=args.dpi)
                if thumb is not None:
                    with diagram_style():
                        result.savefig(thumb, dpi=THUMBNAIL_DPI, pil_kwargs={"quality": 72, "optimize": True})
            print(f"{path}  ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


def _screenshot(page: Path, thumb: Path) -> None:
    """A JPEG of the interactive page as headless Chromium shows it."""
    from PIL import Image

    png = thumb.with_suffix(".png")
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,800",
         "--virtual-time-budget=5000", f"--screenshot={png}", page.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    with Image.open(png) as image:
        image.convert("RGB").save(thumb, quality=72, optimize=True)
    png.unlink()


if __name__ == "__main__":
    sys.exit(main())
