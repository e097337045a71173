"""Promises the project makes outside the pages."""

from __future__ import annotations

import re

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
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci_lines


def test_no_third_party_fonts_or_generator_link():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+font: false", config, re.M)
    assert re.search(r"^\s+generator: false", config, re.M)
    assert "privacy" not in config  # it fetches assets at build time and fails offline
