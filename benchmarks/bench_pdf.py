"""PDF speed: jixiao's whole PDF -> Parquet conversion against pdfplumber's
bare `extract_tables` on every page and camelot's lattice (engine `vector`),
on the same PDFs in one run; then peak memory of jixiao on a long PDF made of
k copies of them, to show it does not grow with the page count.

    .venv/bin/python benchmarks/bench_pdf.py [PDF or folder ...] [--copies 8]

Each contender runs in its own process (so imports and peak RSS are its own).
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

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run_jixiao(files: list[str]) -> int:
    from jixiao.dataset import Dataset, to_batch_tables
    from jixiao.pipeline import convert_file

    rows: dict[str, list] = {}
    pages = 0
    for f in files:
        res = convert_file(f, Path(f))
        pages += res.source["pages"] or 0
        for k, v in res.tables().items():
            rows.setdefault(k, []).extend(v)
    with tempfile.TemporaryDirectory() as out:
        Dataset(Path(out)).write_batch({name: [t] for name, t in to_batch_tables(rows).items()})
    return pages


def run_pdfplumber(files: list[str]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
                pages += 1
    return pages


def run_camelot(files: list[str]) -> int:
    import camelot
    import pypdfium2

    pages = 0
    for f in files:
        camelot.read_pdf(f, pages="all", flavor="lattice", engine="vector", suppress_stdout=True)
        pages += len(pypdfium2.PdfDocument(f))
    return pages


def child(name: str, files: list[str]) -> None:
    import resource

    t0 = time.perf_counter()
    pages = {"jixiao": run_jixiao, "pdfplumber": run_pdfplumber, "camelot": run_camelot}[name](files)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": pages, "seconds": dt, "rss_mib": rss}))


def measure(name: str, files: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", name, *files],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def concatenated(files: list[str], copies: int, dest: Path) -> int:
    import pypdfium2

    big = pypdfium2.PdfDocument.new()
    for _ in range(copies):
        for f in files:
            src = pypdfium2.PdfDocument(f)
            big.import_pages(src)
    big.save(dest)
    return len(big)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*", default=[str(SAMPLES)])
    ap.add_argument("--copies", type=int, default=8, help="copies in the long PDF of the memory test")
    ap.add_argument("--child")
    a = ap.parse_args()
    if a.child:
        child(a.child, a.paths)
        return
    files = sorted(str(f) for p in map(Path, a.paths)
                   for f in ([p] if p.is_file() else p.rglob("*.pdf")))
    print(f"{len(files)} PDFs")
    res = {n: measure(n, files) for n in ("jixiao", "pdfplumber", "camelot")}
    for n, r in res.items():
        print(f"  {n:11s} {r['pages']:4d} pages in {r['seconds']:6.2f}s -> {r['pages'] / r['seconds']:6.1f} pages/s"
              f"   peak RSS {r['rss_mib']:.0f} MiB")
    speed = {n: r["pages"] / r["seconds"] for n, r in res.items()}
    print(f"  jixiao / pdfplumber extract_tables = {speed['jixiao'] / speed['pdfplumber']:.2f}x; "
          f"jixiao / camelot vector = {speed['jixiao'] / speed['camelot']:.2f}x")
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp, "x1.pdf"), Path(tmp, f"x{a.copies}.pdf")
        n1, nk = concatenated(files, 1, one), concatenated(files, a.copies, many)
        r1, rk = measure("jixiao", [str(one)]), measure("jixiao", [str(many)])
    print(f"  memory: one PDF of {n1} pages peak RSS {r1['rss_mib']:.0f} MiB; "
          f"of {nk} pages {rk['rss_mib']:.0f} MiB ({rk['pages'] / rk['seconds']:.1f} pages/s)")


if __name__ == "__main__":
    main()
