"""Converting many files: in parallel, resumable, with a time and memory
limit per file, into the dataset of `jixiao.dataset`.

Files go to worker processes (pebble's pool: it kills a worker that overruns
its file's time limit and replaces it); results come back as plain rows and
are written in bounded batches, so memory stays flat however many files
there are. A file whose sha256 is already committed is skipped (`force`
redoes it). `engine="ray"` runs the same per-file function as Ray tasks.
"""
from __future__ import annotations

import os
import resource
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

from jixiao.extract.ocr import OcrEngine

from .archives import Input
from .dataset import HEADERS, Dataset, to_batch_tables
from .lines import escaped
from .pipeline import convert_file, digest_of, duplicate_source, failed_source
from .store import Record

if TYPE_CHECKING:
    import pyarrow as pa

WorkResult = dict[str, Any]  # a file's tables as Arrow, its sources row, counts and header matches (`_result`)


PdfEngine = Literal["pdfium", "pdfplumber", "camelot"]
Engine = Literal["local", "ray"]


@dataclass(frozen=True)
class Options:
    """How a run converts: settled before it starts, checked when made (a
    ValueError names the bad one), never changed during the run."""

    workers: int = 1
    batch_files: int = 200  # files per written batch: bounds memory and the work a kill can lose
    timeout: float | None = 300.0  # seconds per file (None: no limit)
    max_memory_mb: int | None = 4096  # resident memory per worker (`watch_memory`; None: no limit)
    force: bool = False
    retry_failed: bool = False
    prune: bool = False  # remove the rows of files that no longer exist
    pdf_engine: PdfEngine = "pdfium"
    ocr: bool = True  # pages without a text layer and images go to OCR
    ocr_engine: OcrEngine = "auto"  # auto: rapidocr where installed, else tesseract
    engine: Engine = "local"
    ray_address: str | None = None
    progress: bool | None = None  # None: a bar on a terminal, log lines otherwise
    verbose: bool = False  # a log line per file as it is done

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be 1 or more, not {self.workers}")
        if self.batch_files < 1:
            raise ValueError(f"batch_files must be 1 or more, not {self.batch_files}")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError(f"timeout must be more than 0 seconds (or None: no limit), not {self.timeout}")
        if self.max_memory_mb is not None and self.max_memory_mb <= 0:
            raise ValueError(f"max_memory_mb must be more than 0 (or None: no limit), not {self.max_memory_mb}")
        if self.pdf_engine not in get_args(PdfEngine):
            raise ValueError(f"pdf_engine must be one of {', '.join(get_args(PdfEngine))}, not {self.pdf_engine!r}")
        if self.ocr_engine not in get_args(OcrEngine):
            raise ValueError(f"ocr_engine must be one of {', '.join(get_args(OcrEngine))}, not {self.ocr_engine!r}")
        if self.engine not in get_args(Engine):
            raise ValueError(f"engine must be one of {', '.join(get_args(Engine))}, not {self.engine!r}")
        if self.ray_address and self.engine != "ray":
            raise ValueError("ray_address is for engine='ray'")


@dataclass
class Summary:
    files: int = 0
    skipped: int = 0
    forms: int = 0
    indicators: int = 0
    pages: int = 0
    failed: list[Record] = field(default_factory=list)  # sources rows not ok
    checks: dict[tuple[str, str], int] = field(default_factory=dict)  # (check, severity) -> findings
    unread_files: int = 0  # files with a column whose values went nowhere (unread_column)
    seconds: float = 0.0


class Task(NamedTuple):
    """A file to convert, with the sha256 the planning already took of it."""

    label: str
    path: str
    sha256: str | None
    container: str | None = None  # the archive it was taken from
    refused: str | None = None  # why it was not taken out of it


def work(task: Task, pdf_engine: str, ocr: bool = True, max_mb: int | None = None, ocr_engine: str = "auto"
         ) -> WorkResult:
    """One file, in a worker: its rows already as Arrow tables (the typing
    work is done here, in parallel, not in the process that writes), its
    sources row and its header cells (HEADERS, for the report). `max_mb`: the memory limit, where no
    initializer set it (a Ray worker)."""
    if max_mb:
        watch_memory(max_mb)
    res = convert_file(task.label, Path(task.path), pdf_engine, ocr=ocr, sha256=task.sha256,
                       container=task.container, refused=task.refused, ocr_engine=ocr_engine)
    sid = res.source["source_id"]
    return _result({**res.tables(), HEADERS: [{"source_id": sid, "text": t, "column": c, "score": s}
                                              for f in res.forms for t, c, s in f.header_map]})


def _result(tables: dict[str, list[Record]]) -> WorkResult:
    return {"arrow": to_batch_tables(tables), "source": tables["sources"][0], "forms": len(tables["projects"]),
            "indicators": len(tables["indicators"]),
            "checks": [(c["check"], c["severity"]) for c in tables["checks"]]}


def start_worker(max_mb: int | None) -> None:
    """Worker initializer: one thread for OpenCV (`one_thread_each`) and the
    memory limit (`watch_memory`)."""
    one_thread_each()
    if max_mb:
        watch_memory(max_mb)


def one_thread_each() -> None:
    """OpenCV's own threads off (the OCR's image work): a run has a worker
    per core, which those threads only compete with. A scanned page then
    costs 5% less CPU, in no more time with one worker. Read when cv2 is
    first imported: a worker forked from a process that has cv2 already
    keeps that process's threads (cv2.setNumThreads in a forked child waits
    for the parent's pool threads, which the fork did not copy, forever)."""
    os.environ["OPENCV_FOR_THREADS_NUM"] = "1"


MEMORY_EXIT = 86  # the exit status of a worker that went past --max-memory
AS_BACKSTOP = 4  # how far the address space may grow, in multiples of --max-memory
_watching: list[int] = []


def watch_memory(max_mb: int) -> None:
    """Limit this worker process to `max_mb` of resident memory: a thread reads
    it (/proc/self/statm) every 20 ms and ends the process with MEMORY_EXIT
    past the limit, which the run records as the file's reason. Resident, not
    address space: PDFium, OpenCV and tesseract map far more than they use,
    and an address-space limit of 1.5 GB failed ordinary files. As a backstop
    for an allocation faster than the poll, the address space may grow by
    AS_BACKSTOP times the limit past what the process maps when it starts.
    Once per process (a Ray worker runs many tasks; a forked child has no
    thread of its parent's)."""
    if os.getpid() in _watching:
        return
    _watching.append(os.getpid())
    statm = Path("/proc/self/statm")
    if not statm.exists():
        return
    page = os.sysconf("SC_PAGE_SIZE")
    mapped = int(statm.read_text().split()[0]) * page
    cap = mapped + (AS_BACKSTOP * max_mb << 20)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or cap <= hard:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    limit = max_mb << 20

    def watch() -> None:
        while True:
            if int(statm.read_text().split()[1]) * page > limit:
                os._exit(MEMORY_EXIT)
            time.sleep(0.02)

    threading.Thread(target=watch, name="jixiao-memory-watch", daemon=True).start()


def plan(files: Sequence[Input | tuple[str, Path]], data: Dataset, opts: Options, log: Callable[[str], None] = lambda s: None,
         apply: bool = True) -> tuple[list[Task], int, list[Record]]:
    """The files still to convert, each content once; how many were skipped
    (duplicates included); and the sources rows of the duplicates. `files`:
    (label, path) pairs or archives.Input. `apply`: forget the rows the plan
    replaces (False: only say what a run would do).

    One row per path: a path whose bytes changed since it was converted
    replaces its earlier rows (sources, forms and all); a path holding the
    same bytes as another gets a row of status `duplicate` naming it (made
    anew each run, so it follows the other's fate). With `prune`, the rows of
    every path not among this run's inputs go too, so that the output mirrors
    the inputs (a file deleted from the folder leaves the dataset; bytes it
    shared with a file still there are converted again under that one)."""
    inputs = []
    for item in files:
        inp = item if isinstance(item, Input) else Input(*item)
        digest = digest_of(inp.label, inp.path if inp.error is None else Path("/nonexistent"))
        inputs.append((inp, digest, digest[:16]))
    now = {inp.label: sid for inp, _, sid in inputs}
    present = set(now.values())
    by_path = data.committed_paths()
    status = data.committed()
    # rows no input holds as they are: a path whose bytes changed (and every
    # duplicate row of an input: made again below), and with `prune` a path
    # not among the inputs
    replaced = {old for path_, old in by_path.items()
                if path_ in now and now[path_] != old and (old not in present or status.get(old) == "duplicate")}
    pruned = {old for path_, old in by_path.items() if opts.prune and path_ not in now}
    gone = replaced | pruned
    done = {sid: st for sid, st in status.items() if sid not in gone}
    owner = {sid: path_ for path_, sid in by_path.items() if sid in done and status[sid] != "duplicate"}
    redo: set[str] = set()
    todo, duplicates, skipped = [], [], 0
    for inp, digest, sid in inputs:
        if sid in owner and owner[sid] != inp.label:
            skipped += 1
            duplicates.append(duplicate_source(inp.label, inp.path, digest, owner[sid], inp.container))
            continue
        if sid in owner:  # this path's own row
            if not (opts.force or (opts.retry_failed and done[sid] != "ok")):
                skipped += 1
                continue
            redo.add(sid)
        owner[sid] = inp.label
        todo.append(Task(inp.label, str(inp.path), digest, inp.container, inp.error))
    if changed := [old for old in replaced if status.get(old) != "duplicate"]:
        log(f"{len(changed)} files changed since they were converted: their earlier rows replaced")
    if pruned:
        log(f"{len(pruned)} files not among the inputs: their rows pruned (--prune)")
    if apply:
        data.forget(redo | gone)
    return todo, skipped, duplicates


def run(files: Sequence[Input | tuple[str, Path]], out: Path, opts: Options,
        log: Callable[[str], None] = lambda s: print(s, file=sys.stderr)) -> Summary:
    t0 = time.perf_counter()
    data = Dataset(out)
    data.lock()
    try:
        removed = data.repair()
        if removed:
            log(f"removed {removed} rows left by an interrupted run")
        todo, skipped, duplicates = plan(files, data, opts, log)
        summary = Summary(files=len(todo), skipped=skipped)
        progress = Progress(len(todo), opts.progress, log)
        results = _ray(todo, opts) if opts.engine == "ray" else _local(todo, opts)
        batch: dict[str, list[pa.Table]] = defaultdict(list)
        if duplicates:  # written with the first batch: no conversion to wait for
            batch["sources"].append(to_batch_tables({"sources": duplicates})["sources"])
        in_batch = 0
        for result in results:
            _add(summary, result)
            for name, table in result["arrow"].items():
                batch[name].append(table)
            in_batch += 1
            src = result["source"]
            progress.step(result["forms"], src["status"] != "ok", src["pages"] or 0)
            if opts.verbose:
                log(f"{src['status']}: {escaped(src['path'])}: {result['forms']} forms, {src['seconds']:.1f} s"
                    + (f"; {escaped(src['error'])}" if src["error"] else ""))
            if in_batch >= opts.batch_files:
                data.write_batch(batch)
                batch, in_batch = defaultdict(list), 0
        if batch:
            data.write_batch(batch)
        progress.close()
    finally:
        data.unlock()
    summary.seconds = time.perf_counter() - t0
    return summary


def _add(summary: Summary, result: WorkResult) -> None:
    src = result["source"]
    summary.forms += result["forms"]
    summary.indicators += result["indicators"]
    summary.pages += src["pages"] or 0
    if src["status"] != "ok":
        summary.failed.append(src)
    for key in result.get("checks", []):
        summary.checks[key] = summary.checks.get(key, 0) + 1
    summary.unread_files += any(c == "unread_column" for c, _ in result.get("checks", []))


def _failure(task: Task, reason: str, seconds: float) -> WorkResult:
    src = failed_source(task.label, Path(task.path), reason, seconds, sha256=task.sha256, container=task.container)
    return _result({"sources": [src], "projects": [], "funds": [], "indicators": [], "checks": []})


def _local(todo: list[Task], opts: Options) -> Iterator[WorkResult]:
    """A pool of worker processes, at most a few files in flight per worker
    (so finished results never pile up in memory)."""
    from pebble import ProcessExpired, ProcessPool

    if opts.workers <= 1 and not opts.timeout and not opts.max_memory_mb:
        for task in todo:  # no limits asked for: no pool to pay for
            yield work(task, opts.pdf_engine, opts.ocr, None, opts.ocr_engine)
        return
    window = max(2, 4 * opts.workers)
    queue = iter(todo)
    pool = ProcessPool(max_workers=max(opts.workers, 1), initializer=start_worker, initargs=(opts.max_memory_mb,))
    try:
        running: dict[Any, tuple[Task, float]] = {}  # a pebble future -> its task, when it was sent

        def submit() -> None:
            for task in queue:
                fut = pool.schedule(work, args=(task, opts.pdf_engine, opts.ocr, None, opts.ocr_engine),
                                    timeout=opts.timeout)
                running[fut] = (task, time.perf_counter())
                if len(running) >= window:
                    return

        submit()
        while running:
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in finished:
                task, t_start = running.pop(fut)
                try:
                    yield fut.result()
                except FutureTimeout:
                    yield _failure(task, f"timed out after {opts.timeout:g} s (--timeout)",
                                   time.perf_counter() - t_start)
                except ProcessExpired as exc:
                    yield _failure(task, f"used more than --max-memory ({opts.max_memory_mb} MB resident) while "
                                         "reading this file" if exc.exitcode == MEMORY_EXIT else
                                   f"worker died ({_death(exc.exitcode)}) while reading this file",
                                   time.perf_counter() - t_start)
                except Exception as exc:  # a worker-side error the pipeline did not catch
                    yield _failure(task, f"{type(exc).__name__}: {exc}"[:300], time.perf_counter() - t_start)
            submit()
    except BaseException:
        pool.stop()  # type: ignore[no-untyped-call]
        pool.join()
        raise
    # Every file is back and the workers are idle: they are stopped while the
    # run writes its last batch. pebble's join polls its threads every 0.1 s,
    # which a one-file convert would otherwise wait for. (A thread that is not
    # a daemon: the interpreter waits for it before it exits.)
    pool.stop()  # type: ignore[no-untyped-call]
    threading.Thread(target=pool.join, name="jixiao-pool-stop").start()


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        return "killed by signal 9, likely out of memory" if code == -9 else f"killed by signal {-code}"
    return f"exit code {code}"


def _ray(todo: list[Task], opts: Options) -> Iterator[WorkResult]:
    """The same per-file function as Ray tasks, on a cluster at `ray_address`
    or a local Ray started for the run. Input paths must be readable on every
    node (shared storage)."""
    try:
        import ray
    except ImportError as exc:
        raise SystemExit("--engine ray needs Ray: pip install 'jixiao[ray]'") from exc

    started = not ray.is_initialized()
    if started:
        if opts.ray_address and opts.ray_address != "auto":
            _reach(opts.ray_address)
        if opts.ray_address:
            ray.init(address=opts.ray_address, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(include_dashboard=False, log_to_driver=False, num_cpus=max(opts.workers, 1))
    remote = ray.remote(max_retries=0)(work)
    window = max(2, int(ray.cluster_resources().get("CPU", 1)))  # type: ignore[no-untyped-call]
    queue = iter(todo)
    running: dict[Any, tuple[Task, float]] = {}  # a Ray object ref -> its task, when it was sent
    try:
        def submit() -> None:
            for task in queue:
                resolved = task._replace(path=str(Path(task.path).resolve()))
                # (Ray's typing counts `work`'s parameters without their defaults)
                running[remote.remote(resolved, opts.pdf_engine, opts.ocr,  # type: ignore[call-arg]
                                      opts.max_memory_mb, opts.ocr_engine)] = (
                    task, time.perf_counter())
                if len(running) >= window:
                    return

        submit()
        while running:
            ready, _ = ray.wait(list(running), num_returns=1, timeout=1.0)
            now = time.perf_counter()
            for ref in ready:
                task, t_start = running.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception as exc:
                    died = "WorkerCrashed" in type(exc).__name__ and opts.max_memory_mb
                    yield _failure(task, (f"Ray worker died while reading this file (past --max-memory, "
                                          f"{opts.max_memory_mb} MB resident, or killed)" if died else
                                          f"Ray task failed: {type(exc).__name__}")[:300], now - t_start)
            for ref, (task, t_start) in list(running.items()):
                if opts.timeout and now - t_start > opts.timeout:
                    ray.cancel(ref, force=True)
                    running.pop(ref)
                    yield _failure(task, f"timed out after {opts.timeout:g} s (--timeout)", now - t_start)
            submit()
    finally:
        if started:
            ray.shutdown()


class RayUnreachable(OSError):
    """The Ray cluster named does not answer: the run could not start."""


def _reach(address: str, seconds: float = 5.0) -> None:
    """Fail in seconds, with one line, when nothing answers at a Ray address
    (ray.init would wait on, printing Ray's own warnings): host:port of the
    cluster's head (6379 by default) or ray://host:port of its client server
    (10001)."""
    import socket
    from urllib.parse import urlsplit

    client = address.startswith("ray://")
    u = urlsplit(address if "://" in address else f"tcp://{address}")
    host, port = u.hostname or "127.0.0.1", u.port or (10001 if client else 6379)
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except OSError as exc:
        raise RayUnreachable(f"the Ray cluster at {address} can't be reached ({exc.strerror or exc}); "
                             "nothing was converted") from exc


class Progress:
    """A bar on a terminal (files, forms, failures, pages/s, ETA); plain log
    lines otherwise, about every 5% or 30 s."""

    def __init__(self, total: int, bar: bool | None, log: Callable[[str], None]):
        self.total, self.log = total, log
        self.done = self.forms = self.failed = self.pages = 0
        self.t0 = self.last = time.perf_counter()
        self.bar = None
        if (sys.stderr.isatty() if bar is None else bar) and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", dynamic_ncols=True, file=sys.stderr)

    def step(self, forms: int, failed: bool, pages: int) -> None:
        self.done += 1
        self.forms += forms
        self.failed += failed
        self.pages += pages
        now = time.perf_counter()
        rate = self.pages / max(now - self.t0, 1e-9)
        if self.bar is not None:
            self.bar.set_postfix(forms=self.forms, failed=self.failed, pages_s=f"{rate:.1f}", refresh=False)
            self.bar.update(1)
            return
        if self.done == self.total or now - self.last >= 30 or self.done % max(self.total // 20, 1) == 0:
            self.last = now
            eta = (now - self.t0) / self.done * (self.total - self.done)
            self.log(f"[{self.done}/{self.total}] {100 * self.done / self.total:.0f}%  forms {self.forms}  "
                     f"failed {self.failed}  {rate:.1f} pages/s  ETA {time.strftime('%H:%M:%S', time.gmtime(eta))}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
