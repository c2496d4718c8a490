"""Flattened text: what people pasted out of Word, Excel, PDF tables and web pages.

The shape is told from the text itself, never from the file's name:

* tsv       - one table row per line, cells separated by tabs (an Excel copy);
* cells     - one cell per line: a tab starts a cell, a line without a leading
              tab continues the cell above, and a blank line ends the row;
* csv       - comma or semicolon separated rows, quoted cells (csv module);
* markdown  - a pipe table with its |---| rule: rows are rows;
* pipe      - web rows `| a | b |` broken at merged cells, or one cell per
              line ending ` |`: cells are known, rows are not;
* paragraph - one cell per paragraph (a blank line between cells);
* layout    - `pdftotext -layout`: cells apart by runs of two or more spaces;
* lines     - a table saved as text: one cell a line, a blank line an empty
              cell (few lines hold a space);
* spaced    - cells joined by single spaces, a row per line or a whole form
              on one line;
* viewer    - text copied out of a PDF viewer (its text layer, a line as drawn):
              as spaced, less the spaces PDFium puts around numbers inside a
              cell; read with a note that it reads poorly;
* glued     - cells run together with nothing between them (a site's scrape):
              read as spaced (little comes of it), with a note that says so.

The first four give a table grid. The others lose the rows (and some of the
cell boundaries and every empty cell): they give a *stream* grid, the cells in
reading order one per row, whose rows the normalizer rebuilds by content
(normalize/reflow.py).

Forms pasted into one file each flattened their own way (a site's ` | ` rows,
then a form on one line) are read each in its own shape: the text is cut at
the forms' titles (`form_regions`), and where the parts' shapes differ, each
part is a grid of its own (extractor `text-spaced+pipe`).

A blank line inside a row that is still short of the table's width does not
end it (a cell whose text ended in a line break leaves such a blank line), so
short rows followed by their missing tail are joined back.
"""
from __future__ import annotations

import codecs
import csv
import html
import io
import re
from functools import cache
from pathlib import Path

from .chars import NOTE, is_cjk
from .grid import Cell, Document, Grid
from .text_cells import (
    MD_RULE,
    SPACED_LINE,
    cell_rows,
    csv_rows,
    markdown_rows,
    paragraphs,
    spelled_rows,
    split_lines,
    stream_tokens,
    tsv_rows,
)

STREAM_SHAPES = ("pipe", "paragraph", "layout", "spaced", "ragged", "viewer", "lines")
_LAYOUT_GAP = re.compile(r"\S(?: {2,}|\t)\S")


class TextDecodeError(ValueError):
    pass


GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "cp936", "hz"})
OTHER_CJK = frozenset({"big5", "big5hkscs", "cp950", "cp932", "shift_jis", "shift_jis_2004", "euc_jp",
                       "euc_jis_2004", "iso2022_jp", "euc_kr", "cp949", "johab"})


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in. A BOM decides (UTF-32, UTF-16,
    UTF-8); else UTF-8 if the bytes are UTF-8; else the encoding
    charset-normalizer finds in the first 64 KB: GB18030 (a superset of GBK
    and GB2312) where it finds that family or nothing, Big5, Shift-JIS, EUC-KR
    and kin where it finds those (read so, not as GB18030 mojibake). A text
    it takes for a single-byte Western encoding is read as GB18030 only when
    that gives Chinese (short Chinese texts fool the detector); else it is
    refused with what it looks like, never guessed."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise TextDecodeError(f"text starts with a {enc} byte-order mark but is not {enc}: {exc.reason}") \
                    from exc
    try:
        return _no_nul(data.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    found = best.encoding if best is not None else None
    if found is None or found in GB_FAMILY:
        return _strict(data, "gb18030"), "gb18030"
    if found in OTHER_CJK or found.startswith(("utf_16", "utf_32")):
        return _strict(data, found), found
    try:
        text = _strict(data, "gb18030")
    except TextDecodeError:
        text = ""
    ink = [ch for ch in text if not ch.isspace()]
    if ink and sum(1 for ch in ink if is_cjk(ch)) >= 0.3 * len(ink):
        return text, "gb18030"
    raise TextDecodeError(f"text looks like {found}, not a Chinese encoding (nor UTF-8, UTF-16/32, GB18030): "
                          "not read")


def _strict(data: bytes, enc: str) -> str:
    try:
        return _no_nul(data.decode(enc), enc)
    except UnicodeDecodeError as exc:
        raise TextDecodeError(f"text is not UTF-8, UTF-16/32 or {enc} ({exc.reason} at byte {exc.start})") from exc


def _no_nul(text: str, enc: str) -> str:
    """NULs in decoded text: the bytes were some other encoding (UTF-16 without a BOM)."""
    if "\x00" in text:
        raise TextDecodeError(f"text read as {enc} holds NUL characters: UTF-16 without a byte-order mark? not read")
    return text


def detect_flavor(lines: list[str]) -> str:
    """`tsv` when a tenth or more of the non-blank lines hold two or more tabs;
    `cells` when lines start with a tab; else the shape of tab-less text."""
    nonblank = [ln for ln in lines if ln.strip()]
    multi = sum(1 for ln in nonblank if ln.count("\t") >= 2)
    if nonblank and multi * 10 >= len(nonblank):
        return "ragged" if ragged(nonblank) else "tsv"
    if any(ln.startswith("\t") for ln in nonblank):
        return "cells"
    return detect_shape(lines, nonblank)


RAGGED = 3  # distinct row lengths, with no row opening on an empty cell
FULL_ROWS = 3  # one row in this many or more as wide as the widest: a table whose rows kept their cells


def ragged(nonblank: list[str]) -> bool:
    """Tab-separated rows that lost the cells a merged cell spans, as a
    browser copies a web table (each row its own cells, none for the cells
    above it that reach down): no row opens on an empty cell, where a
    spreadsheet's copy opens every row under a merged label with one, and
    the rows are of different lengths (a page may give a row all its cells
    or span its last one to the edge: either way, the rows a label spans are
    short). A wide summary table's rows are of different lengths too (only
    its header's are short), but most are as wide as the widest and it holds
    no form's labels. So the rows are taken for a browser's copy when they
    have many lengths and few full rows, or when they hold a form's labels
    (an indicator header with its level columns, a fund total line) and the
    level-1 column under the header is not mostly empty (a spreadsheet's copy
    of a form whose first column is 序号 opens no row on an empty cell, but
    leaves the cells a level label spans empty). Their columns are not where
    the header's are, so they are read as a stream of cells."""
    tabbed = [ln for ln in nonblank if "\t" in ln]
    widths = [ln.count("\t") for ln in tabbed]
    if any(ln.startswith("\t") for ln in tabbed) or len(set(widths)) < 2:
        return False
    if len(set(widths)) >= RAGGED and widths.count(max(widths)) * FULL_ROWS < len(widths):
        return True
    rows = [[c.replace(" ", "").replace("\u3000", "") for c in ln.split("\t")] for ln in tabbed]
    return _holds_form_labels(rows) and not _spans_left_empty(rows)


@cache
def _form_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(level-1 header words, level-2 header words, fund total labels): the
    total labels of four characters or more, since a summary may print 合计."""
    from jixiao.schemas import vocabulary

    v = vocabulary()
    return (frozenset(v["indicator_columns"]["level1"]), frozenset(v["indicator_columns"]["level2"]),
            frozenset(w for w in v["fund_kinds"]["total"] if len(w) >= 4))


def _level_header(row: list[str]) -> int | None:
    """Where the level-1 column of an indicator header is, if the row is one."""
    level1, level2, _ = _form_words()
    at = next((k for k, c in enumerate(row) if c in level1), None)
    return at if at is not None and any(c in level2 for c in row) else None


def _holds_form_labels(rows: list[list[str]]) -> bool:
    totals = _form_words()[2]
    return any(_level_header(r) is not None or any(c.rstrip(":：") in totals for c in r) for r in rows)


@cache
def _tall_labels() -> frozenset[str]:
    """Labels printed as a tall cell left of their block's rows (绩效指标 beside
    the indicator rows, 当年绩效目标 beside the goals, 项目资金 beside the fund lines)."""
    from jixiao.schemas import vocabulary

    blocks = vocabulary()["blocks"]
    return frozenset(w for b in ("indicators_label", "goals", "funds_label") for w in blocks[b])


def restore_spans(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A browser's copy of a table gives each row its own cells only: under a
    tall label (绩效指标 spanning the indicator rows of 重庆's form) a row is one
    cell short, its cells a column left of the header's. Where no row opens on
    an empty cell (a spreadsheet's copy keeps a merged cell's empty cells, and
    then opens such rows with one), the rows right below a tall label's row
    that are exactly one cell shorter get their first cell back, empty."""
    if any(not row[0].strip() for _, row in rows if row):
        return rows
    out: list[tuple[int, list[str]]] = []
    width = None
    for no, row in rows:
        if width is not None and len(row) == width - 1:
            out.append((no, ["", *row]))
            continue
        label = NOTE.sub("", re.sub(r"\s+", "", row[0] if row else "")).rstrip(":：")
        width = len(row) if label in _tall_labels() else None
        out.append((no, row))
    return out


def _spans_left_empty(rows: list[list[str]]) -> bool:
    """Under the indicator header, a third or more of the rows leave the
    level-1 column empty: a spreadsheet's copy, where a merged label's
    cells stay as empty cells."""
    head = next(((k, at) for k, r in enumerate(rows) if (at := _level_header(r)) is not None), None)
    if head is None:
        return False
    k, at = head
    below = [r for r in rows[k + 1:] if len(r) > at + 1]
    return len(below) >= 2 and sum(1 for r in below if not r[at]) * FULL_ROWS >= len(below)


def detect_shape(lines: list[str], nonblank: list[str]) -> str:
    if not nonblank:
        return "spaced"
    piped = sum(1 for ln in nonblank if "|" in ln)
    # (a label printed a character a line gives lines of one character, no row's: not counted)
    if piped * 3 >= sum(1 for ln in nonblank if len(ln.strip()) > 1):
        return "markdown" if any(MD_RULE.match(ln) for ln in nonblank) else "pipe"
    if is_csv(nonblank):
        return "csv"
    blank = len(lines) - len(nonblank)
    if len(nonblank) >= 10 and blank * 2 >= len(nonblank) and _single_line_paragraphs(lines):
        return "paragraph"
    if len(nonblank) >= 5 and sum(1 for ln in nonblank if len(_LAYOUT_GAP.findall(ln)) >= 2) * 4 >= len(nonblank):
        return "layout"
    if viewer("\n".join(nonblank)):
        return "viewer"
    if len(nonblank) >= LINES_MIN and sum(1 for ln in nonblank if re.search(r"\s", ln.strip())) \
            <= LINES_SPACED * len(nonblank):  # (any space: &nbsp; between cells is one too)
        return "lines"
    return "spaced"


LINES_MIN = 20  # lines of a table saved as text, one cell a line
LINES_SPACED = 0.1  # of them holding a space, at most: a space is inside a cell (郑雄 陈晶), no cell's edge


# A number and its unit set apart by spaces inside a sentence or a bracket
# (冰雪营地 37 场次，覆盖, 培训班 1 次，, （50 分）): PDFium puts a space where the
# font turns from CJK to Latin digits and back. (A number between two cells
# joined by spaces, 完整性 3 部门…, is no sign: the unit must end a clause.)
_SPACED_NUMBER = re.compile(r"(?:[\u4e00-\u9fff，,、] |[（(] ?)\d+(?:\.\d+)? [\u4e00-\u9fff]{1,4}[，,、。；;）)]")
VIEWER_MIN = 5  # such numbers, and one in VIEWER_SPAN characters or more
VIEWER_SPAN = 400


def viewer(text: str) -> bool:
    """Text copied out of a PDF viewer (the PDF's text layer, line by line as
    drawn): its numbers stand apart from the CJK around them, inside
    sentences and brackets alike, where no one types them so."""
    n = len(_SPACED_NUMBER.findall(text))
    return n >= VIEWER_MIN and n * VIEWER_SPAN >= len(text)


def _single_line_paragraphs(lines: list[str]) -> bool:
    """Most paragraphs are one line: one cell a paragraph, a long one wrapped
    now and then. Where most hold several lines, the blank lines part rows
    (a web table's empty rows), and each line is a cell or a row of cells."""
    paras = paragraphs(lines)
    return sum(1 for _, para in paras if len(para) > 1) * 4 <= len(paras)


def is_csv(nonblank: list[str]) -> bool:
    """Most records (of three or more) split into the same number (3 or more)
    of fields, as a spreadsheet's export does."""
    if len(nonblank) < 3:
        return False
    sample = "\n".join(nonblank[:200])
    for delim in (",", ";"):
        if sample.count(delim) < len(nonblank[:200]):
            continue
        widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        if len(widths) >= 3:
            common = max(set(widths), key=widths.count)
            if common >= 3 and widths.count(common) * 2 >= len(widths):
                return True
    return False


MAX_BYTES = 64 << 20  # a year of a department's forms pasted into one file is a few MB


def read(path: str | Path) -> Document:
    size = Path(path).stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"text file of {size / (1 << 20):.0f} MB: larger than any disclosure "
                         f"(the limit is {MAX_BYTES >> 20} MB); split it")
    text, encoding = decode(Path(path).read_bytes())
    doc = read_text(text)
    if encoding not in ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-32"):
        doc.notes.append(f"text read as {encoding} (detected: not UTF-8 or GB18030)")
    return doc


CHROME_LINE = 100  # characters: a line longer than this holds more than a site's furniture
# a viewer's page mark copied with the text: 第 2 页, 第2页 共5页, 共5页 第2页, - 2 - (a bare number may be a cell)
PAGE_MARK = re.compile(r"^\s*(?:第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*[,，]?\s*"
                       r"第\s*\d{1,4}\s*页|[-—–]\s*\d{1,4}\s*[-—–])\s*$")
ENTITY = re.compile(r"&(?:nbsp|amp|lt|gt|quot|ensp|emsp|#\d{2,6}|#x[0-9a-fA-F]{2,5});")


def without_furniture(lines: list[str]) -> list[str]:
    """The lines, with those of a site's own furniture blanked (发布时间,
    浏览次数, 【打印本页】, 版权所有 …: `web_chrome` in schemas/vocabulary.toml)
    and a viewer's page marks (第 2 页 共 5 页): copied along with the form,
    they would be read as its cells. A long line is kept whatever it holds
    (a whole form copied onto one line)."""
    from jixiao.schemas import vocabulary

    chrome = vocabulary()["web_chrome"]
    return ["" if len(ln) <= CHROME_LINE and (any(w in ln for w in chrome) or PAGE_MARK.match(ln)) else ln
            for ln in lines]


GLUED_LINE = 200  # characters of a line with no space, tab or pipe: no one cell, however long
GLUED_SHARE = 0.8  # of the text's characters in such lines: its cells run together


def glued(lines: list[str]) -> bool:
    """The cells run together with nothing between them, as a page's text
    is scraped by a site that strips its tags (项目名称X主管部门Y…202010100.00%10):
    where the cells were, and so which number is which, is lost."""
    if not any(len(ln) >= GLUED_LINE for ln in lines):
        return False
    total = sum(len(ln.strip()) for ln in lines)
    run = sum(len(ln.strip()) for ln in lines if len(ln.strip()) >= GLUED_LINE and not re.search(r"[\s|]", ln.strip()))
    return total > 0 and run >= GLUED_SHARE * total


def read_text(text: str) -> Document:
    if ENTITY.search(text):  # text taken from a page's source: &nbsp; between the cells
        text = html.unescape(text)
    lines = without_furniture(split_lines(text))
    doc = _read_lines(lines, text)
    if doc.extractor == "text-viewer":
        doc.notes.append("text copied out of a PDF viewer: a row's cells that wrap come line by line and may "
                         "interleave, so its indicators read poorly; convert the PDF itself for an exact reading")
    if glued(lines):
        doc.notes.append("the text's cells run together with nothing between them (a page's text as some sites "
                         "scrape it): copy the table from the page itself, or save the page as .html")
    return doc


def _read_lines(lines: list[str], text: str) -> Document:
    """One shape for the whole text; where its forms were flattened in shapes
    of their own (one pasted from a site's ` | ` rows, the next a line of
    spaces), each form's lines are read in their own shape, a grid each.
    Forms of a shape that loses the rows are rebuilt each on its own too: in
    one stream, what stands between a form's last row and the next title (a
    file's details, a page's heading) was read as more of its indicators."""
    regions = form_regions(lines)
    flavors = [detect_flavor(lines[a:b]) for a, b in regions]
    if len({_KIND.get(f, f) for f in flavors}) < 2:
        flavor = flavors[0] if len(regions) == 1 else detect_flavor(lines)
        if len(regions) > 1 and flavor in STREAM_SHAPES:
            return Document(grids=[_grid(lines[a:b], flavor, offset=a) for a, b in regions],
                            extractor=f"text-{flavor}")
        return Document(grids=[_grid(lines, flavor, text)], extractor=f"text-{flavor}")
    regions = _shape_bounds(lines, *_by_kind(regions, flavors))
    flavors = [detect_flavor(lines[a:b]) for a, b in regions]
    grids = [_grid(lines[a:b], flavor, offset=a) for (a, b), flavor in zip(regions, flavors, strict=True)]
    return Document(grids=grids, extractor="text-" + "+".join(dict.fromkeys(flavors)))


def _grid(lines: list[str], flavor: str, text: str | None = None, offset: int = 0) -> Grid:
    """The lines read in one shape; `text`: the whole file's, where these are
    all its lines (else their own); `offset`: the lines before them in the file."""
    if text is None:
        text = "\n".join(lines)
    if flavor in STREAM_SHAPES:
        tokens = stream_tokens(lines, flavor)
        return Grid(cells=[Cell(row=k, col=0, text=t, address=f"L{no + offset}") for k, (no, t) in enumerate(tokens)],
                    kind="stream")
    numbered = {"tsv": lambda ls: restore_spans(spelled_rows(tsv_rows(ls))), "csv": lambda _: csv_rows(text),
                "markdown": markdown_rows}.get(flavor, cell_rows)(lines)
    return Grid(cells=[Cell(row=r, col=c, text=t, address=f"L{no + offset}")
                       for r, (no, row) in enumerate(numbered) for c, t in enumerate(row)])


TITLE_LINE = 80  # characters a form's title is looked for in, at a line's start
TITLE_LONG = 400  # … in a form flattened on one line (SPACED_LINE pieces), after its file's details


def form_regions(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges, one a form: each opens at a line that starts
    with a form's title (项目支出绩效自评表), or holds one; a range without a
    form's header words (a page's heading that names the form, 附件4:…表.xls)
    goes with the range after it."""
    titles = _titles()
    last = {w[-1] for w in titles}  # 表, in every title the families print

    def opens(ln: str) -> bool:
        head = ln[:TITLE_LONG if len(ln) > TITLE_LINE and len(ln.split()) >= SPACED_LINE else TITLE_LINE]
        if not any(c in head for c in last):
            return False  # (most lines: no title ends in it)
        head = re.sub(r"\s", "", head)
        return any(w in head for w in titles)

    starts = [i for i, ln in enumerate(lines) if ln.strip() and opens(ln)]
    if len(starts) < 2:
        return [(0, len(lines))]
    bounds = [0, *starts[1:], len(lines)]
    regions: list[tuple[int, int]] = []
    opened = 0
    for a, b in zip(bounds, bounds[1:], strict=False):
        if _holds_form_words(lines[a:b]):
            regions.append((opened, b))
            opened = b
    if regions and opened < len(lines):
        regions[-1] = (regions[-1][0], len(lines))
    return regions or [(0, len(lines))]


# Shapes told apart by a mark of their own (a pipe, a tab, blank lines between
# cells), and those of plain lines, which one text's parts may be told as by
# chance (a viewer's copy: one form's numbers set apart by spaces, the next's not)
_KIND = {"markdown": "pipe", "ragged": "tsv", "cells": "tsv", "viewer": "plain", "spaced": "plain",
         "layout": "plain", "lines": "plain"}


def _by_kind(regions: list[tuple[int, int]], flavors: list[str]) -> tuple[list[tuple[int, int]], list[str]]:
    """Neighbouring forms of one kind of shape as one range; each range's kind."""
    merged: list[tuple[int, int]] = []
    kinds: list[str] = []
    for (a, b), flavor in zip(regions, flavors, strict=True):
        if kinds and kinds[-1] == _KIND.get(flavor, flavor):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
            kinds.append(_KIND.get(flavor, flavor))
    return merged, kinds


_MARK = {"pipe": "|", "tsv": "\t"}  # the lines of a kind of shape hold this


def _shape_bounds(lines: list[str], regions: list[tuple[int, int]], kinds: list[str]) -> list[tuple[int, int]]:
    """Each form's range reaching back, from its title, over the lines above
    it that hold its kind's mark (the form before is of another kind: a
    site's 索引号 | 发文字号 | rows over its form, not the end of the form before)."""
    out = list(regions)
    for k in range(1, len(out)):
        if (mark := _MARK.get(kinds[k])) is None:
            continue
        at = out[k][0]
        while at - 1 > out[k - 1][0] and (mark in lines[at - 1] or not lines[at - 1].strip()):
            at -= 1
        while at < out[k][0] and not lines[at].strip():
            at += 1
        out[k - 1], out[k] = (out[k - 1][0], at), (at, out[k][1])
    return out


@cache
def _titles() -> tuple[str, ...]:
    """The form families' titles (schemas/families.toml)."""
    from jixiao.schemas import families

    return tuple(t for spec in families().values() for t in spec["titles"])


def _holds_form_words(lines: list[str]) -> bool:
    """An indicator table's level-1 and level-2 header words, or a funds total (年度资金总额)."""
    level1, level2, totals = _form_words()
    text = re.sub(r"\s", "", "".join(lines))
    return (any(w in text for w in level1) and any(w in text for w in level2)) or any(w in text for w in totals)
