"""The one registry through which code reads the data files of this folder.

`tables()` is the warehouse contract (tables.toml); `vocabulary()` holds every
list of printed words the normalizer matches against (vocabulary.toml);
`families()` the form families (families.toml).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    doc: str = ""  # what it means, in one line (Parquet field metadata, DDL comments)


@cache
def _load(name: str) -> dict[str, Any]:
    with open(HERE / name, "rb") as fh:
        return tomllib.load(fh)


@cache
def tables() -> dict[str, tuple[Column, ...]]:
    data = _load("tables.toml")["tables"]
    return {t: tuple(Column(*c) for c in spec["columns"]) for t, spec in data.items()}


def schema_version() -> int:
    return int(_load("tables.toml")["version"])


@cache
def vocabulary() -> dict[str, Any]:
    """The package's vocabulary, with the user's own added (a TOML file of the
    same shape named by JIXIAO_VOCABULARY, or `jixiao convert --vocabulary`):
    its lists extend the package's, its tables merge into them. New synonyms
    never mean editing the installed package."""
    merged = _load("vocabulary.toml")
    extra = os.environ.get("JIXIAO_VOCABULARY")
    if extra:
        with open(extra, "rb") as fh:
            merged = _merge(merged, tomllib.load(fh))
    return merged


def _merge(base: Any, more: Any) -> Any:
    if isinstance(base, dict) and isinstance(more, dict):
        out = dict(base)
        for k, v in more.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    if isinstance(base, list) and isinstance(more, list):
        return base + [v for v in more if v not in base]
    return more


def check_catalogue() -> dict[str, Any]:
    """Every check name with its severity, families and meaning (checks.toml)."""
    return _load("checks.toml")


def formats() -> dict[str, Any]:
    """The input formats (formats.toml): extensions, magic bytes, reader, needs."""
    return _load("formats.toml")


def families() -> dict[str, Any]:
    """Form families (families.toml): title words, anchor label, what each prints."""
    return _load("families.toml")
