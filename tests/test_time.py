"""Time in the model: since/until validation, snapshots (eco.at) and lossless storage."""

from __future__ import annotations

import datetime as dt
import random

import pytest

import loaders
from ecograph import Ecosystem
from ecograph.errors import LoadError, ReadOnlyError, TimeIntervalError

FORMATS = ["x.yaml", "x.json", "csv", "x.graphml", "x.gexf"]


def random_timed_ecosystem(seed: int, n: int = 40) -> Ecosystem:
    """Organisations and relations with random year/date intervals (relations inside both ends)."""
    rng = random.Random(seed)
    eco = Ecosystem(name=f"timed{seed}")
    eco.add_org("p", "平台", kind="platform", since=2005)
    spans = {"p": (2005, 9999)}
    for i in range(n):
        since = rng.choice([None, 2008, 2010, dt.date(2010, 7, 1), 2011])
        until = rng.choice([None, 2012, dt.date(2012, 4, 1), 2013])
        eco.add_org(f"o{i}", f"单位{i}", since=since, until=until)
        spans[f"o{i}"] = (since, until)
    ids = list(spans)
    for j in range(3 * n):
        u, v = rng.sample(ids[1:], 2)
        low = max(_year(spans[u][0]), _year(spans[v][0]))
        high = min(_year(spans[u][1], 9999), _year(spans[v][1], 9999))
        since = rng.choice([None, low + 1]) if low + 1 < high else None
        eco.add_relation(u, v, "collaborates", key=f"c{j}", since=since)
    for i in range(n):
        if rng.random() < 0.5:
            ring = rng.choice(["core_ring", "collaboration", "radiation"])
            eco.add_relation(f"o{i}", "p", "in_ring", ring=ring)
    return eco


def _year(value, default=0):
    if value is None:
        return default
    return value if isinstance(value, int) else value.year + 1  # a date inside year y: next whole year


def _exists(record, t: dt.date) -> bool:
    """Brute-force oracle: since <= t < until, a year being its 1 January."""
    as_date = lambda v: dt.date(v, 1, 1) if isinstance(v, int) else v  # noqa: E731
    since, until = record.get("since"), record.get("until")
    return (since is None or as_date(since) <= t) and (until is None or t < as_date(until))


def from_scratch(eco: Ecosystem, t: dt.date) -> Ecosystem:
    out = Ecosystem(eco.name, eco.vocabulary.copy(), **eco.attrs)
    for node in eco:
        data = eco.node(node)
        if _exists(data, t):
            out.add_org(node, data.pop("name"), kind=data.pop("kind"), sector=data.pop("sector"),
                        **{k: v for k, v in data.items() if k != "id"})
    for u, v, k, d in eco.relations():
        if u in out and v in out and _exists(d, t):
            out.add_relation(u, v, d["type"], key=k, **{a: b for a, b in d.items() if a != "type"})
    return out


# ---------------------------------------------------------------------------- validation
@pytest.mark.parametrize("bad", ["2010", True, 2010.0, dt.datetime(2010, 1, 1), 0, 10000])
def test_a_bound_must_be_a_year_or_a_date(bad) -> None:
    eco = Ecosystem()
    with pytest.raises(TimeIntervalError, match="organisation 'a': field 'since'"):
        eco.add_org("a", since=bad)
    with pytest.raises(TimeIntervalError, match="field 'until'"):
        eco.add_orgs(["a", "b"], until=[2010, bad])
    assert len(eco) == 0


def test_since_must_come_before_until() -> None:
    eco = Ecosystem()
    for since, until in [(2011, 2011), (2012, 2011), (dt.date(2011, 1, 1), 2011)]:
        with pytest.raises(TimeIntervalError, match="is not before until"):
            eco.add_org("a", since=since, until=until)
    eco.add_org("a", since=2010, until=dt.date(2010, 1, 2))  # one day is an interval


def test_a_relation_must_lie_inside_both_endpoints() -> None:
    eco = Ecosystem()
    eco.add_org("p", kind="platform", since=2009)
    eco.add_org("a", since=2010, until=2013)
    eco.add_relation("a", "p", "in_ring", ring="core")  # open bounds: while both exist
    with pytest.raises(TimeIntervalError, match=r"\[2008-01-01, …\) is not inside .* of its source 'a'") as err:
        eco.add_relation("a", "p", "in_ring", key="k", ring="core", since=2008)
    assert (err.value.field, err.value.id) == ("since", "a")
    with pytest.raises(TimeIntervalError, match="of its source 'a'") as err:
        eco.add_relations(["a"], ["p"], "in_ring", keys=["k"], ring=["core"], until=[2014])
    assert err.value.field == "until"
    assert eco.number_of_relations() == 1
    eco.add_relation("a", "p", "in_ring", key="k", ring="radiation", since=2011, until=2013)
    with pytest.raises(TimeIntervalError):  # shrinking the organisation would strand the relation
        eco.update_org("a", until=2012)
    assert eco.node("a")["until"] == 2013
    eco.graph.nodes["a"]["until"] = 2012  # edited behind the model's back: problems() names it
    assert [type(p).__name__ for p in eco.problems()] == ["TimeIntervalError"]


def test_member_of_since_accepts_a_date() -> None:
    eco = Ecosystem()
    eco.add_org("s", kind="association")
    eco.add_org("f")
    eco.add_relation("f", "s", "member_of", since=dt.date(2019, 3, 1))
    assert not eco.problems()


# ---------------------------------------------------------------------------- snapshots
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_snapshot_equals_the_ecosystem_built_from_scratch(seed) -> None:
    eco = random_timed_ecosystem(seed)
    points = [2004, 2008, 2009, 2010, dt.date(2010, 6, 30), dt.date(2010, 7, 1), 2011, 2012,
              dt.date(2012, 3, 31), dt.date(2012, 4, 1), 2013, 2030]
    for t in points:
        day = dt.date(t, 1, 1) if isinstance(t, int) else t
        snap, oracle = eco.at(t), from_scratch(eco, day)
        assert snap == oracle, (t, snap.diff(oracle)[:3])
        assert list(snap) == list(oracle)
        assert not snap.problems()


def test_a_snapshot_shares_records_is_read_only_and_cached_per_segment() -> None:
    eco = random_timed_ecosystem(4)
    snap = eco.at(2011)
    node = next(iter(snap))
    assert snap.graph.nodes[node] is eco.graph.nodes[node]  # shared, not copied
    assert snap.read_only and not eco.read_only
    for change in (lambda: snap.add_org("z"), lambda: snap.remove_org(node),
                   lambda: snap.update_org(node, staff=3), lambda: snap.add_orgs(["z"])):
        with pytest.raises(ReadOnlyError, match="snapshot of 'timed4' at 2011 is read-only"):
            change()
    assert eco.at(dt.date(2011, 12, 31)) is snap  # no boundary between them
    assert eco.at(2012) is not snap
    eco.add_org("late", since=2011)  # a change invalidates the cached snapshots
    assert "late" in eco.at(2011) and "late" not in snap
    with pytest.raises(TimeIntervalError, match="at: field 't' is '2011'"):
        eco.at("2011")


def test_periods_come_from_the_attribute_or_the_since_values() -> None:
    eco = random_timed_ecosystem(5)
    assert eco.periods() == sorted({eco.node(n)["since"] for n in eco if "since" in eco.node(n)} |
                                   {d["since"] for *_e, d in eco.relations() if "since" in d},
                                   key=lambda v: dt.date(v, 1, 1) if isinstance(v, int) else v)
    assert Ecosystem(periods=[2011, 2010]).periods() == [2010, 2011]


# ---------------------------------------------------------------------------- storage
@pytest.mark.parametrize("name", FORMATS)
def test_intervals_round_trip_through_every_format(tmp_path, name) -> None:
    eco = random_timed_ecosystem(6)
    eco.attrs["periods"] = [2010, dt.date(2010, 7, 1), 2011]
    path = tmp_path / name
    fmt = "csv" if name == "csv" else None
    loaders.write(eco, path, format=fmt)
    back = loaders.read(path, format=fmt)
    assert back == eco, back.diff(eco)[:3]
    for node in eco:
        for field in ("since", "until"):
            assert type(back.node(node).get(field)) is type(eco.node(node).get(field))


def test_a_hand_written_csv_mixes_years_and_dates(tmp_path) -> None:
    (tmp_path / "organizations.csv").write_text(
        "id,name,kind,since,until\np,平台,platform,2009,\na,甲,enterprise,2010,2011-07-01\n", encoding="utf-8")
    (tmp_path / "relations.csv").write_text("source,target,type,ring,since\na,p,in_ring,core,2010/3/1\n",
                                            encoding="utf-8")
    eco = loaders.read(tmp_path)
    assert eco.node("a")["since"] == 2010 and eco.node("a")["until"] == dt.date(2011, 7, 1)
    assert eco.node("p")["since"] == 2009
    (tmp_path / "relations.csv").write_text("source,target,type,ring,since\na,p,in_ring,core,2008\n",
                                            encoding="utf-8")
    with pytest.raises(LoadError, match="not inside"):
        loaders.read(tmp_path)


# ---------------------------------------------------------------------------- panels
def _write_period(root, year, rings: dict[str, str], extra=()) -> None:
    eco = Ecosystem(name="电机平台面板")
    eco.add_org("p", "电机平台", kind="platform")
    for member, ring in rings.items():
        eco.add_org(member, f"单位{member}")
        eco.add_relation(member, "p", "in_ring", ring=ring)
    for u, v in extra:
        eco.add_relation(u, v, "collaborates")
    loaders.write(eco, root / str(year), format="csv")


def test_a_panel_of_period_folders_reads_into_one_ecosystem(tmp_path) -> None:
    _write_period(tmp_path, 2009, {"a": "core", "b": "radiation"})
    _write_period(tmp_path, 2010, {"a": "core", "b": "radiation", "c": "radiation"}, [("a", "c")])
    _write_period(tmp_path, 2011, {"a": "core", "b": "collaboration", "c": "radiation"}, [("a", "c")])
    _write_period(tmp_path, 2012, {"a": "core", "b": "collaboration"})
    (tmp_path / "notes.txt").write_text("ignored: not a period")
    eco = loaders.read(tmp_path)
    assert eco.periods() == [2009, 2010, 2011, 2012]
    assert "since" not in eco.node("a") and eco.node("c")["since"] == 2010 and eco.node("c")["until"] == 2012
    ring_of = lambda snap: {u: d["ring"] for u, _, _, d in snap.relations("in_ring")}  # noqa: E731
    assert ring_of(eco.at(2010))["b"] == "radiation" and ring_of(eco.at(2011))["b"] == "collaboration"
    assert {k for u, _, k, _ in eco.relations("in_ring") if u == "b"} == {"in_ring", "in_ring@2011"}
    for year in eco.periods():  # every period reads back as it was written
        assert _flat(eco.at(year)) == _flat(loaders.read(tmp_path / str(year)))
    out = tmp_path.parent / "again"
    loaders.panel.write(eco, out)
    assert loaders.read(out) == eco


def _flat(eco: Ecosystem) -> tuple:
    nodes = {n: {k: v for k, v in eco.node(n).items() if k not in ("since", "until")} for n in eco}
    rels = {(u, v, k.split("@")[0], tuple(sorted((a, b) for a, b in d.items() if a not in ("since", "until"))))
            for u, v, k, d in eco.relations()}
    return nodes, rels


def test_a_panel_refuses_a_returning_organisation_and_own_bounds(tmp_path) -> None:
    _write_period(tmp_path, 2010, {"a": "core"})
    _write_period(tmp_path, 2011, {})
    _write_period(tmp_path, 2012, {"a": "core"})
    with pytest.raises(LoadError, match="organisation 'a' is absent in period 2011"):
        loaders.read(tmp_path)
    timed = Ecosystem()
    timed.add_org("a", since=2010)
    loaders.write(timed, tmp_path / "2011", format="csv")
    with pytest.raises(LoadError, match="period 2011: organisation 'a' carries 'since'"):
        loaders.read(tmp_path)
