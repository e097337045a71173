"""Run one block in its page's namespace and report what it did: never judge it.

This runs inside the page's own process (see page_process.py), where the page's code can
change anything, doctest and the harness included.  So this side only records facts (what
each example printed, what it raised, what reached standard error, which warnings were
raised) and sends them back as an ``Outcome``; judge.py compares them with what the page
shows, in the pytest process, which the page cannot reach.

Output streams, as a reader's terminal shows them:
- ``sys.stdout``: compared with the ``>>>`` output or the 输出 block;
- standard error (``sys.stderr``, and anything written straight to file descriptors 1 and 2
  by C code or child processes): a reader sees it, the page cannot show it;
- warnings never reach standard error: they are recorded (warns.py).

``sys.stdout`` and ``sys.stderr`` are installed once per page (``Streams``) and never
swapped: a ``logging.StreamHandler`` made in one block keeps writing where later blocks'
output is checked.  What a block may send back is bounded (``Printed``).

Included snippets run as a copy of their file (``snippets/`` is copied whole into the page's
scratch folder): ``__file__`` and the code's own file name are the copy's, so a snippet that
cleans or writes beside itself never touches the repository, and reports strip the copy's
folder, so they name the file and line a contributor edits.  A page's own code is compiled
under its site-relative name (``docs/….md``).
"""

from __future__ import annotations

import contextlib
import doctest
import io
import linecache
import os
import shutil
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pagekit.includes import PROGRAM_DATA, CodeChunk

from . import HOME, device, warns
from .examples import Block

KEEP = 64 * 1024  # characters kept from each end of a stream: far more than a page can show


@dataclass
class Printed:
    """What one stream received: all of it, or its first and last ``KEEP`` characters."""

    head: str = ""
    tail: str = ""
    size: int = 0  # characters written in all

    @property
    def whole(self) -> bool:
        return len(self.head) + len(self.tail) == self.size

    @property
    def text(self) -> str:
        """The whole text, or its two ends around a note of what was left out."""
        if self.whole:
            return self.head + self.tail
        left_out = self.size - len(self.head) - len(self.tail)
        return f"{self.head}\n… {left_out} characters left out …\n{self.tail}"


class Capture(io.TextIOBase):
    """A text sink that keeps only both ends: a block printing 100 MB costs no memory."""

    def __init__(self) -> None:
        super().__init__()
        self._head: list[str] = []
        self._head_size = 0
        self._tail = ""
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        length = len(text)
        self.size += length
        if self._head_size < KEEP:
            part = text[: KEEP - self._head_size]
            self._head.append(part)
            self._head_size += len(part)
            text = text[len(part) :]
        if text:
            self._tail = (self._tail + text)[-KEEP:] if len(text) < KEEP else text[-KEEP:]
        return length

    def printed(self) -> Printed:
        return Printed("".join(self._head), self._tail, self.size)


class _Forward(io.TextIOBase):
    """The page's permanent ``sys.stdout``/``sys.stderr``: writes go to the current target."""

    # target: a block's Capture, or sys.__stdout__/__stderr__, which typeshed allows to be None
    # but a page's process always has (its descriptors 1 and 2 are files): Any, not a union
    # with None that every write would have to check.
    def __init__(self, name: str, target: Any) -> None:
        super().__init__()
        self.name = name
        self.target = target

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        self.target.write(text)
        return len(text)

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            self.target.flush()


class _FdWriter:
    """Text written straight to a file descriptor, unbuffered: a forked child may end with
    os._exit(), which flushes nothing."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> int:
        data = text.encode("utf-8", errors="backslashreplace")
        while data:
            data = data[os.write(self.fd, data) :]
        return len(text)

    def flush(self) -> None:
        pass


class Streams:
    """Installs the page's ``sys.stdout``/``sys.stderr`` once; ``capture()`` points them at a
    block's captures, and between blocks they write to file descriptors 1 and 2 (where late
    output from a thread is seen)."""

    def __init__(self) -> None:
        self.stdout = _Forward("<stdout>", sys.__stdout__)
        self.stderr = _Forward("<stderr>", sys.__stderr__)
        sys.stdout, sys.stderr = self.stdout, self.stderr

    def in_forked_child(self) -> None:
        """In a process the page forks (a DataLoader worker with ``num_workers=2``, a
        ``multiprocessing.Process``): its copy of the block's capture is the child's own, and
        whatever it printed there would vanish when it ends.  It writes to file descriptors
        1 and 2 instead, at once, as a reader's terminal would show it, and the block that
        forked it is told (judge._streams)."""
        self.stdout.target, self.stderr.target = _FdWriter(1), _FdWriter(2)

    @contextlib.contextmanager
    def capture(self, stdout: Capture, stderr: Capture) -> Iterator[None]:
        self.stdout.target, self.stderr.target = stdout, stderr
        try:
            yield
        finally:
            self.stdout.target, self.stderr.target = sys.__stdout__, sys.__stderr__


@dataclass
class ExampleRun:
    """One ``>>>`` example as it ran."""

    got: Printed
    exc_msg: str | None = None  # doctest's exception-only text: what a shown error is compared to
    traceback: str = ""  # the traceback doctest appends to what the example printed
    error: str = ""  # "Type: message", for the reports and records


@dataclass
class Outcome:
    """What one block did, sent back to pytest: facts only (judge.py judges them)."""

    examples: list[ExampleRun | None] = field(default_factory=list)  # None: skipped (+SKIP)
    printed: Printed | None = None  # a plain block's stdout
    raised: str | None = None  # a plain block's unexpected error: its traceback, as shown
    error: str = ""  # that error's "Type: message"
    stopped: str | None = None  # why the rest of a >>> session did not run
    stderr: Printed = field(default_factory=Printed)  # sys.stderr
    fd1: Printed = field(default_factory=Printed)  # written past sys.stdout (C code, children)
    fd2: Printed = field(default_factory=Printed)
    # Written to the page's stdout or stderr after the previous block ended and before this
    # one began (a thread or a process still printing): checked, never dropped.
    between: Printed = field(default_factory=Printed)
    warned: list[warns.Warned] = field(default_factory=list)
    used_cuda: bool = False
    failure: str | None = None  # the harness itself failed


@dataclass
class PageState:
    """What a page's blocks share besides the namespace."""

    root: Path
    folder: Path  # the page's scratch folder; included snippets run from copies under it
    stdio: StdioFiles | None = None
    streams: Streams | None = None

    @property
    def site_copy(self) -> Path:
        return self.folder / "site"


class StdioFiles:
    """The page process's file descriptors 1 and 2, pointed at files, so that what C code and
    child processes write is seen (and never lands on the terminal of the test run)."""

    def __init__(self, folder: Path):
        self.paths = {fd: folder / f"fd{fd}.txt" for fd in (1, 2)}
        for fd, path in self.paths.items():
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(handle, fd)
            os.close(handle)
        self.positions = dict.fromkeys(self.paths, 0)

    def new_output(self) -> dict[int, Printed]:
        """What was written to each descriptor since the last call (its ends, if long)."""
        for stream in (sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.flush()
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None).fflush(None)  # C stdio buffers, e.g. a printf from an extension
        found = {}
        for fd, path in self.paths.items():
            with open(path, "rb") as handle:
                end = handle.seek(0, os.SEEK_END)
                size = end - self.positions[fd]
                handle.seek(self.positions[fd])
                if size <= 2 * KEEP:
                    head, tail = handle.read(size), b""
                else:
                    head = handle.read(KEEP)
                    handle.seek(end - KEEP)
                    tail = handle.read(KEEP)
            self.positions[fd] = end
            text = Printed(
                head.decode("utf-8", errors="replace"), tail.decode("utf-8", errors="replace")
            )
            text.size = len(text.head) + len(text.tail) + max(0, size - 2 * KEEP)
            found[fd] = text
        return found

    def new_text(self) -> dict[int, str]:
        return {fd: printed.text for fd, printed in self.new_output().items()}


def run(block: Block, namespace: dict[str, object], state: PageState) -> Outcome:
    outcome = Outcome()
    before = device.cuda_allocations()
    doctest_lines: dict[str, list[int]] = {}
    stderr = Capture()
    if state.stdio:
        earlier = state.stdio.new_output()  # what came while pytest judged the last block
        outcome.between = _joined(earlier[1], earlier[2])
    streams = state.streams or Streams()
    recorder = warns.Recorder(_prefixes(state))
    try:
        with recorder, streams.capture(Capture(), stderr):
            if block.kind == "doctest":
                _run_doctest(block, namespace, doctest_lines, streams, outcome)
            else:
                _run_code(block, namespace, state, streams, outcome)
    except BaseException as error:  # noqa: BLE001 -- KeyboardInterrupt escaping a >>> session
        outcome.stopped = (
            f"{block.where}: the example raised {type(error).__name__} "
            f"({error}); the rest of the block did not run"
        )
    outcome.used_cuda = device.cuda_allocations() > before
    outcome.warned = warns.report(recorder.caught, _prefixes(state), doctest_lines)
    outcome.stderr = stderr.printed()
    if state.stdio:
        fds = state.stdio.new_output()
        outcome.fd1, outcome.fd2 = fds[1], fds[2]
    return outcome


def _joined(first: Printed, second: Printed) -> Printed:
    """Two streams' output as one, for a message (each already holds only its ends)."""
    text = first.text + second.text
    return Printed(text, "", len(text))


def _prefixes(state: PageState) -> tuple[str, ...]:
    """Folders whose files are the site's: the repository and the page's copy of it."""
    return (f"{state.root}/", f"{state.site_copy}/")


def _run_doctest(
    block: Block,
    namespace: dict[str, object],
    doctest_lines: dict[str, list[int]],
    streams: Streams,
    outcome: Outcome,
) -> None:
    """doctest's own loop (DocTestRunner.__run), minus the comparing: each example's output
    and exception are recorded as doctest sees them."""
    examples = doctest.DocTestParser().get_examples(block.fence.body, block.page)
    doctest_lines[block.page] = [example_line(block, example) for example in examples]
    compileflags = doctest._extract_future_flags(namespace)  # type: ignore[attr-defined]
    displayhook, sys.displayhook = sys.displayhook, sys.__displayhook__
    try:
        for index, example in enumerate(examples):
            if example.options.get(doctest.SKIP):
                outcome.examples.append(None)
                continue
            filename = f"<doctest {block.page}[{index}]>"
            # doctest's own linecache patch, kept: tracebacks show the example's source
            linecache.cache[filename] = (
                len(example.source),
                None,
                example.source.splitlines(keepends=True),
                filename,
            )
            printed = Capture()
            streams.stdout.target = printed
            # the page's own __main__, not a copy: what a class defined here pickles by
            try:
                exec(compile(example.source, filename, "single", compileflags, True), namespace)
                exception = None
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # noqa: BLE001 -- as doctest: SystemExit is the example's
                exception = error
            run = ExampleRun(printed.printed())
            if exception is not None:
                run.exc_msg = _exc_msg(type(exception), exception)
                run.traceback = "".join(
                    traceback.format_exception(type(exception), exception, exception.__traceback__)
                )
                only = traceback.format_exception_only(type(exception), exception)
                run.error = "".join(only).strip()
            outcome.examples.append(run)
    finally:
        sys.displayhook = displayhook


def _exc_msg(kind: type[BaseException], error: BaseException) -> str:
    """``traceback.format_exception_only`` as doctest compares it (a SyntaxError from its
    ``Type:`` line on)."""
    formatted = traceback.format_exception_only(kind, error)
    if issubclass(kind, SyntaxError):
        prefixes = (f"{kind.__qualname__}:", f"{kind.__module__}.{kind.__qualname__}:")
        start = next((i for i, line in enumerate(formatted) if line.startswith(prefixes)), 0)
        formatted = formatted[start:]
    return "".join(formatted)


def example_line(block: Block, example: doctest.Example) -> int:
    # example.lineno is 0-based within the body; the body starts on the line after the fence.
    return block.fence.body_line + example.lineno


def _run_code(
    block: Block, namespace: dict[str, object], state: PageState, streams: Streams, outcome: Outcome
) -> None:
    printed = Capture()
    streams.stdout.target = printed
    try:
        for chunk in block.chunks:
            _exec_chunk(chunk, namespace, state)
    except BaseException as error:  # noqa: BLE001 -- SystemExit and KeyboardInterrupt are the page's errors too
        outcome.error = "".join(traceback.format_exception_only(type(error), error)).strip()
        # Drop the harness's frames: the reader's code (page or snippet line) is what failed.
        tb = error.__traceback__
        while tb is not None and HOME in tb.tb_frame.f_code.co_filename:
            tb = tb.tb_next
        shown = "".join(traceback.format_exception(type(error), error, tb))
        for prefix in _prefixes(state):
            shown = shown.replace(prefix, "")
        outcome.raised = shown
    outcome.printed = printed.printed()


def _exec_chunk(chunk: CodeChunk, namespace: dict[str, object], state: PageState) -> None:
    # Padding with newlines keeps tracebacks at the real line of the page or snippet.
    source = "\n" * (chunk.first_line - 1) + chunk.code
    if not chunk.is_snippet:
        # Compiled under its site-relative name, which is no path into the repository.
        _remember_source(chunk.filename, chunk.first_line, chunk.code)
        exec(compile(source, chunk.filename, "exec"), namespace)
        return
    # A snippet runs as its copy: __file__ and inspect.getsourcefile() (a page hands the file
    # to torchrun) find the copy, and reports strip the copy's folder (_prefixes).
    copy = str(copy_of(chunk.filename, state))
    missing = object()
    previous = namespace.get("__file__", missing)  # the page itself has none
    namespace["__file__"] = copy
    try:
        exec(compile(source, copy, "exec"), namespace)
    finally:
        if previous is missing:
            namespace.pop("__file__", None)
        else:
            namespace["__file__"] = previous


def copy_of(relative: str, state: PageState) -> Path:
    """The page's copy of a site file: its top folder (``snippets/``) is copied whole on first
    use, so the files a snippet reads or imports beside it (other chapters too) are there."""
    parts = Path(relative).parts
    source, target = state.root / parts[0], state.site_copy / parts[0]
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
        for data in PROGRAM_DATA:  # the font the figures use, where the programs look for it
            if (state.root / data).is_file() and not (state.site_copy / data).exists():
                (state.site_copy / data).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(state.root / data, state.site_copy / data)
    return state.site_copy / relative


def _remember_source(filename: str, first_line: int, code: str) -> None:
    """Give linecache the lines that ran, at their line numbers, so tracebacks and
    ``inspect.getsource`` (torch.jit.script) see them under a name that is no real path.
    A file's earlier chunks keep their lines."""
    entry = linecache.cache.get(filename)
    lines = list(entry[2]) if entry is not None and len(entry) == 4 else []
    new = [f"{line}\n" for line in code.removesuffix("\n").split("\n")]  # not splitlines():
    # U+2028 in a string is no line break to the compiler either
    start = first_line - 1
    lines += ["\n"] * (start + len(new) - len(lines))
    lines[start : start + len(new)] = new
    # mtime None: linecache.checkcache never drops it
    linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)
