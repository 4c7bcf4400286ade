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

from pathlib import Path
from typing import Any

from ecograph.errors import LoadError
from ecograph.model import Ecosystem

from . import panel
from ._formats import FORMATS, format_of, read_as, write_as

__all__ = ["read", "write", "load", "format_of", "FORMATS", "list_datasets", "load_dataset"]

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
    if fmt == "csv" and format is None and panel.is_panel(path):
        return panel.read(path, **opts)
    return read_as(path, fmt, **opts)


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
    write_as(eco, path, format_of(path, format), **opts)


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
