"""The core analytics on Spark DataFrames: the sparse core's numbers, computed where the data is.

Every function takes a :class:`~ecograph.spark.graph.SparkGraph` and returns a Spark
DataFrame (or, for the small per-hop summaries, the same Python value as the core). The
graph is read as :meth:`SparseGraph.from_ecosystem` compiles it (see
:meth:`SparkGraph.arcs`); iterative algorithms cut their lineage every round with a local
checkpoint, so a round costs the same at round 100 as at round 1, and report each round to an
optional ``progress`` callback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError, ConvergenceError, NodeNotFoundError
from ..memberships import FLAGS
from ..reachability import _check_hops
from .graph import SparkGraph, truthy

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = [
    "degree",
    "pagerank",
    "reach",
    "reach_profile",
    "coverage",
    "connected_components",
    "association_overlap",
    "composition",
]

#: ``progress(round, value)``: called after every round of an iterative algorithm.
Progress = Callable[[int, float], None]
#: Kinds whose ``member_of`` relations :func:`association_overlap` and :func:`composition` read
#: by default (``Ecosystem.associations``).
ASSOCIATION_KINDS = ("association", "society")


# ---------------------------------------------------------------------------- degree
def degree(graph: SparkGraph, weight: str | None = None, relations: str | Iterable[str] | None = None, *,
           directed: bool | None = None) -> DataFrame:
    """Degree centrality ``(id, value)``: degree (or strength) over ``n - 1``, as :func:`ecograph.degree`.

    Directed views add in- and out-degree; undirected views count a self-loop twice. Graphs of
    0 or 1 organisation give 1.
    """
    from pyspark.sql import functions as F

    ids = graph.orgs.select("id")
    n = ids.count()
    if n <= 1:
        return ids.select("id", F.lit(1.0).alias("value"))
    arcs, is_directed = graph.arcs(relations, weight, directed)
    ends = arcs.select(F.col("src").alias("id"), "w").unionByName(
        (arcs if is_directed else arcs.filter(F.col("src") == F.col("dst"))).select(F.col("dst").alias("id"), "w"))
    strength = ends.groupBy("id").agg(F.sum("w").alias("s"))
    return ids.join(strength, "id", "left").select("id", (F.coalesce("s", F.lit(0.0)) / (n - 1.0)).alias("value"))


# ---------------------------------------------------------------------------- pagerank
def pagerank(
    graph: SparkGraph,
    alpha: float = 0.85,
    personalization: Mapping[Hashable, float] | DataFrame | None = None,
    weight: str | None = "weight",
    tol: float = 1e-10,
    max_iter: int = 1000,
    nstart: Mapping[Hashable, float] | DataFrame | None = None,
    dangling: Mapping[Hashable, float] | DataFrame | None = None,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
    progress: Progress | None = None,
) -> DataFrame:
    """PageRank ``(id, value)`` by power iteration on DataFrames, exactly :func:`ecograph.pagerank`.

    Same damping, personalisation (teleport weights, normalised; left-out ids get 0), dangling
    handling (the rank of organisations without out-weight goes to ``dangling``, by default the
    personalisation) and stopping rule (the L1 change below ``n * tol``).

    One round = one join of the arcs with the ranks (both hash-partitioned by the source, so
    only the contributions are shuffled), one aggregation, one local checkpoint.

    Parameters
    ----------
    graph : SparkGraph
    alpha, weight, tol, max_iter
        As in :func:`ecograph.pagerank`.
    personalization, nstart, dangling : mapping or DataFrame ``(id, value)``, optional
        As in :func:`ecograph.pagerank`.
    relations, directed
        Relation types and view, as in :func:`ecograph.compile`.
    progress : callable, optional
        ``progress(iteration, l1_change)`` after every round.

    Raises
    ------
    ConvergenceError
        No convergence within ``max_iter`` rounds.
    NodeNotFoundError
        Ids in ``personalization``, ``nstart`` or ``dangling`` that are not organisations.
    AnalysisError
        ``personalization`` or ``dangling`` summing to zero.
    """
    from pyspark.sql import functions as F

    spark = graph.spark
    ids = graph.orgs.select("id")
    n = ids.count()
    if n == 0:
        return ids.select("id", F.lit(0.0).alias("value"))
    partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
    arcs, _ = graph.arcs(relations, weight, directed)
    out = arcs.groupBy("src").agg(F.sum("w").alias("out"))
    transition = (arcs.join(out.filter(F.col("out") != 0), "src").filter(F.col("w") != 0)
                  .select("src", "dst", (F.col("w") / F.col("out")).alias("p"))
                  .repartition(partitions, "src").localCheckpoint())
    state = ids.join(out.withColumnRenamed("src", "id"), "id", "left").select(
        "id", (F.coalesce("out", F.lit(0.0)) == 0).alias("dangling"))
    state = _attach(state, graph, nstart, "nstart", "x", F.lit(1.0 / n), normalise=True)
    state = _attach(state, graph, personalization, "personalization", "p", F.lit(1.0 / n), normalise=True)
    state = _attach(state, graph, dangling, "dangling", "dw", F.col("p"), normalise=True)
    state = state.repartition(partitions, "id").localCheckpoint()
    dangling_sum = state.agg(F.sum(F.when(F.col("dangling"), F.col("x")).otherwise(0.0))).first()[0] or 0.0
    for iteration in range(1, max_iter + 1):
        contributions = (transition.join(state.select(F.col("id").alias("src"), "x"), "src")
                         .groupBy("dst").agg(F.sum(F.col("p") * F.col("x")).alias("c")))
        spread = F.coalesce(F.col("c"), F.lit(0.0)) + F.lit(dangling_sum) * F.col("dw")
        state = (state.join(contributions.withColumnRenamed("dst", "id"), "id", "left")
                 .select("id", "dangling", "p", "dw", F.col("x").alias("x_old"),
                         (F.lit(alpha) * spread + F.lit(1 - alpha) * F.col("p")).alias("x"))
                 .localCheckpoint(eager=False))  # materialised by the aggregation below: one job a round
        change, dangling_sum = state.agg(F.sum(F.abs(F.col("x") - F.col("x_old"))),
                                         F.sum(F.when(F.col("dangling"), F.col("x")).otherwise(0.0))).first()
        dangling_sum = dangling_sum or 0.0
        state = state.drop("x_old")
        if progress is not None:
            progress(iteration, change)
        if change < n * tol:
            return state.select("id", F.col("x").alias("value"))
    raise ConvergenceError(f"pagerank: no convergence within max_iter={max_iter} iterations (tol={tol})",
                           max_iter=max_iter)


def _attach(state: DataFrame, graph: SparkGraph, values: Mapping[Hashable, float] | DataFrame | None, what: str,
            column: str, default: Any, normalise: bool) -> DataFrame:
    """Add ``column`` from an ``id -> value`` mapping or DataFrame (0 for left-out ids), normalised
    to sum 1 as the core's ``_vector`` does."""
    from pyspark.sql import functions as F

    if values is None:
        return state.withColumn(column, default)
    table = _id_values(graph, values, what)
    total = table.agg(F.sum("value")).first()[0] or 0.0
    if normalise and total == 0:
        raise AnalysisError(f"{what}: the values sum to zero; at least one must be positive", field=what)
    scale = 1.0 / total if normalise else 1.0
    return state.join(table, "id", "left").select(
        *state.columns, (F.coalesce("value", F.lit(0.0)) * F.lit(scale)).alias(column))


def _id_values(graph: SparkGraph, values: Mapping[Hashable, float] | DataFrame, what: str) -> DataFrame:
    """``(id, value)`` rows, checked to name organisations (repeated ids add up)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if isinstance(values, Mapping):
        schema = T.StructType([T.StructField("id", T.StringType()), T.StructField("value", T.DoubleType())])
        table = graph.spark.createDataFrame([(str(k), float(v)) for k, v in values.items()], schema)
    else:
        table = values.select(F.col("id").cast("string"), F.col("value").cast("double"))
    _require_ids(graph, table.select("id"), what)
    return table.groupBy("id").agg(F.sum("value").alias("value"))


def _require_ids(graph: SparkGraph, ids: DataFrame, what: str) -> None:
    """Raise the core's :class:`NodeNotFoundError` for ids that are not organisations."""
    missing = [row[0] for row in ids.join(graph.orgs.select("id"), "id", "left_anti").distinct().limit(11).collect()]
    if missing:
        shown = ", ".join(repr(m) for m in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise NodeNotFoundError(f"{what}: {len(missing)}{'+' if len(missing) > 10 else ''} id(s) not in the graph: "
                                f"{shown}", id=missing[0], ids=missing)


# ---------------------------------------------------------------------------- reach
def reach(
    graph: SparkGraph,
    sources: Hashable | Iterable[Hashable] | DataFrame,
    hops: int | None = None,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
    progress: Progress | None = None,
) -> DataFrame:
    """Organisations reached from ``sources`` within ``hops`` steps: ``(id, hop)``, as :func:`ecograph.reach`.

    A multi-source breadth-first search: one join of the frontier with the arcs per hop.

    Parameters
    ----------
    graph : SparkGraph
    sources : id, iterable of ids, or DataFrame with an ``id`` column
        Hop 0 (repeats dropped).
    hops : int, optional
        Maximum number of steps (unbounded by default).
    relations, directed
        As in :func:`ecograph.reach`.
    progress : callable, optional
        ``progress(hop, organisations newly reached)`` after every hop.

    Raises
    ------
    NodeNotFoundError
        Source ids that are not organisations.
    AnalysisError
        A negative ``hops``.
    """
    from pyspark.sql import functions as F

    _check_hops(hops, "reach")
    start = _sources(graph, sources, "reach sources")
    arcs, _ = graph.arcs(relations, None, directed)
    adjacency = arcs.select("src", "dst").localCheckpoint()
    reached = start.select("id", F.lit(0).alias("hop")).localCheckpoint()
    frontier = reached.select("id")
    hop = 0
    while hops is None or hop < hops:
        hop += 1
        found = (frontier.join(adjacency, frontier.id == adjacency.src).select(F.col("dst").alias("id")).distinct()
                 .join(reached, "id", "left_anti").localCheckpoint(eager=False))
        count = found.count()  # materialises the checkpoint: one job a hop
        if progress is not None:
            progress(hop, count)
        if count == 0:
            break
        # a union of checkpointed hops: the lineage stays one level deep without copying ``reached``
        reached = reached.unionByName(found.select("id", F.lit(hop).alias("hop")))
        frontier = found
    return reached


def _sources(graph: SparkGraph, sources: Any, what: str) -> DataFrame:
    """Distinct source ids as a one-column DataFrame, checked against the organisations."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if hasattr(sources, "sparkSession") and hasattr(sources, "columns"):
        table = sources.select(F.col("id").cast("string")).distinct()
    else:
        items = [sources] if isinstance(sources, str) or not isinstance(sources, Iterable) else list(sources)
        schema = T.StructType([T.StructField("id", T.StringType())])
        table = graph.spark.createDataFrame([(str(s),) for s in dict.fromkeys(items)], schema)
    _require_ids(graph, table, what)
    return table


def reach_profile(
    graph: SparkGraph,
    sources: Hashable | Iterable[Hashable] | DataFrame,
    hops: int,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
    progress: Progress | None = None,
) -> list[int]:
    """Cumulative number of organisations reached within 0, 1, ..., ``hops`` steps (as the core's
    :func:`ecograph.reach_profile`)."""
    from pyspark.sql import functions as F

    _check_hops(hops, "reach_profile", required=True)
    counts = dict(reach(graph, sources, hops, relations, directed=directed, progress=progress)
                  .groupBy("hop").agg(F.count("*")).collect())
    return list(_cumulative(counts.get(h, 0) for h in range(hops + 1)))


def coverage(
    graph: SparkGraph,
    sources: Hashable | Iterable[Hashable] | DataFrame,
    population: Iterable[Hashable] | DataFrame,
    hops: int,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Share of a target population reached within 0..``hops`` steps (rows ``hop, reached,
    population, share`` as :func:`ecograph.coverage`).

    Raises
    ------
    NodeNotFoundError
        Unknown source or population ids.
    AnalysisError
        An empty population.
    """
    from pyspark.sql import functions as F

    _check_hops(hops, "coverage", required=True)
    members = _sources(graph, population, "coverage population").localCheckpoint()
    size = members.count()
    if size == 0:
        raise AnalysisError("coverage: the population is empty", field="population")
    reached = reach(graph, sources, hops, relations, directed=directed, progress=progress)
    counts = dict(reached.join(members, "id").groupBy("hop").agg(F.count("*")).collect())
    return [{"hop": h, "reached": c, "population": size, "share": c / size}
            for h, c in enumerate(_cumulative(counts.get(h, 0) for h in range(hops + 1)))]


def _cumulative(values: Iterable[int]) -> Iterable[int]:
    total = 0
    for value in values:
        total += value
        yield total


# ---------------------------------------------------------------------------- components
def connected_components(
    graph: SparkGraph,
    relations: str | Iterable[str] | None = None,
    *,
    max_rounds: int | None = None,
    progress: Progress | None = None,
) -> DataFrame:
    """Weakly connected components ``(id, component)`` by alternating large-star / small-star.

    The algorithm of Kiveris et al. (*Connected Components in MapReduce and Beyond*, SoCC
    2014): rounds of large-star then small-star contract every component into a star around
    its smallest id in O(log² n) rounds; each round is two aggregations and two joins on the
    edge table, which never grows beyond the input's edges. ``component`` is the smallest id
    of the component (ids compared as text); an organisation without relations is its own.

    Parameters
    ----------
    graph : SparkGraph
    relations : str or iterable of str, optional
        Relation types that connect (all by default); directions are ignored.
    max_rounds : int, optional
        Safety bound; by default ``2 * ceil(log2(n + 2))² + 10``, far above what the proof allows.
    progress : callable, optional
        ``progress(round, edges left)`` after every round.

    Raises
    ------
    ConvergenceError
        Still changing after ``max_rounds`` rounds (a bug, not a property of the data).
    """
    from pyspark.sql import functions as F

    ids = graph.orgs.select("id")
    n = ids.count()
    bound = max_rounds if max_rounds is not None else 2 * math.ceil(math.log2(n + 2)) ** 2 + 10
    rel = graph.filter(relations).relations
    edges = (rel.filter(F.col("source") != F.col("target"))
             .select(F.least("source", "target").alias("u"), F.greatest("source", "target").alias("v"))
             .distinct().localCheckpoint())
    signature = _signature(edges)
    for round_ in range(1, bound + 1):
        edges = _small_star(_large_star(edges))
        latest = _signature(edges)
        if progress is not None:
            progress(round_, latest[0])
        if latest == signature:
            labels = edges.groupBy(F.col("v").alias("id")).agg(F.min("u").alias("component"))
            return ids.join(labels, "id", "left").select("id", F.coalesce("component", "id").alias("component"))
        signature = latest
    raise ConvergenceError(f"connected_components: still changing after max_rounds={bound} rounds", max_rounds=bound)


def _large_star(edges: DataFrame) -> DataFrame:
    """Connect every larger neighbour of each node to the smallest id of its closed neighbourhood."""
    from pyspark.sql import functions as F

    both = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (both.filter(F.col("v") > F.col("u")).join(smallest, "u")
            .select(F.col("m").alias("u"), "v").distinct().localCheckpoint(eager=False))


def _small_star(edges: DataFrame) -> DataFrame:
    """Connect every node and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    smallest = edges.groupBy("v").agg(F.min("u").alias("m"))
    joined = edges.join(smallest, "v")
    star = joined.select(F.col("m").alias("u"), F.col("u").alias("v")).filter(F.col("u") != F.col("v")).unionByName(
        joined.select(F.col("m").alias("u"), "v"))
    return star.distinct().localCheckpoint(eager=False)  # both stars materialised by the round's signature


def _signature(edges: DataFrame) -> tuple[int, int]:
    """Edge count and an order-independent 64-bit hash sum: equal signatures = edge set unchanged."""
    from pyspark.sql import functions as F

    row = edges.agg(F.count("*"), F.sum(F.xxhash64("u", "v").cast("decimal(38,0)"))).first()
    return int(row[0]), int(row[1] or 0)


# ---------------------------------------------------------------------------- memberships
def _memberships(graph: SparkGraph, associations: Iterable[str] | DataFrame | None) -> tuple[DataFrame, DataFrame]:
    """The association rows ``(association)`` and distinct memberships ``(association, member)``."""
    from pyspark.sql import functions as F

    if associations is None:
        rows = graph.orgs.filter(F.col("kind").isin(list(ASSOCIATION_KINDS))).select(F.col("id").alias("association"))
    else:
        rows = _sources(graph, associations, "associations").select(F.col("id").alias("association"))
    members = (graph.relations.filter(F.col("type") == "member_of")
               .select(F.col("target").alias("association"), F.col("source").alias("member"))
               .join(rows, "association").distinct())
    return rows, members


def association_overlap(
    graph: SparkGraph,
    associations: Iterable[str] | DataFrame | None = None,
    *,
    hot_member: int = 1000,
    salts: int = 16,
) -> DataFrame:
    """Members shared by pairs of associations: ``(a, b, shared, jaccard, overlap)`` with ``a < b``,
    for every pair sharing at least one member (as :meth:`AssociationOverlap.pairs`).

    The pairs come from a self-join of the memberships on the member, so the work is spread by
    member, never by association: an association of 10^5+ members is split over every
    partition, and the pair counts are combined map-side before the one shuffle by pair. A
    member of more than ``hot_member`` associations (whose pairs would otherwise all land in
    one task) is salted: its rows on one side are split ``salts`` ways and the other side is
    replicated to each salt.

    Parameters
    ----------
    graph : SparkGraph
    associations : iterable of str or DataFrame with ``id``, optional
        All associations and societies by default.
    hot_member, salts : int
        When and how much to salt.
    """
    from pyspark.sql import functions as F

    _, members = _memberships(graph, associations)
    members = members.localCheckpoint()
    sizes = members.groupBy("association").agg(F.count("*").alias("size"))
    hot = (members.groupBy("member").agg((F.count("*") > hot_member).alias("hot")))
    tagged = members.join(hot, "member")
    salt = F.when(F.col("hot"), F.pmod(F.xxhash64("association"), F.lit(salts))).otherwise(0)
    left = tagged.select(F.col("association").alias("a"), "member", salt.alias("salt"))
    right = tagged.select(F.col("association").alias("b"), "member", F.explode(
        F.when(F.col("hot"), F.sequence(F.lit(0), F.lit(salts - 1))).otherwise(F.array(F.lit(0)))).alias("salt"))
    shared = (left.join(right, ["member", "salt"]).filter(F.col("a") < F.col("b"))
              .groupBy("a", "b").agg(F.count("*").alias("shared")))
    size_a = sizes.select(F.col("association").alias("a"), F.col("size").alias("size_a"))
    size_b = sizes.select(F.col("association").alias("b"), F.col("size").alias("size_b"))
    s = F.col("shared")
    return (shared.join(size_a, "a").join(size_b, "b")
            .select("a", "b", s.cast("long").alias("shared"),
                    (s / (F.col("size_a") + F.col("size_b") - s)).alias("jaccard"),
                    (s / F.least("size_a", "size_b")).alias("overlap")))


def composition(
    graph: SparkGraph,
    associations: Iterable[str] | DataFrame | None = None,
    flags: Sequence[str] = FLAGS,
) -> DataFrame:
    """Members and flagged members per association: ``association, name, members`` then, per
    flag, its count and ``<flag>_share`` (as the rows of :func:`ecograph.membership.composition`;
    the category mix is not computed here).

    A flag counts when the member's attribute is truthy; shares of an association without
    members are 0.
    """
    from pyspark.sql import functions as F

    rows, members = _memberships(graph, associations)
    flagged = graph.orgs.select(F.col("id").alias("member"),
                                *[truthy(graph.orgs, flag).cast("long").alias(flag) for flag in flags])
    counts = (members.join(flagged, "member", "left")
              .groupBy("association").agg(F.count("*").alias("members"),
                                          *[F.sum(F.coalesce(flag, F.lit(0))).alias(flag) for flag in flags]))
    names = graph.orgs.select(F.col("id").alias("association"), "name")
    size = F.coalesce("members", F.lit(0))
    columns = [F.col("association"), F.col("name"), size.cast("long").alias("members")]
    for flag in flags:
        count = F.coalesce(flag, F.lit(0)).cast("long")
        columns += [count.alias(flag), (count / F.greatest(size, F.lit(1))).alias(f"{flag}_share")]
    return rows.join(names, "association", "left").join(counts, "association", "left").select(*columns)
