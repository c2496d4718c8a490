"""Which format a file is, by its first bytes first and its name second."""
from __future__ import annotations

import zipfile
from pathlib import Path

DOC_EXTENSIONS = {".txt": "txt", ".tsv": "txt", ".text": "txt", ".csv": "txt", ".md": "txt", ".pdf": "pdf",
                  ".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".png": "image", ".jpg": "image",
                  ".jpeg": "image", ".tif": "image", ".tiff": "image", ".html": "html", ".htm": "html",
                  ".shtml": "html", ".xhtml": "html", ".mht": "mht", ".mhtml": "mht"}
_HTML_START = (b"<!doctype html", b"<html", b"<table", b"<head", b"<meta", b"<body", b"<!--", b"<div", b"<p>",
               b"<p ", b"<style", b"<title")


def looks_like_html(head: bytes) -> bool:
    """A web page (or a saved one, MIME), whatever its name: sites hand out an
    HTML table as .xls. UTF-16 pages are looked at without their zero bytes."""
    h = head.removeprefix(b"\xef\xbb\xbf")
    if h[:2] in (b"\xff\xfe", b"\xfe\xff"):
        h = h[2:].replace(b"\x00", b"")
    h = h.lstrip().lower()
    if h.startswith(b"<?xml"):
        return b"<html" in h
    if b"mime-version:" in h[:512] and b"multipart/" in h:
        return True
    return h.startswith(_HTML_START)


def sniff(path: Path) -> str | None:
    """`pdf`, `docx`, `xlsx`, `xls`, `image`, `html`, `mht` (a saved web page), `txt`,
    or None when unknown."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return None
    if head.startswith(b"%PDF") or (b"%PDF-" in head and path.suffix.lower() == ".pdf"):
        return "pdf"  # (some writers put junk before the header; readers allow 1 KB of it)
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(path).namelist())
        except (zipfile.BadZipFile, OSError):
            return DOC_EXTENSIONS.get(path.suffix.lower())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    if looks_like_html(head):
        low = head.lower()
        return "mht" if b"mime-version:" in low and b"multipart/" in low else "html"
    # Only text goes by its name alone: a .pdf, .docx or .xls whose bytes are
    # something else (a renamed executable, an HTML page) is not that format.
    ext = DOC_EXTENSIONS.get(path.suffix.lower())
    return ext if ext == "txt" else None


# What a file's first bytes say it is, when it is none of the formats read.
MAGIC = {b"MZ": "a Windows executable", b"\x7fELF": "a Linux executable", b"PK\x03\x04": "a ZIP archive",
         b"Rar!": "a RAR archive", b"\x1f\x8b": "a gzip archive", b"7z\xbc\xaf": "a 7-Zip archive",
         b"GIF8": "a GIF image", b"<!DOCTYPE": "an HTML page", b"<html": "an HTML page"}


def not_a_document(path: Path) -> str:
    """Why `sniff` found no format: what the file's first bytes say it is."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    what = next((v for k, v in MAGIC.items() if head.startswith(k)), None)
    named = path.suffix.lower().lstrip(".") or "no extension"
    if what:
        return f"not a disclosure document: named .{named} but its content is {what}"
    return f"unknown format (named .{named}; first bytes {head[:8]!r})"


def collect(paths: list[str]) -> list[tuple[str, Path]]:
    """Files named on the command line, and the documents inside folders
    (recursively): a known extension, or content that sniffs as a document."""
    out: list[tuple[str, Path]] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts):
                    if f.suffix.lower() in DOC_EXTENSIONS or sniff(f) in ("pdf", "docx", "xlsx", "xls", "image",
                                                                          "html", "mht"):
                        out.append((str(f), f))
        else:
            out.append((p, path))
    return out
