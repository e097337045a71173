"""A page that draws a figure itself (``<!-- figure: name.png -->``, harness/figures.py): the
block must write the file, and in the reference run its bytes must be the image the page shows;
a different drawing fails naming page and line and is kept to look at; docs-update copies it.
Every case runs in a throw-away copy of the site."""

from __future__ import annotations

from pathlib import Path

from harness import figures
from harness.examples import blocks
from tests.sites import ROOT, make_site, run_inprocess
from tests.test_block_running import page, py

DRAW = "from pathlib import Path\n\nPath('dots.png').write_bytes(b'{data}')"
SHOWN = "![两个点](assets/images/dots.png)"


def site_with(tmp_path: Path, drawn: str, committed: bytes | None, marker: str) -> Path:
    site = make_site(
        tmp_path / "site", {"docs/p.md": page(py(DRAW.format(data=drawn), marker=marker), SHOWN)}
    )
    if committed is not None:
        images = site / figures.IMAGES
        images.mkdir(parents=True, exist_ok=True)
        (images / "dots.png").write_bytes(committed)
    return site


def test_a_figure_the_page_draws_as_committed_passes(tmp_path, pytester):
    site = site_with(tmp_path, "two dots", b"two dots", "<!-- figure: dots.png -->")
    run = run_inprocess(pytester, site, "docs/p.md")
    assert run.returncode == 0, run.stdout
    assert not (site / figures.KEPT).exists()


def test_a_different_drawing_fails_naming_page_and_line_and_is_kept(tmp_path, pytester):
    site = site_with(tmp_path, "three dots", b"two dots", "<!-- figure: dots.png -->")
    run = run_inprocess(pytester, site, "docs/p.md")
    assert run.returncode == 1
    assert (
        "docs/p.md, line 4: the dots.png it drew differs from docs/assets/images/dots.png, "
        "the image the page shows; it is in build/figures/dots.png: look at it"
    ) in run.stdout
    assert (site / figures.KEPT / "dots.png").read_bytes() == b"three dots"
    assert (site / figures.IMAGES / "dots.png").read_bytes() == b"two dots"  # untouched
    update = run_inprocess(pytester, site, "docs/p.md", "--docs-update")
    assert update.returncode == 0, update.stdout
    assert (site / figures.IMAGES / "dots.png").read_bytes() == b"three dots"
    assert (
        "docs-update: replaced docs/assets/images/dots.png with the figure drawn at docs/p.md, "
        "line 4"
    ) in update.stdout
    assert run_inprocess(pytester, site, "docs/p.md").returncode == 0


def test_a_block_that_no_longer_draws_fails(tmp_path, pytester):
    site = make_site(
        tmp_path / "site",
        {"docs/p.md": page(py("x = 1", marker="<!-- figure: dots.png -->"), SHOWN)},
    )
    run = run_inprocess(pytester, site, "docs/p.md")
    assert run.returncode == 1
    assert "docs/p.md, line 4: it did not write dots.png into its current folder" in run.stdout


def test_a_figure_not_yet_committed_fails_until_docs_update_copies_it(tmp_path, pytester):
    site = site_with(tmp_path, "new", None, "<!-- figure: dots.png -->")
    run = run_inprocess(pytester, site, "docs/p.md")
    assert run.returncode == 1
    assert "the dots.png it drew is not yet docs/assets/images/dots.png" in run.stdout
    assert run_inprocess(pytester, site, "docs/p.md", "--docs-update").returncode == 0
    assert (site / figures.IMAGES / "dots.png").read_bytes() == b"new"


def test_off_the_reference_run_only_the_file_is_checked(tmp_path):
    (tmp_path / "dots.png").write_bytes(b"drawn on a GPU")
    (tmp_path / "site" / figures.IMAGES).mkdir(parents=True)
    (tmp_path / "site" / figures.IMAGES / "dots.png").write_bytes(b"drawn on the CPU")

    def check(reference: bool) -> str:
        drawn = figures.figure_failure(
            ("dots.png",), tmp_path, tmp_path / "site", reference=reference, update=False
        )
        return drawn or ""

    assert check(reference=False) == ""
    assert "differs from" in check(reference=True)
    (tmp_path / "dots.png").unlink()
    assert "did not write" in check(reference=False)


def test_a_figure_marker_must_name_image_files_in_the_images_folder():
    for reason in ("../secret.png", "docs/assets/images/dots.png", "dots.txt", "\u200b"):
        text = page(py("x = 1", marker=f"<!-- figure: {reason} -->"))
        [block] = blocks(text, "docs/p.md", ROOT)
        assert block.problem and "line 3" in block.problem, (reason, block.problem)
    [block] = blocks(page(py("x = 1", marker="<!-- figure: a.png b-2.svg -->")), "docs/p.md", ROOT)
    assert block.problem is None and block.figures == ("a.png", "b-2.svg")


# --- red team (rt): what the figure check must not let through ------------------------------
def test_a_file_left_by_an_earlier_block_is_not_a_drawing(tmp_path, pytester):
    earlier = py("from pathlib import Path\n\nPath('dots.png').write_bytes(b'two dots')")
    site = make_site(
        tmp_path / "site",
        {"docs/p.md": page(earlier, py("x = 1", marker="<!-- figure: dots.png -->"), SHOWN)},
    )
    (site / figures.IMAGES).mkdir(parents=True, exist_ok=True)
    (site / figures.IMAGES / "dots.png").write_bytes(b"two dots")
    run = run_inprocess(pytester, site, "docs/p.md")
    assert "line 10: it did not write dots.png into its current folder" in run.stdout


def test_docs_update_never_writes_through_a_link(tmp_path, pytester):
    site = site_with(tmp_path, "new", None, "<!-- figure: dots.png -->")
    outside = site / "snippets" / "shared.png"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_bytes(b"someone else's")
    (site / figures.IMAGES).mkdir(parents=True, exist_ok=True)
    (site / figures.IMAGES / "dots.png").symlink_to(outside)
    run = run_inprocess(pytester, site, "docs/p.md", "--docs-update")
    assert run.returncode == 1
    assert "docs/assets/images/dots.png is a symbolic link" in run.stdout
    assert outside.read_bytes() == b"someone else's"


def test_docs_update_keeps_a_figure_drawn_after_an_earlier_failure(tmp_path, pytester):
    site = make_site(
        tmp_path / "site",
        {
            "docs/p.md": page(
                py("undefined_name"),
                py(
                    DRAW.format(data="drawn from a broken state"),
                    marker="<!-- figure: dots.png -->",
                ),
                SHOWN,
            )
        },
    )
    (site / figures.IMAGES).mkdir(parents=True, exist_ok=True)
    (site / figures.IMAGES / "dots.png").write_bytes(b"committed")
    run = run_inprocess(pytester, site, "docs/p.md", "--docs-update")
    assert "an earlier block on the page failed, so docs-update does not copy it" in run.stdout
    assert (site / figures.IMAGES / "dots.png").read_bytes() == b"committed"


def test_figures_are_written_only_when_the_update_run_finished(tmp_path):
    redrawn = [figures.Redrawn("docs/p.md", 4, "dots.png", b"new")]
    assert figures.write_redrawn(tmp_path, redrawn) == redrawn
    assert (tmp_path / figures.IMAGES / "dots.png").read_bytes() == b"new"
    assert not list((tmp_path / figures.IMAGES).glob(".dots.png.*"))  # no temporary left


def test_figure_with_gpu_only_or_a_misspelt_marker_is_refused():
    [both] = blocks(
        page(py("x = 1", marker="<!-- gpu-only: 要 GPU -->\n<!-- figure: dots.png -->")),
        "docs/p.md",
        ROOT,
    )
    assert both.problem and "never compared" in both.problem
    [plural] = blocks(page(py("x = 1", marker="<!-- figures: dots.png -->")), "docs/p.md", ROOT)
    assert plural.problem and "unknown marker <!-- figures -->" in plural.problem
