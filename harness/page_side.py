"""Inside a page's own process: run the blocks it is sent, then report what the page left.

The pytest side (page_process.py) forks this process from the fork server and talks to it
over a pipe: one ``Block`` in, one ``Outcome`` back, then ``("finish", None)``, answered with
a ``PageEnd``.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import inspect
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import threading
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

from . import device
from .processes import command, descendants, rss_mb
from .run_block import Outcome, PageState, StdioFiles, Streams, run

LEFTOVER_GRACE = 2.0  # seconds a page's threads and children get to finish on their own
WATCHDOG = "docs-harness-watchdog"  # the page's own thread that watches pytest


@dataclass
class PageSetup:
    page: str
    root: Path
    folder: Path  # harness-owned: cwd/ and tmp/ for the page, site/ (snippet copies), fd files
    seed: int
    update: bool  # unused here: docs-update is judged in the pytest process
    pytest_pid: int  # the page stops itself and everything it started if pytest disappears


@dataclass
class PageEnd:
    """What a page left behind, reported when it finishes."""

    threads: list[str] = field(default_factory=list)
    library_threads: list[str] = field(default_factory=list)  # libraries' own daemons
    late_output: str = ""  # written after the last block had reported
    children: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    rss_after_release_mb: float = 0.0
    cuda_allocated_after_release: int = 0


def page_main(connection, setup: PageSetup) -> None:
    os.setsid()
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: descendants that leave the session stay ours
    _watch_pytest(setup.pytest_pid)
    stdio = StdioFiles(setup.folder)
    stack_dump = open(setup.folder / "stack.txt", "w", encoding="utf-8")  # noqa: SIM115 -- open until exit
    faulthandler.register(signal.SIGUSR1, file=stack_dump, all_threads=True)
    scratch = setup.folder / "cwd"
    os.chdir(scratch)
    # The page's own temp directory, removed with its scratch folder: nothing a page writes
    # there reaches the next page or outlives the run.
    temp = setup.folder / "tmp"
    temp.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = str(temp)
    tempfile.tempdir = str(temp)
    import numpy
    import torch

    random.seed(setup.seed)
    numpy.random.seed(setup.seed)
    torch.manual_seed(setup.seed)
    # DataLoader workers and the page's own processes start the way a reader's Python starts
    # them (fork on Linux up to 3.13), not the way the harness started this page.
    multiprocessing.set_start_method(None, force=True)
    # The page's code runs in a real __main__ module, as a reader's script does: classes and
    # functions defined on the page pickle (torch.save of a model, DataLoader workers).
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    namespace = main.__dict__
    state = PageState(setup.root, setup.folder, stdio, Streams())
    while True:
        try:
            command, block = connection.recv()
        except (EOFError, OSError):
            return  # pytest went away
        if command == "finish":
            # Returning lets multiprocessing run its finalizers (queues, semaphores) on exit,
            # but it would also wait for non-daemon threads: a leak (reported) must not hang.
            end = _release(namespace)
            late = stdio.new_text()
            end.late_output = (late[1] + late[2]).strip()
            connection.send(end)
            connection.close()
            if end.threads:
                os._exit(0)
            return
        try:
            outcome = run(block, namespace, state)
        except BaseException as error:  # noqa: BLE001 -- a harness bug: report it, keep the page going
            import traceback

            outcome = Outcome(
                failure=f"{block.where}: the harness itself failed:\n"
                + "".join(traceback.format_exception(error))
            )
        try:
            os.chdir(scratch)  # the working directory is restored after every block
        except OSError:  # the page removed it
            scratch.mkdir(parents=True, exist_ok=True)
            os.chdir(scratch)
        connection.send(outcome)


def _prctl(option: int, value: int) -> None:
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value)


def _watch_pytest(pytest_pid: int) -> None:
    """If pytest disappears (kill -9), stop this page and everything it started: its parent
    is the fork server, so no parent-death signal would tell it."""

    def watch():
        while _alive(pytest_pid):
            time.sleep(0.5)
        for victim in descendants(os.getpid()):
            with contextlib.suppress(OSError):
                os.kill(victim, signal.SIGKILL)
        os._exit(1)

    threading.Thread(target=watch, name=WATCHDOG, daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _release(namespace: dict) -> PageEnd:
    """Report the threads the page left, free its objects, then report its child processes
    (freeing a DataLoader stops its workers, so children are counted after that)."""
    end = PageEnd(peak_rss_mb=_peak_rss_mb())
    deadline = time.monotonic() + LEFTOVER_GRACE
    for thread in threading.enumerate():  # the page's own threads get a moment to finish
        if (
            thread is not threading.main_thread()
            and thread.name != WATCHDOG
            and not _tolerated(thread)
        ):
            thread.join(max(0.0, deadline - time.monotonic()))
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.name == WATCHDOG or not thread.is_alive():
            continue
        described = f"{thread.name} ({'daemon' if thread.daemon else 'not daemon'}" + (
            f", runs {_thread_origin(thread)})" if _thread_origin(thread) else ")"
        )
        # A library's own daemon (tqdm's monitor) ends with the process, and an executor's
        # idle worker (torch.compile's pool) is stopped by Python at exit: neither outlives
        # the page.  A thread the page started, or any other non-daemon thread, is a leak.
        if _tolerated(thread):
            end.library_threads.append(described)
        else:
            end.threads.append(described)
    namespace.clear()
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    gc.collect()
    deadline = time.monotonic() + LEFTOVER_GRACE
    while time.monotonic() < deadline and _children():
        time.sleep(0.05)
    end.children = _children()
    for leftover in descendants(os.getpid()):  # reported above; stopped here, even those
        with contextlib.suppress(OSError):  # that left the page's session
            os.kill(leftover, signal.SIGKILL)
    end.rss_after_release_mb = rss_mb()
    torch = sys.modules.get("torch")
    if device.MODE == "cuda" and torch is not None and torch.cuda.is_initialized():
        torch.cuda.synchronize()
        end.cuda_allocated_after_release = int(torch.cuda.memory_allocated())
    return end


def _thread_code(thread: threading.Thread):
    """The code a thread runs: its target (decorators unwrapped), or a subclass's run()."""
    target = inspect.unwrap(getattr(thread, "_target", None) or type(thread).run)
    return getattr(target, "__code__", None), getattr(target, "__qualname__", "?")


def _is_library_code(thread: threading.Thread) -> bool:
    code, _ = _thread_code(thread)
    return code is not None and any(
        part in code.co_filename for part in ("/site-packages/", "/dist-packages/")
    )


def _tolerated(thread: threading.Thread) -> bool:
    return (thread.daemon and _is_library_code(thread)) or _is_executor_worker(thread)


def _is_executor_worker(thread: threading.Thread) -> bool:
    code, _ = _thread_code(thread)
    return code is not None and code.co_filename.replace("\\", "/").endswith(
        "concurrent/futures/thread.py"
    )


def _thread_origin(thread: threading.Thread) -> str:
    code, name = _thread_code(thread)
    return f"{name} in {Path(code.co_filename).name}" if code else ""


def _children() -> list[str]:
    """Every live descendant of this process (a subreaper: orphans are re-parented here)."""
    return [f"{pid} {command(pid)}" for pid in sorted(descendants(os.getpid()))]


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
