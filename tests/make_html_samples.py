"""Render a DOCX as the web pages sites publish: a UTF-8 .html, a GBK .htm
that declares gb2312, a saved page (.mht, quoted-printable) and an HTML table
handed out as .xls. Merged cells become rowspan/colspan, text outside the
tables <p> paragraphs, line breaks inside a cell <br>.

usage: make_html_samples.py SRC.docx OUT_DIR
"""
from __future__ import annotations

import html
import quopri
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def grid_html(grid) -> str:
    if grid.kind == "text":
        return "\n".join(f"<p>{html.escape(c.text)}</p>" for c in sorted(grid.cells, key=lambda c: c.row))
    by_row: dict[int, list] = {}
    for c in grid.cells:
        by_row.setdefault(c.row, []).append(c)
    out = ['<table border="1" cellspacing="0" style="border-collapse:collapse">']
    for r in range(grid.n_rows):
        tds = []
        for c in sorted(by_row.get(r, []), key=lambda c: c.col):
            span = (f' rowspan="{c.row_span}"' if c.row_span > 1 else "") + (
                f' colspan="{c.col_span}"' if c.col_span > 1 else "")
            text = "<br>".join(html.escape(ln) for ln in c.text.split("\n"))
            tds.append(f"<td{span}>{text}</td>")
        # a row whose every cell is covered by spans from above still gets its <tr>
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def render(src: Path, charset: str = "utf-8") -> str:
    from jixiao.extract import docx

    doc = docx.read(src)
    body = "\n".join(grid_html(g) for g in doc.grids)
    return (f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset={charset}"><title>{html.escape(src.stem)}</title></head>\n<body>\n{body}\n</body></html>\n')


def _vertical(text: str) -> str:
    """A label printed a character a line (产<br>出<br>指<br>标<br>（50分）), as
    pages made from Word print a tall narrow cell; its bracketed note whole."""
    return "<br>".join(html.escape(p) for p in re.findall(r"[（(][^）)]*[）)]|.", text))


def rows_html(rows: list[list[str]], pad: bool, vertical: bool = False) -> str:
    """A real form's tab-separated rows (a spreadsheet's copy) as the web
    table a site would print: a row's leading empty cells under a filled one
    are that cell's span (rowspan), as a merged label's are. A row of a label
    and its text (two cells or fewer filled) ends in a cell spanning to the
    table's edge (colspan), or, with `pad`, keeps every cell to the edge
    empty; the other rows keep their empty cells. `vertical`: a short label
    that spans rows is printed a character a line."""
    width = max(len(r) for r in rows)
    spans: dict[tuple[int, int], list] = {}  # (row, column) -> [text, rowspan, colspan] of the cell there
    table: list[list[list]] = []
    for r, row in enumerate(rows):
        filled = [k for k, t in enumerate(row) if t.strip()]
        short = len(row) > 1 and len(filled) <= 2 and not pad
        row = row[:filled[-1] + 1] if short and filled else row + [""] * (width - len(row)) if len(row) > 1 else row
        tds: list[list] = []
        for c, t in enumerate(row):
            if c < (filled[0] if filled else 0) and (r - 1, c) in spans:
                spans[r, c] = spans[r - 1, c]
                spans[r, c][1] += 1
                continue
            tds.append([t, 1, 1])
            if t.strip():
                spans[r, c] = tds[-1]
        if tds and len(row) < width:
            tds[-1][2] += width - len(row)
        table.append(tds)
    # (written once every span is known: a cell's rowspan grows with the rows below it)
    return "\n".join(['<table border="1" cellspacing="0">', *(
        "<tr>" + "".join(f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>"
                         f"{_vertical(t) if vertical and rs > 1 and len(t) <= 12 else html.escape(t)}</td>"
                         for t, rs, cs in tds) + "</tr>" for tds in table), "</table>"])


# A government site's page around a form: its breadcrumb above, and below the
# publishing line, print and close links and the copyright (as 01's page had).
SITE_HEAD = "<p>首页 &gt; 政务公开 &gt; 财政资金 &gt; 预决算公开</p>"
SITE_FOOT = ("<p>发布时间：2023-06-30 10:21 浏览次数：1024</p><p>【打印本页】 【关闭窗口】</p>"
             "<div>版权所有：某某县人民政府 网站标识码：1234567890 皖ICP备05012345号</div>")


def real_form_page(cells: Path, pad: bool = False, vertical: bool = False, site: bool = False,
                   after: str = "") -> str:
    """A real form's web page, from its tab-separated rows (samples/real/*.cells.txt): see `rows_html`.
    `site`: inside its site's furniture (SITE_HEAD, SITE_FOOT); `after`: HTML printed after the table."""
    rows = [ln.split("\t") for ln in cells.read_text(encoding="utf-8").split("\n") if ln.strip()]
    head, foot = (SITE_HEAD, SITE_FOOT) if site else ("", "")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{head}{rows_html(rows, pad, vertical)}'
            f"{after}{foot}</body></html>")


def mht(page: str) -> bytes:
    part = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    return ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_000\"; "
            "type=\"text/html\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n"
            "------=_NextPart_000\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: file:///C:/page.htm\r\n\r\n"
            f"{part}\r\n------=_NextPart_000--\r\n").encode("ascii")


def write_all(src: Path, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = src.stem
    paths = {"html": out_dir / f"{stem}.html", "htm": out_dir / f"{stem}.htm",
             "mht": out_dir / f"{stem}.mht", "xls": out_dir / f"{stem}.xls"}
    paths["html"].write_text(render(src), encoding="utf-8")
    paths["htm"].write_bytes(render(src, "gb2312").encode("gb18030"))
    paths["mht"].write_bytes(mht(render(src)))
    paths["xls"].write_text(render(src), encoding="utf-8")
    return list(paths.values())


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1]), Path(sys.argv[2])):
        print(p)
