"""The one sybil configuration of the site, and the pytest hooks around it.

The root conftest.py star-imports this module, so every ``pytest_*`` name here is a hook.
All a run's state lives in one ``Run`` object in ``config.stash`` (run_state.py).
"""

from __future__ import annotations

import os
import pickle
import random
import signal
from collections import Counter
from collections.abc import Generator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, cast

import pytest
from sybil import Example, Sybil

from . import (  # device first: it hides the GPU early
    cache,
    device,
    figures,
    outputs,
    page_process,
    processes,
    record,
    shards,
)
from .examples import make_parser
from .run_state import RUN, LeftRunning, Run, WorkerData

if TYPE_CHECKING:
    from sybil.integration.pytest import SybilFile
    from xdist.workermanage import WorkerController  # pytest-xdist is optional

# Every file MkDocs builds as a page, at any depth (its list of Markdown extensions); matched
# from the right, relative to docs/.
PAGE_PATTERNS = [f"*.{ext}" for ext in ("md", "markdown", "mdown", "mkdn", "mkd")]
# A reader's fresh Python starts its random generators from a seed nobody chose, so every run
# starts the pages from a new random seed: a page whose shown output hangs on it fails sooner
# or later, and the summary and the record say which seed did it.  DOCS_SEED=<n> pins one, to
# reproduce such a failure.
SEED_VARIABLE = "DOCS_SEED"
# Every page process computes with this many threads, however many pages run at once
# (pytest-xdist) and whatever the machine: a float sum's rounding, and so a printed digit,
# must not depend on the load.  Set before the fork server (and so torch) starts.
THREADS = "1"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def _seed(config: pytest.Config) -> int:
    if _is_worker(config):
        # workerinput: set on a worker's config by pytest-xdist; pytest's types do not know it
        return int(config.workerinput["docs_seed"])  # type: ignore[attr-defined]
    pinned = os.environ.get(SEED_VARIABLE, "").strip()
    if pinned:
        return int(pinned)
    return random.SystemRandom().randrange(1, 2**31)  # numpy wants < 2**32


def _is_worker(config: pytest.Config) -> bool:
    """A pytest-xdist worker: runs the pages it is given, writes nothing."""
    return hasattr(config, "workerinput")


def _is_controller(config: pytest.Config) -> bool:
    """The pytest-xdist controller: runs no page, gathers what the workers send."""
    return not _is_worker(config) and config.pluginmanager.hasplugin("dsession")


def site_sybil(root: Path, run: Run | None = None) -> Sybil:
    """The site's sybil: with a run it evaluates blocks, without one it only parses (tests)."""

    def not_running(example: Example) -> NoReturn:
        raise RuntimeError("site_sybil(root) without a Run only parses pages")

    return Sybil(
        parsers=[make_parser(root, run.evaluate if run else not_running)],
        patterns=PAGE_PATTERNS,
        path=str(root / "docs"),
        encoding="utf-8-sig",  # as MkDocs reads pages: a byte-order mark is not text
        teardown=run.finish_page if run else None,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("docs", "documentation examples")
    group.addoption(
        "--docs-update",
        action="store_true",
        default=False,
        help="rewrite the shown outputs that no longer match what the code prints "
        "(nox -s docs-update)",
    )
    group.addoption(
        "--docs-drift",
        metavar="PATH",
        default=None,
        help="write a drift record of this run to PATH instead of the verification "
        "record (nox -s docs-drift)",
    )
    group.addoption(
        "--docs-cache",
        action="store_true",
        default=False,
        help="skip the pages that passed last time and have not changed since (the page, its "
        "snippets, the lock file, torch, the device, the harness); for contributors, never CI",
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's configure reads the option
def pytest_cmdline_main(config: pytest.Config) -> None:
    """A crashed xdist worker (a page that kills pytest, the OOM killer) is not replaced: with
    --dist loadfile, pytest-xdist 3.8 hands the dead worker's file back to the queue and the
    run then waits forever (it hung until CI's time limit).  Without a restart the run stops
    at once, names the crashed page, and its record is partial."""
    if getattr(config.option, "numprocesses", None) and config.option.maxworkerrestart is None:
        config.option.maxworkerrestart = "0"


@pytest.hookimpl(trylast=True)  # after pytest-split's: shards.take_over() replaces its split
def pytest_configure(config: pytest.Config) -> None:
    config.stash[shards.SHARDED] = shards.take_over(config, _is_worker(config))
    drift = config.getoption("docs_drift", None)
    run = Run(
        root=config.rootpath,
        mode=device.MODE,
        seed=_seed(config),
        update=bool(config.getoption("docs_update", False)),
        drift=Path(drift) if drift else None,
        use_cache=bool(config.getoption("docs_cache", False)),
    )
    config.stash[RUN] = run
    for name in THREAD_VARIABLES:
        os.environ[name] = THREADS
    if getattr(config.option, "dist", "no") in ("load", "worksteal"):
        # A page's blocks share one process and run in order: never split a file over workers.
        config.option.dist = "loadfile"
    config.pluginmanager.register(_RunHooks(run))  # those hooks get no config
    config.stash[_SYBIL] = site_sybil(config.rootpath, run)
    # SIGTERM (a CI time-out, `kill`) ends the run like Ctrl+C: page processes are stopped and
    # scratch folders removed, instead of the process vanishing mid-write.
    if hasattr(signal, "SIGTERM") and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


_SYBIL = pytest.StashKey[Sybil]()
_RSS_AT_END = pytest.StashKey[float]()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    sybil = parent.config.stash[_SYBIL]
    if sybil.should_parse(file_path):
        # Sybil.pytest() is typed loosely: it returns sybil's file collector, or None.
        collector: pytest.Collector | None = sybil.pytest()(file_path, parent)
        return collector
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = page_process.platform_problem()
    if problem:
        pytest.exit(problem, returncode=3)
    page_process.sweep_stale_scratch()
    if device.MODE == "cuda":
        reason = device.gpu_missing_reason()
        if reason:
            pytest.exit(reason, returncode=3)


def _page_of(nodeid: str) -> str | None:
    return nodeid.partition("::line:")[0] if "::line:" in nodeid else None


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """--splits/--group: this shard's files; --docs-cache: leave out the pages whose content
    hash passed last time."""
    if config.stash.get(shards.SHARDED, False):
        shards.select(config, items)
    if not config.getoption("docs_cache", False):
        return
    run = config.stash[RUN]
    pages = {_page_of(item.nodeid) for item in items if hasattr(item, "example")} - {None}
    unchanged = cache.unchanged(run.root, run.mode, sorted(pages))  # type: ignore[arg-type]
    if not unchanged:
        return
    skipped = [item for item in items if _page_of(item.nodeid) in unchanged]
    items[:] = [item for item in items if _page_of(item.nodeid) not in unchanged]
    config.hook.pytest_deselected(items=skipped)
    run.cached = sorted(unchanged)


def pytest_collection_finish(session: pytest.Session) -> None:
    run = session.config.stash[RUN]
    for item in session.items:
        page = _page_of(item.nodeid)
        if page and hasattr(item, "example"):
            run.collected[item.nodeid] = page
            if page not in run.page_sizes:  # every example of the page, selected or not
                file = cast("SybilFile", item.parent)  # an example's parent: sybil's collector
                run.page_sizes[page] = sum(
                    len(list(document.examples())) for document in file.documents
                )
    if run.collected and not session.config.option.collectonly:
        page_process.context()  # the fork server imports torch while pytest goes on


# --- pytest-xdist: the controller hands its seed out and gathers the workers' data ------------
@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: WorkerController) -> None:
    node.workerinput["docs_seed"] = node.config.stash[RUN].seed


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: WorkerController, ids: Sequence[str]) -> None:
    run = node.config.stash[RUN]
    for nodeid in ids:  # every worker collects the same items: the first one says it all
        page = _page_of(nodeid)
        if page:
            run.collected.setdefault(nodeid, page)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: WorkerController, error: object | None) -> None:
    data = getattr(node, "workeroutput", {}).get("docs_run")
    if data is not None:
        share: WorkerData = pickle.loads(data)  # what the worker's Run.worker_data() returned
        node.config.stash[RUN].absorb_worker(share)
    # A worker that died sent nothing: its pages' examples never reported, so no record is
    # written for them and the run fails ("never reported" below).


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(LeftRunning):
        report.longrepr = str(call.excinfo.value)
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int | pytest.ExitCode) -> None:
    config = session.config
    run = config.stash.get(RUN, None)
    if run is None:
        return
    run.stop_all()
    if _is_worker(config):  # the controller writes, from every worker's share
        # workeroutput: set on a worker's config by pytest-xdist, like workerinput above
        config.workeroutput["docs_run"] = pickle.dumps(run.worker_data())  # type: ignore[attr-defined]
        return
    config.stash[_RSS_AT_END] = processes.rss_mb()  # before describe() imports torch
    if run.cached and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.OK  # every page passed before, unchanged since
    if not run.collected:
        return
    if config.option.collectonly:
        return
    missing = run.unreported()
    if missing and session.exitstatus == 0:
        session.exitstatus = 1  # an example that never reported cannot count as passed
    if run.mode == "cuda" and run.outcomes and run.cuda_count() == 0:
        session.exitstatus = 1  # examples ran, yet none touched the GPU: not a CUDA run
    complete = run.complete_pages()
    partial = run.partial_pages()
    if run.update and missing:
        pass  # an interrupted update rewrites nothing: the pages stay exactly as they were
    elif run.update:
        # An update run proves nothing about the pages as they were: no verification record.
        run.rewritten, run.stale = outputs.rewrite(run.root, run.findings.differences)
        figures.write_redrawn(run.root, run.findings.redrawn)
        if run.stale:
            session.exitstatus = 1
    elif run.drift:
        if complete:
            record.write_drift(
                run.drift, run.root, device.describe(), complete, run.findings, partial, run.seed
            )
    elif complete:
        record.write(run.root, device.describe(), complete, run.used_cuda, partial, run.seed)
    if config.getoption("docs_cache", False) and not run.update:
        cache.store(run.root, run.mode, complete, partial, run.keys)


class _RunHooks:
    """The hooks that get no config, bound to the run."""

    def __init__(self, run: Run):
        self.run = run

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Every report, in the process that prints them: under xdist, the controller."""
        self.run.record_report(report)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """Ctrl+C or SIGTERM: stop the pages at once.  Further signals (nox repeats Ctrl+C
        to the session it runs) are ignored so that the clean-up itself is not cut short."""
        for name in ("SIGINT", "SIGTERM"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        self.run.stop_all()


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is not None:
        run.stop_all()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    run = config.stash.get(RUN, None)
    if run is None or config.option.collectonly:
        return
    write = terminalreporter.write_line
    if run.cached and not run.collected:
        terminalreporter.write_sep("=", "documentation examples")
        write(
            f"docs-cache: all {len(run.cached)} pages passed last time and have not changed "
            "since, so none ran; without --docs-cache every page runs"
        )
        return
    if not run.collected:
        return
    totals: Counter[str] = sum(run.outcomes.values(), Counter())
    info = device.describe()
    terminalreporter.write_sep("=", "documentation examples")
    write(
        f"docs-test ({info['mode']}): {totals['passed']} examples passed, "
        f"{totals['failed']} failed, {totals['skipped']} skipped, on {info['device']} "
        f"with torch {info['torch']}"
    )
    pinned = os.environ.get(SEED_VARIABLE, "").strip()
    write(
        f"seed: the pages started from random seed {run.seed}"
        + (
            f" ({SEED_VARIABLE} pinned it)"
            if pinned
            else f"; {SEED_VARIABLE}={run.seed} repeats it"
        )
        + f"; {THREADS} compute thread per page"
        + (f"; pages ran in {run.workers} pytest-xdist workers" if run.workers else "")
    )
    if run.cached:
        write(
            f"docs-cache: {len(run.cached)} unchanged pages that passed last time were not run "
            f"({', '.join(run.cached)}); without --docs-cache every page runs"
        )
    partial = sorted(run.partial_pages() & set(run.outcomes))
    if partial:
        write(
            f"partial: only some examples of {', '.join(partial)} were selected; recorded as "
            "partial, not as verified pages"
        )
    missing = run.unreported()
    if missing:
        pages = sorted({run.collected[nodeid] for nodeid in missing})
        write(
            f"FAILED: {len(missing)} collected examples never reported (the run was "
            f"interrupted or stopped early), on {', '.join(pages)}; no record was written "
            f"for those pages.",
            red=True,
        )
    _memory_summary(terminalreporter, run, config.stash.get(_RSS_AT_END, 0.0))
    if run.mode == "cuda":
        write(
            f"docs-test-cuda: {len(run.used_cuda)} examples ran on the GPU run; "
            f"{run.cuda_count()} of them created CUDA tensors (CUDA {info.get('cuda')})"
        )
        if run.cuda_count() == 0:
            write("FAILED: no example created a CUDA tensor.", red=True)
    if run.drift:
        found = run.findings
        write(
            f"docs-drift: {len(found.differences)} shown outputs differ, {len(found.raised)} "
            f"examples raise, {sum(map(len, found.warnings.values()))} warnings seen; "
            f"record: {run.drift}"
        )
    if run.update and missing:
        write("docs-update: the run did not finish, so no page was rewritten", red=True)
    elif run.update:
        _update_summary(terminalreporter, run)


def _memory_summary(terminalreporter: pytest.TerminalReporter, run: Run, rss_at_end: float) -> None:
    if not run.memory:
        return
    biggest = max(run.memory, key=lambda memory: memory.peak_rss_mb)
    line = (
        f"memory: each page ran in its own process and returned all of it when it ended "
        f"(largest: {biggest.page}, peak {biggest.peak_rss_mb:.0f} MB); the pytest "
        f"process used {run.rss_before_pages_mb:.0f} MB before the first page and "
        f"{rss_at_end:.0f} MB after the last"
    )
    if run.workers:  # the pages ran in the workers; rss_at_end is the controller's
        line = (
            f"memory: each page ran in its own process and returned all of it when it ended "
            f"(largest: {biggest.page}, peak {biggest.peak_rss_mb:.0f} MB); each pytest-xdist "
            f"worker used at most {run.rss_before_pages_mb:.0f} MB before its first page, the "
            f"controller {rss_at_end:.0f} MB after the last"
        )
    held = [m for m in run.memory if m.cuda_allocated_after_release]
    if run.mode == "cuda":
        line += "; CUDA memory still allocated after a page freed its objects: " + (
            ", ".join(f"{m.page} {m.cuda_allocated_after_release / 2**20:.1f} MB" for m in held)
            if held
            else "none"
        )
    terminalreporter.write_line(line)


def _update_summary(terminalreporter: pytest.TerminalReporter, run: Run) -> None:
    write = terminalreporter.write_line
    for figure in run.findings.redrawn:
        write(
            f"docs-update: replaced {(figures.IMAGES / figure.name).as_posix()} with the figure "
            f"drawn at {figure.page}, line {figure.line}; look at it before committing"
        )
    rewritten, stale = run.rewritten, run.stale
    outputs_changed = [d for d in rewritten if d.kind != "error"]
    errors_changed = [d for d in rewritten if d.kind == "error"]
    pages = sorted({d.page for d in rewritten})
    write(
        f"docs-update: rewrote {len(rewritten)} shown outputs in {len(pages)} "
        f"page{'' if len(pages) == 1 else 's'}"
        + (f" ({', '.join(pages)})" if pages else "")
        + "; review them with `git diff`"
    )
    for difference in outputs_changed:
        write(
            f"  {difference.page}, line {difference.line}: "
            f"{'>>> output' if difference.kind == 'doctest' else '输出 block'}"
            + (
                "  (the old output used ... elisions: put them back where the value varies)"
                if difference.elided
                else ""
            )
        )
    if errors_changed:
        write(f"error examples whose exception changed (rewritten: {len(errors_changed)}):")
        for difference in errors_changed:
            old = difference.expected.strip().splitlines()[-1]
            new = difference.got.strip().splitlines()[-1]
            write(f"  {difference.page}, line {difference.line}: {old}  ->  {new}")
    found = run.findings
    by_hand = sorted(
        [(d.page, d.line, d.problem) for d in found.differences if d.problem]
        + [(r.page, r.line, f"now raises {r.error.splitlines()[0]}") for r in found.raised]
        + found.warning_failures
        + [
            (d.page, d.line, "the page changed while the examples ran; run docs-update again")
            for d in stale
            if not d.problem  # refused by rewrite(): listed above with its own reason
        ]
    )
    if by_hand:
        write("not rewritten, fix by hand (the failures above say more):", red=True)
        for page, line, problem in by_hand:
            write(f"  {page}, line {line}: {problem}", red=True)
