"""A scan's numbers checked by the form itself.

OCR misreads a digit now and then: 3 for 5, a 0 dropped or doubled, two
digits swapped. A form prints its amounts twice over: the fund lines add up
to the total line, and each 执行率 is 全年执行数 / 全年预算数. On pages read by
OCR, and only there (a printed form's own arithmetic slips are its content
and stay as printed), a relation that fails is explained where it can be by
one misread cell:

- an amount the other lines imply (total = sum of its lines), one slip away
  from the reading, that no printed 执行率 of its line contradicts;
- a 执行率 that executed / adjusted gives, one slip away from the reading
  and more than half a point from it (a rate a hair off is more likely an
  amount misread).

A slip is one character changed, dropped, added, or two neighbours swapped,
in the number as printed (in the form's unit). When exactly one cell
explains a failing relation its value is replaced, and an
`ocr_low_confidence` warning keeps both readings; otherwise every value
stays and the warning gives the readings the form allows (the checks then
report the gap itself).
"""
from __future__ import annotations

from decimal import Decimal

from rapidfuzz.distance import OSA

from .checks import FUNDS_QUANTUM, RATE_TOLERANCE, SOURCES, USES
from .records import Finding, Form, Fund
from .values import UNIT_FACTOR

AMOUNTS = (("budget_initial_yuan", "年初预算数"), ("budget_adjusted_yuan", "全年预算数"), ("executed_yuan", "全年执行数"))


def reconcile(form: Form) -> list[Finding]:
    """Mend the one-slip misreads the form's own sums and rates give away
    (values replaced in place); a warning for each relation that failed."""
    out = []
    for kinds in (SOURCES, USES):
        for col, label in AMOUNTS:
            out += _fund_sum(form, kinds, col, label)
    lines = {f.fund_kind: f for f in form.funds}
    out += _rate(form, "执行率", form, lines.get("total"))
    out += [fd for f in form.funds if f.fund_kind != "total" for fd in _rate(form, f"{_name(f)} 执行率", f, None)]
    return out


def _fund_sum(form: Form, kinds: tuple[str, ...], col: str, label: str) -> list[Finding]:
    lines = {f.fund_kind: f for f in form.funds}
    total = lines.get("total")
    parts = [lines[k] for k in kinds if k in lines and getattr(lines[k], col) is not None]
    if total is None or getattr(total, col) is None or not parts:
        return []
    read_total = getattr(total, col)
    added = sum((getattr(p, col) for p in parts), Decimal(0))
    gap = read_total - added
    if abs(gap) <= FUNDS_QUANTUM.get(form.amount_unit or "元", Decimal(1)) * len(parts):
        return []
    explained = [(line, implied) for line in (total, *parts)
                 if (implied := added if line is total else getattr(line, col) + gap) > 0
                 and _slip(_printed(getattr(line, col), form.amount_unit), _printed(implied, form.amount_unit))
                 and not _breaks_rate(line, col, implied)]
    where = f"{label}: fund lines add up to {_printed(added, form.amount_unit)}, the total line reads " \
            f"{_printed(read_total, form.amount_unit)} ({form.amount_unit or '元'})"
    if len(explained) != 1:
        readings = "; ".join(f"{_name(line)} {_printed(v, form.amount_unit)}" for line, v in explained)
        return [Finding("ocr_low_confidence", "warning",
                        f"{where}: " + (f"one misread would explain it, which is unsure: {readings}" if readings
                                        else "no single misread explains it"))]
    line, implied = explained[0]
    read = getattr(line, col)
    setattr(line, col, implied)
    if line is total and getattr(form, col) == read:
        setattr(form, col, implied)
    return [Finding("ocr_low_confidence", "warning",
                    f"{where}: {_name(line)} read as {_printed(read, form.amount_unit)}, taken as "
                    f"{_printed(implied, form.amount_unit)}, which makes the lines add up")]


def _rate(form: Form, label: str, holder: Form | Fund, mirror: Fund | None) -> list[Finding]:
    """`holder`'s printed 执行率 against its executed / adjusted amounts;
    `mirror`: the total fund line, which prints the form's rate again."""
    rate, executed, adjusted = holder.execution_rate, holder.executed_yuan, holder.budget_adjusted_yuan
    if rate is None or executed is None or not adjusted or _rate_holds(rate, executed, adjusted):
        return []
    places = _places(rate)
    given = float(round(executed / adjusted * 100, places)) / 100
    read, implied = _percent(rate), _percent(given, places)
    where = f"{label} reads {read}%, 全年执行数 / 全年预算数 give {implied}%"
    if not _slip(read, implied) or abs(given - rate) <= RATE_TOLERANCE:
        # a rate a hair off is more likely an amount misread by a digit
        return [Finding("ocr_low_confidence", "warning", f"{where}: one of the three is misread")]
    holder.execution_rate = given
    if mirror is not None and mirror.execution_rate == rate:
        mirror.execution_rate = given
    return [Finding("ocr_low_confidence", "warning", f"{where}: 执行率 taken as {implied}%")]


def _breaks_rate(line: Fund, col: str, implied: Decimal) -> bool:
    """The line's printed 执行率 agrees with the reading but not with the
    implied amount."""
    if col == "budget_initial_yuan" or line.execution_rate is None:
        return False
    executed, adjusted = line.executed_yuan, line.budget_adjusted_yuan
    if executed is None or not adjusted:
        return False
    moved = (implied, adjusted) if col == "executed_yuan" else (executed, implied)
    return _rate_holds(line.execution_rate, executed, adjusted) and not _rate_holds(line.execution_rate, *moved)


def _rate_holds(rate: float, executed: Decimal, adjusted: Decimal) -> bool:
    """executed / adjusted is the rate as printed, to one unit of its last
    decimal (forms round, and some cut)."""
    return abs(float(executed / adjusted) - rate) <= 10.0 ** -(_places(rate) + 2) + 1e-12


def _places(rate: float) -> int:
    """Decimals of the rate as a printed percent (0.9421 -> 94.21 -> 2)."""
    exponent = (Decimal(repr(rate)) * 100).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _percent(rate: float, places: int | None = None) -> str:
    return f"{rate * 100:.{_places(rate) if places is None else places}f}"


def _printed(yuan: Decimal, unit: str | None) -> str:
    """An amount as the form printed it, in its unit, without trailing zeros."""
    return format((yuan / UNIT_FACTOR.get(unit or "元", Decimal(1))).normalize(), "f")


def _slip(read: str, other: str) -> bool:
    return OSA.distance(read, other) == 1


def _name(line: Fund) -> str:
    return line.fund_label or line.fund_kind
