"""Per page and per block: every block a reader sees as Python is run by the harness or carries
a reasoned norun marker, and the harness runs exactly the code the reader sees (includes
expanded).  The reader's side comes from the real Markdown renderer, not from the harness's
lexer, so a lexer that drops, merges or misreads a block fails here, naming its line."""

from __future__ import annotations

import pytest

from harness.examples import blocks
from harness.plugin import site_sybil
from pagekit.fences import scan
from pagekit.includes import code_chunks
from tests.sites import ROOT, rendered_python_blocks

# Every file MkDocs builds as a page (its Markdown extensions), at any depth.
PAGES = sorted(
    page
    for page in (ROOT / "docs").rglob("*")
    if page.suffix in {".md", ".markdown", ".mdown", ".mkdn", ".mkd"}
)


def code_lines(text: str) -> list[str]:
    return [
        line.rstrip().expandtabs(4) for line in text.split("\n") if line.strip()
    ]  # as Markdown does


def harness_view(page) -> list[tuple[int, str, str, list[str]]]:
    """(line, language, what the harness does with it, the code it runs) per python fence."""
    name = page.relative_to(ROOT).as_posix()
    text = page.read_text(encoding="utf-8-sig")
    collected = {block.fence.line: block for block in blocks(text, name, ROOT)}
    view = []
    for fence in scan(text).fences:
        if not fence.is_python:
            continue
        block = collected.get(fence.line)
        if block is None:
            assert fence.marker("norun") and fence.marker("norun").reason, (
                f"{name}, line {fence.line}: a python block the harness neither runs nor marks"
            )
            view.append((fence.line, fence.language, "norun", code_lines(fence.body)))
            continue
        assert block.problem is None, f"{name}, line {fence.line}: {block.problem}"
        if block.kind == "code":
            lines = [
                line
                for chunk in code_chunks(fence.body, fence.body_line, name, ROOT)
                for line in (chunk.shown if chunk.is_snippet else chunk.code.split("\n"))
            ]
            view.append((fence.line, fence.language, "runs", code_lines("\n".join(lines))))
        else:
            view.append((fence.line, fence.language, "runs", code_lines(fence.body)))
    return view


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_python_block_a_reader_sees_is_run_as_shown(page):
    rendered = rendered_python_blocks(page, ROOT)
    harness = harness_view(page)
    name = page.relative_to(ROOT).as_posix()
    for shown, ours in zip(rendered, harness, strict=False):  # the counts are compared below
        line, language, status, code = ours
        assert shown[0] == language, (
            f"{name}, line {line}: rendered as {shown[0]}, read as {language}"
        )
        assert code_lines(shown[1]) == code, (
            f"{name}, line {line} ({status}): the harness's code differs from what the reader sees"
        )
    assert len(rendered) == len(harness), (
        f"{name}: the reader sees {len(rendered)} python blocks, the harness found {len(harness)}; "
        f"first unmatched: "
        + (
            f"harness line {harness[len(rendered)][0]}"
            if len(harness) > len(rendered)
            else f"rendered block #{len(harness) + 1}: {rendered[len(harness)][1][:80]!r}"
        )
    )


def test_pages_exist():
    assert len(PAGES) >= 2


@pytest.mark.parametrize("name", ["docs/deep/er/page.md", "docs/page.markdown", "docs/p.mkd"])
def test_the_harness_collects_every_file_mkdocs_builds_as_a_page(name):
    assert site_sybil(ROOT).should_parse(ROOT / name)
    assert not site_sybil(ROOT).should_parse(ROOT / "README.md")
    assert not site_sybil(ROOT).should_parse(ROOT / "tests" / "fixtures" / "every_fence_kind.md")


def test_an_include_in_a_blockquote_is_refused_as_the_site_shows_it_raw(tmp_path):
    """pymdownx.snippets expands a line that starts with --8<--, not one after "> ": the reader
    saw the raw include line while the harness ran the snippet (red team, rt)."""
    from tests.sites import make_site

    text = '# t\n\n> ```python\n> --8<-- "snippets/s.py:a"\n> ```\n'
    snippet = '# --8<-- [start:a]\nprint("hi")\n# --8<-- [end:a]\n'
    site = make_site(
        tmp_path, {"docs/index.md": "# i\n", "docs/p.md": text}, {"snippets/s.py": snippet}
    )
    [(_language, shown)] = rendered_python_blocks(site / "docs" / "p.md", site)
    assert shown == '--8<-- "snippets/s.py:a"\n'  # not expanded by the site
    [block] = blocks(text, "docs/p.md", site)
    assert block.problem and "an include inside a > blockquote" in block.problem
    assert not blocks(text.replace("> ", ""), "docs/p.md", site)[0].problem
