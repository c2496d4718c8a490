"""DIR/report.html: what a person reads after a run, checked in its HTML and
in a real headless Chromium (no console errors, a screenshot taken)."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLES, need

from jixiao.cli import main

ARTIFACTS = Path(__file__).resolve().parent / ".artifacts"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    for p in sorted(SAMPLES.glob("00*.txt")) + [SAMPLES / "beijing_n3_s103_000.pdf"]:
        shutil.copy(p, src / p.name)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00" * 64)
    out = tmp_path_factory.mktemp("out")
    assert main(["convert", str(src), "--out", str(out), "--quiet"]) == 1
    return out


def test_report_content(run_dir):
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<b>7</b>files" in page and "<b>1</b>failed" in page and "<b>64</b>forms" in page
    assert "broken.pdf" in page and "damaged PDF" in page  # the failure and its reason
    for kind in ("weights_sum", "score_sum", "funds_sum", "level2_group", "summary_layout", "score_rule"):
        assert f"id='check-{kind}'" in page
    links = set(re.findall(r"href='#form-([0-9a-f]{16}-\d{3})'", page))
    anchors = set(re.findall(r"id='form-([0-9a-f]{16}-\d{3})'", page))
    assert links and links <= anchors  # every finding links down to its form
    assert re.search(r"<td>年度指标值</td><td class=''>target</td><td class=n>100</td>", page)
    assert page.count("<svg") == 4 and "<script" not in page and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", "")


def test_report_flags_departments_printed_two_ways_and_shows_pages(run_dir):
    """The seeds print one department long and short (…委员会 / …委), and
    another with a typo (妇女联合会 / 妇联联合会): a warehouse grouping by
    department would split each. The forms table says where each form is."""
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=n>\d+</td><td>([^<]+)</td><td class=n>\d+</td><td>([^<]+)</td>",
                      page[page.index("id=departments"):page.index("id=charts")])
    assert ("中国共产主义青年团北京市委员会", "中国共产主义青年团北京市委", "the same, abbreviated") in rows
    assert ("深圳市罗湖区妇女联合会(本级)", "深圳市罗湖区妇联联合会(本级)", "93% alike") in rows
    assert len(rows) == 2  # and no other pair: 北京市妇女联合会 is not 深圳市龙岗区妇女联合会
    assert "beijing_n3_s103_000.pdf</td><td class=n>1-2</td>" in page  # its first form, pages 1 to 2
    assert "bins of 2 from 80" in page  # the histogram spans the scores present (80-100)


def _browser() -> str | None:
    return need(next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None), "Chromium",
                "JIXIAO_REQUIRE_BROWSER", "Debian's chromium")


def load_in_chromium(page: Path, screenshot: Path, profile: Path) -> list[str]:
    """Open a page headless, save a screenshot, return its console messages."""
    cmd = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--window-size=1280,2200",
           f"--screenshot={screenshot}", page.resolve().as_uri()]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return [ln for ln in res.stderr.splitlines() if ":CONSOLE" in ln]


def test_console_errors_are_seen(tmp_path):
    """The detector itself: a page with a script error must be caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>missingFunction()</script></body></html>")
    msgs = load_in_chromium(bad, tmp_path / "bad.png", tmp_path / "profile")
    assert any("missingFunction" in m for m in msgs)


def test_report_in_chromium(run_dir, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    msgs = load_in_chromium(run_dir / "report.html", shot, tmp_path / "profile")
    assert msgs == []
    assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_header_mappings_cover_the_whole_dataset(tmp_path):
    """A second run that converts nothing still reports every header
    mapping of the dataset (they are kept beside it, in _headers/), and a
    file's mappings go with its rows when it changes."""
    src = tmp_path / "in"
    src.mkdir()
    one = src / "one.txt"
    one.write_bytes(next(SAMPLES.glob("000_*.txt")).read_bytes())
    out = tmp_path / "out"
    row = re.compile(r"<td>年度指标值</td><td class=''>target</td><td class=n>100</td><td class=n>(\d+)</td>")
    for _ in range(2):
        assert main(["convert", str(src), "--out", str(out), "--quiet"]) == 0
        assert row.search((out / "report.html").read_text(encoding="utf-8")).group(1) == "1"
    one.write_bytes(next(SAMPLES.glob("003_*.txt")).read_bytes())  # other content at the same path
    assert main(["convert", str(src), "--out", str(out), "--quiet"]) == 0
    assert main(["convert", str(one), "--out", str(tmp_path / "fresh"), "--quiet"]) == 0

    def mappings(d):
        page = (d / "report.html").read_text(encoding="utf-8")
        return page[page.index("id=headers"):page.index("id=forms")]

    assert mappings(out) == mappings(tmp_path / "fresh")  # 003's alone: 000's went with its rows
    assert not row.search(mappings(out))
