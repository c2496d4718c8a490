"""Images of a printed form (PNG, JPEG, TIFF, one page per frame) -> grids,
by OCR (extract/ocr.py), through the same assembly as a PDF's pages."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from jixiao.extract.grid import Document
from jixiao.extract.page import Page

GREY = ("1", "L", "LA", "I", "I;16", "F")  # PIL modes without colour


def read(path: Path, ocr: str | None = "auto") -> Document:
    """`ocr`: the OCR engine (extract/ocr.py); an image is read by OCR even
    where OCR is off for PDFs (None), since it holds nothing else."""
    import numpy as np
    from PIL import Image, ImageSequence

    from .ocr import DPI, check_pixels, engine_for, gray_of, ocr_page
    from .pdf import assemble

    engine = engine_for(ocr or "auto")

    with Image.open(path) as im:
        n = getattr(im, "n_frames", 1)

        def pages() -> Iterator[Page]:
            # one frame decoded at a time, each checked before it is
            turned = 0  # the turn the last frame needed
            for k, frame in enumerate(ImageSequence.Iterator(im), 1):
                check_pixels(frame.width, frame.height, f"image frame {k}")
                # colour: a seal's red is taken out (`ocr.gray_of`)
                g = frame.convert("L") if frame.mode in GREY else Image.fromarray(
                    gray_of(np.asarray(frame.convert("RGB")), bgr=False))
                dpi = (frame.info.get("dpi") or (DPI, DPI))[0] or DPI
                if abs(dpi - DPI) > 5:  # the OCR works at DPI: scale the scan to it
                    check_pixels(g.width * DPI / dpi, g.height * DPI / dpi, f"image frame {k} at {DPI} dpi")
                    g = g.resize((round(g.width * DPI / dpi), round(g.height * DPI / dpi)),
                                 Image.Resampling.LANCZOS)
                page = ocr_page(np.asarray(g), k, engine, turned)
                turned = page.turned
                yield page

        return assemble(pages(), n, engine, ocr_engine=engine)
