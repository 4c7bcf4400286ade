"""ecograph on Apache Spark: the core analytics where registry-scale data already lives.

Install with ``pip install ecograph[spark]`` (PySpark, which ships Spark's jars; Java 17 or 21
must be installed). An ecosystem is a :class:`SparkGraph`: two DataFrames in the columns of the
CSV folder format, read from a CSV or Parquet folder on any file system Spark reaches. The
analytics are written on DataFrames (joins, aggregations, local checkpoints; no GraphFrames
jar) and give the sparse core's numbers:

===========================  ==============================================  ===========================
function                     returns                                         core counterpart
===========================  ==============================================  ===========================
:func:`degree`               DataFrame ``(id, value)``                        :func:`ecograph.degree`
:func:`pagerank`             DataFrame ``(id, value)``                        :func:`ecograph.pagerank`
:func:`reach`                DataFrame ``(id, hop)``                          :func:`ecograph.reach`
:func:`reach_profile`        list of cumulative counts per hop                :func:`ecograph.reach_profile`
:func:`coverage`             list of rows ``hop, reached, population, share`` :func:`ecograph.coverage`
:func:`connected_components` DataFrame ``(id, component)``                    scipy's weak components
:func:`association_overlap`  DataFrame ``(a, b, shared, jaccard, overlap)``   :func:`ecograph.association_overlap`
:func:`composition`          DataFrame, one row per association               :func:`ecograph.composition`
===========================  ==============================================  ===========================

See ``docs/distributed.md`` for when to use Spark rather than one machine, measured figures and
how to run on a cluster.

Examples
--------
>>> from ecograph import spark as egs                   # doctest: +SKIP
>>> ss = egs.session("local[2]")                        # doctest: +SKIP
>>> g = egs.read(ss, "examples/data/planner_csv")       # doctest: +SKIP
>>> egs.pagerank(g).orderBy("value", ascending=False).show(5)  # doctest: +SKIP
"""

from .analytics import (
    association_overlap,
    composition,
    connected_components,
    coverage,
    degree,
    pagerank,
    reach,
    reach_profile,
)
from .graph import SparkGraph, from_ecosystem, read, write
from .session import session

__all__ = [
    "session",
    "SparkGraph",
    "from_ecosystem",
    "read",
    "write",
    "degree",
    "pagerank",
    "reach",
    "reach_profile",
    "coverage",
    "connected_components",
    "association_overlap",
    "composition",
]
