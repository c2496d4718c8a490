"""OCR throughput and accuracy: scans made from the sample PDFs (with the
scanner settings of tests/make_scan_samples.py, varied per file), converted
by `jixiao convert` with each OCR engine (rapidocr, tesseract) and 1 and 2
workers; prints pages/s, peak memory, and the share of gold fields read
right (the positional comparison of tests/conftest.py; ../shared/eval/score.py
aligns rows and may be higher).

    .venv/bin/python benchmarks/bench_ocr.py

A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import compare, gold_of, read_tables  # noqa: E402
from make_scan_samples import Scanner, scan  # noqa: E402

SCANS = {  # sample -> how it is scanned
    "beijing_n3_s103_000.pdf": Scanner(angle=-0.8, noise=12, seed=51),
    "guangdong_n3_s103_000.pdf": Scanner(dpi=150, angle=1.0, jpeg=60, seed=52),
    "beijing_n8_s108_000.pdf": Scanner(angle=0.4, noise=8, blur=0.5, seed=53),
}


ENGINES = ("rapidocr", "tesseract")


def convert(src: Path, out: Path, engine: str, workers: int) -> tuple[float, float]:
    """`jixiao convert` in a process of its own: (seconds, peak RSS in MiB of
    the largest of it and its workers)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "convert", str(src), "--out", str(out), "--quiet",
                             "--workers", str(workers), "--ocr-engine", engine], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def main_() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "scans"
        src.mkdir()
        for name, scanner in SCANS.items():
            scan(ROOT / "samples" / name, src / name, scanner)
        print(f"{'engine':<10} {'workers':>7} {'pages':>5} {'seconds':>7} {'pages/s':>7} {'fields right':>12} "
              f"{'peak RSS':>9}")
        for engine in ENGINES:
            for workers in (1, 2):
                out = Path(tmp) / f"out-{engine}-{workers}"
                dt, rss = convert(src, out, engine, workers)
                tables = read_tables(out)
                pages = sum(s["pages"] for s in tables["sources"])
                n = bad = 0
                for name in SCANS:
                    k, b = compare(gold_of("corpus", ROOT / "samples" / name), tables)
                    n, bad = n + k, bad + len(b)
                print(f"{engine:<10} {workers:>7} {pages:>5} {dt:>7.1f} {pages / dt:>7.2f} "
                      f"{1 - bad / n:>12.4f} {rss:>6.0f} MiB")
        print(f"(fields: of {n} gold fields; peak RSS: the largest process of the run)")


if __name__ == "__main__":
    main_()
