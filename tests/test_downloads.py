"""A reader can get the code: each chapter links its programs, and the archive of all of them
unpacks into a folder whose programs run with the project's Python (sitekit/downloads.py,
published by hooks/downloads.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitekit import downloads
from tests.sites import ROOT

CHAPTERS = {
    page.name: downloads.programs_of(page.read_text(encoding="utf-8"), ROOT)
    for page in sorted((ROOT / "docs").glob("*.md"))
    if page.name not in downloads.NOT_CHAPTERS
}
EVERY_PROGRAM = sorted({program for found in CHAPTERS.values() for program in found})


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("reader")
    archive = where / "pytorch-rumen-code.zip"
    archive.write_bytes(downloads.build_archive(ROOT, EVERY_PROGRAM))
    with zipfile.ZipFile(archive) as opened:
        assert {Path(name).parts[0] for name in opened.namelist()} == {downloads.FOLDER}
        opened.extractall(where)
    return where / downloads.FOLDER


def test_every_chapter_that_includes_a_program_offers_it():
    assert CHAPTERS["training.md"][:4] == [
        "snippets/training/linear_models.py",
        "snippets/training/plot_loss.py",
        "snippets/training/mnist_sample.py",
        "snippets/training/mnist.py",
    ]
    for page, programs in CHAPTERS.items():
        for program in programs:
            assert (ROOT / program).is_file(), f"{page} includes {program}, which does not exist"
    box = downloads.download_box("training.md", CHAPTERS["training.md"], ["notebooks/mnist.py"], "")
    assert "(downloads/training/mnist.py)" in box and "(notebooks/mnist.ipynb)" in box
    assert f"({downloads.ARCHIVE})" in box and "仓库" not in box
    nested = downloads.download_box(
        "notebooks/x.md", ["snippets/home/first_model.py"], [], "https://example.org/repo"
    )
    assert "(../downloads/home/first_model.py)" in nested
    assert "<https://example.org/repo>" in nested


def test_the_box_sits_under_the_title():
    out = downloads.page_with_download_box(
        "# 标题\n\n正文\n", "index.md", ["snippets/home/first_model.py"], ROOT / "docs", ""
    )
    assert out.startswith('# 标题\n\n??? abstract "下载本章的程序"')
    assert out.endswith("正文\n")


def test_the_archive_holds_every_program_the_notebook_and_what_to_install(unpacked):
    for program in EVERY_PROGRAM:
        assert (unpacked / Path(program).relative_to("snippets")).read_bytes() == (
            ROOT / program
        ).read_bytes()
    notebook = json.loads((unpacked / "notebooks" / "mnist.ipynb").read_text(encoding="utf-8"))
    assert notebook["cells"] and notebook["nbformat"] == 4
    for needed in ("mnist.py", "mnist_sample.py", "cjk-subset.ttf"):
        assert (unpacked / "notebooks" / needed).is_file(), needed
    assert (unpacked / "README.txt").is_file()
    # What a reader may do with the programs travels with them.
    assert "MIT License" in (unpacked / "LICENSE").read_text(encoding="utf-8")
    assert "CC-BY-SA-4.0" in (unpacked / "LICENSE-docs").read_text(encoding="utf-8")
    pinned = dict(
        re.findall(
            r'"([A-Za-z0-9_.-]+)==([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        )
    )
    wanted = [
        line
        for line in (unpacked / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert wanted == [f"{name}=={pinned[name]}" for name in downloads.EXTRA_REQUIREMENTS]


@pytest.mark.slow  # runs a program in a fresh interpreter
def test_a_program_from_the_archive_runs_as_the_page_shows(unpacked):
    result = subprocess.run(
        [sys.executable, "first_model.py"],
        cwd=unpacked / "home",
        check=False,  # the tests read the exit status themselves
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "CUDA_VISIBLE_DEVICES": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "3 公斤的预测价格：18.00 元" in result.stdout
    shown = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert (
        "第 20 步：w = 6.0000 时 loss = 0.0000，更新后 w = 6.0000" in result.stdout
        and "第 20 步：w = 6.0000 时 loss = 0.0000，更新后 w = 6.0000" in shown
    )


def test_a_notebook_download_is_the_same_bytes_on_every_build():
    notebook = next((ROOT / "docs" / "notebooks").glob("*.py"))
    first, second = downloads.notebook_json(notebook), downloads.notebook_json(notebook)
    assert first == second
    cells = json.loads(first)["cells"]
    assert [cell["id"] for cell in cells] == [f"cell-{n}" for n in range(1, len(cells) + 1)]


def test_a_chapter_offers_the_programs_its_programs_import(tmp_path):
    """A figure program imports a helper no page includes (toolkit's plot_schedules.py): the
    download must carry it, or the program fails where a reader unpacks it."""
    assert "snippets/toolkit/plot_schedules.py" in CHAPTERS["toolkit.md"]
    (tmp_path / "snippets" / "demo").mkdir(parents=True)
    for name, code in {
        "shown.py": "import helper\nfrom json import dumps\n",
        "helper.py": "from deeper import x\n",
        "deeper.py": "x = 1\n",
        "unused.py": "",
    }.items():
        (tmp_path / "snippets" / "demo" / name).write_text(code, encoding="utf-8")
    page = '```python\n--8<-- "snippets/demo/shown.py"\n```\n'
    assert downloads.programs_of(page) == ["snippets/demo/shown.py"]
    assert downloads.programs_of(page, tmp_path) == [
        "snippets/demo/shown.py",
        "snippets/demo/helper.py",
        "snippets/demo/deeper.py",
    ]
