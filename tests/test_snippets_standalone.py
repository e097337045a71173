"""Every program in snippets/ runs on its own, exactly as a reader would run it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.sites import ROOT

PROGRAMS = sorted((ROOT / "snippets").rglob("*.py"))
# A reader runs mnist.py with the network and gets the full MNIST; the tests have no network
# and take the offline sample, one epoch.
ARGUMENTS = {"snippets/training/mnist.py": ["--sample", "--epochs", "1", "--no-progress"]}


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_snippet_runs_standalone(program, tmp_path):
    # A scratch working directory: files the program writes never land in the repository.
    arguments = ARGUMENTS.get(program.relative_to(ROOT).as_posix(), [])
    result = subprocess.run(
        [sys.executable, str(program), *arguments],
        cwd=tmp_path,
        check=False,  # the tests read the exit status themselves
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{program.relative_to(ROOT)} failed:\n{result.stderr}"
    assert result.stdout.strip(), f"{program.relative_to(ROOT)} printed nothing to check"
