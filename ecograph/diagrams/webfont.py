"""The bundled CJK font inside a web page: only the glyphs the page uses, as WOFF2 in ``@font-face``.

HTML pages (the interactive map, ``report.html``) must show Chinese on a machine without any
Chinese system font and stay one offline file. :func:`font_face_css` subsets Noto Sans CJK SC
(the face of the collection shipped by ``noto-cjk-sans-otc``) to the characters of the page with
fontTools and returns an ``@font-face`` rule whose source is the WOFF2 file as a ``data:`` URL.
Pages then name :data:`EMBEDDED_FAMILY` first in their ``font-family``.

Examples
--------
>>> css = font_face_css("生产力促进中心 2,689")
>>> css.startswith("@font-face") and "font/woff2" in css
True
>>> sorted(embedded_characters(css)) == sorted(set("生产力促进中心 2,689"))
True
"""

from __future__ import annotations

import base64
import functools
import io
import re

from .fonts import FontError, cjk_font_path

__all__ = ["EMBEDDED_FAMILY", "font_face_css", "subset_woff2", "embedded_characters", "page_characters"]

#: The family name pages use for the embedded font.
EMBEDDED_FAMILY = "ecograph CJK"
_FACE = "Noto Sans CJK SC"
_DATA_URL = re.compile(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)")
_TAG = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=1)
def _face_number() -> int:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(cjk_font_path(), lazy=True)
    for number, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == _FACE:
            return number
    raise FontError(f"{cjk_font_path()} has no face {_FACE!r}", field="font")


@functools.lru_cache(maxsize=8)
def subset_woff2(characters: str) -> bytes:
    """Noto Sans CJK SC reduced to ``characters`` (those it has), as a WOFF2 file.

    Parameters
    ----------
    characters : str
        The characters to keep (order and repeats do not matter; pass them sorted to share the cache).

    Returns
    -------
    bytes
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(cjk_font_path(), fontNumber=_face_number(), lazy=True)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # vertical forms, proportional punctuation ...
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def page_characters(*texts: str) -> str:
    """The characters a page shows: every character of ``texts`` outside HTML tags, sorted.

    Examples
    --------
    >>> page_characters("<b>平台</b>", "台 a")
    ' a台平'
    """
    chars = set()
    for text in texts:
        chars.update(_TAG.sub("", text))
    chars.discard("\n")
    return "".join(sorted(chars))


def font_face_css(text: str, family: str = EMBEDDED_FAMILY) -> str:
    """An ``@font-face`` rule embedding the bundled CJK font, reduced to the characters of ``text``.

    Parameters
    ----------
    text : str
        Everything the page may show (tags are fine: only characters count).
    family : str
        The family name the page's CSS uses.

    Returns
    -------
    str
        ``@font-face { font-family: …; src: url(data:font/woff2;base64,…) format("woff2"); }``

    Raises
    ------
    FontError
        The font package is missing.
    """
    data = base64.b64encode(subset_woff2(page_characters(text))).decode("ascii")
    return (f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: 400; font-display: block; '
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')


def embedded_characters(page: str) -> set[str]:
    """The characters the page's embedded font can draw (its cmap), for checks.

    Examples
    --------
    >>> embedded_characters("no font here")
    set()
    """
    from fontTools.ttLib import TTFont

    chars: set[str] = set()
    for match in _DATA_URL.finditer(page):
        font = TTFont(io.BytesIO(base64.b64decode(match.group(1))))
        chars.update(chr(code) for code in font.getBestCmap())
    return chars
