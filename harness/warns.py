"""Deprecation warnings fail a page; ``<!-- warns: Class 理由 -->`` demonstrates one on purpose.

The rule: a block fails when, while it runs, a warning reaches the harness that is a
DeprecationWarning, PendingDeprecationWarning or FutureWarning (subclasses included), or
of any other class (torch and torchvision often use UserWarning) whose message says
deprecated / will be removed / has been removed / no longer supported.  Where the warning
was raised does not matter (torch.jit.script warns from inside torch): the report names
the file that raised it and the page or snippet line that led there.  Every warning is
recorded ("always"), so a warning earlier pages raised is not hidden by "default"/"once".

Warnings the example records with its own ``warnings.catch_warnings(record=True)`` never
reach the harness: they are the example's business.  Other warnings are handed on to
pytest's warning summary.
"""

from __future__ import annotations

import builtins
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from . import HOME

DEPRECATION_CLASSES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
DEPRECATION_TEXT = re.compile(
    r"deprecat|will be removed|(?:has|have) been removed|no longer (?:be )?supported", re.IGNORECASE
)
_DOCTEST_FILE = re.compile(r"^<doctest (?P<name>.+)\[(?P<index>\d+)\]>$")
_LIBRARIES = ("/site-packages/", "/dist-packages/")


def is_deprecation(category: type, message: str) -> bool:
    return issubclass(category, DEPRECATION_CLASSES) or bool(DEPRECATION_TEXT.search(message))


def warning_class(name: str) -> type[Warning] | None:
    """A built-in warning class by name (``FutureWarning``), or None."""
    found = getattr(builtins, name, None)
    # Warning itself would excuse every warning, deprecations included: name the real class.
    if isinstance(found, type) and issubclass(found, Warning) and found is not Warning:
        return found
    return None


def warning_classes(names: str) -> tuple[tuple[type[Warning], ...], list[str]]:
    """``FutureWarning|DeprecationWarning`` (either will do: PyTorch has moved a warning from
    one class to the other between releases) -> (the classes, the names that are none)."""
    found, unknown = [], []
    for name in names.split("|"):
        cls = warning_class(name.strip())
        if cls is None:
            unknown.append(name.strip())
        else:
            found.append(cls)
    return tuple(found), unknown


@dataclass(frozen=True)
class Seen:
    category: str
    message: str
    where: str  # the file and line that warned (often inside torch)
    caller: str  # the page or snippet line whose code led to it ("" if none)
    deprecation: bool

    def describe(self) -> str:
        origin = f"raised at {self.where}"
        if self.caller and self.caller != self.where:
            origin += f", called from {self.caller}"
        return f"{self.category}: {self.message}\n    ({origin})"

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "message": self.message,
            "where": self.where,
            "caller": self.caller,
            "deprecation": self.deprecation,
        }


def where(filename: str, lineno: int, root: Path, doctest_lines: dict[str, list[int]]) -> str:
    """A readable origin: the page line for doctest code, a path inside the site for pages and
    snippets, ``torch/…`` for installed libraries."""
    match = _DOCTEST_FILE.match(filename)
    if match and match.group("name") in doctest_lines:
        lines = doctest_lines[match.group("name")]
        index = int(match.group("index"))
        if index < len(lines):
            return f"{match.group('name')}, line {lines[index] + lineno - 1}"
    path = filename.replace("\\", "/")
    for marker in _LIBRARIES:  # first: an environment may live inside the site (.nox/…)
        if marker in path:
            return f"{path.split(marker, 1)[1]}:{lineno}"
    prefix = f"{root.as_posix()}/"
    if path.startswith(prefix):
        return f"{path[len(prefix) :]}, line {lineno}"
    return f"{Path(path).name}:{lineno}"


@dataclass
class Caught:
    message: Warning
    category: type[Warning]
    filename: str
    lineno: int
    caller: tuple[str, int] | None  # innermost frame of the page or a snippet


class Recorder:
    """Record every warning a block lets through (``always``: repeats are not swallowed), and
    which line of the page or snippet was running when it was raised."""

    def __init__(self, root: Path):
        self.root = f"{root}{'/' if not str(root).endswith('/') else ''}"
        self.caught: list[Caught] = []

    def __enter__(self) -> list[Caught]:
        self._context = warnings.catch_warnings()
        self._context.__enter__()
        warnings.simplefilter("always")
        warnings.showwarning = self._record  # restored by the context on exit
        return self.caught

    def __exit__(self, *exc_info) -> None:
        self._context.__exit__(*exc_info)

    def _record(self, message, category, filename, lineno, file=None, line=None) -> None:
        self.caught.append(Caught(message, category, filename, lineno, self._caller()))

    def _caller(self) -> tuple[str, int] | None:
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            name = frame.f_code.co_filename
            if _DOCTEST_FILE.match(name) or (
                name.startswith(self.root)
                and HOME not in name
                and not any(marker in name for marker in _LIBRARIES)
            ):
                return name, frame.f_lineno
            frame = frame.f_back
        return None


def review(
    caught: list[Caught],
    expected: tuple[type[Warning], ...],
    root: Path,
    doctest_lines: dict[str, list[int]],
) -> tuple[list[Seen], list[Seen], bool, list[tuple[str, str, str, int]]]:
    """(every warning seen, deduplicated; the deprecations that fail; whether ``expected`` was
    seen; the other warnings, as (class name, message, file, line), for pytest's summary)."""
    seen: dict[Seen, None] = {}
    failing: dict[Seen, None] = {}
    passed_on: list[tuple[str, str, str, int]] = []
    expected_seen = False
    for warning in caught:
        text = str(warning.message)
        caller = where(*warning.caller, root, doctest_lines) if warning.caller else ""
        entry = Seen(
            warning.category.__name__,
            text,
            where(warning.filename, warning.lineno, root, doctest_lines),
            caller,
            is_deprecation(warning.category, text),
        )
        seen[entry] = None
        if expected and issubclass(warning.category, expected):
            expected_seen = True
        elif entry.deprecation:
            failing[entry] = None
        else:
            passed_on.append((warning.category.__name__, text, warning.filename, warning.lineno))
    return list(seen), list(failing), expected_seen, passed_on


def pass_on(passed_on: list[tuple[str, str, str, int]]) -> None:
    """Hand a page's ordinary warnings to pytest's warning summary (in the pytest process)."""
    for name, text, filename, lineno in passed_on:
        category = warning_class(name) or UserWarning
        warnings.warn_explicit(
            text if category is not UserWarning or name == "UserWarning" else f"{name}: {text}",
            category,
            filename,
            lineno,
        )
