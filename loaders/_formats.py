"""Reading and writing one ecosystem in one format: the dispatch :func:`loaders.read` and
:func:`loaders.write` share with :mod:`loaders.panel` (which reads and writes one per period)."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

from ecograph.errors import LoadError
from ecograph.model import Ecosystem

#: format name -> module implementing ``read(path, **opts)`` and ``write(eco, path, **opts)``
FORMATS: dict[str, str] = {
    "yaml": "yamljson",
    "json": "yamljson",
    "csv": "csvdir",
    "graphml": "graphml",
    "gexf": "graphml",
    "xlsx": "xlsx",
}

_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".graphml": "graphml", ".gexf": "gexf", ".csv": "csv",
             ".xlsx": "xlsx"}


def format_of(path: str | Path, format: str | None = None) -> str:
    """The format for ``path``: ``format`` if given, ``csv`` for a folder, else by suffix.

    Parameters
    ----------
    path : str or Path
        A file or folder.
    format : str, optional
        A name of :data:`FORMATS`; overrides the suffix.

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    LoadError
        Unknown suffix or format name.

    Examples
    --------
    >>> format_of("eco.yml"), format_of("net.GraphML"), format_of("exports/", "csv")
    ('yaml', 'graphml', 'csv')
    """
    if format is not None:
        if format not in FORMATS:
            raise LoadError(f"{path}: unknown format {format!r}; expected one of {sorted(FORMATS)}",
                            path=str(path), field="format")
        return format
    path = Path(path)
    if path.is_dir() or path.suffix == "":
        return "csv"
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; expected one of "
            f"{sorted(_SUFFIXES)} or a folder of CSV files (or pass format=)",
            path=str(path), field="format",
        )
    return fmt


def read_as(path: str | Path, fmt: str, **opts: Any) -> Ecosystem:
    """Read ``path`` in the format ``fmt`` (a key of :data:`FORMATS`; no panel detection)."""
    if not Path(path).exists():
        raise LoadError(f"{path}: no such file or folder", path=str(path))
    module = importlib.import_module(f"loaders.{FORMATS[fmt]}")
    if FORMATS[fmt] in ("yamljson", "graphml"):
        opts["format"] = fmt
    _check_options(module.read, opts, fmt, path)
    try:
        return module.read(path, **opts)
    except LoadError as exc:
        if not hasattr(exc, "problems"):  # a problem that stopped reading at once
            exc.problems = [exc]  # type: ignore[attr-defined]
        raise


def write_as(eco: Ecosystem, path: str | Path, fmt: str, **opts: Any) -> None:
    """Write ``eco`` to ``path`` in the format ``fmt`` (a key of :data:`FORMATS`)."""
    module = importlib.import_module(f"loaders.{FORMATS[fmt]}")
    if FORMATS[fmt] in ("yamljson", "graphml"):
        opts["format"] = fmt
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    _check_options(module.write, opts, fmt, path)
    module.write(eco, path, **opts)


def _check_options(function: Any, opts: dict[str, Any], fmt: str, path: str | Path) -> None:
    accepted = set(inspect.signature(function).parameters) - {"eco", "path", "format"}
    unknown = sorted(set(opts) - accepted - {"format"})
    if unknown:
        raise LoadError(f"{path}: the {fmt} format has no option {unknown[0]!r}; expected one of {sorted(accepted)}",
                        path=str(path), field=unknown[0])
