"""Puts the repository root on sys.path, so that the hooks can import sitekit/ however MkDocs
was started (``python -m mkdocs`` from the root, or a bare ``mkdocs build``): MkDocs itself
puts only this folder, hooks/, on the path."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
