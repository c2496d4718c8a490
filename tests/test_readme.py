"""The README's examples, run as written: every `jixiao …` line of its ```sh
blocks, with its placeholders filled in (a folder of real forms for
FILE_OR_FOLDER, a fresh output for DIR, one query for "SQL"), must exit 0
(or 1 where some of the files in the folder fail, as `convert` says)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import SAMPLES

from jixiao.cli import main

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """Every line starting `jixiao ` in the README's sh blocks, its comment cut."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [ln for block in re.findall(r"```sh\n(.*?)```", text, re.S) for ln in block.splitlines()]
    return [re.sub(r"\s+#\s.*$", "", ln).strip() for ln in lines if ln.startswith("jixiao ")]


def filled(command: str, tmp: Path) -> list[str] | None:
    """The command's arguments with the README's placeholders filled in; None
    for the lines that need what a test machine lacks (a Ray cluster, a
    PostgreSQL URL with a user)."""
    if "--engine ray" in command or "postgresql://USER" in command:
        return None
    command = re.sub(r"\s*\[[^\]]*\]", "", command)  # optional parts left out
    folder, one = SAMPLES / "real", SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt"
    out = tmp / "out"
    subs = [("FILE_OR_FOLDER...", str(folder)), ("FILE_OR_FOLDER", str(folder)), ("FOLDER", str(folder)),
            ("FILE", str(one)), ("/archive", str(folder)), ("sqlite:///w.db", f"sqlite:///{tmp / 'w.db'}")]
    args = shlex.split(command)[1:]
    done = []
    for a in args:
        for k, v in subs:
            if a == k or a.startswith(k + ":"):
                a = a.replace(k, v, 1)
                break
        a = {"DIR": str(out), "out": str(out), "SQL": "SELECT count(*) FROM projects"}.get(a, a)
        done.append(a)
    if "--workers" in done:  # the archive example's 8 workers on a 2-core machine: 2
        done[done.index("--workers") + 1] = "2"
    return done


def test_the_readme_has_examples():
    cmds = readme_commands()
    assert len(cmds) >= 15 and {c.split()[1] for c in cmds} >= {"convert", "inspect", "query", "load", "schema"}


def test_every_readme_example_runs(tmp_path, capsys):
    ran = 0
    for command in readme_commands():
        args = filled(command, tmp_path)
        if args is None:
            continue
        if args[0] in ("query", "load") and not (tmp_path / "out" / "sources").exists():
            assert main(["convert", str(SAMPLES / "real"), "--out", str(tmp_path / "out"), "--quiet"]) in (0, 1)
        code = main(args)
        assert code in ((0, 1) if args[0] == "convert" else (0,)), f"{command} -> {args}: exit {code}\n" + \
            capsys.readouterr().err[-2000:]
        ran += 1
    assert ran >= 15


@pytest.mark.parametrize("placeholder", ["FILE_OR_FOLDER", "DIR", "SQL"])
def test_placeholders_are_filled(placeholder, tmp_path):
    """The filling itself: no README placeholder reaches the CLI."""
    for command in readme_commands():
        args = filled(command, tmp_path)
        assert args is None or placeholder not in args
