"""The process table: who descends from whom, and what each runs (Linux ``/proc``)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, session id) of every live process (Linux /proc; {} elsewhere)."""
    table = {}
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] not in ("Z", "X"):
                table[int(entry.name)] = (int(fields[1]), int(fields[3]))
    return table


def descendants(pid: int) -> set[int]:
    table = processes()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {
            child
            for child, (parent, _) in table.items()
            if parent in frontier and child not in found
        }
        found |= frontier
    return found


def session(sid: int) -> set[int]:
    return {pid for pid, (_, session) in processes().items() if session == sid}


def command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "?"
    return raw.decode(errors="replace").strip()[:120]


def rss_mb() -> float:
    """This process's resident memory now (Linux; 0 elsewhere)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    return 0.0
