"""XLSX -> grids with openpyxl: one grid per visible sheet, merged ranges as
real spans, every value as the cell shows it (see `cellformat`), hidden rows
and columns left out (they are not part of the printed form)."""
from __future__ import annotations

import warnings
from pathlib import Path

from jixiao.extract import ooxml
from jixiao.extract.cellformat import display
from jixiao.extract.grid import Document
from jixiao.extract.sheet import SheetCell, sheet_grid


def read(path: Path) -> Document:
    import openpyxl
    from openpyxl.utils import column_index_from_string

    ooxml.check(Path(path), "xlsx")
    with warnings.catch_warnings():  # openpyxl warns about every unknown extension it skips
        warnings.simplefilter("ignore")
        # Not read_only: merged ranges and row/column dimensions need the full model.
        # data_only: a formula reads as the value it last showed.
        try:
            wb = openpyxl.load_workbook(path, data_only=True)
        except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is unreadable
            raise ValueError(f"damaged XLSX ({type(exc).__name__}): {exc}") from exc
    grids, notes = [], []
    unsaved = ooxml.formulas_without_values(Path(path))
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            notes.append(f"sheet {ws.title!r} is {ws.sheet_state} and was not read")
            continue
        if bare := unsaved.get(ws.title):
            # never silent: the cells read empty, and the check says which and why
            notes.append(f"sheet {ws.title!r}: {len(bare)} formula cell(s) without a saved value, read as empty "
                         f"(e.g. {bare[0][0]} ={bare[0][1][:40]}): the program that wrote the file did not compute "
                         "them; open and save it in Excel or WPS to keep their values")
        hidden_rows = {r - 1 for r, d in ws.row_dimensions.items() if d.hidden}
        hidden_cols = set()
        for key, d in ws.column_dimensions.items():
            if d.hidden:
                lo = d.min or column_index_from_string(key)
                hidden_cols |= set(range(lo - 1, (d.max or lo)))
        merges = [(m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in ws.merged_cells.ranges]
        # The cells the sheet holds, not every position of its dimensions:
        # one stray value at XFD1048576 would make iter_rows() walk 17 billion.
        # (openpyxl keeps them in `_cells`; read-only mode, which iterates them,
        # has no merged ranges.)
        held = sorted((c for c in ws._cells.values() if c.value is not None),  # None: empty, or under a merge
                      key=lambda c: (c.row, c.column))
        cells = [SheetCell(c.row - 1, c.column - 1, display(c.value, c.number_format), f"{ws.title}!{c.coordinate}")
                 for c in held]
        grid = sheet_grid(cells, merges, hidden_rows, hidden_cols)
        if grid.cells:
            grids.append(grid)
    return Document(grids, "openpyxl", None, notes)
