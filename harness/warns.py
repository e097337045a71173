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

The page's process only records (``Recorder``, ``report``: plain ``Warned`` facts); pytest's
process judges them (``review``), so a page that patches this module changes no verdict.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import TextIO

from . import HOME, library_part

DEPRECATION_CLASSES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
DEPRECATION_TEXT = re.compile(
    r"deprecat|will be removed|(?:has|have) been removed|no longer (?:be )?supported", re.IGNORECASE
)
_DOCTEST_FILE = re.compile(r"^<doctest (?P<name>.+)\[(?P<index>\d+)\]>$")


# Python 3.12+ warns, as a DeprecationWarning, when a process that has threads forks: a fact
# about the process at that moment (CUDA's own threads when a DataLoader starts its workers on
# a GPU machine), not an API the page could replace; Python 3.14 made forkserver Linux's
# default.  It goes to pytest's warning summary like any other warning.
NOT_AN_API = re.compile(r"is multi-threaded, use of fork\(\) may lead to deadlocks")


def is_deprecation(classes: tuple[str, ...], message: str) -> bool:
    """``classes``: the built-in warning classes a warning is an instance of, by name."""
    if NOT_AN_API.search(message):
        return False
    return any(cls.__name__ in classes for cls in DEPRECATION_CLASSES) or bool(
        DEPRECATION_TEXT.search(message)
    )


def builtin_classes(category: type) -> tuple[str, ...]:
    """The built-in classes among a warning class and its bases, by name: enough for pytest's
    side to judge it without the page's class objects."""
    return tuple(
        cls.__name__ for cls in category.__mro__ if getattr(builtins, cls.__name__, None) is cls
    )


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

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "message": self.message,
            "where": self.where,
            "caller": self.caller,
            "deprecation": self.deprecation,
        }


def where(
    filename: str, lineno: int, prefixes: tuple[str, ...], doctest_lines: dict[str, list[int]]
) -> str:
    """A readable origin: the page line for doctest code, a path inside the site for pages and
    snippets (compiled under that relative name, or under one of ``prefixes``: the repository
    and the page's copy of it), ``torch/…`` for installed libraries."""
    match = _DOCTEST_FILE.match(filename)
    if match and match.group("name") in doctest_lines:
        lines = doctest_lines[match.group("name")]
        index = int(match.group("index"))
        if index < len(lines):
            return f"{match.group('name')}, line {lines[index] + lineno - 1}"
    path = filename.replace("\\", "/")
    if (inside := library_part(path)) is not None:  # first: an environment may live in the site
        return f"{inside}:{lineno}"
    if _is_site_name(path):
        return f"{path}, line {lineno}"
    for prefix in prefixes:
        if path.startswith(prefix):
            return f"{path[len(prefix) :]}, line {lineno}"
    return f"{Path(path).name}:{lineno}"


def _is_site_name(filename: str) -> bool:
    """A page's or snippet's code: run_block compiles it under its site-relative name."""
    return not filename.startswith("<") and not os.path.isabs(filename)


@dataclass
class Caught:
    message: Warning | str  # as warnings.showwarning is typed; warn() passes a Warning
    category: type[Warning]
    filename: str
    lineno: int
    caller: tuple[str, int] | None  # innermost frame of the page or a snippet


class Recorder:
    """Record every warning a block lets through (``always``: repeats are not swallowed), and
    which line of the page or snippet was running when it was raised."""

    def __init__(self, prefixes: tuple[str, ...]):
        self.prefixes = prefixes  # folders holding the site's files (the repository, its copy)
        self.caught: list[Caught] = []

    def __enter__(self) -> list[Caught]:
        self._context = warnings.catch_warnings()
        self._context.__enter__()
        warnings.simplefilter("always")
        warnings.showwarning = self._record  # restored by the context on exit
        return self.caught

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._context.__exit__(kind, error, tb)

    def _record(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        self.caught.append(Caught(message, category, filename, lineno, self._caller()))

    def _caller(self) -> tuple[str, int] | None:
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            name = frame.f_code.co_filename
            if (
                _DOCTEST_FILE.match(name) or _is_site_name(name) or name.startswith(self.prefixes)
            ) and (HOME not in name and library_part(name) is None):
                return name, frame.f_lineno
            frame = frame.f_back
        return None


@dataclass(frozen=True)
class Warned:
    """One warning as the page's process reports it: plain data, judged by ``review``."""

    category: str
    classes: tuple[str, ...]  # the built-in warning classes it is an instance of
    message: str
    filename: str
    lineno: int
    where: str  # readable origin
    caller: str  # the page or snippet line that led to it ("" if none)


def report(
    caught: list[Caught], prefixes: tuple[str, ...], doctest_lines: dict[str, list[int]]
) -> list[Warned]:
    """The page's side: what was caught, as facts that travel to pytest."""
    return [
        Warned(
            warning.category.__name__,
            builtin_classes(warning.category),
            str(warning.message),
            warning.filename,
            warning.lineno,
            where(warning.filename, warning.lineno, prefixes, doctest_lines),
            where(*warning.caller, prefixes, doctest_lines) if warning.caller else "",
        )
        for warning in caught
    ]


def review(
    warned: list[Warned], expected: tuple[str, ...]
) -> tuple[list[Seen], list[Seen], bool, list[tuple[str, str, str, int]]]:
    """pytest's side: (every warning seen, deduplicated; the deprecations that fail; whether
    one of the ``expected`` classes (by name) was seen; the other warnings, as (class name,
    message, file, line), for pytest's summary)."""
    seen: dict[Seen, None] = {}
    failing: dict[Seen, None] = {}
    passed_on: list[tuple[str, str, str, int]] = []
    expected_seen = False
    for warning in warned:
        entry = Seen(
            warning.category,
            warning.message,
            warning.where,
            warning.caller,
            is_deprecation(warning.classes, warning.message),
        )
        seen[entry] = None
        if any(name in warning.classes for name in expected):
            expected_seen = True
        elif entry.deprecation:
            failing[entry] = None
        else:
            passed_on.append((warning.category, warning.message, warning.filename, warning.lineno))
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
