"""One fresh Python process per page: pristine at its start, released at its end, stoppable.

Why a process and not a reset list: a page can change any global state (torch's default
dtype, print options, grad mode, NumPy's print options, warnings filters, environment
variables, ``sys.path``, modules, Matplotlib's rcParams, threads, child processes, the working
directory, GPU memory) and no list of resets keeps up with what the next PyTorch release
adds.  A process that ends takes all of it along, by construction.

The processes are forked from a ``multiprocessing`` fork server that has imported torch,
NumPy, torchvision and Matplotlib once (and done nothing else: CUDA untouched, no setting
changed), so a page starts in milliseconds, not the seconds ``import torch`` takes.
Each page process:

- starts its own session (``setsid``): Ctrl+C in the terminal reaches pytest, which stops it,
  and ``killpg`` stops whatever it started (DataLoader workers, subprocesses) with it;
- dies with its parent (``PR_SET_PDEATHSIG``) if pytest itself is killed;
- runs in a scratch folder the harness made (``…/docs-page-XXXX/cwd``), and goes back
  there after every block;
- sends its file descriptors 1 and 2 to files, so that nothing it writes reaches the
  terminal unchecked;
- dumps its stack (faulthandler, SIGUSR1) when a block runs past its time limit, so the
  failure says where it hung.

The harness deletes exactly the folders it made, by the paths it recorded: never "the
current directory", whatever a page did with it.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import inspect
import multiprocessing
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

from . import device
from .examples import Block
from .run_block import Outcome, PageState, StdioFiles, run

SCRATCH_PREFIX = "docs-page-"
# Imported once by the fork server, so that no page pays for them (a missing one is skipped).
# Importing changes no setting: each page still starts from the libraries' defaults.
PRELOAD = ["torch", "numpy", "torchvision", "matplotlib.pyplot", __name__]
_LEFTOVER_GRACE = 2.0  # seconds a page's threads and children get to finish on their own
WATCHDOG = "docs-harness-watchdog"  # the page's own thread that watches pytest


class PageStopped(Exception):
    """The page's process ended or was stopped: no later block of the page can run."""


@dataclass
class PageSetup:
    page: str
    root: Path
    folder: Path  # harness-owned: cwd/ for the page, fd files, the stack dump
    seed: int
    update: bool
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


_context = None


def context():
    """The fork-server context, started once per run (in the background: pytest goes on)."""
    global _context  # noqa: PLW0603 -- one fork server per pytest run
    if _context is None:
        os.environ.setdefault("MPLBACKEND", "Agg")  # no window; inherited by the server
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
        from multiprocessing import forkserver

        forkserver.ensure_running()
    return _context


class PageProcess:
    """The pytest side of one page's process."""

    def __init__(self, page: str, root: Path, seed: int, update: bool):
        self.page = page
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)).resolve()
        (self.folder / "cwd").mkdir()
        self.stopped: str | None = None  # why no further block can run
        self.busy = False  # a block was sent and has not answered: never wait on it
        (self.folder / "owner").write_text(str(os.getpid()))  # for sweep_stale_scratch()
        ctx = context()
        self.connection, child_end = ctx.Pipe()
        self.process = ctx.Process(
            target=page_main,
            args=(child_end, PageSetup(page, root, self.folder, seed, update, os.getpid())),
            name=f"docs page {page}",
        )
        try:
            self.process.start()
        except BaseException:  # Ctrl+C while starting: nothing may be left behind
            if self.process.pid:
                self.kill()
            self.close()
            raise
        finally:
            child_end.close()

    def run(self, block: Block) -> Outcome:
        if self.stopped:
            raise PageStopped(f"{block.where}: not run: {self.stopped}")
        try:
            self.busy = True
            self.connection.send(("run", block))
            answered = self.connection.poll(block.timeout)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            answered = True  # the process is gone: recv below says so
        if not answered:
            stack = self._stack_dump(block)
            self.kill()
            self.stopped = f"the page's process was stopped at line {block.fence.line} (time limit)"
            raise PageStopped(
                f"{block.where}: the block did not finish within its time limit of "
                f"{block.timeout:.0f} s and was stopped (raise the limit with "
                f"<!-- timeout: 秒数 理由 --> if it really needs longer).\n"
                f"Where it was running:\n{stack}"
            )
        try:
            outcome = self.connection.recv()
            self.busy = False
            return outcome
        except (EOFError, ConnectionResetError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            self.kill()
            how = (
                f"exit code {code}"
                if code is not None and code >= 0
                else f"signal {signal.Signals(-code).name}"
                if code
                else "unknown cause"
            )
            self.stopped = f"the page's process ended at line {block.fence.line} ({how})"
            raise PageStopped(
                f"{block.where}: the page's Python process ended while this block ran ({how}): "
                f"the block called os._exit(), crashed the interpreter or was killed. "
                f"Nothing after it on this page can run."
            ) from None

    def finish(self) -> tuple[PageEnd | None, list[str]]:
        """Release the page; (what it reported, processes still alive once it had exited)."""
        end = None
        if not self.stopped and not self.busy and self.process.is_alive():
            with contextlib.suppress(OSError, EOFError, BrokenPipeError):
                self.connection.send(("finish", None))
                if self.connection.poll(2 * _LEFTOVER_GRACE + 15):
                    end = self.connection.recv()
        self.process.join(5)
        survivors = self.kill()
        self.close()
        return end, survivors

    def kill(self) -> list[str]:
        """Stop the page's process and everything it started (its session, and every
        descendant, even one that left the session); what else was still running."""
        pid = self.process.pid
        if not pid:
            return []
        survivors = [f"{p} {_command(p)}" for p in _descendants(pid) | _session(pid) - {pid}]
        for _ in range(3):  # children first: a page killed first would orphan them to init
            doomed = _descendants(pid) | _session(pid)
            for victim in sorted(doomed - {pid}) + ([pid] if pid in doomed else []):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(victim, signal.SIGKILL)
            if not doomed:
                break
            time.sleep(0.05)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(10)
        return survivors

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.close()
        remove_scratch(self.folder)

    def _stack_dump(self, block: Block) -> str:
        dump = self.folder / "stack.txt"
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGUSR1)
        deadline = time.monotonic() + 2
        text = ""
        while time.monotonic() < deadline:
            text = dump.read_text(encoding="utf-8", errors="replace") if dump.exists() else ""
            if "File" in text:
                time.sleep(0.1)  # let it finish writing
                text = dump.read_text(encoding="utf-8", errors="replace")
                break
            time.sleep(0.05)
        lines = []
        if block.kind == "doctest":
            import doctest

            lines = [
                block.fence.body_line + example.lineno
                for example in doctest.DocTestParser().get_examples(block.fence.body)
            ]
        return _readable_stack(text, self.root, lines) or "  (no stack could be read)"


def remove_scratch(folder: Path) -> None:
    """Delete a folder the harness made: only a docs-page-* folder in the temp directory."""
    folder = Path(folder)
    temp = Path(tempfile.gettempdir()).resolve()
    if folder.name.startswith(SCRATCH_PREFIX) and folder.parent == temp and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)


def sweep_stale_scratch() -> None:
    """Delete scratch folders of earlier runs that were killed before they could (SIGKILL)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        try:
            owner = int((folder / "owner").read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being made
        if not Path(f"/proc/{owner}").exists() and Path("/proc/self").exists():
            remove_scratch(folder)


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')


_DOCTEST_FRAME = re.compile(
    r'File "<doctest (?P<page>[^"]+)\[(?P<index>\d+)\]>", line (?P<line>\d+)'
)


def _readable_stack(dump: str, root: Path, doctest_lines: list[int]) -> str:
    """The main thread's frames from a faulthandler dump, innermost last: the page's and the
    snippets' frames, and the libraries' they called; >>> examples shown at their page line."""
    threads = re.split(r"\n(?=(?:Current thread|Thread) 0x)", dump.strip())
    main = next(
        (t for t in threads if t.startswith("Current thread")), threads[0] if threads else ""
    )
    frames = [line.strip() for line in main.splitlines()[1:] if _FRAME.match(line)]
    harness = ("/tests/harness/", "/multiprocessing/", "/doctest.py", 'File "<string>"')
    frames = [f for f in frames if not any(part in f for part in harness)]

    def page_line(match: re.Match) -> str:
        index, line = int(match.group("index")), int(match.group("line"))
        if index < len(doctest_lines):
            return f'File "{match.group("page")}", line {doctest_lines[index] + line - 1}'
        return match.group(0)

    frames = [
        _DOCTEST_FRAME.sub(page_line, frame)
        .replace(f"{Path(root).resolve()}/", "")
        .replace(f"{root}/", "")
        for frame in frames
    ]
    return "\n".join(f"  {frame}" for frame in reversed(frames))


# --- inside the page's process -----------------------------------------------------------------


def page_main(connection, setup: PageSetup) -> None:
    os.setsid()
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: descendants that leave the session stay ours
    _watch_pytest(setup.pytest_pid)
    stdio = StdioFiles(setup.folder)
    stack_dump = open(setup.folder / "stack.txt", "w", encoding="utf-8")  # noqa: SIM115 -- open until exit
    faulthandler.register(signal.SIGUSR1, file=stack_dump, all_threads=True)
    scratch = setup.folder / "cwd"
    os.chdir(scratch)
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
    state = PageState(setup.root, setup.update, stdio)
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
        for victim in _descendants(os.getpid()):
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
    deadline = time.monotonic() + _LEFTOVER_GRACE
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
    deadline = time.monotonic() + _LEFTOVER_GRACE
    while time.monotonic() < deadline and _children():
        time.sleep(0.05)
    end.children = _children()
    for leftover in _descendants(os.getpid()):  # reported above; stopped here, even those
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
    return [f"{pid} {_command(pid)}" for pid in sorted(_descendants(os.getpid()))]


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, session id) of every live process (Linux /proc; {} elsewhere)."""
    table = {}
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] not in ("Z", "X"):
                table[int(entry.name)] = (int(fields[1]), int(fields[3]))
    return table


def _descendants(pid: int) -> set[int]:
    table = _processes()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {
            child
            for child, (parent, _) in table.items()
            if parent in frontier and child not in found
        }
        found |= frontier
    return found


def _session(sid: int) -> set[int]:
    return {pid for pid, (_, session) in _processes().items() if session == sid}


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "?"
    return raw.decode(errors="replace").strip()[:120]


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident memory now (Linux; 0 elsewhere)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    return 0.0
