"""Word documents: the body in reading order, paragraphs and tables interleaved.

Tables are read from the XML rather than python-docx's cell API: that API
hands back a merged cell once per covered position and silently drops cells
inside content controls (w:sdt), which would shift the row. Here a cell is its
own w:tc element, with its real spans: gridSpan across, vMerge down,
gridBefore/gridAfter for rows that start or end early.
"""
from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError

from . import ooxml
from .grid import Cell, Document, Grid

Element = Any  # an lxml element of the document's XML (lxml ships no type information)

EXTRACTOR = "python-docx"
W_P, W_TBL, W_SDT, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
W_SDT_CONTENT, W_CUSTOM_XML = qn("w:sdtContent"), qn("w:customXml")
W_T, W_BR, W_CR, W_TAB, W_VAL = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab"), qn("w:val")
W_TYPE = qn("w:type")
GRID_BEFORE = f"{qn('w:trPr')}/{qn('w:gridBefore')}"
GRID_SPAN, V_MERGE = f"{qn('w:tcPr')}/{qn('w:gridSpan')}", f"{qn('w:tcPr')}/{qn('w:vMerge')}"
MAIN_PART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def unwrap(parent: Element, *wanted: str) -> Iterator[Element]:
    """Children of `parent` with one of the `wanted` tags, in document order,
    looking through content controls and custom XML wrappers, which
    python-docx skips."""
    for child in parent:
        if child.tag in wanted:
            yield child
        elif child.tag in (W_SDT, W_CUSTOM_XML):
            inner = child.find(W_SDT_CONTENT) if child.tag == W_SDT else child
            if inner is not None:
                yield from unwrap(inner, *wanted)


def paragraph_text(p: Element) -> str:
    out = []
    for el in p.iter():
        if el.tag == W_T and el.text:
            out.append(el.text)
        elif el.tag in (W_BR, W_CR) and el.get(W_TYPE) != "page":
            out.append("\n")
        elif el.tag == W_TAB:
            out.append(" ")
    return "".join(out)


def cell_text(tc: Element) -> str:
    """Paragraphs joined by line breaks; a nested table's rows follow as lines."""
    parts = []
    for el in unwrap(tc, W_P, W_TBL):
        if el.tag == W_P:
            parts.append(paragraph_text(el))
        else:
            parts += [" ".join(cell_text(t) for t in unwrap(tr, W_TC)) for tr in unwrap(el, W_TR)]
    return "\n".join(parts).strip("\n")


def _int(el: Element, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return int(found.get(W_VAL))
    except (TypeError, ValueError):
        return default


def table_grid(tbl: Element) -> Grid:
    cells: list[dict[str, Any]] = []
    open_merge: dict[int, dict[str, Any]] = {}  # grid column -> cell a vMerge continues
    for r, tr in enumerate(unwrap(tbl, W_TR)):
        col = _int(tr, GRID_BEFORE, 0)
        for tc in unwrap(tr, W_TC):
            span = max(1, _int(tc, GRID_SPAN, 1))
            vm = tc.find(V_MERGE)
            continues = vm is not None and vm.get(W_VAL) in (None, "continue")
            origin = open_merge.get(col)
            if continues and origin is not None and origin["col"] == col:
                origin["row_span"] = r - origin["row"] + 1
            else:
                c = {"row": r, "col": col, "text": cell_text(tc), "row_span": 1, "col_span": span}
                cells.append(c)
                for k in range(col, col + span):
                    open_merge.pop(k, None)
                if vm is not None:
                    open_merge[col] = c
            col += span
    return Grid(cells=[Cell(**c) for c in cells])


def body_of(path: str | Path) -> Element:
    """The document's body, its main part (word/document.xml, or wherever the
    package's officeDocument relationship points) parsed by python-docx's own
    parser. docx.Document() parses every part first: the styles Word writes
    (350 KB, and 440 KB again with effects) cost four times the document's
    own XML, and nothing here reads them. A package this does not find its
    way through is left to docx.Document(), and to its messages."""
    try:
        with zipfile.ZipFile(path) as zf:
            rels = parse_xml(zf.read("_rels/.rels"))
            target = next(r.get("Target") for r in rels if r.get("Type") == MAIN_PART)
            return parse_xml(zf.read(posixpath.normpath(target.lstrip("/")))).body
    except (KeyError, StopIteration, AttributeError, TypeError, zipfile.BadZipFile, XMLSyntaxError, OSError):
        return docx.Document(str(path)).element.body


def read(path: str | Path) -> Document:
    ooxml.check(Path(path), "docx")
    body = body_of(path)
    grids: list[Grid] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            grids.append(Grid(cells=[Cell(row=i, col=0, text=t) for i, t in enumerate(lines)], kind="text"))
            lines.clear()

    for el in unwrap(body, W_P, W_TBL):
        if el.tag == W_P:
            t = paragraph_text(el).strip()
            if t:
                lines.append(t)
        else:
            flush()
            grids.append(table_grid(el))
    flush()
    return Document(grids=grids, extractor=EXTRACTOR)

