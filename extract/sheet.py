"""What XLSX and XLS share: a sheet's cells and merged ranges to a grid,
without its hidden rows and columns and its empty margins."""
from __future__ import annotations

import bisect
from typing import NamedTuple

from jixiao.extract.grid import Cell, Grid


class SheetCell(NamedTuple):
    row: int  # 0-based, in the sheet
    col: int
    text: str
    address: str  # Sheet!B7


def sheet_grid(cells: list[SheetCell], merges: list[tuple[int, int, int, int]],
               hidden_rows: set[int], hidden_cols: set[int]) -> Grid:
    """`merges` are half-open (row_lo, row_hi, col_lo, col_hi). Rows and
    columns that are hidden or hold no text are dropped; a merge keeps the
    span of what is left of it."""
    merge_at = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in merges}
    kept = [c for c in cells if c.text.strip() and c.row not in hidden_rows and c.col not in hidden_cols]
    rows = sorted({c.row for c in kept})
    cols = sorted({c.col for c in kept} | {c0 for c in kept for c0 in _span_cols(c, merge_at, hidden_cols)})
    out = []
    for c in kept:
        r1, c1 = merge_at.get((c.row, c.col), (c.row + 1, c.col + 1))
        row = bisect.bisect_left(rows, c.row)
        col = bisect.bisect_left(cols, c.col)
        row_span = max(bisect.bisect_left(rows, r1) - row, 1)
        col_span = max(bisect.bisect_left(cols, c1) - col, 1)
        out.append(Cell(row, col, c.text, row_span, col_span, address=c.address))
    return Grid(out)


def _span_cols(c: SheetCell, merge_at: dict[tuple[int, int], tuple[int, int]], hidden_cols: set[int]) -> list[int]:
    """Visible columns a merged cell covers: they stay in the grid, so that a
    cell below that starts in one of them keeps its own column."""
    r1c1 = merge_at.get((c.row, c.col))
    if r1c1 is None:
        return []
    return [k for k in range(c.col, r1c1[1]) if k not in hidden_cols]
