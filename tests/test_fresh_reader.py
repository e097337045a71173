"""A reader pastes a page's blocks into a fresh Python, whose random generators start from
a seed nobody chose.  Every page must still print what it shows: run them all under a seed
other than the harness's own, and any output that silently depended on it shows up here."""

from __future__ import annotations

import json

from tests.sites import ROOT, run_pytest

OTHER_SEED = "20261122"


def test_pages_do_not_depend_on_the_harness_seed(tmp_path, monkeypatch):
    record = tmp_path / "other-seed.json"  # a drift record: leaves verification/cpu.json alone
    monkeypatch.setenv("DOCS_SEED", OTHER_SEED)
    result = run_pytest(ROOT, "docs", f"--docs-drift={record}")
    pages = json.loads(record.read_text(encoding="utf-8"))["pages"]
    broken = {
        page: counts
        for page, counts in pages.items()
        if counts["failed"] or counts["outputs_differ"] or counts["raises"]
    }
    assert broken == {}, result.stdout[-4000:]
    assert sum(counts["passed"] for counts in pages.values()) > 300
