"""The process table, through psutil: who descends from whom, who carries a page's token, what
each runs.  psutil rather than reading ``/proc`` by hand: the same calls work where there is no
``/proc`` (macOS), and a missing table never reads as "every process is gone".
"""

from __future__ import annotations

import contextlib
import os
from typing import NamedTuple

try:
    import psutil as psutil  # re-exported: page_process asks whether it is installed
except ImportError:  # reported once, by page_process.platform_problem()
    psutil = None

TOKEN = "DOCS_PAGE_TOKEN"  # in a page's environment, inherited by everything it starts
_GONE: tuple[type[BaseException], ...] = (
    (psutil.Error, OSError) if psutil is not None else (OSError,)
)


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (an ended process nobody has reaped yet)."""
    try:
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except _GONE:
        return False


def descendants(pid: int) -> set[int]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except _GONE:
        return set()
    return {child.pid for child in children if alive(child.pid)}


def session(sid: int) -> set[int]:
    """Live processes in session ``sid`` (a page's session id is its pid: it calls setsid)."""
    found = set()
    for process in psutil.process_iter():
        with contextlib.suppress(*_GONE):
            if os.getsid(process.pid) == sid and alive(process.pid):
                found.add(process.pid)
    return found


def tagged(token: str) -> set[int]:
    """Live processes whose environment carries this page's token: whatever the page started,
    even one that left its session and was re-parented away (a double-forked daemon)."""
    found = set()
    for process in psutil.process_iter():
        with contextlib.suppress(*_GONE):
            if process.environ().get(TOKEN) == token and alive(process.pid):
                found.add(process.pid)
    return found


def command(pid: int) -> str:
    try:
        return " ".join(psutil.Process(pid).cmdline()).strip()[:120] or "?"
    except _GONE:
        return "?"


def rss_mb() -> float:
    """This process's resident memory now."""
    with contextlib.suppress(*_GONE):
        rss: int = psutil.Process().memory_info().rss  # bytes; psutil ships no types
        return rss / 2**20
    return 0.0


class MemoryLimits(NamedTuple):
    page: int  # bytes: a page holding more than this ...
    spare: int  # ... while the machine has less than this available is stopped


def memory_limits() -> MemoryLimits:
    """From DOCS_PAGE_MEMORY_SHARE (default 0.2) and DOCS_SPARE_MEMORY_SHARE (default 0.1) of
    the machine's memory."""
    total = psutil.virtual_memory().total
    page = float(os.environ.get("DOCS_PAGE_MEMORY_SHARE", "0.2"))
    spare = float(os.environ.get("DOCS_SPARE_MEMORY_SHARE", "0.1"))
    return MemoryLimits(int(total * page), int(total * spare))


def available_memory() -> int:
    return int(psutil.virtual_memory().available)


def tree_memory(pid: int | None) -> int:
    """Resident bytes of a process and its descendants (a DataLoader's workers too)."""
    total = 0
    for member in [pid, *descendants(pid)] if pid else []:
        with contextlib.suppress(*_GONE):
            total += psutil.Process(member).memory_info().rss
    return total
