"""A figure on a page that a program draws is the figure that program draws today."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.sites import ROOT

# (program, the file it writes, the image the page shows)
FIGURES = [
    ("snippets/numpy/plot_sigmoid.py", "sigmoid.png", "docs/assets/images/numpy-sigmoid.png"),
    *[
        ("snippets/cnn/diagrams.py", name, f"docs/assets/images/{name}")
        for name in ("cnn-sliding-window.png", "cnn-channels.png", "cnn-lenet.png")
    ],
    ("snippets/cnn/figures.py", "cnn-filters.png", "docs/assets/images/cnn-filters.png"),
    ("snippets/data/diagrams.py", "data-pipeline.png", "docs/assets/images/data-pipeline.png"),
    (
        "snippets/data/figures.py",
        "data-augmentations.png",
        "docs/assets/images/data-augmentations.png",
    ),
]


@pytest.mark.slow  # runs a program in a fresh interpreter
@pytest.mark.parametrize(
    "program, written, shown", FIGURES, ids=[f"{f[0]}:{f[1]}" for f in FIGURES]
)
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
