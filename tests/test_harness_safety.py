"""The harness is safe and exact by construction: every case here once broke it.

Each case is a page in a throw-away copy of the site (tests/sites.py), run by pytest in this
process (pytester; the pages run in their own processes as always), so a regression can only
harm that copy; the runs that are interrupted or killed are real pytest or nox subprocesses.  Pages whose names start with a
letter run in that order.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.sites import ROOT, make_site, module_pytester, run_inprocess, run_pytest

FENCE = "```"


def page(*blocks: str) -> str:
    return "# t\n\n" + "\n\n".join(blocks) + "\n"


def py(code: str, output: str | None = None, marker: str = "", lang: str = "python") -> str:
    text = (f"{marker}\n" if marker else "") + f"{FENCE}{lang}\n{code.strip()}\n{FENCE}"
    if output is not None:
        text += f'\n\n{FENCE}text title="输出"\n{output.strip()}\n{FENCE}'
    return text


# The edge run's own temp directory (TMPDIR), so no other run's scratch folders count.
EDGE_TMP = Path(tempfile.mkdtemp(prefix="docs-harness-test-"))
SENTINEL = EDGE_TMP / "sentinel"

# --- one run over many pages: what each page must make the harness say --------------------
SNIPPET = """\
# --8<-- [start:indented]
def shout(word):
    # --8<-- [start:body]
    print(word.upper())
    # --8<-- [end:body]
# --8<-- [end:indented]

# --8<-- [start:twice]
print("first part")
# --8<-- [end:twice]
# --8<-- [start:twice]
print("second part")
# --8<-- [end:twice]

# --8<-- [end:only-end]

# --8<-- [start:only-start]
print("to the end of the file")
"""
FILE_SNIPPET = "# --8<-- [start:where]\nfrom pathlib import Path\n\nprint(Path(__file__).name)\n# --8<-- [end:where]\n"

PAGES = {
    # Safety: nothing outside the harness's scratch folders is deleted; cwd comes back.
    "docs/a01_chdir.md": page(
        py(f"import os\nos.makedirs({str(SENTINEL)!r}, exist_ok=True)\nos.chdir('..')"),
        py("import os\nos.chdir(os.path.expanduser('~'))"),
        py(
            "from pathlib import Path\nprint(Path.cwd().name, Path.cwd().parent.name[:10])",
            "cwd docs-page-",
        ),
    ),
    "docs/a02_keyboard_interrupt.md": page(py("raise KeyboardInterrupt"), py(">>> 1 + 1\n2")),
    "docs/a03_exit.md": page(py("import sys\nsys.exit(3)"), py(">>> 2 + 2\n4")),
    # No silent end: os._exit ends the page's process, not the run.
    "docs/a04_os_exit.md": page(py(">>> 1\n1"), py("import os\nos._exit(0)"), py(">>> 3\n3")),
    # Time limits.
    "docs/a05_hang.md": page(
        py(
            "import time\n\ndef wait_forever():\n    time.sleep(3600)\n\nwait_forever()",
            marker="<!-- timeout: 3 测试：会卡住 -->",
        ),
        py(">>> 5\n5"),
    ),
    "docs/a06_thread_left.md": page(
        py(
            "import threading, time\n\ndef chatter():\n    while True:\n        print('noise')\n"
            "        time.sleep(0.01)\n\nthreading.Thread(target=chatter, daemon=True).start()"
        )
    ),
    "docs/a07_child_left.md": page(
        py(
            "import subprocess\nchild = subprocess.Popen(['sleep', '300'])\n"
            f"open({str(SENTINEL)!r} + '.pid', 'w').write(str(child.pid))"
        )
    ),
    "docs/a08_after_leaks.md": page(py(">>> print('quiet')\nquiet")),
    "docs/a09_hang_doctest.md": page(
        py(">>> import time\n>>> time.sleep(3600)", marker="<!-- timeout: 3 测试：会卡住 -->")
    ),
    "docs/a10_escaped_session.md": page(
        py(
            "import subprocess\nchild = subprocess.Popen(['sleep', '301'], start_new_session=True)\n"
            f"open({str(SENTINEL)!r} + '.escaped', 'w').write(str(child.pid))"
        )
    ),
    "docs/a11_crash_at_release.md": page(
        py(
            "class Fragile:\n    def __del__(self):\n        import ctypes\n        ctypes.string_at(0)\n\n"
            "fragile = Fragile()"
        )
    ),
    "docs/a12_late_output.md": page(
        py("import threading\nthreading.Timer(0.5, print, ['too late']).start()")
    ),
    "docs/a13_decorated_thread.md": page(
        py(
            "import threading, time, torch\n\n@torch.no_grad()\ndef serve():\n    while True:\n"
            "        time.sleep(0.1)\n\nthreading.Thread(target=serve, daemon=True).start()"
        )
    ),
    "docs/a14_main_module.md": page(
        py(
            "import pickle\n\nclass Point:\n    def __init__(self, x):\n        self.x = x\n\n"
            "print(pickle.loads(pickle.dumps(Point(1))).x)",
            "1",
        ),
        py(
            ">>> class Pair:\n...     pass\n>>> type(pickle.loads(pickle.dumps(Pair()))).__name__\n'Pair'"
        ),
    ),
    "docs/a15_executor.md": page(
        py(
            "from concurrent.futures import ThreadPoolExecutor\n\npool = ThreadPoolExecutor(2)\n"
            "print(pool.submit(sum, [1, 2]).result())",
            "3",
        )
    ),
    "docs/deep/er/e01_bom.md": "\ufeff" + py(">>> 1 + 1\n3"),
    "docs/e02_other_extension.markdown": page(py(">>> 2 + 2\n5")),
    "docs/e03_only_ellipsis.md": page(py("print(3)", "...")),
    # Output streams.
    "docs/b01_stderr.md": page(py("import sys\nprint('oops', file=sys.stderr)")),
    "docs/b02_stderr_marked.md": page(
        py("import sys\nprint('10%|█', file=sys.stderr)", marker="<!-- stderr: 演示进度条 -->")
    ),
    "docs/b03_fd_writes.md": page(
        py("import os\nos.write(2, b'from C\\n')"),
        py("import subprocess\nsubprocess.run(['echo', 'child says hi'])"),
    ),
    # No silent pass: every Python alias, blockquotes, empty fences, marker spellings.
    "docs/c01_aliases.md": page(
        py(">>> 1 + 1\n3", lang="py3"),
        py("%timeit 1 + 1", lang="ipython"),
        "> " + py(">>> 2 + 2\n5").replace("\n", "\n> "),
        py(">>> 3 + 3\n6", lang="sage", marker="<!-- norun: 测试：其他别名可以标记不运行 -->"),
    ),
    "docs/c02_empty.md": page(py("\n")),
    "docs/c03_fullwidth.md": page(
        py("import tensorflow", marker="<!-- norun：测试：全角冒号 -->"),
        py("import tensorflow", marker="<!-- norun 忘了冒号 -->"),
        py("import tensorflow", marker="<!-- gpu-only -->"),
        py(">>> 1\n1", marker="<!-- Gpu_Only：需要 GPU -->"),
    ),
    "docs/c04_stray.md": page(
        "<!-- norun: 和代码块之间隔着文字 -->\n\n这里有一段文字。\n\n" + py(">>> 1\n1"),
        "<!-- norun: bash 本来就不运行 -->\n" + f"{FENCE}bash\nls\n{FENCE}",
        "<!-- 普通注释不是标记 -->\n" + py(">>> 2\n2"),
    ),
    # Includes run exactly what the site renders.
    "docs/d01_includes.md": page(
        py('--8<-- "snippets/t/parts.py:indented"\n\nshout("hi")', "HI"),
        py("word = 'yo'\n--8<-- 'snippets/t/parts.py:body'", "YO"),
        py('--8<-- "snippets/t/where.py:where"', "where.py"),
    ),
    "docs/d02_twice.md": page(py('--8<-- "snippets/t/parts.py:twice"', "first part")),
    "docs/d03_only_end.md": page(py('--8<-- "snippets/t/parts.py:only-end"')),
    "docs/d04_only_start.md": page(py('--8<-- "snippets/t/parts.py:only-start"')),
    "docs/d05_block_form.md": page(py("--8<--\nsnippets/t/where.py\n--8<--")),
}
SNIPPETS = {"snippets/t/parts.py": SNIPPET, "snippets/t/where.py": FILE_SNIPPET}

EXPECTED = {
    "a01_chdir": [],  # passes: the third block prints the scratch folder's name
    "a02_keyboard_interrupt": [
        "line 3: the block raised an error the page does not expect",
        "KeyboardInterrupt",
    ],
    "a03_exit": ["line 3: the block raised an error", "SystemExit: 3"],
    "a04_os_exit": [
        "docs/a04_os_exit.md, line 8: the page's Python process ended while this "
        "block ran (exit code 0)",
        "docs/a04_os_exit.md, line 13: not run: the page's process ended at line 8",
    ],
    "a05_hang": [
        "docs/a05_hang.md, line 4: the block did not finish within its time limit of 3 s",
        'File "docs/a05_hang.md", line 8',
        'File "docs/a05_hang.md", line 10',
        "docs/a05_hang.md, line 13: not run: the page's process was stopped at line 4",
    ],
    "a06_thread_left": [
        "docs/a06_thread_left.md: the page did not end cleanly",
        "threads still running after the page's objects were freed: Thread-1 "
        "(chatter) (daemon, runs chatter in a06_thread_left.md)",
    ],
    "a07_child_left": [
        "docs/a07_child_left.md: the page did not end cleanly",
        "child processes still running",
        "sleep 300",
    ],
    "a09_hang_doctest": [
        'File "docs/a09_hang_doctest.md", line 6',
        "docs/a09_hang_doctest.md, line 4: the block did not finish",
    ],
    "a10_escaped_session": [
        "docs/a10_escaped_session.md: the page did not end cleanly",
        "sleep 301",
    ],
    "a11_crash_at_release": [
        "docs/a11_crash_at_release.md: the page did not end cleanly",
        "hung or crashed while the page's objects were being freed",
    ],
    "a12_late_output": [
        "docs/a12_late_output.md: the page did not end cleanly",
        "output written after its last block",
        "too late",
    ],
    "a13_decorated_thread": [
        "docs/a13_decorated_thread.md: the page did not end cleanly",
        "runs serve in a13_decorated_thread.md",
    ],
    "deep/er/e01_bom": ['File "docs/deep/er/e01_bom.md", line 2', "Expected:\n    3\nGot:\n    2"],
    "e02_other_extension": ['File "docs/e02_other_extension.markdown", line 4'],
    "e03_only_ellipsis": ['an 输出 block that shows only "..." checks nothing'],
    "b01_stderr": ["docs/b01_stderr.md, line 3: the block wrote to standard error", "oops"],
    "b03_fd_writes": [
        "docs/b03_fd_writes.md, line 3: the block wrote to standard error",
        "from C",
        "docs/b03_fd_writes.md, line 8: the block printed outside Python's sys.stdout",
        "child says hi",
    ],
    "c01_aliases": [
        'File "docs/c01_aliases.md", line 4',
        "Expected:\n    3\nGot:\n    2",
        "docs/c01_aliases.md, line 8: a ```ipython block is shown as Python but the "
        "harness runs only py, py3, pycon, python, python3 blocks",
        'File "docs/c01_aliases.md", line 13',
        "Expected:\n    5\nGot:\n    4",
    ],
    "c02_empty": ["docs/c02_empty.md, line 3: an empty python block"],
    "c03_fullwidth": [
        "docs/c03_fullwidth.md, line 9: marker <!-- norun 忘了冒号 --> at line 8 "
        "needs a colon after its name",
        "docs/c03_fullwidth.md, line 14: <!-- gpu-only --> at line 13 needs a reason",
    ],
    "c04_stray": [
        "docs/c04_stray.md, line 3: <!-- norun --> at line 3 is not right before a python block",
        "docs/c04_stray.md, line 13: <!-- norun --> at line 12 is before a ```bash block",
    ],
    "d02_twice": ["section 'twice' in snippets/t/parts.py starts twice (lines 8 and 11)"],
    "d03_only_end": [
        "section 'only-end' in snippets/t/parts.py has an end marker (line 15) but no start marker"
    ],
    "d04_only_start": [
        "section 'only-start' in snippets/t/parts.py starts at line 17 but has no "
        "end marker after it"
    ],
    "d05_block_form": ["docs/d05_block_form.md, line 4: the block form of --8<-- is not supported"],
}
PASSING = {
    "a01_chdir",
    "a08_after_leaks",
    "a14_main_module",
    "a15_executor",
    "b02_stderr_marked",
    "d01_includes",
}


@pytest.fixture(scope="module")
def tester(request, tmp_path_factory):
    return module_pytester(request, tmp_path_factory)


@pytest.fixture(scope="module")
def edge_run(tester, tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("edges"), PAGES, SNIPPETS)
    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    Path(str(SENTINEL) + ".pid").unlink(missing_ok=True)
    started = time.monotonic()
    result = run_inprocess(tester, site, "docs", env={"TMPDIR": str(EDGE_TMP)})
    result.seconds = time.monotonic() - started
    result.site = site
    return result


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_fails_naming_page_and_line(edge_run, name):
    out = edge_run.stdout
    if name in PASSING:
        assert f"docs/{name}.md::" not in out.split("short test summary info")[-1], out[-3000:]
        return
    for message in EXPECTED[name]:
        assert message in out, f"{name}: expected {message!r} in the report"


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
def test_pages_that_do_right_pass(edge_run):
    summary = edge_run.stdout.split("short test summary info")[-1]
    for name in PASSING:
        assert f"docs/{name}.md" not in summary


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
def test_nothing_outside_the_scratch_folders_is_deleted(edge_run):
    site = edge_run.site
    assert (site / ".git").is_dir() and (site / "docs" / "a01_chdir.md").is_file()
    assert SENTINEL.is_dir()  # the page's own folder beside the scratch folders survived
    assert Path.home().is_dir() and any(Path.home().iterdir())
    assert not list(EDGE_TMP.glob("docs-page-*")), "scratch folders left"


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
def test_hung_example_stopped_within_its_limit_and_run_goes_on(edge_run):
    assert edge_run.seconds < 240
    assert "docs/a08_after_leaks.md" not in edge_run.stdout.split("short test summary info")[-1]


def _gone(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
@pytest.mark.parametrize("suffix", [".pid", ".escaped"])  # in the page's session, and not
def test_leftover_child_process_is_stopped(edge_run, suffix):
    pid = int(Path(str(SENTINEL) + suffix).read_text())
    time.sleep(0.5)
    assert _gone(pid)


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
def test_collect_only_is_not_a_failure(edge_run, tester):
    result = run_inprocess(
        tester, edge_run.site, "--collect-only", "docs", env={"TMPDIR": str(EDGE_TMP)}
    )
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
def test_a_page_whose_process_died_is_not_recorded_but_others_are(edge_run):
    record = json.loads((edge_run.site / "verification" / "cpu.json").read_text(encoding="utf-8"))
    assert record["format"] == 3
    assert record["pages"]["docs/a04_os_exit.md"]["failed"] == 2
    assert record["pages"]["docs/a08_after_leaks.md"]["passed"] == 1
    assert edge_run.returncode == 1


@pytest.mark.slow  # one run over every edge-case page (≈15 s)
def test_fullwidth_norun_and_gpu_only_markers_are_recognised(edge_run):
    out = edge_run.stdout
    assert "c03_fullwidth.md::line:4" not in out  # full-width colon: not collected, by its reason
    assert (
        "GPU-only example (docs/c03_fullwidth.md, line 19)" in out
        or "c03_fullwidth.md::line:19" not in out.split("short test summary info")[-1]
    )


# --- isolation: the same output whatever ran before ------------------------------------------
POLLUTER = page(
    py("""
import os, sys, warnings
import numpy as np
import torch
import matplotlib
import matplotlib.pyplot as plt

torch.set_default_dtype(torch.float64)
torch.set_printoptions(precision=2)
torch.set_grad_enabled(False)
torch.use_deterministic_algorithms(True)
torch.autograd.set_detect_anomaly(True)
torch.set_num_threads(3)
np.set_printoptions(precision=1)
warnings.simplefilter("error")
os.environ["DOCS_LEAK"] = "1"
sys.path.insert(0, "/leak")
matplotlib.rcParams["lines.linewidth"] = 9
plt.figure()
big = torch.ones(100_000_000, dtype=torch.float32)  # 400 MB
with open("snippets_leak.py", "w") as module:  # a module of the page's own
    module.write("LEAK = True\\n")
sys.path.insert(0, os.getcwd())
import snippets_leak
""")
)
CHECKER = page(
    py("""
>>> import os, sys, warnings
>>> import numpy as np
>>> import torch
>>> import matplotlib
>>> import matplotlib.pyplot as plt
>>> torch.get_default_dtype(), torch.tensor([1/3])
(torch.float32, tensor([0.3333]))
>>> torch.is_grad_enabled(), torch.are_deterministic_algorithms_enabled()
(True, False)
>>> torch.is_anomaly_enabled(), torch.get_num_threads()   # the harness's fixed thread count
(False, 1)
>>> np.array([1/3])
array([0.33333333])
>>> "DOCS_LEAK" in os.environ, "/leak" in sys.path, "snippets_leak" in sys.modules
(False, False, False)
>>> matplotlib.rcParams["lines.linewidth"], plt.get_fignums()
(1.5, [])
>>> warnings.warn("only a warning", RuntimeWarning)
""")
)


@pytest.fixture(scope="module")
def isolation_site(tmp_path_factory):
    site = make_site(
        tmp_path_factory.mktemp("isolation"),
        {"docs/polluter.md": POLLUTER, "docs/checker.md": CHECKER},
    )
    return site


@pytest.mark.parametrize(
    "order",
    [
        ["docs/polluter.md", "docs/checker.md"],
        ["docs/checker.md", "docs/polluter.md"],
        ["docs/checker.md"],
    ],
)
def test_a_page_starts_pristine_whatever_ran_before(isolation_site, tester, order):
    result = run_inprocess(tester, isolation_site, *order)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{len(order)} passed" in result.stdout


def test_a_page_releases_its_memory(isolation_site, tester):
    result = run_inprocess(tester, isolation_site, "docs/polluter.md", "docs/checker.md")
    memory = re.search(
        r"the pytest process used (\d+) MB before the first page and (\d+) MB after", result.stdout
    )
    peak = re.search(r"largest: docs/polluter.md, peak (\d+) MB", result.stdout)
    assert memory and peak, result.stdout
    assert int(peak.group(1)) > 400  # the 400 MB tensor lived in the page's own process
    assert int(memory.group(2)) - int(memory.group(1)) < 50  # and never in pytest's


def test_update_never_writes_a_leak_into_a_correct_page(isolation_site, tester):
    before = (isolation_site / "docs" / "checker.md").read_bytes()
    result = run_inprocess(
        tester, isolation_site, "docs/polluter.md", "docs/checker.md", "--docs-update"
    )
    assert "docs-update: rewrote 0 shown outputs" in result.stdout, result.stdout[-2000:]
    assert (isolation_site / "docs" / "checker.md").read_bytes() == before


# --- docs-update keeps every byte it does not change -------------------------------------------
def test_update_keeps_line_endings_and_unicode_line_separators(tmp_path, pytester):
    right = page(
        "第一段\u2028同一段里的换行符 U+2028。",
        py(">>> print('好')\n好"),
        py("print(1)\nprint(2)", "1\n2"),
    )
    wrong = right.replace("好\n```", "坏\n```").replace("1\n2\n```", "1\n3\n```")
    crlf_right, crlf_wrong = right.replace("\n", "\r\n"), wrong.replace("\n", "\r\n")
    site = make_site(tmp_path, {})
    (site / "docs").mkdir(exist_ok=True)
    (site / "docs" / "crlf.md").write_bytes(crlf_wrong.encode())
    (site / "docs" / "lf.md").write_bytes(wrong.encode())
    result = run_inprocess(pytester, site, "docs", "--docs-update")
    assert "rewrote 4 shown outputs in 2 pages" in result.stdout, result.stdout[-3000:]
    assert (site / "docs" / "crlf.md").read_bytes() == crlf_right.encode()
    assert (site / "docs" / "lf.md").read_bytes() == right.encode()


# --- interruptions: Ctrl+C and SIGTERM leave the checkout whole ------------------------------
SLOW_PAGE = page(py(">>> 1\n1"), py("import time\ntime.sleep(120)"))


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".nox" not in p.parts and "verification" not in p.parts
    }


def _wait_for_page_process(temp: Path, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if list(temp.glob("docs-page-*/stack.txt")):  # made by the page's own process
            time.sleep(3)  # let the page get into its sleep
            return True
        time.sleep(0.2)
    return False


def _as_in_a_terminal() -> None:
    """Ctrl+C reaches the run as in a terminal, even when these tests were started in the
    background (`cmd &` in a script), where SIGINT is ignored and the children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _scratch_clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    for name in [
        "tests",
        "noxfile.py",
        "conftest.py",
        "hooks",
        "sitekit",
    ]:  # the harness as it is now
        subprocess.run(["cp", "-r", str(ROOT / name), str(clone)], check=True)
    for old in (clone / "docs").glob("*.md"):
        old.unlink()
    (clone / "docs" / "slow.md").write_text(SLOW_PAGE, encoding="utf-8")
    (clone / "docs" / "uncommitted.md").write_text("# 还没提交的页面\n", encoding="utf-8")
    (clone / ".nox").symlink_to(ROOT / ".nox")  # the shared environment, as on a real machine
    return clone


@pytest.mark.slow  # a real nox run
@pytest.mark.skipif(
    not (ROOT / ".nox" / "docs-env" / "bin" / "python").exists(),
    reason="needs the nox environment (nox -s docs-test makes it)",
)
def test_ctrl_c_during_nox_docs_test_leaves_the_clone_intact(tmp_path):
    clone = _scratch_clone(tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    before = _tree(clone)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    # faulthandler_timeout: if the run hangs after Ctrl+C, pytest prints where (before the
    # page's 120 s sleep would end on its own, which would mean the Ctrl+C was lost).
    nox = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nox",
            "-s",
            "docs-test",
            "--",
            "docs",
            "-o",
            "faulthandler_timeout=60",
        ],
        cwd=clone,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
        env=dict(env, TMPDIR=str(temp)),
        preexec_fn=_as_in_a_terminal,
    )
    try:
        assert _wait_for_page_process(temp), "the page never started"
        os.killpg(nox.pid, signal.SIGINT)  # what a terminal does on Ctrl+C
        try:
            output, _ = nox.communicate(timeout=100)
        except subprocess.TimeoutExpired as hung:
            said = hung.output.decode() if isinstance(hung.output, bytes) else hung.output
            pytest.fail(f"nox did not end within 100 s of Ctrl+C; it printed:\n{said}")
    finally:
        if nox.poll() is None:
            os.killpg(nox.pid, signal.SIGKILL)
    assert nox.returncode != 0
    assert "KeyboardInterrupt" in output or "Interrupted" in output, output[-2000:]
    assert _tree(clone) == before
    assert (clone / ".git" / "HEAD").is_file()
    assert not list(temp.glob("docs-page-*")), "scratch folders left"


def _start_pytest(site: Path, temp: Path, *args: str, stdout: int) -> subprocess.Popen:
    """A real pytest process over a throw-away site (signals need one), its scratch in temp."""
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        DOCS_DEVICE="cpu",
        CUDA_VISIBLE_DEVICES="",
        TMPDIR=str(temp),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(site),
         *args],
        cwd=site, env=env, stdout=stdout, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


@pytest.mark.slow  # a pytest subprocess, sent SIGTERM
def test_sigterm_stops_the_run_and_cleans_up(tmp_path):
    """An interrupted docs-update too: it must not rewrite the wrong output it already saw."""
    site = make_site(tmp_path / "site", {"docs/slow.md": SLOW_PAGE.replace(">>> 1\n1", ">>> 1\n2")})
    temp = tmp_path / "tmp"
    temp.mkdir()
    before = _tree(site)
    run = _start_pytest(site, temp, "--docs-update", "docs", stdout=subprocess.PIPE)
    try:
        assert _wait_for_page_process(temp), "the page never started"
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode != 0
    assert "never reported" in output, output[-2000:]
    assert "no page was rewritten" in output
    assert _tree(site) == before
    assert not list(temp.glob("docs-page-*")), "scratch folders left"


KILLED_PAGE = page(
    py(
        "import subprocess, time\n"
        "child = subprocess.Popen(['sleep', '302'], start_new_session=True)\n"
        "open('../pids', 'w').write(f'{child.pid}')\ntime.sleep(120)"
    )
)


@pytest.mark.slow  # a pytest subprocess, killed
def test_kill_9_of_pytest_takes_the_pages_and_their_children_along(tmp_path):
    site = make_site(tmp_path / "site", {"docs/killed.md": KILLED_PAGE})
    temp = tmp_path / "tmp"
    temp.mkdir()
    run = _start_pytest(site, temp, "docs", stdout=subprocess.DEVNULL)
    try:
        assert _wait_for_page_process(temp), "the page never started"
        [pids] = list(temp.glob("docs-page-*/pids"))
        child = int(pids.read_text())
        page_pid = int(next(p.name for p in Path("/proc").glob("[0-9]*") if _cwd_in(p, temp)))
        run.kill()
        run.wait(30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (_gone(child) and _gone(page_pid)):
            time.sleep(0.2)
    finally:
        if run.poll() is None:
            run.kill()
    assert _gone(page_pid) and _gone(child)


def _cwd_in(proc: Path, folder: Path) -> bool:
    try:
        return os.readlink(proc / "cwd").startswith(str(folder))
    except OSError:
        return False


@pytest.mark.slow  # a pytest subprocess (the fork server must start in it)
def test_a_deep_tmpdir_still_starts_the_fork_server(tmp_path):
    """Its socket path would pass the 107 bytes a Unix socket allows ("AF_UNIX path too long",
    an INTERNALERROR before any page ran, as under pytest-xdist's deeper tmp_path)."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    site = make_site(tmp_path / "site", {"docs/one.md": page(py(">>> 1 + 1\n2"))})
    result = run_pytest(site, "docs", env={"TMPDIR": str(deep)})
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout
    assert not list(deep.glob("docs-page-*")), "scratch folders left"
