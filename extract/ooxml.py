"""The ZIP container of a DOCX or XLSX, checked before python-docx or openpyxl
decompresses anything: a file is refused, with a one-line reason, when what
it declares could not be read in bounded memory.

* a part larger than MAX_PART uncompressed, or parts passing MAX_TOTAL
  together (a 9 MB DOCX can declare a 3 GB document.xml);
* a part compressed past MAX_RATIO (XML packs 10-50:1; a bomb, a thousand);
* in an XLSX, a merged range over more than MAX_MERGE cells (openpyxl makes
  an object for every cell a merge covers: one over a whole sheet is 17
  billion), found by scanning each sheet's XML as it streams past, a
  megabyte at a time.

Declared sizes bound what zipfile decompresses (it stops at the declared
size and fails the CRC of a part that lied), so the checks hold.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

MAX_PART = 256 << 20  # bytes, uncompressed
MAX_TOTAL = 1 << 30
MAX_RATIO = 500  # for parts past 1 MB
MAX_MERGE = 1_000_000  # cells under one merged range

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


class RefusedContainer(ValueError):
    """A DOCX or XLSX not read, for the reason in its message."""


def check(path: Path, kind: str) -> None:
    """Raise RefusedContainer when the DOCX or XLSX (`kind`) at `path` is not
    to be opened; a file that is no ZIP at all is left to the reader's own
    message."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.file_size > MAX_PART:
                raise RefusedContainer(f"{kind.upper()} part {info.filename} declares {info.file_size >> 20} MB "
                                       f"uncompressed, over the {MAX_PART >> 20} MB limit (a zip bomb?): not read")
            if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise RefusedContainer(f"{kind.upper()} part {info.filename} is compressed "
                                       f"{info.file_size // max(info.compress_size, 1)}:1, past {MAX_RATIO}:1 "
                                       "(a zip bomb?): not read")
        if total > MAX_TOTAL:
            raise RefusedContainer(f"{kind.upper()} parts declare {total >> 20} MB uncompressed together, over the "
                                   f"{MAX_TOTAL >> 20} MB limit (a zip bomb?): not read")
        if kind == "xlsx":
            for info in zf.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_merges(zf, info)


def _check_merges(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    from openpyxl.utils import column_index_from_string as column

    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            for m in _MERGE.finditer(data):
                c0, r0, c1, r1 = m.groups()
                cells = (abs(int(r1) - int(r0)) + 1) * (abs(column(c1.decode()) - column(c0.decode())) + 1)
                if cells > MAX_MERGE:
                    ref = f"{c0.decode()}{int(r0)}:{c1.decode()}{int(r1)}"
                    raise RefusedContainer(f"{info.filename} merges {ref}: {cells:,} cells, over the {MAX_MERGE:,} "
                                           "one merge may cover (a bomb?): not read")
            tail = data[-200:]  # a tag cut by the chunk's end is whole in the next pass


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+\d+)"[^>]*>(.*?)</(?:\w+:)?c>', re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def formulas_without_values(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Per sheet title, the formula cells of an XLSX that hold no saved value
    ((cell, formula)): a program that writes formulas without computing them
    (openpyxl, Apache POI) leaves the value to the spreadsheet that opens the
    file, and a reader of saved values sees those cells empty."""
    import html

    out: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return out
        rels = (_attrs(m.group(0)) for m in _RELATIONSHIP.finditer(zf.read("xl/_rels/workbook.xml.rels")))
        targets = {r["Id"]: r["Target"] for r in rels if "Id" in r and "Target" in r}
        for tag in _SHEET.finditer(zf.read("xl/workbook.xml")):
            attrs = _attrs(tag.group(0))
            name, target = attrs.get("name"), targets.get(attrs.get("id", ""))  # id: r:id, the prefix dropped
            if name is None or target is None:
                continue
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in names:
                continue
            data = zf.read(part)
            if b"<f" not in data and b":f" not in data:
                continue
            bare = [(ref.decode(), html.unescape((f.group(1) or b"").decode("utf-8", "replace")))
                    for ref, body in ((m.group(1), m.group(2)) for m in _CELL.finditer(data))
                    if (f := _FORMULA.search(body)) and not _VALUE.search(body)]
            if bare:
                out[html.unescape(name)] = bare
    return out


def _attrs(tag: bytes) -> dict[str, str]:
    """A tag's attributes by local name (r:id as id), in whatever order they come."""
    return {m.group(1).decode(): m.group(2).decode("utf-8", "replace")
            for m in re.finditer(rb'(?:\w+:)?(\w+)="([^"]*)"', tag)}

