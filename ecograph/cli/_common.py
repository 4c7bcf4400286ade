"""Options shared by the CLI commands: where the ecosystem comes from.

Every command that analyses an ecosystem accepts the same source options::

    ecograph COMMAND PATH                         # a YAML/JSON file, a CSV folder, GraphML, GEXF
    ecograph COMMAND --dataset NAME [--param k=v ...]   # a built-in dataset
    ecograph COMMAND PATH --param encoding=gbk    # loader options

Usage in a command module::

    from ._common import add_source_arguments, load_source

    def register(subparsers):
        parser = subparsers.add_parser("metrics", help="...")
        add_source_arguments(parser)
        parser.set_defaults(func=run)

    def run(args):
        eco = load_source(args)
        ...

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_source_arguments(parser)
>>> args = parser.parse_args(["--dataset", "productivity_centers", "--param", "n_enterprises=0"])
>>> args.dataset, source_params(args)
('productivity_centers', {'n_enterprises': 0})
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LoadError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["add_source_arguments", "parse_param", "source_params", "load_source", "emit_json", "progress",
           "positive_int", "positive_number", "port_number", "output_file", "output_folder"]


def add_source_arguments(parser: argparse.ArgumentParser, *, path_help: str | None = None) -> None:
    """Add ``PATH``, ``--dataset NAME`` and ``--param KEY=VALUE`` to a command's parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command's parser.
    path_help : str, optional
        Replaces the default help text of ``PATH``.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_source_arguments(p)
    >>> p.parse_args(["eco.yaml"]).path
    'eco.yaml'
    """
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help=path_help
        or "ecosystem file or folder: .yaml/.yml/.json, a CSV folder (organizations.csv, "
        "relations.csv; Chinese headers accepted), an Excel workbook .xlsx, .graphml or .gexf",
    )
    parser.add_argument(
        "--dataset",
        metavar="NAME",
        help="use a built-in dataset instead of PATH (see `ecograph datasets`)",
    )
    parser.add_argument(
        "--param",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="dataset parameter or loader option, repeatable (e.g. --param seed=7, "
        "--param n_enterprises=500000, --param encoding=gbk)",
    )


def parse_param(text: str) -> tuple[str, Any]:
    """Split ``KEY=VALUE`` and read VALUE as int, float, bool, ``none`` or else a string.

    Raises
    ------
    LoadError
        No ``=`` or an empty key.

    Examples
    --------
    >>> parse_param("seed=7"), parse_param("scale=0.5"), parse_param("sme=true")
    (('seed', 7), ('scale', 0.5), ('sme', True))
    >>> parse_param("encoding=gb18030")
    ('encoding', 'gb18030')
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise LoadError(f"--param {text!r}: expected KEY=VALUE", field="param", value=text)
    raw = raw.strip()
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    if lowered in ("none", "null"):
        return key, None
    for convert in (int, float):
        try:
            return key, convert(raw.replace("_", "")) if raw else raw
        except ValueError:
            continue
    return key, raw


def source_params(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--param`` options of parsed arguments, as a dict (later repeats win)."""
    return dict(parse_param(item) for item in getattr(args, "param", None) or [])


def load_source(args: argparse.Namespace, *, quiet: bool = False) -> Ecosystem:
    """Load the ecosystem named by ``PATH`` or ``--dataset`` (exactly one of them).

    Reports what is loaded and how long it took on stderr unless ``quiet``.

    Raises
    ------
    LoadError
        Neither or both of PATH and ``--dataset`` given, or the file cannot be read.
    DatasetError
        Unknown dataset or dataset parameter.
    """
    import loaders  # the CLI composes core and loaders; the core never imports them

    path, dataset = getattr(args, "path", None), getattr(args, "dataset", None)
    label = path if dataset is None else f"dataset {dataset}"
    start = time.perf_counter()
    if not quiet and label:
        progress(f"loading {label} ...")
    eco = loaders.load(path=path, dataset=dataset, **source_params(args))
    if not quiet:
        progress(
            f"loaded {eco.name!r}: {len(eco):,} organisations, {eco.number_of_relations():,} relations "
            f"in {time.perf_counter() - start:.1f} s"
        )
    return eco


def emit_json(data: Any, output: str | None, command: str) -> None:
    """Print ``data`` as indented JSON, or write it to the file ``output`` and say so on stderr.

    Examples
    --------
    >>> emit_json({"城市": "天津"}, None, "evaluate")
    {
      "城市": "天津"
    }
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
        print(f"{command}: wrote {output}", file=sys.stderr)
    else:
        print(text)


def progress(message: str) -> None:
    """Print a progress line on stderr (stdout stays clean for results)."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------- option types
# argparse types: a bad value is a one-line usage error naming the option (exit 2), before any
# work is done.
def positive_int(text: str) -> int:
    """An integer of at least 1.

    Examples
    --------
    >>> positive_int("5")
    5
    >>> positive_int("-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '-5' must be a whole number of at least 1
    """
    try:
        value = int(text) if len(text) <= 20 else None
    except ValueError:
        value = None
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} must be a whole number of at least 1")
    return value


def positive_number(text: str) -> float:
    """A finite number above 0 (seconds, a scale).

    Examples
    --------
    >>> positive_number("2.5")
    2.5
    """
    try:
        value = float(text) if len(text) <= 40 else float("nan")
    except ValueError:
        value = float("nan")
    if not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} must be a number above 0")
    return value


def port_number(text: str) -> int:
    """A TCP port, 1-65535.

    Examples
    --------
    >>> port_number("8000")
    8000
    """
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (1-65535)")
    return value


def output_file(*suffixes: str) -> Any:
    """An argparse type for a file to write: one of ``suffixes`` (any when none are given), in
    an existing folder, not a folder.

    Examples
    --------
    >>> output_file(".csv", ".json")("table.json")
    'table.json'
    >>> output_file(".csv", ".json")("table.xlsx")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'table.xlsx': expected a file ending in .csv or .json
    """

    def check(text: str) -> str:
        path = Path(text)
        if suffixes and path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(f"{text!r}: expected a file ending in {' or '.join(suffixes)}")
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r} is a folder; expected a file name")
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r}: the folder {str(parent)!r} does not exist")
        return text

    check.__name__ = "output file"
    return check


def output_folder(text: str) -> str:
    """A folder to write into: created if missing, but not an existing file.

    Examples
    --------
    >>> import tempfile; folder = tempfile.mkdtemp()
    >>> output_folder(folder) == folder
    True
    """
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file; expected a folder")
    return text
