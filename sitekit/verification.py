"""Everything the site says about its own verification comes from the records.

The records (verification/cpu.json, verification/cuda.json) come in as the typed records of
pagekit/records.py.  From them:

- the site description: the GPU clause of ``site_description`` says whether a GPU run exists;
- ``<!-- verification-summary -->`` on a page (the home page's promise): what ran where;
- a note next to every ``gpu-only`` block: until the GPU record holds a passing run of that
  page, the block says plainly that it has not been verified on a GPU yet.  The blocks are
  found by the harness's own scanner (pagekit/fences.py), so every marker the harness skips
  on the CPU, however it was typed, gets its note;
- the stamp at the bottom of every page (overrides/partials/verified.html).

So no sentence about a GPU run is hand-written: when verification/cuda.json arrives, every
one of them changes with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pagekit.fences import scan
from pagekit.records import PageResult, VerificationRecord

MODES = {"cpu": "CPU", "cuda": "GPU"}
SUMMARY_MARKER = re.compile(r"^(?P<indent>[ \t]*)<!--\s*verification-summary\s*-->[ \t]*$", re.M)
NOT_YET = "尚未在 GPU 上运行验证"


def count_gpu_only_blocks(docs: Path) -> int:
    return sum(
        len(scan(page.read_text(encoding="utf-8")).marked("gpu-only"))
        for page in sorted(docs.rglob("*.md"))
    )


def verified(entry: object) -> bool:
    """Whether a page's result proves the page: every example ran and none failed.  A run
    that covered only part of the page's examples (``partial``) proves nothing."""
    return (
        entry is not None
        and getattr(entry, "failed", 1) == 0
        and getattr(entry, "passed", 0) > 0
        and not getattr(entry, "partial", False)
    )


def gpu_passed(cuda_record: VerificationRecord, page_key: str) -> PageResult | None:
    """The GPU record's entry for this page if it ran there with no failure, else None."""
    entry = cuda_record.pages.get(page_key)
    return entry if verified(entry) else None


def describe_site(base: str, cuda_record: VerificationRecord) -> str:
    """site_description: the configured text, then what the GPU record says."""
    pages = cuda_record.pages
    if pages and all(gpu_passed(cuda_record, key) for key in pages):
        any_entry = next(iter(pages.values()))
        clause = f"也在 GPU（{any_entry.device}）上运行验证过。"
    elif pages:
        clause = "GPU 上的运行验证有未通过的页面，见验证报告。"
    else:
        clause = f"{NOT_YET}。"
    return f"{base.rstrip()}{clause}"


def summary(
    cpu_record: VerificationRecord, cuda_record: VerificationRecord, gpu_only_blocks: int
) -> list[str]:
    """The home page's promise about devices, as Markdown list items."""
    cpu_pages = cpu_record.pages
    if cpu_pages:
        passed = sum(entry.passed for entry in cpu_pages.values())
        failed = sum(entry.failed for entry in cpu_pages.values())
        entry = next(iter(cpu_pages.values()))
        cpu = (
            f"**CPU：每次提交都运行。** 这次构建所依据的运行：{passed} 个示例通过、"
            f"{failed} 个失败（PyTorch {entry.torch}，{entry.date}）。"
        )
    else:
        cpu = (
            "**CPU：每次提交都运行。** 这次构建没有附带 CPU 的运行记录，各页底部因此显示“待验证”。"
        )
    gpu_pages = cuda_record.pages
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
            f"（{entry.device}，PyTorch {entry.torch}，{entry.date}）。"
            "同一段代码在两种设备上必须打印出同样的结果；"
            "只能在 GPU 上运行的示例旁边注明了它的验证情况。"
        )
    return [cpu, gpu]


def gpu_note(indent: str, entry: PageResult | None) -> str:
    """The admonition placed before a gpu-only block, as Markdown at the block's container
    prefix (indentation, or ``> `` inside a blockquote)."""
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
            f"    下面这段只能在 GPU 上运行；它在 {entry.device}（PyTorch {entry.torch}，"
            f"{entry.date}）上运行通过。",
        ]
    blank = indent.rstrip()  # a blockquote's blank lines keep their ">"
    return "\n".join(f"{indent}{line}" if line else blank for line in [*lines, ""]) + "\n"


def annotate(
    markdown: str,
    page_key: str,
    cpu_record: VerificationRecord,
    cuda_record: VerificationRecord,
    gpu_only_blocks: int,
) -> str:
    """The page's Markdown with the summary filled in and a note before each gpu-only block
    (before the block's first marker, so that its markers stay right above its fence)."""
    entry = gpu_passed(cuda_record, page_key)
    lines = markdown.split("\n")  # the scanner's lines: only \n ends one
    for fence in reversed(scan(markdown).marked("gpu-only")):
        first = fence.markers[0]
        lines.insert(first.line - 1, gpu_note(first.indent, entry).removesuffix("\n"))
    markdown = "\n".join(lines)

    def fill(match: re.Match[str]) -> str:
        indent = match.group("indent")
        return "\n".join(
            f"{indent}- {item}" for item in summary(cpu_record, cuda_record, gpu_only_blocks)
        )

    return SUMMARY_MARKER.sub(fill, markdown)


@dataclass(frozen=True)
class DeviceStamp:
    """What the stamp at the bottom of a page says about one device's run of it."""

    label: str
    result: PageResult | None = None

    @property
    def verified(self) -> bool:
        return verified(self.result)

    # What overrides/partials/verified.html reads; only shown when there is a result.
    @property
    def partial(self) -> bool:
        return bool(self.result and self.result.partial)

    @property
    def torch(self) -> str:
        return self.result.torch if self.result else ""

    @property
    def torch_version(self) -> str:
        """The release a beginner knows (2.14.1), without the build's local tag (+cu130):
        the tag is on 验证报告."""
        return self.torch.split("+")[0]

    @property
    def day(self) -> str:
        """The date of the run (2026-12-04), without the time."""
        return self.date[:10]

    @property
    def device(self) -> str:
        return self.result.device if self.result else ""

    @property
    def date(self) -> str:
        return self.result.date if self.result else ""

    @property
    def commit(self) -> str:
        return self.result.commit if self.result else ""

    @property
    def passed(self) -> int:
        return self.result.passed if self.result else 0

    @property
    def skipped(self) -> int:
        return self.result.skipped if self.result else 0

    @property
    def failed(self) -> int:
        return self.result.failed if self.result else 0


def stamp(mode: str, entry: PageResult | None) -> DeviceStamp:
    """What the stamp at the bottom of a page says about one device's run of it."""
    return DeviceStamp(MODES[mode], entry)


def page_note(src_uri: str, markdown: str) -> str | None:
    """Why a page's stamp shows no test results, for the pages that have none."""
    # A page without Python blocks (术语表, 验证报告) has nothing to verify; a notebook page
    # is executed by the build itself (mkdocs-jupyter, allow_errors: false).
    if src_uri.endswith((".py", ".ipynb")):
        return (
            "本页是 Notebook：每次构建站点时在构建它的机器上从头到尾运行一遍"
            "（那台机器没有 GPU 时就在 CPU 上运行），任何一格出错，构建就失败。"
        )
    if not scan(markdown).has_python:
        return "本页没有需要运行的代码示例。"
    return None
