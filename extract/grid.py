"""The one table model every extractor produces and the normalizer consumes.

A Grid holds sparse cells with half-open spans and their provenance. The
dense view (`rows()`) is derived on demand, never stored beside the cells,
so a span can't disagree with itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    page: int | None = None  # 1-based page of paged formats
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in points
    address: str | None = None  # sheet!A1 for spreadsheets

    def __post_init__(self) -> None:
        if self.row < 0 or self.col < 0 or self.row_span < 1 or self.col_span < 1:
            raise ValueError(f"bad cell geometry: {self}")

    def where(self, table: str = "") -> str:
        """Where the cell was printed, as precisely as its format says: page
        and box in points, a sheet's A1 address, a text line, else its grid
        row and column (in `table`, e.g. "table 2 ")."""
        page = f"p{self.page} " if self.page is not None else ""
        if self.address:
            return f"{page}{self.address}"
        if self.bbox:
            x0, top, x1, bottom = self.bbox
            return f"{page}({x0:.0f},{top:.0f})-({x1:.0f},{bottom:.0f})pt"
        return f"{page}{table}r{self.row + 1}c{self.col + 1}"


@dataclass
class Grid:
    """A table (or a run of text lines, one cell each) in reading order."""

    cells: list[Cell] = field(default_factory=list)
    # "table"; "text" (paragraphs outside any table); "stream" (cells in reading
    # order, one per row, from text that lost its rows: normalize/reflow.py
    # rebuilds them by content)
    kind: str = "table"

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for c in self.cells), default=0)

    def rows(self) -> list[list[str]]:
        """Dense text rows: a merged cell's text stands at its origin and the
        positions it covers are empty, as a flattened copy of it would be.
        Rows keep their own length (a text row that lost cells stays short)."""
        out = [[""] * w for w in self._widths()]
        for c in self.cells:
            out[c.row][c.col] = c.text
        return out

    def _widths(self) -> list[int]:
        """Each dense row's length: to the end of its last cell."""
        width: dict[int, int] = {}
        for c in self.cells:
            width[c.row] = max(width.get(c.row, 0), c.col + c.col_span)
        return [width.get(r, 0) for r in range(self.n_rows)]

    def places(self, table: str = "") -> list[list[str]]:
        """`rows()`'s shape, each position holding where its cell was printed
        (`Cell.where`); "" where a merged cell covers it."""
        out = [[""] * w for w in self._widths()]
        for c in self.cells:
            out[c.row][c.col] = c.where(table)
        return out

    def boxes(self) -> list[list[tuple[int, tuple[float, float, float, float]] | None]]:
        """`rows()`'s shape, each position holding its cell's (page, box) where
        the format has them (PDF, scans); None elsewhere."""
        out: list[list[tuple[int, tuple[float, float, float, float]] | None]] = [
            [None] * w for w in self._widths()]
        for c in self.cells:
            if c.page is not None and c.bbox is not None:
                out[c.row][c.col] = (c.page, c.bbox)
        return out

    def spanned_rows(self) -> list[list[str]]:
        """Rows with each merged cell counted once: a horizontal merge is one
        entry, a vertical merge repeats its text in every row it covers. What
        a reader that goes by cell order, not by column index, needs."""
        slots: dict[tuple[int, int], str] = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.row_span):
                slots[r, c.col] = c.text
        out: list[list[str]] = [[] for _ in range(self.n_rows)]
        for (r, _), t in sorted(slots.items()):
            out[r].append(t)
        return out

    def row_pages(self) -> list[int | None]:
        """The page each row starts on (None where the format has no pages)."""
        pages: list[int | None] = [None] * self.n_rows
        for c in self.cells:
            first = pages[c.row]
            if c.page is not None and (first is None or c.page < first):
                pages[c.row] = c.page
        return pages

    def cell_at(self, row: int, col: int) -> Cell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                return c
        return None


@dataclass
class Finding:
    """A `checks` row: a stable check name (schemas/checks.toml), a severity
    and one line of detail. The one shape of every finding, from a reader's
    (an OCR page's confidence) to a form's checks."""

    check: str
    severity: str
    detail: str


@dataclass
class Document:
    """What an extractor hands back for one file."""

    grids: list[Grid]
    extractor: str
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # file-level findings, one line each
    unread_pages: list[int] = field(default_factory=list)  # pages it could not read (scans without OCR)
    findings: list[Finding] = field(default_factory=list)  # file-level checks
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR: their numbers are readings, not print
    unmapped_pages: list[int] = field(default_factory=list)  # pages whose text layer is glyph numbers, not text

    @property
    def no_text_layer(self) -> str:
        """What the unread pages lack, in a reason's words."""
        return "no text layer that maps to Unicode" if self.unmapped_pages else "no text layer"
