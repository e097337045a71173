"""Throw-away copies of the site, for tests that must watch the harness fail."""

from __future__ import annotations

import contextlib
import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType, SimpleNamespace

import markdown
import pytest

from pagekit.fences import is_python_language

ROOT = Path(__file__).resolve().parents[1]
REAL_HOME = os.environ.get("HOME", "")  # pytester moves HOME; the pages keep the real one
FIXTURES = ROOT / "tests" / "fixtures"
SITE_FILES = [
    "conftest.py",
    "mkdocs.yml",
    "harness",
    "pagekit",
    "hooks",
    "sitekit",
    "overrides",
    "pyproject.toml",
    "LICENSE",  # the downloads archive carries both licenses
    "LICENSE-docs",
]

_HIGHLIGHTED = re.compile(
    r'<div class="language-(?P<lang>[\w+-]+) highlight">.*?<code>(?P<code>.*?)</code>', re.S
)


def make_site(where: Path, pages: dict[str, str], snippets: dict[str, str] | None = None) -> Path:
    """A minimal copy of the site's set-up with the given pages and snippet files."""
    where.mkdir(parents=True, exist_ok=True)
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


def run_pytest(site: Path, *args: str, device: str = "cpu", env: dict | None = None):
    """pytest over a throw-away site in a fresh interpreter: for runs that need another
    device (harness.device reads DOCS_DEVICE once per process) or that are sent signals.
    Everything else uses run_inprocess (much cheaper: no interpreter, no torch import)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DOCS_DEVICE": device,
        "CUDA_VISIBLE_DEVICES": "",
        **(env or {}),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(site),
            *args,
        ],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_inprocess(pytester, site: Path, *args: str, env: dict | None = None):
    """run_pytest's result (stdout, stderr, returncode), from pytest run in this process with
    pytester: the site's conftest loads the harness already imported here, and its pages fork
    from this process's fork server, which is started first so that ``env`` never reaches it.
    CPU only; TMPDIR in ``env`` moves the harness's scratch folders."""
    patch = pytest.MonkeyPatch()
    try:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
            if name == "TMPDIR":
                patch.setattr(tempfile, "tempdir", value)  # gettempdir() caches its answer
        patch.setenv("DOCS_DEVICE", "cpu")
        patch.setenv("HOME", REAL_HOME)
        patch.chdir(site)
        result = pytester.runpytest_inprocess(
            "-p", "no:cacheprovider", "-q", "--rootdir", str(site), *args
        )
    finally:
        patch.undo()
    return SimpleNamespace(
        stdout=result.stdout.str() + "\n", stderr=result.stderr.str(), returncode=int(result.ret)
    )


def preload() -> None:
    """What in-process runs need imported before pytester snapshots sys.modules (it drops
    whatever an inner run imported, and an extension module such as torch's cannot be
    imported a second time): torch and torchvision, which the harness imports for the record
    (device.describe(), the drift record's torchvision); and the fork server, started before
    a run's ``env`` could reach it."""
    import torch  # noqa: F401

    from harness import page_process

    with contextlib.suppress(Exception):
        import torchvision  # noqa: F401
    page_process.context()


class _ModuleRequest:
    """A module fixture's request, as Pytester reads it (it asks for the test function)."""

    function = None

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)


def module_pytester(request, tmp_path_factory):
    """A pytester for a module-scoped fixture (pytest's own is per test); undo() when done."""
    preload()
    patch = pytest.MonkeyPatch()
    tester = pytest.Pytester(_ModuleRequest(request), tmp_path_factory, patch, _ispytest=True)
    patch.setenv("HOME", REAL_HOME)  # pytester's own HOME is for its inner runs only
    request.addfinalizer(patch.undo)
    return tester


def run_build(site: Path):
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=600,
    )


def render(page: Path, site: Path = ROOT) -> tuple[str, markdown.Markdown]:
    """A page's HTML, and the renderer (its ``toc_tokens``), with the site's Markdown set-up."""
    cwd = os.getcwd()
    os.chdir(site)  # pymdownx.snippets resolves base_path from the working directory
    try:
        from mkdocs.config import load_config  # not at import: GPU machines lack mkdocs

        config = load_config(str(site / "mkdocs.yml"))
        renderer = markdown.Markdown(
            extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"]
        )
        html = renderer.convert(page.read_text(encoding="utf-8-sig"))  # as MkDocs reads it
    finally:
        os.chdir(cwd)
    return html, renderer


def rendered_python_blocks(page: Path, site: Path) -> list[tuple[str, str]]:
    """(language, code text) of every block a reader sees highlighted as Python, in page
    order, per the real Markdown set-up (includes expanded by pymdownx.snippets itself).

    This deliberately does not use the harness's own fence lexer: it reads what
    Python-Markdown with the site's extensions renders.
    """
    html_text, _ = render(page, site)
    return [
        (match.group("lang"), html.unescape(re.sub(r"<[^>]+>", "", match.group("code"))))
        for match in _HIGHLIGHTED.finditer(html_text)
        if is_python_language(match.group("lang"))
    ]


def load_hook(name: str) -> ModuleType:
    """hooks/<name>.py, imported the way MkDocs imports it (by path, not as a package)."""
    spec = importlib.util.spec_from_file_location(f"{name}_hook", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    sys.path.insert(0, str(ROOT / "hooks"))  # as MkDocs does: a hook imports its neighbours
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "hooks"))
    return module
