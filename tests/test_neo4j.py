"""loaders.neo4j against a real Neo4j server.

The server comes from NEO4J_URI (+ NEO4J_USER / NEO4J_PASSWORD); ``scripts/neo4j-test-server.sh
start`` runs one and prints the export line. Without a server the tests marked ``neo4j`` skip,
except under CI=true, where they fail. Each test writes into its own namespace and drops it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import socket
import subprocess
import sys
import time
import uuid
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest

import loaders
from ecograph import Ecosystem
from ecograph.cli import main as cli_main
from ecograph.errors import PersistenceError
from loaders import neo4j as store
from loaders.datasets import DATASETS

neo4j_driver = pytest.importorskip("neo4j")


# ---------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def server() -> dict[str, Any]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        reason = "no Neo4j server: set NEO4J_URI (eval \"$(scripts/neo4j-test-server.sh start)\")"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true the Neo4j tests must run, not skip")
        pytest.skip(reason)
    user = os.environ.get("NEO4J_USER")
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user else None
    return {"uri": uri, "auth": auth}


@pytest.fixture
def ns(server: dict[str, Any]):
    """A fresh namespace, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:10]}"
    yield name
    store.drop(server["uri"], server["auth"], namespace=name)


@pytest.fixture
def db(server: dict[str, Any]):
    """A raw driver for checks behind ecograph's back."""
    with neo4j_driver.GraphDatabase.driver(server["uri"], auth=server["auth"]) as driver:
        yield driver


def _push(server: dict[str, Any], eco: Ecosystem, namespace: str, **options: Any) -> store.PushResult:
    return store.push(eco, server["uri"], server["auth"], namespace=namespace, **options)


def _pull(server: dict[str, Any], namespace: str, **options: Any) -> Ecosystem:
    return store.pull(server["uri"], server["auth"], namespace=namespace, **options)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def canonical(value: Any) -> Any:
    """Type and exact text of a value: ``1 == 1.0 == True`` and ``Decimal('1.50') == Decimal('1.5')``
    would hide a lossy round trip from ``==``."""
    if isinstance(value, list):
        return ["list", [canonical(v) for v in value]]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return ["aware datetime", value.isoformat(), value.utcoffset()]
    return [type(value).__name__, repr(value)]


def assert_same(back: Ecosystem, eco: Ecosystem) -> None:
    """Equal, with every value of the same type and text, and the same vocabulary."""
    assert back == eco, back.diff(eco)[:10]
    assert back.vocabulary == eco.vocabulary
    assert {k: canonical(v) for k, v in back.attrs.items()} == {k: canonical(v) for k, v in eco.attrs.items()}
    for node in eco:
        mine = {k: canonical(v) for k, v in eco.node(node).items()}
        assert {k: canonical(v) for k, v in back.node(node).items()} == mine, node
    stored = {(u, v, k): d for u, v, k, d in back.relations()}
    for u, v, k, d in eco.relations():
        other = stored.get((u, v, k)) or stored[(v, u, k)]  # symmetric relations: either way
        assert {a: canonical(b) for a, b in other.items()} == {a: canonical(b) for a, b in d.items()}, (u, v, k)


def snapshot(db: Any, namespace: str) -> dict[str, Any]:
    """Everything of a namespace as the database holds it (element ids included)."""
    nodes, _, _ = db.execute_query(
        "MATCH (n) WHERE n.eg_ns = $ns RETURN elementId(n) AS e, labels(n) AS labels, properties(n) AS p", ns=namespace)
    rels, _, _ = db.execute_query(
        "MATCH (a)-[r]->(b) WHERE r.eg_ns = $ns RETURN elementId(r) AS e, elementId(a) AS a, elementId(b) AS b, "
        "type(r) AS t, properties(r) AS p", ns=namespace)

    def props(p: dict[str, Any]) -> dict[str, Any]:
        return {k: canonical(v) for k, v in p.items() if k != "eg_pushed_at"}

    return {
        "nodes": sorted((r["e"], sorted(r["labels"]), sorted(props(r["p"]).items())) for r in nodes),
        "relations": sorted((r["e"], r["a"], r["b"], r["t"], sorted(props(r["p"]).items())) for r in rels),
    }


def every_type_ecosystem(name: str = "types") -> Ecosystem:
    """Every attribute type ecograph allows, a custom vocabulary and parallel relations."""
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    eco = Ecosystem(name=name, source="种子文件 001", year=2011, budget=Decimal("200000.00"),
                    founded=dt.date(2008, 5, 1), ratio=math.nan, huge=2**80)
    eco.vocabulary.add_kind("incubator", "intermediary")
    eco.vocabulary.add_relation("mentors", directed=False, money=("fee",), integers=("hours",),
                                target_kinds=frozenset({"enterprise", "incubator"}), description="导师关系")
    eco.add_org("p", "国家中小型电机及系统工程技术研究中心平台", kind="platform")
    eco.add_org("inc", "张江孵化器", kind="incubator", level="national")
    eco.add_org(
        "f1", "上海电机厂", sme=True, listed=False, staff=1200, revenue=Decimal("12345678.90"),
        big=2**63 - 1, bigger=2**63, negative=-(2**63) - 1, beyond_double=2**53 + 1, share=0.125,
        nan=math.nan, inf=math.inf, minus_inf=-math.inf, minus_zero=-0.0, tiny=5e-324,
        founded=dt.date(1949, 10, 1), updated=dt.datetime(2024, 1, 31, 8, 30, 15, 123456),
        aware=dt.datetime(2024, 1, 31, 8, 30, tzinfo=shanghai), historic=dt.datetime(1900, 1, 1, tzinfo=shanghai),
        offset=dt.datetime(2024, 1, 31, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30))),
        tags=["电机", "节能"], years=[2019, 2020, 2021], flags=[True, False], scores=[1.5, math.nan, math.inf],
        dates=[dt.date(2020, 1, 1), dt.date(2021, 6, 30)], empty=[], mixed=[1, "a", 2.5, True],
        amounts=[Decimal("1.10"), Decimal("-0.001")], bigs=[2**70, 1], exponent=Decimal("1E+3"),
        blank="", multiline="第一行\n第二行",
    )
    eco.add_org("f2", "上海电机厂", kind="enterprise")  # same name, other id
    eco.add_relation("f1", "p", "in_ring", ring="collaboration", since=dt.date(2010, 1, 1))
    eco.add_relation("inc", "p", "in_ring", ring="core_ring")
    eco.add_relation("p", "f1", "serves", key="2010", count=3, year=2010, revenue=Decimal("500.00"))
    eco.add_relation("p", "f1", "serves", key="2011", count=5, year=2011, revenue=2**70)
    eco.add_relation("f1", "f2", "collaborates", project="联合设计", weight=0.5)
    eco.add_relation("f2", "f1", "serves", count=1)
    eco.add_relation("inc", "f2", "mentors", fee=Decimal("99.99"), hours=12)
    eco.add_relation("inc", "f2", "funds", key="seed", amount=Decimal("1000000"), year=2012)
    eco.add_relation("f2", "f2", "serves", key="self", count=1)  # a self-loop
    return eco


# ---------------------------------------------------------------------------- without a server
def test_values_encode_natively_or_with_a_marker() -> None:
    assert store.encode_value(["a", "b"]) == (["a", "b"], None)
    assert store.encode_value(2**63 - 1) == (2**63 - 1, None)
    assert store.encode_value(2**63) == (str(2**63), "int")
    assert store.encode_value(True) == (True, None)
    assert store.encode_value([1, 2.5]) == ('[1, 2.5]', "json")  # Neo4j would turn 1 into 1.0
    assert store.encode_value([True, 1])[1] == "json"  # and True into ... nothing: no mixed arrays
    value, marker = store.encode_value(Decimal("0.10"))
    assert (value, marker) == ("0.10", "decimal")
    assert canonical(store.decode_value(value, marker)) == canonical(Decimal("0.10"))
    assert store.decode_value(math.nan) is math.nan
    with pytest.raises(PersistenceError, match="unknown type marker"):
        store.decode_value("1", "float128", where="organisation 'x'", field="f")
    with pytest.raises(PersistenceError, match="property 'f' is not a valid decimal"):
        store.decode_value("one", "decimal", where="organisation 'x'", field="f")


def test_labels_and_types_come_from_identifiers_only() -> None:
    assert store.kind_label("productivity_center") == "ProductivityCenter"
    assert store.relation_type("chain_member") == "CHAIN_MEMBER"
    with pytest.raises(PersistenceError):
        store.kind_label("bad label`) DETACH DELETE n //")
    with pytest.raises(PersistenceError):
        store.relation_type("x]->() DELETE r //")
    eco = Ecosystem()
    eco.vocabulary.add_kind("level_2", "industry")
    eco.vocabulary.add_kind("level2", "industry")  # both would become :Level2
    eco.add_org("a", kind="level2")
    with pytest.raises(PersistenceError, match="would both become the Neo4j label 'Level2'"):
        store.push(eco, "bolt://127.0.0.1:1", timeout=1)


def test_unreachable_server_fails_fast_and_clearly() -> None:
    uri = f"bolt://127.0.0.1:{_free_port()}"
    eco = every_type_ecosystem()
    for call in (lambda: store.push(eco, uri, timeout=3), lambda: store.pull(uri, namespace="x", timeout=3),
                 lambda: store.drop(uri, namespace="x", timeout=3), lambda: store.namespaces(uri, timeout=3)):
        started = time.perf_counter()
        with pytest.raises(PersistenceError, match=f"cannot reach Neo4j at {uri}"):
            call()
        assert time.perf_counter() - started < 10
    with pytest.raises(PersistenceError, match="invalid Neo4j URI"):
        store.push(eco, "http://127.0.0.1:7474")


def test_bad_arguments_are_refused_before_connecting() -> None:
    eco = Ecosystem(name="x")
    eco.add_org("a", eg_ns="mine")  # would collide with ecograph's own property
    with pytest.raises(PersistenceError, match="attribute 'eg_ns' starts with 'eg_'"):
        store.push(eco, "bolt://127.0.0.1:1")
    with pytest.raises(PersistenceError, match="mode 'replace'"):
        store.push(Ecosystem(), "bolt://127.0.0.1:1", mode="replace")  # type: ignore[arg-type]
    with pytest.raises(PersistenceError, match="namespace ''"):
        store.push(Ecosystem(), "bolt://127.0.0.1:1", namespace="")
    with pytest.raises(PersistenceError, match="at most one of"):
        store.pull("bolt://127.0.0.1:1", namespace="x", platform="p", association="a")


# ---------------------------------------------------------------------------- round trips
def _dataset(name: str) -> Ecosystem:
    return loaders.load_dataset(name, **({"n_enterprises": 300} if name == "productivity_centers" else {}))


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_builtin_dataset_round_trips(server, ns, name) -> None:
    eco = _dataset(name)
    result = _push(server, eco, ns)
    assert (result.nodes, result.relations) == (len(eco), eco.number_of_relations())
    back = _pull(server, ns)
    assert_same(back, eco)
    assert list(back) == list(eco)  # organisations keep their order


@pytest.mark.neo4j
def test_every_attribute_type_round_trips(server, ns, db) -> None:
    eco = every_type_ecosystem()
    _push(server, eco, ns)
    assert_same(_pull(server, ns), eco)
    # money is a string with a marker, readable by analysts; big ints likewise
    record = db.execute_query("MATCH (n:Org {eg_ns: $ns, id: 'f1'}) RETURN n.revenue AS r, n.eg_types AS t, "
                              "n.staff AS s, labels(n) AS l", ns=ns).records[0]
    assert record["r"] == "12345678.90" and '"revenue": "decimal"' in record["t"] and record["s"] == 1200
    assert sorted(record["l"]) == ["Enterprise", "Org"]


@pytest.mark.neo4j
def test_since_and_until_round_trip_as_years_and_dates(server, ns, db) -> None:
    from test_time import random_timed_ecosystem

    eco = random_timed_ecosystem(7)
    eco.attrs["periods"] = [2010, dt.date(2010, 7, 1)]
    _push(server, eco, ns)
    back = _pull(server, ns)
    assert_same(back, eco)
    for year in (2009, 2011, 2012):
        assert back.at(year) == eco.at(year)
    # stored natively: a year as an integer, a date as a Neo4j date
    rows = db.execute_query("MATCH (n:Org {eg_ns: $ns}) WHERE n.until IS NOT NULL RETURN n.id AS id, n.until AS u",
                            ns=ns).records
    assert {r["id"]: r["u"] for r in rows} == {n: _native(eco.node(n)["until"]) for n in eco if "until" in eco.node(n)}


def _native(value: Any) -> Any:
    return value if isinstance(value, int) else neo4j_driver.time.Date(value.year, value.month, value.day)


@pytest.mark.neo4j
def test_awkward_ids_names_and_keys_round_trip(server, ns, db) -> None:
    awkward = ["it's", 'say "hi"', "back`tick", "brace}", "{brace", "new\nline", "MATCH (n) DETACH DELETE n",
               "`) DETACH DELETE n //", "RETURN", "$ns", "反斜杠\\", "空格 与 中文", "\t", "null", "\u0000nul"]
    eco = Ecosystem(name="awkward`}\n名字")
    eco.add_org("hub", "中心", kind="association")
    for i, ident in enumerate(awkward):
        eco.add_org(ident, ident + "·名称", **{"attr`}": ident, "属性 x": i})
        eco.add_relation(ident, "hub", "member_of", role=ident)
        eco.add_relation("hub", ident, "serves", key=f"k`}}{ident}", service=ident)
    sentinel = f"{ns}_sentinel"
    db.execute_query("CREATE (:Org {eg_ns: $s, id: 'keep'})", s=sentinel)
    try:
        _push(server, eco, ns)
        assert_same(_pull(server, ns), eco)
        assert db.execute_query("MATCH (n:Org {eg_ns: $s}) RETURN count(n) AS c", s=sentinel).records[0]["c"] == 1
    finally:
        db.execute_query("MATCH (n:Org {eg_ns: $s}) DETACH DELETE n", s=sentinel)


# ---------------------------------------------------------------------------- idempotency and sync
@pytest.mark.neo4j
def test_pushing_twice_leaves_the_same_database(server, ns, db) -> None:
    eco = every_type_ecosystem()
    _push(server, eco, ns, batch_size=2)
    before = snapshot(db, ns)
    total_before = db.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
    for mode in ("merge", "sync"):
        result = _push(server, eco, ns, batch_size=3, mode=mode)
        assert (result.deleted_nodes, result.deleted_relations) == (0, 0)
        assert snapshot(db, ns) == before
    assert db.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"] == total_before
    assert_same(_pull(server, ns), eco)


def _changed(eco: Ecosystem) -> Ecosystem:
    """``eco`` with an organisation and relations removed, attributes and a kind changed, one added."""
    new = eco.copy()
    new.remove_org("f2")  # and its relations
    new.remove_relation("p", "f1", "2011")
    new.update_org("f1", staff=1300, tags=None, note="改名后")  # tags removed
    new.update_org("inc", kind="service_org")  # its label must change
    new.add_org("f3", "新企业", sme=True)
    new.add_relation("f3", "p", "in_ring", ring="radiation")
    new.name, new.attrs = "types v2", {"year": 2012}
    return new


@pytest.mark.neo4j
def test_sync_removes_what_the_ecosystem_no_longer_has_and_nothing_else(server, ns, db) -> None:
    eco = every_type_ecosystem()
    twin = f"{ns}_twin"  # the same ids in another namespace
    db.execute_query("CREATE (:Org {id: 'f2', name: 'foreign'})-[:SERVES {eg_key: 'serves'}]->(:Other {id: 'p'})")
    try:
        _push(server, eco, ns)
        _push(server, eco, twin)
        new = _changed(eco)
        result = _push(server, new, ns, mode="sync")
        assert result.deleted_nodes == 1
        assert result.deleted_relations == 1  # the 2011 serves; f2's relations went with f2
        assert_same(_pull(server, ns), new)
        assert_same(_pull(server, twin), eco)  # the other namespace is untouched
        foreign = db.execute_query("MATCH (a:Org {id: 'f2'})-[r:SERVES]->(b:Other) WHERE a.eg_ns IS NULL "
                                   "RETURN a.name AS name").records
        assert [r["name"] for r in foreign] == ["foreign"]
        labels = db.execute_query("MATCH (n:Org {eg_ns: $ns, id: 'inc'}) RETURN labels(n) AS l", ns=ns).records[0]["l"]
        assert sorted(labels) == ["Org", "ServiceOrg"]
    finally:
        store.drop(server["uri"], server["auth"], namespace=twin)
        db.execute_query("MATCH (n) WHERE n.eg_ns IS NULL AND (n:Other OR (n:Org AND n.name = 'foreign')) DETACH DELETE n")


@pytest.mark.neo4j
def test_merge_keeps_what_the_ecosystem_no_longer_has(server, ns) -> None:
    eco = every_type_ecosystem()
    _push(server, eco, ns)
    new = _changed(eco)
    _push(server, new, ns, mode="merge")
    back = _pull(server, ns)
    assert "f2" in back and back.graph.has_edge("p", "f1", "2011")  # nothing deleted
    assert back.node("f1")["staff"] == 1300 and "tags" not in back.node("f1")  # written items replaced
    assert back.kind_of("inc") == "service_org"
    expected = new.copy()  # what ``new`` has, plus what only ``eco`` had, as ``eco`` had it
    record = eco.node("f2")
    expected.add_org(record.pop("id"), record.pop("name"), record.pop("kind"), record.pop("sector"), **record)
    for u, v, k, d in eco.relations():
        if "f2" in (u, v) or (u, v, k) == ("p", "f1", "2011"):
            expected.add_relation(u, v, d["type"], key=k, **{a: b for a, b in d.items() if a != "type"})
    assert_same(back, expected)


@pytest.mark.neo4j
def test_a_relation_whose_type_changed_is_not_duplicated(server, ns) -> None:
    eco = Ecosystem(name="retype")
    eco.add_orgs(["a", "b"])
    eco.add_relation("a", "b", "serves", key="k", count=1)
    _push(server, eco, ns)
    eco.remove_relation("a", "b", "k")
    eco.add_relation("a", "b", "funds", key="k", amount=Decimal("5.00"))
    for mode in ("merge", "sync"):
        _push(server, eco, ns, mode=mode)
        assert_same(_pull(server, ns), eco)


def content(db: Any, namespace: str) -> dict[str, Any]:
    """A namespace as the database holds it, without element ids or the namespace itself, so
    two namespaces can be compared."""
    nodes, _, _ = db.execute_query(
        "MATCH (n) WHERE n.eg_ns = $ns RETURN labels(n) AS labels, properties(n) AS p", ns=namespace)
    rels, _, _ = db.execute_query(
        "MATCH (a)-[r]->(b) WHERE r.eg_ns = $ns RETURN a.id AS a, b.id AS b, type(r) AS t, properties(r) AS p",
        ns=namespace)

    def props(p: dict[str, Any]) -> list[Any]:
        return sorted((k, canonical(v)) for k, v in p.items() if k not in ("eg_ns", "eg_pushed_at"))

    return {
        "nodes": sorted((sorted(r["labels"]), props(r["p"])) for r in nodes),
        "relations": sorted((r["a"], r["b"], r["t"], props(r["p"])) for r in rels),
    }


@pytest.mark.neo4j
def test_a_fresh_push_then_a_changed_push_equals_one_push_of_the_final_state(server, ns, db) -> None:
    eco = every_type_ecosystem()
    new = _changed(eco)
    once = f"{ns}_once"
    try:
        _push(server, eco, ns, batch_size=2)  # a new namespace: every organisation is created
        _push(server, new, ns, batch_size=3, mode="sync")  # batches of stored and new organisations
        _push(server, new, once, batch_size=2)
        assert content(db, ns) == content(db, once)
        assert_same(_pull(server, ns), new)
        assert db.execute_query("MATCH (n:Org {eg_ns: $ns}) RETURN count(n) AS c", ns=ns).records[0]["c"] == len(new)
    finally:
        store.drop(server["uri"], server["auth"], namespace=once)


@pytest.mark.neo4j
def test_a_repeated_organisation_batch_updates_instead_of_duplicating(server, ns, db) -> None:
    """A batch is repeated when its commit went through but the acknowledgement was lost."""
    eco = Ecosystem(name="retry")
    eco.add_orgs([f"o{i}" for i in range(10)], [f"单位{i}" for i in range(10)], staff=list(range(10)))
    _push(server, Ecosystem(name="schema"), f"{ns}_schema")  # constraints and indexes
    store.drop(server["uri"], server["auth"], namespace=f"{ns}_schema")
    writer = store._Writer(ns, 4, None)

    def write(batch_size: int) -> None:
        for batch in store._batches(eco, batch_size, ns):
            if batch.nodes:
                writer.write_nodes(session, label="Enterprise", other_labels=[], batch=batch)

    def stored() -> list[tuple[str, int, list[str]]]:
        return sorted((r["id"], r["staff"], sorted(r["l"])) for r in db.execute_query(
            "MATCH (n) WHERE n.eg_ns = $ns RETURN n.id AS id, n.staff AS staff, labels(n) AS l", ns=ns).records)

    with db.session() as session:
        first = next(store._batches(eco, 4, ns))
        writer.write_nodes(session, label="Enterprise", other_labels=[], batch=first)
        writer.write_nodes(session, label="Enterprise", other_labels=[], batch=first)  # all four stored
        assert stored() == [(f"o{i}", i, ["Enterprise", "Org"]) for i in range(4)]
        eco.update_org("o1", staff=100)
        write(6)  # the first batch: four stored (o1 changed) and two new organisations
        write(6)
    expected = [(f"o{i}", 100 if i == 1 else i, ["Enterprise", "Org"]) for i in range(10)]
    assert stored() == sorted(expected)
    assert writer.nodes == 4 + 4 + 10 + 10


# ---------------------------------------------------------------------------- partial pulls
@pytest.mark.neo4j
def test_pull_a_platform_an_association_an_alliance_or_a_query(server, ns) -> None:
    motor, bio, suzhou = (loaders.load_dataset(n) for n in ("shanghai_motor", "shanghai_biopharma", "suzhou_associations"))
    cases = []
    for eco, sub in ((motor, "m"), (bio, "b"), (suzhou, "s")):
        _push(server, eco, f"{ns}_{sub}")
    try:
        platform = motor.platforms()[0]
        members = [m for ring in motor.rings(platform).values() for m in ring]
        cases.append((f"{ns}_m", {"platform": platform}, motor.subgraph(nodes=[platform, *members])))
        alliance = bio.alliances()[0]
        cases.append((f"{ns}_b", {"alliance": alliance},
                      bio.subgraph(nodes=[alliance, *bio.chain(alliance).members])))
        association = max(suzhou.associations(), key=lambda a: len(suzhou.members(a)))
        cases.append((f"{ns}_s", {"association": association},
                      suzhou.subgraph(nodes=[association, *suzhou.members(association)])))
        cases.append((f"{ns}_b", {"query": "MATCH (n:Org) WHERE n.eg_ns = $ns AND n.sector = $sector RETURN n.id AS id",
                                  "parameters": {"sector": "research"}},
                      bio.subgraph(nodes=[n for n in bio if bio.node(n)["sector"] == "research"])))
        for namespace, options, expected in cases:
            back = _pull(server, namespace, **options)
            assert len(back) > 1
            assert_same(back, expected)
        with pytest.raises(PersistenceError, match="has no organisation 'nope'"):
            _pull(server, f"{ns}_m", platform="nope")
        with pytest.raises(PersistenceError, match="expected platform"):
            _pull(server, f"{ns}_m", platform=members[0])
        with pytest.raises(PersistenceError, match="column named 'id'"):
            _pull(server, f"{ns}_b", query="MATCH (n:Org) WHERE n.eg_ns = $ns RETURN n.name AS name")
        with pytest.raises(PersistenceError):  # pull reads only: a writing query is refused
            _pull(server, f"{ns}_b", query="MATCH (n:Org) WHERE n.eg_ns = $ns DETACH DELETE n RETURN 'x' AS id")
        assert_same(_pull(server, f"{ns}_b"), bio)
    finally:
        for sub in ("m", "b", "s"):
            store.drop(server["uri"], server["auth"], namespace=f"{ns}_{sub}")


# ---------------------------------------------------------------------------- size and failures
@pytest.mark.neo4j
def test_a_large_push_completes(server, ns) -> None:
    n = 100_000
    eco = Ecosystem(name="large")
    eco.add_org("p", "平台", kind="platform")
    ids = [f"e{i}" for i in range(n)]
    eco.add_orgs(ids, [f"企业{i}" for i in range(n)], staff=list(range(n)), revenue=[Decimal(i) / 100 for i in range(n)])
    eco.add_relations(ids, ["p"] * n, "in_ring", ring=["radiation"] * n)
    seen: list[tuple[str, int, int]] = []
    result = _push(server, eco, ns, progress=lambda *step: seen.append(step))
    assert (result.nodes, result.relations) == (n + 1, n)
    assert seen[-1][1:] == (n, n)  # progress reached the end
    assert _pull(server, ns) == eco


@pytest.mark.neo4j
def test_a_batch_that_violates_a_constraint_rolls_back_whole(server, ns, db) -> None:
    kind = f"probe_{uuid.uuid4().hex[:8]}"
    label = store.kind_label(kind)
    eco = Ecosystem(name="probe")
    eco.vocabulary.add_kind(kind, "industry")
    names = [f"单位{i}" for i in range(25)]
    names[23] = names[3]  # row 24, in the third batch of 10, repeats a name of the first batch
    for i, name in enumerate(names):
        eco.add_org(f"u{i}", name, kind=kind)
    db.execute_query(f"CREATE CONSTRAINT {label}_name FOR (n:{label}) REQUIRE n.name IS UNIQUE")
    try:
        with pytest.raises(PersistenceError, match=r"(?s)rows 21-25 of 25.*rolled back; 2 other batches stay committed") as info:
            _push(server, eco, ns, batch_size=10)
        assert info.value.namespace == ns
        stored = db.execute_query("MATCH (n:Org {eg_ns: $ns}) RETURN n.id AS id", ns=ns).records
        assert sorted(r["id"] for r in stored) == sorted(f"u{i}" for i in range(20))  # none of rows 21-25
        with pytest.raises(PersistenceError, match="incomplete push"):
            _pull(server, ns)
    finally:
        db.execute_query(f"DROP CONSTRAINT {label}_name IF EXISTS")
    eco.update_org("u23", name="单位23")
    _push(server, eco, ns, batch_size=10)  # pushing again repairs the namespace
    assert_same(_pull(server, ns), eco)


@pytest.mark.neo4j
def test_a_batch_with_a_type_error_rolls_back_whole(server, ns, db, monkeypatch) -> None:
    eco = Ecosystem(name="typeerror")
    eco.add_orgs([f"o{i}" for i in range(30)])
    real_row = store._node_row

    def poisoned(namespace: str, order: int, node: str, data: dict[str, Any]) -> dict[str, Any]:
        row = real_row(namespace, order, node, data)
        if node == "o15":  # row 16: in the second batch
            row["bad"] = {"a map": "Neo4j cannot store"}
        return row

    monkeypatch.setattr(store, "_node_row", poisoned)
    with pytest.raises(PersistenceError, match=r"(?s)rows 11-20 of 30.*Property values can only be of primitive types"
                       r".*rolled back; (\d) other batches") as info:
        _push(server, eco, ns, batch_size=10, workers=2)  # the third batch may commit beside the second
    stored = {r["id"] for r in db.execute_query("MATCH (n:Org {eg_ns: $ns}) RETURN n.id AS id", ns=ns).records}
    batches = [{f"o{i}" for i in range(start, start + 10)} for start in (0, 10, 20)]
    assert batches[0] <= stored and not batches[1] & stored  # the failed batch left nothing
    assert stored in (batches[0], batches[0] | batches[2])  # whole batches only
    assert int(re.search(r"(\d) other batches", str(info.value)).group(1)) == len(stored) // 10


# ---------------------------------------------------------------------------- namespaces and CLI
@pytest.mark.neo4j
def test_namespaces_are_listed_and_dropped(server, ns) -> None:
    eco = loaders.load_dataset("tianjin_centers")
    _push(server, eco, ns)
    listed = {e["namespace"]: e for e in store.namespaces(server["uri"], server["auth"])}
    assert listed[ns] == {"namespace": ns, "name": eco.name, "state": "complete", "organisations": len(eco)}
    assert store.drop(server["uri"], server["auth"], namespace=ns) == len(eco)
    assert ns not in {e["namespace"] for e in store.namespaces(server["uri"], server["auth"])}
    with pytest.raises(PersistenceError, match=f"no ecograph namespace '{ns}'"):
        _pull(server, ns)


@pytest.mark.neo4j
def test_cli_push_and_pull(server, ns, tmp_path, capsys, monkeypatch) -> None:
    if server["auth"] is not None:
        monkeypatch.setenv("NEO4J_USER", server["auth"][0])
        monkeypatch.setenv("NEO4J_PASSWORD", server["auth"][1])
    uri = server["uri"]
    assert cli_main(["neo4j", "push", "--dataset", "shanghai_biopharma", "--uri", uri, "--namespace", ns,
                     "--batch-size", "500"]) == 0
    out = tmp_path / "bio.yaml"
    assert cli_main(["neo4j", "pull", "--uri", uri, "--namespace", ns, "-o", str(out)]) == 0
    assert_same(loaders.read(out), loaders.load_dataset("shanghai_biopharma"))
    err = capsys.readouterr().err
    assert "relations of type CHAIN_MEMBER" in err and "written to" in err
    assert cli_main(["neo4j", "pull", "--uri", uri, "--namespace", f"{ns}_none", "-o", str(out)]) == 1
    assert "no ecograph namespace" in capsys.readouterr().err


def test_a_push_killed_mid_way_loses_and_duplicates_nothing(server, ns, db, tmp_path) -> None:
    """SIGKILL the pushing process mid-push: the namespace says 'incomplete' (pull refuses it),
    and pushing again gives exactly the ecosystem, without a duplicate node or relation."""
    eco = loaders.load_dataset("productivity_centers", n_enterprises=5_000)
    path = tmp_path / "eco.json"
    loaders.write(eco, path)
    env = {**os.environ, "ECOGRAPH_DEBUG": ""}
    if server["auth"] is not None:
        env.update(NEO4J_USER=server["auth"][0], NEO4J_PASSWORD=server["auth"][1])
    pushing = subprocess.Popen([sys.executable, "-m", "ecograph", "neo4j", "push", str(path), "--uri", server["uri"],
                                "--namespace", ns, "--batch-size", "200"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    def stored() -> int:
        rows, _, _ = db.execute_query("MATCH (n:Org {eg_ns: $ns}) RETURN count(n) AS n", ns=ns)
        return rows[0]["n"]

    deadline = time.monotonic() + 300
    while stored() < 500 and pushing.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    pushing.kill()
    pushing.wait()
    killed_at = stored()
    assert pushing.returncode == -9, "the push finished before it could be killed: use a larger ecosystem"
    assert killed_at > 0  # some batches were written (the rest, or the relations, were not)
    with pytest.raises(PersistenceError, match="incomplete push"):
        _pull(server, ns)
    _push(server, eco, ns, batch_size=500)
    assert stored() == len(eco)
    rels, _, _ = db.execute_query("MATCH ()-[r {eg_ns: $ns}]->() RETURN count(r) AS n", ns=ns)
    assert rels[0]["n"] == eco.number_of_relations()
    assert_same(_pull(server, ns), eco)
    print(f"\nkilled after {killed_at:,} of {len(eco):,} organisations; pushed again: "
          f"{len(eco):,} organisations, {eco.number_of_relations():,} relations, none lost or duplicated")
