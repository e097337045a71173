"""What the site says about its own verification must be what the records hold.

No GPU run is claimed anywhere (pages, notebook, README, site description, the text the
verification hook renders) unless verification/cuda.json holds a passing GPU run; every
``gpu-only`` block is marked, next to the block, as not yet verified on a GPU until it does.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from sitekit import verification
from tests.sites import ROOT

CUDA_RECORD = ROOT / "verification" / "cuda.json"
RECORDS = {mode: json.loads((ROOT / "verification" / f"{mode}.json").read_text(encoding="utf-8"))
           if (ROOT / "verification" / f"{mode}.json").is_file() else {}
           for mode in ("cpu", "cuda")}
PAGES = sorted((ROOT / "docs").rglob("*.md"))

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_SENTENCE_END = re.compile(r"[。！？；!?;\n|]")
_GPU = re.compile(r"GPU|CUDA|显卡")
_NOT_YET = re.compile(r"尚未|还没|没有|并未")  # anywhere in the sentence
_CLAUSE_END = re.compile(r"[，,、：:]|——")
_VERIFIED = re.compile(r"验证|核对|检验|运行过|跑过|测过|真实的输出|真实运行")
# A clause with one of these says what has not happened yet, what would happen, how to make
# it happen, or where a record comes from: it claims nothing about a run that took place.
_NOT_A_CLAIM = re.compile(r"尚未|还没|没有|未|无|不|如果|只要|若|是否|后|才|待|将|会|能|可以|要|"
                          r"怎样|如何|来自|生成")


def prose(text: str) -> str:
    """The text outside code fences, inline code and HTML comments."""
    kept, fence = [], None
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if fence:
            if opening and line.strip().startswith(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        kept.append(re.sub(r"<!--.*?-->", " ", re.sub(r"(`+).+?\1", " ", line)))
    return "\n".join(kept)


def gpu_claims(text: str) -> list[str]:
    """The sentences that say a GPU verification happened: they speak of verifying, and a
    clause of theirs that names the GPU states it as done."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(prose(text))
            if _GPU.search(sentence) and _VERIFIED.search(sentence)
            and not _NOT_YET.search(sentence)
            and any(_GPU.search(clause) and not _NOT_A_CLAIM.search(clause)
                    for clause in _CLAUSE_END.split(sentence))]


def gpu_record_passes(record: dict) -> bool:
    pages = record.get("pages", {})
    return bool(pages) and all(verification.gpu_passed(record, key) for key in pages)


def test_the_claim_detector_finds_the_claims_this_site_once_made():
    """Sentences the site used to print, before any GPU had run its examples."""
    for claim in ["- **既在 CPU 上验证，也在真实的 NVIDIA CUDA GPU 上验证。** 同一段代码在两种设备上必须打印出同样的结果。",
                  "从零学 PyTorch。页面上的每个示例都在 CPU 和 GPU 上运行并核对过输出。",
                  "每个 Python 示例都按页面顺序真实运行，页面上印出的每个结果都与代码真实的输出逐字核对——"
                  "在 CPU 上（每次提交的 CI），也在真实的 NVIDIA GPU 上（`docs-test-cuda`）。",
                  "本站的承诺只有一句话：**页面上的每一段 Python 代码都会被当作测试运行，页面上印出的每一个结果"
                  "都是代码真实的输出**——在 CPU 上（每次提交的 CI），也在真实的 NVIDIA GPU 上（`docs-test-cuda`）。",
                  "只能在 GPU 上运行的那几段，也已经在 GPU 上运行验证过。"]:
        assert gpu_claims(claim), claim
    assert gpu_claims("这些示例尚未在 GPU 上运行验证。") == []


def _texts() -> dict[str, str]:
    texts = {page.relative_to(ROOT).as_posix(): page.read_text(encoding="utf-8") for page in PAGES}
    for notebook in sorted((ROOT / "docs" / "notebooks").glob("*.py")):
        texts[notebook.relative_to(ROOT).as_posix()] = notebook.read_text(encoding="utf-8")
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    texts["site_description (built)"] = verification.describe_site(config["site_description"],
                                                                   RECORDS["cuda"])
    gpu_only = verification.count_gpu_only_blocks(ROOT / "docs")
    texts["home page summary (built)"] = "\n".join(
        verification.summary(RECORDS["cpu"], RECORDS["cuda"], gpu_only))
    return texts


def test_no_gpu_verification_is_claimed_without_a_passing_gpu_record():
    if gpu_record_passes(RECORDS["cuda"]):
        pytest.skip("verification/cuda.json holds a passing GPU run: GPU claims are allowed")
    claims = {name: found for name, text in _texts().items() if (found := gpu_claims(text))}
    assert claims == {}, (f"{CUDA_RECORD.relative_to(ROOT)} holds no passing GPU run, yet these "
                          f"sentences claim one: {json.dumps(claims, ensure_ascii=False, indent=1)}")


def test_without_a_gpu_record_the_site_says_so_where_it_matters():
    if gpu_record_passes(RECORDS["cuda"]):
        pytest.skip("verification/cuda.json holds a passing GPU run")
    texts = _texts()
    for name in ("README.md", "site_description (built)", "home page summary (built)"):
        assert verification.NOT_YET in texts[name], name
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


def _annotated(cuda_record: dict) -> str:
    return verification.annotate(GPU_ONLY_PAGE, "docs/t.md", {}, cuda_record, 2)


def test_every_gpu_only_block_is_marked_unverified_without_a_record():
    page = _annotated({})
    assert page.count(f'!!! warning "{verification.NOT_YET}"') == 2, page
    # The note sits right before the marker, at the block's own indentation, so it renders
    # next to the block, inside the admonition for the second one.
    assert f'!!! warning "{verification.NOT_YET}"' in page.split("<!-- gpu-only")[0]
    assert f'    !!! warning "{verification.NOT_YET}"' in page.split("<!-- gpu-only")[1]
    # The harness still finds each marker right above its fence.
    assert page.count("<!-- gpu-only: needs CUDA -->\n```python") == 1
    assert page.count("<!-- gpu-only: needs CUDA -->\n\n    ```python") == 1


def test_a_passing_gpu_record_flips_the_notes_and_a_failing_one_does_not():
    entry = {"torch": "2.14.1+cu130", "device": "NVIDIA H100", "date": "2026-12-01 10:00 UTC",
             "commit": "abc1234", "passed": 5, "skipped": 0, "failed": 0}
    passing = _annotated({"pages": {"docs/t.md": entry}})
    assert verification.NOT_YET not in passing
    assert passing.count('!!! success "已在 GPU 上运行验证"') == 2
    assert "NVIDIA H100" in passing
    failing = _annotated({"pages": {"docs/t.md": {**entry, "failed": 1}}})
    assert failing.count(f'!!! warning "{verification.NOT_YET}"') == 2
    other_page = _annotated({"pages": {"docs/other.md": entry}})
    assert other_page.count(f'!!! warning "{verification.NOT_YET}"') == 2


def test_summary_and_description_follow_the_records():
    entry = {"torch": "2.14.1+cu130", "device": "NVIDIA H100", "date": "2026-12-01 10:00 UTC",
             "commit": "abc1234", "passed": 5, "skipped": 0, "failed": 0}
    record = {"pages": {"docs/t.md": entry}}
    assert verification.NOT_YET in verification.describe_site("站点。", {})
    assert verification.NOT_YET not in verification.describe_site("站点。", record)
    assert "NVIDIA H100" in verification.describe_site("站点。", record)
    without = "\n".join(verification.summary({}, {}, 13))
    assert verification.NOT_YET in without and "13 段" in without
    with_gpu = "\n".join(verification.summary({}, record, 13))
    assert verification.NOT_YET not in with_gpu and "NVIDIA H100" in with_gpu


def test_the_home_page_summary_is_rendered_in_place():
    page = "!!! success \"t\"\n\n    - a\n    - b：\n        <!-- verification-summary -->\n    - c\n"
    out = verification.annotate(page, "docs/index.md", {}, {}, 3)
    lines = out.splitlines()
    assert lines[4].startswith("        - **CPU") and lines[5].startswith("        - **GPU")
    assert lines[6] == "    - c"
