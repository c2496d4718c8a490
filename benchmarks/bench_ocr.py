"""OCR throughput and accuracy: scans made from the sample PDFs (with the
scanner settings of tests/make_scan_samples.py, varied per file), converted
by `jixiao convert` with 1 and with 2 workers; prints pages/s, peak memory,
and the share of gold fields read right (the positional comparison of
tests/conftest.py; ../shared/eval/score.py aligns rows and may be higher).

    .venv/bin/python benchmarks/bench_ocr.py

A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import compare, gold_of, read_tables  # noqa: E402
from make_scan_samples import Scanner, scan  # noqa: E402

from jixiao.cli import main  # noqa: E402

SCANS = {  # sample -> how it is scanned
    "beijing_n3_s103_000.pdf": Scanner(angle=-0.8, noise=12, seed=51),
    "guangdong_n3_s103_000.pdf": Scanner(dpi=150, angle=1.0, jpeg=60, seed=52),
    "beijing_n8_s108_000.pdf": Scanner(angle=0.4, noise=8, blur=0.5, seed=53),
}


def main_() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "scans"
        src.mkdir()
        for name, scanner in SCANS.items():
            scan(ROOT / "samples" / name, src / name, scanner)
        for workers in (1, 2):
            out = Path(tmp) / f"out{workers}"
            t0 = time.perf_counter()
            main(["convert", str(src), "--out", str(out), "--quiet", "--workers", str(workers)])
            dt = time.perf_counter() - t0
            tables = read_tables(out)
            pages = sum(s["pages"] for s in tables["sources"])
            n = bad = 0
            for name in SCANS:
                k, b = compare(gold_of("corpus", ROOT / "samples" / name), tables)
                n, bad = n + k, bad + len(b)
            print(f"{workers} worker(s): {len(SCANS)} scans, {pages} pages in {dt:.1f} s -> {pages / dt:.2f} pages/s;"
                  f" fields right {1 - bad / n:.4f} of {n}")
    rss = max(resource.getrusage(r).ru_maxrss for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(f"peak RSS {rss:.0f} MiB (largest process)")


if __name__ == "__main__":
    main_()
