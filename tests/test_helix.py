"""Triple helix T: hand-computed entropies and dit's co-information as oracles."""

from __future__ import annotations

import itertools
import math

import dit
import numpy as np
import pytest
from dit.multivariate import coinformation

import ecograph as eg
from ecograph import Ecosystem
from ecograph.errors import AnalysisError, NodeNotFoundError
from ecograph.helix import HELIX4, co_information, helix_table, triple_helix


def h(*probabilities: float) -> float:
    return -sum(p * math.log2(p) for p in probabilities if p > 0)


def _dit_coinformation(counts: dict[tuple, int]) -> float:
    total = sum(counts.values())
    outcomes = ["".join(str(v) for v in cell) for cell in counts]
    return coinformation(dit.Distribution(outcomes, [c / total for c in counts.values()]))


def test_hand_computed_three_dimensions():
    # 8 projects: u/i/g presence bits
    table = {(1, 1, 0): 3, (0, 1, 1): 2, (1, 0, 1): 1, (1, 1, 1): 1, (0, 1, 0): 1}
    # marginals, written out: u present in 5/8, i in 7/8, g in 4/8
    h_u, h_i, h_g = h(5 / 8, 3 / 8), h(7 / 8, 1 / 8), h(4 / 8, 4 / 8)
    # pairs: ui: 11:4, 01:3, 10:1 ; ug: 10:3, 01:2, 11:2, 00:1 ; ig: 10:4, 11:3, 01:1
    h_ui, h_ug, h_ig = h(4 / 8, 3 / 8, 1 / 8), h(3 / 8, 2 / 8, 2 / 8, 1 / 8), h(4 / 8, 3 / 8, 1 / 8)
    h_uig = h(3 / 8, 2 / 8, 1 / 8, 1 / 8, 1 / 8)
    expected = h_u + h_i + h_g - h_ui - h_ug - h_ig + h_uig
    result = triple_helix(table, ["u", "i", "g"])
    assert result.T == pytest.approx(expected, abs=1e-12)
    assert result.millibits == pytest.approx(1000 * expected, abs=1e-9)
    assert result.entropies[("u",)] == pytest.approx(h_u)
    assert result.entropies[("u", "g")] == pytest.approx(h_ug)
    assert result.entropies[("u", "i", "g")] == pytest.approx(h_uig)
    assert result.records == 8
    assert result.T == pytest.approx(_dit_coinformation(table), abs=1e-12)


def test_sign_convention_synergy_and_redundancy():
    parity = {(0, 0, 0): 1, (0, 1, 1): 1, (1, 0, 1): 1, (1, 1, 0): 1}
    copies = {(0, 0, 0): 1, (1, 1, 1): 1}
    assert triple_helix(parity).T == -1.0  # synergy: negative in three dimensions
    assert triple_helix(copies).T == 1.0  # redundancy: positive
    assert _dit_coinformation(parity) == pytest.approx(-1.0)
    # four dimensions: the same alternating sum; parity of four gives +1 (sign alternates with n)
    parity4 = {cell: 1 for cell in itertools.product((0, 1), repeat=4) if sum(cell) % 2 == 0}
    assert triple_helix(parity4).T == pytest.approx(_dit_coinformation(parity4)) == pytest.approx(1.0)


@pytest.mark.parametrize("dims", [3, 4])
@pytest.mark.parametrize("seed", range(5))
def test_random_tables_match_dit(dims, seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 9, size=(2,) * dims)
    counts[(1,) * dims] += 1
    result = triple_helix(counts)
    cells = {idx: int(counts[idx]) for idx in itertools.product((0, 1), repeat=dims) if counts[idx]}
    assert result.T == pytest.approx(_dit_coinformation(cells), abs=1e-10)
    assert co_information(counts) == pytest.approx(result.T, abs=1e-12)
    # a mapping of the same cells gives the same T
    assert triple_helix(cells).T == pytest.approx(result.T, abs=1e-12)


def test_four_dimensional_formula_written_out():
    rng = np.random.default_rng(11)
    counts = rng.integers(1, 6, size=(2, 2, 2, 2))
    result = triple_helix(counts, ["g", "i", "u", "r"])
    H = result.entropies  # noqa: N806
    singles = sum(H[(d,)] for d in "giur")
    pairs = sum(H[pair] for pair in itertools.combinations("giur", 2))
    triples = sum(H[t] for t in itertools.combinations("giur", 3))
    assert result.T == pytest.approx(singles - pairs + triples - H[("g", "i", "u", "r")], abs=1e-12)


def _projects() -> Ecosystem:
    eco = Ecosystem()
    eco.add_org("u1", "清华大学", kind="university")
    eco.add_org("r1", "中科院电工所", kind="research_institute")
    eco.add_org("f1", "卧龙电驱")
    eco.add_org("f2", "中小电机厂")
    eco.add_org("g1", "工信部", kind="government")
    eco.add_org("a1", "电机行业协会", kind="association")
    eco.add_relation("u1", "f1", "collaborates", project="高效电机")
    eco.add_relation("f1", "g1", "collaborates", project="高效电机")
    eco.add_relation("r1", "f2", "collaborates", project="永磁")
    eco.add_relation("f1", "f2", "collaborates", project="供应链")
    eco.add_relation("a1", "f2", "collaborates")  # no project: a record of its own
    eco.add_relation("a1", "g1", "collaborates", project="标准")
    eco.add_relation("a1", "a1", "collaborates", project="年会")  # intermediaries only
    return eco


def test_presence_encoding_from_projects():
    eco = _projects()
    labels, counts, skipped = helix_table(eco)
    assert labels == ("university", "industry", "government")
    # 高效电机: u,i,g ; 永磁: u(research),i ; 供应链: i ; a1-f2: i ; 标准: g ; 年会: none
    assert counts == {(1, 1, 1): 1, (1, 1, 0): 1, (0, 1, 0): 2, (0, 0, 1): 1}
    assert skipped == 1
    result = triple_helix(eco)
    assert result.records == 5 and result.skipped == 1 and result.include_none is False
    assert result.T == pytest.approx(_dit_coinformation(counts), abs=1e-12)
    with_none = triple_helix(eco, include_none=True)
    assert with_none.counts[(0, 0, 0)] == 1 and with_none.records == 6
    assert with_none.T == pytest.approx(_dit_coinformation({**counts, (0, 0, 0): 1}), abs=1e-12)
    assert with_none.T != pytest.approx(result.T)


def test_presence_options():
    eco = _projects()
    # every relation a record
    _, counts, _ = helix_table(eco, by=None)
    assert sum(counts.values()) == 6
    # explicit clusters
    _, counts, skipped = helix_table(eco, groups=[["u1", "f1"], ["g1"], ["a1"]])
    assert counts == {(1, 1, 0): 1, (0, 0, 1): 1} and skipped == 1
    # 政产学研 as four dimensions; sequence form
    labels, counts, _ = helix_table(eco, HELIX4)
    assert labels == ("university", "industry", "government", "research")
    assert counts[(0, 1, 0, 1)] == 1  # 永磁: research + industry
    labels, _, _ = helix_table(eco, ["government", "industry", "academia"])
    assert labels == ("government", "industry", "academia")
    with pytest.raises(NodeNotFoundError):
        helix_table(eco, groups=[["ghost"]])
    with pytest.raises(AnalysisError, match="relation"):
        helix_table(eco, relations="friends")


def test_categorical_encoding():
    eco = Ecosystem()
    rows = [("a", "enterprise", "江苏", "small"), ("b", "enterprise", "江苏", "large"),
            ("c", "university", "上海", "large"), ("d", "enterprise", "上海", "small"),
            ("e", "government", "江苏", "large")]
    for node, kind, region, size in rows:
        eco.add_org(node, kind=kind, region=region, size=size)
    eco.add_org("f", kind="enterprise")  # no region/size: skipped
    result = triple_helix(eco, ["sector", "region", "size"], encoding="categorical")
    counts = {}
    for _, kind, region, size in rows:
        sector = {"enterprise": "industry", "university": "academia", "government": "government"}[kind]
        counts[(sector, region, size)] = counts.get((sector, region, size), 0) + 1
    assert result.counts == counts and result.skipped == 1 and result.include_none is None
    digits = [{v: i for i, v in enumerate(sorted({cell[d] for cell in counts}))} for d in range(3)]
    coded = {tuple(digits[d][v] for d, v in enumerate(cell)): c for cell, c in counts.items()}
    assert result.T == pytest.approx(_dit_coinformation(coded), abs=1e-12)
    with pytest.raises(AnalysisError, match="categorical"):
        triple_helix(eco, encoding="categorical")


def test_results_and_errors():
    result = triple_helix({(1, 0): 2, (0, 1): 2})  # two dimensions: mutual information, 1 bit
    assert result.T == 1.0 and result.dimensions == ("x1", "x2")
    data = result.to_dict()
    assert data["T_bits"] == 1.0 and data["T_millibits"] == 1000.0
    assert data["entropies"]["H(x1,x2)"] == 1.0
    frame = result.to_pandas()
    assert frame.loc["T", "bits"] == 1.0 and frame.loc["H(x1)", "bits"] == 1.0
    with pytest.raises(AnalysisError, match="non-negative"):
        triple_helix(np.array([[1, -1], [0, 2]]))
    with pytest.raises(AnalysisError, match="at least 2"):
        triple_helix(np.array([1, 2]))
    with pytest.raises(AnalysisError, match="zero"):
        triple_helix(np.zeros((2, 2, 2)))
    with pytest.raises(AnalysisError, match="labels"):
        triple_helix(np.ones((2, 2)), ["a", "b", "c"])
    with pytest.raises(AnalysisError, match="encoding"):
        triple_helix(Ecosystem(), encoding="binary")
    with pytest.raises(AnalysisError, match="no 'collaborates' record"):
        triple_helix(Ecosystem())
    assert eg.triple_helix is triple_helix


def test_report_section():
    from ecograph.report.helix import sections as report_sections

    eco = _projects()
    assert report_sections(eco) == []  # five projects: too few to report
    for i in range(8):
        eco.add_relation("u1", "g1", "collaborates", key=f"k{i}", project=f"政策{i}")
    [section] = report_sections(eco)
    rows = section.tables["triple_helix"]
    assert [(r["model"], r["include_none"]) for r in rows] == [
        ("university-industry-government", False), ("university-industry-government", True),
        ("政产学研 (4-D)", False), ("政产学研 (4-D)", True)]
    assert rows[0]["records"] == 13
    assert rows[0]["T_millibits"] == pytest.approx(triple_helix(eco).millibits, abs=1e-3)
    assert rows[1]["records"] == rows[0]["records"] + 1
    assert report_sections(Ecosystem()) == []
