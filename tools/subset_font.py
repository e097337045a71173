"""Make docs/notebooks/cjk-subset.ttf: the Chinese glyphs the notebook's figures draw, and no more.

Matplotlib draws the figure text itself, so Chinese in a figure needs a font with Chinese
glyphs on the machine that runs the notebook; the machine that builds the site has none.
The notebook therefore carries a subset of Droid Sans Fallback (Apache License 2.0, Google):
every character outside ASCII that appears in a string in the notebooks' code or in a figure
program of snippets/ that names this file, ~20 KB.

    python tools/subset_font.py FULL_FONT.ttf   # after changing the figures' text

FULL_FONT is DroidSansFallbackFull.ttf (Debian package fonts-droid-fallback, also in the
Android source tree). tests/test_notebook_font.py fails when a character is missing.
"""

from __future__ import annotations

import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "docs" / "notebooks"
TARGET = NOTEBOOKS / "cjk-subset.ttf"


def drawing_programs() -> list[Path]:
    """The notebooks, and the programs in snippets/ that draw with the subset (they name it)."""
    figures = [
        program
        for program in sorted((ROOT / "snippets").rglob("*.py"))
        if TARGET.name in program.read_text(encoding="utf-8")
    ]
    return [*sorted(NOTEBOOKS.glob("*.py")), *figures]


def characters_drawn() -> str:
    """Every non-ASCII character in a string literal of the notebooks' and figure programs' code."""
    found: set[str] = set()
    for notebook in drawing_programs():
        with notebook.open(encoding="utf-8") as source:
            for token in tokenize.generate_tokens(source.readline):
                if token.type == tokenize.STRING:
                    found.update(ch for ch in token.string if ord(ch) > 127)
    return "".join(sorted(found))


def main(full_font: str) -> None:
    from fontTools import subset  # fontTools comes with matplotlib

    options = subset.Options()
    options.name_IDs = ["*"]  # keep the family name (Droid Sans Fallback) and the notices
    options.notdef_outline = True
    font = subset.load_font(full_font, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters_drawn())
    subsetter.subset(font)
    subset.save_font(font, str(TARGET), options)
    print(
        f"{TARGET.relative_to(ROOT)}: {len(characters_drawn())} characters, "
        f"{TARGET.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main(sys.argv[1])
