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
    assert main(["load", str(dataset), "mysql://x"]) == 2
    assert "no sink for 'mysql'" in capsys.readouterr().err


# --- PostgreSQL: a real server (.ci/run installs and starts one, and names it) -------------------

@pytest.fixture
def postgres_db():
    """A fresh database on the server JIXIAO_TEST_POSTGRES names (an admin
    URL, e.g. postgresql:///postgres?host=/var/run/postgresql), dropped after."""
    import os
    import uuid

    from conftest import need

    admin = need(os.environ.get("JIXIAO_TEST_POSTGRES"), "PostgreSQL server", "JIXIAO_REQUIRE_POSTGRES",
                 "postgresql and sets JIXIAO_TEST_POSTGRES")
    psycopg = pytest.importorskip("psycopg")
    name = f"jixiao_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    base, _, query = admin.partition("?")
    url = f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    yield url
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_load_into_postgresql_twice_is_once_with_types_and_comments(dataset, postgres_db, capsys):
    from decimal import Decimal

    import psycopg

    for _ in range(2):
        assert main(["load", str(dataset), postgres_db]) == 0
    with psycopg.connect(postgres_db) as con:
        assert con.execute("SELECT count(*) FROM projects").fetchone() == (6,)
        (n_sources,) = con.execute("SELECT count(*) FROM sources").fetchone()
        assert n_sources == len(pq.read_table(dataset / "sources").column("source_id").unique())
        amount = con.execute("SELECT budget_adjusted_yuan, pg_typeof(budget_adjusted_yuan)::text FROM projects "
                             "WHERE project_name = '义务教育营养改善计划专项资金'").fetchone()
        assert amount == (Decimal("387664.62"), "numeric")
        # every row of each table, as many as the dataset holds
        for table in ("funds", "indicators", "checks"):
            (n,) = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            assert n == pq.read_table(dataset / table).num_rows, table
        comment = con.execute("SELECT col_description('projects'::regclass, attnum) FROM pg_attribute "
                              "WHERE attrelid = 'projects'::regclass AND attname = 'execution_rate'").fetchone()[0]
        assert "fraction 0-1" in comment
        assert con.execute("SELECT typeof FROM (SELECT pg_typeof(converted_at)::text AS typeof FROM sources "
                           "LIMIT 1) t").fetchone() == ("timestamp with time zone",)
    capsys.readouterr()


def test_postgresql_unreachable_is_one_line(dataset, capsys):
    pytest.importorskip("psycopg")
    assert main(["load", str(dataset), "postgresql://nobody:secret@127.0.0.1:1/none"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jixiao: can't connect to postgresql://nobody:***@127.0.0.1:1/none") and "secret" not in err
    assert len(err.strip().splitlines()) == 1
