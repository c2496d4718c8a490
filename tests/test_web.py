"""Web pages: a corpus form rendered as the pages sites publish (UTF-8 .html,
GBK .htm declaring gb2312, a saved .mht, an HTML table handed out as .xls)
reads exactly as its DOCX; spans, charsets and nesting as browsers see them."""
from __future__ import annotations

import pytest
from conftest import SAMPLES, convert
from jixiao.extract import html, text
from make_html_samples import write_all
from test_real_text import records

from jixiao.sniff import sniff

SRC = SAMPLES / "beijing_n3_s103_000.docx"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return write_all(SRC, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def docx_tables(tmp_path_factory):
    return records(convert([SRC], tmp_path_factory.mktemp("docx")))


@pytest.mark.parametrize("suffix", [".html", ".htm", ".mht", ".xls"])
def test_web_page_reads_as_its_docx(tmp_path, pages, docx_tables, suffix):
    page = next(p for p in pages if p.suffix == suffix)
    assert sniff(page) == ("mht" if suffix == ".mht" else "html")
    got = records(convert([page], tmp_path / "out"))
    for table in ("projects", "funds", "indicators"):
        want = [{k: v for k, v in r.items() if k not in ("page_start", "page_end")} for r in docx_tables[table]]
        have = [{k: v for k, v in r.items() if k not in ("page_start", "page_end")} for r in got[table]]
        assert have == want, table


def test_a_form_inside_a_sites_page_reads_as_its_docx(tmp_path, pages, docx_tables):
    """The form as a government site serves it: inside the site's layout
    table, after its breadcrumb and menu, followed by the page's publishing
    line, print and close links and copyright. That furniture came out as
    the form's remarks; a cell holding one of the vocabulary's `web_chrome`
    words is the site's, not the form's."""
    page = next(p for p in pages if p.suffix == ".html").read_text(encoding="utf-8")
    head, rest = page.split("<body>", 1)
    body, tail = rest.rsplit("</body>", 1)
    site = tmp_path / "site.html"
    site.write_text(f"{head}<body><table width='100%'><tr><td colspan=2>首页 &gt; 政务公开 &gt; 财政预决算</td></tr>"
                    f"<tr><td>通知公告<br>政策文件</td><td>{body}<p>发布时间：2021-06-30 浏览次数：128</p>"
                    "<p>【打印本页】 【关闭窗口】</p></td></tr><tr><td colspan=2>版权所有 某某区人民政府 "
                    f"京ICP备12345678号</td></tr></table></body>{tail}", encoding="utf-8")
    got = records(convert([site], tmp_path / "out"))
    for table in ("projects", "funds", "indicators"):
        want = [{k: v for k, v in r.items() if k not in ("page_start", "page_end")} for r in docx_tables[table]]
        have = [{k: v for k, v in r.items() if k not in ("page_start", "page_end")} for r in got[table]]
        assert have == want, table


def test_spans_are_placed_as_a_browser_lays_them_out():
    doc = html.read_html("""<table>
      <tr><td rowspan="2">产出指标</td><td colspan="2">数量指标</td><td>x</td></tr>
      <tr><td>a</td><td>b<br>c</td><td>d</td></tr>
      <tr><td>e</td><td rowspan="9">f</td></tr></table>""")
    g = doc.grids[0]
    assert g.rows() == [["产出指标", "数量指标", "", "x"], ["", "a", "b\nc", "d"], ["e", "f"]]
    assert g.cell_at(1, 0).text == "产出指标" and g.cell_at(2, 1).row_span == 1  # clamped to the table


def test_gbk_page_without_a_declaration_and_text_outside_tables():
    page = ("<html><body><h2>项目支出绩效自评表</h2><p>（2021年度）</p>"
            "<table><tr><td>项目名称</td><td>测试</td></tr></table></body></html>")
    doc = html.read_html(html.decode_html(page.encode("gbk")))
    assert [g.kind for g in doc.grids] == ["text", "table"]
    assert doc.grids[0].rows() == [["项目支出绩效自评表"], ["（2021年度）"]]


def test_layout_tables_are_read_through():
    doc = html.read_html("<table><tr><td>标题<table><tr><td>项目名称</td><td>甲</td></tr></table>"
                         "</td></tr></table>")
    assert [g.kind for g in doc.grids] == ["text", "table"] and doc.grids[1].rows() == [["项目名称", "甲"]]


def test_html_named_anything_is_sniffed_by_content(tmp_path):
    for name in ("a.xls", "a.txt", "a.doc"):
        p = tmp_path / name
        p.write_bytes("\ufeff<!DOCTYPE html><html><body><table></table></body></html>".encode())
        assert sniff(p) == "html", name


# The page's text as Chromium gives it to a copy (the body's innerText): a tab
# between a row's cells, a line a row, and no cell where a merged one reaches
# down from above.
_COPY = ("<script>addEventListener('load', () => { const t = document.body.innerText;"
         " document.body.innerHTML = '<pre id=\"copied\"></pre>';"
         " document.getElementById('copied').textContent = t; });</script>")


@pytest.mark.parametrize("kind,name,shape", [("corpus", "beijing_n1_s101_000", "ragged"),
                                             ("corpus", "guangdong_n3_s103_000", "ragged"),
                                             ("corpus", "beijing_n8_s108_000", "ragged"),
                                             ("corpus", "guangdong_n8_s108_000", "ragged"),
                                             ("summary", "002_summary", "tsv")])
def test_a_web_table_copied_out_of_the_browser_reads_as_its_gold(tmp_path, kind, name, shape):
    """Copying a web page's form yields its rows with tabs between cells,
    but a row under a merged cell (项目资金（万元）, a level-1 or level-2
    label) lacks that cell, so its cells stand left of their columns. Read
    as a grid, these read 0.62, 0.95 and 0.45 by the scorer; they are now
    told by their rows (none opens on an empty cell, as under a merged
    label a spreadsheet's copy does; many lengths) and read as a stream of
    cells, which the rows' contents place; a fund line keeps where its
    empty cells stand (上年结转资金 | 0.00 | 0.00 | | | |: 年初 and 全年预算数,
    which the stream alone read as 全年预算数 and 执行数). A wide summary
    table's rows keep their cells (only its header's are short): it stays a
    grid."""
    import html as html_text
    import re
    import shutil
    import subprocess

    from conftest import compare, gold_of, need
    from make_html_samples import render

    browser = need(next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                         if shutil.which(b)), None), "Chromium", "JIXIAO_REQUIRE_BROWSER", "Debian's chromium")
    page = tmp_path / f"{name}.html"
    page.write_text(render(SAMPLES / f"{name}.docx").replace("</head>", _COPY + "</head>", 1), encoding="utf-8")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    copied = tmp_path / f"{name}.txt"
    body = dom[dom.index("<body"):]  # (the script in the head spells the <pre> too)
    copied.write_text(html_text.unescape(re.search(r'<pre id="copied">(.*)</pre>', body, re.S).group(1)),
                      encoding="utf-8")
    assert text.read(copied).extractor == f"text-{shape}"
    tables = convert([copied], tmp_path / "out")
    n, bad = compare({**gold_of(kind, SAMPLES / f"{name}.docx"), "source": copied.name}, tables)
    assert n > 300 and not bad, "\n".join(bad[:30])
