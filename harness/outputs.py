"""Shown outputs that no longer match what the code prints: reported by every run, rewritten
by ``nox -s docs-update``, listed in the drift records of ``nox -s docs-drift``.

A *shown output* is either the expected output of one ``>>>`` example (an expected
exception keeps the ``Traceback (most recent call last):`` / ``...`` / ``Type: message``
form) or the body of a ``text title="输出"`` fence.  An update replaces exactly those page
lines, at the page's own indentation, and only where the check fails: an output that still
matches, ``...`` elisions included, is never touched.  What cannot be fixed by rewriting an
output (an example that now raises, an expected error that is no longer raised, a block
that stopped printing, an output a page cannot hold) is left for a person, and the update
fails.  An update writes every page it rewrites, or none.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pagekit.fences import split_lines, strip_container

from .figures import Redrawn

if TYPE_CHECKING:
    from .warns import Seen

TRACEBACK = "Traceback (most recent call last):"
_ADDRESS = re.compile(r"(?<= at )0x[0-9a-fA-F]+")  # object reprs: never the same twice


@dataclass
class Difference:
    page: str
    line: int  # 1-based page line where the shown output starts (where it goes when count == 0)
    count: int  # page lines the shown output spans now
    indent: str  # the page's indentation of those lines
    kind: str  # "doctest" (a >>> output), "output" (a 输出 fence), "error" (an expected exception)
    expected: str  # as the page shows it, dedented
    got: str  # what the code does now, in the page's form
    problem: str | None = None  # why docs-update cannot rewrite it; None: it can

    @property
    def elided(self) -> bool:
        """The page elided part of this output with ``...`` (beyond a traceback's stack)."""
        lines = self.expected.splitlines()
        if self.kind == "error":
            lines = [line for line in lines if line.strip() not in {TRACEBACK, "..."}]
        return any("..." in line for line in lines)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        del data["indent"], data["count"]
        return data


@dataclass
class Raised:
    page: str
    line: int
    error: str  # "Type: message"


@dataclass
class Findings:
    """What the run found beyond pass/fail, for docs-update and docs-drift."""

    differences: list[Difference] = field(default_factory=list)
    raised: list[Raised] = field(default_factory=list)
    warnings: dict[tuple[str, int], list[Seen]] = field(default_factory=dict)  # by (page, line)
    warning_failures: list[tuple[str, int, str]] = field(default_factory=list)  # page, line, what
    redrawn: list[Redrawn] = field(default_factory=list)  # docs-update: figures to write


def shown_form(got: str, doctest_form: bool) -> str:
    """Printed text as a page shows it: trailing space and blank lines dropped, object
    addresses elided, blank lines inside a ``>>>`` output written ``<BLANKLINE>``."""
    if not got.strip():
        return ""
    lines = [_ADDRESS.sub("0x...", line.rstrip()) for line in got.rstrip().split("\n")]
    if doctest_form:
        lines = [line or "<BLANKLINE>" for line in lines]
    return "\n".join(lines) + "\n"


_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})\s*$")


def unwritable(new: str, doctest_form: bool = True) -> str | None:
    """Why ``new`` cannot be written into a page as it is, or None.  ``doctest_form``: it
    goes under a ``>>>`` example (the default, the stricter), not into a 输出 block."""
    if "\r" in new:
        return "the new output holds a carriage return (\\r), which a page cannot show"
    try:
        new.encode("utf-8")
    except UnicodeEncodeError as error:
        return (
            f"the new output holds {new[error.start]!r}, a lone surrogate that cannot be "
            "written as UTF-8"
        )
    if any(_FENCE_LINE.match(line) for line in new.split("\n")):
        return "the new output holds a line of backticks or tildes, which would close the fence"
    if doctest_form and any(line.lstrip().startswith("...") for line in new.split("\n")):
        # doctest reads such a line right after the example as more of its code, and
        # anywhere else as an ellipsis that matches anything.
        return (
            "the new output holds a line starting with '...', which doctest does not read as output"
        )
    return None


def exception_only(got: str) -> str | None:
    """``Type: message`` of the last traceback doctest appended to ``got``, or None."""
    lines = got.rstrip("\n").split("\n")
    starts = [index for index, line in enumerate(lines) if line == TRACEBACK]
    if not starts:
        return None
    rest = lines[starts[-1] + 1 :]
    first = next(
        (index for index, line in enumerate(rest) if line and not line[0].isspace()), len(rest)
    )
    text = "\n".join(rest[first:]).strip("\n")
    return text or None


def error_form(exception_text: str) -> str:
    return shown_form(f"{TRACEBACK}\n...\n{exception_text}\n", doctest_form=True)


def rewrite(root: Path, differences: list[Difference]) -> tuple[list[Difference], list[Difference]]:
    """Rewrite the fixable differences in their pages: (rewritten, not rewritten).  Not
    rewritten: a change whose page changed while the tests ran, and one that cannot be written
    (``unwritable``; its ``problem`` then says why, for a person to fix).

    Every new page text is made and encoded first; the pages are written only when all of
    them are, each beside itself and then renamed: an error while making or writing them
    changes no page and leaves no temporary file.  Every other byte of every page stays as
    it was: line endings (``\r\n`` or ``\n``), a missing final newline, characters such as
    U+2028."""
    rewritten: list[Difference] = []
    stale: list[Difference] = []
    by_page: dict[str, list[Difference]] = {}
    for difference in differences:
        if difference.problem is None:
            by_page.setdefault(difference.page, []).append(difference)
    new_pages: dict[Path, bytes] = {}
    for page, changes in by_page.items():
        path = root / page
        with open(path, encoding="utf-8", newline="") as handle:  # no newline translation
            text = handle.read()
        if re.search(r"\r(?!\n)", text):  # a line break to sybil, not to this rewrite
            stale.extend(changes)
            continue
        lines = split_lines(text)
        done: list[Difference] = []
        for change in sorted(changes, key=lambda d: d.line, reverse=True):
            problem = unwritable(change.got, doctest_form=change.kind == "doctest")
            if problem is not None:
                change.problem = problem
                stale.append(change)
                continue
            start = change.line - 1
            now = [
                strip_container(line, change.indent).strip().expandtabs()
                for line in lines[start : start + change.count]
            ]
            if now != [line.strip().expandtabs() for line in change.expected.split("\n")[:-1]]:
                stale.append(change)
                continue
            ending = _line_ending(lines, start)
            blank_prefix = change.indent.rstrip()  # keeps a blockquote's ">" on blank lines
            lines[start : start + change.count] = [
                f"{change.indent}{line}{ending}" if line else f"{blank_prefix}{ending}"
                for line in change.got.split("\n")[:-1]
            ]
            done.append(change)
        new_text = "".join(lines)
        if new_text == text:
            continue
        try:
            new_pages[path] = new_text.encode("utf-8")
        except UnicodeEncodeError as error:  # unwritable() checked each output: a last guard
            for change in done:
                change.problem = f"{page} would not encode as UTF-8 ({error.reason})"
            stale.extend(done)
            continue
        rewritten.extend(done)
    _write_all(new_pages)
    rewritten.sort(key=lambda d: (d.page, d.line))
    return rewritten, stale


def _write_all(pages: dict[Path, bytes]) -> None:
    """Each page written beside itself, then all renamed: a crash never leaves half a page,
    and an error before the renames leaves every page as it was and no temporary file."""
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in pages.items():
            partial = path.with_name(f".{path.name}.docs-update")
            written.append((partial, path))
            partial.write_bytes(data)
        for partial, path in written:
            os.replace(partial, path)
    finally:
        for partial, _ in written:
            partial.unlink(missing_ok=True)


def _line_ending(lines: list[str], index: int) -> str:
    """The line ending used around ``index`` (the replaced line's own, else its neighbour's)."""
    for line in lines[index : index + 1] + lines[max(index - 1, 0) : index]:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"
