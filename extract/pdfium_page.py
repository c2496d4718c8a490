"""What PDFium's C API gives of one page: its characters (turned upright
where the page's text is turned), its ruling lines, whether it holds an
image, and its text in fonts the file does not embed. Read through
pypdfium2's raw bindings, without a Python object per character or page
object: a page costs about a millisecond. `extract/pdf_pages.py` makes
`Page`s of them."""
from __future__ import annotations

import ctypes
import functools
import math
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from .page import DESCENT, STRAIGHT, Char, Edge, edge

if TYPE_CHECKING:  # pypdfium2 is imported where a PDF is opened
    from pypdfium2 import PdfPage

Matrix = tuple[float, float, float, float, float, float]  # a PDF transform: a b c d e f


class PdfError(ValueError):
    """A PDF that can't be read at all: its message is the one-line reason."""


def hidden_text(page: PdfPage) -> bool:
    """Whether every text object of a page is drawn invisible: a searchable
    scan, whose scanner (or Acrobat's Recognize Text) laid its own OCR's
    text under the image, without the table's cells. Asked only of pages
    with an image and no ruled lines."""
    import pypdfium2.raw as raw

    texts = [obj for obj in top_objects(page) if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT]
    return bool(texts) and all(map(is_invisible, texts))


def top_objects(page: PdfPage) -> list[Any]:
    """The page's top-level objects (PDFium handles)."""
    import pypdfium2.raw as raw

    return [raw.FPDFPage_GetObject(page.raw, i) for i in range(raw.FPDFPage_CountObjects(page.raw))]


def is_invisible(obj: Any) -> bool:
    """Whether a page object is text drawn invisible (render mode 3)."""
    import pypdfium2.raw as raw

    return bool(raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT
                and raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE)


def lost_text(page: PdfPage, objects: list[Any]) -> bool:
    """Whether PDFium's text page lost text of these objects (text in fonts
    the file does not embed). PDFium gives such a font's glyphs no size, and
    a text object of one glyph in it then vanishes from the text page (a
    wrapped cell's last character, a vertical label): pdfminer, which
    ignores glyph boxes, reads those pages too (`pdf_pages.add_missing`)."""
    import pypdfium2.raw as raw

    tp = page.get_textpage()
    try:
        for obj in objects:
            n = raw.FPDFTextObj_GetText(obj, tp.raw, None, 0)
            buf = (ctypes.c_ushort * max(n, 1))()
            raw.FPDFTextObj_GetText(obj, tp.raw, buf, n)
            if n > 1 and not bytes(buf).decode("utf-16-le", "replace").strip("\x00 "):
                return True
        return False
    finally:
        tp.close()


def read_chars(page: PdfPage, width: float, height: float, oblique: bool = False) -> tuple[list[Char], int]:
    """The page's characters, and the degrees (clockwise) its text is turned
    (`_text_turn`): the characters of a turned page come in the frame of the
    page turned upright. Their codes come in one call for the page; PDFium's
    own characters (the spaces and line ends it generates) are dropped, and
    each character's box costs three calls, reusing buffers. `oblique`: the
    page sets some text slanting (`read_edges`); those characters, a
    watermark's, are left out: strewn across the table, they would land in
    its cells."""
    import pypdfium2.raw as raw

    c = _unchecked()
    tp = page.get_textpage()
    try:
        t = tp.raw
        n = raw.FPDFText_CountChars(t)
        buf = (ctypes.c_ushort * (n + 1))()
        # One UTF-16 unit per character index (PDFium splits a character past
        # U+FFFF into two indices); where the counts disagree, ask per index.
        if raw.FPDFText_GetText(t, 0, n, buf) == n + 1:
            codes = buf[:n]
        else:
            codes = [c.FPDFText_GetUnicode(t, i) for i in range(n)]
        if oblique:
            angle = c.FPDFText_GetCharAngle
            codes = [0 if (a := angle(t, i)) >= 0 and _is_oblique(a) else code  # -1: PDFium can't tell
                     for i, code in enumerate(codes)]
        if turn := _text_turn(t, codes):
            return _turned_chars(t, codes, turn, width, height), turn
        box, ox, oy = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
        at_box, at_x, at_y = ctypes.byref(box), ctypes.byref(ox), ctypes.byref(oy)
        loose, font_size, origin = c.FPDFText_GetLooseCharBox, c.FPDFText_GetFontSize, c.FPDFText_GetCharOrigin
        out: list[Char] = []
        for i, code in enumerate(codes):
            if code == 0xFFFE:  # GetText's stand-in for U+0002 as well
                code = c.FPDFText_GetUnicode(t, i)
            if code in _NOT_CHARS or 0xD800 <= code <= 0xDFFF:
                continue
            if code == 32 and c.FPDFText_IsGenerated(t, i) == 1:
                continue
            # PDFium reports a hyphen it takes for a line-end hyphenation as U+0002.
            text = "-" if code == 2 else chr(code)
            # Vertical extent from the baseline and the font size, the same for
            # every glyph of a line (PDFium's boxes hug a quote mark's ink, which
            # would put “ on a line of its own); horizontal from the loose box.
            loose(t, i, at_box)
            size = font_size(t, i)
            origin(t, i, at_x, at_y)
            y0, y1 = oy.value - DESCENT * size, oy.value + (1 - DESCENT) * size
            out.append((box.left, height - y1, box.right, height - y0, size, text))
        return out, 0
    finally:
        tp.close()


TURN_SAMPLE = 64  # characters whose angle is asked, spread over the page
TURN_SHARE = 0.8  # of them turned the same way: the page's text is turned


def _text_turn(t: Any, codes: list[int]) -> int:
    """Degrees (clockwise: 90, 180, 270) that a page's text is turned, 0
    when it is upright: a table laid sideways on the page (a landscape form
    printed on portrait paper by its content, not by the page's /Rotate,
    which PDFium applies itself). Told by PDFium's angle of characters spread
    over the page; a few turned ones (a vertical label) leave it upright."""
    c = _unchecked()
    votes = [0, 0, 0, 0]
    for i in range(0, len(codes), max(len(codes) // TURN_SAMPLE, 1)):
        code = codes[i]
        if code in _NOT_CHARS or code == 32 or 0xD800 <= code <= 0xDFFF:
            continue
        angle = c.FPDFText_GetCharAngle(t, i)
        if angle >= 0:  # -1: PDFium could not tell
            votes[round(math.degrees(angle) / 90) % 4] += 1
    turned = max(range(1, 4), key=lambda k: votes[k])
    return turned * 90 if votes[turned] >= TURN_SHARE * sum(votes) > 0 else 0


def _turned_point(x: float, top: float, turn: int, width: float, height: float) -> tuple[float, float]:
    """A point (top-left origin) of a page of `width` x `height` whose text
    is turned `turn` degrees clockwise, on the page turned upright."""
    if turn == 90:  # the text runs down the page
        return top, width - x
    if turn == 270:  # the text runs up the page
        return height - top, x
    return width - x, height - top


def turned_box(box: Any, turn: int, width: float, height: float) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of a box on the page turned upright (`_turned_point`)."""
    if not turn:
        return box[0], box[1], box[2], box[3]
    (ax, at), (bx, bt) = (_turned_point(box[0], box[1], turn, width, height),
                          _turned_point(box[2], box[3], turn, width, height))
    return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)


def turned_edge(e: Edge, turn: int, width: float, height: float) -> Edge:
    x0, top, x1, bottom = turned_box((e["x0"], e["top"], e["x1"], e["bottom"]), turn, width, height)
    across = {"h": "v", "v": "h"} if turn != 180 else {"h": "h", "v": "v"}
    return edge(across[e["orientation"]], x0, x1, top, bottom)


def _turned_chars(t: Any, codes: list[int], turn: int, width: float, height: float) -> list[Char]:
    """`read_chars` of a page whose text is turned: each box on the page
    turned upright, across from the loose box and up and down from the
    baseline, as there (the rare page: no call saved here)."""
    import pypdfium2.raw as raw

    box, ox, oy = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    out: list[Char] = []
    for i, code in enumerate(codes):
        if code == 0xFFFE:
            code = raw.FPDFText_GetUnicode(t, i)
        if code in _NOT_CHARS or 0xD800 <= code <= 0xDFFF or (code == 32 and raw.FPDFText_IsGenerated(t, i) == 1):
            continue
        raw.FPDFText_GetLooseCharBox(t, i, box)
        size = raw.FPDFText_GetFontSize(t, i)
        raw.FPDFText_GetCharOrigin(t, i, ox, oy)
        x0, _, x1, _ = turned_box((box.left, height - box.top, box.right, height - box.bottom), turn, width, height)
        _, base = _turned_point(ox.value, height - oy.value, turn, width, height)
        out.append((x0, base - (1 - DESCENT) * size, x1, base + DESCENT * size, size, "-" if code == 2 else chr(code)))
    return out


@functools.cache
def _unchecked() -> SimpleNamespace:
    """PDFium's functions called once per character, page object or path
    segment, without pypdfium2's argument declarations: ctypes converts every
    argument of a declared function through its type (`from_param`), which
    is half the cost of such a call. Callers pass exactly what the C function
    takes: the handles PDFium returned, `byref` for out parameters, and
    Python ints only where it takes a C int."""
    import pypdfium2.raw as raw

    def bare(name: str) -> Any:
        declared = getattr(raw, name)
        f = type(declared)(ctypes.cast(declared, ctypes.c_void_p).value)
        f.restype = ctypes.c_void_p if name in _AS_ADDRESS else declared.restype
        return f

    return SimpleNamespace(**{name: bare(name) for name in _HOT})


_HOT = ("FPDFText_GetUnicode", "FPDFText_IsGenerated", "FPDFText_GetLooseCharBox", "FPDFText_GetFontSize",
        "FPDFText_GetCharOrigin", "FPDFText_GetCharAngle", "FPDFPage_GetObject", "FPDFPageObj_GetType", "FPDFPageObj_GetMatrix",
        "FPDFTextObj_GetFont", "FPDFFont_GetIsEmbedded", "FPDFPath_GetDrawMode", "FPDFPath_CountSegments",
        "FPDFPath_GetPathSegment", "FPDFPathSegment_GetPoint", "FPDFPathSegment_GetType",
        "FPDFPathSegment_GetClose")
_AS_ADDRESS = {"FPDFTextObj_GetFont"}  # returned as an int, to key a cache


_NOT_CHARS = frozenset({0, 0xFFFE, 0xFFFF, 10, 13})
MAX_FORM_DEPTH = 8


def read_edges(page: PdfPage, height: float) -> tuple[list[Edge], bool, list[Any], bool]:
    """Horizontal and vertical segments of every stroked or filled path, in
    pdfplumber's edge format; whether the page has an image; its text
    objects in fonts the file does not embed (see `lost_text`); and
    whether some text is set slanting (a watermark across the page, whose
    characters `read_chars` leaves out). Objects are walked through
    PDFium's C API: no Python object per object."""
    import pypdfium2.raw as raw

    c = _unchecked()
    edges: list[Edge] = []
    unsure: list[Any] = []  # PDFium text objects (ctypes pointers)
    images = oblique = False
    fs = raw.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    at_fs, at_fill, at_stroke = ctypes.byref(fs), ctypes.byref(fill), ctypes.byref(stroke)
    kind_of = c.FPDFPageObj_GetType
    unembedded: dict[int, bool] = {}  # by a font's address: a page's few fonts are asked about once each
    form, image, text, path = raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH

    def matrix(obj: Any) -> Matrix:
        if not c.FPDFPageObj_GetMatrix(obj, at_fs):
            raise PdfError("damaged PDF: a page object has no transform")
        return (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)

    # Objects inside a form XObject are placed by the form's matrix too:
    # `parents` holds the enclosing forms' matrices, outermost first.
    def walk(count: int, get: Callable[[Any, int], Any], owner: Any, parents: tuple[Matrix, ...]) -> None:
        nonlocal images, oblique
        for i in range(count):
            obj = get(owner, i)
            kind = kind_of(obj)
            if kind == path:
                c.FPDFPath_GetDrawMode(obj, at_fill, at_stroke)
                if fill.value or stroke.value:
                    m = matrix(obj)
                    for parent in reversed(parents):
                        m = _compose(m, parent)
                    edges.extend(_path_edges(obj, m, height))
            elif kind == text:
                # upright text has b = c = 0: only a turned or slanted object is looked at
                if not oblique and c.FPDFPageObj_GetMatrix(obj, at_fs) and (fs.b or fs.c or parents):
                    m = (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)
                    for parent in reversed(parents):
                        m = _compose(m, parent)
                    oblique = _is_oblique(math.atan2(m[1], m[0]))
                font = c.FPDFTextObj_GetFont(obj)
                if font:
                    if (lacking := unembedded.get(font)) is None:
                        lacking = unembedded[font] = not c.FPDFFont_GetIsEmbedded(ctypes.c_void_p(font))
                    if lacking:
                        unsure.append(obj)
            elif kind == image:
                images = True
            elif kind == form:
                if len(parents) < MAX_FORM_DEPTH - 1:
                    # (GetObject takes an unsigned long: declared, not bare)
                    walk(raw.FPDFFormObj_CountObjects(obj), raw.FPDFFormObj_GetObject, obj, (*parents, matrix(obj)))

    walk(raw.FPDFPage_CountObjects(page.raw), c.FPDFPage_GetObject, page.raw, ())
    return edges, images, unsure, oblique


OBLIQUE = math.radians(2)  # off every right angle by more than this: a watermark's slant, not a page turned


def _is_oblique(angle: float) -> bool:
    off = angle % (math.pi / 2)
    return min(off, math.pi / 2 - off) > OBLIQUE


def _compose(m: Matrix, parent: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = parent
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_edges(path: Any, m: Matrix, height: float) -> list[Edge]:
    import pypdfium2.raw as raw

    pdfium = _unchecked()
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    at_x, at_y = ctypes.byref(x), ctypes.byref(y)
    segment, point, kind_of, closes = (pdfium.FPDFPath_GetPathSegment, pdfium.FPDFPathSegment_GetPoint,
                                       pdfium.FPDFPathSegment_GetType, pdfium.FPDFPathSegment_GetClose)
    moveto = raw.FPDF_SEGMENT_MOVETO
    out: list[Edge] = []
    start = prev = None
    for i in range(pdfium.FPDFPath_CountSegments(path)):
        seg = segment(path, i)
        point(seg, at_x, at_y)
        pt = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
        if kind_of(seg) == moveto or prev is None:
            start = pt
        else:
            _edge(out, prev, pt)
            if closes(seg) and start is not None:
                _edge(out, pt, start)
        prev = pt
    return out


def _edge(out: list[Edge], p: tuple[float, float], q: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = sorted([p, q])
    if abs(y1 - y0) <= STRAIGHT and x1 - x0 > STRAIGHT:
        out.append(edge("h", x0, x1, (y0 + y1) / 2, (y0 + y1) / 2))
    elif abs(x1 - x0) <= STRAIGHT:
        top, bottom = min(y0, y1), max(y0, y1)
        if bottom - top > STRAIGHT:
            out.append(edge("v", (x0 + x1) / 2, (x0 + x1) / 2, top, bottom))
