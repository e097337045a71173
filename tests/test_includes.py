"""Includes run exactly what the site renders: every ``--8<--`` on the site, and a set of
awkward ones, expanded by pymdownx.snippets itself with the site's own settings, must show
the lines the harness runs.  Fast and in-process: no page is executed here."""

from __future__ import annotations

import markdown
import pytest
from mkdocs.config import load_config
from pymdownx.snippets import SnippetPreprocessor

from pagekit import includes as snippets
from pagekit.fences import scan
from pagekit.includes import SnippetError, include_target, resolve
from tests.sites import ROOT


def site_snippet_config() -> dict:
    config = load_config(str(ROOT / "mkdocs.yml"))
    return dict(config["mdx_configs"]["pymdownx.snippets"])


def pymdownx_expand(line: str, root=ROOT) -> list[str]:
    """What the site shows for one include line (pymdownx.snippets, the site's settings)."""
    settings = site_snippet_config()
    settings["base_path"] = [str(root)]
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": settings}
    )
    processor = next(p for p in md.preprocessors if isinstance(p, SnippetPreprocessor))
    return processor.run([line])


def site_includes() -> list[tuple[str, int, str]]:
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for fence in scan(page.read_text(encoding="utf-8")).fences:
            if not fence.is_python:
                continue
            for offset, line in enumerate(fence.body.split("\n")):
                if include_target(line) is not None:
                    found.append(
                        (page.relative_to(ROOT).as_posix(), fence.body_line + offset, line)
                    )
    return found


def test_the_harness_dedents_as_the_site_does():
    assert site_snippet_config()["dedent_subsections"] is snippets.DEDENT_SUBSECTIONS


@pytest.mark.parametrize(
    "page,line,include", site_includes(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_every_include_on_the_site_runs_what_pymdownx_shows(page, line, include):
    space = include[: len(include) - len(include.lstrip())]
    chunk = resolve(include_target(include), ROOT, space)
    assert chunk.shown == pymdownx_expand(include), f"{page}, line {line}: {include.strip()}"


AWKWARD = """\
class Model:
    # --8<-- [start:method]
    def forward(self, x):
        # --8<-- [start:inner]
        return x + 1
        # --8<-- [end:inner]
    # --8<-- [end:method]

# --8<-- [start:escaped]
text = ";--8<-- [start:not-a-marker]"
# --8<-- [end:escaped]
"""


@pytest.mark.parametrize(
    "include",
    [
        '--8<-- "snippets/awkward.py:method"',
        "--8<-- 'snippets/awkward.py:inner'",
        '    --8<-- "snippets/awkward.py:inner"',
        '--8<-- "snippets/awkward.py:escaped"',
        '--8<-- "snippets/awkward.py"',
    ],
)
def test_awkward_includes_match_pymdownx(tmp_path, include):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "awkward.py").write_text(AWKWARD, encoding="utf-8")
    space = include[: len(include) - len(include.lstrip())]
    chunk = resolve(include_target(include), tmp_path, space)
    assert chunk.shown == pymdownx_expand(include, tmp_path)
    # and the code runs under the file's own line numbers
    code = chunk.code.split("\n")[:-1]  # the code ends with a newline
    for number, shown in zip(
        range(chunk.first_line, chunk.first_line + len(code)), code, strict=True
    ):
        original = AWKWARD.split("\n")[number - 1]
        if shown.strip() and "8<" not in original:
            assert shown.strip() == original.strip()


@pytest.mark.parametrize(
    "section,message",
    [
        ("nowhere", "section 'nowhere' not found"),
        ("twice", "starts twice (lines 1 and 4)"),
        ("no-end", "starts at line 7 but has no end marker"),
        ("no-start", "has an end marker (line 9) but no start marker"),
        ("empty", "is empty"),
        ("1:3", "include a named section, not line numbers"),
    ],
)
def test_malformed_sections_are_refused_with_a_clear_message(tmp_path, section, message):
    (tmp_path / "s.py").write_text(
        "# --8<-- [start:twice]\na = 1\n# --8<-- [end:twice]\n# --8<-- [start:twice]\nb = 2\n"
        "# --8<-- [end:twice]\n# --8<-- [start:no-end]\nc = 3\n# --8<-- [end:no-start]\n"
        "# --8<-- [start:empty]\n\n# --8<-- [end:empty]\n",
        encoding="utf-8",
    )
    with pytest.raises(SnippetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve(f"s.py:{section}", tmp_path)


def test_paths_outside_the_site_are_refused(tmp_path):
    with pytest.raises(SnippetError, match="inside the site"):
        resolve("../elsewhere.py:x", tmp_path)
