"""Promises the project makes outside the pages."""

from __future__ import annotations

import re

from tests.harness.fences import scan
from tests.sites import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README.split("## 其他会话")[0])


def test_readme_has_exactly_two_commands_serve_and_test():
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("nox -s serve")
    assert commands[1].endswith("nox -s docs-test")


def test_ci_runs_the_readme_test_command_verbatim():
    """Exactly the README's command, inside a time limit for the whole run."""
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert f"bash -c '{_readme_commands()[1]}'" in ci_lines


def test_no_third_party_fonts_or_generator_link():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+font: false", config, re.M)
    assert re.search(r"^\s+generator: false", config, re.M)
    assert "privacy" not in config  # it fetches assets at build time and fails offline


def test_templates_load_the_vendored_versions_that_exist():
    pins = dict(re.findall(r"^(KATEX|MERMAID)=(\S+)", (ROOT / "tools" / "vendor.sh").read_text(), re.M))
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    loaded = re.findall(r"assets/vendor/([\w.-]+/[\w./-]+)", template)
    assert {path.split("/")[0] for path in loaded} == {f"katex-{pins['KATEX']}",
                                                       f"mermaid-{pins['MERMAID']}"}
    for path in loaded:
        assert (ROOT / "docs" / "assets" / "vendor" / path).is_file(), path


def test_no_page_links_a_third_party_script_or_stylesheet():
    pages = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "overrides").rglob("*.html")]
    offenders = [page.name for page in pages
                 if re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", page.read_text("utf-8"))]
    assert offenders == []


CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
BLOCK_STARTS = ("#", "-", "|", ">", "```", "~~~", "!!!", "???", "===", "*", "<", "$$", "[")
NOT_PROSE = ("#", "|", "<!--", "$$", "```", "~~~", "!!!", "???", "===")  # a list item is prose


def test_chinese_paragraphs_are_not_hard_wrapped():
    """A line break inside a Chinese paragraph renders as a stray space: write one line."""
    wrapped = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        lines = text.split("\n")
        fenced = {number for fence in scan(text).fences
                  for number in range(fence.line, fence.line + fence.body.count("\n") + 2)}
        for number, (line, following) in enumerate(zip(lines, lines[1:]), start=1):
            first, second = line.rstrip(), following.strip()
            if number in fenced or not first or not second or first.lstrip().startswith(NOT_PROSE):
                continue
            if second.startswith(BLOCK_STARTS) or re.match(r"\d+\. ", second):
                continue
            if CJK.match(first[-1]) and CJK.match(second[0]):
                wrapped.append(f"{page.relative_to(ROOT)}:{number}")
    assert wrapped == []
