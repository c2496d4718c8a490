"""XLS (Excel 97-2003) -> grids with xlrd: the same as `xlsx`, from BIFF."""
from __future__ import annotations

from pathlib import Path

from jixiao.extract.cellformat import display
from jixiao.extract.grid import Document
from jixiao.extract.sheet import SheetCell, sheet_grid


def read(path: Path) -> Document:
    import xlrd

    # formatting_info: number formats, merged ranges and hidden rows/columns.
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd's compound-document and BIFF errors: the file is unreadable
        raise ValueError(f"damaged XLS ({type(exc).__name__}): {exc}") from exc
    grids, notes = [], []
    try:
        for k in range(book.nsheets):
            sh = book.sheet_by_index(k)
            if sh.visibility != 0:
                notes.append(f"sheet {sh.name!r} is hidden and was not read")
                continue
            hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
            hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
            cells = []
            for r in range(sh.nrows):
                for c in range(sh.ncols):
                    cell = sh.cell(r, c)
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        continue
                    fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        value = bool(value)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        value = xlrd.error_text_from_code.get(value, "#ERR")
                    cells.append(SheetCell(r, c, display(value, fmt), f"{sh.name}!{xlrd.cellname(r, c)}"))
            grid = sheet_grid(cells, list(sh.merged_cells), hidden_rows, hidden_cols)
            if grid.cells:
                grids.append(grid)
            book.unload_sheet(k)
    finally:
        book.release_resources()
    return Document(grids, "xlrd", None, notes)
