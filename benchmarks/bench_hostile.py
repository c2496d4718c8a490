"""Peak memory and time of every case of the broken- and hostile-input corpus
(tests/broken_inputs.py), each converted alone in a fresh process (in that
process, no worker: its peak RSS is the case's), with the worst three of each.

    .venv/bin/python benchmarks/bench_hostile.py

A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from broken_inputs import make  # noqa: E402

CHILD = """
import json, resource, sys, tempfile, time
from jixiao.cli import main
t0 = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    main(["convert", sys.argv[1], "--out", out, "--quiet", "--workers", "1", "--timeout", "0", "--max-memory", "0"])
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        expect = make(Path(tmp))
        res = {}
        for name in expect:
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / name)], capture_output=True, text=True)
            res[name] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{len(res)} hostile cases, each alone in a process (peak RSS includes the imports, ~150 MiB)")
    for name, r in res.items():
        print(f"  {name:26s} {r['rss']:6.0f} MiB  {r['seconds']:6.2f} s   ({expect[name][0]})")
    for key, unit in (("rss", "MiB"), ("seconds", "s")):
        worst = sorted(res, key=lambda n: -res[n][key])[:3]
        print(f"worst three by {key}: " + ", ".join(f"{n} {res[n][key]:.1f} {unit}" for n in worst))


if __name__ == "__main__":
    main()
