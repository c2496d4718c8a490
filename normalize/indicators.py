"""Indicator rows: place each printed cell in its canonical column.

Flattening loses empty cells, so a row's cells can sit left of their header.
Each non-empty cell is placed by an order-preserving alignment that scores how
well its text fits each column (a level-2 word fits 二级指标, a bare number
fits 分值/得分, ...) plus a small bonus for keeping its printed position. The
best placement wins; with numbers anchoring the right edge this reads a short
row from the right and its leftover cells by their content.
"""
from __future__ import annotations

import re

from . import levels
from .records import Indicator
from .textclean import compact, value
from .values import parse_number, parse_value, points_in_label

POSITION_BONUS = 0.6
DROP_PENALTY = -4.0
NOT_APPLICABLE = frozenset({"不适用", "无", "是", "否", "不涉及"})
_ENUMERATOR = re.compile(r"^(?:指标\s*\d+\s*[:：.、]?|\d+\s*[.、:：]|[（(]\d+[)）])\s*")


def fit(role: str | None, text: str) -> float:
    """How well a non-empty cell's text fits a canonical column."""
    l1 = levels.level1(text) if len(compact(text)) <= 16 else None
    l2 = levels.level2(text) if len(compact(text)) <= 16 else None
    number = parse_number(text) is not None
    if role == "category":
        return 3.0 if "绩效指标" in compact(text) else -4.0
    if role == "level1":
        if l1:
            return 1.0 if l1 == "成本指标" else 3.0
        return -1.0 if l2 else -4.0
    if role == "level2":
        return 3.0 if l2 else (0.0 if l1 else -3.0)
    if role == "name":
        return -2.0 if (l1 or l2) else (-1.0 if number else 1.0)
    if role in ("target", "actual"):
        return 0.5
    if role == "measure_unit":
        t = compact(text)
        ok = len(t) <= 4 and not any(ch.isdigit() for ch in t) and t not in NOT_APPLICABLE
        return 0.2 if ok else -3.0
    if role in ("weight", "score"):
        return 2.0 if number else -4.0
    if role == "deviation":
        return -2.0 if number else 0.5
    return -1.0  # a column whose header matched nothing


def align(cells: list[str], roles: list[str | None]) -> dict[str, str]:
    """Order-preserving placement of a row's non-empty cells into columns."""
    items = [(i, t) for i, t in enumerate(cells) if value(t) is not None]
    n, m = len(items), len(roles)
    # best[k][j]: best score placing items k.. into columns j..
    neg = float("-inf")
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for k in range(n - 1, -1, -1):
        best[k][m] = DROP_PENALTY * (n - k)
    for k in range(n - 1, -1, -1):
        i, t = items[k]
        for j in range(m - 1, -1, -1):
            place = fit(roles[j], t) + (POSITION_BONUS if i == j else 0.0) + best[k + 1][j + 1]
            best[k][j] = max(place, best[k][j + 1], DROP_PENALTY + best[k + 1][j], neg)
    out: dict[str, str] = {}
    k = j = 0
    while k < n and j < m:
        i, t = items[k]
        place = fit(roles[j], t) + (POSITION_BONUS if i == j else 0.0) + best[k + 1][j + 1]
        if abs(best[k][j] - place) < 1e-9:
            if roles[j] is not None and roles[j] not in out:
                out[roles[j]] = t
            k += 1
            j += 1
        elif abs(best[k][j] - best[k][j + 1]) < 1e-9:
            j += 1
        else:
            k += 1
    return out


def strip_enumerator(name: str | None) -> str | None:
    if not name:
        return name
    return _ENUMERATOR.sub("", name) or None


def nows(text: str | None) -> str | None:
    """As printed, whitespace removed (the *_raw level labels)."""
    t = re.sub(r"\s+", "", text or "")
    return t or None


class LevelState:
    """Fill-down of merged level-1/level-2 cells, with the group override:
    a level-2 that belongs to another level-1 group takes that group (and no
    raw label or points, since the printed level-1 cell was not its own)."""

    def __init__(self, initial_weight: float | None = None):
        self.l1: str | None = None
        self.l1_raw: str | None = None
        self.l1_weight: float | None = initial_weight
        self.l2: str | None = None
        self.l2_raw: str | None = None

    def update(self, l1_text: str | None, l2_text: str | None) -> None:
        if l1_text:
            self.l1_raw = nows(l1_text)
            self.l1 = levels.level1(l1_text)
            self.l1_weight = points_in_label(l1_text)
            self.l2 = self.l2_raw = None
        if l2_text:
            self.l2_raw = nows(l2_text)
            self.l2 = levels.level2(l2_text)
            group = levels.group_of(self.l2)
            if group and self.l1 is None:
                self.l1 = group
            elif group and group != self.l1:
                self.l1, self.l1_raw, self.l1_weight = group, None, None


def build(placed: dict[str, str], state: LevelState) -> Indicator:
    state.update(value(placed.get("level1")), value(placed.get("level2")))
    target = value(placed.get("target"))
    actual = value(placed.get("actual"))
    tv, av = parse_value(target), parse_value(actual)
    return Indicator(
        level1=state.l1, level1_raw=state.l1_raw, level1_weight=state.l1_weight,
        level2=state.l2, level2_raw=state.l2_raw,
        name=strip_enumerator(value(placed.get("name"))),
        target_raw=target, target_op=tv.op, target_value=tv.value, target_unit=tv.unit,
        measure_unit=value(placed.get("measure_unit")),
        actual_raw=actual, actual_op=av.op, actual_value=av.value, actual_unit=av.unit,
        weight=parse_number(placed.get("weight")), score=parse_number(placed.get("score")),
        deviation_reason=value(placed.get("deviation")),
    )
