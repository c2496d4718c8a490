"""The one-mark cells a recogniser misreads, read by their shape.

A form prints some cells as a single mark: `=`, `≧` or `≦` for a 指标性质
(the op a target is compared with), `/` for a cell that does not apply.
PP-OCRv4's recogniser reads a lone `=` as nothing, `≧` as `V=` or `N`, and a
lone `/` as `I` or `1` (at confidence 50 or so): the op is lost and a dash
becomes a weight of 1. Such a cell's ink is told apart by its strokes
instead: two bars one above the other are `=`, a chevron over one or two
bars `≥` or `≧` (`≤`, `≦`), one straight stroke leaning right `/`. Only a
cell read as nothing or as a few Latin letters and signs is looked at, and
only a mark plain enough to be sure of is taken.
"""
from __future__ import annotations

import math

import numpy as np

MIN_PIXELS = 12  # of a stroke: fewer is a speck
BAR = 2.5  # a bar of `=` is this many times as wide as it is tall, or more
BARS_ALIKE = 0.6  # the shorter bar of `=` is this share of the longer's width or more
STRAIGHT = 12.0  # a stroke's length over its width (the axes' variance ratio) for a line
SLASH = (45.0, 80.0)  # degrees above the horizontal of a `/`; a 1 or an I stands at about 90
CONFIDENCE = 90.0  # of a mark read by its shape: plain, but no recogniser's reading


def ambiguous(reading: str) -> bool:
    """A reading that may be a lone mark misread: a 1, or up to three Latin
    letters and signs with no digit (nothing; I l | ! for a /; V= for ≧)."""
    return reading == "1" or (len(reading) <= 3 and reading.isascii() and not any(c.isdigit() for c in reading))


def _bars(strokes: list[np.ndarray]) -> bool:
    """Bars of one width, one under the other (the strokes of =)."""
    if any(w < BAR * h for _, _, w, h, _ in strokes):
        return False
    lo, hi = min(s[2] for s in strokes), max(s[2] for s in strokes)
    left, right = max(s[0] for s in strokes), min(s[0] + s[2] for s in strokes)
    return lo >= BARS_ALIKE * hi and right - left >= BARS_ALIKE * lo and all(
        b[1] > a[1] + a[3] for a, b in zip(strokes, strokes[1:], strict=False))


def _chevron(ink: np.ndarray, stroke: np.ndarray) -> str | None:
    """`>` or `<`: a stroke as wide as it is tall or wider, whose middle rows
    hold ink at one side and whose top and bottom rows at the other."""
    x, y, w, h, _ = stroke
    if h < 5 or w < h / 2:
        return None
    box = ink[y:y + h, x:x + w]
    cols = np.arange(w)
    mid = [float(cols[box[r]].mean()) / max(w - 1, 1) for r in (h // 2 - 1, h // 2, h // 2 + 1) if box[r].any()]
    ends = [float(cols[box[r]].mean()) / max(w - 1, 1) for r in (0, h - 1) if box[r].any()]
    if not mid or not ends:
        return None
    if min(mid) > 0.6 and max(ends) < 0.4:
        return ">"
    if max(mid) < 0.4 and min(ends) > 0.6:
        return "<"
    return None


def mark_of(ink: np.ndarray) -> str | None:
    """`=`, `/`, `≥`, `≧`, `≤` or `≦` where a cell's ink (a boolean mask) is
    plainly that mark, else None."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    strokes = sorted((stats[k] for k in range(1, n) if stats[k][cv2.CC_STAT_AREA] >= MIN_PIXELS),
                     key=lambda s: int(s[1]))
    if len(strokes) == 2 and _bars(strokes):
        return "="
    if len(strokes) in (2, 3) and _bars(strokes[1:]) and (side := _chevron(ink, strokes[0])) \
            and strokes[1][1] > strokes[0][1] + strokes[0][3]:
        # ≥ prints one bar under its chevron, ≧ two
        return {(">", 1): "≥", (">", 2): "≧", ("<", 1): "≤", ("<", 2): "≦"}[side, len(strokes) - 1]
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
