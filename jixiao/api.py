"""The Python API: what `jixiao convert` does, as DataFrames.

    import jixiao
    res = jixiao.convert(["disclosures/"], out="dataset")   # writes the dataset, as the CLI does
    res.projects.head(); res.sources[["path", "status", "error"]]
    tables = jixiao.read("dataset")                          # the dataset's tables, typed
    one = jixiao.read_file("2021/自评表.docx")                # one file, nothing written

Every table comes with the contract's columns and types (schemas/tables.toml).
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.extract.ocr import OcrEngine

    from .batch import PdfEngine

TABLES = ("sources", "projects", "funds", "indicators", "checks")


@dataclass
class Result:
    """The five tables of a conversion, as pandas DataFrames."""

    sources: Any  # pandas.DataFrame (pandas is imported on first use only)
    projects: Any
    funds: Any
    indicators: Any
    checks: Any
    out: Path | None = None  # where the dataset was written (None: nowhere)

    @property
    def ok(self) -> bool:
        """Every file converted."""
        return bool((self.sources["status"] == "ok").all())

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter((name, getattr(self, name)) for name in TABLES)


def read(out: str | Path) -> Result:
    """A converted dataset's tables (every run so far)."""
    from .dataset import Dataset

    data = Dataset(Path(out))
    return Result(**{t: data.read(t).to_pandas() for t in TABLES}, out=Path(out))


def convert(paths: str | Path | list[str | Path], out: str | Path | None = None, *, workers: int = 1,
            timeout: float | None = 300, pdf_engine: PdfEngine = "pdfium", ocr: bool = True,
            ocr_engine: OcrEngine = "auto", force: bool = False) -> Result:
    """Convert files and folders (read recursively) as `jixiao convert` does.
    With `out`, the dataset is written there (resumable, as the CLI's) and the
    result holds every run's rows; without, it is written to a temporary
    folder that is removed, and the result holds this run's rows."""
    from .archives import expanded
    from .batch import Options, run
    from .sniff import collect

    items = [str(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
    files = collect(items)
    if not files:
        raise FileNotFoundError(f"no input files found in {items}")
    opts = Options(workers=workers, timeout=timeout, pdf_engine=pdf_engine, ocr=ocr, ocr_engine=ocr_engine,
                   force=force, progress=False)
    with expanded(files) as inputs:
        if out is not None:
            run(inputs, Path(out), opts, log=lambda s: None)
            return read(out)
        with tempfile.TemporaryDirectory(prefix="jixiao-") as tmp:
            run(inputs, Path(tmp), opts, log=lambda s: None)
            result = read(tmp)
    result.out = None
    return result


def read_file(path: str | Path, pdf_engine: str = "pdfium", ocr: bool = True, ocr_engine: str = "auto") -> Result:
    """One file read and normalized in this process; nothing written."""
    from .pipeline import convert_file
    from .store import to_arrow

    tables = convert_file(str(path), Path(path), pdf_engine, ocr=ocr, ocr_engine=ocr_engine).tables()
    return Result(**{t: to_arrow(t, tables[t]).to_pandas() for t in TABLES})
