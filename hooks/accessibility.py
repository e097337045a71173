"""MkDocs hook: two accessibility gaps a Lighthouse audit finds, closed for every page.

- A comparison table's empty top-left header cell leaves its row labels without a header;
  it gets a label only screen readers see (sitekit.html_fixes).
- Material's search overlay is a dialog without a name; it gets one (Material's markup:
  mkdocs_internals).
"""

from __future__ import annotations

import _site_root  # noqa: F401  (puts sitekit/ on the path)
import mkdocs_internals  # hooks/mkdocs_internals.py: Material's markup

from sitekit import html_fixes


def on_page_content(html, page, config, files):
    return html_fixes.name_empty_corners(html)


def on_post_page(output, page, config):
    return mkdocs_internals.name_search_dialog(
        output, html_fixes.SEARCH_DIALOG_LABEL, page.file.src_uri
    )
