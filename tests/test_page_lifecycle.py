"""A page's process: how it starts, ends, dies and is cleaned up, whatever the page does.

Like tests/test_harness_safety.py, each case is a page in a throw-away copy of the site, and
all of them run in one pytest subprocess (pages run in name order); what the platform lacks
is simulated in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from harness import page_process, page_side, processes
from tests.sites import make_site, run_inprocess, run_pytest
from tests.test_harness_safety import page, py

TMP = Path(tempfile.mkdtemp(prefix="docs-lifecycle-test-"))  # the run's TMPDIR
PIDS = TMP / "pids"  # the pages write the pids of what they start here
START_LIMIT = 8  # DOCS_PAGE_START_LIMIT of the run: a stopped fork server fails a page this fast

PAGES = {
    # A new-session child, then the page process ends without cleaning up.
    "docs/l01_exit_leaves_daemon.md": page(
        py(
            f"import os, subprocess\nchild = subprocess.Popen(['sleep', '311'], "
            f"start_new_session=True)\nopen({str(PIDS)!r} + '/l01', 'w').write(str(child.pid))\n"
            "os._exit(0)"
        ),
        py(">>> 1\n1"),
    ),
    # The page process is killed while a forked child holds its pipe: reported at once.
    "docs/l02_killed_with_worker.md": page(
        py(
            f"import os, signal, time\npid = os.fork()\nif pid == 0:\n    time.sleep(100)\n"
            f"    os._exit(0)\nopen({str(PIDS)!r} + '/l02', 'w').write(str(pid))\n"
            "os.kill(os.getpid(), signal.SIGKILL)"
        )
    ),
    # fork() without os._exit(): the child must not answer for the page.
    "docs/l03_fork_returns.md": page(
        py(
            "import os\npid = os.fork()\nif pid == 0:\n    print('child')\nelse:\n"
            "    os.waitpid(pid, 0)\n    print('parent')",
            "parent",
        ),
        py(">>> 40 + 2\n42"),
        py("print('third')", "third"),
    ),
    # Legitimate forks: multiprocessing and DataLoader workers end with os._exit.
    "docs/l04_legit_forks.md": page(
        py(
            "import multiprocessing\nimport torch\nfrom torch.utils.data import DataLoader\n\n"
            "def square(queue, x):\n    queue.put(x * x)\n\n"
            "ctx = multiprocessing.get_context('fork')\nqueue = ctx.Queue()\n"
            "worker = ctx.Process(target=square, args=(queue, 7))\nworker.start()\n"
            "print(queue.get())\nworker.join()\n"
            "loader = DataLoader(torch.arange(8), batch_size=4, num_workers=2,\n"
            "                    multiprocessing_context='fork')\n"
            "print([batch.tolist() for batch in loader])",
            "49\n[[0, 1, 2, 3], [4, 5, 6, 7]]",
        )
    ),
    # The harness's own folder: refused in Python, reported once when a subprocess does it.
    "docs/l05_rmtree_scratch.md": page(
        py("import shutil\nfrom pathlib import Path\n\nshutil.rmtree(Path.cwd().parent)"),
        py(">>> 1 + 1\n2"),
    ),
    "docs/l06_rm_rf_scratch.md": page(
        py(
            "import subprocess\nfrom pathlib import Path\n\n"
            "subprocess.run(['rm', '-rf', str(Path.cwd().parent)])"
        ),
        py("print('still checked')", "still checked"),
    ),
    # Threads: a busy executor worker is a leak; one that finishes late is checked.
    "docs/l07_busy_executor.md": page(
        py(
            "import time\nfrom concurrent.futures import ThreadPoolExecutor\n\n"
            "pool = ThreadPoolExecutor(1)\npool.submit(time.sleep, 60)"
        )
    ),
    "docs/l08_executor_prints_late.md": page(
        py(
            "import time\nfrom concurrent.futures import ThreadPoolExecutor\n\n"
            "def slow():\n    time.sleep(0.5)\n    print('late from worker')\n\n"
            "pool = ThreadPoolExecutor(1)\npool.submit(slow)"
        )
    ),
    "docs/l09_atexit.md": page(py("import atexit\n\natexit.register(print, 'bye from atexit')")),
    # Without the subreaper an orphaned daemon leaves the page's tree: its token still finds it.
    "docs/l10_no_subreaper.md": page(
        py(
            "import ctypes, subprocess\nctypes.CDLL(None).prctl(36, 0)  # no subreaper\n"
            f"subprocess.run(['sh', '-c', 'sleep 312 & echo $! > {PIDS}/l10'], "
            "start_new_session=True)"
        )
    ),
    # A Python daemon that double-forks and never execs, then the page process ends.
    "docs/l11_python_daemon.md": page(
        py(
            "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        open({str(PIDS)!r} + '/l11', 'w').write(str(os.getpid()))\n"
            "        time.sleep(313)\n    os._exit(0)\ntime.sleep(1)\nos._exit(0)"
        )
    ),
    # red team (rt): a forked DataLoader worker's print was lost and the block passed.
    "docs/l12_worker_prints.md": page(
        py(
            "import torch\nfrom torch.utils.data import DataLoader, Dataset\n\n\n"
            "class Loud(Dataset):\n    def __len__(self):\n        return 2\n\n"
            "    def __getitem__(self, i):\n        print('worker reads', i)\n"
            "        return torch.tensor(i)\n\n\n"
            "for batch in DataLoader(Loud(), num_workers=2):\n    pass\nprint('done')",
            "done",
        )
    ),
    # red team (rt): a page that breaks the harness's modules: "exit code 1" said nothing.
    "docs/l13_harness_module_gone.md": page(
        py("import sys\n\nsys.modules['harness.run_block'] = None\nprint('x')", "x")
    ),
    # Last: a page stops the fork server; the next page fails to start, the one after runs.
    "docs/z1_stop_server.md": page(
        py("import os, signal, psutil\nos.kill(psutil.Process().parent().pid, signal.SIGSTOP)")
    ),
    "docs/z2_cannot_start.md": page(py(">>> 1\n1"), py(">>> 2\n2")),
    "docs/z3_runs_again.md": page(py(">>> 3\n3")),
}

EXPECTED = {
    "l01_exit_leaves_daemon": [
        "docs/l01_exit_leaves_daemon.md, line 3: the page's Python process ended while this "
        "block ran (exit code 0)"
    ],
    "l02_killed_with_worker": [
        "docs/l02_killed_with_worker.md, line 3: the page's Python process ended while this "
        "block ran (signal SIGKILL)"
    ],
    "l03_fork_returns": [
        "docs/l03_fork_returns.md, line 3: the block called os.fork() and the child process "
        "returned into the page without os._exit()"
    ],
    "l05_rmtree_scratch": [
        "docs/l05_rmtree_scratch.md, line 3: the block raised an error the page does not expect",
        'File "docs/l05_rmtree_scratch.md", line 7',
        "PermissionError: the page may not delete or move",
    ],
    "l06_rm_rf_scratch": [
        "docs/l06_rm_rf_scratch.md, line 3: the block deleted the harness's own folder"
    ],
    "l07_busy_executor": [
        "docs/l07_busy_executor.md: the page did not end cleanly",
        "threads still running after the page's objects were freed: ThreadPoolExecutor",
    ],
    "l08_executor_prints_late": [
        "docs/l08_executor_prints_late.md: the page did not end cleanly",
        "output written after its last block",
        "late from worker",
    ],
    "l09_atexit": [
        "docs/l09_atexit.md: the page did not end cleanly",
        "output written after its last block",
        "bye from atexit",
    ],
    "l10_no_subreaper": [
        "docs/l10_no_subreaper.md: the page did not end cleanly",
        "child processes still running",
        "sleep 312",
    ],
    "l12_worker_prints": [
        "docs/l12_worker_prints.md, line 3: the block printed outside Python's sys.stdout",
        "a forked one such as a DataLoader worker",
        "worker reads 1",
    ],
    "l13_harness_module_gone": [
        "docs/l13_harness_module_gone.md, line 3: the page's Python process ended while this "
        "block ran (exit code 1)",
        "What it last wrote to standard error:",
        "import of module 'harness.run_block' failed",
    ],
    "z2_cannot_start": [
        "docs/z2_cannot_start.md, line 3: the page's process could not be started: the fork "
        "server that starts every page's process (multiprocessing's forkserver, pid",
        f"did not answer within {START_LIMIT} s",
        "docs/z2_cannot_start.md, line 8: not run: the page's process could not be started",
    ],
}
# Tests that must pass (page, line), and pages none of whose tests may fail.
PASSING_TESTS = [
    ("l03_fork_returns", 17),
    ("l03_fork_returns", 22),
    ("l05_rmtree_scratch", 10),
    ("l06_rm_rf_scratch", 10),
    ("z3_runs_again", 3),
]
CLEAN_PAGES = ["l04_legit_forks", "z1_stop_server", "z3_runs_again"]


@pytest.fixture(scope="module")
def lifecycle_run(tmp_path_factory):
    PIDS.mkdir(exist_ok=True)
    site = make_site(tmp_path_factory.mktemp("lifecycle"), PAGES)
    started = time.monotonic()
    result = run_pytest(
        site, "docs", "-rA", env={"TMPDIR": str(TMP), "DOCS_PAGE_START_LIMIT": str(START_LIMIT)}
    )
    result.seconds = time.monotonic() - started
    (TMP / "report.txt").write_text(result.stdout + result.stderr, encoding="utf-8")  # to read
    return result


def _summary(result) -> str:
    return result.stdout.split("short test summary info")[-1]


@pytest.mark.slow  # one pytest subprocess over the lifecycle pages
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_lifecycle_break_is_reported_clearly(lifecycle_run, name):
    for message in EXPECTED[name]:
        assert message in lifecycle_run.stdout, (
            f"{name}: expected {message!r}\n" + lifecycle_run.stdout[-4000:]
        )


@pytest.mark.slow  # one pytest subprocess over the lifecycle pages
def test_pages_and_blocks_that_do_right_pass(lifecycle_run):
    summary = _summary(lifecycle_run)
    for name, line in PASSING_TESTS:
        assert f"PASSED docs/{name}.md::line:{line}," in summary, summary
    for name in CLEAN_PAGES:
        assert not re.search(rf"(FAILED|ERROR) docs/{name}\.md", summary), summary


@pytest.mark.slow  # one pytest subprocess over the lifecycle pages
def test_a_dead_page_is_never_reported_as_a_time_limit(lifecycle_run):
    out = lifecycle_run.stdout
    assert "time limit" not in out  # no block here hangs: every end is reported as it happened
    # The killed page's pipe stayed open (its forked child); the limit is 120 s per block, and
    # the fork-server stop costs START_LIMIT plus a fresh server's imports.
    assert lifecycle_run.seconds < 110, lifecycle_run.seconds


@pytest.mark.slow  # one pytest subprocess over the lifecycle pages
@pytest.mark.parametrize("name", ["l01", "l02", "l10", "l11"])
def test_whatever_a_page_started_is_gone_after_it(lifecycle_run, name):
    pid = int((PIDS / name).read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and processes.alive(pid):
        time.sleep(0.1)
    assert not processes.alive(pid), f"{name}: {pid} {processes.command(pid)} still running"


@pytest.mark.slow  # one pytest subprocess over the lifecycle pages
def test_no_scratch_folder_and_no_stopped_fork_server_is_left(lifecycle_run):
    assert not list(TMP.glob("docs-page-*")), "scratch folders left"
    stopped = [
        p
        for p in psutil.process_iter(["cmdline", "status"])
        if "forkserver" in " ".join(p.info["cmdline"] or [])
        and p.info["status"] == psutil.STATUS_STOPPED
        and str(TMP) in _environ(p)
    ]
    assert not stopped


def _environ(process) -> str:
    try:
        return process.environ().get("TMPDIR", "")
    except psutil.Error:
        return ""


# --- platforms, simulated in this process --------------------------------------------------
def test_a_complete_platform_passes():
    assert page_process.platform_problem() is None


def test_spawn_only_platform_is_refused_in_one_message(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr("sys.platform", "darwin")
    problem = page_process.platform_problem()
    assert problem and "macOS" in problem and "'forkserver' start method" in problem
    assert "Linux" in problem and "WSL" in problem


def test_missing_setsid_sigusr1_and_psutil_are_named(monkeypatch):
    monkeypatch.delattr(os, "setsid")
    monkeypatch.delattr("signal.SIGUSR1")
    monkeypatch.setattr(processes, "psutil", None)
    problem = page_process.platform_problem()
    assert problem and problem.count("The documentation tests cannot run here") == 1
    for piece in ("os.setsid", "signal.SIGUSR1", "psutil"):
        assert piece in problem


class _NoProcPsutil:
    """psutil as on a system without /proc (macOS): it answers without reading /proc."""

    STATUS_ZOMBIE, STATUS_DEAD = "zombie", "dead"
    Error = Exception

    class Process:
        def __init__(self, pid=None):
            self.pid = pid

        def status(self):
            return "running"

        def children(self, recursive=False):
            return []


def test_without_proc_the_watchdog_does_not_end_the_page(monkeypatch):
    real_read, real_exists = Path.read_text, Path.exists

    def no_proc(path, *args, **kwargs):
        if str(path).startswith("/proc"):
            raise FileNotFoundError(path)
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", no_proc)
    monkeypatch.setattr(Path, "exists", lambda p: not str(p).startswith("/proc") and real_exists(p))
    monkeypatch.setattr(processes, "psutil", _NoProcPsutil)
    ended = []
    monkeypatch.setattr(page_side.os, "_exit", ended.append)
    # pytest's pid is this process: once the test is over, the real psutil sees it alive too.
    page_side._watch_pytest(os.getpid(), "no-token", interval=0.05)
    time.sleep(0.5)
    assert not ended
    assert processes.alive(os.getpid())


def test_without_proc_a_live_runs_scratch_folder_is_kept(monkeypatch, tmp_path):
    folder = Path(tempfile.mkdtemp(prefix=page_process.SCRATCH_PREFIX))
    (folder / "owner").write_text(str(os.getpid()))
    monkeypatch.setattr(processes, "psutil", _NoProcPsutil)
    page_process.sweep_stale_scratch()
    assert folder.is_dir()
    page_process.remove_scratch(folder)


def test_without_a_subreaper_prctl_is_not_called(monkeypatch):
    import ctypes

    called = []
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: called.append(args))
    monkeypatch.setattr("sys.platform", "darwin")
    page_side._prctl(36, 1)  # the token covers orphans (tests l10_no_subreaper above)
    assert not called


# --- red team (rt): a page that takes the machine's memory, a page that kills its worker ----
def test_a_page_running_the_machine_out_of_memory_is_stopped_with_a_message(tmp_path, pytester):
    """Unbounded recursion under sys.setrecursionlimit(10**9) took 22 GB here before the
    kernel's OOM killer ended it (it may end pytest or anything else instead).  The thresholds
    are lowered so that 800 MB counts as "the machine is nearly out of memory"."""
    hog = "import time\nhog = []\nfor _ in range(40):\n    hog.append(bytearray(50 * 2**20))\n"
    site = make_site(tmp_path, {"docs/m.md": page(py(hog + "    time.sleep(0.05)"))})
    share = 700 * 2**20 / psutil.virtual_memory().total
    env = {"DOCS_SPARE_MEMORY_SHARE": "1.0", "DOCS_PAGE_MEMORY_SHARE": f"{share:.4f}"}
    result = run_inprocess(pytester, site, "-p", "no:xdist", "docs", env=env)
    assert result.returncode == 1, result.stdout
    assert "docs/m.md, line 3: the machine was nearly out of memory" in result.stdout
    assert 'File "docs/m.md", line ' in result.stdout  # where it was when it was stopped


@pytest.mark.slow  # a pytest subprocess with two xdist workers
def test_a_page_that_kills_its_xdist_worker_ends_the_run_it_does_not_hang_it(tmp_path):
    """With --dist loadfile, pytest-xdist 3.8 replaced the crashed worker and then waited
    forever (over 600 s); now the run stops, names the page, and records the rest."""
    kill = (
        "import os, signal\nfrom pathlib import Path\n\n"
        "os.kill(int((Path.cwd().parent / 'owner').read_text()), signal.SIGKILL)"
    )
    pages = {"docs/k.md": page(py(kill)), "docs/a.md": page(py(">>> 1\n1"))}
    site = make_site(tmp_path, pages)
    started = time.monotonic()
    result = run_pytest(site, "-n", "2", "docs")
    assert time.monotonic() - started < 300
    assert result.returncode == 1, result.stdout
    assert "worker 'gw" in result.stdout and "crashed while running 'docs/k.md" in result.stdout
