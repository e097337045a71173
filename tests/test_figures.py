"""A figure on a page that a program draws is the figure that program draws today."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.sites import ROOT

# (program, the file it writes, the image the page shows)
FIGURES = [
    ("snippets/numpy/plot_sigmoid.py", "sigmoid.png", "docs/assets/images/numpy-sigmoid.png"),
    # The flow diagrams (static SVG instead of mermaid): one program draws all four.
    *(
        ("tools/diagrams.py", name, f"docs/assets/images/{name}")
        for name in (
            "training-loop.svg",
            "transfer-overview.svg",
            "scaling-ddp.svg",
            "contributing-pipeline.svg",
        )
    ),
]
# The page that shows each drawn diagram (the test below checks it is on that page).
DIAGRAM_PAGES = {
    "training-loop.svg": "docs/training.md",
    "transfer-overview.svg": "docs/transfer.md",
    "scaling-ddp.svg": "docs/scaling.md",
    "contributing-pipeline.svg": "docs/contributing.md",
}


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


@pytest.mark.parametrize("name, page", DIAGRAM_PAGES.items())
def test_each_drawn_diagram_is_on_its_page_with_chinese_alt_text(name, page):
    text = (ROOT / page).read_text(encoding="utf-8")
    alts = re.findall(r"!\[([^\]]+)\]\(assets/images/" + re.escape(name) + r"\)", text)
    assert len(alts) == 1, f"{page} should show {name} once"
    assert re.search(r"[\u4e00-\u9fff]", alts[0]), f"{page}: the alt text of {name} is not Chinese"


def test_no_page_draws_a_diagram_in_the_readers_browser():
    """A mermaid fence would need a 3.5 MB script on the reader's phone (the site no longer
    ships it): draw the diagram with tools/diagrams.py instead."""
    pages = list((ROOT / "docs").rglob("*.md"))
    offenders = [
        p.name for p in pages if re.search(r"^\s*(```|~~~)\s*mermaid", p.read_text("utf-8"), re.M)
    ]
    assert offenders == []
