"""MkDocs hook: show on every page when and where its examples were last verified.

Reads the records the test runs write (see tests/harness/record.py):
verification/cpu.json from the latest CPU run, verification/cuda.json committed after
the latest real GPU run.
"""

from __future__ import annotations

import re
from pathlib import Path

import records  # hooks/records.py: the records' format, shared with the test harness

MODES = {"cpu": "CPU", "cuda": "GPU"}
_records: dict[str, records.VerificationRecord] = {}


def on_config(config):
    root = Path(config.config_file_path).parent
    for mode in MODES:
        _records[mode] = records.read_verification(root / "verification" / f"{mode}.json")
    return config


PYTHON_FENCE = re.compile(r"^\s*(```|~~~)\s*(python|py|pycon|python3)\b", re.M)


def on_page_context(context, page, config, nav):
    page_key = f"docs/{page.file.src_uri}"
    context["verification"] = [_describe(mode, page_key) for mode in MODES]
    # A page without Python blocks (术语表, 验证报告) has nothing to verify; a notebook page
    # is executed by the build itself (mkdocs-jupyter, allow_errors: false).
    if page.file.src_uri.endswith((".py", ".ipynb")):
        context["verification_note"] = "本页是 Notebook：每次构建站点时从头到尾运行一遍，任何一格出错，构建就失败。"
    elif not PYTHON_FENCE.search(page.markdown or ""):
        context["verification_note"] = "本页没有需要运行的代码示例。"
    return context


def _describe(mode: str, page_key: str) -> dict:
    entry = _records[mode].pages.get(page_key)
    if not entry:
        return {"label": MODES[mode], "verified": False}
    return {
        "label": MODES[mode],
        "verified": entry.failed == 0 and entry.passed > 0,
        "torch": entry.torch,
        "device": entry.device,
        "date": entry.date,
        "commit": entry.commit,
        "passed": entry.passed,
        "skipped": entry.skipped,
        "failed": entry.failed,
    }
