"""A scan's amounts and rates checked by the form's own arithmetic
(normalize/reconcile.py), on the numbers of a real form as OCR misread them
(samples/scan_misread_*.pdf, form 1: 42.24 万元 read as 42.204), and on what
must stay as printed."""
from decimal import Decimal

from conftest import SAMPLES, convert
from jixiao.normalize.reconcile import reconcile
from jixiao.normalize.records import Form, Fund, Indicator


def form_1(fiscal_adjusted: str, rates: bool = True) -> Form:
    """The fund block of the scan's form 1, its 当年财政拨款 全年预算数 as given."""
    rate = 0.9056 if rates else None
    total = Fund("total", Decimal(1050000), Decimal(422400), Decimal(382537), 10.0, rate, 9.06, "年度资金总额")
    fiscal = Fund("fiscal", Decimal(1050000), Decimal(fiscal_adjusted), Decimal(382537), 10.0, rate, 9.06,
                  "其中:当年财政拨款")
    return Form(amount_unit="万元", budget_initial_yuan=Decimal(1050000), budget_adjusted_yuan=Decimal(422400),
                executed_yuan=Decimal(382537), execution_rate=rate, funds=[total, fiscal, Fund("other")])


def test_the_line_whose_rate_agrees_with_the_sum_is_mended():
    form = form_1("422040")
    (finding,) = reconcile(form)
    assert [f.budget_adjusted_yuan for f in form.funds[:2]] == [Decimal(422400), Decimal(422400)]
    assert (finding.check, finding.severity) == ("ocr_low_confidence", "warning")
    assert "read as 42.204, taken as 42.24" in finding.detail


def test_two_cells_that_could_be_misread_leave_both_as_read():
    """Without the rates either the total (42.204) or the line (42.24) may be
    the misread one: nothing changes, and the warning names both."""
    form = form_1("422040", rates=False)
    (finding,) = reconcile(form)
    assert [f.budget_adjusted_yuan for f in form.funds[:2]] == [Decimal(422400), Decimal(422040)]
    assert finding.detail.endswith("which is unsure: 年度资金总额 42.204; 其中:当年财政拨款 42.24")


def test_a_gap_no_single_slip_explains_stays():
    form = form_1("400000")
    assert [f.detail for f in reconcile(form)] == [
        "全年预算数: fund lines add up to 40, the total line reads 42.24 (万元): no single misread explains it",
        "其中:当年财政拨款 执行率 reads 90.56%, 全年执行数 / 全年预算数 give 95.63%: one of the three is misread"]
    assert form.funds[1].budget_adjusted_yuan == Decimal(400000)


def test_a_total_printed_as_zero_is_not_taken_for_a_misread():
    """池州's real form prints 0 on its total line under a 90 万元 fiscal line
    (samples/real/01_*): one slip from "0" is "90", but a 0 is the form's own."""
    form = Form(amount_unit="万元", funds=[Fund("total", Decimal(0)), Fund("fiscal", Decimal(900000))])
    (finding,) = reconcile(form)
    assert form.funds[0].budget_initial_yuan == Decimal(0)
    assert finding.detail.endswith("no single misread explains it")


def test_rates():
    """54.49% read as 34.49%: mended. 99.87% against 99.69%: two digits off,
    so only a warning. 89.77% against 89.78%: a form's rounding (or an
    amount's misread), kept without a word."""
    form = Form(budget_adjusted_yuan=Decimal(846100), executed_yuan=Decimal("461077.88"), execution_rate=0.3449)
    (finding,) = reconcile(form)
    assert form.execution_rate == 0.5449 and finding.detail.endswith("执行率 taken as 54.49%")
    form = Form(budget_adjusted_yuan=Decimal(300000), executed_yuan=Decimal(299060), execution_rate=0.9987)
    (finding,) = reconcile(form)
    assert form.execution_rate == 0.9987 and finding.detail.endswith("one of the three is misread")
    form = Form(budget_adjusted_yuan=Decimal(451106), executed_yuan=Decimal(404962), execution_rate=0.8977)
    assert reconcile(form) == [] and form.execution_rate == 0.8977


def test_forms_printed_with_a_text_layer_keep_their_own_sums(tmp_path):
    """A real form whose total line prints 0 (池州): its funds_sum errors
    stand, nothing is mended; only scans are reconciled."""
    tables = convert([SAMPLES / "real" / "01_chizhou_guichi_2022_weituo.txt"], tmp_path / "out")
    checks = {c["check"] for c in tables["checks"]}
    assert "funds_sum" in checks and "ocr_low_confidence" not in checks
    (total,) = [f for f in tables["funds"] if f["fund_kind"] == "total"]
    assert total["budget_initial_yuan"] == Decimal(0)


def scored(read: float, rate: float | None, total: float | None, indicators: list[float]) -> Form:
    """A form's execution score as OCR read it (weight 10), beside its 总分."""
    return Form(execution_score=read, execution_weight=10.0, execution_rate=rate, total_score=total,
                indicators=[Indicator(score=x) for x in indicators],
                funds=[Fund("total", weight=10.0, execution_rate=rate, score=read)])


def test_an_execution_score_above_its_weight():
    """9.99 of 10 read as 29 (scan of beijing_n3): 执行率 99.87% × 10 and 总分
    89.99 less the indicators' 80 both give 9.99. 9.59 read as 59 (beijing_n8,
    whose other scores were misread too): the rate alone, the reading being
    9.59 with two characters lost. Without a witness: only the warning."""
    form = scored(29.0, 0.9987, 89.99, [30.0, 30.0, 20.0])
    (finding,) = reconcile(form)
    assert (form.execution_score, form.funds[0].score) == (9.99, 9.99)
    assert finding.detail == ("execution score reads 29, above its weight 10: taken as 9.99, as "
                              "执行率 99.87% × 10 and 总分 less the indicators give")
    form = scored(59.0, 0.9594, 87.56, [30.0, 30.0, 14.01])
    (finding,) = reconcile(form)
    assert form.execution_score == 9.59 and finding.detail.endswith("taken as 9.59, as 执行率 95.94% × 10 gives")
    form = scored(29.0, None, None, [30.0])
    (finding,) = reconcile(form)
    assert form.execution_score == 29.0 and finding.detail == "execution score reads 29, above its weight 10"
    form = scored(9.5, 0.9987, 89.99, [30.0, 30.0, 20.0])
    assert reconcile(form) == [] and form.execution_score == 9.5
