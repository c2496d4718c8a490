"""Throughput of the text and web readers, side by side in one process:
forms per CPU-second for the tab-separated seeds, for real flattened text
(samples/real, rows rebuilt by content), for corpus forms flattened into
pipe rows / paragraphs / one line, and for the same forms as web pages;
then a big one-line text (every form repeated) for time and peak RSS.

    .venv/bin/python benchmarks/bench_text.py [--repeat 5] [--big 400]

A benchmark, not a test: it prints figures and asserts nothing. The machine
is shared: compare the lines of one run with each other, not across runs.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from jixiao.pipeline import convert_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "tests"))


def flattened_corpus(dest: Path) -> list[Path]:
    from make_html_samples import write_all
    from test_real_text import flattened

    out = []
    for src in sorted(SAMPLES.glob("*_n*_s*_000.docx")):
        shapes = flattened(src)
        for shape in ("pipe", "paragraph"):
            p = dest / f"{src.stem}.{shape}.txt"
            p.write_text(shapes[shape], encoding="utf-8")
            out.append(p)
        p = dest / f"{src.stem}.oneline.txt"
        p.write_text(shapes["pipe"].replace("|", " ").replace("\n", " "), encoding="utf-8")
        out.append(p)
        out += [p for p in write_all(src, dest / "web") if p.suffix == ".html"]
    return out


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(name: str, files: list[Path], repeat: int) -> None:
    c0, t0 = cpu(), time.perf_counter()
    forms = 0
    for _ in range(repeat):
        for f in files:
            forms += len(convert_file(str(f), f).forms)
    dc, dt = cpu() - c0, time.perf_counter() - t0
    print(f"{name:28s} {len(files) * repeat:5d} files {forms:6d} forms  {forms / dc:7.1f} forms/CPU-s  "
          f"({dt:.2f}s wall)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--big", type=int, default=400, help="forms in the one-line file")
    a = ap.parse_args()
    seeds = sorted(SAMPLES.glob("00*.txt"))
    real = sorted((SAMPLES / "real").glob("*.txt"))
    convert_file(str(seeds[0]), seeds[0])  # warm caches (jieba, vocabularies)
    with tempfile.TemporaryDirectory() as tmp:
        flat = flattened_corpus(Path(tmp))
        run("tab-separated seeds", seeds, a.repeat)
        run("real flattened text", real, a.repeat)
        run("corpus as pipe rows", [p for p in flat if p.name.endswith(".pipe.txt")], a.repeat)
        run("corpus as paragraphs", [p for p in flat if p.name.endswith(".paragraph.txt")], a.repeat)
        run("corpus on one line", [p for p in flat if p.name.endswith(".oneline.txt")], a.repeat)
        run("corpus as web pages", [p for p in flat if p.suffix == ".html"], a.repeat)
        one = (SAMPLES / "real" / "01_chizhou_guichi_2022_weituo.txt").read_text(encoding="utf-8")
        big = Path(tmp) / "big.txt"
        big.write_text(" ".join([one.replace("\n", " ")] * a.big), encoding="utf-8")
        t0 = time.perf_counter()
        res = convert_file(str(big), big)
        dt = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"one line of {big.stat().st_size / 1e6:.1f} MB: {len(res.forms)} forms in {dt:.1f}s; "
              f"peak RSS of the whole run {rss:.0f} MiB (files over 64 MB are refused at once)")


if __name__ == "__main__":
    main()
