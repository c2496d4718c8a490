"""Header matching: printed variants, unseen synonyms and refusals."""
import pytest
from jixiao.normalize.form import FormReader, Row
from jixiao.normalize.headers import ACCEPT, match

SEEN = [("年度指标值", "target"), ("年度指标值(A)", "target"), ("指标值", "target"),
        ("全年实际值(B)", "actual"), ("实际完成值", "actual"), ("* 实际完成值", "actual"),
        ("分值", "weight"), ("* 权重", "weight"), ("得分", "score"),
        ("偏差原因分析及改进\n措施", "deviation"), ("度量单位", "measure_unit"),
        ("一级指标", "level1"), ("二 级 指 标", "level2"), ("三级指标", "name"), ("绩效指标 (50分)", "category")]

# Variants that appear in none of the seeds.
UNSEEN = [("预期目标值", "target"), ("实际完成数", "actual"), ("权重分", "weight"), ("评价得分", "score"),
          ("偏差原因及改进措施", "deviation"), ("考核指标值", "target"), ("指标权重", "weight"),
          ("未完成原因分析", "deviation"), ("实际完成指标", "actual")]

FUNDS = [("调整预算数", "budget_adjusted"), ("全年预算数 (A)", "budget_adjusted"), ("年初预算数", "budget_initial"),
         ("全年执行数(B)", "executed"), ("预算执行数", "executed"), ("实际执行金额", "executed"),
         ("执行率 (%)", "execution_rate"), ("分值", "weight"), ("得分", "score")]


@pytest.mark.parametrize("text,column", SEEN + UNSEEN)
def test_indicator_headers(text, column):
    m = match(text, "indicator_columns")
    assert m.column == column and m.score >= ACCEPT, m


@pytest.mark.parametrize("text,column", FUNDS)
def test_fund_headers(text, column):
    m = match(text, "fund_columns")
    assert m.column == column and m.score >= ACCEPT, m


@pytest.mark.parametrize("text", ["完全无关的词", "联系电话", "项目名称"])
def test_unrelated_text_maps_to_nothing(text):
    assert match(text, "indicator_columns").column is None


def test_unmapped_header_is_reported_not_guessed():
    rows = [Row(["项目名称", "测试项目"]),
            Row(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "奇怪的列头"]),
            Row(["产出指标", "数量指标", "场次", "10场", "12场", "10", "10", "x"])]
    form = FormReader(rows).read()
    assert form is not None and len(form.indicators) == 1
    # the header is reported, and so is the value it leaves unread (schema v2: an error)
    assert [(f.check, f.severity) for f in form.findings] == [("unmapped_header", "warning"),
                                                              ("unread_column", "error")]
    assert "奇怪的列头" in form.findings[1].detail
    assert "奇怪的列头" in form.findings[0].detail
    assert ("奇怪的列头", None) in [(t, c) for t, c, _ in form.header_map]
