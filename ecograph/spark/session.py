"""A configured :class:`pyspark.sql.SparkSession` for ecograph's Spark analytics."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["session", "CHECKPOINT_DIR"]

#: Configuration key of the folder for reliable checkpoints (lineage cut of long iterations).
CHECKPOINT_DIR = "ecograph.checkpoint.dir"
#: Where Debian/Ubuntu install JDKs; Spark 4 runs on Java 17 or 21.
_JVM_ROOT = Path("/usr/lib/jvm")
_SUPPORTED_JAVA = re.compile(r"(?:^|[-.])(17|21)(?:[-.]|$)")


def session(master: str = "local[*]", **conf: Any) -> SparkSession:
    """Start (or reuse) a Spark session with defaults that suit ecograph's iterative jobs.

    Defaults, each overridable through ``conf``: shuffle partitions = 2 x the local cores
    (200 is far too many for one machine; on a cluster pass your own), the web UI and the
    console progress bar off, adaptive query execution on, Arrow for ``toPandas``, a
    checkpoint folder in the temporary directory (``ecograph.checkpoint.dir``), log level
    ``ERROR`` (so that stderr carries ecograph's progress lines, not Spark's).

    ``JAVA_HOME`` is set, when unset, to a Java 17 or 21 found in the usual JDK folder, and the
    Python of this process is used for Spark's Python workers.

    Parameters
    ----------
    master : str
        ``local[*]``, ``local[2]``, ``yarn``, ``spark://host:7077`` ... Under ``spark-submit``
        the master given there wins.
    **conf
        Spark configuration (``**{"spark.executor.memory": "8g"}``) and
        ``ecograph.checkpoint.dir`` (a folder every executor can reach on a cluster, e.g. on HDFS).

    Returns
    -------
    pyspark.sql.SparkSession

    Examples
    --------
    >>> from ecograph.spark import session
    >>> spark = session("local[1]")  # doctest: +SKIP
    >>> spark.conf.get("spark.sql.shuffle.partitions")  # doctest: +SKIP
    '2'
    """
    from pyspark.sql import SparkSession

    _java_home()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    settings: dict[str, Any] = {
        "spark.sql.shuffle.partitions": str(2 * _local_cores(master)),
        "spark.default.parallelism": str(2 * _local_cores(master)),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.log.level": "ERROR",
    }
    settings.update({key: str(value) for key, value in conf.items()})
    checkpoint_dir = settings.pop(CHECKPOINT_DIR, None) or tempfile.mkdtemp(prefix="ecograph-spark-checkpoints-")
    builder = SparkSession.builder.master(master).appName(settings.pop("spark.app.name", "ecograph"))
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(checkpoint_dir)
    return spark


def _local_cores(master: str) -> int:
    """Cores of a ``local[N]`` / ``local[*]`` master (this machine's for anything else)."""
    match = re.fullmatch(r"local\[(\d+)(?:,\s*\d+)?\]", master.strip())
    if match:
        return max(int(match.group(1)), 1)
    return os.cpu_count() or 1


def _java_home() -> None:
    """Point ``JAVA_HOME`` at a JDK Spark supports when the environment names none."""
    if os.environ.get("JAVA_HOME") or not _JVM_ROOT.is_dir():
        return
    for candidate in sorted(_JVM_ROOT.iterdir()):
        if _SUPPORTED_JAVA.search(candidate.name) and (candidate / "bin" / "java").is_file():
            os.environ["JAVA_HOME"] = str(candidate)
            return
