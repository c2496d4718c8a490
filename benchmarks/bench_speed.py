"""The speed figures in one run (`make bench`), each measured 3 times (min and
median), every contender in a process of its own:

* PDF: jixiao file -> Parquet against pdfplumber's bare `extract_tables` and
  camelot's lattice (engine `vector`) on the same PDFs, as pages/s and ratios,
  with each one's peak RSS: from a fresh process, and warm (the files again
  in that process: an archive's steady pace, start-up aside);
* forms per CPU-second per format (PDF, DOCX, XLSX, tab-separated text, real
  flattened text, web pages) in a warm process;
* start-up: a one-file `jixiao convert`, wall time to its first page and in all;
* batch: `jixiao convert` with 1 and 2 workers on a 200-file mixed corpus,
  the speed-up, and the peak RSS of the run's process and its largest worker;
  beside it, two ceilings: the same conversions alone split across two
  processes against one (no pool, no writing: what the pool could at most
  reach), and what two processes of a pure-Python loop give over one (a
  shared or virtual machine's two cores are not two whole cores: 1.77-1.79x
  where this was written).

With `--baseline REV` the same figures are taken for that revision too (built
into a temporary folder from git), side by side, so a change is measured as a
ratio on one noisy machine rather than against figures of another day.

    .venv/bin/python benchmarks/bench_speed.py [PDF or folder ...] [--baseline REV] [--quick]

A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HERE = Path(__file__).resolve().parent


# --- in the child process ------------------------------------------------------------------------

def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_pdf(contender: str, files: list[str]) -> dict:
    """The files read twice in one process: the first pass from a fresh
    start (imports, dictionaries and fonts loaded on the way), the second
    warm, as every file after the first few of an archive is read."""
    sys.path.insert(0, str(HERE))
    from bench_pdf import run_camelot, run_jixiao, run_pdfplumber

    run = {"jixiao": run_jixiao, "pdfplumber": run_pdfplumber, "camelot": run_camelot}[contender]
    t0 = time.perf_counter()
    pages = run(files)
    t1, c1 = time.perf_counter(), _cpu()
    run(files)
    return {"pages": pages, "seconds": t1 - t0, "warm": time.perf_counter() - t1, "warm_cpu": _cpu() - c1,
            "rss": _rss()}


def child_forms(files: list[str]) -> dict:
    from jixiao.pipeline import convert_file

    convert_file(files[0], Path(files[0]))  # warm: imports, the tokenizer, caches
    c0 = _cpu()
    forms = sum(len(convert_file(f, Path(f)).forms) for f in files for _ in range(2))
    return {"forms": forms, "cpu": _cpu() - c0}


# --- in the parent --------------------------------------------------------------------------------

def in_child(args: list[str], pythonpath: str | None) -> dict:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_code(code: str, args: list[str], pythonpath: str | None) -> dict:
    """`python -c code args…` in a process of its own: the JSON of its last
    line. Run from a neutral folder: `python -c` puts the working folder
    first on sys.path, and this repository's jixiao/ would shadow the
    baseline's."""
    env = dict(os.environ, **({"PYTHONPATH": pythonpath} if pythonpath else {}))
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True,
                         cwd=tempfile.gettempdir())
    return json.loads(out.stdout.strip().splitlines()[-1])


def startup(pdf: str, pythonpath: str | None) -> dict:
    """A one-file `jixiao convert` in a fresh process, as a user types it:
    seconds to its first page (PDFium's first character count, in whichever
    process reads the file) and to its exit."""
    code = f"""
import json, os, sys, tempfile, time
t0 = time.time()
mark = tempfile.mktemp()
import pypdfium2.raw as raw
real = raw.FPDFText_CountChars
def spy(*a):
    if not os.path.exists(mark):
        with open(mark, "w") as fh:
            fh.write(repr(time.time()))
    return real(*a)
raw.FPDFText_CountChars = spy
from jixiao.cli import main
with tempfile.TemporaryDirectory() as out:
    sys.argv = ["jixiao", "convert", {pdf!r}, "--out", out, "--quiet"]
    main()  # as the console script calls it
with open(mark) as fh:
    first = float(fh.read()) - t0
os.unlink(mark)
print(json.dumps({{"first": first, "total": time.time() - t0}}))
"""
    return run_code(code, [], pythonpath)


def batch(corpus: Path, workers: int, pythonpath: str | None) -> dict:
    code = """
import json, resource, sys, time
from jixiao.cli import main
t0 = time.perf_counter()
main(sys.argv[1:])
dt = time.perf_counter() - t0
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "rss_main": me, "rss_worker": kids}))
"""
    with tempfile.TemporaryDirectory() as out:
        return run_code(code, ["convert", str(corpus), "--out", out, "--quiet", "--workers", str(workers)], pythonpath)


def split_work(corpus: Path, pythonpath: str | None) -> dict:
    """The batch's conversions alone (`batch.work` on every file, results
    dropped: no pool, no parent, no writing), in one process, then split in
    two halves in two processes at once: wall times. What the machine gives
    two workers of this very work; a pool that serialises nothing would
    scale as this does."""
    code = """
import json, multiprocessing, sys, time
from pathlib import Path
from jixiao.batch import Task, work
files = sorted(Path(sys.argv[1]).iterdir())
def convert(fs):
    for f in fs:
        work(Task(f.name, str(f), None), "pdfium")
ctx = multiprocessing.get_context("fork")
t0 = time.perf_counter()
with ctx.Pool(1) as pool:
    pool.map(convert, [files])
one = time.perf_counter() - t0
t0 = time.perf_counter()
with ctx.Pool(2) as pool:
    pool.map(convert, [files[0::2], files[1::2]])
print(json.dumps({"one": one, "two": time.perf_counter() - t0}))
"""
    return run_code(code, [str(corpus)], pythonpath)


def build(rev: str, dest: Path) -> str:
    """Revision `rev` of this repository installed (no dependencies) into `dest`."""
    src = dest / "src"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(src), rev],
                   check=True, capture_output=True)
    try:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--target", str(dest / "site"), str(src)], check=True, capture_output=True)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src)], capture_output=True)
    return str(dest / "site")


def stats(values: list[float]) -> str:
    return f"min {min(values):7.2f}  median {statistics.median(values):7.2f}"


def format_files(tmp: Path) -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from make_html_samples import write_all

    docx = sorted(str(p) for p in SAMPLES.glob("*.docx"))
    web = [str(p) for d in docx if "_n" in d for p in write_all(Path(d), tmp / "web") if p.suffix == ".html"]
    return {
        "pdf": sorted(str(p) for p in SAMPLES.glob("*.pdf") if not p.name.startswith("scan_")),
        "docx": docx,
        "xlsx": sorted(str(p) for p in SAMPLES.glob("*.xlsx")),
        "text (tab-separated)": sorted(str(p) for p in SAMPLES.glob("00*.txt")),
        "text (real, flattened)": sorted(str(p) for p in (SAMPLES / "real").glob("*.txt")),
        "web pages": web,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*", default=[str(SAMPLES)], help="PDFs or folders for the PDF comparison")
    ap.add_argument("--baseline", help="a git revision to measure side by side")
    ap.add_argument("--files", type=int, default=200, help="files in the batch corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["pdf", "forms", "startup", "batch"], action="append",
                    help="measure only these (default: all)")
    ap.add_argument("--child", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        print(json.dumps(child_pdf(rest[0], rest[1:]) if kind == "pdf" else child_forms(rest)))
        return
    pdfs = sorted(str(f.resolve()) for p in map(Path, a.paths) for f in ([p] if p.is_file() else p.rglob("*.pdf"))
                  if not f.name.startswith("scan_"))
    # This tree's modules compiled beforehand, as an installed package's are
    # (a baseline's are: pip compiles them): where bytecode is not written
    # (PYTHONDONTWRITEBYTECODE) every process would compile them again, 0.07 s
    # of a fresh start that no user's installed jixiao pays.
    packages = [str(ROOT / d) for d in ("jixiao", "extract", "normalize", "schemas")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as tmp_:
        tmp = Path(tmp_)
        versions = {"this tree": None}
        if a.baseline:
            versions[a.baseline] = build(a.baseline, tmp / "baseline")
        runs = range(a.runs)

        want = set(a.only or ["pdf", "forms", "startup", "batch"])
        if "pdf" in want:
            pdf_section(pdfs, versions, runs)
        if "forms" in want:
            forms_section(tmp, versions, runs)
        if "startup" in want:
            startup_section(pdfs[0], versions, runs)
        if "batch" in want:
            batch_section(tmp, versions, runs, a.files)


def pdf_section(pdfs: list[str], versions: dict, runs: range) -> None:
    print(f"== PDF: {len(pdfs)} files, file -> Parquet, pages/s (a process each, {len(runs)} runs): from a fresh "
          "start; then the same files again in that process (warm), per second and per CPU-second")
    speed: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    warm_cpu: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    contenders = [*((f"jixiao ({v})", "jixiao", p) for v, p in versions.items()),
                  ("pdfplumber extract_tables", "pdfplumber", None), ("camelot lattice vector", "camelot", None)]
    for _ in runs:  # interleaved, so a slow minute of the machine hits every contender
        for name, contender, path in contenders:
            r = in_child(["pdf", contender, *pdfs], path)
            speed.setdefault(name, []).append(r["pages"] / r["seconds"])
            warm.setdefault(name, []).append(r["pages"] / r["warm"])
            warm_cpu.setdefault(name, []).append(r["pages"] / r["warm_cpu"])
            rss.setdefault(name, []).append(r["rss"])
    for name in speed:
        print(f"  {name:34s} pages/s {stats(speed[name])}   peak RSS {max(rss[name]):4.0f} MiB")
        print(f"  {'':34s} warm    {stats(warm[name])}   per CPU-s {stats(warm_cpu[name])}")
    for figures, what in ((speed, "fresh"), (warm, "warm")):
        mine = statistics.median(figures["jixiao (this tree)"])
        for name in [k for k in figures if k != "jixiao (this tree)"]:
            print(f"  jixiao (this tree) / {name}: {mine / statistics.median(figures[name]):.2f}x ({what}, medians)")


def forms_section(tmp: Path, versions: dict, runs: range) -> None:
    print(f"== forms per CPU-second, warm process ({len(runs)} runs)")
    for fmt, files in format_files(tmp).items():
        line, medians = f"  {fmt:24s}", []
        for v, path in versions.items():
            rates = [r["forms"] / r["cpu"] for r in (in_child(["forms", *files], path) for _ in runs)]
            line += f" {v}: {stats(rates)}"
            medians.append(statistics.median(rates))
        print(line + (f"   ratio {medians[0] / medians[1]:.2f}x" if len(medians) > 1 else ""))


def startup_section(pdf: str, versions: dict, runs: range) -> None:
    print(f"== start-up: one-file convert of {Path(pdf).name} ({len(runs)} runs)")
    for v, path in versions.items():
        rs = [startup(pdf, path) for _ in runs]
        print(f"  {v:12s} first page at: {stats([r['first'] for r in rs])} s; "
              f"whole run: {stats([r['total'] for r in rs])} s")


def _spin(_: int) -> float:
    """A pure-Python loop: CPU only, no I/O, no shared memory; its CPU seconds."""
    t0, s = time.process_time(), 0
    for i in range(20_000_000):
        s += i * i % 7
    return time.process_time() - t0


def ceiling() -> float:
    """What two processes give over one on this machine for work that shares
    nothing: the loop once, then twice at once (wall time). On a shared or
    virtual machine two busy cores run slower than one (1.77-1.79 here):
    a batch's speed-up is read against this, not against 2."""
    import multiprocessing

    t0 = time.perf_counter()
    _spin(0)
    one = time.perf_counter() - t0
    with multiprocessing.get_context("fork").Pool(2) as pool:
        t0 = time.perf_counter()
        pool.map(_spin, [0, 1])
        two = time.perf_counter() - t0
    return 2 * one / two


def batch_section(tmp: Path, versions: dict, runs: range, n_files: int) -> None:
    sys.path.insert(0, str(HERE))
    from corpus import make_corpus

    corpus = tmp / "corpus"
    make_corpus(corpus, n_files)
    print(f"== batch: {n_files} files (txt, pdf, docx, xlsx), 1 and 2 workers ({len(runs)} runs)")
    for v, path in versions.items():
        ups, t1s, t2s, rss, splits = [], [], [], [], []
        for _ in runs:  # each run measures the batch and the bare work side by side
            one, two, bare = batch(corpus, 1, path), batch(corpus, 2, path), split_work(corpus, path)
            t1s.append(one["seconds"])
            t2s.append(two["seconds"])
            ups.append(one["seconds"] / two["seconds"])
            splits.append(bare["one"] / bare["two"])
            rss.append((two["rss_main"], two["rss_worker"]))
        print(f"  {v:12s} 1 worker {stats(t1s)} s; 2 workers {stats(t2s)} s; speed-up {stats(ups)}x; "
              f"peak RSS main {max(r[0] for r in rss):.0f} MiB, worker {max(r[1] for r in rss):.0f} MiB")
        print(f"  {'':12s} the same conversions alone, split in 2 processes against 1 (`split_work`): "
              f"{stats(splits)}x")
    print(f"  this machine's ceiling (a pure-Python loop, 2 processes against 1): "
          f"{stats([ceiling() for _ in runs])}x")


if __name__ == "__main__":
    main()
