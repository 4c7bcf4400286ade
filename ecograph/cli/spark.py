"""``ecograph spark``: the core analytics on Apache Spark, for folders too large for one machine.

``ecograph spark pagerank|reach|components|overlap PATH --master local[2] --out OUT`` reads a
CSV folder or a Parquet folder (local, ``hdfs://``, ``s3a://`` ...), runs the analytic with
:mod:`ecograph.spark` and writes ``OUT/<analytic>.parquet`` (and ``OUT/<analytic>.csv`` with
``--csv``). Every round of an iterative analytic is reported on stderr. Needs the ``spark``
extra (``pip install ecograph[spark]``) and Java 17 or 21.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import EcographError, SparkJobError
from ._common import parse_param, positive_int, positive_number, progress

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

    from ..spark import SparkGraph


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "spark",
        help="PageRank, reach, components, association overlap on Apache Spark (CSV/Parquet folders)",
        description="Run a core analytic on Apache Spark, locally (--master local[N]) or on a cluster "
        "(--master yarn, spark://host:7077, or under spark-submit), and write the result as Parquet.",
    )
    sub = parser.add_subparsers(dest="analytic", metavar="ANALYTIC", required=True)
    commands: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., DataFrame]]] = {
        "pagerank": ("PageRank of every organisation (id, value)", _pagerank_arguments, _pagerank),
        "reach": ("organisations reached from sources, with their hop (id, hop)", _reach_arguments, _reach),
        "components": ("weakly connected components (id, component = smallest id)", _relation_arguments, _components),
        "overlap": ("members shared by pairs of associations (a, b, shared, jaccard, overlap)", _overlap_arguments,
                    _overlap),
    }
    for name, (help_text, add_arguments, analytic) in commands.items():
        command = sub.add_parser(name, help=help_text, description=f"{help_text[0].upper()}{help_text[1:]}, on Spark.")
        command.add_argument("path", metavar="PATH",
                             help="CSV folder (organizations.csv, relations.csv) or Parquet folder "
                             "(organizations.parquet, relations.parquet)")
        command.add_argument("--master", default="local[*]",
                             help="Spark master: local[N], local[*] (default), yarn, spark://host:7077")
        command.add_argument("--out", required=True, metavar="OUT",
                             help="output folder: OUT/%s.parquet (replaced if it exists)" % name)
        command.add_argument("--csv", action="store_true", help="also write OUT/%s.csv (a Spark CSV folder)" % name)
        command.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                             help="Spark configuration, repeatable (e.g. --conf spark.driver.memory=8g, "
                             "--conf ecograph.checkpoint.dir=hdfs:///tmp/ecograph)")
        command.add_argument("--no-validate", action="store_true",
                             help="skip the input checks (ids, endpoints, types): saves a join on trusted data")
        add_arguments(command)
        command.set_defaults(func=lambda args, name=name, analytic=analytic: _run(args, name, analytic))


def _relation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--relations", metavar="TYPES",
                        help="comma-separated relation types to follow (default: all), e.g. serves,collaborates")


def _direction_arguments(parser: argparse.ArgumentParser) -> None:
    _relation_arguments(parser)
    parser.add_argument("--undirected", action="store_true", help="read every relation both ways")


def _pagerank_arguments(parser: argparse.ArgumentParser) -> None:
    _direction_arguments(parser)
    parser.add_argument("--weight", default="weight", metavar="ATTR",
                        help="relation attribute used as weight (default: weight; relations without it weigh 1)")
    parser.add_argument("--unweighted", action="store_true", help="ignore weights")
    parser.add_argument("--alpha", type=float, default=0.85, help="damping factor (default 0.85)")
    parser.add_argument("--tol", type=positive_number, default=1e-10,
                        help="stop when the L1 change is below n * TOL (default 1e-10, as ecograph.pagerank)")
    parser.add_argument("--max-iter", type=positive_int, default=1000, help="maximum number of iterations (default 1000)")


def _reach_arguments(parser: argparse.ArgumentParser) -> None:
    _direction_arguments(parser)
    parser.add_argument("--source", action="append", required=True, metavar="ID",
                        help="organisation id to start from (hop 0), repeatable")
    parser.add_argument("--hops", type=int, metavar="N", help="maximum number of steps (default: unbounded)")


def _overlap_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hot-member", type=positive_int, default=1000, metavar="N",
                        help="salt members of more than N associations (default 1000)")
    parser.add_argument("--salts", type=positive_int, default=16, help="ways a hot member is split (default 16)")


def _relations(args: argparse.Namespace) -> list[str] | None:
    return [r.strip() for r in args.relations.split(",")] if getattr(args, "relations", None) else None


def _direction(args: argparse.Namespace) -> bool | None:
    return False if args.undirected else None


def _rounds(what: str) -> Callable[[int, float], None]:
    started = time.perf_counter()

    def report(round_: int, value: float) -> None:
        progress(f"{what} {round_}: {value:.3g} ({time.perf_counter() - started:.1f} s)")

    return report


def _pagerank(graph: SparkGraph, args: argparse.Namespace) -> DataFrame:
    from .. import spark

    return spark.pagerank(graph, alpha=args.alpha, weight=None if args.unweighted else args.weight, tol=args.tol,
                          max_iter=args.max_iter, relations=_relations(args), directed=_direction(args),
                          progress=_rounds("pagerank: iteration, L1 change"))


def _reach(graph: SparkGraph, args: argparse.Namespace) -> DataFrame:
    from .. import spark

    return spark.reach(graph, args.source, args.hops, _relations(args), directed=_direction(args),
                       progress=_rounds("reach: hop, newly reached"))


def _components(graph: SparkGraph, args: argparse.Namespace) -> DataFrame:
    from .. import spark

    return spark.connected_components(graph, _relations(args), progress=_rounds("components: round, edges left"))


def _overlap(graph: SparkGraph, args: argparse.Namespace) -> DataFrame:
    from .. import spark

    return spark.association_overlap(graph, hot_member=args.hot_member, salts=args.salts)


def _run(args: argparse.Namespace, name: str, analytic: Callable[[SparkGraph, argparse.Namespace], DataFrame]) -> int:
    try:
        from .. import spark
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SparkJobError(f"needs pyspark: pip install 'ecograph[spark]' ({exc})") from None
    conf: dict[str, Any] = dict(parse_param(item) for item in args.conf)
    from pyspark.sql import SparkSession

    started = time.perf_counter()
    session = None
    owned = SparkSession.getActiveSession() is None  # a notebook's or test's session is left running
    try:
        session = spark.session(args.master, **conf)
        progress(f"spark {session.version} on {session.sparkContext.master}, reading {args.path} ...")
        graph = spark.read(session, args.path, validate=not args.no_validate)
        result = analytic(graph, args)
        target = f"{args.out.rstrip('/')}/{name}.parquet"
        result.write.mode("overwrite").parquet(target)
        written = session.read.parquet(target)
        if args.csv:
            written.write.mode("overwrite").option("header", True).csv(f"{args.out.rstrip('/')}/{name}.csv")
        progress(f"{name}: wrote {written.count():,} rows to {target}{' and .csv' if args.csv else ''} "
                 f"in {time.perf_counter() - started:.1f} s")
    except EcographError:
        raise
    except Exception as exc:  # Spark's own failures (unreadable path, lost executor): one line, no traceback
        if not _is_spark_error(exc):
            raise
        raise SparkJobError(f"{type(exc).__name__}: {_first_line(exc)}") from None
    finally:
        if session is not None and owned:
            session.stop()
    return 0


def _is_spark_error(exc: BaseException) -> bool:
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return isinstance(exc, (PySparkException, Py4JError))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
