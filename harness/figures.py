"""Figures a page draws itself: ``<!-- figure: name.png -->`` before a block that writes
``name.png`` into the page's current folder, and the page shows ``assets/images/name.png``.

The page has already computed what the figure shows (a trained model's attention, a run's
loss curves), so the figure is drawn there and then, not by its program a second time
(which would repeat the training).  After the block passes:

- the file must be there (in every run: a block that stopped drawing fails);
- in the reference run (the CPU, the pinned torch) its bytes must be the committed image's:
  a figure that changed is left in ``build/figures/`` to look at, and docs-update copies it
  over the committed one.  On a GPU, or with another torch (docs-drift), a model trained
  there draws other pixels: the page shows the reference run's figure, so only the file's
  presence is checked.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

IMAGES = Path("docs") / "assets" / "images"
KEPT = Path("build") / "figures"  # a figure that differs from the committed one, to look at
NAME = re.compile(r"[\w-]+(?:\.[\w-]+)*\.(?:png|svg)")


def marker_problem(reason: str, line: int) -> tuple[tuple[str, ...], str | None]:
    """(the image names, a problem) of a ``figure`` marker's text."""
    names = tuple(reason.split())
    bad = [name for name in names if not NAME.fullmatch(name)]
    if not names or bad:
        return (), (
            f"<!-- figure --> at line {line} names the image files the block writes into its "
            "current folder, as docs/assets/images/ names them: <!-- figure: "
            f"attention-heatmap.png --> (not {' '.join(bad) or 'nothing'})"
        )
    return names, None


def figure_failure(
    names: tuple[str, ...], folder: Path, root: Path, *, reference: bool, update: bool
) -> str | None:
    """What is wrong with the figures a block drew into ``folder`` (None: nothing)."""
    problems = []
    for name in names:
        drawn, shown = folder / name, root / IMAGES / name
        if not drawn.is_file():
            problems.append(
                f"it did not write {name} into its current folder (<!-- figure: {name} -->)"
            )
            continue
        if not reference or (shown.is_file() and shown.read_bytes() == drawn.read_bytes()):
            continue
        if update:
            shown.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(drawn, shown)
            continue
        kept = root / KEPT / name
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(drawn, kept)
        state = "differs from" if shown.is_file() else "is not yet"
        problems.append(
            f"the {name} it drew {state} {(IMAGES / name).as_posix()}, the image the page "
            f"shows; look at {(KEPT / name).as_posix()} and, if it is right, copy it there "
            "(nox -s docs-update does)"
        )
    return "; ".join(problems) or None
