"""The harness must fail loudly; these tests watch it fail on purpose-made pages."""

from __future__ import annotations

import json

import pytest

from harness.plugin import site_sybil
from pagekit import records
from pagekit.fences import find_fences
from pagekit.records import DriftPage, DriftRecord
from sitekit import report, verification
from tests.sites import (
    FIXTURES,
    ROOT,
    make_site,
    module_pytester,
    rendered_python_blocks,
    run_build,
    run_inprocess,
    run_pytest,
)

EVERY_FENCE = (FIXTURES / "every_fence_kind.md").read_text(encoding="utf-8")
DEMO_SNIPPET = (FIXTURES / "demo_snippet.py").read_text(encoding="utf-8")
SNIPPETS = {"snippets/demo/demo_snippet.py": DEMO_SNIPPET}


@pytest.fixture
def fence_site(tmp_path):
    return make_site(tmp_path, {"docs/index.md": EVERY_FENCE}, SNIPPETS)


def test_every_fence_kind_is_collected_and_passes(fence_site, pytester):
    page = fence_site / "docs" / "index.md"
    rendered = rendered_python_blocks(page, fence_site)
    collected = list(site_sybil(fence_site).parse(page).examples())
    assert (len(rendered), len(collected)) == (9, 8)  # the norun block is not collected

    result = run_inprocess(pytester, fence_site, "docs")
    assert result.returncode == 0, result.stdout
    assert "7 passed, 1 skipped" in result.stdout  # the gpu-only block skips on the CPU
    record = json.loads((fence_site / "verification" / "cpu.json").read_text(encoding="utf-8"))
    assert record["pages"]["docs/index.md"]["passed"] == 7
    assert record["pages"]["docs/index.md"]["partial"] is False


# A page with a wrong output; -k, --deselect or a node id that leaves it out must not record
# the page as passed: its entry is partial, and the site never shows it as verified.
PARTIAL_PAGE = "# t\n\n```python\n>>> 1 + 1\n2\n```\n\n```python\n>>> 2 + 2\n5\n```\n"


@pytest.mark.parametrize(
    "selection",
    [
        ["-k", "line:3", "docs"],
        ["--deselect", "docs/index.md::line:8,column:1", "docs"],
        ["docs/index.md::line:3,column:1"],
    ],
)
def test_a_filtered_run_records_the_page_as_partial_never_verified(tmp_path, pytester, selection):
    site = make_site(tmp_path, {"docs/index.md": PARTIAL_PAGE})
    result = run_inprocess(pytester, site, *selection)
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout
    assert "partial: only some examples of docs/index.md were selected" in result.stdout
    record = json.loads((site / "verification" / "cpu.json").read_text(encoding="utf-8"))
    entry = record["pages"]["docs/index.md"]
    assert (entry["passed"], entry["failed"], entry["partial"]) == (1, 0, True)
    assert record["format"] == 3
    typed = records.read_verification(site / "verification" / "cpu.json")
    result = typed.pages["docs/index.md"]
    assert verification.stamp("cpu", result).verified is False
    assert verification.stamp("cpu", result).partial is True
    assert verification.gpu_passed(typed, "docs/index.md") is None
    whole = run_inprocess(pytester, site, "docs")  # the whole page: its failure is recorded
    entry = json.loads((site / "verification" / "cpu.json").read_text(encoding="utf-8"))["pages"][
        "docs/index.md"
    ]
    assert whole.returncode == 1
    assert (entry["passed"], entry["failed"], entry["partial"]) == (1, 1, False)


# Each broken page, and what its failure must say.  All run in one pytest subprocess.
BROKEN_PAGES = {
    "wrong_doctest_output": (
        "# t\n\nText.\n\n```python\n>>> 1 + 1\n3\n```\n",
        ['File "docs/wrong_doctest_output.md", line 6', "Expected:\n    3\nGot:\n    2"],
    ),
    "wrong_output_block": (
        '# t\n\n```python\nprint("你好")\n```\n\n```text title="输出"\n再见\n```\n',
        ["docs/wrong_output_block.md, line 7: the 输出 block does not match"],
    ),
    "print_without_output": (
        '# t\n\n```python\nprint("shown nowhere")\n```\n',
        ["docs/print_without_output.md, line 3: this block prints, but the page shows no output"],
    ),
    "unexpected_error_in_snippet": (
        '# t\n\n```python\n--8<-- "snippets/x/boom.py:boom"\n```\n',
        [
            "docs/unexpected_error_in_snippet.md, line 3: the block raised an error",
            'File "snippets/x/boom.py", line 4',
        ],
    ),
    "expected_error_is_another": (
        "# t\n\n```python\n>>> import torch\n>>> torch.ones(2, 3).item()\n"
        "Traceback (most recent call last):\n...\nValueError: wrong type on purpose\n```\n",
        [
            'File "docs/expected_error_is_another.md", line 5',
            "RuntimeError: a Tensor with 6 elements cannot be converted to Scalar",
        ],
    ),
    "norun_without_reason": (
        "# t\n\n<!-- norun -->\n```python\nimport tensorflow\n```\n",
        ["docs/norun_without_reason.md, line 4: <!-- norun --> at line 3 needs a reason"],
    ),
    "mistaken_marker": (
        "# t\n\n<!-- skip: next -->\n```python\nimport tensorflow\n```\n",
        ["docs/mistaken_marker.md, line 4: unknown marker <!-- skip -->"],
    ),
    "deprecated_api": (
        "# t\n\n```python\n>>> import torch\n>>> scripted = torch.jit.script(torch.nn.Linear(2, 1))\n```\n",
        [
            "docs/deprecated_api.md, line 3: the example triggers a deprecation warning",
            "FutureWarning: `torch.jit.script` is deprecated",
            "called from docs/deprecated_api.md, line 5)",
        ],
    ),
    "deprecation_in_user_warning": (
        '# t\n\n```python\nimport warnings\n\nwarnings.warn("old_api() will be removed in 3.0")\n```\n',
        [
            "docs/deprecation_in_user_warning.md, line 3: the example triggers a deprecation warning",
            "UserWarning: old_api() will be removed in 3.0",
            "(raised at docs/deprecation_in_user_warning.md, line 6)",
        ],
    ),
    "warns_but_silent": (
        "# t\n\n<!-- warns: FutureWarning 演示弃用警告 -->\n```python\n>>> 1 + 1\n2\n```\n",
        [
            "docs/warns_but_silent.md, line 4: <!-- warns: FutureWarning --> at line 3, "
            "but the block raised no FutureWarning"
        ],
    ),
    "warns_without_reason": (
        "# t\n\n<!-- warns: FutureWarning -->\n```python\n>>> 1 + 1\n2\n```\n",
        [
            "docs/warns_without_reason.md, line 4: <!-- warns --> at line 3 needs a warning class and a reason"
        ],
    ),
    "warns_unknown_class": (
        "# t\n\n<!-- warns: ScriptWarning 理由 -->\n```python\n>>> 1 + 1\n2\n```\n",
        [
            "docs/warns_unknown_class.md, line 4: <!-- warns: ScriptWarning --> at line 3: "
            "ScriptWarning is not a warning class"
        ],
    ),
}
# Run with the broken pages; these must pass: the marker's warning is raised, and warnings an
# example records itself are its own business.
PASSING_WARNINGS_PAGE = (
    "# t\n\n<!-- warns: FutureWarning 演示 TorchScript 已不推荐 -->\n```python\n>>> import torch\n"
    ">>> scripted = torch.jit.script(torch.nn.Linear(2, 1))\n```\n\n"
    "<!-- warns: DeprecationWarning|FutureWarning 两个版本的类别不同 -->\n```python\n"
    ">>> scripted = torch.jit.script(torch.nn.Linear(2, 1))\n```\n\n```python\n>>> import warnings\n"
    ">>> with warnings.catch_warnings(record=True) as caught:\n...     warnings.simplefilter('always')\n"
    "...     scripted = torch.jit.script(torch.nn.Linear(2, 1))\n>>> caught[0].category.__name__\n"
    "'FutureWarning'\n```\n\n"
    # Python 3.12+ says this when a process with threads forks (CUDA's threads on a GPU
    # machine, when a DataLoader starts its workers): not an API to replace (harness.warns).
    "```python\n>>> warnings.warn('This process (pid=1) is multi-threaded, use of fork() may '\n"
    "...               'lead to deadlocks in the child.', DeprecationWarning)\n```\n"
)
BOOM = "# --8<-- [start:boom]\nimport torch\n\ntorch.ones(2) @ torch.ones(3)\n# --8<-- [end:boom]\n"

# The two failure reports docs/contributing.md shows, reproduced for real.
CONTRIBUTING_FAILURES = {
    "docs/tensors.md": (
        "# t\n\n```python\n>>> import torch\n```\n"
        + "\n" * 51
        + "```python\n>>> torch.ones(2).tolist()\n[1.0, 2.0]\n```\n"
    ),
    "docs/training.md": (
        "# t\n"
        + "\n" * 21
        + '```python\n--8<-- "snippets/training/linear_regression.py:train"\n```\n'
    ),
    "docs/nn.md": (
        "# t\n" + "\n" * 28 + "```python\n>>> import torch\n"
        ">>> model = torch.jit.script(torch.nn.Linear(4, 2))\n```\n"
    ),
}
LINEAR_REGRESSION = (
    "# --8<-- [start:train]\nimport torch\nfrom torch import nn\n\n"
    "torch.manual_seed(0)\nmodel = nn.Linear(1, 1)\n\n\n\n"
    "print(model.wieght)\n# --8<-- [end:train]\n"
)


@pytest.fixture(scope="module")
def broken_run(request, tmp_path_factory):
    pages = {f"docs/{name}.md": text for name, (text, _) in BROKEN_PAGES.items()}
    pages.update(CONTRIBUTING_FAILURES)
    pages["docs/warns_marked.md"] = PASSING_WARNINGS_PAGE
    snippets = {
        "snippets/x/boom.py": BOOM,
        "snippets/training/linear_regression.py": LINEAR_REGRESSION,
    }
    site = make_site(tmp_path_factory.mktemp("broken"), pages, snippets)
    result = run_inprocess(module_pytester(request, tmp_path_factory), site, "docs")
    result.site = site
    return result


@pytest.mark.parametrize("name", BROKEN_PAGES)
def test_broken_page_fails_naming_page_and_line(broken_run, name):
    assert f"FAILED docs/{name}.md::line:" in broken_run.stdout
    for message in BROKEN_PAGES[name][1]:
        assert message in broken_run.stdout


def test_only_the_broken_pages_fail(broken_run):
    assert broken_run.returncode == 1
    assert f"{len(BROKEN_PAGES) + len(CONTRIBUTING_FAILURES)} failed" in broken_run.stdout


def test_marked_warning_and_recorded_warning_pass(broken_run):
    assert "FAILED docs/warns_marked.md" not in broken_run.stdout
    record = json.loads((broken_run.site / "verification" / "cpu.json").read_text(encoding="utf-8"))
    assert record["pages"]["docs/warns_marked.md"]["passed"] == 4


def test_failure_reports_shown_in_contributing_are_real(broken_run):
    page = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    reports = [f for f in find_fences(page) if f.options.get("title") == "失败报告"]
    assert len(reports) == len(CONTRIBUTING_FAILURES)
    got = {line.strip("_ ") for line in broken_run.stdout.splitlines()}
    for shown in reports:
        for line in shown.body.splitlines():
            if "…" not in line:  # the elided part is a machine's absolute path
                assert line.strip("_ ") in got, (
                    f"contributing.md shows a line the harness never prints: {line}"
                )


@pytest.mark.slow  # a real mkdocs build
def test_missing_snippet_section_fails_tests_and_build(tmp_path, pytester):
    page = '# t\n\n```python\n--8<-- "snippets/demo/demo_snippet.py:nowhere"\n```\n'
    site = make_site(tmp_path, {"docs/index.md": page}, SNIPPETS)
    tests = run_inprocess(pytester, site, "docs")
    assert tests.returncode == 1
    assert "section 'nowhere' not found in snippets/demo/demo_snippet.py" in tests.stdout
    build = run_build(site)
    assert build.returncode != 0
    assert "nowhere" in build.stdout + build.stderr


@pytest.mark.slow  # another device: a pytest subprocess
def test_cuda_session_without_gpu_fails_with_its_message(tmp_path):
    page = "# t\n\n```python\n>>> 1\n1\n```\n"
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs", device="cuda")
    assert result.returncode == 3
    assert "docs-test-cuda: no CUDA GPU is visible" in result.stdout + result.stderr
    assert not (tmp_path / "verification" / "cuda.json").exists()


# docs-update and docs-drift.  OUTPUTS_PAGE is right; OUTPUTS_BROKEN is it with four shown
# outputs changed by hand (a >>> output, one with a blank line, an indented 输出 block in an
# admonition, an expected error's message).  Elisions that still match must stay as they are.
OUTPUTS_PAGE = """# t

```python
>>> import torch
>>> torch.arange(3).tolist()
[0, 1, 2]
>>> torch.__version__
'2...'
>>> print("甲\\n\\n乙")
甲
<BLANKLINE>
乙
```

!!! note "n"

    ```python
    print("第一行")
    print("第二行")
    ```

    ```text title="输出"
    第一行
    第二行
    ```

```python
>>> torch.ones(2, 3).item()
Traceback (most recent call last):
...
RuntimeError: a Tensor with 6 elements cannot be converted to Scalar
>>> torch.ones(3, 4) @ torch.ones(5, 6)
Traceback (most recent call last):
...
RuntimeError: mat1 and mat2 shapes cannot be multiplied (...)
>>> torch.manual_seed(0)
<torch._C.Generator object at 0x...>
```
"""
OUTPUTS_BROKEN = (
    OUTPUTS_PAGE.replace("[0, 1, 2]", "[0, 1, 3]")
    .replace("<BLANKLINE>\n乙", "<BLANKLINE>\n丙")
    .replace("    第二行\n    ```", "    第三行\n    ```")
    .replace("6 elements", "7 elements")
)
NOW_RAISES = (
    "# t\n\n```python\n>>> import torch\n>>> torch.ones(2).view(3)\ntensor([1., 1., 1.])\n"
    ">>> 1 + 1\n3\n```\n"
)
NO_LONGER_RAISES = (
    '# t\n\n```python\nimport warnings\n\nwarnings.warn("只是提醒", RuntimeWarning)\n```\n\n'
    "```python\n>>> import torch\n>>> torch.ones(2).sum().item()\n"
    "Traceback (most recent call last):\n...\nRuntimeError: on purpose\n```\n"
)


@pytest.fixture(scope="module")
def update_runs(request, tmp_path_factory):
    pages = {
        "docs/tensors.md": OUTPUTS_BROKEN,
        "docs/autograd.md": NOW_RAISES,
        "docs/no_longer_raises.md": NO_LONGER_RAISES,
    }
    site = make_site(tmp_path_factory.mktemp("update"), pages)
    tester = module_pytester(request, tmp_path_factory)

    def run_pytest(site, *args):
        return run_inprocess(tester, site, *args)

    drift = run_pytest(site, "docs", "--docs-drift=verification/drift/here.json")
    drift_record = json.loads(
        (site / "verification" / "drift" / "here.json").read_text(encoding="utf-8")
    )
    wrote_cpu_record = (site / "verification" / "cpu.json").exists()
    update = run_pytest(site, "docs", "--docs-update")
    check = run_pytest(site, "docs/tensors.md")
    return site, drift, drift_record, wrote_cpu_record, update, check


def test_update_restores_broken_outputs_and_touches_nothing_else(update_runs):
    assert OUTPUTS_BROKEN != OUTPUTS_PAGE
    site, update = update_runs[0], update_runs[4]
    assert (site / "docs" / "tensors.md").read_text(encoding="utf-8") == OUTPUTS_PAGE
    assert (site / "docs" / "autograd.md").read_text(encoding="utf-8") == NOW_RAISES
    assert (site / "docs" / "no_longer_raises.md").read_text(encoding="utf-8") == NO_LONGER_RAISES
    assert "docs-update: rewrote 4 shown outputs in 1 page (docs/tensors.md)" in update.stdout
    assert (
        "error examples whose exception changed (rewritten: 1):\n  docs/tensors.md, line 29: "
        "RuntimeError: a Tensor with 7 elements cannot be converted to Scalar  ->  "
        "RuntimeError: a Tensor with 6 elements cannot be converted to Scalar"
    ) in update.stdout


def test_update_leaves_what_it_cannot_fix_and_fails(update_runs):
    update = update_runs[4]
    assert update.returncode == 1
    assert "FAILED docs/autograd.md::line:3" in update.stdout
    assert "FAILED docs/no_longer_raises.md::line:9" in update.stdout
    assert "FAILED docs/tensors.md" not in update.stdout
    for message in [
        "docs/autograd.md, line 5: now raises RuntimeError: shape '[3]' is invalid",
        "docs/autograd.md, line 8: an earlier example on this page raised",
        "docs/no_longer_raises.md, line 12: the example at line 11 no longer raises",
    ]:
        assert message in update.stdout


def test_pages_pass_after_update(update_runs):
    check = update_runs[5]
    assert check.returncode == 0, check.stdout
    assert "3 passed" in check.stdout


def test_drift_record_has_expected_and_got_errors_and_warnings(update_runs):
    drift, record, wrote_cpu_record = update_runs[1], update_runs[2], update_runs[3]
    assert drift.returncode == 1  # a report of failures, written all the same
    assert not wrote_cpu_record  # a drift run is no verification record
    assert (
        record["mode"] == "cpu" and record["torch"] and record["torchvision"] and record["device"]
    )
    outputs = record["pages"]["docs/tensors.md"]
    assert (outputs["passed"], outputs["failed"]) == (0, 3)
    assert {(d["line"], d["kind"], d["expected"], d["got"]) for d in outputs["outputs_differ"]} == {
        (6, "doctest", "[0, 1, 3]\n", "[0, 1, 2]\n"),
        (10, "doctest", "甲\n<BLANKLINE>\n丙\n", "甲\n<BLANKLINE>\n乙\n"),
        (23, "output", "第一行\n第三行\n", "第一行\n第二行\n"),
        (
            29,
            "error",
            "Traceback (most recent call last):\n...\n"
            "RuntimeError: a Tensor with 7 elements cannot be converted to Scalar\n",
            "Traceback (most recent call last):\n...\n"
            "RuntimeError: a Tensor with 6 elements cannot be converted to Scalar\n",
        ),
    }
    raises = record["pages"]["docs/autograd.md"]["raises"]
    assert [(r["line"], r["error"].split(":")[0]) for r in raises] == [(5, "RuntimeError")]
    warned = record["pages"]["docs/no_longer_raises.md"]["warnings"]
    assert [
        (w["line"], w["category"], w["message"], w["where"], w["deprecation"]) for w in warned
    ] == [(3, "RuntimeWarning", "只是提醒", "docs/no_longer_raises.md, line 6", False)]


def test_update_summary_shown_in_contributing_is_real(update_runs):
    page = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    [summary] = [f for f in find_fences(page) if f.options.get("title") == "docs-update 的汇总"]
    got = set(update_runs[4].stdout.splitlines())
    for line in summary.body.splitlines():
        assert line in got, f"contributing.md shows a line docs-update never prints: {line}"


def test_report_page_shows_differences_and_says_when_no_gpu_ran():
    entry = DriftPage(
        passed=1,
        failed=1,
        skipped=0,
        raises=[],
        warnings=[],
        outputs_differ=[
            {"line": 6, "kind": "doctest", "expected": "[0, 1, 3]\n", "got": "[0, 1, 2]\n"}
        ],
    )
    drift = DriftRecord(
        name="drift-torch-9.9",
        torch="9.9.0",
        torchvision="not importable",
        python="3.11",
        device="CPU",
        mode="cpu",
        date="d",
        commit="c",
        pages={"docs/tensors.md": entry},
    )
    records = report.Records(drift=[drift])
    text = report.render(records, {"docs/tensors.md": "张量"}, {"docs/tensors.md"})
    assert "| [张量](tensors.md) | ❌ 1 通过 · 1 失败（1 处输出不同） |" in text
    assert "[0, 1, 3]" in text and "[0, 1, 2]" in text
    assert "还没有 GPU 测试记录" in text and "nox --no-venv -s docs-test-cuda" in text
    assert "GPU 上的漂移运行尚未进行" in text and "nox --no-venv -s docs-drift" in text


# pytest-xdist: pages in two workers, records and rewrites by the controller alone.
XDIST_PAGES = {
    "docs/a.md": "# a\n\n```python\n>>> 1 + 1\n2\n```\n\n```python\nprint('甲')\n```\n\n"
    '```text title="输出"\n甲\n```\n',
    "docs/b.md": "# b\n\n```python\n>>> import torch\n>>> torch.arange(3).tolist()\n[0, 1, 3]\n```\n",
    "docs/c.md": "# c\n\n```python\n>>> import torch\n>>> torch.get_num_threads()\n1\n```\n",
}


@pytest.mark.slow  # pytest subprocesses with two worker processes each
def test_parallel_workers_report_to_one_record_and_one_rewrite(tmp_path):
    site = make_site(tmp_path, XDIST_PAGES)
    run = run_pytest(site, "-n", "2", "docs")
    assert run.returncode == 1, run.stdout
    assert "docs-test (cpu): 3 examples passed, 1 failed, 0 skipped" in run.stdout
    assert "pages ran in 2 pytest-xdist workers" in run.stdout
    assert "largest: docs/" in run.stdout  # the workers' memory, summed up by the controller
    record = json.loads((site / "verification" / "cpu.json").read_text(encoding="utf-8"))
    assert {
        page: (e["passed"], e["failed"], e["partial"]) for page, e in record["pages"].items()
    } == {"docs/a.md": (2, 0, False), "docs/b.md": (0, 1, False), "docs/c.md": (1, 0, False)}
    update = run_pytest(site, "-n", "2", "--docs-update", "docs")
    assert "docs-update: rewrote 1 shown outputs in 1 page (docs/b.md)" in update.stdout, (
        update.stdout
    )
    assert "[0, 1, 2]" in (site / "docs" / "b.md").read_text(encoding="utf-8")
    # One process (-p no:xdist, -n 0) is what every other run of a throw-away site here uses.


def test_docs_cache_skips_only_unchanged_pages_that_passed(tmp_path, pytester):
    pages = {
        "docs/a.md": "# a\n\n```python\n>>> 1 + 1\n2\n```\n",
        "docs/b.md": '# b\n\n```python\n--8<-- "snippets/demo/demo_snippet.py:greet"\n```\n\n'
        '```text title="输出"\nHello\n```\n',
        "docs/c.md": "# c\n\n```python\n>>> 2 + 2\n5\n```\n",
    }
    snippet = '# --8<-- [start:greet]\nprint("Hello")\n# --8<-- [end:greet]\n'
    site = make_site(tmp_path, pages, {"snippets/demo/demo_snippet.py": snippet})
    first = run_inprocess(pytester, site, "--docs-cache", "docs")
    assert "1 failed, 2 passed" in first.stdout and "docs-cache" not in first.stdout
    again = run_inprocess(pytester, site, "--docs-cache", "docs")
    assert (
        "docs-cache: 2 unchanged pages that passed last time were not run "
        "(docs/a.md, docs/b.md)" in again.stdout
    ), again.stdout
    assert "1 failed, 2 deselected" in again.stdout  # the failing page runs every time
    (site / "snippets" / "demo" / "demo_snippet.py").write_text(snippet + "\n", encoding="utf-8")
    edited = run_inprocess(pytester, site, "--docs-cache", "docs")
    assert "(docs/a.md)" in edited.stdout and "1 failed, 1 passed, 1 deselected" in edited.stdout
    (site / "docs" / "c.md").unlink()  # the failing page gone: nothing left to run
    nothing = run_inprocess(pytester, site, "--docs-cache", "docs")
    assert nothing.returncode == 0, nothing.stdout
    assert "docs-cache: all 2 pages passed last time and have not changed since" in nothing.stdout
    plain = run_inprocess(pytester, site, "docs")  # without the flag every page runs
    assert "2 passed" in plain.stdout and "docs-cache" not in plain.stdout


def test_docs_cache_key_changes_with_any_file_an_included_program_can_import(tmp_path):
    """toolkit/accumulate.py imports transfer/digits.py: a change there left the page's key
    as it was, and --docs-cache skipped a page that now fails (red team, rt)."""
    from harness import cache

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text(
        '```python\n--8<-- "snippets/toolkit/main.py:a"\n```\n', encoding="utf-8"
    )
    for name, text in {
        "toolkit/main.py": "from digits import f\n",
        "transfer/digits.py": "1",
    }.items():
        (tmp_path / "snippets" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "snippets" / name).write_text(text, encoding="utf-8")
    common = cache._common(tmp_path, "cpu")
    before = cache.page_key(tmp_path, "docs/p.md", common)
    (tmp_path / "snippets" / "transfer" / "digits.py").write_text("2", encoding="utf-8")
    assert cache.page_key(tmp_path, "docs/p.md", common) != before


def test_a_changed_image_that_a_page_draws_runs_the_page_again(tmp_path):
    """A page that draws a figure (<!-- figure -->) compares it with the image it shows: a
    new committed image can fail it, so --docs-cache must not skip it."""
    from harness import cache

    (tmp_path / "docs" / "assets" / "images").mkdir(parents=True)
    (tmp_path / "docs" / "p.md").write_text(
        "<!-- figure: f.png -->\n```python\nx = 1\n```\n\n![图](assets/images/f.png)\n",
        encoding="utf-8",
    )
    image = tmp_path / "docs" / "assets" / "images" / "f.png"
    image.write_bytes(b"one")
    common = cache._common(tmp_path, "cpu")
    before = cache.page_key(tmp_path, "docs/p.md", common)
    image.write_bytes(b"two")
    assert cache.page_key(tmp_path, "docs/p.md", common) != before


# A figure program finds the site's font where the repository keeps it (docs/notebooks/),
# relative to its own file: the page's copy of the site must hold it too (PROGRAM_DATA).
FONT_SNIPPET = (
    "# --8<-- [start:font]\nfrom pathlib import Path\n\n"
    'font = Path(__file__).parents[2] / "docs" / "notebooks" / "cjk-subset.ttf"\n'
    "print(font.read_bytes()[:4])\n# --8<-- [end:font]\n"
)


def test_a_page_copy_of_the_site_holds_the_programs_font(tmp_path, pytester):
    page = '# t\n\n```python\n--8<-- "snippets/x/font.py:font"\n```\n\n```text title="输出"\nHEAD\n```\n'
    site = make_site(tmp_path, {"docs/index.md": page}, {"snippets/x/font.py": FONT_SNIPPET})
    font = ROOT / "docs" / "notebooks" / "cjk-subset.ttf"
    (site / "docs" / "notebooks").mkdir(parents=True, exist_ok=True)
    (site / "docs" / "notebooks" / "cjk-subset.ttf").write_bytes(font.read_bytes())
    head = repr(font.read_bytes()[:4])
    (site / "docs" / "index.md").write_text(page.replace("HEAD", head), encoding="utf-8")
    result = run_inprocess(pytester, site, "docs")
    assert result.returncode == 0, result.stdout


def test_the_cache_keeps_the_key_a_page_had_when_it_started(tmp_path):
    """red team (rt): the key was computed at the end of the run, so a page saved while it ran
    was stored as passed with text that never ran."""
    from collections import Counter

    from harness import cache

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("```python\n>>> 1\n1\n```\n", encoding="utf-8")
    at_start = cache.key_at_start(tmp_path, "cpu", "docs/p.md")
    (tmp_path / "docs" / "p.md").write_text("```python\n>>> 1\n2\n```\n", encoding="utf-8")
    passed = {"docs/p.md": Counter(passed=1)}
    cache.store(tmp_path, "cpu", passed, keys={"docs/p.md": at_start})
    assert cache.unchanged(tmp_path, "cpu", ["docs/p.md"]) == set()  # edited: runs again
    cache.store(tmp_path, "cpu", passed)  # no key from its start: not stored as passed
    assert cache.unchanged(tmp_path, "cpu", ["docs/p.md"]) == set()


def test_the_figures_font_is_part_of_an_including_pages_key(tmp_path):
    """red team (rt): PROGRAM_DATA (the font the figure programs use) is copied beside every
    included program, so a change to it must run those pages again."""
    from harness import cache
    from pagekit.includes import PROGRAM_DATA

    (tmp_path / "docs" / "notebooks").mkdir(parents=True)
    (tmp_path / "snippets" / "x").mkdir(parents=True)
    (tmp_path / "snippets" / "x" / "y.py").write_text("print(1)\n", encoding="utf-8")
    (tmp_path / "docs" / "p.md").write_text(
        '```python\n--8<-- "snippets/x/y.py"\n```\n', encoding="utf-8"
    )
    font = tmp_path / PROGRAM_DATA[0]
    font.write_bytes(b"one")
    common = cache._common(tmp_path, "cpu")
    before = cache.page_key(tmp_path, "docs/p.md", common)
    font.write_bytes(b"two")
    assert cache.page_key(tmp_path, "docs/p.md", common) != before
