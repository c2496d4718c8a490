"""`jixiao convert`, `jixiao inspect` and `jixiao query`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .lines import escaped

if TYPE_CHECKING:
    from .batch import Options

# extract/ocr.py's ENGINES, spelt out: importing it would load numpy at `jixiao --help`
OCR_ENGINES = ["auto", "rapidocr", "tesseract"]
EXAMPLE_QUERY = ("SELECT p.department, p.fiscal_year, p.project_name, p.total_score, count(i.*) AS indicators "
                 "FROM projects p LEFT JOIN indicators i USING (form_id) GROUP BY ALL ORDER BY 1, 2, 3")


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
                   prune=args.prune,
                   pdf_engine=args.pdf_engine, ocr=args.ocr == "auto", ocr_engine=args.ocr_engine,
                   engine=args.engine,
                   ray_address=args.ray_address, verbose=args.verbose,
                   progress=False if args.quiet or args.verbose else None)
    from .archives import expanded

    if args.dry_run:
        return dry_run(files, out, opts)
    try:
        with expanded(files) as inputs:
            summary = run(inputs, out, opts, log=(lambda s: None) if args.quiet else
                          (lambda s: print(s, file=sys.stderr, flush=True)))
    except Busy as exc:  # another run holds the folder
        print(f"jixiao: {exc}", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print(f"jixiao: interrupted; what was committed stays in {out}, and the next run goes on from there",
              file=sys.stderr)
        return 130
    except OSError as exc:  # the output can't be written: read-only, disk full
        print(f"jixiao: the run could not complete: {' '.join(str(exc).split())}", file=sys.stderr)
        return 4
    report = write_report(out, summary.seconds, summary.files)
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


def dry_run(files: list[tuple[str, Path]], out: Path, opts: Options) -> int:
    """What a convert would do, doing nothing: nothing written, no folder made."""
    from .archives import expanded
    from .batch import plan
    from .dataset import Dataset

    with expanded(files) as inputs:
        todo, skipped, duplicates = plan(inputs, Dataset(out), opts, apply=False)
        for task in todo:
            print(f"convert: {escaped(task.label)}")
        for d in duplicates:
            print(f"duplicate: {escaped(d['path'])} ({escaped(d['error'])})")
    print(f"dry run: {len(todo)} files would be converted, {skipped - len(duplicates)} are already in {out} "
          f"(skipped), {len(duplicates)} duplicates; nothing was written")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    """Each form as `convert` reads it (the same readers, summaries included),
    with its header mappings and checks; --grid prints the rows read, --trace
    where each record's cells were printed."""
    if Path(args.file).is_dir():  # each file of a folder, as convert would find them
        from .sniff import collect

        codes = []
        for label, _ in collect([args.file]):
            codes.append(cmd_inspect(argparse.Namespace(**{**vars(args), "file": label})))
            print()
        return max(codes, default=0)
    from .pipeline import convert_file

    path = Path(args.file)
    res = convert_file(args.file, path, args.pdf_engine, keep_rows=True, ocr=args.ocr == "auto",
                       ocr_engine=args.ocr_engine)
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
        if args.trace:
            print("  record <- its row's cells, where printed:")
            for record, cells in form.origin.items():
                shown = " | ".join(f"{t.replace(chr(10), '')[: args.width]!r} @ {w or 'rebuilt from flat text'}"
                                   for t, w, _ in cells)
                print(f"    {record}: {shown}")
        for fd in form.findings:
            print(f"  check {fd.check} [{fd.severity}]: {fd.detail}")
    for fd in res.file_findings:
        print(f"  file check {fd.check} [{fd.severity}]: {fd.detail}")
    if args.png:
        if s["format"] != "pdf":
            print(f"  --png: only for PDF (this file is {s['format']})")
        else:
            from .pictures import draw

            drawn = draw(path, res.forms, Path(args.png))
            print(f"  {len(drawn)} pages drawn into {args.png}")
    return 0


def is_dataset(root: Path) -> bool:
    """Whether `root` is a converted folder; if not, says so in one line."""
    if (root / "sources").is_dir():
        return True
    print(f"jixiao: {root} is no jixiao dataset (no sources/ in it): convert into it first", file=sys.stderr)
    return False


def cmd_query(args: argparse.Namespace) -> int:
    """SQL over a dataset; `--format table` (aligned, no index), csv, json
    (one object a line) or parquet (to --output)."""
    import duckdb

    from .dataset import duckdb_views

    root = Path(args.dir)
    if not is_dataset(root):
        return 2
    con = duckdb.connect()
    duckdb_views(con, root)
    try:
        rel = con.sql(args.sql)
        if rel is None:  # a statement that returns no rows
            return 0
        # DuckDB 2 names it to_arrow_table; 1.x arrow
        table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    except duckdb.Error as exc:
        print(f"jixiao: query failed: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    if args.format == "parquet":
        if not args.output:
            print("jixiao: --format parquet needs --output FILE", file=sys.stderr)
            return 2
        import pyarrow.parquet as pq

        pq.write_table(table, args.output)
        return 0
    df = table.to_pandas()
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        df.to_json(sys.stdout, orient="records", lines=True, force_ascii=False, date_format="iso")
    else:
        print(df.to_string(index=False, max_colwidth=args.width, na_rep=""))
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """A converted dataset into a database (sqlite:///FILE, duckdb:///FILE,
    postgresql://…), idempotent per source."""
    from .sinks import load

    if not is_dataset(Path(args.dir)):
        return 2
    try:
        counts = load(Path(args.dir), args.target)
    except ValueError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return 2
    print(f"loaded into {args.target}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """The contract: each table's columns with type and meaning, or as DDL."""
    from jixiao.schemas import tables

    from .store import ddl

    if args.ddl:
        print(ddl(args.ddl), end="")
        return 0
    for table, cols in tables().items():
        print(f"{table}:")
        for c in cols:
            print(f"  {c.name:22s} {c.type:20s} {'null' if c.nullable else '    '}  {c.doc}")
    return 0


class Help(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Help with each option's default, and the epilog as written."""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="jixiao", description=__doc__)
    ap.add_argument("--version", action="version", version=f"jixiao {__version__}")
    sub = ap.add_subparsers(dest="cmd", required=True)
    from jixiao.schemas import formats

    c = sub.add_parser("convert", help="convert files and folders into Parquet tables", formatter_class=Help,
                       epilog="formats read (told by content, not by name):\n" + "\n".join(
                           f"  {name:6s} {spec['name']} {' '.join(spec['extensions'])}"
                           + (f"  [needs {spec['needs']}]" if spec.get("needs") else "")
                           for name, spec in formats().items()))
    c.add_argument("paths", nargs="+")
    c.add_argument("--out", help="output folder (required)")
    talk = c.add_mutually_exclusive_group()
    talk.add_argument("--quiet", action="store_true", help="only the summary")
    talk.add_argument("-v", "--verbose", action="store_true", help="a line per file as it is done")
    c.add_argument("--dry-run", action="store_true",
                   help="list what would be converted, skipped and recorded as duplicates; write nothing")
    c.add_argument("--vocabulary", help="a TOML file of synonyms to add to the vocabulary "
                                        "(the shape of schemas/vocabulary.toml; or set JIXIAO_VOCABULARY)")
    c.add_argument("--fail-on", choices=["error", "warning"],
                   help="exit 3 when a check of this severity (or worse) fired, e.g. unread_column "
                        "(default: checks never change the exit code)")
    c.add_argument("--ocr", choices=["auto", "off"], default="auto",
                   help="auto: read scanned pages and images by OCR; off: report scanned pages unread")
    c.add_argument("--ocr-engine", choices=OCR_ENGINES, default="auto",
                   help="what reads a scan's text: rapidocr (PP-OCRv4, the more accurate), tesseract, or "
                        "auto: rapidocr where it is installed, else tesseract")
    c.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (one per core)")
    c.add_argument("--timeout", type=float, default=300, help="seconds per file before it is failed (0: none)")
    c.add_argument("--max-memory", type=int, default=4096,
                   help="MB of resident memory per worker, past which its file fails (0: no limit)")
    c.add_argument("--force", action="store_true", help="convert files already in the output again")
    c.add_argument("--retry-failed", action="store_true", help="convert files that failed before again")
    c.add_argument("--prune", action="store_true",
                   help="remove the rows of files not among this run's inputs (the output mirrors them)")
    c.add_argument("--batch-files", type=int, default=200, help="files per written batch")
    c.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="local worker processes, or Ray tasks (pip install 'jixiao[ray]')")
    c.add_argument("--ray-address", help="Ray cluster to run on (default: a local Ray for the run)")
    c.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber", "camelot"], default="pdfium",
                   help="what reads a PDF's characters and ruled tables (pdfium: the fastest)")
    c.set_defaults(func=cmd_convert)
    i = sub.add_parser("inspect", help="show how a file's forms were read (each file of a folder)",
                       formatter_class=Help)
    i.add_argument("file", help="a file, or a folder: each file in it")
    i.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber", "camelot"], default="pdfium")
    i.add_argument("--ocr", choices=["auto", "off"], default="auto")
    i.add_argument("--ocr-engine", choices=OCR_ENGINES, default="auto")
    i.add_argument("--grid", action="store_true", help="print the grid rows of each form")
    i.add_argument("--trace", action="store_true",
                   help="where each indicator and fund line was printed: its row's cells with page and box "
                        "(PDF, scans), sheet address (spreadsheets), line (text) or table row and column")
    i.add_argument("--png", metavar="DIR", help="(PDF) draw each page into DIR: the cells the lattice found and "
                                                "those each indicator and fund line was read from")
    i.add_argument("--width", type=int, default=14, help="characters shown per cell")
    i.set_defaults(func=cmd_inspect)
    q = sub.add_parser("query", help="run SQL (DuckDB) over a converted folder", formatter_class=Help)
    q.add_argument("dir")
    q.add_argument("sql")
    q.add_argument("--width", type=int, default=40, help="characters shown per column in a table")
    q.add_argument("--format", choices=["table", "csv", "json", "parquet"], default="table",
                   help="table, csv, json (one object a line) or parquet (needs --output)")
    q.add_argument("--output", help="the file --format parquet writes")
    q.set_defaults(func=cmd_query)
    ld = sub.add_parser("load", help="load a converted folder into a database (sqlite:///FILE, duckdb:///FILE, "
                                     "postgresql://USER@HOST/DB)")
    ld.add_argument("dir")
    ld.add_argument("target", help="sqlite:///path/to.db, duckdb:///path/to.duckdb or postgresql://user@host/db")
    ld.set_defaults(func=cmd_load)
    sc = sub.add_parser("schema", help="the warehouse contract: columns, types and meanings, or DDL")
    sc.add_argument("--ddl", choices=["postgresql", "duckdb", "sqlite"],
                    help="print CREATE TABLE statements (with column comments) for this database")
    sc.set_defaults(func=cmd_schema)
    args, unknown = ap.parse_known_args(argv)
    if unknown:  # before the missing --out: a mistyped --outt should be named as such
        ap.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.cmd == "convert":
        problem = convert_usage_error(args)
        if problem:
            ap.error(problem)
        if args.vocabulary:  # before anything reads the vocabulary; the workers inherit it
            os.environ["JIXIAO_VOCABULARY"] = str(Path(args.vocabulary).resolve())
    try:
        code: int = args.func(args)
    except BrokenPipeError:  # `jixiao inspect … | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    return code


def convert_usage_error(args: argparse.Namespace) -> str | None:
    """What is wrong with a convert's arguments, before anything is touched."""
    if not args.out:
        return "the following arguments are required: --out"
    if Path(args.out).exists() and not Path(args.out).is_dir():
        return f"--out {args.out} is a file, not a folder"
    if args.workers < 1:
        return "--workers must be 1 or more"
    if args.timeout < 0 or args.max_memory < 0 or args.batch_files < 1:
        return "--timeout and --max-memory must be 0 (no limit) or more, --batch-files 1 or more"
    if args.vocabulary and not Path(args.vocabulary).is_file():
        return f"--vocabulary {args.vocabulary}: no such file"
    if not any(os.path.lexists(p) for p in args.paths):
        return f"no such file or folder: {' '.join(args.paths)}"
    return None


if __name__ == "__main__":
    sys.exit(main())
