"""Writes scanned samples (samples/scan_*.pdf) and their gold (tests/gold/scans/)
from corpus PDFs: each page rasterised at 200 dpi, turned a little (±0.5°,
alternating), given scanner noise, and wrapped back into an image-only PDF.

    .venv/bin/python tests/make_scan_samples.py

The gold is the source PDF's: a scan of a form holds the same form.
Run once; the output is committed.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pypdfium2
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["beijing_n1_s101_000.pdf"]
DPI, ANGLE, NOISE = 200, 0.5, 10.0


def scan(src: Path, dst: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pages = []
    for k, page in enumerate(pypdfium2.PdfDocument(src)):
        img = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(ANGLE if k % 2 == 0 else -ANGLE, resample=Image.BICUBIC, fillcolor=255)
        noisy = np.asarray(img).astype(np.int16) + rng.normal(0, NOISE, (img.height, img.width)).astype(np.int16)
        pages.append(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)))
    pages[0].save(dst, save_all=True, append_images=pages[1:], resolution=DPI)


def main() -> None:
    out = ROOT / "tests" / "gold" / "scans"
    out.mkdir(exist_ok=True)
    for k, name in enumerate(SOURCES):
        dst = f"scan_{name}"
        scan(ROOT / "samples" / name, ROOT / "samples" / dst, seed=k + 1)
        gold = json.loads((ROOT / "tests" / "gold" / "corpus" / f"{name}.gold.json").read_text(encoding="utf-8"))
        (out / f"{dst}.gold.json").write_text(json.dumps({**gold, "source": dst}, ensure_ascii=False, indent=1),
                                             encoding="utf-8")


if __name__ == "__main__":
    main()
