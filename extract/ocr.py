"""Scanned pages: a page image to the same `Page` a PDF's text layer gives,
so that the cells, stitching and normalizing downstream are the PDF's own.

0. Grey: a colour scan's red (an office's seal stamped over the form) is
   taken out first (`gray_of`).
1. Deskew: the angle of the table's long horizontal rules (OpenCV), undone;
   and a keystone (the frame's sides leaning apart, as in a photograph),
   squared by a perspective warp.
2. Rules: horizontal and vertical strokes found by morphology on the
   binarised page, turned into edges, and cells found by the same lattice
   algorithm as a PDF's drawn lines (`page.lattice`).
3. Text: every cell that holds ink is read on its own, and the page outside
   the tables (title, notes) as one block, by one of two offline engines
   (`ENGINES`): PP-OCRv4's Chinese recogniser (extract/ocr_rapid.py, line by
   line, no detection model: the lattice gave the cells), or tesseract
   (`chi_sim`, all images in one run: the model loads once). A cell read
   alone can't have its lines merged with its neighbours' or be taken for a
   picture by the page's layout analysis, as happens when the whole page is
   read at once; an empty cell is not read at all, so its scanner noise
   can't come back as letters. Each character keeps its box (mapped back to
   the page) and its confidence, and lands in its cell as a PDF's does.
4. Cell text is post-corrected: a mostly-numeric cell has the usual letter-
   for-digit confusions undone; a cell that nearly reads as a vocabulary word
   (产出指标, 数量指标, 分值, 项目名称 …, from schemas/) becomes that word;
   a cell of one mark read as nothing or as a few Latin letters is read by
   its strokes (`=`, `/`, `≥`, `≧`: extract/glyphs.py).

Every character keeps tesseract's confidence: a page's mean goes to the
file's checks (`ocr_confidence`), and each cell read below `LOW_CONFIDENCE` too.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from . import glyphs
from .page import BBox, CellBox, Edge, Page, edge, lattice

OcrChar = tuple[int, int, int, int, float, str]  # x, y, w, h (pixels of its image), confidence, text

DPI = 200
MAX_PIXELS = 120_000_000  # of one page image: an A3 sheet at 600 dpi is 70 million
LOW_CONFIDENCE = 60.0
CELL_INSET = 3  # pixels kept off a cell's rules
MIN_INK = 15  # dark pixels: fewer is a blank cell with a speck, not read
INK = 160  # grey level: printed strokes are darker at their core; paper, noise and JPEG ringing are not
STROKE = 170  # grey level: a blurred stroke's core is darker than this, a seal's remnant is not (see `inked`)
PT = 72.0 / DPI  # points per pixel at the rendering resolution
_DIGITISH = re.compile(r"^[\d０-９OoIl|!SBZ.,，。·%％≥≤<>=\-—~～]+$")
_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "!": "1", "S": "5", "B": "8", "Z": "2",
                             "，": ".", "。": ".", "·": ".", "％": "%"})


class OcrUnavailable(RuntimeError):
    pass


SEAL = 60  # red over green and blue by more than this: a seal's ink (black print under it is not)


def gray_of(color: np.ndarray, bgr: bool) -> np.ndarray:
    """A colour page (RGB, or BGR as PDFium gives it; a fourth channel is
    ignored) in grey for the OCR, a red seal's ink as light as paper: an
    official scan carries the issuing office's seal (公章) stamped across the
    form, and in grey its ring and characters are strokes in the cells they
    cross. Where red dominates, the grey is the red channel's: the seal's ink
    is light there, and the print and rules it covers (the ink mixes) stay
    as dark as they are."""
    import cv2

    pixels = np.ascontiguousarray(color[..., :3])
    gray: np.ndarray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY if bgr else cv2.COLOR_RGB2GRAY)
    red, green, blue = (pixels[..., 2], pixels[..., 1], pixels[..., 0]) if bgr else (
        pixels[..., 0], pixels[..., 1], pixels[..., 2])
    seal = red.astype(np.int16) - np.maximum(green, blue) > SEAL
    gray[seal] = red[seal]
    return gray


# What reads a scan's text. Both are offline; tesseract also does the
# orientation check in either case (and its own digits-only second reading).
OcrEngine = Literal["auto", "rapidocr", "tesseract"]
ENGINES: tuple[OcrEngine, ...] = get_args(OcrEngine)
RAPIDOCR_MISSING = ("--ocr-engine rapidocr needs rapidocr-onnxruntime: pip install '.[rapidocr]' && "
                    "pip install --no-deps rapidocr-onnxruntime (see the README)")


def engine_for(choice: str) -> str:
    """The engine `choice` names; `auto`: PP-OCR where it is installed (0.99
    of gold fields against tesseract's 0.95, benchmarks/bench_ocr.py),
    tesseract otherwise."""
    if choice not in ENGINES:
        raise ValueError(f"unknown OCR engine {choice!r}: one of {', '.join(ENGINES)}")
    if choice != "auto":
        return choice
    from importlib.util import find_spec

    return "rapidocr" if find_spec("rapidocr_onnxruntime") and find_spec("onnxruntime") else "tesseract"


def check_pixels(width: float, height: float, what: str) -> None:
    """Refuse, before anything is decoded or rendered, a page image past
    MAX_PIXELS (a PDF page with a huge MediaBox, a bomb of a TIFF frame)."""
    if width * height > MAX_PIXELS:
        raise ValueError(f"{what} of {int(width)}x{int(height)} pixels is over the {MAX_PIXELS // 1_000_000} "
                         "million a page may have (a decompression bomb?): not read")


def tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrUnavailable("OCR needs tesseract with chi_sim (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
    return exe


ORIENT_CHECK = 95.0  # a page read at a mean confidence below this is checked for being sideways
SPARSE = 200  # characters: a page read with fewer, unsure of its orientation, is tried every way


def ocr_page(gray: np.ndarray, number: int, engine: str = "tesseract", hint: int = 0) -> Page:
    """A grayscale page image (DPI dots per inch) to a Page in points, with
    each character's confidence (`Page.ocr`, keyed by its char tuple) and the
    cleaned, deskewed image (`Page.image`) for cells read again.

    A page fed into the scanner sideways or upside down reads badly: a page
    read below ORIENT_CHECK is given to tesseract's orientation detection, and
    when that says to turn it, it is read again turned and the better of the
    two readings kept (upright pages, most of them, pay nothing for this).
    Where the detection is unsure, the turn `hint` is tried (the one the
    file's previous page needed: a file is mostly fed in one way), and on a
    page of fewer than SPARSE characters (a table's last rows, mostly blank,
    cheap to read again) every other turn after it, until one reads above
    ORIENT_CHECK. `engine`: "rapidocr" or "tesseract" (see `engine_for`)."""
    gray = even_light(gray)
    page = _read_page(gray, number, engine)
    if mean_confidence(page) >= ORIENT_CHECK:
        return page
    detected = orientation(gray)
    turns = sorted({90, 180, 270}, key=lambda d: d != hint) if len(page.chars) < SPARSE else [hint]
    for degrees in [detected] if detected else [d for d in turns if d]:
        turned = _read_page(np.ascontiguousarray(np.rot90(gray, k=-(degrees // 90))), number, engine)
        if mean_confidence(turned) > mean_confidence(page):
            page, turned.turned = turned, degrees
            if mean_confidence(page) >= ORIENT_CHECK:
                break
    return page


SHADOW = 200  # paper darker than this anywhere: the page's light is uneven
PAPER_SCALE = 8  # the paper's light is estimated on the page shrunk this much
PAPER_REACH = 7  # pixels of the shrunk page (56 of the page): wider than a character, so text drops out


def even_light(gray: np.ndarray) -> np.ndarray:
    """The page with its paper evened out where its light is not: a page
    photographed, or a bound page's side near the spine, darkens towards
    a corner, and where the paper is darker than the ink thresholds the
    whole of it reads as ink (a shadow to 55% at one corner read 0.86 of a
    sample's fields). The paper's light is the page's brightest within a
    character's reach, and each pixel is divided by it. An evenly lit page
    is left as it is."""
    import cv2

    small = cv2.resize(gray, None, fx=1 / PAPER_SCALE, fy=1 / PAPER_SCALE, interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((PAPER_REACH, PAPER_REACH), np.uint8))
    if paper.size == 0 or int(paper.min()) >= SHADOW:
        return gray
    paper = cv2.resize(cv2.blur(paper, (PAPER_REACH, PAPER_REACH)), gray.shape[::-1], interpolation=cv2.INTER_LINEAR)
    even: np.ndarray = cv2.divide(gray, paper, scale=255)
    return even


def mean_confidence(page: Page) -> float:
    confs = list((page.ocr or {}).values())
    return sum(confs) / len(confs) if confs else 0.0


def ruled(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[BBox]]]:
    """The page deskewed and, where its frame leans, squared (`keystone`);
    its masks of horizontal and vertical rules; the cells of its tables."""
    import cv2

    gray = deskew(gray)
    h_mask, v_mask = rules(gray)
    h_strokes, v_strokes = strokes(h_mask), strokes(v_mask)
    if (square := keystone(h_strokes, v_strokes)) is not None:
        gray = cv2.warpPerspective(gray, square, gray.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=255)
        h_mask, v_mask = rules(gray)
        h_strokes, v_strokes = strokes(h_mask), strokes(v_mask)
    return gray, h_mask, v_mask, lattice(_edges(h_strokes, "h") + _edges(v_strokes, "v"))


def _read_page(gray: np.ndarray, number: int, engine: str) -> Page:
    import cv2

    gray, h_mask, v_mask, tables = ruled(gray)
    # A median blur takes the scanner's specks away; the rules are painted
    # out so that they can't be read as 一 or |.
    clean = cv2.medianBlur(gray, 3)
    painted = cv2.dilate(cv2.bitwise_or(h_mask, v_mask), np.ones((5, 5), np.uint8)) > 0
    clean[painted] = 255
    ink = is_ink(clean)

    # Outside the tables the page is mostly blank paper, whose noise tesseract's
    # own thresholding would read as letters: only the ink is kept there, and
    # a page with none outside its tables is not read there at all.
    outside = ink.copy()
    for cells in tables:
        x0, y0, x1, y1 = _pixels((min(b[0] for b in cells), min(b[1] for b in cells),
                                  max(b[2] for b in cells), max(b[3] for b in cells)))
        outside[y0:y1, x0:x1] = False
    crops: list[np.ndarray] = []
    origins: list[tuple[int, int]] = []
    spans: list[tuple[int, int, int, int] | None] = []  # each crop's pixels (None: the page outside the tables)
    if outside.sum() >= MIN_INK:
        crops.append(np.where(outside, clean, 255).astype(np.uint8))
        origins.append((0, 0))
        spans.append(None)
    for box in (b for cells in tables for b in cells):
        x0, y0, x1, y1 = _pixels(box, inset=CELL_INSET)
        if x1 > x0 and y1 > y0 and inked(clean[y0:y1, x0:x1], ink[y0:y1, x0:x1]):
            crops.append(clean[y0:y1, x0:x1])
            origins.append((x0, y0))
            spans.append((x0, y0, x1, y1))
    chars, conf = [], {}
    for (ox, oy), words, span in zip(origins, read_text(crops, engine), spans, strict=True):
        if span is not None and glyphs.ambiguous("".join(w[5] for w in words)):
            # a lone mark the recogniser missed or misread (= as nothing, ≧ as V=, / as I or 1): read by
            # its strokes, taken before the median blur, which takes a 1-pixel stroke (an ='s thin bar) for a speck
            x0, y0, x1, y1 = span
            words = _as_mark((gray[y0:y1, x0:x1] < INK) & ~painted[y0:y1, x0:x1]) or words
        for (x, y, w, h, c, text) in words:
            x, y = x + ox, y + oy
            ch = (x * PT, y * PT, (x + w) * PT, (y + h) * PT, max(h * PT, 6.0), text)
            chars.append(ch)
            conf[ch] = c
    height, width = gray.shape
    return Page(number, width * PT, height * PT, chars, tables, True, ocr=conf, image=clean)


def _as_mark(ink: np.ndarray) -> list[OcrChar] | None:
    """A cell's reading as the one mark its ink plainly is (extract/glyphs.py), else None."""
    mark = glyphs.mark_of(ink)
    if mark is None:
        return None
    ys, xs = np.nonzero(ink)
    return [(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1),
             glyphs.CONFIDENCE, mark)]


def read_text(images: list[np.ndarray], engine: str) -> list[list[OcrChar]]:
    """The Chinese text of each image, by `engine` (see `read_images`)."""
    if engine == "tesseract":
        return read_images(images)
    try:
        from .ocr_rapid import read_images as read_lines

        # A blurred scan's strokes are lighter at their core: a character's
        # faint strokes would split it into lines of its own at INK.
        return read_lines(images, [max(INK, halfway_to_paper(img)) for img in images])
    except ImportError as exc:
        raise OcrUnavailable(RAPIDOCR_MISSING) from exc


def is_ink(gray: np.ndarray) -> np.ndarray:
    """Where the page holds ink: darker than Otsu's threshold and than INK (a
    page that is nearly all paper puts Otsu's threshold among the noise)."""
    import cv2

    return gray < min(cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[0], INK)


def inked(crop: np.ndarray, ink: np.ndarray) -> bool:
    """Whether a cell holds something to read: MIN_INK pixels of `ink` (see
    `is_ink`), or, on a blurred scan, whose strokes are lighter at their core
    (a 5 or a % in a narrow cell, else taken for blank), a mark darker than
    STROKE somewhere and one stroke of MIN_INK pixels darker than halfway from
    it to paper: the blur leaves a stroke whole where a clean cell's noise is
    specks apart. (A % blurred by 1.5 pixels is 161-167 grey at its darkest;
    what a red seal leaves once its red is taken out, 190 or so, is no mark.)"""
    import cv2

    if int(ink.sum()) >= MIN_INK:
        return True
    if crop.size == 0 or int(crop.min()) >= STROKE:
        return False
    dark = (crop < halfway_to_paper(crop)).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    return n > 1 and int(stats[1:, cv2.CC_STAT_AREA].max()) >= MIN_INK


def halfway_to_paper(img: np.ndarray) -> int:
    """Where a blurred scan's ink ends: the grey halfway from the image's
    darkest (it is median-blurred: no speck) to paper."""
    return (int(img.min()) + 255) // 2 if img.size else INK


def _pixels(box: tuple[float, float, float, float], inset: int = 0) -> tuple[int, int, int, int]:
    """A box in points to pixel bounds, `inset` pixels inside it."""
    x0, y0, x1, y1 = (int(round(v / PT)) for v in box)
    return max(x0 + inset, 0), max(y0 + inset, 0), max(x1 - inset, 0), max(y1 - inset, 0)


ORIENT_CONFIDENCE = 2.0  # tesseract's OSD confidence below which a page is left as it is
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_ORIENT_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def orientation(gray: np.ndarray) -> int:
    """Degrees (0, 90, 180, 270), clockwise, that tesseract's orientation
    detection says the page must be turned to stand upright; 0 when it is not
    sure. At full resolution: on a half-size page it is unsure of Chinese."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        name = Path(tmp) / "page.png"
        Image.fromarray(gray).save(name, dpi=(DPI, DPI))
        res = subprocess.run([tesseract(), str(name), "stdout", "--psm", "0", "-l", "osd", "--dpi", str(DPI)],
                             capture_output=True, text=True, timeout=60, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    rotate, conf = _ROTATE.search(res.stdout), _ORIENT_CONF.search(res.stdout)
    if res.returncode != 0 or not rotate or not conf or float(conf.group(1)) < ORIENT_CONFIDENCE:
        return 0
    return int(rotate.group(1)) % 360


def deskew(gray: np.ndarray) -> np.ndarray:
    """Rotate the page so that its long horizontal rules are level (their
    angle: `_skew`). Past 2° the angle is measured again on the page turned:
    a steep rule's thickened band breaks, and its pieces pull the first
    measure back (4.1° for a page at 4.5°)."""
    import cv2

    h, w = gray.shape

    def turn(img: np.ndarray, angle: float) -> np.ndarray:
        return cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                              flags=cv2.INTER_LINEAR, borderValue=255)

    angle = _skew(gray)
    if angle is None or abs(angle) < 0.05:
        return gray
    if abs(angle) > 2:
        angle += _skew(turn(gray, angle)) or 0.0
    return turn(gray, angle)


KEYSTONE = 0.002  # slopes: the frame's sides lean apart by more than this (8 px over a page at 200 dpi)


Strokes = tuple[np.ndarray, np.ndarray]  # a mask's strokes: its label image, and (x, y, w, h, area) per label


def strokes(mask: np.ndarray) -> Strokes:
    """The connected strokes of a rules mask (label 0: the background; its
    stats row is the whole image). The same label image and stats as
    cv2.connectedComponentsWithStats, in a third of its time: OpenCV's stats
    pass walks every pixel of the page, these only the mask's few."""
    import cv2

    n, labels = cv2.connectedComponents(mask, connectivity=8)
    stats = np.zeros((n, 5), np.int32)
    stats[0] = (0, 0, mask.shape[1], mask.shape[0], mask.size)
    found = cv2.findNonZero(mask)
    if found is None:
        return labels, stats
    xs, ys = found.reshape(-1, 2).T
    at = labels[ys, xs]
    order = np.argsort(at, kind="stable")
    at, xs, ys = at[order], xs[order], ys[order]
    starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])
    x0, x1 = np.minimum.reduceat(xs, starts), np.maximum.reduceat(xs, starts)
    y0, y1 = np.minimum.reduceat(ys, starts), np.maximum.reduceat(ys, starts)
    stats[at[starts]] = np.stack([x0, y0, x1 - x0 + 1, y1 - y0 + 1, np.diff(np.r_[starts, len(at)])], axis=1)
    stats[0, 4] -= len(at)
    return labels, stats


def stroke_pixels(found: Strokes, k: int) -> np.ndarray:
    """(row, column) of each pixel of stroke k, looked for in its box only."""
    labels, stats = found
    x, y, w, h = stats[k, :4]
    at: np.ndarray = np.argwhere(labels[y:y + h, x:x + w] == k) + (y, x)
    return at


def keystone(h_strokes: Strokes, v_strokes: Strokes) -> np.ndarray | None:
    """The perspective that squares the table's frame, where its sides lean
    apart (a page photographed, or scanned under a lifted lid: the top edge
    narrower than the bottom); None when they are parallel. Deskewing can't
    undo this (the two sides lean opposite ways), and the lattice needs
    upright rules. The frame: the outermost long rules, each fitted as a
    line; its corners go to a rectangle as wide as the sides are apart at the
    page's bottom edge."""
    import cv2

    height, width = h_strokes[0].shape

    def outermost(found: Strokes, vertical: bool) -> list[np.ndarray]:
        stats = found[1]
        long = [k for k in range(1, len(stats))
                if (stats[k, 3] >= 0.1 * height if vertical else stats[k, 2] >= 0.5 * width)]
        ends = sorted(long, key=lambda k: stats[k, 0] if vertical else stats[k, 1])
        return [stroke_pixels(found, k) for k in (ends[0], ends[-1])] if len(ends) >= 2 else []

    sides, edges = outermost(v_strokes, True), outermost(h_strokes, False)
    if not sides or not edges:
        return None
    # x = a·y + b for the sides, y = c·x + d for the top and bottom edges
    (a0, b0), (a1, b1) = (np.polyfit(px[:, 0], px[:, 1], 1) for px in sides)
    # A short table's sides (a form's last rows, alone on a page) tell their
    # lean less surely: two pixels over the shorter one is still straight.
    shorter = min(np.ptp(px[:, 0]) for px in sides) + 1
    if abs(a0 - a1) <= max(KEYSTONE, 2 / shorter):
        return None
    (c0, d0), (c1, d1) = (np.polyfit(px[:, 1], px[:, 0], 1) for px in edges)

    def corner(a: float, b: float, c: float, d: float) -> tuple[float, float]:
        y = (c * b + d) / (1 - c * a)
        return a * y + b, y

    src = np.array([corner(a0, b0, c0, d0), corner(a1, b1, c0, d0), corner(a1, b1, c1, d1), corner(a0, b0, c1, d1)],
                   dtype=np.float32)
    # The sides are stood upright where they meet the page's bottom edge, not
    # at the table's own corners: a file's pages are alike, and a short table
    # (a form's last rows) must land in the same columns as the page before.
    left, right = a0 * height + b0, a1 * height + b1
    top, bottom = src[:, 1].min(), src[:, 1].max()
    dst = np.array([(left, top), (right, top), (right, bottom), (left, bottom)], dtype=np.float32)
    square: np.ndarray = cv2.getPerspectiveTransform(src, dst)
    return square


def _skew(gray: np.ndarray) -> float | None:
    """The median angle (degrees) of the page's long horizontal rules, None
    when none is found. A tilted rule is a staircase of one-pixel steps,
    every 38 pixels at 1.5°: it is thickened by seven pixels first, so that
    it survives the long flat opening at any tilt up to a few degrees, and
    each rule's angle is then the least-squares line through its pixels
    (thickening is symmetric: the line stays the rule's own). Fitting every
    pixel is exact where a Hough transform's segments were pulled towards 0
    by the flat runs inside the band (0.51° for a page at 0.79°), and 20
    times cheaper (15 ms a page against 300)."""
    import cv2

    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    binary = cv2.dilate(binary, np.ones((7, 1), np.uint8))
    # The opening's run: a twentieth of the width, at most 100 pixels, which a
    # rule thickened to about nine rows keeps flat up to 5° (a landscape
    # page's twentieth, 117 pixels, lost every rule at 4.5°).
    run = min(max(gray.shape[1] // 20, 20), 100)
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    found = strokes(horiz)
    stats, angles = found[1], []
    for k in range(1, len(stats)):
        if stats[k, 2] < gray.shape[1] // 10:  # text and short strokes: only rules tell the page's tilt
            continue
        px = stroke_pixels(found, k)
        angle = float(np.degrees(np.arctan(np.polyfit(px[:, 1], px[:, 0], 1)[0])))
        if abs(angle) < 5:
            angles.append(angle)
    return float(np.median(angles)) if angles else None


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black ink on white: scanner noise smoothed away first, so that specks
    don't come back as quote marks and full stops."""
    import cv2

    smooth = cv2.medianBlur(gray, 3)
    return cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]


def reread_numbers(gray: np.ndarray, boxes: Sequence[CellBox]) -> list[tuple[str, float] | None]:
    """Cells read again, digits only, each on its own: (text, lowest character
    confidence) per box; None where the cell is blank or nothing was read."""

    ink = is_ink(gray)
    crops, has_ink = [], []
    for b in boxes:
        x0, y0, x1, y1 = _pixels((b.x0, b.top, b.x1, b.bottom), inset=CELL_INSET)
        crop = gray[y0:y1, x0:x1]
        has_ink.append(crop.size > 0 and inked(crop, ink[y0:y1, x0:x1]))
        if has_ink[-1]:
            crops.append(binarize(crop))
    readings = iter(read_images(crops, lang="eng", extra=["-c", "tessedit_char_whitelist=0123456789.%"]))
    out = []
    for read in has_ink:
        chars = next(readings) if read else []
        out.append((_reading_order(chars), min(c[4] for c in chars)) if chars else None)
    return out


def _reading_order(chars: list[OcrChar]) -> str:
    """Characters (x, y, w, h, conf, text) line by line, left to right: a
    character joins the line its box overlaps vertically (a full stop sits
    low, but inside the line's digits)."""
    lines: list[list[Any]] = []  # [top, bottom, chars]
    for c in sorted(chars, key=lambda c: (c[1] + c[3] / 2, c[0])):
        top, bottom = c[1], c[1] + c[3]
        line = next((ln for ln in lines if min(bottom, ln[1]) - max(top, ln[0]) > 0.3 * min(c[3], ln[1] - ln[0])),
                    None)
        if line is None:
            lines.append([top, bottom, [c]])
        else:
            line[0], line[1] = min(line[0], top), max(line[1], bottom)
            line[2].append(c)
    return "".join(c[5] for _, _, cs in sorted(lines, key=lambda ln: ln[0]) for c in sorted(cs))


def rules(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the horizontal and the vertical strokes of the table."""
    import cv2

    h, w = gray.shape

    def strokes(along: tuple[int, int], length: int) -> np.ndarray:
        # Smoothed along the rule's direction first: a thin grey rule under
        # scanner noise breaks into short runs that the opening would drop,
        # while averaging seven pixels along it keeps it whole. (Not for
        # horizontal rules: along a text line it would join the strokes of
        # neighbouring characters (工, 二) into a rule.)
        smooth = cv2.blur(gray, along) if along != (1, 1) else gray
        binary = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 10)
        kernel = (1, length) if along[1] > 1 else (length, 1)
        mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        # Bridge the gaps noise and deskewing leave in a rule.
        bridge = (1, 15) if along[1] > 1 else (15, 1)
        return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))

    # At least 40 pixels (5 mm at 200 dpi): longer than a character's stroke,
    # which would otherwise be taken for a rule and painted out, shorter than a row.
    return strokes((1, 1), max(w // 40, 40)), strokes((1, 7), max(h // 60, 40))


def _edges(found: Strokes, orientation: str) -> list[Edge]:
    """Each stroke of a mask as one edge in pdfplumber's format (points)."""
    out = []
    for x, y, w, h, _area in found[1][1:]:
        if orientation == "h" and w > 3 * h:
            out.append(edge("h", x * PT, (x + w) * PT, (y + h / 2) * PT, (y + h / 2) * PT))
        elif orientation == "v" and h > 3 * w:
            out.append(edge("v", (x + w / 2) * PT, (x + w / 2) * PT, y * PT, (y + h) * PT))
    return out


_CHAR = re.compile(r"<span class='ocrx_cinfo' title='x_bboxes (\d+) (\d+) (\d+) (\d+); x_conf ([\d.]+)'>([^<]*)</span>")
_PAD = 16  # white pixels around each image: tesseract misreads glyphs that touch the border


def read_images(images: list[np.ndarray], lang: str = "chi_sim", psm: str = "6",
                extra: list[str] | None = None) -> list[list[tuple[int, int, int, int, float, str]]]:
    """Every recognised character of each image, with its own box (in that
    image's pixels) and confidence: one tesseract run over a list of images,
    read from hOCR character boxes (a word tesseract runs across a rule still
    puts each character where it stands)."""
    from PIL import Image

    if not images:
        return []
    exe = tesseract()
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for k, img in enumerate(images):
            name = Path(tmp) / f"{k:05d}.png"
            Image.fromarray(np.pad(img, _PAD, constant_values=255)).save(name, dpi=(DPI, DPI))
            names.append(str(name))
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        res = subprocess.run([exe, str(listing), "stdout", "-l", lang, "--psm", psm, "--dpi", str(DPI),
                              "-c", "hocr_char_boxes=1", *(extra or []), "hocr"],
                             capture_output=True, text=True, timeout=60 + 5 * len(images),
                             # One thread: tesseract's OpenMP spins idle threads (5x slower here),
                             # and a batch runs one worker per core anyway.
                             env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    pages = res.stdout.split("<div class='ocr_page'")[1:]
    if res.returncode != 0 or len(pages) != len(images):
        raise OcrUnavailable(f"tesseract failed: {res.stderr.strip().splitlines()[-1:]}")
    out = []
    for page in pages:
        chars = []
        for x0, y0, x1, y1, conf, text in _CHAR.findall(page):
            text = html.unescape(text).strip()
            if text:
                chars.append((int(x0) - _PAD, int(y0) - _PAD, int(x1) - int(x0), int(y1) - int(y0), float(conf), text))
        out.append(chars)
    return out


@cache
def _vocabulary(points: bool = False) -> list[str]:
    """The words a reading may be snapped to. `points`: the reading carries
    points (预算执行（18分）), which only a level label or a block's title
    takes, never a column's header (预算执行数)."""
    from jixiao.schemas import vocabulary

    v = vocabulary()
    # the printed variants too (服务对象满意度标): a reading that is one stays as printed
    words = list(v["level1"]) + list(v["level2"]) + list(v["level1_variants"]) + list(v["level2_variants"])
    for section in (("blocks",) if points else ("indicator_columns", "fund_columns", "key_labels", "blocks")):
        for syns in v[section].values():
            words += [w for w in syns if len(w) >= 2]
    if points:
        words += v["scoresheet_level2"]
    return sorted(set(words), key=lambda w: (-len(w), w))  # a fixed order: ties go the same way every run


@cache
def _confusions() -> dict[int, str]:
    from jixiao.schemas import vocabulary

    return str.maketrans(vocabulary()["ocr_confusions"])


def is_label(text: str) -> bool:
    """A vocabulary word (a header such as 分值 or 得分), not a value."""
    return text in _vocabulary()


LEVELS = ("一级指标", "二级指标", "三级指标")


def number_levels(boxes: Sequence[CellBox]) -> None:
    """A header row with three …级指标 cells names them 一, 二, 三 from the left:
    OCR drops 一's single stroke and reads 三 as : or S, but the order is fixed."""
    rows: dict[int, list[CellBox]] = {}
    for b in boxes:
        if re.fullmatch(r"\W?.{0,2}级指标\W?", b.text or ""):
            rows.setdefault(round(b.top), []).append(b)
    for row in rows.values():
        if len(row) == len(LEVELS):
            for b, name in zip(sorted(row, key=lambda b: b.x0), LEVELS, strict=True):
                b.text = name


_SPECKS = "。，、”“\"'`.,·:;_-—~|"
_DOTS = re.compile(r"[.*·…。•'`]*[.…·。][.*·…。•'`]*[.…·。][.*·…。•'`]*")  # two dots or more among specks


SURE = 97.0  # a cell read at this confidence or above is what it says: no vocabulary word one character off replaces it


def correct(text: str, confidence: float | None = None) -> str:
    """Undo the usual OCR confusions of a cell's text (see the module doc).
    A label a character off a vocabulary word is snapped to it, unless the
    recogniser was sure of every character (`confidence` >= SURE): an
    indicator's name 预算调整率 is no misread 预算调整数."""
    if _DOTS.fullmatch(text.replace(" ", "")):
        return "……"  # a template's …… slot, its dots read among specks (*...**) from a coarse scan
    t = text.replace(" ", "") if re.search(r"[\u4e00-\u9fff]", text) else text
    # Scanner specks read as punctuation at a cell's edges; no cell starts with
    # a full stop, and a closing quote or comma does not end one (a colon or
    # a semicolon does: 年度资金总额:, a rule's 1、…(1分);).
    t = t.lstrip(_SPECKS).rstrip("”“\"'`,，、·_-—~|")
    # ≥ reads as 之, 过, >> (and, before a percentage, as 人, 羡, or a 2 or a 7
    # that makes a rate of 80-100% more than 200%), ≤ as <<, before a number.
    t = re.sub(r"^(?:之|过|>>|>=|＞＝)(?=\s*\d)", "≥", t)
    t = re.sub(r"^(?:人|羡)(?=\d+(?:\.\d+)?%$)", "≥", t)
    t = re.sub(r"^[27](?=(?:[89]\d|100)(?:\.\d+)?%$)", "≥", t)  # the usual ≥80% … ≥100%
    t = re.sub(r"(?<=[\u4e00-\u9fff])之(?=\d+(?:\.\d+)?%)", "≥", t)
    t = re.sub(r"^(?:<<|<=|＜＝)(?=\s*\d)", "≤", t)
    # ≧ alone (a 指标性质 cell) reads as V= or v=, which no cell holds
    t = re.sub(r"^[Vv]\s*[=＝]$", "≥", t)
    # Between two CJK characters a dash is 一, which OCR reads as one.
    t = re.sub(r"(?<=[\u4e00-\u9fff])[-—_](?=[\u4e00-\u9fff])", "一", t)
    bare = t.replace(" ", "")
    # A 1 on its own in a sharp print (a PDF page rendered, not scanned) reads
    # as ! (分值 1, 得分 1), which no cell of a form holds alone.
    if bare and _DIGITISH.match(bare) and (any(ch.isdigit() for ch in bare) or bare == "!"):
        # and a speck after a number's last digit reads as a point (77.), which no number ends with
        return re.sub(r"^(\d+(?:\.\d+)?)\.$", r"\1", bare.translate(_CONFUSIONS))
    from rapidfuzz import fuzz, process

    # A blurred scan loses the closing bracket after the points (产出指标（50分):
    # a label snapped below gets it back; a text left as read does not.
    core = re.sub(r"[（(]\s*\d+\s*分\s*[)）]?$", "", t)
    points = t[len(core):]
    if points and points[-1] == "分":
        points += "）" if points[0] == "（" else ")"
    level = re.fullmatch(r"(.{1,2}?)级指标\W?[A-Za-z]?", core)
    if level:  # 一 reads as a dash or a zero, 三 as S, E or =: there are only three
        first = level.group(1)
        name = "二级指标" if "二" in first else ("一级指标" if first[0] in "一-—_0Oo" else "三级指标")
        return name + points
    if re.search(r"[\u4e00-\u9fff]", core) and len(core) <= 12:
        # Latin letters and stops inside a short CJK label are specks too.
        core = re.sub(r"[A-Za-z:：;。，,.\s]", "", core) or core
    if 2 <= len(core) <= 12:
        if (put_back := core.translate(_confusions())) != core and put_back in _vocabulary():
            return put_back + points
        sure = confidence is not None and confidence >= SURE and not points
        hit = None if sure else process.extractOne(core, _vocabulary(bool(points)), scorer=fuzz.ratio, score_cutoff=80)
        # A word of the vocabulary inside a longer text (达到预期目标) is not a
        # misreading of it, unless points follow (效益指标示人（30分）: a level-1 label).
        if hit and (points or hit[0] not in core) and abs(len(hit[0]) - len(core)) <= (2 if len(core) >= 5 else 1):
            return hit[0] + points
    return t
