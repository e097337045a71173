"""The one fence scanner: every code fence of a Markdown page, the way the site renders it.

Used by the harness, the hooks' tests and every test that needs a page's blocks, so that
what "a python block" means is decided in one place:

- a fence is found at any nesting: indented inside admonitions, ``??? details`` and content
  tabs, and inside ``>`` blockquotes (Python-Markdown renders all of them as code);
- its language is the one Pygments highlights it with: any alias of a Python lexer
  (``python``, ``py``, ``py3``, ``pycon``, ``ipython``, ``sage``, …) is Python to a reader;
- markers are the HTML comments on the lines right before a fence; they are recognised
  however a Chinese keyboard types them (full-width colon, spaces), and a marker that is
  not right before a fence is reported, never ignored; a marker's reason must hold a
  visible character (a zero-width space is not a reason).

Lines are split on ``\\n`` only, like sybil and the page's own line numbers: a U+2028 in
prose is not a line break here.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

# Blocks the harness runs; other Python aliases must be rewritten or carry a norun marker.
RUNNABLE_LANGUAGES = {"python", "py", "python3", "py3", "pycon"}
OUTPUT_TITLE = "输出"
# Used when Pygments cannot be imported (it ships with pytest, so this is a fallback only).
_KNOWN_PYTHON_ALIASES = RUNNABLE_LANGUAGES | {
    "sage",
    "bazel",
    "starlark",
    "pyi",
    "python2",
    "py2",
    "python-console",
    "numpy",
    "ipython",
    "ipython3",
    "ipythonconsole",
    "ipython3console",
}
_PYTHON_LEXERS = {
    "PythonLexer",
    "Python2Lexer",
    "PythonConsoleLexer",
    "NumPyLexer",
    "IPythonLexer",
    "IPython3Lexer",
    "IPythonConsoleLexer",
}

# A line's container prefix: indentation and blockquote markers ("> ", "    > ").
_CONTAINER = re.compile(r"^[ \t]*(?:>[ \t]?[ \t]*)*")
_OPEN = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
_LANG = re.compile(r"^\{?\s*\.?(?P<lang>[\w+-]+)")
_OPTION = re.compile(r"""(?P<key>[\w-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+))""")
_COMMENT = re.compile(r"^<!--(?P<body>.*?)-->$")

# name -> what its text after the colon must hold
MARKERS = {
    "norun": "a reason",
    "gpu-only": "a reason",
    "warns": "a warning class and a reason",
    "timeout": "seconds and a reason",
    "stderr": "a reason",
    "tolerance": "rules and a reason",
    # The image files the block draws into the page's current folder (harness/figures.py).
    "figure": "the image files it writes, named as in docs/assets/images/",
    # Before a text block: what the downloaded program prints when a reader runs it
    # (tests/test_snippets_standalone.py runs it and compares, with the block's tolerance).
    "program-output": "the program's path (snippets/…)",
}
PROGRAM_OUTPUT_MARKERS = {"program-output", "tolerance"}  # the markers such a block may carry
# Names a contributor might reach for; they would silently do nothing, so they are refused.
MISTAKEN_MARKERS = {
    "skip",
    "no-run",
    "not-run",
    "notrun",
    "nortest",
    "norun-next",
    "gpu",
    "cuda",
    "cuda-only",
    "gpuonly",
    "warn",
    "warning",
    "warnings",
    "deprecated",
    "time-limit",
    "timelimit",
    "slow",
    "xfail",
    "skip-next",
    "tol",
    "tolerances",
    "approx",
    "rtol",
    "atol",
    "figures",
    "fig",
    "image",
    "images",
    "img",
    "plot",
    "draws",
}


# Characters that show nothing: format (zero-width space, word joiner, BOM), spaces and line or
# paragraph separators, and combining marks with no base.
_INVISIBLE_CATEGORIES = {"Cf", "Zs", "Zl", "Zp", "Mn"}


def has_visible_text(text: str) -> bool:
    """Whether the text holds at least one character a reader can see."""
    return any(
        not char.isspace() and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        for char in text
    )


def is_python_language(language: str) -> bool:
    """Whether the site highlights a fence of this language as Python."""
    if not language:
        return False
    try:
        from pygments.lexers import find_lexer_class_by_name
        from pygments.util import ClassNotFound
    except ImportError:
        return language in _KNOWN_PYTHON_ALIASES
    try:
        return find_lexer_class_by_name(language).__name__ in _PYTHON_LEXERS
    except ClassNotFound:
        return False


@dataclass
class Marker:
    name: str  # normalised: "norun", "gpu-only", …
    reason: str  # the text after the colon, normalised to half-width forms
    line: int
    problem: str | None = None  # a malformed marker, reported as a failure
    indent: str = ""  # the container prefix of its line: a note put before it reuses it


@dataclass
class Fence:
    start: int  # character offset of the opening fence line
    end: int  # character offset just past the closing fence line
    line: int  # 1-based line number of the opening fence
    indent: str  # the container prefix of the opening line ("", "    ", "> "): rewrites reuse it
    language: str
    options: dict[str, str]
    body: str  # the text between the fences, container prefix removed
    markers: list[Marker] = field(default_factory=list)
    output: Fence | None = field(default=None, repr=False)  # the 输出 fence that follows

    @property
    def is_python(self) -> bool:
        return is_python_language(self.language)

    @property
    def is_runnable(self) -> bool:
        return self.language in RUNNABLE_LANGUAGES

    @property
    def is_output(self) -> bool:
        return self.language == "text" and self.options.get("title") == OUTPUT_TITLE

    @property
    def body_line(self) -> int:
        """Line number of the first body line."""
        return self.line + 1

    def marker(self, name: str) -> Marker | None:
        return next((marker for marker in self.markers if marker.name == name), None)


@dataclass
class Scan:
    fences: list[Fence]
    stray_markers: list[Marker]  # markers with no fence right after them

    def marked(self, name: str) -> list[Fence]:
        """The fences that carry the marker ``name`` (``"gpu-only"``, …), in page order."""
        return [fence for fence in self.fences if fence.marker(name) is not None]

    @property
    def has_python(self) -> bool:
        """Whether a reader sees any Python block on the page (any alias, any nesting)."""
        return any(fence.is_python for fence in self.fences)


def split_lines(text: str) -> list[str]:
    """Lines with their ``\\n`` (and ``\\r\\n``) kept; only ``\\n`` ends a line."""
    lines = text.split("\n")
    kept = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        kept.append(lines[-1])
    return kept


def strip_container(line: str, prefix: str) -> str:
    """A body line without the opening line's container prefix ("> " markers, indentation)."""
    line = line.rstrip("\r\n")
    depth = prefix.count(">")
    if depth:
        rest = line.lstrip(" \t")
        for _ in range(depth):
            if rest.startswith(">"):
                rest = rest[1:]
                rest = rest[1:] if rest[:1] in (" ", "\t") else rest
        indent = prefix[prefix.rfind(">") + 1 :].removeprefix(" ")
        line = rest
    else:
        indent = prefix
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")


def _parse_info(info: str) -> tuple[str, dict[str, str]]:
    match = _LANG.match(info.strip())
    language = match.group("lang").lower() if match else ""
    options = {}
    for option in _OPTION.finditer(info):
        value = (
            option.group("dq")
            if option.group("dq") is not None
            else (option.group("sq") if option.group("sq") is not None else option.group("bare"))
        )
        options[option.group("key")] = value
    return language, options


def parse_marker(line: str, number: int) -> Marker | None:
    """The marker on a (container-stripped) line, or None for anything else, ordinary HTML
    comments included.  Full-width forms (``：``, ``　``) count as their ASCII twins."""
    comment = _COMMENT.match(line.strip())
    if not comment:
        return None
    body = unicodedata.normalize("NFKC", comment.group("body")).strip()
    head, colon, reason = body.partition(":")
    # A zero-width character typed into the name must not turn a marker into a plain comment.
    head = "".join(char for char in head if unicodedata.category(char) != "Cf")
    name = re.sub(r"[\s_]+", "-", head.strip().lower())
    first_word = re.sub(r"[_]+", "-", head.split()[0].lower()) if head.split() else ""
    if name in MARKERS:
        marker = Marker(name, reason.strip(), number)
        if not colon or not has_visible_text(marker.reason):
            marker.problem = (
                f"<!-- {name} --> at line {number} needs {MARKERS[name]}: <!-- {name}: … -->"
            )
        return marker
    if name in MISTAKEN_MARKERS:
        return Marker(
            name,
            reason.strip(),
            number,
            problem=(
                f"unknown marker <!-- {name} --> at line {number}; use "
                + ", ".join(f"<!-- {known}: … -->" for known in MARKERS)
            ),
        )
    if not colon and first_word in MARKERS.keys() | MISTAKEN_MARKERS:
        return Marker(
            first_word,
            "",
            number,
            problem=(
                f"marker <!-- {body} --> at line {number} needs a colon after its name: "
                f"<!-- {first_word}: … -->"
            ),
        )
    return None


def scan(text: str) -> Scan:
    """Every fenced block of the page, in order (fences inside a fence are its body), and the
    markers that stand apart from any fence."""
    lines = split_lines(text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    fences: list[Fence] = []
    pending: list[Marker] = []  # markers waiting for the fence they announce
    stray: list[Marker] = []
    index = 0
    while index < len(lines):
        raw = lines[index].rstrip("\r\n")
        container = _CONTAINER.match(raw)
        assert container is not None  # the pattern also matches an empty prefix
        prefix = container.group(0)
        content = raw[len(prefix) :]
        opening = _OPEN.match(content)
        if opening and not ("`" in opening.group("info") and opening.group("fence")[0] == "`"):
            fence_chars = opening.group("fence")
            language, options = _parse_info(opening.group("info"))
            close = index + 1
            while close < len(lines):
                stripped = strip_container(lines[close], prefix).strip()
                if (
                    stripped
                    and set(stripped) == {fence_chars[0]}
                    and len(stripped) >= len(fence_chars)
                ):
                    break
                close += 1
            body = "".join(
                strip_container(line, prefix) + "\n" for line in lines[index + 1 : close]
            )
            end = offsets[min(close + 1, len(lines))]
            fences.append(
                Fence(
                    offsets[index], end, index + 1, prefix, language, options, body, markers=pending
                )
            )
            pending = []
            index = close + 1
            continue
        marker = parse_marker(content, index + 1)
        if marker:
            marker.indent = prefix
            pending.append(marker)
        elif raw.strip(" \t>"):
            stray.extend(pending)  # prose came between the marker and any fence
            pending = []
        index += 1
    stray.extend(pending)
    _attach_outputs(text, fences)
    return Scan(fences, stray)


def find_fences(text: str) -> list[Fence]:
    """Every fenced block of the page, in order."""
    return scan(text).fences


def _attach_outputs(text: str, fences: list[Fence]) -> None:
    """An output fence belongs to the python fence right before it (blank lines between)."""
    for before, after in itertools.pairwise(fences):
        if (
            after.is_output
            and before.is_python
            and not after.markers
            and not text[before.end : after.start].strip(" \t\r\n>")
        ):
            before.output = after


def program_output(fence: Fence) -> tuple[str, list[str]] | None:
    """A text block marked ``<!-- program-output: snippets/x/y.py [arguments] -->``: (the
    program, its command-line arguments); None for any other block."""
    marker = fence.marker("program-output")
    if marker is None or fence.is_python:
        return None
    program, *arguments = marker.reason.split()
    return program, arguments
