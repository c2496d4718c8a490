"""Web pages: .html / .htm / .shtml, saved pages (.mht / .mhtml, a MIME
archive), and HTML that a site hands out under a spreadsheet's name.

lxml's HTML parser reads the page (it recovers from the broken markup
government sites serve); each innermost <table> becomes a grid whose
rowspan/colspan are real spans, placed on an occupancy map as a browser
lays them out. Text outside the tables (the title, the year, the unit line)
becomes a text grid in reading order, so the form reader finds it as the
preamble. Tables that hold other tables are page layout: their own text is
read as text.

The charset comes from the byte-order mark, then from <meta charset> or
http-equiv, then UTF-8 if the bytes decode, else GB18030 (a superset of
GBK and GB2312, which many pages declare or use without declaring).
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from .grid import Cell, Document, Grid

Element = Any  # an lxml element (lxml ships no type information)

EXTRACTOR = "lxml-html"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_WS = re.compile(r"[ \t\r\n\f\xa0\u3000]+")
BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
                   "footer", "center", "blockquote", "pre", "caption", "ul", "ol", "dl", "dt", "dd", "form"})
SKIP = frozenset({"script", "style", "head", "noscript", "template", "select", "option", "iframe"})
MAX_SPAN = 1000  # a rowspan="65534" from a broken page is clamped to the table


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in ("gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn"):
        return "gb18030"  # the superset: pages that say gb2312 often use GBK characters
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> str:
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc)
    m = _META_CHARSET.search(data[:8192])
    for candidate in (_codec(declared), _codec(m.group(1).decode("ascii", "ignore")) if m else None):
        if candidate:
            enc = candidate
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def mht_html(data: bytes) -> tuple[bytes, str | None]:
    """The HTML part of a saved page (MIME multipart/related) and its charset."""
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload, part.get_content_charset()
    raise ValueError("MHT archive holds no text/html part")


def read(path: str | Path) -> Document:
    data = Path(path).read_bytes()
    if is_mht(data):
        html, charset = mht_html(data)
        doc = read_html(decode_html(html, charset))
        doc.extractor = "mime+" + EXTRACTOR
        return doc
    return read_html(decode_html(data))


def is_mht(data: bytes) -> bool:
    head = data[:4096].lower()
    return b"mime-version:" in head and b"multipart/" in head


def _space(text: str | None) -> str:
    return _WS.sub(" ", text) if text else ""


def cell_text(td: Element) -> str:
    """A cell's text as a browser shows it: whitespace folded, a line break
    for <br> and between block elements."""
    parts: list[str] = []

    def walk(el: Element, top: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP:
            if not top and el.tail:
                parts.append(_space(el.tail))
            return
        if tag == "br" or (tag in BLOCK and not top):
            parts.append("\n")
        if tag and el.text:
            parts.append(_space(el.text))
        for ch in el:
            walk(ch, False)
        if tag in BLOCK and not top:
            parts.append("\n")
        if not top and el.tail:
            parts.append(_space(el.tail))

    walk(td, True)
    lines = [ln.strip() for ln in "".join(parts).split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _span(el: Element, attr: str) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(el.get(attr, "1")).strip().rstrip(";") or 1)))
    except ValueError:
        return 1


def table_grid(table: Element) -> Grid:
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs = min(_span(td, "rowspan"), len(rows) - r)
            cs = _span(td, "colspan")
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            text = cell_text(td)
            if text:
                cells.append(Cell(row=r, col=c, text=text, row_span=rs, col_span=cs))
            c += cs
    return Grid(cells=cells)


def _owner(tr: Element) -> Element | None:
    """The table a row belongs to (the nearest <table> above it)."""
    el = tr.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def read_html(text: str) -> Document:
    import lxml.html

    text = _XML_DECL.sub("", text)
    if not text.strip():
        raise ValueError("empty web page")
    root = lxml.html.document_fromstring(text)
    grids: list[Grid] = []
    lines: list[str] = []
    buf: list[str] = []

    def end_line() -> None:
        line = "".join(buf).strip()
        buf.clear()
        if line:
            lines.append(line)

    def flush_text() -> None:
        end_line()
        if lines:
            grids.append(Grid(cells=[Cell(row=k, col=0, text=t) for k, t in enumerate(lines)], kind="text"))
            lines.clear()

    def walk(el: Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP:
            buf.append(_space(el.tail))
            return
        if tag == "table" and not any(True for _ in el.iterdescendants("table")):  # an innermost table
            flush_text()
            g = table_grid(el)
            if g.cells:
                grids.append(g)
            buf.append(_space(el.tail))
            return
        if tag == "br" or tag in BLOCK or tag in ("td", "th"):
            end_line()
        if tag and el.text:
            buf.append(_space(el.text))
        for ch in el:
            walk(ch)
        if tag in BLOCK or tag in ("td", "th"):
            end_line()
        buf.append(_space(el.tail))

    walk(root.body if root.find("body") is not None else root)
    flush_text()
    return Document(grids=grids, extractor=EXTRACTOR)
