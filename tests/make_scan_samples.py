"""Scans of text PDFs, as a scanner makes them: each page rasterised, turned
a little, given noise (and optionally blur and JPEG compression), and wrapped
back into an image-only PDF.

    .venv/bin/python tests/make_scan_samples.py            # the committed sample
    .venv/bin/python tests/make_scan_samples.py SRC.pdf DST.pdf --angle -1 --dpi 150 --jpeg 60

The first form writes samples/scan_*.pdf and its gold (tests/gold/scans/):
the gold is the source PDF's, since a scan of a form holds the same form.
The second makes one scan with other settings; tests/test_ocr.py uses it to
make scans the OCR was never tuned on.
"""
from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["beijing_n1_s101_000.pdf"]


@dataclass(frozen=True)
class Scanner:
    dpi: int = 200
    angle: float = 0.5  # degrees, alternating in sign from page to page
    noise: float = 10.0  # standard deviation of the grey-level noise
    blur: float = 0.0  # Gaussian blur radius in pixels (an out-of-focus scan)
    jpeg: int = 0  # JPEG quality of each page image; 0 keeps it lossless
    seed: int = 1
    perspective: float = 0.0  # keystone: the page's top edge this fraction narrower than its bottom
    shadow: float = 0.0  # uneven light: the page this fraction darker at its bottom right corner (a photograph)


def scan(src: Path, dst: Path, s: Scanner = Scanner()) -> None:
    rng = np.random.default_rng(s.seed)
    pages = []
    for k, page in enumerate(pypdfium2.PdfDocument(src)):
        img = page.render(scale=s.dpi / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(s.angle if k % 2 == 0 else -s.angle, resample=Image.BICUBIC, fillcolor=255)
        if s.perspective:
            img = keystone(img, s.perspective)
        if s.blur:
            img = img.filter(ImageFilter.GaussianBlur(s.blur))
        if s.shadow:
            yy, xx = np.mgrid[0:img.height, 0:img.width]
            light = 1 - s.shadow * (0.6 * (xx / img.width) ** 2 + 0.4 * (yy / img.height) ** 2)
            img = Image.fromarray((np.asarray(img) * light).astype(np.uint8))
        noisy = np.asarray(img).astype(np.int16) + rng.normal(0, s.noise, (img.height, img.width)).astype(np.int16)
        img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
        if s.jpeg:
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=s.jpeg)
            img = Image.open(io.BytesIO(buf.getvalue()))
        pages.append(img)
    pages[0].save(dst, save_all=True, append_images=pages[1:], resolution=s.dpi)


def turned(src: Path, dst: Path, turns: Callable[[int], int], dpi: int = 200) -> None:
    """The pages of `src` (a scan) as fed in turned: page k by `turns(k)`
    degrees, rendered at `dpi`."""
    pages = [p.render(scale=dpi / 72, grayscale=True).to_pil().convert("L").rotate(turns(k), expand=True)
             for k, p in enumerate(pypdfium2.PdfDocument(src))]
    pages[0].save(dst, save_all=True, append_images=pages[1:], resolution=dpi)


# Two pages of a scan on which tesseract misreads a number of the form's own
# arithmetic (its total line's 572.809728 万元 as 572.089728): the pages as
# benchmarks/bench_ocr.py scans them, kept whole so the noise is the same.
# Form 7 is printed on those pages.
MISREAD = ("beijing_n8_s108_000.pdf", Scanner(angle=0.4, noise=8, blur=0.5, seed=53), [12, 13], [7])


def keystone(img: Image.Image, fraction: float) -> Image.Image:
    """The page as a camera or a tilted scanner lid sees it: its top edge
    `fraction` of the width narrower than its bottom, centred."""
    import cv2

    w, h = img.size
    inset = fraction * w / 2
    # PIL maps each output pixel back to the page: the transform from the
    # narrowed corners to the page's own
    narrowed = np.float32([(inset, 0), (w - inset, 0), (w, h), (0, h)])
    page = np.float32([(0, 0), (w, 0), (w, h), (0, h)])
    m = cv2.getPerspectiveTransform(narrowed, page)
    return img.transform((w, h), Image.Transform.PERSPECTIVE, tuple((m.flatten() / m[2, 2])[:8]),
                         Image.Resampling.BICUBIC, fillcolor=255)


def committed_samples() -> None:
    out = ROOT / "tests" / "gold" / "scans"
    out.mkdir(exist_ok=True)
    for k, name in enumerate(SOURCES):
        dst = f"scan_{name}"
        scan(ROOT / "samples" / name, ROOT / "samples" / dst, Scanner(seed=k + 1))
        _gold(name, dst, out)
    name, scanner, pages, forms = MISREAD
    dst = f"scan_misread_{name}"
    scan(ROOT / "samples" / name, ROOT / "samples" / dst, scanner)
    whole = pypdfium2.PdfDocument(ROOT / "samples" / dst)
    some = pypdfium2.PdfDocument.new()
    some.import_pages(whole, pages)
    whole.close()
    some.save(ROOT / "samples" / dst)
    _gold(name, dst, out, forms)


def _gold(name: str, dst: str, out: Path, forms: list[int] | None = None) -> None:
    """The source PDF's gold (a scan of a form holds the same form), for the
    forms on the pages kept."""
    gold = json.loads((ROOT / "tests" / "gold" / "corpus" / f"{name}.gold.json").read_text(encoding="utf-8"))
    if forms is not None:  # numbered from 0 again, as the scan's own forms are
        kept = [f for f in gold["forms"] if f["form_index"] in forms]
        gold["forms"] = [{**f, "form_index": k} for k, f in enumerate(kept)]
    (out / f"{dst}.gold.json").write_text(json.dumps({**gold, "source": dst}, ensure_ascii=False, indent=1),
                                         encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", nargs="?", type=Path)
    ap.add_argument("dst", nargs="?", type=Path)
    for name, default in vars(Scanner()).items():
        ap.add_argument(f"--{name}", type=type(default), default=default)
    args = ap.parse_args()
    if args.src is None:
        committed_samples()
    else:
        scan(args.src, args.dst, Scanner(**{k: getattr(args, k) for k in vars(Scanner())}))


if __name__ == "__main__":
    main()
