"""What the site says about its own verification must be what the records hold.

No GPU run is claimed anywhere (pages, notebook, README, site description, the text the
verification hook renders) unless verification/cuda.json holds a passing GPU run; every
``gpu-only`` block is marked, next to the block, as not yet verified on a GPU until it does.
"""

from __future__ import annotations

import dataclasses
import json
import re
from types import SimpleNamespace

import jinja2
import pytest
import yaml

from pagekit.fences import scan
from pagekit.records import PageResult, VerificationRecord, read_verification
from sitekit import verification
from tests.sites import ROOT, load_hook, render

CUDA_RECORD = ROOT / "verification" / "cuda.json"
RECORDS = {
    mode: read_verification(ROOT / "verification" / f"{mode}.json") for mode in ("cpu", "cuda")
}
PAGES = sorted((ROOT / "docs").rglob("*.md"))

_SENTENCE_END = re.compile(r"[。！？；!?;\n|]")
_GPU = re.compile(r"GPU|CUDA|显卡")
_NOT_YET = re.compile(r"尚未|还没|没有|并未")  # anywhere in the sentence
_CLAUSE_END = re.compile(r"[，,、：:]|——")
# "安装与验证" is a chapter title (the reading path names it), not a claim.
_VERIFIED = re.compile(r"(?<!安装与)验证|核对|检验|运行过|跑过|测过|真实的输出|真实运行")
# A clause with one of these says what has not happened yet, what would happen, how to make
# it happen, or where a record comes from: it claims nothing about a run that took place.
_NOT_A_CLAIM = re.compile(
    r"尚未|还没|没有|未|无|不|如果|只要|若|是否|后|才|待|将|会|能|可以|要|"
    r"怎样|如何|来自|生成"
)


def prose(text: str) -> str:
    """The text outside code fences (found by the harness's scanner), inline code and HTML
    comments."""
    outside, at = [], 0
    for fence in scan(text).fences:
        outside.append(text[at : fence.start])
        at = fence.end
    outside.append(text[at:])
    return "\n".join(
        re.sub(r"<!--.*?-->", " ", re.sub(r"(`+).+?\1", " ", line))
        for line in "".join(outside).splitlines()
    )


def gpu_claims(text: str) -> list[str]:
    """The sentences that say a GPU verification happened: they speak of verifying, and a
    clause of theirs that names the GPU states it as done."""
    return [
        sentence.strip()
        for sentence in _SENTENCE_END.split(prose(text))
        if _GPU.search(sentence)
        and _VERIFIED.search(sentence)
        and not _NOT_YET.search(sentence)
        and any(
            _GPU.search(clause) and not _NOT_A_CLAIM.search(clause)
            for clause in _CLAUSE_END.split(sentence)
        )
    ]


def gpu_record_passes(record: VerificationRecord) -> bool:
    pages = record.pages
    return bool(pages) and all(verification.gpu_passed(record, key) for key in pages)


def test_the_claim_detector_finds_the_claims_this_site_once_made():
    """Sentences the site used to print, before any GPU had run its examples."""
    for claim in [
        "- **既在 CPU 上验证，也在真实的 NVIDIA CUDA GPU 上验证。** "
        "同一段代码在两种设备上必须打印出同样的结果。",
        "从零学 PyTorch。页面上的每个示例都在 CPU 和 GPU 上运行并核对过输出。",
        "每个 Python 示例都按页面顺序真实运行，页面上印出的每个结果都与代码真实的输出逐字核对——"
        "在 CPU 上（每次提交的 CI），也在真实的 NVIDIA GPU 上（`docs-test-cuda`）。",
        "本站的承诺只有一句话：**页面上的每一段 Python 代码都会被当作测试运行，"
        "页面上印出的每一个结果"
        "都是代码真实的输出**"
        "——在 CPU 上（每次提交的 CI），也在真实的 NVIDIA GPU 上（`docs-test-cuda`）。",
        "只能在 GPU 上运行的那几段，也已经在 GPU 上运行验证过。",
    ]:
        assert gpu_claims(claim), claim
    assert gpu_claims("这些示例尚未在 GPU 上运行验证。") == []


def _texts() -> dict[str, str]:
    texts = {page.relative_to(ROOT).as_posix(): page.read_text(encoding="utf-8") for page in PAGES}
    for notebook in sorted((ROOT / "docs" / "notebooks").glob("*.py")):
        texts[notebook.relative_to(ROOT).as_posix()] = notebook.read_text(encoding="utf-8")
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    texts["site_description (built)"] = verification.describe_site(
        config["site_description"], RECORDS["cuda"]
    )
    gpu_only = verification.count_gpu_only_blocks(ROOT / "docs")
    texts["home page summary (built)"] = "\n".join(
        verification.summary(RECORDS["cpu"], RECORDS["cuda"], gpu_only)
    )
    return texts


def test_no_gpu_verification_is_claimed_without_a_passing_gpu_record():
    if gpu_record_passes(RECORDS["cuda"]):
        pytest.skip("verification/cuda.json holds a passing GPU run: GPU claims are allowed")
    claims = {name: found for name, text in _texts().items() if (found := gpu_claims(text))}
    assert claims == {}, (
        f"{CUDA_RECORD.relative_to(ROOT)} holds no passing GPU run, yet these "
        f"sentences claim one: {json.dumps(claims, ensure_ascii=False, indent=1)}"
    )


def test_without_a_passing_gpu_record_the_site_says_so_where_it_matters():
    if gpu_record_passes(RECORDS["cuda"]):
        pytest.skip("verification/cuda.json holds a passing GPU run")
    texts = _texts()
    assert verification.NOT_YET in texts["README.md"]
    gpu_pages = RECORDS["cuda"].pages
    if not gpu_pages:  # no GPU run at all
        for name in ("site_description (built)", "home page summary (built)"):
            assert verification.NOT_YET in texts[name], name
    else:  # a GPU run with failures: the site says how many pages passed, never "verified"
        good = sum(bool(verification.gpu_passed(RECORDS["cuda"], key)) for key in gpu_pages)
        assert good < len(gpu_pages)
        assert "GPU 上的运行验证有未通过的页面" in texts["site_description (built)"]
        summary = texts["home page summary (built)"]
        assert f"**GPU：{good} / {len(gpu_pages)} 页在 GPU 上全部通过**" in summary
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert verification.SUMMARY_MARKER.search(home), "the home page lost its verification summary"


GPU_ONLY_PAGE = """# t

Text.

<!-- gpu-only: needs CUDA -->
```python
>>> torch.ones(1, device="cuda").item()
1.0
```

!!! warning "inside an admonition"

    <!-- gpu-only: needs CUDA -->

    ```python
    >>> torch.ones(1, device="cuda").item()
    1.0
    ```
"""


ENTRY = PageResult(
    torch="2.14.1+cu130",
    device="NVIDIA H100",
    date="2026-12-01 10:00 UTC",
    commit="abc1234",
    passed=5,
    skipped=0,
    failed=0,
)
NO_RECORD = VerificationRecord()


def _gpu_record(**pages: PageResult) -> VerificationRecord:
    return VerificationRecord(pages={f"docs/{name}.md": entry for name, entry in pages.items()})


def _annotated(cuda_record: VerificationRecord) -> str:
    return verification.annotate(GPU_ONLY_PAGE, "docs/t.md", NO_RECORD, cuda_record, 2)


def test_every_gpu_only_block_is_marked_unverified_without_a_record():
    page = _annotated(NO_RECORD)
    assert page.count(f'!!! warning "{verification.NOT_YET}"') == 2, page
    # The note sits right before the marker, at the block's own indentation, so it renders
    # next to the block, inside the admonition for the second one.
    assert f'!!! warning "{verification.NOT_YET}"' in page.split("<!-- gpu-only")[0]
    assert f'    !!! warning "{verification.NOT_YET}"' in page.split("<!-- gpu-only")[1]
    # The harness still finds each marker right above its fence.
    assert page.count("<!-- gpu-only: needs CUDA -->\n```python") == 1
    assert page.count("<!-- gpu-only: needs CUDA -->\n\n    ```python") == 1


def test_a_passing_gpu_record_flips_the_notes_and_a_failing_one_does_not():
    passing = _annotated(_gpu_record(t=ENTRY))
    assert verification.NOT_YET not in passing
    assert passing.count('!!! success "已在 GPU 上运行验证"') == 2
    assert "NVIDIA H100" in passing
    failing = _annotated(_gpu_record(t=dataclasses.replace(ENTRY, failed=1)))
    assert failing.count(f'!!! warning "{verification.NOT_YET}"') == 2
    other_page = _annotated(_gpu_record(other=ENTRY))
    assert other_page.count(f'!!! warning "{verification.NOT_YET}"') == 2


def test_a_partial_run_is_never_verified():
    partial = dataclasses.replace(ENTRY, partial=True)  # only part of the page ran
    assert verification.gpu_passed(_gpu_record(t=partial), "docs/t.md") is None
    assert _annotated(_gpu_record(t=partial)).count(f'!!! warning "{verification.NOT_YET}"') == 2
    assert not verification.stamp("cuda", partial).verified
    assert verification.stamp("cuda", ENTRY).verified


def test_summary_and_description_follow_the_records():
    record = _gpu_record(t=ENTRY)
    assert verification.NOT_YET in verification.describe_site("站点。", NO_RECORD)
    assert verification.NOT_YET not in verification.describe_site("站点。", record)
    assert "NVIDIA H100" in verification.describe_site("站点。", record)
    without = "\n".join(verification.summary(NO_RECORD, NO_RECORD, 13))
    assert verification.NOT_YET in without and "13 段" in without
    with_gpu = "\n".join(verification.summary(NO_RECORD, record, 13))
    assert verification.NOT_YET not in with_gpu and "NVIDIA H100" in with_gpu


def test_the_home_page_summary_is_rendered_in_place():
    page = '!!! success "t"\n\n    - a\n    - b：\n        <!-- verification-summary -->\n    - c\n'
    out = verification.annotate(page, "docs/index.md", NO_RECORD, NO_RECORD, 3)
    lines = out.splitlines()
    assert lines[4].startswith("        - **CPU") and lines[5].startswith("        - **GPU")
    assert lines[6] == "    - c"


# Every way of typing the marker that the harness reads as gpu-only (it skips these blocks on
# the CPU), so every one must carry the note.
TYPED_GPU_ONLY_PAGE = """# t

<!-- gpu-only：全角冒号 -->
```python
>>> 1
1
```

<!-- GPU only: 大写、空格 -->
```py3
>>> 2
2
```

<!-- timeout: 300 叠在上面的标记 -->
<!--gpu_only：下划线-->
```python
>>> 3
3
```

> <!-- gpu-only: 引用块里 -->
> ```python
> >>> 4
> 4
> ```

<!-- gpu-only\u200b: 名字里夹着零宽空格 -->
```python
>>> 5
5
```
"""


def _built_html(markdown_text: str, tmp_path, cuda_record: VerificationRecord) -> str:
    """The page through the real hook (on_page_markdown) and the site's Markdown set-up."""
    hook = load_hook("verification")
    hook._build.by_mode = {"cpu": NO_RECORD, "cuda": cuda_record}
    hook._build.gpu_only_blocks = 5
    page = SimpleNamespace(file=SimpleNamespace(src_uri="t.md"))
    source = tmp_path / "t.md"
    source.write_text(hook.on_page_markdown(markdown_text, page, None, None), encoding="utf-8")
    return render(source)[0]


def test_every_typed_gpu_only_marker_gets_its_note_on_the_built_page(tmp_path):
    from harness.examples import blocks

    gpu_only = [block for block in blocks(TYPED_GPU_ONLY_PAGE, "docs/t.md", ROOT) if block.gpu_only]
    assert len(gpu_only) == 5 and not any(block.problem for block in gpu_only)
    built = _built_html(TYPED_GPU_ONLY_PAGE, tmp_path, NO_RECORD)
    title = f'<p class="admonition-title">{verification.NOT_YET}</p>'
    assert built.count(title) == 5, built
    # The note comes before each block, and the stacked markers stay with their fence.
    assert built.index(title) < built.index(" highlight")
    assert re.search(r"<blockquote>\s*<div class=\"admonition warning\">", built), built
    annotated = verification.annotate(TYPED_GPU_ONLY_PAGE, "docs/t.md", NO_RECORD, NO_RECORD, 5)
    assert [len(f.markers) for f in scan(annotated).marked("gpu-only")] == [1, 1, 2, 1, 1]
    assert scan(annotated).stray_markers == []
    passing = _built_html(TYPED_GPU_ONLY_PAGE, tmp_path, _gpu_record(t=ENTRY))
    assert passing.count('<p class="admonition-title">已在 GPU 上运行验证</p>') == 5


def test_the_gpu_only_count_uses_the_harness_scanner(tmp_path):
    (tmp_path / "t.md").write_text(TYPED_GPU_ONLY_PAGE, encoding="utf-8")
    assert verification.count_gpu_only_blocks(tmp_path) == 5


@pytest.mark.parametrize(
    "text",
    [
        "# t\n\n```py3\nprint(1)\n```\n",
        "# t\n\n> ```python\n> print(1)\n> ```\n",
        "# t\n\n!!! note\n\n    ~~~pycon\n    >>> 1\n    1\n    ~~~\n",
    ],
)
def test_a_page_with_only_an_unusual_python_fence_has_code(text):
    assert verification.page_note("t.md", text) is None


def test_a_page_without_python_fences_has_no_code():
    assert verification.page_note("t.md", "# t\n\n```bash\nls\n```\n\n`python` 行内\n") is not None


def _stamp_html(runs, note=None, url="tensors/"):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "overrides" / "partials"))
    env.filters["url"] = lambda path: "../" + path
    return env.get_template("verified.html").render(
        verification=runs, verification_note=note, page=SimpleNamespace(url=url)
    )


def test_the_page_stamp_is_compact_and_links_the_full_record():
    """A beginner reads the stamp; the commit, the machine and the torch build (+cu130) are on
    验证报告, one click away."""
    html = _stamp_html([verification.stamp("cpu", ENTRY), verification.stamp("cuda", None)])
    assert "本页示例已在 CPU 上运行通过（PyTorch 2.14.1，2026-12-01）" in html
    assert "尚未在 GPU 上运行验证" in html
    assert '<a href="../report/">详情见验证报告</a>' in html
    for record_only in ("+cu130", "abc1234", "10:00", "NVIDIA H100", "提交"):
        assert record_only not in html
    failed = _stamp_html([verification.stamp("cpu", dataclasses.replace(ENTRY, failed=2))])
    assert "有 2 个示例失败" in failed
    note = _stamp_html([], note="本页没有需要运行的代码示例。", url="report/")
    assert "本页没有需要运行的代码示例。" in note and "验证报告" not in note
