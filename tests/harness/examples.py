"""Turn a page's python fences into sybil regions, and evaluate them.

Kinds of block (see docs/contributing.md):
- doctest: starts with ``>>>``; every shown output, exceptions included, is compared;
- code: plain Python; if it prints, the ``text title="输出"`` fence after it must show
  exactly what it printed;
- include: ``--8<-- "snippets/…py:section"`` lines, run as the snippet file's own lines;
- ``<!-- norun: reason -->`` before a fence: not collected (a bare marker fails);
- ``<!-- gpu-only: reason -->``: skipped on the CPU, run by docs-test-cuda;
- ``<!-- warns: WarningClass reason -->`` (or ``ClassA|ClassB``): the block must raise that
  warning (see warns.py; any other deprecation warning fails a block).

With ``--docs-update`` (``nox -s docs-update``) a shown output that no longer matches is
not a failure: it is collected in ``outputs.FOUND`` and rewritten when the session ends.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sybil import Document, Region

from . import device, warns
from .fences import Fence, find_fences
from .outputs import FOUND, Difference, Raised, error_form, exception_only, shown_form
from .snippets import CodeChunk, SnippetError, code_chunks

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
UPDATE = False  # set by --docs-update: outputs that no longer match are rewritten, not failed


@dataclass
class Block:
    page: str  # page path relative to the site root, as contributors know it
    fence: Fence
    root: Path
    problem: str | None = None  # a mistake in the page itself, reported as a failure
    chunks: list[CodeChunk] = field(default_factory=list)
    expected_warning: tuple[type[Warning], ...] = ()  # from <!-- warns: Class[|Class] reason -->

    @property
    def kind(self) -> str:
        if self.problem:
            return "invalid"
        if self.fence.body.lstrip().startswith(">>>"):
            return "doctest"
        return "code"

    @property
    def where(self) -> str:
        return f"{self.page}, line {self.fence.line}"


# What ran, for the session summary and the verification record: (page, line) -> used CUDA.
RAN: dict[tuple[str, int], bool] = {}


def make_parser(root: Path):
    def parse(document: Document):
        page = Path(document.path).resolve().relative_to(root).as_posix()
        fences = find_fences(document.text)
        claimed = {id(fence.output) for fence in fences if fence.output}
        for fence in fences:
            if fence.is_output and id(fence) not in claimed:
                block = Block(page, fence, root, problem=(
                    f'a ```text title="输出"``` block must follow a plain python block '
                    f"(and show what it prints)"))
                yield Region(fence.start, fence.end, block, evaluate)
                continue
            if not fence.is_python:
                continue
            block = _block(page, fence, root)
            if block is None:
                continue  # norun with a reason: deliberately not collected
            end = fence.output.end if fence.output else fence.end
            yield Region(fence.start, end, block, evaluate)

    return parse


def _block(page: str, fence: Fence, root: Path) -> Block | None:
    marker = fence.marker
    if marker and marker.name == "norun":
        if marker.reason:
            return None
        return Block(page, fence, root, problem=(
            f"<!-- norun --> at line {marker.line} needs a reason: <!-- norun: why it cannot run -->"))
    if marker and marker.name not in {"gpu-only", "warns"}:
        return Block(page, fence, root, problem=(
            f"unknown marker <!-- {marker.name} --> at line {marker.line}; "
            f"use <!-- norun: reason -->, <!-- gpu-only: reason --> "
            f"or <!-- warns: WarningClass reason -->"))
    block = Block(page, fence, root)
    if marker and marker.name == "warns":
        name, _, reason = marker.reason.partition(" ")
        block.expected_warning, unknown = warns.warning_classes(name)
        if not name or not reason.strip():
            block.problem = (f"<!-- warns --> at line {marker.line} needs a warning class and a "
                             f"reason: <!-- warns: FutureWarning 为什么要演示这个警告 -->")
        elif unknown:
            block.problem = (f"<!-- warns: {name} --> at line {marker.line}: {', '.join(unknown)} "
                             f"is not a warning class; use a built-in one such as FutureWarning, "
                             f"DeprecationWarning or UserWarning")
        if block.problem:
            return block
    if fence.language == "pycon" and block.kind != "doctest":
        block.problem = "a pycon block must be a >>> session"
    elif block.kind == "doctest" and fence.output:
        block.problem = "a >>> session shows its own output; remove the 输出 block after it"
    elif block.kind == "code":
        try:
            block.chunks = code_chunks(fence.body, fence.body_line, page, root)
        except SnippetError as error:
            block.problem = str(error)
    return block


def evaluate(example) -> str | None:
    block: Block = example.parsed
    if block.problem:
        return f"{block.where}: {block.problem}"
    if block.fence.marker and block.fence.marker.name == "gpu-only" and device.MODE != "cuda":
        pytest.skip(f"GPU-only example ({block.where}); it runs in `nox -s docs-test-cuda`")
    before = device.cuda_allocations()
    doctest_lines: dict[str, list[int]] = {}
    with warns.Recorder(block.root) as caught:
        if block.kind == "doctest":
            failures = _run_doctest(block, example.namespace, doctest_lines)
        else:
            failures = _run_code(block, example.namespace)
    RAN[(block.page, block.fence.line)] = device.cuda_allocations() > before
    if caught or block.expected_warning:
        failures += _check_warnings(block, caught, doctest_lines)
    return "\n".join(failures) if failures else None


def _check_warnings(block: Block, caught: list, doctest_lines: dict[str, list[int]]) -> list[str]:
    expected = block.expected_warning
    seen, deprecations, expected_seen = warns.review(caught, expected, block.root, doctest_lines)
    if seen:
        FOUND.warnings[(block.page, block.fence.line)] = seen
    failures = []
    for warning in deprecations:
        FOUND.warning_failures.append((block.page, block.fence.line,
                                       f"raises {warning.category}: {warning.message}"))
    names = "|".join(cls.__name__ for cls in expected)
    if expected and not expected_seen:
        FOUND.warning_failures.append((block.page, block.fence.line,
                                       f"no longer raises the {names} its "
                                       f"<!-- warns --> marker expects"))
    if deprecations:
        listing = "\n".join(f"  {warning.describe()}" for warning in deprecations)
        failures.append(
            f"{block.where}: the example triggers a deprecation warning:\n{listing}\n"
            f"Use the current API. To demonstrate the warning on purpose, put "
            f"<!-- warns: {deprecations[0].category} 理由 --> on the line before the fence.")
    if expected and not expected_seen:
        others = "".join(f"\n  {warning.describe()}" for warning in seen)
        failures.append(
            f"{block.where}: <!-- warns: {names} --> at line "
            f"{block.fence.marker.line}, but the block raised no {names}"
            + (f"; it raised:{others}" if others else " (it raised no warning at all)"))
    return failures


class _Runner(doctest.DocTestRunner):
    """doctest's runner, keeping each failure apart so an update can drop the ones it fixes."""

    def __init__(self, block: Block):
        super().__init__(optionflags=DOCTEST_FLAGS)
        self.block = block
        self.reports: list[tuple[Difference | None, str]] = []

    def report_failure(self, out, test, example, got):
        report = io.StringIO()
        super().report_failure(report.write, test, example, got)
        difference = _doctest_difference(self.block, example, got)
        FOUND.differences.append(difference)
        self.reports.append((difference, report.getvalue()))

    def report_unexpected_exception(self, out, test, example, exc_info):
        report = io.StringIO()
        super().report_unexpected_exception(report.write, test, example, exc_info)
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        FOUND.raised.append(Raised(self.block.page, _example_line(self.block, example), error))
        self.reports.append((None, report.getvalue()))


def _example_line(block: Block, example: doctest.Example) -> int:
    # example.lineno is 0-based within the body; the body starts on the line after the fence.
    return block.fence.body_line + example.lineno


def _doctest_difference(block: Block, example: doctest.Example, got: str) -> Difference:
    line = _example_line(block, example)
    common = dict(page=block.page, line=line + example.source.count("\n"),
                  count=example.want.count("\n"),
                  indent=block.fence.indent + " " * example.indent, expected=example.want)
    if example.exc_msg is not None:
        raised = exception_only(got)
        if raised is None:
            return Difference(kind="error", got=shown_form(got, doctest_form=True), problem=(
                f"the example at line {line} no longer raises an exception"), **common)
        return Difference(kind="error", got=error_form(raised), problem=_earlier_raise(block.page),
                          **common)
    new = shown_form(got, doctest_form=True)
    problem = _earlier_raise(block.page)
    if not problem and not new:
        problem = f"the example at line {line} prints nothing now"
    if not problem and any(shown.lstrip().startswith(">>>") for shown in new.splitlines()):
        problem = f"the output of line {line} contains '>>>' and cannot be shown as doctest output"
    return Difference(kind="doctest", got=new, problem=problem, **common)


def _earlier_raise(page: str) -> str | None:
    """An output after an unexpected error on the same page may only show its consequence
    (a NameError, a value never updated): not something to write into the page."""
    for raised in FOUND.raised:
        if raised.page == page:
            return (f"an earlier example on this page raised ({raised.error.splitlines()[0]}, "
                    f"line {raised.line}); fix that first")
    return None


def _run_doctest(block: Block, namespace: dict, doctest_lines: dict[str, list[int]]) -> list[str]:
    # lineno is 0-based in doctest: the first body line is fence.line (1-based) + 1.
    test = doctest.DocTestParser().get_doctest(
        block.fence.body, namespace, block.page, block.page, block.fence.line)
    doctest_lines[block.page] = [_example_line(block, example) for example in test.examples]
    runner = _Runner(block)
    runner.run(test, clear_globs=False)
    namespace.update(test.globs)  # DocTest works on a copy; later blocks need these names
    kept = [report for difference, report in runner.reports
            if not (UPDATE and difference is not None and difference.problem is None)]
    return ["".join(kept)] if kept else []


def _run_code(block: Block, namespace: dict) -> list[str]:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            for chunk in block.chunks:
                # Padding with newlines keeps tracebacks at the real line of the page or snippet.
                filename = str(block.root / chunk.filename)
                code = compile("\n" * (chunk.first_line - 1) + chunk.code, filename, "exec")
                exec(code, namespace)
    except Exception as error:
        FOUND.raised.append(Raised(block.page, block.fence.line, "".join(
            traceback.format_exception_only(type(error), error)).strip()))
        # Drop our own frame: the reader's code (page or snippet line) is what failed.
        lines = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
        shown = "".join(lines).replace(f"{block.root}/", "")
        return [f"{block.where}: the block raised an error the page does not expect "
                f"(show expected errors as a >>> session):\n{shown}"]
    got = printed.getvalue()
    output = block.fence.output
    if output is None:
        if got.strip():
            FOUND.differences.append(Difference(
                block.page, block.fence.line, 0, block.fence.indent, "output", "",
                shown_form(got, doctest_form=False), problem="the page shows no 输出 block for it"))
            return [f"{block.where}: this block prints, but the page shows no output.\n"
                    f'Add a ```text title="输出"``` block after it with:\n{got}']
        return []
    checker = doctest.OutputChecker()
    if checker.check_output(output.body, got, DOCTEST_FLAGS):
        return []
    new = shown_form(got, doctest_form=False)
    difference = Difference(
        block.page, output.body_line, output.body.count("\n"), output.indent, "output",
        output.body, new,
        problem=_earlier_raise(block.page) or (None if new else "the block prints nothing now"))
    FOUND.differences.append(difference)
    if UPDATE and difference.problem is None:
        return []
    shown = doctest.Example("", output.body)
    return [f'{block.page}, line {output.line}: the 输出 block does not match what the code '
            f"printed.\n" + checker.output_difference(shown, got, DOCTEST_FLAGS)]
