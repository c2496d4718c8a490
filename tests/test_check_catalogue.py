"""The check names in `checks` come from one place: schemas/checks.toml. Every
finding the code can write is in the catalogue with that severity, and the
README names every check of the catalogue."""
from __future__ import annotations

import ast
from pathlib import Path

from jixiao.schemas import check_catalogue

ROOT = Path(__file__).resolve().parent.parent
SEVERITIES = ("error", "warning")


def written() -> set[tuple[str, str]]:
    """(name, severity) of every finding built in the code: Finding("x", "error", …),
    ("x", "warning", detail) tuples, and the names _sums is called with."""
    out = set()
    for folder in ("extract", "normalize", "jixiao"):
        for path in (ROOT / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                args = None
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                    args = node.args
                elif isinstance(node, ast.Tuple) and len(node.elts) == 3:
                    args = node.elts
                if args and len(args) >= 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                   for a in args[:2]) and args[1].value in SEVERITIES:
                    out.add((args[0].value, args[1].value))
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_sums":
                    out.add((node.args[1].value, "error"))
    return out


def test_every_finding_is_in_the_catalogue():
    catalogue = check_catalogue()
    found = written()
    assert len(found) >= 15
    missing = sorted(f for f in found if f[0] not in catalogue or catalogue[f[0]]["severity"] != f[1])
    assert not missing, f"findings not in schemas/checks.toml (or with another severity): {missing}"


def test_the_readme_names_every_check():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not [name for name in check_catalogue() if f"`{name}`" not in readme]
