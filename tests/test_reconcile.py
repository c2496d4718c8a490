"""A scan's amounts, rates, scores and weights checked by the form's own
arithmetic (normalize/reconcile.py), on the numbers of real forms as OCR
misread them on the scans of benchmarks/bench_ocr.py (beijing_n8's form 1:
42.24 万元 read as 42.204 by tesseract after an earlier deskew, 执行率 54.49%
as 34.49%; samples/scan_misread_*.pdf is tested end to end in test_ocr.py),
and on what must stay as printed."""
from decimal import Decimal

from conftest import SAMPLES, convert
from jixiao.normalize.reconcile import reconcile
from jixiao.normalize.records import Form, Fund, Indicator


def form_1(fiscal_adjusted: str, rates: bool = True) -> Form:
    """The fund block of beijing_n8's form 1, its 当年财政拨款 全年预算数 as given."""
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


def test_a_decimal_point_lost_where_the_form_prints_trailing_zeros():
    """beijing_n3's form 2 prints its amounts to six decimals (222.125000
    万元); on a scan blurred by 1.5 pixels (bench_scan_variants' blur1.5) its
    当年财政拨款 全年预算数 read as 222125000, the point lost: 2.2 trillion
    yuan, which no single slip explained. Its 执行率 98.39% agrees with the
    amount put back, as the warning says."""
    total = Fund("total", Decimal(2821250), Decimal(2221250), Decimal(2185487), 10.0, 0.9839, 9.84, "年度资金总额")
    fiscal = Fund("fiscal", Decimal(2821250), Decimal(2221250000000), Decimal(2185487), 10.0, 0.9839, 9.84,
                  "其中:当年财政拨款")
    form = Form(amount_unit="万元", funds=[total, fiscal, Fund("other")])
    (finding,) = reconcile(form)
    assert fiscal.budget_adjusted_yuan == Decimal(2221250)
    assert finding.detail.endswith("其中:当年财政拨款 read as 222125000, taken as 222.125, which makes the lines add up")
    # a reading that is the amount's digits and something else is no lost point
    form = Form(amount_unit="万元", funds=[Fund("total", None, Decimal(2221250)),
                                          Fund("fiscal", None, Decimal(2221250010000))])
    assert reconcile(form)[0].detail.endswith("no single misread explains it")


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
    finding, the_rest = reconcile(form)
    assert form.execution_score == 9.59 and finding.detail.endswith("taken as 9.59, as 执行率 95.94% × 10 gives")
    assert the_rest.detail == "indicator scores and execution miss 总分's 87.56: no single misread explains it"
    form = scored(29.0, None, None, [30.0])
    (finding,) = reconcile(form)
    assert form.execution_score == 29.0 and finding.detail == "execution score reads 29, above its weight 10"
    form = scored(9.5, 0.9987, 89.5, [30.0, 30.0, 20.0])
    assert reconcile(form) == [] and form.execution_score == 9.5


# 广东 n3's form 2 (社区青年汇考核评估) as printed: 17 indicators, 总分 89.34 of 100,
# execution 9.84 of 10 (执行率 98.39%).
GD_WEIGHTS = [4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 3, 5, 15, 15, 10]
GD_SCORES = [4, 4, 3, 3, 2.5, 3, 3, 3, 4, 3, 3, 3.5, 1.5, 4, 12.5, 12.5, 10]


def guangdong(scores: list[float], weights: list[float]) -> Form:
    return Form(total_score=89.34, total_weight=100.0, execution_score=9.84, execution_weight=10.0,
                execution_rate=0.9839, funds=[Fund("total", weight=10.0, score=9.84)],
                indicators=[Indicator(name=f"#{k}", weight=float(w), score=float(s))
                            for k, (w, s) in enumerate(zip(weights, scores, strict=True))])


def test_a_score_the_total_gives_away():
    """12.5 of 15 read as 125 (tesseract on the scan of guangdong_n3, which
    also lost that form's 1.5; here it is as printed): the scores overshoot
    总分 by 112.5, and 12.5 is the one reading a slip away that its weight
    allows. As printed, nothing is said."""
    scores = GD_SCORES[:15] + [125.0] + GD_SCORES[16:]
    form = guangdong(scores, GD_WEIGHTS)
    (finding,) = reconcile(form)
    assert form.indicators[15].score == 12.5
    assert finding.detail == ("indicator scores and execution miss 总分's 89.34: indicator 15 (#15) score read as "
                              "125, taken as 12.5, which makes them add up")
    form = guangdong(GD_SCORES, GD_WEIGHTS)
    assert reconcile(form) == [] and [i.score for i in form.indicators] == GD_SCORES


def test_a_weight_the_total_gives_away():
    """A weight of 15 read as 1.5: 15 is the one reading a slip away that
    closes the gap of 13.5. 10 read as 1 closes a gap of 9, and so would the
    execution line's 10 read for 19: both are named, neither is changed."""
    form = guangdong(GD_SCORES, GD_WEIGHTS[:15] + [1.5, 10])
    (finding,) = reconcile(form)
    assert form.indicators[15].weight == 15.0
    assert finding.detail.endswith("indicator 15 (#15) weight read as 1.5, taken as 15, which makes them add up")
    form = guangdong(GD_SCORES, GD_WEIGHTS[:16] + [1])
    (finding,) = reconcile(form)
    assert (form.indicators[16].weight, form.execution_weight) == (1.0, 10.0)
    assert finding.detail.endswith("which is unsure: indicator 16 (#16) 10; execution 19")


def test_a_score_or_the_total_stays_as_read_and_both_are_named():
    """广东 n3's form 0 (基层团组织建设) as PP-OCR read its scan (the bench's):
    13 of 15 read as 3. 总分
    89.99 read for 79.99 closes the gap as well, so nothing changes. The
    score of 调研非公企业人数 (2527 of 2000 → 9 of 9) is the usual rule's,
    so it is never the misread one, even where a slip would close a gap."""
    weights = [9, 9, 8, 8, 8, 8, 15, 15, 10]
    form = Form(total_score=89.99, total_weight=100.0, execution_score=9.99, execution_weight=10.0,
                execution_rate=0.9987,
                indicators=[Indicator(name=n, weight=float(w), score=float(s)) for n, w, s in zip(
                    ["调研非公企业人数", "b", "c", "d", "e", "f", "非公企业团组织有效覆盖", "h", "i"], weights,
                    [9, 9, 6, 6, 8, 8, 3, 13, 8], strict=True)])
    (finding,) = reconcile(form)
    assert [i.score for i in form.indicators][6] == 3.0 and form.total_score == 89.99
    assert finding.detail == ("indicator scores and execution miss 总分's 89.99: one misread would explain it, "
                              "which is unsure: 总分 79.99; indicator 6 (非公企业团组织有效覆盖) 13")
    form.indicators[0] = Indicator(name="调研非公企业人数", weight=9.0, score=0.9, target_op=">=", target_value=2000.0,
                                   actual_value=2527.0)
    form.indicators[6].score = 13.0
    assert "indicator 0" not in reconcile(form)[0].detail


def test_a_grade_printed_beside_the_total_vouches_for_it():
    """The same reading on a form that prints its grade beside 总分, as the
    national template has it (云南 永德's real form: 96, 优): 79.99 would be 中,
    not 良, so the 3 is the misread and is taken as 13."""
    weights, scores = [9, 9, 8, 8, 8, 8, 15, 15, 10], [9, 9, 6, 6, 8, 8, 3, 13, 8]
    form = Form(total_score=89.99, total_weight=100.0, execution_score=9.99, execution_weight=10.0, grade="良",
                indicators=[Indicator(weight=float(w), score=float(s)) for w, s in zip(weights, scores, strict=True)])
    (finding,) = reconcile(form)
    assert form.indicators[6].score == 13.0 and form.total_score == 89.99
    assert finding.detail.endswith("indicator 6 (?) score read as 3, taken as 13, which makes them add up")


def test_a_unit_that_is_no_unit_is_taken_from_its_row():
    """tesseract on the scan of guangdong_n3: 参与青年满意度's 计量单位 % read as
    吃, and 服务的地区青年满意度's as %%, beside 指标值 ≥90%: taken as %.
    29.96万 keeps its 万 beside 30万元以内 (万 is a unit); 场 and 次 are both
    units, so neither is touched; a reading one slip from two units of its
    row is named, not changed."""
    rows = [Indicator(name="参与青年满意度", target_unit="%", measure_unit="吃"),
            Indicator(name="服务的地区青年满意度", target_unit="%", actual_unit="%", measure_unit="%%"),
            Indicator(name="预算控制数", target_unit="万元", actual_unit="万"),
            Indicator(name="活动总数", target_unit="场", actual_unit="次"),
            Indicator(name="活动参与", target_unit="场次", actual_unit="人次", measure_unit="大次")]
    findings = reconcile(Form(indicators=rows))
    assert [(i.measure_unit, i.actual_unit) for i in rows] == [("%", None), ("%", "%"), (None, "万"), (None, "次"),
                                                               ("大次", "人次")]
    assert [f.detail for f in findings] == [
        "indicator 0 (参与青年满意度): 计量单位's unit reads 吃, no unit: taken as %, as 指标值 prints it",
        "indicator 1 (服务的地区青年满意度): 计量单位's unit reads %%, no unit: taken as %, as 指标值 prints it",
        "indicator 4 (活动参与): 计量单位's unit reads 大次, no unit; the row prints 人次 and 场次"]


def test_a_name_the_files_other_forms_print():
    """beijing_n8's eight forms as printed: five of 中国共产主义青年团北京市委员会,
    two of 中共北京市委老干部局. A scanned form reading the first with 会 as 公
    is given it back; a name printed once stays (北京市志愿服务指导中心), as
    does one a numeral apart (第二 for 第一: another school), and a form
    printed with a text layer."""
    from jixiao.normalize.reconcile import reconcile_names

    league, bureau = "中国共产主义青年团北京市委员会", "中共北京市委老干部局"
    units = ["北京市第一中学附属实验小学", "北京市第一中学附属实验小学", "北京市第二中学附属实验小学"]
    forms = [Form(department=d, implementing_unit=u) for d, u in zip(
        [league, league, "中国共产主义青年团北京市委员公", league, bureau, bureau, league, league],
        ["本级", "本级", "本级", "北京市志愿服务指导中心", *units, "本级"], strict=True)]
    reconcile_names(forms, [True] * 8)
    assert forms[2].department == league and [f.implementing_unit for f in forms[3:7]] == ["北京市志愿服务指导中心", *units]
    assert [f.detail for f in forms[2].findings] == [
        f"主管部门 reads 中国共产主义青年团北京市委员公; 5 other forms of the file print {league}: taken as it"]
    assert not any(f.findings for f in forms[:2] + forms[3:])
    printed = [Form(department=league), Form(department=league), Form(department="中国共产主义青年团北京市委员公")]
    reconcile_names(printed, [False] * 3)
    assert printed[2].department.endswith("员公") and not printed[2].findings
