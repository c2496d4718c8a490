"""Rebuild a form's rows from a stream of cells that lost them.

Text copied out of web pages and viewers keeps the cells in reading order but
loses the rows, every empty cell and sometimes the boundaries between cells
(a whole form on one line, cells joined by spaces). The form itself says where
its rows are: its labels are known words with known neighbours (项目名称 is
followed by the name, a funds header by fund lines, an indicator header by
indicator rows), its values have shapes (amounts, rates, ≥ targets, points)
and each block's columns come in a fixed order.

So the stream is read block by block:

* fragments are joined first: cells a flattening split that make a known
  label together (年初 | 预算数, 经济效益 | 指标, a vertical 产 | 出 | 指 | 标);
* key labels take the cells up to the next label;
* a funds header takes its column words, then each fund line its values,
  placed into the header's columns by an order-preserving alignment;
* an indicator header takes its column words (a two-row header such as
  年度指标值 over 指标性质 | 指标值 | 度量单位 is resolved to the lower row),
  and its data are cut into rows and placed into columns at once by dynamic
  programming: the best segmentation of the stream into rows, each row the
  best alignment of its cells to the columns (see `segment`);
* 总分, tail labels and stray text are rows of their own.

The rows come out aligned to their header, so the form reader that reads
every other format reads them unchanged. Where two segmentations score
within `AMBIGUOUS` of each other, the chosen one is kept and a `reflow`
warning says so.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import combinations

from jixiao.extract.chars import BRACKETED_NOTE, is_ideograph
from jixiao.schemas import vocabulary

from . import families, levels
from . import indicators as ind
from .headers import ACCEPT, column
from .labels import in_block, is_goal_label, key_label, label_key, labels
from .records import Finding
from .textclean import EMPTY, clean, compact
from .values import parse_decimal, strip_points

NEG = float("-inf")
ROW_COST = -1.0  # each indicator row: fewer, fuller rows beat many thin ones
DROP = -4.0  # a cell placed nowhere
JOIN = -0.5  # a text cell continuing the cell before it (a name printed with a space)
JOIN_AFTER_COMMA = 0.8  # ... and more surely so when the cell before ends mid-sentence
_OPEN_END = tuple("，,、;；:：（(")
AMBIGUOUS = 0.25  # a fund line's two placements this close: a `reflow` warning
ROW_DOUBT = 0.1  # two cuts of indicator rows this close, moving a value: a `reflow` warning
# Leaving a column empty: a target or actual or weight is normally printed.
SKIP = {"target": 0.3, "actual": 0.3, "weight": 0.3, "name": 2.0}
# ... and a second header of a field (重庆's 调整指标值 after 年初指标值) is left
# empty by most rows: where a row's cells fit two ways, that column is the one
# the flattening dropped (not 得分系数 after 全年完成值).
SKIP_SECOND = -0.05
# A header cell naming no column of the contract (福建's 指标解释 between
# 三级指标 and 目标值) does not end the header: its cells get a column of
# their own, which the form reader reports (indicators.UNREAD).
UNREAD = ind.UNREAD
JOINABLE = frozenset({"name", "deviation", "target", "actual", "scoring_rule", UNREAD})
OPENING = 4  # characters two goal texts of one form open alike with (本项目共申请 / 本项目共完成)
FRAGMENT = 4  # characters: a piece of a label cut at each line of its cell (年度 | 预算 | 安排)
LEVEL_ROLES = ("level1", "level2", "name")


@dataclass
class Reflowed:
    rows: list[list[str]] = field(default_factory=list)
    findings: list[tuple[int, Finding]] = field(default_factory=list)  # (row index, finding)


# -- what a cell is --------------------------------------------------------

@cache
def _known_labels() -> frozenset[str]:
    v = vocabulary()
    words: set[str] = set()
    for section in ("key_labels", "indicator_columns", "fund_columns", "fund_kinds", "blocks"):
        for syns in v[section].values():
            words.update(syns)
    words.update(v["level1"], v["level2"], v["level1_variants"], v["level2_variants"])
    return frozenset(words)


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def known(text: str) -> bool:
    k = compact(text).rstrip(":：")
    return k in _known_labels() or strip_points(k) in _known_labels() or label_key(k) in _known_labels()


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def is_value(text: str) -> bool:
    """A number, a rate, an amount with its unit, or a dash."""
    k = compact(text)
    if k in EMPTY:
        return True
    k = re.sub(r"(万元|万|元|%|％|分)$", "", k)
    return parse_decimal(k) is not None


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def fund_kind(text: str) -> str | None:
    """The kind of a funds line label (其中：当年财政拨款 -> fiscal)."""
    k = _fund_key(text)
    if not k or len(k) > 14 or is_value(k):
        return None
    kinds = labels("fund_kinds")
    if k in kinds:
        return kinds[k]
    for s in sorted(kinds, key=len, reverse=True):
        if len(s) >= 3 and s in k:
            return kinds[s]
    return None


def key_field(text: str) -> str | None:
    return key_label(text)[0]


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def column_of(text: str, family: str) -> str | None:
    """The header column of a short cell, when it is one with confidence."""
    k = compact(text)
    if not k or len(k) > 16 or is_value(k):
        return None
    return column(clean(text), family, ACCEPT)


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def is_level(text: str) -> bool:
    k = compact(text)
    return len(k) <= 16 and bool(levels.level1(k) or levels.level2(k))


# head fields whose value is a name, a code or a number, never text that runs on
SHORT_FIELDS = frozenset({"project_name", "project_code", "department", "implementing_unit", "unit_code",
                          "project_leader", "contact_phone", "department_fallback", "fiscal_year"})
# a label's last words: 项目负责单位, 编制依据, 填报日期, 资金类型 …
_LABEL_END = re.compile(r"^[\u4e00-\u9fff]{1,6}(?:单位|部门|名称|日期|时间|负责人|联系人|电话|编号|编码|代码|依据|"
                        r"类型|类别|属性|地点|方式|期限)[:：]?$")


def _unknown_label(text: str) -> bool:
    """A cell worded as a head's label that the vocabulary does not know."""
    return bool(_LABEL_END.match(compact(text))) and key_field(text) is None


def _is_tail_key(text: str) -> bool:
    """财务负责人：唐勇 - a tail label with its value in the same cell."""
    m = re.match(r"^([^:：]{2,8})[:：]", compact(text))
    return m is not None and m.group(1) in vocabulary()["blocks"]["tail"]


def is_form_title(text: str) -> bool:
    """部门预算项目支出绩效自评表（2023年度）: a title word inside the cell."""
    k = compact(text)
    return len(k) <= 40 and any(w in k for w in vocabulary()["blocks"]["form_title"])


def is_total(text: str) -> bool:
    return in_block(text, "total")


def is_grade(text: str) -> bool:
    return compact(text) in vocabulary()["grades"]


# -- fragments -------------------------------------------------------------

_ELLIPSIS = re.compile(r"^[…⋯.。·]+$")
_MARK = re.compile(r"^[*＊※]+$")
_QUANTITY = re.compile(r"^\d+(?:\.\d+)?[^\d]{0,4}$")  # 5亩, 29.5亩, 12万元: a value, however short


def is_placeholder(text: str) -> bool:
    """A template's empty slot: 指标2, 指标3：, …… ."""
    k = compact(text)
    return bool(_ELLIPSIS.match(k) or re.fullmatch(r"指标\s*\d+\s*[:：]?", k))


def join_fragments(tokens: list[str]) -> list[str]:
    """Cells a flattening cut apart, joined back: a run of single CJK
    characters (a vertical label; no label opens with one character twice),
    a bracketed note (（万元）, （50分）), and two cells that make a known label
    together (年初 + 预算数)."""
    out: list[str] = []
    singles = False  # out[-1] is made of single characters
    for t in tokens:
        k = compact(t)
        single = len(k) == 1 and is_ideograph(k) and k not in vocabulary()["grades"]
        if out:
            prev = compact(out[-1])
            # (not one character twice, 高 | 高: a qualitative row's target and actual, not a label)
            if single and prev != k and (singles or (len(prev) == 1 and is_ideograph(prev))):
                out[-1], singles = prev + k, True
                continue
            if BRACKETED_NOTE.match(k) and not is_value(prev) and not is_placeholder(prev) \
                    and not (ind.is_bare_points(k) and column_of(prev, "indicator_columns")):
                # (a level-1 cell's points under a header cell or a slot, its label lost: a cell of its own)
                out[-1] += k
                continue
            if _OPEN_NOTE.search(prev) and len(prev) + len(k) <= NOTE and not _OPEN_NOTE.match(k):
                # ( | 2021 | 年度): a bracket cut at its spaces, up to its close (as printed, spaces removed)
                out[-1] = re.sub(r"\s+", "", out[-1] + t)
                if len(out) >= 2 and ind.is_bare_points(out[-1]) and is_level(out[-2]):
                    points = out.pop()
                    out[-1] += points  # 产出指标 | （50 | 分）: the label's points, cut at a line
                continue
            if (n := _label_run(out, k)) is not None:  # 年度 | 总体 | 目标: a tall cell cut at each line
                out[-n:] = ["".join(compact(p) for p in out[-n:]) + k]
                singles = False
                continue
            if known(prev + k) and not is_value(k) and not ind.is_bare_points(prev) and (
                    not known(prev) or is_level(prev + k) or _longer_header(prev, k)):
                out[-1] = prev + k
                continue
            if len(k) <= 2 and not known(k) and not is_value(k) and _is_fund_label(prev + k):
                out[-1] = prev + k  # 上年结转 | 资金, 其中:当年财政 | 拨款: a fund line's label cut at its space
                continue
        out.append(t)
        singles = single
    return out


_POINTED_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,10}[（(]\d+(?:\.\d+)?分[）)]$")  # 规划（15分）
_POINTS_IN_TEXT = re.compile(r"[（(]\d+(?:\.\d+)?分")  # …是否完整可行（3分）
RULE = 12  # characters: a scoring rule is a sentence, longer than a label with its points
_OPEN_NOTE = re.compile(r"[（(][^）)]*$")  # a bracket opened and not closed
NOTE = 12  # characters: a bracketed note joined back across its spaces is short ((2021年度))


def _fund_key(text: str) -> str:
    """A fund line's label as matched: its label key, 其中： aside."""
    return label_key(text).replace("其中", "").strip(":：")


def _is_fund_label(text: str) -> bool:
    """A fund line's label as the vocabulary prints it (fund_kind's exact match)."""
    return _fund_key(text) in labels("fund_kinds")


def _longer_header(prev: str, k: str) -> bool:
    """Two header cells that spell one column's longer name together (一级 | 指标)."""
    c = column_of(prev, "indicator_columns")
    return c is not None and label_key(prev + k) != label_key(prev) and column_of(prev + k, "indicator_columns") == c


def _label_run(out: list[str], k: str) -> int | None:
    """How many cells at the end of `out` make a known label with `k`, where
    each is a short piece that is no label itself (2 or 3 of them)."""
    if len(k) > FRAGMENT or is_value(k) or known(k):
        return None
    for n in (3, 2):
        pieces = [compact(p) for p in out[-n:]]
        if len(pieces) == n and all(0 < len(p) <= FRAGMENT and not is_value(p) and not known(p) for p in pieces) \
                and known("".join(pieces) + k):
            return n
    return None


def _cut_short(text: str, words: Iterable[str]) -> bool:
    """The text is the start of one of `words`, cut short (two characters or more)."""
    k = compact(text)
    return len(k) >= 2 and any(w.startswith(k) and len(w) > len(k) for w in words)


def _cut_level(text: str) -> bool:
    """The start of a level label, cut short (满意, of 满意度指标)."""
    v = vocabulary()
    return not is_level(text) and _cut_short(text, [*v["level1"], *v["level2"], *v["level1_variants"],
                                                    *v["level2_variants"]])


def _cut_header(text: str) -> bool:
    """The start of an indicator header word, cut short (得分计算, of 得分计算方法)."""
    return _cut_short(text, (w for words in vocabulary()["indicator_columns"].values() for w in words))


# -- the reader ------------------------------------------------------------

class Reflow:
    family: str | None = None  # the form family the last title named (normalize/families.py)

    def __init__(self, tokens: list[str]):
        # an ellipsis is a template's empty slot; a lone * a header's mark cut off by a space
        self.t = join_fragments([t for t in tokens if compact(t) and not _ELLIPSIS.match(compact(t))
                                 and not _MARK.match(compact(t))])
        self.out = Reflowed()

    def run(self) -> Reflowed:
        i = 0
        while i < len(self.t):
            nxt = self.step(i)
            if nxt <= i:
                # a cell that opens a block and takes nothing, itself included (a header
                # whose first cell reads as a level label): a row of its own, never a hang
                self.out.findings.append((len(self.out.rows), Finding(
                    "reflow", "warning", f"{clip(self.t[i])!r} opens a block that reads as empty: kept as a row")))
                self.emit([self.t[i]])
                nxt = i + 1
            i = nxt
        return self.out

    def emit(self, cells: list[str]) -> None:
        self.out.rows.append(cells)

    def step(self, i: int) -> int:
        t = self.t[i]
        if is_form_title(t):
            self.family = families.of_title(t) or self.family
        if self.starts_funds(i):
            return self.funds(i)
        if self.starts_indicators(i):
            return self.indicators(i)
        if in_block(t, "goals") or in_block(t, "goal_planned"):
            return self.goals(i)
        if is_total(t) and i + 1 < len(self.t) and is_value(self.t[i + 1]):
            return self.total(i)
        if self.budget_pair(i):
            return self.budget_pairs(i)
        if key_field(t) or in_block(t, "tail") or in_block(t, "sections") or _is_tail_key(t):
            return self.labelled(i)
        self.emit([t])
        return i + 1

    def budget_pair(self, i: int) -> bool:
        """A fund line's label and its amount outside a funds block (湖南's head:
        年度本级预算金额 | 250万 | 该项目支出上级资金 | 0)."""
        return fund_kind(self.t[i]) is not None and i + 1 < len(self.t) and is_value(self.t[i + 1])

    def budget_pairs(self, i: int) -> int:
        j = i
        while j < len(self.t) and self.budget_pair(j):
            j += 2
        self.emit(self.t[i:j])
        return j

    def is_label(self, i: int) -> bool:
        """A cell that opens something: a row or block of its own."""
        t = self.t[i]
        return bool(key_field(t) or _is_tail_key(t) or self.starts_funds(i) or self.starts_indicators(i)
                    or in_block(t, "goals") or in_block(t, "tail") or in_block(t, "sections")
                    or is_form_title(t) or (is_total(t) and i + 1 < len(self.t)
                                                      and is_value(self.t[i + 1])))

    # key: value, a section and its text, a tail label and its text
    def labelled(self, i: int) -> int:
        j = i + 1
        # (a goal's label or a fund line's amount ends a label's text, though
        # neither is a row's label in a block of its own: 湖南's head)
        while j < len(self.t) and not self.is_label(j) and not self.budget_pair(j) and not is_goal_label(self.t[j]):
            j += 1
        # A short value (a name, a code) runs on over a label the vocabulary
        # does not know (预算部门 | X | 项目负责单位 | Y): that label opens a row of
        # its own, which the form reader says it could not place, rather than
        # Y joining X.
        cut = next((k for k in range(i + 2, j - 1) if _unknown_label(self.t[k])), None) \
            if key_field(self.t[i]) in SHORT_FIELDS else None
        if cut is not None:
            self.emit([self.t[i], " ".join(self.t[i + 1:cut])])
            self.emit([self.t[cut], " ".join(self.t[cut + 1:j])])
            return j
        self.emit([self.t[i], " ".join(self.t[i + 1:j])] if j > i + 1 else [self.t[i]])
        return j

    def total(self, i: int) -> int:
        j = i + 1
        while j < len(self.t) and (is_value(self.t[j]) or is_grade(self.t[j])):
            j += 1
        self.emit(self.t[i:j])
        return j

    # -- funds ---------------------------------------------------------
    def starts_funds(self, i: int) -> bool:
        t = self.t[i]
        if in_block(t, "funds_label") and not column_of(t, "fund_columns"):
            return True
        return self.header_run(i, "fund_columns") >= 3

    def header_run(self, i: int, family: str) -> int:
        """How many of the cells from i on (up to 8) are distinct columns of `family`."""
        cols: list[str] = []
        for j in range(i, min(i + 8, len(self.t))):
            c = column_of(self.t[j], family)
            if c is None and family == "indicator_columns" and self.unread_header(j, len(cols)):
                continue
            if c is None:
                break
            cols.append(c)
        return len(set(cols))

    def unread_header(self, j: int, known_before: int) -> bool:
        """A cell of an indicator header that names no column (`UNREAD`): a
        short label, not a value or a level, after three known header cells
        and right before another."""
        t, k = self.t[j], label_key(self.t[j])  # (its note dropped: 重庆's 得分系数（%）)
        return (known_before >= 3 and 2 <= len(k) <= 8 and all(is_ideograph(ch) for ch in k)
                and not known(t) and not is_level(t) and j + 1 < len(self.t)
                and column_of(self.t[j + 1], "indicator_columns") is not None and not is_level(self.t[j + 1]))

    def funds(self, i: int) -> int:
        header: list[str] = []
        j = i
        while j < len(self.t) and in_block(self.t[j], "funds_label"):
            header.append(self.t[j])
            j += 1
        label = "".join(header)
        roles: list[str] = []
        texts: list[str] = []
        while j < len(self.t) and (c := column_of(self.t[j], "fund_columns")) and not fund_kind(self.t[j]):
            roles.append(c)
            texts.append(self.t[j])
            j += 1
        if not roles:  # a target table's budget: 项目资金（万元）| 年度资金总额 | 120, one amount a line
            first = True
            while j + 1 < len(self.t) and fund_kind(self.t[j]) and is_value(self.t[j + 1]):
                self.emit([label if first else "", self.t[j], self.t[j + 1]])
                first, j = False, j + 2
                while j < len(self.t) and compact(self.t[j]) in EMPTY:
                    j += 1  # the line's empty cells to the table's edge, as dashes (a browser's copy)
            if first:
                self.emit([label])
            return j
        self.emit([label, *texts])
        while j < len(self.t) and fund_kind(self.t[j]):
            k = j + 1
            while k < len(self.t) and not fund_kind(self.t[k]) and not self.is_label(k) \
                    and (is_value(self.t[k]) or "reason" in roles):
                k += 1
            placed, rival = place_fund_values(self.t[j + 1:k], roles, fund_kind(self.t[j]) == "total")
            if rival is not None:
                self.out.findings.append((len(self.out.rows), Finding(
                    "reflow", "warning", f"fund line {compact(self.t[j])}: {describe(placed, texts)} read; "
                    f"{describe(rival, texts)} fits as well (the flattening lost its empty cells)")))
            self.emit([self.t[j], *placed])
            j = k
        return j

    # -- goals ---------------------------------------------------------
    def goals(self, i: int) -> int:
        j = i
        header = []
        while j < len(self.t) and (in_block(self.t[j], "goals") or is_goal_label(self.t[j])):
            header.append(self.t[j])
            j += 1
        k = j
        while k < len(self.t) and not self.is_label(k) and not is_level(self.t[k]):
            k += 1
        self.emit(header)
        body = self.t[j:k]
        # a target table prints its planned goals only: every piece is one of them
        planned_only = self.family is not None and not families.spec(self.family)["actuals"]
        slots = [c for c, t in enumerate(header) if is_goal_label(t)]
        if len(body) > 2 and len(body) == len(slots) and any(in_block(header[c], "goal_achieved") for c in slots):
            # one piece a labelled column (重庆's 年初 | 全年（调整） | 全年实际完成): each under its label
            row = [""] * len(header)
            for c, piece in zip(slots, body, strict=True):
                row[c] = piece
            self.emit(row)
            return k
        if len(body) > 2 and not planned_only:
            cut = goals_cut(body)
            self.out.findings.append((len(self.out.rows), Finding(
                "reflow", "warning", f"goals: {len(body)} pieces where 2 cells were expected; the first {cut} "
                f"read as planned, the other {len(body) - cut} as achieved")))
            body = [" ".join(body[:cut]), " ".join(body[cut:])]
        if body:
            self.emit(body)
        return k

    # -- indicators ----------------------------------------------------
    def starts_indicators(self, i: int) -> bool:
        t = self.t[i]
        if column_of(t, "indicator_columns") == "measure_unit":
            return False  # 单位 (a form's blank 单位 line above its table): no table opens with its units
        if in_block(strip_points(compact(t)), "indicators_label") and i + 1 < len(self.t) \
                and self.header_run(i + 1, "indicator_columns") >= 3:
            return True
        return self.header_run(i, "indicator_columns") >= 4

    def indicators(self, i: int) -> int:
        j = i
        header: list[tuple[str, str]] = []  # (text, column)
        while j < len(self.t):
            t = self.t[j]
            c = "category" if in_block(strip_points(compact(t)), "indicators_label") else \
                column_of(t, "indicator_columns")
            if c is None and self.unread_header(j, len(header)):
                c = UNREAD
            if c is None or is_level(t):
                break
            header.append((t, c))
            j += 1
        if j == len(self.t) - 1 and _cut_header(self.t[j]):
            # the text ends inside the header's next cell (得分计算 of 得分计算方法): no row
            self.out.findings.append((len(self.out.rows), Finding(
                "reflow", "warning", f"the text ends inside a header cell ({clip(self.t[j])!r}): not read")))
            j += 1
        header = order_header(header)
        roles = [c for _, c in header]
        self.emit([t for t, _ in header])
        scoresheet = self.family == "evaluation_scoresheet"
        k = j
        # (a scoresheet's level-2 绩效目标 is no goals block: it does not end the table)
        while k < len(self.t) and not (self.is_label(k) and not (scoresheet and in_block(self.t[k], "goals"))) \
                and not (is_total(self.t[k]) and k + 1 < len(self.t)):
            k += 1
        first = len(self.out.rows)
        # (a field's second header, 调整指标值: its own field's words, its cells unread)
        seconds = [c for c, (t, r) in enumerate(header) if r == UNREAD and column_of(t, "indicator_columns") not in (
            None, UNREAD)]
        rows, doubts = segment_windows(self.t[j:k], roles,
                                       vocabulary()["scoresheet_level2"] if scoresheet else (), seconds)
        rest = [c for c, r in enumerate(roles) if r not in ("category", "level1", "level2")]
        if k == len(self.t) and rows and len(cut := [c for c in rest if rows[-1][c]]) == 1 \
                and _cut_level(rows[-1][cut[0]]):
            # the text ends inside a level label (满意 of 满意度指标): a cut cell, no indicator
            self.out.findings.append((first + len(rows) - 1, Finding(
                "reflow", "warning", f"the text ends inside a level label ({clip(rows[-1][cut[0]])!r}): not read")))
            rows[-1][cut[0]] = ""
        for cells in rows:
            self.emit(cells)
        for d in doubts:
            self.out.findings.append((first + d.row, Finding(
                "reflow", "warning", f"indicator row from {clip(d.first)!r}: read as ending at "
                f"{clip(d.kept_end)!r}; ending at {clip(d.other_end)!r} scores within {d.margin:.2f} "
                "(the flattening lost the row's end)")))
        return k


NATURE_GROUP = ("nature", "target", "measure_unit")


def clip(text: str, n: int = 16) -> str:
    t = compact(text)
    return t if len(t) <= n else t[:n] + "…"


def describe(cells: list[str], headers: list[str]) -> str:
    return ", ".join(f"{compact(headers[c])} {clip(v)}" for c, v in _values_of(cells))


def goals_cut(pieces: list[str]) -> int:
    """Where the achieved goal starts among the pieces of two goal cells cut
    at their spaces: at a piece that opens as the first one does (1. …, <p>…,
    or the same four words: 本项目共申请… / 本项目共完成…) and not
    mid-sentence, the most even cut of such; else after the first."""
    def opening(t: str) -> str:
        m = re.match(r"^(<p>)?\s*(\d+|[一二三四五六七八九十]+)?[.、．]?", t)
        if m and m.group(0):
            return m.group(0)
        words = compact(t)[:OPENING]
        return words if len(words) == OPENING and all(is_ideograph(ch) for ch in words) else ""

    head = opening(pieces[0])
    total = sum(len(p) for p in pieces)
    cands = [j for j in range(1, len(pieces))
             if head and opening(pieces[j]) == head and not pieces[j - 1].endswith(_OPEN_END)]
    if not cands:
        return 1
    return min(cands, key=lambda j: abs(2 * sum(len(p) for p in pieces[:j]) - total))


def order_header(header: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The columns of an indicator header as printed left to right. A parent
    年度指标值 over 指标性质 | 指标值 | 度量单位 gives way to its sub-columns, in
    its place, and the level columns come first (a web flattening prints a
    two-row header's tall cells after the wide ones)."""
    items = list(header)
    cols = [c for _, c in items]
    # (two targets and none before 指标性质: 重庆's 年初指标值 | 调整指标值, printed in order)
    if "nature" in cols and (cols.count("target") < 2 or cols.index("target") < cols.index("nature")):
        parent = cols.index("target") if cols.count("target") > 1 else None
        anchor = parent if parent is not None else min(k for k, c in enumerate(cols) if c in NATURE_GROUP)
        group = sorted((h for k, h in enumerate(items) if h[1] in NATURE_GROUP and k != parent),
                       key=lambda h: NATURE_GROUP.index(h[1]))
        items = ([h for h in items[:anchor] if h not in group] + group
                 + [h for k, h in enumerate(items) if k > anchor and h not in group])
    out = []
    first_of: dict[str, str] = {}  # column -> the header text that took it first
    for t, c in items:
        if c in first_of and c not in ("category", UNREAD):
            if first_of[c] == compact(t):
                continue  # (a merged cell's text again)
            c = UNREAD  # a second header of one field (年初指标值 | 调整指标值): its cells are reported
        first_of.setdefault(c, compact(t))
        out.append((t, c))
    first = [h for h in out[:1] if h[1] == "number"]  # 序号 printed first stays first
    front = first + [h for h in out if h[1] == "category"] + sorted(
        (h for h in out if h[1] in LEVEL_ROLES), key=lambda h: LEVEL_ROLES.index(h[1]))
    return front + [h for h in out if h not in front]


# -- placing values --------------------------------------------------------

def _number(text: str) -> float | None:
    k = re.sub(r"(万元|万|元|分)$", "", compact(text))
    d = parse_decimal(k)
    return float(d) if d is not None else None


def fund_fit(role: str, text: str, total_line: bool) -> float:
    k = compact(text)
    if k in EMPTY:
        # lines under the total print a dash where they have no points or rate
        return 0.3 if role in ("weight", "score", "execution_rate") else 0.0
    pct = k.endswith(("%", "％"))
    n = _number(k.rstrip("%％"))
    if role in ("budget_initial", "budget_adjusted", "executed"):
        # a printed line most often lacks its 年初预算数: ties go right
        bias = {"budget_initial": 0.0, "budget_adjusted": 0.01, "executed": 0.02}[role]
        return (1.5 + bias) if n is not None and not pct else -3.0
    if role == "execution_rate":
        return 3.0 if pct and n is not None else (0.3 if n is not None and n <= 100 else -3.0)
    if role in ("weight", "score"):
        ok = n is not None and not pct and n <= 100
        if not ok:
            return -3.0
        # points stand on the total line; below it they are rare
        return (1.5 if total_line else 0.5) + (0.05 if role == "weight" else 0.0)
    return 1.0 if n is None else -2.0  # reason, or a column that maps nowhere


def _rate_agrees(placed: dict[str, str]) -> bool:
    """executed / adjusted equals the printed rate (to half a point)."""
    r, a, e = (placed.get(k) for k in ("execution_rate", "budget_adjusted", "executed"))
    if not (r and a and e):
        return False
    rate, adj, exe = _number(compact(r).rstrip("%％")), _number(a), _number(e)
    if rate is None or not adj or exe is None:
        return False
    rate = rate / 100 if compact(r).endswith(("%", "％")) or rate > 1.5 else rate
    return abs(exe / adj - rate) <= 0.005


def place_fund_values(values: list[str], roles: list[str], total_line: bool = False
                      ) -> tuple[list[str], list[str] | None]:
    """A fund line's values in the header's columns ("" where none): every
    order-preserving placement is tried (a line has at most a few), scored by
    how each value fits its column, plus a bonus where executed / adjusted
    agrees with the printed rate. Also the runner-up, where it places a value
    elsewhere and scores within AMBIGUOUS (else None)."""
    while len(values) > len(roles) and compact(values[-1]) in EMPTY:
        values = values[:-1]  # empty cells past the last column (the next row's merged cell)
    if len(values) > len(roles):  # more cells than columns: dashes go first
        values = [v for v in values if compact(v) not in EMPTY][:len(roles)]
    scored = []
    for cols in combinations(range(len(roles)), len(values)):
        score = sum(fund_fit(roles[c], v, total_line) for c, v in zip(cols, values, strict=True))
        if _rate_agrees({roles[c]: v for c, v in zip(cols, values, strict=True)}):
            score += 1.0
        scored.append((score, cols))
    scored.sort(key=lambda x: -x[0])  # stable: of equal scores, the first enumerated
    placements = [_cells(cols, values, len(roles)) for _, cols in scored[:8]]
    if not placements:
        return [""] * len(roles), None
    best = placements[0]
    # the runner-up that puts a printed value (not a dash) in another column
    rival = next((p for (sc, _), p in zip(scored[1:8], placements[1:], strict=False)
                  if scored[0][0] - sc < AMBIGUOUS and _values_of(p) != _values_of(best)), None)
    return best, rival


def _cells(cols: tuple[int, ...], values: list[str], width: int) -> list[str]:
    out = [""] * width
    for c, v in zip(cols, values, strict=True):
        out[c] = v
    return out


def _values_of(cells: list[str]) -> list[tuple[int, str]]:
    return [(c, v) for c, v in enumerate(cells) if v and compact(v) not in EMPTY]


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def stream_fit(role: str | None, text: str) -> float:
    """How well a cell fits an indicator column, for cells whose row is unknown."""
    k = compact(text)
    if k in EMPTY:
        return 0.0
    if role == UNREAD:  # a column the contract has no field for: text or a value alike
        return -2.0 if is_level(k) and levels.is_exact(k) else 0.35
    if role == "name" and is_value(k):
        return -2.5
    if is_placeholder(k):
        return 0.5 if role == "name" else -4.0
    if k in vocabulary()["units"]:  # 人次, %: a 度量单位 cell
        return {"measure_unit": 1.0, "name": -1.0, "target": -0.5, "actual": -0.5}.get(role or "", -3.0)
    if role == "deviation" and is_value(k):
        return -1.5  # a 0 printed as the reason happens
    if role == "weight":
        return ind.fit(role, text) + 0.05  # one number alone: the weight (the score is left empty more often)
    if role in ("level1", "level2", "name") and is_level(k) and not levels.is_exact(k):
        # only like a label (服务对象满意 ~ 服务对象满意度指标): as often an indicator's name
        return {"level1": -1.0, "level2": 1.0, "name": 0.5}[role]
    if role == "name" and (re.match(r"^[≥≤<>＞＜≧≦]", k) or _QUANTITY.match(k)):
        return -1.0  # ≥90%, 5亩, 192只: a value cut loose, not a name
    if role in ("level1", "level2") and ind.is_bare_points(text):
        return 0.5
    return ind.fit(role, text)


@dataclass(frozen=True)
class Doubt:
    """A row whose end another reading puts elsewhere, at nearly the same score."""
    row: int  # index among the rows returned
    first: str  # its first cell
    kept_end: str  # its last cell as read
    other_end: str  # its last cell in the other reading
    margin: float


def segment(tokens: list[str], roles: list[str], level2_words: Sequence[str] = (), seconds: Collection[int] = ()
            ) -> tuple[list[list[str]], list[Doubt]]:
    """Cut the cells of an indicator table into rows and place each row's
    cells into `roles`, maximising the summed fit. A row starts at a level
    label or a name (never at a value), pays ROW_COST, and pays for each
    column it leaves empty before its last cell (SKIP); a row of labels only
    is a level change. Returns the rows (aligned to `roles`) and the rows
    another cut would end elsewhere at a score within AMBIGUOUS. `seconds`:
    the columns of a field's second header (SKIP_SECOND)."""
    m, n = len(roles), len(tokens)
    if not n or not m:
        return [], []
    name_col = roles.index("name") if "name" in roles else max(
        (k for k, r in enumerate(roles) if r in ("level1", "level2")), default=0)
    skip_cost = [SKIP_SECOND if c in seconds else SKIP.get(r or "", 0.0) for c, r in enumerate(roles)]
    prefix = [0.0]
    for c in skip_cost:
        prefix.append(prefix[-1] + c)

    def skipped(a: int, b: int) -> float:  # columns a..b-1 left empty
        return prefix[b] - prefix[a] if b > a else 0.0

    fits = [[stream_fit(r, t) for r in roles] for t in tokens]
    scoresheet = bool(level2_words)  # only a scoresheet brings level words of its own
    for k, t in enumerate(tokens):  # a family's own level-2 words (a scoresheet's 项目立项 …)
        if compact(t) in level2_words:
            fits[k] = [{"level2": 3.0}.get(r or "", -3.0) for r in roles]
        elif scoresheet and _POINTED_LABEL.match(compact(t)) and not is_level(t):
            # a scoresheet's own label with its points (规划（15分）, 基础信息（3分）): a level,
            # the second one where a row prints one only
            fits[k] = [{"level1": 2.0, "level2": 2.1}.get(r or "", -3.0) for r in roles]
        elif scoresheet and "scoring_rule" in roles and _POINTS_IN_TEXT.search(t) and len(compact(t)) > RULE:
            # a scoresheet's rule names the points it gives (是否完整可行（3分）): its own column
            fits[k] = [{"scoring_rule": 1.5, UNREAD: 0.35}.get(r or "", -2.0) for r in roles]
    for k in range(1, n):  # 服务对象满意度指标 | 服务对象满意度: a level-2 label repeated is a name, not a new label
        before, cur = tokens[k - 1], tokens[k]
        if (is_level(cur) and is_level(before) and levels.is_exact(cur) and levels.is_exact(before)
                and levels.level1(before) is None and levels.level2(before) is not None
                and levels.level2(cur) == levels.level2(before)):
            fits[k] = [{"name": 1.0}.get(r or "", -3.0) for r in roles]
    if "nature" in roles:  # 指标性质 | 指标值: a number after the nature is the 指标值, even alone
        at = roles.index("target") if "target" in roles else -1
        for k, t in enumerate(tokens):
            if at >= 0 and _number(t) is not None:
                fits[k][at] += 2.0
    numeric = [is_value(t) for t in tokens]
    ignorable = [ind.is_ignorable(t) for t in tokens]
    max_len = m + 4
    # rows[k] = list over e of (score, path) for the row tokens[k:e]
    row_best: dict[tuple[int, int], tuple[float, list[int]]] = {}
    for k in range(n):
        g = [NEG] * m
        back: list[list[tuple[str, int]]] = []
        for e in range(k, min(n, k + max_len)):
            new = [NEG] * m
            bk: list[tuple[str, int]] = [("", -1)] * m
            # the best earlier column to come from, kept as c grows: placing at c
            # from cp costs skipped(cp + 1, c) = prefix[c] - prefix[cp + 1]
            run, run_col = NEG, -1
            for c in range(m):
                fc = fits[e][c]
                if e == k:
                    if c <= name_col:
                        new[c], bk[c] = fc, ("start", -1)
                    continue
                if c and g[c - 1] > NEG and g[c - 1] + prefix[c] > run:
                    run, run_col = g[c - 1] + prefix[c], c - 1
                best, how = (run - prefix[c] + fc, ("place", run_col)) if run > NEG else (NEG, ("", -1))
                if g[c] > NEG:
                    join = JOIN_AFTER_COMMA if tokens[e - 1].endswith(_OPEN_END) else JOIN
                    if roles[c] in JOINABLE and not numeric[e] and g[c] + join > best:
                        best, how = g[c] + join, ("join", c)
                    drop = 0.0 if ignorable[e] else DROP
                    if g[c] + drop > best:
                        best, how = g[c] + drop, ("drop", c)
                new[c], bk[c] = best, how
            g = new
            back.append(bk)
            best_end, end_col = NEG, -1
            for c in range(m):
                if g[c] == NEG:
                    continue
                trailing = 0.0 if c < name_col else skipped(c + 1, m)
                if g[c] - trailing > best_end:
                    best_end, end_col = g[c] - trailing, c
            if end_col < 0:
                continue
            if e == k and is_placeholder(tokens[k]):
                best_end = 0.5  # a template's empty slot alone: a row, but not a costly one
            path = [0] * (e - k + 1)
            c = end_col
            for step in range(e - k, -1, -1):
                act, prev = back[step][c]
                path[step] = -1 if act == "drop" else (-2 if act == "join" else c)
                if act in ("place", "join", "drop"):
                    c = prev
            row_best[(k, e + 1)] = (best_end + ROW_COST, path)
    total = [NEG] * (n + 1)  # the best score of the cells from k on
    runner_up: list[tuple[float, int]] = [(NEG, 0)] * (n + 1)  # (score, end) of the best other first row
    choice: list[int] = [0] * (n + 1)
    total[n] = 0.0
    for k in range(n - 1, -1, -1):
        cands = [(DROP + total[k + 1], -(k + 1))]  # a cell that fits no row (a negative end)
        for e in range(k + 1, min(n, k + max_len) + 1):
            if (k, e) in row_best and total[e] > NEG:
                cands.append((row_best[(k, e)][0] + total[e], e))
        cands.sort(key=lambda x: -x[0])
        total[k], choice[k] = cands[0]
        runner_up[k] = cands[1] if len(cands) > 1 else (NEG, 0)
    rows: list[list[str]] = []
    k = 0
    doubts: list[Doubt] = []
    while k < n:
        end = choice[k]
        other_score, other_end = runner_up[k]
        if total[k] - other_score < ROW_DOUBT and other_end > 0 and not any(
                is_placeholder(t) for t in tokens[min(abs(end), other_end) - 1:max(abs(end), other_end)]):
            doubts.append(Doubt(len(rows), tokens[k], tokens[abs(end) - 1], tokens[other_end - 1],
                                total[k] - other_score))
        if end < 0:  # dropped cell
            k = -end
            continue
        _, path = row_best[(k, end)]
        cells = [""] * m
        last = -1
        for t, c in zip(tokens[k:end], path, strict=True):
            if c >= 0:
                cells[c] = t
                last = c
            elif c == -2 and last >= 0:
                cells[last] = f"{cells[last]} {t}"
        rows.append(cells)
        k = end
    return rows, doubts


WINDOW = 1500  # cells segmented at once: the work grows with the window, not with the file


def segment_windows(tokens: list[str], roles: list[str], level2_words: Sequence[str] = (),
                    seconds: Collection[int] = ()) -> tuple[list[list[str]], list[Doubt]]:
    """`segment` over windows of at most WINDOW cells, each cut before an
    exactly printed level label (where a row surely starts), so a huge
    table costs time in proportion to its size."""
    rows: list[list[str]] = []
    doubts: list[Doubt] = []
    a = 0
    while a < len(tokens):
        b = len(tokens) if len(tokens) - a <= WINDOW else next(
            (j for j in range(a + WINDOW, a + WINDOW // 2, -1) if is_level(tokens[j]) and levels.is_exact(tokens[j])),
            a + WINDOW)
        part, part_doubts = segment(tokens[a:b], roles, level2_words, seconds)
        doubts += [Doubt(d.row + len(rows), d.first, d.kept_end, d.other_end, d.margin) for d in part_doubts]
        rows += part
        a = b
    return rows, doubts


def reflow(tokens: list[str]) -> Reflowed:
    return Reflow(tokens).run()
