"""Cell text as the schema wants it (see "Values" in the schema)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from jixiao.extract.chars import is_cjk
from jixiao.schemas import vocabulary

__all__ = ["EMPTY", "clean", "compact", "is_cjk", "value"]

_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_WS = re.compile(r"\s+")
# Word's hidden bookmarks leak into copied text as "[bookmark: _GoBack]".
_ARTIFACTS = re.compile(r"\[bookmark: [^\]]*\]")
EMPTY = frozenset(vocabulary()["empty_values"])


@lru_cache(maxsize=1 << 16)  # the same cell text is cleaned again by every block test
def clean(text: str | None) -> str:
    """Fold runs of spaces, trim, and join the lines of a cell: without a
    break between two CJK characters (a wrapped label), with one otherwise."""
    if not text:
        return ""
    text = _ARTIFACTS.sub("", text)
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.replace("\r", "\n").split("\n")]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and not (is_cjk(out[-1]) and is_cjk(ln[0])):
            out += "\n"
        out += ln
    return out


def value(text: str | None) -> str | None:
    """Clean text, or None for the texts that mean "nothing here"."""
    t = clean(text)
    return None if t in EMPTY else t


@lru_cache(maxsize=1 << 16)
def compact(text: str | None) -> str:
    """All whitespace removed and full-width forms folded: for matching."""
    return unicodedata.normalize("NFKC", _WS.sub("", text or ""))
