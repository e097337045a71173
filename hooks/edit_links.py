"""MkDocs hook: an "edit this page" button on every page.

With `extra.edit_base` set (DOCS_EDIT_BASE, e.g. a forge's ".../edit/main/"), the button opens
the page's Markdown source there.  Unset, it leads to the contributing guide's section on
editing, and its tooltip names the source file: the site never guesses where it is hosted.
"""

from __future__ import annotations

from mkdocs.utils import get_relative_url

GUIDE = "contributing/#edit-a-page"


def on_page_context(context, page, config, nav):
    source = f"docs/{page.file.src_uri}"
    base = config.extra.get("edit_base") or ""
    if base:
        page.edit_url = base.rstrip("/") + "/" + source
    else:
        page.edit_url = get_relative_url(GUIDE, page.url or ".")
    context["edit_source"] = source
    return context
