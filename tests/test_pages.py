"""HTML pages a planner opens: Chinese without a Chinese system font, and a map that works.

The browser tests run headless Chromium under a font configuration holding only DejaVu (no CJK
font at all), as on a fresh machine, and check that the pages draw Chinese with their embedded
font (no tofu), and that search, filters, click and PNG export of the map work.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from PIL import Image

from ecograph import Ecosystem
from ecograph.diagrams.interactive import graph_json, interactive_html
from ecograph.diagrams.webfont import embedded_characters, font_face_css
from loaders.datasets import list_datasets, load_dataset

IN_CI = os.environ.get("CI") == "true"
needs_chromium = pytest.mark.skipif(not IN_CI and shutil.which("chromium") is None,
                                    reason="needs headless chromium (CI installs it)")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_FONT_FACE = re.compile(r"@font-face \{[^}]*\}")
#: every built-in dataset: a planner opens each one's map
DATASETS = [d["name"] for d in list_datasets()]


def shown_text(page: str) -> str:
    """The page without its inlined library and embedded font: what it can show."""
    page = re.sub(r"<script>(?!\s*\(function)[\s\S]*?</script>", "", page)  # the vendored library
    return _FONT_FACE.sub("", page)


@pytest.fixture(scope="module")
def maps() -> dict[str, str]:
    return {name: interactive_html(load_dataset(name)) for name in DATASETS}


def test_every_chinese_character_of_each_map_is_in_its_embedded_font(maps: dict[str, str]) -> None:
    for name, page in maps.items():
        used = set(_CJK.findall(shown_text(page)))
        assert len(used) > 20, name
        missing = used - embedded_characters(page)
        assert not missing, (name, sorted(missing))


def test_the_embedded_font_is_a_small_subset() -> None:
    css = font_face_css("苏州市设计产业协会")
    assert len(css) < 60_000
    assert embedded_characters(css) == set("苏州市设计产业协会")


# ------------------------------------------------------------------------------ in a browser
@pytest.fixture(scope="module")
def latin_only_fonts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for Chromium whose font configuration knows DejaVu only (no CJK font)."""
    folder = tmp_path_factory.mktemp("fonts")
    dejavu = Path(font_manager.findfont("DejaVu Sans")).parent  # matplotlib ships it
    (folder / "fonts.conf").write_text(
        f"<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig><dir>{dejavu}</dir>"
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf"), "HOME": str(folder)}


def chromium(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--virtual-time-budget=5000", *args], capture_output=True, text=True, timeout=180, env=env)


def screenshot(page: str, path: Path, env: dict[str, str], size: str = "1000,700") -> np.ndarray:
    path.write_text(page, encoding="utf-8")
    shot = path.with_suffix(".png")
    chromium([f"--screenshot={shot}", f"--window-size={size}", path.as_uri()], env)
    assert shot.exists(), f"chromium wrote no screenshot of {path}"
    return np.asarray(Image.open(shot).convert("L"), dtype=np.int16)


@needs_chromium
def test_chinese_draws_with_the_embedded_font_and_falls_back_to_tofu_without_it(
        tmp_path: Path, latin_only_fonts: dict[str, str]) -> None:
    """Six characters, one per 60-pixel cell: with the embedded font they are six different
    glyphs; with the @font-face removed the same browser draws six identical boxes (tofu), which
    proves that the configuration has no CJK font and that the embedded font draws the Chinese."""
    text = "示例生态网络"
    cells = "".join(f'<span style="display:inline-block;width:60px">{c}</span>' for c in text)
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{font_face_css(text)} body {{ margin: 0; "
            f"font: 40px 'ecograph CJK', 'DejaVu Sans'; }}</style></head><body><div>{cells}</div></body></html>")
    with_font = screenshot(page, tmp_path / "with.html", latin_only_fonts, size="400,100")
    without = screenshot(_FONT_FACE.sub("", page), tmp_path / "without.html", latin_only_fonts, size="400,100")

    def tiles(image: np.ndarray) -> list[bytes]:
        return [(image[:70, 60 * i:60 * i + 60] < 128).tobytes() for i in range(len(text))]

    drawn, tofu = tiles(with_font), tiles(without)
    assert len(set(tofu)) == 1 and any(b"\x01" in t for t in tofu)  # one box, six times: tofu
    assert len(set(drawn)) == len(text)  # six different glyphs
    assert not set(drawn) & set(tofu)


@needs_chromium
@pytest.mark.parametrize("name", DATASETS)
def test_each_map_shows_chinese_without_a_chinese_system_font(
        name: str, maps: dict[str, str], tmp_path: Path, latin_only_fonts: dict[str, str]) -> None:
    page = maps[name]
    with_font = screenshot(page, tmp_path / "map.html", latin_only_fonts)
    without = screenshot(_FONT_FACE.sub("", page), tmp_path / "bare.html", latin_only_fonts)
    header = slice(0, 40)  # the heading: the dataset's Chinese title
    assert np.abs(with_font[header] - without[header]).sum() > 10_000
    assert np.abs(with_font[60:] - without[60:]).sum() > 10_000  # the labels on the map too


def run_probe(page: str, probe: str, tmp_path: Path, env: dict[str, str]) -> dict:
    path = tmp_path / "probe.html"
    path.write_text(page.replace("</body>", f"<script>setTimeout(function () {{ var out = {{}};\ntry {{ {probe} }}\n"
                                 "catch (e) { out.error = String(e) + ' ' + e.stack; }\n"
                                 "document.body.setAttribute('data-probe', JSON.stringify(out)); }, 300);"
                                 "</script></body>"), encoding="utf-8")
    result = chromium(["--window-size=1200,900", "--dump-dom", path.as_uri()], env)
    match = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert match, result.stderr[-2000:]
    import html

    out = json.loads(html.unescape(match.group(1)))
    assert "error" not in out, out["error"]
    return out


@needs_chromium
def test_map_search_filter_click_export_in_a_browser(tmp_path: Path, latin_only_fonts: dict[str, str]) -> None:
    eco = load_dataset("shanghai_motor")
    data = graph_json(eco)
    page = interactive_html(eco)
    probe = """
    var api = window.ecographMap;
    function status() { return document.getElementById("status").textContent; }
    out.start = status(); out.labelsAtStart = api.labelled();
    out.filters = Array.from(document.querySelectorAll("fieldset input")).map(function (i) { return i.value; });
    var s = document.getElementById("search"); s.value = "大学"; s.dispatchEvent(new Event("input"));
    api.network.redraw(); out.found = status(); out.labelsFound = api.labelled();
    s.value = ""; s.dispatchEvent(new Event("input"));
    document.getElementById("isolated").click(); out.withIsolated = status();
    document.getElementById("isolated").click();
    document.querySelector('#sectors input[value="industry"]').click(); out.noIndustry = status();
    document.querySelector('#sectors input[value="industry"]').click();
    document.querySelector('#rings input[value="radiation"]').click(); out.noRadiation = status();
    document.querySelector('#rings input[value="radiation"]').click();
    api.network.body.emitter.emit("click", { nodes: ["motor_centre"], edges: [] });
    out.info = document.getElementById("info").innerText;
    out.infoShown = document.getElementById("info").style.display;
    document.getElementById("export").click();
    out.png = api.lastExport;
    out.canvas = [document.querySelector("#map canvas").width, document.querySelector("#map canvas").height];
    out.legend = document.getElementById("legend").innerText;
    """
    out = run_probe(page, probe, tmp_path, latin_only_fonts)
    nodes = data["nodes"]
    n, connected = len(nodes), [x for x in nodes if not x["isolated"]]
    assert out["start"] == f"显示 {len(connected)} / {n}"  # unconnected ones hidden at first
    assert out["withIsolated"] == f"显示 {n} / {n}"
    pinned = {x["id"] for x in nodes if x["pinned"]}
    assert out["labelsAtStart"] and set(out["labelsAtStart"]) <= pinned
    hits = {x["id"] for x in nodes if "大学" in x["label"]}
    assert hits and out["found"].endswith(f"找到 {len(hits)}")
    assert hits <= set(out["labelsFound"])  # every search hit is labelled, even unconnected ones
    industry = sum(1 for x in connected if x["sector"] == "industry")
    assert out["noIndustry"] == f"显示 {len(connected) - industry} / {n}"
    radiation_only = sum(1 for x in connected if x["rings"] == ["radiation"])
    assert radiation_only > 100 and out["noRadiation"] == f"显示 {len(connected) - radiation_only} / {n}"
    assert set(out["filters"]) == {"government", "industry", "academia", "research", "intermediary",
                                   "core", "core_ring", "collaboration", "radiation", "none"}
    centre = next(x for x in nodes if x["id"] == "motor_centre")
    info = out["info"]
    assert out["infoShown"] == "block" and centre["label"] in info
    assert "科研院所" in info and "核心" in info and "相邻组织" in info and "关系数" in info
    neighbours = {e["to"] if e["from"] == "motor_centre" else e["from"] for e in data["edges"]
                  if "motor_centre" in (e["from"], e["to"])}
    assert f"相邻组织 {len(neighbours)}" in info
    assert out["png"].startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(out["png"].split(",", 1)[1])))
    assert list(image.size) == out["canvas"] and image.size[0] > 500
    assert np.asarray(image.convert("L")).std() > 5  # not a blank picture
    assert "颜色：部门" in out["legend"] and "大小：关系数" in out["legend"]


def test_filters_only_for_groups_that_exist() -> None:
    data = graph_json(load_dataset("suzhou_associations"), max_nodes=300)
    assert data["rings"] == []  # no platform: no ring filter (no lone 不在圈层)
    motor = graph_json(load_dataset("shanghai_motor"))
    assert [r["id"] for r in motor["rings"]] == ["core", "core_ring", "collaboration", "radiation", "none"]
    one_sector = Ecosystem()
    one_sector.add_org("a", "甲")
    one_sector.add_org("b", "乙")
    assert graph_json(one_sector)["sectors"] == []


def test_map_layout_groups_rings_stages_and_associations() -> None:
    motor = load_dataset("shanghai_motor")
    data = graph_json(motor)
    xy = {n["id"]: np.array([n["x"], n["y"]]) for n in data["nodes"]}
    platform = motor.platforms()[0]
    rings = [d for d in data["decor"] if d["type"] == "ring"]
    assert len(rings) == 4
    centre = np.array([rings[0]["x"], rings[0]["y"]])
    assert np.allclose(xy[platform], centre)
    order = ("core", "core_ring", "collaboration", "radiation")
    radius = {ring: r["r"] for ring, r in zip(order, rings)}
    innermost: dict[str, str] = {}
    for ring in order:
        for member in motor.rings(platform)[ring]:
            innermost.setdefault(member, ring)
    drawn = [m for m in innermost if m in xy]
    assert len(drawn) > 150
    for member in drawn:  # every member on the circle of its innermost ring (positions rounded to 0.1)
        assert abs(np.linalg.norm(xy[member] - centre) - radius[innermost[member]]) < 0.15, member
    bio = load_dataset("shanghai_biopharma")
    data = graph_json(bio)
    xy = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    chain = bio.chain(bio.alliances()[0])
    titles = [d for d in data["decor"] if d["type"] == "title"]
    assert len(titles) == len(chain.stages)
    for member, stages in chain.members.items():  # in the column of its first stage
        assert xy[member][0] == titles[chain.stages.index(stages[0])]["x"]


@pytest.mark.parametrize("dataset", ["shanghai_motor", "shanghai_biopharma", "pudong_policy"])
def test_map_groups_have_distinct_titles_and_the_rest_comes_last(dataset: str) -> None:
    eco = load_dataset(dataset)
    data = graph_json(eco)
    groups = [d for d in data["decor"] if d["type"] == "group"]
    titles = [re.sub(r"（[\d,]+）$", "", g["label"]) for g in groups]  # not told apart by their counts alone
    assert len(set(titles)) == len(titles), titles  # a platform's rings and the units under it
    ys = {n["id"]: n["y"] for n in data["nodes"]}
    unconnected = [n["id"] for n in data["nodes"] if n["isolated"]]
    named = [n for n in eco.platforms() + eco.alliances() if n in ys]
    assert named
    connected = [n["id"] for n in data["nodes"] if not n["isolated"]]
    if unconnected:  # below everything a planner sees first, and its title drawn only when they are shown
        assert min(ys[n] for n in unconnected) > max(ys[n] for n in connected)
        assert [g.get("isolated") for g in groups if "无关系" in g["label"]] == [True]
    # the named groups (platforms, alliances) come before the other organisations, in a compact disc
    other = next((g for g in groups if g["label"].startswith("其他")), None)
    if other is not None:
        assert all(ys[n] < other["y"] for n in named)
        rest = [n for n in data["nodes"] if not n["isolated"] and n["y"] > other["y"]]
        spread = max(n["x"] for n in rest) - min(n["x"] for n in rest)
        assert spread <= 20 * np.sqrt(len(rest)) + 100, (len(rest), spread)


# ------------------------------------------------------------------------------ report.html
@pytest.fixture(scope="module")
def motor_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import ecograph.report

    out = tmp_path_factory.mktemp("report")
    ecograph.report.write(load_dataset("shanghai_motor"), out, dpi=40)
    return out


def test_report_page_embeds_every_chinese_character_it_shows(motor_report: Path) -> None:
    page = (motor_report / "report.html").read_text(encoding="utf-8")
    text = re.sub(r'src="data:image/png;base64,[^"]*"', "", _FONT_FACE.sub("", page))
    used = set(_CJK.findall(text))
    assert len(used) > 20 and not used - embedded_characters(page)


@needs_chromium
def test_report_page_shows_chinese_without_a_chinese_system_font(
        motor_report: Path, tmp_path: Path, latin_only_fonts: dict[str, str]) -> None:
    page = (motor_report / "report.html").read_text(encoding="utf-8")
    with_font = screenshot(page, tmp_path / "report.html", latin_only_fonts, size="900,400")
    without = screenshot(_FONT_FACE.sub("", page), tmp_path / "bare.html", latin_only_fonts, size="900,400")
    assert np.abs(with_font - without).sum() > 10_000  # the Chinese of the navigation and headings


def test_report_tables_also_in_one_workbook(motor_report: Path) -> None:
    import csv

    import openpyxl

    book = openpyxl.load_workbook(motor_report / "tables.xlsx", read_only=True)
    csv_files = {path.stem[:31]: path for path in (motor_report / "tables").glob("*.csv")}  # Excel: 31 characters
    assert sorted(csv_files) == sorted(book.sheetnames) and len(csv_files) > 3
    for name in book.sheetnames:  # every CSV is a sheet with the same cells
        with csv_files[name].open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        cells = [["" if v is None else str(v) for v in row] for row in book[name].iter_rows(values_only=True)]
        assert cells == rows, name


def test_report_leaves_out_diagrams_with_nothing_to_show(motor_report: Path) -> None:
    figures = {p.stem for p in (motor_report / "figures").glob("*.png")}
    assert "membership" not in figures  # one association only: no overlap to draw
    assert {"circle_layers_motor_platform", "reach_motor_platform", "network"} <= figures
