"""MkDocs hook: picture sizes, lazy pictures and code-block heights, so that a browser lays a
page out once (sitekit/layout.py says why and how).

A page whose front matter hides its table of contents (``hide: [toc]``, the 术语表) gets none
at all: Material only marks the sidebar ``hidden`` and still writes the whole table twice
(the sidebar and the phone's menu), half of the glossary's HTML."""

from __future__ import annotations

from pathlib import Path

import _site_root  # noqa: F401  (puts sitekit/ on the path)
from mkdocs.structure.toc import TableOfContents

from sitekit.layout import add_layout_hints


def on_page_content(html, page, config, files):
    return add_layout_hints(html, page.url, Path(config.docs_dir))


def on_page_context(context, page, config, nav):
    if "toc" in (page.meta.get("hide") or []):
        page.toc = TableOfContents([])
    return context
