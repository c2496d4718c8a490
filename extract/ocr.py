"""Scanned pages: a page image to the same `Page` a PDF's text layer gives,
so that the cells, stitching and normalizing downstream are the PDF's own.

1. Deskew: the angle of the table's long horizontal rules (OpenCV), undone.
2. Rules: horizontal and vertical strokes found by morphology on the
   binarised page, turned into edges, and cells found by the same lattice
   algorithm as a PDF's drawn lines (`pdf_pages.lattice`).
3. Text: tesseract (`chi_sim`, offline) on the page with its rules painted
   out, one word box per entry with its confidence; words land in cells by
   position, as a PDF's characters do.
4. Cell text is post-corrected: a mostly-numeric cell has the usual letter-
   for-digit confusions undone; a cell that nearly reads as a vocabulary word
   (产出指标, 数量指标, 分值, 项目名称 …, from schemas/) becomes that word.

Every word keeps tesseract's confidence: a page's mean goes to the file's
checks (`ocr_confidence`), and each cell read below `LOW_CONFIDENCE` too.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from .pdf_pages import Page, edge, lattice

DPI = 200
LOW_CONFIDENCE = 60.0
PT = 72.0 / DPI  # points per pixel at the rendering resolution
_DIGITISH = re.compile(r"^[\d０-９OoIl|SBZ.,，。·%％≥≤<>=\-—~～]+$")
_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "Z": "2",
                             "，": ".", "。": ".", "·": ".", "％": "%"})


class OcrUnavailable(RuntimeError):
    pass


def tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrUnavailable("OCR needs tesseract with chi_sim (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
    return exe


def ocr_page(gray: np.ndarray, number: int) -> Page:
    """A grayscale page image (DPI dots per inch) to a Page in points, with
    each character's confidence (`Page.ocr`, keyed by its char tuple) and the
    cleaned, deskewed image (`Page.image`) for cells read again."""
    import cv2

    gray = deskew(gray)
    h_mask, v_mask = rules(gray)
    edges = _edges(h_mask, "h") + _edges(v_mask, "v")
    tables = lattice(edges)
    # Tesseract binarises better than a global threshold does on thin CJK
    # strokes; a median blur takes the scanner's specks away first.
    clean = cv2.medianBlur(gray, 3)
    lines = cv2.dilate(cv2.bitwise_or(h_mask, v_mask), np.ones((5, 5), np.uint8))
    clean[lines > 0] = 255
    words = _tesseract_words(clean)
    chars, conf = [], {}
    for (x, y, w, h, c, text) in words:
        ch = (x * PT, y * PT, (x + w) * PT, (y + h) * PT, max(h * PT, 6.0), text)
        chars.append(ch)
        conf[ch] = c
    height, width = gray.shape
    return Page(number, width * PT, height * PT, chars, tables, True, ocr=conf, image=clean)


def deskew(gray: np.ndarray) -> np.ndarray:
    """Rotate the page so that its long horizontal rules are level."""
    import cv2

    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    # A tilted rule survives a long flat opening as runs of a few hundred pixels.
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (max(gray.shape[1] // 20, 20), 1)))
    lines = cv2.HoughLinesP(horiz, 1, np.pi / 1800, threshold=100, minLineLength=gray.shape[1] // 10,
                            maxLineGap=30)
    if lines is None:
        return gray
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines.reshape(-1, 4)]
    angles = [a for a in angles if abs(a) < 5]
    if not angles:
        return gray
    angle = float(np.median(angles))
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black ink on white: scanner noise smoothed away first, so that specks
    don't come back as quote marks and full stops."""
    import cv2

    smooth = cv2.medianBlur(gray, 3)
    return cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]


def reread_numbers(gray: np.ndarray, boxes: list) -> dict[int, tuple[str, float]]:
    """Cells of numeric columns read again, digits only."""
    return reread(gray, boxes, "eng", ["-c", "tessedit_char_whitelist=0123456789.%"], binary=True)


def reread(gray: np.ndarray, boxes: list, lang: str = "chi_sim", extra: list[str] | None = None,
           binary: bool = False) -> dict[int, tuple[str, float]]:
    """Cells read again on their own: their crops stacked into one strip, read
    in one tesseract call. {index into boxes: (text, lowest confidence)}."""
    if not boxes:
        return {}
    pad, crops, spans = 12, [], []
    y = 0
    for b in boxes:
        x0, y0, x1, y1 = (int(round(v / PT)) for v in (b.x0, b.top, b.x1, b.bottom))
        crop = gray[max(y0 + 4, 0):max(y1 - 4, 0), max(x0 + 4, 0):max(x1 - 4, 0)]
        if crop.size == 0:
            crop = np.full((10, 10), 255, np.uint8)
        crops.append(crop)
        spans.append((y, y + crop.shape[0] + 2 * pad))
        y += crop.shape[0] + 2 * pad
    width = max(c.shape[1] for c in crops) + 2 * pad
    strip = np.full((y, width), 255, np.uint8)
    for c, (a, _) in zip(crops, spans, strict=True):
        strip[a + pad:a + pad + c.shape[0], pad:pad + c.shape[1]] = c
    if binary:
        strip = binarize(strip)
    words = _tesseract_words(strip, lang=lang, psm="6", extra=extra)
    out: dict[int, list] = {}
    for x, wy, _w, h, conf, text in words:
        mid = wy + h / 2
        k = next((i for i, (a, b) in enumerate(spans) if a <= mid < b), None)
        if k is not None:
            out.setdefault(k, []).append((mid, h, x, text, conf))
    return {k: (_reading_order(v), min(c[4] for c in v)) for k, v in out.items()}


def _reading_order(chars: list[tuple]) -> str:
    """Characters (y-mid, height, x, text, conf) line by line, left to right."""
    lines: list[list[tuple]] = []
    for c in sorted(chars):
        if lines and c[0] - lines[-1][0][0] < 0.5 * max(c[1], lines[-1][0][1]):
            lines[-1].append(c)
        else:
            lines.append([c])
    return "".join(t for line in lines for *_, t, _ in sorted(line, key=lambda c: c[2]))


def rules(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the horizontal and the vertical strokes of the table."""
    import cv2

    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    h, w = gray.shape
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 40, 20), 1)))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 80, 20))))
    # Bridge the gaps noise and deskewing leave in a rule.
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 15)))
    return horiz, vert


def _edges(mask: np.ndarray, orientation: str) -> list[dict]:
    """Each stroke of a mask as one edge in pdfplumber's format (points)."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:n]:
        if orientation == "h" and w > 3 * h:
            out.append(edge("h", x * PT, (x + w) * PT, (y + h / 2) * PT, (y + h / 2) * PT))
        elif orientation == "v" and h > 3 * w:
            out.append(edge("v", (x + w / 2) * PT, (x + w / 2) * PT, y * PT, (y + h) * PT))
    return out


_CHAR = re.compile(r"<span class='ocrx_cinfo' title='x_bboxes (\d+) (\d+) (\d+) (\d+); x_conf ([\d.]+)'>([^<]*)</span>")


def _tesseract_words(gray: np.ndarray, lang: str = "chi_sim", psm: str = "6",
                     extra: list[str] | None = None) -> list[tuple[int, int, int, int, float, str]]:
    """Every recognised character with its own box and confidence (hOCR
    character boxes: a word tesseract runs across a cell's rule still puts
    each character where it stands)."""
    from PIL import Image

    exe = tesseract()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.png"
        Image.fromarray(gray).save(src, dpi=(DPI, DPI))
        res = subprocess.run([exe, str(src), "stdout", "-l", lang, "--psm", psm, "--dpi", str(DPI),
                              "-c", "hocr_char_boxes=1", *(extra or []), "hocr"],
                             capture_output=True, text=True, timeout=300,
                             # One thread: tesseract's OpenMP spins idle threads (5x slower here),
                             # and a batch runs one worker per core anyway.
                             env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if res.returncode != 0:
        raise OcrUnavailable(f"tesseract failed: {res.stderr.strip().splitlines()[-1:]}")
    out = []
    for x0, y0, x1, y1, conf, text in _CHAR.findall(res.stdout):
        text = html.unescape(text).strip()
        if text:
            out.append((int(x0), int(y0), int(x1) - int(x0), int(y1) - int(y0), float(conf), text))
    return out


@cache
def _vocabulary() -> list[str]:
    from jixiao.schemas import vocabulary

    v = vocabulary()
    words = list(v["level1"]) + list(v["level2"])
    for section in ("indicator_columns", "fund_columns", "key_labels", "blocks"):
        for syns in v[section].values():
            words += [w for w in syns if len(w) >= 2]
    return sorted(set(words), key=lambda w: (-len(w), w))  # a fixed order: ties go the same way every run


def is_label(text: str) -> bool:
    """A vocabulary word (a header such as 分值 or 得分), not a value."""
    return text in _vocabulary()


_SPECKS = "。，、”“\"'`.,·:;_-—~|"


def correct(text: str) -> str:
    """Undo the usual OCR confusions of a cell's text (see the module doc)."""
    t = text.replace(" ", "") if re.search(r"[\u4e00-\u9fff]", text) else text
    # Scanner specks read as punctuation at a cell's edges; no cell starts with
    # a full stop, and a closing quote or comma does not end one.
    t = t.lstrip(_SPECKS).rstrip("”“\"'`,，、·:;_-—~|")
    bare = t.replace(" ", "")
    if bare and _DIGITISH.match(bare) and any(ch.isdigit() for ch in bare):
        return bare.translate(_CONFUSIONS)
    from rapidfuzz import fuzz, process

    core = re.sub(r"[（(]\s*\d+\s*分\s*[)）]$", "", t)
    points = t[len(core):]
    level = re.fullmatch(r"(.{1,2}?)级指标\W?[A-Za-z]?", core)
    if level:  # 一 reads as a dash or a zero, 三 as S, E or =: there are only three
        first = level.group(1)
        name = "二级指标" if "二" in first else ("一级指标" if first[0] in "一-—_0Oo" else "三级指标")
        return name + points
    if re.search(r"[\u4e00-\u9fff]", core) and len(core) <= 12:
        # Latin letters and stops inside a short CJK label are specks too.
        core = re.sub(r"[A-Za-z:：;。，,.\s]", "", core) or core
    if 2 <= len(core) <= 12:
        hit = process.extractOne(core, _vocabulary(), scorer=fuzz.ratio, score_cutoff=80)
        if hit and abs(len(hit[0]) - len(core)) <= (2 if len(core) >= 5 else 1):
            return hit[0] + points
    return t
