"""The harness must fail loudly; these tests watch it fail on purpose-made pages."""

from __future__ import annotations

import json

import pytest

from tests.harness.fences import find_fences
from tests.harness.plugin import site_sybil
from tests.sites import FIXTURES, ROOT, make_site, rendered_python_blocks, run_build, run_pytest

EVERY_FENCE = (FIXTURES / "every_fence_kind.md").read_text(encoding="utf-8")
DEMO_SNIPPET = (FIXTURES / "demo_snippet.py").read_text(encoding="utf-8")
SNIPPETS = {"snippets/demo/demo_snippet.py": DEMO_SNIPPET}


@pytest.fixture
def fence_site(tmp_path):
    return make_site(tmp_path, {"docs/index.md": EVERY_FENCE}, SNIPPETS)


def test_every_fence_kind_is_collected_and_passes(fence_site):
    page = fence_site / "docs" / "index.md"
    rendered, reasoned_norun = rendered_python_blocks(page, fence_site)
    collected = list(site_sybil(fence_site).parse(page).examples())
    assert (rendered, reasoned_norun, len(collected)) == (9, 1, 8)

    result = run_pytest(fence_site, "docs")
    assert result.returncode == 0, result.stdout
    assert "7 passed, 1 skipped" in result.stdout  # the gpu-only block skips on the CPU
    record = json.loads((fence_site / "verification" / "cpu.json").read_text(encoding="utf-8"))
    assert record["pages"]["docs/index.md"]["passed"] == 7


# Each broken page, and what its failure must say.  All run in one pytest subprocess.
BROKEN_PAGES = {
    "wrong_doctest_output": ("# t\n\nText.\n\n```python\n>>> 1 + 1\n3\n```\n", [
        'File "docs/wrong_doctest_output.md", line 6', "Expected:\n    3\nGot:\n    2"]),
    "wrong_output_block": ('# t\n\n```python\nprint("你好")\n```\n\n```text title="输出"\n再见\n```\n', [
        "docs/wrong_output_block.md, line 7: the 输出 block does not match"]),
    "print_without_output": ('# t\n\n```python\nprint("shown nowhere")\n```\n', [
        "docs/print_without_output.md, line 3: this block prints, but the page shows no output"]),
    "unexpected_error_in_snippet": ('# t\n\n```python\n--8<-- "snippets/x/boom.py:boom"\n```\n', [
        "docs/unexpected_error_in_snippet.md, line 3: the block raised an error",
        'File "snippets/x/boom.py", line 4']),
    "expected_error_is_another": (
        "# t\n\n```python\n>>> import torch\n>>> torch.ones(2, 3).item()\n"
        "Traceback (most recent call last):\n...\nValueError: wrong type on purpose\n```\n", [
            'File "docs/expected_error_is_another.md", line 5',
            "RuntimeError: a Tensor with 6 elements cannot be converted to Scalar"]),
    "norun_without_reason": ("# t\n\n<!-- norun -->\n```python\nimport tensorflow\n```\n", [
        "docs/norun_without_reason.md, line 4: <!-- norun --> at line 3 needs a reason"]),
    "mistaken_marker": ("# t\n\n<!-- skip: next -->\n```python\nimport tensorflow\n```\n", [
        "docs/mistaken_marker.md, line 4: unknown marker <!-- skip -->"]),
}
BOOM = "# --8<-- [start:boom]\nimport torch\n\ntorch.ones(2) @ torch.ones(3)\n# --8<-- [end:boom]\n"

# The two failure reports docs/contributing.md shows, reproduced for real.
CONTRIBUTING_FAILURES = {
    "docs/tensors.md": ("# t\n\n```python\n>>> import torch\n```\n" + "\n" * 51
                        + "```python\n>>> torch.ones(2).tolist()\n[1.0, 2.0]\n```\n"),
    "docs/training.md": ("# t\n" + "\n" * 21
                         + '```python\n--8<-- "snippets/training/linear_regression.py:train"\n```\n'),
}
LINEAR_REGRESSION = ("# --8<-- [start:train]\nimport torch\nfrom torch import nn\n\n"
                     "torch.manual_seed(0)\nmodel = nn.Linear(1, 1)\n\n\n\n"
                     "print(model.wieght)\n# --8<-- [end:train]\n")


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    pages = {f"docs/{name}.md": text for name, (text, _) in BROKEN_PAGES.items()}
    pages.update(CONTRIBUTING_FAILURES)
    snippets = {"snippets/x/boom.py": BOOM,
                "snippets/training/linear_regression.py": LINEAR_REGRESSION}
    site = make_site(tmp_path_factory.mktemp("broken"), pages, snippets)
    return run_pytest(site, "docs")


@pytest.mark.parametrize("name", BROKEN_PAGES)
def test_broken_page_fails_naming_page_and_line(broken_run, name):
    assert f"FAILED docs/{name}.md::line:" in broken_run.stdout
    for message in BROKEN_PAGES[name][1]:
        assert message in broken_run.stdout


def test_only_the_broken_pages_fail(broken_run):
    assert broken_run.returncode == 1
    assert f"{len(BROKEN_PAGES) + len(CONTRIBUTING_FAILURES)} failed" in broken_run.stdout


def test_failure_reports_shown_in_contributing_are_real(broken_run):
    page = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    reports = [f for f in find_fences(page) if f.options.get("title") == "失败报告"]
    assert len(reports) == 2
    got = {line.strip("_ ") for line in broken_run.stdout.splitlines()}
    for report in reports:
        for line in report.body.splitlines():
            if "…" not in line:  # the elided part is a machine's absolute path
                assert line.strip("_ ") in got, f"contributing.md shows a line the harness never prints: {line}"


def test_missing_snippet_section_fails_tests_and_build(tmp_path):
    page = '# t\n\n```python\n--8<-- "snippets/demo/demo_snippet.py:nowhere"\n```\n'
    site = make_site(tmp_path, {"docs/index.md": page}, SNIPPETS)
    tests = run_pytest(site, "docs")
    assert tests.returncode == 1
    assert "section 'nowhere' not found in snippets/demo/demo_snippet.py" in tests.stdout
    build = run_build(site)
    assert build.returncode != 0
    assert "nowhere" in build.stdout + build.stderr


def test_cuda_session_without_gpu_fails_with_its_message(tmp_path):
    page = "# t\n\n```python\n>>> 1\n1\n```\n"
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs", device="cuda")
    assert result.returncode == 3
    assert "docs-test-cuda: no CUDA GPU is visible" in result.stdout + result.stderr
    assert not (tmp_path / "verification" / "cuda.json").exists()
