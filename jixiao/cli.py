"""`jixiao convert`, `jixiao inspect` and `jixiao query`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__

EXAMPLE_QUERY = ("SELECT p.department, p.fiscal_year, p.project_name, p.total_score, count(i.*) AS indicators "
                 "FROM projects p LEFT JOIN indicators i USING (form_id) GROUP BY ALL ORDER BY 1, 2, 3")


def escaped(text: str) -> str:
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def cmd_convert(args: argparse.Namespace) -> int:
    from .batch import Options, run
    from .dataset import Busy
    from .report import write_report
    from .sniff import collect

    files = collect(args.paths)
    if not files:
        print("jixiao: no input files found", file=sys.stderr)
        return 2
    out = Path(args.out)
    opts = Options(workers=args.workers, batch_files=args.batch_files, timeout=args.timeout or None,
                   max_memory_mb=args.max_memory or None, force=args.force, retry_failed=args.retry_failed,
                   pdf_engine=args.pdf_engine, ocr=args.ocr == "auto", engine=args.engine,
                   ray_address=args.ray_address,
                   progress=False if args.quiet else None)
    import tempfile

    from .archives import cleanup, expand_all

    members = Path(tempfile.mkdtemp(prefix="jixiao-members-"))  # archives' members, for this run
    try:
        summary = run(expand_all(files, members), out, opts, log=(lambda s: None) if args.quiet else
                      (lambda s: print(s, file=sys.stderr, flush=True)))
    except Busy as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return 2
    finally:
        cleanup(members)
    report = write_report(out, summary.header_map, summary.seconds, summary.files)
    n_failed = sum(s["status"] == "failed" for s in summary.failed)
    rate = summary.pages / summary.seconds if summary.seconds else 0.0
    print(f"{summary.files} files converted ({summary.skipped} already in {out} or repeated, skipped): "
          f"{summary.forms} forms, {summary.indicators} indicators, {n_failed} failed, "
          f"{len(summary.failed) - n_failed} partial; {summary.seconds:.1f} s, {rate:.1f} pages/s")
    for s in summary.failed:  # control characters in a name can't forge a line of this summary
        print(f"  {s['status']}: {escaped(s['path'])}: {escaped(s['error'] or '')}")
    for severity in ("error", "warning"):
        kinds = sorted(((n, c) for (c, sev), n in summary.checks.items() if sev == severity), reverse=True)
        if kinds:
            print(f"  checks, {severity}s: {sum(n for n, _ in kinds)} (" + ", ".join(f"{c} {n}" for n, c in kinds)
                  + ")" + (f"; {summary.unread_files} files with unread columns" if severity == "error"
                           and summary.unread_files else ""))
    print(f"\nLook at {out}/ (every run so far):\n"
          f"  open {report}\n  jixiao query {out} \"{EXAMPLE_QUERY}\"")
    if summary.failed:
        return 1
    levels = {"error": ("error",), "warning": ("error", "warning")}.get(args.fail_on or "", ())
    return 3 if any(sev in levels for (_, sev) in summary.checks) else 0


def cmd_inspect(args: argparse.Namespace) -> int:
    """Each form as `convert` reads it (the same readers, summaries included),
    with its header mappings and checks; --grid prints the rows read."""
    from .pipeline import convert_file

    path = Path(args.file)
    res = convert_file(args.file, path, args.pdf_engine, keep_rows=True, ocr=args.ocr == "auto")
    s = res.source
    print(f"{args.file}: format={s['format']} extractor={s['extractor']} status={s['status']} "
          f"forms={s['forms']}" + (f" error={s['error']}" if s["error"] else ""))
    if s["error"] and s["extractor"] == "none":
        return 1
    if args.grid:
        for i, row in enumerate(res.rows):
            cells = [c.replace("\n", "⏎")[: args.width] for c in row.cells]
            print(f"  {i:4d} p{row.page or '-'} | " + " | ".join(cells))
    for k, form in enumerate(res.forms):
        pages = f" pages {form.page_start}-{form.page_end}" if form.page_start else ""
        print(f"\n== form {k} [{form.form_type}]: {form.project_name!r}{pages}, "
              f"{len(form.indicators)} indicators, {len(form.funds)} fund lines")
        if form.header_map:
            print("  header cell -> column (score):")
        for text, col, score in form.header_map:
            print(f"    {text.replace(chr(10), '')!r:24s} -> {col or 'UNMAPPED'} ({score})")
        for fd in form.findings:
            print(f"  check {fd.check} [{fd.severity}]: {fd.detail}")
    for check, severity, detail in res.file_findings:
        print(f"  file check {check} [{severity}]: {detail}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    from .dataset import duckdb_views

    con = duckdb.connect()
    duckdb_views(con, Path(args.dir))
    res = con.execute(args.sql)
    print(res.fetchdf().to_string(max_colwidth=args.width))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="jixiao", description=__doc__)
    ap.add_argument("--version", action="version", version=f"jixiao {__version__}")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert", help="convert files and folders into Parquet tables")
    c.add_argument("paths", nargs="+")
    c.add_argument("--out", required=True, help="output folder")
    c.add_argument("--quiet", action="store_true", help="only the summary")
    c.add_argument("--fail-on", choices=["error", "warning"],
                   help="exit 3 when a check of this severity (or worse) fired, e.g. unread_column "
                        "(default: checks never change the exit code)")
    c.add_argument("--ocr", choices=["auto", "off"], default="auto",
                   help="auto: read scanned pages and images by OCR (tesseract); off: report them unread")
    c.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: one per core)")
    c.add_argument("--timeout", type=float, default=300, help="seconds per file before it is failed (0: none)")
    c.add_argument("--max-memory", type=int, default=4096, help="MB of memory per worker (0: no limit)")
    c.add_argument("--force", action="store_true", help="convert files already in the output again")
    c.add_argument("--retry-failed", action="store_true", help="convert files that failed before again")
    c.add_argument("--batch-files", type=int, default=200, help="files per written batch")
    c.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="local worker processes, or Ray tasks (pip install 'jixiao[ray]')")
    c.add_argument("--ray-address", help="Ray cluster to run on (default: a local Ray for the run)")
    c.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber", "camelot"], default="pdfium",
                   help="what reads a PDF's characters and ruled tables (default: pdfium, the fastest)")
    c.set_defaults(func=cmd_convert)
    i = sub.add_parser("inspect", help="show how a file's forms were read")
    i.add_argument("file")
    i.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber", "camelot"], default="pdfium")
    i.add_argument("--ocr", choices=["auto", "off"], default="auto")
    i.add_argument("--grid", action="store_true", help="print the grid rows of each form")
    i.add_argument("--width", type=int, default=14, help="characters shown per cell")
    i.set_defaults(func=cmd_inspect)
    q = sub.add_parser("query", help="run SQL (DuckDB) over a converted folder")
    q.add_argument("dir")
    q.add_argument("sql")
    q.add_argument("--width", type=int, default=40)
    q.set_defaults(func=cmd_query)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
