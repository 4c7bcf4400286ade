"""Every example script runs on its own and prints its key findings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: script -> figures its output must contain (from the seed documents and the built-in data)
EXPECTED = {
    "motor_platform.py": ["40 of 2,000 target firms directly (2%)", "141 within 3 hops (7%)", "Kendall tau-b",
                          "core - collaboration ring (joint design): 53",
                          "core - core ring (integrated bodies): 4", "agree for 100% of members"],
    "biopharma_chain.py": ["13 members along 9 stages", "single points of failure: clinical", "bottleneck: screening",
                           "splits into 3 tasks", "cannot serve stage(s) clinical",
                           "3 candidates for the single points of failure (clinical)", "1,000,000,000 fen in 2010"],
    "pudong_one_stop.py": ["24 policies accepted at 3 windows", "3 departments without the centre, 2 with it",
                           "194 applications", "served 358 firms"],
    "suzhou_associations.py": ["11,849 member firms", "191 listed", "308 leading", "292 专精特新", "1,127 high-tech"],
    "productivity_centres.py": ["10 districts, 2,689 centres", "20,000 firms served", "adjusted Rand index"],
}


def test_every_example_is_checked() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs_and_prints_key_figures(script: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, str(EXAMPLES / script)], capture_output=True, text=True, timeout=120,
                          env=env, cwd=EXAMPLES.parent, check=False)
    assert done.returncode == 0, done.stderr
    for figure in EXPECTED[script]:
        assert figure in done.stdout, f"{script}: {figure!r} missing from\n{done.stdout}"


def test_suzhou_example_shows_the_overlap_and_bridges_of_the_analyses() -> None:
    """The synthetic overlap is visible: the example prints the library's overlap and bridging
    counts (computed here from the result objects), and they are not zero."""
    from ecograph.memberships import association_overlap, bridging, membership_matrix
    from ecograph.report.associations import sections
    from loaders.datasets import suzhou_associations

    eco = suzhou_associations()
    mm = membership_matrix(eco)
    multi = int((mm.memberships() > 1).sum())
    pairs = association_overlap(mm).pairs()
    across = [m for m in bridging(eco, by="field").members if m["bridging"] > 0]
    assert multi and pairs and across
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([sys.executable, str(EXAMPLES / "suzhou_associations.py")], capture_output=True, text=True,
                         timeout=120, env=env, cwd=EXAMPLES.parent, check=True).stdout
    assert f"{multi:,} firms belong to two or more associations" in out
    assert f"{len(pairs)} pairs of associations share members" in out
    assert f"{len(across)} firms bridge fields" in out
    top = pairs[0]
    assert f"{eco.node(top['a'])['name']} – {eco.node(top['b'])['name']}: {top['shared']} shared members" in out
    [section] = sections(eco)
    assert f"{len(pairs):,} pairs of associations share members" in section.text
    assert f"Best bridge across field: {across[0]['name']}" in section.text
