"""Renders a workbook's visible sheets as a PDF of ruled tables (reportlab,
its built-in STSong CID font): merged ranges as spans, values as the cells
show them, hidden rows and columns left out, the two title rows above each
table. A PDF in a layout the corpus does not have, for tests."""
from __future__ import annotations

from pathlib import Path


def render(xlsx: Path, pdf: Path, ruled: bool = True) -> None:
    """`ruled`: False draws the tables without rules (a sheet printed without borders)."""
    import openpyxl
    from jixiao.extract.cellformat import display
    from openpyxl.utils import get_column_letter
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    title_style = ParagraphStyle("title", parent=cell_style, fontSize=12, leading=16)
    story = []
    for ws in openpyxl.load_workbook(xlsx, data_only=True).worksheets:
        if ws.sheet_state != "visible":
            continue
        cols = [c for c in range(1, ws.max_column + 1) if not ws.column_dimensions[get_column_letter(c)].hidden]
        rows = [r for r in range(1, ws.max_row + 1) if not ws.row_dimensions[r].hidden]
        text = [[display(ws.cell(r, c).value, ws.cell(r, c).number_format) for c in cols] for r in rows]
        body = [[Paragraph(t, cell_style) if t else "" for t in row] for row in text[2:]]
        spans = []
        for m in ws.merged_cells.ranges:
            rr = [rows.index(r) - 2 for r in range(m.min_row, m.max_row + 1) if r in rows]
            cc = [cols.index(c) for c in range(m.min_col, m.max_col + 1) if c in cols]
            if rr and cc and rr[0] >= 0 and (len(rr) > 1 or len(cc) > 1):
                spans.append(("SPAN", (cc[0], rr[0]), (cc[-1], rr[-1])))
        table = Table(body, colWidths=[60, 60, 80, 70, 70, 55, 50, 80])
        grid = [("GRID", (0, 0), (-1, -1), 0.5, "black")] if ruled else []
        table.setStyle(TableStyle([*grid, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans]))
        story += [Paragraph(text[0][0], title_style), Paragraph(text[1][0], cell_style), table, PageBreak()]
    SimpleDocTemplate(str(pdf), pagesize=A4).build(story)


def render_forms(cells: list[Path], pdf: Path) -> None:
    """Real forms (their tab-separated rows, samples/real/*.cells.txt) one
    after another as Word lays them out: the lines above each table (附件,
    title, year) as paragraphs, the rest as a ruled table, no page breaks
    between them: a title that fits where its table does not stays at the
    foot of the page, and its table opens the next."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    title_style = ParagraphStyle("title", parent=cell_style, fontSize=12, leading=16)
    story: list = []
    for path in cells:
        rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
        k = 0
        while sum(1 for c in rows[k] if c.strip()) == 1 and len(rows[k]) <= 2 and "名称" not in rows[k][0]:
            story.append(Paragraph("".join(rows[k]).strip(), title_style))
            k += 1
        n = max(len(r) for r in rows[k:])
        table = Table([[Paragraph(c, cell_style) if c.strip() else "" for c in r] + [""] * (n - len(r))
                       for r in rows[k:]], colWidths=[500 / n] * n)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(table)
    SimpleDocTemplate(str(pdf), pagesize=A4).build(story)
