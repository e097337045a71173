"""A reader pastes a page's blocks into a fresh Python, whose random generators start from
a seed nobody chose.  Every page must still print what it shows.

This used to run every page a second time under another fixed seed.  Now every run of the
pages starts them from a fresh random seed (harness/plugin.py), printed in the summary and
kept in the record: a page whose shown output hangs on the seed fails in some run, and
DOCS_SEED=<that seed> reproduces it.  These tests check that machinery, not the pages again.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from harness import plugin
from tests.sites import make_site, run_inprocess


def _config(workerinput=None):
    config = SimpleNamespace()
    if workerinput is not None:
        config.workerinput = workerinput
    return config


def test_every_run_starts_from_a_new_seed(monkeypatch):
    monkeypatch.delenv(plugin.SEED_VARIABLE, raising=False)
    seeds = {plugin._seed(_config()) for _ in range(20)}
    assert len(seeds) == 20
    assert all(0 < seed < 2**32 for seed in seeds)  # numpy.random.seed takes it too


def test_docs_seed_pins_the_seed_to_reproduce_a_run(monkeypatch):
    monkeypatch.setenv(plugin.SEED_VARIABLE, "20261122")
    assert plugin._seed(_config()) == 20261122


def test_xdist_workers_use_the_controllers_seed(monkeypatch):
    monkeypatch.delenv(plugin.SEED_VARIABLE, raising=False)
    assert plugin._seed(_config({"docs_seed": 1234})) == 1234


def test_the_seed_reaches_the_page_and_the_record(tmp_path, pytester, monkeypatch):
    """A throw-away page checks the seed it started from against the one the summary and the
    record give (run in this process, with pytester)."""
    monkeypatch.delenv(plugin.SEED_VARIABLE, raising=False)
    seen = tmp_path / "seen"
    page = (
        "# t\n\n```python\n>>> import torch\n"
        f">>> open({str(seen)!r}, 'w').write(str(torch.initial_seed())) > 0\n"
        "True\n```\n"
    )
    site = make_site(tmp_path / "site", {"docs/index.md": page})
    result = run_inprocess(pytester, site, "docs")
    assert result.returncode == 0, result.stdout
    said = re.search(r"random seed (\d+); DOCS_SEED=\1 repeats it", result.stdout)
    assert said, result.stdout
    seed = int(said.group(1))
    assert int(seen.read_text()) == seed
    record = json.loads((site / "verification" / "cpu.json").read_text(encoding="utf-8"))
    assert record["pages"]["docs/index.md"]["seed"] == seed == record["last_run"]["seed"]
