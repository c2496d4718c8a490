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
from functools import lru_cache

from jixiao.schemas import vocabulary

from . import levels
from .records import Indicator
from .textclean import compact, value
from .values import parse_number, parse_value, points_in_label

POSITION_BONUS = 0.3
DROP_PENALTY = -4.0
NOT_APPLICABLE = frozenset({"不适用", "无", "是", "否", "不涉及"})
_ENUMERATOR = re.compile(r"^(?:指标\s*\d+\s*[:：.、]?|\d+\s*[.、:：]|[（(]\d+[)）])\s*")


_BARE_POINTS = re.compile(r"^[（(]\d+(?:\.\d+)?分[)）]$")


def is_bare_points(text: str) -> bool:
    """A cell holding only a level-1 label's points, （50分）: its label was lost."""
    return bool(_BARE_POINTS.match(compact(text)))


def is_ignorable(text: str) -> bool:
    """Cells that carry no indicator field: the 绩效指标 category label
    repeated by a merged cell, or bare points."""
    return compact(text) in vocabulary()["blocks"]["indicators_label"] or is_bare_points(text)


MAX_POINTS = 100.0  # a weight or a score above it is no weight or score


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def fit(role: str | None, text: str) -> float:
    """How well a non-empty cell's text fits a canonical column."""
    l1 = levels.level1(text) if len(compact(text)) <= 16 else None
    l2 = levels.level2(text) if len(compact(text)) <= 16 else None
    number = parse_number(text) is not None
    if role == "category":
        return 3.0 if "绩效指标" in compact(text) else -4.0
    if role == "number":
        return 1.0 if re.fullmatch(r"\d{1,3}", compact(text)) else -3.0
    if role == "level1":
        if l1:
            return 1.0 if l1 == "成本指标" else 3.0
        return -1.0 if l2 else -4.0
    if role == "level2":
        return 3.0 if l2 else (0.0 if l1 else -3.0)
    if role == "name":
        if l1 or l2:
            return -2.0
        return -1.0 if number or compact(text) in NOT_APPLICABLE else 1.0
    if role == "target":
        return 0.4  # a lone value of a short row is read from the right: actual
    if role == "actual":
        return 0.5
    if role == "measure_unit":
        t = compact(text)
        ok = len(t) <= 6 and not any(ch.isdigit() for ch in t) and t not in NOT_APPLICABLE
        return 0.2 if ok else -3.0
    if role in ("weight", "score"):
        # points: a form scores out of 100, so a larger number (25839, an
        # actual value beside an empty score cell) is another column's
        points = parse_number(text)
        return -4.0 if points is None else (2.0 if points <= MAX_POINTS else -1.0)
    if role == "deviation":
        return -3.0 if number else 0.5
    if role == "nature":
        return 3.0 if _NATURE.match(compact(text)) else -3.0
    if role == "scoring_rule":
        return -1.0 if number else 0.5
    return -3.0  # a column whose header matched nothing (or that has no header)


# 指标性质 as printed: ≧ ═ = ≦ (a web font's variants), 定性, 定量 (重庆's 定量指标).
_NATURE = re.compile(r"^(?:[≥≧≤≦=＝═<>＜＞]|>=|<=|(?:定性|定量|正向|反向)(?:指标)?)$")
_NATURE_OPS = (((">=", "≥", "≧", "不低于", "不少于"), ">="), (("<=", "≤", "≦", "不高于", "不超过"), "<="),
               ((">",), ">"), (("<",), "<"), (("=", "═"), "="))


def nature_op(nature: str | None) -> str | None:
    """target_op from a 指标性质 cell (schema v2): ≥ ≧ >= 不低于 -> >=, ≤ ≦ <= 不高于
    -> <=, > -> >, < -> <, = ═ -> =; anything else (定性) -> None. Full-width
    forms are folded by `compact` first."""
    k = compact(nature)
    return next((op for words, op in _NATURE_OPS if k in words), None)


JOIN_FIT = -0.5  # a text cell continuing the name cell before it: better than a drop, worse than a column of its own
# The role of a column whose header names no field of the contract (指标解释):
# a cell standing in it is its own, not a piece of the name, and the reader
# reports what it held (unread_column). Elsewhere a cell does not go there.
UNREAD = "unread"
UNREAD_IN_PLACE = 0.3
JOINABLE = frozenset({"name"})


def align(cells: list[str], roles: list[str | None]) -> dict[str, str]:
    """Order-preserving placement of a row's non-empty cells into columns.

    f[k][j] is the best score for cells k.. when cell k-1 sits in column j-1:
    cell k goes to a column c >= j, joins cell k-1 in column j-1 (a name
    printed in two cells), or is dropped."""
    items = [(i, t) for i, t in enumerate(cells) if value(t) is not None]
    n, m = len(items), len(roles)
    # Every cell's score in every column, once: the loops below read it m times.
    score = [[(UNREAD_IN_PLACE if i == c else -3.0) if roles[c] == UNREAD else
              fit(roles[c], t) + (POSITION_BONUS if i == c else 0.0) for c in range(m)] for i, t in items]
    drop = [0.0 if is_ignorable(t) else DROP_PENALTY for _, t in items]
    can_join = [k > 0 and parse_number(t) is None for k, (_, t) in enumerate(items)]

    f = [[0.0] * (m + 1) for _ in range(n + 1)]
    choice: dict[tuple[int, int], tuple[str, int]] = {}
    for k in range(n - 1, -1, -1):
        row, nxt = score[k], f[k + 1]
        # best[j]: the best column c >= j for cell k and its value, the leftmost
        # of equal ones (1e-9: sums of the same fits in another order)
        best_at: list[tuple[float, int]] = [(float("-inf"), -1)] * (m + 1)
        for c in range(m - 1, -1, -1):
            v = row[c] + nxt[c + 1]
            best_at[c] = (v, c) if v >= best_at[c + 1][0] - 1e-9 else best_at[c + 1]
        for j in range(m, -1, -1):
            best, how = drop[k] + nxt[j], ("drop", j)
            v, c = best_at[j]
            if c >= 0 and v > best + 1e-9:
                best, how = v, ("place", c)
            if can_join[k] and j > 0 and roles[j - 1] in JOINABLE and JOIN_FIT + nxt[j] > best + 1e-9:
                best, how = JOIN_FIT + nxt[j], ("join", j - 1)
            f[k][j], choice[(k, j)] = best, how
    out: dict[str, str] = {}
    j = 0
    for k in range(n):
        act, c = choice[(k, j)]
        t = items[k][1]
        role = roles[c] if act in ("place", "join") else None
        if act == "place":
            if role is not None and role not in out:
                out[role] = t
            j = c + 1
        elif act == "join" and role is not None and role in out:
            out[role] = f"{out[role]} {t}"
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
    raw label or points, since the printed level-1 cell was not its own).

    Points printed in the category header (绩效指标（50分）) or alone in a
    cell belong to the first level-1 group, whose label lost them."""

    def __init__(self, header_weight: float | None = None):
        self.l1: str | None = None
        self.l1_raw: str | None = None
        self.l1_weight: float | None = header_weight
        self.l2: str | None = None
        self.l2_raw: str | None = None
        self.header_weight = header_weight
        self.first_group: str | None = None
        self.moved: tuple[str | None, str] | None = None  # (level-2, the level-1 label it was printed under)

    def update(self, l1_text: str | None, l2_text: str | None, any_label: bool = False) -> None:
        """`any_label`: the level-1 column holds labels beyond the vocabulary
        (a scoresheet's 规划, 执行, 效果): such a label starts a group of its
        own, with its raw text and points and no canonical level-1."""
        canonical = levels.level1(l1_text) if l1_text else None
        if l1_text and not canonical and any_label and levels.level2(l1_text) is None:
            self.l1, self.l1_raw, self.l1_weight = None, nows(l1_text), points_in_label(l1_text)
            self.l2 = self.l2_raw = None
        if canonical:  # a level-2 word printed in the level-1 column is no label
            if canonical != self.l1:
                self.l2 = self.l2_raw = None
            self.l1_raw = nows(l1_text)
            self.l1 = canonical
            self.first_group = self.first_group or canonical
            points = points_in_label(l1_text)
            self.l1_weight = points if points is not None else (
                self.header_weight if canonical == self.first_group else None)
        if l2_text:
            self.l2_raw = nows(l2_text)
            self.l2 = levels.level2(l2_text)
            group = levels.group_of(self.l2)
            if group and self.l1 is None:
                self.l1 = group
                self.first_group = self.first_group or group
            elif group and group != self.l1:
                self.moved = (self.l2_raw, self.l1_raw or self.l1 or "")
                self.l1, self.l1_raw, self.l1_weight = group, None, None

    def lost_label(self, points: float | None) -> None:
        """A level-1 cell that kept only its points: a new group, its label
        unknown until a level-2 label names its group."""
        self.l1 = self.l1_raw = self.l2 = self.l2_raw = None
        self.l1_weight = points


def backfill_level1(rows: list[Indicator], labels: list[tuple[str | None, float | None] | None]) -> None:
    """A merged level-1 cell flattened onto the middle row of its group: the
    rows above it, in the same group and with neither label nor points of
    their own, take its raw text and points. `labels[r]` is what row r
    printed: (raw label or None, points) or None."""
    for r, printed in enumerate(labels):
        if printed is None:
            continue
        raw, points = printed
        k = r - 1
        while (k >= 0 and labels[k] is None and rows[k].level1_weight is None
               and rows[k].level1_raw is None and rows[k].level1 == rows[r].level1):
            rows[k].level1_raw, rows[k].level1_weight = raw, points
            k -= 1


def build(placed: dict[str, str], state: LevelState, nature_column: bool = False, any_label: bool = False
          ) -> Indicator:
    state.update(value(placed.get("level1")), value(placed.get("level2")), any_label)
    target = value(placed.get("target"))
    actual = value(placed.get("actual"))
    tv, av = parse_value(target), parse_value(actual)
    nature = value(placed.get("nature"))
    # A form with a 指标性质 column states the op there (schema v2), not in the value.
    target_op = nature_op(nature) if "nature" in placed or nature_column else tv.op
    return Indicator(
        level1=state.l1, level1_raw=state.l1_raw, level1_weight=state.l1_weight,
        level2=state.l2, level2_raw=state.l2_raw,
        name=strip_enumerator(value(placed.get("name"))),
        target_raw=target, target_op=target_op, target_value=tv.value, target_unit=tv.unit,
        target_nature=nature, scoring_rule=value(placed.get("scoring_rule")),
        measure_unit=value(placed.get("measure_unit")),
        actual_raw=actual, actual_op=av.op, actual_value=av.value, actual_unit=av.unit,
        weight=parse_number(placed.get("weight")), score=parse_number(placed.get("score")),
        deviation_reason=value(placed.get("deviation")),
    )
