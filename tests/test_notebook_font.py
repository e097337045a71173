"""The figures of the notebooks and of snippets/ draw Chinese with the font subset: every character
they use must be in it (tools/subset_font.py makes it; rerun it after changing the text)."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from tests.sites import ROOT
from tools.subset_font import TARGET, characters_drawn


def test_the_subset_font_has_every_character_the_notebook_draws():
    cmap = TTFont(TARGET).getBestCmap()
    missing = [ch for ch in characters_drawn() if ord(ch) not in cmap]
    assert missing == [], (
        f"{TARGET.relative_to(ROOT)} lacks {''.join(missing)}: run "
        "python tools/subset_font.py DroidSansFallbackFull.ttf"
    )


def test_the_subset_stays_small():
    assert TARGET.stat().st_size < 100_000
