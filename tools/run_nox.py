"""Run one of this project's nox sessions, with nox installed where any Python allows it.

    python3 tools/run_nox.py -s docs-test     # every argument is handed to nox

`python3 -m pip install nox` is refused by the Pythons that many machines put first:
Debian's and Ubuntu's system Python and Homebrew's (PEP 668, "externally-managed-environment").
So nox never goes into the Python that runs this script. It goes, once, into

1. .nox/tools, a virtual environment of its own, when this Python can make one with pip
   in it (python.org, pyenv, conda, Homebrew, Windows; Debian/Ubuntu with python3-venv); else
2. .nox/tools-lib, with `pip install --target`, which PEP 668 allows, when this Python has pip
   but no venv with pip (Debian/Ubuntu without python3-venv, with python3-pip).

If neither works it says what to install. The nox version is pinned below; a changed pin, or
another Python (even 3.11.2 after 3.11.7: the environments nox makes are made by the Python
nox runs on), installs again. Only the standard library is used here, and the file parses
on Python 3.6 and later, so an older python3 is told plainly that it is too old (no
``from __future__ import annotations``: the annotations that need it are strings).
"""

import importlib.util
import os
import subprocess
import sys
import venv
from pathlib import Path

NOX = "nox==2026.10.20"
ROOT = Path(__file__).resolve().parents[1]
# DOCS_ENV_DIR moves the shared environment (noxfile.py); nox's own then goes beside it, so
# two Pythons (CI: the image's python3 and Debian's own) each keep theirs, installed once.
_MOVED = os.environ.get("DOCS_ENV_DIR")
TOOLS = ROOT / (f"{_MOVED}-tools" if _MOVED else ".nox/tools")  # the virtual environment (way 1)
TOOLS_LIB = ROOT / (f"{_MOVED}-tools-lib" if _MOVED else ".nox/tools-lib")  # --target (way 2)
STAMP = "run_nox-installed.txt"
QUIET = ["--quiet", "--disable-pip-version-check"]


def venv_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def shown(folder: Path) -> str:
    try:
        return str(folder.relative_to(ROOT))
    except ValueError:  # DOCS_ENV_DIR outside the repository
        return str(folder)


def this_python() -> str:
    """What the stamp records: the pinned nox, and which Python it was installed for."""
    return f"{NOX} {sys.version.split()[0]} {sys.base_prefix}"


def installed(folder: Path) -> bool:
    """Whether folder holds the pinned nox for this Python (the stamp says so)."""
    stamp = folder / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == this_python()


def mark(folder: Path) -> None:
    (folder / STAMP).write_text(this_python(), encoding="utf-8")


def in_venv() -> "list[str] | None":
    """Way 1: the command that runs nox from .nox/tools, installing it first if needed."""
    python = venv_python(TOOLS)
    if installed(TOOLS) and python.is_file():
        return [str(python), "-m", "nox"]
    if importlib.util.find_spec("ensurepip") is None:
        return None  # Debian/Ubuntu without python3-venv: a venv would have no pip
    print(f"run_nox: installing {NOX} into {shown(TOOLS)} (once)", flush=True)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"run_nox: no virtual environment here ({error}); trying pip --target", flush=True)
        return None
    subprocess.run([str(python), "-m", "pip", "install", *QUIET, NOX], check=True)
    mark(TOOLS)
    return [str(python), "-m", "nox"]


def in_target() -> "list[str] | None":
    """Way 2: nox in .nox/tools-lib, run by this Python with that folder first on its path.

    The folder is put on sys.path by the command itself, not through PYTHONPATH, so the
    environments nox's sessions run in never see nox's own dependencies."""
    launch = [
        sys.executable,
        "-c",
        "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'nox'; "
        "runpy.run_module('nox', run_name='__main__', alter_sys=True)",
        str(TOOLS_LIB),
    ]
    if installed(TOOLS_LIB):
        return launch
    if importlib.util.find_spec("pip") is None:
        return None
    print(f"run_nox: installing {NOX} into {shown(TOOLS_LIB)} (once)", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            *QUIET,
            "--upgrade",
            "--target",
            str(TOOLS_LIB),
            NOX,
        ],
        check=True,
    )
    mark(TOOLS_LIB)
    return launch


def main(arguments: "list[str]") -> int:
    if sys.version_info < (3, 11):
        print(
            f"run_nox: this project needs Python 3.11 or newer; this is {sys.version.split()[0]}",
            file=sys.stderr,
        )
        return 1
    nox = in_venv() or in_target()
    if nox is None:
        print(
            "run_nox: this Python can neither make a virtual environment with pip nor run pip.\n"
            "On Debian or Ubuntu install one of them, then run the same command again:\n"
            "    sudo apt install python3-venv      (or: sudo apt install python3-pip)",
            file=sys.stderr,
        )
        return 1
    return subprocess.run([*nox, *arguments], check=False, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
