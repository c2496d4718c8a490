"""Both flattened-text flavors, encodings and line endings give the same grid."""
import codecs

import pytest
from conftest import SAMPLES
from jixiao.extract import text


@pytest.mark.parametrize("stem,flavor", [("000", "text-cells"), ("001", "text-tsv"), ("002", "text-tsv"),
                                         ("003", "text-tsv"), ("004", "text-cells")])
def test_flavor_detected(stem, flavor):
    path = next(SAMPLES.glob(f"{stem}_*.txt"))
    assert text.read(path).extractor == flavor


def test_cells_flavor_continuation_and_vertical_labels():
    doc = text.read(next(SAMPLES.glob("000_*.txt")))
    rows = doc.grids[0].rows()
    assert ["项目名称", "妇女儿童社会服务活动"] in rows
    level1 = next(r for r in rows if len(r) > 1 and r[1].startswith("产"))
    assert level1[1] == "产\n出\n指\n标\n（50分）"
    assert any(r[-1] == "偏差原因分析及改进\n措施" for r in rows)


def test_blank_line_inside_short_row_does_not_end_it():
    doc = text.read(next(SAMPLES.glob("004_*.txt")))
    row = next(r for r in doc.grids[0].rows() if "9月至次年1月" in r)
    assert row[4:7] == ["9月至次年1月", "9月至次年3月", "5"]
    assert len(row) == 9


SAMPLE = "项目名称\t测试\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.encode("gb18030"),
    lambda s: s.encode("gbk"),
    lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    lambda s: s.encode("utf-16"),
])
def test_encodings_and_line_endings(tmp_path, encode):
    p = tmp_path / "t.txt"
    p.write_bytes(encode(SAMPLE))
    assert text.read(p).grids[0].rows() == text.read_text(SAMPLE).grids[0].rows()


def test_undecodable_text_is_refused(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(bytes(range(128, 256)) * 4 + b"\x00\xff")
    with pytest.raises(text.TextDecodeError):
        text.read(p)
