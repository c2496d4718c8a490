"""Render the form-family samples (samples/families/*.txt, tab-separated
copies) as an XLSX, a DOCX (the title lines as paragraphs, the rest one
ruled table) and, when LibreOffice is at hand, a PDF printed from the XLSX.

usage: make_family_samples.py SRC.txt OUT_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path


def rows_of(src: Path) -> list[list[str]]:
    return [ln.split("\t") for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]


def to_xlsx(src: Path, dst: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows_of(src), start=1):
        for c, text in enumerate(row, start=1):
            if text:
                ws.cell(r, c, text)
    wb.save(dst)
    return dst


def to_docx(src: Path, dst: Path) -> Path:
    import docx

    rows = rows_of(src)
    head = 0
    while head < len(rows) and len(rows[head]) == 1:
        head += 1
    d = docx.Document()
    for row in rows[:head]:
        d.add_paragraph(row[0])
    width = max(len(r) for r in rows[head:])
    table = d.add_table(rows=len(rows) - head, cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows[head:]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.save(dst)
    return dst


def write_all(src: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = [to_xlsx(src, out / f"{src.stem}.xlsx"), to_docx(src, out / f"{src.stem}.docx")]
    from sheet_to_pdf_lo import print_pdf, soffice

    if soffice():
        made.append(print_pdf(made[0], out))
    return made


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    for p in write_all(Path(sys.argv[1]), Path(sys.argv[2])):
        print(p)
