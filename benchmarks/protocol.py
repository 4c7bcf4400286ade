"""The benchmark protocol: ecograph against igraph, interleaved, with the machine's state.

Every case times its contenders in turn on the same graph in one process (A B C D, then
D C B A, ...), ``repeats`` times, after one untimed warm-up run each. A contender is a
library at a thread setting: ecograph on one thread and on all cores (numba), igraph with its
OpenMP runtime limited to one thread and at its default. Each ratio (igraph's time over
ecograph's) is taken per repetition between the two runs of the same thread setting, so a
slow spell of the machine hits both; the table gives the median ratio and its range.

With every run the record keeps the 1-minute load average before and after it, the thread
counts of every library (threadpoolctl: BLAS, OpenMP; numba's threads and threading layer)
and the CPU time that other processes used meanwhile (from ``/proc/stat``). A case during
which the load average exceeded the number of cores is marked *not publishable*.

igraph and threadpoolctl are optional: without them their part is skipped and the record
says so.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from common import log, power_law_arcs, power_law_edges

import ecograph as eg
from ecograph.errors import ConvergenceError
from ecograph.matrix import SparseGraph

CORES = os.cpu_count() or 1
HERE = Path(__file__).resolve().parent

#: (algorithm, size): how many times faster than igraph ecograph must be, on all cores
TARGETS = {
    ("PageRank", "100k"): 2.0,
    ("PageRank", "1M"): 2.0,
    ("k-core", "1M"): 1.0,
    ("closeness", "10k"): 1.5,
    ("harmonic", "10k"): 1.5,
    ("betweenness", "10k"): 1.5,
}
NATIONAL_REPORT_BUDGET = 15.0  # seconds, the whole national productivity-centre report


# ---------------------------------------------------------------------- the machine's state
def optional(name: str) -> Any | None:
    try:
        return __import__(name)
    except ImportError:
        return None


def thread_counts() -> dict[str, Any]:
    """Threads of every library as they stand now (threadpoolctl, numba)."""
    import numba

    info: dict[str, Any] = {"numba_threads": numba.get_num_threads()}
    with contextlib.suppress(ValueError):  # before the first parallel call there is no layer yet
        info["numba_threading_layer"] = numba.threading_layer()
    threadpoolctl = optional("threadpoolctl")
    if threadpoolctl is None:
        info["threadpoolctl"] = "not installed: BLAS and OpenMP thread counts not recorded"
        return info
    info["pools"] = [
        {key: pool.get(key) for key in ("user_api", "internal_api", "prefix", "num_threads", "architecture",
                                        "threading_layer", "version") if pool.get(key) is not None}
        for pool in threadpoolctl.threadpool_info()
    ]
    return info


def _busy_jiffies() -> int:
    """CPU time (clock ticks) every process spent so far, from the first line of /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            user, nice, system, _idle, _iowait, irq, softirq, steal, *_ = map(int, f.readline().split()[1:])
    except (OSError, ValueError):
        return -1
    return user + nice + system + irq + softirq + steal


@dataclass
class Sample:
    """One timed run and the machine around it."""

    seconds: float
    load_before: float
    load_after: float
    others_cpu: float | None  # cores used by other processes meanwhile (None: unknown)


@contextlib.contextmanager
def observed() -> Iterator[list[Sample]]:
    out: list[Sample] = []
    gc.collect()
    load_before = os.getloadavg()[0]
    busy, own = _busy_jiffies(), time.process_time()
    start = time.perf_counter()
    yield out
    seconds = time.perf_counter() - start
    own = time.process_time() - own
    busy_after = _busy_jiffies()
    others = None
    if busy >= 0 and busy_after >= 0 and seconds > 0:
        ticks = os.sysconf("SC_CLK_TCK")
        others = max(0.0, ((busy_after - busy) / ticks - own) / seconds)
    out.append(Sample(seconds, load_before, os.getloadavg()[0], others))


@contextlib.contextmanager
def threads(count: int | None) -> Iterator[None]:
    """numba and every OpenMP runtime on ``count`` threads (None: their defaults)."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(count or numba.config.NUMBA_NUM_THREADS)
    threadpoolctl = optional("threadpoolctl")
    limits = (threadpoolctl.threadpool_limits(limits=count, user_api="openmp")
              if threadpoolctl is not None and count is not None else contextlib.nullcontext())
    try:
        with limits:
            yield
    finally:
        numba.set_num_threads(before)


# ---------------------------------------------------------------------- cases
@dataclass
class Case:
    algorithm: str
    size: str
    graph: str
    ecograph: Callable[[], Any]
    igraph: Callable[[], Any] | None
    notes: list[str] = field(default_factory=list)
    check: Callable[[], dict[str, Any]] | None = None  # result checks, run once after the timing


SETTINGS = (("all cores", None), ("1 thread", 1))


def run_case(case: Case, repeats: int) -> dict[str, Any]:
    contenders = [(lib, label, count) for label, count in SETTINGS for lib in ("ecograph", "igraph")
                  if lib == "ecograph" or case.igraph is not None]
    fns = {"ecograph": case.ecograph, "igraph": case.igraph}
    samples: dict[tuple[str, str], list[Sample]] = {(lib, label): [] for lib, label, _ in contenders}
    counts: dict[tuple[str, str], dict[str, Any]] = {}
    log(f"[protocol] {case.algorithm} {case.size}: warm-up")
    for lib, label, count in contenders:
        with threads(count):
            fns[lib]()
            counts[(lib, label)] = thread_counts()
    for rep in range(repeats):
        order = contenders if rep % 2 == 0 else contenders[::-1]
        for lib, label, count in order:
            with threads(count), observed() as out:
                fns[lib]()
            samples[(lib, label)] += out
        times = ", ".join(f"{lib} {label} {samples[(lib, label)][-1].seconds:.3f}" for lib, label, _ in contenders)
        log(f"[protocol] {case.algorithm} {case.size}: repetition {rep + 1}/{repeats}: {times} s; "
            f"load {os.getloadavg()[0]:.2f}")
    runs = []
    for lib, label, _ in contenders:
        secs = [s.seconds for s in samples[(lib, label)]]
        runs.append({
            "library": lib, "threads": label, "seconds": secs, "median": statistics.median(secs),
            "min": min(secs), "max": max(secs),
            "load": [[s.load_before, s.load_after] for s in samples[(lib, label)]],
            "others_cpu": [s.others_cpu for s in samples[(lib, label)]],
            "thread_counts": counts[(lib, label)],
        })
    ratios = {}
    for label, _ in SETTINGS:
        if case.igraph is None:
            continue
        per_rep = [i.seconds / e.seconds for e, i in zip(samples[("ecograph", label)], samples[("igraph", label)])]
        ratios[label] = {"median": statistics.median(per_rep), "min": min(per_rep), "max": max(per_rep),
                         "per_repetition": per_rep}
    loads = [x for run in runs for pair in run["load"] for x in pair]
    others = [x for run in runs for x in run["others_cpu"] if x is not None]
    record = {
        "algorithm": case.algorithm, "size": case.size, "graph": case.graph, "repeats": repeats,
        "runs": runs, "ratio_igraph_over_ecograph": ratios, "target": TARGETS.get((case.algorithm, case.size)),
        "max_load": max(loads), "max_others_cpu": max(others) if others else None,
        "publishable": max(loads) <= CORES, "notes": list(case.notes),
    }
    if case.igraph is None:
        record["notes"].append("igraph not installed: skipped")
    if case.check is not None:
        record["check"] = case.check()
    return record


def attempt(case: Case, repeats: int) -> dict[str, Any]:
    """:func:`run_case`, or a record of its failure: one failing case must not lose the others."""
    try:
        return run_case(case, repeats)
    except Exception as exc:  # noqa: BLE001 - recorded and shown in the table
        log(f"[protocol] {case.algorithm} {case.size} failed: {type(exc).__name__}: {exc}")
        return {"algorithm": case.algorithm, "size": case.size, "graph": case.graph, "publishable": False,
                "error": f"{type(exc).__name__}: {exc}"}


def _igraph(src: np.ndarray, dst: np.ndarray, n: int, directed: bool):
    ig = optional("igraph")
    if ig is None:
        return None
    return ig.Graph(n=n, edges=np.column_stack((src, dst)), directed=directed)


def _passes(g: SparseGraph) -> int:
    """Passes over the graph ecograph's PageRank needs: the smallest max_iter that converges."""
    lo, hi = 1, 1000
    while lo < hi:
        mid = (lo + hi) // 2
        try:
            eg.pagerank(g, max_iter=mid)
            hi = mid
        except ConvergenceError:
            lo = mid + 1
    return lo


def _networkx_rule(g: SparseGraph, x: np.ndarray, alpha: float = 0.85) -> float:
    """L1 change of one networkx power step from ``x`` (scipy, independent of ecograph's
    kernels), uniform personalization and dangling weights."""
    a = g.matrix
    out = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, out, out=np.zeros_like(out), where=out != 0)
    step = alpha * (a.T @ (x * inv) + x[out == 0].sum() / g.n) + (1 - alpha) / g.n
    return float(np.abs(step - x).sum())


def pagerank_case(n: int, size: str) -> tuple[Case, dict[str, Any]]:
    log(f"[protocol] PageRank {size}: generating a directed power-law graph with {n:,} nodes")
    src, dst = power_law_arcs(n)
    g = SparseGraph.from_edges(src, dst, n=n, directed=True)
    g.T  # noqa: B018 - the transposed CSR is part of the compiled graph (built once, cached)
    ig = _igraph(src, dst, n, directed=True)
    graph = (f"directed Chung–Lu power law (exponent 2.5), {n:,} nodes, {g.nnz:,} arcs "
             f"(average out-degree {g.nnz / n:.2f}), {np.mean(g.out_degree == 0):.1%} dangling")
    tol = 1e-10

    def check() -> dict[str, Any]:
        x = eg.pagerank(g).array
        out = {"networkx_rule_change": _networkx_rule(g, x), "networkx_rule_bound": n * tol,
               "passes": _passes(g)}
        out["meets_networkx_rule"] = out["networkx_rule_change"] < n * tol
        if ig is not None:
            out["l1_to_igraph"] = float(np.abs(x - np.asarray(ig.pagerank())).sum())
            out["l1_bound"] = 0.85 / 0.15 * n * tol  # how far networkx's own answer may be
        return out

    notes = ["ecograph: Gauss–Seidel sweeps + one power step checking networkx's rule (tol 1e-10)",
             "igraph: default PRPACK"]
    case = Case("PageRank", size, graph, lambda: eg.pagerank(g), (lambda: ig.pagerank()) if ig else None, notes,
                check)
    bytes_per_pass = 4 * g.nnz + 4 * (n + 1) + 32 * n  # indices, indptr; x read+write, z write, 1/out read
    return case, {"n": n, "nnz": g.nnz, "bytes_per_pass": bytes_per_pass}


def undirected_cases(n: int, size: str, algorithms: tuple[str, ...]) -> list[Case]:
    log(f"[protocol] {size}: generating an undirected power-law graph with {n:,} nodes")
    src, dst = power_law_edges(n)
    g = SparseGraph.from_edges(src, dst, n=n, directed=False)
    ig = _igraph(src, dst, n, directed=False)
    graph = f"undirected Chung–Lu power law (exponent 2.5), {n:,} nodes, {len(src):,} edges"
    runs = {
        "k-core": (lambda: eg.core_number(g), (lambda: ig.coreness()) if ig else None),
        "closeness": (lambda: eg.closeness(g), (lambda: ig.closeness()) if ig else None),
        "harmonic": (lambda: eg.harmonic(g), (lambda: ig.harmonic_centrality()) if ig else None),
        "betweenness": (lambda: eg.betweenness(g), (lambda: ig.betweenness(directed=False)) if ig else None),
    }
    return [Case(name, size, graph, *runs[name]) for name in algorithms]


def memory_bandwidth(megabytes: int = 512, repeats: int = 5) -> dict[str, float]:
    """Copy bandwidth of one core (numpy copy of a large array; bytes read + written, best of
    ``repeats``), the STREAM 'copy' figure."""
    a = np.ones(megabytes * 2**20 // 8)
    b = np.empty_like(a)
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - start)
    return {"array_mib": megabytes, "copy_gb_per_s": 2 * a.nbytes / best / 1e9}


def national_report(repeats: int, firms: int = 500_000) -> dict[str, Any]:
    """The national productivity-centre report, each run in a fresh process."""
    totals, loads = [], []
    for rep in range(repeats):
        log(f"[protocol] national report: run {rep + 1}/{repeats}")
        load = os.getloadavg()[0]
        out = HERE / ".national_report.json"
        out.unlink(missing_ok=True)
        subprocess.run([sys.executable, str(HERE / "bench_national_report.py"), "--json", str(out),
                        "--firms", str(firms)], check=False, stdout=subprocess.DEVNULL)
        if not out.exists():  # a crash must not lose the rest of the protocol
            return {"algorithm": "national report", "error": "bench_national_report.py failed (run it alone to "
                    "see why)", "publishable": False}
        result = json.loads(out.read_text(encoding="utf-8"))
        out.unlink()
        totals.append(result["total_seconds"])
        loads.append([load, os.getloadavg()[0]])
    max_load = max(x for pair in loads for x in pair)
    return {"algorithm": "national report", "size": f"{result['organisations']:,} organisations",
            "seconds": totals, "median": statistics.median(totals), "min": min(totals), "max": max(totals),
            "steps": result["steps"], "budget": NATIONAL_REPORT_BUDGET,
            "met": statistics.median(totals) < NATIONAL_REPORT_BUDGET, "load": loads, "max_load": max_load,
            "publishable": max_load <= CORES}


# ---------------------------------------------------------------------- the whole protocol
def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    versions = {}
    for name in ("numpy", "scipy", "numba", "networkx", "igraph", "threadpoolctl"):
        module = optional(name)
        versions[name] = module.__version__ if module else "not installed"
    versions["ecograph"] = getattr(eg, "__version__", "?")
    return {
        "cpu": cpu, "cores": CORES, "python": platform.python_version(), "versions": versions,
        "environment": {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "NUMBA_NUM_THREADS", "OMP_NUM_THREADS",
                                                       "OPENBLAS_NUM_THREADS")},
        "openblas_variables_removed": os.environ.get("ECOGRAPH_BENCH_OPENBLAS_REMOVED", ""),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def run(repeats: int = 5, national_repeats: int = 3, quick: bool = False) -> dict[str, Any]:
    """Run the whole protocol; ``quick`` uses small graphs (a smoke test of the machinery)."""
    start = time.perf_counter()
    if optional("igraph") is None:
        log("[protocol] igraph is not installed: ecograph is timed alone, no ratios")
    results: dict[str, Any] = {"machine": machine(), "cases": []}
    log("[protocol] warming numba's kernels on a tiny graph")
    tiny = eg.compile(__import__("networkx").gnp_random_graph(60, 0.1, directed=True, seed=0))
    eg.pagerank(tiny), eg.core_number(tiny.undirected()), eg.closeness(tiny), eg.harmonic(tiny), eg.betweenness(tiny)
    results["machine"]["thread_counts_at_start"] = thread_counts()
    results["bandwidth"] = memory_bandwidth(64 if quick else 512)
    log(f"[protocol] memory bandwidth (numpy copy, one core): {results['bandwidth']['copy_gb_per_s']:.1f} GB/s")
    sizes = (("10k", 10_000), ("30k", 30_000)) if quick else (("100k", 100_000), ("1M", 1_000_000))
    for size, n in sizes:
        case, stream = pagerank_case(n, size)
        record = attempt(case, repeats)
        results["cases"].append(record)
        if "error" in record:
            continue
        ecograph_1 = next(r for r in record["runs"] if r["library"] == "ecograph" and r["threads"] == "1 thread")
        seconds_per_pass = stream["bytes_per_pass"] / (results["bandwidth"]["copy_gb_per_s"] * 1e9)
        passes = record["check"]["passes"]
        record["bound"] = {**stream, "passes": passes, "bound_seconds": passes * seconds_per_pass,
                           "measured_1_thread": ecograph_1["median"]}
    big = ("3k", 3_000) if quick else ("1M", 1_000_000)
    small = ("1k", 1_000) if quick else ("10k", 10_000)
    for case in undirected_cases(big[1], big[0], ("k-core",)) + undirected_cases(
            small[1], small[0], ("closeness", "harmonic", "betweenness")):
        results["cases"].append(attempt(case, repeats))
    if national_repeats:
        results["national_report"] = national_report(national_repeats, 20_000 if quick else 500_000)
    results["seconds"] = time.perf_counter() - start
    results["publishable"] = all(c["publishable"] for c in results["cases"]) and results.get(
        "national_report", {}).get("publishable", True)
    return results


# ---------------------------------------------------------------------- the table
def _spread(run: dict[str, Any]) -> str:
    return f"{run['median']:.3f} ({run['min']:.3f}–{run['max']:.3f})"


def markdown(results: dict[str, Any]) -> str:
    """The protocol's table (and the PageRank bound, the national report) as markdown."""
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    pools = results["machine"].get("thread_counts_at_start", {}).get("pools", [])
    blas = "; ".join(sorted({f"{p.get('internal_api')} {p.get('architecture', '')} kernel, {p.get('num_threads')} "
                             f"threads" for p in pools if p.get("user_api") == "blas"})) or "not recorded"
    lines = [
        f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores), Python {m['python']}; {versions}. "
        f"BLAS: {blas}. OMP_WAIT_POLICY={m['environment'].get('OMP_WAIT_POLICY')}"
        + (f"; unset for this run: {m['openblas_variables_removed']}" if m["openblas_variables_removed"] else "")
        + f". Whole protocol: {results['seconds'] / 60:.1f} min.",
        "",
    ]
    if not results["publishable"]:
        lines += ["**NOT PUBLISHABLE: the load average exceeded the number of cores during the rows marked "
                  "below. Re-run on a quiet machine.**", ""]
    lines += [
        "| algorithm | size | threads | ecograph s | igraph s | × igraph (range) | target | met | max load "
        "| publishable |",
        "|---|---|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for case in results["cases"]:
        if "error" in case:
            lines.append(f"| {case['algorithm']} | {case['size']} | — | failed: {case['error']} | | | | | | **no** |")
            continue
        for label, _ in SETTINGS:
            ours = next(r for r in case["runs"] if r["library"] == "ecograph" and r["threads"] == label)
            theirs = next((r for r in case["runs"] if r["library"] == "igraph" and r["threads"] == label), None)
            ratio = case["ratio_igraph_over_ecograph"].get(label)
            target = case["target"] if label == "all cores" else None
            met = "—" if target is None or ratio is None else ("yes" if ratio["median"] >= target else "**no**")
            lines.append(
                f"| {case['algorithm']} | {case['size']} | {label} | {_spread(ours)} | "
                f"{_spread(theirs) if theirs else 'not installed'} | "
                + (f"{ratio['median']:.2f}× ({ratio['min']:.2f}–{ratio['max']:.2f})" if ratio else "—")
                + f" | {f'≥ {target:g}×' if target else '—'} | {met} | {case['max_load']:.2f} | "
                f"{'yes' if case['publishable'] else '**no**'} |")
    lines += ["", "Seconds: median of the repetitions (minimum–maximum); × igraph: igraph's time over "
              "ecograph's, per repetition of the interleaved pair, median (range). Targets apply on all cores.",
              ""]
    bounds = [c for c in results["cases"] if "bound" in c]
    if bounds:
        bw = results["bandwidth"]["copy_gb_per_s"]
        lines += [f"PageRank against memory bandwidth ({bw:.1f} GB/s, numpy copy on one core):", "",
                  "| size | passes | bytes streamed per pass | bound (passes × bytes / bandwidth) | "
                  "measured, 1 thread | measured / bound | result check |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for c in bounds:
            b, chk = c["bound"], c["check"]
            verdict = (f"networkx rule {chk['networkx_rule_change']:.1e} < {chk['networkx_rule_bound']:.0e}: "
                       f"{'yes' if chk['meets_networkx_rule'] else '**no**'}")
            if "l1_to_igraph" in chk:
                verdict += f"; L1 to igraph {chk['l1_to_igraph']:.1e} (networkx's own bound {chk['l1_bound']:.1e})"
            lines.append(f"| {c['size']} | {b['passes']} | {b['bytes_per_pass'] / 2**20:.1f} MiB | "
                         f"{b['bound_seconds']:.3f} s | {b['measured_1_thread']:.3f} s | "
                         f"{b['measured_1_thread'] / b['bound_seconds']:.1f}× | {verdict} |")
        lines.append("")
    report = results.get("national_report")
    if report and "error" in report:
        lines += [f"National report: **{report['error']}**.", ""]
    elif report:
        lines += [f"National report ({report['size']}): median {report['median']:.1f} s "
                  f"({report['min']:.1f}–{report['max']:.1f}) over {len(report['seconds'])} runs, budget "
                  f"< {report['budget']:.0f} s: {'met' if report['met'] else '**not met**'}; max load "
                  f"{report['max_load']:.2f}{'' if report['publishable'] else ' (**not publishable**)'}.", ""]
    return "\n".join(lines)


START, END = "<!-- protocol-table:start -->", "<!-- protocol-table:end -->"


def publish(table: str, doc: Path) -> None:
    """Write ``table`` into ``doc`` between the protocol-table markers."""
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{doc}: markers {START} … {END} not found")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
