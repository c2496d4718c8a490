"""Scans as archives hold them: two sample PDFs scanned with the settings a
held-out set may use (300 and 120 dpi, tilted up to 4.5°, JPEG at 30,
noise, out of focus, a keystone) and fed in turned (the whole file 90, 180
or 270°, or every other page upside down), each converted by `jixiao
convert` with one OCR engine; prints the share of gold fields read right
per scan (the positional comparison of tests/conftest.py).

    .venv/bin/python benchmarks/bench_scan_variants.py [--engine rapidocr|tesseract]

A benchmark, not a test: it prints figures and asserts nothing (about ten
minutes with two workers: 322 pages, those fed in turned read twice).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import compare, gold_of, read_tables  # noqa: E402
from make_scan_samples import Scanner, scan, turned  # noqa: E402

SOURCES = ["beijing_n3_s103_000.pdf", "guangdong_n8_s108_000.pdf"]  # portrait, 8 pages; landscape, 15 pages
SCANNERS = {
    "300dpi": Scanner(dpi=300, angle=0.7, seed=61),
    "120dpi": Scanner(dpi=120, angle=0.6, seed=72),
    "150dpi-jpeg40": Scanner(dpi=150, angle=-0.9, jpeg=40, seed=62),
    "jpeg30-noise20": Scanner(angle=-1.2, noise=20, jpeg=30, seed=73),
    "noise25": Scanner(angle=0.3, noise=25, seed=65),
    "tilt3": Scanner(angle=3.0, seed=63),
    "tilt4.5": Scanner(angle=4.5, seed=71),
    "blur1": Scanner(angle=-2.5, blur=1.0, seed=64),
    "blur1.5": Scanner(angle=0.8, blur=1.5, seed=74),
    "keystone5": Scanner(angle=0.5, perspective=0.05, seed=66),
}
TURNS: dict[str, Callable[[int], int]] = {  # fed in turned: degrees per page (k: the page's index)
    "turned90": lambda k: 90,
    "turned180": lambda k: 180,
    "turned270": lambda k: 270,
    "every-other-180": lambda k: 180 if k % 2 else 0,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", default="rapidocr", choices=["rapidocr", "tesseract"])
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "scans"
        src.mkdir()
        for name in SOURCES:
            for tag, scanner in SCANNERS.items():
                scan(ROOT / "samples" / name, src / f"{tag}__{name}", scanner)
            for tag, turn in TURNS.items():
                turned(src / f"tilt3__{name}", src / f"{tag}__{name}", turn)
        out = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "jixiao.cli", "convert", str(src), "--out", str(out), "--quiet",
                        "--workers", str(a.workers), "--ocr-engine", a.engine], stdout=subprocess.DEVNULL, check=False)
        tables = read_tables(out)
        print(f"{'scan':<16} " + " ".join(f"{n[:16]:>16}" for n in SOURCES))
        for tag in [*SCANNERS, *TURNS]:
            cells = []
            for name in SOURCES:
                gold = {**gold_of("corpus", ROOT / "samples" / name), "source": f"{tag}__{name}"}
                n, bad = compare(gold, tables)
                cells.append(f"{1 - len(bad) / n:>16.4f}" if n else f"{'no form read':>16}")
            print(f"{tag:<16} " + " ".join(cells))


if __name__ == "__main__":
    main()
