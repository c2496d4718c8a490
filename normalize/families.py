"""Which form family a form is (projects.form_type), from its title, and what
that family prints: the registry is data (schemas/families.toml)."""
from __future__ import annotations

from functools import cache
from typing import Any

from jixiao.schemas import families

from .textclean import compact


@cache
def _titles() -> tuple[tuple[str, str], ...]:
    """(title words, family), the longest words first."""
    pairs = [(compact(t), name) for name, spec in families().items() for t in spec["titles"]]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def of_title(text: str) -> str | None:
    """The family a title names (部门整体支出绩效自评表 -> department_self_evaluation)."""
    k = compact(text)
    return next((name for words, name in _titles() if words in k), None)


@cache
def default() -> str:
    return str(next(name for name, spec in families().items() if spec.get("default")))


def spec(name: str) -> dict[str, Any]:
    return dict(families()[name])


def opened_by(name: str) -> str:
    """The key field whose label opens a form of this family."""
    return str(spec(name)["anchor"])
