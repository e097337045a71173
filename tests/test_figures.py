"""A figure on a page that a program draws is the figure that program draws today.

Figures drawn from what a page has just computed (a trained model, a run's history) are drawn
by the page itself, in a block marked ``<!-- figure: name.png -->``: the harness compares them
as the page runs (harness/figures.py), so their training never runs a second time here.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pagekit.fences import scan
from tests.sites import ROOT

# program -> [(a file it writes, the image the page shows), ...]; each program runs once.
IMAGES = "docs/assets/images"
FIGURES = {
    "snippets/numpy/plot_sigmoid.py": [("sigmoid.png", f"{IMAGES}/numpy-sigmoid.png")],
    "snippets/transfer/residual_block.py": [
        ("residual-block.svg", f"{IMAGES}/transfer-residual-block.svg")
    ],
    "snippets/rnn/unrolled.py": [("rnn-unrolled.svg", f"{IMAGES}/rnn-unrolled.svg")],
    "snippets/toolkit/plot_schedules.py": [
        ("lr-schedules.png", f"{IMAGES}/toolkit-lr-schedules.png")
    ],
    "snippets/cnn/diagrams.py": [
        (name, f"{IMAGES}/{name}")
        for name in ("cnn-sliding-window.png", "cnn-channels.png", "cnn-lenet.png")
    ],
    "snippets/cnn/figures.py": [("cnn-filters.png", f"{IMAGES}/cnn-filters.png")],
    "snippets/data/diagrams.py": [("data-pipeline.png", f"{IMAGES}/data-pipeline.png")],
    "snippets/data/figures.py": [("data-augmentations.png", f"{IMAGES}/data-augmentations.png")],
    "snippets/data/photos.py": [("data-photos.png", f"{IMAGES}/data-photos.png")],
    # drawn from the numbers docs/deploy.md shows (its reference run), not measured again
    "snippets/deploy/plot_deploy.py": [
        (name, f"{IMAGES}/{name}") for name in ("deploy-profile.png", "deploy-size-latency.png")
    ],
    # The flow diagrams (static SVG instead of mermaid): one program draws all four.
    "tools/diagrams.py": [
        (name, f"{IMAGES}/{name}")
        for name in (
            "training-loop.svg",
            "transfer-overview.svg",
            "scaling-ddp.svg",
            "contributing-pipeline.svg",
        )
    ],
}


def drawn_by_pages() -> dict[str, str]:
    """image (docs/assets/images/…) -> the page whose block draws it (<!-- figure -->)."""
    drawn = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for fence in scan(page.read_text(encoding="utf-8")).marked("figure"):
            for name in fence.marker("figure").reason.split():
                drawn[f"{IMAGES}/{name}"] = page.relative_to(ROOT).as_posix()
    return drawn


PAGE_DRAWN = drawn_by_pages()


def test_pages_draw_figures_that_no_program_draws_again():
    assert PAGE_DRAWN, "no page draws a figure itself"
    by_programs = {image for images in FIGURES.values() for _, image in images}
    assert not by_programs & PAGE_DRAWN.keys()


@pytest.mark.parametrize("image", sorted(PAGE_DRAWN))
def test_a_page_shows_the_figure_it_draws(image):
    name = image.removeprefix(f"{IMAGES}/")
    page = ROOT / PAGE_DRAWN[image]
    assert f"assets/images/{name})" in page.read_text(encoding="utf-8"), (
        f"{PAGE_DRAWN[image]} draws {name} (<!-- figure -->) but does not show it"
    )


@pytest.mark.slow  # runs a program in a fresh interpreter
@pytest.mark.parametrize("program", sorted(FIGURES))
def test_the_page_shows_what_the_program_draws(program, tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / program)],
        cwd=tmp_path,
        check=False,  # the tests read the exit status themselves
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for written, shown in FIGURES[program]:
        assert (tmp_path / written).read_bytes() == (ROOT / shown).read_bytes(), (
            f"{program} now draws a different {written}: copy it to {shown} after looking at it"
        )


@pytest.mark.parametrize(
    "image", [image for images in FIGURES.values() for _, image in images] + sorted(PAGE_DRAWN)
)
def test_each_drawn_image_is_on_a_page_with_chinese_alt_text(image):
    name = image.removeprefix(f"{IMAGES}/")
    alts = [
        alt
        for page in (ROOT / "docs").rglob("*.md")
        for alt in re.findall(
            r"!\[(.+?)\]\((?:\.\./)*assets/images/"  # alt texts hold [0, 0] too
            + re.escape(name)
            + r"\)",
            page.read_text(encoding="utf-8"),
        )
    ]
    assert alts, f"no page shows {name}"
    assert all(re.search(r"[\u4e00-\u9fff]", alt) for alt in alts), f"{name}: alt text not Chinese"


def test_no_page_draws_a_diagram_in_the_readers_browser():
    """A mermaid fence would need a 3.5 MB script on the reader's phone (the site no longer
    ships it): draw the diagram with tools/diagrams.py instead."""
    pages = list((ROOT / "docs").rglob("*.md"))
    offenders = [
        p.name for p in pages if re.search(r"^\s*(```|~~~)\s*mermaid", p.read_text("utf-8"), re.M)
    ]
    assert offenders == []
