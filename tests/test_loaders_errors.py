"""Malformed files: clear errors naming file, line and field; nothing partially loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

import loaders
from ecograph.errors import EcographError, LoadError

DATA = Path(__file__).parent / "data" / "loaders"


def problems_of(path: Path, **opts) -> list[LoadError]:
    with pytest.raises(LoadError) as info:
        loaders.read(path, **opts)
    found = info.value.problems
    assert all(isinstance(p, LoadError) for p in found)
    assert str(path.name) in str(info.value)  # the summary names the file
    return found


def test_truncated_yaml_names_the_line():
    (problem,) = problems_of(DATA / "truncated.yaml")
    assert problem.line == 7 and "invalid YAML" in problem.message
    assert "truncated.yaml, line 7" in problem.message


def test_invalid_json_names_line_and_column():
    (problem,) = problems_of(DATA / "bad.json")
    assert problem.line == 3 and "column 32" in problem.message


def test_wrong_types_are_all_listed_with_lines_and_fields():
    found = problems_of(DATA / "wrong_types.yaml")
    summary = [(p.line, p.field) for p in found]
    assert summary == [(4, "kind"), (5, "founded"), (10, "ring"), (13, "revenue"), (14, "count")]
    assert "spaceship" in found[0].message and "expected one of" in found[0].message
    assert "money and must be exact" in found[3].message
    assert all(p.path.endswith("wrong_types.yaml") for p in found)


def test_duplicate_ids():
    (problem,) = problems_of(DATA / "duplicate_ids.yaml")
    assert (problem.line, problem.field, problem.id) == (4, "id", "a")


def test_dangling_ids():
    found = problems_of(DATA / "dangling.yaml")
    assert [(p.line, p.id) for p in found] == [(7, "ghost"), (9, "nobody")]
    assert "not an organisation" in found[0].message


def test_csv_problems_name_file_line_and_column():
    found = problems_of(DATA / "csv_bad")
    assert [(Path(p.path).name, p.line, p.field) for p in found] == [
        ("organizations.csv", 2, "staff"),
        ("organizations.csv", 2, "founded"),
        ("organizations.csv", 3, "kind"),
        ("organizations.csv", 4, "id"),
        ("relations.csv", 3, "target"),
    ]
    assert "expected an integer" in found[0].message and "'many'" in found[0].message
    # the relation to 'b' (refused for its kind) is not reported a second time
    assert not any(p.id == "b" and p.field == "target" for p in found)


def test_bad_encoding_names_the_line():
    (problem,) = problems_of(DATA / "csv_bad_encoding")
    assert problem.line == 3 and problem.field == "encoding" and "0xff" in problem.message


def test_wrong_explicit_encoding(tmp_path):
    (tmp_path / "organizations.csv").write_bytes("id,name\n甲,乙\n".encode("gbk"))
    with pytest.raises(LoadError, match="not valid utf-8"):
        loaders.read(tmp_path, encoding="utf-8")
    assert loaders.read(tmp_path, encoding="gbk").node("甲")["name"] == "乙"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- just a list\n", "expected a mapping of sections"),
        ("organisations: {a: 1}\n", "must be a list"),
        ("organisations:\n  - name: no id\n", "expected an id"),
        ("organisations: [{id: a}]\nplanets: []\n", "unknown section 'planets'"),
        ("ecograph: 2\n", "format version 2"),
        ("organisations: [{id: a, revenue: {$decimal: abc}}]\n", "'abc' is not a valid value: expected a decimal"),
        ("organisations: [{id: a, x: !decimal abc}]\n", "not a decimal number"),
        ("alliances: [{id: al, stages: [a, b], members: [{id: m, stages: [c]}]}]\norganisations: [{id: m}]\n",
         "stage 'c' is not a stage of alliance 'al'"),
        ("alliances: [{id: al, anchor: m, members: [{id: m, role: member}]}]\norganisations: [{id: m}, {id: n}]\n", None),
        ("hierarchy: [{child: a, parent: b}, {child: b, parent: a}]\norganisations: [{id: a}, {id: b}]\n", "cycle"),
        ("collaborations: [{between: [a]}]\norganisations: [{id: a}]\n", "expected two ids"),
        ("relations: [{source: a, target: a}]\norganisations: [{id: a}]\n", "missing the relation type"),
        ("vocabulary: {base: maybe}\n", "'default' or 'none'"),
        ("organisations: [{id: a, name: 42}]\n", "'name' must be a string"),
    ],
)
def test_yaml_schema_problems(tmp_path, text, expected):
    path = tmp_path / "eco.yaml"
    path.write_text(text, encoding="utf-8")
    if expected is None:  # an explicit role wins over the alliance's anchor: valid, no anchor
        assert loaders.read(path).chain("al").anchor is None
        return
    with pytest.raises(LoadError, match=expected) as info:
        loaders.read(path)
    assert info.value.path == str(path) and info.value.line is not None


def test_nothing_partial_is_returned_and_errors_share_one_base(tmp_path):
    path = tmp_path / "eco.yaml"
    path.write_text("organisations: [{id: a}, {id: b, kind: spaceship}]\n", encoding="utf-8")
    with pytest.raises(EcographError):
        eco = loaders.read(path)
        raise AssertionError(f"returned {eco!r}")  # pragma: no cover


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        loaders.read(tmp_path / "absent.yaml")
    with pytest.raises(LoadError, match="no organizations.csv"):
        loaders.read(tmp_path)


def test_graphml_errors(tmp_path):
    path = tmp_path / "broken.graphml"
    path.write_text("<graphml><graph><node id='a'>", encoding="utf-8")
    with pytest.raises(LoadError, match="not a readable GRAPHML file"):
        loaders.read(path)
    gexf = tmp_path / "x.gexf"
    eco = loaders.load_dataset("tianjin_centers", n_centres=2)
    loaders.write(eco, gexf)
    gexf.write_text(gexf.read_text(encoding="utf-8").replace('value="productivity_center"', 'value="spaceship"'),
                    encoding="utf-8")
    found = problems_of(gexf)  # one mistake (the same unknown kind on both centres), reported once
    assert [p.field for p in found] == ["kind"] and "also on node 'tj_ppc_02'" in found[0].message


def test_summary_lists_every_problem(tmp_path):
    rows = "".join(f"  - {{id: n{i}, kind: k{i}}}\n" for i in range(30))
    path = tmp_path / "many.yaml"
    path.write_text("organisations:\n" + rows, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        loaders.read(path)
    assert len(info.value.problems) == 30
    assert str(info.value).startswith("30 problems in") and "and 10 more" in str(info.value)


def test_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "eco.yaml"
    path.write_text("organisations: [{id: a}]\nname: x\norganisations: [{id: b}]\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"line 3: invalid YAML: .*duplicate key 'organisations' \(first on line 1\)"):
        loaders.read(path)
    merged = tmp_path / "merge.yaml"
    merged.write_text("base: &b {kind: university}\n", encoding="utf-8")  # anchors alone are fine
    with pytest.raises(LoadError, match="unknown section 'base'"):
        loaders.read(merged)
    as_json = tmp_path / "eco.json"
    as_json.write_text('{"organisations": [{"id": "a", "id": "b"}]}', encoding="utf-8")
    with pytest.raises(LoadError, match="duplicate key 'id'"):
        loaders.read(as_json)
