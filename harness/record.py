"""The verification record: what a test run proved, read by the site build.

``verification/cpu.json`` is rewritten by every CPU run (not committed);
``verification/cuda.json`` is written by a real GPU run and committed after it.
Pages are merged, so running one page updates that page's entry only; a page is recorded
only when every one of its collected examples reported, and a page some of whose examples were
not selected (``-k``, ``--deselect``, a node id) is recorded as ``partial``: never verified.
Under pytest-xdist only the controller writes, from every worker's data (plugin.py).

A drift record (``nox -s docs-drift``: verification/drift/<environment>.json) says, for one
torch environment, what every page does there: shown outputs that differ (expected and got),
examples that raise, warnings seen.

The format of both is defined once, in pagekit/records.py, which the site's hooks read with.
"""

from __future__ import annotations

import datetime
import platform
import subprocess
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from pagekit import records

if TYPE_CHECKING:
    from .outputs import Findings


def _commit(root: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "docs", "snippets"],
            check=False,
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def _stamp(root: Path, info: dict[str, str], seed: int | None = None) -> records.Stamp:
    return records.Stamp(
        torch=info["torch"],
        device=info["device"],
        date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        commit=_commit(root),
        cuda=info.get("cuda"),
        seed=seed,
    )


def path_for(root: Path, mode: str) -> Path:
    return root / "verification" / f"{mode}.json"


def write(
    root: Path,
    info: dict[str, str],
    outcomes: dict[str, Counter[str]],
    used_cuda: dict[tuple[str, int], bool],
    partial: Collection[str] = (),
    seed: int | None = None,
) -> Path:
    path = path_for(root, info["mode"])
    try:
        record = records.read_verification(path)
    except records.RecordError:
        record = records.VerificationRecord()  # an old format: this run starts it afresh
    stamp = _stamp(root, info, seed)
    for page, counts in sorted(outcomes.items()):
        record.pages[page] = records.PageResult(
            **vars(stamp),
            passed=counts["passed"],
            failed=counts["failed"],
            skipped=counts["skipped"],
            cuda_examples=(
                sum(used for (p, _), used in used_cuda.items() if p == page)
                if info["mode"] == "cuda"
                else None
            ),
            partial=page in partial,
        )
    record.last_run = stamp
    records.write(path, record)
    return path


def _torchvision() -> str:
    try:
        import torchvision
    except Exception as error:  # noqa: BLE001 -- a missing or mismatched build is a finding, not a crash
        return f"not importable ({type(error).__name__}: {str(error).splitlines()[0][:120]})"
    version: str = torchvision.__version__  # torchvision ships no types
    return version


def write_drift(
    path: Path,
    root: Path,
    info: dict[str, str],
    outcomes: dict[str, Counter[str]],
    found: Findings,
    partial: Collection[str] = (),
    seed: int | None = None,
) -> Path:
    """The drift record of one environment; pages not run this time are kept from the last
    run in the same torch version, dropped otherwise."""
    previous = None
    if path.is_file():
        try:
            previous = records.read_drift(path)
        except records.RecordError:
            previous = None
    pages = previous.pages if previous and previous.torch == info["torch"] else {}
    for page, counts in sorted(outcomes.items()):
        differences = [d.as_dict() for d in found.differences if d.page == page]
        for difference in differences:
            difference.pop("page", None)
        pages[page] = records.DriftPage(
            passed=counts["passed"],
            failed=counts["failed"],
            skipped=counts["skipped"],
            outputs_differ=differences,
            raises=[{"line": r.line, "error": r.error} for r in found.raised if r.page == page],
            warnings=[
                dict(w.as_dict(), line=line)
                for (p, line), seen in sorted(found.warnings.items())
                if p == page
                for w in seen
            ],
            partial=page in partial,
        )
    record = records.DriftRecord(
        **vars(_stamp(root, info, seed)),
        name=path.stem,
        mode=info["mode"],
        torchvision=_torchvision(),
        python=platform.python_version(),
        pages=dict(sorted(pages.items())),
    )
    records.write(path, record)
    return path
