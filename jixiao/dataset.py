"""The output folder: a Parquet dataset, in folders by year, that grows run by run.

    DIR/sources/part-<batch>.parquet                one row per input file
    DIR/projects/year=2020/part-<batch>.parquet     one row per form (fiscal_year a column of its own)
    DIR/funds/year=2020/part-<batch>.parquet        (and indicators, checks)
    DIR/…/year=none/…                              forms without a year, file-level checks

The form tables are kept in a folder per fiscal year of their form. The
year is a typed column of `projects` in every file, and the folder's key is
`year`, which is no column of the contract: so `pandas.read_parquet(DIR/projects)`
(or polars, DuckDB, Spark with hive partitioning) reads `fiscal_year` as
the int16 it is, and a folder of forms without a year (`none`) never gives
a partition with nulls, which pyarrow could not unify. Datasets written by
jixiao before schema v2 (`fiscal_year=2020/`, the year only in the path)
read as well.

Every file is written to a temporary name and renamed into place, so no
reader ever sees half a file. A batch is committed by its `sources` part,
written last: rows of a source that `sources` does not list are left over
from a run that was killed, and the next run removes them before it starts
(`repair`). So a run killed at any moment leaves a readable dataset, and the
next one completes it with exactly the rows a clean run gives.
"""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jixiao.schemas import schema_version, tables

from .store import ARROW_TYPES, DDL_TYPES, Record, arrow_array, arrow_schema, arrow_table, to_arrow

if TYPE_CHECKING:
    import duckdb
    import pyarrow.dataset as ds

FORM_TABLES = ("projects", "funds", "indicators", "checks")
# Each form's printed header cells with the column each was read as: no table
# of the contract (a folder named with _, which Parquet readers skip), kept so
# that the report's header mappings cover the whole dataset, not one run.
HEADERS = "_headers"
HEADER_TYPES = {"source_id": "string", "text": "string", "column": "string", "score": "float64"}
HEADER_SCHEMA = pa.schema([(name, ARROW_TYPES[typ]) for name, typ in HEADER_TYPES.items()],
                          metadata={b"jixiao.schema_version": str(schema_version()).encode()})
PARTITION = "fiscal_year"
YEAR_DIR = "year"  # the folder key: no column of the contract
NO_YEAR = "none"
YEAR_KEY = "__partition_year"  # carried from the workers to the writer, never written


class Busy(RuntimeError):
    pass


_held: set[str] = set()  # the folders this process holds the lock of (`Dataset.lock`)


class Dataset:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock: IO[str] | None = None

    # -- a run at a time ---------------------------------------------------------------------
    def lock(self) -> None:
        """One run at a time in a folder. A POSIX record lock (lockf), not
        flock: it belongs to this process alone, so the worker processes it
        forks (and any LibreOffice they start) never hold it, and it goes
        when the run's process ends, however it ends. Such a lock does not
        keep out this very process, which `_held` does."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = str(self.root.resolve())
        if key in _held:
            raise Busy(f"another jixiao run is writing to {self.root}")
        lock = open(self.root / ".jixiao.lock", "w")
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:  # EACCES or EAGAIN: another process holds it
            lock.close()
            raise Busy(f"another jixiao run is writing to {self.root}") from exc
        self._lock = lock
        _held.add(key)

    def unlock(self) -> None:
        if self._lock:
            _held.discard(str(self.root.resolve()))
            self._lock.close()
            self._lock = None

    # -- what is there --------------------------------------------------------------------------
    def parts(self, table: str) -> list[Path]:
        d = self.root / table
        return sorted(d.rglob("part-*.parquet")) if d.exists() else []

    def committed(self) -> dict[str, str]:
        """source_id -> status of every committed file."""
        return self._sources_map("source_id", "status")

    def committed_paths(self) -> dict[str, str]:
        """path -> source_id of every committed file (its latest row)."""
        return self._sources_map("path", "source_id")

    def _sources_map(self, key: str, value: str) -> dict[str, str]:
        """`key` -> `value` over every committed sources row, later parts winning."""
        out: dict[str, str] = {}
        for p in self.parts("sources"):
            t = pq.ParquetFile(p).read(columns=[key, value])
            out.update(zip(t.column(key).to_pylist(), t.column(value).to_pylist(), strict=True))
        return out

    def repair(self) -> int:
        """Remove what no committed `sources` row vouches for: rows of a killed
        run, rows of files being redone. Returns the rows removed."""
        for tmp in self.root.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        keep = set(self.committed())
        removed = 0
        for table in (*FORM_TABLES, HEADERS):
            for p in self.parts(table):
                ids = _source_ids(p, table)
                mask = pc.is_in(ids, value_set=arrow_array(sorted(keep)))
                n_keep = pc.sum(mask).as_py() or 0
                if n_keep == len(ids):
                    continue
                removed += len(ids) - n_keep
                if n_keep == 0:
                    p.unlink()
                else:
                    _write(pq.ParquetFile(p).read().filter(mask), p)
        return removed

    def forget(self, source_ids: set[str]) -> None:
        """Un-commit files so that they are converted again (--force): their
        sources rows go first; `repair` then removes their other rows."""
        if not source_ids:
            return
        drop = arrow_array(sorted(source_ids))
        for p in self.parts("sources"):
            t = pq.ParquetFile(p).read()
            mask = pc.invert(pc.is_in(t.column("source_id"), value_set=drop))
            if pc.sum(mask).as_py() != len(t):
                if pc.sum(mask).as_py():
                    _write(t.filter(mask), p)
                else:
                    p.unlink()
        self.repair()

    # -- adding ---------------------------------------------------------------------------------
    def write_batch(self, parts: dict[str, list[pa.Table]]) -> str:
        """One batch of converted files, each table as the `to_batch_tables`
        of its files; committed when its sources part lands."""
        batch = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9:09d}"
        for table in FORM_TABLES:
            got = [t for t in parts.get(table, []) if t.num_rows]
            if not got:
                continue
            t = pa.concat_tables(got)
            years = t.column(YEAR_KEY)
            for year in pc.unique(years):  # Arrow scalars: a Python int here would be converted via pandas
                rows = t.filter(pc.equal(years, year) if year.is_valid else pc.is_null(years))
                d = self.root / table / f"{YEAR_DIR}={year.as_py() if year.is_valid else NO_YEAR}"
                d.mkdir(parents=True, exist_ok=True)
                _write(rows.drop_columns([YEAR_KEY]), d / f"part-{batch}.parquet")
        headers = [t for t in parts.get(HEADERS, []) if t.num_rows]
        if headers:
            (self.root / HEADERS).mkdir(parents=True, exist_ok=True)
            _write(pa.concat_tables(headers), self.root / HEADERS / f"part-{batch}.parquet")
        (self.root / "sources").mkdir(parents=True, exist_ok=True)
        sources = parts.get("sources", [])
        _write(pa.concat_tables(sources) if sources else arrow_schema("sources").empty_table(),
               self.root / "sources" / f"part-{batch}.parquet")
        return batch

    # -- reading --------------------------------------------------------------------------------
    def arrow_dataset(self, table: str) -> ds.Dataset | None:
        """The table's part files as one Arrow dataset (None when there are
        none), with the whole contract's schema, so a column that files of an
        earlier version lack reads as nulls. Files of the layout before schema
        v2 (the year only in a `fiscal_year=` folder) take it from the path.
        Files are named one by one, never by a glob or inside SQL, so a folder
        named with quotes, brackets or stars is read as it is."""
        import pyarrow.dataset as ds  # here, not above: it imports pandas, which a conversion never needs

        files = self.parts(table)
        if not files:
            return None
        schema = arrow_schema(table)
        full = schema if PARTITION in schema.names else pa.schema(list(schema) + [pa.field(PARTITION, pa.int16())])
        old = [str(f) for f in files if f.parent.name.startswith(f"{PARTITION}=")]
        new = [str(f) for f in files if not f.parent.name.startswith(f"{PARTITION}=")]
        parts = []
        if new:
            parts.append(ds.dataset(new, schema=full, format="parquet"))
        if old:
            hive = ds.partitioning(pa.schema([(PARTITION, pa.int16())]), flavor="hive")
            parts.append(ds.dataset(old, schema=full, format="parquet", partitioning=hive,
                                    partition_base_dir=str(self.root / table)))
        return parts[0] if len(parts) == 1 else ds.dataset(parts)

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """A whole table with the contract's columns and types."""
        schema = arrow_schema(table)
        source = self.arrow_dataset(table)
        if source is None:
            return schema.empty_table()
        t = source.to_table().select(schema.names).cast(schema)
        return t.select(columns) if columns else t


def to_batch_tables(rows: dict[str, list[Record]]) -> dict[str, pa.Table]:
    """One file's (or a batch's) rows as Arrow tables of the part files' schema,
    the form tables with the partition key in a last column `YEAR_KEY`."""
    year_of = {p["form_id"]: p.get(PARTITION) for p in rows.get("projects", [])}
    out = {"sources": to_arrow("sources", rows.get("sources", [])),
           HEADERS: arrow_table(rows.get(HEADERS, []), HEADER_TYPES, HEADER_SCHEMA)}
    for table in FORM_TABLES:
        recs = rows.get(table, [])
        t = to_arrow(table, recs)
        years = [r.get(PARTITION) if table == "projects" else year_of.get(r.get("form_id")) for r in recs]
        out[table] = t.append_column(YEAR_KEY, arrow_array(years, "int16"))
    return out


def _source_ids(part: Path, table: str) -> pa.ChunkedArray:
    """The source of each row of a part file (funds and indicators carry it
    in their form_id: source_id-NNN)."""
    if table == HEADERS or "source_id" in arrow_schema(table).names:
        return pq.ParquetFile(part).read(columns=["source_id"]).column("source_id")
    return pc.utf8_slice_codeunits(pq.ParquetFile(part).read(columns=["form_id"]).column("form_id"), 0, 16)


def _write(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def duckdb_views(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """The tables as DuckDB views over the dataset, with the contract's
    columns and types: DuckDB reads the part files itself, named one by one
    as values (never pasted into SQL, so a folder named with quotes, brackets
    or stars reads as it is). A column no file holds yet (written before it
    joined the contract) reads as nulls; files of the layout before schema v2
    take the year from their `fiscal_year=` folder."""
    data, types = Dataset(root), DDL_TYPES["duckdb"]

    def typed(name: str, type_: str, have: set[str], hive: bool) -> str:
        if name not in have:
            return f'CAST(NULL AS {types[type_]}) AS "{name}"'
        cast = "TRY_CAST" if hive and name == PARTITION else "CAST"  # __HIVE_DEFAULT_PARTITION__ reads as null
        return f'{cast}("{name}" AS {types[type_]}) AS "{name}"'

    for table, columns in tables().items():
        files = data.parts(table)
        old = [str(f) for f in files if f.parent.name.startswith(f"{PARTITION}=")]
        new = [str(f) for f in files if not f.parent.name.startswith(f"{PARTITION}=")]
        selects = []
        for k, (group, hive) in enumerate(((new, False), (old, True))):
            if group:
                rel = con.read_parquet(group, union_by_name=True, hive_partitioning=hive)
                rel.create_view(f"_{table}_{k}", replace=True)
                have = set(rel.columns)
                selects.append(f"SELECT {', '.join(typed(c.name, c.type, have, hive) for c in columns)} "
                               f"FROM _{table}_{k}")
        if not selects:  # no part yet: the columns, no rows
            selects.append(f"SELECT {', '.join(typed(c.name, c.type, set(), False) for c in columns)} WHERE false")
        con.execute(f"CREATE OR REPLACE VIEW {table} AS {' UNION ALL '.join(selects)}")
    heads = [str(p) for p in data.parts(HEADERS)]  # the header mappings (HEADERS), for the report
    if heads:
        con.read_parquet(heads).create_view(HEADERS, replace=True)
    else:
        con.from_arrow(HEADER_SCHEMA.empty_table()).create_view(HEADERS, replace=True)
