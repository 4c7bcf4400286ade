"""Time in the data model: ``since``/``until`` intervals and snapshots.

Organisations and relations may carry ``since`` and ``until``: a year (``int``) or a date
(:class:`datetime.date`). ``until`` is exclusive and a missing bound is open, so an item exists
at time ``t`` when ``since <= t < until``. A year stands for its first day: ``until=2011``
ends an item on 2010-12-31 and ``at(2011)`` looks at 2011-01-01. A relation's given bounds
must lie inside both endpoints' intervals (:class:`~ecograph.errors.TimeIntervalError`
otherwise); a relation's missing bound means "for as long as both endpoints exist".

:func:`snapshot` (what :meth:`Ecosystem.at <ecograph.model.Ecosystem.at>` returns) is cheap:
the snapshot shares every organisation and relation record with its ecosystem instead of
copying them, is read-only, and is built once per *segment* of the timeline (the span between
two consecutive ``since``/``until`` values), so two time points where nothing changed give the
same object, compiled matrices included.

Examples
--------
>>> import datetime as dt
>>> from ecograph import Ecosystem
>>> eco = Ecosystem()
>>> eco.add_org("a", since=2010)
>>> eco.add_org("b", since=2010, until=dt.date(2011, 7, 1))
>>> eco.add_relation("a", "b", "collaborates", since=2011, until=dt.date(2011, 7, 1))
>>> sorted(eco.at(2010)), eco.at(2010).number_of_relations()
(['a', 'b'], 0)
>>> eco.at(dt.date(2011, 3, 1)).number_of_relations(), sorted(eco.at(2012))
(1, ['a'])
>>> eco.at(2011) is eco.at(dt.date(2011, 6, 30))   # same segment of the timeline
True
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Union

from .errors import TimeIntervalError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["TimePoint", "TIME_FIELDS", "time_key", "check_interval", "interval_of", "exists_at",
           "boundaries", "snapshot", "describe"]

#: A point in time: a year or a date.
TimePoint = Union[int, _dt.date]

#: The two attributes that bound an item's existence.
TIME_FIELDS: tuple[str, str] = ("since", "until")

_OPEN_LOW = float("-inf")
_OPEN_HIGH = float("inf")
#: year -> key of its 1 January, for every valid year (a dict lookup instead of building a date)
_YEAR_KEYS: dict[int, int] = {year: _dt.date(year, 1, 1).toordinal() for year in range(1, 10000)}


def time_key(value: Any, where: str = "time", field: str = "t") -> int:
    """The comparable key (a proleptic ordinal day) of a year or a date.

    Raises
    ------
    TimeIntervalError
        ``value`` is neither a year (an ``int`` from 1 to 9999) nor a ``datetime.date``.

    Examples
    --------
    >>> import datetime as dt
    >>> time_key(2011) == time_key(dt.date(2011, 1, 1))
    True
    >>> time_key("2011")
    Traceback (most recent call last):
    ...
    ecograph.errors.TimeIntervalError: time: field 't' is '2011'; expected a year (int) or a date
    """
    kind = type(value)
    if kind is int:  # the common cases first: snapshots call this for every record
        key = _YEAR_KEYS.get(value)
        if key is not None:
            return key
    elif kind is _dt.date:
        return value.toordinal()
    if isinstance(value, _dt.datetime):
        value = None  # a time of day has no place in since/until: refuse rather than truncate
    elif isinstance(value, _dt.date):
        return value.toordinal()
    elif isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        return _dt.date(value, 1, 1).toordinal()
    shown = repr(value) if value is not None else "a datetime"
    raise TimeIntervalError(f"{where}: field {field!r} is {shown}; expected a year (int) or a date",
                            field=field, value=value)


def interval_of(record: Mapping[str, Any]) -> tuple[float, float]:
    """``(since, until)`` keys of a stored record, ``-inf``/``inf`` where open."""
    since, until = record.get("since"), record.get("until")
    return (_OPEN_LOW if since is None else time_key(since),
            _OPEN_HIGH if until is None else time_key(until))


def check_interval(record: Mapping[str, Any], where: str, id: str | None = None) -> tuple[float, float]:
    """Check ``since``/``until`` of an organisation or relation record; return its interval.

    Raises
    ------
    TimeIntervalError
        A bound that is not a year or a date, or ``since`` not before ``until``.
    """
    for name in TIME_FIELDS:
        if record.get(name) is not None:
            time_key(record[name], where, name)
    low, high = interval_of(record)
    if low >= high:
        raise TimeIntervalError(
            f"{where}: since {record['since']!r} is not before until {record['until']!r} (until is exclusive)",
            field="until", id=id, value=record["until"],
        )
    return low, high


def check_inside(relation: tuple[float, float], endpoint: Mapping[str, Any], where: str, role: str,
                 endpoint_id: str) -> None:
    """Raise unless a relation's interval lies inside its ``role`` endpoint's interval."""
    low, high = interval_of(endpoint)
    # an open bound of a relation means "as long as both endpoints exist": only given bounds are checked
    if (relation[0] != _OPEN_LOW and relation[0] < low) or (relation[1] != _OPEN_HIGH and relation[1] > high):
        raise TimeIntervalError(
            f"{where}: the relation's interval {describe(relation)} is not inside the interval "
            f"{describe((low, high))} of its {role} {endpoint_id!r}",
            field="since" if relation[0] != _OPEN_LOW and relation[0] < low else "until", id=endpoint_id,
        )


def describe(interval: tuple[float, float]) -> str:
    """``[2010-01-01, 2012-01-01)`` with ``…`` for an open bound."""
    low, high = interval
    show = [("…" if abs(k) == _OPEN_HIGH else _dt.date.fromordinal(int(k)).isoformat()) for k in (low, high)]
    return f"[{show[0]}, {show[1]})"


def exists_at(record: Mapping[str, Any], t: TimePoint) -> bool:
    """Whether an item with this record exists at ``t`` (``since <= t < until``).

    Examples
    --------
    >>> exists_at({"since": 2010, "until": 2011}, 2010), exists_at({"until": 2011}, 2011)
    (True, False)
    """
    low, high = interval_of(record)
    return low <= time_key(t) < high


def _records(eco: Ecosystem) -> Iterable[Mapping[str, Any]]:
    for _id, record in eco.orgs():
        yield record
    for *_ends, record in eco.relations():
        yield record


def boundaries(eco: Ecosystem) -> list[TimePoint]:
    """Every distinct ``since``/``until`` value of the ecosystem, in time order.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", since=2010, until=2012); eco.add_org("b", since=2011)
    >>> boundaries(eco)
    [2010, 2011, 2012]
    """
    return list(_timeline(eco)[1])


def _timeline(eco: Ecosystem) -> tuple[list[int], tuple[TimePoint, ...]]:
    def build() -> tuple[list[int], tuple[TimePoint, ...]]:
        by_key: dict[int, TimePoint] = {}
        for record in _records(eco):
            for name in TIME_FIELDS:
                value = record.get(name)
                if value is not None:
                    by_key.setdefault(time_key(value), value)
        keys = sorted(by_key)
        return keys, tuple(by_key[k] for k in keys)

    return eco.cached("ecograph.timeline", build)


def snapshot(eco: Ecosystem, t: TimePoint) -> Ecosystem:
    """The ecosystem as it stood at ``t``: a read-only Ecosystem sharing ``eco``'s records.

    Organisations and relations that exist at ``t`` are kept (relations only between kept
    organisations, which validation guarantees). The result is cached per timeline segment
    until ``eco`` next changes; changing the snapshot raises
    :class:`~ecograph.errors.ReadOnlyError`.

    Raises
    ------
    TimeIntervalError
        ``t`` is not a year or a date.
    """
    key = time_key(t, "at", "t")
    keys, _values = _timeline(eco)
    segment = bisect.bisect_right(keys, key)
    return eco.cached(("ecograph.timeline.segment", segment), lambda: _build_snapshot(eco, key, t))


def _build_snapshot(eco: Ecosystem, key: int, t: TimePoint) -> Ecosystem:
    out = eco._empty_like()
    def alive(record: Mapping[str, Any]) -> bool:
        since, until = record.get("since"), record.get("until")
        return (since is None or time_key(since) <= key) and (until is None or key < time_key(until))

    kept = [(n, d) for n, d in eco.orgs() if alive(d)]
    present = {n for n, _ in kept}
    edges = [((u, v, k), d) for u, v, k, d in eco.relations() if u in present and v in present and alive(d)]
    out._adopt(kept, edges)  # records shared, not copied
    out._read_only = f"a snapshot of {eco.name!r} at {t!r}"
    return out
