"""Turn a page's fences into sybil regions: one ``Block`` per Python fence a reader sees.

Kinds of block (see docs/contributing.md):
- doctest: starts with ``>>>``; every shown output, exceptions included, is compared;
- code: plain Python; if it prints, the ``text title="输出"`` fence after it must show
  exactly what it printed;
- include: ``--8<-- "snippets/…py:section"`` lines, run as the snippet file's own lines.

Markers on the lines right before a fence (several may stack):
- ``<!-- norun: 理由 -->``: not collected;
- ``<!-- gpu-only: 理由 -->``: skipped on the CPU, run by docs-test-cuda;
- ``<!-- warns: WarningClass 理由 -->`` (or ``ClassA|ClassB``): the block must raise that warning;
- ``<!-- timeout: 秒数 理由 -->``: a time limit other than the default 120 s (at most 600 s);
- ``<!-- stderr: 理由 -->``: the block may write to standard error (a progress bar);
- ``<!-- tolerance: ±0.02 #3:any 理由 -->``: the block's shown numbers may differ from what it
  prints within these rules (harness/numbers.py); its words still compare exactly;
- ``<!-- figure: name.png -->``: the block draws ``name.png`` into the page's current folder,
  the image the page shows from ``assets/images/`` (harness/figures.py).

Before a text fence, ``<!-- program-output: snippets/x/y.py -->`` (with an optional
``<!-- tolerance -->``) shows what a downloaded program prints when run on its own: no page
block runs it; tests/test_snippets_standalone.py runs the program and compares.

Every mistake in the page itself (a malformed or stray marker, a marker reason with nothing
visible in it, an empty block, a Python alias the harness does not run, a broken include, a
doctest directive, text after a blank line in a ``>>>`` session, an output of only ``...``)
becomes a failing example that names the page and line: nothing a reader sees as Python
passes without running, and nothing it shows goes unchecked.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Document, Region
from sybil.typing import Evaluator, Parser

from pagekit.fences import (
    PROGRAM_OUTPUT_MARKERS,
    RUNNABLE_LANGUAGES,
    Fence,
    Marker,
    has_visible_text,
    scan,
)
from pagekit.includes import (
    BLOCK_INCLUDE,
    CodeChunk,
    SnippetError,
    code_chunks,
    include_target,
)

from . import figures, warns
from .numbers import Tolerance, check_rules, parse_tolerance

DEFAULT_TIMEOUT = 120.0  # seconds per block
MAX_TIMEOUT = 600.0
# doctest's own rule for a directive in an example's source (DocTestParser._OPTION_DIRECTIVE_RE).
_DIRECTIVE = re.compile(r"#\s*doctest:\s*([^\n'\"]*)$")
# With ELLIPSIS on, an output of nothing but "..." matches anything at all.
_ONLY_ELLIPSIS = re.compile(r"\s*(?:\.\.\.\s*)+")


@dataclass
class Block:
    page: str  # page path relative to the site root, as contributors know it
    fence: Fence
    root: Path
    problem: str | None = None  # a mistake in the page itself, reported as a failure
    chunks: list[CodeChunk] = field(default_factory=list)
    expected_warning: tuple[type[Warning], ...] = ()  # from <!-- warns: Class[|Class] reason -->
    timeout: float = DEFAULT_TIMEOUT
    tolerance: Tolerance | None = None  # from <!-- tolerance: rules reason -->
    figures: tuple[str, ...] = ()  # from <!-- figure: name.png -->: images the block draws

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

    @property
    def gpu_only(self) -> bool:
        return self.fence.marker("gpu-only") is not None


def blocks(text: str, page: str, root: Path) -> list[Block]:
    """Every block the harness collects from a page, problems included, in page order."""
    found = scan(text)
    collected: list[Block] = []
    claimed = {id(fence.output) for fence in found.fences if fence.output}

    def refuse(fence: Fence, problem: str) -> None:
        collected.append(Block(page, fence, root, problem=problem))

    for marker in found.stray_markers:
        refuse(
            Fence(0, 0, marker.line, "", "", {}, ""),
            marker.problem
            or (
                f"<!-- {marker.name} --> at line {marker.line} is not right before a python "
                "block; put it on the line before the fence it is about"
            ),
        )
    for fence in found.fences:
        if fence.is_output and id(fence) not in claimed:
            refuse(
                fence,
                'a ```text title="输出"``` block must follow a plain python block '
                "(and show what it prints)",
            )
            continue
        if not fence.is_python and fence.marker("program-output"):
            if problem := _program_output_problem(fence, root):
                refuse(fence, problem)
            continue  # tests/test_snippets_standalone.py runs the program and compares
        if not fence.is_python:
            if fence.markers:
                marker = fence.markers[0]
                refuse(
                    fence,
                    f"<!-- {marker.name} --> at line {marker.line} is before a "
                    f"```{fence.language or 'text'} block, which never runs; "
                    "markers are for python blocks",
                )
            continue
        block = _block(page, fence, root)
        if block is not None:
            collected.append(block)
    collected.sort(key=lambda block: block.fence.line)
    return collected


def _program_output_problem(fence: Fence, root: Path) -> str | None:
    marker = fence.marker("program-output")
    assert marker is not None
    if problem := _marker_problem(fence.markers):
        return problem
    others = [m for m in fence.markers if m.name not in PROGRAM_OUTPUT_MARKERS]
    if others:
        return (
            f"<!-- {others[0].name} --> at line {others[0].line} is before a program's output; "
            "only <!-- tolerance --> may go with <!-- program-output -->"
        )
    program = marker.reason.split()[0]
    path = (root / program).resolve()
    if not (program.startswith("snippets/") and path.is_file() and path.suffix == ".py"):
        return (
            f"<!-- program-output: {program} --> at line {marker.line}: "
            "no such program in snippets/"
        )
    if only_ellipsis(fence.body):
        return (
            f'<!-- program-output --> at line {marker.line}: a block of only "..." matches '
            "anything the program prints: show its output"
        )
    if fence.is_output:
        return (
            f"<!-- program-output --> at line {marker.line}: give the block a title other "
            'than "输出" (such as title="python digits.py 的输出")'
        )
    tolerance = fence.marker("tolerance")
    if tolerance is not None:
        return parse_tolerance(tolerance.reason, tolerance.line)[1]
    return None


def make_parser(root: Path, evaluate: Evaluator) -> Parser:
    """The sybil parser of the site: a Region per block, evaluated by ``evaluate(example)``."""

    def parse(document: Document) -> Iterator[Region]:
        page = Path(document.path).resolve().relative_to(root.resolve()).as_posix()
        for block in blocks(document.text, page, root):
            fence = block.fence
            if not fence.end:  # a stray marker: point at its own line
                start = _offset_of_line(document.text, fence.line)
                yield Region(start, start + 1, block, evaluate)
                continue
            end = fence.output.end if fence.output else fence.end
            yield Region(fence.start, end, block, evaluate)

    return parse


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _block(page: str, fence: Fence, root: Path) -> Block | None:
    block = Block(page, fence, root)
    block.problem = _marker_problem(fence.markers)
    if block.problem:
        return block
    if fence.marker("norun"):
        return None  # not collected: the reason is on the page for the reader and the reviewer
    if not fence.is_runnable:
        block.problem = (
            f"a ```{fence.language} block is shown as Python but the harness runs "
            f"only {', '.join(sorted(RUNNABLE_LANGUAGES))} blocks: use ```python, "
            f"or put <!-- norun: 理由 --> before it"
        )
        return block
    if not fence.body.strip():
        block.problem = "an empty python block: show code, or remove the fence"
        return block
    warns_marker = fence.marker("warns")
    if warns_marker:
        name, _, reason = warns_marker.reason.partition(" ")
        block.expected_warning, unknown = warns.warning_classes(name)
        if not has_visible_text(reason):
            block.problem = (
                f"<!-- warns --> at line {warns_marker.line} needs a warning class "
                f"and a reason: <!-- warns: FutureWarning 为什么要演示这个警告 -->"
            )
        elif unknown:
            block.problem = (
                f"<!-- warns: {name} --> at line {warns_marker.line}: "
                f"{', '.join(unknown)} is not a warning class; use a built-in one "
                f"such as FutureWarning, DeprecationWarning or UserWarning"
            )
        if block.problem:
            return block
    timeout_marker = fence.marker("timeout")
    if timeout_marker:
        seconds, _, reason = timeout_marker.reason.partition(" ")
        try:
            block.timeout = float(seconds)
        except ValueError:
            block.timeout = 0
        if not 0 < block.timeout <= MAX_TIMEOUT or not has_visible_text(reason):
            block.problem = (
                f"<!-- timeout --> at line {timeout_marker.line} needs seconds "
                f"(at most {MAX_TIMEOUT:.0f}) and a reason: "
                f"<!-- timeout: 300 为什么这个示例要跑这么久 -->"
            )
            return block
    if fence.output is not None and only_ellipsis(fence.output.body):
        block.problem = (
            f'an 输出 block that shows only "..." checks nothing (line {fence.output.line}; '
            '"..." matches any output): show the output'
        )
        return block
    if block.kind == "doctest":
        block.problem = session_problem(fence)
        if block.problem:
            return block
    if fence.language == "pycon" and block.kind != "doctest":
        block.problem = "a pycon block must be a >>> session"
    elif block.kind == "doctest" and fence.output:
        block.problem = "a >>> session shows its own output; remove the 输出 block after it"
    elif block.kind == "doctest" and any(
        include_target(line.lstrip(">. ")) for line in fence.body.split("\n")
    ):
        block.problem = "an include inside a >>> session; include snippets in a plain block"
    elif block.kind == "code" and ">" in fence.indent and _has_include(fence.body):
        # pymdownx.snippets expands only a line that starts with the include (indentation
        # aside): in a blockquote the reader sees the raw --8<-- line, not the snippet.
        block.problem = (
            "an include inside a > blockquote: the site does not expand it there (the reader "
            "sees the --8<-- line itself); move the block out of the blockquote, or into an "
            "admonition (!!! note), where includes work"
        )
    elif block.kind == "code":
        try:
            block.chunks = code_chunks(fence.body, fence.body_line, page, root)
        except SnippetError as error:
            block.problem = str(error)
    figure_marker = fence.marker("figure")
    if figure_marker and not block.problem:
        block.figures, block.problem = figures.marker_problem(
            figure_marker.reason, figure_marker.line
        )
    tolerance_marker = fence.marker("tolerance")
    if tolerance_marker and not block.problem:
        block.tolerance, block.problem = parse_tolerance(
            tolerance_marker.reason, tolerance_marker.line
        )
        if block.tolerance:
            block.problem = check_rules(block.tolerance, shown_outputs(block))
    return block


def _has_include(body: str) -> bool:
    return any(include_target(line) or BLOCK_INCLUDE.match(line) for line in body.split("\n"))


def shown_outputs(block: Block) -> list[str]:
    """The outputs the page shows for a block, in reading order (expected errors aside)."""
    if block.kind == "doctest":
        return [ex.want for ex in _doctest_examples(block.fence.body) if ex.exc_msg is None]
    return [block.fence.output.body] if block.fence.output else []


def only_ellipsis(shown: str) -> bool:
    """Whether a shown output is nothing but ``...`` and whitespace once doctest has read it
    (``<BLANKLINE>`` is an empty line to doctest): ELLIPSIS makes it match any output at all."""
    return _ONLY_ELLIPSIS.fullmatch(shown.replace("<BLANKLINE>", "")) is not None


def session_problem(fence: Fence) -> str | None:
    """What in a ``>>>`` session would not be checked as the reader reads it, naming the page
    line: a doctest directive (``+SKIP`` skips an example, ``+ELLIPSIS`` and the like change
    what its output must be), text after a blank line (doctest reads it as prose: it never
    runs and is never compared), an output of only ``...``."""
    after_blank = False
    for offset, line in enumerate(fence.body.split("\n")):
        number = fence.body_line + offset
        text = line.expandtabs().lstrip(" ")  # as doctest reads it: only spaces indent
        directive = _DIRECTIVE.search(text)
        if directive and text.startswith((">>>", "...")):
            return (
                f"line {number}: a doctest directive ({directive.group(0).strip()}) in a >>> "
                "session; every example is run and compared as the page shows it: remove the "
                "directive (to leave out a part that varies, write ... in the output)"
            )
        if not text:
            after_blank = True
            continue
        if after_blank and not text.startswith(">>>"):
            return (
                f"line {number}: text after a blank line in a >>> session; doctest reads it as "
                "prose, so it is never run or compared: remove the blank line (write "
                "<BLANKLINE> for a blank line in an output) or start a new >>> example"
            )
        after_blank = False
    # A guard only: doctest reads a "..." line right after an example as more of its code,
    # so today no output can start with one.
    for example in _doctest_examples(fence.body):
        if example.want and only_ellipsis(example.want):
            number = fence.body_line + example.lineno + example.source.count("\n")
            return (
                f'line {number}: a >>> output of only "..." (which matches any output) checks '
                "nothing: show the output"
            )
    return None


def _doctest_examples(body: str) -> list[doctest.Example]:
    try:
        return doctest.DocTestParser().get_examples(body)
    except ValueError:
        return []  # a malformed session: running it reports the problem with its line


def _marker_problem(markers: list[Marker]) -> str | None:
    names = [marker.name for marker in markers]
    for marker in markers:
        if marker.problem:
            return marker.problem
        if names.count(marker.name) > 1:
            return f"<!-- {marker.name} --> appears twice before the block (line {marker.line})"
    if "gpu-only" in names and "figure" in names:
        return (
            "<!-- figure --> with <!-- gpu-only -->: the figure would only be drawn on a GPU, "
            "where a model trained there draws other pixels, so it is never compared with the "
            "image the page shows; draw it in a block that runs on the CPU"
        )
    if "norun" in names and len(names) > 1:
        others = ", ".join(f"<!-- {name} -->" for name in names if name != "norun")
        return f"a norun block never runs, so {others} before it can never be checked"
    return None
