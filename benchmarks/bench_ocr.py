"""OCR throughput and accuracy: scans made from the sample PDFs (with the
scanner settings of tests/make_scan_samples.py, varied per file), converted
by `jixiao convert` with each OCR engine (rapidocr, tesseract), with 1
worker three times (interleaved) and 2 workers once; prints pages/s (min and
median), pages per CPU-second (the process and its workers: a core's
throughput, whatever threads a library starts), their ratio, peak memory,
and the share of gold fields read
right (the positional comparison of tests/conftest.py; ../shared/eval/score.py
aligns rows and may be higher).

    .venv/bin/python benchmarks/bench_ocr.py [--rounds 3]

A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import os
import statistics
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


def convert(src: Path, out: Path, engine: str, workers: int) -> tuple[float, float, float]:
    """`jixiao convert` in a process of its own: (seconds, peak RSS in MiB of
    the largest of it and its workers, CPU seconds of it and its workers,
    tesseract's processes included)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "convert", str(src), "--out", str(out), "--quiet",
                             "--workers", str(workers), "--ocr-engine", engine], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def fields_right(out: Path) -> tuple[float, int]:
    tables = read_tables(out)
    n = bad = 0
    for name in SCANS:
        k, b = compare(gold_of("corpus", ROOT / "samples" / name), tables)
        n, bad = n + k, bad + len(b)
    return 1 - bad / n, n


def main_(rounds: int = 3) -> None:
    """Each engine with one worker `rounds` times, the engines interleaved
    (this machine is shared: the ratio of the medians is the figure), then
    once with two workers."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "scans"
        src.mkdir()
        for name, scanner in SCANS.items():
            scan(ROOT / "samples" / name, src / name, scanner)
        pages = 30
        runs: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
        plan = [(e, 1) for _ in range(rounds) for e in ENGINES] + [(e, 2) for e in ENGINES]
        for k, (engine, workers) in enumerate(plan):
            out = Path(tmp) / f"out-{k}"
            runs.setdefault((engine, workers), []).append(convert(src, out, engine, workers))
            pages = sum(s["pages"] for s in read_tables(out)["sources"])
            if k < len(ENGINES):
                right, n = fields_right(out)
                print(f"{engine}: fields right {right:.4f} of {n}")
        print(f"{'engine':<10} {'workers':>7} {'runs':>4} {'pages/s min / median':>21} "
              f"{'pages per CPU-s min / median':>29} {'peak RSS':>9}")
        median: dict[tuple[str, int], float] = {}
        for (engine, workers), got in runs.items():
            speeds = sorted(pages / dt for dt, _, _ in got)
            per_cpu = sorted(pages / cpu for _, _, cpu in got)
            median[engine, workers] = statistics.median(speeds)
            print(f"{engine:<10} {workers:>7} {len(got):>4} {speeds[0]:>10.2f} / {median[engine, workers]:<8.2f} "
                  f"{per_cpu[0]:>18.2f} / {statistics.median(per_cpu):<8.2f} {max(rss for _, rss, _ in got):>6.0f} MiB")
        a, b = ENGINES
        print(f"{pages} pages; per core, {a} / {b}: {median[a, 1] / median[b, 1]:.2f}x; "
              f"2 workers / 1: {a} {median[a, 2] / median[a, 1]:.2f}x, {b} {median[b, 2] / median[b, 1]:.2f}x")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs with 1 worker per engine (make bench: 1)")
    main_(parser.parse_args().rounds)
