"""Promises the project makes outside the pages."""

from __future__ import annotations

import itertools
import re

from pagekit.fences import scan
from tests.sites import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README.split("## 其他会话")[0])


def test_readme_has_exactly_two_commands_serve_and_test():
    commands = _readme_commands()
    assert commands == [
        "python3 tools/run_nox.py -s serve",
        "python3 tools/run_nox.py -s docs-test",
    ]


def test_the_launcher_pins_the_nox_the_readme_names():
    """tools/run_nox.py installs the nox the README (and its offline GPU recipe) names, and
    installs nothing into the Python that runs it (PEP 668 Pythons refuse that)."""
    launcher = (ROOT / "tools" / "run_nox.py").read_text(encoding="utf-8")
    pin = re.search(r'^NOX = "(nox==[\d.]+)"', launcher, re.M).group(1)
    assert pin in README
    assert "--target" in launcher and "EnvBuilder(with_pip=True" in launcher
    imports = re.findall(r"^(?:import|from) (\w+)", launcher, re.M)
    assert set(imports) <= {"__future__", "importlib", "os", "subprocess", "sys", "venv", "pathlib"}


def test_ci_runs_the_readme_test_command_verbatim():
    """Exactly the README's command, inside a time limit for the whole run."""
    ci_lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ]
    assert f"bash -c '{_readme_commands()[1]}'" in ci_lines


def test_no_third_party_fonts_or_generator_link():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+font: false", config, re.M)
    assert re.search(r"^\s+generator: false", config, re.M)
    assert "privacy" not in config  # it fetches assets at build time and fails offline


def test_templates_load_the_vendored_versions_that_exist():
    pins = dict(re.findall(r"^(KATEX)=(\S+)", (ROOT / "tools" / "vendor.sh").read_text(), re.M))
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    loaded = re.findall(r"assets/vendor/([\w.-]+/[\w./-]+)", template)
    assert {path.split("/")[0] for path in loaded} == {f"katex-{pins['KATEX']}"}
    # Everything vendored is loaded by the templates: nothing dead is shipped with the site.
    vendored = {p.name for p in (ROOT / "docs" / "assets" / "vendor").iterdir()}
    assert vendored == {path.split("/")[0] for path in loaded}
    for path in loaded:
        assert (ROOT / "docs" / "assets" / "vendor" / path).is_file(), path


def test_no_page_links_a_third_party_script_or_stylesheet():
    pages = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "overrides").rglob("*.html")]
    offenders = [
        page.name
        for page in pages
        if re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", page.read_text("utf-8"))
    ]
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
        fenced = {
            number
            for fence in scan(text).fences
            for number in range(fence.line, fence.line + fence.body.count("\n") + 2)
        }
        for number, (line, following) in enumerate(itertools.pairwise(lines), start=1):
            first, second = line.rstrip(), following.strip()
            if number in fenced or not first or not second or first.lstrip().startswith(NOT_PROSE):
                continue
            if second.startswith(BLOCK_STARTS) or re.match(r"\d+\. ", second):
                continue
            if CJK.match(first[-1]) and CJK.match(second[0]):
                wrapped.append(f"{page.relative_to(ROOT)}:{number}")
    assert wrapped == []


# Pages that teach: the contributing guide, the report and the glossary follow their own form.
CHAPTERS = [
    page
    for page in sorted((ROOT / "docs").glob("*.md"))
    if page.name not in {"contributing.md", "report.md", "glossary.md"}
]
READER_FILES = [
    *CHAPTERS,
    *sorted((ROOT / "snippets").rglob("*.py")),
    *sorted((ROOT / "docs" / "notebooks").glob("*.py")),
]


def test_exercises_are_labelled_one_way():
    """Every exercise opens its paragraph as **练习 N**：, numbered from 1 on each page."""
    for page in CHAPTERS:
        text = page.read_text(encoding="utf-8")
        labels = re.findall(r"^\*\*(练习\s*\d+|\d+\.)\*\*(.)", text, re.M)
        assert all(
            label == f"练习 {n}" and after == "：" for n, (label, after) in enumerate(labels, 1)
        ), (page.name, labels)


def test_number_ranges_use_one_sign():
    """A range of numbers is written 0～255 (full-width tilde), not 0~255 or 0–255."""
    ranges = re.compile(r"\d+(?:\.\d+)?\s*[%％]?\s*[~–—]\s*\d")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in READER_FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ranges.search(line)
    ]
    assert found == []
