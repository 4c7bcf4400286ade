"""The compiled view of an ecosystem: node index, per-relation-type edge arrays, attribute columns.

One pass over the typed multigraph gives every analytic what it reads: the organisations in
insertion order with one id -> position index, and for every relation type the endpoint
positions and the attribute records of its relations. Attribute columns (node or relation)
are read from the records on demand and kept. The view is cached once per ecosystem version
(any change to the ecosystem recompiles it), so :class:`~ecograph.matrix.SparseGraph`
compilation, membership matrices, service indicators and the hierarchy forest share one
pass and one index instead of walking the graph each on its own.

Records are the ecosystem's own attribute dicts, shared and never copied: read them, do not
change them.

Examples
--------
>>> from ecograph import Ecosystem
>>> from ecograph.compiled import compiled
>>> eco = Ecosystem()
>>> eco.add_org("a", sme=True); eco.add_org("b"); eco.add_org("c")
>>> eco.add_relation("a", "b", "serves", count=3); eco.add_relation("b", "c", "collaborates")
>>> view = compiled(eco)
>>> view.nodes, view.positions(["c", "a"]).tolist()
(['a', 'b', 'c'], [2, 0])
>>> serves = view.relation("serves")
>>> serves.source.tolist(), serves.target.tolist(), serves.column("count")
([0], [1], [3])
>>> view.flags("sme").tolist()
[True, False, False]
>>> compiled(eco) is view
True
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import NodeNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["AdditionLog", "CompiledView", "Edges", "LazyIndex", "compiled", "index_of", "node_attribute", "codes"]


def index_of(ids: Iterable[Hashable]) -> dict[Hashable, int]:
    """id -> position in ``ids``: the one place such a map is built.

    Parameters
    ----------
    ids : iterable of hashable
        Distinct ids, in position order.

    Returns
    -------
    dict

    Examples
    --------
    >>> index_of(["b", "a"])
    {'b': 0, 'a': 1}
    """
    return {n: i for i, n in enumerate(ids)}


class LazyIndex(Mapping[Hashable, int]):
    """:func:`index_of` built only on first lookup (a million-entry dict costs time when unused).

    Parameters
    ----------
    ids : list of hashable
        Distinct ids, in position order.

    Examples
    --------
    >>> index = LazyIndex(["b", "a"])
    >>> index["a"], "c" in index, [] in index, len(index)
    (1, False, False, 2)
    """

    def __init__(self, ids: list[Hashable]) -> None:
        self._ids = ids
        self._map: dict[Hashable, int] | None = None

    def _get(self) -> dict[Hashable, int]:
        if self._map is None:
            self._map = index_of(self._ids)
        return self._map

    def __getitem__(self, key: Hashable) -> int:
        return self._get()[key]

    def __contains__(self, key: object) -> bool:
        try:
            return key in self._get()
        except TypeError:  # an unhashable key is no id
            return False

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class Edges:
    """The relations of one type: endpoint positions and attribute records, in one order.

    Parameters
    ----------
    source, target : numpy.ndarray
        int64 positions of the endpoints in :attr:`CompiledView.nodes`.
    records : list of dict
        The relations' attribute dicts (shared with the ecosystem).

    Examples
    --------
    >>> import numpy as np
    >>> e = Edges(np.array([0]), np.array([1]), [{"type": "serves", "count": 2}])
    >>> len(e), e.column("count"), e.column("year", 2010)
    (1, [2], [2010])
    """

    __slots__ = ("source", "target", "records")

    def __init__(self, source: np.ndarray, target: np.ndarray, records: list[dict[str, Any]]) -> None:
        self.source = source
        self.target = target
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def column(self, attr: str, default: Any = None) -> list[Any]:
        """The attribute ``attr`` of every relation (``default`` where it is absent)."""
        return [d.get(attr, default) for d in self.records]


_NO_EDGES = Edges(np.zeros(0, np.int64), np.zeros(0, np.int64), [])


class CompiledView:
    """Organisations and relations of one ecosystem version as arrays (see the module doc).

    Parameters
    ----------
    nodes : list of str
        Organisation ids in insertion order.
    records : list of dict
        Their attribute dicts, in the same order.
    edges : dict
        relation type -> :class:`Edges` (only types that have relations).
    index : dict, optional
        id -> position, when the caller has it already.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a"); eco.add_org("b"); eco.add_relation("a", "b", "serves")
    >>> view = compiled(eco)
    >>> view.index["b"], len(view.relation("serves")), len(view.relation("funds"))
    (1, 1, 0)
    """

    def __init__(self, nodes: list[str], records: list[dict[str, Any]], edges: dict[str, Edges],
                 index: dict[Hashable, int] | None = None) -> None:
        self.nodes = nodes
        self.records = records
        self.edges = edges
        self.index: dict[Hashable, int] = index if index is not None else index_of(nodes)
        self._columns: dict[tuple[str, Any], list[Any]] = {}

    def __len__(self) -> int:
        return len(self.nodes)

    def relation(self, type: str) -> Edges:
        """The relations of ``type`` (empty when there are none)."""
        return self.edges.get(type, _NO_EDGES)

    def relations(self, types: Iterable[str] | None = None) -> list[tuple[str, Edges]]:
        """``(type, edges)`` of the chosen types (all by default) that have relations."""
        if types is None:
            return list(self.edges.items())
        return [(t, self.edges[t]) for t in types if t in self.edges]

    def positions(self, ids: Sequence[Hashable], what: str = "organisation") -> np.ndarray:
        """Positions of ``ids`` (int64).

        Raises
        ------
        NodeNotFoundError
            An id that is not an organisation of the ecosystem.
        """
        index = self.index
        try:
            return np.fromiter((index[i] for i in ids), dtype=np.int64, count=len(ids))
        except KeyError:
            missing = next(i for i in ids if i not in index)
            raise NodeNotFoundError(f"{what} {missing!r} is not in the ecosystem", id=missing) from None

    def record(self, id: Hashable) -> dict[str, Any]:
        """The stored record of one organisation (shared: read it, do not change it).

        Raises
        ------
        NodeNotFoundError
            ``id`` is not an organisation of the ecosystem.
        """
        position = self.index.get(id)
        if position is None:
            raise NodeNotFoundError(f"organisation {id!r} is not in the ecosystem", id=id)
        return self.records[position]

    def column(self, attr: str, default: Any = None) -> list[Any]:
        """The node attribute ``attr`` of every organisation, in node order (kept)."""
        key = (attr, default)
        values = self._columns.get(key)
        if values is None:
            values = self._columns[key] = [d.get(attr, default) for d in self.records]
        return values

    def flags(self, attr: str) -> np.ndarray:
        """``bool(attr)`` of every organisation (absent: False)."""
        return np.fromiter((bool(v) for v in self.column(attr)), dtype=bool, count=len(self.nodes))


_VIEW_KEY = "ecograph.compiled"  # the view's entry in the ecosystem's per-version cache


def compiled(eco: Ecosystem) -> CompiledView:
    """The compiled view of ``eco``, built once per ecosystem version.

    Parameters
    ----------
    eco : Ecosystem

    Returns
    -------
    CompiledView

    Raises
    ------
    None
        It only reads the ecosystem (validated as it was built).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a")
    >>> v1 = compiled(eco); eco.add_org("b")
    >>> compiled(eco) is v1, compiled(eco).nodes
    (False, ['a', 'b'])
    """
    return eco.cached(_VIEW_KEY, lambda: _build(eco))


class AdditionLog:
    """Organisations and relations as columns, in the order they were added to an ecosystem.

    The ecosystem appends to it as it grows, so the compiled view is built from flat arrays
    instead of a walk over the multigraph's dicts, whose scattered records cost a cache miss
    each (seconds at 500,000 organisations). Append-only: an ecosystem drops its log when
    anything is removed, and the view then walks the graph.

    Examples
    --------
    >>> log = AdditionLog()
    >>> log.add_nodes(["a", "b"], [{"kind": "x"}, {"kind": "y"}])
    >>> log.add_edges(["b"], ["a"], "serves", [{"type": "serves"}])
    >>> log.index, log.source.tolist(), log.target.tolist(), log.types
    ({'a': 0, 'b': 1}, [1], [0], {'serves': 0})
    """

    __slots__ = ("nodes", "records", "index", "source", "target", "type_code", "types", "edge_records")

    def __init__(self) -> None:
        self.nodes: list[str] = []
        self.records: list[dict[str, Any]] = []
        self.index: dict[Hashable, int] = {}
        self.source, self.target, self.type_code = array("q"), array("q"), array("q")
        self.types: dict[str, int] = {}  # relation type -> code, in order of first addition
        self.edge_records: list[dict[str, Any]] = []

    def add_nodes(self, ids: list[str], records: list[dict[str, Any]]) -> None:
        """Append new organisations (``records`` are the graph's own attribute dicts)."""
        self.index.update(zip(ids, range(len(self.nodes), len(self.nodes) + len(ids))))
        self.nodes.extend(ids)
        self.records.extend(records)

    def add_edges(self, sources: list[str], targets: list[str], type: str, records: list[dict[str, Any]]) -> None:
        """Append new relations of one type, each stored ``source -> target`` in the graph."""
        index = self.index
        self.source.extend(map(index.__getitem__, sources))
        self.target.extend(map(index.__getitem__, targets))
        self.type_code.extend(repeat(self.types.setdefault(type, len(self.types)), len(records)))
        self.edge_records.extend(records)


def _build(eco: Ecosystem) -> CompiledView:
    log = eco._log
    if log is not None and len(log.nodes) == len(eco.graph):
        return _from_log(log)
    return _walk(eco)


def _from_log(log: AdditionLog) -> CompiledView:
    """The view of :func:`_walk`, from the addition log: relations in the graph's adjacency
    order (by source; per source, by the first relation added to each target; per target, in
    the order added), so every analytic sees them in the same order either way."""
    source = np.frombuffer(log.source, dtype=np.int64).copy()
    target = np.frombuffer(log.target, dtype=np.int64).copy()
    type_code = np.frombuffer(log.type_code, dtype=np.int64)
    added = np.arange(len(source))
    pair = source * len(log.nodes) + target
    by_pair = np.argsort(pair, kind="stable")
    starts = np.flatnonzero(np.r_[True, pair[by_pair][1:] != pair[by_pair][:-1]]) if len(pair) else added
    first_added = np.empty_like(added)
    first_added[by_pair] = np.repeat(by_pair[starts], np.diff(np.r_[starts, len(pair)]))
    order = np.lexsort((added, first_added, source))
    ordered_codes = type_code[order]
    names = {code: name for name, code in log.types.items()}
    present, first_seen = np.unique(ordered_codes, return_index=True)
    records = log.edge_records
    edges = {}
    for code in present[np.argsort(first_seen)].tolist():
        chosen = order[ordered_codes == code]
        edges[names[code]] = Edges(source[chosen], target[chosen], [records[i] for i in chosen.tolist()])
    return CompiledView(list(log.nodes), list(log.records), edges, dict(log.index))


def _walk(eco: Ecosystem) -> CompiledView:
    graph = eco.graph
    nodes = list(graph)
    records = [d for _, d in graph.nodes(data=True)]
    index = index_of(nodes)
    grouped: dict[str, tuple[list[int], list[int], list[dict[str, Any]]]] = {}
    # straight over the adjacency dicts: several times faster than edges(keys=True, data=True)
    for u, neighbours in graph.adj.items():
        iu = index[u]
        for v, keyed in neighbours.items():
            iv = index[v]
            for data in keyed.values():
                entry = grouped.get(data["type"])
                if entry is None:
                    entry = grouped[data["type"]] = ([], [], [])
                entry[0].append(iu)
                entry[1].append(iv)
                entry[2].append(data)
    edges = {
        t: Edges(np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), recs)
        for t, (src, dst, recs) in grouped.items()
    }
    return CompiledView(nodes, records, edges, index)


def node_attribute(eco: Ecosystem, nodes: Sequence[str], attr: str, default: Any = None) -> list[Any]:
    """One attribute of many nodes, in ``nodes`` order (``default`` where missing).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", region="苏州"); eco.add_org("b")
    >>> node_attribute(eco, ["a", "b"], "region", "-")
    ['苏州', '-']
    """
    view = compiled(eco)
    records = view.records
    return [records[i].get(attr, default) for i in view.positions(nodes).tolist()]


def codes(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Integer codes for category values (first-seen order) and the categories.

    Examples
    --------
    >>> c, values = codes(["x", "y", "x"])
    >>> c.tolist(), values
    ([0, 1, 0], ['x', 'y'])
    """
    table: dict[Any, int] = {}
    out = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64, count=len(values))
    return out, list(table)
