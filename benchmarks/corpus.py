"""A corpus of N distinct files made from the bundled samples, for batch
benchmarks and the kill-and-resume test. Each copy differs in bytes only where
readers don't look (trailing blanks of a text file, a comment after a PDF's
%%EOF, a ZIP archive comment), so every copy has its own sha256 and converts
to the same forms as its original."""
from __future__ import annotations

import itertools
import zipfile
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def variant(src: Path, dst: Path, k: int) -> None:
    data = src.read_bytes()
    suffix = src.suffix.lower()
    if suffix == ".txt":
        dst.write_bytes(data + b"\n" + b" " * (k + 1) + b"\n")
    elif suffix == ".pdf":
        dst.write_bytes(data + f"\n%jixiao-copy-{k}\n".encode())
    elif suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                zout.writestr(item, zin.read(item.filename))
            zout.comment = f"jixiao-copy-{k}".encode()
    else:
        dst.write_bytes(data)


def make_corpus(dest: Path, n: int, kinds: tuple[str, ...] = (".txt", ".pdf", ".docx", ".xlsx")) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    # Scans are left out: at seconds a page, a few of them would be the whole run.
    sources = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in kinds and not p.name.startswith("scan_"))
    out = []
    for k, src in zip(range(n), itertools.cycle(sources), strict=False):
        dst = dest / f"{k:05d}_{src.name}"
        variant(src, dst, k)
        out.append(dst)
    return out
