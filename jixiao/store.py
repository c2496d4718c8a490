"""The contract's tables as Arrow, with its exact types (schemas/tables.toml).
Where they are written: `jixiao.dataset`."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow.lib import StringBuilder

from jixiao.schemas import schema_version, tables

Record = dict[str, Any]  # one row of a table, by column name

ARROW_TYPES = {"string": pa.string(), "int16": pa.int16(), "int32": pa.int32(), "float64": pa.float64(),
               "decimal(18,2)": pa.decimal128(18, 2), "timestamp[us, UTC]": pa.timestamp("us", tz="UTC")}


def arrow_schema(table: str) -> pa.Schema:
    """A table's Arrow schema; every file written with it carries the
    contract's version in its key-value metadata (jixiao.schema_version), and
    the pandas dtypes of its integer columns (nullable Int16 / Int32), so a
    plain `pandas.read_parquet` gives fiscal_year and page_start as the
    integers they are, not floats."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type], nullable=c.nullable, metadata={"description": c.doc})
                      for c in tables()[table]],
                     metadata={"jixiao.table": table, "jixiao.schema_version": str(schema_version()),
                               "pandas": _pandas_metadata(table)})


def _pandas_metadata(table: str) -> str:
    ints = {"int16": "Int16", "int32": "Int32"}
    cols = [{"name": c.name, "field_name": c.name, "pandas_type": c.type, "numpy_type": ints[c.type],
             "metadata": None} for c in tables()[table] if c.type in ints]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": cols})


DDL_TYPES = {
    "postgresql": {"string": "text", "int16": "smallint", "int32": "integer", "float64": "double precision",
                   "decimal(18,2)": "numeric(18,2)", "timestamp[us, UTC]": "timestamptz"},
    "duckdb": {"string": "VARCHAR", "int16": "SMALLINT", "int32": "INTEGER", "float64": "DOUBLE",
               "decimal(18,2)": "DECIMAL(18,2)", "timestamp[us, UTC]": "TIMESTAMPTZ"},
    # SQLite has no exact decimal: amounts are kept as text ("1387798.78"), times as ISO text
    "sqlite": {"string": "TEXT", "int16": "INTEGER", "int32": "INTEGER", "float64": "REAL",
               "decimal(18,2)": "TEXT", "timestamp[us, UTC]": "TEXT"},
}


def ddl(dialect: str, prefix: str = "") -> str:
    """CREATE TABLE statements of the contract for a database, each column
    with its meaning as a comment (identifiers quoted: `check` is a keyword)."""
    types = DDL_TYPES[dialect]
    out = [f"-- jixiao warehouse contract, schema version {schema_version()}"]
    for table, cols in tables().items():
        lines = [f'  "{c.name}" {types[c.type]}{"" if c.nullable else " NOT NULL"}' for c in cols]
        if dialect == "sqlite":  # no COMMENT ON: the meaning as an SQL comment on the column's line
            lines = [f"{line}{',' if k + 1 < len(cols) else ''} -- {c.doc}" for k, (line, c) in
                     enumerate(zip(lines, cols, strict=True))]
            out.append(f'CREATE TABLE IF NOT EXISTS "{prefix}{table}" (\n' + "\n".join(lines) + "\n);")
            continue
        out.append(f'CREATE TABLE IF NOT EXISTS "{prefix}{table}" (\n' + ",\n".join(lines) + "\n);")
        out += [f"""COMMENT ON COLUMN "{prefix}{table}"."{c.name}" IS '{c.doc.replace("'", "''")}';""" for c in cols]
    return "\n".join(out) + "\n"


def _text(v: Any, typ: str) -> str | None:
    """A value as the text Arrow parses into the column's type (exactly:
    a float's repr is its shortest round-trip form)."""
    if v is None:
        return None
    if typ == "decimal(18,2)":
        return str(Decimal(v).quantize(Decimal("0.01")))
    if typ == "float64":
        return repr(float(v))
    if typ in ("int16", "int32"):
        return str(int(v))
    if typ.startswith("timestamp"):
        t = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).isoformat()  # naive: UTC, as Arrow takes it
    return str(v)


def arrow_array(values: list[Any], typ: str = "string") -> pa.Array:
    """A column of the contract's type from Python values, built as text and
    parsed by Arrow's cast. Not `pa.array`: on a Python list it imports pandas
    first (0.2 s of every process, apache/arrow#34994), which nothing else in
    a conversion needs."""
    texts = StringBuilder()
    texts.append_values([_text(v, typ) for v in values])
    strings = texts.finish()
    return strings if typ == "string" else pc.cast(strings, ARROW_TYPES[typ])


def arrow_table(rows: list[Record], types: dict[str, str], schema: pa.Schema) -> pa.Table:
    """Records as a table of `schema`, each column (by name: `types`) of its type (`arrow_array`)."""
    return pa.Table.from_arrays([arrow_array([r.get(name) for r in rows], typ) for name, typ in types.items()],
                                schema=schema)


def to_arrow(table: str, rows: list[Record]) -> pa.Table:
    return arrow_table(rows, {c.name: c.type for c in tables()[table]}, arrow_schema(table))
