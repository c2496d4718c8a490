"""PDF -> grids: ruled tables from the drawn lines, text lines around them.

An engine (`pdf_pages`: PDFium with pdfplumber's lattice by default,
pdfplumber or camelot on demand) hands over each page's characters and the
cell boxes of its ruled tables; everything after that is ours and the same
for all engines:

* cell text is read from the page's characters, line by line, and the lines
  of one cell are joined without a break (a PDF cell wraps only because it is
  narrow: 产\\n出\\n指\\n标 is 产出指标, 474.94\\n0000 is 474.940000);
* a table that goes on at the top of the next page is stitched onto the one
  that ended the page before: one coordinate system for the columns of both
  (so a column keeps its index across the break), a repeated header row is
  dropped, and a row the page break cut in two becomes one row again;
* text outside tables (titles such as （2020年度）, 单位：万元, notes after the
  table) becomes one-cell rows in reading order; page numbers do not.

A page with no characters but images is a scan: it is read by OCR
(extract/ocr.py), or listed in the document's `unread_pages`, never silently
empty.
"""
from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

from jixiao.extract import pdf_pages
from jixiao.extract.chars import is_cjk
from jixiao.extract.grid import Cell, Document, Finding, Grid
from jixiao.extract.page import Char, Page

SNAP = 2.0  # points: rules closer than this are the same rule
BARE_NUMBER = re.compile(r"^[\d.,%]+$")
BARE_DASH = re.compile(r"^[-—－/／]+$")  # a cell printed empty: no cut cell goes on as one
# — 3 —, also as OCR reads its dashes (一 3 一)
# A running header or footer that prints the document's file name (Calc's default header).
FILE_NAME = re.compile(r"^\S+\.(?:xlsx?|xlsm|et|ods|docx?|wps|odt|pdf|csv)$", re.I)
PAGE_NUMBER = re.compile(r"^[-—–－一\s]*(第?\s*\d{1,4}\s*页?(\s*[/共]\s*\d{1,4}\s*页?)?)[-—–－一\s]*$")
# A page number as OCR garbles it ("- 7 -" read as .7-, -l+. or |-): a few
# marks without two ideographs in a row, in a scan's top or bottom tenth.
GARBLED_MARKS = re.compile(r"^(?!.*[\u4e00-\u9fff]{2}).{1,6}$")
PRINTED = 0.05  # of the page height: where a browser prints its own running header and footer
# a web address, or a date and time (12/1/26, 7:11 AM; 2026/12/1 07:11; 2026-12-01 下午7:11)
BROWSER_MARKS = re.compile(r"(?:https?|file)://|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}[,\s]*(?:[上下]午)?\s*\d{1,2}:\d{2}")


@dataclass(eq=False)  # boxes are compared by identity: two cells may look alike
class Box:
    """One cell as drawn on one page (top-left origin, points)."""

    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    text: str = ""
    ink_bottom: float = 0.0  # bottom of its lowest character
    size: float = 0.0  # its largest font size
    confidence: float | None = None  # OCR: its least sure word (0-100)
    cut: bool = False  # closed past the page's edge: a row the page break cut (`page.close_page_cuts`)


@dataclass
class Table:
    """A ruled table, possibly stitched from several pages."""

    boxes: list[Box]
    x0: float
    x1: float
    first_page: int
    last_page: int
    ends_page: bool = False  # nothing but page furniture below it on its last page

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes)


# --- characters to text ---------------------------------------------------------------------------

def _join_chars(line: list[Char]) -> str:
    if len(line) == 1:
        only: str = line[0][5]
        return only.strip()
    line.sort(key=_X0)
    out, prev = "", None
    for c in line:
        t = c[5]
        if prev is not None and out and out[-1] != " " and t != " ":
            size = c[4]
            if c[0] - prev[2] > 0.3 * (size if size > 1.0 else 1.0) and not (is_cjk(out[-1]) and is_cjk(t[:1] or " ")):
                out += " "
        out += t
        prev = c
    return out.strip()


_X0, _TOP_X0, _BOTTOM, _SIZE = itemgetter(0), itemgetter(1, 0), itemgetter(3), itemgetter(4)


def text_lines(chars: list[Char]) -> list[tuple[float, str]]:
    """Characters grouped into lines (by overlapping vertical extent), top to
    bottom: [(top, text)]."""
    lines: list[list[Char]] = []
    lo = hi = 0.0  # the vertical extent of the line being built (its first character's)
    for c in sorted(chars, key=_TOP_X0):
        mid = (c[1] + c[3]) / 2
        if lines and lo <= mid <= hi:
            lines[-1].append(c)
        else:
            lines.append([c])
            lo, hi = c[1], c[3]
    return [(ln[0][1], t) for ln in lines if (t := _join_chars(ln))]


def join_wrapped(parts: list[str]) -> str:
    """The lines of one cell as one text: a wrap is not a break, except that
    two Latin words keep the space the wrap took."""
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalpha() and p[0].isascii() and p[0].isalpha():
            out += " "
        out += p
    return out


# --- pages to tables ----------------------------------------------------------------------------------

def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect.bisect_left(edges, v - SNAP)
    return min(i, len(edges) - 1)


def fill_boxes(boxes: list[Box], chars: list[Char], ocr: dict[Char, float] | None = None) -> list[Char]:
    """Put each character into the box holding its centre; return the rest.
    `ocr`: the characters are OCR'd words with these confidences; each box
    keeps its lowest and has its text post-corrected."""
    if not boxes:
        return chars
    xs = _snap([b.x0 for b in boxes] + [b.x1 for b in boxes])
    ys = _snap([b.top for b in boxes] + [b.bottom for b in boxes])
    owner: dict[tuple[int, int], int] = {}
    for k, b in enumerate(boxes):
        cols = range(_index(xs, b.x0), _index(xs, b.x1))
        for r in range(_index(ys, b.top), _index(ys, b.bottom)):
            for c in cols:
                owner[r, c] = k
    inside: list[list[Char]] = [[] for _ in boxes]
    rest = []
    x_lo, x_hi, y_lo, y_hi = xs[0], xs[-1], ys[0], ys[-1]
    right, get = bisect.bisect_right, owner.get
    # The grid row and column of the last character: the next one, read
    # along the same line, mostly falls in them again (no search then).
    # Each is the half-open band [rule, next rule) bisect_right finds.
    row = col = 0
    top = bottom = left = far = 0.0
    for ch in chars:
        # By the glyph's left edge, not its centre: CJK punctuation may hang
        # past a cell's right rule, and belongs to the cell it starts in.
        cx, cy = (ch[0] + ch[2]) / 2, (ch[1] + ch[3]) / 2
        if ch[0] + 1.0 < cx:
            cx = ch[0] + 1.0
        if not (x_lo <= cx <= x_hi and y_lo <= cy <= y_hi):
            rest.append(ch)
            continue
        if not top <= cy < bottom:
            row = right(ys, cy) - 1
            top, bottom = ys[row], ys[row + 1] if row + 1 < len(ys) else math.inf
        if not left <= cx < far:
            col = right(xs, cx) - 1
            left, far = xs[col], xs[col + 1] if col + 1 < len(xs) else math.inf
        at = get((row, col))
        if at is not None:
            inside[at].append(ch)
    for b, cs in zip(boxes, inside, strict=True):
        if not cs:
            b.text = ""
            continue
        b.text = join_wrapped([t for _, t in text_lines(cs)])
        b.ink_bottom, b.size = max(map(_BOTTOM, cs)), max(map(_SIZE, cs))
        if ocr is not None:
            from .ocr import correct

            b.confidence = min(ocr.get(c, 100.0) for c in cs)
            b.text = correct(b.text, b.confidence)
    return rest


def on_page(chars: list[Char], height: float) -> list[Char]:
    """The characters a reader sees: not those drawn past the page's top or
    foot (a cut cell's label drawn there is in the cell: page.close_page_cuts)."""
    return [ch for ch in chars if ch[1] < height and ch[3] > 0]


# --- stitching ---------------------------------------------------------------------------------------

def _bands(boxes: list[Box], page: int) -> tuple[list[Box], list[Box]]:
    """The boxes that start at the top of a page's part of a table, and those
    that end at its bottom (merged cells included: they cross the break too)."""
    on = [b for b in boxes if b.page == page]
    top, bottom = min(b.top for b in on), max(b.bottom for b in on)
    return [b for b in on if abs(b.top - top) <= SNAP], [b for b in on if abs(b.bottom - bottom) <= SNAP]


def _full(box: Box) -> bool:
    """Its text reaches the bottom of the box (less than a line is left), or
    the box was cut by the page's edge (a browser prints a cut row's first
    lines on one page and the rest on the next)."""
    return box.cut or box.bottom - box.ink_bottom < 1.8 * max(box.size, 1.0)


def _same_column(box: Box, row: list[Box]) -> Box | None:
    """The box of `row` drawn with the same left and right rules as `box`."""
    return next((b for b in row if abs(b.x0 - box.x0) <= SNAP and abs(b.x1 - box.x1) <= SNAP), None)


def _row_key(row: list[Box]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", "", b.text) for b in sorted(row, key=lambda b: b.x0) if b.text.strip())


def stitch(prev: Table, nxt: Table) -> bool:
    """Append `nxt` (the top of a new page) to `prev`, in place; False when
    `nxt` is a table of its own after all (left untouched)."""
    page = nxt.first_page
    # Header rows repeated on the new page (one or several) are not data. But
    # when the rows after them are header rows too, only the start of the
    # header is alike: that is a new table with a header of its own.
    earlier: dict[tuple[int, int], list[Box]] = {}
    for b in prev.boxes:
        earlier.setdefault((b.page, round(b.top)), []).append(b)
    seen = {_row_key(r) for r in earlier.values()}
    boxes = nxt.boxes
    first = _bands(boxes, page)[0]
    repeated = 0
    while first:
        key = _row_key(first)
        if not _header_like(key) or key not in seen:
            break
        boxes = [b for b in boxes if b not in first]
        repeated += 1
        first = _bands(boxes, page)[0] if boxes else []
    if repeated and first and _header_like(_row_key(first)):
        return False
    nxt.boxes = boxes
    # A row cut by the page break: every cell of the new page's first row sits
    # under a cell of the old page's last; the texts that go on are the long
    # ones that filled their cell to the break, fewer than the row had, and
    # never a bare number (a 分值 or 得分 is one line and can't be cut) or a
    # dash (其他资金 | / | / under 单位资金 | … | / | /: a row of its own).
    if first:
        _, last = _bands(prev.boxes, prev.last_page)
        homes = [_same_column(b, last) for b in first]
        filled = [(b, h) for b, h in zip(first, homes, strict=True) if b.text and h is not None]
        if (filled and all(homes) and all(h.text and _full(h) for _, h in filled)
                and len(filled) < sum(1 for b in last if b.text)
                and not any(BARE_NUMBER.match(b.text) or BARE_DASH.match(b.text.strip()) for b, _ in filled)):
            for b, h in filled:
                h.text = join_wrapped([h.text, b.text])
                b.text = ""
            # What is left of the cut row goes; a merged cell that reaches further
            # down now starts on the row after it.
            row_end = min(b.bottom for b in first)
            nxt.boxes = [b for b in nxt.boxes if not (b in first and b.bottom - row_end <= SNAP)]
            for b in first:
                b.top = max(b.top, row_end)
    prev.boxes += nxt.boxes
    prev.last_page = nxt.last_page
    prev.ends_page = nxt.ends_page
    return True


def _header_like(key: tuple[str, ...]) -> bool:
    return len(key) >= 2 and not any(ch.isdigit() for t in key for ch in t)


def to_grid(table: Table) -> Grid:
    """Boxes of one (stitched) table to cells with real spans: one set of
    column rules for all its pages, row rules page by page."""
    xs = _snap([b.x0 for b in table.boxes] + [b.x1 for b in table.boxes])
    ys: list[tuple[int, float]] = []
    for p in sorted({b.page for b in table.boxes}):
        on = [b for b in table.boxes if b.page == p]
        ys += [(p, y) for y in _snap([b.top for b in on] + [b.bottom for b in on])]
    cells = []
    for b in table.boxes:
        r0 = bisect.bisect_left(ys, (b.page, b.top - SNAP))
        r1 = max(bisect.bisect_left(ys, (b.page, b.bottom - SNAP)), r0 + 1)
        cells.append((b, r0, r1))
    # A row rule on which no box starts (a band covered only by tall cells)
    # would give an empty row: number only the rows some box starts on.
    starts = sorted({r0 for _, r0, _ in cells})
    out = []
    for b, r0, r1 in cells:
        row = bisect.bisect_left(starts, r0)
        span = bisect.bisect_left(starts, r1) - row
        c0, c1 = _index(xs, b.x0), _index(xs, b.x1)
        out.append(Cell(row, c0, b.text, max(span, 1), max(c1 - c0, 1), b.page, (b.x0, b.top, b.x1, b.bottom)))
    return Grid(sorted(out, key=lambda c: (c.row, c.col)))


# --- the document ----------------------------------------------------------------------------------

EXTRACTOR = {"pdfium": "pdfium", "pdfplumber": "pdfplumber", "camelot": "camelot-lattice"}


def read(path: Path, engine: str = "pdfium", ocr: str | None = "auto", on_segment: OnSegment | None = None
         ) -> Document:
    """Every page's tables and text in reading order; tables that cross a page
    break stitched into one grid. Pages without a text layer are read by the
    OCR engine `ocr` names (extract/ocr.py: auto, rapidocr, tesseract), or,
    with None, listed as unread.

    `on_segment(grids)`: called with the grids before each page that starts a
    new form (its first table opens with 项目名称), which are then let go; the
    Document returned holds only the rest. So a long PDF is read in bounded
    memory, however many pages it has."""
    from .ocr import engine_for

    ocr_engine = engine_for(ocr) if ocr is not None else None
    engine, n_pages, pages = pdf_pages.pages(path, engine, ocr=ocr_engine)
    segments = [0]

    def counted(grids: list[Grid]) -> None:
        segments[0] += len(grids)
        if on_segment is not None:
            on_segment(grids)

    doc = assemble(pages, n_pages, EXTRACTOR[engine], counted if on_segment else None, ocr_engine or "tesseract")
    if doc.unread_pages and not doc.grids and not segments[0]:
        raise ValueError(f"{'PDF' if doc.unmapped_pages else 'scanned PDF'}: {doc.no_text_layer} on "
                         f"{len(doc.unread_pages)} of {n_pages} pages (OCR is off)")
    return doc


def assemble(pages: Iterable[Page], n_pages: int | None, extractor: str, on_segment: OnSegment | None = None,
             ocr_engine: str = "tesseract") -> Document:
    """Pages (from a PDF's text layer or from OCR by `ocr_engine`) to a
    Document (see `read` for `on_segment`)."""
    from .ocr import LOW_CONFIDENCE, number_levels

    # tables, runs of text lines, and a page's furniture held back (Held)
    items: list[Item] = []
    scanned: list[int] = []
    findings: list[Finding] = []
    low: list[str] = []
    ocr_pages: list[int] = []
    text_pages, ruled = 0, False  # pages with characters; whether any page has a ruled table
    unmapped: list[int] = []  # pages whose text layer is glyph numbers (read as scans, or not at all)
    for page in pages:
        if page.ocr is not None:
            ocr_pages.append(page.number)
            confs = list(page.ocr.values())
            mean = sum(confs) / len(confs) if confs else 0.0
            findings.append(Finding("ocr_confidence", "warning", f"page {page.number} read by OCR: mean word "
                                                                 f"confidence {mean:.1f} of 100 over {len(confs)} words"))
        if page.unmapped:
            unmapped.append(page.number)
        if not page.chars:
            if (page.has_images or page.unmapped) and page.ocr is None:
                scanned.append(page.number)
            continue
        rest = without_browser_furniture(page.chars, page.height)
        text_pages, ruled = text_pages + 1, ruled or bool(page.tables)
        tables = []
        for cells in page.tables:
            boxes = [Box(bb[0], bb[1], bb[2], bb[3], page=page.number, cut=bb[3] > page.height or bb[1] < 0)
                     for bb in cells]
            rest = fill_boxes(boxes, rest, page.ocr)
            if page.ocr is not None:
                if ocr_engine == "tesseract":  # PP-OCR reads digits as surely the first time
                    _reread_numbers(page, boxes)
                number_levels(boxes)
            low += [f"page {page.number}: {b.text[:30]!r} at confidence {b.confidence:.0f}" for b in boxes
                    if b.confidence is not None and b.confidence < LOW_CONFIDENCE and b.text]
            tables.append(Table(boxes, min(b.x0 for b in boxes), max(b.x1 for b in boxes), page.number, page.number))
        rest = on_page(rest, page.height)  # what no viewer shows and no cut cell took
        if on_segment is not None and items and tables and _opens_form(min(tables, key=lambda t: t.top)):
            if isinstance(last := items[-1], Held):
                items.pop()
                _flush(items, last)
            on_segment(_grids(items))
            items.clear()
        _place(items, tables, text_lines(rest), page.number, page.height, scanned=page.ocr is not None)
    if items and isinstance(last := items[-1], Held):
        items.pop()
        _flush(items, last)
    findings += [Finding("ocr_low_confidence", "warning", f"OCR cell {x}") for x in low[:100]]
    if len(low) > 100:
        findings.append(Finding("ocr_low_confidence", "warning", f"and {len(low) - 100} more OCR cells below "
                                                           f"confidence {LOW_CONFIDENCE:g}"))
    grids = _grids(items)
    # with OCR off, a page of glyph numbers is left unread like a scan: it is said once, as what it is
    images = [n for n in scanned if n not in unmapped]
    notes = [f"pages without a text layer (scans, not read): {_ranges(images)}"] if images else []
    if unmapped:
        how = "not read (OCR is off)" if set(unmapped) <= set(scanned) else "read from their rendering as scans are"
        notes.append(f"pages whose text does not map to Unicode (fonts without a ToUnicode map: copied, it is "
                     f"control characters and symbols), {how}: {_ranges(unmapped)}")
    if text_pages and not ruled:
        # Cells are found by their rules: a form drawn without them (a sheet
        # printed without borders) is lines of text, and no form is found.
        notes.append(f"no ruled table on any of its {text_pages} page(s) of text: a table drawn without "
                     "ruling lines is read as lines of text, not as cells")
    if ocr_pages:
        extractor = f"{extractor}+{ocr_engine}" if extractor != ocr_engine else extractor
    return Document(grids, extractor, n_pages, notes, unread_pages=scanned, findings=findings, ocr_pages=ocr_pages,
                    unmapped_pages=unmapped)


def without_browser_furniture(chars: list[Char], height: float) -> list[Char]:
    """A page's characters but a browser's running header and footer: a web
    disclosure printed to PDF carries, in the page's outer twentieth, the
    date and time and the page's title above and its address and page n/m
    below. A row a page break cuts is closed past the page's edge
    (`page.close_page_cuts`), and these lines fell into its cells (a name
    read '/1/2 6,7:11 AM 指标2：总体培训成本'). A line there holding a web
    address or a date and time goes, whole."""
    low, high = PRINTED * height, (1 - PRINTED) * height
    if not chars or (min(map(itemgetter(1), chars)) >= low and max(map(itemgetter(3), chars)) <= high):
        return chars
    lines: list[list[Char]] = []
    for c in sorted((c for c in chars if c[3] < low or c[1] > high), key=lambda c: c[1] + c[3]):
        if lines and abs(c[1] + c[3] - lines[-1][-1][1] - lines[-1][-1][3]) < c[3] - c[1]:
            lines[-1].append(c)  # centres within half a character's height: one line
        else:
            lines.append([c])
    drop = {id(c) for line in lines if BROWSER_MARKS.search("".join(c[5] for c in sorted(line))) for c in line}
    return [c for c in chars if id(c) not in drop] if drop else chars


NUMERIC = re.compile(r"^[\d.%]+$")
WELL_FORMED = re.compile(r"^\d+(\.\d+)?%?$")
UNSURE_FIRST = 80.0  # a first reading this unsure gives way to a sure number anywhere
SURE_DIGITS = 90.0  # confidence of a digits-only reading that overrides a short non-number
OP_NUMBER = re.compile(r"^([≥≤])\s*[\d.]+%?$")


def _reread_numbers(page: Page, boxes: list[Box]) -> None:
    """OCR: cells that read as a number (or ≥ a number), and short or blank
    cells (chi_sim's guess at a lone digit is often a character: 二 for 3, 号
    for 5, or nothing), are read again digits-only. The digits replace a
    number read the first time where they are surer; a short reading that is
    not a number is replaced only in a column whose cells mostly read as
    sure numbers the second time (分值, 得分), so that 是, 场 or 个 stay. A
    comparison sign read the first time stays in front."""
    from .ocr import is_label, reread_numbers

    todo = [b for b in boxes if NUMERIC.match(b.text) or OP_NUMBER.match(b.text) or len(b.text) <= 2]
    seconds = dict(zip(map(id, todo), reread_numbers(page.image, todo), strict=True))

    def sure(b: Box) -> bool:
        second = seconds.get(id(b))
        return second is not None and WELL_FORMED.match(second[0]) is not None and second[1] >= SURE_DIGITS

    numeric_columns: set[int] = set()  # ids of the boxes in columns that read as numbers
    for col in _columns(boxes).values():
        read = [b for b in col if b.text or seconds.get(id(b))]
        if len(read) >= 3 and sum(sure(b) or bool(NUMERIC.match(b.text)) for b in read) >= 0.6 * len(read):
            numeric_columns.update(id(b) for b in col)
    for b in todo:
        second = seconds[id(b)]
        if second is None or not WELL_FORMED.match(second[0]) or is_label(b.text):
            continue
        text, conf = second
        op = OP_NUMBER.match(b.text)
        if op:  # the digits-only pass reads the sign as a 2 or a 7; the number keeps its length
            first = b.text[len(op.group(1)):].strip()
            text = text[1:] if len(text) == len(first) + 1 and text[0] in "27" else text
            if len(text) == len(first) and conf > (b.confidence or 0):
                b.text, b.confidence = op.group(1) + text, conf
        elif NUMERIC.match(b.text):
            # surer, and the same shape: the digits pass may drop a point (4.5 -> 45)
            if conf > (b.confidence or 0) and text.count(".") == b.text.count("."):
                b.text, b.confidence = text, conf
        elif sure(b) and (id(b) in numeric_columns or (b.confidence or 0) < UNSURE_FIRST):
            b.text, b.confidence = text, conf


def _columns(boxes: list[Box]) -> dict[tuple[float, float], list[Box]]:
    """Boxes by column: the same left and right rules, give or take the point
    or two that rules found in an image wander from row to row."""
    columns: dict[tuple[float, float], list[Box]] = {}
    for b in sorted(boxes, key=lambda b: (b.x0, b.x1)):
        key = next((k for k in columns if abs(k[0] - b.x0) <= 2 * SNAP and abs(k[1] - b.x1) <= 2 * SNAP),
                   (b.x0, b.x1))
        columns.setdefault(key, []).append(b)
    return columns


def _grids(items: list[Item]) -> list[Grid]:
    out = []
    for it in items:
        if isinstance(it, Table):
            out.append(to_grid(it))
        elif isinstance(it, list) and it:  # (a Held is flushed into lines before this)
            out.append(Grid([Cell(i, 0, t, page=p) for i, (p, t) in enumerate(it)], kind="text"))
    return out


@cache
def _form_openers() -> tuple[str, ...]:
    """The labels that open a form (项目名称, and a department form's 部门名称 …):
    the key labels of the fields the form families are anchored on."""
    from jixiao.schemas import families, vocabulary

    keys = vocabulary()["key_labels"]
    return tuple(w for f in {spec["anchor"] for spec in families().values()} for w in keys[f]
                 if f == "project_name" or "名称" in w)


def _opens_form(table: Table) -> bool:
    """The table's first row is a form's opening row (项目名称 and its value,
    not the column headers of a wide summary table): a new form, not the
    continuation of the table before it."""
    top = table.top
    texts = [re.sub(r"\s+", "", b.text) for b in table.boxes if abs(b.top - top) <= SNAP and b.text.strip()]
    openers = _form_openers()
    return len(texts) <= 6 and any(t.rstrip(":：") in openers or t.startswith(_inline_openers())
                                   for t in texts)


@cache
def _inline_openers() -> tuple[str, ...]:
    """项目名称： and 项目名称: — an opening label with its value in the same cell."""
    return tuple(f"{w}{c}" for w in _form_openers() for c in ":：")


FURNITURE = 0.1  # of the page height: running headers and footers live in its top and bottom tenth


def _place(items: list[Item], tables: list[Table], lines: list[tuple[float, str]], pno: int, height: float,
           scanned: bool = False) -> None:
    """Add one page's tables and text lines to the reading order, stitching a
    table that opens the page onto one that closed the page before. Short
    lines in the page's top or bottom tenth between the two (a running header,
    a page number) are page furniture: held back, and dropped if the tables
    join. `scanned`: the page was read by OCR, which garbles page numbers."""

    def margin(top: float) -> bool:
        return top < FURNITURE * height or top > (1 - FURNITURE) * height

    lines = [(top, t) for top, t in lines if not PAGE_NUMBER.match(t)
             and not ((FILE_NAME.match(t) or (scanned and GARBLED_MARKS.match(t.strip()))) and margin(top))]
    events: list[tuple[float, int, Table | str]] = [(t.top, 0, t) for t in tables]
    events += [(top, 1, t) for top, t in lines]
    events.sort(key=lambda e: (e[0], e[1]))

    def furniture(e: tuple[float, int, Table | str], top_area: bool) -> bool:
        return isinstance(e[2], str) and len(e[2]) <= 40 and (e[0] < FURNITURE * height if top_area
                                                  else e[0] > (1 - FURNITURE) * height)

    last = items[-1] if items else None
    held = last if isinstance(last, Held) else None
    if held is not None:
        items.pop()
    lead = 0
    while lead < len(events) and furniture(events[lead], True):
        lead += 1
    for k, (_, _, obj) in enumerate(events):
        if isinstance(obj, Table):
            tab = obj
            rest = events[k + 1:]
            tab.ends_page = all(furniture(e, False) for e in rest)
            prev = items[-1] if items else None
            if (held is not None and k == lead and isinstance(prev, Table) and prev.ends_page
                    and not _opens_form(tab)
                    and prev.last_page == pno - 1 and abs(prev.x0 - tab.x0) <= 3 * SNAP
                    and abs(prev.x1 - tab.x1) <= 3 * SNAP and stitch(prev, tab)):
                held = None  # the furniture between the two parts goes
                if tab.ends_page:  # and this page's own footer waits for the next page
                    items.append(Held([(pno, str(e[2])) for e in rest]))
                    return
                continue
            _flush(items, held)
            held = None
            items.append(tab)
            if tab.ends_page:
                items.append(Held([(pno, str(e[2])) for e in rest]))
                return
            continue
        if k < lead and held is not None:
            held.lines.append((pno, str(obj)))
            continue
        _flush(items, held)
        held = None
        _add_lines(items, [(pno, str(obj))])
    _flush(items, held)


@dataclass
class Held:
    """Lines after a table that ends its page, kept back until the next page
    says whether the table goes on there."""

    lines: list[tuple[int, str]]


Item = Table | Held | list[tuple[int, str]]  # the reading order: tables, runs of text lines, held furniture
OnSegment = Callable[[list[Grid]], None]


def _flush(items: list[Item], held: Held | None) -> None:
    if held is not None:
        _add_lines(items, held.lines)


def _add_lines(items: list[Item], lines: list[tuple[int, str]]) -> None:
    """Text lines onto the run of lines that ends the reading order, or a new run."""
    if not lines:
        return
    if items and isinstance(items[-1], list):
        items[-1].extend(lines)
    else:
        items.append(list(lines))


def _ranges(pages: list[int]) -> str:
    """1, 2, 3, 5 -> "1-3, 5"."""
    out: list[str] = []
    start = pages[0]
    for k, a in enumerate(pages):
        if k + 1 == len(pages) or pages[k + 1] != a + 1:
            out.append(f"{start}-{a}" if a != start else str(a))
            if k + 1 < len(pages):
                start = pages[k + 1]
    return ", ".join(out)
