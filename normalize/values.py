"""The schema's value rules: indicator values, plain numbers, amounts, rates.

Every function takes printed text and returns a value (or None); none raises.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％＞＜＝，", "0123456789.%><=,")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT_CUT = ("以上", "以内", "以下", "之内", "左右", "余", "多")

# Step 5 of the rule: the first list with a word in the text gives the op.
_OPS = (
    (">=", ("≥", ">=", "不低于", "不少于", "不小于", "大于等于", "大于或等于", "至少", "以上")),
    ("<=", ("≤", "<=", "不高于", "不超过", "不多于", "不大于", "小于等于", "小于或等于", "以内", "以下", "之内")),
    (">", (">", "大于", "高于", "超过", "多于", "超", "余")),
    ("<", ("<", "小于", "低于", "少于")),
)


class Value(NamedTuple):
    op: str | None
    value: float | None
    unit: str | None


NO_VALUE = Value(None, None, None)


def fold(text: str) -> str:
    """Step 1: full-width digits and signs to ASCII, commas between digits
    dropped, 百分比 -> %."""
    return _DIGIT_COMMA.sub("", text.translate(_FULLWIDTH)).replace("百分比", "%")


def _is_unit_char(ch: str) -> bool:
    if ch.isdigit() or ch.isspace():
        return False
    if ch in "%‰":
        return True
    return not unicodedata.category(ch).startswith("P")


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def parse_value(text: str | None) -> Value:
    """op, value and unit of a target or actual, by the schema's rule."""
    if not text:
        return NO_VALUE
    t = fold(text)
    numbers = list(_NUMBER.finditer(t))
    if len(numbers) != 1:
        return NO_VALUE
    m = numbers[0]
    if t[m.end():m.end() + 1] in ("年", "月", "日"):
        return NO_VALUE
    run = ""
    for ch in t[m.end():]:
        if not _is_unit_char(ch):
            break
        run += ch
    cut = [run.find(w) for w in _UNIT_CUT if w in run]
    if cut:
        run = run[:min(cut)]
    lost_nei = run.endswith("内")
    if lost_nei:
        run = run[:-1]
    unit = run if 0 < len(run) <= 5 else None
    op = next((o for o, words in _OPS
               if any(w in t for w in words) or (o == "<=" and lost_nei)), "=")
    return Value(op, float(m.group()), unit)


_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def parse_number(text: str | None) -> float | None:
    """A cell that is just a number (points, scores): '5.00', ' 86.30 ', '10分'."""
    d = parse_decimal(text)
    return float(d) if d is not None else None


@lru_cache(maxsize=1 << 16)  # the same cell is asked again by every column it might fit
def parse_decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    t = re.sub(r"\s+", "", fold(text)).removesuffix("分").removesuffix("万元").removesuffix("元")
    if not _PLAIN_NUMBER.match(t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


_FEN = Decimal("0.01")
UNIT_FACTOR = {"万元": Decimal(10000), "元": Decimal(1)}


_UNIT_IN_CELL = re.compile(r"^(.*?\d)\s*(万元|万|元)$")


def parse_amount(text: str | None, unit: str | None) -> Decimal | None:
    """An amount printed in `unit` (万元 or 元), in yuan, exact to the fen. A
    unit printed in the cell itself (150万, 620.82万元, 3,000元) wins."""
    if text and (m := _UNIT_IN_CELL.match(re.sub(r"\s+", "", fold(text)))):
        text, unit = m.group(1), "万元" if m.group(2).startswith("万") else "元"
    d = parse_decimal(text)
    if d is None:
        return None
    return (d * UNIT_FACTOR.get(unit or "元", Decimal(1))).quantize(_FEN, rounding=ROUND_HALF_UP)


_FISCAL_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度")


def fiscal_year(text: str | None) -> int | None:
    """The year of 2020年度 / （2020年度） in a title or label."""
    m = _FISCAL_YEAR.search(text or "")
    return int(m.group(1)) if m else None


def parse_rate(text: str | None, percent: bool = False) -> float | None:
    """An execution rate as a fraction: '94.21%' -> 0.9421; a bare number is a
    percentage when the header says (%) or when it is above 1.5."""
    if not text:
        return None
    t = re.sub(r"\s+", "", fold(text))
    has_pct = t.endswith("%")
    d = parse_decimal(t.rstrip("%"))
    if d is None:
        return None
    if has_pct or percent or d > Decimal("1.5"):
        d = d / 100
    return float(d)


# The closing bracket may be lost at the label's end (OCR drops a lone ）
# as a speck; a copied label loses it on a wrap): 产出指标(50分 is 50 points.
_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*(?:[)）]|$)")


def points_in_label(text: str | None) -> float | None:
    """The points in a level-1 label: 产出指标（50分） -> 50."""
    m = _POINTS.search(fold(text or ""))
    return float(m.group(1)) if m else None


def strip_points(text: str) -> str:
    return _POINTS.sub("", fold(text))
