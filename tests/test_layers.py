"""The layers point down: schemas <- extract <- normalize <- jixiao (the
pipeline, the batch, the CLI). Every import is walked, at module level and
inside functions, and none goes up a layer or closes a cycle."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"schemas": "jixiao.schemas", "extract": "jixiao.extract", "normalize": "jixiao.normalize",
            "jixiao": "jixiao"}
LAYER = {"jixiao.schemas": 0, "jixiao.extract": 1, "jixiao.normalize": 2, "jixiao": 3}


def modules() -> dict[str, Path]:
    out = {}
    for folder, package in PACKAGES.items():
        for path in (ROOT / folder).glob("*.py"):
            out[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `name` imports, wherever in the file."""
    package = name if path.stem == "__init__" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for t in targets:
            while t and t not in known:
                t = t.rsplit(".", 1)[0] if "." in t else ""
            if t and t != name:
                found.add(t)
    return found


def layer_of(module: str) -> int:
    """The layer of the most specific package the module is in."""
    pkg = max((p for p in LAYER if module == p or module.startswith(p + ".")), key=len)
    return LAYER[pkg]


def test_no_import_goes_up_a_layer():
    known = modules()
    upward = [f"{m} -> {t}" for m, p in known.items() for t in imports(m, p, known)
              if layer_of(t) > layer_of(m) and t != "jixiao"]
    assert not upward, upward


def test_no_import_cycle():
    known = modules()
    graph = {m: imports(m, p, known) - {"jixiao"} for m, p in known.items()}
    state: dict[str, int] = {}

    def visit(m: str, stack: list[str]) -> list[str] | None:
        state[m] = 1
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                return stack + [m, t]
            if t not in state and (cycle := visit(t, stack + [m])):
                return cycle
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            cycle = visit(m, [])
            assert cycle is None, " -> ".join(cycle)
