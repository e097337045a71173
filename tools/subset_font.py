"""Make docs/notebooks/cjk-subset.ttf: the Chinese glyphs the figures draw, and no more.

Matplotlib draws the figure text itself, so Chinese in a figure needs a font with Chinese
glyphs on the machine that runs the notebook; the machine that builds the site has none.
The notebooks, and the programs in snippets/ that draw the chapters' figures (those that
name cjk-subset.ttf), therefore carry a subset of Droid Sans Fallback (Apache License 2.0,
Google): every character outside ASCII that appears in a string in their code (docstrings
aside), ~30 KB.

    python tools/subset_font.py FULL_FONT.ttf   # after changing the figures' text

FULL_FONT is DroidSansFallbackFull.ttf (Debian package fonts-droid-fallback, also in the
Android source tree). tests/test_notebook_font.py fails when a character is missing.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "docs" / "notebooks"
TARGET = NOTEBOOKS / "cjk-subset.ttf"


def drawing_programs() -> list[Path]:
    """The notebooks, and every program in snippets/ that uses the subset font."""
    programs = sorted(NOTEBOOKS.glob("*.py"))
    for program in sorted((ROOT / "snippets").rglob("*.py")):
        if "cjk-subset.ttf" in program.read_text(encoding="utf-8"):
            programs.append(program)
    return programs


def drawn_by_dejavu() -> set[int]:
    """The characters Matplotlib's own DejaVu Sans draws: the figures name it first, so the
    Chinese font only draws the rest (×, ±, ° and the like come from DejaVu)."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    return set(TTFont(font_manager.findfont("DejaVu Sans")).getBestCmap())


def characters_drawn() -> str:
    """Every character of a string literal of those programs (docstrings aside) that DejaVu
    Sans lacks."""
    found: set[str] = set()
    for program in drawing_programs():
        tree = ast.parse(program.read_text(encoding="utf-8"))
        docstrings = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or id(node) in docstrings:
                continue
            if isinstance(node.value, str):
                found.update(ch for ch in node.value if ord(ch) > 127)
    dejavu = drawn_by_dejavu()
    return "".join(sorted(ch for ch in found if ord(ch) not in dejavu))


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
