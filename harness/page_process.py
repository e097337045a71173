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

- starts its own session (``setsid``): Ctrl+C in the terminal reaches pytest, which stops it;
- carries a token of its own in its environment (``DOCS_PAGE_TOKEN``), inherited by everything
  it starts: when the page ends, however it ends, its descendants, its session and every
  process carrying the token are stopped, even a daemon that left the session and was
  re-parented away (on Linux the page is also a subreaper, so such orphans stay its
  descendants while it lives);
- stops itself and all that if pytest disappears (a watchdog thread: its parent is the fork
  server, so no parent-death signal would do);
- is watched through its pipe and its ``sentinel`` together: a page process that dies while a
  forked worker still holds the pipe open is reported at once, with its exit code or signal;
- gets ``START_LIMIT`` seconds to start: a fork server that does not answer (stopped, frozen)
  fails that page with a message naming it, and is replaced for the next page;
- runs in a scratch folder the harness made (``…/docs-page-XXXX/cwd``), and goes back
  there after every block;
- sends its file descriptors 1 and 2 to files, so that nothing it writes reaches the
  terminal unchecked;
- dumps its stack (faulthandler, SIGUSR1) when a block runs past its time limit, so the
  failure says where it hung.

The harness deletes exactly the folders it made, by the paths it recorded: never "the
current directory", whatever a page did with it.

It needs a POSIX system with the ``forkserver`` start method and psutil: Linux, or WSL on
Windows; ``platform_problem()`` says what is missing at the start of a run, not page by page.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import HOME, processes
from .examples import Block
from .page_side import LEFTOVER_GRACE, PageEnd, PageSetup, page_main
from .processes import alive, command, descendants, session, tagged
from .run_block import Outcome

if TYPE_CHECKING:  # no forkserver on Windows: platform_problem() says so, not an ImportError
    from multiprocessing.context import ForkServerContext

SCRATCH_PREFIX = "docs-page-"
# Imported once by the fork server, so that no page pays for them (a missing one is skipped).
# Importing changes no setting: each page still starts from the libraries' defaults.
# harness.frozen_heap comes last: it freezes what the others created (see its docstring).
PRELOAD = [
    "torch",
    "numpy",
    "torchvision",
    "matplotlib.pyplot",
    "harness.page_side",
    "harness.frozen_heap",
]


# Seconds a page's process gets to start (milliseconds when all is well); the first start after
# the fork server (re)started also waits for its PRELOAD imports.  DOCS_PAGE_START_LIMIT: tests.
START_LIMIT = float(os.environ.get("DOCS_PAGE_START_LIMIT", "60"))
# A runaway page (unbounded recursion under a raised recursion limit, a tensor of 10**11
# elements) would bring in the kernel's OOM killer, which may pick pytest, the other xdist
# worker or anything else on the machine.  So a page is stopped, with a message, when the
# machine is nearly out of memory and the page holds much of it (resident memory summed over
# its processes counts a forked worker's shared pages again: alone it would stop honest
# pages with DataLoader workers).  Checked every MEMORY_POLL seconds.
MEMORY_POLL = 0.25
PRELOAD_LIMIT = 300.0


def platform_problem() -> str | None:
    """What this platform lacks that the harness needs, in one message; None if nothing."""
    missing = []
    if "forkserver" not in multiprocessing.get_all_start_methods():
        missing.append("the 'forkserver' start method of multiprocessing (every page's process")
        missing[-1] += " is forked from a server that has imported torch once)"
    if not hasattr(os, "setsid"):
        missing.append("os.setsid (a page's process and what it starts are stopped together)")
    if not hasattr(signal, "SIGUSR1"):
        missing.append("signal.SIGUSR1 (a block past its time limit shows where it hung)")
    if processes.psutil is None:
        missing.append(
            "the psutil package (the process table; run through nox, which installs locks/docs.txt)"
        )
    if not missing:
        return None
    system = {"darwin": "macOS", "win32": "Windows"}.get(sys.platform, sys.platform)
    return (
        f"The documentation tests cannot run here ({system}, Python "
        f"{sys.version.split()[0]}): missing "
        + "; ".join(missing)
        + ". Run them on Linux, or on Windows inside WSL (a Linux distribution under "
        "Windows); the site itself builds anywhere (nox -s docs)."
    )


class PageStopped(Exception):
    """The page's process ended or was stopped: no later block of the page can run."""


_context: ForkServerContext | None = None
_served: int | None = None  # the fork server that has started a page (done importing)


def context() -> ForkServerContext:
    """The fork-server context, started once per run (in the background: pytest goes on)."""
    global _context  # noqa: PLW0603 -- one fork server per pytest run
    if _context is None:
        os.environ.setdefault("MPLBACKEND", "Agg")  # no window; inherited by the server
        os.environ[processes.TOKEN] = "0" * 32  # the place each page writes its token in
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
        _short_socket_folder()
        from multiprocessing import forkserver

        forkserver.ensure_running()
        import atexit

        atexit.register(_release_server)
    return _context


# A Unix socket's path holds at most 107 bytes; the fork server's is
# <temp>/pymp-XXXXXXXX/listener-XXXXXXXX, 33 bytes past the temp folder.
_SOCKET_PATH_MAX = 107
_SOCKET_SUFFIX = 33


def _short_socket_folder() -> None:
    """Under a deep TMPDIR (pytest's own tmp_path, macOS's /var/folders/…) the fork server's
    socket path is too long and it fails to start ("AF_UNIX path too long").  Then
    multiprocessing's folder goes to the system's short temp folder instead, as Python 3.12+
    itself does; pages keep their own TMPDIR."""
    from multiprocessing import process, util

    if len(tempfile.gettempdir()) + _SOCKET_SUFFIX <= _SOCKET_PATH_MAX:
        return
    config = process.current_process()._config  # type: ignore[attr-defined]  # where get_temp_dir looks
    if config.get("tempdir") is None:
        folder = tempfile.mkdtemp(prefix="pymp-", dir="/tmp")
        util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=-100)
        config["tempdir"] = folder


def server_pid() -> int | None:
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None)


def _release_server() -> None:
    """A page may have stopped the server (SIGSTOP): let it run again, so that it sees pytest
    exit and ends itself."""
    pid = server_pid()
    if pid:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGCONT)


class PageProcess:
    """The pytest side of one page's process."""

    def __init__(self, page: str, root: Path, seed: int, update: bool):
        self.page = page
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)).resolve()
        (self.folder / "cwd").mkdir()
        self.stopped: str | None = None  # why no further block can run
        self.start_failure: str | None = None  # told by the first block, in full
        self.busy = False  # a block was sent and has not answered: never wait on it
        self.token = uuid.uuid4().hex  # as long as context()'s placeholder
        (self.folder / "owner").write_text(str(os.getpid()))  # for sweep_stale_scratch()
        ctx = context()
        self.connection, child_end = ctx.Pipe()
        setup = PageSetup(page, root, self.folder, seed, update, os.getpid(), self.token)
        self.process = ctx.Process(
            target=page_main, args=(child_end, setup), name=f"docs page {page}"
        )
        try:
            self._start()
        except BaseException:  # Ctrl+C while starting: nothing may be left behind
            if self.process.pid:
                self.kill()
            self.close()
            raise
        finally:
            child_end.close()

    def _start(self) -> None:
        """Start the page's process, within START_LIMIT: the start waits on the fork server,
        and a stopped server would otherwise hang the whole run."""
        global _served  # noqa: PLW0603 -- the one fork server of this run
        server = server_pid()
        # A server that has not started a page yet may still be importing PRELOAD.
        fresh = server is None or server != _served or not alive(server)
        limit = START_LIMIT + (PRELOAD_LIMIT if fresh else 0.0)
        raised: list[BaseException] = []

        def start() -> None:
            try:
                self.process.start()
            except BaseException as error:  # noqa: BLE001 -- handed to the caller
                raised.append(error)

        starter = threading.Thread(target=start, name="docs page start", daemon=True)
        starter.start()
        starter.join(limit)
        if not starter.is_alive():
            if raised:
                raise raised[0]
            _served = server_pid()
            return
        server = server_pid()
        if server:
            with contextlib.suppress(OSError):
                os.kill(server, signal.SIGKILL)  # ends the wait below; ensure_running replaces it
        starter.join(10)
        self.stopped = "the page's process could not be started"
        self.start_failure = (
            f"the page's process could not be started: the fork server that starts every "
            f"page's process (multiprocessing's forkserver, pid {server}) did not answer "
            f"within {limit:.0f} s (stopped or frozen). The harness ended it; the next page "
            f"starts a new one. Nothing on this page ran."
        )

    def run(self, block: Block) -> Outcome:
        if self.start_failure:
            failure, self.start_failure = self.start_failure, None
            raise PageStopped(f"{block.where}: {failure}")
        if self.stopped:
            raise PageStopped(f"{block.where}: not run: {self.stopped}")
        try:
            self.busy = True
            self.connection.send(("run", block))
            ready, memory = self._wait(block.timeout)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            ready, memory = [self.process.sentinel], 0  # the process is gone
        if memory:
            stack = self._stack_dump(block)
            self.kill()
            self.stopped = f"the page's process was stopped at line {block.fence.line} (memory)"
            raise PageStopped(
                f"{block.where}: the machine was nearly out of memory and the block's processes "
                f"held {memory / 2**30:.1f} GB of it; they were stopped before the system's "
                f"OOM killer could end something else.\nWhere it was running:\n{stack}"
            )
        if not ready:
            stack = self._stack_dump(block)
            self.kill()
            self.stopped = f"the page's process was stopped at line {block.fence.line} (time limit)"
            raise PageStopped(
                f"{block.where}: the block did not finish within its time limit of "
                f"{block.timeout:.0f} s and was stopped (raise the limit with "
                f"<!-- timeout: 秒数 理由 --> if it really needs longer).\n"
                f"Where it was running:\n{stack}"
            )
        if self.connection in ready:
            with contextlib.suppress(EOFError, ConnectionResetError, OSError):
                outcome: Outcome = self.connection.recv()  # page_main's answer to a block
                self.busy = False
                return outcome
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
            f"the block called os._exit(), crashed the interpreter or was killed (out of "
            f"memory, say). Nothing after it on this page can run." + self._last_words()
        )

    def _last_words(self) -> str:
        """The end of what the dead process wrote to its standard error: an exception that
        escaped the harness itself (a page that replaced ``sys.modules["harness"]``), a
        ``Fatal Python error``; without it "exit code 1" says nothing."""
        try:
            with open(self.folder / "fd2.txt", "rb") as handle:
                handle.seek(max(0, handle.seek(0, os.SEEK_END) - 4000))
                text = handle.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        lines = [line for line in text.splitlines()[-20:] if line.strip()]
        if not lines:
            return ""
        shown = "\n".join(lines).replace(f"{self.folder}/", "")
        return f"\nWhat it last wrote to standard error:\n{shown}"

    def _wait(self, timeout: float) -> tuple[list[Any], int]:
        """(what is ready, or [] at the time limit; the memory held, when over the limit)."""
        # The sentinel too: a forked worker may hold the pipe open after the page died.
        waiting: list[Any] = [self.connection, self.process.sentinel]
        deadline = time.monotonic() + timeout
        limit = processes.memory_limits()
        while True:
            left = deadline - time.monotonic()
            ready = multiprocessing.connection.wait(waiting, max(0.0, min(left, MEMORY_POLL)))
            if ready or left <= MEMORY_POLL:
                return ready, 0
            held = processes.tree_memory(self.process.pid)
            if held > limit.page and processes.available_memory() < limit.spare:
                return [], held

    def finish(self) -> tuple[PageEnd | None, list[str]]:
        """Release the page; (what it reported, processes still alive once it had exited)."""
        end: PageEnd | None = None  # the page answers "finish" with a PageEnd
        pid = self.process.pid
        if not self.stopped and not self.busy and pid and alive(pid):
            with contextlib.suppress(OSError, EOFError, BrokenPipeError):
                self.connection.send(("finish", None))
                ready = multiprocessing.connection.wait(
                    [self.connection, self.process.sentinel], 2 * LEFTOVER_GRACE + 15
                )
                if self.connection in ready:
                    end = self.connection.recv()
        _wait_ended(pid, 5)
        survivors = self.kill()
        self.close()
        return end, survivors

    def kill(self) -> list[str]:
        """Stop the page's process and everything it started (its session, every descendant,
        every process carrying its token); what else was still running."""
        pid = self.process.pid
        if not pid:
            return []
        doomed = self._started_by(pid)
        survivors = [f"{p} {command(p)}" for p in sorted(doomed - {pid})]
        for _ in range(3):  # children first: a page killed first would orphan them to init
            for victim in sorted(doomed - {pid}) + ([pid] if pid in doomed else []):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(victim, signal.SIGKILL)
            if not doomed:
                break
            time.sleep(0.05)
            doomed = self._started_by(pid)
        if alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        # Not process.join(): it asks the fork server, which a page may have stopped.
        _wait_ended(pid, 10)
        return survivors

    def _started_by(self, pid: int) -> set[int]:
        return descendants(pid) | session(pid) | tagged(self.token)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.close()
        remove_scratch(self.folder)

    def _stack_dump(self, block: Block) -> str:
        dump = self.folder / "stack.txt"
        with contextlib.suppress(ProcessLookupError):
            # A block is running, so the process has started and has a pid.
            os.kill(cast(int, self.process.pid), signal.SIGUSR1)
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
        return (
            _readable_stack(text, self.root, lines, self.folder / "site")
            or "  (no stack could be read)"
        )


def _wait_ended(pid: int | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while pid and alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)


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
        if processes.psutil is not None and not alive(owner):
            remove_scratch(folder)


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')


_DOCTEST_FRAME = re.compile(
    r'File "<doctest (?P<page>[^"]+)\[(?P<index>\d+)\]>", line (?P<line>\d+)'
)


def _readable_stack(
    dump: str, root: Path, doctest_lines: list[int], copy: Path | None = None
) -> str:
    """The main thread's frames from a faulthandler dump, innermost last: the page's and the
    snippets' frames, and the libraries' they called; >>> examples shown at their page line."""
    threads = re.split(r"\n(?=(?:Current thread|Thread) 0x)", dump.strip())
    main = next(
        (t for t in threads if t.startswith("Current thread")), threads[0] if threads else ""
    )
    frames = [line.strip() for line in main.splitlines()[1:] if _FRAME.match(line)]
    harness = (HOME, "/multiprocessing/", "/doctest.py", 'File "<string>"')
    frames = [f for f in frames if not any(part in f for part in harness)]

    def page_line(match: re.Match[str]) -> str:
        index, line = int(match.group("index")), int(match.group("line"))
        if index < len(doctest_lines):
            return f'File "{match.group("page")}", line {doctest_lines[index] + line - 1}'
        return match.group(0)

    frames = [
        _DOCTEST_FRAME.sub(page_line, frame)
        .replace(f"{Path(root).resolve()}/", "")
        .replace(f"{root}/", "")
        .replace(f"{copy or root}/", "")  # a snippet runs as its copy in the scratch folder
        for frame in frames
    ]
    return "\n".join(f"  {frame}" for frame in reversed(frames))
