"""Sharding (pytest-split, by the durations in .test_durations, whole files per shard:
harness/shards.py): the groups together hold exactly the whole suite, nothing twice, and no
page or test module is cut in two."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from harness import shards
from tests.sites import ROOT


def _collected(*args: str) -> list[str]:
    env = dict(os.environ, DOCS_DEVICE="cpu", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return [line for line in result.stdout.splitlines() if "::" in line]


@pytest.mark.slow  # three collections of the whole suite, in subprocesses
def test_two_shards_cover_the_suite_exactly_once_and_keep_files_whole():
    everything = _collected()
    first = _collected("--splits", "2", "--group", "1")
    second = _collected("--splits", "2", "--group", "2")
    assert first and second
    assert not set(first) & set(second)
    assert Counter(first + second) == Counter(everything)
    assert not {shards.file_of(n) for n in first} & {shards.file_of(n) for n in second}


def test_durations_are_stored_for_the_suite():
    durations = json.loads((ROOT / ".test_durations").read_text(encoding="utf-8"))
    pages = {shards.file_of(nodeid) for nodeid in durations if nodeid.startswith("docs/")}
    assert "docs/tensors.md" in pages and "tests/test_harness.py" in {
        shards.file_of(nodeid) for nodeid in durations
    }


def test_least_duration_by_file_balances_whole_files():
    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    items = [Item(f"docs/{page}.md::line:{line}") for page in "abcd" for line in range(3)]
    durations = {item.nodeid: {"a": 10, "b": 1, "c": 9, "d": 2}[item.nodeid[5]] for item in items}
    groups = shards.groups(items, 2, durations)
    assert sorted(map(sorted, groups)) == [["docs/a.md", "docs/b.md"], ["docs/c.md", "docs/d.md"]]
