"""DIR/report.html: one static page a person can read after a run.

Totals, the files that failed and why, checks by kind with a link down to
each form, the header mappings with their scores, and charts drawn as
inline SVG (score distribution, execution rate against score, forms per year
and per department). No script, no network: it opens from a file:// URL.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

Query = Callable[[str], list[tuple[Any, ...]]]  # SQL in, rows out (DuckDB over the dataset)

CSS = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px auto;max-width:1180px;
color:#1d2733;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde3ea;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}.muted{color:#66727f}
.cards{display:flex;gap:10px;flex-wrap:wrap}.card{border:1px solid #dde3ea;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:20px}.bad b{color:#b42318}.warn b{color:#b54708}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #e3e8ee;padding:3px 6px;text-align:left;
vertical-align:top}th{background:#f5f7fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.error{color:#b42318}.warning{color:#b54708}.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px}
figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}svg text{font-size:11px;fill:#3b4754}
a{color:#175cd3;text-decoration:none}a:hover{text-decoration:underline}
"""


def esc(x: object) -> str:
    return html.escape("" if x is None else str(x))


LIMIT = 300  # rows shown per list; the rest are a query away


def write_report(out: Path, seconds: float, files_this_run: int) -> Path:
    """The report of the dataset in `out` after a run. Everything is read
    through DuckDB aggregates and bounded lists, so the page (and the memory
    it takes to write it) stays small however large the archive grows."""
    import duckdb

    from .dataset import duckdb_views

    con = duckdb.connect()
    duckdb_views(con, out)

    def q(sql: str) -> list[tuple[Any, ...]]:
        return con.execute(sql).fetchall()

    status = dict(q("SELECT status, count(*) FROM sources GROUP BY 1"))
    severity = dict(q('SELECT severity, count(*) FROM checks GROUP BY 1'))
    n_files = sum(status.values())
    n_forms, = q("SELECT count(*) FROM projects")[0]
    n_ind, = q("SELECT count(*) FROM indicators")[0]
    # files whose values went partly nowhere: read, yet not whole
    n_unread, = q("SELECT count(DISTINCT source_id) FROM checks WHERE \"check\" = 'unread_column'")[0]
    parts = [f"<!doctype html><html lang=zh><head><meta charset=utf-8><title>jixiao run report</title>"
             f"<style>{CSS}</style></head><body>",
             "<h1>jixiao run report</h1>",
             f"<p class=muted>{esc(out)}: {n_files} files, of which {files_this_run} converted by this run "
             f"in {seconds:.1f} s</p>",
             "<div class=cards>",
             _card("files", n_files), _card("ok", status.get("ok", 0)),
             _card("partial", status.get("partial", 0), "warn"), _card("failed", status.get("failed", 0), "bad"),
             _card("duplicates", status.get("duplicate", 0)),
             _card("forms", n_forms), _card("indicators", n_ind),
             _card("files with unread columns", n_unread, "bad"),
             _card("check errors", severity.get("error", 0), "bad"),
             _card("check warnings", severity.get("warning", 0), "warn"), "</div>"]
    parts += _failures(q)
    parts += _departments(q)
    parts += _charts(q)
    linked: set[str] = set()
    parts += _checks(q, linked)
    parts += _headers(q)
    parts += _forms(q, linked, n_forms)
    parts.append("</body></html>")
    path = out / "report.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)
    return path


# A department's name printed long in one form and short in another: the long
# forms' endings and the short ones they are abbreviated to.
_SHORT = (("委员会", "委"), ("办公室", "办"), ("人民政府", "政府"), ("管理局", "局"), ("有限公司", "公司"))
SIMILAR = 90  # rapidfuzz ratio at or above which two department names are flagged


def _departments(q: Query) -> list[str]:
    """Department names that are probably one department printed two ways
    (…委员会 / …委, a character apart): a warehouse grouping by department
    would split it. Over the 2,000 most frequent names."""
    from rapidfuzz import fuzz, process

    names = q("SELECT department, count(*) FROM projects WHERE department IS NOT NULL "
              "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2000")
    if len(names) < 2:
        return []
    texts = [n for n, _ in names]
    count: dict[str, int] = dict(names)

    def short(name: str) -> str:
        for long_, abbr in _SHORT:
            name = name.replace(long_, abbr)
        return name

    pairs = []
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, processor=short, score_cutoff=SIMILAR)
    for i, j in zip(*scores.nonzero(), strict=True):
        if i < j:
            why = "the same, abbreviated" if short(texts[i]) == short(texts[j]) else f"{scores[i, j]:.0f}% alike"
            pairs.append((texts[i], texts[j], why))
    out = ["<h2 id=departments>Department names that may be one department</h2>"]
    if not pairs:
        return out + ["<p class=muted>None: no two department names are alike.</p>"]
    out.append("<table><tr><th>department</th><th>forms</th><th>and</th><th>forms</th><th>why</th></tr>")
    for a, b, why in pairs[:LIMIT]:
        out.append(f"<tr><td>{esc(a)}</td><td class=n>{count[a]}</td><td>{esc(b)}</td><td class=n>{count[b]}</td>"
                   f"<td>{esc(why)}</td></tr>")
    return out + ["</table>"]


def _card(label: str, n: int, kind: str = "") -> str:
    return f"<div class='card {kind if n else ''}'><b>{n}</b>{esc(label)}</div>"


def _more(total: int, shown: int, table: str) -> list[str]:
    if total <= shown:
        return []
    return [f"<p class=muted>… and {total - shown} more: <code>jixiao query DIR \"SELECT * FROM {table} …\"</code></p>"]


def _failures(q: Query) -> list[str]:
    total, = q("SELECT count(*) FROM sources WHERE status NOT IN ('ok', 'duplicate')")[0]
    out = ["<h2 id=failures>Files not fully read</h2>"]
    if not total:
        return out + ["<p class=muted>None: every file was read.</p>"]
    out.append("<table><tr><th>file</th><th>status</th><th>forms</th><th>reason</th></tr>")
    for path, status, forms, error in q(f"SELECT path, status, forms, error FROM sources WHERE status NOT IN ('ok', 'duplicate') "
                                        f"ORDER BY status, path LIMIT {LIMIT}"):
        out.append(f"<tr><td>{esc(path)}</td><td>{esc(status)}</td><td class=n>{forms}</td><td>{esc(error)}</td></tr>")
    return out + ["</table>"] + _more(total, LIMIT, "sources")


def _checks(q: Query, linked: set[str]) -> list[str]:
    kinds = q('SELECT "check", bool_or(severity = \'error\'), count(*) FROM checks GROUP BY 1 ORDER BY 3 DESC, 1')
    out = ["<h2 id=checks>Checks</h2>"]
    if not kinds:
        return out + ["<p class=muted>No findings: every check passed.</p>"]
    out.append("<table><tr><th>check</th><th>severity</th><th>findings</th></tr>")
    for kind, is_error, n in kinds:
        sev = "error" if is_error else "warning"
        out.append(f"<tr><td><a href='#check-{esc(kind)}'>{esc(kind)}</a></td><td class={sev}>{sev}</td>"
                   f"<td class=n>{n}</td></tr>")
    out.append("</table>")
    for kind, _, n in sorted(kinds):
        out.append(f"<h3 id='check-{esc(kind)}'>{esc(kind)} ({n})</h3><table>"
                   "<tr><th>form</th><th>severity</th><th>detail</th></tr>")
        rows = q("SELECT c.form_id, s.path, c.severity, c.detail FROM checks c JOIN sources s USING (source_id) "
                 f"WHERE c.\"check\" = '{kind.replace(chr(39), '')}' ORDER BY c.form_id NULLS FIRST, c.detail "
                 f"LIMIT {LIMIT}")
        for form_id, path, sev, detail in rows:
            if form_id:
                linked.add(form_id)
            where = f"<a href='#form-{esc(form_id)}'>{esc(form_id)}</a>" if form_id else esc(path)
            out.append(f"<tr><td>{where}</td><td class={esc(sev)}>{esc(sev)}</td><td>{esc(detail)}</td></tr>")
        out.append("</table>")
        out += _more(n, LIMIT, "checks")
    return out


def _headers(q: Query) -> list[str]:
    from .dataset import HEADERS

    out = ["<h2 id=headers>Header mappings</h2>",
           "<p class=muted>Each printed header cell of the dataset's forms, the column it was read as and its "
           "lowest match score (100 is an exact vocabulary word; below 80 is reported in checks).</p>",
           "<table><tr><th>printed header</th><th>column</th><th>score</th><th>forms</th></tr>"]
    rows = q(f'SELECT text, "column", min(score), count(*) FROM {HEADERS} GROUP BY 1, 2 '
             f"ORDER BY 3, 1 LIMIT {LIMIT}")
    for text, col, low, n in rows:
        cls = "error" if col is None else ("warning" if low < 80 else "")
        out.append(f"<tr><td>{esc(text)}</td><td class='{cls}'>{esc(col or 'unmapped')}</td>"
                   f"<td class=n>{low:g}</td><td class=n>{n}</td></tr>")
    return out + ["</table>"]


def _forms(q: Query, linked: set[str], n_forms: int) -> list[str]:
    out = [f"<h2 id=forms>Forms with findings</h2><p class=muted>{len(linked)} of {n_forms} forms are linked "
           "from the checks above.</p><table><tr><th>form</th><th>file</th><th>pages</th><th>year</th>"
           "<th>department</th><th>project</th><th>score</th><th>indicators</th><th>findings</th></tr>"]
    if not linked:
        return out + ["</table>"]
    ids = ", ".join(f"'{i}'" for i in sorted(linked))
    rows = q("SELECT p.form_id, s.path, p.page_start, p.page_end, p.fiscal_year, p.department, p.project_name, "
             "p.total_score, "
             "(SELECT count(*) FROM indicators i WHERE i.form_id = p.form_id), "
             "(SELECT count(*) FROM checks c WHERE c.form_id = p.form_id) "
             f"FROM projects p JOIN sources s USING (source_id) WHERE p.form_id IN ({ids}) ORDER BY p.form_id")
    for fid, path, p0, p1, year, dept, name, score, n_ind, n_chk in rows:
        pages = "" if p0 is None else (f"{p0}" if p0 == p1 else f"{p0}-{p1}")
        out.append(f"<tr id='form-{esc(fid)}'><td>{esc(fid)}</td><td>{esc(path)}</td><td class=n>{pages}</td>"
                   f"<td>{esc(year)}</td>"
                   f"<td>{esc(dept)}</td><td>{esc(name)}</td><td class=n>{'' if score is None else f'{score:g}'}</td>"
                   f"<td class=n>{n_ind}</td><td class=n>{n_chk}</td></tr>")
    return out + ["</table>"]


# --- charts ---------------------------------------------------------------------------------------

W, H, PAD = 520, 240, 36


def _charts(q: Query) -> list[str]:
    lo, hi = q("SELECT min(total_score), max(total_score) FROM projects WHERE total_score BETWEEN 0 AND 100")[0]
    # bins over the scores present (most forms score 80-100: bins of 5 from 0 would show two bars)
    start, width = (0, 5) if lo is None else _score_bins(float(lo), float(hi))
    bins: dict[int, int] = dict(q(f"SELECT least(floor((total_score - {start}) / {width}), 19)::INT, count(*) FROM projects "
                  f"WHERE total_score BETWEEN {start} AND 100 GROUP BY 1"))
    hist = _bars([(f"{start + width * b:g}", bins.get(b, 0)) for b in range(20)],
                 f"total score (bins of {width:g} from {start:g})")
    pts = q("SELECT execution_rate, total_score FROM projects WHERE execution_rate IS NOT NULL "
            "AND total_score IS NOT NULL ORDER BY hash(form_id) LIMIT 2000")
    years = [(str(y if y is not None else "?"), n) for y, n in
             q("SELECT fiscal_year, count(*) FROM projects GROUP BY 1 ORDER BY 1 NULLS LAST")]
    depts = q("SELECT coalesce(department, '?'), count(*) FROM projects GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12")
    return ["<h2 id=charts>Charts</h2><div class=charts>",
            _figure("Score distribution", hist),
            _figure("Execution rate against score" + (" (a sample of 2,000)" if len(pts) == 2000 else ""),
                    _scatter(pts)),
            _figure("Forms per year", _bars(years, "fiscal year")),
            _figure("Forms per department (top 12)", _hbars(depts)), "</div>"]


def _score_bins(lo: float, hi: float) -> tuple[float, float]:
    """The start and width of 20 bins that cover [lo, hi]: widths of 1, 2, 5
    or 10 points (read off an axis at a glance), starting on a multiple."""
    for width in (1.0, 2.0, 5.0):
        start = width * (lo // width)
        if start + 20 * width > hi:
            return start, width
    return 0.0, 5.0


def _figure(title: str, svg: str) -> str:
    return f"<figure><figcaption>{esc(title)}</figcaption>{svg}</figure>"


def _svg(body: list[str]) -> str:
    return (f"<svg viewBox='0 0 {W} {H}' width='100%' role=img xmlns='http://www.w3.org/2000/svg'>"
            + "".join(body) + "</svg>")


def _bars(items: list[tuple[str, int]], xlabel: str) -> str:
    if not items:
        return _svg([f"<text x='{W / 2}' y='{H / 2}' text-anchor=middle>no data</text>"])
    top = max(n for _, n in items) or 1
    bw = (W - 2 * PAD) / len(items)
    body = [f"<line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke='#99a3ad'/>"]
    for k, (label, n) in enumerate(items):
        h = (H - 2 * PAD) * n / top
        x = PAD + k * bw
        body.append(f"<rect x='{x + 1:.1f}' y='{H - PAD - h:.1f}' width='{bw - 2:.1f}' height='{h:.1f}' "
                    f"fill='#4e79a7'><title>{esc(label)}: {n}</title></rect>")
        if len(items) <= 24:
            body.append(f"<text x='{x + bw / 2:.1f}' y='{H - PAD + 13}' text-anchor=middle>{esc(label)}</text>")
        if n:
            body.append(f"<text x='{x + bw / 2:.1f}' y='{H - PAD - h - 3:.1f}' text-anchor=middle>{n}</text>")
    body.append(f"<text x='{W / 2}' y='{H - 6}' text-anchor=middle>{esc(xlabel)}</text>")
    return _svg(body)


def _hbars(items: list[tuple[str, int]]) -> str:
    if not items:
        return _svg([f"<text x='{W / 2}' y='{H / 2}' text-anchor=middle>no data</text>"])
    top = max(n for _, n in items) or 1
    bh = (H - 10) / len(items)
    left = 200
    body = []
    for k, (label, n) in enumerate(items):
        w = (W - left - 40) * n / top
        y = 5 + k * bh
        body.append(f"<text x='{left - 6}' y='{y + bh * 0.7:.1f}' text-anchor=end>{esc(label[:16])}</text>")
        body.append(f"<rect x='{left}' y='{y + 1:.1f}' width='{w:.1f}' height='{bh - 2:.1f}' fill='#59a14f'>"
                    f"<title>{esc(label)}: {n}</title></rect>")
        body.append(f"<text x='{left + w + 4:.1f}' y='{y + bh * 0.7:.1f}'>{n}</text>")
    return _svg(body)


def _scatter(points: list[tuple[float, float]]) -> str:
    body = [f"<line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke='#99a3ad'/>",
            f"<line x1={PAD} y1={PAD / 2} x2={PAD} y2={H - PAD} stroke='#99a3ad'/>",
            f"<text x='{W / 2}' y='{H - 6}' text-anchor=middle>execution rate (0–110%)</text>",
            f"<text x='10' y='{H / 2}' transform='rotate(-90 10 {H / 2})' text-anchor=middle>total score</text>"]
    for v, label in ((0, "0"), (0.5, "50%"), (1.0, "100%")):
        x = PAD + (W - 2 * PAD) * v / 1.1
        body.append(f"<text x='{x:.1f}' y='{H - PAD + 13}' text-anchor=middle>{label}</text>")
    for v in (0, 50, 100):
        y = H - PAD - (H - 1.5 * PAD) * v / 100
        body.append(f"<text x='{PAD - 4}' y='{y + 4:.1f}' text-anchor=end>{v}</text>")
    for rate, score in points:
        x = PAD + (W - 2 * PAD) * min(max(rate, 0), 1.1) / 1.1
        y = H - PAD - (H - 1.5 * PAD) * min(max(score, 0), 100) / 100
        body.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r=3 fill='#e15759' fill-opacity=0.6>"
                    f"<title>{rate:.2%}, {score:g}</title></circle>")
    if not points:
        body.append(f"<text x='{W / 2}' y='{H / 2}' text-anchor=middle>no data</text>")
    return _svg(body)
