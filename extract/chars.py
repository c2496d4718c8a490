"""Character classes the extractors and the normalizer share."""
from __future__ import annotations


def is_cjk(ch: str) -> bool:
    """CJK ideographs and the full-width punctuation that goes with them."""
    o = ord(ch)
    return (0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or ch in "“”‘’…—·")
