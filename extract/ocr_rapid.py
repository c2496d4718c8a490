"""The second OCR engine: PP-OCRv4's Chinese recogniser, run by ONNX Runtime
on the CPU through rapidocr-onnxruntime's recogniser (its resizing and CTC
decoding). The model is the wheel's, rebuilt by tools/build_rec_model.py to
read in half the time (its layers fused, its mixing layers in int8) and
shipped beside this module with the fused model in float for the lines
int8 reads least surely: nothing is downloaded.

It reads text lines, not pages: the lattice already gives the cells, so no
detection model runs. Each cell image is cut into its lines by the rows that
hold ink, every line of a page is recognised in one call, and each
recognised character is given an even share of its line's width (the
recogniser gives a line's text and confidence, not character boxes; a cell's
characters only need to land in their cell and in reading order).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

Char = tuple[int, int, int, int, float, str]  # ocr.OcrChar: x, y, w, h (pixels), confidence, text
LINE_GAP = 2  # blank pixel rows inside one line (a stroke's gap), not between two
MIN_LINE = 5  # pixels: a shorter run of ink is a speck
PAD = 4
WIDE_PAD = 20  # pixels of paper added beside a short line read as nothing, read again
FAINT = 215  # grey level: lighter is paper (the image is median-blurred: noise stays lighter)


MODEL = Path(__file__).parent / "models" / "ppocr_v4_rec_int8.onnx"
# A line narrower than SHORT times its height (a bracket, a unit, one
# character of a vertical label) is read by EXACT, the same network in float
# (only its layers fused: it reads as the wheel's model does): int8's slips
# gather there (15 of the 34 lines of the OCR benchmark it reads otherwise, in
# 14% of the columns), and such cells are the labels that fill down a column,
# one slip wrong in every row. That costs 5% more model time than int8 for
# every line (the wheel's own model there cost 12%).
EXACT = Path(__file__).parent / "models" / "ppocr_v4_rec_fused.onnx"
SHORT = 3


def wheel_model() -> Path:
    """The recogniser as the rapidocr-onnxruntime wheel ships it (what
    tools/build_rec_model.py rebuilds MODEL and EXACT from)."""
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"


@cache
def _recogniser(model: Path) -> Any:
    # ImportError: not installed (ocr.py says how to)
    from rapidocr_onnxruntime.ch_ppocr_v3_rec import TextRecognizer

    # One thread: a batch runs one worker per core. One line per inference:
    # a batch pads every line to its widest, and lines differ (a 2-character
    # cell beside a paragraph's): batches of 4 and of 8 lines, sorted by
    # width, cost 20-40% more with this model, 23% more with the wheel's.
    return TextRecognizer({"model_path": str(model), "intra_op_num_threads": 1, "inter_op_num_threads": 1,
                           "rec_batch_num": 1, "rec_img_shape": [3, 48, 320]})


def is_short(strip: np.ndarray) -> bool:
    """A line narrower than SHORT times its height (see EXACT)."""
    return bool(strip.shape[1] < SHORT * strip.shape[0])


def recognise(strips: list[np.ndarray]) -> list[tuple[str, float]]:
    """Each text line's text and confidence (0-1)."""
    short = [is_short(s) for s in strips]
    out: list[tuple[str, float]] = [("", 0.0)] * len(strips)
    for model, which in ((EXACT, True), (MODEL, False)):
        if at := [k for k, is_short in enumerate(short) if is_short == which]:
            for k, read in zip(at, _recogniser(model)([strips[k] for k in at])[0], strict=True):
                out[k] = read
    return out


def lines(img: np.ndarray, ink_below: int) -> list[tuple[int, int, int, int]]:
    """The text lines of a cell image, ink being darker than `ink_below`:
    (top, bottom, left, right) in pixels."""
    ink = img < ink_below
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return []
    runs: list[list[int]] = [[int(rows[0]), int(rows[0]) + 1]]
    for y in rows[1:]:
        if y - runs[-1][1] <= LINE_GAP:
            runs[-1][1] = int(y) + 1
        else:
            runs.append([int(y), int(y) + 1])
    # A character of strokes apart (三, 二) alone on a wrapped line is runs of
    # a few rows each: they join while the line they make stays within a
    # line's height (the median of the cell's other lines).
    tall = sorted(b - t for t, b in runs if b - t >= MIN_LINE)
    line = tall[len(tall) // 2] if tall else 0
    joined: list[list[int]] = []
    for top, bottom in runs:
        if joined and line and bottom - joined[-1][0] <= 1.2 * line \
                and min(bottom - top, joined[-1][1] - joined[-1][0]) < line / 2:
            joined[-1][1] = bottom
        else:
            joined.append([top, bottom])
    out = []
    for top, bottom in joined:
        if bottom - top < MIN_LINE:
            continue
        # Across, any mark darker than paper: a faint 。 ending a line is
        # lighter than the strokes, and would be cut off.
        cols = np.flatnonzero((img[top:bottom] < FAINT).any(axis=0))
        out.append((top, bottom, int(cols[0]), int(cols[-1]) + 1))
    return out


def line_strip(img: np.ndarray, line: tuple[int, int, int, int]) -> np.ndarray:
    """A text line (`lines`) cut out of its image as the recogniser is given
    it: two pixels of the image around its ink, PAD of paper, three channels."""
    top, bottom, left, right = line
    strip = np.pad(img[max(top - 2, 0):bottom + 2, max(left - 2, 0):right + 2], PAD, constant_values=255)
    return np.stack([strip] * 3, axis=-1)


def read_images(images: list[np.ndarray], ink_below: list[int]) -> list[list[Char]]:
    """Every recognised character of each image with a box (in that image's
    pixels) and the confidence of its line (0-100): the contract of
    `ocr.read_images`. `ink_below`: each image's grey level of ink."""
    if not images:
        return []
    strips, owners = [], []
    for k, (img, ink) in enumerate(zip(images, ink_below, strict=True)):
        for line in lines(img, ink):
            strips.append((line_strip(img, line), line))
            owners.append(k)
    out: list[list[Char]] = [[] for _ in images]
    if not strips:
        return out
    results = recognise([s for s, _ in strips])
    # A lone small character (a 权重 cell's 5 on a 120 dpi scan) gives the
    # recogniser too few columns to read it in: a short line read as nothing
    # is read again with more paper beside it.
    again = [k for k, (text, _) in enumerate(results) if not text.strip() and is_short(strips[k][0])]
    wide = [np.pad(strips[k][0], ((0, 0), (WIDE_PAD, WIDE_PAD), (0, 0)), constant_values=255) for k in again]
    for k, read in zip(again, recognise(wide) if wide else [], strict=True):
        results[k] = read
    for k, (_, (top, bottom, left, right)), (text, score) in zip(owners, strips, results, strict=True):
        text = "".join(text.split())
        if not text:
            continue
        step = (right - left) / len(text)
        for j, ch in enumerate(text):
            x = left + round(j * step)
            out[k].append((x, top, max(round(step), 1), bottom - top, float(score) * 100, ch))
    return out
