"""The warehouse contract: exact Arrow types, idempotent re-runs, atomic
writes, exit codes, and bad inputs that never stop a batch."""
import math
import shutil
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SAMPLES, convert, read_tables
from jixiao.normalize.records import Form, Fund, Indicator
from jixiao.schemas import tables

from jixiao.cli import main
from jixiao.dataset import FORM_TABLES, Dataset
from jixiao.store import arrow_array, arrow_schema

ARROW = {"string": pa.string(), "int16": pa.int16(), "int32": pa.int32(), "float64": pa.float64(),
         "decimal(18,2)": pa.decimal128(18, 2), "timestamp[us, UTC]": pa.timestamp("us", tz="UTC")}


def test_schema_file_matches_the_contract():
    t = tables()
    assert set(t) == {"sources", "projects", "funds", "indicators", "checks"}
    assert {c.name: c.type for c in t["projects"]}["budget_initial_yuan"] == "decimal(18,2)"
    assert {c.name: c.type for c in t["projects"]}["fiscal_year"] == "int16"


@pytest.mark.parametrize("table,record", [("projects", Form), ("funds", Fund), ("indicators", Indicator)])
def test_records_carry_every_contract_column(table, record):
    fields = set(record.__dataclass_fields__)
    identity = {"form_id", "source_id", "form_index", "indicator_index"}
    assert {c.name for c in tables()[table]} - identity <= fields


def test_parquet_types_are_exact(tmp_path):
    seed = next(SAMPLES.glob("000_*.txt"))
    assert main(["convert", str(seed), "--out", str(tmp_path), "--quiet"]) == 0
    for name in tables():
        parts = sorted((tmp_path / name).rglob("part-*.parquet"))
        assert parts, name
        for part in parts:
            schema = pq.read_schema(part)
            # Every part file holds the contract's columns, in order (fiscal_year too).
            assert schema.equals(arrow_schema(name), check_metadata=False), (name, part)
            if name in FORM_TABLES:
                assert part.parent.name.startswith("year="), part
        read = Dataset(tmp_path).read(name).schema
        assert read.names == [c.name for c in tables()[name]]
        for c in tables()[name]:
            assert read.field(c.name).type == ARROW[c.type], (name, c.name)
        assert read.equals(arrow_schema(name), check_metadata=False)
    assert (tmp_path / "projects" / "year=2021").is_dir()
    t = read_tables(tmp_path)
    p = t["projects"][0]
    assert str(p["budget_adjusted_yuan"]) == "1387798.78"
    assert p["fiscal_year"] == 2021 and p["form_id"] == f"{t['sources'][0]['source_id']}-000"
    assert len(t["sources"][0]["source_id"]) == 16 and len(t["sources"][0]["sha256"]) == 64
    assert not list(tmp_path.rglob("*.tmp"))


_EIGHT = timezone(timedelta(hours=8))


@pytest.mark.parametrize("typ, values, expected", [
    ("float64", [0.1, 1 / 3, -0.0, 5e-324, 1.7976931348623157e308, float("inf"), 7, "2.5", None],
     [0.1, 1 / 3, -0.0, 5e-324, 1.7976931348623157e308, float("inf"), 7.0, 2.5, None]),
    ("int16", [-32768, 32767, 0, "12", None], [-32768, 32767, 0, 12, None]),
    ("int32", [2021, 2**31 - 1, None], [2021, 2**31 - 1, None]),
    ("decimal(18,2)", [1387798.78, Decimal("9999999999999999.99"), "-0.01", 3, Decimal("1.005"), None],
     [Decimal("1387798.78"), Decimal("9999999999999999.99"), Decimal("-0.01"), Decimal("3.00"),
      Decimal("1.00"), None]),  # to the cent, half to even, as Decimal.quantize
    ("timestamp[us, UTC]", [datetime(2026, 1, 1, 20, 0, 0, 123456, tzinfo=_EIGHT), datetime(2026, 1, 1, 12, 0),
                            "2026-12-01T14:27:47.067285+00:00", None],
     [datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC), datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
      datetime(2026, 12, 1, 14, 27, 47, 67285, tzinfo=UTC), None]),  # naive: taken as UTC
    ("string", ["绩效目标", "", 5, None], ["绩效目标", "", "5", None]),
])
def test_a_column_holds_exactly_its_values(typ, values, expected):
    """Columns are built as text that Arrow parses (`arrow_array`): every
    value comes back exactly, a float to the last bit."""
    column = arrow_array(values, typ)
    assert column.type == ARROW[typ]
    got = column.to_pylist()
    assert got == expected
    assert [math.copysign(1, v) for v in got if isinstance(v, float)] == \
        [math.copysign(1, v) for v in expected if isinstance(v, float)]  # -0.0 stays negative


def _rows(out):
    """Every table as sorted rows, timings left out: what two runs must agree on."""
    t = read_tables(out)
    for s in t["sources"]:
        s.pop("seconds")
        s.pop("converted_at")  # when the row was written: differs by run, as it should
    return {k: sorted(v, key=repr) for k, v in t.items()}


def test_rerun_is_idempotent(tmp_path):
    seeds = [str(p) for p in sorted(SAMPLES.glob("00[134]_*.txt"))]
    main(["convert", *seeds, "--out", str(tmp_path / "a"), "--quiet"])
    main(["convert", *seeds, "--out", str(tmp_path / "b"), "--quiet"])
    first = _rows(tmp_path / "a")
    assert first == _rows(tmp_path / "b")
    # Over the same folder again: nothing is added, nothing duplicated ...
    parts = sorted((tmp_path / "a").rglob("part-*.parquet"))
    assert main(["convert", *seeds, "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert sorted((tmp_path / "a").rglob("part-*.parquet")) == parts
    # ... a new file is added alone, and --force redoes a file without duplicating it.
    main(["convert", *seeds, str(next(SAMPLES.glob("000_*.txt"))), "--out", str(tmp_path / "a"), "--quiet"])
    main(["convert", seeds[0], "--out", str(tmp_path / "a"), "--quiet", "--force"])
    grown = _rows(tmp_path / "a")
    assert len(grown["sources"]) == 4 and len({s["source_id"] for s in grown["sources"]}) == 4
    assert len({p["form_id"] for p in grown["projects"]}) == len(grown["projects"]) == len(first["projects"]) + 1


def test_a_changed_file_replaces_its_rows_and_prune_mirrors_the_inputs(tmp_path):
    a, b, c = sorted(SAMPLES.glob("00[134]_*.txt"))
    folder = tmp_path / "in"
    folder.mkdir()
    one, two = folder / "one.txt", folder / "two.txt"
    one.write_bytes(a.read_bytes())
    two.write_bytes(b.read_bytes())
    out = tmp_path / "out"
    assert main(["convert", str(folder), "--out", str(out), "--quiet"]) == 0
    before = read_tables(out)
    old_one = next(s["source_id"] for s in before["sources"] if s["path"].endswith("one.txt"))
    # The file at one.txt is rewritten with other content: one row for the path,
    # the forms of the old content gone, two.txt untouched.
    one.write_bytes(c.read_bytes())
    assert main(["convert", str(folder), "--out", str(out), "--quiet"]) == 0
    after = read_tables(out)
    assert sorted(s["path"] for s in after["sources"]) == sorted(str(p) for p in (one, two))
    assert old_one not in {p["source_id"] for p in after["projects"]}
    assert {i["form_id"] for i in after["indicators"]} <= {p["form_id"] for p in after["projects"]}
    convert([one, two], tmp_path / "fresh")
    assert _rows(out) == _rows(tmp_path / "fresh")  # as if converted once, from scratch
    # two.txt is deleted: without --prune its rows stay; with it they go.
    two_id = next(s["source_id"] for s in after["sources"] if s["path"].endswith("two.txt"))
    two.unlink()
    assert main(["convert", str(folder), "--out", str(out), "--quiet"]) == 0
    assert two_id in {s["source_id"] for s in read_tables(out)["sources"]}
    assert main(["convert", str(folder), "--out", str(out), "--quiet", "--prune"]) == 0
    pruned = read_tables(out)
    assert [s["path"] for s in pruned["sources"]] == [str(one)]
    assert {p["source_id"] for p in pruned["projects"]} == {pruned["sources"][0]["source_id"]}


def test_bad_inputs_fail_alone_and_the_batch_goes_on(tmp_path, capsys):
    good = tmp_path / "in" / "good.txt"
    good.parent.mkdir()
    shutil.copy(next(SAMPLES.glob("000_*.txt")), good)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "noform.txt").write_text("这是一段与绩效无关的文字。\n", encoding="utf-8")
    (tmp_path / "in" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "in" / "fake.pdf").write_bytes(b"%PDF-1.4 truncated")
    code = main(["convert", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 1
    src = {s["path"].split("/")[-1]: s for s in read_tables(tmp_path / "out")["sources"]}
    assert src["good.txt"]["status"] == "ok" and src["good.txt"]["forms"] == 1
    for name in ("empty.txt", "noform.txt", "binary.txt", "fake.pdf"):
        assert src[name]["status"] == "failed" and src[name]["forms"] == 0
        assert src[name]["error"] and "\n" not in src[name]["error"]
    assert "0 bytes" in src["empty.txt"]["error"]
    assert "no form" in src["noform.txt"]["error"]
    assert len(read_tables(tmp_path / "out")["projects"]) == 1


def test_usage_errors_exit_2(tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["convert", str(tmp_path)])  # --out missing
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:  # nothing named exists: a usage error, nothing created
        main(["convert", str(tmp_path / "nothing-here"), "--out", str(tmp_path / "o")])
    assert e.value.code == 2 and not (tmp_path / "o").exists()


def test_query_over_the_output(tmp_path, capsys):
    main(["convert", str(next(SAMPLES.glob("004_*.txt"))), "--out", str(tmp_path), "--quiet"])
    capsys.readouterr()
    assert main(["query", str(tmp_path), "SELECT count(*) AS n FROM projects"]) == 0
    assert capsys.readouterr().out.split()[-1] == "7"


def test_inspect_shows_header_mapping(capsys):
    assert main(["inspect", str(next(SAMPLES.glob("003_*.txt")))]) == 0
    out = capsys.readouterr().out
    assert "'年度指标值(A)'" in out and "-> target (100.0)" in out


def test_inspect_walks_the_readers_convert_does(capsys):
    """A summary table's 13 project rows are 13 forms in `inspect` too."""
    assert main(["inspect", str(SAMPLES / "002_summary.docx")]) == 0
    out = capsys.readouterr().out
    assert "forms=13" in out and out.count("[summary_disclosure]") == 13 and "not a form" not in out


def test_cli_says_what_is_wrong_in_one_line(tmp_path, capsys):
    """Usage errors exit 2 before anything is touched; query errors are one line."""
    import pytest

    real = str(SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt")
    for args, says in ([real, "--outt", str(tmp_path / "x")], "unrecognized arguments: --outt"), \
            ([str(tmp_path / "nosuch.txt"), "--out", str(tmp_path / "o1")], "no such file or folder"), \
            ([real, "--out", real], "is a file, not a folder"), \
            ([real, "--out", str(tmp_path / "o2"), "--workers", "0"], "--workers must be 1 or more"):
        with pytest.raises(SystemExit) as exc:
            main(["convert", *args])
        assert exc.value.code == 2 and says in capsys.readouterr().err
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()
    assert main(["query", str(tmp_path / "nothere"), "SELECT 1"]) == 2
    assert "no jixiao dataset" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["convert", real, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["query", str(out), "SELEC 1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jixiao: query failed:") and err.count("\n") == 1
    assert main(["query", str(out), "SELECT form_type, fiscal_year FROM projects", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "form_type,fiscal_year\nproject_self_evaluation,2022\n"
    assert main(["query", str(out), "SELECT jixiao_version FROM sources", "--format", "json"]) == 0
    assert capsys.readouterr().out.strip() == '{"jixiao_version":"0.1.0"}'


def test_every_file_carries_the_schema_version(tmp_path):
    import pyarrow.parquet as pq

    convert([SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt"], tmp_path)
    files = list(tmp_path.rglob("*.parquet"))
    assert sorted(f.relative_to(tmp_path).parts[0] for f in files) == [
        "_headers", "checks", "funds", "indicators", "projects", "sources"]  # the contract's five, and the report's
    assert all(pq.read_schema(f).metadata[b"jixiao.schema_version"] == b"2" for f in files)


def test_the_dataset_reads_as_it_is_everywhere(tmp_path):
    """A form without a year beside one with: plain pandas, pyarrow and DuckDB
    read every table, fiscal_year and page_start as the integers they are."""
    import duckdb
    import pandas as pd
    import pyarrow.dataset as pads

    noyear = tmp_path / "noyear.txt"
    noyear.write_text("项目名称\t无年度项目\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
                      "产出指标\t数量指标\t场次\t≥1场\t1场\t10\t10\n", encoding="utf-8")
    out = tmp_path / "out"
    convert([noyear, SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt"], out)
    assert sorted(p.name for p in (out / "projects").iterdir()) == ["year=2022", "year=none"]
    for table in ("sources", "projects", "funds", "indicators", "checks"):
        pd.read_parquet(out / table)  # no recipe: it just reads
    p = pd.read_parquet(out / "projects").sort_values("form_id")
    assert str(p["fiscal_year"].dtype) == "Int16" and str(p["page_start"].dtype) == "Int32"
    assert {None if pd.isna(v) else int(v) for v in p["fiscal_year"]} == {2022, None}
    assert pads.dataset(out / "projects", format="parquet").to_table().num_rows == 2
    rows = duckdb.connect().execute(
        f"SELECT count(*), count(fiscal_year) FROM read_parquet('{out}/projects/**/*.parquet')").fetchone()
    assert rows == (2, 1)


def test_no_process_of_a_conversion_imports_pandas(tmp_path):
    """`jixiao convert` never asks for pandas (0.2 s and 40 MB a process:
    pyarrow imports it to look at data handed to `pa.array`, and a conversion
    builds its columns without it). A stand-in pandas on the path marks every
    process that tries, workers and a rerun with --force included; the
    dataset is whole, the same as an in-process run's."""
    import os
    import subprocess
    import sys

    fake, marks = tmp_path / "fake" / "pandas", tmp_path / "marks"
    fake.mkdir(parents=True)
    marks.mkdir()
    (fake / "__init__.py").write_text(
        "import os, pathlib\n"
        f"pathlib.Path({str(marks)!r}, str(os.getpid())).touch()\n"
        "raise ImportError('pandas is asked for')\n")
    files = [str(SAMPLES / n) for n in ("beijing_n1_s101_000.pdf", "forms_a.xlsx", "beijing_n3_s103_000.docx")]
    env = dict(os.environ, PYTHONPATH=str(fake.parent))
    for extra in ([], ["--force"]):
        subprocess.run([sys.executable, "-m", "jixiao.cli", "convert", *files, "--out", str(tmp_path / "a"),
                        "--quiet", "--workers", "2", *extra], env=env, capture_output=True, text=True, check=True)
    assert not list(marks.iterdir())
    assert main(["convert", *files, "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert (tmp_path / "a" / "report.html").exists()
    for table in ("sources", "projects", "funds", "indicators", "checks"):
        a, b = Dataset(tmp_path / "a").read(table), Dataset(tmp_path / "b").read(table)
        a, b = (t.drop_columns([c for c in ("seconds", "converted_at") if c in t.column_names]) for t in (a, b))
        order = [(c, "ascending") for c in a.column_names]
        assert len(a) and a.sort_by(order).equals(b.sort_by(order)), table


def test_a_byte_identical_copy_gets_a_duplicate_row_of_its_own(tmp_path):
    """Schema v2: one row per input path; a copy's row says `duplicate` and
    names the path holding the forms, which are never counted twice."""
    folder = tmp_path / "in"
    folder.mkdir()
    one, copy = folder / "a_one.txt", folder / "b_copy.txt"
    one.write_bytes(next(SAMPLES.glob("001_*.txt")).read_bytes())
    copy.write_bytes(one.read_bytes())
    out = tmp_path / "out"
    for _ in range(2):  # and a rerun changes nothing
        assert main(["convert", str(folder), "--out", str(out), "--quiet"]) == 0
        t = read_tables(out)
        src = {Path(s["path"]).name: s for s in t["sources"]}
        assert sorted(src) == ["a_one.txt", "b_copy.txt"]
        forms = src["a_one.txt"]["forms"]
        assert src["a_one.txt"]["status"] == "ok" and forms == 2
        dup = src["b_copy.txt"]
        assert (dup["status"], dup["forms"], dup["error"]) == ("duplicate", 0, f"same bytes as {one}")
        assert dup["sha256"] == src["a_one.txt"]["sha256"] and dup["source_id"] != src["a_one.txt"]["source_id"]
        assert [p["source_id"] for p in t["projects"]] == [src["a_one.txt"]["source_id"]] * forms
    # the original deleted: without --prune the copy still points at its rows;
    # with --prune they go and the copy is converted in their place
    one.unlink()
    assert main(["convert", str(folder), "--out", str(out), "--quiet"]) == 0
    assert {s["status"] for s in read_tables(out)["sources"]} == {"ok", "duplicate"}
    assert main(["convert", str(folder), "--out", str(out), "--quiet", "--prune"]) == 0
    t = read_tables(out)
    assert [(Path(s["path"]).name, s["status"], s["forms"]) for s in t["sources"]] == [("b_copy.txt", "ok", 2)]
    assert [p["source_id"] for p in t["projects"]] == [t["sources"][0]["source_id"]] * 2


@pytest.mark.parametrize("sample,where", [
    ("beijing_n1_s101_000.pdf", r"'活动总数' @ p1 \(181,550\)-\(264,591\)pt"),  # page and box, in points
    ("forms_a.xlsx", r"'数量指标' @ 表1!B15"),  # the sheet's own address
    ("beijing_n1_s101_000.docx", r"'活动总数' @ table 2 r12c4"),  # table, row and column
    ("001_408b8bb04fae99df.txt", r"'数量指标' @ L16"),  # the text line
    ("real/13_yunnan_yongde_2022_yingyang.txt", r"'学生受资助人数' @ L15 \(rows rebuilt\)"),
])
def test_inspect_traces_each_record_to_where_it_was_printed(sample, where, capsys):
    """Provenance: `inspect --trace` names, for every indicator and fund line,
    the cells of the row it was read from and where each was printed (checked
    against the files: 活动总数 is the first indicator's name on page 1)."""
    import re

    assert main(["inspect", str(SAMPLES / sample), "--trace", "--width", "20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = next(ln for ln in lines if ln.strip().startswith("indicator 0:"))
    assert re.search(where, first), first
    assert any(ln.strip().startswith("fund 0 (total):") for ln in lines)


def test_output_cut_short_by_a_pipe_is_no_error():
    """`jixiao inspect FOLDER --grid --trace | head -1`: no traceback, exit 0.
    (Its 60 KB are still being written when head has gone: the next write fails.)"""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "inspect", str(SAMPLES / "real"), "--grid", "--trace",
                             "--width", "40"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().startswith(str(SAMPLES).encode())
    proc.stdout.close()  # as head does after its line
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err and b"BrokenPipe" not in err, err


def test_inspect_draws_each_page_with_the_cells_records_came_from(tmp_path, capsys):
    """`inspect --png`: a picture per page; the first indicator's name cell
    (活动总数, page 1, (181,550)-(264,591) pt) is outlined as read, the
    empty cells of the funds block only as ruled."""
    from PIL import Image

    from jixiao.pictures import READ, RULED, SCALE

    assert main(["inspect", str(SAMPLES / "beijing_n1_s101_000.pdf"), "--png", str(tmp_path)]) == 0
    assert "3 pages drawn" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page-001.png", "page-002.png", "page-003.png"]
    img = Image.open(tmp_path / "page-001.png").convert("RGB")
    mid = round((550 + 591) / 2 * SCALE)
    assert img.getpixel((round(181 * SCALE) + 2, mid)) == READ  # the green frame inside the cell's rule
    assert img.getpixel((round(264 * SCALE) - 2, mid)) == READ
    assert RULED in {img.getpixel((x, mid)) for x in range(round(181 * SCALE) - 2, round(181 * SCALE) + 2)}
    assert main(["inspect", str(SAMPLES / "forms_a.xlsx"), "--png", str(tmp_path / "x")]) == 0
    assert "--png: only for PDF" in capsys.readouterr().out
