"""Flattened text: what people pasted out of Word, Excel or PDF tables.

Two flavors occur and are told apart automatically:

* tsv   - one table row per line, cells separated by tabs;
* cells - one cell per line: a tab starts a cell, a line without a leading
          tab continues the cell above, and a blank line ends the row.

A blank line inside a row that is still short of the table's width does not
end it (a cell whose text ended in a line break leaves such a blank line), so
short rows followed by their missing tail are joined back.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from .grid import Cell, Document, Grid

EXTRACTOR_TSV = "text-tsv"
EXTRACTOR_CELLS = "text-cells"


class TextDecodeError(ValueError):
    pass


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset
    of GBK and GB2312). Anything else is refused rather than guessed."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise TextDecodeError("text is not UTF-8, UTF-16 or GB18030/GBK")


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def detect_flavor(lines: list[str]) -> str:
    """`tsv` when a tenth or more of the non-blank lines hold two or more tabs."""
    nonblank = [ln for ln in lines if ln.strip()]
    multi = sum(1 for ln in nonblank if ln.count("\t") >= 2)
    return "tsv" if nonblank and multi * 10 >= len(nonblank) else "cells"


def tsv_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    return [(i + 1, ln.split("\t")) for i, ln in enumerate(lines) if ln.strip()]


def cell_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Rows of the one-cell-per-line flavor, as (first line number, cells).

    A line without a leading tab continues the cell above it: after no or one
    blank line always, after more only while the row is still short of the
    table's width and its last cell has text (a tall merged cell printed
    with blank lines inside); otherwise it starts a row (a new title)."""
    rows: list[tuple[int, list[str]]] = []
    cur: list[str] | None = None
    blanks = width = 0
    for no, line in enumerate(lines, start=1):
        if not line.strip() and not line.startswith("\t"):
            blanks += 1
            continue
        if line.startswith("\t"):
            if cur is None or blanks:
                if cur is not None and len(cur) >= 5:
                    width = len(cur)
                cur = []
                rows.append((no, cur))
            cur.append(line[1:])
        elif cur is not None and (blanks <= 1 or (len(cur) < width and cur[-1].strip())):
            cur[-1] += "\n" + line
        else:
            cur = [line]
            rows.append((no, cur))
        blanks = 0
    return join_split_rows(rows)


def join_split_rows(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Join a short row with the rows after it when together they make exactly
    the width of the table they sit in (the last row of five or more cells)."""
    out: list[tuple[int, list[str]]] = []
    width = 0
    i = 0
    while i < len(rows):
        no, cells = rows[i]
        if width and 2 <= len(cells) < width:
            total, j = len(cells), i + 1
            while total < width and j < len(rows):
                total += len(rows[j][1])
                j += 1
            if total == width:
                cells = [c for _, r in rows[i:j] for c in r]
                i = j - 1
        if len(cells) >= 5:
            width = len(cells)
        out.append((no, cells))
        i += 1
    return out


def read(path: str | Path) -> Document:
    text = decode(Path(path).read_bytes())
    return read_text(text)


def read_text(text: str) -> Document:
    lines = split_lines(text)
    flavor = detect_flavor(lines)
    numbered = tsv_rows(lines) if flavor == "tsv" else cell_rows(lines)
    cells = [
        Cell(row=r, col=c, text=t, address=f"L{no}")
        for r, (no, row) in enumerate(numbered)
        for c, t in enumerate(row)
    ]
    return Document(grids=[Grid(cells=cells)],
                    extractor=EXTRACTOR_TSV if flavor == "tsv" else EXTRACTOR_CELLS)
