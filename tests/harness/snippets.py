"""Resolve ``--8<-- "snippets/<chapter>/<topic>.py:section"`` the way pymdownx.snippets does.

The page shows exactly these lines, so the harness runs exactly these lines, compiled
under the snippet file's own name and line numbers: a traceback points into the file
a contributor edits, not into the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<target>[^"]+)"\s*$')
_SECTION = re.compile(r"--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]")


class SnippetError(Exception):
    """A snippet include that pymdownx.snippets would also refuse."""


@dataclass
class CodeChunk:
    """Source to run, and where its first line lives (for tracebacks)."""

    code: str
    filename: str
    first_line: int


def resolve(target: str, root: Path) -> CodeChunk:
    path_text, _, section = target.partition(":")
    path = root / path_text
    if not path.is_file():
        raise SnippetError(f"snippet file not found: {path_text}")
    if section and not re.fullmatch(r"[\w-]+", section):
        raise SnippetError(f"{target}: include a named section, not line numbers")
    lines = path.read_text(encoding="utf-8").splitlines()
    if not section:
        kept = [(number, line) for number, line in enumerate(lines, 1) if not _SECTION.search(line)]
    else:
        kept = _section_lines(lines, section, path_text)
    first_line = kept[0][0] if kept else 1
    # Keep the file's own numbering: pad skipped marker lines with blanks.
    code_lines = []
    for number, line in kept:
        code_lines.extend([""] * (number - first_line - len(code_lines)))
        code_lines.append(line)
    return CodeChunk("\n".join(code_lines) + "\n", path_text, first_line)


def _section_lines(lines: list[str], section: str, path_text: str) -> list[tuple[int, str]]:
    inside, found, kept = False, False, []
    for number, line in enumerate(lines, 1):
        marker = _SECTION.search(line)
        if marker:
            if marker.group("name") == section:
                inside = marker.group("kind") == "start"
                found = True
            continue  # markers of every section are hidden, as pymdownx does
        if inside:
            kept.append((number, line))
    if not found:
        raise SnippetError(f"section '{section}' not found in {path_text}")
    return kept


def code_chunks(body: str, first_line: int, page: str, root: Path) -> list[CodeChunk]:
    """A code block's body: page lines run as the page's lines, include lines as the snippet's."""
    chunks: list[CodeChunk] = []
    pending: list[str] = []
    pending_start = first_line
    for offset, line in enumerate(body.splitlines()):
        include = INCLUDE.match(line)
        if not include:
            pending.append(line)
            continue
        if any(p.strip() for p in pending):
            chunks.append(CodeChunk("\n".join(pending) + "\n", page, pending_start))
        pending, pending_start = [], first_line + offset + 1
        chunks.append(resolve(include.group("target"), root))
    if any(p.strip() for p in pending):
        chunks.append(CodeChunk("\n".join(pending) + "\n", page, pending_start))
    return chunks
