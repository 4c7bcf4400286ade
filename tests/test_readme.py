"""The README's commands work as written: each one parses, its input files exist, the quick ones
run for real, and what they write is ignored by git."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import sys
import shutil
import subprocess
from pathlib import Path

import pytest

from ecograph.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: commands that need a service running or run until stopped: parsed and checked, not run
NOT_RUN = ("serve", "neo4j")


def readme_commands() -> list[list[str]]:
    """Every command line of the README's ``bash`` blocks, comments removed."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            argv = shlex.split(line, comments=True)
            if argv:
                commands.append(argv)
    return commands


def docs_commands() -> list[tuple[str, list[str]]]:
    """(file, command) for every command of the ``bash``/``sh`` blocks of docs/*.md, comments removed,
    ``\\`` continuations and quoted arguments over several lines joined."""
    commands = []
    for path in sorted((ROOT / "docs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.S):
            pending = ""
            for line in block.replace("\\\n", " ").splitlines():
                pending += line + "\n"
                try:
                    argv = shlex.split(pending, comments=True)
                except ValueError:  # a quoted argument goes on (curl -d '{ ... }')
                    continue
                pending = ""
                if argv:
                    commands.append((path.name, argv))
            assert not pending, (path.name, pending)
    return commands


def without_env(argv: list[str]) -> list[str]:
    """The command without leading ``NAME=value`` environment assignments."""
    return list(itertools.dropwhile(lambda word: re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", word), argv))


def outputs(argv: list[str]) -> list[str]:
    """What a command writes: the values of its -o / --out options."""
    return [argv[i + 1] for i, word in enumerate(argv[:-1]) if word in ("-o", "--out")]


def commands_of(program: str) -> list[list[str]]:
    return [argv for argv in readme_commands() if argv[0] == program]


def test_the_readme_has_its_two_first_commands_and_runnable_cli_lines() -> None:
    commands = readme_commands()
    assert commands[0][:2] == ["bash", "scripts/setup.sh"] and commands[1] == ["bash", "scripts/test.sh"]
    cli = commands_of(".venv/bin/ecograph")
    assert len(cli) >= 8
    for argv in commands[2:]:  # no bare `ecograph`: it is not on PATH after the first command
        assert argv[0] in (".venv/bin/ecograph", ".venv/bin/python", "bash"), argv
    for argv in re.findall(r"`((?:python|ecograph) [^`]*)`", README):
        pytest.fail(f"README names a command that is not on PATH after setup: {argv!r}")


@pytest.mark.parametrize("argv", commands_of(".venv/bin/ecograph"), ids=lambda a: " ".join(a[1:3]))
def test_each_cli_command_parses_and_its_inputs_exist(argv: list[str]) -> None:
    args = build_parser().parse_args(argv[1:])
    assert callable(args.func)
    for word in argv[1:]:
        if word.startswith("examples/"):
            assert (ROOT / word).exists(), word


@pytest.mark.parametrize("argv", [a for a in commands_of(".venv/bin/ecograph") if a[1] not in NOT_RUN],
                         ids=lambda a: " ".join(a[1:3]))
def test_each_cli_command_runs_as_written(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # the same relative paths, outputs kept apart
    monkeypatch.chdir(tmp_path)
    assert main(argv[1:]) == 0, argv
    for name in outputs(argv):
        assert (tmp_path / name).exists(), name


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_what_the_readme_commands_write_is_ignored_by_git() -> None:
    written = {"report/"}  # the first command's --out
    for argv in commands_of(".venv/bin/ecograph"):
        written.update(f"{name}/" if "--out" in argv else name for name in outputs(argv))
    result = subprocess.run(["git", "check-ignore", "--no-index", *sorted(written)], cwd=ROOT, capture_output=True,
                            text=True)
    assert sorted(result.stdout.split()) == sorted(written)


def test_docs_commands_run_after_the_readmes_first_command() -> None:
    commands = docs_commands()
    assert len(commands) > 20
    for name, argv in commands:  # what the first command installs lives in .venv/bin, which is not on PATH
        assert without_env(argv)[0] not in ("ecograph", "python", "python3", "pip", "pytest"), (name, argv)


@pytest.mark.parametrize("argv", [a for _, a in docs_commands() if without_env(a)[0] == ".venv/bin/ecograph"],
                         ids=lambda a: " ".join(without_env(a)[1:3]))
def test_each_docs_cli_command_parses_and_its_example_inputs_exist(argv: list[str]) -> None:
    args = build_parser().parse_args(without_env(argv)[1:])
    assert callable(args.func)
    for word in argv:
        if word.startswith("examples/"):
            assert (ROOT / word).exists(), word


def test_the_first_readme_command_prints_progress_only(tmp_path: Path) -> None:
    """``ecograph report --dataset shanghai_motor`` (the README's first command after setup): every
    stderr line is the command's own progress, no library warning (e.g. matplotlib's findfont)."""
    argv = next(a for a in commands_of("bash") if a[:2] == ["bash", "scripts/setup.sh"])
    report = argv[argv.index(".venv/bin/ecograph") + 1:]
    assert report[:3] == ["report", "--dataset", "shanghai_motor"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "ecograph", *report[:-1], str(tmp_path / "report")], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    noise = [line for line in lines if not re.match(r"(loading dataset |loaded |report: )", line)]
    assert lines and not noise, noise
