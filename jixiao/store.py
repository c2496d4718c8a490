"""The contract's tables as Arrow, with its exact types (schemas/tables.toml).
Where they are written: `jixiao.dataset`."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pyarrow as pa

from jixiao.schemas import schema_version, tables

_TYPES = {"string": pa.string(), "int16": pa.int16(), "int32": pa.int32(), "float64": pa.float64(),
          "decimal(18,2)": pa.decimal128(18, 2), "timestamp[us, UTC]": pa.timestamp("us", tz="UTC")}


def arrow_schema(table: str) -> pa.Schema:
    """A table's Arrow schema; every file written with it carries the
    contract's version in its key-value metadata (jixiao.schema_version)."""
    return pa.schema([pa.field(c.name, _TYPES[c.type], nullable=c.nullable) for c in tables()[table]],
                     metadata={"jixiao.table": table, "jixiao.schema_version": str(schema_version())})


def _coerce(v, typ: str):
    if v is None:
        return None
    if typ == "decimal(18,2)":
        return Decimal(v).quantize(Decimal("0.01"))
    if typ == "float64":
        return float(v)
    if typ in ("int16", "int32"):
        return int(v)
    if typ.startswith("timestamp"):
        return v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
    return str(v)


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    cols = tables()[table]
    data = {c.name: [_coerce(r.get(c.name), c.type) for r in rows] for c in cols}
    return pa.Table.from_pydict(data, schema=arrow_schema(table))
