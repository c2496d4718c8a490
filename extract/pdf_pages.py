"""What the PDF extractor needs of each page, from one of three engines.

Every engine yields, per page, a `Page`: its characters (x0, top, x1, bottom,
font size, text; top-left origin in points), the cell boxes of each ruled
table it found, and whether the page carries images. `extract/pdf.py` does
the rest the same way for all of them.

* `pdfium` (default): characters and ruling lines read through pypdfium2
  (PDFium, C++: about 1 ms a page), cells found by pdfplumber's lattice
  algorithm (edges -> intersections -> cells -> tables) run on those lines.
  Same cells as `pdfplumber`, at a tenth of the time, because pdfminer's
  pure-Python content parsing is what costs.
* `pdfplumber`: the same algorithm on pdfminer's parse of the page.
* `camelot`: camelot's lattice (vector rules, with its raster fallback)
  finds the cells; characters come from PDFium.

A page whose text is turned by its content (a landscape form laid on its
side on a portrait page) comes turned upright with PDFium's engine: its
characters and rules in the upright page's frame. What PDFium's C API gives
of a page is read in `extract/pdfium_page.py`.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import pdfium_page
from .page import BBox, Char, Page, lattice
from .pdfium_page import PdfError

if TYPE_CHECKING:  # pypdfium2 is imported where a PDF is opened
    from pypdfium2 import PdfDocument, PdfPage

REOPEN_EVERY = 50  # pages


def pages(path: Path, engine: str, ocr: str | None = None) -> tuple[str, int, Iterator[Page]]:
    """The engine that read the file, its page count and a lazy iterator over
    the pages (one page in memory at a time); `ocr`: the OCR engine that reads
    pages without a text layer (extract/ocr.py), None to leave them unread. A file PDFium refuses as
    damaged gets a second chance with pdfminer, which repairs differently and
    tells a PDF without pages from a broken one."""
    if engine == "pdfplumber":
        return engine, *_plumber_pages(path)
    try:
        return engine, *_pdfium_pages(path, camelot=engine == "camelot", ocr=ocr)
    except PdfError as exc:
        if str(exc).startswith("encrypted"):
            raise
        try:
            return "pdfplumber", *_plumber_pages(path)
        except PdfError as second:
            if str(second) == "PDF has no pages":
                raise second from None
            raise exc from None


# --- pdfium ------------------------------------------------------------------------------------------

def _open_pdfium(path: Path) -> PdfDocument:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise PdfError("encrypted PDF: a password is needed to read it") from exc
        raise PdfError(f"damaged PDF: {exc}") from exc
    if len(doc) == 0:
        doc.close()
        raise PdfError("PDF has no pages")
    return doc


def _pdfium_pages(path: Path, camelot: bool, ocr: str | None = None) -> tuple[int, Iterator[Page]]:
    first = _open_pdfium(path)
    n = len(first)
    miner: list[Any] = []  # pdfplumber's view of the file (a pdfplumber.PDF), opened only if a page needs it

    def miner_chars(i: int) -> list[Char]:
        import pdfplumber

        if not miner:
            miner.append(pdfplumber.open(path))
        page = miner[0].pages[i]
        try:
            return [(c["x0"], c["top"], c["x1"], c["bottom"], c.get("size") or 10.0, c["text"]) for c in page.chars]
        finally:
            page.close()

    def gen() -> Iterator[Page]:
        doc = first
        turned = 0  # the turn the last page read by OCR needed
        try:
            for i in range(n):
                if i and i % REOPEN_EVERY == 0:
                    # PDFium keeps every object it has parsed until the document
                    # closes: reopening now and then keeps memory flat on long files.
                    doc.close()
                    doc = _open_pdfium(path)
                page = doc[i]
                try:
                    drawn = width, height = page.get_size()
                    edges, images, unsure, oblique = pdfium_page.read_edges(page, height)
                    chars, turn = pdfium_page.read_chars(page, width, height, oblique)
                    if unsure and pdfium_page.lost_text(page, unsure):
                        mined = [pdfium_page.turned_box(ch, turn, *drawn) + ch[4:] for ch in miner_chars(i)]
                        chars = add_missing(chars, mined)
                    if lost := unmapped(chars):  # its glyphs render: the page is read as a scan is
                        chars, turn = [], 0
                    if chars and images and not edges and pdfium_page.hidden_text(page):
                        chars, turn = [], 0  # a scanner's own OCR under its image: read as the scan it is
                    if turn:  # the page as it reads: turned upright
                        edges = [pdfium_page.turned_edge(e, turn, *drawn) for e in edges]
                        width, height = (height, width) if turn != 180 else drawn
                    if not chars and (images or lost) and ocr:
                        scanned = _ocr(page, i + 1, ocr, turned)
                        turned, scanned.unmapped = scanned.turned, lost
                        yield scanned
                        continue
                    # (camelot turns a sideways page its own way: there, the lattice of the rules turned here)
                    tables = (_camelot_tables(path, i + 1, height) if camelot and chars and not turn
                              else lattice(edges))
                    yield Page(i + 1, width, height, chars, tables, images, unmapped=lost)
                finally:
                    page.close()
        finally:
            doc.close()
            for pdf in miner:
                pdf.close()

    return n, gen()


def unmapped(chars: list[Char]) -> bool:
    """Whether a page's text layer holds glyph numbers, not text: a font
    without a ToUnicode map (and no standard encoding) gives each glyph's
    number in the subset, so that copying the text gives control characters
    and symbols in place of Chinese (U+0001-U+001F were a fifth of such pages'
    characters; printed text has none). A viewer draws the glyphs right."""
    control = sum(1 for c in chars if c[5] < " " and c[5] != "\t")
    return control >= max(2, UNMAPPED_SHARE * len(chars))


UNMAPPED_SHARE = 0.05


def add_missing(chars: list[Char], other: list[Char]) -> list[Char]:
    """`chars` and those of `other` (another engine's reading of the same
    page) whose centre no char of `chars` covers: each engine loses glyphs
    the other keeps (PDFium a lone glyph of an unembedded font, pdfminer a
    middle dot), and where both read one, the first reading is kept."""
    cells: dict[tuple[int, int], list[Char]] = {}
    for c in chars:
        cells.setdefault((int(c[0] // 20), int(c[1] // 20)), []).append(c)
    out = list(chars)
    for c in other:
        cx, cy = (c[0] + c[2]) / 2, (c[1] + c[3]) / 2
        near = [d for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for d in cells.get((int(cx // 20) + dx, int(cy // 20) + dy), [])]
        if not any(d[0] - 0.5 <= cx <= d[2] + 0.5 and d[1] - 0.5 <= cy <= d[3] + 0.5 for d in near):
            out.append(c)
    return out


def _ocr(page: PdfPage, number: int, engine: str, hint: int) -> Page:
    """A page without a text layer, rendered and read by OCR (extract/ocr.py;
    `hint`: the turn the previous page needed)."""
    import numpy as np

    from .ocr import DPI, check_pixels, gray_of, ocr_page

    check_pixels(page.get_width() * DPI / 72, page.get_height() * DPI / 72, f"page {number} rendered for OCR")
    gray = _scanned_image(page, DPI, f"page {number}'s image")
    if gray is None:  # rendered in colour: a seal's red is taken out (`gray_of`)
        gray = gray_of(np.asarray(page.render(scale=DPI / 72).to_pil().convert("RGB")), bgr=False)
    return ocr_page(gray, number, engine, hint)


def _scanned_image(page: PdfPage, dpi: int, what: str) -> Any:
    """The page in grey at `dpi` from its image's own pixels, where the page
    is a scan as scanners write it: one image (8-bit grey or RGB) covering
    the page, upright; None for any other page (PDFium renders it). Decoding
    the image takes a quarter of the time of rendering the page (a 200 dpi A4
    scan: 12 ms against 53)."""
    import cv2
    import pypdfium2.raw as raw

    from .ocr import check_pixels, gray_of

    # the image alone, or with a searchable scan's invisible text (`pdfium_page.hidden_text`)
    pictures = [obj for obj in pdfium_page.top_objects(page) if not pdfium_page.is_invisible(obj)]
    if page.get_rotation() or len(pictures) != 1:
        return None
    obj = pictures[0]
    fs, meta = raw.FS_MATRIX(), raw.FPDF_IMAGEOBJ_METADATA()
    if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_IMAGE or not raw.FPDFPageObj_GetMatrix(obj, fs) \
            or not raw.FPDFImageObj_GetImageMetadata(obj, page.raw, meta):
        return None
    left, bottom, right, top = page.get_cropbox()
    covers = fs.b == fs.c == 0 and fs.a > 0 and fs.d > 0 and all(
        abs(u - v) <= 1 for u, v in ((fs.e, left), (fs.f, bottom), (fs.e + fs.a, right), (fs.f + fs.d, top)))
    if not covers or (meta.colorspace, meta.bits_per_pixel) not in _SCANNER_PIXELS:
        return None
    check_pixels(meta.width, meta.height, what)
    from pypdfium2 import PdfImage

    pixels = PdfImage(obj, page, page.pdf).get_bitmap(render=False).to_numpy()
    if pixels.ndim == 3:
        pixels = gray_of(pixels, bgr=True)
    # Resampled to the size PDFium renders the page at, as PDFium resamples
    # (its pixels and these differ by 2 grey levels at most, where the image's
    # own pixels, one column narrower, differ by 4 on average and read worse).
    size = (math.ceil(page.get_width() * dpi / 72), math.ceil(page.get_height() * dpi / 72))
    shrink = size[0] < pixels.shape[1]
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


_SCANNER_PIXELS = {(1, 8), (2, 24)}  # (colour space, bits per pixel): DeviceGray 8, DeviceRGB 24


# --- pdfplumber ------------------------------------------------------------------------------------

def _plumber_pages(path: Path) -> tuple[int, Iterator[Page]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
        n = len(pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError, PdfminerException, PDFSyntaxError) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise PdfError("encrypted PDF: a password is needed to read it") from exc
        raise PdfError(f"damaged PDF: {cause}") from exc
    if n == 0:
        pdf.close()
        raise PdfError("PDF has no pages")

    def gen() -> Iterator[Page]:
        with pdf:
            for page in pdf.pages:
                chars = [(c["x0"], c["top"], c["x1"], c["bottom"], c.get("size") or 10.0, c["text"])
                         for c in page.chars]
                tables = [t.cells for t in page.find_tables()] if chars else []
                yield Page(page.page_number, float(page.width), float(page.height), chars, tables,
                           bool(page.images))
                page.close()  # pdfplumber caches each page's layout

    return n, gen()


# --- camelot -----------------------------------------------------------------------------------------

def _camelot_tables(path: Path, pno: int, height: float) -> list[list[BBox]]:
    """camelot's lattice cells, merged back into the drawn cells they belong
    to: camelot splits a merged cell into its grid positions and only marks
    the rules missing between them."""
    from camelot.io import read_pdf

    out = []
    for t in read_pdf(str(path), pages=str(pno), flavor="lattice", suppress_stdout=True):
        grid = t.cells
        parent = {(r, c): (r, c) for r in range(len(grid)) for c in range(len(grid[r]))}

        def find(k: tuple[int, int], parent: dict[tuple[int, int], tuple[int, int]] = parent) -> tuple[int, int]:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if c + 1 < len(row) and not cell.right:
                    parent[find((r, c + 1))] = find((r, c))
                if r + 1 < len(grid) and not cell.bottom:
                    parent[find((r + 1, c))] = find((r, c))
        groups: dict[tuple[int, int], list[Any]] = {}  # camelot Cells
        for k in parent:
            groups.setdefault(find(k), []).append(grid[k[0]][k[1]])
        out.append([(min(x.x1 for x in g), height - max(x.y2 for x in g), max(x.x2 for x in g),
                     height - min(x.y1 for x in g)) for g in groups.values()])
    return out
