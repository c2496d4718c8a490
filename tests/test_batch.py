"""Archive-scale runs: the broken-input corpus, per-file time and memory
limits, a run killed with SIGKILL and resumed, and Ray against the process
pool, row for row."""
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from broken_inputs import make as make_broken
from conftest import ROOT, SAMPLES, read_tables

from jixiao import batch, pipeline
from jixiao.batch import Options
from jixiao.cli import main
from jixiao.dataset import Dataset
from jixiao.sniff import collect

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import make_corpus  # noqa: E402

pytestmark = pytest.mark.slow  # `make test-fast` leaves these out; `make test` (and CI) runs them


def rows(out: Path) -> dict[str, list]:
    """Every table as sorted rows without timings: what two runs must agree on."""
    t = read_tables(out)
    for s in t["sources"]:
        s.pop("seconds")
        s.pop("converted_at")  # when the row was written: differs by run, as it should
        s.pop("path")
    return {k: sorted(v, key=repr) for k, v in t.items()}


def test_broken_inputs_each_get_a_reason(tmp_path):
    expect = make_broken(tmp_path / "in")
    good = tmp_path / "in" / "good.txt"
    good.write_bytes(next(SAMPLES.glob("000_*.txt")).read_bytes())
    assert main(["convert", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet", "--workers", "2"]) == 1
    src = {Path(s["path"]).name: s for s in read_tables(tmp_path / "out")["sources"]}
    assert set(src) == set(expect) | {"good.txt"}
    assert src["good.txt"]["status"] == "ok" and src["good.txt"]["forms"] == 1
    for name, (status, reason) in expect.items():
        s = src[name]
        assert s["status"] == status and reason in (s["error"] or "") and "\n" not in (s["error"] or ""), s


def test_time_and_memory_limits(tmp_path, monkeypatch):
    """A file that hangs and one that eats memory fail with their reason; the
    run goes on. (The pool forks, so the patched reader is the workers'.)"""
    real = pipeline.extractor_for

    def patched(fmt, *options):
        read = real(fmt, *options)

        def reader(path):
            if "hang" in path.name:
                time.sleep(60)
            if "hungry" in path.name:
                hog = [b"x" * (100 << 20) for _ in range(30)]  # 3 GB written as it grows, past the limit
                del hog
            return read(path)
        return reader

    monkeypatch.setattr(pipeline, "extractor_for", patched)
    src = next(SAMPLES.glob("000_*.txt"))
    for name, k in (("hang.txt", 1), ("hungry.txt", 2), ("fine.txt", 3)):
        (tmp_path / name).write_bytes(src.read_bytes() + b" " * k)
    # The limit is on resident memory; forked workers start with this test
    # process's pages, so allow them 512 MB more than it holds now.
    limit = (int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20) + 512
    t0 = time.perf_counter()
    summary = batch.run(collect([str(tmp_path)]), tmp_path / "out",
                        Options(workers=2, timeout=6, max_memory_mb=limit, progress=False),
                        log=lambda s: None)
    assert time.perf_counter() - t0 < 30
    got = {Path(s["path"]).name: s for s in read_tables(tmp_path / "out")["sources"]}
    assert got["fine.txt"]["status"] == "ok", got["fine.txt"]["error"]
    assert got["hang.txt"]["error"] == "timed out after 6 s (--timeout)"
    assert got["hungry.txt"]["status"] == "failed"
    assert got["hungry.txt"]["error"] == f"used more than --max-memory ({limit} MB resident) while reading this file"
    assert len(summary.failed) == 2


def test_a_folder_takes_one_run_at_a_time_and_is_free_when_a_run_ends(tmp_path, capsys):
    src = next(SAMPLES.glob("000_*.txt"))
    out = tmp_path / "out"
    held = Dataset(out)
    held.lock()
    cmd = [sys.executable, "-m", "jixiao.cli", "convert", str(src), "--out", str(out), "--quiet"]
    other = subprocess.run(cmd, capture_output=True, text=True, timeout=300)  # another process
    assert other.returncode == 4 and other.stderr.strip() == f"jixiao: another jixiao run is writing to {out}"
    assert main(["convert", str(src), "--out", str(out), "--quiet"]) == 4  # this one
    assert not (out / "sources").exists()
    # A run's workers outlive its last file by a moment (they are stopped in a
    # thread), and fork inherits open files: a process forked while the lock
    # is held must not hold it once its parent lets go.
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    child.start()
    try:
        held.unlock()
        assert subprocess.run(cmd, capture_output=True, timeout=300).returncode == 0
    finally:
        child.kill()
    capsys.readouterr()
    for _ in range(2):  # one run right after another
        assert main(["convert", str(src), "--out", str(out), "--quiet", "--workers", "2", "--force"]) == 0


def test_killed_run_resumes_to_the_rows_of_a_clean_run(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 36, kinds=(".txt", ".pdf", ".docx"))
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    cmd = [sys.executable, "-m", "jixiao.cli", "convert", str(corpus), "--workers", "2", "--batch-files", "3",
           "--quiet"]
    subprocess.run([*cmd, "--out", str(clean)], check=False, capture_output=True, timeout=600)
    proc = subprocess.Popen([*cmd, "--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((killed / "sources").glob("part-*.parquet"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole run, workers too, mid-batch
    proc.wait()
    committed = len(list((killed / "sources").glob("part-*.parquet")))
    assert 2 <= committed < 12, "the kill should land mid-run"
    partial = read_tables(killed)  # readable as it is
    assert 0 < len(partial["sources"]) < 36
    subprocess.run([*cmd, "--out", str(killed)], check=False, capture_output=True, timeout=600)
    assert rows(killed) == rows(clean)
    assert len(rows(clean)["sources"]) == 36


def test_ray_gives_the_rows_of_the_process_pool(tmp_path):
    pytest.importorskip("ray")
    files = [str(p) for p in sorted(SAMPLES.glob("00[0-4]_*.txt"))] + [str(SAMPLES / "guangdong_n3_s103_000.pdf")]
    assert main(["convert", *files, "--out", str(tmp_path / "pool"), "--quiet", "--workers", "2"]) == 0
    assert main(["convert", *files, "--out", str(tmp_path / "ray"), "--quiet", "--workers", "2",
                 "--engine", "ray"]) == 0
    assert rows(tmp_path / "ray") == rows(tmp_path / "pool")


def test_ordinary_files_convert_under_a_tight_memory_limit(tmp_path):
    """--max-memory limits resident memory: 1 GB is plenty for ordinary files
    (an address-space limit of 1.5 GB failed them: PDFium, OpenCV and the
    rest map more than they touch)."""
    files = [SAMPLES / n for n in ("beijing_n1_s101_000.pdf", "beijing_n1_s101_000.docx", "forms_a.xlsx")]
    summary = batch.run(collect([str(f) for f in files]), tmp_path / "out",
                        Options(workers=2, timeout=120, max_memory_mb=1024, progress=False), log=lambda s: None)
    assert not summary.failed, summary.failed
    assert summary.forms >= 11


def test_an_unreachable_ray_cluster_fails_in_seconds_and_frees_the_folder(tmp_path, capsys):
    pytest.importorskip("ray")
    out = tmp_path / "out"
    src = str(next(SAMPLES.glob("000_*.txt")))
    t0 = time.perf_counter()
    assert main(["convert", src, "--out", str(out), "--engine", "ray", "--ray-address", "127.0.0.1:1"]) == 4
    assert time.perf_counter() - t0 < 30
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["jixiao: the run could not complete: the Ray cluster at 127.0.0.1:1 can't be reached "
                   "(Connection refused); nothing was converted"]
    assert main(["convert", src, "--out", str(out), "--quiet"]) == 0  # the lock was released


def test_dry_run_says_what_a_run_would_do_and_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    a, b = sorted(SAMPLES.glob("00[12]_*.txt"))
    (folder / "a.txt").write_bytes(a.read_bytes())
    (folder / "a_copy.txt").write_bytes(a.read_bytes())
    out = tmp_path / "out"
    assert main(["convert", str(folder), "--out", str(out), "--dry-run"]) == 0
    assert not out.exists()
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"convert: {folder / 'a.txt'}", f"duplicate: {folder / 'a_copy.txt'} (same bytes as "
                       f"{folder / 'a.txt'})", f"dry run: 1 files would be converted, 0 are already in {out} "
                       "(skipped), 1 duplicates; nothing was written"]
    assert main(["convert", str(folder), "--out", str(out), "--quiet"]) == 0
    (folder / "b.txt").write_bytes(b.read_bytes())
    before = sorted(p.name for p in out.rglob("*"))
    capsys.readouterr()
    assert main(["convert", str(folder), "--out", str(out), "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"convert: {folder / 'b.txt'}"
    assert sorted(p.name for p in out.rglob("*")) == before


def test_verbose_says_each_file_and_help_gives_defaults(tmp_path, capsys):
    src = next(SAMPLES.glob("000_*.txt"))
    assert main(["convert", str(src), "--out", str(tmp_path / "out"), "-v", "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert f"ok: {src}: 1 forms, " in err
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    assert "(default: 300)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["convert", str(src), "--out", str(tmp_path / "x"), "-v", "--quiet"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_inspect_reads_each_file_of_a_folder(tmp_path, capsys):
    for p in sorted(SAMPLES.glob("00[01]_*.txt")):
        (tmp_path / p.name).write_bytes(p.read_bytes())
    assert main(["inspect", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert [ln.split(":")[0] for ln in out.splitlines() if ln.startswith(str(tmp_path))] == [
        str(tmp_path / p.name) for p in sorted(SAMPLES.glob("00[01]_*.txt"))]


@pytest.mark.parametrize("bad,says", [
    ({"workers": 0}, "workers must be 1 or more"),
    ({"timeout": -1}, "timeout must be more than 0"),
    ({"max_memory_mb": 0}, "max_memory_mb must be more than 0"),
    ({"pdf_engine": "tesseract"}, "pdf_engine must be one of pdfium, pdfplumber, camelot"),
    ({"engine": "spark"}, "engine must be one of local, ray"),
    ({"ray_address": "10.0.0.1:6379"}, "ray_address is for engine='ray'"),
])
def test_options_are_checked_when_made_and_frozen(bad, says):
    import dataclasses

    with pytest.raises(ValueError, match=says):
        Options(**bad)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().workers = 4  # type: ignore[misc]


def test_a_worker_runs_opencv_on_one_thread():
    """A worker per core: OpenCV's own thread pool is off in each."""
    code = "from jixiao.batch import start_worker\nstart_worker(None)\nimport cv2\nprint(cv2.getNumThreads())"
    env = {k: v for k, v in os.environ.items() if k != "OPENCV_FOR_THREADS_NUM"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["1"]
