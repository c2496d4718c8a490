"""Hostile paths: one odd path never stops a run, and every input gets
exactly one sources row with a one-line reason (issue 21, cases 1, 2, 6, 9)."""
from __future__ import annotations

import os
import re

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


# --- zip bombs inside DOCX and XLSX (issue 21, case 7): refused from what they declare ------------

def _rewrite(src, dst, change):
    """A copy of the ZIP at `src` with `change(name, data) -> data` applied to its parts."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, change(item.filename, zin.read(item.filename)))


def _declare(path, part, size):
    """Patch the central directory so that `part` declares `size` bytes
    uncompressed: a lying header, as a bomb's can be (nothing is inflated)."""
    import struct

    data = bytearray(path.read_bytes())
    name = part.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + n]) == name:
            struct.pack_into("<I", data, at + 24, size)
            break
        at += 4
    path.write_bytes(bytes(data))


def test_office_zip_bombs_are_refused_before_inflating(tmp_path):
    import resource

    bombs = tmp_path / "in"
    bombs.mkdir()
    big = bombs / "declares_3gb.docx"
    _rewrite(SAMPLES / "beijing_n1_s101_000.docx", big, lambda n, d: d)
    _declare(big, "word/document.xml", 3 << 30)
    packed = bombs / "packed.docx"  # 60 MB of blanks in the body: ~1000:1
    _rewrite(SAMPLES / "beijing_n1_s101_000.docx", packed,
             lambda n, d: d.replace(b"<w:body>", b"<w:body>" + b" " * (60 << 20)) if n == "word/document.xml" else d)
    merged = bombs / "whole_sheet_merge.xlsx"  # one more merged range, over the whole sheet
    _rewrite(SAMPLES / "forms_a.xlsx", merged, lambda n, d: re.sub(
        rb"(<mergeCells[^>]*>)", rb'\1<mergeCell ref="A1:XFD1048576"/>', d) if n == "xl/worksheets/sheet1.xml" else d)
    sparse = bombs / "stray_cell.xlsx"  # legitimate: one value far out; read, not walked cell by cell
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLES / "forms_a.xlsx")
    wb.worksheets[0]["XFD1048576"] = "stray"
    wb.save(sparse)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert main(["convert", str(bombs), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300 << 10  # KiB: nothing inflated
    rows = {os.path.basename(p): r for p, r in _rows(tmp_path / "out").items()}
    assert "declares 3072 MB uncompressed" in rows["declares_3gb.docx"]["error"]
    assert "compressed" in rows["packed.docx"]["error"] and "zip bomb" in rows["packed.docx"]["error"]
    assert "merges A1:XFD1048576" in rows["whole_sheet_merge.xlsx"]["error"]
    assert rows["stray_cell.xlsx"]["status"] == "ok" and rows["stray_cell.xlsx"]["forms"] > 0


def test_page_images_past_the_pixel_limit_are_refused_before_decoding(tmp_path):
    """A TIFF frame and a scanned PDF page whose MediaBox is 200 inches wide:
    refused from their declared sizes, in one line, and quickly."""
    import time

    from PIL import Image

    d = tmp_path / "in"
    d.mkdir()
    Image.new("1", (12000, 12000), 1).save(d / "huge.tif", compression="group4")  # 144 million pixels
    Image.new("L", (2000, 2000), 255).save(d / "wide.pdf", resolution=10)  # a 14400 pt page, scanned
    t0 = time.perf_counter()
    assert main(["convert", str(d), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    assert time.perf_counter() - t0 < 20
    rows = {os.path.basename(p): r for p, r in _rows(tmp_path / "out").items()}
    assert "image frame 1 of 12000x12000 pixels is over the 120 million" in rows["huge.tif"]["error"]
    assert "page 1 rendered for OCR of 40000x40000 pixels" in rows["wide.pdf"]["error"]
