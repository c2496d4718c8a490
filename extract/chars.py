"""Character classes the extractors and the normalizer share."""
from __future__ import annotations

import re


def is_cjk(ch: str) -> bool:
    """CJK ideographs and the full-width punctuation that goes with them."""
    o = ord(ch)
    return (0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or ch in "“”‘’…—·")


def is_ideograph(ch: str) -> bool:
    """A CJK ideograph (the unified block and extension A), no punctuation:
    one character of a label spelled a cell at a time (产 | 出)."""
    return "\u3400" <= ch <= "\u9fff"


# A short bracketed note that a flattening may set apart from its label: （万元）, （50分）
BRACKETED_NOTE = re.compile(r"^[（(][^）)]{1,8}[）)]$")
# A note in brackets inside a label (实施单位（盖章）, 得分系数（%）): no part of the label's words
NOTE = re.compile(r"[（(][^）)]*[）)]")
