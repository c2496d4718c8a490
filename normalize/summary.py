"""Wide summary disclosures (绩效自评情况公开表): one table row per project.

Their headers span three or four rows (产出目标 over 数量指标 over
年度指标内容, sometimes over 年度/季度), and a flattened copy keeps neither
the spans nor the empty cells, so header positions can't be trusted. The
header is read for *what* it names, in reading order; the data rows say
*where*:

1. Header words: the fixed columns (项目名称, the amounts, 执行率, the goals,
   存在的问题, 整改情况) and the indicator categories with their groups.
2. Each data row: 序号 and 项目名称, then the amounts (numbers) and the rate
   (a percentage), read by what they are.
3. The rest is right-anchored: goals, two cells per category (年度指标内容,
   完成情况), problems, rectification. The table's complete rows (the longest
   row length that several rows share) tell how many goal columns really hold
   data and how many categories there are; a category the header lacks is
   inserted where the cells' content fits (经费/预算 -> 成本指标).
4. A row that lost cells (empty ones, dropped by flattening) gets its gaps
   where its cells fit best: by likeness to the other rows' cells in each
   column and by the words each category uses (schemas/vocabulary.toml).

Every place where header and data disagree is a `checks` warning on the form.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache

from jixiao.schemas import vocabulary

from .levels import group_of, level1, level2
from .records import Finding, Form, Fund, Indicator
from .textclean import clean, compact, value
from .values import fiscal_year, parse_amount, parse_rate, parse_value

_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")
_RATE = re.compile(r"^-?\d+(\.\d+)?\s*[%％]$")
_SERIAL = re.compile(r"^\d{1,4}$")
AMOUNT_KINDS = ("budget", "executed", "fiscal", "other")


@cache
def _labels() -> list[tuple[str, str]]:
    """(compacted header word, column), longest first."""
    pairs = [(compact(w), col) for col, words in vocabulary()["summary_columns"].items() for w in words]
    return sorted(pairs, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1 << 16)  # bounded: a long archive run meets endless distinct cells
def header_words(text: str) -> tuple[str, ...]:
    """The columns a header cell names, in the order it names them."""
    k = compact(text)
    taken: list[tuple[int, int, str]] = []
    for word, col in _labels():
        start = k.find(word)
        while start >= 0:
            end = start + len(word)
            if all(end <= a or start >= b for a, b, _ in taken):
                taken.append((start, end, col))
            start = k.find(word, end)
    return tuple(col for _, _, col in sorted(taken))


def _pair_count(cells: list[str], kind: str) -> int:
    return sum(1 for t in cells if "pair_" + kind in header_words(t)[:1])


def is_summary_header(cells: list[str]) -> bool:
    """The row of 年度指标内容 / 完成情况 pairs."""
    return _pair_count(cells, "target") >= 2 and _pair_count(cells, "actual") >= 2


@dataclass
class Header:
    columns: list[str] = field(default_factory=list)  # fixed columns named, in order
    categories: list[tuple[str, str | None]] = field(default_factory=list)  # (canonical level2, raw)
    groups: dict[str, str] = field(default_factory=dict)  # canonical level1 -> raw label


def read_header(rows: list[list[str]]) -> Header:
    h = Header()
    for cells in rows:
        labels = []
        for t in cells:
            v = value(t)
            if v is None:
                continue
            cols = header_words(v)
            if cols and not cols[0].startswith("pair_"):
                h.columns += [c for c in cols if c not in h.columns and not c.startswith("pair_")]
                continue
            raw = compact(v)
            labels.append((raw, level1(raw), level2(raw)))
        # 成本指标 and 满意度指标 name a group and a category alike: the row's
        # other labels say which kind of row this is.
        groups_row = sum(1 for _, l1, l2 in labels if l1 and not l2) > sum(1 for _, l1, l2 in labels if l2 and not l1)
        for raw, l1, l2 in labels:
            if l1 and (groups_row or not l2):
                h.groups.setdefault(l1, raw)
            elif l2:
                h.categories.append((l2, raw))
    return h


@dataclass
class Table:
    header_rows: tuple[int, int]  # [start, end) in the file's rows
    data_rows: list[int]


def find_tables(rows: list[list[str]]) -> list[Table]:
    out = []
    i = 0
    while i < len(rows):
        if not is_summary_header(rows[i]):
            i += 1
            continue
        start = i
        while start > 0 and start > i - 4 and _is_header_like(rows[start - 1]):
            start -= 1
        end = i + 1
        while end < len(rows) and not _is_data(rows[end]) and any(value(t) for t in rows[end]) \
                and not is_summary_header(rows[end]):
            end += 1
        data = []
        j = end
        while j < len(rows) and not is_summary_header(rows[j]):
            if _is_data(rows[j]):
                data.append(j)
            elif data and not any(value(t) for t in rows[j]):
                break
            j += 1
        out.append(Table((start, end), data))
        i = j
    return out


def _is_header_like(cells: list[str]) -> bool:
    """A row of the header block: several cells, some of them header words
    or category labels, and no data."""
    texts = [v for t in cells if (v := value(t)) is not None]
    return len(texts) >= 2 and not _is_data(cells) and any(
        header_words(t) or level1(compact(t)) or level2(compact(t)) for t in texts)


def _is_data(cells: list[str]) -> bool:
    texts = [value(t) for t in cells]
    texts = [t for t in texts if t is not None]
    return len(texts) >= 4 and bool(_SERIAL.match(compact(texts[0]))) and any(_RATE.match(compact(t)) or
                                                                            _NUMBER.match(compact(t)) for t in texts[1:6])


# --- one table -------------------------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    k = compact(text)
    return {k[i:i + 2] for i in range(len(k) - 1)} or ({k} if k else set())


def _likeness(text: str, pools: list[set[str]], j: int) -> float:
    """How much more of the cell's wording column j's other cells use than
    the columns do on average (bigrams; long texts share many with all)."""
    b = _bigrams(text)
    if not b:
        return 0.0
    shares = [len(b & p) / len(b) for p in pools]
    return shares[j] - sum(shares) / len(shares)


def _cue(text: str, category: str | None, categories: list[str]) -> float:
    """The category's own words in the cell, beyond what the other
    categories' words find there."""
    cues = vocabulary()["summary_cues"]

    def hits(c: str) -> int:
        return min(sum(1 for w in cues.get(c, []) if w in text), 2)

    if category is None:
        return 0.0
    return 0.3 * (hits(category) - sum(hits(c) for c in categories) / max(len(categories), 1))


@dataclass
class Slot:
    kind: str  # goal_planned, goal_achieved, target, actual, problems, rectification
    category: int | None = None  # index into the categories, for target/actual


@dataclass
class Row:
    index: int
    serial: str | None
    name: str | None
    amounts: list[str]
    rate: str | None
    rest: list[str]  # what follows the rate, trailing empties removed


def split_row(cells: list[str], header: Header, index: int) -> Row | None:
    # Blank cells are what a flattened row may have lost; a printed dash is a cell.
    cells = [t if clean(t) else "" for t in cells]
    while cells and not cells[-1]:
        cells.pop()
    k = 0
    serial = None
    while k < len(cells) and not cells[k]:
        k += 1
    if k < len(cells) and "number" in header.columns and _SERIAL.match(compact(cells[k])):
        serial, k = cells[k], k + 1
    while k < len(cells) and not cells[k]:
        k += 1
    if k >= len(cells):
        return None
    name, k = cells[k], k + 1
    amounts: list[str] = []
    n_amounts = sum(1 for c in header.columns if c in AMOUNT_KINDS)
    while k < len(cells) and _NUMBER.match(compact(cells[k]) or "x") and len(amounts) < max(n_amounts, 1) + 2:
        amounts.append(cells[k])
        k += 1
    rate = None
    if k < len(cells) and _RATE.match(compact(cells[k])):
        rate, k = cells[k], k + 1
    return Row(index, serial, name, amounts, rate, cells[k:])


def plan(header: Header, rows: list[Row]) -> tuple[list[Slot], list[tuple[str, str | None]], list[str]]:
    """The slots of a complete row, the categories and the table-level
    decisions (as warnings)."""
    notes = []
    counts = Counter(len(r.rest) for r in rows)
    shared = [n for n, c in counts.items() if c >= 2]
    full = max(shared) if shared else max(counts)
    goals = [c for c in header.columns if c.startswith("goal_")]
    right = [c for c in header.columns if c in ("problems", "rectification")]
    best = None
    for g in range(len(goals), -1, -1):
        left = full - g - len(right)
        if left < 0 or left % 2:
            continue
        extra = left // 2 - len(header.categories)
        if extra < 0:
            continue
        if best is None or extra < best[1]:
            best = (g, extra)
    if best is None:
        best = (len(goals), 0)
    g, extra = best
    if g < len(goals):
        notes.append("header " + "、".join(_printed(c) for c in goals[g:]) + " has no data column "
                     "in this table (its rows are shorter): left empty")
    categories = list(header.categories)
    if extra > 0:
        categories = _insert_missing(categories, extra, rows, g, notes)
    slots = [Slot(c) for c in goals[:g]]
    for i in range(len(categories)):
        slots += [Slot("target", i), Slot("actual", i)]
    slots += [Slot(c) for c in right]
    return slots, categories, notes


Categories = list[tuple[str, str | None]]  # (canonical level-2, as printed)


def _printed(column: str) -> str:
    return str(vocabulary()["summary_columns"][column][0])


def _insert_missing(categories: Categories, extra: int, rows: list[Row], g: int, notes: list[str]) -> Categories:
    """Categories the data has and the header lacks, one at a time: of the
    level-2s missing from each group, the one whose cells' content fits."""
    order = list(vocabulary()["level2"])
    for _ in range(extra):
        present = {c for c, _ in categories}
        options = []
        for cand in order:
            grp = group_of(cand)
            if cand in present or not any(group_of(c) == grp for c, _ in categories):
                continue
            members = [i for i, (c, _) in enumerate(categories) if group_of(c) == grp]
            before = [i for i in members if order.index(categories[i][0]) < order.index(cand)]
            pos = before[-1] + 1 if before else members[0]
            trial: Categories = [*categories[:pos], (cand, None), *categories[pos:]]
            names = [c for c, _ in trial]
            fit = sum(_cue(r.rest[g + 2 * i + k], c, names) for r in rows for i, c in enumerate(names)
                      for k in (0, 1) if g + 2 * i + k < len(r.rest))
            options.append((fit, -order.index(cand), pos, cand, trial))
        if not options:
            break
        fit, _, pos, cand, categories = max(options)
        notes.append(f"header names {len(categories) - 1} categories for {len(categories)} data pairs: "
                     f"pair {pos + 1} read as {cand} (not in the header; by its content)")
    return categories


def place(row: Row, slots: list[Slot], categories: Categories, pools: list[set[str]]
          ) -> tuple[list[str | None], str | None]:
    """The row's cells in their slots (None for a gap), and a note when gaps
    had to be chosen."""
    cells, n, m = row.rest, len(row.rest), len(slots)
    if n >= m:
        return list(cells[:m]), (f"{n - m} cells more than the header has columns: the last ones dropped"
                                 if n > m else None)
    gaps = m - n
    names = [c for c, _ in categories]

    def fit(i: int, j: int) -> float:
        t = cells[i]
        if not value(t) or value(t) in ("不适用",):
            return 0.0
        s = slots[j]
        cue = _cue(t, categories[s.category][0] if s.category is not None else None, names)
        return _likeness(t, pools, j) + cue

    def gap_cost(j: int) -> float:
        # Flattening drops empty cells: a missing 完成情况 is likelier than a
        # missing 年度指标内容, and either than a missing goal.
        return {"actual": 0.0, "target": 0.05, "problems": 0.02, "rectification": 0.0}.get(slots[j].kind, 0.1)

    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for j in range(1, m + 1):
        best[0][j] = best[0][j - 1] - gap_cost(j - 1)
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            take = best[i - 1][j - 1] + fit(i - 1, j - 1)
            skip = best[i][j - 1] - gap_cost(j - 1) if j - 1 >= i else neg
            best[i][j] = max(take, skip)
    out: list[str | None] = [None] * m
    i, j = n, m
    while i > 0:
        if j - 1 >= i and best[i][j] == best[i][j - 1] - gap_cost(j - 1):
            j -= 1
        else:
            out[j - 1] = cells[i - 1]
            i, j = i - 1, j - 1
    missing = [j for j in range(m) if out[j] is None][:gaps]
    names = [_slot_name(slots[j], categories) for j in missing]
    return out, f"row has {gaps} cell(s) fewer than the table: read as empty, by content: {'、'.join(names)}"


def _slot_name(slot: Slot, categories: Categories) -> str:
    if slot.category is None:
        return _printed(slot.kind)
    return f"{categories[slot.category][0]} {'年度指标内容' if slot.kind == 'target' else '完成情况'}"


def read_summaries(rows: list[list[str]], pages: list[int | None]) -> list[tuple[int, int, list[Form]]]:
    """(first row, end row, forms) of every summary table in `rows` (one
    list of cells per row, merged cells counted once). The title, 单位 and
    部门名称 lines are looked for anywhere in the file."""
    tables = find_tables(rows)
    if not tables:
        return []
    year, unit, dept = _context(rows)
    out = []
    for t in tables:
        hs, he = t.header_rows
        header = read_header(rows[hs:he])
        if dept is None:
            dept = _department(rows[hs:he])
        parsed = [r for r in (split_row(rows[i], header, i) for i in t.data_rows) if r is not None]
        if not parsed:
            continue
        forms = []
        slots, categories, notes = plan(header, parsed)
        full = [r for r in parsed if len(r.rest) == len(slots)]
        pools = [set().union(*(_bigrams(r.rest[j]) for r in full if value(r.rest[j]))) for j in range(len(slots))]
        for r in parsed:
            placed, note = place(r, slots, categories, pools)
            form = _form(r, header, slots, categories, placed, unit)
            form.page_start = form.page_end = pages[r.index]
            form.fiscal_year, form.department = year, dept
            form.findings += [Finding("summary_layout", "warning", n) for n in notes + ([note] if note else [])]
            forms.append(form)
        out.append((hs, t.data_rows[-1] + 1, forms))
    return out


def _context(rows: list[list[str]]) -> tuple[int | None, str | None, str | None]:
    year = unit = dept = None
    for cells in rows:
        for t in cells:
            k = compact(t)
            if not k:
                continue
            if year is None:
                year = fiscal_year(k)
            if unit is None and (m := _UNIT.search(k)):
                unit = m.group(1)
        if dept is None:
            dept = _department([cells])
    return year, unit, dept


def _department(rows: list[list[str]]) -> str | None:
    for cells in rows:
        for t in cells:
            k = compact(t)
            if "department" in header_words(k)[:1]:
                m = re.match(r"^[^:：]*[:：](.+?)[:：]?$", k)
                if m:
                    return m.group(1)
    return None


def _form(r: Row, header: Header, slots: list[Slot], categories: Categories, placed: list[str | None],
          unit: str | None) -> Form:
    f = Form(form_type="summary_disclosure", project_name=value(r.name), amount_unit=unit)
    kinds = [k for k in AMOUNT_KINDS if k in header.columns]
    if len(kinds) < len(r.amounts):
        kinds += ["budget", "executed", "fiscal", "other"][len(kinds):]
    if len(r.amounts) != len([k for k in kinds if k in AMOUNT_KINDS]):
        f.findings.append(Finding("summary_layout", "warning",
                                  f"{len(r.amounts)} amounts for the header's {len(kinds)} amount columns "
                                  f"({'、'.join(_printed(k) for k in kinds)}): read in order"))
    got = {k: parse_amount(a, unit) for k, a in zip(kinds, r.amounts, strict=False)}
    total = Fund("total", None, got.get("budget"), got.get("executed"), None, parse_rate(r.rate), None)
    f.funds.append(total)
    if "fiscal" in got:
        f.funds.append(Fund("fiscal", executed_yuan=got["fiscal"]))
    if "other" in got:
        f.funds.append(Fund("other", executed_yuan=got["other"]))
    f.budget_adjusted_yuan, f.executed_yuan, f.execution_rate = total.budget_adjusted_yuan, total.executed_yuan, \
        total.execution_rate
    for s, text in zip(slots, placed, strict=True):
        if s.kind in ("goal_planned", "goal_achieved", "problems", "rectification"):
            setattr(f, s.kind, value(text))
    for i, (cat, raw) in enumerate(categories):
        grp = group_of(cat)
        target = next((t for s, t in zip(slots, placed, strict=True) if s.category == i and s.kind == "target"), None)
        actual = next((t for s, t in zip(slots, placed, strict=True) if s.category == i and s.kind == "actual"), None)
        tv, av = parse_value(value(target)), parse_value(value(actual))
        f.indicators.append(Indicator(
            level1=grp, level1_raw=header.groups.get(grp) if grp else None, level2=cat, level2_raw=raw,
            target_raw=value(target), target_op=tv.op, target_value=tv.value, target_unit=tv.unit,
            actual_raw=value(actual), actual_op=av.op, actual_value=av.value, actual_unit=av.unit))
    return f

