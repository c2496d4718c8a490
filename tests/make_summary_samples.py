"""Writes seed 002's wide summary table as a real DOCX and a real PDF
(samples/002_summary.docx, samples/002_summary.pdf) with their gold
(tests/gold/summary/), from the seed's hand-checked gold.

    .venv/bin/python tests/make_summary_samples.py

Unlike the flattened seed, these keep the header's geometry: 序号 … 整改情况
merged down three header rows, 产出目标 over its categories over
年度指标内容 / 完成情况, 实际支出金额 over 合计 and 其中：财政拨款, and every
empty cell in place. The second table's header, like the seed's, names no
category over its fourth 产出 pair. The PDF (A3 landscape, reportlab's
built-in STSong CID font) repeats the three header rows on every page.
Run once; the output is committed (reportlab is needed only here).
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
TITLE = "2020年度龙岗区妇女联合会部门预算项目绩效自评情况公开表"
DEPARTMENT = "部门名称（盖章）：深圳市龙岗区妇女联合会"
FIXED_LEFT = ["序号", "项目名称", "项目年度预算金额", "实际支出金额", None, "预算支出执行率", "年初绩效目标",
              "绩效目标整体完成情况"]
FIXED_RIGHT = ["项目执行中存在的问题", "整改情况"]


def wan(yuan) -> str:
    return "" if yuan is None else f"{yuan / 10000:g}"


def header_rows(forms: list[dict]) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Three header rows and their merges (row0, col0, row1, col1), inclusive."""
    inds = forms[0]["indicators"]
    width = len(FIXED_LEFT) + 2 * len(inds) + len(FIXED_RIGHT)
    rows = [[""] * width for _ in range(3)]
    merges = []
    for c, h in enumerate(FIXED_LEFT):
        if h is None:
            continue
        rows[0][c] = h
        if h == "实际支出金额":
            merges.append((0, c, 0, c + 1))
            rows[1][c], rows[1][c + 1] = "合计", "其中：财政拨款"
            merges += [(1, c, 2, c), (1, c + 1, 2, c + 1)]
        else:
            merges.append((0, c, 2, c))
    base = len(FIXED_LEFT)
    c = base
    while c < base + 2 * len(inds):
        group = inds[(c - base) // 2]["level1_raw"]
        end = c
        while end + 2 < base + 2 * len(inds) and inds[(end + 2 - base) // 2]["level1_raw"] == group:
            end += 2
        rows[0][c] = group
        merges.append((0, c, 0, end + 1))
        c = end + 2
    for k, ind in enumerate(inds):
        c = base + 2 * k
        rows[1][c] = ind["level2_raw"] or ""
        merges.append((1, c, 1, c + 1))
        rows[2][c], rows[2][c + 1] = "年度指标内容", "完成情况"
    for k, h in enumerate(FIXED_RIGHT):
        c = base + 2 * len(inds) + k
        rows[0][c] = h
        merges.append((0, c, 2, c))
    return rows, merges


def data_row(serial: int, form: dict) -> list[str]:
    p, funds = form["project"], {f["fund_kind"]: f for f in form["funds"]}
    rate = funds["total"]["execution_rate"]
    row = [str(serial), p["project_name"], wan(funds["total"]["budget_adjusted_yuan"]),
           wan(funds["total"]["executed_yuan"]), wan(funds["fiscal"]["executed_yuan"]),
           "" if rate is None else f"{rate * 100:g}%", p["goal_planned"] or "", p["goal_achieved"] or ""]
    for ind in form["indicators"]:
        row += [ind["target_raw"] or "", ind["actual_raw"] or ""]
    return row + [p["problems"] or "", p["rectification"] or ""]


def tables(forms: list[dict]) -> list[list[dict]]:
    """The seed's two tables: the second starts where the categories change."""
    cut = next(i for i, f in enumerate(forms)
               if [x["level2_raw"] for x in f["indicators"]] != [x["level2_raw"] for x in forms[0]["indicators"]])
    return [forms[:cut], forms[cut:]]


def write_docx(forms: list[dict], path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.orientation, sec.page_width, sec.page_height = WD_ORIENT.LANDSCAPE, Mm(420), Mm(297)
    d.styles["Normal"].font.size = Pt(6)
    d.add_paragraph(TITLE)
    d.add_paragraph("单位：万元")
    d.add_paragraph(DEPARTMENT)
    serial = 1
    for part in tables(forms):
        head, merges = header_rows(part)
        t = d.add_table(rows=3 + len(part), cols=len(head[0]))
        t.style = "Table Grid"
        for r0, c0, r1, c1 in merges:
            if (r0, c0) != (r1, c1):
                t.cell(r0, c0).merge(t.cell(r1, c1))
        for r, row in enumerate(head):
            for c, text in enumerate(row):
                if text:
                    t.cell(r, c).text = text
        for k, form in enumerate(part):
            for c, text in enumerate(data_row(serial, form)):
                t.cell(3 + k, c).text = text
            serial += 1
        d.add_paragraph("")
    d.save(path)


def write_pdf(forms: list[dict], path: Path) -> None:
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=6, leading=7.5, wordWrap="CJK")
    page = landscape(A3)
    doc = SimpleDocTemplate(str(path), pagesize=page, leftMargin=20, rightMargin=20, topMargin=30, bottomMargin=30)
    story = [Paragraph(TITLE, ParagraphStyle("t", parent=style, fontSize=12, leading=16)),
             Paragraph("单位：万元", style), Paragraph(DEPARTMENT, style), Spacer(1, 6)]
    serial = 1
    for part in tables(forms):
        head, merges = header_rows(part)
        width = len(head[0])
        narrow = {0: 22, 1: 60, 2: 32, 3: 32, 4: 32, 5: 32}
        rest = (page[0] - 40 - sum(narrow.values())) / (width - len(narrow))
        widths = [narrow.get(c, rest) for c in range(width)]
        body = []
        for row in head:
            body.append([Paragraph(t, style) if t else "" for t in row])
        for form in part:
            body.append([Paragraph(t, style) if t else "" for t in data_row(serial, form)])
            serial += 1
        table = Table(body, colWidths=widths, repeatRows=3)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
                                  + [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in merges]))
        story += [table, Spacer(1, 12)]
    doc.build(story)


def main() -> None:
    gold = json.loads(next(GOLD.glob("002_*.json")).read_text(encoding="utf-8"))
    out = GOLD / "summary"
    out.mkdir(exist_ok=True)
    for ext, write in (("docx", write_docx), ("pdf", write_pdf)):
        name = f"002_summary.{ext}"
        write(gold["forms"], ROOT / "samples" / name)
        (out / f"{name}.gold.json").write_text(json.dumps({**gold, "source": name}, ensure_ascii=False, indent=1),
                                               encoding="utf-8")


if __name__ == "__main__":
    main()
