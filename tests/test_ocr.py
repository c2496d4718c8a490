"""Scans: OCR's corrections, deskewing, and a scanned sample (made from a
corpus PDF by tests/make_scan_samples.py) read end to end against its gold."""
import importlib.util
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, compare, convert, gold_of, need, read_tables, without_unicode
from jixiao.extract.ocr import correct, deskew, engine_for

from jixiao.cli import main

pytestmark = pytest.mark.slow  # `make test-fast` leaves these out; `make test` (and CI) runs them

SCAN = SAMPLES / "scan_beijing_n1_s101_000.pdf"


def needs_tesseract():
    need(shutil.which("tesseract"), "tesseract", "JIXIAO_REQUIRE_OCR", "tesseract-ocr and tesseract-ocr-chi-sim")


def needs(engine: str) -> None:
    """tesseract, which either engine uses, and rapidocr where it is asked for."""
    needs_tesseract()
    if engine == "rapidocr":
        spec = importlib.util.find_spec("rapidocr_onnxruntime")
        need(spec and spec.origin, "rapidocr-onnxruntime", "JIXIAO_REQUIRE_OCR", "it: make setup")


@pytest.mark.parametrize("read, fixed", [
    ("1O.OO", "10.00"), ("3 .00", "3.00"), ("。履盖19家", "履盖19家"), ("0级指标", "一级指标"),
    ("-级指标", "一级指标"), ("S:级指标S", "三级指标"), ("二级指标", "二级指标"), ("年度人指标值。", "年度指标值"),
    ("满意度稚标(10分)", "满意度指标(10分)"), ("活动总数", "活动总数"), ("因疫情原因,停", "因疫情原因,停"),
    # ≥ as OCR reads it
    ("之95%", "≥95%"), (">>90%", "≥90%"), ("798%", "≥98%"), ("295%", "≥95%"), ("正常运行率之99%", "正常运行率≥99%"),
    ("人90%", "≥90%"), ("三分之一", "三分之一"), ("120%", "120%"), ("250%", "250%"), ("人均50元", "人均50元"),
    # a dash between CJK characters is 一; a vocabulary word inside a longer text stays
    ("活动有-定的社会影响力", "活动有一定的社会影响力"), ("达到预期目标", "达到预期目标"), ("3月-11月", "3月-11月"),
    ("效益指标示人(30分)", "效益指标(30分)"),
    # a character OCR confuses, put back where that makes a label (tesseract: 值 as 什); not elsewhere
    ("分什", "分值"), ("实际完成什", "实际完成值"), ("什么", "什么"),
    # a lone 1 in a sharp print (a PDF page rendered) reads as !; not within words
    ("!", "1"), ("!0", "10"), ("1!", "11"), ("注意!", "注意!"),
    # a speck after a number's last digit reads as a point, which no number ends with
    ("77.", "77"), ("9.5。", "9.5"), ("9.5", "9.5"), ("77.5%", "77.5%"),
    # ≧ alone (指标性质) reads as V=; a colon or semicolon ends a label or a rule, no speck
    ("V=", "≥"), ("v=", "≥"), ("年度资金总额:", "年度资金总额:"), ("量化(2分);", "量化(2分);"),
    # points go with level labels only: 执行（35分） is no 执行数, 预算执行（18分） no 预算执行数
    ("执行(35分)", "执行(35分)"), ("预算执行(18分)", "预算执行(18分)"), ("指标分值", "指标分值"),
    # a blurred scan drops the bracket closing the points: a label gets it back, a text read as is does not
    ("产出指标（50分", "产出指标（50分）"), ("效益指标(30分", "效益指标(30分)"), ("完成率（10分", "完成率（10分"),
])
def test_ocr_corrections(read, fixed):
    assert correct(read) == fixed


@pytest.mark.parametrize("tilt, height, width", [(0.4, 1200, 1000), (1.0, 1200, 1000), (1.5, 1200, 1000),
                                                  (3.0, 1200, 1000), (-2.5, 1200, 1000), (4.5, 1655, 2339)])
def test_deskew_levels_the_rules(tilt, height, width):
    """Portrait pages, and a landscape A4 at 200 dpi turned 4.5° (whose rules
    a run of a twentieth of its width lost)."""
    import cv2

    page = np.full((height, width), 255, np.uint8)
    for y in range(200, height - 200, 80):
        cv2.line(page, (100, y), (width - 100, y), 0, 2)
    m = cv2.getRotationMatrix2D((width / 2, height / 2), tilt, 1.0)
    tilted = cv2.warpAffine(page, m, (width, height), borderValue=255)

    def angle(img):
        lines = cv2.HoughLinesP(255 - img, 1, np.pi / 3600, 300, minLineLength=600, maxLineGap=5).reshape(-1, 4)
        return float(np.median([np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines]))

    assert abs(angle(tilted)) > abs(tilt) - 0.2
    assert abs(angle(deskew(tilted))) < 0.15


def test_strokes_are_opencvs_components():
    """`strokes` labels and measures a mask's strokes as OpenCV's
    connectedComponentsWithStats does (it computes the stats from the ink
    alone): rules, crossing and touching strokes, a one-pixel speck, a
    stroke on the image's border, and a blank mask."""
    import cv2
    from jixiao.extract.ocr import strokes

    mask = np.zeros((400, 300), np.uint8)
    cv2.line(mask, (10, 20), (290, 22), 255, 3)
    cv2.line(mask, (150, 0), (150, 399), 255, 2)  # crosses the first, touches two borders
    cv2.line(mask, (20, 300), (120, 380), 255, 1)  # diagonal: joined by 8-connectivity only
    mask[200, 200] = 255
    cv2.rectangle(mask, (0, 390), (60, 399), 255, -1)
    for m in (mask, np.zeros((5, 7), np.uint8)):
        _, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
        ours = strokes(m)
        assert (ours[0] == labels).all()
        assert (ours[1][1:] == stats[1:]).all() and ours[1][0, 4] == stats[0, 4]
    assert len(strokes(mask)[1]) == 5


@pytest.mark.parametrize("dpi, mode", [(200, "L"), (150, "L"), (300, "L"), (200, "RGB")])
def test_a_scanned_page_is_taken_from_its_image_as_pdfium_renders_it(tmp_path, dpi, mode):
    """A page that is one scanned image is decoded, not rendered: the same
    pixels to 2 grey levels (resampled to the OCR's resolution from 150 and
    300 dpi as PDFium resamples); any other page, a text PDF's or one turned by
    /Rotate, is left to PDFium (None)."""
    import pypdfium2 as pdfium
    from jixiao.extract.ocr import DPI
    from jixiao.extract.pdf_pages import _scanned_image
    from PIL import Image, ImageDraw

    img = Image.new(mode, (int(8.27 * dpi), int(11.69 * dpi)), "white")
    draw = ImageDraw.Draw(img)
    for k in range(20):  # rules and strokes a pixel or two wide, where resampling shows
        draw.line((dpi // 2, dpi + k * dpi // 3, img.width - dpi // 2, dpi + k * dpi // 3 + k % 3), fill="black",
                  width=1 + k % 2)
        draw.text((dpi, dpi + k * dpi // 3 + 5), f"row {k} 12.5%", fill=(90, 40, 20) if mode == "RGB" else 60)
    img.save(tmp_path / "scan.pdf", resolution=dpi)
    page = pdfium.PdfDocument(tmp_path / "scan.pdf")[0]
    ours = _scanned_image(page, DPI, "page 1's image")
    rendered = page.render(scale=DPI / 72, grayscale=True).to_numpy()
    assert ours is not None and ours.shape == rendered.shape
    assert np.abs(ours.astype(int) - rendered).max() <= 2
    page.set_rotation(90)
    assert _scanned_image(page, DPI, "page 1's image") is None
    text_page = pdfium.PdfDocument(SAMPLES / "beijing_n3_s103_000.pdf")[0]
    assert _scanned_image(text_page, DPI, "page 1's image") is None


def test_keystone_puts_a_short_table_in_the_columns_of_a_tall_one():
    """Two pages scanned under the same lifted lid (top edge 5% narrower): one
    a table of 30 rows, one of 4 (a form's last rows, alone on a page). Both
    are squared, and their columns land where the other's do, so that the
    rows carry on across the page break."""
    import cv2
    from jixiao.extract import ocr
    from make_scan_samples import keystone
    from PIL import Image

    def scanned(rows: int) -> np.ndarray:
        page = np.full((2339, 1655), 255, np.uint8)
        xs, top, step = [120, 300, 700, 1100, 1535], 200, 60
        for r in range(rows + 1):
            cv2.line(page, (xs[0], top + r * step), (xs[-1], top + r * step), 0, 3)
        for x in xs:
            cv2.line(page, (x, top), (x, top + rows * step), 0, 3)
        return np.asarray(keystone(Image.fromarray(page), 0.05))

    def columns(gray: np.ndarray) -> list[int]:
        (cells,) = ocr.ruled(gray)[3]
        return sorted({round(b[0]) for b in cells} | {round(b[2]) for b in cells})

    tall, short = columns(scanned(30)), columns(scanned(4))
    assert len(tall) == len(short) == 5 and all(abs(a - b) <= 2 for a, b in zip(tall, short, strict=True))


def _out_of_focus(mark: str, x: int, scale: float) -> np.ndarray:
    """A 40x60 cell holding `mark` at `x`, blurred by 1.5 pixels (grey, as floats)."""
    import cv2
    from PIL import Image, ImageFilter

    cell = np.full((40, 60), 255, np.uint8)
    cv2.putText(cell, mark, (x, 28), cv2.FONT_HERSHEY_SIMPLEX, scale, 0, 1, cv2.LINE_AA)
    return np.asarray(Image.fromarray(cell).filter(ImageFilter.GaussianBlur(1.5))).astype(float)


def _cleaned(gray: np.ndarray) -> np.ndarray:
    """A cell as the page reader looks at it: median-blurred (ocr._read_page)."""
    import cv2

    return cv2.medianBlur(np.clip(gray, 0, 255).astype(np.uint8), 3)


def _scanner_noise(seed: int, sigma: float) -> np.ndarray:
    """A blank 40x60 cell of scanner noise, darker than paper only."""
    return _cleaned(255 + np.random.default_rng(seed).normal(0, sigma, (40, 60)))


def test_a_blurred_digit_is_not_taken_for_a_blank_cell():
    """A small 5 scanned out of focus (Gaussian blur of 1.5 pixels): fewer
    than MIN_INK of its pixels are darker than INK, but its core is, and it
    is read; a blank cell of scanner noise is still blank."""
    from jixiao.extract.ocr import INK, MIN_INK, inked

    blurred = _cleaned(_out_of_focus("5", 24, 0.5))
    assert 0 < int((blurred < INK).sum()) < MIN_INK and inked(blurred, blurred < INK)
    noise = _scanner_noise(1, 25)
    assert not inked(noise, noise < INK)


def test_a_blurred_mark_lighter_than_ink_is_not_taken_for_a_blank_cell():
    """A % in a 计量单位 cell of a scan blurred by 1.5 pixels
    (bench_scan_variants' blur1.5) is 161-167 grey at its darkest: no pixel
    darker than INK, and the cell was taken for blank (the unit lost, 10
    fields of one file). It is one stroke darker than halfway to paper, where
    a blank cell's noise is specks, and darker than STROKE somewhere, where
    paper shaded grey and what a red seal leaves once its red is taken out
    (test_a_red_seal_across_the_form_is_not_read) are not."""
    from jixiao.extract.ocr import INK, STROKE, inked

    blurred = _out_of_focus("%", 22, 0.6)
    faint = _cleaned(255 - (255 - blurred) * 90 / (255 - blurred.min()))
    assert INK < faint.min() < 175 and not (faint < INK).any()
    assert inked(faint, faint < INK)
    noise = _scanner_noise(2, 60)
    assert noise.min() < STROKE and not inked(noise, noise < INK)
    shaded = np.tile(np.linspace(205, 250, 60), (40, 1)).astype(np.uint8)
    assert not inked(shaded, shaded < INK)


# What each engine must read right of a scan's gold fields: issue 8 asked
# tesseract for 0.90 (it reads 0.969 here), issue 19 asks 0.99 (PP-OCR reads 0.996).
GOAL = {"tesseract": 0.95, "rapidocr": 0.99}


@pytest.fixture(scope="module", params=["rapidocr", "tesseract"])
def converted_scan(request, tmp_path_factory):
    needs(request.param)
    return request.param, convert([SCAN], tmp_path_factory.mktemp("scan"), "--ocr-engine", request.param)


def test_scan_against_gold(converted_scan):
    engine, converted_scan = converted_scan
    n, bad = compare(gold_of("scans", SCAN), converted_scan)
    assert 1 - len(bad) / n >= GOAL[engine], "\n".join(bad[:40])
    (src,) = converted_scan["sources"]
    assert (src["status"], src["extractor"], src["pages"]) == ("ok", f"pdfium+{engine}", 3)
    (p,) = converted_scan["projects"]
    assert p["project_name"] == "社区青年汇活动项目" and p["fiscal_year"] == 2020
    assert (float(p["budget_initial_yuan"]), float(p["executed_yuan"]), p["execution_rate"]) == (
        4798000.0, 3325720.0, 0.9999)
    weights = [i["weight"] for i in sorted(converted_scan["indicators"], key=lambda i: i["indicator_index"])]
    assert sum(w is not None for w in weights) >= 24  # the digits-only second reading of 分值


def test_a_searchable_scan_reads_as_the_scan_it_is(converted_scan, tmp_path):
    """A searchable scan: the scanner (or Acrobat's Recognize Text) laid its
    own OCR's text, invisible, under the page image. That text has no cells
    (the rules are in the image), so before no form was found; the page is
    read as the scan it is, from the image's own pixels, row for row as the
    plain scan."""
    import io

    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    engine, plain = converted_scan
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    w = PdfWriter(clone_from=SCAN)
    for page in w.pages:
        height = float(page.mediabox.height)
        layer = io.BytesIO()
        c = canvas.Canvas(layer, pagesize=(float(page.mediabox.width), height))
        text = c.beginText()
        text.setTextRenderMode(3)  # invisible
        text.setFont("STSong-Light", 10)
        for k in range(30):
            text.setTextOrigin(60, height - 80 - 20 * k)
            text.textLine("项目支出绩效自评表 项目名称 社区青年汇活动项目 年度资金总额 479.8")
        c.drawText(text)
        c.save()
        page.merge_page(PdfReader(layer).pages[0])
    w.write(tmp_path / SCAN.name)
    searchable = convert([tmp_path / SCAN.name], tmp_path / "out", "--ocr-engine", engine)
    for name in ("projects", "funds", "indicators"):
        assert [{k: v for k, v in r.items() if k not in ("form_id", "source_id")} for r in searchable[name]] == \
            [{k: v for k, v in r.items() if k not in ("form_id", "source_id")} for r in plain[name]]


def test_a_red_seal_across_the_form_is_not_read(tmp_path):
    """An official scan carries the issuing office's seal (公章) stamped
    across the form, its red ink mixed over the print. In grey its ring and
    characters were strokes in the cells they cross: an executed amount read
    332570.00, the seal's characters became the form's remarks, level-2
    labels read /数量指标 (0.91 of the sample's fields by the scorer). Where
    red dominates, the grey is now the red channel's: the amounts, labels and
    remarks under the seals read as gold, from a colour PDF and a colour TIFF."""
    import pypdfium2
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    needs_tesseract()
    engine = engine_for("auto")
    font = need(next(iter(Path("/usr/share/fonts").rglob("wqy-microhei.ttc")), None), "a Chinese font",
                "JIXIAO_REQUIRE_OCR", "fonts-wqy-microhei")
    name = "guangdong_n1_s101_000.pdf"
    pages = []
    for page in pypdfium2.PdfDocument(str(SAMPLES / name)):
        image = page.render(scale=200 / 72).to_pil().convert("RGB")
        seal = Image.new("RGB", image.size, "white")
        draw = ImageDraw.Draw(seal)
        for x, y in ((0.55 * image.width, 0.35 * image.height), (0.3 * image.width, 0.7 * image.height)):
            draw.ellipse((x - 170, y - 170, x + 170, y + 170), outline=(220, 30, 40), width=10)
            draw.regular_polygon((x, y - 90, 30), 5, fill=(220, 30, 40))
            draw.text((x - 130, y - 25), "财政局专用章", fill=(220, 30, 40), font=ImageFont.truetype(str(font), 40))
        pages.append(ImageChops.multiply(image, seal))  # ink over ink
    stem = tmp_path / "sealed"
    for ext, options in (("tif", {"dpi": (200, 200), "compression": "tiff_lzw"}), ("pdf", {"resolution": 200})):
        pages[0].copy().save(f"{stem}.{ext}", save_all=True, append_images=[p.copy() for p in pages[1:]],
                             **options)
    gold = gold_of("corpus", SAMPLES / name)
    for form in gold["forms"]:  # what the seals cross: the amounts, the labels, the text around the tables
        form["project"] = {k: form["project"][k] for k in ("project_name", "department", "remarks")}
        form["indicators"] = [{k: i[k] for k in ("level1", "level2")} for i in form["indicators"]]
    for ext in ("pdf", "tif"):
        tables = convert([Path(f"{stem}.{ext}")], tmp_path / ext, "--ocr-engine", engine)
        n, bad = compare({**gold, "source": f"sealed.{ext}"}, tables)
        assert n == 83 and not bad, "\n".join(bad[:30])


def test_scan_confidence_is_reported(converted_scan):
    _, converted_scan = converted_scan
    conf = [c for c in converted_scan["checks"] if c["check"] == "ocr_confidence"]
    assert [c["detail"].split(" read by OCR")[0] for c in conf] == ["page 1", "page 2", "page 3"]
    assert all(c["severity"] == "warning" and "mean word confidence" in c["detail"] for c in conf)


def test_image_file_and_ocr_off(tmp_path):
    needs_tesseract()
    import pypdfium2

    page = pypdfium2.PdfDocument(SAMPLES / "beijing_n1_s101_000.pdf")[0]
    page.render(scale=200 / 72, grayscale=True).to_pil().save(tmp_path / "page1.png", dpi=(200, 200))
    shutil.copy(SCAN, tmp_path / "scan.pdf")
    (src,) = convert([tmp_path / "page1.png"], tmp_path / "a")["sources"]
    assert (src["format"], src["extractor"], src["forms"]) == ("image", engine_for("auto"), 1)
    assert main(["convert", str(tmp_path / "scan.pdf"), "--out", str(tmp_path / "b"), "--quiet", "--ocr", "off"]) == 1
    (src,) = read_tables(tmp_path / "b")["sources"]
    assert src["error"].endswith("scanned PDF: no text layer on 3 of 3 pages (OCR is off)")


NEVER_SEEN_GOAL = {"tesseract": 0.93, "rapidocr": 0.99}  # they read 0.965 and 0.996 when these were set


def test_a_scan_never_seen(tmp_path):
    """A scan made here with settings the OCR was not tuned on (another
    layout, 150 dpi, turned 1.2°, JPEG at quality 60, and a keystone: the top
    edge 3% narrower, as a photograph or a lifted lid gives, which read 0.70
    before the frame was squared) reads as its gold, by the engine `auto`
    takes (tesseract's own gold test is the one above)."""
    needs_tesseract()
    engine = engine_for("auto")
    from make_scan_samples import Scanner, scan

    name = "guangdong_n1_s101_000.pdf"
    scan(SAMPLES / name, tmp_path / name, Scanner(dpi=150, angle=1.2, noise=12, jpeg=60, seed=31, perspective=0.03))
    tables = convert([tmp_path / name], tmp_path / "out", "--ocr-engine", engine)
    n, bad = compare(gold_of("corpus", SAMPLES / name), tables)
    assert 1 - len(bad) / n >= NEVER_SEEN_GOAL[engine], "\n".join(bad[:40])


def test_a_text_layer_that_does_not_map_to_unicode_is_read_as_a_scan(tmp_path):
    """A PDF whose fonts have no ToUnicode map: its text layer is glyph
    numbers (control characters and symbols; before, no form was found), so
    its pages are read from their rendering by OCR, and a check says which.
    Reads as its gold, by the engine `auto` takes; with OCR off the pages are
    reported unread. A sharp render reads a lone 1 as ! (分值, 得分): such a
    cell is put back."""
    needs_tesseract()
    engine = engine_for("auto")
    name = "guangdong_n1_s101_000.pdf"
    without_unicode(SAMPLES / name, tmp_path / name)
    tables = convert([tmp_path / name], tmp_path / "out", "--ocr-engine", engine)
    assert [(s["status"], s["extractor"]) for s in tables["sources"]] == [("ok", f"pdfium+{engine}")]
    assert [c["detail"] for c in tables["checks"] if "Unicode" in c["detail"]] == [
        "pages whose text does not map to Unicode (fonts without a ToUnicode map: copied, it is control "
        "characters and symbols), read from their rendering as scans are: 1-3"]
    n, bad = compare(gold_of("corpus", SAMPLES / name), tables)
    assert 1 - len(bad) / n >= NEVER_SEEN_GOAL[engine], "\n".join(bad[:40])
    assert main(["convert", str(tmp_path / name), "--out", str(tmp_path / "off"), "--quiet", "--ocr", "off"]) == 1
    (src,) = read_tables(tmp_path / "off")["sources"]
    assert (src["status"], src["error"]) == (
        "failed", "ValueError: PDF: no text layer that maps to Unicode on 3 of 3 pages (OCR is off)")


def test_a_page_darker_towards_a_corner_reads_as_its_gold(tmp_path):
    """A page photographed, or scanned near a bound file's spine, is darker
    towards a corner: there the paper (to 55% of its light) was darker than
    the ink thresholds and whole cells read as ink (a name took its row's
    target, 覆盖人数 read 人数: 0.86 of the sample's fields by the scorer).
    The paper's light is evened out first (`ocr.even_light`), and the page
    reads as its gold at the goal of a scan never seen."""
    needs_tesseract()
    engine = engine_for("auto")
    from make_scan_samples import Scanner, scan

    name = "guangdong_n1_s101_000.pdf"
    scan(SAMPLES / name, tmp_path / name, Scanner(angle=0.6, noise=8, shadow=0.45, seed=41))
    tables = convert([tmp_path / name], tmp_path / "out", "--ocr-engine", engine)
    n, bad = compare(gold_of("corpus", SAMPLES / name), tables)
    assert 1 - len(bad) / n >= NEVER_SEEN_GOAL[engine], "\n".join(bad[:40])


@pytest.fixture(scope="module")
def first_page(tmp_path_factory):
    """The scan sample's first page as an image, and how it reads upright."""
    needs_tesseract()
    import pypdfium2 as pdfium
    from jixiao.extract.ocr import DPI

    d = tmp_path_factory.mktemp("orient")
    img = pdfium.PdfDocument(str(SCAN))[0].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    img.save(d / "upright.png")
    return d, img, convert([d / "upright.png"], d / "upright")


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_page_scanned_sideways_reads_as_upright(first_page, degrees):
    """Fed into the scanner turned: detected (tesseract's OSD), turned back,
    and read exactly as the same page upright."""
    d, img, upright = first_page
    path = d / f"turned{degrees}.png"
    img.rotate(degrees, expand=True).save(path)
    got = convert([path], d / f"out{degrees}")

    def rows(t):
        return ([(p["project_name"], p["budget_initial_yuan"]) for p in t["projects"]],
                [(f["fund_kind"], f["executed_yuan"]) for f in t["funds"]],
                [(i["name"], i["target_raw"], i["actual_raw"], i["weight"], i["score"]) for i in t["indicators"]])

    assert rows(upright)[0] and rows(got) == rows(upright)


@pytest.mark.parametrize("turns", [(90, 90, 90), (0, 0, 180)], ids=["all-sideways", "last-upside-down"])
def test_a_file_fed_in_turned_reads_whole(tmp_path, turns):
    """The scan sample with its pages turned, as a bound archive is fed in:
    all of them 90°, or only the last one 180°. That last page holds only the
    table's closing rows: mostly blank, so the orientation detection is
    unsure of it, and it is tried turned as the page before it was, then
    every other way (the 总分 row is on it)."""
    needs(engine_for("auto"))
    from jixiao.extract.ocr import DPI
    from make_scan_samples import turned

    path = tmp_path / "turned.pdf"
    turned(SCAN, path, lambda k: turns[k], DPI)
    tables = convert([path], tmp_path / "out")
    n, bad = compare({**gold_of("scans", SCAN), "source": path.name}, tables)
    assert 1 - len(bad) / n >= GOAL[engine_for("auto")], "\n".join(bad[:40])
    (p,) = tables["projects"]
    assert (p["total_weight"], p["total_score"]) == (100.0, 83.9)


MISREAD = SAMPLES / "scan_misread_beijing_n8_s108_000.pdf"


def test_a_misread_amount_is_mended_by_the_forms_own_sums(tmp_path):
    """tesseract reads the total line's 572.809728 万元 as 572.089728
    (tests/make_scan_samples.py: MISREAD). The fund lines' sum gives it
    back; the check keeps both readings, and no funds_sum error is left.
    (The 不超过572.809728万元 of its cost indicator is misread alike: an
    indicator's text is not an amount the form adds up. tesseract reads a
    colon after the label, which a cell's end keeps now: real forms print
    年度资金总额：.)"""
    needs_tesseract()
    tables = convert([MISREAD], tmp_path / "out", "--ocr-engine", "tesseract")
    _, bad = compare(gold_of("scans", MISREAD), tables)
    assert [b for b in bad if "yuan" in b or "execution_rate" in b] == []
    mended = sorted(c["detail"] for c in tables["checks"]
                    if c["check"] == "ocr_low_confidence" and not c["detail"].startswith("OCR cell"))
    assert mended == [
        "全年预算数: fund lines add up to 572.809728, the total line reads 572.089728 (万元): 年度资金总额: read as "
        "572.089728, taken as 572.809728, which makes the lines add up"]
    assert not {c["check"] for c in tables["checks"]} & {"funds_sum", "execution_rate"}


def test_ocr_runs_with_the_network_unreachable(tmp_path, monkeypatch):
    """PP-OCR reads a scan with every connection refused: its models are
    installed with the package, nothing is fetched when a file is read.
    (tesseract is a program reading its installed model; it has no network
    code to refuse.)"""
    from jixiao.api import read_file

    def refused(*args, **kwargs):
        raise OSError("network unreachable (test)")

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket, "create_connection", refused)
    first = tmp_path / "page1.pdf"
    import pypdfium2

    one = pypdfium2.PdfDocument.new()
    one.import_pages(pypdfium2.PdfDocument(SCAN), [0])
    one.save(first)
    needs("rapidocr")
    result = read_file(first, ocr_engine="rapidocr")
    assert list(result.sources["extractor"]) == ["pdfium+rapidocr"]
    assert list(result.projects["project_name"]) == ["社区青年汇活动项目"]


def test_auto_takes_tesseract_where_rapidocr_is_not_installed(monkeypatch):
    import importlib.util as util

    real = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "rapidocr_onnxruntime" else real(name, *a))
    assert engine_for("auto") == "tesseract"
    assert engine_for("tesseract") == "tesseract" and engine_for("rapidocr") == "rapidocr"
    with pytest.raises(ValueError, match="unknown OCR engine 'paddle'"):
        engine_for("paddle")
    from jixiao.extract.ocr import ENGINES

    from jixiao import cli

    assert cli.OCR_ENGINES == list(ENGINES)  # spelt out there to keep numpy out of `jixiao --help`


def test_rapidocr_asked_for_but_missing_fails_the_file_in_one_line(tmp_path, monkeypatch):
    needs_tesseract()
    import sys

    from jixiao.extract import ocr_rapid

    from jixiao.pipeline import convert_file

    for name in ["rapidocr_onnxruntime", *(m for m in sys.modules if m.startswith("rapidocr_onnxruntime."))]:
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if never installed
    ocr_rapid._recogniser.cache_clear()
    try:
        res = convert_file("scan.pdf", SCAN, ocr_engine="rapidocr")
    finally:
        ocr_rapid._recogniser.cache_clear()
    assert res.source["status"] == "failed" and "\n" not in res.source["error"]
    assert "needs rapidocr-onnxruntime" in res.source["error"]


def test_a_character_of_strokes_apart_alone_on_a_line_is_kept():
    """文字错误率低于万分之三 wrapped in a narrow cell leaves 三 alone on its
    line: three runs of a few rows each, which were dropped as specks; they
    make one line when together they stay within a line's height."""
    from jixiao.extract.ocr import INK
    from jixiao.extract.ocr_rapid import lines
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(next(Path("/usr/share/fonts").rglob("wqy-microhei.ttc"))), 29)
    img = Image.new("L", (330, 100), 255)
    draw = ImageDraw.Draw(img)
    draw.text((5, 5), "文字错误率低于万分之", font=font, fill=0)
    draw.text((5, 50), "三", font=font, fill=0)
    (first_top, first_bottom, *_), (top, bottom, left, right) = lines(np.asarray(img), INK)
    assert bottom - top >= 0.6 * (first_bottom - first_top) and right - left < 40



def _canvas() -> np.ndarray:
    return np.zeros((60, 60), dtype=bool)


def test_a_lone_mark_is_read_by_its_strokes():
    """= (two bars, the lower one pixel thin as a sharp render leaves it), /
    (one stroke leaning right), ≥ and ≧ (a chevron over one or two bars; ≦
    mirrored); a 1 or an I (upright), a speck, or a letter of several
    strokes is no such mark."""
    from jixiao.extract.glyphs import mark_of

    equals = _canvas()
    equals[25:27, 20:40] = True
    equals[32, 20:40] = True
    slash = _canvas()
    for k in range(30):
        slash[45 - k, 20 + k // 2: 22 + k // 2] = True
    one = _canvas()
    one[15:45, 29:31] = True
    speck = _canvas()
    speck[30, 30] = True
    plus = _canvas()
    plus[29:31, 20:40] = True
    plus[20:40, 29:31] = True
    assert [mark_of(m) for m in (equals, slash, one, speck, plus)] == ["=", "/", None, None, None]
    more = _canvas()  # ≧: a chevron opening left over two bars; one bar under it: ≥
    for k in range(7):
        more[10 + k, 20 + 2 * k: 24 + 2 * k] = True
        more[23 - k, 20 + 2 * k: 24 + 2 * k] = True
    more[28:30, 20:40] = True
    assert mark_of(more) == "≥"
    more[34:36, 20:40] = True
    assert mark_of(more) == "≧"
    assert mark_of(more[:, ::-1]) == "≦"


def test_a_lone_small_digit_is_read():
    """Two 权重 cells of guangdong_n8 scanned at 120 dpi (bench_scan_variants'
    120dpi), as the page reader cuts and cleans them: each holds a small 5,
    which the recogniser, given a line a few columns wide, read as nothing
    (the weight lost). A short line read as nothing is read again with more
    paper beside it."""
    from jixiao.extract import ocr_rapid
    from jixiao.extract.ocr import INK, halfway_to_paper
    from PIL import Image

    needs("rapidocr")
    for k in (0, 1):
        img = np.asarray(Image.open(Path(__file__).parent / "data" / f"lone_5_120dpi_{k}.png").convert("L"))
        ink = max(INK, halfway_to_paper(img))
        (line,) = ocr_rapid.lines(img, ink)
        assert ocr_rapid.recognise([ocr_rapid.line_strip(img, line)])[0][0] == ""  # what the first reading gives
        assert "".join(c[5] for c in ocr_rapid.read_images([img], [ink])[0]) == "5"
