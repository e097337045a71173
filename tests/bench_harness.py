"""Benchmark: the harness's wall time over all pages vs. the same blocks run bare.

    python tests/bench_harness.py          # prints both times and their ratio (target ≤ 1.2×)
                                           # and both CPU times (steadier on a busy machine)
    python tests/bench_harness.py docs/tensors.md docs/nn.md    # only these pages
    BENCH_RUNS=1 python tests/bench_harness.py                  # one run each, not best of 3
    python tests/bench_harness.py --per-page                    # each page alone, both ways

"Bare" is one Python process that executes every collected block of every page in
order, one namespace per page, with no pytest, no sybil, no output checks and no isolation.
The harness runs each page in its own fresh process (see harness/page_process.py).
Both timings include interpreter start-up and `import torch`; each is the best of 3.
Both compute with one thread, as the harness's page processes do (harness/plugin.py THREADS),
so the ratio is the harness's overhead, not a difference in threads.  The harness is timed
in one process (-p no:xdist) and, for the record, in parallel as docs-test runs it (-n auto).
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pagekit.fences import find_fences  # noqa: E402
from pagekit.includes import code_chunks  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def run_bare(pages: list[Path]) -> int:
    import torch

    blocks = 0
    for page in pages:
        namespace = {"__name__": "__main__"}
        os.chdir(tempfile.mkdtemp(prefix="bench-"))
        torch.manual_seed(0)
        for fence in find_fences(page.read_text(encoding="utf-8")):
            if not fence.is_runnable or fence.marker("norun") or fence.marker("gpu-only"):
                continue  # norun and gpu-only blocks do not run on the CPU harness either
            blocks += 1
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                if fence.body.lstrip().startswith(">>>"):
                    for example in doctest.DocTestParser().get_examples(fence.body):
                        try:
                            exec(compile(example.source, str(page), "single"), namespace)
                        except Exception:
                            pass  # an expected error the page demonstrates
                else:
                    page_name = page.relative_to(ROOT).as_posix()
                    for chunk in code_chunks(fence.body, fence.body_line, page_name, ROOT):
                        try:
                            exec(compile(chunk.code, chunk.filename, "exec"), namespace)
                        except Exception:
                            pass  # bare: nothing is checked, and nothing isolates the pages
    return blocks


CPU_SECONDS: dict[str, float] = {}  # command's name -> least CPU time of its runs


def timed(command: list[str], env: dict | None = None, name: str = "") -> float:
    """Best wall time of RUNS runs; the least CPU time (user + system, every process the
    command started, reaped) goes to CPU_SECONDS[name]: on a busy machine it moves far less
    than the wall time."""
    best = float("inf")
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        CPU_SECONDS[name] = min(CPU_SECONDS.get(name, float("inf")), cpu)
    return best


def main() -> None:
    args = sys.argv[1:]
    bare_mode = args[:1] == ["--bare"]
    per_page = args[:1] == ["--per-page"]
    skip = bare_mode or per_page
    pages = [ROOT / arg for arg in args[skip:]] or sorted((ROOT / "docs").rglob("*.md"))
    if bare_mode:
        print(run_bare(pages))
        return
    names = [page.relative_to(ROOT).as_posix() for page in pages]
    env_python = sys.executable
    one_thread = dict(
        os.environ,
        DOCS_DEVICE="cpu",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    serial = [env_python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    if per_page:  # where the difference comes from: each page alone, harness vs bare
        for name in names:
            alone = timed([*serial, name], env=one_thread)
            bare_alone = timed([env_python, __file__, "--bare", name], env=one_thread)
            print(
                f"{name:32} harness {alone:6.2f} s  bare {bare_alone:6.2f} s  "
                f"({alone / bare_alone:.2f}×)",
                flush=True,
            )
        return
    harness = timed([*serial, *names], env=one_thread, name="harness")
    parallel = timed(
        [
            env_python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--numprocesses=auto",
            "--maxprocesses=4",
            *names,
        ],
        env=one_thread,
    )
    bare = timed([env_python, __file__, "--bare", *names], env=one_thread, name="bare")
    print(f"harness (pytest + sybil, all pages): {harness:6.2f} s  (best of {RUNS})")
    print(f"bare (same blocks, one process):     {bare:6.2f} s  (best of {RUNS})")
    print(f"ratio: {harness / bare:.2f}×  (target ≤ 1.20×) on {os.cpu_count()} cores")
    cpu_harness, cpu_bare = CPU_SECONDS["harness"], CPU_SECONDS["bare"]
    print(
        f"CPU time (user + system): harness {cpu_harness:6.2f} s, bare {cpu_bare:6.2f} s, "
        f"ratio {cpu_harness / cpu_bare:.2f}×"
    )
    print(
        f"harness in parallel (-n auto):       {parallel:6.2f} s  "
        f"({parallel / bare:.2f}× the bare time)"
    )


if __name__ == "__main__":
    main()
