"""Real disclosures as people have them: text copied out of government web
pages and viewers, in every shape that was found, read field by field
against hand-checked gold (samples/real, gold and sources in tests/gold/real).

And the same forms the project renders itself, flattened into each shape
(empty cells dropped, as a copy drops them) and read back: the rows come
back by content, exactly as the DOCX reads."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import GOLD, SAMPLES, WRAPPED, compare, convert, read_tables
from jixiao.extract import text
from jixiao.extract.docx import read as read_docx

REAL = sorted((SAMPLES / "real").glob("*.txt"))


@pytest.fixture(scope="module")
def real_tables(tmp_path_factory) -> dict[str, list[dict]]:
    return convert(REAL, tmp_path_factory.mktemp("real"))


# What is still read wrong, and why. A miss that disappears fails too, so this
# list says what the code does today, not what it once did.
KNOWN_MISSES: dict[str, list[str]] = {}


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_form_reads_as_its_gold(real_tables, path):
    gold = json.loads((GOLD / "real" / f"{path.name}.gold.json").read_text(encoding="utf-8"))
    n, bad = compare(gold, real_tables)
    assert n > 50 and bad == KNOWN_MISSES.get(path.name, []), "\n".join(bad[:20])


def _source(real_tables: dict[str, list[dict]], name: str) -> dict:
    """The sources row of the real file `name`."""
    return next(s for s in real_tables["sources"] if s["path"].endswith("/" + name))


def _said(real_tables: dict[str, list[dict]], name: str, check: str) -> list[str]:
    """The details of the `check` rows of the real file `name`."""
    sid = _source(real_tables, name)["source_id"]
    return [c["detail"] for c in real_tables["checks"] if c["source_id"] == sid and c["check"] == check]


def test_the_end_of_a_form_copied_without_its_head_is_said(real_tables):
    """20 was copied from its page starting inside the form before it: that
    form's last indicator row, 合计, 评价结论 … and no 项目名称. It is no form
    (its gold has one, the whole one), and it was left out without a word:
    an `extraction` check now names it."""
    src = _source(real_tables, "20_sichuan_daying_2023_anke.txt")
    said = _said(real_tables, "20_sichuan_daying_2023_anke.txt", "extraction")
    assert len(said) == 1 and "belongs to no form" in said[0] and "成本控制数" in said[0], said
    assert src["forms"] == 1


@pytest.mark.parametrize("name", ["29_hunan_xiangtan_2023_wupaoche.txt", "29_hunan_xiangtan_2023_wupaoche.cells.txt"])
def test_a_hunan_target_form_says_what_it_does_not_store(real_tables, name):
    """湖南's 项目支出绩效目标申报表 (29) gave no form, as web text and as rows:
    its name is 项目支出名称, its budget two labelled amounts on one row
    (年度本级预算金额 | 250万 | 该项目支出上级资金 | 0, the unit only in the head's
    单位：万元), its goal 本年度绩效目标 with no goals title, its year only in
    2023年项目支出绩效目标申报表. Its gold test reads the fields; what it
    holds beyond the contract is said, each a check: the 实施期 (years and
    goal), the 绩效标准 column, the 满意度 level-2 printed under 效益指标."""
    src = _source(real_tables, name)
    said = sorted((c["check"], c["detail"]) for c in real_tables["checks"] if c["source_id"] == src["source_id"])
    assert [c for c, _ in said] == ["level2_group", "unread_column", "unread_label", "unread_label"], said
    assert "'绩效标准'" in said[1][1] and "计划标准" in said[1][1]
    assert "'实施期绩效目标'" in said[2][1] and "全市空气质量达到优良" in said[2][1]
    assert "'项目支出实施期'" in said[3][1] and "2023.07-2024.01" in said[3][1]
    # the sign-off under the table is its remarks; the site's toolbar below
    # it (- 扫一扫… - 相关解读 - 全部留言 - / - 评论 - 有用()) is none of them
    remarks = next(p["remarks"] for p in real_tables["projects"] if p["source_id"] == src["source_id"])
    assert "填表人: 宋云花 联系电话:16607326331" in remarks and not any(
        w in remarks for w in ("评论", "有用", "扫一扫", "留言", "- /")), remarks


@pytest.mark.parametrize("name,label,held", [
    ("03_sichuan_qingshen_2023_gongzi.txt", "报表编号", "510000_0013zp"),
    ("03_sichuan_qingshen_2023_gongzi.cells.txt", "报表编号", "510000_0013zp"),
    ("23_guizhou_suiyang_2021_zhengti.txt", "填报日期", "2022年2月3日"),
    ("23_guizhou_suiyang_2021_zhengti.cells.txt", "填报日期", "2022年2月3日")])
def test_a_real_head_line_no_field_takes_is_said(real_tables, name, label, held):
    """四川's 报表编号:510000_0013zp and 贵州's 填报日期:2022年2月3日, each a line of
    the head, were dropped without a word. Each is an unread_label check
    now; 贵州's 单位(盖章):绥阳县太白镇人民政府 beside it is not, its value
    stored as the department from 部门(单位)名称."""
    said = _said(real_tables, name, "unread_label")
    assert said == [f"the head's {label!r} holds {held!r}: the contract has no field for it, not stored"], said


@pytest.mark.parametrize("name,section,held", [
    ("22_fujian_ningde_2019_zhengti.txt", "年度履职目标", "部门职能 年度目标任务 支出项目名称 预算金额(万元) 组织、指导"),
    ("22_fujian_ningde_2019_zhengti.cells.txt", "年度履职目标", "部门职能 | 年度目标任务 | 支出项目名称 | 预算金额(万元) | 组织"),
    ("20_sichuan_daying_2023_anke.txt", "2.项目实施内容及过程概述", "2023年购买13台安可电脑,并于12月前完成资金支付。")])
def test_a_real_section_no_field_takes_is_said(real_tables, name, section, held):
    """福建's 年度履职目标 (duties, tasks and their spending, a row each) and
    四川's 项目实施内容及过程概述 (what was done) stand above the table and
    hold none of the contract's fields: no block read them, and their text
    was dropped without a word. Each is an unread_label check now."""
    said = _said(real_tables, name, "unread_label")
    assert len(said) == 1 and said[0].startswith(f"the section {section!r} holds '{held}"), said
    assert said[0].endswith(": the contract has no field for it, not stored")


@pytest.mark.parametrize("copy", [".txt", ".cells.txt"])
def test_an_unknown_head_label_in_a_real_form_is_said_not_joined(tmp_path, copy):
    """湖南's 29 with one more head row, 项目负责单位 | 湘潭市某某公司 (a label the
    vocabulary does not know) under 预算部门 | 湘潭市环境卫生管理处: as its
    site's text, the department read '湘潭市环境卫生管理处 项目负责单位
    湘潭市某某公司', the label and its value run on into the name before.
    A short value now ends at a cell worded as a label (…单位, …日期,
    …依据), and the row it opens is said, as it is in the rows' copy."""
    name = "29_hunan_xiangtan_2023_wupaoche"
    src = (SAMPLES / "real" / f"{name}{copy}").read_text(encoding="utf-8")
    if copy == ".txt":
        at = "预算部门 |\n湘潭市环境卫生管理处 |\n|||\n"
        src = src.replace(at, at + "|\n项目负责单位 |\n湘潭市某某公司 |\n|||\n", 1)
    else:
        at = next(ln for ln in src.split("\n") if "\t预算部门\t" in ln)
        src = src.replace(at, at + "\n项目负责单位\t湘潭市某某公司", 1)
    assert "项目负责单位" in src
    path = tmp_path / f"{name}{copy}"
    path.write_text(src, encoding="utf-8")
    tables = convert([path], tmp_path / "out")
    n, bad = compare(json.loads((GOLD / "real" / f"{name}{copy}.gold.json").read_text(encoding="utf-8")), tables)
    assert n > 40 and not bad, "\n".join(bad[:20])
    assert [c["detail"] for c in tables["checks"] if "负责单位" in c["detail"]] == [
        "the head's '项目负责单位', '湘潭市某某公司': no label the vocabulary knows takes it, not stored"]


ONE_FILE = ["23_guizhou_suiyang_2021_zhengti", "24_anhui_shouxian_2023_pingfen", "27_chuzhou_tianchang_2022_shuihan"]


def _cells(name: str) -> str:
    """A real form's tab-separated rows (samples/real/NAME.cells.txt)."""
    return (SAMPLES / "real" / f"{name}.cells.txt").read_text(encoding="utf-8")


def _gold_in_one_file(path: Path, names: list[str], copy: str = ".cells.txt") -> dict:
    """The gold of the named real forms, read one after another from `path`
    (`copy`: whose gold, their tab-separated rows' or their text's, .txt)."""
    forms = [f for n in names
             for f in json.loads((GOLD / "real" / f"{n}{copy}.gold.json").read_text(encoding="utf-8"))["forms"]]
    return {"source": path.name, "forms": [{**f, "form_index": k} for k, f in enumerate(forms)]}


@pytest.mark.parametrize("kind", ["txt", "html"])
def test_real_forms_in_one_file_read_as_their_gold(tmp_path, kind):
    """Three real forms published together, one after another (a text of
    their rows, a page of their tables): 安徽's 部门整体支出绩效评价自评表
    names no project or department (its 单位 blank), and after 贵州's
    部门整体支出绩效自评表 its rows were read as that form's indicators (0.63
    of the nine forms so joined by the scorer). A title of its own over a
    table of its own begins a form."""
    import html

    tables_of = [[ln.split("\t") for ln in _cells(n).split("\n") if ln.strip()] for n in ONE_FILE]
    path = tmp_path / f"together.{kind}"
    if kind == "txt":
        path.write_text("\n\n".join("\n".join("\t".join(r) for r in rows) for rows in tables_of), encoding="utf-8")
    else:
        body = "<p>&nbsp;</p>".join("<table border=1>" + "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>"
            for rows in tables_of)
        path.write_text(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>', encoding="utf-8")
    n, bad = compare(_gold_in_one_file(path, ONE_FILE), convert([path], tmp_path / "out"))
    assert n > 100 and not bad, "\n".join(bad[:20])


def _pasted(tmp_path: Path, names: list[str], between: str = "\n\n\n") -> Path:
    """The named real forms' texts as found (samples/real/NAME.txt), pasted one after another into one file."""
    path = tmp_path / "pasted.txt"
    path.write_text(between.join((SAMPLES / "real" / f"{n}.txt").read_text(encoding="utf-8") for n in names),
                    encoding="utf-8")
    return path


def test_a_form_on_one_line_after_web_rows_in_one_file_reads_as_its_gold(tmp_path):
    """湖南's 29 as its page flattens it (a cell a line ending ` |`) and 安徽's
    01 as its attachment's text (the whole form on one line, spaces for its
    cells' edges), pasted into one file: the file is read as pipe text, and
    01's line, with no pipe in it, was one cell (0.0443 of the two forms'
    fields by the scorer, 01 no form at all). A line of many cells and no
    pipe is now cut at its spaces."""
    names = ["29_hunan_xiangtan_2023_wupaoche", "01_chizhou_guichi_2022_weituo"]
    path = _pasted(tmp_path, names, "\n\n")
    assert text.read(path).extractor == "text-pipe+spaced"  # (each form in its shape: the test below)
    n, bad = compare(_gold_in_one_file(path, names, ".txt"), convert([path], tmp_path / "out"))
    assert n > 100 and not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("names,shape", [
    (["22_fujian_ningde_2019_zhengti", "26_chizhou_guichi_2022_cunji"], "spaced"),
    (["26_chizhou_guichi_2022_cunji", "01_chizhou_guichi_2022_weituo"], "spaced"),
    (["23_guizhou_suiyang_2021_zhengti", "24_anhui_shouxian_2023_pingfen"], "pipe")])
def test_forms_flattened_in_one_shape_in_one_file_read_as_their_gold(tmp_path, names, shape):
    """Two real forms flattened alike, pasted into one file: their cells were
    one stream, so what stood between the first form's last row and the
    second's title (安徽's 26 and 01 open with their file's details, 安福全
    zlnb210061 2019-05-22T04:56:35Z …) was read as more indicators of the
    first (0.77-0.91 of these pairs' fields). Each form's lines, from its
    title, are now rebuilt on their own."""
    path = _pasted(tmp_path, names)
    doc = text.read(path)
    assert doc.extractor == f"text-{shape}" and len(doc.grids) == 2
    n, bad = compare(_gold_in_one_file(path, names, ".txt"), convert([path], tmp_path / "out"))
    assert n > 40 and not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("names,shapes", [
    (["22_fujian_ningde_2019_zhengti", "18_hubei_ezhou_2021_shiminzhongxin"], "spaced+pipe"),
    (["27_chuzhou_tianchang_2022_shuihan", "29_hunan_xiangtan_2023_wupaoche"], "spaced+pipe"),
    (["01_chizhou_guichi_2022_weituo", "07_hebei_langfang_2019_nuantong"], "spaced+paragraph"),
    (["07_hebei_langfang_2019_nuantong", "21_anhui_xiaoxian_2023_tese"], "paragraph+pipe"),
    (["13_yunnan_yongde_2022_yingyang", "07_hebei_langfang_2019_nuantong"], "pipe+paragraph")])
def test_forms_flattened_in_different_shapes_in_one_file_read_as_their_gold(tmp_path, names, shapes):
    """Two real forms as they were found, each flattened its own way (福建's
    22 a row a line with spaces, 湖北's 18 a site's ` | ` cells, 河北's 07 a
    cell a paragraph), pasted into one file: the file's shape was told once,
    and the form in the other shape read poorly or not at all (0.01-0.38 of
    these pairs' fields by the scorer; over every ordered pair of the
    fourteen raw texts, 0.754). Each form's lines, from its title, are now
    read in their own shape (0.976 over the 182 pairs)."""
    path = _pasted(tmp_path, names)
    assert text.read(path).extractor == f"text-{shapes}"
    n, bad = compare(_gold_in_one_file(path, names, ".txt"), convert([path], tmp_path / "out"))
    assert n > 40 and not bad, "\n".join(bad[:20])


def test_numbered_real_forms_in_one_file_read_as_their_gold(tmp_path):
    """01, 03 and 07 in one text, each under its number (附件1 …; 四川's 03 also
    prints 报表编号：… above its title): a number is the head of the form
    below it. 01 and 07 end without 总分, and the next number was read as
    one more indicator of 01 (0.9084 by the scorer)."""
    names = ["01_chizhou_guichi_2022_weituo", "03_sichuan_qingshen_2023_gongzi", "07_hebei_langfang_2019_nuantong"]
    path = tmp_path / "numbered.txt"
    path.write_text("\n".join(f"附件{k + 1}\n" + _cells(n).strip("\n") for k, n in enumerate(names)) + "\n",
                    encoding="utf-8")
    n, bad = compare(_gold_in_one_file(path, names), convert([path], tmp_path / "out"))
    assert n > 100 and not bad, "\n".join(bad[:20])


def test_a_year_not_printed_is_taken_and_said(tmp_path):
    """贵州's 23 prints no year. Alone it has none; under a heading that
    names one, or after a form of its file that prints one, it takes that
    year: a guess (one file's forms are mostly, not always, of one year),
    so each such form carries a `fiscal_year_assumed` check naming where the
    year came from. The forms that print theirs carry none."""
    form_23, form_22 = (_cells(n).strip("\n") for n in ("23_guizhou_suiyang_2021_zhengti", "22_fujian_ningde_2019_zhengti"))
    texts = {"alone": form_23, "heading": "绥阳县太白镇2021年度部门整体支出绩效自评\n\n" + form_23,
             "after": form_22 + "\n\n" + form_23}
    for name, body in texts.items():
        (tmp_path / f"{name}.txt").write_text(body + "\n", encoding="utf-8")
    tables = convert([tmp_path / f"{n}.txt" for n in texts], tmp_path / "out")
    by_path = {s["source_id"]: Path(s["path"]).stem for s in tables["sources"]}
    form_of = {p["form_id"]: (by_path[p["source_id"]], p["form_index"]) for p in tables["projects"]}
    years = {form_of[p["form_id"]]: p["fiscal_year"] for p in tables["projects"]}
    assumed = {form_of[c["form_id"]]: c["detail"] for c in tables["checks"] if c["check"] == "fiscal_year_assumed"}
    assert years == {("alone", 0): None, ("heading", 0): 2021, ("after", 0): 2019, ("after", 1): 2019}
    assert sorted(assumed) == [("after", 1), ("heading", 0)], assumed
    assert "2021" in assumed[("heading", 0)] and "heading" in assumed[("heading", 0)]
    assert "2019" in assumed[("after", 1)] and "form before it" in assumed[("after", 1)]


def test_a_second_header_of_one_field_is_reported_not_dropped(tmp_path):
    """重庆's 部门整体绩效自评表 prints two target columns, 年初指标值 and
    调整指标值, and 是否核心指标 beside its 指标得分. Both targets matched the
    target field: the alignment kept one cell per field, so the other's value
    went nowhere without a word (28 read 定量指标 as its target, the target
    100% lost). The first header keeps the field; the second's cells are an
    `unread_column`, as a header naming no field is."""
    rows = [ln.split("\t") for ln in _cells("28_chongqing_kexuecheng_2021_zhengti").split("\n") if ln.strip()]
    at = next(k for k, r in enumerate(rows) if "预算完成率" in r)
    rows[at][5] = "75%"  # an adjusted target, printed
    path = tmp_path / "adjusted.txt"
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    tables = convert([path], tmp_path / "out")
    ind = next(i for i in tables["indicators"] if i["name"] == "预算完成率")
    assert (ind["target_raw"], ind["actual_raw"], ind["weight"]) == ("70%", "76%", 2.0)
    unread = sorted(c["detail"].split("'")[1] for c in tables["checks"] if c["check"] == "unread_column")
    assert unread == ["得分系数（%）", "是否核心指标", "调整指标值"], unread


SITE_HEAD = "首页 > 政务公开 > 财政资金 > 预决算公开\n【字体：大 中 小】 【打印本页】 【关闭窗口】\n发布时间：2022-06-30 10:21 浏览次数：1024\n"
SITE_TAIL = ("\n上一篇：关于2021年度部门决算的公开\n下一篇：2022年部门预算公开\n扫一扫在手机打开当前页\n"
             "版权所有：某某县人民政府 网站标识码：1234567890 ICP备05012345号\n")


def _page_marks(text: str) -> str:
    lines = text.split("\n")
    half = len(lines) // 2
    return "\n".join([*lines[:half], "第 1 页 共 2 页", *lines[half:], "- 2 -"])


def _spaced_rows(text: str) -> str:
    """A web table's rows as a line each, cells joined by single spaces and
    empty cells dropped (as sample 22 came): a cell's own spaces now look like
    cell boundaries, and a row of empty cells is a blank line."""
    return "\n".join(" ".join(c.strip() for c in re.split(r"[|\t]", ln) if c.strip()) for ln in text.split("\n"))


COPIED = {  # how a real text also comes: the way it was copied -> the text
    # off its page along with the site's furniture above and below
    "site": lambda t: SITE_HEAD + t + SITE_TAIL,
    # from the page's source: &nbsp; between the cells
    "source": lambda t: t.replace(" ", "&nbsp;"),
    # from a viewer: its page marks among the lines
    "viewer": _page_marks,
    # its rows as lines of cells joined by spaces
    "spaced": _spaced_rows,
}


@pytest.mark.parametrize("how", COPIED)
def test_real_forms_copied_other_ways_read_as_their_gold(tmp_path, how):
    """Each real text copied another way reads as it does alone: the site's
    furniture (breadcrumb, print links, publishing line, 上一篇, copyright) and
    a viewer's page marks (第 1 页 共 2 页) were read as cells (0.80 and 0.82
    by the scorer for 01 and 18 with the furniture; 0.92 for 01 with a page
    mark), and text with &nbsp; for its spaces gave no form at all. As rows
    of cells joined by spaces, 13 and 18 gave no form (their blank lines were
    taken for paragraph breaks between cells), 23 read 0.78 (labels cut at
    their spaces: 部门（单位）总体 | 资金（万元）, ( | 2021 | 年度), 上年结转 | 资金)."""
    copies = []
    for path in REAL:
        copies.append(tmp_path / path.name)
        copies[-1].write_text(COPIED[how](path.read_text(encoding="utf-8")), encoding="utf-8")
    tables = convert(copies, tmp_path / "out")
    for path in REAL:
        gold = json.loads((GOLD / "real" / f"{path.name}.gold.json").read_text(encoding="utf-8"))
        n, bad = compare(gold, tables)
        misses = NOT_READ_AS_CELLS_IN_A_ROW.get(path.name, KNOWN_MISSES.get(path.name, [])) if how == "spaced" \
            else KNOWN_MISSES.get(path.name, [])
        if misses is None:
            continue
        assert n > 50 and bad == misses, path.name + "\n" + "\n".join(bad[:20])


# A scoresheet whose names hold spaces (基础信息 完整性: a line break in the
# cell) and whose labels are beyond the vocabulary: with every space a cell's
# edge, its names fall apart, and its rows with them (not read yet).
NOT_READ_AS_CELLS_IN_A_ROW: dict[str, list[str] | None] = {"24_anhui_shouxian_2023_pingfen.cells.txt": None,
                                                            "24_anhui_shouxian_2023_pingfen.txt": None}


def test_a_chongqing_form_as_rows_of_spaced_cells_reads_its_rows(tmp_path):
    """28 as rows of cells joined by spaces, its empty cells dropped, gave no
    form: its header's 得分系数（%） (a note in brackets) ended the header
    before 指标权重 and 指标得分, and 是否核心指标 after them was read as a
    row's cell. Now both are known columns the contract has no field for
    (reported), 计量单位 before 指标性质 keeps its place, and every row has its
    name, unit, weight and score as the gold has them. It then read 0.9074:
    a row's three values over its four value columns (年初 | 调整 | 完成 |
    得分系数) fit two ways, and the one read took the actual from 得分系数; a
    qualitative row's 高 | 高 ran into one target (a label a character a
    line); its three goal cells, one under each goal label, were cut 1 | 2;
    自评总分's value ran on into 部门联系人 曾雪莲. Now a field's second header
    (调整指标值) is the column a dropped cell is taken from, one character
    twice is two cells, goal cells as many as their labels stand under them,
    and 部门联系人 is a label without a field; the whole form reads as its
    gold (test_real_forms_copied_other_ways_read_as_their_gold)."""
    src = SAMPLES / "real" / "28_chongqing_kexuecheng_2021_zhengti.cells.txt"
    path = tmp_path / "28.txt"
    path.write_text(_spaced_rows(src.read_text(encoding="utf-8")), encoding="utf-8")
    tables = convert([path], tmp_path / "out")
    assert text.read(path).extractor == "text-spaced"
    gold = json.loads((GOLD / "real" / f"{src.name}.gold.json").read_text(encoding="utf-8"))["forms"][0]
    fields = ("name", "measure_unit", "weight", "score")
    got = [tuple(i[k] for k in fields) for i in sorted(tables["indicators"], key=lambda i: i["indicator_index"])]
    assert got == [tuple(i[k] for k in fields) for i in gold["indicators"]]
    unread = sorted(c["detail"].split("'")[1] for c in tables["checks"] if c["check"] == "unread_column")
    assert {"得分系数（%）", "是否核心指标"} <= set(unread), unread


# The schema's text rule, on every text a real form gave, gold or not (remarks
# and labels have no gold): trimmed, no runs of spaces or tabs, no break
# inside a wrapped Chinese word, and the *_raw labels without whitespace.
_BROKEN_TEXT = {
    "not trimmed": lambda k, v: v != v.strip(),
    "a run of spaces, a tab or CR": lambda k, v: re.search(r"  |\t|\r| \n|\n ", v),
    "a wrapped word left broken": lambda k, v: WRAPPED.search(v),
    "whitespace in a label as printed": lambda k, v: k in ("level1_raw", "level2_raw", "fund_label")
    and re.search(r"\s", v),
}


def test_every_text_keeps_the_schema_text_rule(real_tables):
    broken = [f"{table}.{k} {why}: {v[:40]!r}" for table in ("projects", "funds", "indicators")
              for r in real_tables[table] for k, v in r.items() if isinstance(v, str)
              for why, breaks in _BROKEN_TEXT.items() if breaks(k, v)]
    assert broken == []


@pytest.mark.parametrize("stem,shape", [("01_", "spaced"), ("03_", "pipe"), ("07_", "paragraph"),
                                        ("13_", "pipe"), ("18_", "pipe"), ("20_", "pipe"), ("21_", "pipe"),
                                        ("22_", "spaced"), ("23_", "pipe"),
                                        ("24_", "pipe"), ("25_", "pipe"), ("26_", "spaced"), ("27_", "spaced")])
def test_real_shapes_are_told_from_the_text(stem, shape):
    raw = next(p for p in REAL if p.name.startswith(stem) and ".cells." not in p.name)
    assert text.read(raw).extractor == f"text-{shape}"


def test_v2_fields_of_real_forms(real_tables):
    """四川: 指标性质 gives target_op, 财政专户管理资金 / 单位资金 their own lines;
    云南: the grade on the 总分 row; 湖北: amounts printed with 万 in the cell."""
    by_name = {Path(s["path"]).name: s["source_id"] for s in real_tables["sources"]}
    sid = by_name["03_sichuan_qingshen_2023_gongzi.txt"]
    funds = {f["fund_kind"]: f for f in real_tables["funds"] if f["form_id"].startswith(sid)}
    assert set(funds) == {"total", "fiscal", "special_account", "unit_own", "other"}
    assert funds["special_account"]["fund_label"] == "财政专户管理资金"
    ind = [i for i in real_tables["indicators"] if i["form_id"].startswith(sid)]
    assert [(i["target_nature"], i["target_op"], i["target_raw"], i["measure_unit"]) for i in ind] == [
        ("=", "=", "100", "%"), ("=", "=", "100", "%")]
    sid = by_name["13_yunnan_yongde_2022_yingyang.txt"]
    assert next(p for p in real_tables["projects"] if p["source_id"] == sid)["grade"] == "优"
    sid = by_name["18_hubei_ezhou_2021_shiminzhongxin.txt"]
    total = next(f for f in real_tables["funds"] if f["form_id"].startswith(sid) and f["fund_kind"] == "total")
    assert (total["budget_adjusted_yuan"], total["executed_yuan"]) == (1500000, 1252500)


def test_a_column_the_contract_lacks_is_reported_not_dropped(real_tables):
    """福建's 指标解释 between 三级指标 and 目标值 maps to no field: it used to end
    the header there, and the form was lost (no form found); now the table
    reads, and the column and one of its values are named in checks."""
    sid = next(s["source_id"] for s in real_tables["sources"] if s["path"].endswith("22_fujian_ningde_2019_zhengti.txt"))
    checks = {c["check"]: c["detail"] for c in real_tables["checks"] if c["source_id"] == sid}
    assert "'指标解释'" in checks["unmapped_header"]
    assert "'100%(历史标准)'" in checks["unread_column"]


# A page's excerpt of a 部门整体支出绩效评价得分表 as a document site gives it
# (wanglu.net/thread/t12-491155-4.html): words broken across lines (部门决 /
# 策), points inside the names, no project or department, no title we know.
BROKEN_SCORESHEET = """2017 年部门整体支出绩效评价得分表 一级指 标 二级指标 三级指标 得分 部门决 策(25 分) 目标任务(15 分) 相关性(5 分)
5 明确性(5 分)
5 合理性(5 分)
5 预算编制(10 分) 测算依据(5 分)
2 目标管理(5 分)
4 综合管 理(30 分) 专项资金分配时限(2 分) 省级财力专项预算分配时限(1 分)
1 中央专款分配合规........
"""


def test_a_table_under_no_form_title_and_no_name_is_no_form(tmp_path):
    """Rows that name no project or department make a form only under a
    family's title (sample 24's 绩效评价自评表): this text, with a table's
    words but neither, gave 15 indicators named 部门决, 策(25分) … when any
    such rows made one; it gives no form, and says so, and that it is text
    copied out of a PDF (策(25 分): the viewer's spaces around numbers)."""
    path = tmp_path / "excerpt.txt"
    path.write_text(BROKEN_SCORESHEET, encoding="utf-8")
    from jixiao.cli import main

    assert main(["convert", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    (src,) = read_tables(tmp_path / "out")["sources"]
    assert src["status"] == "failed"
    assert src["error"].startswith("no form found (no funds block or indicator table; text copied out of a PDF viewer")


def test_template_placeholders_are_not_indicators(real_tables):
    """指标2 / …… rows of the 河北 template: gold has 9 indicators, not 35."""
    sid = next(s["source_id"] for s in real_tables["sources"]
               if s["path"].endswith("07_hebei_langfang_2019_nuantong.txt"))
    names = [i["name"] for i in real_tables["indicators"] if i["form_id"].startswith(sid)]
    assert len(names) == 9 and None not in names


# -- the project's own forms, flattened into every shape -----------------------------------------

FORMS = [SAMPLES / "beijing_n1_s101_000.docx", SAMPLES / "guangdong_n3_s103_000.docx",
         SAMPLES / "beijing_n8_s108_000.docx"]


def flattened(src: Path) -> dict[str, str]:
    """The DOCX's cells in reading order, empty cells dropped (a copy from a
    page drops them), in each shape; and a spreadsheet's CSV export (which
    keeps them)."""
    grid_rows = [r for g in read_docx(src).grids for r in g.rows()]
    rows = [r for r in ([c for c in r if c.strip()] for r in grid_rows) if r]
    one = lambda c: c.replace("\n", " ")  # noqa: E731
    buf = io.StringIO()
    csv.writer(buf).writerows(grid_rows)
    return {
        "pipe": "\n".join("| " + " | ".join(one(c) for c in r) + " |" for r in rows),
        "cellpipe": "\n".join(one(c) + " |" for r in rows for c in r),
        "paragraph": "\n\n".join(c for r in rows for c in r),
        "csv": buf.getvalue(),
    }


def records(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Every table's rows without what names the file (ids, path, format)."""
    drop = {"form_id", "source_id"}
    return {t: [{k: v for k, v in r.items() if k not in drop} for r in tables[t]]
            for t in ("projects", "funds", "indicators")}


@pytest.fixture(scope="module")
def docx_records(tmp_path_factory) -> dict[str, dict]:
    out = {}
    for src in FORMS:
        out[src.name] = records(convert([src], tmp_path_factory.mktemp(src.stem)))
    return out


@pytest.mark.parametrize("shape", ["pipe", "cellpipe", "paragraph", "csv"])
@pytest.mark.parametrize("src", FORMS, ids=lambda p: p.stem)
def test_flattened_form_reads_as_its_docx(tmp_path, docx_records, src, shape):
    path = tmp_path / f"{src.stem}.{shape}.txt"
    path.write_text(flattened(src)[shape], encoding="utf-8")
    tables = convert([path], tmp_path / "out")
    got, want = records(tables), docx_records[src.name]
    # A line that printed fewer amounts than it has columns can't be placed
    # from the text alone: it must be named in a `reflow` warning, never guessed silently.
    doubted = " ".join(c["detail"] for c in tables["checks"] if c["check"] == "reflow")
    for table in ("projects", "funds", "indicators"):
        assert len(got[table]) == len(want[table]), table
        for g, w in zip(got[table], want[table], strict=True):
            diff = {k: (w[k], g[k]) for k in w if k not in ("page_start", "page_end") and w[k] != g[k]}
            if table == "funds" and diff:
                assert f"fund line {g['fund_label']}" in doubted, f"{table}: {diff} not reported"
                continue
            assert not diff, f"{table}: {diff}"


def test_text_without_a_form_fails_with_its_reason(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("会议纪要 | 2021年 | 关于预算编制的说明\n" * 20, encoding="utf-8")
    from jixiao.cli import main

    assert main(["convert", str(p), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    src = read_tables(tmp_path / "out")["sources"][0]
    assert src["status"] == "failed" and src["error"].startswith("no form found")


def test_a_cell_that_opens_a_header_and_reads_as_a_label_ends(tmp_path):
    """效指标 (a vertical 绩效指标 cut after its first character, as a PDF
    viewer's copy cuts it) both opens an indicator header and reads as a
    level label: the stream reader took it for a header that then took no
    cell, and went round forever (the 300 s timeout failed the file). It is
    now a row of its own, with a reflow warning, and the form is read."""
    from jixiao.cli import main

    path = tmp_path / "cut.txt"
    path.write_text("项目支出绩效自评表 |\n"
                    "效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                    "产出指标 | 数量指标 | 活动总数 | 500场 | 396场 | 3 | 2.40 |\n", encoding="utf-8")
    assert main(["convert", str(path), "--out", str(tmp_path / "out"), "--quiet", "--timeout", "60"]) == 0
    tables = read_tables(tmp_path / "out")
    (ind,) = tables["indicators"]
    assert (ind["name"], ind["target_raw"], ind["actual_raw"], float(ind["weight"]), float(ind["score"])) == (
        "活动总数", "500场", "396场", 3.0, 2.4)
    assert any("opens a block that reads as empty" in c["detail"] for c in tables["checks"])
