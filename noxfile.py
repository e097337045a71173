"""Sessions: docs-test (CPU), docs-test-cuda (a real GPU), docs-update (rewrite shown outputs),
docs-drift (every page under each torch environment), docs (strict build), serve,
browser-check (the built site in headless Chromium), audit (Lighthouse), bench.

Every session shares ONE environment, .nox/docs-env: torch alone is 5.5 GB, and three
copies of it would help nobody (docs-drift adds one, with the other torch it compares).
An environment is (re)installed only when its pinned requirements (the dependency groups
in pyproject.toml) change.

On a machine that already has torch (a GPU box, often without network), run
``nox --no-venv -s docs-test-cuda``: the session then uses the interpreter running nox.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
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
ON_CPU = {"DOCS_DEVICE": "cpu", "CUDA_VISIBLE_DEVICES": "", **QUIET_BUILD}  # every GPU hidden
# On Ctrl+C nox interrupts pytest, then kills it after 0.3 s + 0.2 s: give the harness time to
# stop the page processes and delete its scratch folders.
STOP_GENTLY = {"interrupt_timeout": 20, "terminate_timeout": 10}


def _use_current_python() -> bool:
    return "--no-venv" in sys.argv or os.environ.get("DOCS_USE_CURRENT_PYTHON") == "1"


def _up_to_date(env_dir: Path, requirements: list[str]) -> bool:
    """Whether env_dir exists with exactly these requirements installed (its stamp says so)."""
    stamp = env_dir / STAMP.name
    return (
        (env_dir / "bin" / "python").is_file()
        and stamp.is_file()
        and json.loads(stamp.read_text()).get("sha256") == _digest(requirements)
    )


def _write_stamp(env_dir: Path, requirements: list[str]) -> None:
    (env_dir / STAMP.name).write_text(
        json.dumps({"sha256": _digest(requirements), "requirements": requirements}, indent=1)
    )


def _digest(requirements: list[str]) -> str:
    return hashlib.sha256(json.dumps(requirements).encode()).hexdigest()


def shared_python(session: nox.Session) -> str:
    """The interpreter of the shared environment, created or updated if needed."""
    if _use_current_python():
        return sys.executable
    python = ENV_DIR / "bin" / "python"
    if _up_to_date(ENV_DIR, REQUIREMENTS):
        return str(python)
    if not python.is_file():
        session.run(sys.executable, "-m", "venv", str(ENV_DIR), external=True)
    session.run(
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        *REQUIREMENTS,
        external=True,
    )
    _write_stamp(ENV_DIR, REQUIREMENTS)
    return str(python)


@nox.session(name="docs-test")
def docs_test(session: nox.Session) -> None:
    """Every example on every page, the harness's own tests and the snippets, on the CPU."""
    python = shared_python(session)
    session.run(python, "-m", "pytest", *session.posargs, external=True, env=ON_CPU, **STOP_GENTLY)


@nox.session(name="docs-test-cuda")
def docs_test_cuda(session: nox.Session) -> None:
    """The same page examples and snippets on a real CUDA GPU; fails when none is visible."""
    python = shared_python(session)
    targets = session.posargs or ["docs", "tests/test_snippets_standalone.py"]
    session.run(
        python, "-m", "pytest", *targets, external=True, env={"DOCS_DEVICE": "cuda"}, **STOP_GENTLY
    )
    session.log("GPU record written to verification/cuda.json: commit it with the pages it covers.")


@nox.session(name="docs-update")
def docs_update(session: nox.Session) -> None:
    """Rewrite the shown outputs that no longer match what the code prints (>>> outputs,
    输出 blocks, changed error messages), then check the pages again; review with git diff."""
    python = shared_python(session)
    targets = session.posargs or ["docs"]
    session.run(
        python,
        "-m",
        "pytest",
        "-q",
        "--docs-update",
        *targets,
        external=True,
        env=ON_CPU,
        **STOP_GENTLY,
    )
    session.log("Checking the updated pages the way docs-test does:")
    session.run(python, "-m", "pytest", "-q", *targets, external=True, env=ON_CPU, **STOP_GENTLY)
    session.log(
        "Review the rewritten outputs with `git diff docs`; fix the prose where behaviour changed."
    )


DRIFT_DIR = Path("verification") / "drift"  # relative: nox runs sessions from ROOT
DRIFT_TORCH = "2.13.0"  # another torch that installs here (CPU build; no torchvision matches it)


def _drift_env(session: nox.Session) -> tuple[str, str] | None:
    """(name, python) of .nox/drift-torch-X.Y, created on first use; None if it cannot be."""
    name = "drift-torch-" + ".".join(DRIFT_TORCH.split(".")[:2])
    env_dir = ROOT / ".nox" / name
    python = env_dir / "bin" / "python"
    # What the pages need: every docs group except the site build and the browser checks.
    not_for_pages = set(nox.project.dependency_groups(PYPROJECT, "site", "browser"))
    requirements = [
        f"torch=={DRIFT_TORCH}" if r.startswith("torch==") else r
        for r in REQUIREMENTS
        if r not in not_for_pages and not r.startswith("torchvision")
    ]
    if _up_to_date(env_dir, requirements):
        return name, str(python)
    session.log(f"Creating .nox/{name} for the drift report: {' '.join(requirements)}")
    steps = [
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ]
    ]
    created_here = not python.is_file()
    if created_here:
        steps.insert(0, [sys.executable, "-m", "venv", str(env_dir)])
    for step in steps:
        result = subprocess.run(step, check=False, capture_output=True, text=True)
        if result.returncode != 0:
            said = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            session.warn(
                f"Skipping the torch {DRIFT_TORCH} drift run: .nox/{name} could not "
                f"be created ({said[0]})"
            )
            if created_here:
                shutil.rmtree(env_dir, ignore_errors=True)  # no half-made 1 GB environment
            return None
    _write_stamp(env_dir, requirements)
    return name, str(python)


def _drift_run(session: nox.Session, name: str, python: str, mode: str) -> None:
    report = DRIFT_DIR / f"{name}.json"
    before = report.stat().st_mtime_ns if report.is_file() else None
    env = ON_CPU if mode == "cpu" else {"DOCS_DEVICE": mode, **QUIET_BUILD}
    session.log(f"Drift run in {name} ({mode}):")
    # Exit status 1 means examples failed there: that is the finding, not a session failure.
    session.run(
        python,
        "-m",
        "pytest",
        "-q",
        "--tb=no",
        f"--docs-drift={report.as_posix()}",
        *(session.posargs or ["docs"]),
        external=True,
        env=env,
        success_codes=[0, 1],
    )
    if not report.is_file() or report.stat().st_mtime_ns == before:
        session.error(f"{name}: the pages could not be run there; no drift record was written")


@nox.session(name="docs-drift")
def docs_drift(session: nox.Session) -> None:
    """Run every page under each torch environment available and write a drift record per
    environment to verification/drift/ (outputs that differ, examples that raise, warnings).
    With --no-venv: the interpreter running nox, on its GPU when one is visible."""
    if _use_current_python():
        probe = subprocess.run(
            [sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
            check=False,
            capture_output=True,
            text=True,
        )
        if probe.returncode != 0:
            session.error("docs-drift --no-venv: this Python cannot import torch")
        mode = "cuda" if probe.stdout.strip() == "True" else "cpu"
        _drift_run(session, f"current-python-{mode}", sys.executable, mode)
        return
    _drift_run(session, "docs-env", shared_python(session), "cpu")
    other = _drift_env(session)
    if other:
        _drift_run(session, *other, "cpu")
    session.log(
        f"Drift records are in {DRIFT_DIR.as_posix()}/; commit them with the pin bump "
        "(the 验证报告 page shows them)."
    )


@nox.session(name="docs")
def docs(session: nox.Session) -> None:
    """The site, built with --strict: any warning fails."""
    python = shared_python(session)
    session.run(
        python,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        *session.posargs,
        external=True,
        env=QUIET_BUILD,
    )


@nox.session(name="serve")
def serve(session: nox.Session) -> None:
    """Build the site and serve it on http://127.0.0.1:8000 (Ctrl+C stops it)."""
    python = shared_python(session)
    session.run(
        python,
        "-m",
        "mkdocs",
        "serve",
        "--strict",
        "--dev-addr",
        "127.0.0.1:8000",
        external=True,
        env=QUIET_BUILD,
    )


@nox.session(name="browser-check")
def browser_check(session: nox.Session) -> None:
    """Build the site under a sub-path, serve it on 127.0.0.1 and check it in headless
    Chromium: offline, Chinese search, math, diagrams, reader comforts, screenshots."""
    python = shared_python(session)
    _build_under_sub_path(session, python)
    session.run(
        python,
        "-m",
        "pytest",
        "tests/browser/check_site.py",
        "tests/browser/check_reader.py",
        *session.posargs,
        external=True,
    )


def _build_under_sub_path(session: nox.Session, python: str) -> None:
    session.run(
        python,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--quiet",
        "--site-dir",
        "build/browser-site",
        external=True,
        env={**QUIET_BUILD, "DOCS_SITE_URL": "http://127.0.0.1/pytorch-rumen/"},
    )


@nox.session(name="audit")
def audit(session: nox.Session) -> None:
    """Lighthouse (pinned in tools/audit) on the home page, tensors/ and autograd/, mobile and
    desktop presets, three runs each: the best run's performance must reach 95 on desktop and
    90 on mobile, every run's accessibility 95 (tools/audit/run_audit.py says why the best)."""
    python = shared_python(session)
    _build_under_sub_path(session, python)
    session.run(
        "npm", "ci", "--no-audit", "--no-fund", "--silent", "--prefix", "tools/audit", external=True
    )
    session.run(python, "tools/audit/run_audit.py", external=True)


@nox.session(name="bench")
def bench(session: nox.Session) -> None:
    """Harness wall time vs. the same blocks run bare in one Python process."""
    python = shared_python(session)
    session.run(
        python,
        "tests/bench_harness.py",
        external=True,
        env={"CUDA_VISIBLE_DEVICES": "", **QUIET_BUILD},
    )
