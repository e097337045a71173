"""The documentation harness: every Python block of every page runs as a pytest test.

Registered with pytest by ``pytest_plugins`` in the root conftest.py; the knowledge it
shares with the site (fences, markers, includes, records) lives in ``pagekit``.
"""

from pathlib import Path

# Frames in these files are the harness's, never the reader's: tracebacks and stack dumps
# leave them out.
HOME = f"{Path(__file__).resolve().parent}/"

# Installed libraries: an environment's site-packages, and the folders of PYTHONPATH, where a
# GPU machine without a package index gets the wheels it lacks (README: `.pydeps`).  A
# PYTHONPATH folder holding the repository or the temp folder (the pages' copies) is no
# library folder: page and snippet code runs from there.
_INSTALLED = ("/site-packages/", "/dist-packages/")


def _python_path_libraries() -> tuple[str, ...]:
    import os
    import tempfile

    site_folders = (
        f"{Path(__file__).resolve().parents[1]}/",
        f"{Path(tempfile.gettempdir()).resolve()}/",
    )
    folders = []
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if not entry:
            continue
        folder = f"{Path(entry).resolve()}/"
        if not any(site.startswith(folder) for site in site_folders):
            folders.append(folder)
    return tuple(folders)


_PYTHON_PATH_LIBRARIES = _python_path_libraries()


def library_part(filename: str) -> str | None:
    """The path inside its library folder (``torch/nn/modules/module.py``) of a file that
    belongs to an installed library, else None."""
    path = filename.replace("\\", "/")
    for marker in _INSTALLED:  # first: an environment may live inside the site (.nox/…)
        if marker in path:
            return path.split(marker, 1)[1]
    for folder in _PYTHON_PATH_LIBRARIES:
        if path.startswith(folder):
            return path[len(folder) :]
    return None
