"""Figures a page draws itself: ``<!-- figure: name.png -->`` before a block that writes
``name.png`` into the page's current folder, and the page shows ``assets/images/name.png``.

The page has already computed what the figure shows (a trained model's attention, a run's
loss curves), so the figure is drawn there and then, not by its program a second time
(which would repeat the training).  After the block passes:

- the block itself must have written the file, as a plain file (a file left by an earlier
  block, or a symbolic link, is not a drawing);
- in the reference run (the CPU, the pinned torch) its bytes must be the committed image's.
  A figure that changed is left in ``build/figures/`` to look at.  docs-update keeps the new
  drawing and writes it over the committed image at the end of a run that finished, with the
  shown outputs (never after an earlier block on the page failed: its state is not the
  page's, and never through a symbolic link).  On a GPU, or with another torch (docs-drift),
  a model trained there draws other pixels: the page shows the reference run's figure, so
  only the drawing itself is checked.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

IMAGES = Path("docs") / "assets" / "images"
KEPT = Path("build") / "figures"  # a figure that differs from the committed one, to look at
NAME = re.compile(r"[\w-]+(?:\.[\w-]+)*\.(?:png|svg)")

Stamp = tuple[int, int, int] | None  # (inode, size, mtime in ns) of a file, None: no file


@dataclass
class Redrawn:
    """A figure docs-update will write over the committed image when the run has finished."""

    page: str
    line: int
    name: str
    data: bytes


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


def stamps(names: tuple[str, ...], folder: Path) -> dict[str, Stamp]:
    """Each file's identity before the block runs: after it, an unchanged one was not drawn."""
    found: dict[str, Stamp] = {}
    for name in names:
        try:
            info = os.lstat(folder / name)
            found[name] = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            found[name] = None
    return found


def figure_failure(
    names: tuple[str, ...],
    folder: Path,
    root: Path,
    *,
    before: dict[str, Stamp] | None = None,
    reference: bool,
    update: bool,
    earlier_failed: bool = False,
    redrawn: list[Redrawn] | None = None,
    where: tuple[str, int] = ("", 0),
) -> str | None:
    """What is wrong with the figures a block drew into ``folder`` (None: nothing).  In an
    update, a changed figure is added to ``redrawn`` instead, for ``write_redrawn``."""
    problems = []
    for name in names:
        drawn, shown = folder / name, root / IMAGES / name
        if drawn.is_symlink() or (drawn.exists() and not drawn.is_file()):
            problems.append(f"{name} in its current folder is not a plain file it drew")
            continue
        if not drawn.is_file() or (before and stamps((name,), folder)[name] == before.get(name)):
            problems.append(
                f"it did not write {name} into its current folder (<!-- figure: {name} -->)"
            )
            continue
        if not reference:
            continue
        if shown.is_symlink():
            problems.append(
                f"{(IMAGES / name).as_posix()} is a symbolic link: replace it with the image "
                "itself (the harness never writes through a link)"
            )
            continue
        data = drawn.read_bytes()
        if shown.is_file() and shown.read_bytes() == data:
            continue
        if update and not earlier_failed and redrawn is not None:
            redrawn.append(Redrawn(where[0], where[1], name, data))
            continue
        _replace(root / KEPT / name, data)
        state = "differs from" if shown.is_file() else "is not yet"
        advice = (
            "an earlier block on the page failed, so docs-update does not copy it: fix that first"
            if update
            else "look at it and, if it is right, copy it there (nox -s docs-update does)"
        )
        problems.append(
            f"the {name} it drew {state} {(IMAGES / name).as_posix()}, the image the page "
            f"shows; it is in {(KEPT / name).as_posix()}: {advice}"
        )
    return "; ".join(problems) or None


def write_redrawn(root: Path, redrawn: list[Redrawn]) -> list[Redrawn]:
    """Write the figures docs-update kept over the committed images (a run that finished):
    each through a temporary file and a rename, so an interrupted write leaves the old image
    whole; a symbolic link there is replaced by the image, never written through."""
    for figure in redrawn:
        _replace(root / IMAGES / figure.name, figure.data)
    return list(redrawn)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` as ``path`` through a temporary file and a rename: an interrupted write
    leaves the old file whole, and a symbolic link there is replaced, never written through."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
