"""Shared pieces of the diagrams: labels, colours, metrics, figure creation, saving."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Union

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from ..errors import AnalysisError
# the labels live with the vocabulary; the diagram modules take them from here
from ..labels import (  # noqa: F401
    FLAG_LABELS, KIND_LABELS, LANGS, LEVEL_LABELS, METRIC_LABELS, RING_LABELS, SECTOR_LABELS, bilingual, label,
)
from ..matrix import SparseGraph
from ..results import NodeValues
from .fonts import diagram_style

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem, Hierarchy

#: A node metric: an analytic's name (``"degree"``, ``"pagerank"`` ...), a mapping
#: node -> value (e.g. :class:`~ecograph.results.NodeValues`), a callable ``eco -> mapping``,
#: or ``None`` for equal sizes.
Metric = Union[str, Mapping[Any, float], Callable[["Ecosystem"], Mapping[Any, float]], None]

# Okabe-Ito: distinguishable with colour-vision deficiencies.
SECTOR_COLOURS: dict[str, str] = {
    "government": "#D55E00",
    "industry": "#0072B2",
    "academia": "#009E73",
    "research": "#CC79A7",
    "intermediary": "#E69F00",
    "finance": "#56B4E9",
}
_PALETTE = (
    "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#D55E00", "#56B4E9", "#8C564B", "#7F7F7F",
    "#BCBD22", "#17BECF", "#9467BD", "#2CA02C", "#F0E442", "#1F77B4", "#FF7F0E", "#E377C2",
)
KIND_COLOURS: dict[str, str] = {kind: _PALETTE[i] for i, kind in enumerate(KIND_LABELS)}
GAP_COLOUR = "#D62728"
BOTTLENECK_COLOUR = "#E66100"
SINGLE_POINT_COLOUR = "#F5B041"
EDGE_COLOUR = "#4D4D4D"


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise AnalysisError(f"lang {lang!r}: expected one of {list(LANGS)}", field="lang", value=lang)


def colour(table: Mapping[str, str], key: str) -> str:
    """A fixed colour for known keys; a stable palette colour for others (extensible kinds)."""
    if key in table:
        return table[key]
    return _PALETTE[sum(map(ord, key)) % len(_PALETTE)]


def short(name: str, limit: int = 10) -> str:
    """``name`` cut to ``limit`` characters with an ellipsis."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def wrap(name: str, width: int = 5) -> str:
    """Break a long name into lines of ``width`` characters (Chinese has no spaces to break at).

    Examples
    --------
    >>> wrap("中试放大与工艺验证", 5).splitlines()
    ['中试放大与', '工艺验证']
    """
    if len(name) <= width:
        return name
    if " " in name:  # words: break at the middle space instead
        middle = min((i for i, c in enumerate(name) if c == " "), key=lambda i: abs(i - len(name) / 2))
        return name[:middle] + "\n" + name[middle + 1:]
    return "\n".join(name[k:k + width] for k in range(0, len(name), width))


@contextlib.contextmanager
def drawing(
    ax: Axes | None, figsize: tuple[float, float], font: str | None, **subplot: Any,
) -> Iterator[tuple[Figure, Axes]]:
    """The given axes and its figure, or a new figure (no pyplot, no global state), to draw on
    in ecograph's style; on leaving, every text of the axes gets its fonts (:func:`adopt_fonts`)."""
    with diagram_style(font) as families:
        if ax is None:
            fig = Figure(figsize=figsize, layout="constrained")
            ax = fig.add_subplot(**subplot)
        yield ax.figure, ax
    adopt_fonts(families, ax)


def square_off(ax: Axes, half_width: float, half_height: float | None = None) -> None:
    """Centre the drawing on the origin at equal scale, with no axis lines or ticks."""
    half_height = half_width if half_height is None else half_height
    ax.set_xlim(-half_width, half_width)
    ax.set_ylim(-half_height, half_height)
    ax.set_aspect("equal")
    ax.axis("off")


def light_grid(ax: Axes, axis: str) -> None:
    """Faint grid lines along ``axis`` ("x" or "y"), behind the data."""
    ax.grid(axis=axis, color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)


def open_frame(ax: Axes) -> None:
    """No top and right spines."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def adopt_fonts(families: list[str], *axes: Axes) -> None:
    """Give every text of ``axes`` ecograph's font families.

    Texts that existed before the diagram was drawn — the title and tick labels of axes the
    caller created outside :func:`~ecograph.diagrams.fonts.diagram_style` — keep the families
    of that moment (e.g. DejaVu Sans alone, which has no Chinese); ticks created later copy
    the first tick's font, so fixing the existing texts is enough.
    """
    for ax in axes:
        for text in ax.findobj(Text):
            if text.get_fontfamily() != families:
                text.set_fontfamily(families)


def legend_outside(ax: Axes, handles: Sequence[Any], title: str, *, loc: str = "upper left") -> None:
    """A legend to the right of the axes (constrained layout keeps it off the drawing)."""
    ax.legend(
        handles=list(handles), title=title, loc=loc, bbox_to_anchor=(1.01, 1.0),
        frameon=False, fontsize="small", title_fontsize="small", borderaxespad=0.0,
    )


def dot_handle(text: str, face: str, *, marker: str = "o", size: float = 8) -> Line2D:
    return Line2D([], [], linestyle="", marker=marker, markersize=size, markerfacecolor=face,
                  markeredgecolor="white", label=text)


def part_of_tree(eco: Ecosystem) -> Hierarchy:
    """The ecosystem's ``part_of`` forest, memoised until the ecosystem changes."""
    return eco.cached(("ecograph.diagrams", "hierarchy"), eco.hierarchy)


def structure(eco: Ecosystem, relations: str | Iterable[str] | None = None) -> SparseGraph:
    """The compiled graph the diagrams read ties from.

    Compiled with the options :func:`ecograph.degree` uses (no weight, direction chosen by the
    relation types), so a diagram sized by degree compiles the ecosystem once; diagrams
    symmetrise it themselves.
    """
    return SparseGraph.from_ecosystem(eco, relations)


def node_metric(eco: Ecosystem, nodes: Sequence[str], metric: Metric) -> np.ndarray:
    """Values of ``metric`` for ``nodes`` as a float array (missing nodes count 0).

    Analytics named by a string are looked up on :mod:`ecograph` and memoised on the ecosystem.
    """
    if metric is None:
        return np.ones(len(nodes))
    if isinstance(metric, str):
        import ecograph

        analytic = getattr(ecograph, metric, None)
        if not callable(analytic):
            raise AnalysisError(
                f"size_by {metric!r} is not an ecograph analytic; give e.g. 'degree' or 'pagerank', "
                "a mapping node -> value, or a callable",
                field="size_by",
                value=metric,
            )
        values: Mapping[Any, float] = eco.cached(("diagram-metric", metric), lambda: analytic(eco))
    elif callable(metric) and not isinstance(metric, Mapping):
        values = metric(eco)
    else:
        values = metric
    if isinstance(values, NodeValues) and values.nodes == list(nodes):  # the common case, in one step
        return np.nan_to_num(values.array.astype(float))
    return np.array([float(values.get(n, 0.0) or 0.0) for n in nodes], dtype=float)


def marker_areas(values: np.ndarray, smallest: float = 20.0, largest: float = 400.0) -> np.ndarray:
    """Marker areas (points²) growing with ``values``; equal values give a middle size."""
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    if len(values) == 0:
        return values
    low, high = values.min(), values.max()
    if high <= low:
        return np.full(len(values), (smallest + largest) / 3)
    return smallest + (largest - smallest) * (values - low) / (high - low)


def metric_name(metric: Metric) -> str:
    if metric is None:
        return ""
    if isinstance(metric, str):
        return metric
    return getattr(metric, "name", None) or getattr(metric, "__name__", None) or "value"


def metric_label(metric: Metric, lang: str) -> str:
    """A metric as a reader of ``lang`` calls it (``degree`` → 关系数); unknown ones by their name."""
    return label(METRIC_LABELS, metric_name(metric), lang)


SAVE_FORMATS = ("png", "svg", "pdf")


def is_cjk(char: str) -> bool:
    """Whether ``char`` lies in the CJK blocks (radicals, kana, ideographs, fullwidth forms ...)."""
    return ord(char) >= 0x2E80


@contextlib.contextmanager
def cjk_as_outlines(fig: Figure) -> Iterator[None]:
    """Draw the figure's texts that contain CJK characters as vector outlines, for a while.

    matplotlib cannot embed the CFF-flavoured Noto Sans CJK collection as a TrueType (Type 42)
    font correctly (matplotlib issue #20870: the PDF declares a TrueType font but holds CFF
    data, and Ghostscript, for one, then shows no Chinese at all). Drawn as outlines, the
    Chinese looks the same in every viewer; Latin-only text stays real, searchable text.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    contextlib.AbstractContextManager
        Inside the ``with`` block the CJK texts are paths; on exit they are texts again.

    Raises
    ------
    FontError
        The bundled CJK font cannot be found.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); title = fig.suptitle("核心圈 core ring")
    >>> with cjk_as_outlines(fig):
    ...     len(title.get_path_effects())
    1
    >>> title.get_path_effects()
    []
    """
    changed = [t for t in fig.findobj(Text) if not t.get_path_effects() and any(map(is_cjk, t.get_text()))]
    for text in changed:
        text.set_path_effects([patheffects.Normal()])
    try:
        yield
    finally:
        for text in changed:
            text.set_path_effects([])


def save(fig: Figure, path: str | os.PathLike[str] | IO[bytes], *, dpi: int = 150, format: str | None = None) -> str:
    """Write ``fig`` as PNG, SVG or PDF with embedded fonts.

    PDF embeds the Latin fonts as TrueType (Type 42) subsets and draws Chinese as vector
    outlines (see :func:`cjk_as_outlines`); SVG stores all text as paths. Both look the same
    on every machine, with or without the fonts.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : path or binary file object
        Where to write; the suffix chooses the format unless ``format`` is given.
    dpi : int
        Resolution of PNG output.
    format : {"png", "svg", "pdf"}, optional
        Needed when ``path`` is a file object.

    Returns
    -------
    str
        The format written.

    Raises
    ------
    AnalysisError
        An unsupported format.

    Examples
    --------
    >>> import io
    >>> from matplotlib.figure import Figure
    >>> save(Figure(figsize=(1, 1)), io.BytesIO(), format="pdf")
    'pdf'
    """
    where = path if isinstance(path, (str, os.PathLike)) else getattr(path, "name", "the file object")
    fmt = (format or os.path.splitext(os.fspath(where))[1].lstrip(".")).lower()
    if fmt not in SAVE_FORMATS:
        raise AnalysisError(
            f"cannot write {str(where)!r} as {fmt!r}: expected png, svg or pdf (a file ending in .png, .svg or .pdf)",
            field="path", path=str(where),
        )
    outlines = cjk_as_outlines(fig) if fmt == "pdf" else contextlib.nullcontext()
    with diagram_style(), outlines:
        fig.savefig(path, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return fmt


def _metadata(fmt: str) -> dict[str, Any] | None:
    # Reproducible files: no creation date in SVG/PDF.
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None}
    return None
