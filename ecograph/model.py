"""The ecosystem data model: one typed property multigraph.

Nodes are organisations (platforms, alliances, associations and districts are organisations
too). Every node has an ``id`` (str, unique), a Unicode ``name``, a ``kind`` and a ``sector``
plus free attributes. Relations are typed edges whose key defaults to the relation type.

The :class:`Ecosystem` validates as it is built: an unknown kind, a dangling endpoint, a ring
outside the four circle layers, a chain stage the alliance does not declare or a hierarchy
cycle raises a specific :class:`~ecograph.errors.ValidationError` and leaves the ecosystem
unchanged.

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem(name="demo")
>>> eco.add_org("p", "电机平台", kind="platform")
>>> eco.add_org("c", "国家电机工程中心", kind="research_institute")
>>> eco.add_relation("c", "p", "in_ring", ring="core")
>>> eco.rings("p")["core"]
['c']
>>> eco.node("c")["sector"]
'research'
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as _dt
import gc
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, repeat
from typing import Any, TypeVar

import networkx as nx

from . import timeline
from .compiled import _VIEW_KEY, AdditionLog, compiled, index_of
from .limits import MAX_NUMBER_DIGITS, clip, decimal_problem
from .errors import (
    AttributeTypeError,
    DanglingEndpointError,
    DuplicateIdError,
    DuplicateRelationError,
    EndpointKindError,
    HierarchyCycleError,
    InvalidRingError,
    InvalidStageError,
    NodeNotFoundError,
    ReadOnlyError,
    UnknownKindError,
    UnknownRelationError,
    UnknownSectorError,
    ValidationError,
)

__all__ = [
    "Ecosystem",
    "Vocabulary",
    "RelationSpec",
    "Chain",
    "Hierarchy",
    "RINGS",
    "SECTORS",
    "DEFAULT_KINDS",
    "DEFAULT_RELATIONS",
    "RESERVED_NODE_FIELDS",
]

#: The four circle layers (圈层) of a platform, innermost first.
RINGS: tuple[str, ...] = ("core", "core_ring", "collaboration", "radiation")

#: 政产学研金介: government, industry, academia, research, intermediary, finance.
SECTORS: tuple[str, ...] = (
    "government",
    "industry",
    "academia",
    "research",
    "intermediary",
    "finance",
)

#: Built-in kinds and the sector each defaults to.
DEFAULT_KINDS: dict[str, str] = {
    "government": "government",
    "enterprise": "industry",
    "university": "academia",
    "research_institute": "research",
    "association": "intermediary",
    "society": "intermediary",
    "federation": "intermediary",
    "productivity_center": "intermediary",
    "service_org": "intermediary",
    "finance": "finance",
    "platform": "intermediary",
    "alliance": "intermediary",
    "district": "intermediary",
    "expert": "research",
    "problem": "industry",
}

#: Node fields every organisation has; everything else is a free attribute.
RESERVED_NODE_FIELDS: tuple[str, ...] = ("id", "name", "kind", "sector")

#: Kinds that hold members through ``member_of``.
MEMBERSHIP_KINDS: frozenset[str] = frozenset({"association", "society", "district"})

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_SCALARS = (str, bool, int, float, Decimal, _dt.date)  # datetime is a date subclass
builtins_type = builtins.type  # methods below take a parameter named ``type``
_NONE_TYPE = builtins_type(None)
_STR = frozenset({str})
_INTEGER = frozenset({int, _NONE_TYPE})  # None: a missing value
_EXACT = frozenset({int, Decimal, _NONE_TYPE})


@dataclass(frozen=True)
class RelationSpec:
    """What a relation type means and which attributes it checks.

    Parameters
    ----------
    name : str
        The type, also the default edge key (a lower-case identifier).
    directed : bool
        ``False`` for symmetric relations such as ``collaborates``: stored once, read both ways.
    target_kinds : frozenset of str, optional
        Kinds allowed as target; ``None`` allows any.
    money : tuple of str
        Attributes holding money: they must be exact (``int`` in the smallest unit or
        ``Decimal``), never ``float``.
    integers : tuple of str
        Attributes that must be integers (counts, years).

    Examples
    --------
    >>> from ecograph import Ecosystem, RelationSpec
    >>> eco = Ecosystem()
    >>> eco.vocabulary.add_relation(RelationSpec("mentors", integers=("year",)))
    >>> eco.add_org("a"); eco.add_org("b"); eco.add_relation("a", "b", "mentors", year=2011)
    >>> eco.number_of_relations("mentors")
    1
    """

    name: str
    directed: bool = True
    target_kinds: frozenset[str] | None = None
    money: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    description: str = ""


DEFAULT_RELATIONS: dict[str, RelationSpec] = {
    spec.name: spec
    for spec in (
        RelationSpec(
            "in_ring",
            target_kinds=frozenset({"platform"}),
            description="org -> platform; attribute ring in core, core_ring, collaboration, radiation",
        ),
        RelationSpec(
            "chain_member",
            target_kinds=frozenset({"alliance"}),
            integers=("capacity",),
            description="org -> alliance; stages (list), capacity, role anchor/member",
        ),
        RelationSpec(
            "member_of",
            target_kinds=MEMBERSHIP_KINDS,
            description="org -> association; since (joined), until (left), role",
        ),
        RelationSpec("part_of", description="child -> parent in a hierarchy"),
        RelationSpec(
            "serves",
            money=("revenue",),
            integers=("count", "year"),
            description="provider -> client; count, revenue, year, service",
        ),
        RelationSpec(
            "collaborates",
            directed=False,
            integers=("year",),
            description="symmetric; project, year, weight",
        ),
        RelationSpec(
            "poses",
            target_kinds=frozenset({"problem"}),
            integers=("year",),
            description="enterprise -> problem (技术难题) it needs solved; year",
        ),
        RelationSpec(
            "funds",
            money=("amount",),
            integers=("year",),
            description="funder -> recipient; amount (exact), year",
        ),
    )
}


class Vocabulary:
    """The kinds, sectors and relation types an ecosystem accepts.

    Extensible per ecosystem; names must be lower-case identifiers because they become Neo4j
    labels and relationship types, which cannot be query parameters.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.vocabulary.add_kind("incubator", sector="intermediary")
    >>> eco.add_org("i1", "张江孵化器", kind="incubator")
    >>> eco.node("i1")["sector"]
    'intermediary'

    Parameters
    ----------
    kinds : mapping, optional
        kind -> its sector (the built-in kinds by default).
    sectors : iterable of str, optional
        The sectors (the built-in ones by default).
    relations : mapping, optional
        relation type -> :class:`RelationSpec` (the built-in types by default).

    """

    def __init__(
        self,
        kinds: Mapping[str, str] | None = None,
        sectors: Iterable[str] | None = None,
        relations: Mapping[str, RelationSpec] | None = None,
    ) -> None:
        self.sectors: tuple[str, ...] = tuple(SECTORS if sectors is None else sectors)
        self.kinds: dict[str, str] = {}
        self.relations: dict[str, RelationSpec] = {}
        for kind, sector in (DEFAULT_KINDS if kinds is None else kinds).items():
            self.add_kind(kind, sector)
        for spec in (DEFAULT_RELATIONS if relations is None else relations).values():
            self.add_relation(spec)

    def add_kind(self, kind: str, sector: str) -> None:
        """Accept a new node kind whose sector defaults to ``sector``."""
        _check_identifier(kind, "kind")
        if sector not in self.sectors:
            raise UnknownSectorError(
                f"kind {kind!r}: default sector {sector!r} is not one of {list(self.sectors)}",
                field="sector",
                value=sector,
            )
        self.kinds[kind] = sector

    def add_relation(self, spec: RelationSpec | str, **options: Any) -> None:
        """Accept a new relation type (a :class:`RelationSpec` or a name plus its options)."""
        if isinstance(spec, str):
            spec = RelationSpec(spec, **options)
        _check_identifier(spec.name, "type")
        self.relations[spec.name] = spec

    def copy(self) -> Vocabulary:
        return Vocabulary(self.kinds, self.sectors, self.relations)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return (self.kinds, self.sectors, self.relations) == (
            other.kinds,
            other.sectors,
            other.relations,
        )

    def __repr__(self) -> str:
        return f"Vocabulary(kinds={len(self.kinds)}, sectors={len(self.sectors)}, relations={len(self.relations)})"


def _check_identifier(name: object, what: str) -> None:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValidationError(
            f"{what} {name!r} is not a valid name: expected a lower-case identifier "
            "(letters, digits, underscore, starting with a letter)",
            field=what,
            value=name,
        )


_MAX_MONEY_INT = 10**MAX_NUMBER_DIGITS


def _check_amounts(values: Iterable[Any], where: str, field: str) -> None:
    """Money that is exact but unusable: NaN, infinite, or beyond the digit limits."""
    for value in values:
        problem = decimal_problem(value) if isinstance(value, Decimal) else (
            f"has more than {MAX_NUMBER_DIGITS} digits" if isinstance(value, int) and abs(value) >= _MAX_MONEY_INT else None)
        if problem:
            raise AttributeTypeError(f"{where}: field {field!r} is money and {clip(value)} {problem}", field=field)


def check_value(value: object, where: str, field: str) -> None:
    """Raise :class:`AttributeTypeError` unless ``value`` is a storable attribute value.

    Allowed: ``str``, ``bool``, ``int``, ``float`` (finite or not), ``Decimal``,
    ``datetime.date``/``datetime.datetime`` and lists of those. ``None`` means "missing" and
    is not stored.
    """
    if isinstance(value, _SCALARS):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, _SCALARS):
                raise AttributeTypeError(
                    f"{where}: field {field!r} holds a list item of type {type(item).__name__}; "
                    "expected str, int, float, bool, Decimal or date",
                    field=field,
                )
        return
    raise AttributeTypeError(
        f"{where}: field {field!r} has type {type(value).__name__}; expected str, int, float, "
        "bool, Decimal, date or a list of those",
        field=field,
    )


def _check_stages(stages: Any, where: str, id: str) -> None:
    """An alliance's ``stages``: a list of distinct stage names."""
    if not isinstance(stages, list) or not all(isinstance(s, str) and s for s in stages):
        raise AttributeTypeError(f"{where}: field 'stages' must be a list of stage names", field="stages", id=id)
    if len(set(stages)) != len(stages):
        raise InvalidStageError(f"{where}: field 'stages' repeats a stage: {stages}", field="stages", id=id)


def _clean_attrs(attrs: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Check every attribute name and value, then store them (:func:`_stored_attrs`)."""
    for key, value in attrs.items():
        if not isinstance(key, str) or not key:
            raise AttributeTypeError(f"{where}: attribute name {key!r} must be a non-empty string", field=key)
        if value is not None:
            check_value(value, where, key)
    return _stored_attrs(attrs)


def _stored_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Checked attributes as stored: ``None`` (missing) left out, tuples as lists."""
    return {k: _stored(v) for k, v in attrs.items() if v is not None}


@dataclass(frozen=True)
class Chain:
    """A chain alliance (链式联盟) seen along its stages.

    Attributes
    ----------
    alliance : str
        The alliance's id.
    stages : tuple of str
        The declared stages, in chain order.
    anchor : str or None
        The anchor unit (依托单位): the member whose ``role`` is ``"anchor"``.
    members : dict
        member id -> the stages it covers (in chain order).
    capacity : dict
        member id -> declared capacity (``None`` where not given).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.add_org("a", kind="alliance", stages=["研发", "生产"])
    >>> eco.add_org("m"); eco.add_relation("m", "a", "chain_member", stages=["研发"], role="anchor")
    >>> c = eco.chain("a")
    >>> c.anchor, c.members, c.gaps
    ('m', {'m': ('研发',)}, ['生产'])
    """

    alliance: str
    stages: tuple[str, ...]
    anchor: str | None
    members: dict[str, tuple[str, ...]]
    capacity: dict[str, int | None]

    @property
    def by_stage(self) -> dict[str, list[str]]:
        """Stage -> members covering it (every declared stage present, possibly empty)."""
        table: dict[str, list[str]] = {stage: [] for stage in self.stages}
        for member, stages in self.members.items():
            for stage in stages:
                table[stage].append(member)
        return table

    @property
    def gaps(self) -> list[str]:
        """Declared stages that no member covers."""
        return [stage for stage, members in self.by_stage.items() if not members]

    def to_dict(self) -> dict[str, Any]:
        return {
            "alliance": self.alliance,
            "stages": list(self.stages),
            "anchor": self.anchor,
            "members": {m: list(s) for m, s in self.members.items()},
            "capacity": dict(self.capacity),
            "by_stage": self.by_stage,
        }


@dataclass(frozen=True)
class Hierarchy:
    """The ``part_of`` forest: child -> parent.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> for i, k in [("n", "association"), ("d", "district"), ("c", "productivity_center")]:
    ...     eco.add_org(i, kind=k)
    >>> eco.add_relation("d", "n", "part_of"); eco.add_relation("c", "d", "part_of")
    >>> h = eco.hierarchy()
    >>> h.roots, h.path("c")
    (['n'], ['c', 'd', 'n'])

    Attributes
    ----------
    parent : dict
        child id -> parent id.
    nodes : tuple of str
        Every node of the forest.

    """

    parent: dict[str, str]
    nodes: tuple[str, ...] = field(default=())

    @property
    def roots(self) -> list[str]:
        """Nodes with children but no parent, in insertion order."""
        has_children = set(self.parent.values())
        return [n for n in self.nodes if n in has_children and n not in self.parent]

    def children(self, node: str) -> list[str]:
        return [c for c, p in self.parent.items() if p == node]

    def path(self, node: str) -> list[str]:
        """``node`` and its ancestors up to the root."""
        chain = [node]
        while chain[-1] in self.parent:
            chain.append(self.parent[chain[-1]])
        return chain

    def depth(self, node: str) -> int:
        return len(self.path(node)) - 1

    def descendants(self, node: str) -> list[str]:
        kids: dict[str, list[str]] = {}
        for child, parent in self.parent.items():
            kids.setdefault(parent, []).append(child)
        found: list[str] = []
        stack = list(kids.get(node, ()))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(kids.get(child, ()))
        return found

    def to_dict(self) -> dict[str, Any]:
        return {"parent": dict(self.parent), "roots": self.roots}


T = TypeVar("T")


class Ecosystem:
    """An innovation ecosystem: organisations and their typed relations.

    Wraps a :class:`networkx.MultiDiGraph` whose edge keys default to the relation type.
    Symmetric relations (``collaborates``) are stored once and read both ways.

    Parameters
    ----------
    name : str, optional
        A label for the ecosystem (also the namespace used when persisting it).
    vocabulary : Vocabulary, optional
        Kinds, sectors and relation types accepted; the built-in vocabulary by default.
    **attrs
        Free ecosystem-level attributes (source, year ...).

    Examples
    --------
    >>> eco = Ecosystem(name="bio")
    >>> eco.add_org("a", "生物医药联盟", kind="alliance", stages=["discovery", "clinical"])
    >>> eco.add_org("u", "复旦大学", kind="university")
    >>> eco.add_relation("u", "a", "chain_member", stages=["discovery"], role="anchor")
    >>> eco.chain("a").anchor
    'u'
    >>> len(eco), eco.number_of_relations()
    (2, 1)
    """

    def __init__(self, name: str = "ecosystem", vocabulary: Vocabulary | None = None, **attrs: Any) -> None:
        self.name = name
        self.vocabulary = vocabulary if vocabulary is not None else Vocabulary()
        self.attrs: dict[str, Any] = _clean_attrs(attrs, f"ecosystem {name!r}")
        self._graph = nx.MultiDiGraph()
        self._version = 0
        self._cache: dict[Hashable, Any] = {}
        self._read_only: str | None = None  # what this read-only ecosystem is (a snapshot)
        self._log: AdditionLog | None = AdditionLog()  # None once something was removed or written directly

    # ------------------------------------------------------------------ building
    def add_org(
        self,
        id: str,
        name: str | None = None,
        kind: str = "enterprise",
        sector: str | None = None,
        **attrs: Any,
    ) -> None:
        """Add an organisation.

        Parameters
        ----------
        id : str
            Unique, non-empty id.
        name : str, optional
            Display name (Unicode); defaults to ``id``.
        kind : str
            One of the vocabulary's kinds (``enterprise`` by default).
        sector : str, optional
            Defaults to the kind's sector.
        **attrs
            Free attributes; ``None`` values are treated as missing.

        Raises
        ------
        DuplicateIdError, UnknownKindError, UnknownSectorError, AttributeTypeError
        """
        self._check_writable()
        cols = [(k, [v]) for k, v in attrs.items()]
        fixed = self._check_orgs([id], None if name is None else [name], kind, sector, cols)  # a batch of one
        self._graph.add_node(id, name=id if name is None else name, **fixed, **_stored_attrs(attrs))
        if self._log is not None:
            self._log.add_nodes([id], [self._graph._node[id]])
        self._touch()

    def update_org(self, id: str, **attrs: Any) -> None:
        """Change fields of an existing organisation; ``None`` removes a free attribute.

        Changing ``kind`` re-defaults ``sector`` unless a sector is given. The change is undone
        if it would break a relation touching the organisation.

        Raises
        ------
        NodeNotFoundError, ValidationError
        """
        self._check_writable()
        current = self.node(id)
        del current["id"]
        merged = {**current, **attrs}
        if "kind" in attrs and "sector" not in attrs:
            merged["sector"] = None
        name, kind, sector = merged.pop("name"), merged.pop("kind"), merged.pop("sector")
        cols = [(k, [v]) for k, v in merged.items()]
        fixed = self._check_orgs([id], None if name is None else [name], kind, sector, cols, existing=True)
        record = {"name": id if name is None else name, **fixed, **_stored_attrs(merged)}
        data = self._graph.nodes[id]
        previous = dict(data)
        data.clear()
        data.update(record)
        try:
            for u, v, k, d in [*self._graph.in_edges(id, keys=True, data=True),
                               *self._graph.out_edges(id, keys=True, data=True)]:
                self._check_stored_relation(u, v, k, d)
        except ValidationError:
            data.clear()
            data.update(previous)
            raise
        self._touch()

    def remove_org(self, id: str) -> None:
        """Remove an organisation and every relation touching it."""
        self._check_writable()
        self._require(id)
        self._graph.remove_node(id)
        self._log = None
        self._touch()

    def add_relation(self, source: str, target: str, type: str, key: str | None = None, **attrs: Any) -> None:
        """Add a typed relation ``source -> target``.

        Parameters
        ----------
        source, target : str
            Ids of existing organisations.
        type : str
            One of the vocabulary's relation types.
        key : str, optional
            Edge key; defaults to ``type``. Give distinct keys to keep several relations of one
            type between the same pair (e.g. ``serves`` records per year).
        **attrs
            Relation attributes (see :data:`DEFAULT_RELATIONS`).

        Raises
        ------
        UnknownRelationError, DanglingEndpointError, EndpointKindError, DuplicateRelationError,
        InvalidRingError, InvalidStageError, HierarchyCycleError, AttributeTypeError
        """
        self._check_writable()
        key = type if key is None else key
        cols = {k: [v] for k, v in attrs.items()}
        self._check_relations(type, [source], [target], [key], cols)  # a batch of one
        self._graph.add_edge(source, target, key=key, type=type, **_stored_attrs(attrs))
        if self._log is not None:
            self._log.add_edges([source], [target], type, [self._graph._succ[source][target][key]])
        self._touch()

    def add_orgs(
        self,
        ids: Sequence[str],
        names: Sequence[str] | None = None,
        kind: str = "enterprise",
        sector: str | None = None,
        **columns: Sequence[Any],
    ) -> None:
        """Add many organisations of one kind at once, all or none (fast path for large data).

        The rules are those of :meth:`add_org` (a single organisation is a batch of one); each
        column is checked as a whole (one type check per distinct value type, not per row);
        ``None`` cells are missing values.

        Parameters
        ----------
        ids : sequence of str
            New, unique, non-empty ids.
        names : sequence of str, optional
            Display names, parallel to ``ids`` (default: the ids).
        kind, sector : str
            As in :meth:`add_org`, shared by the whole batch.
        **columns
            Attribute name -> sequence parallel to ``ids`` (lists or numpy arrays).

        Raises
        ------
        DuplicateIdError, UnknownKindError, UnknownSectorError, AttributeTypeError, ValidationError

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_orgs(["f1", "f2"], ["甲", "乙"], sme=[True, None])
        >>> eco.node("f2")
        {'id': 'f2', 'name': '乙', 'kind': 'enterprise', 'sector': 'industry'}
        """
        self._check_writable()
        ids = _as_list(ids)
        if not ids:
            return
        names = None if names is None else _as_list(names)
        attr_cols = [(k, _as_list(v)) for k, v in columns.items()]
        fixed = self._check_orgs(ids, names, kind, sector, attr_cols)
        records = _records(fixed, attr_cols, len(ids), lead=ids if names is None else names)
        _bulk_add_nodes(self._graph, ids, records)
        if self._log is not None:
            self._log.add_nodes(ids, records)
        self._touch()

    def add_relations(
        self,
        sources: Sequence[str],
        targets: Sequence[str],
        type: str,
        keys: Sequence[str] | None = None,
        **columns: Sequence[Any],
    ) -> None:
        """Add many relations of one type at once, all or none (fast path for large data).

        The rules are written once for both (a single :meth:`add_relation` is a batch of one):
        endpoints exist, target kinds, exact money and integer fields, rings, no duplicate
        (source, target, key), no ``part_of`` cycle; ``chain_member`` stages row by row.

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_orgs(["c", "f1", "f2"])
        >>> eco.add_relations(["c", "c"], ["f1", "f2"], "serves", count=[3, 1], year=[2010, 2010])
        >>> eco.number_of_relations("serves")
        2
        """
        self._check_writable()
        sources, targets = _as_list(sources), _as_list(targets)
        keys = [type] * len(sources) if keys is None else _as_list(keys)
        cols = {k: _as_list(v) for k, v in columns.items()}
        self._check_relations(type, sources, targets, keys, cols)
        records = _records({"type": type}, list(cols.items()), len(sources))
        _bulk_add_edges(self._graph, zip(sources, targets, keys), records)
        if self._log is not None:
            self._log.add_edges(sources, targets, type, records)
        self._touch()

    def _check_orgs(self, ids: list[Any], names: list[Any] | None, kind: Any, sector: Any,
                    attr_cols: list[tuple[str, list[Any]]], existing: bool = False) -> dict[str, Any]:
        """Every rule for organisations of one kind (new ones unless ``existing``); returns the
        kind and sector their records carry. A single organisation is a batch of one."""
        where = (f"organisation {ids[0]!r}" if len(ids) == 1
                 else f"add_orgs ({len(ids)} organisations of kind {kind!r})")
        if kind not in self.vocabulary.kinds:
            raise UnknownKindError(f"{where}: unknown kind {kind!r}; expected one of {sorted(self.vocabulary.kinds)}",
                                   field="kind", id=ids[0], value=kind)
        if sector is None:
            sector = self.vocabulary.kinds[kind]
        if sector not in self.vocabulary.sectors:
            raise UnknownSectorError(
                f"{where}: unknown sector {sector!r}; expected one of {list(self.vocabulary.sectors)}",
                field="sector", id=ids[0], value=sector)
        if not _types_within(ids, _STR) or "" in ids:
            raise ValidationError(f"{where}: an organisation id must be a non-empty string", field="id", id=ids[0])
        if not existing:
            if len(ids) > 1 and len(set(ids)) != len(ids):
                dup = next(i for i, n in _counts(ids).items() if n > 1)
                raise DuplicateIdError(f"{where}: id {dup!r} appears twice in the batch", field="id", id=dup)
            clash = next(filter(self._graph._node.__contains__, ids), None)
            if clash is not None:
                raise DuplicateIdError(f"{where}: duplicate organisation id {clash!r}: ids must be unique",
                                       field="id", id=clash)
        if names is not None and (len(names) != len(ids) or not _types_within(names, _STR)):
            raise AttributeTypeError(f"{where}: field 'name' must be a string (one per id)", field="name", id=ids[0])
        for field_name, col in attr_cols:
            self._check_column(field_name, col, len(ids), where, reserved=RESERVED_NODE_FIELDS + ("type",))
        columns = dict(attr_cols)
        if kind == "alliance" and "stages" in columns:
            for ident, stages in zip(ids, columns["stages"]):
                _check_stages(stages, f"organisation {ident!r}", ident)
        if not columns.keys().isdisjoint(timeline.TIME_FIELDS):
            times = {name: columns[name] for name in timeline.TIME_FIELDS if name in columns}
            for i, ident in enumerate(ids):
                timeline.check_interval({name: col[i] for name, col in times.items()}, f"organisation {ident!r}", ident)
        return {"kind": kind, "sector": sector}

    def _check_relations(self, type: str, sources: list[Any], targets: list[Any], keys: list[Any],
                         cols: dict[str, list[Any]], existing: bool = False) -> None:
        """Every rule for relations of one type (new ones unless ``existing``: then neither
        duplicates nor part_of cycles are looked for). A single relation is a batch of one."""
        spec = self.vocabulary.relations.get(type)
        where = (f"relation {sources[0]!r} -[{type}]-> {targets[0]!r}" if len(sources) == 1
                 else f"add_relations ({len(sources)} relations of type {type!r})")
        if spec is None:
            raise UnknownRelationError(
                f"{where}: unknown relation type {type!r}; expected one of {sorted(self.vocabulary.relations)}",
                field="type", value=type,
            )
        if len(targets) != len(sources):
            raise ValidationError(f"{where}: {len(sources)} sources but {len(targets)} targets", field="target")
        if len(keys) != len(sources) or not _types_within(keys, _STR) or "" in keys:
            self._check_column("key", keys, len(sources), where, reserved=())  # a wrong length or unstorable key first
            raise ValidationError(f"{where}: a key must be a non-empty string", field="key")
        for field_name, col in cols.items():
            self._check_column(field_name, col, len(sources), where, reserved=("type",))
        nodes = self._graph._node
        for role, ends in (("source", sources), ("target", targets)):
            unique = dict.fromkeys(ends)
            # a subset test in C over the batch's ends only (a key difference would walk every
            # organisation: quadratic for single adds); then the first missing one in order
            if not nodes.keys() >= unique.keys():
                missing = next(n for n in unique if n not in nodes)
                raise DanglingEndpointError(f"{where}: {role} {missing!r} is not an organisation of the ecosystem",
                                            field=role, id=missing)
        if spec.target_kinds is not None:
            bad = next((t for t in dict.fromkeys(targets) if nodes[t]["kind"] not in spec.target_kinds), None)
            if bad is not None:
                raise EndpointKindError(
                    f"{where}: target {bad!r} has kind {nodes[bad]['kind']!r}; {type} expects a target of kind "
                    f"{' or '.join(sorted(spec.target_kinds))}", field="target", id=bad)
        for name in spec.money:
            col = cols.get(name)
            if col is None:
                continue
            if not _types_within(col, _EXACT):
                kinds = set(map(builtins_type, col)) - {_NONE_TYPE}
                raise AttributeTypeError(f"{where}: field {name!r} is money and must be exact: ints in the smallest "
                                         f"unit (fen) or Decimals, got {sorted(k.__name__ for k in kinds)}", field=name)
            _check_amounts(col, where, name)
        for name in spec.integers:
            col = cols.get(name)
            if col is not None and not _types_within(col, _INTEGER):
                kinds = set(map(builtins_type, col)) - {_NONE_TYPE}
                raise AttributeTypeError(f"{where}: field {name!r} must hold integers, got "
                                         f"{sorted(k.__name__ for k in kinds)}", field=name)
        bad_rings = [r for r in cols.get("ring", [None]) if r not in RINGS] if type == "in_ring" else []
        if bad_rings:
            raise InvalidRingError(f"{where}: field 'ring' is {bad_rings[0]!r}; expected one of {list(RINGS)}",
                                   field="ring", id=sources[0])
        if not existing:
            triples = list(zip(sources, targets, keys))
            if not spec.directed:
                triples = [(u, v, k) if u <= v else (v, u, k) for u, v, k in triples]
            if len(triples) > 1 and len(set(triples)) != len(triples):
                raise DuplicateRelationError(f"{where}: the batch repeats a (source, target, key)", field="key")
            adj, pred = self._graph._adj, self._graph._pred
            # only a target (either end, if symmetric) with a relation already can repeat one: a batch
            # to new organisations skips the loop
            linked = any(map(pred.__getitem__, targets if spec.directed else [*sources, *targets]))
            for u, v, k in triples if linked else ():
                if k in adj[u].get(v, ()) or (not spec.directed and k in adj[v].get(u, ())):
                    raise DuplicateRelationError(f"{where}: relation {u!r} -[{k}]-> {v!r} exists already; pass a "
                                                 "distinct key= to keep both", field="key", id=k)
        if type == "chain_member":
            for i, (u, v) in enumerate(zip(sources, targets)):
                self._check_chain_member(v, {c: col[i] for c, col in cols.items() if col[i] is not None},
                                         f"relation {u!r} -[chain_member]-> {v!r}", u)
        if type == "part_of" and not existing:
            tree = self._hierarchy_graph()
            tree.add_edges_from(zip(sources, targets))
            try:
                cycle = nx.find_cycle(tree)
            except nx.NetworkXNoCycle:
                cycle = None
            if cycle:
                raise HierarchyCycleError(f"{where}: would close a part_of cycle through {cycle[0][0]!r}",
                                          field="part_of", id=cycle[0][0])
        self._check_intervals(sources, targets, type, cols)

    def _check_stored_relation(self, u: str, v: str, k: str, data: Mapping[str, Any]) -> None:
        """The rules of one stored relation, against the organisations as they are now."""
        cols = {a: [b] for a, b in data.items() if a != "type"}
        self._check_relations(data.get("type"), [u], [v], [k], cols, existing=True)

    def _check_intervals(self, sources: list[str], targets: list[str], type: str, cols: dict[str, list[Any]]) -> None:
        """Each relation's since/until, and its interval inside both endpoints' (skipped when
        neither the batch nor any endpoint carries a bound)."""
        nodes = self._graph._node
        if cols.keys().isdisjoint(timeline.TIME_FIELDS):
            for n in {*sources, *targets}:
                if "since" in nodes[n] or "until" in nodes[n]:
                    break
            else:
                return
        times = {name: cols[name] for name in timeline.TIME_FIELDS if name in cols}
        for i, (u, v) in enumerate(zip(sources, targets)):
            where = f"relation {u!r} -[{type}]-> {v!r}"
            span = timeline.check_interval({name: col[i] for name, col in times.items()}, where, u)
            timeline.check_inside(span, nodes[u], where, "source", u)
            timeline.check_inside(span, nodes[v], where, "target", v)

    def _check_column(self, name: str, col: list[Any], length: int, where: str, reserved: tuple[str, ...]) -> None:
        if not isinstance(name, str) or not name:
            raise AttributeTypeError(f"{where}: attribute name {name!r} must be a non-empty string", field=name)
        if name in reserved:
            raise AttributeTypeError(f"{where}: attribute {name!r} is reserved", field=name)
        if len(col) != length:
            raise ValidationError(f"{where}: column {name!r} has {len(col)} values for {length} rows", field=name)
        if length == 1:  # a single value: the same rule without grouping by type
            if col[0] is not None:
                check_value(col[0], where, name)
            return
        for kind in {builtins_type(v) for v in col}:
            sample = next(v for v in col if builtins_type(v) is kind)
            if sample is None:
                continue
            if isinstance(sample, (list, tuple)):
                for value in col:
                    if builtins_type(value) is kind:
                        check_value(value, where, name)
            elif not issubclass(kind, _SCALARS):
                raise AttributeTypeError(
                    f"{where}: field {name!r} holds {kind.__name__} values; expected str, int, float, bool, "
                    "Decimal, date or a list of those", field=name)

    def remove_relation(self, source: str, target: str, key: str) -> None:
        """Remove one relation (for symmetric relations either orientation works)."""
        self._check_writable()
        if self._graph.has_edge(source, target, key):
            self._graph.remove_edge(source, target, key)
        elif self._graph.has_edge(target, source, key) and not self._spec_of(target, source, key).directed:
            self._graph.remove_edge(target, source, key)
        else:
            raise NodeNotFoundError(f"no relation {source!r} -[{key}]-> {target!r}", id=key)
        self._log = None
        self._touch()

    # ------------------------------------------------------------------ reading
    @property
    def graph(self) -> nx.MultiDiGraph:
        """The underlying multigraph. Read it freely; mutate only through the Ecosystem."""
        return self._graph

    @property
    def version(self) -> int:
        """A counter bumped on every mutation (used to invalidate compiled matrices)."""
        return self._version

    def cached(self, key: Hashable, factory: Callable[[], T]) -> T:
        """Return ``factory()`` memoised until the ecosystem next changes."""
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]

    def __len__(self) -> int:
        return self._graph.number_of_nodes()

    def __contains__(self, id: object) -> bool:
        return id in self._graph

    def __iter__(self) -> Iterator[str]:
        return iter(self._graph)

    def number_of_relations(self, type: str | None = None) -> int:
        if type is None:
            return self._graph.number_of_edges()
        return sum(1 for *_e, t in self._graph.edges(data="type") if t == type)

    def node(self, id: str) -> dict[str, Any]:
        """A copy of one organisation's record: ``id``, ``name``, ``kind``, ``sector``, attributes."""
        self._require(id)
        return {"id": id, **self._graph.nodes[id]}

    def nodes(self, kind: str | Iterable[str] | None = None) -> list[str]:
        """Ids of organisations, optionally of one kind or several kinds, in insertion order."""
        if kind is None:
            return list(self._graph)
        kinds = {kind} if isinstance(kind, str) else set(kind)
        view = self._cache.get(_VIEW_KEY)  # this version is compiled already: its kind column is kept
        if view is not None:
            return list(compress(view.nodes, map(kinds.__contains__, view.column("kind"))))
        return [n for n, d in self._graph._node.items() if d["kind"] in kinds]  # not through networkx's views: 3x faster

    def orgs(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Iterate ``(id, attrs)`` of every organisation in insertion order; attrs are the stored
        records (without ``id``). Do not mutate them.

        Examples
        --------
        >>> eco = Ecosystem(); eco.add_org("a", region="苏州")
        >>> list(eco.orgs())
        [('a', {'name': 'a', 'kind': 'enterprise', 'sector': 'industry', 'region': '苏州'})]
        """
        return iter(self._graph._node.items())

    def relations(
        self, type: str | Iterable[str] | None = None
    ) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Iterate ``(source, target, key, attrs)``; attrs include ``type``. Do not mutate them."""
        types = None if type is None else ({type} if isinstance(type, str) else set(type))
        # straight over the adjacency dicts: several times faster than edges(keys=True, data=True)
        for u, nbrs in self._graph._adj.items():
            for v, keyed in nbrs.items():
                for k, d in keyed.items():
                    if types is None or d["type"] in types:
                        yield u, v, k, d

    def kind_of(self, id: str) -> str:
        self._require(id)
        return self._graph.nodes[id]["kind"]

    def is_directed_relation(self, type: str) -> bool:
        return self.vocabulary.relations[type].directed

    # ------------------------------------------------------------------ time
    def at(self, t: timeline.TimePoint) -> Ecosystem:
        """The ecosystem as it stood at ``t`` (a year or a date): a cheap, read-only snapshot.

        Keeps the organisations and relations with ``since <= t < until`` (missing bounds are
        open); records are shared with this ecosystem, not copied (see :mod:`ecograph.timeline`).

        Raises
        ------
        TimeIntervalError
            ``t`` is neither a year nor a date.

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_org("a", since=2010); eco.add_org("b", until=2011)
        >>> sorted(eco.at(2009)), sorted(eco.at(2010)), sorted(eco.at(2011))
        (['b'], ['a', 'b'], ['a'])
        """
        return timeline.snapshot(self, t)

    def periods(self) -> list[timeline.TimePoint]:
        """The periods the ecosystem is observed at, in time order.

        The ecosystem attribute ``periods`` when given (panel loaders and built-in panels set
        it), else every distinct ``since`` value; empty for an ecosystem without time.

        Examples
        --------
        >>> eco = Ecosystem(); eco.add_org("a", since=2011); eco.add_org("b", since=2010, until=2012)
        >>> eco.periods()
        [2010, 2011]
        """
        if "periods" in self.attrs:
            return sorted(self.attrs["periods"], key=timeline.time_key)
        since = {}
        for record in timeline._records(self):
            if record.get("since") is not None:
                since.setdefault(timeline.time_key(record["since"]), record["since"])
        return [since[k] for k in sorted(since)]

    @property
    def read_only(self) -> bool:
        """``True`` for a snapshot (changes raise :class:`~ecograph.errors.ReadOnlyError`)."""
        return self._read_only is not None

    # ------------------------------------------------------------------ typed views
    def platforms(self) -> list[str]:
        """Ids of the platforms (技术创新服务平台)."""
        return self.nodes("platform")

    def rings(self, platform: str) -> dict[str, list[str]]:
        """Members of a platform by circle layer, innermost first (all four keys present).

        The one rule for a member declared in several rings of the same platform: it belongs
        to the innermost of them (a core-ring association that also radiates is core ring), so
        every member is counted, analysed and drawn once.

        Raises
        ------
        NodeNotFoundError, EndpointKindError

        Examples
        --------
        >>> eco = Ecosystem(); eco.add_org("p", kind="platform"); eco.add_org("m")
        >>> eco.add_relation("m", "p", "in_ring", ring="radiation")
        >>> eco.add_relation("m", "p", "in_ring", ring="core_ring", key="also")
        >>> eco.rings("p")["core_ring"], eco.rings("p")["radiation"]
        (['m'], [])
        """
        self._require_kind(platform, {"platform"})
        innermost: dict[str, int] = {}
        for u, _, d in self._graph.in_edges(platform, data=True):
            if d["type"] == "in_ring":
                innermost[u] = min(innermost.get(u, len(RINGS)), RINGS.index(d["ring"]))
        layers: dict[str, list[str]] = {ring: [] for ring in RINGS}
        for member, ring in innermost.items():
            layers[RINGS[ring]].append(member)
        return layers

    def alliances(self) -> list[str]:
        """Ids of the chain alliances (链式平台/联盟)."""
        return self.nodes("alliance")

    def chain(self, alliance: str) -> Chain:
        """The alliance's members along its declared stages, and its anchor unit."""
        self._require_kind(alliance, {"alliance"})
        stages = tuple(self._graph.nodes[alliance].get("stages", ()))
        order = index_of(stages)
        members: dict[str, tuple[str, ...]] = {}
        capacity: dict[str, int | None] = {}
        anchor = None
        for u, _, d in self._graph.in_edges(alliance, data=True):
            if d["type"] != "chain_member":
                continue
            members[u] = tuple(sorted(d.get("stages", ()), key=order.__getitem__))
            capacity[u] = d.get("capacity")
            if d.get("role") == "anchor":
                anchor = u
        return Chain(alliance, stages, anchor, members, capacity)

    def associations(self) -> list[str]:
        """Ids of associations and societies (行业协会/商会/学会)."""
        return self.nodes(("association", "society"))

    def members(self, association: str) -> list[str]:
        """Direct members (``member_of`` sources) of an association, society or district."""
        self._require_kind(association, set(MEMBERSHIP_KINDS))
        return [u for u, _, t in self._graph.in_edges(association, data="type") if t == "member_of"]

    def hierarchy(self) -> Hierarchy:
        """The ``part_of`` forest (e.g. national association -> districts -> centres)."""
        view = compiled(self)
        part_of = view.relation("part_of")
        nodes = view.nodes
        parent = {nodes[u]: nodes[v] for u, v in zip(part_of.source.tolist(), part_of.target.tolist())}
        return Hierarchy(parent, tuple(nodes))

    # ------------------------------------------------------------------ whole-graph operations
    def subgraph(
        self,
        relations: str | Iterable[str] | None = None,
        kinds: str | Iterable[str] | None = None,
        nodes: Iterable[str] | None = None,
    ) -> Ecosystem:
        """A new ecosystem with only the given relation types, node kinds and/or nodes."""
        keep = set(self.nodes(kinds))
        if nodes is not None:
            wanted = set(nodes)
            for node in wanted:
                self._require(node)
            keep &= wanted
        types = None if relations is None else ({relations} if isinstance(relations, str) else set(relations))
        if types is not None:
            for t in types:
                if t not in self.vocabulary.relations:
                    raise UnknownRelationError(f"subgraph: unknown relation type {t!r}", field="relations", value=t)
        out = self._empty_like()
        out._log = None  # written directly below
        out._graph.add_nodes_from((n, dict(d)) for n, d in self._graph.nodes(data=True) if n in keep)
        out._graph.add_edges_from(
            (u, v, k, dict(d))
            for u, v, k, d in self._graph.edges(keys=True, data=True)
            if u in keep and v in keep and (types is None or d["type"] in types)
        )
        return out

    def copy(self) -> Ecosystem:
        """A deep-enough copy: the graph and attribute dicts are new, values are shared."""
        out = self._empty_like()
        out._log = None  # written directly below
        out._graph = nx.MultiDiGraph()
        out._graph.add_nodes_from((n, _copy_attrs(d)) for n, d in self._graph.nodes(data=True))
        out._graph.add_edges_from((u, v, k, _copy_attrs(d)) for u, v, k, d in self._graph.edges(keys=True, data=True))
        return out

    def to_networkx(self) -> nx.MultiDiGraph:
        """A new :class:`networkx.MultiDiGraph`: node attributes include ``name``, ``kind`` and
        ``sector``; every edge has a ``type`` and its key."""
        graph = nx.MultiDiGraph(name=self.name, **self.attrs)
        graph.add_nodes_from((n, _copy_attrs(d)) for n, d in self._graph.nodes(data=True))
        graph.add_edges_from((u, v, k, _copy_attrs(d)) for u, v, k, d in self._graph.edges(keys=True, data=True))
        return graph

    @classmethod
    def from_networkx(
        cls,
        graph: nx.Graph,
        *,
        name: str | None = None,
        default_kind: str = "enterprise",
        default_relation: str | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> Ecosystem:
        """Build an ecosystem from any networkx graph, validating everything.

        Node ids are turned into strings. Node attributes ``name``, ``kind`` and ``sector`` are
        used when present (``kind`` defaults to ``default_kind``). The relation type is the
        edge attribute ``type``, else ``default_relation`` (``collaborates`` for undirected
        graphs, ``serves`` for directed ones).

        Raises
        ------
        ValidationError
            The first problem found; nothing is returned half-built.

        Examples
        --------
        >>> import networkx as nx
        >>> eco = Ecosystem.from_networkx(nx.path_graph(3))
        >>> sorted(eco), eco.number_of_relations("collaborates")
        (['0', '1', '2'], 2)
        """
        relation = default_relation or ("serves" if graph.is_directed() else "collaborates")
        graph_attrs = {k: v for k, v in graph.graph.items() if k != "name"}
        eco = cls(name=name or str(graph.graph.get("name") or "ecosystem"), vocabulary=vocabulary, **graph_attrs)
        for node, data in graph.nodes(data=True):
            attrs = {k: v for k, v in data.items() if k not in ("id", "name", "kind", "sector")}
            eco.add_org(
                str(node),
                data.get("name"),
                kind=data.get("kind", default_kind),
                sector=data.get("sector"),
                **attrs,
            )
        if graph.is_multigraph():
            edges: Iterable[tuple[Any, Any, Any, dict]] = graph.edges(keys=True, data=True)
        else:
            edges = ((u, v, None, d) for u, v, d in graph.edges(data=True))
        for u, v, k, d in edges:
            attrs = {a: b for a, b in d.items() if a != "type"}
            rtype = d.get("type", relation)
            key = k if isinstance(k, str) and k != rtype else None
            eco.add_relation(str(u), str(v), rtype, key=key, **attrs)
        return eco

    # ------------------------------------------------------------------ validation
    def problems(self) -> list[ValidationError]:
        """Every data-model problem found, as exceptions (empty when the ecosystem is valid).

        Ecosystems built through the API are valid by construction; this re-checks a graph that
        was edited directly, or one assembled by a loader before it is handed out.
        """
        found: list[ValidationError] = []
        seen_ids: set[str] = set()
        for node, data in self._graph.nodes(data=True):
            try:
                if node in seen_ids:
                    raise DuplicateIdError(f"duplicate organisation id {node!r}", field="id", id=node)
                seen_ids.add(node)
                name = data.get("name")
                self._check_orgs([node], None if name is None else [name], data.get("kind"), data.get("sector"),
                                 [(k, [v]) for k, v in data.items() if k not in RESERVED_NODE_FIELDS], existing=True)
            except ValidationError as exc:
                found.append(exc)
        for u, v, k, d in self.relations():
            try:
                self._check_stored_relation(u, v, k, d)
            except ValidationError as exc:
                found.append(exc)
        cycle = self._hierarchy_cycle()
        if cycle:
            found.append(
                HierarchyCycleError(f"part_of relations form a cycle: {' -> '.join(cycle)}", field="part_of", id=cycle[0])
            )
        return found

    def validate(self) -> None:
        """Raise the first problem found (its ``problems`` attribute lists them all).

        Raises
        ------
        ValidationError
            A specific subclass (e.g. :class:`~ecograph.errors.InvalidRingError`).
        """
        found = self.problems()
        if found:
            first = found[0]
            first.problems = found  # type: ignore[attr-defined]
            raise first

    # ------------------------------------------------------------------ comparison, display
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ecosystem):
            return NotImplemented
        if self.name != other.name or self.attrs != other.attrs:
            return False
        if dict(self._graph.nodes(data=True)) != dict(other._graph.nodes(data=True)):
            return False
        return _edge_table(self) == _edge_table(other)

    __hash__ = None  # type: ignore[assignment]

    def diff(self, other: Ecosystem) -> list[str]:
        """Human-readable differences with another ecosystem (empty when equal)."""
        out: list[str] = []
        if self.name != other.name:
            out.append(f"name: {self.name!r} != {other.name!r}")
        if self.attrs != other.attrs:
            out.append(f"attrs: {self.attrs!r} != {other.attrs!r}")
        mine, theirs = dict(self._graph.nodes(data=True)), dict(other._graph.nodes(data=True))
        for n in mine.keys() - theirs.keys():
            out.append(f"node {n!r} only in self")
        for n in theirs.keys() - mine.keys():
            out.append(f"node {n!r} only in other")
        for n in mine.keys() & theirs.keys():
            if mine[n] != theirs[n]:
                out.append(f"node {n!r}: {mine[n]!r} != {theirs[n]!r}")
        a, b = _edge_table(self), _edge_table(other)
        for e in a.keys() - b.keys():
            out.append(f"relation {e!r} only in self")
        for e in b.keys() - a.keys():
            out.append(f"relation {e!r} only in other")
        for e in a.keys() & b.keys():
            if a[e] != b[e]:
                out.append(f"relation {e!r}: {a[e]!r} != {b[e]!r}")
        return out

    def summary(self) -> dict[str, Any]:
        """Counts by kind, sector and relation type."""
        def count(values: Iterable[str]) -> dict[str, int]:
            table: dict[str, int] = {}
            for v in values:
                table[v] = table.get(v, 0) + 1
            return dict(sorted(table.items(), key=lambda kv: (-kv[1], kv[0])))

        return {
            "name": self.name,
            "organisations": len(self),
            "relations": self.number_of_relations(),
            "by_kind": count(k for _, k in self._graph.nodes(data="kind")),
            "by_sector": count(s for _, s in self._graph.nodes(data="sector")),
            "by_relation": count(t for *_e, t in self._graph.edges(data="type")),
        }

    def __repr__(self) -> str:
        kinds = self.summary()["by_kind"]
        top = ", ".join(f"{k}={v}" for k, v in list(kinds.items())[:4])
        more = ", ..." if len(kinds) > 4 else ""
        return (
            f"<Ecosystem {self.name!r}: {len(self)} organisations ({top}{more}), "
            f"{self.number_of_relations()} relations>"
        )

    # ------------------------------------------------------------------ internals
    def _check_writable(self) -> None:
        if self._read_only is not None:
            raise ReadOnlyError(f"{self._read_only} is read-only: change the ecosystem it was taken from")

    def _touch(self) -> None:
        self._version += 1
        self._cache.clear()

    def _empty_like(self) -> Ecosystem:
        return Ecosystem(self.name, self.vocabulary.copy(), **self.attrs)

    def _adopt(self, nodes: list[tuple[str, dict[str, Any]]], edges: list[tuple[tuple[str, str, str], dict[str, Any]]]) -> None:
        """Insert validated records as they are (shared, not copied): the snapshot builder."""
        self._log = None  # relations of several types at once: its view walks the graph
        _bulk_add_nodes(self._graph, [n for n, _ in nodes], (d for _, d in nodes))
        _bulk_add_edges(self._graph, (e for e, _ in edges), (d for _, d in edges))

    def _require(self, id: str) -> None:
        if id not in self._graph:
            raise NodeNotFoundError(f"no organisation with id {id!r}", id=id)

    def _require_kind(self, id: str, kinds: set[str]) -> None:
        self._require(id)
        kind = self._graph.nodes[id]["kind"]
        if kind not in kinds:
            raise EndpointKindError(
                f"organisation {id!r} has kind {kind!r}; expected one of {sorted(kinds)}", id=id, field="kind"
            )

    def _spec_of(self, u: str, v: str, key: str) -> RelationSpec:
        return self.vocabulary.relations[self._graph.edges[u, v, key]["type"]]

    def _check_chain_member(self, alliance: str, attrs: dict[str, Any], where: str, member: str) -> None:
        declared = self._graph.nodes[alliance].get("stages")
        stages = attrs.get("stages", [])
        if isinstance(stages, str):
            raise AttributeTypeError(f"{where}: field 'stages' must be a list, got the string {stages!r}", field="stages")
        if declared is not None:
            for stage in stages:
                if stage not in declared:
                    raise InvalidStageError(
                        f"{where}: stage {stage!r} is not a stage of alliance {alliance!r}; expected one of {declared}",
                        field="stages",
                        id=member,
                        value=stage,
                    )
        role = attrs.get("role", "member")
        if role not in ("anchor", "member"):
            raise ValidationError(f"{where}: field 'role' is {role!r}; expected 'anchor' or 'member'", field="role", id=member)
        if role == "anchor":
            for u, _, d in self._graph.in_edges(alliance, data=True):
                if d["type"] == "chain_member" and d.get("role") == "anchor" and u != member:
                    raise ValidationError(
                        f"{where}: alliance {alliance!r} already has the anchor unit {u!r}; an alliance has one anchor",
                        field="role",
                        id=member,
                    )

    def _hierarchy_graph(self) -> nx.DiGraph:
        return nx.DiGraph((u, v) for u, v, t in self._graph.edges(data="type") if t == "part_of")

    def _hierarchy_cycle(self) -> list[str]:
        try:
            cycle = nx.find_cycle(self._hierarchy_graph())
        except nx.NetworkXNoCycle:
            return []
        return [u for u, _ in cycle] + [cycle[0][0]]


def _records(fixed: dict[str, Any], columns: list[tuple[str, list[Any]]], count: int,
             lead: list[Any] | None = None) -> list[dict[str, Any]]:
    """``count`` attribute dicts, one per row: the ``lead`` column as ``name`` (nodes), then
    ``fixed``, then the row's cells (``None`` cells left out, tuples stored as lists)."""
    names = [name for name, _ in columns]
    cols = [[_stored(v) for v in col] if any(map(isinstance, col, repeat(tuple))) else col for _, col in columns]
    keys = (*(() if lead is None else ("name",)), *fixed, *names)
    values = [*(() if lead is None else (lead,)), *(repeat(v, count) for v in fixed.values()), *cols]
    # dict(zip(keys, row)) row by row, all in C: no Python frame per record
    records = list(map(dict, map(zip, repeat(keys), zip(*values)))) if values else [{} for _ in range(count)]
    for name, col in zip(names, cols):
        if None in col:
            for record, value in zip(records, col):
                if value is None:
                    del record[name]
    return records


def _bulk_add_nodes(graph: nx.MultiDiGraph, ids: list[str], records: Iterable[dict[str, Any]]) -> None:
    """Insert new, validated nodes straight into networkx's dicts (what ``add_nodes_from``
    does, without its per-node checks: 500,000 firms in well under a second)."""
    node, succ, pred = graph._node, graph._succ, graph._pred
    inner = graph.adjlist_inner_dict_factory
    with _gc_paused():
        for ident, record in zip(ids, records):
            node[ident] = record
            succ[ident] = inner()
            pred[ident] = inner()
    nx._clear_cache(graph)


def _bulk_add_edges(graph: nx.MultiDiGraph, triples: Iterable[tuple[str, str, str]], records: Iterable[dict[str, Any]]) -> None:
    """Insert new, validated edges straight into networkx's adjacency (the key dict of
    ``u -> v`` is shared by ``succ[u][v]`` and ``pred[v][u]``, as ``MultiDiGraph.add_edge`` keeps it)."""
    succ, pred = graph._succ, graph._pred
    new_keydict = graph.edge_key_dict_factory
    with _gc_paused():
        for (u, v, k), record in zip(triples, records):
            keydict = succ[u].get(v)
            if keydict is None:
                keydict = succ[u][v] = pred[v][u] = new_keydict()
            keydict[k] = record
    nx._clear_cache(graph)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of acyclic dicts: otherwise
    it runs over the growing graph again and again (the build takes several times longer)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _as_list(values: Any) -> list[Any]:
    """A plain list from a sequence or numpy array (numpy scalars become Python values)."""
    tolist = getattr(values, "tolist", None)
    return tolist() if callable(tolist) else list(values)


def _stored(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _types_within(values: list[Any], allowed: frozenset[type]) -> bool:
    """Whether every value's exact type (not a subclass: ``bool`` is no ``int``) is allowed."""
    if len(values) == 1:  # a single add: no set to build
        return builtins_type(values[0]) in allowed
    return set(map(builtins_type, values)) <= allowed


def _counts(values: Iterable[Hashable]) -> dict[Hashable, int]:
    table: dict[Hashable, int] = {}
    for value in values:
        table[value] = table.get(value, 0) + 1
    return table


def _copy_attrs(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in data.items()}


def _edge_table(eco: Ecosystem) -> dict[tuple[str, str, str], dict[str, Any]]:
    table = {}
    for u, v, k, d in eco.graph.edges(keys=True, data=True):
        if not eco.vocabulary.relations[d["type"]].directed and v < u:
            u, v = v, u  # a symmetric relation is the same whichever way it was stored
        table[(u, v, k)] = dict(d)
    return table
