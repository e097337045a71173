"""The speed numbers on docs/scaling.md come from the committed benchmark results, not from a
keyboard.

Every ``verification/benchmarks/*.json`` must appear on the page as the exact table that
``snippets/scaling/benchmark.py --table FILE`` prints, between
``<!-- benchmark-table: FILE -->`` and ``<!-- /benchmark-table -->``; every such block must name
a committed file.  The benchmark itself runs here only in its few-second quick mode: that
proves the program and its JSON work, and no timing is asserted.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys

import pytest

from tests.sites import ROOT

PAGE = ROOT / "docs" / "scaling.md"
PROGRAM = ROOT / "snippets" / "scaling" / "benchmark.py"
RESULTS = sorted((ROOT / "verification" / "benchmarks").glob("*.json"))
BLOCK = re.compile(
    r"<!-- benchmark-table: (?P<file>\S+) -->\n(?P<table>.*?)\n<!-- /benchmark-table -->", re.DOTALL
)


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("scaling_benchmark", PROGRAM)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _page_tables() -> dict[str, str]:
    return {
        m.group("file"): m.group("table") for m in BLOCK.finditer(PAGE.read_text(encoding="utf-8"))
    }


def test_there_are_committed_results():
    assert RESULTS, (
        "no verification/benchmarks/*.json: run snippets/scaling/benchmark.py --full --out …"
    )


@pytest.mark.parametrize("result", RESULTS, ids=lambda p: p.name)
def test_page_shows_the_committed_result(result):
    record = json.loads(result.read_text(encoding="utf-8"))
    assert record["quick"] is False, f"{result.name} is a --quick run: its numbers mean nothing"
    relative = result.relative_to(ROOT).as_posix()
    expected = _benchmark_module().markdown_table(record)
    shown = _page_tables().get(relative)
    assert shown is not None, (
        f"docs/scaling.md does not show {relative}. Add:\n"
        f"<!-- benchmark-table: {relative} -->\n{expected}\n<!-- /benchmark-table -->"
    )
    assert shown == expected, (
        f"docs/scaling.md's table for {relative} differs from the file. It should read:\n{expected}"
    )


def test_every_table_on_the_page_names_a_committed_result():
    committed = {p.relative_to(ROOT).as_posix() for p in RESULTS}
    assert _page_tables(), "docs/scaling.md has no <!-- benchmark-table: … --> block"
    for name in _page_tables():
        assert name in committed, (
            f"docs/scaling.md shows a table for {name}, which is not committed"
        )


@pytest.mark.slow  # runs a program in a fresh interpreter
def test_quick_run_writes_a_result_the_table_reads(tmp_path):
    out = tmp_path / "quick.json"
    run = subprocess.run(
        [sys.executable, str(PROGRAM), "--quick", "--out", str(out)],
        cwd=tmp_path,
        check=False,  # the tests read the exit status themselves
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["quick"] is True
    assert record["torch"] and record["hardware"]["cpu"] and record["hardware"]["cpu_cores"]
    assert "cpu" in record["results"]
    if "cuda" in record["results"]:
        assert record["hardware"]["gpu"]
    for numbers in record["results"].values():
        assert all(
            value > 0 for key, value in numbers.items() if key.endswith(("_tflops", "_per_s"))
        )
    table = subprocess.run(
        [sys.executable, str(PROGRAM), "--table", str(out)],
        cwd=tmp_path,
        check=False,  # the tests read the exit status themselves
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert table.returncode == 0, table.stderr
    assert table.stdout.strip() in run.stdout  # the same table, printed from the file


def test_the_machine_the_page_describes_is_the_one_in_the_record():
    """The prose about the CPU run (machine, version, month, method, load) comes from its file."""
    result = ROOT / "verification" / "benchmarks" / "cpu-amd-epyc-2c.json"
    record = json.loads(result.read_text(encoding="utf-8"))
    hardware, load = record["hardware"], record["load_average"]
    year, month, _ = record["date"].split("-")
    page = PAGE.read_text(encoding="utf-8")
    for claim in [
        f"一台 {hardware['cpu']} 处理器的虚拟机，{hardware['cpu_cores']} 个核心"
        f"（`torch.get_num_threads()` 为 {hardware['torch_threads']}），"
        f"PyTorch {record['torch'].split('+')[0]}，float32，{year} 年 {int(month)} 月测量",
        f"每项热身 3 次后测 {record['results']['cpu']['rounds']} 轮、每轮至少 0.3 秒",
        f"平均负载为 {load['before']:.1f} 和 {load['after']:.1f}",
    ]:
        assert claim in page, claim
    source = PROGRAM.read_text(encoding="utf-8")
    assert "(1, 0.0, 1) if quick else (3, 0.3, 15)" in source  # the warm-ups, seconds, rounds above
