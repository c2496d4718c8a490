"""`jixiao convert`, `jixiao inspect` and `jixiao query`."""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from . import __version__

EXAMPLE_QUERY = ("SELECT p.department, p.fiscal_year, p.project_name, p.total_score, count(i.*) AS indicators "
                 "FROM projects p LEFT JOIN indicators i USING (form_id) GROUP BY ALL ORDER BY 1, 2, 3")


def cmd_convert(args: argparse.Namespace) -> int:
    from .pipeline import convert_file
    from .report import write_report
    from .sniff import collect
    from .store import write_all

    files = collect(args.paths)
    if not files:
        print("jixiao: no input files found", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    rows: dict[str, list[dict]] = {}
    header_map: dict[tuple[str, str | None], list[float]] = defaultdict(list)
    failed = []
    for label, path in files:
        res = convert_file(label, path, args.pdf_engine)
        for form in res.forms:
            for text, column, score in form.header_map:
                header_map[text, column].append(score)
        for name, recs in res.tables().items():
            rows.setdefault(name, []).extend(recs)
        if res.source["status"] != "ok":
            failed.append(res.source)
        if not args.quiet:
            s = res.source
            print(f"{s['status']:7s} {s['forms']:3d} forms  {label}" + (f"  ({s['error']})" if s["error"] else ""))
    out = Path(args.out)
    write_all(out, rows)
    report = write_report(out, rows, header_map, time.perf_counter() - t0)
    n_forms, n_ind = len(rows.get("projects", [])), len(rows.get("indicators", []))
    n_failed = sum(s["status"] == "failed" for s in failed)
    print(f"\n{len(files)} files, {n_forms} forms, {n_ind} indicators, {n_failed} failed, "
          f"{len(failed) - n_failed} partial -> {out}/")
    for s in failed:
        print(f"  {s['status']}: {s['path']}: {s['error']}")
    print(f'\nLook at the result:\n  open {report}\n  jixiao query {out} "{EXAMPLE_QUERY}"')
    return 1 if failed else 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from jixiao.normalize.form import FormReader, split

    from .pipeline import convert_file

    path = Path(args.file)
    res = convert_file(args.file, path, args.pdf_engine, keep_rows=True)
    s = res.source
    print(f"{args.file}: format={s['format']} extractor={s['extractor']} status={s['status']} "
          f"forms={s['forms']}" + (f" error={s['error']}" if s["error"] else ""))
    if s["error"] and s["extractor"] == "none":
        return 1
    rows = res.rows
    k = 0
    for start, end in split(rows):
        form = FormReader(rows[start:end]).read()
        if form is None:
            print(f"\n-- rows {start}-{end - 1}: not a form (no funds block, no indicator table)")
            continue
        print(f"\n== form {k}: {form.project_name!r} rows {start}-{end - 1}, "
              f"{len(form.indicators)} indicators")
        if args.grid:
            for i in range(start, end):
                cells = [c.replace("\n", "⏎")[: args.width] for c in rows[i].cells]
                print(f"  {i:4d} p{rows[i].page or '-'} | " + " | ".join(cells))
        print("  header cell -> column (score):")
        for text, col, score in form.header_map:
            print(f"    {text.replace(chr(10), '')!r:24s} -> {col or 'UNMAPPED'} ({score})")
        for fd in form.findings:
            print(f"  check {fd.check} [{fd.severity}]: {fd.detail}")
        k += 1
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    con = duckdb.connect()
    base = Path(args.dir)
    for name in ("sources", "projects", "funds", "indicators", "checks"):
        for p in (base / f"{name}.parquet", base / name):
            if p.exists():
                src = str(p) if p.is_file() else str(p / "**" / "*.parquet")
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{src}', hive_partitioning=true)")
                break
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
    c.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber", "camelot"], default="pdfium",
                   help="what reads a PDF's characters and ruled tables (default: pdfium, the fastest)")
    c.set_defaults(func=cmd_convert)
    i = sub.add_parser("inspect", help="show how a file's forms were read")
    i.add_argument("file")
    i.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber", "camelot"], default="pdfium")
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
