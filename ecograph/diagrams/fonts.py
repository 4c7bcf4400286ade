"""Fonts for diagrams: Chinese glyphs on a fresh machine, without touching global settings.

The CJK font comes from the ``noto-cjk-sans-otc`` dependency (Noto Sans CJK, OFL) and is
registered with matplotlib's font manager the first time a diagram is drawn. Every diagram
then draws inside :func:`diagram_style`, a :func:`matplotlib.rc_context` whose font family is
an explicit list of names — the user's chosen font first, then DejaVu Sans for Latin, digits
and the minus sign, then Noto Sans CJK for Chinese — so matplotlib falls back glyph by glyph.
Because the names (not the generic ``sans-serif``) are stored in every text artist, a figure
keeps its fonts when it is saved later, outside the context.

Examples
--------
>>> from ecograph.diagrams.fonts import font_families
>>> font_families()[0]
'DejaVu Sans'
>>> font_families()[-1].startswith('Noto Sans CJK')
True
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.resources
import os
from collections.abc import Iterator

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from ..errors import EcographError

__all__ = [
    "FontError",
    "cjk_font_path",
    "cjk_family",
    "font_families",
    "set_font",
    "get_font",
    "diagram_style",
    "missing_glyphs",
]

#: Latin, digits and the minus sign (matplotlib ships it, so it exists everywhere).
LATIN_FAMILY = "DejaVu Sans"
_CJK_PACKAGE = "noto_cjk_sans_otc"
_CJK_FILE = "NotoSansCJK-Regular.ttc"
# matplotlib >= 3.11 registers every face of the collection; older versions only the first (JP),
# which draws simplified Chinese just as well.
_CJK_PREFERENCE = ("Noto Sans CJK SC", "Noto Sans CJK JP")

_user_font: str | None = None


class FontError(EcographError, ValueError):
    """A font that cannot be found or loaded."""


def cjk_font_path() -> str:
    """Path of the Noto Sans CJK collection shipped by the ``noto-cjk-sans-otc`` package.

    Raises
    ------
    FontError
        The package is missing or does not hold the font file.

    Examples
    --------
    >>> cjk_font_path().endswith('NotoSansCJK-Regular.ttc')
    True
    """
    try:
        path = importlib.resources.files(_CJK_PACKAGE).joinpath(_CJK_FILE)
    except ModuleNotFoundError as exc:
        raise FontError(
            "the CJK font package is not installed: pip install noto-cjk-sans-otc", field="font"
        ) from exc
    if not path.is_file():
        raise FontError(f"the CJK font package has no {_CJK_FILE}: reinstall noto-cjk-sans-otc", field="font")
    return os.fspath(path)


@functools.cache
def cjk_family() -> str:
    """Register the CJK font with matplotlib (once) and return its family name.

    Examples
    --------
    >>> cjk_family() in ('Noto Sans CJK SC', 'Noto Sans CJK JP')
    True
    """
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    if not any(name in names for name in _CJK_PREFERENCE):
        font_manager.fontManager.addfont(cjk_font_path())
        names = {entry.name for entry in font_manager.fontManager.ttflist}
    for name in _CJK_PREFERENCE:
        if name in names:
            _bold_alias(name)
            return name
    raise FontError("matplotlib registered no Noto Sans CJK family from the CJK font file", field="font")


def _bold_alias(family: str) -> None:
    """Let bold text use the bundled regular face: the collection has one weight, and without a bold
    entry matplotlib warns ("Failed to find font weight bold") for every bold text it lays out."""
    entries = [entry for entry in font_manager.fontManager.ttflist if entry.name == family]
    if any(entry.weight in ("bold", 700) for entry in entries):
        return
    font_manager.fontManager.ttflist.extend(dataclasses.replace(entry, weight=700) for entry in entries)
    font_manager.FontManager._findfont_cached.cache_clear()  # lookups made before the alias existed


def _resolve_font(font: str) -> str:
    """A family name for ``font``: a registered family, or a font file registered here."""
    if os.path.isfile(font):
        try:
            font_manager.fontManager.addfont(font)
            return font_manager.FontProperties(fname=font).get_name()
        except (OSError, RuntimeError) as exc:
            raise FontError(f"font file {font!r} cannot be loaded: {exc}", field="font", path=font) from exc
    cjk_family()  # so the bundled faces can be chosen by name too
    if font not in {entry.name for entry in font_manager.fontManager.ttflist}:
        raise FontError(
            f"font {font!r} is not installed: give an installed family name "
            "(see matplotlib.font_manager.get_font_names()) or the path of a .ttf/.otf/.ttc file",
            field="font",
            value=font,
        )
    return font


def font_families(font: str | None = None) -> list[str]:
    """The family list diagrams use: the chosen font, then Latin and CJK fallbacks.

    Parameters
    ----------
    font : str, optional
        A family name or a font file; defaults to the ecograph-wide font (:func:`set_font`).

    Returns
    -------
    list of str

    Raises
    ------
    FontError
        The font is neither an installed family nor a loadable file.

    Examples
    --------
    >>> font_families('DejaVu Serif')[:2]
    ['DejaVu Serif', 'DejaVu Sans']
    """
    chosen = font if font is not None else _user_font
    families = [LATIN_FAMILY, cjk_family()]
    if chosen is not None:
        name = _resolve_font(chosen)
        families = [name] + [f for f in families if f != name]
    return families


def set_font(font: str | None) -> None:
    """Set the ecograph-wide diagram font (``None`` restores the default).

    Parameters
    ----------
    font : str or None
        An installed font family or a font file path.

    Returns
    -------
    None

    Raises
    ------
    FontError
        The font is neither an installed family nor a loadable file.

    Examples
    --------
    >>> set_font('DejaVu Serif'); get_font()
    'DejaVu Serif'
    >>> set_font(None); get_font() is None
    True
    """
    global _user_font
    if font is not None:
        _resolve_font(font)
    _user_font = font


def get_font() -> str | None:
    """The ecograph-wide diagram font set by :func:`set_font` (``None`` = default).

    Parameters
    ----------
    None

    Returns
    -------
    str or None

    Raises
    ------
    None
        It only reads the setting (checked by :func:`set_font`).

    Examples
    --------
    >>> get_font() is None
    True
    """
    return _user_font


@contextlib.contextmanager
def diagram_style(font: str | None = None) -> Iterator[list[str]]:
    """Draw (or save) a diagram with ecograph's fonts; global settings are restored after.

    Yields the family list in use. PDF and PostScript embed TrueType (Type 42) fonts (save
    with :func:`ecograph.diagrams.save`, which also draws Chinese as outlines in PDF); SVG
    turns text into paths so it shows the same everywhere.

    Examples
    --------
    >>> import matplotlib
    >>> before = matplotlib.rcParams['font.family']
    >>> with diagram_style() as families:
    ...     matplotlib.rcParams['font.family'] == families
    True
    >>> matplotlib.rcParams['font.family'] == before
    True
    """
    families = font_families(font)
    rc = {
        "font.family": families,
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "path",
        "svg.hashsalt": "ecograph",  # the same figure gives the same SVG file
    }
    with matplotlib.rc_context(rc):
        yield families


def _has_glyph(path: str, char: str) -> bool:
    return _font_file(path).get_char_index(ord(char)) != 0


@functools.cache
def _font_file(path: str) -> FT2Font:
    return FT2Font(path)


def _family_files(families: tuple[str, ...]) -> list[str]:
    files = []
    for family in families:
        try:
            files.append(font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False))
        except ValueError:  # a family that is not installed draws nothing
            continue
    return files


def missing_glyphs(fig: Figure) -> list[tuple[str, str]]:
    """Characters of the figure's visible texts that none of their fonts can draw.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    list of (text, character)
        Empty when every glyph is available.

    Raises
    ------
    FontError
        The bundled CJK font cannot be found.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.text(0.1, 0.5, '核心 core -1', family=font_families())
    >>> _ = fig.text(0.1, 0.2, '核', family=['DejaVu Sans'])
    >>> missing_glyphs(fig)
    [('核', '核')]
    """
    found: list[tuple[str, str]] = []
    for text in fig.findobj(Text):
        content = text.get_text()
        if not content or not text.get_visible():
            continue
        files = _family_files(tuple(text.get_fontfamily()))
        for char in dict.fromkeys(content):
            if char.isspace():
                continue
            if not any(_has_glyph(path, char) for path in files):
                found.append((content, char))
    return found
