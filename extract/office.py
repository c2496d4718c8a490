"""Legacy office files through LibreOffice: Word 97 `.doc`, Kingsoft `.wps`,
`.rtf` and OpenDocument `.odt` (Writer), Kingsoft `.et`, OpenDocument `.ods`
and 2003 SpreadsheetML `.xml` (Calc).

LibreOffice converts the file headless to DOCX or XLSX in a private temp
folder, and the DOCX / XLSX extractors read the result, so merged cells and
number formats come out as they do for those formats. LibreOffice is a real
component, as tesseract is: `soffice` on PATH (or JIXIAO_SOFFICE). Each
worker process keeps one LibreOffice profile of its own for all its files
(`-env:UserInstallation`), so parallel workers never share one and only a
worker's first file pays for making it. The conversion runs in a process
group of its own and is killed with the whole group past its time limit, so
no LibreOffice process outlives a file.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .grid import Document

WRITER = {"doc": "doc", "wps": "wps", "rtf": "rtf", "odt": "odt"}  # format -> extension LibreOffice is given
CALC = {"et": "et", "ods": "ods", "xml": "xml"}
FORMATS = frozenset(WRITER) | frozenset(CALC)
TIMEOUT = float(os.environ.get("JIXIAO_SOFFICE_TIMEOUT", "120"))  # seconds for one conversion
MISSING = ("LibreOffice is needed to read {fmt} files and soffice was not found "
           "(Debian: apt install libreoffice-writer-nogui libreoffice-calc-nogui; or set JIXIAO_SOFFICE)")


class NoOffice(RuntimeError):
    pass


def soffice() -> str | None:
    """The LibreOffice to run: JIXIAO_SOFFICE (a path or a command), else soffice on PATH."""
    named = os.environ.get("JIXIAO_SOFFICE")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


_profile: Path | None = None


def profile() -> Path:
    """This process's own LibreOffice profile, made on first use and removed at exit."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix=f"jixiao-soffice-{os.getpid()}-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def ole_kind(path: Path) -> str | None:
    """What an OLE2 compound file holds, by its streams: `doc` (a Word 97
    document), `xls` (an Excel 97 workbook) or None. OSError: not OLE2."""
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        if ole.exists("WordDocument"):
            return "doc"
        if ole.exists("Workbook") or ole.exists("Book"):
            return "xls"
    return None


def extension(path: Path, fmt: str) -> str:
    """The extension that makes LibreOffice pick the right import filter: a
    Kingsoft .wps / .et that is a Word 97 / Excel 97 file inside (as most are)
    is given .doc / .xls, else LibreOffice tries Kingsoft's native filter."""
    if fmt in ("wps", "et"):
        try:
            inside = ole_kind(path)
        except OSError:
            inside = None
        if inside:
            return inside
    return (WRITER | CALC)[fmt]


def convert(path: Path, fmt: str, target: str, workdir: Path, timeout: float | None = None) -> Path:
    """`path` (of format `fmt`) converted by LibreOffice to `target` (docx or
    xlsx) inside `workdir`, in at most `timeout` (TIMEOUT) seconds."""
    timeout = TIMEOUT if timeout is None else timeout
    exe = soffice()
    if exe is None:
        raise NoOffice(MISSING.format(fmt=f".{fmt}"))
    src = workdir / f"in.{extension(path, fmt)}"  # an ASCII name, and the extension that picks the filter
    shutil.copyfile(path, src)
    out = workdir / "out"
    cmd = [exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
           f"-env:UserInstallation={profile().as_uri()}", "--convert-to", target, "--outdir", str(out), str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"LibreOffice took over {timeout:.0f} s converting this .{fmt} file") from None
    finally:
        try:  # the whole group: soffice starts soffice.bin, which may start more
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    result = out / f"in.{target}"
    if not result.exists():
        why = " ".join(err.decode("utf-8", "replace").split())[-160:] or f"exit code {proc.returncode}"
        raise ValueError(f"LibreOffice could not convert this .{fmt} file ({why})")
    return result


def read(path: str | Path, fmt: str) -> Document:
    from . import docx, xlsx

    target, reader, name = ("docx", docx.read, "python-docx") if fmt in WRITER else ("xlsx", xlsx.read, "openpyxl")
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        doc = reader(convert(Path(path), fmt, target, Path(tmp)))
    doc.extractor = f"libreoffice+{name}"
    return doc
