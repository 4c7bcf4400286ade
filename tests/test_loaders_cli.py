"""`ecograph datasets` and `ecograph validate` (and the shared source options)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

import loaders
from ecograph.cli import main
from ecograph.cli._common import add_source_arguments, load_source, parse_param
from ecograph.errors import LoadError

DATA = Path(__file__).parent / "data" / "loaders"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "data"


def test_datasets_lists_every_dataset_with_size(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == list(loaders.datasets.DATASETS)
    suzhou = next(line for line in out if line.startswith("suzhou_associations"))
    assert "11,849" in suzhou and "organisations" in suzhou


def test_datasets_json_show_and_write(capsys, tmp_path):
    assert main(["datasets", "--json", "--no-sizes"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert entries[4]["parameters"]["n_enterprises"] == 0
    assert main(["datasets", "tianjin_centers", "--param", "n_centres=4"]) == 0
    assert "tianjin_centers: 21 organisations" in capsys.readouterr().out
    target = tmp_path / "tj.yaml"
    assert main(["datasets", "tianjin_centers", "--param", "n_centres=4", "--write", str(target)]) == 0
    assert loaders.read(target) == loaders.load_dataset("tianjin_centers", n_centres=4)


def test_validate_ok_and_problems(capsys):
    assert main(["validate", str(EXAMPLES / "ecosystem.yaml")]) == 0
    assert capsys.readouterr().out.startswith("OK: 长三角示例生态: 14 organisations")
    assert main(["validate", str(DATA / "wrong_types.yaml")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6 and out[-1] == "5 problems found"
    assert all("wrong_types.yaml, line" in line for line in out[:5])


def test_validate_json_output(capsys):
    assert main(["validate", "--json", str(DATA / "csv_bad")]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [(Path(p["path"]).name, p["line"], p["field"]) for p in found][:2] == [
        ("organizations.csv", 2, "staff"), ("organizations.csv", 2, "founded")]


def test_validate_dataset_and_usage_errors(capsys):
    assert main(["validate", "--dataset", "shanghai_motor", "--param", "seed=3"]) == 0
    assert main(["validate", "--dataset", "shanghai_motor", "--param", "colour=red"]) == 1
    assert "has no parameter 'colour'" in capsys.readouterr().err
    assert main(["validate"]) == 1
    assert "give a PATH or a built-in dataset" in capsys.readouterr().err


def test_every_command_has_help():
    for command in ("datasets", "validate"):
        result = subprocess.run([sys.executable, "-m", "ecograph", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "usage: ecograph" in result.stdout


def test_shared_source_options(capsys):
    parser = argparse.ArgumentParser()
    add_source_arguments(parser)
    args = parser.parse_args(["--dataset", "productivity_centers", "--param", "n_enterprises=1_000", "--param", "seed=2"])
    eco = load_source(args)
    assert len(eco.nodes("enterprise")) == 1000 and eco.attrs["seed"] == 2
    assert "loaded 'productivity_centers'" in capsys.readouterr().err
    assert parse_param("x=1.5") == ("x", 1.5) and parse_param("x=") == ("x", "") and parse_param("x=none") == ("x", None)
    with pytest.raises(LoadError, match="expected KEY=VALUE"):
        parse_param("seed")
