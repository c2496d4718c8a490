"""Print a workbook to PDF the way offices do it: every table cell ruled,
columns wide enough for their text, LibreOffice's own page breaks (so a tall
merged label is cut by the foot of a page). A PDF kind the held-out sets
have: spreadsheets printed by LibreOffice.

usage: sheet_to_pdf_lo.py SRC.xlsx OUT_DIR   (needs soffice: libreoffice-calc-nogui)
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from jixiao.extract.office import soffice


def ruled_copy(src: Path, dst: Path) -> None:
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        for c, width in enumerate([10, 12, 22, 14, 14, 10, 8, 16, 8], start=1):
            dim = ws.column_dimensions[get_column_letter(c)]
            if not dim.hidden:  # hidden rows and columns stay hidden (and unprinted)
                dim.width = width
        hidden_cols = {c for c in range(1, ws.max_column + 1) if ws.column_dimensions[get_column_letter(c)].hidden}
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
            for cell in row:
                if (cell.column in hidden_cols or ws.row_dimensions[cell.row].hidden) and not isinstance(cell, MergedCell):
                    cell.value = None  # Calc prints a hidden column's text all the same: not a form's
        for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=ws.max_column):
            for cell in row:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        # rows as tall as their text (Calc keeps an imported row's height): a cell
        # holds about width / 2 CJK characters a line, a merged cell its columns' worth
        widths = {c: ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)}
        span = {(m.min_row, m.min_col): (m.max_row - m.min_row + 1,
                                         sum(widths.get(c, 10) for c in range(m.min_col, m.max_col + 1)))
                for m in ws.merged_cells.ranges}
        for r in range(1, ws.max_row + 1):
            if ws.row_dimensions[r].hidden:
                continue
            lines = 1.0
            for c in range(1, ws.max_column + 1):
                text = str(ws.cell(r, c).value or "")
                rows, width = span.get((r, c), (1, widths.get(c, 10)))
                per_line = max(1, int(width / 2.1))
                need = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
                lines = max(lines, need / rows)
            ws.row_dimensions[r].height = 15 * lines + 2
        # one page wide, as many pages tall as it takes: tall merged labels get cut by page feet
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    wb.save(dst)


def save_as(src: Path, fmt: str, out_dir: Path, profile: Path | None = None) -> Path:
    """`src` saved by LibreOffice as `fmt`, in out_dir (its profile in
    `profile`, by default out_dir/profile)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("no soffice: apt install libreoffice-writer-nogui libreoffice-calc-nogui")
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{profile or out_dir / 'profile'}",
                    "--convert-to", fmt, "--outdir", str(out_dir), str(src)], check=True, capture_output=True,
                   timeout=180)
    return out_dir / f"{src.stem}.{fmt}"


def print_pdf(src: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        ruled = Path(tmp) / src.with_suffix(".xlsx").name
        if src.suffix.lower() == ".xls":  # openpyxl reads XLSX only: Calc converts it first
            src = save_as(src, "xlsx", Path(tmp) / "xlsx", profile)
        ruled_copy(src, ruled)
        return save_as(ruled, "pdf", out_dir, profile)


if __name__ == "__main__":
    print(print_pdf(Path(sys.argv[1]), Path(sys.argv[2])))
