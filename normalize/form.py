"""Find the forms in a file's rows and read each one's blocks.

A form is anchored on its 项目名称 row; the title and year rows just above
it belong to it. Inside a form the blocks are found by their header rows:
key/value labels, the funds block (项目资金), the goals (年度总体目标), the
indicator table (一级指标 ... 得分), the 总分 row and free text after it. A
stretch with neither a funds block nor an indicator table (a cover list of
projects) is not a form.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import cache

from jixiao.extract.chars import is_ideograph
from jixiao.schemas import vocabulary

from . import families, levels
from . import indicators as ind
from .headers import ACCEPT, REVIEW, column, match, nearest_column
from .labels import in_block, is_goal_label, key_label, label_key
from .records import Finding, Form, Fund
from .reflow import fund_kind, is_placeholder
from .summary import read_summaries
from .textclean import clean, compact, value
from .values import fiscal_year, parse_amount, parse_number, parse_rate, points_in_label

_YEAR_ONLY = re.compile(r"^[（(]?\s*(?:19|20)\d{2}\s*年度?\s*[)）]?$")


@dataclass
class Row:
    cells: list[str]  # by grid column: a merged cell's text at its origin, "" where it spans
    page: int | None = None
    spanned: list[str] | None = None  # each merged cell once (Grid.spanned_rows); None: same as cells
    notes: list[Finding] = field(default_factory=list)  # how the row was rebuilt, where it was (reflow)
    aligned: bool = False  # cells already stand in their header's columns (rebuilt by normalize/reflow.py)
    where: list[str] | None = None  # by grid column: where each cell was printed (Cell.where); None: rebuilt
    boxes: list[tuple[int, tuple[float, float, float, float]] | None] | None = None  # by column: (page, box)
    outside: bool = False  # a line of text outside every table (a web page's footer, a note): no table's row
    _texts: tuple[tuple[int, str], ...] | None = field(default=None, init=False, repr=False, compare=False)

    def texts(self) -> tuple[tuple[int, str], ...]:
        """(position, text) of the cells with something in them. Kept: every
        block test asks again, and a row's cells never change (a changed row
        is a new Row)."""
        if self._texts is None:
            self._texts = tuple((i, t) for i, t in enumerate(self.cells) if value(t) is not None)
        return self._texts


def is_title(text: str) -> bool:
    k = compact(text)
    return any(t in k for t in vocabulary()["blocks"]["form_title"]) or bool(_YEAR_ONLY.match(k))


def header_columns(row: Row, family: str) -> set[str]:
    """The columns of `family` a row's cells name with confidence."""
    return {c for _, t in row.texts() if (c := column(clean(t), family, ACCEPT))}


def is_indicator_header(row: Row) -> bool:
    """一级指标 … 分值 | 得分, or a target table's 一级指标 … 指标值 (no points)."""
    cols = header_columns(row, "indicator_columns")
    levels = bool(cols & {"level1", "level2", "name"})
    return (len(cols) >= 4 and bool(cols & {"weight", "score"}) and (levels or "target" in cols)) or (
        len(cols) >= 3 and "target" in cols and levels and len(cols & {"level1", "level2", "name"}) >= 2)


def is_funds_header(row: Row) -> bool:
    cols = header_columns(row, "fund_columns")
    return len(cols & {"budget_initial", "budget_adjusted", "executed"}) >= 2


def is_funds_label(text: str) -> bool:
    """项目资金（万元）, 年度资金总额 (the bracket left open where a cell was cut)."""
    return in_block(re.sub(r"[（(].*", "", compact(text)), "funds_label") or in_block(text, "funds_label")


def is_budget_lines(row: Row) -> bool:
    """项目资金（万元）| 年度资金总额 | 120: a funds label, a fund line's label and
    one amount, with no amount columns (a target table's budget); or a row of
    fund lines' labels each followed by its amount (湖南's 年度本级预算金额 | 250万 |
    该项目支出上级资金 | 0)."""
    texts = [t for _, t in row.texts()]
    return (len(texts) >= 3 and is_funds_label(texts[0])
            and fund_kind(texts[1]) is not None and parse_amount(value(texts[2]), None) is not None
            ) or bool(_budget_pairs(texts))


def _budget_pairs(texts: list[str]) -> list[tuple[str, str, str]]:
    """[(fund kind, label, amount)] of a row that is nothing but fund lines'
    labels, each of its own kind and followed by its amount; [] for any
    other row (合计 | 334.61 is a table's total, not a budget)."""
    if not texts or len(texts) % 2 or in_block(texts[0], "total"):
        return []
    lines = [(fund_kind(k), k, v) for k, v in zip(texts[::2], texts[1::2], strict=True)]
    kinds = [kind for kind, _, _ in lines]
    if None in kinds or len(set(kinds)) < len(kinds) or any(parse_amount(value(v), None) is None for *_, v in lines):
        return []
    return [(kind, k, v) for kind, k, v in lines if kind is not None]


_HEAD_UNIT = re.compile(r"单位[:：]\s*(万元|元)")  # 单位：万元 / 金额单位：元 above the form


def head_unit(rows: list[Row]) -> str | None:
    """The unit a form's head prints its amounts in, if it does."""
    return next((m.group(1) for r in rows for _, t in r.texts() if (m := _HEAD_UNIT.search(compact(t)))), None)


# a head line's label the vocabulary may not know, with its value: 填报日期：X
_UNKNOWN_INLINE = re.compile(r"^([^:：\d]{2,10})[:：](.+)$")
# what a form's head prints besides labels and values: 附件1, 公开14表, 表3-1,
# （2020年度）, 单位：万元, 第1页
_HEAD_FURNITURE = re.compile(r"^(?:附件\d*|附表\d*|公开\d+表|表[\d\-—]+|第\d+页(?:共\d+页)?|\d+|"
                             r"[（(]?\d{4}年度?[)）]?|(?:金额|计量)?单位[:：]?(?:万元|元)?)[:：]?$")


def is_head_furniture(text: str) -> bool:
    k = compact(text)
    return bool(_HEAD_FURNITURE.match(k)) or families.of_title(k) is not None


def is_total_row(row: Row) -> bool:
    texts = row.texts()
    return bool(texts) and in_block(texts[0][1], "total") and any(
        parse_number(t) is not None for _, t in texts[1:])


def sub_header(row: Row) -> dict[int, str] | None:
    """{position: column} when a row is the lower half of a two-row indicator
    header (指标性质 | 指标值 | 度量单位 under 年度指标值)."""
    texts = row.texts()
    if not texts:
        return None
    cols = {}
    for i, t in texts:
        if (c := column(clean(t), "indicator_columns", ACCEPT)) is None:
            return None
        cols[i] = c
    return cols if "nature" in cols.values() or len(cols) >= 2 else None


def take_spelled_label(row: Row, col: int | None, spelled: str) -> tuple[Row, str, str | None]:
    """A level-1 label printed one character a cell down its column (产 | 出 |
    指 | 标, then （50分）): the character is taken out of the row and added to
    what is spelled so far; when that spells a level-1 label, the label is
    returned (for this row), and so are points printed alone after it."""
    if col is None or col >= len(row.cells):
        return row, "", None
    k = re.sub(r"\s+", "", row.cells[col])  # as printed (level1_raw keeps （50分） full-width)
    single = len(k) == 1 and is_ideograph(k)
    if not (single and not levels.level1(k)) and not (spelled == "" and ind.is_bare_points(k)):
        return row, "", None
    cells = list(row.cells)
    cells[col] = ""
    row = replace(row, cells=cells)
    if ind.is_bare_points(k):
        return row, "", k
    spelled += k
    done = spelled in vocabulary()["level1"]  # 产出 is a label too, but 产出指标 goes on: wait for the whole
    return (row, "", spelled) if done else (row, spelled, None)


def labelled_goals(rows: list[Row]) -> bool:
    """Goals laid out as labelled rows: a 预期目标 or 实际完成情况 label with its
    text to its right, rather than two column headers over a row of texts."""
    for r in rows:
        texts = r.texts()
        for k, (_, t) in enumerate(texts[:-1]):
            nxt = texts[k + 1][1]
            # (年初设定目标 | 年度总体目标完成情况: the second, a block title elsewhere, heads a column here)
            if is_goal_label(t) and not (is_goal_label(nxt) or in_block(nxt, "goals")):
                return True
    return False


def is_placeholder_row(placed: dict[str, str]) -> bool:
    """Only a name, and it is a template's slot (指标2：, ……), nothing but an
    enumerator, or an enumerator and a dash (指标1：/ | / | /: no indicator here)."""
    rest = {k: v for k, v in placed.items() if k not in ("category", "level1", "level2") and value(v)}
    return set(rest) == {"name"} and (is_placeholder(rest["name"]) or not value(ind.strip_enumerator(rest["name"])))


def is_tail_row(row: Row) -> bool:
    """A row after the indicator table that is not an indicator: 其他需要说明事项,
    评价结论, 存在问题, 项目负责人：…"""
    texts = row.texts()
    return bool(texts) and in_block(texts[0][1], "tail")


_SIGN_OFF = re.compile(r"^[\u4e00-\u9fff（）()]{1,10}\s*[:：]")  # 填报日期： 单位（盖章）： 制表人： 注：


def is_form_number(text: str) -> bool:
    """附件2, 附表1, 报表编号：510000_0013zp (blocks.form_number): a line that numbers the form below it."""
    return bool(_form_number().fullmatch(compact(text)))


@cache
def _form_number() -> re.Pattern[str]:
    words = "|".join(map(re.escape, vocabulary()["blocks"]["form_number"]))
    return re.compile(rf"(?:{words})(?:\d*[:：]?|[:：].*)")


def is_foot_row(row: Row, name_col: int) -> bool:
    """A line under an indicator table that has no 总分 (填报人：张三, 填报日期：…,
    单位（盖章）：…, 注：…, 审核： | 制表： | 日期：): it opens with a label and
    its colon left of the name column, where only level labels stand; its
    other cells stand there too or are such labels; none is a level label
    (nor the block's own 绩效指标：)."""
    texts = row.texts()
    if _numbers_form(row) and texts[0][0] < name_col:
        return True  # 附件2 under the last form of a file: the number of one that did not come
    return (bool(texts) and texts[0][0] < name_col and bool(_SIGN_OFF.match(compact(texts[0][1])))
            and all((i < name_col or _SIGN_OFF.match(compact(t))) and not levels.level1(t) and not levels.level2(t)
                    and not in_block(t, "indicators_label") for i, t in texts))


def is_section_row(row: Row) -> bool:
    texts = row.texts()
    return bool(texts) and (in_block(texts[0][1], "sections") or is_funds_header(row)
                            or is_indicator_header(row))


def is_anchor(row: Row) -> bool:
    return any(key_label(t)[0] == "project_name" for _, t in row.texts())


def is_preamble(row: Row) -> bool:
    texts = row.texts()
    return not texts or any(is_title(t) or key_label(t)[0] or in_block(_INLINE_LABEL.sub("", compact(t)), "preamble")
                            for _, t in texts)


_INLINE_LABEL = re.compile(r"[:：].*$")  # 填报日期：2022年2月3日 -> 填报日期


def is_title_row(row: Row) -> bool:
    return any(any(t in compact(x) for t in vocabulary()["blocks"]["form_title"]) for _, x in row.texts())


def title_family(rows: list[Row]) -> str | None:
    """The family the last title among these rows names."""
    found = None
    for r in rows:
        for _, t in r.texts():
            found = families.of_title(t) or found
    return found


def department_anchor(rows: list[Row], i: int) -> bool:
    """A 部门名称 row that opens a department-level form: a department
    family's title stands within the few rows above it."""
    if not any(key_label(t)[0] in ("department", "department_fallback") for _, t in rows[i].texts()):
        return False
    fam = title_family(rows[max(0, i - 4):i])
    return fam is not None and families.opened_by(fam) == "department"


def split(rows: list[Row]) -> list[tuple[int, int]]:
    """(start, end) row ranges of the candidate forms, in reading order."""
    anchors = [i for i, r in enumerate(rows) if is_anchor(r) or department_anchor(rows, i)]
    if not anchors:
        # a form that names no project or department (安徽's 部门整体支出绩效评价自评表
        # leaves its 单位 blank): the rows are one form if a family's title heads
        # them and they hold its blocks (not any text that has a table's words)
        return [(0, len(rows))] if title_family(rows) is not None else []
    starts = []
    floor = 0
    for a in anchors:
        s = a
        # back over the title, year and key rows above the anchor, but not past
        # the form's title: above it ends the form before (项目负责人：, 存在问题)
        while s - 1 >= floor and is_preamble(rows[s - 1]) and not (s < a and is_title_row(rows[s])):
            s -= 1
        if s < a and is_title_row(rows[s]):
            while s - 1 >= floor and _numbers_form(rows[s - 1]):
                s -= 1  # 附件2 / 报表编号：… right above the title: this form's
        starts.append(s)
        floor = a + 1
    starts = sorted({*starts, *_unanchored_titles(rows, list(zip(starts, anchors, strict=True)))})
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(rows)) for k, s in enumerate(starts)]


MAX_TITLE = 40  # characters: a title row, not a sentence that names a form


def head_start(rows: list[Row]) -> int:
    """Where the trailing run of a form's head lines begins (its number, title
    and year: 附件2, 部门整体支出绩效目标表, （2019年度）); len(rows) where the
    rows end otherwise. Such lines at the foot of a page belong to the form the
    next page opens."""
    k = len(rows)
    while k > 0 and len(texts := rows[k - 1].texts()) == 1 and (is_form_number(t := texts[0][1]) or (
            is_title(t) and len(compact(t)) <= MAX_TITLE and not _SIGN_OFF.match(compact(t)))):
        k -= 1  # (not 注：本表为项目支出绩效自评表, a note of the form above)
    return k


def _numbers_form(row: Row) -> bool:
    texts = row.texts()
    return len(texts) == 1 and is_form_number(texts[0][1])


def _unanchored_titles(rows: list[Row], preambles: list[tuple[int, int]]) -> list[int]:
    """Forms that name no project or department beside others (安徽's
    部门整体支出绩效评价自评表, its 单位 blank, after a 部门整体支出绩效自评表):
    a row that is a family's title alone, outside every anchored form's
    preamble (`preambles`: its first row and its anchor), with a table header
    of its own below it before the next form, begins a form. Not a title of
    the form it stands in (a page's running title over a repeated header)."""
    out: list[int] = []
    starts = sorted(s for s, _ in preambles)
    for i, r in enumerate(rows):
        texts = r.texts()
        if (len(texts) != 1 or len(compact(texts[0][1])) > MAX_TITLE
                or (family := families.of_title(texts[0][1])) is None or any(s <= i <= a for s, a in preambles)):
            continue
        nxt = min((s for s in starts if s > i), default=len(rows))
        if not any(is_indicator_header(x) or is_funds_header(x) for x in rows[i + 1:nxt]):
            continue
        at = max((s for s in [*starts, *out] if s < i), default=None)
        if at is None or family != (title_family(rows[at:i]) or families.default()):
            out.append(i)
    return out


_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年(?!\d)")  # 2023年项目支出绩效目标申报表


def find_year(rows: list[Row]) -> int | None:
    """The year a form's head prints: 2020年度 anywhere, else a title that
    opens with its year (湖南's 2023年项目支出绩效目标申报表, no 度)."""
    titled = None
    for r in rows:
        for _, t in r.texts():
            if (year := fiscal_year(compact(t))) is not None:
                return year
            if titled is None and is_title(t) and (m := _TITLE_YEAR.search(compact(t))):
                titled = int(m.group(1))
    return titled


def label_values(texts: list[str], fields: Collection[str] | None = None
                 ) -> tuple[list[tuple[str, str | None, str]], set[int]]:
    """Each key label among a row's cells (of `fields`, or any) with its value:
    the one in its cell (项目名称：X), else the next cell unless that is a
    label too. (field, value, the label as printed) each, and the places of
    the cells they take."""
    pairs: list[tuple[str, str | None, str]] = []
    used: set[int] = set()
    for k, t in enumerate(texts):
        field, inline = key_label(t)
        if not field or (fields is not None and field not in fields):
            continue
        used.add(k)
        label = t if inline is None else re.split("[:：]", compact(t), maxsplit=1)[0]
        if inline is None and k + 1 < len(texts) and not key_label(texts[k + 1])[0]:
            inline = texts[k + 1]
            used.add(k + 1)
        pairs.append((field, inline, label))
    return pairs, used


class FormReader:
    """Reads one form's rows into a Form record."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.form = Form()
        self.family = families.default()
        self.department_fallback: str | None = None  # a 部门 label's value (vocabulary key_labels)

    def read(self) -> Form | None:
        f = self.form
        fund_h = next((i for i, r in enumerate(self.rows) if is_funds_header(r) or is_budget_lines(r)), None)
        ind_h = next((i for i, r in enumerate(self.rows) if is_indicator_header(r)), None)
        if fund_h is None and ind_h is None:
            return None
        # (a scoresheet's level-2 绩效目标 inside the indicator table is no goals block);
        # with no goals title, a row that opens with a goal's label (湖南's
        # 本年度绩效目标 | text) opens them
        goals_h = next((i for i, r in enumerate(self.rows) if (ind_h is None or i < ind_h)
                        and any(in_block(t, "goals") for _, t in r.texts())), None)
        if goals_h is None:
            goals_h = next((i for i, r in enumerate(self.rows[:ind_h]) if r.texts() and is_goal_label(r.texts()[0][1])),
                           None)
        total_i = next((i for i, r in enumerate(self.rows) if (ind_h is None or i > ind_h) and is_total_row(r)),
                       None)
        tail_i = next((i for i, r in enumerate(self.rows) if ind_h is not None and i > ind_h and is_tail_row(r)),
                      None)
        ind_end = min(x for x in (total_i, tail_i, len(self.rows)) if x is not None)
        body_start = min(x for x in (fund_h, goals_h, ind_h) if x is not None)
        self.family = title_family(self.rows[:body_start]) or families.default()
        self.read_keys(self.rows[:body_start])
        # labels between the funds and the goals or the table (湖南's 项目支出实施期 | …)
        self.read_key_rows(self.rows[body_start:min(x for x in (goals_h, ind_h, len(self.rows)) if x is not None)])
        if fund_h is not None:
            self.read_funds(fund_h)
        if goals_h is not None:
            # the goals run to the next block, whichever comes first (四川 prints them before the funds)
            ends = [x for x in (fund_h, ind_h, total_i) if x is not None and x > goals_h]
            ends += [i for i in range(goals_h + 1, len(self.rows)) if is_section_row(self.rows[i])][:1]
            self.read_goals(goals_h, min(ends, default=len(self.rows)))
        table_end = self.read_indicators(ind_h, ind_end) if ind_h is not None else len(self.rows)
        if total_i is not None:
            self.read_total(self.rows[total_i])
        if ind_h is not None:
            # the tail: the rows after the table (a table without 总分 ends at its
            # foot, `is_foot_row`), and lines of text outside it that it runs
            # into (a web page's footer): no indicators
            tail = [r for k, r in enumerate(self.rows[ind_h + 1:], start=ind_h + 1)
                    if k != total_i and (k >= table_end or r.outside)]
            if tail:
                self.read_tail(tail)
        self.note_unread_sections(ind_h, {x for x in (fund_h, goals_h, ind_h, total_i) if x is not None})
        f.findings += [n for r in self.rows for n in r.notes]
        self.apply_family(self.family)
        if not f.indicators and not any(fd.fund_kind == "total" for fd in f.funds):
            return None  # header words but no indicator row and no funds total: not a form
        f.fiscal_year = f.fiscal_year or find_year(self.rows[:body_start])
        pages = [r.page for r in self.rows if r.page is not None and r.texts()]
        f.page_start, f.page_end = (min(pages), max(pages)) if pages else (None, None)
        return f

    def note_unread_sections(self, ind_h: int | None, blocks: set[int]) -> None:
        """A section above the table that holds none of the contract's fields
        (福建's 年度履职目标: duties, tasks and their spending, a row each) is
        read by no block; what it holds is said (unread_label), not dropped."""
        limit = len(self.rows) if ind_h is None else ind_h
        for k in range(limit):
            texts = self.rows[k].texts()
            if k in blocks or not texts or not in_block(texts[0][1], "sections"):
                continue
            end = next((j for j in range(k + 1, limit) if j in blocks or is_section_row(self.rows[j])
                        or any(key_label(t)[0] for _, t in self.rows[j].texts())), limit)
            held = [t for _, t in texts[1:]] + [t for r in self.rows[k + 1:end] for _, t in r.texts()]
            held = [t for t in held if value(t) is not None]
            if held:
                self.form.findings.append(Finding(
                    "unread_label", "warning", f"the section {compact(texts[0][1])!r} holds "
                    f"{' | '.join(clean(t) for t in held)[:80]!r}: the contract has no field for it, not stored"))

    def trace(self, record: str, row: Row) -> None:
        """Where a record's cells were printed (`inspect --trace`): each
        non-empty cell of its row, with its place."""
        self.form.origin[record] = [(t, row.where[i] if row.where and i < len(row.where) else "",
                                     row.boxes[i] if row.boxes and i < len(row.boxes) else None)
                                    for i, t in row.texts()]

    def apply_family(self, name: str) -> None:
        """What the form's family says of it: its form_type, the department's
        name as the project_name of a department-level form, and nothing but
        targets on a target table (what it does not print is null)."""
        f = self.form
        f.form_type = name
        spec = families.spec(name)
        if spec["anchor"] == "department" and f.project_name is None:
            f.project_name = f.department
        if not spec["actuals"]:
            f.executed_yuan = f.execution_rate = f.execution_score = f.execution_weight = None
            f.goal_achieved = f.total_score = f.grade = None
            for fd in f.funds:
                fd.executed_yuan = fd.execution_rate = fd.score = None
            for i in f.indicators:
                i.actual_raw = i.actual_op = i.actual_value = i.actual_unit = None
                i.score = i.deviation_reason = None

    # -- key/value block -------------------------------------------------
    def read_keys(self, rows: list[Row]) -> None:
        left = self.read_key_rows(rows)
        if self.form.department is None:
            self.form.department = self.department_fallback
        self.note_unread_head(left)

    def read_key_rows(self, rows: list[Row]) -> list[list[str]]:
        """The labels' values; what each row holds besides its labels and their values."""
        left = []
        for r in rows:
            texts = [t for _, t in r.texts()]
            pairs, used = label_values(texts)
            for key, v, label in pairs:
                self.set_key(key, v, label)
            left.append([t for k, t in enumerate(texts) if k not in used and value(t) is not None])
        return left

    def note_unread_head(self, left: list[list[str]]) -> None:
        """The head's cells no label took, said (unread_label) where they may
        hold a value: a label the vocabulary does not know with its value
        (填报日期：2022年2月3日 on one line, 项目负责单位 | X beside the known
        labels of a table row). The head's furniture (its title, year, unit,
        附件1, 公开14表) is no value, and nor is a value the form stores
        under another label (单位（盖章）：X over 部门名称 | X)."""
        stored = {compact(v) for v in vars(self.form).values() if isinstance(v, str)}
        for cells in left:
            matches = [(t, _UNKNOWN_INLINE.match(clean(t))) for t in cells if not is_head_furniture(t)]
            inline = [(compact(m.group(1)), m.group(2)) for _, m in matches if m]
            if len(matches) < 2 and not inline:
                continue  # a line of its own that is no label: a title or a note
            held = [(label, clean(v)) for label, v in inline if value(_HEAD_UNIT.sub("", label_key(v)))]
            held += [("", clean(t)) for t, m in matches if not m]
            said = [(label, v) for label, v in held if compact(v) not in stored]
            if said:
                self.form.findings.append(Finding("unread_label", "warning", "the head's " + ", ".join(
                    f"{label!r} holds {v[:60]!r}" if label else repr(v[:60]) for label, v in said)
                    + ": no label the vocabulary knows takes it, not stored"))

    def set_key(self, field: str, v: str | None, label: str = "") -> None:
        v = value(v)
        if field == "unstored":
            if v is not None:
                self.form.findings.append(Finding("unread_label", "warning", f"the head's {compact(label)!r} holds "
                                                  f"{clean(v)[:60]!r}: the contract has no field for it, not stored"))
            return
        if field == "department_fallback":
            self.department_fallback = self.department_fallback or v
            return
        if v is None:
            return
        if (had := getattr(self.form, field, None)) is not None:
            if compact(str(had)) != compact(v) and field != "fiscal_year":  # (a year is said as a number)
                self.form.findings.append(Finding("unread_label", "warning", f"the form's {compact(label)!r} holds "
                                                  f"{clean(v)[:60]!r} where {field} is {str(had)[:60]!r} already, "
                                                  "from a label before it: the first kept, this not stored"))
            return
        if field == "fiscal_year":
            m = re.search(r"(?:19|20)\d{2}", v)
            self.form.fiscal_year = int(m.group()) if m else None
        elif field == "total_score":
            self.form.total_score = parse_number(v)
        else:
            setattr(self.form, field, v)

    # -- funds -----------------------------------------------------------
    def read_funds(self, h: int) -> None:
        if is_budget_lines(self.rows[h]):
            self.read_budget_lines(h)
            return
        f = self.form
        header = self.rows[h]
        cols: list[tuple[int, str]] = []
        percent = False
        for i, t in header.texts():
            m = match(clean(t), "fund_columns")
            # the block's label (项目资金（万元）, 四川's 年度预算数（万元）) heads the label column
            if not cols and (is_funds_label(t) or "资金" in compact(t)):
                f.amount_unit = "万元" if "万元" in t else ("元" if "元" in t else f.amount_unit)
                continue
            if m.column:
                cols.append((i, m.column))
                percent = percent or (m.column == "execution_rate" and "%" in t)
        for r in self.rows[h + 1:]:
            texts = r.texts()
            if not texts:
                continue
            idx, label = texts[0]
            kind = fund_kind(label)
            if kind is None or any(fd.fund_kind == kind for fd in f.funds):
                break
            # Aligned rows are read by position; a row whose label sits where the
            # header's first amount is (the header lost its empty cell) in order.
            if cols and idx < cols[0][0]:
                pairs = [(col, r.cells[i] if i < len(r.cells) else "") for i, col in cols]
            else:
                pairs = list(zip((c for _, c in cols), r.cells[idx + 1:], strict=False))
            fund = Fund(fund_kind=kind, fund_label=compact(label) or None)
            for col, raw in pairs:
                if col in ("budget_initial", "budget_adjusted", "executed"):
                    setattr(fund, col + "_yuan", parse_amount(value(raw), f.amount_unit))
                elif col == "execution_rate":
                    fund.execution_rate = parse_rate(value(raw), percent)
                else:
                    setattr(fund, col, parse_number(value(raw)))
            f.funds.append(fund)
            self.trace(f"fund {len(f.funds) - 1} ({kind})", r)
        self.note_unit_assumed("the funds block prints")
        total = next((fd for fd in f.funds if fd.fund_kind == "total"), None)
        if total:
            f.budget_initial_yuan, f.budget_adjusted_yuan = total.budget_initial_yuan, total.budget_adjusted_yuan
            f.executed_yuan, f.execution_weight = total.executed_yuan, total.weight
            f.execution_rate, f.execution_score = total.execution_rate, total.score

    def read_budget_lines(self, h: int) -> None:
        """A target table's budget: 项目资金（万元）| 年度资金总额 | 120 on one row,
        其中：财政拨款 | 100 below, one amount a line and no amount columns. The
        amount is the budget the targets were set for: budget_initial_yuan."""
        f = self.form
        f.amount_unit = next((u for u in ("万元", "元") if any(u in t for _, t in self.rows[h].texts())), None)
        if pairs := _budget_pairs([t for _, t in self.rows[h].texts()]):
            f.amount_unit = f.amount_unit or head_unit(self.rows[:h])
            f.funds += [Fund(fund_kind=kind, fund_label=compact(label),
                             budget_initial_yuan=parse_amount(value(amount), f.amount_unit))
                        for kind, label, amount in pairs]
            self.note_unit_assumed("the budget lines print")
            return
        for r in self.rows[h:]:
            texts = [t for _, t in r.texts() if not (in_block(t, "funds_label") or "资金（" in t)]
            kind = fund_kind(texts[0]) if texts else None
            if kind is None or len(texts) < 2 or any(fd.fund_kind == kind for fd in f.funds):
                break
            f.funds.append(Fund(fund_kind=kind, fund_label=compact(texts[0]),
                                budget_initial_yuan=parse_amount(value(texts[1]), f.amount_unit)))
        total = next((fd for fd in f.funds if fd.fund_kind == "total"), None)
        if total:
            f.budget_initial_yuan = total.budget_initial_yuan
        self.note_unit_assumed("the budget lines print")

    def note_unit_assumed(self, where: str) -> None:
        """Amounts read with no unit printed are kept as printed: a check says so."""
        if self.form.amount_unit is None and self.form.funds:
            self.form.findings.append(Finding("amount_unit_assumed", "warning", f"{where} no unit (万元 or 元): "
                                              "amounts are stored as printed, as if in yuan"))

    # -- goals -----------------------------------------------------------
    def read_goals(self, h: int, end: int) -> None:
        if labelled_goals(self.rows[h:end]):
            self.read_labelled_goals(self.rows[h:end])
            return
        header = self.rows[h]
        achieved_col = next((i for i, t in header.texts() if in_block(t, "goal_achieved")), None)
        # a target table prints no achieved goals: its texts side by side are all planned ones
        targets_only = achieved_col is None and not families.spec(self.family)["actuals"]
        planned, achieved = [], []
        if achieved_col is None and not any(in_block(t, "goal_planned") for _, t in header.texts()):
            # 年度总体目标 | text: a target table's one goal, beside its label
            planned += [t for _, t in header.texts() if not in_block(t, "goals")]
        for r in self.rows[h + 1:end]:
            labels = {b: i for i, t in r.texts() for b in ("goal_planned", "goal_achieved") if in_block(t, b)}
            if labels:  # the labels a row below the block's title (项目年度目标完成情况): a header, not goals
                achieved_col = labels.get("goal_achieved", achieved_col)
                continue
            texts = [(i, t) for i, t in r.texts()
                     if not (in_block(t, "goals") or column(clean(t), "indicator_columns", REVIEW)
                             == "category" and len(compact(t)) <= 8)]
            if len(texts) == 2 and not targets_only:
                planned.append(texts[0][1])
                achieved.append(texts[1][1])
                continue
            for i, t in texts:
                (achieved if achieved_col is not None and i >= achieved_col else planned).append(t)
        self.form.goal_planned = value("\n".join(clean(t) for t in planned))
        self.form.goal_achieved = value("\n".join(clean(t) for t in achieved))

    def read_labelled_goals(self, rows: list[Row]) -> None:
        """预期目标 | text on one row, 实际完成情况 | text on the next: each label
        takes the text that follows it, up to the next label."""
        parts: dict[str, list[str]] = {"goal_planned": [], "goal_achieved": []}
        current: list[str] | None = None
        for r in rows:
            for _, t in r.texts():
                block = next((b for b in ("goal_planned", "goal_achieved") if in_block(t, b)), None)
                if block:
                    current = parts[block]
                elif not in_block(t, "goals") and current is not None:
                    current.append(t)
        self.form.goal_planned = value("\n".join(clean(t) for t in parts["goal_planned"]))
        self.form.goal_achieved = value("\n".join(clean(t) for t in parts["goal_achieved"]))

    # -- indicators ------------------------------------------------------
    def read_indicators(self, h: int, end: int) -> int:
        """The indicators of the table whose header is row `h`, up to row
        `end` at most; returns the row where the table ended (`is_foot_row`)."""
        f = self.form
        header = self.rows[h]
        roles: list[str | None] = [None] * len(header.cells)
        initial_weight = None
        first_of: dict[str, str] = {}  # role -> the header text that took it first
        for i, t in header.texts():
            m = match(clean(t), "indicator_columns")
            roles[i] = m.column or ind.UNREAD  # a header naming no field: its cells are reported, not misplaced
            if m.column is not None and first_of.setdefault(m.column, compact(t)) != compact(t):
                # a second header of the same field (重庆's 年初指标值 | 调整指标值): the
                # first keeps the field, the other's cells are reported, not dropped
                roles[i] = ind.UNREAD
            f.header_map.append((clean(t), m.column, m.score))
            if m.column is None:
                near = nearest_column(clean(t), "indicator_columns")
                f.findings.append(Finding("unmapped_header", "warning",
                                          f"indicator header {clean(t)!r} matched no column (nearest: {near}); "
                                          f"if it is one, add it under [indicator_columns] in a --vocabulary file"))
            elif m.score < ACCEPT:
                f.findings.append(Finding("low_confidence_header", "warning",
                                          f"indicator header {clean(t)!r} -> {m.column} at {m.score}"))
            if m.column in ("category", "level1") and initial_weight is None:
                # 绩效指标（50分） / 一级指标（50分）: the first group's points, printed
                # in the header when its own label carries none.
                initial_weight = points_in_label(t)
        first = h + 1
        if first < end and (sub := sub_header(self.rows[first])):
            # 年度指标值 over 指标性质 | 指标值 | 度量单位: the lower row names the columns
            for i, col in sub.items():
                if i < len(roles):
                    roles[i] = col
                else:
                    roles += [None] * (i - len(roles)) + [col]
            first += 1
        state = ind.LevelState(initial_weight)
        # a family whose labels are no vocabulary words (a scoresheet's 项目立项, 规划 …):
        # its cells are read where they stand, and its level-1 column holds any label
        fixed = bool(families.spec(self.family).get("positional", False))
        labels: list[tuple[str | None, float | None] | None] = []
        unread: dict[int, str] = {}
        l1_col = roles.index("level1") if "level1" in roles else None
        spelled = ""  # a vertical level-1 label printed a character a cell, down its column
        name_col = roles.index("name") if "name" in roles and not fixed else None
        table_end = end
        for k in range(first, end):
            r = self.rows[k]
            if not r.texts() or is_indicator_header(r) or r.outside:
                continue  # (a line of text outside the table is the tail's: `read`)
            if name_col is not None and is_foot_row(r, name_col):
                table_end = k
                break
            for i, t in r.texts():
                if (i >= len(roles) or roles[i] in (None, ind.UNREAD)) and i not in unread and value(t) is not None \
                        and i < len(header.cells) and value(header.cells[i]) is not None:
                    unread[i] = t
            r, spelled, label = take_spelled_label(r, l1_col, spelled)
            if label and ind.is_bare_points(label) and state.l1_raw is not None:
                # （50分） under the spelled label: the group's points, for the rows read so far too
                pts = points_in_label(label)
                for done in f.indicators:
                    if done.level1_raw == state.l1_raw and done.level1_weight is None:
                        done.level1_raw, done.level1_weight = state.l1_raw + label, pts
                state.l1_raw, state.l1_weight = state.l1_raw + label, pts
                label = None
            elif label and ind.is_bare_points(label):
                # （30分） alone in the level-1 column, no label before it: a group whose label the
                # flattening lost begins here (its level-2 labels say which)
                state.lost_label(points_in_label(label))
                label = None
            points = next((points_in_label(t) for _, t in r.texts() if ind.is_bare_points(t)), None)
            if points is not None and state.l1_raw is None:
                state.l1_weight = points
            # rows rebuilt by the reflow, and a `fixed` family's, are read where their cells stand
            positional = r.aligned or fixed
            placed: dict[str, str] = (
                {role: t for i, t in r.texts() if i < len(roles) and (role := roles[i])} if positional
                else ind.align(r.cells, roles))
            placed.pop(ind.UNREAD, None)  # reported by unread_column below
            placed.pop("number", None)  # 序号: the order, which indicator_index keeps
            if label and not ind.is_bare_points(label):
                placed["level1"] = label
                # the label is spelled out to its last character: the group's rows read so far take it
                for done in reversed(f.indicators):
                    if done.level1 != label or done.level1_raw is not None:
                        break
                    done.level1_raw = label
            l2_points = points_in_label(placed.get("level2"))
            if points is None and l2_points is not None and state.l1_raw is None and not value(placed.get("level1")):
                # 质量指标（50分）: the points of a level-1 label the flattening lost,
                # left on a level-2 label; they belong to the group.
                points = state.l1_weight = l2_points
            if not (placed.keys() - {"category", "level1", "level2"}) or is_placeholder_row(placed):
                # a level label alone, or a template's empty slot (指标2：, ……): no indicator
                state.update(value(placed.get("level1")), value(placed.get("level2")), any_label=fixed)
                continue
            f.indicators.append(ind.build(placed, state, "nature" in roles, any_label=fixed))
            self.trace(f"indicator {len(f.indicators) - 1}", r)
            if state.moved:
                l2_raw, under = state.moved
                f.findings.append(Finding("level2_group", "warning",
                                          f"indicator {len(f.indicators) - 1}: {l2_raw} is a "
                                          f"{f.indicators[-1].level1} level-2 but printed under {under}: "
                                          f"read as {f.indicators[-1].level1}"))
                state.moved = None
            l1_text = value(placed.get("level1"))
            if l1_text and state.l1_raw is not None:
                labels.append((state.l1_raw, state.l1_weight))
            elif points is not None:
                labels.append((None, points))
            else:
                labels.append(None)
        ind.backfill_level1(f.indicators, labels)
        weights = sum(x.weight or 0.0 for x in f.indicators)
        if initial_weight is not None and (
                (len({x.level1 for x in f.indicators}) > 1 and abs(initial_weight - weights) < 0.01)
                or initial_weight >= 80):
            # 绩效指标（90分）: the points of the whole block, not of its first group
            for x in f.indicators:
                if x.level1_weight == initial_weight and x.level1_raw is not None \
                        and points_in_label(x.level1_raw) is None:
                    x.level1_weight = None
        for at, t in sorted(unread.items()):
            f.findings.append(Finding("unread_column", "error",
                                      f"indicator column {clean(header.cells[at])!r} holds values (e.g. "
                                      f"{clean(t)[:30]!r}) but maps to no field: its values are not stored"))
        return table_end

    # -- after the table -------------------------------------------------
    def read_total(self, row: Row) -> None:
        """总分 | 100 | 96 | 优: the points, the score, and the grade where printed."""
        f = self.form
        texts = [t for _, t in row.texts()[1:]]
        nums = [n for n in (parse_number(t) for t in texts) if n is not None]
        f.total_weight = nums[0] if nums else None
        f.total_score = nums[1] if len(nums) > 1 else f.total_score  # (else: as its head printed it, or none)
        grades = vocabulary()["grades"]
        f.grade = f.grade or next((compact(t) for t in texts if compact(t) in grades), None)

    def read_tail(self, rows: list[Row]) -> None:
        """problems / rectification / grade where labelled; the rest is remarks
        (the template's footnotes 注：1.… included: the corpus gold keeps them),
        but for a web page's own furniture (`web_chrome`: 发布时间, 版权所有 …)."""
        remarks: list[str] = []
        chrome = vocabulary()["web_chrome"]
        for r in rows:
            texts = [t for _, t in r.texts() if not any(w in t for w in chrome)]
            # every label of the row with its value (存在问题 | X | 改进措施 | Y);
            # what no label takes is remarks
            pairs, used = label_values(texts, ("problems", "rectification", "grade"))
            for key, v, label in pairs:
                self.set_key(key, v, label)
            # (a cell of no word, digit or ideograph, - / or —, says nothing)
            remarks.extend(clean(t) for k, t in enumerate(texts) if k not in used and re.search(r"\w", t))
        self.form.remarks = value("\n".join(remarks))


def read_forms(rows: list[Row], prev_year: int | None = None) -> list[Form]:
    """Every form of a file's rows in reading order: the wide summary tables
    first found and read (normalize/summary.py), the 自评表 forms from the
    rows around them."""
    summaries = read_summaries([r.spanned if r.spanned is not None else r.cells for r in rows],
                               [r.page for r in rows])
    forms: list[Form] = []
    at = 0
    for start, end, summary_forms in summaries:
        forms += read_self_evaluations(rows[at:start], prev_year)
        forms += summary_forms
        at = end
    return forms + read_self_evaluations(rows[at:], forms[-1].fiscal_year if forms else prev_year)


def read_self_evaluations(rows: list[Row], prev_year: int | None = None) -> list[Form]:
    """`prev_year`: the year of the form before these rows (in the same file),
    for a form that prints none."""
    forms: list[Form] = []
    ranges = split(rows)
    head_year = find_year(rows[: ranges[0][0]] if ranges else rows)
    for start, end in ranges:
        form = FormReader(rows[start:end]).read()
        if form is None:
            continue
        if form.fiscal_year is None:
            assume_year(form, forms[-1].fiscal_year if forms else prev_year, head_year if not forms else None)
        forms.append(form)
    if forms and ranges and (orphan := orphan_table(rows[:ranges[0][0]])):
        forms[0].findings.append(orphan)
    return forms


def assume_year(form: Form, before: int | None, heading: int | None) -> None:
    """A form that prints no year takes the year of the file's heading above
    its first form, else that of the form before it in the file: a guess
    (forms of one file are mostly of one year, not always), so said."""
    year, whence = (heading, "the heading above the file's first form") if heading is not None else \
        (before, "the form before it in the file")
    if year is None:
        return
    form.fiscal_year = year
    form.findings.append(Finding("fiscal_year_assumed", "warning",
                                 f"no year printed on the form: {year}, the year of {whence}, assumed"))


def orphan_table(rows: list[Row]) -> Finding | None:
    """Rows before a file's first form that hold a table of their own (a
    copy that begins inside the form before, after its head): no form's, so
    not read, and said."""
    at = next((k for k, r in enumerate(rows) if is_indicator_header(r) or is_funds_header(r)), None)
    if at is None:
        return None
    texts = [t for r in rows[at + 1:] for _, t in r.texts()][:3]
    where = next((w for w in rows[at].where or [] if w), "")
    return Finding("extraction", "warning",
                   f"a table before the first form belongs to no form (the end of a form whose head is not in "
                   f"the file?), not read: {len(rows) - at} rows from {where or 'the start'}, "
                   f"e.g. {' | '.join(clean(t)[:20] for t in texts)}")
