"""Consistency checks on a read form: which records a warehouse user should
not trust as they are. Each finding has a stable name, a severity (`error`:
the record is likely wrong; `warning`: worth a look) and one line with the
numbers. No finding means the check passed.

The reader adds its own while reading (`unmapped_header`,
`low_confidence_header`, `level2_group`, `summary_layout`); these run on the
finished record:

- `weights_sum`   indicator weights + the execution weight against 总分's
                  weight. Two conventions occur: 90 points of indicators plus
                  10 of execution, or indicators alone worth 100 with 总分
                  leaving execution out; a form consistent under either passes.
- `score_sum`     the same for the scores.
- `score_exceeds_weight`  a score above its weight (indicator, execution, 总分).
- `execution_rate`  the printed 执行率 against executed / adjusted budget.
- `funds_sum`     fiscal + carryover (+ 财政专户 + 单位资金) + other against the
                  total line; a department's 基本支出 + 项目支出 against it too.
- `score_rule`    a quantitative indicator whose score contradicts its target
                  and actual under the usual rule (actual/target × weight,
                  capped at the weight, for >= targets; the reverse for <=).
- `no_indicators` a form without indicator rows.

Which apply depends on the form's family: target tables print no scores, so
only `funds_sum` and `no_indicators`; a scoresheet adds its level-1 points
(项目决策（20分）) against its indicators' 分值.
"""
from __future__ import annotations

from decimal import Decimal

from jixiao.schemas import check_catalogue

from .records import Finding, Form, Fund, Indicator

ROUNDING = 0.05  # points: a gap this small between sums is rounding, not an error
RATE_TOLERANCE = 0.005  # a rate printed as a whole percent is off by up to half a point
# Fund lines printed in 万元 to two decimals are each rounded to 100 yuan, so
# their sum may miss the total by that much per line.
FUNDS_QUANTUM = {"万元": Decimal(100), "元": Decimal("0.01")}


# Fund lines that make up the total line: by source (v1 and 四川's v2 lines), or
# by use (a department's 基本支出 + 项目支出).
SOURCES = ("fiscal", "carryover", "special_account", "unit_own", "other")
USES = ("basic", "project")
AMOUNTS = (("budget_initial_yuan", "年初预算数"), ("budget_adjusted_yuan", "全年预算数"), ("executed_yuan", "全年执行数"))


SCORESHEET = "evaluation_scoresheet"  # prints no execution line; its level-1 labels carry points


def run(form: Form) -> list[Finding]:
    """The checks the catalogue (schemas/checks.toml) runs on the form's
    family: target tables print no scores, so none of the score checks."""
    catalogue = check_catalogue()
    return [fd for name, check in FORM_CHECKS
            if {"*", form.form_type} & set(catalogue[name]["families"]) for fd in check(form)]


def _weights(form: Form) -> list[Finding]:
    execution = None if form.form_type == SCORESHEET else form.execution_weight
    return _sums(form, "weights_sum", "weight", execution, form.total_weight)


def _scores(form: Form) -> list[Finding]:
    execution = None if form.form_type == SCORESHEET else form.execution_score
    return _sums(form, "score_sum", "score", execution, form.total_score)


def _fund_lines(form: Form) -> list[Finding]:
    return _funds(form, SOURCES) + _funds(form, USES)


def _level1_points(form: Form) -> list[Finding]:
    """A scoresheet's 分值 of each level-1 group against the points in its label
    (项目决策（20分）)."""
    if form.form_type != SCORESHEET:
        return []
    groups: dict[tuple[str | None, float], float] = {}
    for i in form.indicators:
        if i.level1_weight is not None and i.weight is not None:
            groups[i.level1_raw, i.level1_weight] = groups.get((i.level1_raw, i.level1_weight), 0.0) + i.weight
    return [Finding("weights_sum", "error", f"level-1 {raw}: its indicators' points add up to {_g(got)}, "
                                            f"the label says {_g(want)}")
            for (raw, want), got in groups.items() if abs(got - want) > ROUNDING]


def _g(x: float | Decimal) -> str:
    return f"{float(x):g}"


def _sums(form: Form, check: str, field: str, execution: float | None, total: float | None) -> list[Finding]:
    values = [getattr(i, field) for i in form.indicators if getattr(i, field) is not None]
    if total is None or not values:
        return []
    indicators = sum(values)
    with_execution = indicators + (execution or 0.0)
    if abs(with_execution - total) <= ROUNDING or abs(indicators - total) <= ROUNDING:
        return []
    what = "weights" if field == "weight" else "scores"
    exe = f" + execution {_g(execution)} = {_g(round(with_execution, 4))}" if execution is not None else ""
    return [Finding(check, "error", f"indicator {what} add up to {_g(round(indicators, 4))}{exe}; "
                                    f"总分 {'weight' if field == 'weight' else 'score'} is {_g(total)}")]


def _exceeds(form: Form) -> list[Finding]:
    out = []
    pairs = [(f"indicator {j} ({i.name or i.level2 or '?'})", i.score, i.weight) for j, i in enumerate(form.indicators)]
    pairs += [("execution", form.execution_score, form.execution_weight), ("总分", form.total_score, form.total_weight)]
    for what, score, weight in pairs:
        if score is not None and weight is not None and score > weight + 1e-9:
            out.append(Finding("score_exceeds_weight", "error", f"{what}: score {_g(score)} > weight {_g(weight)}"))
    return out


def _rate(form: Form) -> list[Finding]:
    rate, executed, adjusted = form.execution_rate, form.executed_yuan, form.budget_adjusted_yuan
    if rate is None or executed is None or not adjusted:
        return []
    computed = float(executed / adjusted)
    if abs(computed - rate) <= RATE_TOLERANCE:
        return []
    return [Finding("execution_rate", "error", f"执行率 printed {rate:.2%} but executed {_g(executed)} / "
                                               f"adjusted {_g(adjusted)} = {computed:.2%}")]


def fund_gap(form: Form, kinds: tuple[str, ...], col: str) -> tuple[Fund, list[Fund], Decimal] | None:
    """Where the lines of `kinds` printed in column `col` add up to more or
    less than the total line says, beyond the rounding of the printed unit:
    (the total line, those lines, their sum); None where they agree or there
    is nothing to compare."""
    lines = {f.fund_kind: f for f in form.funds}
    total = lines.get("total")
    parts = [lines[k] for k in kinds if k in lines and getattr(lines[k], col) is not None]
    if total is None or getattr(total, col) is None or not parts:
        return None
    added = sum((getattr(p, col) for p in parts), Decimal(0))
    if abs(added - getattr(total, col)) <= FUNDS_QUANTUM.get(form.amount_unit or "元", Decimal(1)) * len(parts):
        return None
    return total, parts, added


def _funds(form: Form, kinds: tuple[str, ...]) -> list[Finding]:
    return [Finding("funds_sum", "error", f"{label}: fund lines add up to {_g(gap[2])} yuan, "
                                          f"the total line says {_g(getattr(gap[0], col))}")
            for col, label in AMOUNTS if (gap := fund_gap(form, kinds, col))]


def expected_score(i: Indicator) -> float | None:
    """actual/target × weight capped at the weight (>=, >), target/actual × weight
    (<=, <); None when the indicator is not quantitative enough to say."""
    t, a, w = i.target_value, i.actual_value, i.weight
    if t is None or a is None or w is None or i.score is None or i.target_op not in (">=", ">", "<=", "<"):
        return None
    if i.actual_unit is not None and i.target_unit is not None and i.actual_unit != i.target_unit:
        return None
    if t <= 0 or a <= 0:
        return None
    ratio = a / t if i.target_op in (">=", ">") else t / a
    return min(ratio, 1.0) * w


def _score_rule(form: Form) -> list[Finding]:
    out = []
    for j, i in enumerate(form.indicators):
        exp = expected_score(i)  # not None: score and weight are then printed
        if exp is None or i.score is None or i.weight is None or abs(exp - i.score) <= ROUNDING + 0.01 * i.weight:
            continue
        out.append(Finding("score_rule", "warning",
                           f"indicator {j} ({i.name or i.level2 or '?'}): target {i.target_raw}, actual "
                           f"{i.actual_raw}, weight {_g(i.weight)} -> the rule gives {exp:.2f}, scored {_g(i.score)}"))
    return out


def _no_indicators(form: Form) -> list[Finding]:
    return [] if form.indicators else [Finding("no_indicators", "error", "form has no indicator rows")]


# The checks computed on a finished form, by their catalogue name, in the
# order their findings are listed.
FORM_CHECKS = (("weights_sum", _weights), ("score_sum", _scores), ("score_exceeds_weight", _exceeds),
               ("execution_rate", _rate), ("funds_sum", _fund_lines), ("score_rule", _score_rule),
               ("weights_sum", _level1_points), ("no_indicators", _no_indicators))
