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
  amount misread);
- an execution score read above its weight (9.99 of 10 read as 29 or 959:
  the point lost), which cannot be: the 执行率 × weight that forms print,
  where the 总分 less the indicators' scores gives it too, or where the
  reading is it with a character or two dropped;
- the scores (and the weights) against 总分's, under either convention of
  `checks.weights_sum` (execution counted in or left out): a reading that
  the gap makes one slip from a value its row allows (a score within its
  weight, a weight no less than its score), 总分 itself included. Not a
  quantitative indicator whose score the usual rule confirms, nor an
  execution score that 执行率 × weight confirms, nor a 总分 outside the band
  of the grade printed beside it (优 90 and above, 良 80 …);
- a unit that is none of the vocabulary's (人 read as 大), one slip from the
  unit another cell of its row prints (指标值, 实际值, 计量单位).

A slip is one character changed, dropped, added, or two neighbours swapped,
in the number as printed (in the form's unit); an amount's decimal point
lost where the form prints trailing zeros (222.125000 read as 222125000) is
one too. When exactly one cell explains a failing relation its value is
replaced, and an `ocr_low_confidence` warning keeps both readings; otherwise
every value stays and the warning gives the readings the form allows (the
checks then report the gap itself).
"""
from __future__ import annotations

from decimal import Decimal

from jixiao.schemas import vocabulary
from rapidfuzz.distance import OSA, Indel

from .checks import AMOUNTS, RATE_TOLERANCE, ROUNDING, SCORESHEET, SOURCES, USES, expected_score, fund_gap
from .records import Finding, Form, Fund, Indicator
from .values import UNIT_FACTOR


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
    out += _execution_score(form, lines.get("total"))
    out += _points(form, "score", lines.get("total")) + _points(form, "weight", lines.get("total"))
    return out + _units(form)


NAMES = (("department", "主管部门"), ("implementing_unit", "实施单位"))


NUMERALS = set("0123456789〇一二三四五六七八九十百第")  # 第一中学 and 第二中学 are two schools, not a misread


def reconcile_names(forms: list[Form], read_by_ocr: list[bool]) -> None:
    """A name a scanned form reads that no other form of the file prints, a
    slip from one that at least two others print alike (a slip per eight
    characters; a department's disclosure repeats its 主管部门 on every form),
    is taken as that one, unless they differ in a numeral; an
    `ocr_low_confidence` warning keeps both readings."""
    for field, label in NAMES:
        readings = [getattr(f, field) for f in forms]
        for form, by_ocr, read in zip(forms, read_by_ocr, readings, strict=True):
            if not by_ocr or not read or readings.count(read) > 1:
                continue
            near = {name for name in readings if name and readings.count(name) >= 2
                    and 0 < OSA.distance(read, name) <= len(name) // 8
                    and not (set(read) ^ set(name)) & NUMERALS}
            if len(near) == 1:
                (name,) = near
                setattr(form, field, name)
                form.findings.append(Finding(
                    "ocr_low_confidence", "warning",
                    f"{label} reads {read}; {readings.count(name)} other forms of the file print {name}: taken as it"))


def _fund_sum(form: Form, kinds: tuple[str, ...], col: str, label: str) -> list[Finding]:
    if (disagree := fund_gap(form, kinds, col)) is None:
        return []
    total, parts, added = disagree
    read_total = getattr(total, col)
    gap = read_total - added
    # A line read as 0 is not a candidate: forms print a zero total (池州's
    # does), and a 0 is one slip from 90, 0.9 or 8 alike.
    explained = [(line, implied) for line in (total, *parts)
                 if getattr(line, col) != 0 and (implied := added if line is total else getattr(line, col) + gap) > 0
                 and _misread(_printed(getattr(line, col), form.amount_unit), _printed(implied, form.amount_unit))
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


def _execution_score(form: Form, mirror: Fund | None) -> list[Finding]:
    score, weight, rate = form.execution_score, form.execution_weight, form.execution_rate
    if score is None or weight is None or score <= weight + 1e-9:
        return []
    by_rate = round(product, 2) if (product := _rate_times_weight(form)) is not None else None
    scores = [i.score for i in form.indicators]
    by_sum = None
    if form.total_score is not None and scores and all(x is not None for x in scores):
        rest = round(form.total_score - sum(x for x in scores if x is not None), 2)
        by_sum = rest if 0 <= rest <= weight else None
    read = _number(score)
    given = f"执行率 {_percent(rate or 0.0)}% × {_number(weight)}"
    if by_rate is not None and by_sum is not None and abs(by_rate - by_sum) <= 0.01 + 1e-9:
        mended, given = by_sum, f"{given} and 总分 less the indicators give"  # two witnesses
    elif by_rate is not None and _dropped(read, _number(by_rate)):
        mended, given = by_rate, f"{given} gives"
    else:
        known = [f"{what} gives {_number(x)}" for what, x in (("执行率 × weight", by_rate), ("总分 less the indicators", by_sum))
                 if x is not None]
        return [Finding("ocr_low_confidence", "warning", f"execution score reads {read}, above its weight "
                                                         f"{_number(weight)}" + (f"; {', '.join(known)}" if known else ""))]
    form.execution_score = mended
    if mirror is not None and mirror.score == score:
        mirror.score = mended
    return [Finding("ocr_low_confidence", "warning", f"execution score reads {read}, above its weight "
                                                     f"{_number(weight)}: taken as {_number(mended)}, as {given}")]


def _points(form: Form, field: str, mirror: Fund | None) -> list[Finding]:
    """The indicators' `field` ("score" or "weight") with the execution line's
    against 总分's, where they miss it under both conventions (the failure
    `checks.score_sum` / `weights_sum` reports): the one reading the gap makes
    one slip from a value its row allows is mended."""
    total = getattr(form, f"total_{field}")
    indicators = form.indicators
    if total is None or not indicators or any(getattr(i, field) is None for i in indicators):
        return []  # an unread value may be the gap: nothing to choose between
    execution = None if form.form_type == SCORESHEET else getattr(form, f"execution_{field}")
    added = sum(getattr(i, field) for i in indicators)
    sums = [added + execution, added] if execution is not None else [added]
    if any(abs(x - total) <= ROUNDING for x in sums):
        return []
    # What may be the misread value: who it is, where it is held, and its row's score and weight.
    rows: list[tuple[str, Form | Indicator, str, float | None, float | None]] = [
        (f"indicator {j} ({ind.name or ind.level2 or '?'})", ind, field, ind.score, ind.weight)
        for j, ind in enumerate(indicators) if not (field == "score" and _confirmed(ind))]
    # not an execution score that 执行率 × weight confirms
    by_rate = _rate_times_weight(form) if field == "score" else None
    counted_in = [("execution", form, f"execution_{field}", form.execution_score, form.execution_weight)
                  ] if execution and (by_rate is None or abs(by_rate - execution) > 0.01 + 1e-9) else []
    found: dict[tuple[str, float], tuple[Form | Indicator, str]] = {}  # (who, implied) -> where it is held
    for k, added_up in enumerate(sums):
        gap = total - added_up
        if _slip(_number(total), _number(added_up)) and _within(field, added_up, form.total_score, form.total_weight) \
                and (field == "weight" or _graded(form.grade, added_up)):
            found[("总分", round(added_up, 2))] = (form, f"total_{field}")
        for who, holder, attr, score, weight in rows + (counted_in if k == 0 else []):  # k 0: execution counted in
            read = getattr(holder, attr)
            implied = round(read + gap, 2)
            if read != 0 and _slip(_number(read), _number(implied)) and _within(field, implied, score, weight):
                found[(who, implied)] = (holder, attr)
    what = f"{field}s" if field == "score" else "weights"
    where = (f"indicator {what}{' and execution' if execution is not None else ''} miss 总分's "
             f"{_number(total)}")
    if len(found) != 1:
        readings = "; ".join(f"{who} {_number(v)}" for who, v in found)
        return [Finding("ocr_low_confidence", "warning",
                        f"{where}: " + (f"one misread would explain it, which is unsure: {readings}" if readings
                                        else "no single misread explains it"))]
    ((who, implied), (holder, attr)), = found.items()
    read = getattr(holder, attr)
    setattr(holder, attr, implied)
    if attr.startswith("execution_") and mirror is not None and getattr(mirror, field) == read:
        setattr(mirror, field, implied)
    return [Finding("ocr_low_confidence", "warning", f"{where}: {who} {field} read as {_number(read)}, taken as "
                                                     f"{_number(implied)}, which makes them add up")]


UNIT_CELLS = (("target_unit", "指标值"), ("actual_unit", "实际值"), ("measure_unit", "计量单位"))


def _units(form: Form) -> list[Finding]:
    """A unit that is no unit (人 read as 大, % as 吃 or %%), one slip from the
    unit another cell of its row prints, is taken as that one."""
    known = set(vocabulary()["units"])
    out = []
    for j, ind in enumerate(form.indicators):
        read = [(field, cell, getattr(ind, field)) for field, cell in UNIT_CELLS if getattr(ind, field)]
        for field, cell, unit in read:
            if unit in known:
                continue
            others = {u for f, _, u in read if f != field and u in known and _slip(unit, u)}
            if not others:
                continue
            where = f"indicator {j} ({ind.name or ind.level2 or '?'}): {cell}'s unit reads {unit}"
            if len(others) > 1:
                out.append(Finding("ocr_low_confidence", "warning",
                                   f"{where}, no unit; the row prints {' and '.join(sorted(others))}"))
                continue
            (mended,) = others
            setattr(ind, field, mended)
            witness = next(c for f, c, u in read if u == mended)
            out.append(Finding("ocr_low_confidence", "warning", f"{where}, no unit: taken as {mended}, as "
                                                                f"{witness} prints it"))
    return out


def _within(field: str, value: float, score: float | None, weight: float | None) -> bool:
    """`value`, read for the `field` of a row of that score and weight, is one
    it allows: a score within its weight, a weight no less than its score."""
    if value < 0:
        return False
    score, weight = (value, weight) if field == "score" else (score, value)
    return score is None or weight is None or score <= weight + 1e-9


def _rate_times_weight(form: Form) -> float | None:
    """The execution score forms print: 执行率 (100% at most) × its weight."""
    rate, weight = form.execution_rate, form.execution_weight
    return min(rate, 1.0) * weight if rate is not None and weight is not None else None


def _graded(grade: str | None, total: float) -> bool:
    """`total` is in the band of the grade printed beside 总分 (or no band is
    known for it)."""
    floors: dict[str, float] = vocabulary()["grade_floor"]
    if grade not in floors:
        return True
    above = [f for f in floors.values() if f > floors[grade]]
    return bool(floors[grade] <= total < min(above, default=float("inf")))


def _confirmed(ind: Indicator) -> bool:
    """A quantitative indicator whose score the usual rule gives as read."""
    expected = expected_score(ind)
    return expected is not None and ind.score is not None and abs(expected - ind.score) <= 0.01


def _number(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _dropped(read: str, whole: str) -> bool:
    """`read` is `whole` with one or two characters lost (9.59 read as 59)."""
    lost = len(whole) - len(read)
    return 0 < lost <= 2 and Indel.distance(read, whole) == lost


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


def _misread(read: str, amount: str) -> bool:
    """`read` is the `amount` printed, one slip off, or with its decimal
    point lost where the form prints trailing zeros (222.125000 万元, read
    222125000: `_printed` drops the zeros)."""
    if _slip(read, amount):
        return True
    digits = amount.replace(".", "")
    return "." in amount and "." not in read and read.startswith(digits) and set(read[len(digits):]) <= {"0"}


def _name(line: Fund) -> str:
    return line.fund_label or line.fund_kind
