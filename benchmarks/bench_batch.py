"""Batch throughput: files/s and pages/s of `jixiao convert` with 1 and 2
workers on a corpus made from the samples (benchmarks/corpus.py), the
speed-up, and peak memory (the run's process and its largest worker) for
200 against 1,000 files, to show memory does not grow with the run.

    .venv/bin/python benchmarks/bench_batch.py [--files 200] [--big 1000]

Each run is a fresh `jixiao convert` process into an empty folder.
A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402

CHILD = """
import json, resource, sys, time
from jixiao.cli import main
t0 = time.perf_counter()
code = main(sys.argv[1:])
dt = time.perf_counter() - t0
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"code": code, "seconds": dt, "rss_main": me, "rss_worker": kids}))
"""


def convert(corpus: Path, out: Path, workers: int) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, "convert", str(corpus), "--out", str(out), "--quiet",
                          "--workers", str(workers)], capture_output=True, text=True, check=True)
    stats = json.loads(res.stdout.strip().splitlines()[-1])
    import duckdb

    from jixiao.dataset import duckdb_views

    con = duckdb.connect()
    duckdb_views(con, out)
    stats["files"], stats["pages"] = con.execute("SELECT count(*), coalesce(sum(pages), 0) FROM sources").fetchone()
    stats["forms"] = con.execute("SELECT count(*) FROM projects").fetchone()[0]
    return stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--big", type=int, default=1000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        make_corpus(tmp / "corpus", a.files)
        print(f"corpus: {a.files} files from samples/ in {time.perf_counter() - t0:.1f}s")
        speed = {}
        for w in (1, 2):
            r = convert(tmp / "corpus", tmp / f"out{w}", w)
            speed[w] = r["files"] / r["seconds"]
            print(f"  {w} worker{'s' if w > 1 else ' '}: {r['files']} files, {r['forms']} forms, {r['pages']} pages "
                  f"in {r['seconds']:.1f}s -> {speed[w]:.1f} files/s, {r['pages'] / r['seconds']:.1f} pages/s; "
                  f"peak RSS main {r['rss_main']:.0f} MiB, worker {r['rss_worker']:.0f} MiB")
        print(f"  speed-up with 2 workers: {speed[2] / speed[1]:.2f}x")
        make_corpus(tmp / "big", a.big)
        r = convert(tmp / "big", tmp / "outbig", 2)
        print(f"  {a.big} files, 2 workers: {r['seconds']:.1f}s, {r['files'] / r['seconds']:.1f} files/s; "
              f"peak RSS main {r['rss_main']:.0f} MiB, worker {r['rss_worker']:.0f} MiB")


if __name__ == "__main__":
    main()
