"""Each text shape's cells: the rows of the shapes that keep them (tab rows,
CSV, Markdown, one cell per line after a tab) and, for the shapes that lose
the rows, the cells in reading order (a stream, whose rows the normalizer
rebuilds). Which shape a text is, is told in text.py."""
from __future__ import annotations

import csv
import io
import re

from .chars import BRACKETED_NOTE, is_cjk, is_ideograph

MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def paragraphs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(first line number, its stripped lines) of each run of non-blank lines."""
    out: list[tuple[int, list[str]]] = []
    para: list[str] = []
    start = 0
    for no, ln in enumerate(lines + [""], start=1):
        if ln.strip():
            start = start or no
            para.append(ln.strip())
        elif para:
            out.append((start, para))
            para, start = [], 0
    return out


def csv_rows(text: str) -> list[tuple[int, list[str]]]:
    sample = "\n".join(ln for ln in split_lines(text)[:200] if ln.strip())
    delim = max((",", ";"), key=sample.count)
    rows = csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter=delim)
    return [(k + 1, row) for k, row in enumerate(rows) if any(c.strip() for c in row)]


def markdown_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    out = []
    for no, ln in enumerate(lines, start=1):
        if not ln.strip() or MD_RULE.match(ln):
            continue
        t = ln.strip()
        t = t[1:] if t.startswith("|") else t
        t = t[:-1] if t.endswith("|") else t
        out.append((no, [c.strip().replace("<br>", "\n") for c in t.split("|")]))
    return out


SPACED_LINE = 20  # space-separated pieces on a line: a whole form's cells, not a sentence or a sign-off


def stream_tokens(lines: list[str], shape: str) -> list[tuple[int, str]]:
    """(line number, cell text) in reading order; empty cells are dropped,
    since these shapes lose most of them anyway, but for a fund line's in the
    shapes that keep them (ragged, lines), which stand as dashes."""
    if shape == "paragraph":
        return [(start, "\n".join(para)) for start, para in paragraphs(lines)]
    if shape == "lines":
        return _cell_lines(lines)
    rows: list[tuple[int, list[str]]] = []
    for no, ln in enumerate(lines, start=1):
        if shape == "pipe":
            # (a line of many cells and no pipe is a form flattened on one line
            # with spaces for its cells' edges, copied into the same file: 01's shape)
            parts = ln.split() if "|" not in ln and len(ln.split()) >= SPACED_LINE else ln.split("|")
        elif shape == "ragged":
            parts = ln.split("\t")
            if _label_and_amounts(parts):  # a fund line keeps its empty cells' places, as a form's dashes
                parts = [parts[0], *(p if p.strip() else "—" for p in parts[1:])]
        elif shape == "layout":
            parts = re.split(r" {2,}|\t", ln)
        elif shape == "viewer":
            parts = _viewer_cells(ln)
        else:
            parts = ln.split()
        rows.append((no, [p.strip() for p in parts if p.strip()]))
    if shape in ("ragged", "pipe", "spaced"):
        rows = _vertical_cells(rows)
    elif shape == "viewer":
        rows = _wrapped_tails(rows)
    return [(no, p) for no, parts in rows for p in parts]


_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_UNIT = re.compile(r"^[\u4e00-\u9fff]{1,4}$")  # 场, 家, 人次, 万人次, 万元以内: a number's unit
_DATE_PART = re.compile(r"\d(?:年|月)$")  # 2020年 | 12月 | 31日前: one date
_IN_SENTENCE = re.compile(r"[，,。；;、：:]")
_BRACKET_NUMBER = re.compile(r"([（(])\s*(\d+(?:\.\d+)?)\s*([\u4e00-\u9fff]{1,4}\s*[）)])")


def _viewer_cells(line: str) -> list[str]:
    """A viewer's line cut at its spaces, less the spaces PDFium put around
    numbers inside a cell: in a bracket (（50 分） -> （50分）), in a sentence
    (冰雪营地 37 场次,覆盖 -> 冰雪营地37场次,覆盖: a neighbour holds its
    punctuation), and before a short unit (500 场 396 场 -> 500场 396场).
    A number between two cells without punctuation (活动总数 500 场) stays a
    cell's start: there the space is a cell's edge as often."""
    parts = _BRACKET_NUMBER.sub(lambda m: m.group(1) + m.group(2) + m.group(3).replace(" ", ""), line).split()
    out: list[str] = []
    k = 0
    while k < len(parts):
        t = parts[k]
        nxt = parts[k + 1] if k + 1 < len(parts) else ""
        if _NUMBER.match(t) and out and nxt and is_cjk(out[-1][-1]) and is_cjk(nxt[0]) \
                and (_IN_SENTENCE.search(out[-1]) or _IN_SENTENCE.search(nxt)):
            out[-1] += t + nxt
            k += 2
            continue
        if _NUMBER.match(t) and _UNIT.match(nxt):
            if out and _DATE_PART.search(out[-1]) and nxt[0] in "年月日":
                out[-1] += t + nxt  # 2020 年 12 月 31 日前: the date's parts
            else:
                out.append(t + nxt)
            k += 2
            continue
        out.append(t)
        k += 1
    return out


WRAPPED_LINE = 5  # characters: a viewer's line of one cell this long or longer may wrap
TAIL = 3  # characters: the last line of a wrapped cell, so short it is no cell of its own


def _wrapped_tails(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A viewer's cell that wraps leaves its last few characters on a line
    of their own (组织面对面深访人 | 数, 非公企业团组织有 | 效覆盖): a line of
    one to three ideographs after a line that is one cell of five or more
    ideographs, not ended by a sentence's stop, is that cell's end."""
    out: list[tuple[int, list[str]]] = []
    for k, (no, parts) in enumerate(rows):
        prev = out[-1][1] if out else []
        after = next((p for _, p in rows[k + 1:] if p), [])
        if (len(parts) == 1 and 1 <= len(parts[0]) <= TAIL and all(is_ideograph(c) for c in parts[0])
                and len(prev) == 1 and len(prev[0]) >= WRAPPED_LINE and is_ideograph(prev[0][-1])
                and not (len(parts[0]) == 1 and after == [after[0]] and _one_char(after[0]))):
            # (not a label printed a character a line: 产 | 出 | 指 | 标)
            prev[0] += parts[0]
            continue
        out.append((no, list(parts)))
    return out


def _cell_lines(lines: list[str]) -> list[tuple[int, str]]:
    """A table saved as text (LibreOffice's or Word's Save As Text): one cell
    a line, a blank line an empty cell. In a fund line (a label, then its
    amounts), the empty cells after an amount keep their places as the
    form's dashes (上年结转资金 | 0.00 | 0.00 | | |: 年初 and 全年预算数, not
    the two columns on the right); other blank lines are dropped."""
    out: list[tuple[int, str]] = []
    amounts = False  # the lines since the last label are a fund line's amounts
    for no, ln in enumerate(lines, start=1):
        t = ln.strip()
        if not t:
            if amounts:
                out.append((no, "—"))
            continue
        if _AMOUNT.match(t):
            amounts = bool(out) and (amounts or not _AMOUNT.match(out[-1][1]))
        else:
            amounts = False
        out.append((no, t))
    return out


def _vertical_cells(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A cell printed a character a line (产<br>出<br>指<br>标), as a browser
    copies it: each character a line of its own, the first after the cells
    before it and the last before a tab and the cells after it (产 | 出 | 指 |
    标⇥数 | 量 | 指 | 标⇥指标1…). A line break is no sure cell edge, a tab,
    a pipe or a space after a lone character is, so the characters are
    joined back into one cell until a line holds more than the next one: a
    cell is taken for such a run where the line after its last character is
    a lone character too."""
    out: list[tuple[int, list[str]]] = []
    spelling = False  # out[-1]'s last cell is being spelled a character a line
    for no, parts in rows:
        parts = list(parts)
        if spelling and not parts:
            continue  # a blank line inside the run (年<br>度<br> <br>总…)
        if out and out[-1][1] and parts and (_one_char(parts[0]) or (spelling and BRACKETED_NOTE.match(parts[0]))) \
                and (spelling or (_one_char(out[-1][1][-1]) and len(parts) == 1)):
            out[-1][1][-1] += parts.pop(0)
            spelling = not parts
            if not parts:
                continue
        else:
            spelling = False
        out.append((no, parts))
    return out


def _one_char(text: str) -> bool:
    return len(text) == 1 and is_ideograph(text)


_AMOUNT = re.compile(r"^\s*[-+]?[\d,]+(?:\.\d+)?\s*(?:%|％|万元|万|元)?\s*$")


def _label_and_amounts(cells: list[str]) -> bool:
    """A row of a label and amounts, some cells empty (a fund line: 上年结转资金
    | 0.00 | 0.00 | | | |): where its empty cells stand says which columns
    its amounts are in, which a stream of cells would lose."""
    rest = cells[1:]
    return (bool(cells[0].strip()) and not _AMOUNT.match(cells[0]) and any(not c.strip() for c in rest)
            and any(_AMOUNT.match(c) for c in rest) and all(_AMOUNT.match(c) or c.strip() in _DASHES for c in rest))


_DASHES = frozenset({"", "—", "——", "-", "－", "/", "／"})  # a cell printed or left empty


# a cell a spreadsheet quoted because it holds a line break ("项目资金\n（万元）")
_QUOTED_BREAK = re.compile(r'(?:^|\t)"(?:[^"]|"")*\n(?:[^"]|"")*"(?=\t|\n|$)', re.M)


def tsv_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Rows of tab-separated cells. Excel's copy quotes a cell that holds a
    line break (and doubles its quotes); where the text has such a cell, it
    is read as Excel wrote it, so the break stays inside its cell."""
    text = "\n".join(lines) if any('"' in ln for ln in lines) else ""
    if not _QUOTED_BREAK.search(text):
        return [(i + 1, ln.split("\t")) for i, ln in enumerate(lines) if ln.strip()]
    reader = csv.reader(io.StringIO(text), delimiter="\t", quotechar='"', strict=False)
    out, start = [], 1
    for row in reader:
        if any(c.strip() for c in row):
            out.append((start, row))
        start = reader.line_num + 1
    return out


def spelled_rows(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Tab rows with a tall label printed a character a line (当<br>年<br>…<br>标),
    as a browser copies it: each character a line, the last one opening the
    row's other cells (标⇥年初绩效目标⇥…), the first one either a line of its
    own (the label opens its row) or the last cell of the line before (the
    label stands after other cells: 产出指标⇥数 | 量 | 指 | 标⇥指标1). The
    characters are one cell, in the row their last one opens, and that row
    goes on the line before where the first character ended it."""
    out: list[tuple[int, list[str]]] = []
    run: list[tuple[int, str]] = []  # the lines of one character since the last row
    for no, cells in rows:
        if len(cells) == 1 and _one_char(cells[0].strip()):
            run.append((no, cells[0].strip()))
            continue
        if run and len(cells) >= 2 and _one_char(cells[0].strip()):
            chars = "".join(ch for _, ch in run) + cells[0].strip()
            if out and out[-1][1] and _one_char(out[-1][1][-1].strip()):
                out[-1][1][-1] = out[-1][1][-1].strip() + chars
                out[-1][1].extend(cells[1:])
            else:
                out.append((run[0][0], [chars, *cells[1:]]))
            run = []
            continue
        out.extend((n, [ch]) for n, ch in run)
        run = []
        out.append((no, cells))
    out.extend((n, [ch]) for n, ch in run)
    return out


def cell_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Rows of the one-cell-per-line flavor, as (first line number, cells).

    A line without a leading tab continues the cell above it: after no or one
    blank line always, after more only while the row is still short of the
    table's width and its last cell has text (a tall merged cell printed
    with blank lines inside); otherwise it starts a row (a new title)."""
    rows: list[tuple[int, list[str]]] = []
    cur: list[str] | None = None
    blanks = width = 0
    for no, line in enumerate(lines, start=1):
        if not line.strip() and not line.startswith("\t"):
            blanks += 1
            continue
        if line.startswith("\t"):
            if cur is None or blanks:
                if cur is not None and len(cur) >= 5:
                    width = len(cur)
                cur = []
                rows.append((no, cur))
            cur.append(line[1:])
        elif cur is not None and (blanks <= 1 or (len(cur) < width and cur[-1].strip())):
            cur[-1] += "\n" + line
        else:
            cur = [line]
            rows.append((no, cur))
        blanks = 0
    return join_split_rows(rows)


def join_split_rows(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Join a short row with the rows after it when together they make exactly
    the width of the table they sit in (the last row of five or more cells)."""
    out: list[tuple[int, list[str]]] = []
    width = 0
    i = 0
    while i < len(rows):
        no, cells = rows[i]
        if width and 2 <= len(cells) < width:
            total, j = len(cells), i + 1
            while total < width and j < len(rows):
                total += len(rows[j][1])
                j += 1
            if total == width:
                cells = [c for _, r in rows[i:j] for c in r]
                i = j - 1
        if len(cells) >= 5:
            width = len(cells)
        out.append((no, cells))
        i += 1
    return out
