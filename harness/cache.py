"""``--docs-cache``: for contributors, skip the pages that passed last time and have not changed.

A page's key is a hash of everything its run depends on: the page's text, every file of the
top folders it includes from (``--8<--``; an included program imports its neighbours), the
lock file, Python's and the installed torch's versions, the device, and the harness's own
source (harness/, pagekit/, conftest.py).  The keys of the pages that passed
are kept in ``.cache/docs-test/pages-<device>.json`` (gitignored).  Off by default, and never
used in CI: a skipped page is not run, so it proves nothing new.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import sys
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path

from pagekit.fences import scan
from pagekit.includes import INCLUDE, PROGRAM_DATA

from .figures import IMAGES

FOLDER = Path(".cache") / "docs-test"
LOCK = Path("locks") / "docs.txt"
HARNESS_SOURCES = ("harness", "pagekit")


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _common(root: Path, mode: str) -> str:
    """What every page's run depends on."""
    digest = hashlib.sha256()
    try:
        torch = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch = "none"
    # Python's own version too: error messages and reprs change between versions.
    python = sys.version
    digest.update(f"{torch}\0{python}\0{mode}\0{_file_digest(root / LOCK)}\0".encode())
    sources = [root / "conftest.py"]
    for folder in HARNESS_SOURCES:
        sources += sorted((root / folder).rglob("*.py"))
    for path in sources:
        digest.update(f"{path.relative_to(root).as_posix()}\0{_file_digest(path)}\0".encode())
    return digest.hexdigest()


def _included(text: str) -> list[str]:
    """The files a page's ``--8<--`` lines include (a section's file, once)."""
    files = []
    for line in text.splitlines():
        match = INCLUDE.match(line.strip())
        if match and not match.group("escape"):
            target = match.group("quoted")[1:-1]
            files.append(target.split(":", 1)[0])
    return sorted(set(files))


def _drawn_images(text: str) -> list[str]:
    """The images a page's <!-- figure --> markers name."""
    names = {
        name
        for fence in scan(text).fences
        for marker in fence.markers
        if marker.name == "figure"
        for name in marker.reason.split()
    }
    return sorted(names)


def page_key(root: Path, page: str, common: str) -> str:
    """The page's text and, for a page that includes a file, every file of that file's top
    folder: an included program runs from a copy of the whole folder (run_block.copy_of) and
    imports or reads its neighbours and other chapters' programs (``from digits import …``),
    so a change to any of them must run the page again."""
    path = root / page
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    digest = hashlib.sha256(f"{common}\0{page}\0{text}\0".encode())
    for image in _drawn_images(text):  # the figure check compares the page's drawings with them
        digest.update(f"{image}\0{_file_digest(root / IMAGES / image)}\0".encode())
    tops = sorted({Path(included).parts[0] for included in _included(text) if included})
    data = list(PROGRAM_DATA) if tops else []  # copied beside every included program
    for name in data:
        digest.update(f"{name}\0{_file_digest(root / name)}\0".encode())
    for top in tops:
        folder = root / top
        files = sorted(folder.rglob("*")) if folder.is_dir() else [folder]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                name = file.relative_to(root).as_posix()
                digest.update(f"{name}\0{_file_digest(file)}\0".encode())
    return digest.hexdigest()


def _path(root: Path, mode: str) -> Path:
    return root / FOLDER / f"pages-{mode}.json"


def _load(root: Path, mode: str) -> dict[str, str]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(_path(root, mode).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items()}
    return {}


def unchanged(root: Path, mode: str, pages: Iterable[str]) -> set[str]:
    """The pages whose key is the one stored when they last passed."""
    stored = _load(root, mode)
    if not stored:
        return set()
    common = _common(root, mode)
    return {page for page in pages if stored.get(page) == page_key(root, page, common)}


def key_at_start(root: Path, mode: str, page: str) -> str:
    """The page's key as its run begins: an edit saved while it runs must not be stored as if
    it had passed (store() keeps this key, not one computed at the end)."""
    return page_key(root, page, _common(root, mode))


def store(
    root: Path,
    mode: str,
    complete: dict[str, Counter[str]],
    partial: Collection[str] = (),
    keys: dict[str, str] | None = None,
) -> None:
    """Remember the pages that ran whole and passed, under the key each had when it started
    (``keys``); forget those that failed."""
    stored = _load(root, mode)
    keys = keys or {}
    for page, counts in complete.items():
        if page in partial:
            continue
        if counts["failed"] == 0 and counts["passed"] > 0 and page in keys:
            stored[page] = keys[page]
        else:
            stored.pop(page, None)
    path = _path(root, mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")
