"""A readable view of each gold JSON, kept beside it as Markdown (X.gold.json ->
X.gold.md): the project's fields as a list, funds and indicators as tables, so
that a change to a gold shows in a diff as the rows a reviewer reads.

    python tests/golden_view.py           # write every view
    python tests/golden_view.py --check   # exit 1 naming the views that differ

tests/test_seeds_gold.py checks that every view is the rendering of its JSON.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parent / "gold"

FUND_COLUMNS = ["fund_kind", "fund_label", "budget_initial_yuan", "budget_adjusted_yuan", "executed_yuan",
                "execution_rate", "weight", "score"]
INDICATOR_COLUMNS = ["level1", "level1_raw", "level1_weight", "level2", "level2_raw", "name", "target_raw",
                     "target_op", "target_value", "target_unit", "target_nature", "measure_unit", "actual_raw",
                     "actual_op", "actual_value", "actual_unit", "weight", "score", "deviation_reason"]


def cell(v: object) -> str:
    """A value in a table cell: null as ·, lines joined by ⏎, pipes escaped."""
    if v is None:
        return "·"
    return str(v).replace("\n", "⏎").replace("|", "\\|")


def table(rows: list[dict], columns: list[str]) -> list[str]:
    cols = [c for c in columns if any(c in r for r in rows)] + sorted(
        {k for r in rows for k in r} - set(columns))
    out = ["| # | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    out += [f"| {i} | " + " | ".join(cell(r.get(c)) for c in cols) + " |" for i, r in enumerate(rows)]
    return out


def render(gold: dict) -> str:
    out = [f"# {gold.get('source', '?')}", ""]
    if gold.get("note"):
        out += [f"> {gold['note']}", ""]
    for form in gold.get("forms", []):
        out += [f"## form {form.get('form_index')}: {form.get('form_type')}", ""]
        out += [f"- **{k}**: {cell(v)}" for k, v in form.get("project", {}).items()]
        if form.get("funds"):
            out += ["", "### funds", ""] + table(form["funds"], FUND_COLUMNS)
        if form.get("indicators"):
            out += ["", "### indicators", ""] + table(form["indicators"], INDICATOR_COLUMNS)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def views() -> dict[Path, str]:
    """Every gold JSON's view path and what it must hold."""
    return {p.with_name(p.name.removesuffix(".json") + ".md"): render(json.loads(p.read_text("utf-8")))
            for p in sorted(GOLD.rglob("*.json"))}


def main() -> int:
    stale = []
    for path, text in views().items():
        if "--check" in sys.argv:
            if not path.exists() or path.read_text("utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
    for p in stale:
        print(f"stale golden view: {p} (run python tests/golden_view.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
