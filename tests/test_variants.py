"""Template variants read through the vocabulary, and unread data never silent."""
from __future__ import annotations

import pytest
from conftest import SAMPLES, read_tables
from jixiao.normalize.form import FormReader, Row

from jixiao.cli import main


def test_unread_columns_fail_a_run_that_asks(tmp_path):
    """A real form whose 年度指标值 / 实际完成值 headers are renamed to words
    that map nowhere: every target and actual would be lost. The run names
    both columns in `checks` as errors and, with --fail-on error, exits 3."""
    text = (SAMPLES / "real" / "01_chizhou_guichi_2022_weituo.cells.txt").read_text(encoding="utf-8")
    p = tmp_path / "renamed.txt"
    p.write_text(text.replace("年度指标值", "计划要求").replace("实际完成值", "执行情况说明"), encoding="utf-8")
    assert main(["convert", str(p), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["convert", str(p), "--out", str(tmp_path / "b"), "--quiet", "--fail-on", "error"]) == 3
    checks = read_tables(tmp_path / "b")["checks"]
    unread = [c["detail"] for c in checks if c["check"] == "unread_column"]
    assert [c["severity"] for c in checks if c["check"] == "unread_column"] == ["error", "error"]
    assert "'计划要求'" in unread[0] and "'执行情况说明'" in unread[1]
    # the original leaves no column unread (its funds_sum error is the form's own: a total line of zeros)
    orig = tmp_path / "orig.txt"
    orig.write_text(text, encoding="utf-8")
    main(["convert", str(orig), "--out", str(tmp_path / "c"), "--quiet"])
    assert {c["check"] for c in read_tables(tmp_path / "c")["checks"]} == {"funds_sum"}


def _form(goal_rows: list[Row]) -> FormReader:
    return FormReader([Row(["项目名称", "测试"]),
                       Row(["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数"]),
                       Row(["", "年度资金总额", "1", "1", "1"]), *goal_rows,
                       Row(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]),
                       Row(["产出指标", "数量指标", "场次", "≥1场", "1场", "10", "10"])])


def test_goals_as_labelled_rows_and_as_columns():
    labelled = _form([Row(["年度总体目标", "预期目标", "完成甲乙丙"]), Row(["", "实际完成情况", "已完成甲乙"])]).read()
    columns = _form([Row(["年度总体目标", "预期目标", "实际完成情况"]), Row(["", "完成甲乙丙", "已完成甲乙"])]).read()
    for f in (labelled, columns):
        assert (f.goal_planned, f.goal_achieved) == ("完成甲乙丙", "已完成甲乙")


def test_block_points_are_not_the_first_groups():
    """绩效指标（90分）: the points of the whole indicator block (四川)."""
    f = FormReader([Row(["项目名称", "测试"]),
                    Row(["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]),
                    Row(["", "产出指标", "数量指标", "场次", "≥1场", "1场", "60", "60"]),
                    Row(["", "效益指标", "社会效益指标", "知晓率", "≥90%", "95%", "30", "30"])]).read()
    assert [i.level1_weight for i in f.indicators] == [None, None]


def test_a_level1_label_spelled_a_character_a_cell():
    """产 | 出 | 指 | 标 | （50分） down the level-1 column, each in a cell of its
    own: one label for the group, its points too, and none of it in a field."""
    h = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows = [Row(["项目名称", "测试"]), Row(h),
            Row(["产", "数量指标", "活动场次", "≥10场", "12场", "20", "20"]),
            Row(["出", "", "受益人数", "≥100人", "120人", "10", "10"]),
            Row(["指", "质量指标", "合格率", "≥95%", "97%", "10", "10"]),
            Row(["标", "时效指标", "及时率", "100%", "100%", "10", "10"]),
            Row(["（50分）", "", "", "", "", "", ""]),
            Row(["效", "社会效益指标", "知晓率", "≥90%", "92%", "30", "30"]),
            Row(["益", "", "", "", "", "", ""]), Row(["指", "", "", "", "", "", ""]), Row(["标", "", "", "", "", "", ""])]
    f = FormReader(rows).read()
    assert [(i.level1, i.level1_raw, i.level1_weight, i.name, i.actual_raw) for i in f.indicators] == [
        ("产出指标", "产出指标（50分）", 50.0, "活动场次", "12场"),
        ("产出指标", "产出指标（50分）", 50.0, "受益人数", "120人"),
        ("产出指标", "产出指标（50分）", 50.0, "合格率", "97%"),
        ("产出指标", "产出指标（50分）", 50.0, "及时率", "100%"),
        ("效益指标", "效益指标", None, "知晓率", "92%")]


def test_a_row_whose_score_cell_is_empty_keeps_its_actual():
    """guangdong_n8's form 3 scanned out of focus (bench_scan_variants'
    blur1): its first indicator's score cell read as blank, and the row's
    actual 25839 was taken for the weight and its weight 5 for the score (a
    weight fits any number). Points are out of 100: 25839 is no weight."""
    h = ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "度量单位", "实际完成值", "权重", "得分"]
    rows = [Row(["项目名称", "测试"]), Row(h),
            Row(["", "产出指标（50分)", "数量指标", "赠阅《北京少年报》的少年队中", "24000", "", "25839", "5", ""]),
            Row(["", "", "", "培训中学团委书记人次", "200", "", "200", "5", "5"])]
    f = FormReader(rows).read()
    assert [(i.target_raw, i.actual_raw, i.weight, i.score) for i in f.indicators] == [
        ("24000", "25839", 5.0, None), ("200", "200", 5.0, 5.0)]


@pytest.mark.parametrize("foot", ["填报人：张三", "填报日期：2023年3月1日", "单位（盖章）：池州市贵池区棠溪镇人民政府",
                                  "注：本表金额单位为万元", "审核：王五\t\t制表：张三\t\t日期：2023.3.1",
                                  "单位负责人签字：\t\t\t填报人签字："])
def test_a_sign_off_under_a_table_without_total_is_no_indicator(tmp_path, foot):
    """01 (a real form from its site, samples/real) ends without 总分: a
    sign-off line under it (who filled it in, when, the unit's seal, a note)
    was read as one more indicator of its last group, its text for a name.
    The table ends there; the line is the form's remark."""
    import json

    from conftest import GOLD, convert

    src = SAMPLES / "real" / "01_chizhou_guichi_2022_weituo.cells.txt"
    copy = tmp_path / "01_signed.txt"
    copy.write_text(src.read_text(encoding="utf-8").rstrip("\n") + "\n" + foot + "\n", encoding="utf-8")
    tables = convert([copy], tmp_path / "out")
    gold = json.loads((GOLD / "real" / f"{src.name}.gold.json").read_text(encoding="utf-8"))
    assert [i["name"] for i in tables["indicators"]] == [i["name"] for i in gold["forms"][0]["indicators"]]
    assert tables["projects"][0]["remarks"] == "".join(foot.split())


def test_a_label_with_its_colon_left_of_the_names_is_no_sign_off():
    """Level labels and the block's own label may carry a colon (数量指标：,
    产出指标（50分）：, 绩效指标：): they go on the table, only a sign-off ends it;
    a sign-off across the row (审核： | 制表：) ends it too, a name there does not."""
    from jixiao.normalize.form import is_foot_row

    name_col = 3  # 一级 | 二级 | 三级指标 (the names) | …
    for cells in (["绩效指标：", "", "", ""], ["", "数量指标：", "", ""], ["产出指标（50分）：", "", "", ""],
                  ["填报人：张三", "", "", "指标1：完成率"]):
        assert not is_foot_row(Row(cells), name_col), cells
    for cells in (["填报人：张三", "", "", ""], ["审核：王五", "", "制表：张三", "", "日期：2023.3.1"]):
        assert is_foot_row(Row(cells), name_col), cells


def test_a_running_title_over_a_repeated_header_is_no_new_form():
    """A page's running title (the form's own, a line outside the table)
    over its repeated header, in the middle of a form: one form with every
    indicator; a title of another family there, over a table of its own,
    begins a form."""
    from jixiao.normalize.form import read_forms

    h = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows = [Row(["项目支出绩效自评表"]), Row(["项目名称", "测试"]), Row(h),
            Row(["产出指标", "数量指标", "场次", "≥1场", "1场", "50", "50"]),
            Row(["项目支出绩效自评表"], outside=True), Row(h),
            Row(["效益指标", "社会效益指标", "知晓率", "≥90%", "92%", "50", "50"])]
    forms = read_forms(rows)
    assert [[i.name for i in f.indicators] for f in forms] == [["场次", "知晓率"]]
    other = [*rows[:4], Row(["部门整体支出绩效评价自评表"], outside=True), *rows[5:]]
    assert [[i.name for i in f.indicators] for f in read_forms(other)] == [["场次"], ["知晓率"]]


def test_a_user_vocabulary_adds_synonyms(tmp_path):
    """New header words in a file of the user's own (--vocabulary): the two
    renamed columns map, and nothing is left unread. In a process of its own,
    since the vocabulary is read once a process."""
    import subprocess
    import sys

    text = (SAMPLES / "real" / "01_chizhou_guichi_2022_weituo.cells.txt").read_text(encoding="utf-8")
    p = tmp_path / "renamed.txt"
    p.write_text(text.replace("年度指标值", "计划要求").replace("实际完成值", "执行情况说明"), encoding="utf-8")
    voc = tmp_path / "mine.toml"
    voc.write_text('[indicator_columns]\ntarget = ["计划要求"]\nactual = ["执行情况说明"]\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "jixiao.cli", "convert", str(p), "--out", str(tmp_path / "out"),
                          "--quiet", "--vocabulary", str(voc), "--fail-on", "error", "--workers", "1"],
                         capture_output=True, text=True)
    checks = read_tables(tmp_path / "out")["checks"]
    assert not [c for c in checks if c["check"] in ("unread_column", "unmapped_header")], run.stdout
    targets = [i["target_raw"] for i in read_tables(tmp_path / "out")["indicators"]]
    assert targets[:2] == ["≥50个", "≥100百分比"]


def test_every_label_of_a_tail_row_keeps_its_value():
    """存在问题 | X | 改进措施 | Y on one row under the table: the reader took the
    row's first label and dropped the rest of the row, so the measures were
    lost without a word. Each label takes the cell after it; a cell no label
    takes (备注 …) is remarks."""
    rows = _form([]).rows + [Row(["总分", "", "", "", "", "10", "10"]), Row(["存在问题", "宣传不足", "改进措施", "加强宣传"]),
                             Row(["评价等级", "良", "备注：另附说明"])]
    f = FormReader(rows).read()
    assert (f.problems, f.rectification, f.grade, f.remarks) == ("宣传不足", "加强宣传", "良", "备注：另附说明")
    # 存在问题 printed again with another text: the first kept, the second said
    f = FormReader([*rows, Row(["存在问题", "人手不足"])]).read()
    assert f.problems == "宣传不足" and [x.detail for x in f.findings if x.check == "unread_label"] == [
        "the form's '存在问题' holds '人手不足' where problems is '宣传不足' already, from a label before it: "
        "the first kept, this not stored"]
