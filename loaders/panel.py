"""Panel data: one ecosystem per period, read into one ecosystem with ``since``/``until``.

A panel is a folder whose entries are named by their period: ``2010/``, ``2011/`` (CSV folders)
or ``2010.yaml``, ``2011-07-01.json`` … (any format :func:`loaders.read` knows). A period name
is a year (``2011``) or a date (``2011-07-01``).

Merging rules (one home: :func:`merge`):

* an organisation present in a run of consecutive periods gets ``since`` = its first period
  (left open when that is the panel's first period: it may be older) and ``until`` = the period
  after its last one (open when it is present in the last period). An organisation that leaves
  and comes back is refused (an organisation has one interval): give it two ids.
* its record (name, kind, sector, attributes) is the one of the latest period it appears in;
* a relation (source, target, key) whose attributes stay equal over consecutive periods is one
  relation; when they change (a firm moves from the radiation ring to the collaboration ring),
  a new relation starts, keyed ``key@period``, so both states are kept;
* the ecosystem's name, attributes and vocabulary are the last period's, plus
  ``periods`` = the panel's periods.

Examples
--------
>>> import os, tempfile, loaders
>>> from ecograph import Ecosystem
>>> root = tempfile.mkdtemp()
>>> for year, members in ((2010, ["a"]), (2011, ["a", "b"])):
...     eco = Ecosystem(name="panel"); eco.add_org("p", "平台", kind="platform")
...     for m in members:
...         eco.add_org(m); eco.add_relation(m, "p", "in_ring", ring="radiation")
...     loaders.write(eco, os.path.join(root, str(year)), format="csv")
>>> eco = loaders.read(root)
>>> eco.periods(), eco.node("b")["since"], sorted(eco.at(2010))
([2010, 2011], 2011, ['a', 'p'])
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ecograph.errors import LoadError, ValidationError
from ecograph.model import Ecosystem
from ecograph.timeline import TIME_FIELDS, TimePoint, time_key

from ._formats import format_of, read_as, write_as

__all__ = ["read", "write", "merge", "is_panel", "period_of"]

_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def period_of(name: str) -> TimePoint | None:
    """The period a panel entry's name stands for (``None`` when it is not a period name).

    Examples
    --------
    >>> period_of("2011"), period_of("2011-07-01.yaml"), period_of("notes")
    (2011, datetime.date(2011, 7, 1), None)
    """
    stem = name.split(".", 1)[0] if not _DATE.match(name) else name
    if _YEAR.match(stem):
        return int(stem)
    if _DATE.match(stem):
        try:
            return dt.date.fromisoformat(stem)
        except ValueError:
            return None
    return None


def _entries(folder: Path) -> list[tuple[TimePoint, Path]]:
    found = [(period_of(p.name), p) for p in folder.iterdir() if not p.name.startswith(".")]
    return sorted(((t, p) for t, p in found if t is not None), key=lambda tp: time_key(tp[0]))


def is_panel(path: str | Path) -> bool:
    """A folder without ``organizations.csv`` whose entries are named by period."""
    folder = Path(path)
    if not folder.is_dir() or any((folder / n).exists() for n in ("organizations.csv", "organisations.csv")):
        return False
    return bool(_entries(folder))


def read(path: str | Path, **opts: Any) -> Ecosystem:
    """Read a panel folder into one ecosystem with intervals (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The panel folder.
    **opts
        Passed to the reader of every period (e.g. ``encoding="gbk"``).

    Raises
    ------
    LoadError
        No period entries, two entries for one period, a period that cannot be read, an item
        that carries its own ``since``/``until``, or one that leaves and comes back.
    """
    folder = Path(path)
    entries = _entries(folder) if folder.is_dir() else []
    if not entries:
        raise LoadError(f"{folder}: not a panel: expected entries named by period (2010/, 2011.yaml …)", path=str(folder))
    keys = [time_key(t) for t, _ in entries]
    if len(set(keys)) != len(keys):
        twice = next(p for (t, p), k in zip(entries, keys) if keys.count(k) > 1)
        raise LoadError(f"{twice}: a second entry for period {twice.name.split('.')[0]}", path=str(twice))
    snapshots = [(t, read_as(p, format_of(p), **opts)) for t, p in entries]
    try:
        return merge(snapshots)
    except LoadError:
        raise
    except ValidationError as exc:
        raise LoadError(f"{folder}: {exc}", path=str(folder), field=getattr(exc, "field", None)) from None


def merge(snapshots: Sequence[tuple[TimePoint, Ecosystem]]) -> Ecosystem:
    """One ecosystem from ``(period, ecosystem)`` pairs in time order (the panel rules above).

    Raises
    ------
    LoadError
        An item already carrying ``since``/``until``, or present, absent, then present again.
    """
    periods = [t for t, _ in snapshots]
    last = snapshots[-1][1]
    out = Ecosystem(last.name, last.vocabulary.copy(), **{**last.attrs, "periods": periods})
    nodes: dict[str, list[int]] = {}
    records: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], list[tuple[int, dict[str, Any]]]] = {}
    for i, (period, eco) in enumerate(snapshots):
        for node, data in eco.orgs():
            _refuse_bounds(data, f"period {period}: organisation {node!r}")
            nodes.setdefault(node, []).append(i)
            records[node] = data
        for u, v, k, d in eco.relations():
            _refuse_bounds(d, f"period {period}: relation {u!r} -[{k}]-> {v!r}")
            if not eco.is_directed_relation(d["type"]) and v < u:
                u, v = v, u
            edges.setdefault((u, v, k), []).append((i, dict(d)))
    for node, present in nodes.items():
        data = records[node]
        attrs = {a: b for a, b in data.items() if a not in ("name", "kind", "sector")}
        out.add_org(node, data["name"], kind=data["kind"], sector=data["sector"],
                    **attrs, **_bounds(present, periods, f"organisation {node!r}"))
    for (u, v, key), seen in edges.items():
        runs: list[list[tuple[int, dict[str, Any]]]] = []
        for i, data in seen:
            if runs and runs[-1][-1][0] == i - 1 and runs[-1][-1][1] == data:
                runs[-1].append((i, data))
            else:
                runs.append([(i, data)])
        for n, run in enumerate(runs):
            data = dict(run[0][1])
            rtype = data.pop("type")
            run_key = key if n == 0 else f"{key}@{_text(periods[run[0][0]])}"
            bounds = _bounds([i for i, _ in run], periods, f"relation {u!r} -[{key}]-> {v!r}", contiguous=True)
            out.add_relation(u, v, rtype, key=run_key, **data, **bounds)
    return out


def _refuse_bounds(data: Mapping[str, Any], where: str) -> None:
    for name in TIME_FIELDS:
        if name in data:
            raise LoadError(f"{where} carries {name!r}: in a panel the period folder says when an item exists",
                            field=name)


def _bounds(present: list[int], periods: list[TimePoint], where: str, contiguous: bool = False) -> dict[str, Any]:
    first, last = present[0], present[-1]
    if not contiguous and last - first + 1 != len(present):
        gap = next(periods[i] for i in range(first, last) if i not in present)
        raise LoadError(f"{where} is absent in period {gap} between periods {periods[first]} and {periods[last]}: "
                        "an organisation has one interval (give the returning one a new id)", field="id")
    bounds: dict[str, Any] = {}
    if first > 0:
        bounds["since"] = periods[first]
    if last < len(periods) - 1:
        bounds["until"] = periods[last + 1]
    return bounds


def _base_key(key: str) -> str:
    """``in_ring@2011`` -> ``in_ring`` (the key :func:`merge` gave a later state of a relation)."""
    base, _, period = key.rpartition("@")
    return base if base and period_of(period) is not None else key


def _text(period: TimePoint) -> str:
    return period.isoformat() if isinstance(period, dt.date) else str(period)


def write(eco: Ecosystem, path: str | Path, *, periods: Sequence[TimePoint] | None = None, format: str = "csv") -> None:
    """Write one entry per period (``eco.at(period)`` without its bounds) into ``path``.

    Parameters
    ----------
    periods : sequence of int or date, optional
        Defaults to :meth:`Ecosystem.periods`.
    format : str
        ``csv`` (a folder per period) or any format of :data:`loaders.FORMATS`.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for period in periods if periods is not None else eco.periods():
        snap = eco.at(period)
        flat = Ecosystem(snap.name, snap.vocabulary.copy(), **{k: v for k, v in snap.attrs.items() if k != "periods"})
        for node, data in snap.orgs():
            attrs = {a: b for a, b in data.items() if a not in ("name", "kind", "sector", *TIME_FIELDS)}
            flat.add_org(node, data["name"], kind=data["kind"], sector=data["sector"], **attrs)
        for u, v, k, d in snap.relations():
            attrs = {a: b for a, b in d.items() if a not in ("type", *TIME_FIELDS)}
            flat.add_relation(u, v, d["type"], key=_base_key(k), **attrs)
        name = _text(period) if format == "csv" else f"{_text(period)}.{format}"
        write_as(flat, folder / name, format_of(folder / name, format))
