"""An ecosystem as two Spark DataFrames, in the columns of the CSV folder format.

``orgs`` has ``id, name, kind, sector`` then one column per attribute; ``relations`` has
``source, target, type, key`` then one column per relation attribute (see
``docs/data-format.md``). A :class:`SparkGraph` is read from a CSV folder or a folder of
Parquet files, built from an in-memory :class:`~ecograph.model.Ecosystem`, and written to
Parquet. Reading checks what the core loaders check where it matters for the analytics
(structural columns, ids, kinds, relation types, endpoints, typed cells) and raises the same
:class:`~ecograph.errors.LoadError`, listing every problem found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AttributeTypeError, LoadError, UnknownRelationError
from ..model import Ecosystem, Vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = ["SparkGraph", "from_ecosystem", "read", "write", "ORG_PARQUET", "REL_PARQUET"]

ORG_COLUMNS = ("id", "name", "kind", "sector")
REL_COLUMNS = ("source", "target", "type", "key")
ORG_PARQUET, REL_PARQUET = "organizations.parquet", "relations.parquet"
#: Declared CSV column types Spark holds natively; every other type stays text.
_SPARK_TYPES = {"int": "BIGINT", "float": "DOUBLE"}
_TRUE_WORDS = ("true", "yes", "是", "t", "y")
_FALSE_WORDS = ("false", "no", "否", "f", "n")
#: Problems reported per check before reading stops looking (the loaders list every one;
#: on 10^8 rows a sample names the fault well enough).
_SHOWN = 10


@dataclass(frozen=True)
class SparkGraph:
    """Organisations and relations as Spark DataFrames.

    Attributes
    ----------
    orgs : pyspark.sql.DataFrame
        ``id, name, kind, sector`` and attribute columns.
    relations : pyspark.sql.DataFrame
        ``source, target, type, key`` and attribute columns.
    vocabulary : Vocabulary
        Kinds and relation types (which are symmetric), as in the core.
    name : str
        The ecosystem's name.
    """

    orgs: DataFrame
    relations: DataFrame
    vocabulary: Vocabulary
    name: str = ""

    @property
    def spark(self) -> SparkSession:
        return self.orgs.sparkSession

    def filter(self, relations: str | Iterable[str] | None) -> SparkGraph:
        """The same organisations with only the relations of the given types.

        Raises
        ------
        UnknownRelationError
            A type the vocabulary does not know (the core's message).
        """
        types = relation_types(self.vocabulary, relations)
        if types is None:
            return self
        from pyspark.sql import functions as F

        return replace(self, relations=self.relations.filter(F.col("type").isin(sorted(types))))

    def cache(self) -> SparkGraph:
        """Keep both tables in memory (worth it before running several analytics)."""
        return replace(self, orgs=self.orgs.cache(), relations=self.relations.cache())

    def arcs(self, relations: str | Iterable[str] | None = None, weight: str | None = None,
             directed: bool | None = None) -> tuple[DataFrame, bool]:
        """The compiled view as an arc table ``(src, dst, w)``, as :meth:`SparseGraph.from_ecosystem`.

        Directed view: a directed relation ``u -> v`` gives the arc ``u -> v``, a symmetric one
        both arcs (a self-loop once). Undirected view: every relation both ways. Parallel arcs'
        weights add up. ``directed=None`` picks the undirected view when every relation type
        in play is symmetric.

        Returns
        -------
        (DataFrame, bool)
            The arcs and whether the view is directed.

        Raises
        ------
        UnknownRelationError
            An unknown relation type.
        AttributeTypeError
            A weight that is not a number.
        """
        from pyspark.sql import functions as F

        graph = self.filter(relations)
        specs = self.vocabulary.relations
        if directed is None:
            types = relation_types(self.vocabulary, relations)
            if types is None:
                types = {row[0] for row in graph.relations.select("type").distinct().collect()}
            directed = any(specs[t].directed for t in types if t in specs)
        symmetric = sorted(t for t, spec in specs.items() if not spec.directed)
        w = _weight_column(graph.relations, weight)
        forward = graph.relations.select(F.col("source").alias("src"), F.col("target").alias("dst"),
                                         w.alias("w"), F.col("type"))
        backward = forward.filter(F.col("src") != F.col("dst"))
        if directed:
            backward = backward.filter(F.col("type").isin(symmetric))
        both = forward.drop("type").unionByName(
            backward.select(F.col("dst").alias("src"), F.col("src").alias("dst"), "w"))
        return both.groupBy("src", "dst").agg(F.sum("w").alias("w")), bool(directed)


def relation_types(vocabulary: Vocabulary, relations: str | Iterable[str] | None) -> set[str] | None:
    """The ``relations=`` argument as a checked set (``None``: all types)."""
    if relations is None:
        return None
    types = {relations} if isinstance(relations, str) else set(relations)
    for t in sorted(types):
        if t not in vocabulary.relations:
            raise UnknownRelationError(
                f"compile: unknown relation type {t!r}; expected one of {sorted(vocabulary.relations)}",
                field="relations", value=t,
            )
    return types


def _weight_column(relations: DataFrame, weight: str | None) -> Column:
    """The weight as a double; relations without it weigh 1, as in the core."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import NumericType

    if weight is None or weight not in relations.columns:
        return F.lit(1.0)
    field = relations.schema[weight]
    if isinstance(field.dataType, NumericType):
        return F.coalesce(F.col(weight).cast("double"), F.lit(1.0))
    parsed = F.expr(f"try_cast(`{weight}` AS DOUBLE)")
    bad = relations.filter(F.col(weight).isNotNull() & parsed.isNull()).select(*REL_COLUMNS[:3], weight).first()
    if bad is not None:
        raise AttributeTypeError(
            f"relation {bad['source']!r} -[{bad['type']}]-> {bad['target']!r}: weight {weight!r} must be a "
            f"number, got {bad[weight]!r}", field=weight, id=bad["source"],
        )
    return F.coalesce(parsed, F.lit(1.0))


def truthy(df: DataFrame, column: str) -> Column:
    """``bool(value)`` of the core for a column of any type (text reads true/yes/是 or a non-zero number)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import BooleanType, NumericType

    if column not in df.columns:
        return F.lit(False)
    kind = df.schema[column].dataType
    if isinstance(kind, BooleanType):
        return F.coalesce(F.col(column), F.lit(False))
    if isinstance(kind, NumericType):
        return F.coalesce(F.col(column) != 0, F.lit(False))
    text = F.lower(F.trim(F.col(column).cast("string")))
    number = F.expr(f"try_cast(`{column}` AS DOUBLE)")
    return F.coalesce(text.isin(list(_TRUE_WORDS)) | (number.isNotNull() & (number != 0)), F.lit(False))


# ---------------------------------------------------------------------------- building
def from_ecosystem(eco: Ecosystem, spark: SparkSession) -> SparkGraph:
    """An in-memory ecosystem as a :class:`SparkGraph` (attributes typed per column).

    Booleans, integers (within 64 bits) and floats keep Spark types, Decimals (money) become
    exact decimals; every other value (dates, lists, mixed columns) is carried as its text.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> from ecograph.spark import from_ecosystem, session
    >>> eco = Ecosystem(); eco.add_org("a", "甲", staff=3); eco.add_org("b")
    >>> eco.add_relation("a", "b", "serves", count=2)
    >>> g = from_ecosystem(eco, session("local[1]"))  # doctest: +SKIP
    >>> g.relations.columns  # doctest: +SKIP
    ['source', 'target', 'type', 'key', 'count']
    """
    org_rows = [{"id": node, **data} for node, data in eco.orgs()]
    rel_rows = [{"source": u, "target": v, "type": d["type"], "key": k, **{a: b for a, b in d.items() if a != "type"}}
                for u, v, k, d in eco.relations()]
    orgs = _frame(spark, org_rows, ORG_COLUMNS)
    relations = _frame(spark, rel_rows, REL_COLUMNS)
    return SparkGraph(orgs, relations, eco.vocabulary, eco.name)


def _frame(spark: SparkSession, rows: list[dict[str, Any]], structural: tuple[str, ...]) -> DataFrame:
    from pyspark.sql import types as T

    columns = dict.fromkeys(structural)
    for row in rows:
        columns.update(dict.fromkeys(row))
    fields, converters = [], []
    for name in columns:
        values = [row[name] for row in rows if row.get(name) is not None]
        spark_type, convert = (T.StringType(), str) if name in structural else _spark_type(values)
        fields.append(T.StructField(name, spark_type, nullable=True))
        converters.append(convert)
    data = [tuple(None if row.get(name) is None else convert(row[name]) for name, convert in zip(columns, converters))
            for row in rows]
    return spark.createDataFrame(data, T.StructType(fields))


def _spark_type(values: list[Any]) -> tuple[Any, Any]:
    """The Spark type holding every value exactly, and the converter to it."""
    from pyspark.sql import types as T

    from loaders._values import to_json

    kinds = {type(v) for v in values}
    if kinds == {bool}:
        return T.BooleanType(), bool
    if kinds == {int} and all(-(2**63) <= v < 2**63 for v in values):
        return T.LongType(), int
    if kinds and kinds <= {int, float} and float in kinds and all(abs(v) < 2**53 for v in values if type(v) is int):
        return T.DoubleType(), float
    if kinds == {Decimal} and all(v.is_finite() for v in values):
        scale = max(max(-v.as_tuple().exponent, 0) for v in values)
        digits = max(len(v.as_tuple().digits) - v.as_tuple().exponent - scale if v.as_tuple().exponent < 0
                     else len(v.as_tuple().digits) + v.as_tuple().exponent for v in values)
        if digits + scale <= 38:
            return T.DecimalType(38, scale), lambda v: v
    if kinds == {str}:
        return T.StringType(), str
    return T.StringType(), lambda v: json.dumps(to_json(v), ensure_ascii=False) if not isinstance(v, str) else v


# ---------------------------------------------------------------------------- reading
def read(spark: SparkSession, path: str, *, encoding: str | None = None, validate: bool = True) -> SparkGraph:
    """Read a CSV folder (``organizations.csv``, ``relations.csv``) or a Parquet folder
    (``organizations.parquet``, ``relations.parquet``, as :func:`write` makes).

    ``ecosystem.json`` (name and vocabulary) is read when present, as by the core loaders.
    Local or any file system Spark reaches (``hdfs://``, ``s3a://`` ...).

    Parameters
    ----------
    spark : SparkSession
    path : str
        The folder.
    encoding : str, optional
        CSV text encoding; detected (UTF-8, UTF-8 with BOM, UTF-16, GBK) for local files.
    validate : bool
        Check the tables as the core loaders do (a few Spark jobs: a join for the endpoints,
        a grouping for duplicate ids). ``False`` trusts the data.

    Returns
    -------
    SparkGraph

    Raises
    ------
    LoadError
        No organisations table; a missing column; blank ids; duplicate ids; unknown kinds or
        relation types; a relation to an unknown id; an unreadable typed cell. Every problem
        names the file and the field (and the id), with the core loaders' wording.
    """
    import loaders.csvdir as csvdir
    from loaders._build import summarise

    folder = path.rstrip("/")
    org_file = next((f"{folder}/{n}" for n in ("organizations.csv", "organisations.csv", ORG_PARQUET)
                     if _exists(spark, f"{folder}/{n}")), None)
    if org_file is None:
        raise LoadError(f"{folder}: no {csvdir.ORG_FILE} or {ORG_PARQUET} in this folder; expected one (and "
                        f"optionally {csvdir.REL_FILE} / {REL_PARQUET} and {csvdir.META_FILE})", path=folder)
    parquet = org_file.endswith(".parquet")
    rel_file = f"{folder}/{REL_PARQUET if parquet else csvdir.REL_FILE}"
    name, vocabulary = _read_meta(spark, f"{folder}/{csvdir.META_FILE}", folder)
    problems: list[LoadError] = []
    if parquet:
        orgs, org_cells = _header_checked(spark.read.parquet(org_file), org_file, ORG_COLUMNS, problems)
        relations, rel_cells = (_header_checked(spark.read.parquet(rel_file), rel_file, REL_COLUMNS, problems)
                                if _exists(spark, rel_file) else (None, None))
    else:
        orgs, org_cells = _read_csv(spark, org_file, encoding, ORG_COLUMNS, problems)
        relations, rel_cells = (_read_csv(spark, rel_file, encoding, REL_COLUMNS, problems)
                                if _exists(spark, rel_file) else (None, None))
    if problems:
        raise summarise(problems, folder)
    if relations is None:
        relations = _empty_relations(spark)
    orgs = _with_columns(orgs, ORG_COLUMNS)
    relations = _with_columns(relations, REL_COLUMNS)
    graph = SparkGraph(orgs, relations, vocabulary, name)
    if validate:
        problems += _check_orgs(graph, org_cells, org_file)
        problems += _check_relations(graph, rel_cells, rel_file)
        if problems:
            raise summarise(problems, folder)
    return graph


def _with_columns(df: DataFrame, structural: tuple[str, ...]) -> DataFrame:
    """Add the optional structural columns a file left out (as nulls), structural ones first."""
    from pyspark.sql import functions as F

    for column in structural:
        if column not in df.columns:
            df = df.withColumn(column, F.lit(None).cast("string"))
    return df.select(*structural, *[c for c in df.columns if c not in structural])


def _empty_relations(spark: SparkSession) -> DataFrame:
    from pyspark.sql import types as T

    return spark.createDataFrame([], T.StructType([T.StructField(c, T.StringType()) for c in REL_COLUMNS]))


#: How many leading structural columns a table must have (as the core loaders require).
_REQUIRED = {ORG_COLUMNS: 1, REL_COLUMNS: 3}


def _header(raw: DataFrame, file: str, structural: tuple[str, ...],
            problems: list[LoadError]) -> list[tuple[str, str | None]] | None:
    """``(column, declared type)`` per column by the core loaders' header rules (Chinese names,
    ``name:type``, required columns), their problems added to ``problems``; ``None`` when the
    header has problems."""
    from loaders._build import Builder
    from loaders.csvdir import _Table

    empty = not raw.columns or raw.columns == ["_c0"] and not raw.head(1)
    builder = Builder(file)
    table = _Table(file, None if empty else list(raw.columns), [], structural, _REQUIRED[structural], builder)
    problems += builder.problems
    return None if builder.problems else table.columns


def _header_checked(raw: DataFrame, file: str, structural: tuple[str, ...],
                    problems: list[LoadError]) -> tuple[DataFrame, None]:
    """A Parquet table whose column names pass the core's header rules (its types are native)."""
    columns = _header(raw, file, structural, problems)
    if columns is None:
        return raw, None
    return raw.select(*[raw[f"`{old}`"].alias(name) for old, (name, _) in zip(raw.columns, columns)]), None


def _read_csv(spark: SparkSession, file: str, encoding: str | None, structural: tuple[str, ...],
              problems: list[LoadError]) -> tuple[DataFrame, DataFrame | None]:
    """The typed table (declared ``:int`` / ``:float`` / ``:bool`` columns read natively) and,
    when it has such columns, a table of ``(structural columns, _bad_cell)`` naming the first
    typed cell of each row that does not read (null when all do)."""
    from pyspark.sql import functions as F

    chosen, delimiter = _sniff(file, encoding)
    raw = (spark.read.option("header", True).option("encoding", chosen).option("sep", delimiter)
           .option("multiLine", True).option("mode", "FAILFAST").csv(file))
    header = _header(raw, file, structural, problems)
    if header is None:
        return raw, None
    raw = raw.select(*[F.col(f"`{written}`").alias(name) for written, (name, _) in zip(raw.columns, header)])
    columns, failures = [], []
    for name, declared in header:
        type_ = None if name in structural else declared
        if type_ in _SPARK_TYPES:
            value = F.expr(f"try_cast(`{name}` AS {_SPARK_TYPES[type_]})")
        elif type_ == "bool":
            text = F.lower(F.trim(F.col(name)))
            value = F.when(text.isin(list(_TRUE_WORDS)), True).when(text.isin(list(_FALSE_WORDS)), False)
        else:
            columns.append(F.col(name))
            continue
        columns.append(value.alias(name))
        failures.append(F.when(F.col(name).isNotNull() & value.isNull(),
                               F.concat(F.lit(f"field {name!r}: '"), F.trim(F.col(name)),
                                        F.lit(f"' is not valid: expected {_expected(type_)} (column type {type_})"))))
    present = [c for c in structural if c in raw.columns]
    cells = raw.select(*present, F.coalesce(*failures).alias("_bad_cell")) if failures else None
    return raw.select(*columns), cells


def _expected(type_: str) -> str:
    """What the core loaders say a cell of this column type must be."""
    from loaders._values import ValueProblem, parse_cell

    try:
        parse_cell("\x00", type_)
    except ValueProblem as exc:
        return exc.expected
    return type_  # pragma: no cover - every typed column refuses a NUL cell


def _sniff(file: str, encoding: str | None) -> tuple[str, str]:
    """Encoding and delimiter of a local CSV file, as the core loaders detect them."""
    from ecograph.documents import detect_encoding

    local = Path(file[len("file:"):] if file.startswith("file:") else file)
    if "://" in file and not file.startswith("file:") or not local.is_file():
        return encoding or "utf-8", ","
    head = local.open("rb").read(1 << 16)
    chosen = encoding or detect_encoding(head)
    first = head.decode(chosen, errors="replace").split("\n", 1)[0]
    return ("utf-8" if chosen == "utf-8-sig" else chosen), ("\t" if "\t" in first and "," not in first else ",")


def _problem(file: str, message: str, *, field: str | None = None, id: str | None = None,
             line: int | None = None) -> LoadError:
    place = f"{file}, line {line}" if line is not None else file
    prefix = f"field {field!r}: " if field is not None and f"'{field}'" not in message else ""
    return LoadError(f"{place}: {prefix}{message}", path=file, line=line, field=field, id=id)


def _check_orgs(graph: SparkGraph, cells: DataFrame | None, file: str) -> list[LoadError]:
    from pyspark.sql import functions as F

    problems = _cell_problems(cells, file)
    kinds = sorted(graph.vocabulary.kinds)
    bad = graph.orgs.filter(F.col("id").isNull() | (F.col("kind").isNotNull() & ~F.col("kind").isin(kinds))
                            ).select("id", "kind").limit(_SHOWN).collect()
    for row in bad:
        if row["id"] is None:
            problems.append(_problem(file, "missing the id", field="id"))
        else:
            problems.append(_problem(file, _unknown_term(graph, "kind", row["kind"]), field="kind", id=row["id"]))
    duplicates = (graph.orgs.filter(F.col("id").isNotNull()).groupBy("id").count().filter(F.col("count") > 1)
                  .select("id").limit(_SHOWN).collect())
    problems += [_problem(file, f"duplicate organisation id {row['id']!r}: ids must be unique", field="id",
                          id=row["id"]) for row in duplicates]
    return problems


def _check_relations(graph: SparkGraph, cells: DataFrame | None, file: str) -> list[LoadError]:
    from pyspark.sql import functions as F

    problems = _cell_problems(cells, file)
    known = sorted(graph.vocabulary.relations)
    blank = F.col("source").isNull() | F.col("target").isNull() | F.col("type").isNull()
    bad = graph.relations.filter(blank | ~F.col("type").isin(known)).limit(_SHOWN).collect()
    for row in bad:
        missing = next((f for f in REL_COLUMNS[:3] if row[f] is None), None)
        if missing is not None:
            problems.append(_problem(file, f"missing the {missing}", field=missing))
        else:
            problems.append(_problem(file, _unknown_term(graph, "type", row["type"]), field="type", id=row["source"]))
    ids = graph.orgs.select("id")
    ends = graph.relations.filter(~blank).select(*REL_COLUMNS[:3])
    for role in ("source", "target"):
        dangling = ends.join(ids.withColumnRenamed("id", role), role, "left_anti").limit(_SHOWN).collect()
        problems += [_problem(file, f"relation {row['source']!r} -[{row['type']}]-> {row['target']!r}: {role} "
                                    f"{row[role]!r} is not an organisation of the ecosystem", field=role, id=row[role])
                     for row in dangling]
    return problems


def _unknown_term(graph: SparkGraph, category: str, value: str) -> str:
    """The core loaders' message for an unknown kind or relation type (with its suggestion)."""
    from loaders._build import Builder, Where

    builder = Builder(graph.name)
    builder.start(graph.name, graph.vocabulary, {}, Where(""))
    return builder._unknown_term(category, value)


def _cell_problems(cells: DataFrame | None, file: str) -> list[LoadError]:
    """Typed cells that did not read, named by their row (see :func:`_read_csv`)."""
    from pyspark.sql import functions as F

    if cells is None:
        return []
    rows = cells.filter(F.col("_bad_cell").isNotNull()).limit(_SHOWN).collect()
    return [_problem(file, row["_bad_cell"], field=row["_bad_cell"].split("'")[1],
                     id=row[cells.columns[0]]) for row in rows]


def _exists(spark: SparkSession, path: str) -> bool:
    """Whether ``path`` exists on whatever file system Spark reads it from."""
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return bool(hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(hadoop_path))


def _read_meta(spark: SparkSession, file: str, folder: str) -> tuple[str, Vocabulary]:
    """Name and vocabulary from ``ecosystem.json`` (folder name and default vocabulary without it)."""
    from loaders.yamljson import vocabulary_from_document

    default_name = folder.rstrip("/").rsplit("/", 1)[-1]
    if not _exists(spark, file):
        return default_name, Vocabulary()
    text = "".join(row[0] for row in spark.read.text(file, wholetext=True).collect())
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(f"{file}, line {exc.lineno}: not valid JSON: {exc.msg}", path=file, line=exc.lineno) from None
    vocabulary = meta.get("vocabulary")
    name = str(meta.get("name", default_name))
    return name, (vocabulary_from_document(vocabulary) if vocabulary else Vocabulary())


# ---------------------------------------------------------------------------- writing
def write(graph: SparkGraph, path: str) -> None:
    """Write ``graph`` as a Parquet folder that :func:`read` reads back (replacing it).

    ``organizations.parquet`` and ``relations.parquet`` (folders of part files) and
    ``ecosystem.json`` (name and vocabulary).
    """
    from loaders.yamljson import vocabulary_to_document

    folder = path.rstrip("/")
    graph.orgs.write.mode("overwrite").parquet(f"{folder}/{ORG_PARQUET}")
    graph.relations.write.mode("overwrite").parquet(f"{folder}/{REL_PARQUET}")
    meta: dict[str, Any] = {"ecograph": 1, "name": graph.name}
    vocabulary = vocabulary_to_document(graph.vocabulary)
    if vocabulary:
        meta["vocabulary"] = vocabulary
    _write_text(graph.spark, f"{folder}/ecosystem.json", json.dumps(meta, ensure_ascii=False, indent=1) + "\n")


def _write_text(spark: SparkSession, path: str, text: str) -> None:
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.create(hadoop_path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()
