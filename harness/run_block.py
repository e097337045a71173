"""Run one block in its page's namespace and compare what it shows with what it printed.

This runs inside the page's own process (see page_process.py); what it returns travels back
to pytest as an ``Outcome``.  Nothing here keeps state between blocks except ``PageState``,
which lives exactly as long as the page.

Output streams, as a reader's terminal shows them:
- ``sys.stdout``: compared with the ``>>>`` output or the 输出 block;
- standard error (``sys.stderr``, and anything written straight to file descriptors 1 and 2
  by C code or child processes): a reader sees it, the page cannot show it, so the block
  fails, unless it carries ``<!-- stderr: 理由 -->`` (a progress bar, say);
- warnings never reach standard error: they are recorded and judged (warns.py).
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import HOME, device, warns
from .examples import Block
from .outputs import Difference, Raised, error_form, exception_only, shown_form, unwritable

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass
class Outcome:
    """What one block did, sent back to pytest."""

    failure: str | None = None
    differences: list[Difference] = field(default_factory=list)
    raised: list[Raised] = field(default_factory=list)
    warnings_seen: list[warns.Seen] = field(default_factory=list)
    warning_failures: list[tuple[str, int, str]] = field(default_factory=list)
    passed_on: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # class, text, file, line
    used_cuda: bool = False
    seconds: float = 0.0


@dataclass
class PageState:
    """What a page's blocks share besides the namespace."""

    root: Path
    update: bool  # docs-update: a shown output that no longer matches is rewritten, not failed
    stdio: StdioFiles | None = None
    raised: list[Raised] = field(default_factory=list)  # earlier unexpected errors on this page


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

    def new_text(self) -> dict[int, str]:
        """What was written to each descriptor since the last call."""
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
                handle.seek(self.positions[fd])
                data = handle.read()
            self.positions[fd] += len(data)
            found[fd] = data.decode("utf-8", errors="replace")
        return found


def run(block: Block, namespace: dict, state: PageState) -> Outcome:
    outcome = Outcome()
    started = time.perf_counter()
    before = device.cuda_allocations()
    doctest_lines: dict[str, list[int]] = {}
    stderr = io.StringIO()
    if state.stdio:
        state.stdio.new_text()  # start from here
    try:
        with warns.Recorder(block.root) as caught, contextlib.redirect_stderr(stderr):
            if block.kind == "doctest":
                failures = _run_doctest(block, namespace, doctest_lines, state, outcome)
            else:
                failures = _run_code(block, namespace, state, outcome)
    except BaseException as error:  # noqa: BLE001 -- KeyboardInterrupt or SystemExit escaping doctest
        failures = [
            f"{block.where}: the example raised {type(error).__name__} "
            f"({error}); the rest of the block did not run"
        ]
        caught = []
    outcome.used_cuda = device.cuda_allocations() > before
    if caught or block.expected_warning:
        failures += _check_warnings(block, caught, doctest_lines, outcome)
    failures += _check_streams(block, stderr.getvalue(), state)
    outcome.failure = "\n".join(failures) if failures else None
    outcome.seconds = time.perf_counter() - started
    return outcome


def _check_streams(block: Block, stderr: str, state: PageState) -> list[str]:
    raw = state.stdio.new_text() if state.stdio else {1: "", 2: ""}
    failures = []
    if raw[1].strip():
        failures.append(
            f"{block.where}: the block printed outside Python's sys.stdout (C code or a child "
            f"process writing to the terminal), which the page cannot check:\n{raw[1]}"
        )
    written = stderr + raw[2]
    if written.strip() and not block.fence.marker("stderr"):
        failures.append(
            f"{block.where}: the block wrote to standard error, which a reader sees but the page "
            f"does not show:\n{written}\nPrint to stdout and show it, or, for output such as a "
            f"progress bar, put <!-- stderr: 理由 --> on the line before the fence."
        )
    return failures


def _check_warnings(
    block: Block, caught: list, doctest_lines: dict[str, list[int]], outcome: Outcome
) -> list[str]:
    expected = block.expected_warning
    seen, deprecations, expected_seen, passed_on = warns.review(
        caught, expected, block.root, doctest_lines
    )
    outcome.warnings_seen = seen
    outcome.passed_on = passed_on
    where = (block.page, block.fence.line)
    for warning in deprecations:
        outcome.warning_failures.append((*where, f"raises {warning.category}: {warning.message}"))
    names = "|".join(cls.__name__ for cls in expected)
    if expected and not expected_seen:
        outcome.warning_failures.append(
            (*where, f"no longer raises the {names} its <!-- warns --> marker expects")
        )
    failures = []
    if deprecations:
        listing = "\n".join(f"  {warning.describe()}" for warning in deprecations)
        failures.append(
            f"{block.where}: the example triggers a deprecation warning:\n{listing}\n"
            f"Use the current API. To demonstrate the warning on purpose, put "
            f"<!-- warns: {deprecations[0].category} 理由 --> on the line before the fence."
        )
    if expected and not expected_seen:
        others = "".join(f"\n  {warning.describe()}" for warning in seen)
        failures.append(
            f"{block.where}: <!-- warns: {names} --> at line "
            f"{getattr(block.fence.marker('warns'), 'line', '?')}, but the block raised no {names}"
            + (f"; it raised:{others}" if others else " (it raised no warning at all)")
        )
    return failures


class _Runner(doctest.DocTestRunner):
    """doctest's runner, keeping each failure apart so an update can drop the ones it fixes."""

    def __init__(self, block: Block, state: PageState, outcome: Outcome):
        super().__init__(optionflags=DOCTEST_FLAGS)
        self.block, self.state, self.outcome = block, state, outcome
        self.reports: list[tuple[Difference | None, str]] = []

    def report_failure(self, out, test, example, got):
        report = io.StringIO()
        super().report_failure(report.write, test, example, got)
        difference = _doctest_difference(self.block, example, got, self.state)
        self.outcome.differences.append(difference)
        self.reports.append((difference, report.getvalue()))

    def report_unexpected_exception(self, out, test, example, exc_info):
        report = io.StringIO()
        super().report_unexpected_exception(report.write, test, example, exc_info)
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        raised = Raised(self.block.page, example_line(self.block, example), error)
        self.state.raised.append(raised)
        self.outcome.raised.append(raised)
        self.reports.append((None, report.getvalue()))


def example_line(block: Block, example: doctest.Example) -> int:
    # example.lineno is 0-based within the body; the body starts on the line after the fence.
    return block.fence.body_line + example.lineno


def _doctest_difference(
    block: Block, example: doctest.Example, got: str, state: PageState
) -> Difference:
    line = example_line(block, example)

    def difference(kind: str, now: str, problem: str | None) -> Difference:
        return Difference(
            block.page,
            line + example.source.count("\n"),
            example.want.count("\n"),
            block.fence.indent + " " * example.indent,
            kind,
            example.want,
            now,
            problem,
        )

    if example.exc_msg is not None:
        raised = exception_only(got)
        if raised is None:
            return difference(
                "error",
                shown_form(got, doctest_form=True),
                f"the example at line {line} no longer raises an exception",
            )
        return difference("error", error_form(raised), _earlier_raise(state))
    new = shown_form(got, doctest_form=True)
    problem = _earlier_raise(state) or unwritable(new)
    if not problem and not new:
        problem = f"the example at line {line} prints nothing now"
    if not problem and any(shown.lstrip().startswith(">>>") for shown in new.splitlines()):
        problem = f"the output of line {line} contains '>>>' and cannot be shown as doctest output"
    return difference("doctest", new, problem)


def _earlier_raise(state: PageState) -> str | None:
    """An output after an unexpected error on the same page may only show its consequence
    (a NameError, a value never updated): not something to write into the page."""
    for raised in state.raised:
        return (
            f"an earlier example on this page raised ({raised.error.splitlines()[0]}, "
            f"line {raised.line}); fix that first"
        )
    return None


def _run_doctest(
    block: Block,
    namespace: dict,
    doctest_lines: dict[str, list[int]],
    state: PageState,
    outcome: Outcome,
) -> list[str]:
    test = doctest.DocTestParser().get_doctest(
        block.fence.body, {}, block.page, block.page, block.fence.line
    )
    test.globs = namespace  # the page's own __main__, not a copy: what a class defined here
    doctest_lines[block.page] = [example_line(block, example) for example in test.examples]
    runner = _Runner(block, state, outcome)  # pickles by, and later blocks see, is the page's
    runner.run(test, clear_globs=False)
    kept = [
        report
        for difference, report in runner.reports
        if not (state.update and difference is not None and difference.problem is None)
    ]
    return ["".join(kept)] if kept else []


def _run_code(block: Block, namespace: dict, state: PageState, outcome: Outcome) -> list[str]:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            for chunk in block.chunks:
                _exec_chunk(chunk, namespace, block.root)
    except BaseException as error:  # noqa: BLE001 -- SystemExit and KeyboardInterrupt are the page's errors too
        raised = Raised(
            block.page,
            block.fence.line,
            "".join(traceback.format_exception_only(type(error), error)).strip(),
        )
        state.raised.append(raised)
        outcome.raised.append(raised)
        # Drop the harness's frames: the reader's code (page or snippet line) is what failed.
        tb = error.__traceback__
        while tb is not None and HOME in tb.tb_frame.f_code.co_filename:
            tb = tb.tb_next
        lines = traceback.format_exception(type(error), error, tb)
        shown = "".join(lines).replace(f"{block.root}/", "")
        return [
            f"{block.where}: the block raised an error the page does not expect "
            f"(show expected errors as a >>> session):\n{shown}"
        ]
    got = printed.getvalue()
    output = block.fence.output
    if output is None:
        if got.strip():
            outcome.differences.append(
                Difference(
                    block.page,
                    block.fence.line,
                    0,
                    block.fence.indent,
                    "output",
                    "",
                    shown_form(got, doctest_form=False),
                    problem="the page shows no 输出 block for it",
                )
            )
            return [
                f"{block.where}: this block prints, but the page shows no output.\n"
                f'Add a ```text title="输出"``` block after it with:\n{got}'
            ]
        return []
    checker = doctest.OutputChecker()
    if checker.check_output(output.body, got, DOCTEST_FLAGS):
        return []
    new = shown_form(got, doctest_form=False)
    difference = Difference(
        block.page,
        output.body_line,
        output.body.count("\n"),
        output.indent,
        "output",
        output.body,
        new,
        problem=_earlier_raise(state)
        or unwritable(new)
        or (None if new else "the block prints nothing now"),
    )
    outcome.differences.append(difference)
    if state.update and difference.problem is None:
        return []
    shown_example = doctest.Example("", output.body)
    return [
        f"{block.page}, line {output.line}: the 输出 block does not match what the code "
        f"printed.\n" + checker.output_difference(shown_example, got, DOCTEST_FLAGS)
    ]


def _exec_chunk(chunk, namespace: dict, root: Path) -> None:
    filename = str(root / chunk.filename)
    # Padding with newlines keeps tracebacks at the real line of the page or snippet.
    code = compile("\n" * (chunk.first_line - 1) + chunk.code, filename, "exec")
    if not chunk.is_snippet:
        exec(code, namespace)
        return
    # Snippet code sees __file__ as it does when run on its own; the page itself has none.
    missing = object()
    previous = namespace.get("__file__", missing)
    namespace["__file__"] = filename
    try:
        exec(code, namespace)
    finally:
        if previous is missing:
            namespace.pop("__file__", None)
        else:
            namespace["__file__"] = previous
