"""Per page: the examples the harness collects are every python block a reader sees,
minus the blocks marked ``norun`` with a reason. A lexer that drops a block fails here."""

from __future__ import annotations

import pytest

from tests.harness.plugin import site_sybil
from tests.sites import ROOT, rendered_python_blocks

PAGES = sorted((ROOT / "docs").rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_python_block_is_collected(page):
    rendered, reasoned_norun = rendered_python_blocks(page, ROOT)
    collected = len(list(site_sybil(ROOT).parse(page).examples()))
    assert collected == rendered - reasoned_norun, (
        f"{page.relative_to(ROOT)}: the reader sees {rendered} python blocks "
        f"({reasoned_norun} marked norun), but the harness collected {collected}")


def test_pages_exist():
    assert len(PAGES) >= 2
