"""Every form family of schema v2 (target tables, department-level forms,
scoring sheets, beside the self-evaluations), read from text, XLSX, DOCX and
a PDF printed by LibreOffice, field by field against gold; a folder of all
of them converts in one run, and a target table joins its self-evaluation."""
from __future__ import annotations

import json

import pytest
from conftest import GOLD, SAMPLES, compare, convert
from make_family_samples import write_all

FAMILIES = sorted((SAMPLES / "families").glob("*.txt"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("families")
    files = list(FAMILIES)
    for src in FAMILIES:
        files += write_all(src, out)
    return files, convert(files, out / "dataset")


def gold(stem: str) -> dict:
    return json.loads((GOLD / "families" / f"{stem}.txt.gold.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix", [".txt", ".xlsx", ".docx", ".pdf"])
@pytest.mark.parametrize("stem", [p.stem for p in FAMILIES])
def test_family_reads_as_its_gold(rendered, stem, suffix):
    files, tables = rendered
    path = next((p for p in files if p.stem == stem and p.suffix == suffix), None)
    if path is None:
        pytest.skip("no LibreOffice here to print the PDF (CI installs it)")
    g = {**gold(stem), "source": path.name}
    n, bad = compare(g, tables)
    assert n > 30 and not bad, "\n".join(bad[:20])
    src = next(s for s in tables["sources"] if s["path"] == str(path))
    assert [p["form_type"] for p in tables["projects"] if p["source_id"] == src["source_id"]] == [stem]


def test_target_joins_its_self_evaluation(tmp_path):
    """The README's example: targets set at budget time beside what was achieved."""
    import duckdb

    from jixiao.dataset import duckdb_views

    convert(FAMILIES, tmp_path / "out")
    con = duckdb.connect()
    duckdb_views(con, tmp_path / "out")
    rows = con.execute(JOIN_QUERY).fetchall()
    assert rows == [("服务老人人数", "≥1200人", "1268人"), ("服务合格率", "≥95%", "97%"),
                    ("补贴发放及时率", "100%", "100%"), ("人均补贴标准", "≤1000元/人", "900元/人"),
                    ("老年人生活质量", "明显提升", "明显提升"), ("服务对象满意度", "≥90%", "92%")]


JOIN_QUERY = """SELECT ti.name, ti.target_raw, si.actual_raw
FROM projects t JOIN projects s ON s.project_name = t.project_name AND s.fiscal_year = t.fiscal_year
     AND s.form_type = 'project_self_evaluation'
JOIN indicators ti ON ti.form_id = t.form_id JOIN indicators si ON si.form_id = s.form_id AND si.name = ti.name
WHERE t.form_type = 'project_target' ORDER BY ti.indicator_index"""


@pytest.mark.parametrize("stem", [p.stem for p in FAMILIES])
def test_family_copied_from_a_web_page(tmp_path, stem):
    """The same forms as web rows (` | ` cells, empty ones dropped): rebuilt by
    content (a scoresheet's level-2 words from the vocabulary's scoresheet_level2)."""
    rows = (SAMPLES / "families" / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
    path = tmp_path / f"{stem}.pipe.txt"
    path.write_text("\n".join("| " + " | ".join(c for c in r.split("\t") if c) + " |" for r in rows),
                    encoding="utf-8")
    n, bad = compare({**gold(stem), "source": path.name}, convert([path], tmp_path / "out"))
    assert n > 30 and not bad, "\n".join(bad[:20])
