"""Shards: ``pytest --splits N --group I`` (pytest-split) runs the I-th of N groups of about
equal duration, by the durations stored in ``.test_durations`` (``--store-durations`` writes
it).  pytest-split itself splits test by test; here whole files are split instead, with its
least-duration algorithm: a page's examples share one process and run in order, and a test
module's module-scoped runs must happen once, so neither may be cut in two.
"""

from __future__ import annotations

import json
from collections import defaultdict
from types import SimpleNamespace

import pytest

PLUGIN = "pytestsplitplugin"  # pytest-split's selecting plugin, replaced by split_by_file
STORE = "pytestsplitcacheplugin"  # its --store-durations writer


def take_over(config: pytest.Config, worker: bool) -> bool:
    """Unregister pytest-split's own per-test split; True when this run is to be split.
    An xdist worker never writes .test_durations: it knows its own tests only, and would
    race the controller, which writes them all."""
    store = config.pluginmanager.get_plugin(STORE)
    if worker and store is not None:
        config.pluginmanager.unregister(store)
    plugin = config.pluginmanager.get_plugin(PLUGIN)
    if plugin is None:
        return False
    config.pluginmanager.unregister(plugin)
    return True


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def groups(items: list[pytest.Item], splits: int, durations: dict[str, float]) -> list[set[str]]:
    """The files of each group, by pytest-split's least-duration algorithm over files."""
    from pytest_split.algorithms import Algorithms

    files: dict[str, float] = defaultdict(float)
    known = [durations[item.nodeid] for item in items if item.nodeid in durations]
    average = sum(known) / len(known) if known else 1.0  # as pytest-split does for new tests
    for item in items:
        files[file_of(item.nodeid)] += durations.get(item.nodeid, average)
    units = [SimpleNamespace(nodeid=name) for name in files]  # in collection order
    split = Algorithms["least_duration"].value(splits, units, dict(files))
    return [{unit.nodeid for unit in group.selected} for group in split]


def select(config: pytest.Config, items: list[pytest.Item]) -> None:
    splits, group = config.option.splits, config.option.group
    try:
        with open(config.option.durations_path, encoding="utf-8") as handle:
            durations = json.load(handle)
    except FileNotFoundError:
        durations = {}
    chosen = groups(items, splits, durations)[group - 1]
    deselected = [item for item in items if file_of(item.nodeid) not in chosen]
    items[:] = [item for item in items if file_of(item.nodeid) in chosen]
    if deselected:
        config.hook.pytest_deselected(items=deselected)


SHARDED = pytest.StashKey[bool]()
