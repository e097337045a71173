"""Sessions: docs-test (CPU), docs-test-fast (contributors: pages and fast tests),
docs-test-cuda (a real GPU), docs-update (rewrite shown outputs),
docs-drift (every page under each torch environment), docs (strict build), serve,
browser-check (the built site in headless Chromium), audit (Lighthouse), bench,
lint (ruff and mypy), lock (rewrite locks/ from pyproject.toml),
zensical (not a gate: which features survive a build with Zensical, MkDocs' successor).

Every session shares ONE environment, .nox/docs-env: torch alone is 5.5 GB, and three
copies of it would help nobody (docs-drift adds one, with the other torch it compares).
It is installed from the lock file locks/docs.txt (every package pinned, with hashes), and
reinstalled only when that file changes.  DOCS_ENV_DIR puts it elsewhere (CI keeps a second
one, made by Debian's own python3, next to the first).  Every environment here is made by
the one installer, _install.

On a machine that already has torch (a GPU box, often without network), run
``nox --no-venv -s docs-test-cuda``: the session then uses the interpreter running nox.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import venv
from collections.abc import Collection
from pathlib import Path
from typing import Any

import nox

sys.path.insert(0, str(Path(__file__).parent / "tools"))
import locks  # tools/ is not a package, and nox puts only the noxfile on the path

nox.options.default_venv_backend = "none"  # we manage the one shared environment ourselves
nox.options.sessions = ["docs-test"]

ROOT = Path(__file__).parent
# Relative to the repository root; one made by another Python needs a folder of its own.
ENV_DIR = ROOT / os.environ.get("DOCS_ENV_DIR", ".nox/docs-env")
STAMP = "installed-lock.json"  # in each environment: what was installed there
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
REQUIREMENTS = list(nox.project.dependency_groups(PYPROJECT, "docs"))
DOCS_LOCK = locks.lock_path("docs")
UV = "uv==0.13.9"  # writes the lock files (nox -s lock); installing needs only pip
PYTHON_FLOOR = "3.11"  # pyproject.toml's requires-python: Debian 12's python3 is 3.11.2
LOCKED_GROUPS = ["docs", "zensical"]  # a lock file each, in locks/
ON_CPU = {"DOCS_DEVICE": "cpu", "CUDA_VISIBLE_DEVICES": ""}  # every GPU hidden
# On Ctrl+C nox interrupts pytest, then kills it after 0.3 s + 0.2 s: give the harness time to
# stop the page processes and delete its scratch folders.
STOP_GENTLY: dict[str, Any] = {"interrupt_timeout": 20, "terminate_timeout": 10}


def _use_current_python() -> bool:
    return "--no-venv" in sys.argv or os.environ.get("DOCS_USE_CURRENT_PYTHON") == "1"


def venv_bin(env_dir: Path, program: str = "python") -> Path:
    """A program of a virtual environment: bin/NAME, or Scripts\\NAME.exe on Windows."""
    return (
        env_dir
        / ("Scripts" if os.name == "nt" else "bin")
        / (f"{program}.exe" if os.name == "nt" else program)
    )


def _up_to_date(env_dir: Path, requirements: list[str]) -> bool:
    """Whether env_dir exists with exactly these requirements installed (its stamp says so)."""
    stamp = env_dir / STAMP
    return (
        venv_bin(env_dir).is_file()
        and stamp.is_file()
        and json.loads(stamp.read_text()).get("sha256") == _digest(requirements)
    )


def _write_stamp(env_dir: Path, requirements: list[str]) -> None:
    (env_dir / STAMP).write_text(
        json.dumps({"sha256": _digest(requirements), "requirements": requirements}, indent=1)
    )


def _digest(requirements: list[str]) -> str:
    return hashlib.sha256(json.dumps(requirements).encode()).hexdigest()


def _create_env(env_dir: Path) -> None:
    """A virtual environment with pip.  Python's venv needs ensurepip, which Debian and Ubuntu
    ship apart (python3-venv); virtualenv, which nox brings, needs nothing more."""
    if importlib.util.find_spec("ensurepip") is not None:
        venv.EnvBuilder(with_pip=True).create(env_dir)
        return
    import virtualenv  # nox depends on it

    virtualenv.cli_run([str(env_dir), "--quiet"])


def shared_python(session: nox.Session) -> str:
    """The interpreter of the shared environment, created or updated from locks/docs.txt."""
    if _use_current_python():
        return sys.executable
    stale = locks.disagreements(REQUIREMENTS, DOCS_LOCK)
    if stale:
        session.error(
            f"{DOCS_LOCK.relative_to(ROOT)} does not match pyproject.toml ("
            + "; ".join(stale)
            + f"). Write it again with: {locks.LOCK_COMMAND}"
        )
    if failure := _install(session, ENV_DIR, DOCS_LOCK):
        session.error(
            f"{_shown(ENV_DIR)} could not be installed from {_shown(DOCS_LOCK)}:\n{failure}"
        )
    return str(venv_bin(ENV_DIR))


def _shown(path: Path) -> str:
    """A path as the reader should see it: relative to the repository when inside it."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


# The whole suite spreads over the machine's cores (pytest-xdist; a page's examples stay in one
# worker, in order).  With arguments (one page, -k, ...) pytest runs as asked, in one process.
PARALLEL = ["--numprocesses=auto", "--maxprocesses=4"]


@nox.session(name="docs-test")
def docs_test(session: nox.Session) -> None:
    """Every example on every page, the harness's own tests and the snippets, on the CPU."""
    python = shared_python(session)
    arguments = session.posargs or PARALLEL
    session.run(python, "-m", "pytest", *arguments, external=True, env=ON_CPU, **STOP_GENTLY)


@nox.session(name="docs-test-fast")
def docs_test_fast(session: nox.Session) -> None:
    """For contributors, while editing: the fast tests (not the `slow` ones: nox runs, site
    builds, standalone programs, pytest subprocesses) and the pages that changed since they
    last passed here (--docs-cache; the first run, with nothing cached, runs every page), in
    parallel.  `-- --no-docs-cache` runs every page.  CI runs docs-test, everything, uncached."""
    python = shared_python(session)
    arguments = [a for a in session.posargs if a != "--no-docs-cache"]
    cache = [] if "--no-docs-cache" in session.posargs else ["--docs-cache"]
    session.run(python, "-m", "pytest", *PARALLEL, "-m", "not slow", *cache, *arguments,
                external=True, env=ON_CPU, **STOP_GENTLY)  # fmt: skip


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


def _install(
    session: nox.Session,
    env_dir: Path,
    lock: Path | None,
    *,
    without: Collection[str] = (),
    adding: tuple[str, ...] = (),
) -> str | None:
    """THE installer: create or update env_dir and stamp it; None when done, else what pip or
    venv said (the end of it).  With a lock alone it installs exactly the lock's packages, each
    checked against its hashes, then `pip check`s them.  ``without`` drops locked packages (by
    name or name prefix) and ``adding`` adds others, which then cannot be checked against
    hashes; lock=None installs only ``adding``.  Nothing is done when the stamp says the same
    was installed before.  An environment created here and left half-made is removed."""
    if lock is None:
        install, stamp = list(adding), list(adding)
    else:
        pins = locks.read(lock)
        kept = [pin.requirement for pin in pins if not pin.name.startswith(tuple(without))]
        install = (
            ["--require-hashes", "-r", str(lock)] if not without and not adding
            else [*kept, *adding]
        )  # fmt: skip
        stamp = [hashlib.sha256(lock.read_bytes()).hexdigest(), *sorted(without), *adding]
    if _up_to_date(env_dir, stamp):
        return None
    python = venv_bin(env_dir)
    created_here = not python.is_file()
    if created_here:
        session.log(f"Creating {_shown(env_dir)}" + (f" from {_shown(lock)}" if lock else ""))
    steps = [[str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
              "--no-deps", *install],
             [str(python), "-m", "pip", "check", "--disable-pip-version-check"]]  # fmt: skip
    try:
        if created_here:
            _create_env(env_dir)
    except Exception as error:  # noqa: BLE001 -- venv and virtualenv raise many kinds
        shutil.rmtree(env_dir, ignore_errors=True)
        return f"{type(error).__name__}: {error}"
    for step in steps:
        result = subprocess.run(step, check=False, capture_output=True, text=True)
        if result.returncode != 0:
            said = (result.stderr or result.stdout).strip().splitlines()[-20:] or ["no output"]
            if created_here:
                shutil.rmtree(env_dir, ignore_errors=True)  # no half-made environment
            return "\n".join(said)
    _write_stamp(env_dir, stamp)
    return None


def _drift_env(session: nox.Session) -> tuple[str, str] | None:
    """(name, python) of .nox/drift-torch-X.Y, created on first use; None if it cannot be."""
    name = "drift-torch-" + ".".join(DRIFT_TORCH.split(".")[:2])
    env_dir = ROOT / ".nox" / name
    session.log(f"Checking .nox/{name} for the drift report (torch {DRIFT_TORCH})")
    # The locked versions of everything but the torch stack, which the other torch brings
    # (its CPU build needs no CUDA packages; no torchvision matches it).
    failure = _install(
        session,
        env_dir,
        DOCS_LOCK,
        without={"torch", "torchvision", "triton", "nvidia-", "cuda-"},
        adding=(f"torch=={DRIFT_TORCH}",),
    )
    if failure:
        session.warn(
            f"Skipping the torch {DRIFT_TORCH} drift run: .nox/{name} could not "
            f"be created ({failure.splitlines()[-1]})"
        )
        return None
    return name, str(venv_bin(env_dir))


def _drift_run(session: nox.Session, name: str, python: str, mode: str) -> None:
    report = DRIFT_DIR / f"{name}.json"
    before = report.stat().st_mtime_ns if report.is_file() else None
    env = ON_CPU if mode == "cpu" else {"DOCS_DEVICE": mode}
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
    _mkdocs(session, shared_python(session), "build", "--strict", *session.posargs)


@nox.session(name="serve")
def serve(session: nox.Session) -> None:
    """Build the site and serve it on http://127.0.0.1:8000 (Ctrl+C stops it)."""
    _mkdocs(session, shared_python(session), "serve", "--strict", "--dev-addr", "127.0.0.1:8000")


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


BROWSER_SITE = "build/browser-site"
SUB_PATH_URL = "http://127.0.0.1/pytorch-rumen/"  # tests/browser/conftest.py serves this path


def _mkdocs(session: nox.Session, python: str, *arguments: str, **env: str) -> None:
    session.run(python, "-m", "mkdocs", *arguments, external=True, env=env)


def _build_under_sub_path(session: nox.Session, python: str) -> None:
    _mkdocs(session, python, "build", "--strict", "--quiet", "--site-dir", BROWSER_SITE,
            DOCS_SITE_URL=SUB_PATH_URL)  # fmt: skip


@nox.session(name="audit")
def audit(session: nox.Session) -> None:
    """Lighthouse (pinned in tools/audit) on every page of the site with the mobile preset, and
    on the home page, tensors/ and autograd/ with the desktop preset too, three runs each: the
    best run's performance must reach 95, every run's accessibility 95
    (tools/audit/run_audit.py says why the best).  ``-- glossary/ notebooks/cnn/``: only those."""
    python = shared_python(session)
    _build_under_sub_path(session, python)
    session.run(
        "npm", "ci", "--no-audit", "--no-fund", "--silent", "--prefix", "tools/audit", external=True
    )
    session.run(python, "tools/audit/run_audit.py", *session.posargs, external=True)


@nox.session(name="bench")
def bench(session: nox.Session) -> None:
    """Harness wall time vs. the same blocks run bare in one Python process."""
    python = shared_python(session)
    session.run(
        python,
        "tests/bench_harness.py",
        external=True,
        env={"CUDA_VISIBLE_DEVICES": ""},
    )


@nox.session(name="lint")
def lint(session: nox.Session) -> None:
    """ruff (format and lint) and mypy over the harness, the hooks, the tools and the noxfile;
    ruff's lint over the snippets too.  The settings are in pyproject.toml."""
    python = shared_python(session)
    session.run(python, "-m", "ruff", "format", "--check", external=True)
    session.run(python, "-m", "ruff", "check", external=True)
    session.run(python, "-m", "mypy", external=True)


@nox.session(name="lock")
def lock(session: nox.Session) -> None:
    """Write locks/docs.txt again from pyproject.toml's dependency groups, with uv (pinned
    above, installed into .nox/uv-env), for every platform and every Python the project
    supports (PYTHON_FLOOR up): a package whose newest release needs a newer Python gets a
    second, older pin under a marker (pyproject.toml declares both; tools/locks.py).  Needs the
    package index.  Versions already in the lock are kept unless pyproject.toml asks for
    others; ``-- --upgrade`` takes the newest of everything not pinned there.  Review the
    diff, then run the tests in the new environment."""
    env_dir = ROOT / ".nox" / "uv-env"
    if failure := _install(session, env_dir, None, adding=(UV,)):  # uv needs no other package
        session.error(f"{UV} could not be installed into .nox/uv-env:\n{failure}")
    for group in LOCKED_GROUPS:
        session.run(
            str(venv_bin(env_dir, "uv")), "pip", "compile", "pyproject.toml", "--group", group,
            "--universal", "--python-version", PYTHON_FLOOR, "--generate-hashes", "--quiet",
            "--custom-compile-command", locks.LOCK_COMMAND,
            "-o", str(locks.lock_path(group).relative_to(ROOT)), *session.posargs, external=True,
        )  # fmt: skip


ZENSICAL_ENV = ROOT / ".nox" / "zensical-env"
ZENSICAL_SITE = "build/zensical-site"
# Zensical has no --site-dir: this config, written for the build and removed after it, is
# mkdocs.yml (INHERIT) with the output folder moved.  Zensical resolves docs_dir and site_dir
# from the config's folder and wants both inside it, so it sits in the repository root.
ZENSICAL_CONFIG = ROOT / ".zensical-measure.yml"


@nox.session(name="zensical")
def zensical(session: nox.Session) -> None:
    """Not a gate: build the site as it is with Zensical (pinned in the zensical group,
    in .nox/zensical-env) and with MkDocs, both under the browser checks' sub-path, and print
    which features survive in each (tools/zensical_probe.py, headless Chromium).  Exits 0
    whatever the features show; fails only when the measurement cannot be made: Zensical not
    installable, the MkDocs build broken, or the browser not starting."""
    zensical_lock = locks.lock_path("zensical")
    stale = locks.disagreements(
        list(nox.project.dependency_groups(PYPROJECT, "zensical")), zensical_lock
    )
    if stale:
        session.error(f"Measurement broken: {'; '.join(stale)}; run {locks.LOCK_COMMAND}")
    session.log("Checking .nox/zensical-env against locks/zensical.txt")
    if failure := _install(session, ZENSICAL_ENV, zensical_lock):
        session.error(f"Measurement broken: Zensical could not be installed ({failure})")
    zensical_bin = str(venv_bin(ZENSICAL_ENV, "zensical"))
    version = subprocess.run(
        [zensical_bin, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()

    python = shared_python(session)
    started = time.perf_counter()
    _build_under_sub_path(session, python)  # fails the session: the baseline must build
    timings = [f"mkdocs build (notebooks executed)={time.perf_counter() - started}"]

    zensical_ok = True
    shutil.rmtree(ROOT / ZENSICAL_SITE, ignore_errors=True)
    ZENSICAL_CONFIG.write_text(f"INHERIT: mkdocs.yml\nsite_dir: {ZENSICAL_SITE}\n")
    try:
        for kind, flags in [("cold, --clean cache", ["--clean"]), ("warm, cache kept", [])]:
            started = time.perf_counter()
            build = subprocess.run(
                [zensical_bin, "build", "--config-file", ZENSICAL_CONFIG.name, *flags],
                cwd=ROOT,
                check=False,
                capture_output=True,
                text=True,
                env={**os.environ, "DOCS_SITE_URL": SUB_PATH_URL},
            )
            timings.append(f"zensical build ({kind})={time.perf_counter() - started}")
            session.log(f"zensical build ({kind}), exit status {build.returncode}:")
            print((build.stdout + build.stderr).rstrip(), flush=True)
            if build.returncode != 0:
                zensical_ok = False  # a finding: every row then says the build failed
                break
    finally:
        ZENSICAL_CONFIG.unlink(missing_ok=True)

    sites = [
        f"MkDocs {_pin('mkdocs')} + Material {_pin('mkdocs-material')}={BROWSER_SITE}",
        f"Zensical {version}={ZENSICAL_SITE if zensical_ok else ''}",
    ]
    session.run(
        python,
        "tools/zensical_probe.py",
        *(f"--site={site}" for site in sites),
        *(f"--timing={timing}" for timing in timings),
        "--report=build/zensical-report.md",
        external=True,
    )
    session.log("The tables are also in build/zensical-report.md.")


def _pin(name: str) -> str:
    """The version the docs group pins for a package (the first, where markers fork it)."""
    return next(pin.version for pin in map(locks.direct_pin, REQUIREMENTS) if pin.name == name)
