"""One file in, its rows of every table out. Never raises for a bad file."""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.extract.grid import Cell, Document, Finding, Grid
from jixiao.normalize import checks
from jixiao.normalize.form import Row, head_start, read_forms
from jixiao.normalize.reconcile import reconcile, reconcile_names
from jixiao.normalize.records import Form, Fund, Indicator
from jixiao.normalize.reflow import reflow

from . import __version__
from .lines import one_line
from .sniff import not_a_document, sniff

if TYPE_CHECKING:
    from .store import Record


class NoExtractor(Exception):
    pass


class ArchiveMemberRefused(Exception):
    pass


def extractor_for(fmt: str | None, pdf_engine: str = "pdfium", ocr: bool = True, ocr_engine: str = "auto"
                  ) -> Callable[..., Document]:
    """The `read(path) -> Document` of a format, from the format registry
    (schemas/formats.toml), imported lazily: a text-only run never pays for
    pdfplumber's import. The readers that OCR are given `ocr_engine`, or None
    where OCR is off."""
    import importlib
    from functools import partial

    from jixiao.schemas import formats

    spec = formats().get(fmt or "")
    if not spec or not spec.get("reader"):
        raise NoExtractor(f"no extractor for format {fmt or 'unknown'}")
    read = importlib.import_module(f"jixiao.extract.{spec['reader']}").read
    given = {"engine": pdf_engine, "ocr": ocr_engine if ocr else None, "fmt": fmt}
    options = {k: given[k] for k in spec.get("options", [])}
    return partial(read, **options) if options else read


@dataclass
class FileResult:
    source: Record
    forms: list[Form] = field(default_factory=list)
    file_findings: list[Finding] = field(default_factory=list)  # of the file, not of one form
    rows: list[Row] = field(default_factory=list)  # the grid rows, only when asked for

    def tables(self) -> dict[str, list[Record]]:
        sid = self.source["source_id"]
        projects, funds, inds, checks = [], [], [], []
        for k, f in enumerate(self.forms):
            fid = f"{sid}-{k:03d}"
            projects.append({"form_id": fid, "source_id": sid, "form_index": k, **flat(f, FORM_PARTS)})
            funds += [{"form_id": fid, **flat(x)} for x in f.funds]
            inds += [{"form_id": fid, "indicator_index": j, **flat(x)} for j, x in enumerate(f.indicators)]
            checks += [{"form_id": fid, "source_id": sid, **flat(x)} for x in f.findings]
        checks += [{"form_id": None, "source_id": sid, **flat(x)} for x in self.file_findings]
        return {"sources": [self.source], "projects": projects, "funds": funds,
                "indicators": inds, "checks": checks}


# A form's parts that are rows of other tables, or only for `jixiao inspect`
FORM_PARTS = frozenset({"funds", "indicators", "findings", "header_map", "origin"})


def flat(record: Form | Fund | Indicator | Finding, leave: frozenset[str] = frozenset()) -> Record:
    """A record's fields, as `dataclasses.asdict` gives them for fields of
    single values (str, numbers, Decimal, None: every field of a table's
    row), without its deep copy of every value, and of the form's funds and
    indicators that a project row leaves out: that had cost 6% of a PDF's
    conversion."""
    # __dataclass_fields__: every field in order (these records have no
    # ClassVar or InitVar pseudo-fields, which `fields()` would leave out)
    return {name: getattr(record, name) for name in record.__dataclass_fields__ if name not in leave}


def rows_of(grids: list[Grid]) -> list[Row]:
    """The rows the form reader reads: a table's as they are, a stream's as
    rebuilt by content (normalize/reflow.py)."""
    rows: list[Row] = []
    for n, g in enumerate(grids, 1):
        if g.kind == "stream":
            tokens = sorted(g.cells, key=lambda c: c.row)
            rebuilt = reflow([c.text for c in tokens])
            first = len(rows)
            rows += [Row(cells, aligned=True, where=where) for cells, where in
                     zip(rebuilt.rows, _rebuilt_places(rebuilt.rows, tokens), strict=True)]
            for k, finding in rebuilt.findings:
                rows[min(first + k, len(rows) - 1)].notes.append(finding)
            continue
        pages, spanned, places, boxes = g.row_pages(), g.spanned_rows(), g.places(f"table {n} "), g.boxes()
        rows += [Row(cells, pages[i], spanned[i], where=places[i], boxes=boxes[i], outside=g.kind == "text")
                 for i, cells in enumerate(g.rows())]
    return rows


LOOK_AHEAD = 60  # tokens a rebuilt cell's text is looked for past the last one found


def _rebuilt_places(rows: list[list[str]], tokens: list[Cell]) -> list[list[str]]:
    """Where each cell of rows rebuilt from flattened text was printed: the
    line of the token it starts with, found in reading order (a cell joined
    from fragments, 年初|预算数, starts with its first); "" where none is."""
    out, at = [], 0
    for cells in rows:
        places = []
        for text in cells:
            hit = next((k for k in range(at, min(at + LOOK_AHEAD, len(tokens)))
                        if text and tokens[k].text and text.startswith(tokens[k].text)), None) if text else None
            if hit is None:
                places.append("")
                continue
            places.append(f"{tokens[hit].where()} (rows rebuilt)")
            at = hit + 1
        out.append(places)
    return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest_of(label: str, path: Path) -> str:
    """The file's SHA-256; for a path with no bytes to hash (missing,
    unreadable, a FIFO), one of its label, so that each such path keeps an id
    of its own rather than all sharing the id of empty input."""
    try:
        if path.is_file():
            return sha256_of(path)
    except OSError:
        pass
    return path_digest("unread", label)


def path_digest(kind: str, label: str) -> str:
    """A digest of a path's label, for a row whose id can't be its content's
    (`kind`: unread, duplicate): one id per path, never another's."""
    return hashlib.sha256(f"jixiao-{kind}-path:".encode() + label.encode("utf-8", "backslashreplace")).hexdigest()


def failed_source(label: str, path: Path, error: str | None, seconds: float = 0.0,
                  sha256: str | None = None, container: str | None = None) -> Record:
    """The sources row of a file, as failed with `error` until it succeeds.
    `sha256`: the file's digest when the caller has already taken it."""
    digest = sha256 or digest_of(label, path)
    fmt = sniff(path) if path.is_file() else None
    return {"source_id": digest[:16], "path": label, "format": fmt or "unknown", "sha256": digest,
            "pages": None, "forms": 0, "status": "failed", "error": error, "extractor": "none",
            "seconds": round(seconds, 6), "container": container,
            "converted_at": datetime.now(UTC), "jixiao_version": __version__}


def duplicate_source(label: str, path: Path, sha256: str, of: str, container: str | None = None) -> Record:
    """The sources row of a path whose bytes another path holds (`of`, whose
    row carries the forms): status `duplicate`, no forms of its own, and an
    id of its own (of its path), so that joining forms to sources on
    source_id never counts a form twice; `sha256` is the content's."""
    row = failed_source(label, path, f"same bytes as {of}", sha256=sha256, container=container)
    row["source_id"] = path_digest("duplicate", label)[:16]
    row["status"] = "duplicate"
    return row


def convert_file(label: str, path: Path, pdf_engine: str = "pdfium", keep_rows: bool = False,
                 ocr: bool = True, sha256: str | None = None, container: str | None = None,
                 refused: str | None = None, ocr_engine: str = "auto") -> FileResult:
    """Extract and normalize one file. `keep_rows` keeps the grid rows on the
    result (for `jixiao inspect`; a batch run lets them go). `container`: the
    archive it came from; `refused`: why it was not taken out of it (the file
    fails with that reason)."""
    t0 = time.perf_counter()
    source = failed_source(label, path, None, sha256=sha256, container=container)
    fmt = source["format"] if source["format"] != "unknown" else None
    result = FileResult(source)
    try:
        if refused:
            raise ArchiveMemberRefused(refused)
        if not path.exists():
            raise FileNotFoundError(f"no such file: {label}")
        if not path.is_file():
            raise ValueError("not a regular file (a folder, FIFO or device): not read")
        if not os.access(path, os.R_OK):
            raise PermissionError("permission denied: the file can't be read")
        if path.stat().st_size == 0:
            raise ValueError("empty file (0 bytes)")
        if fmt is None:
            raise NoExtractor(not_a_document(path))

        carried: list[Row] = []  # the head of the next segment's first form, printed before its page

        def take(grids: list[Grid], last: bool = False) -> None:
            """Normalize a run of grids at once and let them go (a long PDF
            comes in segments, one form or more each, cut where a page opens
            with a form: its title at the foot of the page before goes with it)."""
            rows = carried + rows_of(grids)
            cut = len(rows) if last else head_start(rows)
            rows, carried[:] = rows[:cut], rows[cut:]
            if keep_rows:
                result.rows += rows
            prev = result.forms[-1].fiscal_year if result.forms else None
            result.forms += read_forms(rows, prev_year=prev)

        read = extractor_for(fmt, pdf_engine, ocr, ocr_engine)
        doc = read(path, on_segment=take) if fmt == "pdf" else read(path)
        take(doc.grids, last=True)
        scanned = set(doc.ocr_pages)
        read_by_ocr = [bool(scanned) and form.page_start is not None and form.page_end is not None
                       and bool(scanned & set(range(form.page_start, form.page_end + 1))) for form in result.forms]
        # a scan's names are readings too: the file's other forms print them again
        reconcile_names(result.forms, read_by_ocr)
        for form, by_ocr in zip(result.forms, read_by_ocr, strict=True):
            # a scan's numbers are readings: its own sums may mend a misread digit
            if by_ocr:
                form.findings += reconcile(form)
            form.findings += checks.run(form)
        source["extractor"], source["pages"] = doc.extractor, doc.pages
        # schema v2 names the text formats whose rows are kept apart: csv, md
        source["format"] = {"text-csv": "csv", "text-markdown": "md"}.get(doc.extractor, source["format"])
        result.file_findings += [Finding("extraction", "warning", n) for n in doc.notes] + doc.findings
        source["forms"] = len(result.forms)
        unread = f"{len(doc.unread_pages)} of {doc.pages} pages not read ({doc.no_text_layer}; OCR is off)"
        if result.forms and doc.unread_pages:
            source["status"], source["error"] = "partial", unread
        elif result.forms:
            source["status"] = "ok"
        else:
            ocr_pages = sum(1 for f in doc.findings if f.check == "ocr_confidence")
            # what the extractor noticed about the file (its notes) may say why
            why = ["no funds block or indicator table", *([f"{ocr_pages} page(s) read by OCR"] if ocr_pages else []),
                   *doc.notes]
            source["error"] = unread if doc.unread_pages else f"no form found ({'; '.join(why)})"
    except ArchiveMemberRefused as exc:
        source["error"] = str(exc)
    except Exception as exc:  # one broken file never stops a run
        source["error"] = one_line(exc)
    source["seconds"] = round(time.perf_counter() - t0, 6)
    return result
