"""XLSX and XLS: the samples (a layout of their own, one form per sheet)
against their gold, values as the cells show them, merged ranges as spans,
hidden rows, columns and sheets left out, and broken workbooks."""
import datetime as dt
import zipfile

import pytest
from conftest import SAMPLES, compare, convert, gold_of, read_tables
from jixiao.extract import xls as xls_extract
from jixiao.extract import xlsx as xlsx_extract
from jixiao.extract.cellformat import display

from jixiao.cli import main

SHEETS = [SAMPLES / "forms_a.xlsx", SAMPLES / "forms_b.xls"]


@pytest.fixture(scope="module")
def converted_sheets(tmp_path_factory):
    return convert(SHEETS, tmp_path_factory.mktemp("sheets"))


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: p.name)
def test_sheet_matches_gold(path, converted_sheets):
    gold = gold_of("sheets", path)
    n, bad = compare(gold, converted_sheets)
    assert n > 1000 and not bad, "\n".join(bad[:30])
    src = next(s for s in converted_sheets["sources"] if s["path"] == str(path))
    assert (src["extractor"], src["status"], src["forms"]) == (
        {"xlsx": "openpyxl", "xls": "xlrd"}[src["format"]], "ok", len(gold["forms"]))


def test_hidden_rows_columns_and_sheets_are_not_read(converted_sheets):
    texts = [str(v) for t in ("projects", "indicators") for r in converted_sheets[t] for v in r.values()]
    assert not any("作废指标" in t or "核对" in t or "草稿表" in t for t in texts)
    assert not any(i["weight"] == 99 for i in converted_sheets["indicators"])
    assert any(c["detail"] == "sheet '草稿' is hidden and was not read" for c in converted_sheets["checks"])


@pytest.mark.parametrize("read, path", [(xlsx_extract.read, SHEETS[0]), (xls_extract.read, SHEETS[1])],
                         ids=["xlsx", "xls"])
def test_merged_ranges_are_spans_and_values_as_shown(read, path):
    doc = read(path)
    cells = [c for g in doc.grids for c in g.cells]
    assert any(c.row_span > 1 for c in cells) and any(c.col_span > 1 for c in cells)
    texts = {c.text for c in cells}
    assert "项目资金（万元）" in texts
    assert any(t.endswith("%") and t[:-1].replace(".", "").isdigit() for t in texts)  # 0.9421 -> 94.21%
    assert not any("e+" in t.lower() for t in texts if t[:1].isdigit())
    assert all(c.address and "!" in c.address for c in cells)


def test_long_numbers_and_codes_print_in_full(converted_sheets):
    by_name = {p["project_name"]: p for p in converted_sheets["projects"]}
    p = by_name["妇儿社会组织党群服务中心运营项目经费"]
    assert (p["project_code"], p["unit_code"]) == ("440303210301500003075", "119002")
    assert by_name["青少年迷你冬奥会项目"]["contact_phone"] == "13501271919"


@pytest.mark.parametrize("value, fmt, shown", [
    (0.9421, "0.00%", "94.21%"), (0.5, "0%", "50%"), (96.2, "0.000000", "96.200000"),
    (1387.79878, "#,##0.000000", "1,387.798780"), (1234567.891, "#,##0.00", "1,234,567.89"),
    (0.1 + 0.2, "General", "0.3"), (119002.0, "General", "119002"), (1.1010119e17, "General", "110101190000000000"),
    (5.2, "General", "5.2"), (12.5, '0.00"万元"', "12.50万元"), (-3.5, "0.00;(0.00)", "(3.50)"),
    (-3.5, "0.00;[Red]-0.00", "-3.50"), (0, '0.00;-0.00;"-"', "-"), (3.14159, "0.0#", "3.14"), (3.1, "0.0#", "3.1"),
    (42, "@", "42"), (True, None, "TRUE"), ("≥95%", "@", "≥95%"),
    (dt.datetime(2021, 3, 5), 'yyyy"年"m"月"d"日"', "2021年3月5日"), (dt.datetime(2021, 3, 5), "yyyy年m月d日", "2021年3月5日"),
    (dt.datetime(2021, 3, 5), "mm-dd-yy", "2021/3/5"), (dt.datetime(2021, 3, 5, 14, 7, 9), "yyyy-mm-dd hh:mm:ss",
                                                          "2021-03-05 14:07:09"),
])
def test_cell_shown_as_formatted(value, fmt, shown):
    assert display(value, fmt) == shown


def test_broken_workbooks(tmp_path):
    with zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook><not closed")
    (tmp_path / "garbage.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 300)
    (tmp_path / "short.xlsx").write_bytes(SHEETS[0].read_bytes()[:5000])
    out = tmp_path / "out"
    assert main(["convert", str(tmp_path), "--out", str(out), "--quiet"]) == 1
    src = {s["path"].rsplit("/", 1)[-1]: s for s in read_tables(out)["sources"]}
    assert set(src) == {"broken.xlsx", "garbage.xls", "short.xlsx"}
    for s in src.values():
        assert s["status"] == "failed" and "\n" not in s["error"], s
        assert s["error"].startswith("ValueError: damaged XLS"), s


def test_a_formula_without_a_saved_value_is_named_not_lost_silently(tmp_path):
    """A workbook written by a program that stores formulas without computing
    them (openpyxl, Apache POI): a reader of saved values sees the cell empty,
    and an amount went missing without a word. The run names the cell and its
    formula in a check; a spreadsheet that saved the values (Excel, WPS,
    LibreOffice: its <v> beside the <f>) says nothing, and the value reads."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLES / "forms_a.xlsx")
    wb.worksheets[0]["F4"] = "=C8"  # the first form's total budget, now a formula
    wb.save(tmp_path / "unsaved.xlsx")
    tables = convert([tmp_path / "unsaved.xlsx"], tmp_path / "out")
    assert [c["detail"] for c in tables["checks"] if "formula" in c["detail"]] == [
        "sheet '表1': 1 formula cell(s) without a saved value, read as empty (e.g. F4 =C8): the program that wrote "
        "the file did not compute them; open and save it in Excel or WPS to keep their values"]
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(tmp_path / "unsaved.xlsx") as zin, zipfile.ZipFile(saved, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # as a spreadsheet saves it: the value beside
                data = data.replace(b'<c r="F4"><f>C8</f><v></v></c>', b'<c r="F4"><f>C8</f><v>186000</v></c>')
            zout.writestr(item, data)
    again = convert([saved], tmp_path / "again")
    assert not [c for c in again["checks"] if "formula" in c["detail"]]
    with zipfile.ZipFile(saved) as z:  # (the file held what the test meant it to)
        assert b'<c r="F4"><f>C8</f><v>186000</v></c>' in z.read("xl/worksheets/sheet1.xml")
