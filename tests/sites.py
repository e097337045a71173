"""Throw-away copies of the site, for tests that must watch the harness fail."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import markdown
from mkdocs.config import load_config

from tests.harness.fences import PYTHON_LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SITE_FILES = ["conftest.py", "mkdocs.yml", "hooks", "overrides", "pyproject.toml"]

_PYTHON_BLOCK = re.compile(
    rf'<div class="language-(?:{"|".join(sorted(PYTHON_LANGUAGES))}) highlight"')
_REASONED_NORUN = re.compile(r"<!--\s*norun\s*:\s*\S")


def make_site(where: Path, pages: dict[str, str], snippets: dict[str, str] | None = None) -> Path:
    """A minimal copy of the site's set-up with the given pages and snippet files."""
    for name in SITE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, where / name)
    config = (where / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nnav:\n(  .*\n)*", "\n", config + "\n")  # let mkdocs list the pages
    config = config.replace("extra_css:\n  - stylesheets/extra.css\n", "")
    (where / "mkdocs.yml").write_text(config, encoding="utf-8")
    for relative, text in {**pages, **(snippets or {})}.items():
        path = where / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return where


def run_pytest(site: Path, *args: str, device: str = "cpu"):
    env = dict(os.environ, PYTHONPATH=str(ROOT), DOCS_DEVICE=device, CUDA_VISIBLE_DEVICES="")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "--rootdir", str(site), *args], cwd=site, env=env,
                          capture_output=True, text=True, timeout=600)


def run_build(site: Path):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
                          cwd=site, env=env, capture_output=True, text=True, timeout=600)


def render(page: Path, site: Path = ROOT) -> tuple[str, markdown.Markdown]:
    """A page's HTML, and the renderer (its ``toc_tokens``), with the site's Markdown set-up."""
    cwd = os.getcwd()
    os.chdir(site)  # pymdownx.snippets resolves base_path from the working directory
    try:
        config = load_config(str(site / "mkdocs.yml"))
        renderer = markdown.Markdown(extensions=config["markdown_extensions"],
                                     extension_configs=config["mdx_configs"])
        html = renderer.convert(page.read_text(encoding="utf-8"))
    finally:
        os.chdir(cwd)
    return html, renderer


def rendered_python_blocks(page: Path, site: Path) -> tuple[int, int]:
    """(python code blocks a reader sees, reasoned norun markers), per the real Markdown set-up.

    This deliberately does not use the harness's own fence lexer: it counts what
    Python-Markdown with the site's extensions renders.
    """
    html, _ = render(page, site)
    return len(_PYTHON_BLOCK.findall(html)), len(_REASONED_NORUN.findall(html))


def load_hook(name: str) -> ModuleType:
    """hooks/<name>.py, imported the way MkDocs imports it (by path, not as a package)."""
    spec = importlib.util.spec_from_file_location(f"{name}_hook", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
