"""The broken- and hostile-input corpus: every way a file in a real archive
can be bad, each with the status and reason a run must give it. Built by
`make(dest)`, never committed (tests/test_batch.py converts the whole folder;
benchmarks/bench_hostile.py measures each case's peak memory and time).

    python tests/broken_inputs.py DEST    # build it into DEST
"""
from __future__ import annotations

import re
import struct
import sys
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
    "unknown_encoding.txt": ("failed", "text is not UTF-8, UTF-16/32 or gb18030"),
    "latin1.txt": ("failed", "not a Chinese encoding"),
    "big5.txt": ("failed", "no form found"),  # read as Big5 (its checks say so); its simplified labels were lost
    # zip bombs inside office files, refused from what they declare
    "declares_3gb.docx": ("failed", "declares 3072 MB uncompressed"),
    "packed.docx": ("failed", "(a zip bomb?)"),
    "whole_sheet_merge.xlsx": ("failed", "merges A1:XFD1048576"),
    "stray_cell.xlsx": ("ok", ""),  # legitimate: one value far out, read without walking the sheet
    # page images past the pixel limit, refused before decoding or rendering
    "huge.tif": ("failed", "image frame 1 of 12000x12000 pixels is over the 120 million"),
    "wide.pdf": ("failed", "page 1 rendered for OCR of 40000x40000 pixels"),
    "too_big.txt": ("failed", "larger than any disclosure"),
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
    (dest / "latin1.txt").write_bytes("Budget report 2022: total 1,234.00; café, naïve, résumé\n".encode("latin-1") * 5)
    (dest / "big5.txt").write_bytes((SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt").read_text("utf-8")
                                    .encode("big5", errors="replace"))
    bombs(dest)
    with open(dest / "too_big.txt", "wb") as fh:  # 65 MB on one line, sparse on disk
        fh.truncate(65 << 20)
        fh.write("项目名称".encode())
    return EXPECT


def bombs(dest: Path) -> None:
    """The office files and images whose declared sizes are bombs, and the
    legitimate big-but-sparse sheet."""
    import openpyxl
    from PIL import Image

    docx = SAMPLES / "beijing_n1_s101_000.docx"
    rewrite(docx, dest / "declares_3gb.docx", lambda n, d: d)
    declare(dest / "declares_3gb.docx", "word/document.xml", 3 << 30)
    rewrite(docx, dest / "packed.docx",  # 60 MB of blanks in the body: about 1000:1
            lambda n, d: d.replace(b"<w:body>", b"<w:body>" + b" " * (60 << 20)) if n == "word/document.xml" else d)
    rewrite(SAMPLES / "forms_a.xlsx", dest / "whole_sheet_merge.xlsx", lambda n, d: re.sub(
        rb"(<mergeCells[^>]*>)", rb'\1<mergeCell ref="A1:XFD1048576"/>', d) if n == "xl/worksheets/sheet1.xml" else d)
    wb = openpyxl.load_workbook(SAMPLES / "forms_a.xlsx")
    wb.worksheets[0]["XFD1048576"] = "stray"
    wb.save(dest / "stray_cell.xlsx")
    Image.new("1", (12000, 12000), 1).save(dest / "huge.tif", compression="group4")  # 144 million pixels
    Image.new("L", (2000, 2000), 255).save(dest / "wide.pdf", resolution=10)  # a 14400 pt page, scanned


def rewrite(src: Path, dst: Path, change) -> None:
    """A copy of the ZIP at `src` with `change(name, data) -> data` applied to its parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, change(item.filename, zin.read(item.filename)))


def declare(path: Path, part: str, size: int) -> None:
    """Patch the central directory so that `part` declares `size` bytes
    uncompressed: a lying header, as a bomb's can be (nothing is inflated)."""
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + n]) == part.encode():
            struct.pack_into("<I", data, at + 24, size)
            break
        at += 4
    path.write_bytes(bytes(data))


if __name__ == "__main__":
    for name, (status, reason) in make(Path(sys.argv[1])).items():
        print(f"{name:26s} {status:7s} {reason}")
