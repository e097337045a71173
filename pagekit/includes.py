"""Resolve ``--8<-- "snippets/<chapter>/<topic>.py:section"`` exactly as pymdownx.snippets does
with the site's settings (``dedent_subsections: true``), and refuse what it would show oddly.

The page shows these lines, so the harness runs these lines, compiled under the snippet
file's own name and line numbers: a traceback points into the file a contributor edits.
tests/test_includes.py expands every include on the site with pymdownx.snippets itself and
checks that it shows exactly the lines resolved here.

What pymdownx renders without complaint but would make the page and the test disagree is
an error here, with the file and line: a section that starts twice (the site shows the first
range only), an end marker with no start, a start with no end (the site shows the rest of the
file), an empty section, an include inside an included section, line ranges, and the block
form of ``--8<--``.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

DEDENT_SUBSECTIONS = True  # mkdocs.yml, pymdownx.snippets; tests/test_includes.py checks it
# Site files the programs in snippets/ read besides each other: the figures' Chinese font.
# A page's copy of the site holds them (harness/run_block.py), and so does the download
# (sitekit/downloads.py, beside the notebooks).
PROGRAM_DATA = ("docs/notebooks/cjk-subset.ttf",)
# pymdownx.snippets' own patterns (RE_ALL_SNIPPETS, RE_SNIPPET_SECTION).
INCLUDE = re.compile(
    r"""^(?P<space>[ \t]*)(?P<escape>;*)-{1,}8<-{1,}[ \t]+"""
    r"""(?P<quoted>"(?:\\"|[^"\n\r])+?"|'(?:\\'|[^'\n\r])+?')\r?$"""
)
BLOCK_INCLUDE = re.compile(r"^[ \t]*-{1,}8<-{1,}\r?$")
SECTION = re.compile(
    r"""(?xi)^(?P<pre>.*?)(?<!;)(?!(?<=-)-)(?P<escape>;*)(?P<marker>-{1,}8<-{1,}[ \t]+)"""
    r"""(?P<section>\[[ \t]*(?P<kind>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\])"""
    r"""(?P<post>.*?)$"""
)
_SECTION_NAME = re.compile(r"(?i)[a-z][-_0-9a-z]*")


class SnippetError(Exception):
    """An include the page and the harness would not agree on."""


@dataclass
class CodeChunk:
    """Source to run, and where its first line lives (for tracebacks)."""

    code: str  # padded with blank lines where markers were hidden: line numbers stay the file's
    filename: str  # the page or snippet path, relative to the site root
    first_line: int
    shown: list[str] | None = None  # for an include: the lines the site shows, exactly

    @property
    def is_snippet(self) -> bool:
        return self.shown is not None


def include_target(line: str) -> str | None:
    """The path in a one-line include, or None for any other line."""
    match = INCLUDE.match(line)
    if not match or match.group("escape"):
        return None
    return match.group("quoted")[1:-1].strip()


def include_targets(text: str) -> list[tuple[int, str]]:
    """(line, target) of every one-line include of a page, in order.  pymdownx.snippets
    expands them on any line of the page, inside a fence or not."""
    return [
        (number, target)
        for number, line in enumerate(text.split("\n"), 1)
        if (target := include_target(line)) is not None
    ]


def target_file(target: str) -> str:
    """The file an include target names, without its ``:section``."""
    path_text, colon, _ = target.rpartition(":")
    return path_text if colon else target


def resolve(target: str, root: Path, space: str = "") -> CodeChunk:
    path_text, section = _split(target)
    path = (root / path_text).resolve()
    if not path.is_relative_to(root.resolve()):
        raise SnippetError(
            f"{target}: snippets must live inside the site (pymdownx refuses "
            f"paths outside its base path)"
        )
    if not path.is_file():
        raise SnippetError(f"snippet file not found: {path_text}")
    with open(path, encoding="utf-8") as handle:  # as pymdownx reads it: a final newline
        text = handle.read()  # gives a final empty line, and the site shows it
    lines = text.split("\n") if text else []
    if section is None:
        kept = [
            (number, _unescape(line))
            for number, line in enumerate(lines, 1)
            if not _is_marker(line)
        ]
    else:
        kept = _section_lines(lines, section, path_text)
    # pymdownx reads an included section for includes too: an escaped one loses its ";".
    kept = [
        (
            number,
            line.replace(";", "", 1)
            if (include := INCLUDE.match(line)) and include.group("escape")
            else line,
        )
        for number, line in kept
    ]
    for number, line in kept:
        if include_target(line) is not None:
            raise SnippetError(
                f"{path_text}, line {number}: an include inside an included "
                f"snippet; include it from the page instead"
            )
    shown = [space + line for _, line in kept]
    first_line = kept[0][0] if kept else 1
    code_lines: list[str] = []
    for number, line in zip((number for number, _ in kept), shown, strict=True):
        code_lines.extend([""] * (number - first_line - len(code_lines)))
        code_lines.append(line)
    return CodeChunk("\n".join(code_lines) + "\n", path_text, first_line, shown)


def _split(target: str) -> tuple[str, str | None]:
    path_text, colon, rest = target.rpartition(":")
    if not colon:
        return target, None
    if re.fullmatch(r"[-0-9:,]+", rest):
        raise SnippetError(f"{target}: include a named section, not line numbers")
    if not _SECTION_NAME.fullmatch(rest):
        raise SnippetError(
            f"{target}: a section name starts with a letter and holds letters, digits, - and _"
        )
    return path_text, rest


def _is_marker(line: str) -> bool:
    match = SECTION.match(line) if "8<-" in line else None
    return match is not None and not match.group("escape")


def _unescape(line: str) -> str:
    match = SECTION.match(line) if "8<-" in line else None
    if match and match.group("escape"):
        return (
            match.group("pre")
            + match.group("escape").replace(";", "", 1)
            + match.group("marker")
            + match.group("section")
            + match.group("post")
        )
    return line


def _section_lines(lines: list[str], section: str, path_text: str) -> list[tuple[int, str]]:
    starts: list[int] = []
    ends: list[int] = []
    for number, line in enumerate(lines, 1):
        match = SECTION.match(line) if "8<-" in line else None
        if match and not match.group("escape") and match.group("name") == section:
            (starts if match.group("kind").lower() == "start" else ends).append(number)
    where = f"section '{section}' in {path_text}"
    if not starts and not ends:
        raise SnippetError(f"section '{section}' not found in {path_text}")
    if len(starts) > 1:
        raise SnippetError(
            f"{where} starts twice (lines {starts[0]} and {starts[1]}); the site "
            f"would show only the first part: give each part its own name"
        )
    if len(ends) > 1:
        raise SnippetError(
            f"{where} ends twice (lines {ends[0]} and {ends[1]}); give each part its own name"
        )
    if not starts:
        raise SnippetError(f"{where} has an end marker (line {ends[0]}) but no start marker")
    if not ends or ends[0] < starts[0]:
        raise SnippetError(
            f"{where} starts at line {starts[0]} but has no end marker after it "
            f"(the site would show the rest of the file)"
        )
    kept = [
        (number, _unescape(lines[number - 1]))
        for number in range(starts[0] + 1, ends[0])
        if not _is_marker(lines[number - 1])
    ]
    if not any(line.strip() for _, line in kept):
        raise SnippetError(f"{where} is empty (lines {starts[0]}–{ends[0]})")
    if DEDENT_SUBSECTIONS:
        dedented = textwrap.dedent("\n".join(line for _, line in kept)).split("\n")
        kept = [(number, line) for (number, _), line in zip(kept, dedented, strict=True)]
    return kept


def code_chunks(body: str, first_line: int, page: str, root: Path) -> list[CodeChunk]:
    """A code block's body: page lines run as the page's lines, include lines as the snippet's."""
    chunks: list[CodeChunk] = []
    pending: list[str] = []
    pending_start = first_line
    for offset, line in enumerate(
        body.split("\n")[:-1] if body.endswith("\n") else body.split("\n")
    ):
        if BLOCK_INCLUDE.match(line):
            raise SnippetError(
                f"{page}, line {first_line + offset}: the block form of --8<-- "
                f'is not supported; write one line per file: --8<-- "path:section"'
            )
        target = include_target(line)
        if target is None:
            # an escaped include: pymdownx shows it without its ";"
            pending.append(line.replace(";", "", 1) if INCLUDE.match(line) else line)
            continue
        if any(p.strip() for p in pending):
            chunks.append(CodeChunk("\n".join(pending) + "\n", page, pending_start))
        pending, pending_start = [], first_line + offset + 1
        include = INCLUDE.match(line)
        assert include is not None  # include_target() found one on this line
        chunks.append(resolve(target, root, include.group("space")))
    if any(p.strip() for p in pending):
        chunks.append(CodeChunk("\n".join(pending) + "\n", page, pending_start))
    return chunks
