"""Level-1 / level-2 indicator labels onto the controlled vocabulary."""
from __future__ import annotations

from functools import lru_cache

from jixiao.schemas import vocabulary
from rapidfuzz import fuzz

from .textclean import compact
from .values import strip_points

LEVEL_ACCEPT = 80.0


def _key(text: str | None) -> str:
    return strip_points(compact(text or "")).strip("：:")


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def level1(text: str | None) -> str | None:
    """Canonical level-1 of a printed label (产\\n出\\n指\\n标（50分） -> 产出指标).
    A level-2 word (社会效益指标) is not a level-1, though it contains one."""
    k = _key(text)
    if not k:
        return None
    names: list[str] = vocabulary()["level1"]
    for n in names:
        if k == n or k == n * (len(k) // len(n)):  # 产出指标产出指标: a merged cell printed twice
            return n
    variants: dict[str, str] = vocabulary()["level1_variants"]
    if k in variants:
        return variants[k]
    if level2(k):
        return None
    best = max(names, key=lambda n: fuzz.ratio(k, n))
    return best if fuzz.ratio(k, best) >= LEVEL_ACCEPT else None


@lru_cache(maxsize=1 << 16)
def level2(text: str | None) -> str | None:
    """Canonical level-2 of a printed label, through the known variants first."""
    k = _key(text)
    if not k:
        return None
    voc = vocabulary()
    variants: dict[str, str] = voc["level2_variants"]
    if k in voc["level2"]:
        return k
    if k in variants:
        return variants[k]
    names: list[str] = list(voc["level2"])
    for n in sorted(names, key=len, reverse=True):
        if n in k and len(k) <= len(n) + 2:
            return n
    best = max(names, key=lambda n: fuzz.ratio(k, n))
    return best if fuzz.ratio(k, best) >= LEVEL_ACCEPT else None


def is_exact(text: str | None) -> bool:
    """A level label as the vocabulary prints it (canonical or a known
    variant, points and a trailing 等 aside), not only a fuzzy likeness."""
    k = _key(text)
    voc = vocabulary()
    names = list(voc["level1"]) + list(voc["level2"])
    if k in names or k in voc["level1_variants"] or k in voc["level2_variants"]:
        return True
    return any(n in k and len(k) <= len(n) + 2 for n in voc["level2"]) or any(
        k == n * (len(k) // len(n)) for n in voc["level1"] if len(k) >= len(n))


def group_of(level2_name: str | None) -> str | None:
    """The level-1 group a canonical level-2 belongs to."""
    groups: dict[str, str] = vocabulary()["level2"]
    return groups.get(level2_name or "")
