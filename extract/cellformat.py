"""A spreadsheet cell's value as the cell shows it, from its number format.

Spreadsheets store 0.9421 and show 94.21%; store 96.2 and show 96.200000;
store a date as a serial number. The disclosures are read as printed, so the
XLSX and XLS extractors render every value through its format code here.
Covered: General, fixed decimals, thousands separators, percent, literal
text ("万元", \\x), sections (positive;negative;zero;text), and dates and
times (yyyy, m, d, h, mm, ss, 年月日). Never scientific notation: a long
number such as a 项目编码 prints in full.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

CellValue = Any  # as a spreadsheet reader gives it: int, float, str, bool, date, time, datetime

# Excel's built-in short date (id 14) as a Chinese-locale Excel prints it.
LOCALE_FORMATS = {"mm-dd-yy": "yyyy/m/d", "m/d/yy": "yyyy/m/d", "m/d/yy h:mm": "yyyy/m/d h:mm"}
_BRACKETS = re.compile(r"\[[^\]]*\]")  # [Red], [$-804], [DBNum1]: colour and locale, not digits
_QUOTED = re.compile(r'"([^"]*)"|\\(.)')
_DATE_TOKENS = re.compile(r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|.', re.I)


def display(value: CellValue, fmt: str | None) -> str:
    """`value` (str, bool, int, float, datetime, date, time or None) as shown."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = LOCALE_FORMATS.get((fmt or "").lower(), fmt or "General")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return render_date(value, fmt if is_date_format(fmt) else "yyyy/m/d")
    return render_number(float(value) if not isinstance(value, int) else value, fmt)


def is_date_format(fmt: str) -> bool:
    code = _QUOTED.sub("", _BRACKETS.sub("", fmt.split(";")[0])).lower()
    return code not in ("general", "@") and bool(re.search(r"[ymdhs]", code))


def _section(value: CellValue, fmt: str) -> tuple[str, bool]:
    """The format section for `value`, and whether the sign is still to print."""
    parts = fmt.split(";")
    if value < 0 and len(parts) > 1 and parts[1]:
        return parts[1], False
    if value == 0 and len(parts) > 2 and parts[2]:
        return parts[2], True
    return parts[0], True


def plain(value: CellValue) -> str:
    """A number in full positional notation, without trailing zeros."""
    if isinstance(value, int):
        return str(value)
    # 15 significant digits, what a spreadsheet keeps (0.1 + 0.2 shows 0.3).
    s = format(Decimal(format(float(value), ".15g")), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def render_number(value: CellValue, fmt: str) -> str:
    section, signed = _section(value, fmt)
    section = _BRACKETS.sub("", section)
    if section.strip().lower() in ("general", "", "@"):
        return plain(value)
    # Literal text stays as printed; the digit pattern is what is left.
    literals: list[str] = []

    def hold(m: re.Match[str]) -> str:
        literals.append(m.group(1) if m.group(1) is not None else m.group(2))
        return "\0"

    pattern = re.sub(r"_.|\*.", "", _QUOTED.sub(hold, section))
    digits = re.search(r"[0#?][0#?,]*(\.[0#?]*)?", pattern)
    if digits is None:  # a section of text only, such as "-" for zero
        it0 = iter(literals)
        return "".join(next(it0, "") if ch == "\0" else ch for ch in pattern)
    number = abs(value) if (not signed or value < 0) else value
    if "%" in pattern:
        number *= 100
    spec = digits.group(0)
    decimals = len(spec.split(".")[1]) if "." in spec else 0
    optional = len(re.sub(r"[^#?]", "", spec.split(".")[1])) if "." in spec else 0
    text = format(Decimal(repr(float(number))), f"{',' if ',' in spec.split('.')[0] else ''}.{decimals}f")
    if optional:  # '#' decimals print only when they are not zero
        keep = decimals - optional
        head, _, tail = text.partition(".")
        tail = tail.rstrip("0").ljust(keep, "0")
        text = f"{head}.{tail}" if tail else head
    if signed and value < 0:
        text = "-" + text.lstrip("-")
    it = iter(literals)
    before, after = pattern[: digits.start()], pattern[digits.end():]
    return "".join(next(it, "") if ch == "\0" else ch for ch in before) + text + "".join(
        next(it, "") if ch == "\0" else ch for ch in after)


def render_date(value: CellValue, fmt: str) -> str:
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 31), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    code = _BRACKETS.sub("", fmt.split(";")[0])
    tokens = _DATE_TOKENS.findall(code)
    out = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif low in ("yyyy", "yy"):
            out.append(f"{value.year:04d}" if low == "yyyy" else f"{value.year % 100:02d}")
        elif low in ("m", "mm"):
            prev = next((t.lower() for t in reversed(tokens[:i]) if t.strip() and t.lower()[0] in "hdy"), "")
            nxt = next((t.lower() for t in tokens[i + 1:] if t.strip() and t.lower()[0] in "sdy"), "")
            minutes = prev.startswith("h") or nxt.startswith("s")
            n = value.minute if minutes else value.month
            out.append(f"{n:02d}" if low == "mm" else str(n))
        elif low in ("mmm", "mmmm"):
            out.append(value.strftime("%b" if low == "mmm" else "%B"))
        elif low in ("d", "dd"):
            out.append(f"{value.day:02d}" if low == "dd" else str(value.day))
        elif low in ("ddd", "dddd"):
            out.append(value.strftime("%a" if low == "ddd" else "%A"))
        elif low in ("h", "hh"):
            out.append(f"{value.hour:02d}" if low == "hh" else str(value.hour))
        elif low in ("s", "ss"):
            out.append(f"{value.second:02d}" if low == "ss" else str(value.second))
        elif low == "am/pm":
            out.append("AM" if value.hour < 12 else "PM")
        else:
            out.append(tok)
    return "".join(out)
