"""Printed labels as the vocabulary knows them (schemas/vocabulary.toml):
the one place that says when a cell is a key label (项目名称), a block's label
(项目资金, 年度总体目标, 总分 …) or which field a label names. Used by the form
reader and by the reflow that rebuilds rows, so both read a label alike."""
from __future__ import annotations

import re
from functools import cache, lru_cache

from jixiao.extract.chars import NOTE as _NOTE_ANY
from jixiao.schemas import vocabulary

from .textclean import compact

_NOTE: re.Pattern[str] = _NOTE_ANY  # (typed here: mypy reads jixiao.extract as untyped)
_ENUMERATOR = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)[.、．]")
_INLINE = re.compile(r"^([^:：]{2,8})[:：](.+)$")


def label_key(text: str) -> str:
    """A label as matched: whitespace, a leading enumerator (1.), notes in
    brackets (（盖章）, （10分）) and a trailing colon removed."""
    return _NOTE.sub("", _ENUMERATOR.sub("", compact(text))).rstrip(":：")


@cache
def labels(section: str) -> dict[str, str]:
    """printed label -> field, for one table of vocabulary.toml."""
    return {s: f for f, syns in vocabulary()[section].items() for s in syns}


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def key_label(text: str) -> tuple[str | None, str | None]:
    """(field, inline value) when a cell is a key label: 项目名称 or 项目名称：X."""
    keys = labels("key_labels")
    bare = label_key(text)
    if bare in keys:
        return keys[bare], None
    m = _INLINE.match(compact(text))
    if m and m.group(1) in keys:
        return keys[m.group(1)], m.group(2)
    return None, None


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def in_block(text: str, block: str) -> bool:
    """The cell is one of a block's labels (blocks.funds_label, blocks.total …)."""
    return label_key(text) in vocabulary()["blocks"][block]


def is_goal_label(text: str) -> bool:
    """预期目标, 实际完成情况 …: the label of a planned or an achieved goal."""
    return in_block(text, "goal_planned") or in_block(text, "goal_achieved")
