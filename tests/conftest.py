"""Fixtures of the harness's own tests."""

from __future__ import annotations

import pytest

from tests.sites import preload


@pytest.fixture
def pytester(request, tmp_path_factory, monkeypatch):
    """pytest's pytester, once torch is imported and the fork server runs (sites.preload)."""
    preload()
    return pytest.Pytester(request, tmp_path_factory, monkeypatch, _ispytest=True)
