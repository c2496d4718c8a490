"""`jixiao inspect FILE.pdf --png DIR`: each page of a PDF drawn with what was
read on it, as pdfplumber's `debug_tablefinder` draws its findings: every
ruled cell the lattice found (thin blue), and every cell an indicator or fund
line was read from (green), labelled with its record (ind 3, fund 0). A cell
that fed no record and holds text is what to look at when a value is missing.
"""
from __future__ import annotations

from pathlib import Path

from jixiao.normalize.records import Form

SCALE = 1.5  # 108 dpi: cell text stays legible beside the labels
RULED = (80, 140, 230)
READ = (20, 150, 60)


def draw(pdf: Path, forms: list[Form], dest: Path) -> list[Path]:
    """One PNG per page (page-001.png …) into `dest`; the paths written."""
    import pypdfium2
    from PIL import ImageDraw

    from jixiao.extract.pdf_pages import pages

    marks: dict[int, list[tuple[str, tuple[float, float, float, float]]]] = {}
    for form in forms:
        for record, cells in form.origin.items():
            label = record.replace("indicator ", "ind ").split(" (")[0]
            for k, (_, _, at) in enumerate(cells):
                if at is not None:
                    marks.setdefault(at[0], []).append((label if k == 0 else "", at[1]))
    dest.mkdir(parents=True, exist_ok=True)
    _, _, read_pages = pages(pdf, "pdfium", ocr=False)  # the lattice's cells, page by page
    doc = pypdfium2.PdfDocument(str(pdf))
    written = []
    try:
        for page in read_pages:
            img = doc[page.number - 1].render(scale=SCALE).to_pil().convert("RGB")
            pen = ImageDraw.Draw(img)
            for cells in page.tables:
                for x0, top, x1, bottom in cells:
                    pen.rectangle([x0 * SCALE, top * SCALE, x1 * SCALE, bottom * SCALE], outline=RULED, width=1)
            for label, (x0, top, x1, bottom) in marks.get(page.number, []):
                pen.rectangle([x0 * SCALE + 1, top * SCALE + 1, x1 * SCALE - 1, bottom * SCALE - 1], outline=READ,
                              width=2)
                if label:
                    pen.text((x0 * SCALE + 3, top * SCALE + 2), label, fill=READ)
            path = dest / f"page-{page.number:03d}.png"
            img.save(path)
            written.append(path)
    finally:
        doc.close()
    return written
