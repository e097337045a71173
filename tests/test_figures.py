"""A figure on a page that a program draws is the figure that program draws today."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.sites import ROOT

# (program, the file it writes, the image the page shows)
FIGURES = [
    ("snippets/numpy/plot_sigmoid.py", "sigmoid.png", "docs/assets/images/numpy-sigmoid.png"),
    (
        "snippets/training/plot_loss.py",
        "loss-curve.png",
        "docs/assets/images/training-loss-curve.png",
    ),
    (
        "snippets/transfer/residual_block.py",
        "residual-block.svg",
        "docs/assets/images/transfer-residual-block.svg",
    ),
    (
        "snippets/transfer/plot_comparison.py",
        "transfer-comparison.png",
        "docs/assets/images/transfer-comparison.png",
    ),
    (
        "snippets/toolkit/plot_schedules.py",
        "lr-schedules.png",
        "docs/assets/images/toolkit-lr-schedules.png",
    ),
    (
        "snippets/toolkit/plot_early_stopping.py",
        "early-stopping.png",
        "docs/assets/images/toolkit-early-stopping.png",
    ),
]


@pytest.mark.slow  # runs a program in a fresh interpreter
@pytest.mark.parametrize("program, written, shown", FIGURES, ids=[f[0] for f in FIGURES])
def test_the_page_shows_what_the_program_draws(program, written, shown, tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / program)],
        cwd=tmp_path,
        check=False,  # the tests read the exit status themselves
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / written).read_bytes() == (ROOT / shown).read_bytes(), (
        f"{program} now draws a different {written}: copy it to {shown} after looking at it"
    )
