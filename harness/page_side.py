"""Inside a page's own process: run the blocks it is sent, then report what the page left.

The pytest side (page_process.py) forks this process from the fork server and talks to it
over a pipe: one ``Block`` in, one ``Outcome`` back, then ``("finish", None)``, answered with
a ``PageEnd``.

Only this process may talk on the pipe: a child the page forks that returns into the harness
(``os.fork()`` without ``os._exit()``) ends at once (``forked_child_returned``), and the block
that forked fails.  The harness's own folder is refused to the page's deletions (an audit hook).
At the end the page's atexit callbacks run, as at a reader's exit, before its late output is
collected; a thread still running then (an executor's busy worker included) is a leak.
"""

from __future__ import annotations

import atexit
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
from multiprocessing.connection import Connection
from pathlib import Path

from . import device, library_part, processes
from .examples import Block
from .processes import command, descendants
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
    token: str = ""  # processes.TOKEN: marks everything the page starts, wherever it goes


@dataclass
class PageEnd:
    """What a page left behind, reported when it finishes."""

    threads: list[str] = field(default_factory=list)
    late_output: str = ""  # written after the last block had reported (atexit callbacks too)
    children: list[str] = field(default_factory=list)
    forked: str = ""  # fork()ed children that came back into the harness after the last block
    peak_rss_mb: float = 0.0
    cuda_allocated_after_release: int = 0


_PAGE_PID = 0  # the page's own process: the only one that may talk on the pipe
_FORKED = "forked"  # in the page's folder: where a returned fork()ed child leaves its block
_stack_dump = None  # the open file faulthandler writes to (kept alive)


def _is_repository(entry: str, root: Path) -> bool:
    try:
        return Path(entry or ".").resolve() == root.resolve()
    except OSError:
        return False


def page_main(connection: Connection, setup: PageSetup) -> None:
    global _PAGE_PID  # noqa: PLW0603 -- one page per process
    _PAGE_PID = os.getpid()
    os.setsid()
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER (Linux only): orphans stay our descendants
    _carry_token(setup.token)
    _watch_pytest(setup.pytest_pid, setup.token)
    stdio = StdioFiles(setup.folder)
    _open_stack_dump(setup.folder)
    _protect(setup.folder)
    # Callbacks inherited from the fork server are not the page's; the page's own run in
    # _release, as a reader's would at exit, and what they print is checked.
    atexit._clear()
    scratch = setup.folder / "cwd"
    os.chdir(scratch)
    # The repository itself is not the page's to import from: `import snippets.x.tool` would
    # load (and run beside) the real file instead of the page's copy.  The harness's own
    # modules stay reachable through their packages, already imported.
    sys.path[:] = [entry for entry in sys.path if not _is_repository(entry, setup.root)]
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
    streams = Streams()
    state = PageState(setup.root, setup.folder, stdio, streams)
    os.register_at_fork(after_in_child=streams.in_forked_child)
    while True:
        command: str
        block: Block  # None with "finish", which returns before block is read
        try:
            command, block = connection.recv()
        except (EOFError, OSError):
            return  # pytest went away
        if command == "finish":
            # Returning lets multiprocessing run its finalizers (queues, semaphores) on exit,
            # but it would also wait for non-daemon threads: a leak (reported) must not hang.
            end = _release(namespace, setup.token)
            forked_child_returned(setup.folder, f"{setup.page} (at its end)")
            late = state.stdio.new_text() if state.stdio else {1: "", 2: ""}
            end.late_output = (late[1] + late[2]).strip()
            end.forked = "\n".join(map(forked_message, _forked_blocks(setup.folder)))
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
        forked_child_returned(setup.folder, block.where)
        outcome = after_block(setup, state, block, outcome)
        try:
            os.chdir(scratch)  # the working directory is restored after every block
        except OSError:  # the page removed it
            scratch.mkdir(parents=True, exist_ok=True)
            os.chdir(scratch)
        connection.send(outcome)


def _carry_token(token: str) -> None:
    """Put the page's token in its environment: for what it execs, in os.environ; for what it
    only forks (a Python daemon that double-forks and never execs), in the process's own
    initial environment block, which /proc/PID/environ shows and fork() copies.  The fork
    server was started with a placeholder of the same length there (page_process.context())."""
    with contextlib.suppress(Exception):
        import ctypes

        environ = ctypes.POINTER(ctypes.c_void_p).in_dll(ctypes.CDLL(None), "environ")
        prefix, value = f"{processes.TOKEN}=".encode(), token.encode()
        index = 0
        while environ[index]:
            entry = ctypes.string_at(environ[index])
            if entry.startswith(prefix) and len(entry) == len(prefix) + len(value):
                ctypes.memmove(environ[index] + len(prefix), value, len(value))
                break
            index += 1
    os.environ[processes.TOKEN] = token


def forked_child_returned(folder: Path, where: str) -> None:
    """Called wherever the harness regains control: in a child the page fork()ed that came
    back here instead of calling os._exit(), note the block and end at once, before it can
    answer on the page's pipe in the page's place.  (multiprocessing and DataLoader children
    never get here: they end with os._exit.)"""
    if os.getpid() == _PAGE_PID:
        return
    with contextlib.suppress(Exception), open(folder / _FORKED, "a", encoding="utf-8") as note:
        note.write(where + "\n")
    os._exit(0)


def _forked_blocks(folder: Path) -> list[str]:
    """The blocks whose fork()ed child returned into the harness since the last call."""
    note = folder / _FORKED
    try:
        text = note.read_text(encoding="utf-8")
        note.unlink()
    except OSError:
        return []
    return list(dict.fromkeys(line for line in text.splitlines() if line))


def forked_message(where: str) -> str:
    return (
        f"{where}: the block called os.fork() and the child process returned into the page "
        f"without os._exit(): it would have gone on running the page's later blocks as a "
        f"second copy of the page.  End the child with os._exit(), or use subprocess or "
        f"multiprocessing, which do."
    )


def after_block(setup: PageSetup, state: PageState, block: Block, outcome: Outcome) -> Outcome:
    """What the harness checks about the page's process after each block: a fork()ed child
    that came back, and its own folder deleted behind the audit hook (``rm -rf`` in a
    subprocess)."""
    failures = [forked_message(where) for where in _forked_blocks(setup.folder)]
    if state.stdio and not all(path.exists() for path in state.stdio.paths.values()):
        # Whatever run() said was about the missing files, not about the block.
        outcome = Outcome(
            failure=f"{block.where}: the block deleted the harness's own folder for this page "
            f"({setup.folder}, the parent of the working directory the page starts in), where "
            f"it keeps what the page writes and its stack dumps, so this block's output could "
            f"not be checked.  Delete only what the page made itself."
        )
        _remake_folder(setup, state)
    if failures:
        outcome.failure = "\n".join([*([outcome.failure] if outcome.failure else []), *failures])
    return outcome


def _remake_folder(setup: PageSetup, state: PageState) -> None:
    (setup.folder / "cwd").mkdir(parents=True, exist_ok=True)
    (setup.folder / "owner").write_text(str(setup.pytest_pid))
    state.stdio = StdioFiles(setup.folder)
    _open_stack_dump(setup.folder)


def _open_stack_dump(folder: Path) -> None:
    global _stack_dump  # noqa: PLW0603 -- faulthandler writes to it until the process ends
    _stack_dump = open(folder / "stack.txt", "w", encoding="utf-8")  # noqa: SIM115
    faulthandler.register(signal.SIGUSR1, file=_stack_dump, all_threads=True)


_DELETIONS = {"shutil.rmtree", "os.remove", "os.rmdir", "os.rename", "os.replace"}


def _protect(folder: Path) -> None:
    """Refuse, at the very line, the page's deleting or moving the harness's own folder or its
    files (``shutil.rmtree(Path.cwd().parent)``): the page's error says what and where."""
    home = str(folder)
    own = {home, *(str(folder / name) for name in ("fd1.txt", "fd2.txt", "stack.txt", "owner"))}

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event not in _DELETIONS or os.getpid() != _PAGE_PID:
            return
        relative_to_fd = event != "shutil.rmtree" and len(args) > 1 and args[-1] is not None
        if relative_to_fd or not isinstance(args[0], (str, bytes, os.PathLike)):
            return  # rmtree's own fd-relative steps: its top-level call was checked
        target = os.path.realpath(os.fsdecode(args[0]))
        whole_tree = event in ("shutil.rmtree", "os.rename", "os.replace")
        if target in own or (whole_tree and home.startswith(target.rstrip(os.sep) + os.sep)):
            raise PermissionError(
                f"the page may not delete or move {target}: it holds the harness's own files "
                f"for this page (what the page writes, its stack dumps); delete only what the "
                f"page made itself"
            )

    sys.addaudithook(hook)


def _prctl(option: int, value: int) -> None:
    if not sys.platform.startswith("linux"):
        return  # optional: elsewhere the page's token finds what left its tree
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value)


def _watch_pytest(pytest_pid: int, token: str, interval: float = 0.5) -> threading.Thread:
    """If pytest disappears (kill -9), stop this page and everything it started: its parent
    is the fork server, so no parent-death signal would tell it.  Liveness comes from psutil:
    an unreadable process table must not read as "pytest is gone"."""

    def watch() -> None:
        while processes.alive(pytest_pid):
            time.sleep(interval)
        for victim in (descendants(os.getpid()) | processes.tagged(token)) - {os.getpid()}:
            with contextlib.suppress(OSError):
                os.kill(victim, signal.SIGKILL)
        os._exit(1)

    watcher = threading.Thread(target=watch, name=WATCHDOG, daemon=True)
    watcher.start()
    return watcher


def _release(namespace: dict[str, object], token: str = "") -> PageEnd:
    """Report the threads the page left, run its atexit callbacks, free its objects, then
    report its child processes (freeing a DataLoader stops its workers, so children are
    counted after that)."""
    end = PageEnd(peak_rss_mb=_peak_rss_mb())
    deadline = time.monotonic() + LEFTOVER_GRACE
    while time.monotonic() < deadline and _leaked_threads():  # a moment to finish
        time.sleep(0.02)
    for thread in _leaked_threads():
        origin = _thread_origin(thread)
        end.threads.append(
            f"{thread.name} ({'daemon' if thread.daemon else 'not daemon'}"
            + (f", runs {origin})" if origin else ")")
        )
    # As at a reader's exit, after the threads: what the callbacks print is late output.
    atexit._run_exitfuncs()
    namespace.clear()
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    gc.collect()
    deadline = time.monotonic() + LEFTOVER_GRACE
    while time.monotonic() < deadline and _children(token):
        time.sleep(0.05)
    end.children = _children(token)
    leftovers = descendants(os.getpid()) | (processes.tagged(token) if token else set())
    for leftover in leftovers - {os.getpid()}:  # reported above; stopped here, even those
        with contextlib.suppress(OSError):  # that left the page's session
            os.kill(leftover, signal.SIGKILL)
    torch = sys.modules.get("torch")
    if device.MODE == "cuda" and torch is not None and torch.cuda.is_initialized():
        torch.cuda.synchronize()
        end.cuda_allocated_after_release = int(torch.cuda.memory_allocated())
    return end


def _leaked_threads() -> list[threading.Thread]:
    """Live threads other than the main thread and the watchdog that do not end with the
    process on their own: a library's own daemon (tqdm's monitor) and an executor's *idle*
    worker (torch.compile's pool; Python stops it at exit) do; anything else is a leak."""
    return [
        thread
        for thread in threading.enumerate()
        if thread is not threading.main_thread()
        and thread.name != WATCHDOG
        and thread.is_alive()
        and not _tolerated(thread)
    ]


def _thread_code(thread: threading.Thread) -> tuple[types.CodeType | None, str]:
    """The code a thread runs: its target (decorators unwrapped), or a subclass's run()."""
    target = inspect.unwrap(getattr(thread, "_target", None) or type(thread).run)
    return getattr(target, "__code__", None), getattr(target, "__qualname__", "?")


def _is_library_code(thread: threading.Thread) -> bool:
    code, _ = _thread_code(thread)
    return code is not None and library_part(code.co_filename) is not None


def _tolerated(thread: threading.Thread) -> bool:
    return (thread.daemon and _is_library_code(thread)) or _is_idle_executor_worker(thread)


def _is_idle_executor_worker(thread: threading.Thread) -> bool:
    """A ThreadPoolExecutor worker waiting on its work queue: its innermost Python frame is
    the worker loop itself (the wait is in C).  A busy one is inside a work item."""
    code, _ = _thread_code(thread)
    if code is None or not code.co_filename.replace("\\", "/").endswith(
        "concurrent/futures/thread.py"
    ):
        return False
    frame = sys._current_frames().get(thread.ident or -1)
    return frame is not None and frame.f_code is code


def _thread_origin(thread: threading.Thread) -> str:
    code, name = _thread_code(thread)
    return f"{name} in {Path(code.co_filename).name}" if code else ""


def _children(token: str = "") -> list[str]:
    """Every live descendant of this process (a subreaper: orphans are re-parented here), and
    every process carrying the page's token (where there is no subreaper, or one left)."""
    found = descendants(os.getpid()) | (processes.tagged(token) if token else set())
    return [f"{pid} {command(pid)}" for pid in sorted(found - {os.getpid()})]


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
