"""The verification record: what a test run proved, read by the site build.

``verification/cpu.json`` is rewritten by every CPU run (not committed);
``verification/cuda.json`` is written by a real GPU run and committed after it.
Pages are merged, so running one page updates that page's entry only.

A drift record (``nox -s docs-drift``: verification/drift/<environment>.json) says, for one
torch environment, what every page does there: shown outputs that differ (expected and got),
examples that raise, warnings seen.
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


def _stamp(root: Path, info: dict) -> dict:
    stamp = {
        "torch": info["torch"],
        "device": info["device"],
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(root),
    }
    if "cuda" in info:
        stamp["cuda"] = info["cuda"]
    return stamp


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
    stamp = _stamp(root, info)
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


def _torchvision() -> str:
    try:
        import torchvision
    except Exception as error:  # a missing or mismatched build is a finding, not a crash
        return f"not importable ({type(error).__name__}: {str(error).splitlines()[0][:120]})"
    return torchvision.__version__


def write_drift(path: Path, root: Path, info: dict, outcomes: dict[str, Counter], found) -> Path:
    """The drift record of one environment; pages not run this time are kept from the last
    run in the same torch version, dropped otherwise."""
    import platform

    previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    environment = dict(_stamp(root, info), mode=info["mode"], torchvision=_torchvision(),
                       python=platform.python_version(), name=path.stem)
    pages = previous.get("pages", {}) if previous.get("torch") == info["torch"] else {}
    for page, counts in sorted(outcomes.items()):
        pages[page] = {
            "passed": counts["passed"], "failed": counts["failed"], "skipped": counts["skipped"],
            "outputs_differ": [d.as_dict() for d in found.differences if d.page == page],
            "raises": [{"line": r.line, "error": r.error} for r in found.raised if r.page == page],
            "warnings": [dict(w.as_dict(), line=line) for (p, line), seen
                         in sorted(found.warnings.items()) if p == page for w in seen],
        }
    for entry in pages.values():
        for difference in entry["outputs_differ"]:
            difference.pop("page", None)
    data = dict(environment, pages=dict(sorted(pages.items())))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
