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
import multiprocessing
import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path

from . import HOME
from .examples import Block
from .page_side import LEFTOVER_GRACE, PageEnd, PageSetup, page_main
from .processes import command, descendants, session
from .run_block import Outcome

SCRATCH_PREFIX = "docs-page-"
# Imported once by the fork server, so that no page pays for them (a missing one is skipped).
# Importing changes no setting: each page still starts from the libraries' defaults.
PRELOAD = ["torch", "numpy", "torchvision", "matplotlib.pyplot", "harness.page_side"]


class PageStopped(Exception):
    """The page's process ended or was stopped: no later block of the page can run."""


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
                if self.connection.poll(2 * LEFTOVER_GRACE + 15):
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
        survivors = [f"{p} {command(p)}" for p in descendants(pid) | session(pid) - {pid}]
        for _ in range(3):  # children first: a page killed first would orphan them to init
            doomed = descendants(pid) | session(pid)
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
        return (
            _readable_stack(text, self.root, lines, self.folder / "site")
            or "  (no stack could be read)"
        )


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

    def page_line(match: re.Match) -> str:
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
