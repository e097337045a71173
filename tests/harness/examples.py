"""Turn a page's python fences into sybil regions, and evaluate them.

Kinds of block (see docs/contributing.md):
- doctest: starts with ``>>>``; every shown output, exceptions included, is compared;
- code: plain Python; if it prints, the ``text title="输出"`` fence after it must show
  exactly what it printed;
- include: ``--8<-- "snippets/…py:section"`` lines, run as the snippet file's own lines;
- ``<!-- norun: reason -->`` before a fence: not collected (a bare marker fails);
- ``<!-- gpu-only: reason -->``: skipped on the CPU, run by docs-test-cuda.
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

from . import device
from .fences import Fence, find_fences
from .snippets import CodeChunk, SnippetError, code_chunks

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass
class Block:
    page: str  # page path relative to the site root, as contributors know it
    fence: Fence
    root: Path
    problem: str | None = None  # a mistake in the page itself, reported as a failure
    chunks: list[CodeChunk] = field(default_factory=list)

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
    if marker and marker.name != "gpu-only":
        return Block(page, fence, root, problem=(
            f"unknown marker <!-- {marker.name} --> at line {marker.line}; "
            f"use <!-- norun: reason --> or <!-- gpu-only: reason -->"))
    block = Block(page, fence, root)
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
    if block.kind == "doctest":
        result = _run_doctest(block, example.namespace)
    else:
        result = _run_code(block, example.namespace)
    RAN[(block.page, block.fence.line)] = device.cuda_allocations() > before
    return result


def _run_doctest(block: Block, namespace: dict) -> str | None:
    # lineno is 0-based in doctest: the first body line is fence.line (1-based) + 1.
    test = doctest.DocTestParser().get_doctest(
        block.fence.body, namespace, block.page, block.page, block.fence.line)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # DocTest works on a copy; later blocks need these names
    if runner.failures:
        return report.getvalue()
    return None


def _run_code(block: Block, namespace: dict) -> str | None:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            for chunk in block.chunks:
                # Padding with newlines keeps tracebacks at the real line of the page or snippet.
                filename = str(block.root / chunk.filename)
                code = compile("\n" * (chunk.first_line - 1) + chunk.code, filename, "exec")
                exec(code, namespace)
    except Exception as error:
        # Drop our own frame: the reader's code (page or snippet line) is what failed.
        lines = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
        shown = "".join(lines).replace(f"{block.root}/", "")
        return (f"{block.where}: the block raised an error the page does not expect "
                f"(show expected errors as a >>> session):\n{shown}")
    got = printed.getvalue()
    output = block.fence.output
    if output is None:
        if got.strip():
            return (f"{block.where}: this block prints, but the page shows no output.\n"
                    f'Add a ```text title="输出"``` block after it with:\n{got}')
        return None
    checker = doctest.OutputChecker()
    if checker.check_output(output.body, got, DOCTEST_FLAGS):
        return None
    shown = doctest.Example("", output.body)
    return (f'{block.page}, line {output.line}: the 输出 block does not match what the code '
            f"printed.\n" + checker.output_difference(shown, got, DOCTEST_FLAGS))
