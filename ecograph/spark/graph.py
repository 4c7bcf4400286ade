"""An ecosystem as two Spark DataFrames, in the columns of the CSV folder format.

``orgs`` has ``id, name, kind, sector`` then one column per attribute; ``relations`` has
``source, target, type, key`` then one column per relation attribute (see
``docs/data-format.md``). A :class:`SparkGraph` is read from a CSV folder or a folder of
Parquet files, built from an in-memory :class:`~ecograph.model.Ecosystem`, and written to
Parquet. Reading accepts what the core CSV loader accepts (Chinese headers and vocabulary
words), keeps attribute cells as text, checks what the core checks where it matters for the
analytics (structural columns, ids, kinds, sectors, relation types, rings, endpoints, typed
cells) and raises the core's :class:`~ecograph.errors.LoadError` with its messages, each
placed by file and line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import AttributeTypeError, LoadError, UnknownRelationError
from ..model import Ecosystem, Vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = ["SparkGraph", "from_ecosystem", "read", "write", "ORG_PARQUET", "REL_PARQUET"]

ORG_COLUMNS = ("id", "name", "kind", "sector")
REL_COLUMNS = ("source", "target", "type", "key")
ORG_PARQUET, REL_PARQUET = "organizations.parquet", "relations.parquet"
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
    if isinstance(relations.schema[weight].dataType, NumericType):
        return F.coalesce(F.col(weight).cast("double"), F.lit(1.0))
    parsed = _number(F.col(weight))
    bad = relations.filter(F.col(weight).isNotNull() & parsed.isNull()).select(*REL_COLUMNS[:3], weight).first()
    if bad is not None:
        raise AttributeTypeError(
            f"relation {bad['source']!r} -[{bad['type']}]-> {bad['target']!r}: weight {weight!r} must be a "
            f"number, got {bad[weight]!r}", field=weight, id=bad["source"],
        )
    return F.coalesce(parsed, F.lit(1.0))


def truthy(df: DataFrame, column: str) -> Column:
    """``bool(value)`` of the core for a column of any type (text: a true word of the core's
    ``bool`` cells, true/yes/是 ..., or a non-zero number)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import BooleanType, NumericType

    if column not in df.columns:
        return F.lit(False)
    kind = df.schema[column].dataType
    if isinstance(kind, BooleanType):
        return F.coalesce(F.col(column), F.lit(False))
    if isinstance(kind, NumericType):
        return F.coalesce(F.col(column) != 0, F.lit(False))
    from loaders._values import _BOOL_WORDS

    text = F.lower(_stripped(F.col(column).cast("string")))
    number = _number(F.col(column).cast("string"))
    true_words = [word for word, value in _BOOL_WORDS.items() if value]
    return F.coalesce(text.isin(true_words) | (number.isNotNull() & (number != 0)), F.lit(False))


def _stripped(text: Column) -> Column:
    """``str.strip()`` of a text column."""
    from pyspark.sql import functions as F

    return F.regexp_replace(text, r"^\s+|\s+$", "")


def _number(text: Column) -> Column:
    """A text cell as a double, thousands separators allowed as in the core (null if not a number)."""
    from pyspark.sql import functions as F

    return F.regexp_replace(_stripped(text), ",", "").try_cast("double")


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

    What the core CSV loader accepts is accepted: Chinese headers (``编号``, ``类型``, ``起点``
    ...) and Chinese kinds, sectors, relation types, rings and roles (``企业``, ``合作``), read as
    their vocabulary keys; a blank cell is a missing value; a missing name is the id, a missing
    kind ``enterprise`` and a missing sector the kind's, as in the core. Attribute columns of a
    CSV file keep the text as written (money, dates and lists exactly, never through a float; a
    list in the core's ``a;b`` syntax). ``ecosystem.json`` (name and vocabulary) is read when
    present. Local or any file system Spark reaches (``hdfs://``, ``s3a://`` ...).

    Parameters
    ----------
    spark : SparkSession
    path : str
        The folder.
    encoding : str, optional
        CSV text encoding; detected (UTF-8, UTF-8 with BOM, UTF-16, GBK) by default.
    validate : bool
        Also check what needs a join or a grouping (duplicate ids, relations to unknown ids).
        ``False`` trusts the data for those.

    Returns
    -------
    SparkGraph

    Raises
    ------
    LoadError
        No organisations table; a missing column; blank ids, endpoints or types; duplicate ids;
        unknown kinds, sectors, relation types or rings; a relation to an unknown id; a cell
        that does not read as its column's declared ``int``, ``float`` or ``bool``. Each problem
        has the core loaders' wording and place: the file and, in a CSV file, the line.

    Examples
    --------
    >>> from ecograph.spark import read, session
    >>> g = read(session("local[2]"), "examples/data/planner_csv")  # doctest: +SKIP
    >>> g.orgs.columns[:4]  # doctest: +SKIP
    ['id', 'name', 'kind', 'sector']
    """
    import loaders.csvdir as csvdir
    from loaders._build import Builder, Where, summarise

    folder = path.rstrip("/")
    org_file = next((f"{folder}/{n}" for n in ("organizations.csv", "organisations.csv", ORG_PARQUET)
                     if _exists(spark, f"{folder}/{n}")), None)
    if org_file is None:
        raise LoadError(f"{folder}: no {csvdir.ORG_FILE} or {ORG_PARQUET} in this folder; expected one (and "
                        f"optionally {csvdir.REL_FILE} / {REL_PARQUET} and {csvdir.META_FILE})", path=folder)
    rel_file = f"{folder}/{REL_PARQUET if org_file.endswith('.parquet') else csvdir.REL_FILE}"
    name, vocabulary = _read_meta(spark, f"{folder}/{csvdir.META_FILE}", folder)
    problems: list[LoadError] = []
    orgs = _Table.open(spark, org_file, encoding, ORG_COLUMNS, problems)
    rels = _Table.open(spark, rel_file, encoding, REL_COLUMNS, problems) if _exists(spark, rel_file) else None
    if problems:
        raise summarise(problems, folder)
    builder = Builder(folder)
    builder.start(name, vocabulary, {}, Where(""))
    tables = [orgs] if rels is None else [orgs, rels]
    orgs.canonical_orgs(builder)
    if rels is not None:
        rels.canonical_relations(builder)
    if validate:
        orgs.duplicates(vocabulary)
        if rels is not None:
            rels.dangling(orgs.table, vocabulary)
    _raise(builder, tables)
    return SparkGraph(orgs.table.drop(_RECORD, _BAD),
                      _empty_relations(spark) if rels is None else rels.table.drop(_RECORD, _BAD), vocabulary, name)


#: Hidden columns while reading: a row's record number in its CSV file (0 = the first record
#: under the header) and ``[column, text]`` of its first typed cell that does not read.
_RECORD, _BAD = "_ecograph_record", "_ecograph_bad_cell"
#: How many leading structural columns a table must have (as the core loaders require).
_REQUIRED = {ORG_COLUMNS: 1, REL_COLUMNS: 3}
#: Declared column types whose cells reading checks (the analytics read numbers and flags).
_CHECKED_TYPES = ("int", "float", "bool")


@dataclass(frozen=True)
class _Issue:
    """A problem of one record, placed by its line once lines are counted (see :func:`_raise`)."""

    record: int | None
    rank: int  # the order of the core loaders' checks within a row; 2 and above: the model's, one per row
    report: Callable[[Any, Any], None]  # (builder, where) -> records the problem


@dataclass
class _Table:
    """One table being read: the DataFrame (structural columns first, then the attributes, and
    :data:`_RECORD`, :data:`_BAD`), where it comes from and the problems found in it."""

    table: DataFrame
    file: str
    delimiter: str | None = None  # None: a Parquet table (no lines)
    encoding: str = "utf-8"
    written: dict[str, str] = field(default_factory=dict)  # column -> its header as written (类型 for kind)
    types: dict[str, str] = field(default_factory=dict)  # column -> declared type
    issues: list[_Issue] = field(default_factory=list)

    @classmethod
    def open(cls, spark: SparkSession, file: str, encoding: str | None, structural: tuple[str, ...],
             problems: list[LoadError]) -> _Table:
        """Read a CSV file (every cell as text) or a Parquet folder; header problems go to ``problems``."""
        from pyspark.sql import functions as F

        if file.endswith(".parquet"):
            raw = spark.read.parquet(file)
            header = _header(raw, file, structural, problems)
            if header is not None:
                raw = raw.select(*[raw[f"`{old}`"].alias(name) for old, name in zip(raw.columns, header[0])])
            return cls(_with_columns(raw, structural).withColumns(
                {_RECORD: F.lit(None).cast("long"), _BAD: F.lit(None).cast("array<string>")}), file)
        chosen, delimiter = _sniff(spark, file, encoding)
        # no schema inference: every cell is the text as written. multiLine (quoted line breaks,
        # as the core reads them) keeps a file in one partition: record numbers follow the file.
        raw = (spark.read.option("header", True).option("encoding", chosen).option("sep", delimiter)
               .option("multiLine", True).csv(file))  # short rows: the missing cells are blank
        header = _header(raw, file, structural, problems)
        if header is None:
            return cls(raw, file)
        names, types, written = header
        cells = [F.when(~F.col(f"`{old}`").rlike(r"^\s*$"), F.col(f"`{old}`")).alias(name)  # blank: missing
                 for old, name in zip(raw.columns, names)]
        table = (raw.select(*cells, F.monotonically_increasing_id().alias(_RECORD))
                 .filter(F.coalesce(*[F.col(n) for n in names]).isNotNull()))  # blank rows are skipped
        checks = [F.when(F.col(n).isNotNull() & ~_reads_as(F.col(n), types[n]), F.array(F.lit(n), F.col(n)))
                  for n in names if n not in structural and types.get(n) in _CHECKED_TYPES]
        table = table.withColumn(_BAD, F.coalesce(*checks) if checks else F.lit(None).cast("array<string>"))
        return cls(_with_columns(table, structural), file, delimiter, chosen, written, types)

    # ------------------------------------------------------------ checks
    def _field(self, name: str) -> str:
        return self.written.get(name, name)

    def _add(self, record: int | None, rank: int, message: str, **context: Any) -> None:
        self.issues.append(_Issue(record, rank, lambda b, where: b.problem(where, message, **context)))

    def _model(self, record: int | None, rank: int, exc: Exception) -> None:
        """A problem the core's model raises, reported as the core's Builder reports it."""
        from ..errors import DanglingEndpointError

        if isinstance(exc, DanglingEndpointError):
            self.issues.append(_Issue(record, rank, lambda b, where: b._unknown_endpoint(where, exc)))
        else:
            self.issues.append(_Issue(record, rank, lambda b, where: b.model_problem(where, exc)))

    def _rows(self, condition: Column, *columns: Column | str, table: DataFrame | None = None) -> list[Any]:
        """The record number and ``columns`` of the first rows (at most ``_SHOWN``) meeting ``condition``."""
        return (self.table if table is None else table).filter(condition).select(_RECORD, *columns).limit(_SHOWN).collect()

    def _scan(self, categories: dict[str, Callable[[str], str]],
              missing: Column) -> tuple[dict[str, dict[str, str]], int, int]:
        """One aggregation: column -> {distinct word: its key by ``categories[column]``}, and how
        many rows have an unreadable cell and a ``missing`` value (their rows are fetched only
        when there are some)."""
        from pyspark.sql import functions as F

        present = [c for c in categories if c in self.table.columns]
        row = self.table.agg(*[F.collect_set(c).alias(c) for c in present], F.count(_BAD).alias(_BAD),
                             F.count_if(missing).alias("missing")).first()
        terms = {c: {w: categories[c](w) for w in (row[c] or [])} for c in present}
        return terms, row[_BAD], row["missing"]

    def _cells(self, ident: str) -> None:
        """Typed cells that do not read, worded by the core's :func:`parse_cell`."""
        from pyspark.sql import functions as F

        from loaders._values import ValueProblem, parse_cell

        for row in self._rows(F.col(_BAD).isNotNull(), ident, _BAD):
            name, text = row[_BAD]
            try:
                parse_cell(text, self.types[name])
            except ValueProblem as exc:
                self._add(row[_RECORD], 0, f"{exc.text!r} is not valid: expected {exc.expected} "
                          f"(column type {self.types[name]})", field=self._field(name), id=row[ident])

    def canonical_orgs(self, builder: Any) -> None:
        """Kinds and sectors as vocabulary keys and the core's defaults; checks cells, ids, kinds, sectors."""
        from pyspark.sql import functions as F

        from ..errors import UnknownKindError, UnknownSectorError

        vocabulary = builder.eco.vocabulary
        terms, bad_cells, missing = self._scan({c: partial(builder._term, c) for c in ("kind", "sector")},
                                               F.col("id").isNull())
        kind = F.coalesce(_mapped(F.col("kind"), terms["kind"]), F.lit("enterprise"))
        sector = F.coalesce(_mapped(F.col("sector"), terms["sector"]),
                            _mapped(kind, dict(vocabulary.kinds), keep=False))
        self.table = self.table.withColumns({"name": F.coalesce("name", "id"), "kind": kind, "sector": sector})
        if bad_cells:
            self._cells("id")
        for row in self._rows(F.col("id").isNull()) if missing else []:
            self._add(row[_RECORD], 1, "missing the id", field=self._field("id"))
        bad_kinds = sorted({k for k in terms["kind"].values() if k not in vocabulary.kinds})
        bad_sectors = sorted({s for s in terms["sector"].values() if s not in vocabulary.sectors})
        if bad_kinds or bad_sectors:
            unknown = F.col("kind").isin(bad_kinds) | F.col("sector").isin(bad_sectors)
            for row in self._rows(F.col("id").isNotNull() & unknown, "id", "kind", "sector"):
                error, category = ((UnknownKindError, "kind") if row["kind"] in bad_kinds
                                   else (UnknownSectorError, "sector"))
                self._model(row[_RECORD], 3, error("", field=category, id=row["id"], value=row[category]))

    def duplicates(self, vocabulary: Vocabulary) -> None:
        """Every occurrence of an id after its first (where the core finds the duplicate)."""
        from pyspark.sql import functions as F

        rows = (self.table.filter(F.col("id").isNotNull()).groupBy("id")
                .agg(F.array_sort(F.collect_list(_RECORD)).alias("records"), F.count("*").alias("n"))
                .filter(F.col("n") > 1).limit(_SHOWN).collect())
        for row in rows:
            ident = row["id"]
            exc = _refusal(vocabulary, [ident], lambda probe: probe.add_org(ident))
            for record in row["records"][1:] or [None] * (row["n"] - 1):  # Parquet rows have no record
                self._model(record, 2, exc)

    def canonical_relations(self, builder: Any) -> None:
        """Types, rings (of ``in_ring``) and roles as vocabulary keys; checks cells, endpoints, types, rings."""
        from pyspark.sql import functions as F

        from ..errors import UnknownRelationError
        from ..labels import canonical
        from ..model import RINGS

        blank = F.col("source").isNull() | F.col("target").isNull() | F.col("type").isNull()
        words = {"type": partial(builder._term, "type"), "ring": partial(builder._term, "ring"),
                 "role": lambda word: canonical("role", word) or word}  # as the core's Builder.add_relation
        terms, bad_cells, missing = self._scan(words, blank)
        type_ = _mapped(F.col("type"), terms["type"])
        columns = {"type": type_}
        if "ring" in terms:
            columns["ring"] = F.when(type_ == "in_ring", _mapped(F.col("ring"), terms["ring"])).otherwise(F.col("ring"))
        if "role" in terms:
            columns["role"] = _mapped(F.col("role"), terms["role"])
        self.table = self.table.withColumns(columns)
        if bad_cells:
            self._cells("source")
        for row in self._rows(blank, *REL_COLUMNS[:3]) if missing else []:
            for name in REL_COLUMNS[:3]:
                if row[name] is None:
                    self._add(row[_RECORD], 1, f"missing the {name}", field=self._field(name))
        known = builder.eco.vocabulary.relations
        bad_types = sorted({t for t in terms["type"].values() if t not in known})
        bad_rings = sorted({r for r in terms.get("ring", {}).values() if r not in RINGS})
        if bad_types or bad_rings:
            ring = F.col("ring") if "ring" in terms else F.lit(None).cast("string")
            unknown = F.col("type").isin(bad_types) | ((F.col("type") == "in_ring") & ring.isin(bad_rings))
            for row in self._rows(~blank & unknown, *REL_COLUMNS[:3], ring.alias("ring")):
                if row["type"] in bad_types:
                    self._model(row[_RECORD], 2, UnknownRelationError("", field="type", value=row["type"]))
                else:
                    message = builder._unknown_term("ring", row["ring"])
                    self._add(row[_RECORD], 2, message, field="ring", id=row["source"], root=("ring", repr(row["ring"])))

    def dangling(self, orgs: DataFrame, vocabulary: Vocabulary) -> None:
        """Relations to an id that is not an organisation (the source checked first, as in the core)."""
        from pyspark.sql import functions as F

        ids = orgs.filter(F.col("id").isNotNull()).select("id").distinct()
        ends = self.table.filter(F.col("source").isNotNull() & F.col("target").isNotNull() & F.col("type").isNotNull())
        for role in ("source", "target"):
            ends = ends.join(ids.select(F.col("id").alias(role), F.lit(True).alias(f"_{role}")), role, "left")
        for row in self._rows(F.col("_source").isNull() | F.col("_target").isNull(), *REL_COLUMNS[:3], "_source",
                              "_target", table=ends):
            known = [row[role] for role in ("source", "target") if row[f"_{role}"]]
            self._model(row[_RECORD], 3, _refusal(vocabulary, known, lambda probe, r=row: probe.add_relation(
                r["source"], r["target"], r["type"])))

    # ------------------------------------------------------------ lines
    def lines(self, spark: SparkSession, records: set[int]) -> dict[int, int]:
        """Record number -> line, as the core loaders number lines (the line where the record
        ends). The file is read up to the last record asked for, only when there are problems."""
        if self.delimiter is None or not records:
            return {}
        found: dict[int, int] = {}
        last, record = max(records), 0
        encoding = "utf-8-sig" if self.encoding == "utf-8" else self.encoding
        with io.TextIOWrapper(_open(spark, self.file), encoding=encoding, errors="replace", newline="") as text:
            reader = csv.reader(text, delimiter=self.delimiter)
            next(reader, None)  # the header
            for cells in reader:
                if not cells:
                    continue  # an empty line: Spark's reader skips it too
                if record in records:
                    found[record] = reader.line_num
                if record >= last:
                    break
                record += 1
        return found


def _refusal(vocabulary: Vocabulary, ids: list[str], change: Callable[[Ecosystem], Any]) -> Exception:
    """The core model's error for a faulty row, in its words: ``change`` made to an ecosystem of
    the organisations ``ids`` (what the row needs from the rest of the table)."""
    from ..errors import ValidationError

    probe = Ecosystem(vocabulary=vocabulary)
    for ident in ids:
        probe.add_org(ident)
    try:
        change(probe)
    except ValidationError as exc:
        return exc
    # reading and the model disagree: still a named error for the row, never a bare assertion
    return ValidationError(f"reading refused a row that the model accepts ({change})")  # pragma: no cover


def _reads_as(cell: Column, type_: str) -> Column:
    """Whether a text cell reads as ``type_`` by the core's rules (:func:`loaders._values.parse_cell`,
    which also words the problem)."""
    from pyspark.sql import functions as F

    from loaders._values import _BOOL_WORDS, _INT

    if type_ == "bool":
        return F.lower(_stripped(cell)).isin(list(_BOOL_WORDS))
    if type_ == "int":
        return F.regexp_replace(_stripped(cell), ",", "").rlike(_INT.pattern)
    return _number(cell).isNotNull()


def _mapped(column: Column, mapping: dict[str, str], keep: bool = True) -> Column:
    """``column`` with the words of ``mapping`` replaced (the others kept, or null if not ``keep``)."""
    from pyspark.sql import functions as F

    changed = {word: key for word, key in mapping.items() if word != key or not keep}
    if not changed:
        return column if keep else F.lit(None).cast("string")
    looked_up = F.try_element_at(F.create_map(*[F.lit(x) for item in sorted(changed.items()) for x in item]), column)
    return F.coalesce(looked_up, column) if keep else looked_up


def _raise(builder: Any, tables: list[_Table]) -> None:
    """Report the tables' issues as the core loaders do: in file order, each with its file and
    line, at most one of the model's per row, repeated mistakes once with the other lines
    (:meth:`Builder.finish`); raise the :class:`LoadError` when there is any."""
    from loaders._build import Where

    for table in tables:
        issues = sorted(table.issues, key=lambda i: (i.record is None, i.record or 0, i.rank))
        lines = table.lines(table.table.sparkSession, {i.record for i in issues if i.record is not None})
        model_rows: set[int | None] = set()
        for issue in issues:
            if issue.rank >= 2:
                if issue.record is not None and issue.record in model_rows:
                    continue
                model_rows.add(issue.record)
            issue.report(builder, Where("", line=lines.get(issue.record), file=table.file))
    if builder.problems:
        builder.finish()


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


def _header(raw: DataFrame, file: str, structural: tuple[str, ...],
            problems: list[LoadError]) -> tuple[list[str], dict[str, str], dict[str, str]] | None:
    """Column names, declared types and headers as written, by the core loaders' header rules
    (Chinese names, ``name:type``, required columns); ``None`` (and the problems added to
    ``problems``) when the header has problems."""
    from loaders._build import Builder
    from loaders.csvdir import _Table as CoreTable

    empty = not raw.columns or raw.columns == ["_c0"] and not raw.head(1)
    builder = Builder(file)
    table = CoreTable(file, None if empty else list(raw.columns), [], structural, _REQUIRED[structural], builder)
    problems += builder.problems
    if builder.problems:
        return None
    return ([name for name, _ in table.columns], {name: t for name, t in table.columns if t}, table.written)


def _sniff(spark: SparkSession, file: str, encoding: str | None) -> tuple[str, str]:
    """Encoding and delimiter of a CSV file, as the core loaders detect them."""
    from ecograph.documents import detect_encoding

    with _open(spark, file) as stream:
        head = stream.read(1 << 16)
    chosen = encoding or detect_encoding(head)
    first = head.decode(chosen, errors="replace").split("\n", 1)[0]
    return ("utf-8" if chosen == "utf-8-sig" else chosen), ("\t" if "\t" in first and "," not in first else ",")


def _open(spark: SparkSession, file: str) -> BinaryIO:
    """A file on whatever file system Spark reads it from, opened on the driver for reading bytes."""
    return io.BufferedReader(_HadoopStream(spark, file), 1 << 20)


class _HadoopStream(io.RawIOBase):
    """Hadoop's input stream of a file (local, ``hdfs://``, ``s3a://`` ...) as a Python raw stream."""

    def __init__(self, spark: SparkSession, file: str) -> None:
        jvm = spark.sparkContext._jvm
        path = jvm.org.apache.hadoop.fs.Path(file)
        self._stream = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).open(path)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.readNBytes(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
        super().close()


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
