"""The report package: importable without the CLI, sections listed explicitly, the analytics
free of presentation code, and the CLI a thin face over it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ecograph
import ecograph.report
from ecograph import Ecosystem
from ecograph.cli import main
from ecograph.report import SECTIONS, Report, Section, build, render_html, render_markdown, save

PACKAGE = Path(ecograph.__file__).parent

#: Layers that present results; the core must not import them.
FACES = ("report", "diagrams", "cli", "service")


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, as absolute dotted names (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            prefix = (f"{base}.{node.module}" if node.module else base) if node.level else node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def _core_modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.glob("*.py")) if p.stem not in {*FACES, "__init__", "__main__"}]


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: p.stem)
def test_the_core_imports_no_presentation_layer(path: Path) -> None:
    faces = {f"ecograph.{face}" for face in FACES}
    bad = sorted(name for name in _imports(path) if any(name == f or name.startswith(f"{f}.") for f in faces))
    assert not bad, f"{path.name} imports {bad}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert "report_sections" not in functions, f"{path.name} still builds report sections"


def test_every_report_module_is_listed_in_sections() -> None:
    modules = {p.stem for p in (PACKAGE / "report").glob("*.py")} - {"__init__", "document", "writers", "phrases"}
    listed = {builder.__module__.rpartition(".")[2] for builder in SECTIONS}
    assert listed == modules
    assert all(callable(builder) for builder in SECTIONS)


def test_write_from_python_without_the_cli(tmp_path: Path) -> None:
    script = (
        "import sys, ecograph.report\n"
        "from loaders.datasets import shanghai_biopharma\n"
        f"files = ecograph.report.write(shanghai_biopharma(), {str(tmp_path)!r})\n"
        "assert not any(m == 'ecograph.cli' or m.startswith('ecograph.cli.') for m in sys.modules), 'CLI imported'\n"
        "print(len(files))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert int(done.stdout) == len(written)
    assert {"summary.md", "report.html", "figures/chain_bio_platform.png", "figures/network.png"} <= set(written)
    assert "tables/chain_bio_platform_coverage.csv" in written


def test_cli_report_writes_what_the_package_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from loaders.datasets import tianjin_centers

    assert main(["report", "--dataset", "tianjin_centers", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "summary.md")
    expected = render_markdown(build(tianjin_centers()))
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == expected


def test_sections_merge_by_title_and_render() -> None:
    eco = Ecosystem(name="demo")
    eco.add_org("a", "联盟", kind="alliance", stages=["研发", "生产"])
    eco.add_org("x", "甲公司")
    eco.add_relation("x", "a", "chain_member", stages=["研发"])
    report = build(eco, lang="en")
    titles = [s.title for s in report.sections]
    assert titles == ["Overview", "Central organisations", "Chain alliance: 联盟", "Network overview"]
    chain = report.sections[2]
    assert list(chain.tables)[0] == "chain_a_coverage" and list(chain.figures) == ["chain_a"]  # analysis + diagram
    markdown = render_markdown(report)
    assert markdown.startswith("# ecograph report: demo") and "![chain_a](figures/chain_a.png)" in markdown
    page = render_html(report, {name: b"png" for name in report.figures()})
    assert page.count("<img") == len(report.figures()) == 2


def test_save_writes_every_table_in_full(tmp_path: Path) -> None:
    rows = [{"名称": f"企业{i}", "n": i} for i in range(40)]
    report = Report("r", [Section("Firms", "Forty firms.", tables={"firms": rows})])
    written = save(report, tmp_path)
    csv_lines = (tmp_path / "tables" / "firms.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0] == "名称,n" and len(csv_lines) == 41
    assert "… 25 more rows" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert {p.name for p in written} == {"firms.csv", "report.json", "summary.md", "report.html", "tables.xlsx"}


def test_report_is_reachable_from_the_package() -> None:
    assert ecograph.report is sys.modules["ecograph.report"]
    assert ecograph.report.write.__module__ == "ecograph.report"


def test_hierarchy_of_districts_without_centres_is_reported() -> None:
    """District balance counts centres: a hierarchy without any gets no balance (it raised)."""
    eco = Ecosystem()
    eco.add_org("n", kind="association")
    for d in ("d1", "d2"):
        eco.add_org(d, kind="district")
        eco.add_relation(d, "n", "part_of")
    [section] = ecograph.report.hierarchies.sections(eco)
    assert section.text == "The hierarchy has 3 units in 2 levels; 1 root."
    assert list(section.tables) == ["hierarchy_rollup"]


def test_the_action_section_formats_the_matching_and_its_evaluation(tmp_path):
    from ecograph.report import action
    from loaders.datasets import load_dataset

    eco = load_dataset("cast_service_action", n_problems=120)
    report = build(eco, sections=[action.sections, action.figures])
    [section] = report.sections
    evaluation = ecograph.action_evaluation(eco)
    assert section.tables["action_regions"] == evaluation.regions
    assert section.tables["action_societies"] == evaluation.rows()
    assert section.tables["match_assignment"] == evaluation.matching.rows()
    assert f"**120** 项技术难题中 **{evaluation.matching.matched:,}** 项已对接专家" in section.text
    assert f"专家负载基尼系数 {evaluation.load_gini:.2f}" in section.text
    assert sorted(section.figures) == ["action_coverage", "action_flows"]
    assert action.sections in SECTIONS and action.figures in SECTIONS
    written = save(report, tmp_path)
    assert (tmp_path / "tables" / "match_assignment.csv") in written


def test_the_changes_section_formats_eg_changes_for_every_pair_of_periods() -> None:
    import ecograph as eg
    from ecograph.report import changes as section
    from loaders.datasets import load_dataset

    eco = load_dataset("shanghai_biopharma")
    out = section.sections(eco)
    assert [s.title for s in out] == ["变化", "变化：2010 → 2011"]
    growth = {(r["group"], r["measure"]): r for r in out[1].tables["changes_2010_2011_growth"]}
    c = eg.changes(eco, 2010, 2011)
    for g in c.growth:  # every growth row of the result, formatted, nothing else
        row = growth[(g.group, g.measure)]
        assert (row["before"], row["after"]) == (g.before, g.after)
        assert row["growth"] == g.rate
    assert len(growth) == len(c.growth)
    assert "1,287 → 13,694" in out[1].text
    tianjin = section.sections(load_dataset("tianjin_centers"))
    assert tianjin[-1].title == "变化：动态管理" and tianjin[-1].tables["management_decisions"]
    assert section.sections(load_dataset("suzhou_associations")) == []


def test_competition_ranks_match_scipy() -> None:
    import numpy as np
    from scipy.stats import rankdata

    from ecograph.results import competition_ranks

    rng = np.random.default_rng(0)
    values = rng.integers(0, 6, size=200) / 7  # many ties
    ranks, tied = competition_ranks(values)
    expected = rankdata(-values, method="min")
    for i, rank in enumerate(expected):
        assert ranks[i] == rank and tied[i] == int((values == values[i]).sum())


def test_central_organisations_share_ranks_and_name_no_highest_when_all_equal() -> None:
    """Regression: tied values got arbitrary ranks (2,048, 2,049, 2,050 for a betweenness of 0)
    and a "highest" broker was named when every betweenness was 0."""
    eco = Ecosystem()
    for i in range(4):
        eco.add_org(f"f{i}", f"企业{i}")
    eco.add_relation("f0", "f1", "collaborates")
    eco.add_relation("f2", "f3", "collaborates")
    [section] = ecograph.report.centrality.sections(eco)
    rows = section.tables["central_organisations"]
    assert {(row["betweenness_rank"], row["betweenness_rank_tied"]) for row in rows} == {(1, True)}
    assert {(row["rank"], row["rank_tied"]) for row in rows} == {(1, True)}
    assert "| 1 (tied) |" in render_markdown(Report("r", [section]))
    assert "highest:" not in section.text and "no organisation lies on a shortest path" in section.text
    eco.add_relation("f1", "f2", "collaborates")  # a path f0-f1-f2-f3: f1 and f2 broker equally
    [section] = ecograph.report.centrality.sections(eco)
    assert "highest, shared by 2: 企业1, 企业2" in section.text
    ranks = {row["id"]: (row["betweenness_rank"], row["betweenness_rank_tied"])
             for row in section.tables["central_organisations"]}
    assert ranks == {"f1": (1, True), "f2": (1, True), "f0": (3, True), "f3": (3, True)}


def test_network_overview_draws_connected_organisations_and_states_only_nonzero_extras() -> None:
    """Regression: the overview padded the 500 it drew with organisations without any relation
    and said "另有 0 条关系…" when no tie led outside."""
    import numpy as np

    from ecograph.diagrams import network
    from ecograph.diagrams._base import structure
    from loaders.datasets import shanghai_motor

    eco = shanghai_motor()
    graph = structure(eco)
    symmetric = graph.matrix + graph.matrix.T
    connected = int((np.asarray((symmetric != 0).sum(axis=1)).ravel() > 0).sum())
    title = network(eco).axes[0].get_title()
    assert f"{connected:,} 个组织" in title and "另有 0" not in title
    assert f"未画出的 {len(eco) - connected:,} 个组织都没有任何关系" in title
    few = network(eco, max_nodes=100).axes[0].get_title()
    assert "未画出 1,952 个组织" in few and "条关系连向未画出的组织" in few
