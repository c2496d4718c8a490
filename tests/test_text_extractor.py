"""Both flattened-text flavors, encodings and line endings give the same grid."""
import codecs
from pathlib import Path

import pypdfium2
import pytest
from conftest import SAMPLES
from jixiao.extract import text, text_cells


@pytest.mark.parametrize("stem,flavor", [("000", "text-cells"), ("001", "text-tsv"), ("002", "text-tsv"),
                                         ("003", "text-tsv"), ("004", "text-cells")])
def test_flavor_detected(stem, flavor):
    path = next(SAMPLES.glob(f"{stem}_*.txt"))
    assert text.read(path).extractor == flavor


def test_cells_flavor_continuation_and_vertical_labels():
    doc = text.read(next(SAMPLES.glob("000_*.txt")))
    rows = doc.grids[0].rows()
    assert ["项目名称", "妇女儿童社会服务活动"] in rows
    level1 = next(r for r in rows if len(r) > 1 and r[1].startswith("产"))
    assert level1[1] == "产\n出\n指\n标\n（50分）"
    assert any(r[-1] == "偏差原因分析及改进\n措施" for r in rows)


def test_blank_line_inside_short_row_does_not_end_it():
    doc = text.read(next(SAMPLES.glob("004_*.txt")))
    row = next(r for r in doc.grids[0].rows() if "9月至次年1月" in r)
    assert row[4:7] == ["9月至次年1月", "9月至次年3月", "5"]
    assert len(row) == 9


SAMPLE = "项目名称\t测试\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.encode("gb18030"),
    lambda s: s.encode("gbk"),
    lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    lambda s: s.encode("utf-16"),
    lambda s: s.encode("utf-32"),
])
def test_encodings_and_line_endings(tmp_path, encode):
    p = tmp_path / "t.txt"
    p.write_bytes(encode(SAMPLE))
    assert text.read(p).grids[0].rows() == text.read_text(SAMPLE).grids[0].rows()


def test_undecodable_text_is_refused(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(bytes(range(128, 256)) * 4 + b"\x00\xff")
    with pytest.raises(text.TextDecodeError):
        text.read(p)


def test_every_real_text_in_gb18030_reads_as_its_utf8(tmp_path):
    """The detector never takes a real GB18030 form for another encoding."""
    for src in sorted((SAMPLES / "real").glob("*.txt")) + sorted(SAMPLES.glob("00*.txt")):
        p = tmp_path / src.name
        p.write_bytes(src.read_text(encoding="utf-8").encode("gb18030"))
        doc = text.read(p)
        assert doc.grids[0].rows() == text.read(src).grids[0].rows() and not doc.notes, src.name


TRADITIONAL = "項目名稱\t測試項目\n一級指標\t二級指標\t三級指標\t年度指標值\t實際完成值\t分值\t得分\n"


@pytest.mark.parametrize("source,encoding", [(TRADITIONAL, "big5"), (SAMPLE, "utf_16_le")])
def test_other_encodings_are_read_as_such_and_said(tmp_path, source, encoding):
    """Big5 bytes decode as GB18030 too, into nonsense, and UTF-16 without a
    byte-order mark as nothing at all: each is read in its own encoding, and
    the file says which."""
    p = tmp_path / "t.txt"
    p.write_bytes(source.encode(encoding))
    doc = text.read(p)
    assert doc.grids[0].rows() == text.read_text(source).grids[0].rows()
    assert doc.notes == [f"text read as {encoding} (detected: not UTF-8 or GB18030)"]


def test_text_in_no_chinese_encoding_is_refused_saying_what_it_looks_like(tmp_path):
    p = tmp_path / "t.txt"
    p.write_bytes("Budget report 2022: total 1,234.00; café, naïve, résumé\n".encode("latin-1") * 5)
    with pytest.raises(text.TextDecodeError, match=r"text looks like \w+, not a Chinese encoding"):
        text.read(p)


# A real 绩效目标自评表 (中江县水利局, 2022) as a site scraped it
# (chacewang.com/newsdetail/news242266.html): its cells run together with
# nothing between them (年度资金总额:202010100.00%10 is 20 | 20 | 10 | 100.00% | 10).
GLUED = Path(__file__).parent / "data" / "glued_zhongjiang_2022.txt"


def test_text_whose_cells_run_together_is_refused_saying_so(tmp_path):
    from jixiao.pipeline import convert_file

    res = convert_file(str(GLUED), GLUED)
    assert res.forms == []
    assert "no form found" in res.source["error"] and "run together" in res.source["error"]
    assert "\n" not in res.source["error"]


def test_no_real_text_is_taken_for_one_whose_cells_run_together():
    """Sample 01 prints a whole form on one line, cells apart by spaces: it is no glued text."""
    reals = sorted((Path(__file__).parent.parent / "samples" / "real").glob("*.txt"))
    assert len(reals) >= 20
    assert [p.name for p in reals if text.glued(text.split_lines(p.read_text(encoding="utf-8")))] == []


def _excel_copy(src: Path) -> str:
    """A DOCX form as Excel's copy gives it (the table pasted into Excel, then
    copied): tabs between cells, a merged cell's text in its first cell, a
    cell holding a line break quoted, its quotes doubled."""
    from jixiao.extract import docx

    out = []
    for g in docx.read(src).grids:
        if g.kind == "text":
            out += [c.text for c in sorted(g.cells, key=lambda c: c.row)]
            continue
        grid = [[""] * g.n_cols for _ in range(g.n_rows)]
        for c in g.cells:
            grid[c.row][c.col] = c.text
        out += ["\t".join('"' + t.replace('"', '""') + '"' if "\n" in t or "\t" in t or t.startswith('"') else t
                          for t in row) for row in grid]
    return "\n".join(out) + "\n"


def test_a_spreadsheet_copy_with_line_breaks_in_cells_reads_as_its_docx(tmp_path):
    """Excel quotes a cell that holds a line break (项目资金\\n（万元）, a goal's
    paragraphs). Read line by line, the beijing forms' copies read 0.6035,
    0.5284 and 0.4539 by the scorer (amounts taken for yuan, goals run into
    the indicator header); the quoted cells are now read whole."""
    from conftest import compare, convert, gold_of

    srcs = sorted(SAMPLES.glob("*_s10?_000.docx"))
    assert len(srcs) == 6
    copies = []
    for src in srcs:
        copies.append(tmp_path / f"{src.stem}.txt")
        copies[-1].write_text(_excel_copy(src), encoding="utf-8")
    tables = convert(copies, tmp_path / "out")
    for src, copy in zip(srcs, copies, strict=True):
        assert text.read(copy).extractor == "text-tsv"
        n, bad = compare({**gold_of("corpus", src), "source": copy.name}, tables)
        assert n > 500 and not bad, src.name + "\n" + "\n".join(bad[:20])


def test_text_copied_out_of_a_pdf_viewer_is_told_and_said(tmp_path):
    """A PDF viewer's copy (PDFium's text of each page, as Chrome's viewer
    copies it) gives a line as drawn: cells on a line apart by spaces, a
    wrapped cell's lines after the row's first, and a space wherever the
    font turns from CJK to Latin digits (（50 分）, 冰雪营地 37 场次). It
    is told apart (`text-viewer`) and read with a note that says it reads
    poorly (0.34-0.68 of the corpus forms' fields by the scorer, 0.26-0.45
    before), since where wrapped cells interleave no reading is sure. Its
    level-1 points, cut at such spaces and lines, are read: guangdong n1
    and n8 now have every indicator's level-1 label and points right, where
    the (50 | 分) pieces went astray (the weight then 500, from 500 | 场)."""
    from conftest import convert, gold_of
    from jixiao.normalize.textclean import compact

    srcs = sorted(p for p in SAMPLES.glob("*_s10?_000.pdf") if not p.name.startswith("scan_"))
    assert len(srcs) == 6
    copies = []
    for src in srcs:
        pdf = pypdfium2.PdfDocument(str(src))
        copies.append(tmp_path / f"{src.stem}.txt")
        copies[-1].write_text("\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))),
                              encoding="utf-8")
    tables = convert(copies, tmp_path / "out")
    for src, copy in zip(srcs, copies, strict=True):
        source = next(s for s in tables["sources"] if Path(s["path"]).name == copy.name)
        assert source["extractor"] == "text-viewer"
        notes = [c["detail"] for c in tables["checks"] if c["source_id"] == source["source_id"]]
        assert any("PDF viewer" in n for n in notes), notes
        gold = gold_of("corpus", src)
        if src.name.startswith(("guangdong_n1", "guangdong_n8")):
            want = [(compact(i["level1_raw"]), i["level1_weight"]) for f in gold["forms"] for i in f["indicators"]]
            got = [(compact(i["level1_raw"]), i["level1_weight"] and float(i["level1_weight"])) for i in tables["indicators"]
                   if i["form_id"].startswith(source["source_id"])]
            assert sorted(set(got)) == sorted(set(want))


def test_a_viewers_wrapped_cell_keeps_its_tail_but_no_label_a_character_a_line():
    """A viewer's copy leaves a wrapped cell's last characters on a line of
    their own: they end that cell. A label printed a character a line after
    a long line is no such tail."""
    lines = ["调研非公企业人数 2000 2527 9 9.00", "组织面对面深访人", "数", "60 77 9 9.00",
             "偏差原因分析及改进措施", "产", "出", "指", "标"]
    assert [t for _, t in text_cells.stream_tokens(lines, "viewer")] == [
        "调研非公企业人数", "2000", "2527", "9", "9.00", "组织面对面深访人数", "60", "77", "9", "9.00",
        "偏差原因分析及改进措施", "产", "出", "指", "标"]


def test_a_tall_label_spelled_a_character_a_line_in_tab_rows_is_one_cell_of_its_row():
    """A browser's copy of a page that prints a tall label a character a line
    (产<br>出<br>指<br>标): the characters come a line each, the last opening
    the row's other cells. Opening its row, the label is that row's first
    cell; after other cells (a level-2 beside its level-1), its first
    character ends the line before, which its row then goes on. A line of
    one character with no tab row after it stays as it was."""
    rows = text_cells.tsv_rows(["绩效指标\t一级指标\t二级指标", "产", "出", "指", "标\t数",
                                "量", "指", "标\t指标1\t≥5", "备", "注"])
    assert [r for _, r in text_cells.spelled_rows(rows)] == [
        ["绩效指标", "一级指标", "二级指标"], ["产出指标", "数量指标", "指标1", "≥5"], ["备"], ["注"]]
