"""Optional persistence of ecosystems in Neo4j (the official ``neo4j`` driver, ``pip install ecograph[neo4j]``).

:func:`push` writes an :class:`~ecograph.Ecosystem` into a *namespace* of a Neo4j database,
:func:`pull` reads a namespace (or a part of it) back, :func:`drop` deletes a namespace and
:func:`namespaces` lists them. Several ecosystems (tenants) share one database side by side;
nothing outside a namespace is ever read, changed or deleted.

Graph schema (see ``docs/neo4j.md``):

* every organisation is a node ``(:Org:<Kind>)``, ``<Kind>`` the CamelCase of its kind
  (``research_institute`` -> ``:ResearchInstitute``), with the properties ``eg_ns`` (the
  namespace), ``id``, ``name``, ``kind``, ``sector``, its attributes and ``eg_order`` (its
  position in the ecosystem); ``(eg_ns, id)`` is unique (a composite uniqueness constraint,
  available in Neo4j Community);
* every relation is a relationship ``[:<TYPE>]`` (``in_ring`` -> ``:IN_RING``) with ``eg_ns``,
  ``eg_key`` (the edge key, so parallel relations survive), ``eg_order`` and its attributes;
* one ``(:EcographEcosystem {eg_ns})`` node per namespace keeps the ecosystem's name, attributes
  (``eg_attrs``), vocabulary (``eg_vocabulary``) and the state of the last push (``eg_state``).

Labels and relationship types come only from the ecosystem's validated vocabulary (lower-case
identifiers); every value travels as a query parameter.

Values Neo4j stores exactly stay native: strings, booleans, 64-bit integers, floats (also nan
and inf), dates, datetimes without a zone or with a fixed offset, and lists of one such type. The rest is stored as a string and named
in the node's or relationship's ``eg_types`` property (a JSON object, property -> marker):
``"decimal"`` (``Decimal``, e.g. money: ``"12.50"``), ``"int"`` (integers beyond 64 bits) and
``"json"`` (mixed lists, and datetimes with an IANA zone such as ``Asia/Shanghai``, kept as
ISO text with their offset, in the typed JSON of :mod:`loaders._values`).

Examples
--------
>>> from ecograph import Ecosystem
>>> from loaders.neo4j import push
>>> eco = Ecosystem(name="demo"); eco.add_org("a", "甲")
>>> push(eco, "bolt://127.0.0.1:1", timeout=2)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ecograph.errors.PersistenceError: cannot reach Neo4j at bolt://127.0.0.1:1: ...
"""

from __future__ import annotations

import datetime as dt
import json
import math
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import closing, contextmanager
from functools import partial
from dataclasses import asdict, dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any, Literal, TypeVar

from ecograph.errors import EcographError, PersistenceError, ValidationError
from ecograph.model import Ecosystem, RelationSpec, Vocabulary

from ._values import from_json, to_json
from .yamljson import vocabulary_from_document, vocabulary_to_document

__all__ = [
    "push",
    "pull",
    "drop",
    "namespaces",
    "PushResult",
    "kind_label",
    "relation_type",
    "encode_value",
    "decode_value",
    "ORG_LABEL",
    "META_LABEL",
]

#: Label every organisation node carries besides its kind label.
ORG_LABEL = "Org"
#: Label of the one node per namespace that describes the ecosystem.
META_LABEL = "EcographEcosystem"
#: Properties ecograph uses for its own bookkeeping; attributes may not start with this.
INTERNAL_PREFIX = "eg_"

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_LABEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_REL_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_FORMAT = 1
_ALWAYS_NATIVE = frozenset({str, bool, float, dt.date})
_BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

Progress = Callable[[str, int, int], None]
T = TypeVar("T")


# ---------------------------------------------------------------------------- names
def kind_label(kind: str) -> str:
    """The node label of a kind: CamelCase of the lower-case identifier.

    Examples
    --------
    >>> kind_label("research_institute"), kind_label("enterprise")
    ('ResearchInstitute', 'Enterprise')
    """
    label = "".join(part[:1].upper() + part[1:] for part in kind.split("_"))
    if not _LABEL.match(label):
        raise PersistenceError(f"kind {kind!r} gives no valid Neo4j label", field="kind", value=kind)
    return label


def relation_type(name: str) -> str:
    """The relationship type of a relation type name: upper case.

    Examples
    --------
    >>> relation_type("in_ring")
    'IN_RING'
    """
    rtype = name.upper()
    if not _REL_TYPE.match(rtype):
        raise PersistenceError(f"relation type {name!r} gives no valid Neo4j relationship type", field="type", value=name)
    return rtype


def _kind_labels(vocabulary: Vocabulary) -> dict[str, str]:
    """kind -> label, refusing two kinds that would share a label (``a_b`` and ``ab_``...)."""
    labels: dict[str, str] = {}
    for kind in vocabulary.kinds:
        label = kind_label(kind)
        clash = next((k for k, other in labels.items() if other == label), None)
        if clash is not None:
            raise PersistenceError(
                f"kinds {clash!r} and {kind!r} would both become the Neo4j label {label!r}; rename one",
                field="kind", value=kind,
            )
        labels[kind] = label
    return labels


# ---------------------------------------------------------------------------- values
def encode_value(value: Any) -> tuple[Any, str | None]:
    """A property value Neo4j can store, and the ``eg_types`` marker when it is not native.

    Examples
    --------
    >>> from decimal import Decimal
    >>> encode_value(Decimal("12.50")), encode_value(2**70), encode_value([1, "a"])
    (('12.50', 'decimal'), ('1180591620717411303424', 'int'), ('[1, "a"]', 'json'))
    >>> encode_value(["电机", "泵"])
    (['电机', '泵'], None)
    """
    if isinstance(value, list):
        kinds = {_scalar_kind(item) for item in value}
        if len(kinds) <= 1 and not kinds & {"decimal", "bigint", "other"}:
            return list(value), None
        return json.dumps(to_json(value), ensure_ascii=False), "json"
    kind = _scalar_kind(value)
    if kind == "decimal":
        return str(value), "decimal"
    if kind == "bigint":
        return str(value), "int"
    if kind == "other":
        return json.dumps(to_json(value), ensure_ascii=False), "json"
    return value, None


def _scalar_kind(value: Any) -> str:
    """The Neo4j storage class of a scalar; one class per native list."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if _INT64_MIN <= value <= _INT64_MAX else "bigint"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return "localdatetime"
        # Only fixed whole-minute offsets go natively: the driver fails on some IANA zones
        # (historic offsets); those are kept as ISO text with their offset instead.
        offset = value.utcoffset()
        fixed = isinstance(value.tzinfo, dt.timezone) and offset is not None and offset.seconds % 60 == 0
        return "datetime" if fixed and not offset.microseconds else "other"
    for kind in (str, float, dt.date):
        if isinstance(value, kind):
            return kind.__name__
    return "other"


def decode_value(value: Any, marker: str | None = None, *, where: str = "", field: str = "") -> Any:
    """The attribute value for a stored property (inverse of :func:`encode_value`).

    NaN comes back as the one object :data:`math.nan`, like every ecograph loader does.

    Raises
    ------
    PersistenceError
        A property of a type ecograph does not store (a point, a duration, a time of day) or
        an unknown marker.

    Examples
    --------
    >>> decode_value("12.50", "decimal"), decode_value("[1, \\"a\\"]", "json")
    (Decimal('12.50'), [1, 'a'])
    """
    try:
        if marker is None:
            return _from_neo4j(value, where, field)
        if marker == "decimal":
            return Decimal(value)
        if marker == "int":
            return int(value)
        if marker == "json":
            return from_json(json.loads(value))
    except PersistenceError:
        raise
    except (ValueError, ArithmeticError, TypeError) as exc:
        raise PersistenceError(f"{where}: property {field!r} is not a valid {marker} ({exc})", field=field) from None
    raise PersistenceError(f"{where}: property {field!r} has the unknown type marker {marker!r}", field=field)


def _from_neo4j(value: Any, where: str, field: str) -> Any:
    if isinstance(value, list):
        return [_from_neo4j(item, where, field) for item in value]
    if isinstance(value, float):
        return math.nan if math.isnan(value) else value
    if isinstance(value, (str, bool, int)):
        return value
    native = getattr(value, "to_native", None)
    if native is not None and type(value).__name__ in ("Date", "DateTime"):
        return native()
    raise PersistenceError(
        f"{where}: property {field!r} holds a Neo4j {type(value).__name__}; ecograph stores str, int, "
        "float, bool, date, datetime and lists of those",
        field=field,
    )


def _encode_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Encoded properties plus ``eg_types`` when some value is not native."""
    props: dict[str, Any] = {}
    markers: dict[str, str] = {}
    for name, value in attrs.items():
        kind = type(value)
        if kind in _ALWAYS_NATIVE or (kind is int and _INT64_MIN <= value <= _INT64_MAX):
            props[name] = value  # the common case, without the general checks
            continue
        props[name], marker = encode_value(value)
        if marker is not None:
            markers[name] = marker
    if markers:
        props["eg_types"] = json.dumps(markers, sort_keys=True)
    return props


def _decode_props(props: dict[str, Any], skip: tuple[str, ...], where: str) -> dict[str, Any]:
    markers = json.loads(props.get("eg_types") or "{}")
    return {
        name: decode_value(value, markers.get(name), where=where, field=name)
        for name, value in props.items()
        if name not in skip and not name.startswith(INTERNAL_PREFIX)
    }


# ---------------------------------------------------------------------------- connection
@dataclass(frozen=True)
class _Database:
    """A connected driver and the database to use; ``session()`` opens one more session."""

    driver: Any
    name: str | None

    def session(self) -> Any:
        return self.driver.session(database=self.name)


@contextmanager
def _connect(uri: str, auth: Any, database: str | None, timeout: float) -> Iterator[_Database]:
    """A verified connection; connection and driver failures become PersistenceError."""
    try:
        import neo4j
    except ImportError:  # pragma: no cover - the extra is installed in development
        raise PersistenceError("the Neo4j driver is not installed: pip install 'ecograph[neo4j]'") from None
    from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

    scheme = uri.partition("://")[0] if isinstance(uri, str) else None
    if scheme not in _BOLT_SCHEMES:
        raise PersistenceError(f"invalid Neo4j URI {uri!r}: expected {' or '.join(_BOLT_SCHEMES)}://HOST[:PORT]",
                               field="uri", value=uri)
    if isinstance(auth, (tuple, list)):
        auth = neo4j.basic_auth(*auth)
    try:
        driver = neo4j.GraphDatabase.driver(
            uri, auth=auth, connection_timeout=timeout, connection_acquisition_timeout=timeout + 5,
        )
    except (ValueError, DriverError) as exc:
        raise PersistenceError(f"invalid Neo4j URI {uri!r}: {exc}", field="uri", value=uri) from None
    try:
        with driver:
            try:
                driver.verify_connectivity()
            except AuthError as exc:
                raise PersistenceError(f"Neo4j at {uri} refused the credentials: {exc.message}", field="auth") from None
            except (ServiceUnavailable, OSError) as exc:
                raise PersistenceError(f"cannot reach Neo4j at {uri}: {exc}", field="uri", value=uri) from None
            yield _Database(driver, database)
    except EcographError:
        raise
    except (Neo4jError, DriverError) as exc:
        raise PersistenceError(f"Neo4j at {uri}: {_message(exc)}") from exc


def _message(exc: BaseException) -> str:
    return getattr(exc, "message", None) or str(exc)


def _ensure_schema(session: Any) -> None:
    """Constraints and indexes first: MERGE without them scans every node."""
    for statement in (
        f"CREATE CONSTRAINT ecograph_org_ns_id IF NOT EXISTS FOR (n:{ORG_LABEL}) REQUIRE (n.eg_ns, n.id) IS UNIQUE",
        f"CREATE CONSTRAINT ecograph_ecosystem_ns IF NOT EXISTS FOR (m:{META_LABEL}) REQUIRE m.eg_ns IS UNIQUE",
    ):
        session.run(statement).consume()
    session.run("CALL db.awaitIndexes(300)").consume()


def _check_namespace(namespace: Any) -> str:
    if not isinstance(namespace, str) or not namespace:
        raise PersistenceError(f"namespace {namespace!r} must be a non-empty string", field="namespace", value=namespace)
    return namespace


# ---------------------------------------------------------------------------- push
@dataclass(frozen=True)
class PushResult:
    """What :func:`push` wrote.

    Attributes
    ----------
    namespace : str
    nodes, relations : int
        Organisations and relations written (created or updated).
    deleted_nodes, deleted_relations : int
        Removed by ``mode="sync"`` because the ecosystem no longer has them.
    batches : int
        Write transactions committed.
    seconds : float
        Wall time of the push.
    """

    namespace: str
    nodes: int
    relations: int
    deleted_nodes: int
    deleted_relations: int
    batches: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def push(
    eco: Ecosystem,
    uri: str,
    auth: Any = None,
    database: str | None = None,
    batch_size: int = 2000,
    namespace: str | None = None,
    mode: Literal["merge", "sync"] = "merge",
    progress: Progress | None = None,
    timeout: float = 5.0,
    workers: int = 1,
) -> PushResult:
    """Write ``eco`` into the namespace ``namespace`` of a Neo4j database.

    Constraints and indexes are created first; then organisations (per kind) and relations
    (per type) are written in batches, each batch one managed write transaction (retried by
    the driver on transient failures and lost connections, so every batch is safe to repeat).
    Organisations the namespace lacks are ``CREATE``d, stored ones ``MERGE``d (the lookup runs
    in the batch's transaction); relations are ``MERGE``d. Pushing the same ecosystem twice
    leaves the same database.

    Parameters
    ----------
    eco : Ecosystem
        What to write.
    uri : str
        Bolt URI, e.g. ``bolt://127.0.0.1:7687`` or ``neo4j://host``.
    auth : tuple or neo4j auth object, optional
        ``(user, password)``; ``None`` for a server without authentication.
    database : str, optional
        Database name (the server's default database when ``None``).
    batch_size : int
        Rows per write transaction.
    namespace : str, optional
        Where the ecosystem lives in the database; defaults to ``eco.name``.
    mode : {"merge", "sync"}
        ``"merge"`` creates or updates what ``eco`` has and deletes nothing; ``"sync"`` also
        deletes the organisations and relations of the namespace that ``eco`` no longer has
        (only inside the namespace).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` after every batch (from one thread at a time).
    timeout : float
        Seconds to wait for a connection.
    workers : int
        Organisation batches written at the same time, each in its own session; worth raising
        for a server with spare cores (relations are always written one batch at a time: they
        lock their endpoints).

    Returns
    -------
    PushResult

    Raises
    ------
    PersistenceError
        The server is unreachable, refuses the credentials, or a batch failed. A failed batch
        is rolled back whole; the namespace is then marked incomplete (``pull`` refuses it)
        until a push succeeds, and the message says how far the push got.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> push(Ecosystem(name="x"), "bolt://127.0.0.1:1", timeout=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ecograph.errors.PersistenceError: cannot reach Neo4j at bolt://127.0.0.1:1: ...

    With a server (``scripts/neo4j-test-server.sh start`` prints its URI)::

        push(eco, "bolt://127.0.0.1:7687", namespace="motor", mode="sync")
    """
    started = time.perf_counter()
    namespace = _check_namespace(eco.name if namespace is None else namespace)
    if mode not in ("merge", "sync"):
        raise PersistenceError(f"mode {mode!r}: expected 'merge' or 'sync'", field="mode", value=mode)
    for name, value in (("batch_size", batch_size), ("workers", workers)):
        if not isinstance(value, int) or value < 1:
            raise PersistenceError(f"{name} {value!r}: expected a positive integer", field=name)
    _check_attribute_names(eco)
    labels = _kind_labels(eco.vocabulary)
    attrs_json = json.dumps({k: to_json(v) for k, v in eco.attrs.items()}, ensure_ascii=False, sort_keys=True)

    writer = _Writer(namespace, batch_size, progress)
    with _connect(uri, auth, database, timeout) as db, db.session() as session:
        _ensure_schema(session)
        try:
            previous = writer.begin(session)
            # The namespace node always describes a superset of what the namespace may hold,
            # even if this push stops half-way: the union of the stored and the new vocabulary.
            union = eco.vocabulary if previous is None else _union(previous, eco.vocabulary)
            writer.mark(session, "pushing", union)
            # a new namespace has no node whose kind changed: no stale kind labels to remove
            every_label = set() if previous is None else set(_kind_labels(union).values())
            with closing(_prefetched(_batches(eco, batch_size, namespace))) as batches, \
                    closing(_Parallel(db, workers)) as parallel:
                writer.delete_stale(session, eco, mode)
                for batch in batches:
                    if batch.nodes:  # organisations never share a lock: write them side by side
                        others = sorted(every_label - {labels[batch.name], ORG_LABEL})
                        parallel.submit(partial(writer.write_nodes, label=labels[batch.name], other_labels=others,
                                                batch=batch))
                    else:  # relations lock their endpoints: one transaction at a time
                        parallel.drain()
                        writer.write_relations(session, eco.vocabulary.relations[batch.name], batch)
                parallel.drain()
            # after a sync the namespace holds exactly ``eco``
            writer.mark(session, "complete", eco.vocabulary if mode == "sync" else union, eco.name, attrs_json)
        except Exception as exc:
            raise writer.failure(exc, uri) from exc
    return PushResult(
        namespace, writer.nodes, writer.relations, writer.deleted_nodes, writer.deleted_relations,
        writer.batches, time.perf_counter() - started,
    )


def _check_attribute_names(eco: Ecosystem) -> None:
    """Refuse attribute names ecograph keeps for itself, before anything is written."""
    # the distinct names first (fast, in C); the owner is looked up only for a reserved one
    names = set().union(*(d for _, d in eco.orgs()), *(d for *_, d in eco.relations()))
    reserved = sorted(name for name in names if name.startswith(INTERNAL_PREFIX))
    if not reserved:
        return
    name = reserved[0]
    where = next((f"organisation {n!r}" for n, d in eco.orgs() if name in d), None) or next(
        f"relation {u!r} -[{k}]-> {v!r}" for u, v, k, d in eco.relations() if name in d)
    raise PersistenceError(
        f"{where}: attribute {name!r} starts with {INTERNAL_PREFIX!r}, which ecograph keeps for its "
        "own Neo4j properties; rename it", field=name,
    )


@dataclass(frozen=True)
class _Batch:
    """Rows of one write transaction: organisations of one kind or relations of one type."""

    nodes: bool
    name: str  # the kind or the relation type
    start: int  # index of the first row among all rows of that kind / type
    total: int
    rows: list[dict[str, Any]]


def _batches(eco: Ecosystem, batch_size: int, namespace: str) -> Iterator[_Batch]:
    """Organisations per kind, then relations per type, encoded one batch at a time."""
    by_kind: dict[str, list[tuple[int, str, dict[str, Any]]]] = {}
    for order, (node, data) in enumerate(eco.orgs()):
        by_kind.setdefault(data["kind"], []).append((order, node, data))
    by_type: dict[str, list[tuple[int, str, str, str, dict[str, Any]]]] = {}
    for order, (u, v, key, data) in enumerate(eco.relations()):
        by_type.setdefault(data["type"], []).append((order, u, v, key, data))
    for kind, items in by_kind.items():
        for start in range(0, len(items), batch_size):
            rows = [_node_row(namespace, *item) for item in items[start:start + batch_size]]
            yield _Batch(True, kind, start, len(items), rows)
    for type_, edges in by_type.items():
        for start in range(0, len(edges), batch_size):
            rows = [_relation_row(*edge) for edge in edges[start:start + batch_size]]
            yield _Batch(False, type_, start, len(edges), rows)


def _node_row(namespace: str, order: int, node: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The node's properties (``id`` among them): they replace what the node had."""
    attrs = {k: v for k, v in data.items() if k not in ("name", "kind", "sector")}
    return {"eg_ns": namespace, "id": node, "name": data["name"], "kind": data["kind"], "sector": data["sector"],
            "eg_order": order, **_encode_attrs(attrs)}


def _relation_row(order: int, u: str, v: str, key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``{source, target, key, props}``."""
    attrs = {k: val for k, val in data.items() if k != "type"}
    return {"source": u, "target": v, "key": key, "props": {"eg_key": key, "eg_order": order, **_encode_attrs(attrs)}}


def _prefetched(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items``, computed ahead in a thread: Python encodes the next batch while the server
    writes the current one (the driver releases the GIL while it waits for the server)."""
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((False, None))
        except BaseException as exc:  # handed to the consumer, raised there
            put((False, exc))

    thread = threading.Thread(target=produce, name="ecograph-neo4j-rows", daemon=True)
    thread.start()
    try:
        while True:
            more, item = ready.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        thread.join()


class _BatchFailed(Exception):
    """A write batch failed (the cause is chained); ``stage`` names the batch."""

    def __init__(self, stage: str) -> None:
        super().__init__(stage)
        self.stage = stage


class _Parallel:
    """Write jobs ``job(session)`` on ``workers`` threads, each thread with its own session.

    At most ``workers`` jobs are in flight. After a failure no job is started any more, and
    :meth:`drain` raises it once the jobs in flight have finished, so what is reported as
    committed is complete.
    """

    def __init__(self, db: _Database, workers: int) -> None:
        self.db = db
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="ecograph-neo4j-write")
        self.slots = threading.Semaphore(workers)
        self.local = threading.local()
        self.sessions: list[Any] = []
        self.lock = threading.Lock()
        self.futures: list[Future[Any]] = []

    def _session(self) -> Any:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = self.db.session()
            with self.lock:
                self.sessions.append(session)
        return session

    def submit(self, job: Callable[[Any], Any]) -> None:
        self.slots.acquire()
        if any(f.done() and f.exception() is not None for f in self.futures):
            self.slots.release()
            self.drain()

        def run() -> Any:
            try:
                return job(self._session())
            finally:
                self.slots.release()

        self.futures.append(self.pool.submit(run))

    def drain(self) -> None:
        """Wait for every job; raise the first failure."""
        futures, self.futures = self.futures, []
        wait(futures)
        for future in futures:
            if future.exception() is not None:
                raise future.exception()  # type: ignore[misc]

    def close(self) -> None:
        wait(self.futures)
        self.pool.shutdown(wait=True)
        for session in self.sessions:
            session.close()


class _Writer:
    """One push: batches, counters and what to say when a batch fails."""

    def __init__(self, namespace: str, batch_size: int, progress: Progress | None) -> None:
        self.ns = namespace
        self.batch_size = batch_size
        self.progress = progress
        self.nodes = self.relations = self.deleted_nodes = self.deleted_relations = self.batches = 0
        self.stage = "start"
        self.done: dict[str, int] = {}
        self.lock = threading.Lock()  # batches may commit in several threads

    # -- bookkeeping
    def _write(self, session: Any, stage: str, start: int, total: int, work: Callable[[Any], int], rows: int,
               counter: str) -> int:
        """Run one batch as a managed write transaction; name it if it fails."""
        where = f"{stage} (rows {start + 1}-{start + rows} of {total})"
        self.stage = where
        try:
            written = session.execute_write(work)
        except Exception as exc:
            raise _BatchFailed(where) from exc
        with self.lock:
            setattr(self, counter, getattr(self, counter) + written)
            self.batches += 1
            self.done[stage] = self.done.get(stage, 0) + rows
            if self.progress is not None:
                self.progress(stage, self.done[stage], total)
        return written

    def _slices(self, stage: str, session: Any, rows: Sequence[Any], query: str, counter: str) -> int:
        """Write ``rows`` with ``query`` in batches; the number of rows the query counted."""
        done = 0
        for start in range(0, len(rows), self.batch_size):
            batch = list(rows[start:start + self.batch_size])
            work = _counting(query, rows=batch, ns=self.ns)
            done += self._write(session, stage, start, len(rows), work, len(batch), "deleted_" + counter)
        return done

    def failure(self, exc: Exception, uri: str) -> PersistenceError:
        stage, cause = (exc.stage, exc.__cause__) if isinstance(exc, _BatchFailed) else (self.stage, exc)
        return PersistenceError(
            f"push of namespace {self.ns!r} to {uri} failed while writing {stage}: {_message(cause)}. "
            f"That batch was rolled back; {self.batches} other batches stay committed and the namespace is "
            "marked incomplete until a push succeeds (push again, or drop it)",
            namespace=self.ns, stage=stage,
        )

    # -- the namespace node
    def begin(self, session: Any) -> Vocabulary | None:
        """Create the namespace node if needed; return the vocabulary stored before (if any)."""
        self.stage = "the namespace node"
        stored = session.execute_write(lambda tx: tx.run(
            f"MERGE (m:{META_LABEL} {{eg_ns: $ns}}) RETURN m.eg_vocabulary AS v", ns=self.ns).single()["v"])
        return None if stored is None else _vocabulary_from_json(stored, self.ns)

    def mark(self, session: Any, state: str, vocabulary: Vocabulary, name: str | None = None,
             attrs_json: str | None = None) -> None:
        """Record the push's state (``pushing`` / ``complete``) and what the namespace holds."""
        self.stage = "the namespace node"
        extra = ", m.name = $name, m.eg_attrs = $attrs, m.eg_pushed_at = datetime()" if state == "complete" else ""
        session.execute_write(lambda tx: tx.run(
            f"MATCH (m:{META_LABEL} {{eg_ns: $ns}}) SET m.eg_state = $state, m.eg_vocabulary = $vocabulary, "
            f"m.eg_format = $format{extra}",
            ns=self.ns, state=state, vocabulary=_vocabulary_json(vocabulary), format=_FORMAT,
            name=name, attrs=attrs_json,
        ).consume())

    # -- what the namespace holds that eco does not
    def delete_stale(self, session: Any, eco: Ecosystem, mode: str) -> None:
        """Delete stored relations whose type changed (both modes) and, in ``sync`` mode, the
        organisations and relations that ``eco`` no longer has."""
        stale_nodes: list[str] = []
        if mode == "sync":
            self.stage = "the list of stored organisations"
            stored_ids = _match_namespace("n") + " RETURN n.id AS id"  # labels are constants; ns a parameter
            stored_nodes = session.execute_read(lambda tx: [r["id"] for r in tx.run(stored_ids, ns=self.ns)])
            stale_nodes = [n for n in stored_nodes if n not in eco]
        self.stage = "the list of stored relations"
        stored_edges = session.execute_read(lambda tx: [tuple(r.values()) for r in tx.run(
            f"{_match_namespace('a')} MATCH (a)-[r]->(b) WHERE r.eg_ns = $ns "
            "RETURN a.id, b.id, type(r), r.eg_key", ns=self.ns)])
        wanted: dict[tuple[str, str, str], str] = {}  # (source, target, key) -> relationship type
        if stored_edges:  # (a new namespace has none: nothing to compare)
            types = {name: relation_type(name) for name in eco.vocabulary.relations}
            for u, v, key, data in eco.relations():
                wanted[(u, v, key)] = types[data["type"]]
                if not eco.vocabulary.relations[data["type"]].directed:
                    wanted[(v, u, key)] = wanted[(u, v, key)]
        gone = set(stale_nodes)
        stale_edges = [
            {"source": u, "target": v, "type": t, "key": k}
            for u, v, t, k in stored_edges
            if u not in gone and v not in gone and wanted.get((u, v, k), t if mode == "merge" else None) != t
        ]
        self._slices(
            "stale relations", session, stale_edges,
            f"UNWIND $rows AS row {_match_org('a', 'row.source')} {_match_org('b', 'row.target')} "
            "MATCH (a)-[r]->(b) WHERE r.eg_key = row.key AND type(r) = row.type AND r.eg_ns = $ns "
            "DELETE r RETURN count(*) AS n", "relations")
        self._slices(
            "stale organisations", session, stale_nodes,
            f"UNWIND $rows AS id {_match_org('n', 'id')} DETACH DELETE n RETURN count(*) AS n", "nodes")

    # -- organisations and relations
    def write_nodes(self, session: Any, label: str, other_labels: list[str], batch: _Batch) -> None:
        for name in (label, *other_labels):
            if not _LABEL.match(name):  # names come from the vocabulary; never interpolate anything else
                raise PersistenceError(f"invalid label {name!r}", field="kind", value=name)
        remove = f" REMOVE n:{':'.join(f'`{x}`' for x in other_labels)}" if other_labels else ""
        queries = {
            "stored": f"{_match_namespace('n')} AND n.id IN $ids RETURN n.id AS id",
            # CREATE costs the server about 30 % less than MERGE, which looks the node up and locks it
            "create": f"UNWIND $rows AS row CREATE (n:{ORG_LABEL}:`{label}`) SET n = row",
            "update": f"UNWIND $rows AS row MERGE (n:{ORG_LABEL} {{eg_ns: $ns, id: row.id}}) "
                      f"SET n = row SET n:`{label}`{remove}",
        }
        work = partial(_create_or_update, queries=queries, rows=batch.rows, ns=self.ns)
        self._write(session, f"organisations of label {label}", batch.start, batch.total, work, len(batch.rows), "nodes")

    def write_relations(self, session: Any, spec: RelationSpec, batch: _Batch) -> None:
        rtype = relation_type(spec.name)
        arrow = "->" if spec.directed else "-"
        query = (
            f"UNWIND $rows AS row {_match_org('a', 'row.source')} {_match_org('b', 'row.target')} "
            f"MERGE (a)-[r:`{rtype}` {{eg_key: row.key}}]{arrow}(b) "
            "SET r = row.props, r.eg_ns = $ns RETURN count(*) AS n"
        )
        work = _counting(query, rows=batch.rows, ns=self.ns, expect=len(batch.rows))
        self._write(session, f"relations of type {rtype}", batch.start, batch.total, work, len(batch.rows), "relations")


def _match_org(var: str, id_expr: str) -> str:
    """MATCH one organisation of the namespace through the (eg_ns, id) index.

    The hint keeps the planner from scanning (it may think a young database is small)."""
    return f"MATCH ({var}:{ORG_LABEL} {{eg_ns: $ns, id: {id_expr}}}) USING INDEX {var}:{ORG_LABEL}(eg_ns, id)"


def _match_namespace(var: str) -> str:
    """MATCH every organisation of the namespace (a prefix seek of the (eg_ns, id) index)."""
    return (f"MATCH ({var}:{ORG_LABEL}) USING INDEX {var}:{ORG_LABEL}(eg_ns, id) "
            f"WHERE {var}.eg_ns = $ns AND {var}.id IS NOT NULL")


def _create_or_update(tx: Any, queries: Mapping[str, str], rows: list[dict[str, Any]], ns: str) -> int:
    """Write organisations: ``CREATE`` those the namespace lacks, ``MERGE`` the others.

    The lookup runs in the same transaction as the writes, so a batch repeated after a commit
    whose acknowledgement was lost finds its nodes and updates them; the (eg_ns, id)
    uniqueness constraint refuses a duplicate in any case. Returns the number of rows.
    """
    stored = {record["id"] for record in tx.run(queries["stored"], ns=ns, ids=[row["id"] for row in rows])}
    new = [row for row in rows if row["id"] not in stored]
    if new:
        tx.run(queries["create"], rows=new).consume()
    if stored:
        tx.run(queries["update"], rows=[row for row in rows if row["id"] in stored], ns=ns).consume()
    return len(rows)


def _counting(query: str, *, expect: int | None = None, **params: Any) -> Callable[[Any], int]:
    """A transaction function returning the query's count; a short count aborts (rolls back)."""
    def work(tx: Any) -> int:
        count = tx.run(query, **params).single()["n"]
        if expect is not None and count != expect:
            raise PersistenceError(f"wrote {count} of {expect} rows (an endpoint is missing in the database)")
        return count

    return work


def _union(old: Vocabulary, new: Vocabulary) -> Vocabulary:
    """Everything either vocabulary accepts (``new`` wins where they disagree)."""
    sectors = list(old.sectors) + [s for s in new.sectors if s not in old.sectors]
    return Vocabulary({**old.kinds, **new.kinds}, sectors, {**old.relations, **new.relations})


def _vocabulary_json(vocabulary: Vocabulary) -> str:
    return json.dumps(vocabulary_to_document(vocabulary), ensure_ascii=False, sort_keys=True)


def _vocabulary_from_json(text: str, namespace: str) -> Vocabulary:
    try:
        return vocabulary_from_document(json.loads(text))
    except (ValueError, EcographError) as exc:
        raise PersistenceError(f"namespace {namespace!r}: the stored vocabulary is invalid ({exc})",
                               namespace=namespace, field="eg_vocabulary") from None


# ---------------------------------------------------------------------------- pull
def pull(
    uri: str,
    auth: Any = None,
    database: str | None = None,
    *,
    namespace: str,
    platform: str | None = None,
    association: str | None = None,
    alliance: str | None = None,
    query: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    timeout: float = 5.0,
) -> Ecosystem:
    """Read a namespace back as an :class:`~ecograph.Ecosystem` (all of it, or a part).

    Without a filter the whole namespace comes back, equal to what was pushed
    (``pull(...) == eco``, vocabulary included). A filter selects organisations and returns
    the sub-ecosystem they induce (the organisations and every relation among them):

    * ``platform="p"``: the platform and the members of its rings (``in_ring``);
    * ``association="a"``: the association (society, district) and its ``member_of`` members;
    * ``alliance="a"``: the alliance and its chain members (``chain_member``);
    * ``query``: a read-only Cypher query returning organisation ids in a column ``id``;
      it receives ``$ns`` (the namespace) and your ``parameters``.

    Parameters
    ----------
    uri, auth, database, timeout
        As in :func:`push`.
    namespace : str
        The namespace to read.
    platform, association, alliance : str, optional
        Id of the platform / association / alliance whose part to read.
    query : str, optional
        Cypher returning ``id``; values only as parameters (``$name``), never pasted in.
    parameters : mapping, optional
        Parameters of ``query``.

    Returns
    -------
    Ecosystem

    Raises
    ------
    PersistenceError
        Unreachable server, unknown namespace, a namespace whose last push did not complete,
        a filter naming no such organisation, or stored data that is not a valid ecosystem.

    Examples
    --------
    >>> pull("bolt://127.0.0.1:1", namespace="demo", timeout=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ecograph.errors.PersistenceError: cannot reach Neo4j at bolt://127.0.0.1:1: ...

    With a server::

        motor = pull("bolt://127.0.0.1:7687", namespace="motor", platform="motor_platform")
    """
    namespace = _check_namespace(namespace)
    filters = {k: v for k, v in (("platform", platform), ("association", association),
                                 ("alliance", alliance), ("query", query)) if v is not None}
    if len(filters) > 1:
        raise PersistenceError(f"give at most one of platform, association, alliance, query; got {sorted(filters)}",
                               field=sorted(filters)[1])
    with _connect(uri, auth, database, timeout) as db, db.session() as session:
        meta = session.execute_read(lambda tx: tx.run(
            f"MATCH (m:{META_LABEL} {{eg_ns: $ns}}) WHERE NOT m:{ORG_LABEL} RETURN properties(m) AS m",
            ns=namespace).single())
        if meta is None:
            raise PersistenceError(f"no ecograph namespace {namespace!r} in the database at {uri}",
                                   namespace=namespace, field="namespace")
        meta = meta["m"]
        if meta.get("eg_state") != "complete":
            raise PersistenceError(
                f"namespace {namespace!r} holds an incomplete push (state {meta.get('eg_state')!r}); "
                "push it again or drop it", namespace=namespace, field="eg_state")
        vocabulary = _vocabulary_from_json(meta["eg_vocabulary"], namespace)
        ids = None if not filters else _selected_ids(session, namespace, filters, parameters)
        nodes, edges = session.execute_read(lambda tx: _read_graph(tx, namespace, ids))
    try:
        attrs = {k: from_json(v) for k, v in json.loads(meta.get("eg_attrs") or "{}").items()}
        eco = Ecosystem(meta.get("name", namespace), vocabulary, **attrs)
        _build(eco, nodes, edges, namespace)
    except ValidationError as exc:
        raise PersistenceError(
            f"namespace {namespace!r} does not form a valid ecosystem: {exc}", namespace=namespace,
            field=exc.context.get("field"), id=exc.context.get("id"),
        ) from None
    return eco


# filter -> (relation type whose sources are the members, the kinds the anchor node may have)
_FILTERS = {
    "platform": ("in_ring", ("platform",)),
    "association": ("member_of", ("association", "society", "district")),
    "alliance": ("chain_member", ("alliance",)),
}


def _selected_ids(session: Any, ns: str, filters: dict[str, Any], parameters: Mapping[str, Any] | None) -> list[str]:
    (name, value), = filters.items()
    if name == "query":
        params = {**(parameters or {}), "ns": ns}
        rows = session.execute_read(lambda tx: [r.data() for r in tx.run(value, params)])
        if rows and "id" not in rows[0]:
            raise PersistenceError(f"query must return a column named 'id'; it returned {sorted(rows[0])}",
                                   field="query")
        return list(dict.fromkeys(r["id"] for r in rows))
    rtype, kinds = _FILTERS[name]
    record = session.execute_read(lambda tx: tx.run(
        f"{_match_org('c', '$id')} "
        f"OPTIONAL MATCH (m:{ORG_LABEL})-[r:`{relation_type(rtype)}`]->(c) WHERE r.eg_ns = $ns "
        "RETURN c.kind AS kind, collect(m.id) AS members", ns=ns, id=value).single())
    if record is None:
        raise PersistenceError(f"namespace {ns!r} has no organisation {value!r}", id=value, field=name)
    if record["kind"] not in kinds:
        raise PersistenceError(f"{name}={value!r} has kind {record['kind']!r}; expected {' or '.join(kinds)}",
                               id=value, field=name)
    return [value, *dict.fromkeys(record["members"])]


def _read_graph(tx: Any, ns: str, ids: list[str] | None) -> tuple[list[Any], list[Any]]:
    if ids is None:
        nodes_of, sources_of = _match_namespace("n"), _match_namespace("a")
    else:
        nodes_of, sources_of = f"UNWIND $ids AS id {_match_org('n', 'id')}", f"UNWIND $ids AS id {_match_org('a', 'id')}"
    node_query = f"{nodes_of} RETURN properties(n) AS p"
    edge_query = (f"{sources_of} MATCH (a)-[r]->(b) WHERE r.eg_ns = $ns "
                  "RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS p")
    nodes = [r["p"] for r in tx.run(node_query, ns=ns, ids=ids)]
    edges = [r.values() for r in tx.run(edge_query, ns=ns, ids=ids)]
    if ids is not None:  # the sub-ecosystem induced by ids
        selected = set(ids)
        edges = [e for e in edges if e[1] in selected]
    return nodes, edges


def _build(eco: Ecosystem, nodes: list[dict[str, Any]], edges: list[list[Any]], ns: str) -> None:
    """Add the stored organisations (in pushed order) and relations (by type, in pushed order
    within a type), in bulk and validated."""
    nodes.sort(key=lambda p: (p.get("eg_order", math.inf), p["id"]))
    records = []
    for props in nodes:
        where = f"namespace {ns!r}, organisation {props.get('id')!r}"
        records.append((props["id"], props.get("name"), props.get("kind"), props.get("sector"),
                        _decode_props(props, ("id", "name", "kind", "sector"), where)))
    for (kind, sector), run in groupby(records, key=lambda r: (r[2], r[3])):
        run = list(run)
        if kind == "alliance" or kind is None:  # alliances declare stages: the bulk path refuses them
            for node, name, _, _, attrs in run:
                eco.add_org(node, name, kind=kind, sector=sector, **attrs)
            continue
        eco.add_orgs([r[0] for r in run], [r[1] for r in run], kind=kind, sector=sector, **_columns([r[4] for r in run]))

    types = {relation_type(t): t for t in eco.vocabulary.relations}
    rows = []
    for source, target, rtype, props in edges:
        if rtype not in types:
            raise PersistenceError(f"namespace {ns!r}: relationship {source!r} -[:{rtype}]-> {target!r} has a type "
                                   "outside the stored vocabulary", namespace=ns, field="type", value=rtype)
        where = f"namespace {ns!r}, relation {source!r} -[:{rtype}]-> {target!r}"
        rows.append((props.get("eg_order", math.inf), source, target, types[rtype], props["eg_key"],
                     _decode_props(props, (), where)))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[4]))
    # one bulk call per type (each call checks the whole part_of forest once), types in order of appearance
    by_type: dict[str, list[Any]] = {}
    for row in rows:
        by_type.setdefault(row[3], []).append(row)
    for type_, run in by_type.items():
        eco.add_relations([r[1] for r in run], [r[2] for r in run], type_, keys=[r[4] for r in run],
                          **_columns([r[5] for r in run]))


def _columns(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Row dicts -> attribute columns (``None`` where a row lacks the attribute)."""
    names = dict.fromkeys(name for record in records for name in record)
    return {name: [record.get(name) for record in records] for name in names}


# ---------------------------------------------------------------------------- namespaces
def drop(
    uri: str,
    auth: Any = None,
    database: str | None = None,
    *,
    namespace: str,
    batch_size: int = 10000,
    timeout: float = 5.0,
) -> int:
    """Delete a namespace: its organisations, their relations and its namespace node.

    Returns
    -------
    int
        Organisations deleted (0 when the namespace did not exist).

    Raises
    ------
    PersistenceError

    Examples
    --------
    >>> drop("bolt://127.0.0.1:1", namespace="demo", timeout=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ecograph.errors.PersistenceError: cannot reach Neo4j at bolt://127.0.0.1:1: ...
    """
    namespace = _check_namespace(namespace)
    deleted = 0
    with _connect(uri, auth, database, timeout) as db, db.session() as session:
        while True:
            n = session.execute_write(_counting(
                f"{_match_namespace('n')} WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
                ns=namespace, limit=batch_size))
            deleted += n
            if n == 0:
                break
        session.execute_write(lambda tx: tx.run(
            f"MATCH (m:{META_LABEL} {{eg_ns: $ns}}) WHERE NOT m:{ORG_LABEL} DELETE m", ns=namespace).consume())
    return deleted


def namespaces(uri: str, auth: Any = None, database: str | None = None, *, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The ecograph namespaces of a database: ``namespace``, ``name``, ``state``, ``organisations``.

    Examples
    --------
    >>> namespaces("bolt://127.0.0.1:1", timeout=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ecograph.errors.PersistenceError: cannot reach Neo4j at bolt://127.0.0.1:1: ...
    """
    with _connect(uri, auth, database, timeout) as db, db.session() as session:
        return session.execute_read(lambda tx: [r.data() for r in tx.run(
            f"MATCH (m:{META_LABEL}) WHERE NOT m:{ORG_LABEL} "
            "RETURN m.eg_ns AS namespace, m.name AS name, m.eg_state AS state, "
            f"COUNT {{ MATCH (n:{ORG_LABEL}) WHERE n.eg_ns = m.eg_ns AND n.id IS NOT NULL }} AS organisations "
            "ORDER BY namespace")])
