"""Fixtures of the harness's own tests."""

from __future__ import annotations

import pytest

from tests.sites import REAL_HOME, preload


@pytest.fixture
def pytester(request, tmp_path_factory, monkeypatch):
    """pytest's pytester, once torch is imported and the fork server runs (sites.preload)."""
    preload()
    tester = pytest.Pytester(request, tmp_path_factory, monkeypatch, _ispytest=True)
    monkeypatch.setenv("HOME", REAL_HOME)  # pytester's own HOME is for its inner runs only
    return tester


@pytest.fixture(scope="session")
def downloaded(tmp_path_factory):
    """The archive of every chapter's programs, as a reader downloads it (sitekit/downloads.py),
    unpacked once: a copy of it is where programs run (tests/test_snippets_standalone.py)."""
    import shutil
    import zipfile

    from tests.sites import ROOT

    where = tmp_path_factory.mktemp("reader")
    try:
        from sitekit import downloads  # needs jupytext, which a bare GPU machine may lack
    except ImportError:
        shutil.copytree(
            ROOT / "snippets",
            where / "code",  # the same layout: a folder a chapter
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        return where / "code"
    chapters = [
        page
        for page in sorted((ROOT / "docs").glob("*.md"))
        if page.name not in downloads.NOT_CHAPTERS
    ]
    programs = sorted(
        {
            program
            for page in chapters
            for program in downloads.programs_of(page.read_text(encoding="utf-8"), ROOT)
        }
    )
    archive = where / "pytorch-rumen-code.zip"
    archive.write_bytes(downloads.build_archive(ROOT, programs))
    with zipfile.ZipFile(archive) as opened:
        assert {name.split("/")[0] for name in opened.namelist()} == {downloads.FOLDER}
        opened.extractall(where)
    return where / downloads.FOLDER
