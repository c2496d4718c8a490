"""Attachment bundles: a `.zip`, `.7z` or `.rar` of disclosures, each member a
source of its own (`path` = `ARCHIVE/MEMBER`, `container` = the archive,
schema v2). ZIP is read with the standard library (its member names need
decoding by hand); 7z and RAR through libarchive (libarchive-c over the
system's libarchive13).

Members are expanded when the inputs are collected, into numbered files of
a temp folder that lives for the run: a member's own name (absolute, with
`..`, or any bytes) is a label only and never a path anything is written
to. Member names are decoded right: UTF-8 when the archive says so or when
they decode as UTF-8, else GB18030 (a superset of GBK, which Chinese tools
write without saying), else as the ZIP standard's CP437. Archives inside
archives are expanded too, MAX_DEPTH deep.

Limits come before work: the declared sizes of the members are checked
before anything is decompressed (MAX_MEMBERS, MAX_MEMBER, MAX_TOTAL and a
compression ratio past MAX_RATIO), and the bytes actually written are
counted as they come, since declared sizes can lie. A member refused, an
encrypted member and a member that can't be read each become a failed
source with its reason; a damaged archive keeps the members it could read.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jixiao.schemas import formats

from .sniff import sniff

MAX_MEMBERS = 10_000
MAX_MEMBER = 512 << 20  # bytes, uncompressed
MAX_TOTAL = 2 << 30  # bytes, uncompressed, for one archive with all it holds
MAX_RATIO = 200  # uncompressed / compressed, for members past 1 MB
MAX_DEPTH = 3


@dataclass(frozen=True)
class Input:
    """One thing to convert: a file on disk, or a member of an archive."""

    label: str  # the path as the sources table shows it
    path: Path  # where its bytes are (an expanded member: a temp file)
    container: str | None = None  # the archive it was read from
    error: str | None = None  # why it was not expanded (it is a failed source with this reason)


BUNDLES = tuple(name for name, spec in formats().items() if not spec["reader"])  # zip, 7z, rar
VIA_LIBARCHIVE = ("7z", "rar")


def is_archive(path: Path) -> bool:
    """A bundle of documents: a 7z, RAR, or a ZIP that is not itself a
    document (DOCX, XLSX and OpenDocument are ZIPs too); as sniff tells it."""
    return sniff(path) in BUNDLES


def member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def expand(label: str, path: Path, workdir: Path, depth: int = 0, budget: list[int] | None = None) -> list[Input]:
    """The members of the archive at `path` as Inputs (archives inside expanded too)."""
    budget = budget if budget is not None else [MAX_TOTAL]
    if sniff(path) in VIA_LIBARCHIVE:
        return expand_libarchive(label, path, workdir, depth, budget)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [Input(label, path, None, f"damaged ZIP archive: {exc}")]
    out: list[Input] = []
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            return [Input(label, path, None, f"ZIP archive of {len(infos)} members: more than {MAX_MEMBERS} "
                                             "(a zip bomb?); not expanded")]
        for info in infos:
            name = member_name(info)
            dest = member_file(workdir, name)
            reason = refuse(info, budget[0])
            if reason is None:
                try:
                    with z.open(info) as src:
                        budget[0] -= write_capped(iter(partial(src.read, 1 << 20), b""), dest,
                                                  min(MAX_MEMBER, budget[0]))
                except zipfile.BadZipFile as exc:
                    reason = f"damaged member: {exc}"
                except (RuntimeError, NotImplementedError) as exc:  # encrypted, unknown compression
                    reason = f"member not readable: {exc}"
                except OverflowError as exc:
                    reason = str(exc)
            out += place(f"{label}/{name}", dest, label, reason, workdir, depth, budget)
    return out


def expand_libarchive(label: str, path: Path, workdir: Path, depth: int, budget: list[int]) -> list[Input]:
    """A 7z or RAR, member by member, through libarchive: the declared size
    checked first, the bytes counted as they come (these formats declare no
    compressed size per member, so the ratio can't be checked up front)."""
    import libarchive

    out: list[Input] = []
    try:
        with libarchive.file_reader(str(path)) as archive:
            for n, entry in enumerate(archive):
                if not entry.isfile:
                    continue
                if n >= MAX_MEMBERS:
                    out.append(Input(label, path, None, f"archive of more than {MAX_MEMBERS} members (a bomb?): "
                                                        "the rest not read"))
                    break
                name = entry.pathname
                dest = member_file(workdir, name)
                reason = size_refusal(entry.size or 0, budget[0])
                if reason is None:
                    try:
                        budget[0] -= write_capped(entry.get_blocks(), dest, min(MAX_MEMBER, budget[0]))
                    except OverflowError as exc:
                        reason = str(exc)
                    except libarchive.ArchiveError as exc:  # encrypted, damaged
                        reason = f"member not readable: {' '.join(str(exc).split())[:200]}"
                out += place(f"{label}/{name}", dest, label, reason, workdir, depth, budget)
    except libarchive.ArchiveError as exc:  # a damaged archive keeps the members read so far
        out.append(Input(label, path, None, f"damaged archive: {' '.join(str(exc).split())[:200]}"))
    return out


def member_file(workdir: Path, name: str) -> Path:
    """A temp file of our own for a member: its name is a label, never a path."""
    fd, tmp = tempfile.mkstemp(dir=workdir, suffix=Path(name).suffix.lower()[:8])
    os.close(fd)
    return Path(tmp)


def place(mlabel: str, dest: Path, container: str, reason: str | None, workdir: Path, depth: int,
          budget: list[int]) -> list[Input]:
    """What an expanded member becomes: a failed source with its reason, the
    members of a nested archive, or an input."""
    if reason is not None:
        dest.unlink(missing_ok=True)
        return [Input(mlabel, dest, container, reason)]
    if depth < MAX_DEPTH and is_archive(dest):
        return expand(mlabel, dest, workdir, depth + 1, budget)
    return [Input(mlabel, dest, container)]


def size_refusal(size: int, budget: int) -> str | None:
    """Why a member of this declared uncompressed size is not decompressed."""
    if size > MAX_MEMBER:
        return f"member of {size >> 20} MB uncompressed: over the {MAX_MEMBER >> 20} MB limit"
    if size > budget:
        return f"the archive's members pass {MAX_TOTAL >> 30} GB uncompressed together (a zip bomb?): not read"
    return None


def refuse(info: zipfile.ZipInfo, budget: int) -> str | None:
    """Why a ZIP member is not decompressed at all, from what the archive declares."""
    if info.flag_bits & 0x1:
        return "encrypted member: a password is needed to read it"
    if reason := size_refusal(info.file_size, budget):
        return reason
    if info.file_size > 1 << 20 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        return (f"member compressed {info.file_size // max(info.compress_size, 1)}:1, past {MAX_RATIO}:1 "
                "(a zip bomb?): not read")
    return None


def write_capped(chunks: Iterable[bytes], dest: Path, cap: int) -> int:
    """Write a member's decompressed chunks to `dest`, counting the bytes: past
    `cap` it stops (declared sizes can lie)."""
    n = 0
    with open(dest, "wb") as out:
        for chunk in chunks:
            n += len(chunk)
            if n > cap:
                raise OverflowError(f"member grew past {cap >> 20} MB while decompressing (its declared size "
                                    "was smaller): not read")
            out.write(chunk)
    return n


def expand_all(files: list[tuple[str, Path]], workdir: Path) -> list[Input]:
    """Inputs as collected, with every archive among them replaced by its members."""
    out: list[Input] = []
    for label, path in files:
        if path.is_file() and is_archive(path):
            sub = workdir / f"a{len(out):06d}"
            sub.mkdir(parents=True, exist_ok=True)
            out += expand(label, path, sub)
        else:
            out.append(Input(label, path))
    return out


@contextmanager
def expanded(files: list[tuple[str, Path]]) -> Iterator[list[Input]]:
    """The inputs with every archive expanded (expand_all), into a temp folder
    that lives as long as the block: its members are gone after the run."""
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-members-"))
    try:
        yield expand_all(files, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
