"""Images of a printed form (PNG, JPEG, TIFF, one page per frame) -> grids,
by OCR (extract/ocr.py), through the same assembly as a PDF's pages."""
from __future__ import annotations

from pathlib import Path

from jixiao.extract.grid import Document


def read(path: Path) -> Document:
    import numpy as np
    from PIL import Image, ImageSequence

    from .ocr import DPI, ocr_page
    from .pdf import assemble

    with Image.open(path) as im:
        frames = []
        for frame in ImageSequence.Iterator(im):
            g = frame.convert("L")
            dpi = (frame.info.get("dpi") or (DPI, DPI))[0] or DPI
            if abs(dpi - DPI) > 5:  # the OCR works at DPI: scale the scan to it
                g = g.resize((round(g.width * DPI / dpi), round(g.height * DPI / dpi)), Image.Resampling.LANCZOS)
            frames.append(np.asarray(g))

    def pages():
        for k, gray in enumerate(frames, 1):
            yield ocr_page(gray, k)

    return assemble(pages(), len(frames), "tesseract")
