"""Every module the project imports is declared in pyproject.toml, the lock file agrees with
pyproject.toml, and the environment running these tests is the one the lock describes."""

from __future__ import annotations

import ast
import doctest
import importlib.metadata
import sys
import tomllib
from pathlib import Path

import pytest

from pagekit import fences

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import locks  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# noxfile.py runs in nox's own environment (tools/run_nox.py pins nox), which brings virtualenv.
BROUGHT_BY_NOX = {"virtualenv"}
PROJECT_CODE = ["noxfile.py", "conftest.py", "hooks", "tests", "tools", "snippets", "docs"]


def group(name: str) -> list[str]:
    """A dependency group with its included groups expanded (PEP 735)."""
    found: list[str] = []
    for item in PYPROJECT["dependency-groups"][name]:
        found += group(item["include-group"]) if isinstance(item, dict) else [item]
    return found


DOCS = group("docs")
DECLARED = {locks.direct_pin(requirement).name for requirement in DOCS}


def local_modules() -> set[str]:
    """Modules the project itself provides (snippets import each other, hooks import records)."""
    names = {path.stem for folder in PROJECT_CODE for path in ROOT.glob(f"{folder}/**/*.py")}
    return names | {path.name for path in ROOT.iterdir() if path.is_dir()}


def imported(code: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def project_imports() -> dict[str, set[str]]:
    """Top-level module -> where it is imported: project files and the pages' runnable blocks."""
    where: dict[str, set[str]] = {}
    sources = [p for folder in PROJECT_CODE for p in ROOT.glob(f"{folder}/**/*.py")]
    sources += [ROOT / name for name in PROJECT_CODE if name.endswith(".py")]
    for path in sources:
        for module in imported(path.read_text(encoding="utf-8")):
            where.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    for page in (ROOT / "docs").rglob("*.md"):
        for fence in fences.scan(page.read_text(encoding="utf-8")).fences:
            if fence.is_runnable and not fence.marker("norun"):
                code = fence.body
                if code.lstrip().startswith(">>>"):
                    examples = doctest.DocTestParser().get_examples(code)
                    code = "\n".join(example.source for example in examples)
                for module in imported(code):
                    where.setdefault(module, set()).add(f"{page.relative_to(ROOT)}:{fence.line}")
    return where


def test_every_imported_module_is_declared():
    distributions = importlib.metadata.packages_distributions()
    local = local_modules()
    missing = []
    for module, places in sorted(project_imports().items()):
        if module in sys.stdlib_module_names or module in local or module == "__future__":
            continue
        if module in BROUGHT_BY_NOX and places == {"noxfile.py"}:
            continue
        names = {locks.normalise(d) for d in distributions.get(module, [])}
        if not names & DECLARED:
            provider = ", ".join(sorted(names)) or "no installed distribution"
            missing.append(f"{module} ({provider}), imported in {', '.join(sorted(places)[:3])}")
    assert not missing, "declare these in pyproject.toml's dependency groups:\n" + "\n".join(
        missing
    )


def test_the_lock_matches_pyproject():
    assert locks.disagreements(DOCS, locks.lock_path("docs")) == []


def test_a_stale_lock_is_named_package_by_package(tmp_path):
    lock = tmp_path / "docs.txt"
    lock.write_text("torch==2.13.0 \\\n    --hash=sha256:00\nsybil==10.1.0\n", encoding="utf-8")
    assert locks.disagreements(["torch==2.14.1", "sybil==10.1.0", "nox==1"], lock) == [
        "torch: pyproject.toml pins 2.14.1, docs.txt has 2.13.0",
        "nox==1 is not in docs.txt",
        "sybil has no hash in docs.txt",
    ]


FORKED = [
    "pymdown-extensions==12.3 ; python_full_version < '3.11.5'",
    "pymdown-extensions==13.1 ; python_full_version >= '3.11.5'",
]


def _lock(tmp_path, *lines):
    lock = tmp_path / "docs.txt"
    lock.write_text("".join(f"{line} \\\n    --hash=sha256:00\n" for line in lines), "utf-8")
    return lock


def test_a_package_forked_by_python_version_agrees_with_its_two_pins(tmp_path):
    """Debian 12's python3 (3.11.2) gets pymdown-extensions 12.3; 3.11.5 and later get 13.1."""
    lock = _lock(tmp_path, *FORKED)
    assert [pin.requirement for pin in locks.read(lock)] == FORKED
    assert locks.disagreements(FORKED, lock) == []


def test_a_fork_that_pyproject_does_not_declare_is_named(tmp_path):
    lock = _lock(tmp_path, *FORKED)
    assert locks.disagreements(["pymdown-extensions==13.1"], lock) == [
        "pymdown-extensions: pyproject.toml pins 13.1, "
        "docs.txt has 12.3 ; python_full_version < '3.11.5'"
    ]
    moved = [FORKED[0].replace("3.11.5", "3.12"), FORKED[1].replace("3.11.5", "3.12")]
    assert locks.disagreements(moved, lock) == [
        "pymdown-extensions: pyproject.toml pins 12.3 ; python_full_version < '3.12', "
        "docs.txt has 13.1 ; python_full_version >= '3.11.5'"
    ]
    assert locks.disagreements(FORKED, _lock(tmp_path, "pymdown-extensions==13.1")) == [
        "pymdown-extensions: pyproject.toml pins 12.3 ; python_full_version < '3.11.5', "
        "docs.txt has 13.1"
    ]


def test_the_forks_of_the_lock_cover_every_supported_python_once():
    """Each package has exactly one locked version on every supported Python and platform."""
    by_name: dict[str, list[locks.Pin]] = {}
    for pin in locks.read(locks.lock_path("docs")):
        by_name.setdefault(pin.name, []).append(pin)
    twice = [
        f"{one.requirement} and {other.requirement}"
        for pins in by_name.values()
        for i, one in enumerate(pins)
        for other in pins[i + 1 :]
        if locks.overlap(one.marker, other.marker)
    ]
    assert not twice, "pinned twice where both markers hold:\n" + "\n".join(twice)


def test_an_unpinned_requirement_is_refused():
    with pytest.raises(ValueError, match="not pinned"):
        locks.direct_pin("torch>=2.14")


def test_this_environment_is_the_locked_one():
    """The tests run in the environment nox built from locks/docs.txt, package for package."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("not in a virtual environment: run the tests through nox")
    off = []
    for pin in locks.read(locks.lock_path("docs")):
        if pin.marker and not _applies(pin.marker):
            continue
        try:
            installed = importlib.metadata.version(pin.name)
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        if installed.split("+")[0] != pin.version:
            off.append(f"{pin.name}: locked {pin.version}, installed {installed}")
    assert not off, "\n".join(off)


def _applies(marker: str) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate()
