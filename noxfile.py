"""Sessions: docs-test (CPU), docs-test-cuda (a real GPU), docs (strict build), serve,
browser-check (the built site in headless Chromium), bench.

Every session shares ONE environment, .nox/docs-env: torch alone is 5.5 GB, and three
copies of it would help nobody.  It is (re)installed only when the pinned dependency
groups in pyproject.toml change.

On a machine that already has torch (a GPU box, often without network), run
``nox --no-venv -s docs-test-cuda``: the session then uses the interpreter running nox.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"  # we manage the one shared environment ourselves
nox.options.sessions = ["docs-test"]

ROOT = Path(__file__).parent
ENV_DIR = ROOT / ".nox" / "docs-env"
STAMP = ENV_DIR / "installed-groups.json"
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
REQUIREMENTS = list(nox.project.dependency_groups(PYPROJECT, "docs"))
QUIET_BUILD = {"NO_MKDOCS_2_WARNING": "1"}  # mkdocs-material's end-of-life banner, not a warning


def _use_current_python() -> bool:
    return "--no-venv" in sys.argv or os.environ.get("DOCS_USE_CURRENT_PYTHON") == "1"


def shared_python(session: nox.Session) -> str:
    """The interpreter of the shared environment, created or updated if needed."""
    if _use_current_python():
        return sys.executable
    python = ENV_DIR / "bin" / "python"
    wanted = hashlib.sha256(json.dumps(REQUIREMENTS).encode()).hexdigest()
    if STAMP.is_file() and python.is_file() and json.loads(STAMP.read_text()).get("sha256") == wanted:
        return str(python)
    if not python.is_file():
        session.run(sys.executable, "-m", "venv", str(ENV_DIR), external=True)
    session.run(str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                *REQUIREMENTS, external=True)
    STAMP.write_text(json.dumps({"sha256": wanted, "requirements": REQUIREMENTS}, indent=1))
    return str(python)


@nox.session(name="docs-test")
def docs_test(session: nox.Session) -> None:
    """Every example on every page, the harness's own tests and the snippets, on the CPU."""
    python = shared_python(session)
    session.run(python, "-m", "pytest", *session.posargs, external=True,
                env={"DOCS_DEVICE": "cpu", "CUDA_VISIBLE_DEVICES": "", **QUIET_BUILD})


@nox.session(name="docs-test-cuda")
def docs_test_cuda(session: nox.Session) -> None:
    """The same page examples and snippets on a real CUDA GPU; fails when none is visible."""
    python = shared_python(session)
    targets = session.posargs or ["docs", "tests/test_snippets_standalone.py"]
    session.run(python, "-m", "pytest", *targets, external=True, env={"DOCS_DEVICE": "cuda"})
    session.log("GPU record written to verification/cuda.json: commit it with the pages it covers.")


@nox.session(name="docs")
def docs(session: nox.Session) -> None:
    """The site, built with --strict: any warning fails."""
    python = shared_python(session)
    session.run(python, "-m", "mkdocs", "build", "--strict", *session.posargs, external=True,
                env=QUIET_BUILD)


@nox.session(name="serve")
def serve(session: nox.Session) -> None:
    """Build the site and serve it on http://127.0.0.1:8000 (Ctrl+C stops it)."""
    python = shared_python(session)
    session.run(python, "-m", "mkdocs", "serve", "--strict", "--dev-addr", "127.0.0.1:8000",
                external=True, env=QUIET_BUILD)


@nox.session(name="browser-check")
def browser_check(session: nox.Session) -> None:
    """The built site in headless Chromium: offline, Chinese search, rendering, dark mode."""
    python = shared_python(session)
    session.run(python, "-m", "pytest", "tests/browser/check_site.py", *session.posargs,
                external=True)


@nox.session(name="bench")
def bench(session: nox.Session) -> None:
    """Harness wall time vs. the same blocks run bare in one Python process."""
    python = shared_python(session)
    session.run(python, "tests/bench_harness.py", external=True,
                env={"CUDA_VISIBLE_DEVICES": "", **QUIET_BUILD})
