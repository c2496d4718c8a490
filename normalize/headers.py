"""Map printed header cells onto canonical columns by fuzzy matching.

A header is compared with every synonym of every canonical column in a
vocabulary family (schemas/vocabulary.toml): character-level similarity
(rapidfuzz ratio) and token-level similarity over jieba tokens, the better of
the two. Parenthesised notes such as (A), （万元）, (%) and marks such as * are
dropped first. A header that matches nothing well is reported, not guessed.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

import jieba
from jixiao.schemas import vocabulary
from rapidfuzz import fuzz

from .textclean import compact

jieba.setLogLevel(logging.WARNING)

ACCEPT = 80.0  # at or above: mapped
REVIEW = 60.0  # between REVIEW and ACCEPT: mapped, but reported as low confidence

_NOTES = re.compile(r"[（(][^）)]*[）)]|[*＊:：]")


@dataclass(frozen=True)
class HeaderMatch:
    text: str
    column: str | None
    score: float


@cache
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    for w in vocabulary()["jieba_words"]:
        tok.add_word(w, freq=200000)
    return tok


def core(text: str) -> str:
    """The header without notes and marks: 全年预算数 (A) -> 全年预算数."""
    return _NOTES.sub("", compact(text))


@cache
def tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in _tokenizer().lcut(text) if t.strip())


HEAD_BONUS = 10.0


def similarity(a: str, b: str) -> float:
    """0..100. A Chinese header's head word comes last (执行数 vs 执行率), so
    agreeing on the last token earns a bonus and disagreeing costs as much."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    ta, tb = tokens(a), tokens(b)
    base = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)))
    head = HEAD_BONUS if ta[-1] == tb[-1] else -HEAD_BONUS
    return max(0.0, min(99.0, base + head))


def nearest_column(text: str, family: str) -> str:
    """The column a header is most like, and how much, below any threshold."""
    column, score = _best(core(text), family)
    return f"{column or 'nothing'} at {score:.0f}"


def _best(c: str, family: str) -> tuple[str | None, float]:
    """The column of `family` with the synonym most like `c`, and the score
    (the first such column where two score alike)."""
    best, best_score = None, 0.0
    for column, synonyms in vocabulary()[family].items():
        for s in synonyms:
            sc = similarity(c, s)
            if sc > best_score:
                best, best_score = column, sc
    return best, best_score


@cache
def match(text: str, family: str) -> HeaderMatch:
    """Best canonical column of `family` for a header cell."""
    best, best_score = _best(core(text), family)
    if best_score < REVIEW:
        best = None
    return HeaderMatch(text, best, round(best_score, 1))
