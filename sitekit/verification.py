"""Everything the site says about its own verification comes from the records.

The records (verification/cpu.json, verification/cuda.json; see pagekit/records.py) come in as
plain data.  From them:

- the site description: the GPU clause of ``site_description`` says whether a GPU run exists;
- ``<!-- verification-summary -->`` on a page (the home page's promise): what ran where;
- a note next to every ``<!-- gpu-only: … -->`` block: until the GPU record holds a passing
  run of that page, the block says plainly that it has not been verified on a GPU yet;
- the stamp at the bottom of every page (overrides/partials/verified.html).

So no sentence about a GPU run is hand-written: when verification/cuda.json arrives, every
one of them changes with it.
"""

from __future__ import annotations

import re
from pathlib import Path

MODES = {"cpu": "CPU", "cuda": "GPU"}
SUMMARY_MARKER = re.compile(r"^(?P<indent>[ \t]*)<!--\s*verification-summary\s*-->[ \t]*$", re.M)
GPU_ONLY_MARKER = re.compile(r"^(?P<indent>[ \t]*)<!--\s*gpu-only\s*:.*?-->[ \t]*$", re.M)
PYTHON_FENCE = re.compile(r"^\s*(```|~~~)\s*(python|py|pycon|python3)\b", re.M)
NOT_YET = "尚未在 GPU 上运行验证"


def count_gpu_only_blocks(docs: Path) -> int:
    return sum(
        len(GPU_ONLY_MARKER.findall(page.read_text(encoding="utf-8")))
        for page in sorted(docs.rglob("*.md"))
    )


def gpu_passed(cuda_record: dict, page_key: str) -> dict | None:
    """The GPU record's entry for this page if it ran there with no failure, else None."""
    entry = cuda_record.get("pages", {}).get(page_key)
    if entry and entry.get("failed", 1) == 0 and entry.get("passed", 0) > 0:
        return None if entry.get("partial") else entry  # a filtered run verified no page
    return None


def describe_site(base: str, cuda_record: dict) -> str:
    """site_description: the configured text, then what the GPU record says."""
    pages = cuda_record.get("pages", {})
    if pages and all(gpu_passed(cuda_record, key) for key in pages):
        any_entry = next(iter(pages.values()))
        clause = f"也在 GPU（{any_entry['device']}）上运行验证过。"
    elif pages:
        clause = "GPU 上的运行验证有未通过的页面，见验证报告。"
    else:
        clause = f"{NOT_YET}。"
    return f"{base.rstrip()}{clause}"


def summary(cpu_record: dict, cuda_record: dict, gpu_only_blocks: int) -> list[str]:
    """The home page's promise about devices, as Markdown list items."""
    cpu_pages = cpu_record.get("pages", {})
    if cpu_pages:
        passed = sum(entry["passed"] for entry in cpu_pages.values())
        failed = sum(entry["failed"] for entry in cpu_pages.values())
        entry = next(iter(cpu_pages.values()))
        cpu = (
            f"**CPU：每次提交都运行。** 这次构建所依据的运行：{passed} 个示例通过、"
            f"{failed} 个失败（PyTorch {entry['torch']}，{entry['date']}）。"
        )
    else:
        cpu = (
            "**CPU：每次提交都运行。** 这次构建没有附带 CPU 的运行记录，各页底部因此显示“待验证”。"
        )
    gpu_pages = cuda_record.get("pages", {})
    if not gpu_pages:
        gpu = (
            f"**GPU：{NOT_YET}。** 测试程序可以在 NVIDIA GPU 上运行同样的示例"
            f"（`docs-test-cuda`），但本站还没有这样一次运行的记录。有 {gpu_only_blocks} 段示例"
            "只能在 GPU 上运行，它们显示的输出还没有和真实的运行核对过，每一段旁边都注明了这一点。"
        )
    else:
        good = [key for key in gpu_pages if gpu_passed(cuda_record, key)]
        entry = next(iter(gpu_pages.values()))
        gpu = (
            f"**GPU：{len(good)} / {len(gpu_pages)} 页在 GPU 上全部通过**"
            f"（{entry['device']}，PyTorch {entry['torch']}，{entry['date']}）。"
            "同一段代码在两种设备上必须打印出同样的结果；"
            "只能在 GPU 上运行的示例旁边注明了它的验证情况。"
        )
    return [cpu, gpu]


def gpu_note(indent: str, entry: dict | None) -> str:
    """The admonition placed before a gpu-only block, as Markdown at the block's indentation."""
    if entry is None:
        lines = [
            f'!!! warning "{NOT_YET}"',
            "",
            "    下面这段只能在 NVIDIA GPU 上运行。本站还没有它在 GPU 上通过的记录，"
            "所以它显示的输出是按 PyTorch 的文档和行为写出的预期结果，还没有和真实的运行核对过。",
        ]
    else:
        lines = [
            '!!! success "已在 GPU 上运行验证"',
            "",
            f"    下面这段只能在 GPU 上运行；它在 {entry['device']}（PyTorch {entry['torch']}，"
            f"{entry['date']}）上运行通过。",
        ]
    return "\n".join(f"{indent}{line}" if line else "" for line in lines) + "\n\n"


def annotate(
    markdown: str, page_key: str, cpu_record: dict, cuda_record: dict, gpu_only_blocks: int
) -> str:
    """The page's Markdown with the summary filled in and a note before each gpu-only block."""
    entry = gpu_passed(cuda_record, page_key)
    markdown = GPU_ONLY_MARKER.sub(
        lambda m: gpu_note(m.group("indent"), entry) + m.group(0), markdown
    )

    def fill(match: re.Match) -> str:
        indent = match.group("indent")
        return "\n".join(
            f"{indent}- {item}" for item in summary(cpu_record, cuda_record, gpu_only_blocks)
        )

    return SUMMARY_MARKER.sub(fill, markdown)


def stamp(mode: str, entry: dict | None) -> dict:
    """What the stamp at the bottom of a page says about one device's run of it."""
    if not entry:
        return {"label": MODES[mode], "verified": False}
    return {
        "label": MODES[mode],
        "verified": entry["failed"] == 0 and entry["passed"] > 0 and not entry.get("partial"),
        "partial": bool(entry.get("partial")),
        "torch": entry["torch"],
        "device": entry["device"],
        "date": entry["date"],
        "commit": entry["commit"],
        "passed": entry["passed"],
        "skipped": entry["skipped"],
        "failed": entry["failed"],
    }


def page_note(src_uri: str, markdown: str) -> str | None:
    """Why a page's stamp shows no test results, for the pages that have none."""
    # A page without Python blocks (术语表, 验证报告) has nothing to verify; a notebook page
    # is executed by the build itself (mkdocs-jupyter, allow_errors: false).
    if src_uri.endswith((".py", ".ipynb")):
        return (
            "本页是 Notebook：每次构建站点时在构建它的机器上从头到尾运行一遍"
            "（那台机器没有 GPU 时就在 CPU 上运行），任何一格出错，构建就失败。"
        )
    if not PYTHON_FENCE.search(markdown):
        return "本页没有需要运行的代码示例。"
    return None
