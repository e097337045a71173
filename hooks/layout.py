"""MkDocs hook: picture sizes, lazy pictures and code-block heights, so that a browser lays a
page out once (sitekit/layout.py says why and how)."""

from __future__ import annotations

from pathlib import Path

import _site_root  # noqa: F401  (puts sitekit/ on the path)

from sitekit.layout import add_layout_hints


def on_page_content(html, page, config, files):
    return add_layout_hints(html, page.url, Path(config.docs_dir))
