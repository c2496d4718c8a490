"""The Python API: convert, read and read_file give the CLI's rows as DataFrames."""
from __future__ import annotations

from conftest import SAMPLES

import jixiao

REAL = SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt"


def test_convert_read_and_read_file_agree(tmp_path):
    res = jixiao.convert([REAL, SAMPLES / "families"], out=tmp_path / "out")
    assert res.ok and res.out == tmp_path / "out"
    assert len(res.sources) == 6 and set(res.projects["form_type"]) == {
        "project_self_evaluation", "project_target", "department_self_evaluation", "department_target",
        "evaluation_scoresheet"}
    again = jixiao.read(tmp_path / "out")
    assert again.indicators.equals(res.indicators)
    one = jixiao.read_file(REAL)
    assert list(one.projects["project_name"]) == ["义务教育营养改善计划专项资金"]
    assert one.indicators[["name", "target_nature", "target_op"]].iloc[0].tolist() == ["学生受资助人数", "≧", ">="]
    assert str(one.funds["budget_adjusted_yuan"].iloc[0]) == "387664.62"  # decimal, exact to the fen
    assert [c for c, _ in one] == ["sources", "projects", "funds", "indicators", "checks"]


def test_convert_without_out_writes_nothing_it_keeps(tmp_path):
    res = jixiao.convert(REAL)
    assert res.out is None and len(res.projects) == 1
