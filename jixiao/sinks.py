"""Where a converted dataset goes next: `jixiao load DIR TARGET`.

A sink takes the contract's tables (Arrow, typed) and writes them into a
database, idempotent per source: loading the same files again replaces their
rows, never doubles them. The Parquet dataset (jixiao/dataset.py) is where a
run writes; a sink is where a warehouse reads. To add one, implement `Sink`
and name it in `open_sink`.

    sqlite:///path/to.db      amounts as exact text ("1387798.78"), times as ISO text
    duckdb:///path/to.duckdb  the contract's own types
    postgresql://user@host/db the contract's own types and column comments, rows by COPY
                              (needs psycopg: pip install 'jixiao[postgresql]')
"""
from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from jixiao.schemas import tables

from .store import ddl


class Sink(Protocol):
    def replace(self, table: str, rows: pa.Table, source_ids: list[str]) -> None:
        """Write `rows` of `table`, first removing every row of these sources."""

    def close(self) -> None: ...


def _source_key(table: str) -> str:
    """The SQL that gives a row's source: its source_id, or the first 16
    characters of its form_id (source_id-NNN)."""
    names = [c.name for c in tables()[table]]
    return '"source_id"' if "source_id" in names else 'substr("form_id", 1, 16)'


class SqliteSink:
    def __init__(self, path: Path):
        self.con = sqlite3.connect(path)
        self.con.executescript(ddl("sqlite"))

    def replace(self, table: str, rows: pa.Table, source_ids: list[str]) -> None:
        marks = ", ".join("?" for _ in source_ids)
        self.con.execute(f'DELETE FROM "{table}" WHERE {_source_key(table)} IN ({marks})', source_ids)
        cols = [c.name for c in tables()[table]]
        data = [tuple(_sqlite(v) for v in row) for row in zip(*(rows.column(c).to_pylist() for c in cols),
                                                               strict=True)]
        quoted = ", ".join(f'"{c}"' for c in cols)
        self.con.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" for _ in cols)})', data)
        self.con.commit()

    def close(self) -> None:
        self.con.close()


def _sqlite(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)  # exact: SQLite's REAL would round an amount
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


class DuckDbSink:
    def __init__(self, path: Path):
        import duckdb

        self.con = duckdb.connect(str(path))
        self.con.execute(ddl("duckdb"))

    def replace(self, table: str, rows: pa.Table, source_ids: list[str]) -> None:
        self.con.execute(f'DELETE FROM "{table}" WHERE {_source_key(table)} IN (SELECT unnest(?))', [source_ids])
        self.con.register("_incoming", rows)
        cols = ", ".join(f'"{c.name}"' for c in tables()[table])
        self.con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
        self.con.unregister("_incoming")

    def close(self) -> None:
        self.con.close()


class PostgresSink:
    """Tables created with the contract's types and column comments (when
    missing); each table's rows replaced per source in one transaction: the
    sources' old rows deleted, the new ones streamed in by COPY."""

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as exc:
            raise ValueError("loading into PostgreSQL needs psycopg: pip install 'jixiao[postgresql]'") from exc
        try:
            self.con = psycopg.connect(url, connect_timeout=10)
        except psycopg.Error as exc:
            raise ValueError(f"can't connect to {_redacted(url)}: {str(exc).strip().splitlines()[0]}") from exc
        with self.con.transaction():
            self.con.execute(ddl("postgresql"))

    def replace(self, table: str, rows: pa.Table, source_ids: list[str]) -> None:
        cols = [c.name for c in tables()[table]]
        quoted = ", ".join(f'"{c}"' for c in cols)
        with self.con.transaction(), self.con.cursor() as cur:
            cur.execute(f'DELETE FROM "{table}" WHERE {_source_key(table)} = ANY(%s)', [source_ids])
            with cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for batch in rows.select(cols).to_batches(max_chunksize=10_000):
                    for row in zip(*(col.to_pylist() for col in batch.columns), strict=True):
                        copy.write_row(row)

    def close(self) -> None:
        self.con.close()


def _redacted(url: str) -> str:
    """The URL without its password."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    return f"{scheme}{sep}{creds.split(':')[0]}{':***' if ':' in creds else ''}{at}{host}" if at else url


def open_sink(target: str) -> Sink:
    """A sink for a target URL: sqlite:///path, duckdb:///path or postgresql://…"""
    scheme, _, rest = target.partition("://")
    if scheme == "sqlite":
        return SqliteSink(Path(rest))
    if scheme == "duckdb":
        return DuckDbSink(Path(rest))
    if scheme in ("postgresql", "postgres"):
        return PostgresSink(target)
    raise ValueError(f"no sink for {scheme or target!r}: use sqlite:///FILE, duckdb:///FILE or postgresql://…")


def load(out: Path, target: str) -> dict[str, int]:
    """Every table of the dataset in `out` into `target`; rows per table."""
    from .dataset import Dataset

    data = Dataset(out)
    sink = open_sink(target)
    try:
        sources = data.read("sources")
        ids = sources.column("source_id").to_pylist()
        counts = {}
        for table in tables():
            rows = sources if table == "sources" else data.read(table)
            sink.replace(table, rows, ids)
            counts[table] = rows.num_rows
        return counts
    finally:
        sink.close()
