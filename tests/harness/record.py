"""The verification record: what a test run proved, read by the site build.

``verification/cpu.json`` is rewritten by every CPU run (not committed);
``verification/cuda.json`` is written by a real GPU run and committed after it.
Pages are merged, so running one page updates that page's entry only.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from collections import Counter
from pathlib import Path


def _commit(root: Path) -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "docs", "snippets"],
                               cwd=root, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def path_for(root: Path, mode: str) -> Path:
    return root / "verification" / f"{mode}.json"


def read(root: Path, mode: str) -> dict:
    path = path_for(root, mode)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write(root: Path, info: dict, outcomes: dict[str, Counter], ran: dict) -> Path:
    path = path_for(root, info["mode"])
    data = read(root, info["mode"])
    stamp = {
        "torch": info["torch"],
        "device": info["device"],
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(root),
    }
    if "cuda" in info:
        stamp["cuda"] = info["cuda"]
    pages = data.setdefault("pages", {})
    for page, counts in sorted(outcomes.items()):
        entry = dict(stamp, passed=counts["passed"], failed=counts["failed"],
                     skipped=counts["skipped"])
        if info["mode"] == "cuda":
            entry["cuda_examples"] = sum(used for (p, _), used in ran.items() if p == page)
        pages[page] = entry
    data["last_run"] = stamp
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path
