"""Running a block and judging what it printed: each case here once broke the harness.

In-process unit tests of run_block (the page's side: it only reports), judge (pytest's side:
it compares) and warns, then one pytest subprocess over throw-away pages for what needs a
real page process: a snippet attacking the repository, the temp directory, logging set up
in one block and used in the next, pages that patch doctest or the harness, 100 MB of output.
"""

from __future__ import annotations

import contextlib
import hashlib
import linecache
import re
import sys
import warnings
from pathlib import Path

import pytest

from harness import judge, run_block, warns
from harness.examples import blocks
from harness.outputs import Raised
from harness.run_block import Capture, ExampleRun, Outcome, PageState, Printed, Streams
from tests.sites import make_site, run_pytest

FENCE = "```"


def page(*parts: str) -> str:
    return "# t\n\n" + "\n\n".join(parts) + "\n"


def py(code: str, output: str | None = None, marker: str = "") -> str:
    text = (f"{marker}\n" if marker else "") + f"{FENCE}python\n{code.strip()}\n{FENCE}"
    if output is not None:
        text += f'\n\n{FENCE}text title="输出"\n{output.strip()}\n{FENCE}'
    return text


def only_block(text: str, root: Path = Path("/site")):
    [block] = blocks(text, "docs/p.md", root)
    assert block.problem is None, block.problem
    return block


# --- the page's side: bounded captures, permanent streams, snippet copies ------------------
def test_capture_keeps_both_ends_of_a_long_stream():
    capture = Capture()
    capture.write("a" * 10)
    capture.write("b" * (10 * 2**20))
    capture.write("c" * 10)
    printed = capture.printed()
    assert printed.size == 10 * 2**20 + 20 and not printed.whole
    assert printed.head.startswith("a" * 10) and len(printed.head) == run_block.KEEP
    assert printed.tail.endswith("c" * 10) and len(printed.tail) == run_block.KEEP
    assert "characters left out" in printed.text and len(printed.text) < 3 * run_block.KEEP
    small = Capture()
    for word in ("一", "二\n", "三"):
        assert small.write(word) == len(word)
    assert small.printed().whole and small.printed().text == "一二\n三"


@contextlib.contextmanager
def page_streams():
    """The page's permanent streams, installed in the test's body (pytest sets its own
    sys.stdout at the start of each phase) and taken out again."""
    saved = sys.stdout, sys.stderr
    try:
        yield Streams()
    finally:
        sys.stdout, sys.stderr = saved


def test_stdout_is_one_object_for_the_page_and_writes_to_the_current_block():
    with page_streams() as streams:
        _log_through(streams)


def _log_through(streams: Streams) -> None:
    import logging

    handler = logging.StreamHandler(sys.stdout)  # made while no block runs, kept by the page
    log = logging.getLogger("docs-test-block-running")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        first, second = Capture(), Capture()
        with streams.capture(first, Capture()):
            log.info("one")
        with streams.capture(second, Capture()):
            assert sys.stdout is streams.stdout
            log.info("two")
        assert (first.printed().text, second.printed().text) == ("one\n", "two\n")
    finally:
        log.removeHandler(handler)


def test_included_snippet_runs_from_a_copy_and_tracebacks_name_the_real_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the snippet changes directory; monkeypatch changes it back
    root = make_snippets(tmp_path / "site")
    folder = (tmp_path / "scratch").resolve()
    (folder / "cwd").mkdir(parents=True)
    before = snapshot(root)
    body = py('--8<-- "snippets/x/attack.py:clean"\n--8<-- "snippets/x/attack.py:boom"')
    with page_streams() as streams:
        state = PageState(root, folder, None, streams)
        outcome = run_block.run(only_block(page(body), root), {}, state)
    assert snapshot(root) == before
    assert not (folder / "site" / "snippets" / "x" / "keep.txt").exists()  # the copy's, deleted
    assert (folder / "site" / "snippets" / "x" / "checkpoint.pt").exists()
    assert (folder / "site" / "snippets" / "other" / "helper.py").exists()  # neighbours come too
    assert outcome.printed is not None and outcome.printed.text == f"{folder}/site/snippets/x\n"
    assert outcome.raised is not None and outcome.error == "ZeroDivisionError: division by zero"
    assert 'File "snippets/x/attack.py", line 14, in <module>\n    1 / 0' in outcome.raised
    # A page may hand a snippet's file to another program (torchrun): it gets the copy.
    namespace: dict = {}
    define = py(
        '--8<-- "snippets/x/attack.py:define"\n\nimport inspect\nprint(inspect.getsourcefile(main))'
    )
    with page_streams() as streams:
        state = PageState(root, folder, None, streams)
        outcome = run_block.run(only_block(page(define), root), namespace, state)
    assert outcome.printed is not None and outcome.raised is None, outcome.raised
    assert outcome.printed.text == f"{folder}/site/snippets/x/attack.py\n"
    assert "__file__" not in namespace  # the page itself has none


def test_a_files_lines_stay_known_to_linecache_chunk_by_chunk():
    name = "docs/linecache-test.md"
    run_block._remember_source(name, 3, "a = 1\n")
    run_block._remember_source(name, 7, "def f():\n    return 2\n")
    assert linecache.getline(name, 3) == "a = 1\n"
    assert linecache.getline(name, 8) == "    return 2\n"
    linecache.checkcache(name)  # never dropped: no real file has that name
    assert linecache.getline(name, 3) == "a = 1\n"
    run_block._remember_source(name, 10, "s = '\u2028'\nt = 3\n")  # no line break to Python
    assert linecache.getline(name, 11) == "t = 3\n"


# --- pytest's side: judging reported facts ---------------------------------------------------
def example_run(got: str = "", error: BaseException | None = None) -> ExampleRun:
    run = ExampleRun(Printed(got, "", len(got)))
    if error is not None:
        run.exc_msg = run_block._exc_msg(type(error), error)
        run.traceback = f"Traceback (most recent call last):\n  File ...\n{run.exc_msg}"
        run.error = run.exc_msg.strip()
    return run


def test_judge_compares_doctest_output_in_doctests_own_words():
    block = only_block(page(py(">>> 1 + 1\n3\n>>> print('a   b')\na b")))
    outcome = Outcome(examples=[example_run("2\n"), example_run("a   b\n")])
    verdict = judge.judge(block, outcome, [], update=False)
    assert verdict.failure is not None
    assert 'File "docs/p.md", line 4, in docs/p.md' in verdict.failure
    assert "Expected:\n    3\nGot:\n    2" in verdict.failure
    assert "a b" not in verdict.failure  # NORMALIZE_WHITESPACE: the second example passed
    [difference] = verdict.differences
    assert (difference.line, difference.expected, difference.got) == (5, "3\n", "2\n")
    assert judge.judge(block, outcome, [], update=True).failure is None  # docs-update fixes it


def test_judge_fails_a_session_whose_examples_did_not_all_run():
    block = only_block(page(py(">>> 1 + 1\n2\n>>> 2 + 2\n5")))
    verdict = judge.judge(block, Outcome(examples=[example_run("2\n")]), [], False)
    assert "docs/p.md, line 3: 2 examples on the page, 1 reported by its process" in (
        verdict.failure or ""
    )


def test_judge_matches_exceptions_as_doctest_does():
    shown = ">>> int('x')\nTraceback (most recent call last):\n...\nValueError: invalid ...\n"
    block = only_block(page(py(shown)))
    right = ValueError("invalid literal for int() with base 10: 'x'")
    assert (
        judge.judge(block, Outcome(examples=[example_run(error=right)]), [], False).failure is None
    )
    wrong = Outcome(examples=[example_run(error=TypeError("no"))])
    verdict = judge.judge(block, wrong, [], False)
    assert "TypeError: no" in (verdict.failure or "")
    assert [d.kind for d in verdict.differences] == ["error"]
    unexpected = only_block(page(py(">>> int('x')\n1")))
    verdict = judge.judge(unexpected, Outcome(examples=[example_run(error=right)]), [], False)
    assert "Exception raised:" in (verdict.failure or "")
    assert [(r.line, r.error.split(":")[0]) for r in verdict.raised] == [(4, "ValueError")]


def test_judge_refuses_output_too_long_to_show_with_a_short_message():
    block = only_block(page(py("print('x' * 10**8)", "x")))
    huge = Printed("x" * run_block.KEEP, "x" * run_block.KEEP, 10**8)
    verdict = judge.judge(block, Outcome(printed=huge), [], False)
    assert verdict.failure is not None and len(verdict.failure) < 20_000
    assert "the block printed 95.4 MB (100000000 characters); a page cannot show that much" in (
        verdict.failure
    )


def test_long_outputs_are_shortened_in_every_failure_message():
    got = "".join(f"第 {n} 行\n" for n in range(200))
    block = only_block(page(py("for n in range(200): print(n)", "0")))
    failure = judge.judge(block, Outcome(printed=Printed(got, "", len(got))), [], False).failure
    assert failure is not None and "… 155 lines left out …" in failure
    assert "第 199 行" in failure and "第 100 行" not in failure
    assert judge.shorten("x" * 50_000).count("characters left out") == 1


def test_an_earlier_error_on_the_page_keeps_docs_update_from_writing_an_output():
    block = only_block(page(py(">>> x\n1")))
    earlier = [Raised("docs/p.md", 3, "NameError: name 'y' is not defined")]
    [difference] = judge.judge(
        block, Outcome(examples=[example_run("2\n")]), earlier, True
    ).differences
    assert (
        difference.problem
        and "an earlier example on this page raised (NameError" in difference.problem
    )


def test_warnings_are_judged_by_class_names_from_the_page():
    class Custom(FutureWarning):
        pass

    with warnings.catch_warnings(), warns.Recorder(("/nowhere/",)) as caught:
        warnings.simplefilter("always")
        warnings.warn("old", Custom)
        warnings.warn("this API will be removed", UserWarning)
        warnings.warn("fine", RuntimeWarning)
    reported = warns.report(caught, ("/nowhere/",), {})
    assert reported[0].category == "Custom" and "FutureWarning" in reported[0].classes
    seen, failing, expected_seen, passed_on = warns.review(reported, ())
    assert [w.category for w in failing] == ["Custom", "UserWarning"] and not expected_seen
    assert [p[:2] for p in passed_on] == [("RuntimeWarning", "fine")]
    seen, failing, expected_seen, _ = warns.review(reported, ("FutureWarning",))
    assert expected_seen and [w.category for w in failing] == ["UserWarning"]
    assert len(seen) == 3


def test_warning_origins_name_site_files_by_their_site_path():
    assert warns.where("snippets/x/y.py", 3, (), {}) == "snippets/x/y.py, line 3"
    copy = "/tmp/docs-page-1/site/"
    assert (
        warns.where(f"{copy}snippets/x/y.py", 4, ("/repo/", copy), {}) == "snippets/x/y.py, line 4"
    )
    assert warns.where("/env/lib/site-packages/torch/a.py", 5, ("/repo/",), {}) == "torch/a.py:5"


# --- real page processes: one pytest run over many pages ---------------------------------------
ATTACK = """\
# --8<-- [start:clean]
import os
from pathlib import Path

import torch

for old in Path(__file__).parent.glob("*.txt"):
    old.unlink()
os.chdir(Path(__file__).parent)
torch.save({"step": 1}, "checkpoint.pt")
print(Path.cwd())
# --8<-- [end:clean]
# --8<-- [start:boom]
1 / 0
# --8<-- [end:boom]
# --8<-- [start:hang]
import time
time.sleep(60)
# --8<-- [end:hang]
# --8<-- [start:define]
def main():
    return 1
# --8<-- [end:define]
"""


def make_snippets(root: Path) -> Path:
    files = {
        "snippets/x/attack.py": ATTACK,
        "snippets/x/keep.txt": "tracked\n",
        "snippets/other/helper.py": "VALUE = 1\n",
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(root).parts[0] not in {"verification"}
        and path.name != "peak_rss.txt"
    }


LOGGER = "import logging, sys\n\nlog = logging.getLogger('docs')\nlog.setLevel(logging.INFO)\n"
PATCH_HARNESS = """\
import harness.judge, harness.outputs, harness.run_block, harness.warns

harness.judge.judge = lambda *args, **kwargs: harness.judge.Verdict()
harness.judge.DOCTEST_FLAGS = harness.run_block.doctest.ELLIPSIS
harness.warns.review = lambda *args: ([], [], True, [])
harness.warns.is_deprecation = lambda *args: False
harness.outputs.shown_form = lambda got, doctest_form: got
"""
PAGES = {
    "docs/a1_snippet_attack.md": page(
        py('--8<-- "snippets/x/attack.py:clean"', ".../site/snippets/x")
    ),
    "docs/b1_temp_write.md": page(
        py(
            "import tempfile\nfrom pathlib import Path\n\n"
            "(Path(tempfile.gettempdir()) / 'docs-h2-left').write_text('x')\n"
            "print(Path(tempfile.gettempdir()).name, Path(tempfile.gettempdir()).parent.name[:10])",
            "tmp docs-page-",
        )
    ),
    "docs/b2_temp_read.md": page(
        py(
            ">>> import os, tempfile\n>>> from pathlib import Path\n"
            ">>> (Path(tempfile.gettempdir()) / 'docs-h2-left').exists()\nFalse\n"
            ">>> os.environ['TMPDIR'] == tempfile.gettempdir()\nTrue"
        )
    ),
    "docs/c1_log_unshown.md": page(
        py(LOGGER + "log.addHandler(logging.StreamHandler(sys.stdout))"),
        py("log.info('第一轮结束')"),
    ),
    "docs/c2_log_shown.md": page(
        py(
            ">>> import logging, sys\n>>> log = logging.getLogger('docs2')\n"
            ">>> log.setLevel(logging.INFO)\n>>> log.addHandler(logging.StreamHandler(sys.stdout))"
        ),
        py("log.info('第一轮结束')", "第一轮结束"),
        py(">>> log.info('第二轮结束')\n第二轮结束"),
    ),
    "docs/c3_log_stderr.md": page(
        py(LOGGER.replace("'docs'", "'docs3'") + "log.addHandler(logging.StreamHandler())"),
        py("log.info('写到标准错误')"),
    ),
    "docs/d1_patch_doctest.md": page(
        py(
            "import doctest\n\ndoctest.OutputChecker.check_output = lambda *args: True\n"
            "doctest.DocTestRunner.report_failure = lambda *args: None"
        ),
        py(">>> 1 + 1\n3"),
        py("print(1)", "2"),
    ),
    "docs/d2_patch_harness.md": page(
        py(PATCH_HARNESS),
        py(">>> 2 + 2\n5"),
        py("import warnings\n\nwarnings.warn('old_api() is deprecated', DeprecationWarning)"),
        py("import sys\n\nprint('噪声', file=sys.stderr)"),
    ),
    "docs/d3_patch_parser.md": page(
        py("import doctest\n\ndoctest.DocTestParser.get_examples = lambda *args, **kwargs: []"),
        py(">>> 1 + 1\n3"),
    ),
    "docs/a2_snippet_hangs.md": page(
        py('--8<-- "snippets/x/attack.py:hang"', marker="<!-- timeout: 3 测试：会卡住 -->")
    ),
    "docs/e1_long_code.md": page(py("print('x' * 100_000_000)", "x")),
    "docs/e2_long_doctest.md": page(py(">>> print('line\\n' * 5_000_000)\nline")),
    "docs/e3_long_fd.md": page(py("import os\n\nos.write(1, b'w' * 30_000_000)")),
}
FAILING = {
    "d3_patch_parser": ["1 examples on the page, 0 reported by its process"],
    "a2_snippet_hangs": [
        "docs/a2_snippet_hangs.md, line 4: the block did not finish within its time limit",
        'File "snippets/x/attack.py", line 18',
    ],
    "c1_log_unshown": [
        "docs/c1_log_unshown.md, line 11: this block prints, but the page shows no output",
        "第一轮结束",
    ],
    "c3_log_stderr": [
        "docs/c3_log_stderr.md, line 11: the block wrote to standard error",
        "写到标准错误",
    ],
    "d1_patch_doctest": [
        'File "docs/d1_patch_doctest.md", line 11',
        "Expected:\n    3\nGot:\n    2",
        "docs/d1_patch_doctest.md, line 19: the 输出 block does not match",
    ],
    "d2_patch_harness": [
        'File "docs/d2_patch_harness.md", line 14',
        "Expected:\n    5\nGot:\n    4",
        "the example triggers a deprecation warning",
        "DeprecationWarning: old_api() is deprecated",
        "does not show:\n噪声",
    ],
    "e1_long_code": [
        "docs/e1_long_code.md, line 3: the block printed 95.4 MB (100000001 "
        "characters); a page cannot show that much"
    ],
    "e2_long_doctest": ["docs/e2_long_doctest.md, line 4: the example printed 23.8 MB"],
    "e3_long_fd": [
        "docs/e3_long_fd.md, line 3: the block printed outside Python's sys.stdout",
        "characters left out",
    ],
}
# VmHWM, not ru_maxrss (which keeps the parent's peak across fork and exec), taken before the
# harness's own sessionfinish imports torch to describe the device.
PEAK_PLUGIN = """\
from pathlib import Path

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    status = Path("/proc/self/status").read_text()
    peak_kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    Path("peak_rss.txt").write_text(str(int(peak_kb) // 1024))
"""


@pytest.fixture(scope="module")
def page_run(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("blocks"), PAGES, {"peak.py": PEAK_PLUGIN})
    make_snippets(site)
    before = snapshot(site)
    temp = tmp_path_factory.mktemp("tmpdir")
    result = run_pytest(site, "-p", "peak", "docs", env={"TMPDIR": str(temp)})
    result.site, result.before, result.temp = site, before, temp
    return result


def sections(stdout: str) -> dict[str, str]:
    """Each failure's report, by page name."""
    found: dict[str, str] = {}
    parts = re.split(r"^_{3,} (\S+?)\.md line=\d+ column=\d+ _{3,}$", stdout, flags=re.M)
    for name, text in zip(parts[1::2], parts[2::2], strict=True):
        found[name] = found.get(name, "") + text.split("\n====")[0]
    return found


@pytest.mark.slow  # one pytest subprocess over the pages above
def test_an_included_snippet_cannot_touch_the_repository(page_run):
    assert "FAILED docs/a1_snippet_attack.md" not in page_run.stdout, page_run.stdout[-3000:]
    assert snapshot(page_run.site) == page_run.before


@pytest.mark.slow  # one pytest subprocess over the pages above
def test_each_page_has_its_own_temp_dir_removed_with_it(page_run):
    for name in ("b1_temp_write", "b2_temp_read"):
        assert f"FAILED docs/{name}.md" not in page_run.stdout
    assert not list(page_run.temp.rglob("docs-h2-left"))
    assert not list(page_run.temp.glob("docs-page-*"))


@pytest.mark.slow  # one pytest subprocess over the pages above
def test_logging_set_up_in_one_block_is_checked_in_the_next(page_run):
    assert "FAILED docs/c2_log_shown.md" not in page_run.stdout


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failures_a_page_cannot_hide(page_run, name):
    assert f"FAILED docs/{name}.md::line:" in page_run.stdout
    report = sections(page_run.stdout)[name]
    for message in FAILING[name]:
        assert message in report


@pytest.mark.slow  # one pytest subprocess over the pages above
def test_long_output_fails_with_a_short_report_and_spares_pytest(page_run):
    found = sections(page_run.stdout)
    for name in ("e1_long_code", "e2_long_doctest", "e3_long_fd"):
        assert len(found[name]) < 30_000, (name, len(found[name]))
    peak_mb = int((page_run.site / "peak_rss.txt").read_text())
    assert peak_mb < 100, f"the pytest process peaked at {peak_mb} MB"


@pytest.mark.slow  # one pytest subprocess over the pages above
def test_only_the_expected_pages_fail(page_run):
    failed = set(re.findall(r"^FAILED docs/(\S+?)\.md::", page_run.stdout, flags=re.M))
    assert failed == set(FAILING), page_run.stdout[-5000:]


# --- red team (rt) ---------------------------------------------------------------------------
def test_docs_update_may_write_an_output_block_line_that_starts_with_dots():
    """Only under a >>> example is a line starting with "..." unwritable (doctest reads it as
    code); the 输出 path refused it too, so docs-update left such an output by hand."""
    block = only_block(page(py("print('... 然后继续')", "旧的")))
    verdict = judge.judge(block, printed_outcome("... 然后继续\n"), [], True)
    [difference] = verdict.differences
    assert difference.problem is None and verdict.failure is None


def test_the_update_summary_lists_a_refused_rewrite_once(tmp_path):
    from harness import outputs, plugin
    from harness.run_state import Run

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text(page(py("print(1)", "2")), encoding="utf-8")
    run = Run(tmp_path, "cpu", 1, update=True)
    [difference] = judge.judge(
        only_block((tmp_path / "docs" / "p.md").read_text(encoding="utf-8")),
        printed_outcome("1\n"),
        [],
        True,
    ).differences
    difference.got = "进度\r1\n"  # what rewrite() refuses late, after judging
    run.findings.differences.append(difference)
    run.rewritten, run.stale = outputs.rewrite(tmp_path, run.findings.differences)
    lines: list[str] = []
    reporter = type("Reporter", (), {"write_line": lambda self, line, **kw: lines.append(line)})
    plugin._update_summary(reporter(), run)
    by_hand = [line for line in lines if "docs/p.md, line 8" in line]
    assert len(by_hand) == 1 and "carriage return" in by_hand[0], lines


def printed_outcome(text: str) -> Outcome:
    return Outcome(printed=Printed(text, "", len(text)))


def test_output_written_between_two_blocks_fails_the_next_one(tmp_path):
    """red team (rt): what a thread or a process wrote while pytest judged the last block was
    read and dropped when the next block began."""

    class Pending:  # the page's fd files, holding what came between the blocks
        def __init__(self):
            self.waiting = {1: Printed("late from a thread\n", "", 19), 2: Printed()}

        def new_output(self):
            found, self.waiting = self.waiting, {1: Printed(), 2: Printed()}
            return found

    block = only_block(page(py("x = 1")))
    state = run_block.PageState(tmp_path, tmp_path, stdio=Pending())  # type: ignore[arg-type]
    outcome = run_block.run(block, {}, state)
    assert outcome.between.text == "late from a thread\n"
    failure = judge.judge(block, outcome, [], False).failure or ""
    assert "output was written after the previous block had finished" in failure
    assert "late from a thread" in failure


@pytest.mark.slow  # a pytest subprocess, with the site's root on PYTHONPATH as a reader's may be
def test_a_page_cannot_import_the_repositorys_own_files(tmp_path):
    """red team (rt): with the repository on sys.path, `import snippets.x.tool` ran the real
    file, which wrote beside itself into the repository (and the cache never hashed it)."""
    tool = (
        "from pathlib import Path\n\n"
        "def save_beside_me():\n"
        "    (Path(__file__).parent / 'written-by-the-page.txt').write_text('oops')\n"
    )
    code = "import snippets.x.tool as tool\n\ntool.save_beside_me()"
    site = make_site(tmp_path, {"docs/p.md": page(py(code))}, {"snippets/x/tool.py": tool})
    result = run_pytest(site, "docs/p.md", env={"PYTHONPATH": str(site)})
    assert result.returncode == 1
    assert "ModuleNotFoundError: No module named 'snippets'" in result.stdout
    assert not (site / "snippets" / "x" / "written-by-the-page.txt").exists()
