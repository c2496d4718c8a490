"""The checks table: every check fires on the seed forms whose printed
figures disagree (worked out here from the gold, field by field) and stays
quiet on the consistent ones; a form made inconsistent on purpose trips each
check with the numbers in its detail."""
import copy
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES, load_gold
from jixiao.normalize import checks

from jixiao.pipeline import convert_file

SEEDS = ["000", "001", "003", "004"]


def _close(a, b, tol):
    return abs(a - b) <= tol


def expected(gold_form) -> set[str]:
    """Which sum checks the printed figures must trip, from the gold."""
    p, inds = gold_form["project"], gold_form["indicators"]
    out = set()
    for check, field, exe, total in (("weights_sum", "weight", "execution_weight", "total_weight"),
                                     ("score_sum", "score", "execution_score", "total_score")):
        vals = [i[field] for i in inds if i[field] is not None]
        if p[total] is None or not vals:
            continue
        s = sum(vals)
        if not (_close(s + (p[exe] or 0), p[total], 0.05) or _close(s, p[total], 0.05)):
            out.add(check)
    funds = {f["fund_kind"]: f for f in gold_form["funds"]}
    for col in ("budget_initial_yuan", "budget_adjusted_yuan", "executed_yuan"):
        t = funds["total"][col]
        parts = [funds[k][col] for k in ("fiscal", "carryover", "other") if k in funds and funds[k][col] is not None]
        quantum = 100 if gold_form["project"]["amount_unit"] == "万元" else 0.01
        if t is not None and parts and abs(sum(parts) - t) > quantum * len(parts):
            out.add("funds_sum")
    if p["execution_rate"] is not None and p["executed_yuan"] is not None and p["budget_adjusted_yuan"]:
        if abs(p["executed_yuan"] / p["budget_adjusted_yuan"] - p["execution_rate"]) > 0.005:
            out.add("execution_rate")
    return out


@pytest.mark.parametrize("stem", SEEDS)
def test_sum_checks_fire_exactly_on_inconsistent_seed_forms(stem, converted_seeds):
    gold = load_gold(stem)
    sid = next(s["source_id"] for s in converted_seeds["sources"] if Path(s["path"]).name.startswith(stem))
    fired: dict[int, set[str]] = {}
    index = {p["form_id"]: p["form_index"] for p in converted_seeds["projects"] if p["source_id"] == sid}
    for c in converted_seeds["checks"]:
        if c["form_id"] in index and c["check"] in ("weights_sum", "score_sum", "funds_sum", "execution_rate"):
            fired.setdefault(index[c["form_id"]], set()).add(c["check"])
    want = {g["form_index"]: expected(g) for g in gold["forms"]}
    assert {k: v for k, v in want.items() if v} == fired


def test_seed_cases_named(converted_seeds):
    """The real cases of the seeds, by name: 003's 新媒体“中央厨房”运营 prints
    weights of 97 + 10 against 100, 004's 首都关心下一代大讲堂 84 + 10, and
    004's 家庭教育 project a fiscal line short of its total."""
    by = {}
    names = {p["form_id"]: p["project_name"] for p in converted_seeds["projects"]}
    for c in converted_seeds["checks"]:
        if c["form_id"]:
            by.setdefault(names[c["form_id"]], []).append((c["check"], c["detail"]))
    assert ("weights_sum", "indicator weights add up to 97 + execution 10 = 107; 总分 weight is 100") in \
        by["新媒体“中央厨房”运营"]
    assert ("weights_sum", "indicator weights add up to 84 + execution 10 = 94; 总分 weight is 100") in \
        by["首都关心下一代大讲堂"]
    assert ("funds_sum", "年初预算数: fund lines add up to 270000 yuan, the total line says 300000") in \
        by["开展北京市家庭教育暨家校社共育服务"]
    # 社会效益指标 printed inside a merged 产出指标 cell (the gold's rule) is reported.
    assert any(k == "level2_group" for k, _ in by["青少年迷你冬奥会项目"])
    # 004's forms whose indicators alone are worth 100 (总分 leaves execution out) pass.
    assert not any(k in ("weights_sum", "score_sum") for k, _ in by.get("青少年迷你冬奥会项目", []))


@pytest.fixture(scope="module")
def clean_form():
    res = convert_file("000", next(SAMPLES.glob("000_*.txt")))
    (form,) = res.forms
    form.findings = []
    return form


def test_consistent_form_is_quiet(clean_form):
    assert {f.check for f in checks.run(clean_form)} <= {"score_rule"}


def test_form_made_inconsistent_trips_every_check(clean_form):
    f = copy.deepcopy(clean_form)
    f.total_score = f.total_score + 3  # scores no longer add up
    f.indicators[0].weight += 2  # nor the weights ...
    f.indicators[1].score = f.indicators[1].weight + 1  # ... and a score above its weight
    f.execution_rate = 0.80  # printed rate against executed / adjusted
    fiscal = next(x for x in f.funds if x.fund_kind == "fiscal")
    fiscal.executed_yuan = (f.executed_yuan or Decimal(0)) - Decimal(10000)
    f.indicators[2].target_op, f.indicators[2].target_value, f.indicators[2].target_unit = ">=", 100.0, "场次"
    f.indicators[2].actual_value, f.indicators[2].actual_unit = 50.0, "场次"
    f.indicators[2].score = f.indicators[2].weight
    found = {x.check: x for x in checks.run(f)}
    assert {"weights_sum", "score_sum", "score_exceeds_weight", "execution_rate", "funds_sum", "score_rule"} <= \
        set(found)
    assert found["execution_rate"].detail.startswith("执行率 printed 80.00% but executed ")
    assert "the rule gives" in found["score_rule"].detail and found["score_rule"].severity == "warning"
    assert all(found[k].severity == "error" for k in ("weights_sum", "score_sum", "score_exceeds_weight"))
    empty = copy.deepcopy(clean_form)
    empty.indicators = []
    assert [x.check for x in checks.run(empty)] == ["no_indicators"]
