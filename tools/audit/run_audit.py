"""Lighthouse on the built site (build/browser-site, served under its sub-path on 127.0.0.1
with gzip, as tests/browser/conftest.py serves it): performance and accessibility of the
home page and a chapter must each reach 95 with Lighthouse's desktop preset.  The mobile
preset (4x CPU slowdown, slow 4G) is measured and printed too, not enforced: on a shared
2-core machine its scores swing by 20 points from run to run.  Reports go to build/audit/.

Run by `nox -s audit`; needs Node.js, `npm ci` in tools/audit, and Debian's chromium.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.browser.conftest import CHROMIUM, QUIET_FLAGS, SITE, serve_site  # noqa: E402

PAGES = {"home": "", "tensors": "tensors/"}
PRESETS = {"desktop": ["--preset=desktop"], "mobile": []}  # Lighthouse's default is mobile
ENFORCED = "desktop"
THRESHOLD = 0.95
LIGHTHOUSE = ROOT / "tools" / "audit" / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "build" / "audit"


def audit(url: str, report: Path, preset: list[str]) -> dict[str, float]:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=performance,accessibility",
            *preset,
            "--chrome-flags=--headless=new " + " ".join(QUIET_FLAGS),
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: category["score"] for name, category in result["categories"].items()}
    weight = result["audits"]["total-byte-weight"]["numericValue"]
    return {**scores, "kib": weight / 1024}


def main() -> int:
    assert SITE.is_dir(), "build the site first: nox -s audit builds it"
    server, base = serve_site()
    REPORTS.mkdir(parents=True, exist_ok=True)
    failures = []
    print(f"{'page':10} {'preset':8} {'performance':>12} {'accessibility':>14} {'weight':>10}")
    for name, path in PAGES.items():
        for preset, flags in PRESETS.items():
            result = audit(base + path, REPORTS / f"{name}-{preset}.json", flags)
            print(
                f"{name:10} {preset:8} {result['performance'] * 100:12.0f}"
                f" {result['accessibility'] * 100:14.0f} {result['kib']:7.0f} KiB"
            )
            if preset == ENFORCED:
                failures += [
                    f"{name} ({preset}): {category} {result[category]:.2f} < {THRESHOLD}"
                    for category in ("performance", "accessibility")
                    if result[category] < THRESHOLD
                ]
    server.shutdown()
    for failure in failures:
        print("FAILED", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
