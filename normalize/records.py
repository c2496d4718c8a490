"""Canonical records: one dataclass per output table, fields named as in
schemas/tables.toml (tests check the two agree)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.extract.grid import Finding  # the one findings type, re-exported for the normalizer

__all__ = ["Finding", "Form", "Fund", "Indicator"]


@dataclass
class Indicator:
    level1: str | None = None
    level1_raw: str | None = None
    level1_weight: float | None = None
    level2: str | None = None
    level2_raw: str | None = None
    name: str | None = None
    target_raw: str | None = None
    target_op: str | None = None
    target_value: float | None = None
    target_unit: str | None = None
    measure_unit: str | None = None
    actual_raw: str | None = None
    actual_op: str | None = None
    actual_value: float | None = None
    actual_unit: str | None = None
    weight: float | None = None
    score: float | None = None
    deviation_reason: str | None = None
    target_nature: str | None = None  # v2: the 指标性质 cell as printed (≧, ═, 定性)
    scoring_rule: str | None = None  # v2: 评分标准 / 计分方法


@dataclass
class Fund:
    fund_kind: str
    budget_initial_yuan: Decimal | None = None
    budget_adjusted_yuan: Decimal | None = None
    executed_yuan: Decimal | None = None
    weight: float | None = None
    execution_rate: float | None = None
    score: float | None = None
    fund_label: str | None = None  # v2: the line's label as printed, whitespace removed


@dataclass
class Form:
    form_type: str = "project_self_evaluation"
    fiscal_year: int | None = None
    project_name: str | None = None
    project_code: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    unit_code: str | None = None
    project_leader: str | None = None
    contact_phone: str | None = None
    amount_unit: str | None = None
    budget_initial_yuan: Decimal | None = None
    budget_adjusted_yuan: Decimal | None = None
    executed_yuan: Decimal | None = None
    execution_weight: float | None = None
    execution_rate: float | None = None
    execution_score: float | None = None
    goal_planned: str | None = None
    goal_achieved: str | None = None
    total_weight: float | None = None
    total_score: float | None = None
    problems: str | None = None
    rectification: str | None = None
    remarks: str | None = None
    page_start: int | None = None
    page_end: int | None = None
    grade: str | None = None  # v2: 优 / 良 / 中 / 差 as printed
    funds: list[Fund] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # what `jixiao inspect` shows: every header cell with its column and score
    header_map: list[tuple[str, str | None, float]] = field(default_factory=list)
    # what `jixiao inspect --trace` shows: record ("indicator 3", "fund 0 (total)")
    # -> each non-empty cell of the row it was read from: text, where it was
    # printed, and (page, box in points) where the format has them (`--png`)
    origin: dict[str, list[tuple[str, str, tuple[int, tuple[float, float, float, float]] | None]]] = field(
        default_factory=dict)
