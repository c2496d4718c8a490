"""The broken-input corpus: every way a file in a real archive can be bad,
each with the status and reason a run must give it (see test_batch.py)."""
from __future__ import annotations

import zipfile
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# file name -> (status, a phrase the one-line reason must hold)
EXPECT = {
    "zero_bytes.pdf": ("failed", "empty file (0 bytes)"),
    "truncated.pdf": ("failed", "damaged PDF"),
    "encrypted.pdf": ("failed", "encrypted PDF: a password is needed to read it"),
    "setup.pdf": ("failed", "named .pdf but its content is a Windows executable"),
    "empty.docx": ("failed", "no form found"),
    "unknown_encoding.txt": ("failed", "text is not UTF-8, UTF-16 or GB18030/GBK"),
    "no_form.txt": ("failed", "no form found"),
    "unrelated_500_pages.pdf": ("failed", "no form found"),
    "scan.pdf": ("failed", "no form found (no funds block or indicator table; 1 page(s) read by OCR)"),
}


def make(dest: Path) -> dict[str, tuple[str, str]]:
    from PIL import Image
    from pypdf import PdfWriter
    from reportlab.pdfgen import canvas

    dest.mkdir(parents=True, exist_ok=True)
    good = SAMPLES / "beijing_n1_s101_000.pdf"
    (dest / "zero_bytes.pdf").write_bytes(b"")
    (dest / "truncated.pdf").write_bytes(good.read_bytes()[:4000])
    w = PdfWriter(clone_from=good)
    w.encrypt("secret")
    w.write(dest / "encrypted.pdf")
    (dest / "setup.pdf").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 2000)
    with zipfile.ZipFile(SAMPLES / "beijing_n1_s101_000.docx") as zin, \
            zipfile.ZipFile(dest / "empty.docx", "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                head = data.split(b"<w:body>")[0]
                data = head + b"<w:body><w:p/></w:body></w:document>"
            zout.writestr(item, data)
    # Bytes no text encoding reads: invalid in UTF-8, UTF-16 and GB18030 alike.
    (dest / "unknown_encoding.txt").write_bytes(b"\x80\xff\xfe\x81\x30\x81" * 400)
    (dest / "no_form.txt").write_text("会议纪要\n今天讨论了办公室搬迁事宜。\n", encoding="utf-8")
    c = canvas.Canvas(str(dest / "unrelated_500_pages.pdf"))
    for k in range(500):
        c.drawString(72, 720, f"Chapter {k + 1}: minutes of an unrelated meeting, page {k + 1}.")
        c.showPage()
    c.save()
    Image.new("L", (800, 1100), 255).save(dest / "scan.pdf", resolution=100)
    return EXPECT
