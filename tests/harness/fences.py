"""Find the code fences of a Markdown page the way pymdownx.superfences sees them.

The stock sybil Markdown lexer only matches an info string that is exactly
``python``; ours also takes ``py``/``pycon``, options (``title=``, ``hl_lines=``)
and fences indented inside admonitions, ``??? details`` and content tabs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PYTHON_LANGUAGES = {"python", "py", "pycon", "python3"}
OUTPUT_TITLE = "输出"

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
_LANG = re.compile(r"^\{?\s*\.?(?P<lang>[\w+-]+)")
_OPTION = re.compile(r"""(?P<key>[\w-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+))""")
# A marker is an HTML comment on the last non-blank line before a fence.
_MARKER = re.compile(r"^\s*<!--\s*(?P<name>[\w-]+)\s*(?::(?P<reason>.*?))?\s*-->\s*$")

MARKERS = {"norun", "gpu-only", "warns"}
# Names a contributor might reach for; they would silently do nothing, so we refuse them.
MISTAKEN_MARKERS = {"skip", "no-run", "not-run", "notrun", "nortest", "gpu", "cuda", "cuda-only", "gpu_only",
                    "warn", "warning", "warnings", "deprecated"}


@dataclass
class Marker:
    name: str
    reason: str
    line: int


@dataclass
class Fence:
    start: int  # character offset of the opening fence line
    end: int  # character offset just past the closing fence line
    line: int  # 1-based line number of the opening fence
    indent: str
    language: str
    options: dict[str, str]
    body: str  # dedented text between the fences
    marker: Marker | None = None
    output: Fence | None = field(default=None, repr=False)  # the 输出 fence that follows

    @property
    def is_python(self) -> bool:
        return self.language in PYTHON_LANGUAGES

    @property
    def is_output(self) -> bool:
        return self.language == "text" and self.options.get("title") == OUTPUT_TITLE

    @property
    def body_line(self) -> int:
        """Line number of the first body line."""
        return self.line + 1


def _dedent(line: str, indent: str) -> str:
    return line[len(indent):] if line.startswith(indent) else line.lstrip(" \t")


def _parse_info(info: str) -> tuple[str, dict[str, str]]:
    match = _LANG.match(info.strip())
    language = match.group("lang").lower() if match else ""
    options = {}
    for option in _OPTION.finditer(info):
        value = option.group("dq") if option.group("dq") is not None else (
            option.group("sq") if option.group("sq") is not None else option.group("bare"))
        options[option.group("key")] = value
    return language, options


def find_fences(text: str) -> list[Fence]:
    """Every fenced block of the page, in order (nested fences inside a fence are body)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    fences: list[Fence] = []
    index = 0
    while index < len(lines):
        opening = _OPEN.match(lines[index].rstrip("\n"))
        if not opening or "`" in opening.group("info") and opening.group("fence")[0] == "`":
            index += 1
            continue
        indent, fence_chars = opening.group("indent"), opening.group("fence")
        language, options = _parse_info(opening.group("info"))
        close = index + 1
        while close < len(lines):
            stripped = lines[close].strip()
            if stripped and set(stripped) == {fence_chars[0]} and len(stripped) >= len(fence_chars):
                break
            close += 1
        body = "".join(_dedent(line, indent) for line in lines[index + 1:close])
        end = offsets[min(close + 1, len(lines))]
        fences.append(Fence(offsets[index], end, index + 1, indent, language, options, body,
                            marker=_marker_before(lines, index)))
        index = close + 1

    _attach_outputs(text, fences)
    return fences


def _marker_before(lines: list[str], index: int) -> Marker | None:
    previous = index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if previous < 0:
        return None
    match = _MARKER.match(lines[previous])
    if not match:
        return None
    name = match.group("name").lower()
    if name not in MARKERS and name not in MISTAKEN_MARKERS:
        return None  # an ordinary HTML comment
    return Marker(name, (match.group("reason") or "").strip(), previous + 1)


def _attach_outputs(text: str, fences: list[Fence]) -> None:
    """An output fence belongs to the python fence right before it (blank lines between)."""
    for before, after in zip(fences, fences[1:]):
        if after.is_output and before.is_python and not text[before.end:after.start].strip():
            before.output = after
