"""Diagrams: fonts and CJK glyphs, every diagram on every dataset and format, structure, HTML, CLI."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

import ecograph
from ecograph import Ecosystem
from ecograph.allocation import allocate
from ecograph.cli import main
from ecograph.diagrams import (
    FontError,
    allocation_chart,
    chain,
    circle_layers,
    dimension_scores,
    evaluation_radar,
    font_families,
    get_font,
    hierarchy,
    interactive_html,
    membership,
    missing_glyphs,
    network,
    platform_reach,
    radar_chart,
    reach_chart,
    save,
    set_font,
)
from ecograph.diagrams.fonts import cjk_family, cjk_font_path, diagram_style
from ecograph.diagrams.hierarchies import hierarchy_rings
from ecograph.diagrams.interactive import graph_json
from ecograph.diagrams.networks import sector_layout, spread_apart
from ecograph.errors import AnalysisError, EcographError, NodeNotFoundError
from ecograph.labels import METRIC_LABELS
from ecograph.memberships import association_overlap
from loaders.datasets import list_datasets, load_dataset
from diagram_samples import (
    BIO_STAGE_NAMES,
    biopharma_alliance,
    centre_hierarchy,
    combined,
    motor_platform,
    suzhou_associations,
)

# CI installs the system tools (scripts/system-deps.sh); there a missing tool is a failure.
IN_CI = os.environ.get("CI") == "true"

DATASETS = [d["name"] for d in list_datasets(sizes=False)]
FORMATS = ("png", "svg", "pdf")


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def render(fig: Figure, fmt: str) -> bytes:
    """Save with every warning recorded; fail on any glyph or font warning."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save(fig, buffer, format=fmt, dpi=40)
    problems = [str(w.message) for w in caught if "glyph" in str(w.message).lower() or "font" in str(w.message).lower()]
    assert not problems, problems
    assert not [w for w in caught if issubclass(w.category, UserWarning)], [str(w.message) for w in caught]
    return buffer.getvalue()


@pytest.fixture(scope="module")
def datasets() -> dict[str, Ecosystem]:
    return {name: load_dataset(name) for name in DATASETS}


def all_diagrams(eco: Ecosystem) -> dict[str, Figure]:
    """Every diagram that applies to ``eco``."""
    figures: dict[str, Figure] = {}
    for platform in eco.platforms():
        figures[f"circle_layers/{platform}"] = circle_layers(eco, platform)
        if eco.rings(platform)["core"]:
            figures[f"reach/{platform}"] = platform_reach(eco, platform)
    for alliance in eco.alliances():
        figures[f"chain/{alliance}"] = chain(eco, alliance)
    if any(eco.members(a) for a in eco.associations()):
        figures["membership"] = membership(eco)  # also where the report leaves it out
    if eco.hierarchy().roots:
        figures["hierarchy"] = hierarchy(eco)
    if eco.attrs.get("dimensions"):
        figures["radar"] = evaluation_radar(eco)
    figures["network"] = network(eco)
    return figures


# ---------------------------------------------------------------------------------------- fonts
def test_cjk_font_comes_from_the_dependency_and_registers() -> None:
    path = Path(cjk_font_path())
    assert path.name == "NotoSansCJK-Regular.ttc" and path.stat().st_size > 10_000_000
    family = cjk_family()
    assert family in {f.name for f in font_manager.fontManager.ttflist}
    assert font_families() == ["DejaVu Sans", family]


def test_user_font_is_first_and_fallbacks_follow() -> None:
    fig = chain(biopharma_alliance(), "bio", font="DejaVu Serif")
    families = {tuple(t.get_fontfamily()) for t in fig.findobj(Text) if t.get_text()}
    assert families == {("DejaVu Serif", "DejaVu Sans", cjk_family())}
    assert missing_glyphs(fig) == []


def test_ecograph_wide_font_and_font_file() -> None:
    serif_file = font_manager.findfont(font_manager.FontProperties(family="DejaVu Serif"), fallback_to_default=False)
    try:
        set_font(serif_file)
        assert get_font() == serif_file
        fig = reach_chart([1, 3, 6])
        assert fig.axes[0].title.get_fontfamily()[0] == "DejaVu Serif"
    finally:
        set_font(None)
    assert fig.axes[0].title.get_fontfamily()[0] == "DejaVu Serif"  # kept after the setting changes
    assert reach_chart([1, 2]).axes[0].title.get_fontfamily()[0] == "DejaVu Sans"


def test_unknown_font_is_a_clear_error() -> None:
    with pytest.raises(FontError, match="not installed"):
        circle_layers(motor_platform(3, 3), "motor", font="No Such Font 123")
    with pytest.raises(FontError):
        set_font("No Such Font 123")
    assert get_font() is None
    assert issubclass(FontError, EcographError)


def test_checker_catches_chinese_in_a_latin_only_font() -> None:
    fig = Figure()
    fig.text(0.1, 0.5, "核心圈 core ring -3", family=["DejaVu Sans"])
    assert [char for _, char in missing_glyphs(fig)] == ["核", "心", "圈"]
    with pytest.warns(UserWarning, match="missing from font"):
        fig.savefig(io.BytesIO(), format="png")
    fig2 = Figure()
    fig2.text(0.1, 0.5, "核心圈 core ring -3", family=font_families())
    assert missing_glyphs(fig2) == []


def test_global_matplotlib_settings_are_untouched() -> None:
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    eco = combined()
    for fig in all_diagrams(eco).values():
        render(fig, "png")
    interactive_html(eco)
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.get_backend() == backend


def test_minus_signs_and_digits_have_glyphs_even_when_saved_outside_ecograph() -> None:
    dims = ["scale", "service", "human_resources"]
    fig = radar_chart({"中心A": dict(zip(dims, [-1.5, 0.5, 2.0])), "中心B": dict(zip(dims, [1.0, -0.5, 0.0]))})
    fig.axes[0].set_ylim(-2, 2)
    assert missing_glyphs(fig) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(io.BytesIO(), format="png")  # the user's rcParams: unicode minus, default family
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any(label.startswith(("-", "\u2212")) for label in labels)
    assert missing_glyphs(fig) == []


def test_drawing_on_given_axes() -> None:
    fig = Figure(figsize=(16, 12), layout="constrained")
    grid = fig.subplots(2, 2)
    eco = combined()
    assert circle_layers(eco, "motor", ax=grid[0, 0]) is fig
    assert chain(eco, "bio", ax=grid[0, 1]) is fig
    assert hierarchy(eco, ax=grid[1, 0]) is fig
    assert network(eco, ax=grid[1, 1], max_nodes=100) is fig
    assert len(fig.axes) == 4 and all(ax.get_title() for ax in fig.axes)
    polar = Figure().add_subplot(projection="polar")
    assert radar_chart({"x": {"a": 1, "b": 2, "c": 3}}, ax=polar) is polar.figure
    pair = Figure().subplots(1, 2)
    assert membership(suzhou_associations(4, 100), axes=(pair[0], pair[1])) is pair[0].figure
    render(fig, "png")


@pytest.mark.parametrize("draw", ["circle_layers", "chain", "hierarchy", "network", "allocation"])
def test_legend_stays_off_the_drawing(draw: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    eco = combined()
    fig = {
        "circle_layers": lambda: circle_layers(eco, "motor"),
        "chain": lambda: chain(eco, "bio"),
        "hierarchy": lambda: hierarchy(centre_hierarchy(3, 60)),
        "network": lambda: network(eco),
        "allocation": lambda: allocation_chart({"a": 500, "b": 300}, rules={"a": "cap", "b": "proportional"}),
    }[draw]()
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    drawing = ax.get_window_extent(renderer)
    assert legend.x0 >= drawing.x1 - 1  # entirely to the right of the axes
    figure = fig.bbox
    assert legend.x1 <= figure.x1 + 1 and legend.y0 >= figure.y0 - 1  # and inside the figure


def test_figures_are_not_registered_with_pyplot() -> None:
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    circle_layers(motor_platform(5, 5), "motor")
    assert plt.get_fignums() == open_before


# ------------------------------------------------------------------ every diagram, every dataset
@pytest.mark.parametrize("name", DATASETS)
def test_every_diagram_renders_on_every_dataset_in_every_format(name: str, datasets: dict[str, Ecosystem]) -> None:
    figures = all_diagrams(datasets[name])
    assert "network" in figures
    for key, fig in figures.items():
        assert missing_glyphs(fig) == [], key
        assert fig.axes[0].get_title() or fig.get_suptitle(), key
        for fmt in FORMATS:
            data = render(fig, fmt)
            assert data[:8] == b"\x89PNG\r\n\x1a\n" if fmt == "png" else data, key
            if fmt == "svg":
                assert b"<svg" in data[:500]
            if fmt == "pdf":
                assert data.startswith(b"%PDF")


def test_every_diagram_renders_on_the_hand_built_samples() -> None:
    for eco in (motor_platform(), biopharma_alliance(), suzhou_associations(), centre_hierarchy(), combined()):
        for key, fig in all_diagrams(eco).items():
            assert missing_glyphs(fig) == [], key
            render(fig, "png")


def test_pdf_embeds_latin_fonts_and_draws_chinese_as_outlines(tmp_path: Path) -> None:
    path = tmp_path / "chain.pdf"
    fig = chain(biopharma_alliance(), "bio")
    save(fig, path)
    data = path.read_bytes()
    assert b"/FontFile2" in data and b"DejaVuSans" in data  # Latin text: TrueType (Type 42) subsets
    assert b"NotoSansCJK" not in data  # no CFF data mislabelled as TrueType (matplotlib #20870)
    assert all(not t.get_path_effects() for t in fig.findobj(Text))  # the outlines were temporary
    if IN_CI or shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = listing.splitlines()[2:]
        assert fonts and all(" yes " in line for line in fonts), listing


@pytest.mark.skipif(not IN_CI and shutil.which("gs") is None, reason="needs Ghostscript (CI installs it)")
def test_pdf_chinese_renders_in_ghostscript(tmp_path: Path) -> None:
    fig = Figure(figsize=(4, 1))
    with diagram_style():
        fig.text(0.05, 0.3, "核心圈协同创新", fontsize=40, family=font_families())
    png = io.BytesIO()
    save(fig, png, format="png", dpi=50)
    save(fig, tmp_path / "t.pdf")
    out = tmp_path / "t.png"
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", "-r50", "-dGraphicsAlphaBits=4",
                    f"-sOutputFile={out}", str(tmp_path / "t.pdf")], check=True, timeout=120)
    import matplotlib.image as mpimg

    ink_pdf = (mpimg.imread(out) < 0.5).sum()
    ink_png = (mpimg.imread(io.BytesIO(png.getvalue()))[..., :3].mean(axis=2) < 0.5).sum()
    assert ink_png > 1000
    # the same ink up to rasteriser differences (a Type 42 CFF embedding gives none at all)
    assert abs(ink_pdf - ink_png) < 0.35 * ink_png


def test_svg_output_is_reproducible(tmp_path: Path) -> None:
    eco = motor_platform(12, 80)
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    save(circle_layers(eco, "motor"), first)
    save(circle_layers(eco, "motor"), second)
    assert first.read_bytes() == second.read_bytes()


def test_save_rejects_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match=r"\.png, \.svg or \.pdf"):
        save(reach_chart([1, 2]), tmp_path / "x.gif")
    with pytest.raises(AnalysisError, match="expected png, svg or pdf"):
        save(reach_chart([1, 2]), io.BytesIO())


# ------------------------------------------------------------------------------ circle layers
def test_circle_layers_structure() -> None:
    eco = motor_platform(n_backbone=42, n_radiated=320)
    degree = {n: eco.graph.degree(n) for n in eco}
    fig = circle_layers(eco, "motor", size_by=degree, max_dots=60)
    ax = fig.axes[0]
    found = texts(fig)
    for ring, count in (("核心", 1), ("核心圈", 6), ("协同创新圈", 42), ("辐射圈", 320)):
        assert f"{ring} ({count})" in found
    # the radiation ring (320 > 60) is aggregated into arcs with counts per kind
    kinds = {eco.graph.nodes[f"r{i}"]["kind"] for i in range(320)}
    arc_labels = [t for t in found if "×" in t]
    assert len(arc_labels) == len(kinds)
    assert sum(int(t.split("×")[1].replace(",", "")) for t in arc_labels) == 320
    # dots: core + core ring + collaboration ring
    assert sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)) == 1 + 6 + 42
    assert "国家中小型电机及系统工程技术研究中心" in found
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"企业", "高校", "科研院所", "行业协会"} <= set(legend)
    ties = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(ties) == 1 and len(ties[0].get_segments()) > 0


def test_circle_layers_sizes_follow_the_metric_and_english_labels() -> None:
    eco = motor_platform(10, 5)
    sizes = {"b3": 100.0}
    fig = circle_layers(eco, "motor", size_by=sizes, lang="zh+en", ties=False)
    ax = fig.axes[0]
    assert "协同创新圈 collaboration ring (10)" in texts(fig)
    collaboration = next(c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets()) == 10)
    areas = collaboration.get_sizes()
    assert areas.max() > 5 * np.median(areas)  # b3 stands out
    assert not [c for c in ax.collections if isinstance(c, LineCollection)]


def test_circle_layers_uses_ecograph_analytics_by_name() -> None:
    eco = motor_platform(6, 4)
    fig = circle_layers(eco, "motor", size_by="betweenness")
    assert "节点大小: 中介中心度" in fig.axes[0].get_title()  # the metric by its Chinese name
    with pytest.raises(AnalysisError, match="not an ecograph analytic"):
        circle_layers(eco, "motor", size_by="no_such_metric")
    with pytest.raises(NodeNotFoundError):
        circle_layers(eco, "missing")
    with pytest.raises(AnalysisError, match="lang"):
        circle_layers(eco, "motor", lang="fr")


# ---------------------------------------------------------------------------------------- chain
def test_chain_stages_anchor_gaps_bottlenecks() -> None:
    eco = biopharma_alliance()
    fig = chain(eco, "bio")
    ax = fig.axes[0]
    found = texts(fig)
    for name in BIO_STAGE_NAMES:
        assert name in found or name[:5] + "\n" + name[5:] in found
    assert "缺口" in found  # nobody covers "market"
    assert "瓶颈" in found  # clinical: demand 150 >= capacity 120 + 90 / 3
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "★ 上海医药工业研究院" and len(ticks) == 13
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "★ 依托单位" in legend and "缺口：无成员" in legend
    assert "缺口 1" in ax.get_title() and "瓶颈 1" in ax.get_title()


def test_chain_bottlenecks_given_and_errors() -> None:
    eco = biopharma_alliance()
    assert "瓶颈 2" in chain(eco, "bio", bottlenecks=["pilot", "process"]).axes[0].get_title()
    with pytest.raises(AnalysisError, match="not stages"):
        chain(eco, "bio", bottlenecks=["moon"])
    eco.add_org("empty", kind="alliance")
    with pytest.raises(AnalysisError, match="declares no stages"):
        chain(eco, "empty")


def test_chain_many_members_folds_the_rest() -> None:
    eco = Ecosystem()
    eco.add_org("a", "联盟", kind="alliance", stages=["s1", "s2"])
    for i in range(45):
        eco.add_org(f"m{i}", f"成员{i}")
        eco.add_relation(f"m{i}", "a", "chain_member", stages=["s1"] if i % 2 else ["s1", "s2"])
    fig = chain(eco, "a", max_rows=20)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(ticks) == 21 and ticks[-1] == "其他 25 家"


# ----------------------------------------------------------------------------------- membership
def test_membership_heat_map_matches_the_overlap() -> None:
    eco = suzhou_associations(n_assoc=8, n_firms=400)
    fig = membership(eco)
    heat, bars = fig.axes[0], fig.axes[1]
    image = heat.get_images()[0].get_array()
    order = [t.get_text().split(". ", 1)[1].rsplit(" (", 1)[0] for t in heat.get_yticklabels()]
    names = {eco.graph.nodes[a]["name"]: a for a in eco.associations()}
    ids = [names[n] for n in order]
    expected = association_overlap(eco).shared.toarray()
    position = {a: i for i, a in enumerate(eco.associations())}
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            shared = expected[position[a], position[b]]
            if i == j or shared == 0:
                assert np.ma.is_masked(image[i, j])
            else:
                assert image[i, j] == shared
    assert [t.get_text() for t in bars.get_legend().get_texts()] == ["上市", "龙头", "专精特新", "高新技术"]


def test_membership_without_shared_members_shows_sizes() -> None:
    eco = Ecosystem()
    for a in ("a1", "a2"):
        eco.add_org(a, kind="association")
    eco.add_orgs(["f1", "f2", "f3"], specialized=[True, None, True])
    eco.add_relations(["f1", "f2", "f3"], ["a1", "a1", "a2"], "member_of")
    fig = membership(eco)
    assert "没有共同会员" in fig.axes[0].get_title()
    assert "3 家会员" in fig.get_suptitle() and "专精特新 2" in fig.get_suptitle()


def test_membership_of_the_suzhou_dataset_shows_its_overlap(datasets: dict[str, Ecosystem]) -> None:
    fig = membership(datasets["suzhou_associations"])
    assert "两两共同会员" in fig.axes[0].get_title()  # the synthetic overlap (docs/datasets.md)
    assert "11,849 家会员" in fig.get_suptitle() and "专精特新 292" in fig.get_suptitle()


def test_membership_needs_associations() -> None:
    with pytest.raises(AnalysisError, match="no association"):
        membership(biopharma_alliance())


# ------------------------------------------------------------------------------------ hierarchy
def test_hierarchy_counts_and_grouping(datasets: dict[str, Ecosystem]) -> None:
    eco = datasets["productivity_centers"]
    wedges = hierarchy_rings(eco, "cppc")
    districts = [w for w in wedges if w["depth"] == 1]
    assert len(districts) == 10
    assert sum(w["count"] for w in districts) == len(eco.hierarchy().descendants("cppc")) - 10
    national = sum(w["count"] for w in wedges if w["group"] == "national")
    assert national == sum(1 for c in eco.nodes("productivity_center") if eco.node(c).get("level") == "national")
    assert abs(sum(w["span"] for w in districts) - 1.0) < 1e-12
    fig = hierarchy(eco)
    found = texts(fig)
    assert any(t.startswith("国家级") for t in [l.get_text() for l in fig.axes[0].get_legend().get_texts()])
    assert "10 个片区" in fig.axes[0].get_title()
    assert sum(1 for t in found if "片区" in t) >= 10


def test_hierarchy_errors() -> None:
    with pytest.raises(AnalysisError, match="no part_of"):
        hierarchy(motor_platform(3, 3).subgraph(kinds=["enterprise"]))
    eco = centre_hierarchy(2, 5)
    with pytest.raises(AnalysisError, match="nothing below"):
        hierarchy(eco, "c0_0")
    with pytest.raises(NodeNotFoundError):
        hierarchy(eco, "nobody")


# -------------------------------------------------------------------------------------- network
def test_sector_layout_is_deterministic_and_separates_sectors() -> None:
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, size=800)
    rank = rng.permutation(800)
    xy = sector_layout(codes, rank)
    assert np.array_equal(xy, sector_layout(codes, rank))
    radius = np.hypot(xy[:, 0], xy[:, 1])
    assert radius.max() <= 1.0 + 1e-12
    angle = np.mod(np.arctan2(xy[:, 1], xy[:, 0]) - np.pi / 2, 2 * np.pi)
    spans = [(angle[codes == k].min(), angle[codes == k].max()) for k in range(4)]
    for (_, hi), (lo, _) in zip(spans, spans[1:]):
        assert hi < lo  # wedges do not interleave
    for k in range(4):  # the most central node of a sector is the innermost
        members = np.flatnonzero(codes == k)
        assert radius[members[np.argmin(rank[members])]] == radius[members].min()


def test_spread_apart_keeps_the_gap_and_the_order() -> None:
    angles = np.array([0.3, 0.31, 0.32, 2.0, 2.05])
    spread = spread_apart(angles, 0.1)
    assert np.all(np.diff(np.sort(spread)) >= 0.1 - 1e-12)
    assert np.array_equal(np.argsort(spread), np.argsort(angles))


def test_network_samples_beyond_max_nodes_and_says_so() -> None:
    eco = suzhou_associations(n_assoc=10, n_firms=900)
    fig = network(eco, size_by="degree", max_nodes=300, top_labels=7)
    ax = fig.axes[0]
    assert f"按{METRIC_LABELS['degree'][0]}取前 300 个，共 910 个" in ax.get_title()
    english = network(eco, size_by="degree", max_nodes=300, top_labels=7, lang="en").axes[0].get_title()
    assert f"top 300 of 910 by {METRIC_LABELS['degree'][1]}" in english and not re.search(r"[\u3400-\u9fff]", english)
    from ecograph.diagrams._base import structure
    from ecograph.diagrams.networks import most_central

    compiled = structure(eco)
    metric = np.array([eco.graph.degree(n) for n in compiled.nodes], dtype=float)
    kept = {compiled.nodes[i] for i in most_central(compiled, metric, 300)}
    pairs = {frozenset((u, v)) for u, v, _k, _d in eco.relations() if (u in kept) != (v in kept)}
    assert f"另有 {len(pairs):,} 条关系连向未画出的组织" in ax.get_title()
    dots = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    assert len(dots.get_offsets()) == 300
    assert len([t for t in ax.texts if t.get_text()]) == 7
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum(int(t.rsplit(" ", 1)[1].replace(",", "")) for t in legend) == 300


def test_network_at_500_nodes_is_fast(datasets: dict[str, Ecosystem]) -> None:
    import time

    start = time.perf_counter()
    fig = network(datasets["suzhou_associations"])
    render(fig, "png")
    assert time.perf_counter() - start < 20


def test_network_title_names_the_ecosystem_in_the_page_language(datasets: dict[str, Ecosystem]) -> None:
    from ecograph.labels import ecosystem_title

    eco = datasets["shanghai_motor"]
    for lang in ("zh", "en"):
        title = network(eco, lang=lang).axes[0].get_title()
        assert title.startswith(f"{ecosystem_title(eco, lang)}: "), title
        assert ecosystem_title(eco, lang) != eco.name


# --------------------------------------------------------------------------------------- charts
def test_reach_chart_bars_are_new_per_hop() -> None:
    fig = reach_chart({"A": [1, 5, 9], "B": [2, 2, 7]}, total=100)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [1, 4, 4, 2, 0, 5]
    with pytest.raises(AnalysisError, match="cumulative"):
        reach_chart([3, 2])


def test_platform_reach_uses_the_ring_radiation(datasets: dict[str, Ecosystem]) -> None:
    from ecograph.rings import radiation

    eco = datasets["shanghai_motor"]
    fig = platform_reach(eco, "motor_platform")
    line = fig.axes[0].get_lines()[0]
    assert list(line.get_ydata()) == [row["target"] for row in radiation(eco, "motor_platform").hops]


def test_allocation_chart_shows_rules_and_exact_amounts() -> None:
    result = allocate(1_000_000, {"a": 5, "b": 1, "c": 1, "d": 0}, unit=100, floor=200_000)
    fig = allocation_chart(result, names={"a": "甲中心"})
    ax = fig.axes[0]
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"按得分比例", "保底", "零分"} <= legend
    bar_texts = [t.get_text() for t in ax.texts]
    assert f"{result['a'] / 100:,.2f}" in bar_texts
    assert ax.get_yticklabels()[0].get_text() == "甲中心"
    assert "合计 10,000.00" in ax.get_title()


def test_radar_and_dimension_scores(datasets: dict[str, Ecosystem]) -> None:
    eco = datasets["tianjin_centers"]
    scores = dimension_scores(eco)
    assert len(scores) == 80
    # hand check of one dimension: min-max over the centres, averaged over its indicators
    indicators = eco.attrs["indicators_management"]
    values = np.array([[float(eco.node(c)[i]) for i in indicators] for c in scores], dtype=float)
    span = values.max(axis=0) - values.min(axis=0)
    expected = ((values - values.min(axis=0)) / np.where(span > 0, span, 1)).mean(axis=1)
    assert np.allclose([row["management"] for row in scores.values()], expected)
    fig = evaluation_radar(eco, top=3)
    ticks = [t.get_text().replace("\n", "") for t in fig.axes[0].get_xticklabels()]
    assert ticks == list(eco.attrs["dimension_names"])
    assert len(fig.axes[0].get_legend().get_texts()) == 4
    with pytest.raises(AnalysisError, match="at least 3"):
        radar_chart({"x": {"a": 1, "b": 2}})


# ---------------------------------------------------------------------------------- interactive
class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self.sources: list[str] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        for key in ("src", "href"):
            if key in attrs:
                self.sources.append(attrs[key])
        if tag == "script":
            self._current = attrs
            self.scripts.append((attrs, ""))

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._current = None


def test_interactive_page_is_self_contained_and_escaped() -> None:
    eco = combined()
    eco.add_org("evil", "</script><script>alert('x')</script> & 公司")
    page = interactive_html(eco)
    parser = _Scripts()
    parser.feed(page)
    assert parser.sources == []  # nothing loaded from anywhere
    kinds = [attrs.get("type") for attrs, _ in parser.scripts]
    assert kinds == ["application/json", "application/json", None, None]
    data = json.loads(parser.scripts[0][1])
    assert len(data["nodes"]) == len(eco) and data["total"] == len(eco)
    assert {n["label"] for n in data["nodes"]} >= {"</script><script>alert('x')</script> & 公司"}
    assert "vis-network" in parser.scripts[2][1][:400] and "10.1.5" in parser.scripts[2][1][:400]
    assert page.count("</script>") == 4
    assert {s["id"] for s in data["sectors"]} == {eco.node(n)["sector"] for n in eco}
    assert [r["id"] for r in data["rings"]] == ["core", "core_ring", "collaboration", "radiation", "none"]


def test_interactive_graph_json_samples_by_metric() -> None:
    eco = suzhou_associations(n_assoc=5, n_firms=200)
    data = graph_json(eco, size_by="degree", max_nodes=50)
    assert len(data["nodes"]) == 50 and data["total"] == 205
    kept = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in kept and e["to"] in kept for e in data["edges"])
    assert set(eco.associations()) <= kept  # the hubs are kept


def test_vendored_library_and_licences_ship_with_the_package() -> None:
    vendor = Path(ecograph.__file__).parent / "diagrams" / "vendor"
    assert (vendor / "vis-network.min.js").stat().st_size > 500_000
    assert "MIT" in (vendor / "LICENSE-MIT").read_text()
    assert "Apache License" in (vendor / "LICENSE-APACHE-2.0").read_text()


@pytest.mark.skipif(not IN_CI and shutil.which("chromium") is None, reason="needs headless chromium (CI installs it)")
def test_interactive_page_filters_and_searches_in_a_browser(tmp_path: Path) -> None:
    page = interactive_html(combined())
    probe = """<script>
    function status() { return document.getElementById("status").textContent; }
    var s = document.getElementById("search"); s.value = "生产力促进中心"; s.dispatchEvent(new Event("input"));
    var found = status();
    var industry = document.querySelector('#sectors input[value="industry"]');
    industry.click();
    var bySector = status();
    industry.click();
    document.querySelector('#rings input[value="radiation"]').click();
    document.body.setAttribute("data-probe", [found, bySector, status()].join("|"));
    </script></body>"""
    path = tmp_path / "probe.html"
    path.write_text(page.replace("</body>", probe), encoding="utf-8")
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000", "--dump-dom",
         path.as_uri()], capture_output=True, text=True, timeout=120,
    )
    match = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert match, result.stderr[-2000:]
    found, by_sector, by_ring = match.group(1).split("|")
    eco = combined()
    n = len(eco)
    centres = sum(1 for node in eco if "生产力促进中心" in eco.node(node)["name"])
    assert found == f"显示 {n} / {n} · 找到 {centres}"
    industry = sum(1 for node in eco if eco.node(node)["sector"] == "industry")
    assert by_sector == f"显示 {n - industry} / {n}"
    radiation_only = sum(1 for node in graph_json(eco)["nodes"] if node["rings"] == ["radiation"])
    assert radiation_only == 180 and by_ring == f"显示 {n - radiation_only} / {n}"


# ------------------------------------------------------------------------------ report sections
def test_report_sections_pick_the_figures_that_apply(datasets: dict[str, Ecosystem]) -> None:
    from ecograph.report import SECTIONS

    drawing = [builder for builder in SECTIONS if builder.__name__ == "figures"]
    figures = {name: sorted(f for builder in drawing for s in builder(eco) for f in s.figures)
               for name, eco in datasets.items()}
    # the motor and biopharma panels have periods, so their change figures join the report; the
    # motor panel's counts are the same in 2009 and 2011, so that growth chart is left out, and its
    # part_of trees are one level of single units (sub-platforms, institutes), so no sunburst
    assert figures["shanghai_motor"] == ["circle_layers_motor_platform", "growth_2007_2009",
                                         "layers_over_time_motor_platform",
                                         "network", "reach_motor_platform",
                                         "ring_transitions_motor_platform"]
    assert "membership" in figures["suzhou_associations"]
    assert figures["shanghai_biopharma"] == ["chain_bio_platform", "growth_2010_2011", "network"]
    assert figures["tianjin_centers"][:2] == ["evaluation_radar", "hierarchy_tj_stc"]
    assert "hierarchy_cppc" in figures["productivity_centers"]


# ------------------------------------------------------------------------------------------ CLI
@pytest.mark.parametrize(
    ("kind", "dataset", "suffix", "magic"),
    [
        ("circle-layers", "shanghai_motor", ".png", b"\x89PNG"),
        ("chain", "shanghai_biopharma", ".pdf", b"%PDF"),
        ("membership", "suzhou_associations", ".svg", b"<?xml"),
        ("hierarchy", "productivity_centers", ".png", b"\x89PNG"),
        ("network", "tianjin_centers", ".png", b"\x89PNG"),
        ("reach", "shanghai_motor", ".png", b"\x89PNG"),
        ("radar", "tianjin_centers", ".pdf", b"%PDF"),
        ("interactive", "shanghai_biopharma", ".html", b"<!DOCTYPE html>"),
    ],
)
def test_cli_draws_each_kind(kind: str, dataset: str, suffix: str, magic: bytes, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"out{suffix}"
    assert main(["diagram", kind, "--dataset", dataset, "-o", str(out), "--dpi", "40"]) == 0
    assert out.read_bytes().startswith(magic)
    assert "wrote" in capsys.readouterr().err


def test_cli_errors_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", "chain", "--dataset", "shanghai_biopharma", "-o", str(tmp_path / "x.gif")]) == 1
    assert "must end in .png or .svg or .pdf" in capsys.readouterr().err
    assert main(["diagram", "chain", "--dataset", "suzhou_associations", "-o", str(tmp_path / "x.png")]) == 1
    assert "nothing to draw: no chain alliance" in capsys.readouterr().err
    assert main(["diagram", "network", "--dataset", "tianjin_centers", "-o", str(tmp_path / "x.png"),
                 "--font", "No Such Font 123"]) == 1
    assert "not installed" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["diagram", "--help"])
    assert exit_info.value.code == 0
    assert "--platform" in capsys.readouterr().out


def test_cli_font_option_applies(tmp_path: Path) -> None:
    try:
        assert main(["diagram", "chain", "--dataset", "shanghai_biopharma", "-o", str(tmp_path / "c.png"),
                     "--font", "DejaVu Serif", "--dpi", "30"]) == 0
        assert get_font() == "DejaVu Serif"
    finally:
        set_font(None)
