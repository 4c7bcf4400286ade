"""Exact allocation at scale: 1,000,000 units in under a second.

Measures :func:`ecograph.allocate` on 10k–1M units (integer scores, float scores, floors and
caps, a Decimal budget in cents) and compares with

- a naive float allocation (``floor(budget * s / S)`` then the largest float remainders), which
  is fast but not exact: it can misplace units of money when quotas are large or close to ties;
- an all-``Fraction`` Hamilton reference (the obvious exact implementation), on fewer units.

Run: ``python benchmarks/bench_allocation.py [--sizes 10000,100000,1000000] [--repeat 3]``.
Prints median seconds per case and the ratios, and checks every result sums to the budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np

from ecograph import allocate
from ecograph.results import NodeValues


def median_time(fn, repeat: int) -> tuple[float, object, float]:
    """Median wall seconds, the last result, and median CPU seconds of this process."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), result, statistics.median(cpu)


def naive_float(budget: int, scores: np.ndarray) -> np.ndarray:
    quota = budget * scores / scores.sum()
    base = np.floor(quota).astype(np.int64)
    left = budget - int(base.sum())
    if left > 0:
        base[np.argsort(-(quota - base), kind="stable")[:left]] += 1
    return base


def fraction_hamilton(budget: int, scores: list) -> list[int]:
    fr = [Fraction(s) for s in scores]
    total = sum(fr)
    quotas = [budget * s / total for s in fr]
    base = [q.numerator // q.denominator for q in quotas]
    left = budget - sum(base)
    order = sorted(range(len(fr)), key=lambda i: (-(quotas[i] - base[i]), -fr[i], i))
    for i in order[:left]:
        base[i] += 1
    return base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-max", type=int, default=100_000, help="largest n for the Fraction reference")
    args = parser.parse_args(argv)
    budget = 10**12  # fen: 10 billion yuan
    rng = np.random.default_rng(0)
    print(f"{'n':>9} {'case':<22} {'ecograph s':>11} {'(cpu s)':>8} {'naive float s':>14} {'Fraction ref s':>15} {'vs ref':>8}")
    for n in (int(x) for x in args.sizes.split(",")):
        ids = [f"u{i:07d}" for i in range(n)]
        ints = rng.integers(1, 1_000_000, n)
        floats = rng.random(n) + 1e-9
        float_dict = dict(zip(ids, floats.tolist()))
        cases = {
            "int scores": (lambda: allocate(budget, NodeValues(ids, ints)), ints),
            "float scores": (lambda: allocate(budget, NodeValues(ids, floats)), floats),
            "float + floor + cap": (
                lambda: allocate(budget, NodeValues(ids, floats), floor=budget // (4 * n), cap=4 * budget // n),
                None,
            ),
            "Decimal cents": (
                lambda: allocate(Decimal("10000000000.00"), NodeValues(ids, floats), unit=Decimal("0.01")),
                None,
            ),
            "dict of floats": (lambda: allocate(budget, float_dict), None),
        }
        for name, (fn, raw) in cases.items():
            seconds, result, cpu = median_time(fn, args.repeat)
            total = int(result.counts.sum())
            expected = budget if name != "Decimal cents" else 10**12
            assert total == expected, (name, total)
            naive = ref = ratio = ""
            if raw is not None:
                naive_s, naive_result, _ = median_time(lambda: naive_float(budget, raw.astype(np.float64)), args.repeat)
                naive = f"{naive_s:.3f}"
                mismatched = int((naive_result != result.counts).sum())
                if mismatched:
                    naive += f" ({mismatched} off)"
                if n <= args.reference_max:
                    ref_s, ref_result, _ = median_time(lambda: fraction_hamilton(budget, raw.tolist()), 1)
                    assert ref_result == result.counts.tolist(), f"{name}: differs from the Fraction reference"
                    ref, ratio = f"{ref_s:.3f}", f"{ref_s / seconds:.0f}x"
            print(f"{n:>9} {name:<22} {seconds:>11.3f} {cpu:>8.3f} {naive:>14} {ref:>15} {ratio:>8}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
