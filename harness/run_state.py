"""Everything one test run knows, in one object kept in ``config.stash`` (no module globals).

Under pytest-xdist every worker has its own ``Run`` (and its own fork server) that runs the
pages it is given; the controller's ``Run`` runs nothing.  The controller learns what was
collected from the workers' collections, counts every report as it arrives, and takes each
worker's findings, memory and page sizes from ``worker_data()`` when that worker ends: only
the controller writes records, rewrites pages or prints the summary.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import pytest
from sybil import Example

from . import cache, figures, warns
from .examples import Block
from .judge import Verdict, judge
from .outputs import Difference, Findings
from .page_process import PageProcess, PageStopped
from .processes import rss_mb
from .run_block import Outcome


@dataclass
class PageMemory:
    page: str
    peak_rss_mb: float
    cuda_allocated_after_release: int


class WorkerData(TypedDict):
    """A pytest-xdist worker's share of a run, pickled to the controller (``Run.worker_data``)."""

    findings: Findings
    used_cuda: dict[tuple[str, int], bool]
    memory: list[PageMemory]
    rss_before_pages_mb: float
    page_sizes: dict[str, int]
    cached: list[str]
    keys: dict[str, str]


@dataclass
class Run:
    root: Path
    mode: str  # "cpu" or "cuda"
    seed: int
    update: bool = False  # docs-update: rewrite shown outputs that no longer match
    drift: Path | None = None  # docs-drift: write a drift record here instead
    outcomes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    findings: Findings = field(default_factory=Findings)
    used_cuda: dict[tuple[str, int], bool] = field(default_factory=dict)  # (page, line) ran
    collected: dict[str, str] = field(default_factory=dict)  # nodeid -> page
    # page -> how many examples the page has: fewer collected means a filtered (partial) run
    page_sizes: dict[str, int] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)  # pages skipped by --docs-cache
    keys: dict[str, str] = field(default_factory=dict)  # --docs-cache: page -> key at its start
    use_cache: bool = False
    workers: int = 0  # xdist workers whose data arrived (0: the pages ran in this process)
    reported: set[str] = field(default_factory=set)  # nodeids whose example reported
    memory: list[PageMemory] = field(default_factory=list)
    rss_before_pages_mb: float = 0.0  # the pytest process, just before its first page
    rewritten: list[Difference] = field(default_factory=list)
    stale: list[Difference] = field(default_factory=list)
    _pages: dict[int, PageProcess] = field(default_factory=dict)  # id(namespace) -> process

    # --- pages -----------------------------------------------------------------------------
    def evaluate(self, example: Example) -> str | None:
        """Sybil's evaluator: run the block in its page's process."""
        block: Block = example.parsed
        if block.problem:
            return f"{block.where}: {block.problem}"
        if block.gpu_only and self.mode != "cuda":
            pytest.skip(f"GPU-only example ({block.where}); it runs in `nox -s docs-test-cuda`")
        page = self._pages.get(id(example.namespace))
        if page is None:
            if not self.rss_before_pages_mb:
                self.rss_before_pages_mb = rss_mb()
            if self.use_cache:
                self.keys[block.page] = cache.key_at_start(self.root, self.mode, block.page)
            page = self._pages[id(example.namespace)] = PageProcess(
                block.page, self.root, self.seed, self.update
            )
        cwd = page.folder / "cwd"
        before = figures.stamps(block.figures, cwd)
        try:
            outcome = page.run(block)
        except PageStopped as stopped:
            return str(stopped)
        # Judged here, not in the page's process: the page cannot reach this checker.
        earlier = [raised for raised in self.findings.raised if raised.page == block.page]
        verdict = judge(block, outcome, earlier, self.update)
        self._absorb(block, outcome, verdict)
        if verdict.failure or not block.figures:
            return verdict.failure
        drawn = figures.figure_failure(
            block.figures,
            cwd,
            self.root,
            before=before,
            reference=self.mode == "cpu" and self.drift is None,
            update=self.update,
            earlier_failed=bool(earlier),
            redrawn=self.findings.redrawn,
            where=(block.page, block.fence.line),
        )
        return f"{block.where}: {drawn}" if drawn else None

    def _absorb(self, block: Block, outcome: Outcome, verdict: Verdict) -> None:
        self.used_cuda[(block.page, block.fence.line)] = outcome.used_cuda
        self.findings.differences += verdict.differences
        self.findings.raised += verdict.raised
        self.findings.warning_failures += verdict.warning_failures
        if verdict.warnings_seen:
            self.findings.warnings[(block.page, block.fence.line)] = verdict.warnings_seen
        warns.pass_on(verdict.passed_on)

    def finish_page(self, namespace: dict[str, object]) -> None:
        """Sybil's teardown: release the page; anything it left running fails it."""
        page = self._pages.pop(id(namespace), None)
        if page is None:
            return
        end, survivors = page.finish()
        if end:
            self.memory.append(
                PageMemory(page.page, end.peak_rss_mb, end.cuda_allocated_after_release)
            )
        left = []
        if end is None and not page.stopped:  # a stopped page has already failed
            left.append(
                "its process hung or crashed while the page's objects were being freed "
                "(a __del__ or a finalizer at the end of the page); nothing after the "
                "last block could be checked"
            )
        elif end is not None and end.late_output:
            left.append(
                "output written after its last block had finished (a thread or a "
                f"process still printing):\n    {end.late_output[:2000]}"
            )
        if end and end.forked:
            left.append(end.forked)
        if end and end.threads:
            left.append(
                "threads still running after the page's objects were freed: "
                + "; ".join(end.threads)
            )
        children = (end.children if end else []) + survivors
        if children:
            left.append("child processes still running (stopped now): " + "; ".join(children))
        if left:
            raise LeftRunning(
                f"{page.page}: the page did not end cleanly:\n  "
                + "\n  ".join(left)
                + "\nJoin threads and wait for (or terminate) processes the page starts."
            )

    def stop_all(self) -> None:
        """Interrupted run: stop every page process and delete its scratch folder."""
        for page in list(self._pages.values()):
            with contextlib.suppress(Exception):
                page.kill()
            page.close()
        self._pages.clear()

    # --- bookkeeping -----------------------------------------------------------------------
    def record_report(self, report: pytest.TestReport) -> None:
        page = self.collected.get(report.nodeid)
        if page is None:
            return
        if report.when == "call" or report.outcome != "passed":
            self.outcomes[page][report.outcome] += 1
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.reported.add(report.nodeid)

    def unreported(self) -> list[str]:
        return [nodeid for nodeid in self.collected if nodeid not in self.reported]

    def complete_pages(self) -> dict[str, Counter[str]]:
        """Outcomes of the pages all of whose collected examples reported."""
        incomplete = {self.collected[nodeid] for nodeid in self.unreported()}
        return {page: counts for page, counts in self.outcomes.items() if page not in incomplete}

    def partial_pages(self) -> set[str]:
        """Pages some of whose examples were not collected (-k, --deselect, a node id): what
        ran is recorded, but never as a verified page.  A page of unknown size counts too."""
        selected = Counter(self.collected.values())
        return {
            page for page, count in selected.items() if count < self.page_sizes.get(page, count + 1)
        }

    # --- pytest-xdist: each worker's share, handed to the controller -----------------------
    def worker_data(self) -> WorkerData:
        """What only this worker knows (its pages' findings and memory), for the controller;
        reports and collections reach the controller through xdist itself."""
        return {
            "findings": self.findings,
            "used_cuda": self.used_cuda,
            "memory": self.memory,
            "rss_before_pages_mb": self.rss_before_pages_mb,
            "page_sizes": self.page_sizes,
            "cached": self.cached,
            "keys": self.keys,
        }

    def absorb_worker(self, data: WorkerData) -> None:
        self.workers += 1
        found = data["findings"]
        self.findings.differences += found.differences
        self.findings.raised += found.raised
        self.findings.warning_failures += found.warning_failures
        self.findings.warnings.update(found.warnings)
        self.findings.redrawn += found.redrawn
        self.used_cuda.update(data["used_cuda"])
        self.memory += data["memory"]
        self.rss_before_pages_mb = max(self.rss_before_pages_mb, data["rss_before_pages_mb"])
        self.page_sizes.update(data["page_sizes"])
        self.cached = sorted(set(self.cached) | set(data["cached"]))
        self.keys.update(data["keys"])

    def cuda_count(self) -> int:
        return sum(self.used_cuda.values())


class LeftRunning(Exception):
    """A page ended with threads or processes still running."""


RUN = pytest.StashKey[Run]()
