"""The one sybil configuration of the site, and the pytest hooks around it.

The root conftest.py star-imports this module, so every ``pytest_*`` name here is a hook.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sybil import Sybil

from . import device, record  # device first: it hides the GPU before torch is imported
from .examples import RAN, make_parser

PAGE_PATTERNS = ["docs/*.md", "docs/*/*.md"]
SEED = 0

_sybils: dict[Path, Sybil] = {}
_previous_cwd: dict[int, str] = {}


def site_sybil(root: Path) -> Sybil:
    if root not in _sybils:
        _sybils[root] = Sybil(
            parsers=[make_parser(root)],
            patterns=PAGE_PATTERNS,
            path=str(root),
            setup=_start_page,
            teardown=_finish_page,
        )
    return _sybils[root]


def _start_page(namespace: dict) -> None:
    """Each page runs as one fresh script, in a scratch directory, with seeded randomness."""
    import numpy
    import torch

    namespace["__name__"] = "__main__"
    _previous_cwd[id(namespace)] = os.getcwd()
    os.chdir(tempfile.mkdtemp(prefix="docs-page-"))
    random.seed(SEED)
    numpy.random.seed(SEED)
    torch.manual_seed(SEED)


def _finish_page(namespace: dict) -> None:
    scratch = os.getcwd()
    os.chdir(_previous_cwd.pop(id(namespace)))
    shutil.rmtree(scratch, ignore_errors=True)


def pytest_collect_file(file_path: Path, parent):
    root = parent.config.rootpath
    sybil = site_sybil(root)
    if sybil.should_parse(file_path):
        return sybil.pytest()(file_path, parent)
    return None


def pytest_sessionstart(session) -> None:
    if device.MODE == "cuda":
        reason = device.gpu_missing_reason()
        if reason:
            pytest.exit(reason, returncode=3)


_outcomes: dict[str, Counter] = defaultdict(Counter)


def pytest_runtest_logreport(report) -> None:
    page, sep, _ = report.nodeid.partition("::line:")
    if not sep:
        return
    if report.when == "call" or report.outcome != "passed":
        _outcomes[page][report.outcome] += 1


def _cuda_count() -> int:
    return sum(RAN.values())


def pytest_sessionfinish(session, exitstatus) -> None:
    if not _outcomes:
        return
    if device.MODE == "cuda" and _cuda_count() == 0:
        session.exitstatus = 1  # examples ran, yet none touched the GPU: not a CUDA run
    record.write(session.config.rootpath, device.describe(), _outcomes, RAN)


def pytest_terminal_summary(terminalreporter) -> None:
    if not _outcomes:
        return
    totals = sum(_outcomes.values(), Counter())
    info = device.describe()
    line = (f"docs-test ({info['mode']}): {totals['passed']} examples passed, "
            f"{totals['failed']} failed, {totals['skipped']} skipped, on {info['device']} "
            f"with torch {info['torch']}")
    terminalreporter.write_sep("=", "documentation examples")
    terminalreporter.write_line(line)
    if device.MODE == "cuda":
        terminalreporter.write_line(
            f"docs-test-cuda: {len(RAN)} examples ran on the GPU run; "
            f"{_cuda_count()} of them created CUDA tensors (CUDA {info.get('cuda')})")
        if _cuda_count() == 0:
            terminalreporter.write_line("FAILED: no example created a CUDA tensor.", red=True)
