"""Hostile paths: one odd path never stops a run, and every input gets
exactly one sources row with a one-line reason (issue 21, cases 1, 2, 6, 9)."""
from __future__ import annotations

import os

from conftest import SAMPLES, read_tables

from jixiao.cli import main

GOOD = SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt"


def _rows(out):
    return {s["path"]: s for s in read_tables(out)["sources"]}


def test_odd_paths_each_get_a_row_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_bytes(GOOD.read_bytes())
    bad_name = os.fsdecode(bytes(d / "bad") + b"\xffname.txt")
    with open(bad_name, "wb") as fh:
        fh.write(b"x")
    os.mkfifo(d / "pipe.txt")
    locked = d / "locked.txt"
    locked.write_bytes(GOOD.read_bytes() + b"\n")
    newline = d / "a\nfailed: forged.txt"
    newline.write_bytes(b"y")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(locked) else real_access(p, mode))
    args = ["convert", str(d), str(d / "missing.txt"), str(d / "pipe.txt"), "--out", str(tmp_path / "out"),
            "--workers", "1"]
    assert main(args) == 1
    printed = capsys.readouterr().out
    assert "\nfailed: forged" not in printed and "\\nfailed: forged" in printed
    rows = _rows(tmp_path / "out")
    assert rows[str(d / "good.txt")]["status"] == "ok"
    assert rows[str(d / "bad") + "\\xffname.txt"]["status"] == "failed"  # the byte kept, visibly
    assert rows[str(d / "missing.txt")]["error"].startswith("FileNotFoundError: no such file")
    assert "not a regular file" in rows[str(d / "pipe.txt")]["error"]
    assert "permission denied" in rows[str(locked)]["error"]
    ids = [r["source_id"] for r in rows.values()]
    assert len(ids) == len(set(ids)) == 6  # no two unread paths share the id of empty input
    # a re-run adds nothing: the same ids are found done, and nothing is left to convert
    assert main(args) == 0
    assert len(read_tables(tmp_path / "out")["sources"]) == 6


def test_a_run_that_cannot_write_exits_4_in_one_line(tmp_path, monkeypatch, capsys):
    """A full disk (or a read-only folder): exit 4, one line, no traceback."""
    from jixiao.dataset import Dataset

    def full(self, parts):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Dataset, "write_batch", full)
    assert main(["convert", str(GOOD), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("jixiao: the run could not complete:") and "No space left" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_odd_output_folders_work_through_convert_report_and_query(tmp_path, capsys):
    """No path is pasted into SQL or matched as a glob: an --out named with
    quotes, brackets, stars or question marks converts, reports and queries."""
    for name in ("we'ird", "[br]ackets", "st*r", "q?uestion", 'do"uble'):
        out = tmp_path / name
        assert main(["convert", str(GOOD), "--out", str(out), "--quiet", "--workers", "1"]) == 0
        assert (out / "report.html").stat().st_size > 1000
        capsys.readouterr()
        assert main(["query", str(out), "SELECT count(*) AS n FROM indicators", "--format", "csv"]) == 0
        assert capsys.readouterr().out == "n\n9\n", name


# --- bombs: refused from what they declare (issue 21, case 7) ---------------------------------------

def test_bombs_are_refused_before_inflating_or_decoding(tmp_path):
    """Every bomb of the corpus (tests/broken_inputs.py) fails in one line,
    quickly and without its memory; the sparse sheet and good files read."""
    import resource
    import time

    from broken_inputs import EXPECT, bombs

    d = tmp_path / "in"
    d.mkdir()
    bombs(d)
    (d / "good.txt").write_bytes(GOOD.read_bytes())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    assert main(["convert", str(d), "--out", str(tmp_path / "out"), "--workers", "1", "--max-memory", "0",
                 "--timeout", "0"]) == 1  # in this process: its peak memory is the bombs'
    assert time.perf_counter() - t0 < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300 << 10  # KiB: nothing inflated
    rows = {os.path.basename(p): r for p, r in _rows(tmp_path / "out").items()}
    assert rows.pop("good.txt")["status"] == "ok"
    for name, r in rows.items():
        status, reason = EXPECT[name]
        assert r["status"] == status and reason in (r["error"] or ""), r
    assert rows["stray_cell.xlsx"]["forms"] > 0
