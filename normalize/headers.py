"""Map printed header cells onto canonical columns by fuzzy matching.

A header is compared with every synonym of every canonical column in a
vocabulary family (schemas/vocabulary.toml): character-level similarity
(rapidfuzz ratio) and token-level similarity over jieba tokens, the better of
the two. Parenthesised notes such as (A), （万元）, (%) and marks such as * are
dropped first. A header that matches nothing well is reported, not guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np
from jixiao.extract.chars import NOTE
from jixiao.schemas import vocabulary
from rapidfuzz import fuzz, process

from .textclean import compact
from .tokenizer import tokenizer

if TYPE_CHECKING:
    import jieba

ACCEPT = 80.0  # at or above: mapped
REVIEW = 60.0  # between REVIEW and ACCEPT: mapped, but reported as low confidence

# a note in brackets (chars.NOTE), one left open at the end (a cell cut inside
# it, or its close misread by OCR: 指标权重（分\), and marks
_NOTES = re.compile(rf"{NOTE.pattern}|[（(][^）)]*$|[*＊:：]")


@dataclass(frozen=True)
class HeaderMatch:
    text: str
    column: str | None
    score: float


@cache
def _tokenizer() -> jieba.Tokenizer:
    return tokenizer(vocabulary()["jieba_words"], freq=200000)


def core(text: str) -> str:
    """The header without notes and marks: 全年预算数 (A) -> 全年预算数."""
    return _NOTES.sub("", compact(text))


@lru_cache(maxsize=1 << 16)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in _tokenizer().lcut(text) if t.strip())


HEAD_BONUS = 10.0


def _joined(text: str) -> str:
    return " ".join(tokens(text))


def _scores(a: str, synonyms: tuple[str, ...], joined: tuple[str, ...], heads: tuple[str, ...]) -> np.ndarray:
    """0..100 for `a` against every synonym s at once (rapidfuzz's cdist runs
    the comparisons in C): the better of the character ratio and the ratio
    of the sorted jieba tokens; a Chinese header's head word comes last (执行数
    vs 执行率), so agreeing on the last token earns a bonus and disagreeing
    costs as much; 100 only for the synonym itself."""
    if not a:
        return np.zeros(len(synonyms))
    ratio = process.cdist([a], synonyms, scorer=fuzz.ratio, dtype=np.float64)[0]
    by_tokens = process.cdist([_joined(a)], joined, scorer=fuzz.token_sort_ratio, dtype=np.float64)[0]
    head = np.where(np.array(heads) == tokens(a)[-1], HEAD_BONUS, -HEAD_BONUS)
    out: np.ndarray = np.clip(np.maximum(ratio, by_tokens) + head, 0.0, 99.0)
    out[np.array(synonyms) == a] = 100.0
    return out


@cache
def _pairs(family: str) -> tuple[tuple[str, str], ...]:
    """(column, synonym) of a vocabulary family, in its order (an empty
    synonym matches nothing)."""
    return tuple((column, s) for column, synonyms in vocabulary()[family].items() for s in synonyms if s)


@cache
def _family(family: str) -> tuple[tuple[str | None, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A vocabulary family as parallel tuples: column, synonym, its tokens
    joined by spaces, its last token."""
    pairs = _pairs(family)
    return (tuple(c for c, _ in pairs), tuple(s for _, s in pairs),
            tuple(_joined(s) for _, s in pairs), tuple(tokens(s)[-1] for _, s in pairs))


def nearest_column(text: str, family: str) -> str:
    """The column a header is most like, and how much, below any threshold."""
    column, score = _best(core(text), family)
    return f"{column or 'nothing'} at {score:.0f}"


def _best(c: str, family: str) -> tuple[str | None, float]:
    """The column of `family` with the synonym most like `c`, and the score
    (the first such column where two score alike)."""
    columns, synonyms, joined, heads = _family(family)
    scores = _scores(c, synonyms, joined, heads)
    k = int(np.argmax(scores)) if len(scores) else 0
    if not len(scores) or scores[k] <= 0.0:
        return None, 0.0
    return columns[k], float(scores[k])


@cache
def _alphabet(family: str) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Per synonym of `family`: its characters counted over the family's
    alphabet, and its length."""
    synonyms = [s for _, s in _pairs(family)]
    alphabet = {ch: i for i, ch in enumerate(sorted(set("".join(synonyms))))}
    counts = np.zeros((len(synonyms), len(alphabet)))
    for k, s in enumerate(synonyms):
        for ch in s:
            counts[k, alphabet[ch]] += 1
    return alphabet, counts, np.array([len(s) for s in synonyms], dtype=float)


def could_reach(c: str, family: str, floor: float) -> bool:
    """False when no synonym of `family` can score `floor` against the header
    core `c`, by a bound that needs no tokens. Both ratios are 2·LCS over the
    summed lengths. The common subsequence holds at most the m characters the
    two share, plus, in the token-joined forms, x spaces where each side has
    at least x between its tokens (x < both lengths); x spaces add x to the
    LCS and at least 2x to the lengths, so the bound is largest at the most
    spaces: 200·(m + X) / (len(c) + len(s) + 2X), X = min(lengths) - 1, plus
    the head-word bonus. Most cells of a form (numbers, names, paragraphs)
    are turned away here, before any tokenizing."""
    if not c:
        return False
    alphabet, counts, lengths = _alphabet(family)
    hits = [i for ch in c if (i := alphabet.get(ch)) is not None]
    if not hits and floor >= REVIEW:
        # Sharing no character, the bound is 200·X/(len(c) + len(s) + 2X) + 10
        # with X below both lengths: under 50 + 10, so under any floor used.
        return False
    mine = np.zeros(counts.shape[1])
    for i in hits:
        mine[i] += 1
    shared = np.minimum(counts, mine).sum(axis=1)
    x = np.minimum(lengths, len(c)) - 1
    bound = 200.0 * (shared + x) / (len(c) + lengths + 2 * x) + HEAD_BONUS
    return bool((bound >= floor).any())


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def column(text: str, family: str, floor: float = ACCEPT) -> str | None:
    """The column of `family` a header cell names with a score of `floor` or
    better, else None: `match` for the cells that could be headers."""
    if not could_reach(core(text), family, floor):
        return None
    m = match(text, family)
    return m.column if m.column is not None and m.score >= floor else None


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def match(text: str, family: str) -> HeaderMatch:
    """Best canonical column of `family` for a header cell."""
    best, best_score = _best(core(text), family)
    if best_score < REVIEW:
        best = None
    return HeaderMatch(text, best, round(best_score, 1))
