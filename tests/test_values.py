"""The schema's value and text rules, on their own examples and on every raw
value in the gold."""
import json
from decimal import Decimal

import pytest
from conftest import GOLD
from jixiao.normalize.textclean import clean, value
from jixiao.normalize.values import parse_amount, parse_rate, parse_value, points_in_label, strip_points

SCHEMA_EXAMPLES = [
    ("≥95%", (">=", 95.0, "%")),
    ("不低于430场次", (">=", 430.0, "场次")),
    ("直接服务30992人次", ("=", 30992.0, "人次")),
    ("500余家", (">", 500.0, None)),
    ("不超过550元每人每天", ("<=", 550.0, "元每人每天")),
    ("453.3万元以内", ("<=", 453.3, "万元")),
    ("10个月内", ("<=", 10.0, "个月")),
    ("95%以上", (">=", 95.0, "%")),
    ("3,796.2", ("=", 3796.2, None)),
    ("０．５", ("=", 0.5, None)),
    ("百分比95", ("=", 95.0, None)),
    ("2020年12月31日前", (None, None, None)),
    ("10月底前", (None, None, None)),
    ("9-12场", (None, None, None)),
    ("1期，约100人", (None, None, None)),
    ("内容丰富、突出主题", (None, None, None)),
]


@pytest.mark.parametrize("text,expected", SCHEMA_EXAMPLES)
def test_schema_examples(text, expected):
    assert tuple(parse_value(text)) == expected


# Cells as real documents print them, and as the schema's text rule joins
# them: no break inside a wrapped Chinese word, runs of spaces folded, ends
# trimmed; a break between a number or Latin word and what follows is kept.
TEXT_RULE = [
    ("产\n出\n指\n标\n（50分）", "产出指标（50分）"),          # the schema's own example
    ("偏差原因分析及改进\n措施", "偏差原因分析及改进措施"),      # seed 000 (samples/000_*.txt), a header cell
    ("不少于300人次，覆盖全部\n街道", "不少于300人次，覆盖全部街道"),  # a cell split across a page break (test_pdf)
    ("社会效益\r\n指标", "社会效益指标"),                      # the schema's known variant, CRLF
    ("  年度  总体\u3000目标 ", "年度 总体 目标"),
    ("≥\n95%", "≥\n95%"),
    ("2021\n年度", "2021\n年度"),
]


@pytest.mark.parametrize("text,expected", TEXT_RULE)
def test_text_rule(text, expected):
    assert clean(text) == expected


@pytest.mark.parametrize("text", ["", " ", "-", "—", "——", "/", " \n- "])
def test_texts_that_mean_nothing(text):
    assert value(text) is None


def gold_values():
    seen = {}
    for path in sorted(GOLD.glob("*.json")):
        for form in json.loads(path.read_text(encoding="utf-8"))["forms"]:
            for ind in form["indicators"]:
                for side in ("target", "actual"):
                    raw = ind[f"{side}_raw"]
                    if raw is not None:
                        seen.setdefault(raw, (ind[f"{side}_op"], ind[f"{side}_value"], ind[f"{side}_unit"]))
    return sorted(seen.items())


def test_every_gold_raw_value():
    values = gold_values()
    assert len(values) > 800  # the gold holds this many distinct printed values
    wrong = [(raw, tuple(parse_value(raw)), exp) for raw, exp in values if tuple(parse_value(raw)) != exp]
    assert not wrong, wrong[:20]


def test_amounts_are_exact_to_the_fen():
    assert parse_amount("138.779878", "万元") == Decimal("1387798.78")
    assert parse_amount(" 474.940000 ", "万元") == Decimal("4749400.00")
    assert parse_amount("186000.00", "元") == Decimal("186000.00")
    assert parse_amount("1,000.0000", "万元") == Decimal("10000000.00")
    assert parse_amount("—", "万元") is None


def test_rates_and_points():
    assert parse_rate("94.21%") == pytest.approx(0.9421)
    assert parse_rate("99.52", percent=True) == pytest.approx(0.9952)
    assert parse_rate("100") == 1.0
    assert points_in_label("产\n出\n指\n标\n（50分）") == 50.0
    assert points_in_label("效益指标 (30分)") == 30.0
    assert points_in_label("产出指标") is None
    # the closing bracket lost at the label's end (a scan's lone ） read as a speck)
    assert points_in_label("产出指标（50分") == 50.0
    assert strip_points("产出指标(50分") == "产出指标"
    assert points_in_label("产出指标（50分以上的项目") is None  # not at the end: not points
