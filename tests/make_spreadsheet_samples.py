"""Writes the spreadsheet samples (samples/forms_*.xlsx, samples/forms_*.xls)
and their gold (tests/gold/sheets/) from hand-checked seed gold.

    .venv/bin/python tests/make_spreadsheet_samples.py

The layout is deliberately unlike the DOCX and PDF ones: one form per sheet
(two on one sheet once), headers 考核指标值 / 实际完成数 / 指标权重, amounts
stored as numbers and shown through number formats (0.000000 in 万元,
#,##0.00 in 元, 0.00% for 执行率), phone numbers and codes as long numbers,
a hidden column and a hidden row of scratch figures and a hidden sheet, none
of which belongs to the form. The gold is the seeds' gold: what a person
reads off the sheet is the same form. Run once; its output is committed (xlwt,
which writes the XLS, is needed only here).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
WIDTH = 8  # columns A..H; column I is the hidden scratch column
FUND_LABELS = {"total": "年度资金总额", "fiscal": "其中：财政拨款", "carryover": "上年结转资金", "other": "其他资金"}


class XlsxSheet:
    def __init__(self, wb, title):
        self.ws = wb.create_sheet(title)

    def put(self, r, c, value, fmt=None):
        cell = self.ws.cell(r + 1, c + 1, value)
        if fmt:
            cell.number_format = fmt

    def merge(self, r0, r1, c0, c1, value, fmt=None):
        self.put(r0, c0, value, fmt)
        if (r1, c1) != (r0, c0):
            self.ws.merge_cells(start_row=r0 + 1, end_row=r1 + 1, start_column=c0 + 1, end_column=c1 + 1)

    def hide_row(self, r):
        self.ws.row_dimensions[r + 1].hidden = True

    def hide_col(self, c):
        from openpyxl.utils import get_column_letter

        self.ws.column_dimensions[get_column_letter(c + 1)].hidden = True


class XlsSheet:
    def __init__(self, wb, title):
        self.ws = wb.add_sheet(title, cell_overwrite_ok=True)
        self.styles = {}

    def _style(self, fmt):
        import xlwt

        if fmt not in self.styles:
            st = xlwt.XFStyle()
            st.num_format_str = fmt or "General"
            self.styles[fmt] = st
        return self.styles[fmt]

    def put(self, r, c, value, fmt=None):
        self.ws.write(r, c, value, self._style(fmt))

    def merge(self, r0, r1, c0, c1, value, fmt=None):
        self.ws.write_merge(r0, r1, c0, c1, value, self._style(fmt))

    def hide_row(self, r):
        self.ws.row(r).hidden = True

    def hide_col(self, c):
        self.ws.col(c).hidden = True


def as_number(text):
    """Digits-only text (a phone, a code, a plain count) as a number, the way
    such cells are usually typed; codes longer than a float holds stay text."""
    if text and re.fullmatch(r"[1-9]\d{0,14}", text):
        return int(text)
    return text


def write_form(sh, r: int, form: dict, scratch: bool) -> int:
    """One form from row r; returns the row after it."""
    p = form["project"]
    wan = p["amount_unit"] == "万元"
    sh.merge(r, r, 0, WIDTH - 1, "项目支出绩效自评表")
    sh.merge(r + 1, r + 1, 0, WIDTH - 1, f"（{p['fiscal_year']}年度）")
    r += 2
    keys = [("项目名称", p["project_name"], None, None), ("项目编码", p["project_code"], "单位编码", p["unit_code"]),
            ("主管部门", p["department"], "实施单位", p["implementing_unit"]),
            ("项目负责人", p["project_leader"], "联系电话", p["contact_phone"])]
    for k1, v1, k2, v2 in keys:
        sh.put(r, 0, k1)
        if k2 is None:
            sh.merge(r, r, 1, WIDTH - 1, v1 or "")
        else:
            sh.merge(r, r, 1, 3, as_number(v1) or "", "@" if v1 and not isinstance(as_number(v1), int) else None)
            sh.put(r, 4, k2)
            sh.merge(r, r, 5, WIDTH - 1, as_number(v2) or "")
        r += 1
    # Funds: a label over the block's rows, one column per figure.
    funds = form["funds"]
    sh.merge(r, r + len(funds), 0, 0, f"项目资金（{p['amount_unit']}）")
    for c, h in enumerate(["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=1):
        sh.put(r, c, h)
    amount_fmt = "0.000000" if wan else "#,##0.00"
    for i, f in enumerate(funds, start=1):
        sh.put(r + i, 1, FUND_LABELS[f["fund_kind"]])
        for c, k in enumerate(["budget_initial_yuan", "budget_adjusted_yuan", "executed_yuan"], start=2):
            if f[k] is not None:
                sh.put(r + i, c, f[k] / 10000 if wan else f[k], amount_fmt)
        if f["weight"] is not None:
            sh.put(r + i, 5, f["weight"])
        if f["execution_rate"] is not None:
            sh.put(r + i, 6, f["execution_rate"], "0.00%")
        if f["score"] is not None:
            sh.put(r + i, 7, f["score"])
    r += len(funds) + 1
    sh.merge(r, r + 1, 0, 0, "年度总体目标")
    sh.merge(r, r, 1, 4, "预期目标")
    sh.merge(r, r, 5, WIDTH - 1, "实际完成情况")
    sh.merge(r + 1, r + 1, 1, 4, p["goal_planned"] or "")
    sh.merge(r + 1, r + 1, 5, WIDTH - 1, p["goal_achieved"] or "")
    r += 2
    inds = form["indicators"]
    # A form that prints the first group's points only in the header (绩效指标（50分）).
    head_points = inds[0]["level1_weight"] if inds and not inds[0]["level1_raw"] else None
    first = f"一级指标（{head_points:g}分）" if head_points else "一级指标"
    for c, h in enumerate([first, "二级指标", "三级指标", "考核指标值", "实际完成数", "指标权重", "得分",
                           "偏差原因分析"]):
        sh.put(r, c, h)
    r += 1
    start = r
    for k, ind in enumerate(inds):
        sh.put(r, 2, ind["name"] or "")
        sh.put(r, 3, as_number(ind["target_raw"]) or "")
        sh.put(r, 4, as_number(ind["actual_raw"]) or "")
        if ind["weight"] is not None:
            sh.put(r, 5, ind["weight"])
        if ind["score"] is not None:
            sh.put(r, 6, ind["score"])
        sh.put(r, 7, ind["deviation_reason"] or "")
        r += 1
        if scratch and k == 1:  # a hidden row of working figures between two indicators
            sh.put(r, 2, "作废指标（草稿）")
            sh.put(r, 5, 99)
            sh.hide_row(r)
            r += 1
    # Level labels as merged cells down their group, as the forms print them.
    rows = [k for k in range(start, r) if not (scratch and k == start + 2)]
    for level, key in ((0, "level1_raw"), (1, "level2_raw")):
        k = 0
        while k < len(inds):
            j = k
            while j + 1 < len(inds) and inds[j + 1][key] == inds[k][key] and (
                    level == 0 or inds[j + 1]["level1_raw"] == inds[k]["level1_raw"]):
                j += 1
            sh.merge(rows[k], rows[j], level, level, inds[k][key] or "")
            k = j + 1
    sh.merge(r, r, 0, 4, "总分")
    if p["total_weight"] is not None:
        sh.put(r, 5, p["total_weight"])
    if p["total_score"] is not None:
        sh.put(r, 6, p["total_score"])
    r += 1
    if p["remarks"]:
        sh.merge(r, r, 0, WIDTH - 1, p["remarks"])
        r += 1
    if scratch:
        sh.put(start, WIDTH, "核对：已复核")
        sh.hide_col(WIDTH)
    return r


def gold_of(source: str, forms: list[dict]) -> dict:
    return {"source": source, "forms": [{**f, "form_index": i} for i, f in enumerate(forms)]}


def seed_forms(stem: str) -> list[dict]:
    return json.loads(next(GOLD.glob(f"{stem}_*.json")).read_text(encoding="utf-8"))["forms"]


def main() -> None:
    import openpyxl
    import xlwt

    out_gold = GOLD / "sheets"
    out_gold.mkdir(exist_ok=True)

    # XLSX: seed 001 (amounts in 元, a 21-digit project code) and seed 004.
    forms = seed_forms("001") + seed_forms("004")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i, f in enumerate(forms):
        write_form(XlsxSheet(wb, f"表{i + 1}"), 0, f, scratch=i % 2 == 0)
    hidden = wb.create_sheet("草稿")
    hidden["A1"] = "项目名称"
    hidden["B1"] = "不应读出的草稿表"
    hidden.sheet_state = "hidden"
    wb.save(ROOT / "samples" / "forms_a.xlsx")
    (out_gold / "forms_a.xlsx.gold.json").write_text(
        json.dumps(gold_of("forms_a.xlsx", forms), ensure_ascii=False, indent=1), encoding="utf-8")

    # XLS: seed 000 (remarks after the table) and five forms of seed 003, the
    # last two stacked on one sheet.
    forms = seed_forms("000") + seed_forms("003")[:5]
    wb = xlwt.Workbook(encoding="utf-8")
    for i, f in enumerate(forms[:4]):
        write_form(XlsSheet(wb, f"表{i + 1}"), 0, f, scratch=i % 2 == 1)
    sh = XlsSheet(wb, "表5")
    r = write_form(sh, 0, forms[4], scratch=False)
    write_form(sh, r + 2, forms[5], scratch=True)
    wb.save(str(ROOT / "samples" / "forms_b.xls"))
    (out_gold / "forms_b.xls.gold.json").write_text(
        json.dumps(gold_of("forms_b.xls", forms), ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
