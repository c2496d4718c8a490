"""Throughput of the flattened-text path: files/s, forms/s and indicators/s
for the bundled seeds converted in one process, repeated N times.

    .venv/bin/python benchmarks/bench_text.py [--repeat 5]

A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from jixiao.pipeline import convert_file

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    files = sorted(SAMPLES.glob("*.txt"))
    convert_file(str(files[0]), files[0])  # warm caches (jieba, vocabularies)
    t0 = time.perf_counter()
    forms = inds = 0
    for _ in range(a.repeat):
        for f in files:
            r = convert_file(str(f), f)
            forms += len(r.forms)
            inds += sum(len(x.indicators) for x in r.forms)
    dt = time.perf_counter() - t0
    n = len(files) * a.repeat
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"text path: {n} files in {dt:.2f}s -> {n / dt:.1f} files/s, {forms / dt:.1f} forms/s, "
          f"{inds / dt:.0f} indicators/s; peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
