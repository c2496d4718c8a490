"""Into the warehouse: the contract documented as data (field metadata, DDL
with comments), and `jixiao load` into SQLite and DuckDB, idempotent per source."""
from __future__ import annotations

import sqlite3

import pyarrow.parquet as pq
import pytest
from conftest import SAMPLES, convert
from jixiao.schemas import tables

from jixiao.cli import main
from jixiao.store import ddl


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("sink") / "out"
    convert([SAMPLES / "families", SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt"], out)
    return out


def test_every_column_is_documented_in_the_files(dataset):
    assert all(c.doc for cols in tables().values() for c in cols)
    f = next(dataset.glob("projects/*/*.parquet"))
    field = pq.read_schema(f).field("execution_rate")
    assert b"fraction 0-1" in field.metadata[b"description"]


def test_ddl_for_each_database():
    pg = ddl("postgresql")
    assert 'CREATE TABLE IF NOT EXISTS "checks"' in pg and '"check" text NOT NULL' in pg
    assert """COMMENT ON COLUMN "projects"."execution_rate" IS""" in pg
    sqlite3.connect(":memory:").executescript(ddl("sqlite"))  # runs as it is
    import duckdb

    duckdb.connect().execute(ddl("duckdb"))


def test_load_into_sqlite_and_duckdb_twice_is_once(dataset, tmp_path, capsys):
    db, ddb = tmp_path / "w.db", tmp_path / "w.duckdb"
    for _ in range(2):
        assert main(["load", str(dataset), f"sqlite:///{db}"]) == 0
        assert main(["load", str(dataset), f"duckdb:///{ddb}"]) == 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM projects").fetchone() == (6,)  # five families and one real form
    amount = con.execute("SELECT budget_adjusted_yuan FROM projects WHERE project_name = '义务教育营养改善计划专项资金'")
    assert amount.fetchone() == ("387664.62",)  # exact, as text
    import duckdb

    d = duckdb.connect(str(ddb))
    assert d.execute("SELECT count(*), any_value(typeof(budget_adjusted_yuan)) FROM projects").fetchone() == (
        6, "DECIMAL(18,2)")
    assert d.execute('SELECT count(*) FROM checks WHERE "check" = \'reflow\'').fetchone()[0] >= 0
    capsys.readouterr()
    assert main(["load", str(dataset), "postgres://x"]) == 2
    assert "no sink for 'postgres'" in capsys.readouterr().err
