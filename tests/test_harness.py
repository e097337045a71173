"""The harness must fail loudly; these tests watch it fail on purpose-made pages."""

from __future__ import annotations

import json

import pytest

from tests.sites import FIXTURES, make_site, rendered_python_blocks, run_build, run_pytest
from tests.harness.plugin import site_sybil

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


def test_wrong_doctest_output_names_page_and_line(tmp_path):
    page = "# t\n\nText.\n\n```python\n>>> 1 + 1\n3\n```\n"
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs")
    assert result.returncode == 1
    assert 'File "docs/index.md", line 6' in result.stdout
    assert "Expected:\n    3\nGot:\n    2" in result.stdout


def test_wrong_output_block_names_page_and_line(tmp_path):
    page = '# t\n\n```python\nprint("你好")\n```\n\n```text title="输出"\n再见\n```\n'
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs")
    assert result.returncode == 1
    assert "docs/index.md, line 7: the 输出 block does not match" in result.stdout


def test_printing_without_output_block_fails(tmp_path):
    page = '# t\n\n```python\nprint("shown nowhere")\n```\n'
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs")
    assert result.returncode == 1
    assert "prints, but the page shows no output" in result.stdout


def test_unexpected_error_points_at_snippet_line(tmp_path):
    snippet = "# --8<-- [start:boom]\nimport torch\n\ntorch.ones(2) @ torch.ones(3)\n# --8<-- [end:boom]\n"
    page = '# t\n\n```python\n--8<-- "snippets/x/boom.py:boom"\n```\n'
    site = make_site(tmp_path, {"docs/index.md": page}, {"snippets/x/boom.py": snippet})
    result = run_pytest(site, "docs")
    assert result.returncode == 1
    assert 'File "snippets/x/boom.py", line 4' in result.stdout
    assert "docs/index.md, line 3" in result.stdout


def test_expected_error_must_be_that_error(tmp_path):
    page = ("# t\n\n```python\n>>> import torch\n>>> torch.ones(2, 3).item()\n"
            "Traceback (most recent call last):\n...\nValueError: wrong type on purpose\n```\n")
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs")
    assert result.returncode == 1
    assert "RuntimeError: a Tensor with 6 elements cannot be converted to Scalar" in result.stdout


def test_missing_snippet_section_fails_tests_and_build(tmp_path):
    page = '# t\n\n```python\n--8<-- "snippets/demo/demo_snippet.py:nowhere"\n```\n'
    site = make_site(tmp_path, {"docs/index.md": page}, SNIPPETS)
    tests = run_pytest(site, "docs")
    assert tests.returncode == 1
    assert "section 'nowhere' not found in snippets/demo/demo_snippet.py" in tests.stdout
    build = run_build(site)
    assert build.returncode != 0
    assert "nowhere" in build.stdout + build.stderr


def test_norun_without_reason_fails(tmp_path):
    page = "# t\n\n<!-- norun -->\n```python\nimport tensorflow\n```\n"
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs")
    assert result.returncode == 1
    assert "<!-- norun --> at line 3 needs a reason" in result.stdout


def test_mistaken_marker_fails(tmp_path):
    page = "# t\n\n<!-- skip: next -->\n```python\nimport tensorflow\n```\n"
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs")
    assert result.returncode == 1
    assert "unknown marker <!-- skip -->" in result.stdout


def test_cuda_session_without_gpu_fails_with_its_message(tmp_path):
    page = "# t\n\n```python\n>>> 1\n1\n```\n"
    result = run_pytest(make_site(tmp_path, {"docs/index.md": page}), "docs", device="cuda")
    assert result.returncode == 3
    assert "docs-test-cuda: no CUDA GPU is visible" in result.stdout + result.stderr
    assert not (tmp_path / "verification" / "cuda.json").exists()
