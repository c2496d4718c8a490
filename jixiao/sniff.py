"""Which format a file is, by its first bytes first and its name second."""
from __future__ import annotations

import zipfile
from pathlib import Path

from jixiao.extract.html import is_mht
from jixiao.schemas import formats

# extension -> format, and the formats a folder's files are kept for, from the
# format registry (schemas/formats.toml)
DOC_EXTENSIONS = {ext: name for name, spec in formats().items() for ext in spec["extensions"]}
DOCUMENTS = tuple(name for name in formats() if name != "txt")
MAGIC_PREFIXES: list[tuple[bytes, str]] = [(bytes.fromhex(h), name) for name, spec in formats().items() for h in spec.get("magic", [])]
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
    return is_mht(h) or h.startswith(_HTML_START)


def sniff(path: Path) -> str | None:
    """`pdf`, `docx`, `xlsx`, `xls`, `image`, `html`, `mht` (a saved web page), the
    formats LibreOffice reads for us (`doc`, `wps`, `rtf`, `odt`, `et`, `ods`,
    `xml` SpreadsheetML), `txt`, or None when unknown."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return None
    if head.startswith(b"%PDF") or (b"%PDF-" in head and path.suffix.lower() == ".pdf"):
        return "pdf"  # (some writers put junk before the header; readers allow 1 KB of it)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                mime = z.read("mimetype")[:80] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError):
            return DOC_EXTENSIONS.get(path.suffix.lower())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if mime.startswith(b"application/vnd.oasis.opendocument.text"):
            return "odt"
        if mime.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
        if names & {"[Content_Types].xml", "mimetype"}:
            return None  # an office file of a kind not read (slides, drawings): no archive either
        return "zip"  # an archive of documents: jixiao/archives.py takes it apart
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ole_format(path)
    if head.lstrip().startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml"  # Excel 2003 SpreadsheetML
    named = next((name for prefix, name in MAGIC_PREFIXES if head.startswith(prefix)), None)
    if named:  # RTF, images: their first bytes say it
        return named
    if looks_like_html(head):
        return "mht" if is_mht(head) else "html"
    # Only text goes by its name alone: a .pdf, .docx or .xls whose bytes are
    # something else (a renamed executable, an HTML page) is not that format.
    ext = DOC_EXTENSIONS.get(path.suffix.lower())
    return ext if ext == "txt" else None


def ole_format(path: Path) -> str | None:
    """An OLE2 compound file by the streams it holds, whatever its name says:
    a Word document (`doc`, or `wps` when Kingsoft named it so) or a workbook
    (`xls`, or `et`). Kingsoft's own formats go to LibreOffice."""
    from jixiao.extract.office import ole_kind

    try:
        inside = ole_kind(path)
    except OSError:
        return DOC_EXTENSIONS.get(path.suffix.lower()) if path.suffix.lower() in (".xls", ".doc") else None
    ext = path.suffix.lower()
    if inside == "doc":
        return "wps" if ext == ".wps" else "doc"
    if inside == "xls":
        return "et" if ext == ".et" else "xls"
    if ext in (".wps", ".et"):  # Kingsoft's native storage: LibreOffice has filters for it
        return ext[1:]
    return None


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


def visible(name: str) -> str:
    """A path as text that any table can hold, losslessly: bytes of a file name
    that are not UTF-8 (Python keeps them as surrogate escapes) shown as \\xff."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def collect(paths: list[str]) -> list[tuple[str, Path]]:
    """Files named on the command line, and the documents inside folders
    (recursively): a known extension, or content that sniffs as a document.
    Each comes with its label: the path as given, made `visible`."""
    out: list[tuple[str, Path]] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts):
                    if f.suffix.lower() in DOC_EXTENSIONS or sniff(f) in DOCUMENTS:
                        out.append((visible(str(f)), f))
        else:
            out.append((visible(p), path))
    return out
