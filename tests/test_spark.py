"""ecograph.spark in local mode: every analytic equals the sparse core (or scipy), on every
built-in dataset and on seeded random ecosystems; reading refuses bad folders with the core
loaders' errors.

One Spark session (``local[2]``) serves the whole module. Without pyspark the module is
skipped, except under CI=true, where the ``dev`` extra installs it and a skip is a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse.csgraph as csgraph

import ecograph as eg
import loaders
from ecograph import Ecosystem
from ecograph.errors import AnalysisError, ConvergenceError, LoadError, NodeNotFoundError, UnknownRelationError
from ecograph.labels import FIELD_LABELS, KIND_LABELS, RELATION_LABELS, RING_LABELS, SECTOR_LABELS, label
from ecograph.memberships import FLAGS
from loaders import csvdir
from loaders.datasets import DATASETS, load_dataset

try:
    import pyspark  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CI") == "true":
        pytest.fail("pyspark is missing; under CI=true the Spark tests must run, not skip (pip install -e .[dev])",
                    pytrace=False)
    pytest.skip("needs pyspark (pip install ecograph[spark])", allow_module_level=True)

from ecograph import spark as egs  # noqa: E402
from ecograph.spark.graph import ORG_COLUMNS  # noqa: E402

RTOL = 1e-9


def sweep_tol(eco: Ecosystem) -> float:
    """PageRank tolerance for the dataset sweep (about 15 rounds): the core's power iteration
    (``method="power"``, the same iterates) runs with the same one, so both stop at the same
    round and must agree to rounding. The core's default tolerance and its default method
    (Gauss-Seidel) are checked on a random ecosystem (test_pagerank_options_...)."""
    return 0.1 / max(len(eco), 1)


@pytest.fixture(scope="module")
def spark():
    session = egs.session("local[2]", **{"spark.sql.shuffle.partitions": 2, "spark.default.parallelism": 2})
    yield session
    session.stop()


def random_ecosystem(seed: int, n: int = 70) -> Ecosystem:
    """Firms with directed services (counts), symmetric collaborations (weights), self-loops,
    parallel relations, isolated firms and associations with overlapping members."""
    rng = random.Random(seed)
    eco = Ecosystem(name=f"random-{seed}")
    firms = [f"f{i:03d}" for i in range(n)]
    for f in firms:
        eco.add_org(f, kind="enterprise", listed=rng.random() < 0.3, high_tech=rng.random() < 0.5)
    associations = [f"a{i}" for i in range(5)]
    for a in associations:
        eco.add_org(a, kind="association")
    for i in range(2 * n):
        u, v = rng.choice(firms[: n - 5]), rng.choice(firms[: n - 5])  # the last five stay isolated
        eco.add_relation(u, v, "serves", key=f"s{i}", count=rng.randint(1, 5))
    for i in range(n // 2):
        u, v = rng.sample(firms[: n - 5], 2)
        eco.add_relation(u, v, "collaborates", key=f"c{i}", weight=rng.choice([0.5, 1.0, 2.5]))
    eco.add_relation(firms[0], firms[0], "collaborates", key="loop", weight=2.0)
    for f in firms[: n - 5]:
        for a in rng.sample(associations, rng.randint(0, 3)):
            eco.add_relation(f, a, "member_of")
    return eco


ECOSYSTEMS = {name: (lambda name=name: load_dataset(name)) for name in DATASETS}
ECOSYSTEMS.update({f"random_{seed}": (lambda seed=seed: random_ecosystem(seed)) for seed in (1, 2)})


@pytest.fixture(scope="module")
def graphs(spark):
    """name -> (Ecosystem, SparkGraph), built once for the module."""
    built = {}
    for name, build in ECOSYSTEMS.items():
        eco = build()
        built[name] = (eco, egs.from_ecosystem(eco, spark).cache())
    return built


def as_dict(df, key: str = "id", value: str = "value") -> dict:
    return {row[key]: row[value] for row in df.select(key, value).collect()}


def assert_values_equal(spark_values: dict, core_values, rel: float = RTOL) -> None:
    """Every (node, value) of the core, and nothing else, to ``rel``."""
    assert len(spark_values) == len(core_values)
    for node, expected in core_values.items():
        assert spark_values[node] == pytest.approx(expected, rel=rel, abs=1e-15), node


def sources_of(eco: Ecosystem, count: int = 3) -> list[str]:
    """A few deterministic sources that have relations."""
    return [node for node in eco.graph if eco.graph.degree(node) > 0][:count]


# ---------------------------------------------------------------------------- equality with the core
@pytest.mark.parametrize("name", list(ECOSYSTEMS))
def test_degree_and_pagerank_equal_the_core(graphs, name):
    eco, g = graphs[name]
    assert_values_equal(as_dict(egs.degree(g)), eg.degree(eco))
    tol = sweep_tol(eco)
    assert_values_equal(as_dict(egs.pagerank(g, tol=tol)), eg.pagerank(eco, tol=tol, method="power"))


@pytest.mark.parametrize("name", list(ECOSYSTEMS))
def test_reach_profile_and_coverage_equal_the_core(graphs, name):
    eco, g = graphs[name]
    sources = sources_of(eco)
    hops = None if name.startswith("random") else 3  # unbounded on the random graphs, bounded elsewhere
    assert as_dict(egs.reach(g, sources, hops), value="hop") == eg.reach(eco, sources, hops).to_dict()
    assert egs.reach_profile(g, sources, 3, directed=False) == eg.reach_profile(eco, sources, 3, directed=False)
    population = list(eco.graph)[::3]
    assert egs.coverage(g, sources, population, 2, directed=False) == \
        eg.coverage(eco, sources, population, 2, directed=False)


@pytest.mark.parametrize("name", list(ECOSYSTEMS))
def test_connected_components_equal_scipy(graphs, name):
    eco, g = graphs[name]
    compiled = eg.compile(eco)
    count, labels = csgraph.connected_components(compiled.matrix, directed=True, connection="weak")
    expected = {frozenset(np.asarray(compiled.nodes, dtype=object)[labels == c].tolist()) for c in range(count)}
    found: dict[str, set[str]] = {}
    for node, component in as_dict(egs.connected_components(g), value="component").items():
        found.setdefault(component, set()).add(node)
    assert {frozenset(members) for members in found.values()} == expected
    assert all(component == min(members) for component, members in found.items())


@pytest.mark.parametrize("name", ["suzhou_associations", "random_1", "random_2"])
def test_association_overlap_and_composition_equal_the_core(graphs, name):
    eco, g = graphs[name]
    core_pairs = {frozenset((p["a"], p["b"])): p for p in eg.association_overlap(eco).pairs()}
    for salted in ({}, {"hot_member": 1, "salts": 3}):  # salting every member changes nothing
        rows = {frozenset((r["a"], r["b"])): r for r in egs.association_overlap(g, **salted).collect()}
        assert len(rows) == len(core_pairs)
        for pair, expected in core_pairs.items():
            assert rows[pair]["shared"] == expected["shared"]
            assert rows[pair]["jaccard"] == pytest.approx(expected["jaccard"], rel=RTOL)
            assert rows[pair]["overlap"] == pytest.approx(expected["overlap"], rel=RTOL)
    spark_rows = {r["association"]: r.asDict() for r in egs.composition(g).collect()}
    core_rows = eg.composition(eco).rows()
    assert len(spark_rows) == len(core_rows)
    for expected in core_rows:
        row = spark_rows[expected["association"]]
        for column in ["name", "members", *[f for flag in FLAGS for f in (flag, f"{flag}_share")]]:
            assert row[column] == (expected[column] if column == "name" else pytest.approx(expected[column], rel=RTOL))


def test_pagerank_options_at_the_core_default_tolerance(graphs):
    eco, g = graphs["random_1"]
    personalization = {"f001": 2.0, "f002": 1.0, "f069": 1.0}
    dangling = {"f003": 1.0}
    tol = sweep_tol(eco)
    for options in ({"personalization": personalization, "dangling": dangling, "alpha": 0.5, "weight": None},
                    {"weight": "count", "relations": ["serves"], "tol": tol},
                    {"nstart": {"f010": 1.0}, "tol": tol}):
        compiled = eg.compile(eco, options.get("weight", "weight"), relations=options.get("relations"))
        core_options = {k: v for k, v in options.items() if k != "relations"}
        found = as_dict(egs.pagerank(g, **options))
        assert_values_equal(found, eg.pagerank(compiled, method="power", **core_options), rel=1e-8)
        # the core's default method (Gauss-Seidel) meets the same residual test: both are
        # within n * tol / (1 - alpha) of the fixed point in L1
        default = eg.pagerank(compiled, **core_options)
        bound = 2 * len(eco) * options.get("tol", 1e-10) / (1 - options.get("alpha", 0.85))
        assert sum(abs(found[node] - value) for node, value in default.items()) <= bound


def test_relation_filter_weight_and_direction_equal_the_core(graphs):
    eco, g = graphs["random_2"]
    for relations, weight, directed in ((["collaborates"], "weight", None), ("serves", "count", False),
                                        (None, "count", True)):
        expected = eg.degree(eg.compile(eco, weight, relations=relations, directed=directed), weight=weight)
        assert_values_equal(as_dict(egs.degree(g, weight, relations, directed=directed)), expected)
    with pytest.raises(UnknownRelationError, match="spaceflight"):
        egs.degree(g, relations=["spaceflight"])


def test_bad_arguments_give_the_core_errors(graphs):
    eco, g = graphs["random_1"]
    with pytest.raises(NodeNotFoundError, match="'nobody'"):
        egs.reach(g, ["f001", "nobody"])
    with pytest.raises(NodeNotFoundError, match="'ghost'"):
        egs.pagerank(g, personalization={"ghost": 1.0})
    with pytest.raises(AnalysisError, match="sum to zero"):
        egs.pagerank(g, personalization={"f001": 0.0})
    with pytest.raises(AnalysisError, match="population is empty"):
        egs.coverage(g, ["f001"], [], 2)
    with pytest.raises(AnalysisError, match="hops"):
        egs.reach(g, ["f001"], -1)
    with pytest.raises(ConvergenceError):
        egs.pagerank(g, max_iter=2)


def test_progress_is_reported_every_round(graphs):
    eco, g = graphs["random_1"]
    rounds: list[tuple[int, float]] = []
    egs.pagerank(g, tol=1e-4, progress=lambda i, change: rounds.append((i, change)))
    assert [i for i, _ in rounds] == list(range(1, len(rounds) + 1))
    assert rounds[-1][1] < len(eco) * 1e-4 <= rounds[-2][1]  # the stopping rule, checked after each round


# ---------------------------------------------------------------------------- reading and writing
def text_rows(table: list[list[str]]) -> list[dict]:
    """The core's CSV table (typed header, text cells) as rows ``{column: text or None}``."""
    names = [cell.partition(":")[0] for cell in table[0]]
    return [{name: cell or None for name, cell in zip(names, row)} for row in table[1:]]


def assert_rows_equal(df, expected: list[dict], key) -> None:
    """Every row of the oracle, and nothing else, with the same cells."""
    found = {key(row): row.asDict() for row in df.collect()}
    assert len(found) == len(expected)
    for row in expected:
        assert found[key(row)] == row, key(row)


def test_csv_and_parquet_folders_keep_the_text_and_give_the_core_numbers(spark, tmp_path):
    eco = random_ecosystem(4, n=30)
    for i, node in enumerate(list(eco.graph)[:20]):  # money, dates, lists: the core's exact types
        eco.update_org(node, revenue=Decimal("12345678901234.56") + i, founded=dt.date(2001, 1, 1 + i),
                       tags=["药物", f"t{i}"], years=[2000 + i, 2020], staff=10 ** 18 + i, share=0.1 * i)
    eco.add_relation("f001", "a0", "member_of", key="with-role", role="member")  # a role column
    loaders.write(eco, tmp_path / "csv")
    org_table, rel_table, _ = csvdir.tables_of(eco)
    expected_orgs, expected_rels = text_rows(org_table), text_rows(rel_table)
    by_id, by_key = (lambda row: row["id"]), (lambda row: (row["source"], row["target"], row["key"] or row["type"]))
    g = egs.read(spark, str(tmp_path / "csv"))
    assert g.name == eco.name and {f.dataType.simpleString() for f in g.orgs.schema} == {"string"}
    assert_rows_equal(g.orgs, expected_orgs, by_id)
    assert_rows_equal(g.relations, expected_rels, by_key)
    assert_values_equal(as_dict(egs.degree(g, "count")), eg.degree(eco, weight="count"))
    egs.write(g, str(tmp_path / "parquet"))
    back = egs.read(spark, str(tmp_path / "parquet"))
    assert back.name == eco.name and back.orgs.columns == g.orgs.columns
    assert_rows_equal(back.orgs, expected_orgs, by_id)
    assert_rows_equal(back.relations, expected_rels, by_key)
    tol = sweep_tol(eco)
    assert_values_equal(as_dict(egs.pagerank(back, weight="count", tol=tol)),
                        eg.pagerank(eco, weight="count", tol=tol, method="power"))


def test_chinese_headers_and_words_read_as_the_core_reads_them(spark, tmp_path):
    eco = load_dataset("shanghai_motor")  # kinds, sectors, relation types, rings
    loaders.write(eco, tmp_path / "en")
    folder = tmp_path / "zh"
    folder.mkdir()
    words = {"kind": KIND_LABELS, "sector": SECTOR_LABELS, "type": RELATION_LABELS, "ring": RING_LABELS}
    for file in ("organizations.csv", "relations.csv"):
        with (tmp_path / "en" / file).open(encoding="utf-8-sig", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        names = [cell.partition(":")[0] for cell in header]
        zh_header = [label(FIELD_LABELS, name) + cell[len(name):] for name, cell in zip(names, header)]
        zh_rows = [[label(words[name], cell) if name in words and cell else cell for name, cell in zip(names, row)]
                   for row in rows]
        with (folder / file).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([zh_header, *zh_rows])
    assert "类型" in (folder / "organizations.csv").read_text(encoding="utf-8")
    core = loaders.read(folder)
    g = egs.read(spark, str(folder))
    orgs = {row["id"]: row for row in g.orgs.select(*ORG_COLUMNS).collect()}
    assert len(orgs) == len(core)
    for node, data in core.graph.nodes(data=True):
        assert (orgs[node]["name"], orgs[node]["kind"], orgs[node]["sector"]) == \
            (data["name"], data["kind"], data["sector"]), node
    relations = Counter((row["source"], row["target"], row["type"], row["ring"])
                        for row in g.relations.select("source", "target", "type", "ring").collect())
    assert relations == Counter((u, v, d["type"], d.get("ring")) for u, v, d in core.graph.edges(data=True))
    assert_values_equal(as_dict(egs.degree(g)), eg.degree(core))


def test_gbk_planner_folder_reads(spark):
    folder = Path(__file__).parents[1] / "examples" / "data" / "planner_csv"
    eco = loaders.read(folder)
    g = egs.read(spark, str(folder))
    assert_values_equal(as_dict(egs.degree(g)), eg.degree(eco))


def write_folder(folder: Path, organizations: str, relations: str | None = None) -> str:
    folder.mkdir()
    (folder / "organizations.csv").write_text(organizations, encoding="utf-8")
    if relations is not None:
        (folder / "relations.csv").write_text(relations, encoding="utf-8")
    return str(folder)


ROW_PROBLEMS = (  # each line a problem the core reports, after a multi-line cell and blank lines
    'id,name,kind,listed:bool\n'
    'a,"甲\n多行",企业,是\n'
    '\n'
    'b,乙,qiye,true\n'  # unknown kind (a near miss)
    ',丙,企业,\n'  # missing id
    'a,丁,enterprise,\n'  # duplicate id
    'c,戊,enterprise,maybe\n'  # unreadable bool
    ',,,\n'  # a blank row: skipped
    'e,庚,高校,否\n',
    'source,target,type,ring\n'
    'a,c,serves,\n'
    'a,ghost,serves,\n'  # unknown target
    '\n'
    'ghost,a,服务,\n'  # unknown source: the same mistake, reported once with both lines
    'a,,serves,\n'  # missing target
    'e,a,in_ring,外层圈\n'  # unknown ring
    'a,e,teleports,\n'  # unknown relation type
    'e,"c",合作,\n',
)


@pytest.mark.parametrize("case, organizations, relations", [
    ("row problems", *ROW_PROBLEMS),
    ("missing column", "name,kind\n甲,enterprise\n", None),
    ("missing relation column", "id,name\na,甲\n", "source,type\na,serves\n"),
    ("empty file", "", None),
])
def test_bad_folders_give_the_core_loader_errors(spark, tmp_path, case, organizations, relations):
    folder = write_folder(tmp_path / "in", organizations, relations)
    with pytest.raises(LoadError) as core:
        loaders.read(folder)
    with pytest.raises(LoadError) as distributed:
        egs.read(spark, folder)
    assert [p.message for p in distributed.value.problems] == [p.message for p in core.value.problems]
    assert distributed.value.message == core.value.message
    assert ", line " in core.value.message  # the oracle places its problems by line


def test_header_only_folder_is_an_empty_graph(spark, tmp_path):
    folder = write_folder(tmp_path / "in", "id,name,kind\n", "source,target,type\n")
    assert len(loaders.read(folder)) == 0
    g = egs.read(spark, folder)
    assert egs.pagerank(g).count() == 0 and egs.degree(g).count() == 0
    assert egs.connected_components(g).count() == 0


def test_missing_folder_is_a_load_error(spark, tmp_path):
    with pytest.raises(LoadError, match="organizations.csv"):
        egs.read(spark, str(tmp_path / "nowhere"))


# ---------------------------------------------------------------------------- command line
def test_cli_writes_parquet_and_csv_with_progress(spark, tmp_path, capsys):
    from ecograph.cli import main

    eco = random_ecosystem(3, n=30)
    loaders.write(eco, tmp_path / "csv")
    out = tmp_path / "out"
    tol = sweep_tol(eco)
    assert main(["spark", "pagerank", str(tmp_path / "csv"), "--master", "local[2]", "--out", str(out), "--csv",
                 "--tol", str(tol)]) == 0
    rounds = [line for line in capsys.readouterr().err.splitlines() if line.startswith("pagerank: iteration")]
    assert len(rounds) >= 2
    written = {row["id"]: row["value"] for row in spark.read.parquet(str(out / "pagerank.parquet")).collect()}
    assert_values_equal(written, eg.pagerank(eco, tol=tol, method="power"))
    assert spark.read.option("header", True).csv(str(out / "pagerank.csv")).count() == len(eco)
    assert main(["spark", "reach", str(tmp_path / "csv"), "--out", str(out), "--source", "f001", "--hops", "2"]) == 0
    reached = {row["id"]: row["hop"] for row in spark.read.parquet(str(out / "reach.parquet")).collect()}
    assert reached == eg.reach(eco, ["f001"], 2).to_dict()
    for analytic in ("components", "overlap"):
        assert main(["spark", analytic, str(tmp_path / "csv"), "--out", str(out)]) == 0
    assert spark.read.parquet(str(out / "overlap.parquet")).count() == len(eg.association_overlap(eco).pairs())


def test_cli_errors_are_one_line(spark, tmp_path, capsys):
    from ecograph.cli import main

    assert main(["spark", "pagerank", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()  # a progress line, then the error in one line
    assert err[-1].startswith("ecograph spark: error:") and "organizations.csv" in err[-1]
    assert not any("Traceback" in line for line in err) and len(err) == 2
    folder = write_folder(tmp_path / "in", "id\na\n", "source,target,type\na,ghost,serves\n")
    assert main(["spark", "reach", folder, "--out", str(tmp_path / "out"), "--source", "a"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("ecograph spark: error:") and "relations.csv, line 2:" in err[-1]
    assert "'ghost' is not an organisation" in err[-1] and not any("Traceback" in line for line in err)
    with pytest.raises(SystemExit) as usage:  # a bad option value is a usage error, before Spark starts
        main(["spark", "overlap", folder, "--out", str(tmp_path / "out"), "--salts", "0"])
    assert usage.value.code == 2 and "--salts" in capsys.readouterr().err


@pytest.mark.parametrize("analytic", ["pagerank", "reach", "components", "overlap"])
def test_cli_help(analytic, capsys):
    from ecograph.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["spark", analytic, "--help"])
    assert exit_.value.code == 0 and "--master" in capsys.readouterr().out
