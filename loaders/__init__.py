"""Outside world <-> :class:`~ecograph.Ecosystem`: files, folders and built-in datasets.

:func:`read` and :func:`write` choose the format by suffix (or a folder for CSV):

========================  ======================================================
``.yaml`` ``.yml``        one document (:mod:`loaders.yamljson`)
``.json``                 the same document in JSON
folder (or ``.csv``)      ``organizations.csv`` + ``relations.csv`` (+ ``alliances.csv``,
                          ``ecosystem.json``) as exported from Excel (:mod:`loaders.csvdir`)
``.graphml``              GraphML through networkx (:mod:`loaders.graphml`)
``.gexf``                 GEXF through networkx (:mod:`loaders.graphml`)
folder of periods         ``2010/``, ``2011/`` … (or ``2010.yaml`` …): a panel read into one
                          ecosystem with ``since``/``until`` (:mod:`loaders.panel`)
``.xlsx``                 an Excel workbook, one sheet per CSV table (:mod:`loaders.xlsx`)
========================  ======================================================

Every format round-trips exactly: ``read(p) == eco`` after ``write(eco, p)``.
:func:`load` is what the command line and the HTTP service use to accept either a path or a
built-in dataset.

Examples
--------
>>> import os, tempfile, loaders
>>> eco = loaders.load(dataset="shanghai_biopharma")
>>> path = os.path.join(tempfile.mkdtemp(), "bio.yaml")
>>> loaders.write(eco, path)
>>> loaders.read(path) == eco
True
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

from ecograph.errors import LoadError
from ecograph.model import Ecosystem

__all__ = ["read", "write", "load", "format_of", "FORMATS", "list_datasets", "load_dataset"]

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


def read(path: str | Path, *, format: str | None = None, **opts: Any) -> Ecosystem:
    """Read an ecosystem from a file or folder (format chosen by :func:`format_of`).

    Parameters
    ----------
    path : str or Path
        File or CSV folder (a path to one of its ``.csv`` files means its folder).
    format : str, optional
        One of :data:`FORMATS`.
    **opts
        Passed to the format's reader (e.g. ``encoding="gbk"`` for CSV).

    Returns
    -------
    Ecosystem

    Raises
    ------
    LoadError
        The file is missing, malformed or breaks the data model; ``problems`` lists every
        problem (file, line or row, field, what was expected). Nothing partial is returned.

    Examples
    --------
    >>> read("no/such/file.yaml")
    Traceback (most recent call last):
    ...
    ecograph.errors.LoadError: no/such/file.yaml: no such file or folder
    """
    fmt = format_of(path, format)
    if not Path(path).exists():
        raise LoadError(f"{path}: no such file or folder", path=str(path))
    if fmt == "csv" and format is None:
        from . import panel

        if panel.is_panel(path):
            return panel.read(path, **opts)
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    if FORMATS[fmt] in ("yamljson", "graphml"):
        opts["format"] = fmt
    _check_options(module.read, opts, fmt, path)
    try:
        return module.read(path, **opts)
    except LoadError as exc:
        if not hasattr(exc, "problems"):  # a problem that stopped reading at once
            exc.problems = [exc]  # type: ignore[attr-defined]
        raise


def write(eco: Ecosystem, path: str | Path, *, format: str | None = None, **opts: Any) -> None:
    """Write ``eco`` so that :func:`read` gives back an equal ecosystem.

    Parameters
    ----------
    eco : Ecosystem
    path : str or Path
        File (``.yaml``, ``.json``, ``.graphml``, ``.gexf``) or folder (CSV).
    format : str, optional
        A name of :data:`FORMATS`; by default from the suffix.
    **opts
        Options of the format's writer.

    Returns
    -------
    None

    Raises
    ------
    LoadError
        An unknown format or an option the format's writer does not take.

    Examples
    --------
    >>> import os, tempfile
    >>> eco = Ecosystem(name="x"); eco.add_org("a", "甲")
    >>> folder = os.path.join(tempfile.mkdtemp(), "export")
    >>> write(eco, folder, format="csv"); sorted(os.listdir(folder))
    ['ecosystem.json', 'organizations.csv', 'relations.csv']
    """
    fmt = format_of(path, format)
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
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


def load(path: str | Path | None = None, dataset: str | None = None, **params: Any) -> Ecosystem:
    """A file/folder (``path``) or a built-in dataset (``dataset``), whichever is given.

    ``params`` go to the reader (e.g. ``encoding``) or to the dataset (e.g. ``seed``,
    ``n_enterprises``).

    Parameters
    ----------
    path : str or Path, optional
        A file or folder that :func:`read` accepts.
    dataset : str, optional
        A built-in dataset name (:func:`list_datasets`).
    **params
        Reader options or dataset parameters.

    Returns
    -------
    Ecosystem

    Raises
    ------
    LoadError
        Neither or both given, or the file cannot be read.
    DatasetError
        Unknown dataset or parameter.

    Examples
    --------
    >>> len(load(dataset="shanghai_biopharma")) > 13
    True
    >>> load()
    Traceback (most recent call last):
    ...
    ecograph.errors.LoadError: give a PATH or a built-in dataset name (--dataset NAME), not neither
    """
    if (path is None) == (dataset is None):
        which = "neither" if path is None else "both"
        raise LoadError(f"give a PATH or a built-in dataset name (--dataset NAME), not {which}", field="path")
    if dataset is not None:
        return load_dataset(dataset, **params)
    return read(path, **params)  # type: ignore[arg-type]


def list_datasets() -> list[dict[str, Any]]:
    """The built-in datasets (see :func:`loaders.datasets.list_datasets`).

    Parameters
    ----------
    None

    Returns
    -------
    list of dict
        One entry per dataset: ``name``, ``description``, ``parameters`` and its size.

    Raises
    ------
    None
        It only describes the shipped datasets.

    Examples
    --------
    >>> "shanghai_motor" in [d["name"] for d in list_datasets()]
    True
    """
    from .datasets import list_datasets as _list

    return _list()


def load_dataset(name: str, **params: Any) -> Ecosystem:
    """A built-in dataset (see :func:`loaders.datasets.load_dataset`).

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`.
    **params
        Dataset parameters (``seed``, sizes ...).

    Returns
    -------
    Ecosystem

    Raises
    ------
    DatasetError
        An unknown dataset or parameter.

    Examples
    --------
    >>> load_dataset("shanghai_biopharma").name
    'shanghai_biopharma'
    """
    from .datasets import load_dataset as _load

    return _load(name, **params)
