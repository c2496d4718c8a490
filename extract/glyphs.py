"""The one-mark cells a recogniser misreads, read by their shape.

A form prints some cells as a single mark: `=` for a 指标性质 (the op a
target is compared with), `/` for a cell that does not apply. PP-OCRv4's
recogniser reads a lone `=` as nothing and a lone `/` as `I` or `1` (at
confidence 50 or so): the op is lost and a dash becomes a weight of 1. Such a
cell's ink is told apart by its strokes instead: two bars one above the other
are `=`, one straight stroke leaning right is `/`. Only a cell read as
nothing or as one such ambiguous character is looked at, and only a mark
plain enough to be sure of is taken.
"""
from __future__ import annotations

import math

import numpy as np

AMBIGUOUS = frozenset({"", "I", "l", "|", "1", "!", "i"})  # what the recogniser makes of a lone / or =
MIN_PIXELS = 12  # of a stroke: fewer is a speck
BAR = 2.5  # a bar of `=` is this many times as wide as it is tall, or more
BARS_ALIKE = 0.6  # the shorter bar of `=` is this share of the longer's width or more
STRAIGHT = 12.0  # a stroke's length over its width (the axes' variance ratio) for a line
SLASH = (45.0, 80.0)  # degrees above the horizontal of a `/`; a 1 or an I stands at about 90
CONFIDENCE = 90.0  # of a mark read by its shape: plain, but no recogniser's reading


def mark_of(ink: np.ndarray) -> str | None:
    """`=` or `/` where a cell's ink (a boolean mask) is plainly that mark, else None."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    strokes = [stats[k] for k in range(1, n) if stats[k][cv2.CC_STAT_AREA] >= MIN_PIXELS]
    if len(strokes) == 2:
        (x0, y0, w0, h0, _), (x1, y1, w1, h1, _) = sorted(strokes, key=lambda s: s[1])
        overlap = min(x0 + w0, x1 + w1) - max(x0, x1)
        if (w0 >= BAR * h0 and w1 >= BAR * h1 and min(w0, w1) >= BARS_ALIKE * max(w0, w1)
                and overlap >= BARS_ALIKE * min(w0, w1) and y1 > y0 + h0):
            return "="
        return None
    if len(strokes) == 1:
        ys, xs = np.nonzero(ink)
        if len(xs) < MIN_PIXELS:
            return None
        cov = np.cov(np.vstack([xs, ys]).astype(float))
        low, high = np.linalg.eigvalsh(cov)
        if low <= 0 or high / low < STRAIGHT:
            return None
        vx, vy = np.linalg.eigh(cov)[1][:, 1]
        # image rows grow downwards: a / rises to the right, its axis has x and y of opposite signs
        angle = math.degrees(math.atan2(abs(vy), abs(vx)))
        if SLASH[0] <= angle <= SLASH[1] and vx * vy < 0:
            return "/"
    return None
