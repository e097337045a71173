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

from . import device, examples, outputs, record  # device first: it hides the GPU early
from .examples import RAN, make_parser

PAGE_PATTERNS = ["docs/*.md", "docs/*/*.md"]
# Seeded so that a forgotten seed fails the same way every run; DOCS_SEED changes it, and
# tests/test_fresh_reader.py runs every page under another seed: a page whose output hangs
# on the harness's seed would not show a reader's fresh Python what the page shows.
SEED = int(os.environ.get("DOCS_SEED", "0"))

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


def pytest_addoption(parser) -> None:
    group = parser.getgroup("docs", "documentation examples")
    group.addoption("--docs-update", action="store_true", default=False,
                    help="rewrite the shown outputs that no longer match what the code prints "
                         "(nox -s docs-update)")
    group.addoption("--docs-drift", metavar="PATH", default=None,
                    help="write a drift record of this run to PATH instead of the verification "
                         "record (nox -s docs-drift)")


def pytest_configure(config) -> None:
    examples.UPDATE = bool(config.getoption("docs_update", False))


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


_updated: dict[str, list] = {}


def pytest_sessionfinish(session, exitstatus) -> None:
    if not _outcomes:
        return
    if device.MODE == "cuda" and _cuda_count() == 0:
        session.exitstatus = 1  # examples ran, yet none touched the GPU: not a CUDA run
    root = session.config.rootpath
    drift = session.config.getoption("docs_drift", None)
    if examples.UPDATE:
        # An update run proves nothing about the pages as they were: no verification record.
        _updated["rewritten"], _updated["stale"] = outputs.rewrite(root, outputs.FOUND.differences)
        if _updated["stale"]:
            session.exitstatus = 1
    elif drift:
        record.write_drift(Path(drift), root, device.describe(), _outcomes, outputs.FOUND)
    else:
        record.write(root, device.describe(), _outcomes, RAN)


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
    drift = terminalreporter.config.getoption("docs_drift", None)
    if drift:
        found = outputs.FOUND
        terminalreporter.write_line(
            f"docs-drift: {len(found.differences)} shown outputs differ, {len(found.raised)} "
            f"examples raise, {sum(map(len, found.warnings.values()))} warnings seen; "
            f"record: {drift}")
    if examples.UPDATE:
        _update_summary(terminalreporter)


def _update_summary(terminalreporter) -> None:
    write = terminalreporter.write_line
    rewritten, stale = _updated.get("rewritten", []), _updated.get("stale", [])
    outputs_changed = [d for d in rewritten if d.kind != "error"]
    errors_changed = [d for d in rewritten if d.kind == "error"]
    pages = sorted({d.page for d in rewritten})
    write(f"docs-update: rewrote {len(rewritten)} shown outputs in {len(pages)} "
          f"page{'' if len(pages) == 1 else 's'}"
          + (f" ({', '.join(pages)})" if pages else "") + "; review them with `git diff`")
    for difference in outputs_changed:
        write(f"  {difference.page}, line {difference.line}: "
              f"{'>>> output' if difference.kind == 'doctest' else '输出 block'}"
              + ("  (the old output used ... elisions: put them back where the value varies)"
                 if difference.elided else ""))
    if errors_changed:
        write(f"error examples whose exception changed (rewritten: {len(errors_changed)}):")
        for difference in errors_changed:
            old = difference.expected.strip().splitlines()[-1]
            new = difference.got.strip().splitlines()[-1]
            write(f"  {difference.page}, line {difference.line}: {old}  ->  {new}")
    by_hand = sorted(
        [(d.page, d.line, d.problem) for d in outputs.FOUND.differences if d.problem]
        + [(r.page, r.line, f"now raises {r.error.splitlines()[0]}") for r in outputs.FOUND.raised]
        + outputs.FOUND.warning_failures
        + [(d.page, d.line, "the page changed while the examples ran; run docs-update again")
           for d in stale])
    if by_hand:
        write("not rewritten, fix by hand (the failures above say more):", red=True)
        for page, line, problem in by_hand:
            write(f"  {page}, line {line}: {problem}", red=True)
