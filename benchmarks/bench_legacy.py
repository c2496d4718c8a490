"""Legacy office files through LibreOffice: files/s with 1 and 2 workers on
the same files, side by side in one run. The files are the corpus DOCX and
the spreadsheet samples saved by LibreOffice as .doc / .rtf / .odt / .ods,
as several copies.

    .venv/bin/python benchmarks/bench_legacy.py [--copies 3]

A benchmark, not a test: it prints figures and asserts nothing. Each worker
keeps its own LibreOffice profile, so its first file also pays for making
one; the per-file cost after that is LibreOffice's start-up and conversion.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from jixiao.extract.office import soffice

from jixiao.batch import Options, run

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "tests"))
from sheet_to_pdf_lo import save_as  # noqa: E402


def make(dest: Path, copies: int) -> list[Path]:
    sources = [(SAMPLES / "beijing_n1_s101_000.docx", ("doc", "rtf", "odt")), (SAMPLES / "forms_a.xlsx", ("ods",))]
    out = []
    for src, fmts in sources:
        for fmt in fmts:
            made = save_as(src, fmt, dest)
            for k in range(copies):
                copy = dest / f"{src.stem}-{k}.{fmt}"
                # a distinct file for RTF (it tolerates trailing line breaks); the others are
                # byte-identical copies, which a run converts once (the rest count as repeated)
                copy.write_bytes(made.read_bytes() + (b"\n" * (k + 1) if fmt == "rtf" else b""))
                out.append(copy)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=3)
    a = ap.parse_args()
    if soffice() is None:
        print("no soffice: apt install libreoffice-writer-nogui libreoffice-calc-nogui")
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = make(Path(tmp), a.copies)
        for workers in (1, 2):
            out = Path(tmp) / f"out{workers}"
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            s = run([(str(p), p) for p in files], out, Options(workers=workers, force=True, progress=False),
                    log=lambda _: None)
            dt = time.perf_counter() - t0
            print(f"legacy files, {workers} worker(s): {s.files} files ({s.forms} forms, {len(s.failed)} failed) "
                  f"in {dt:.1f}s -> {s.files / dt:.2f} files/s")


if __name__ == "__main__":
    main()
