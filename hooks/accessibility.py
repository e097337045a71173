"""MkDocs hook: two accessibility gaps a Lighthouse audit finds, closed for every page.

- A comparison table's empty top-left header cell leaves its row labels without a header;
  it gets a label only screen readers see.
- Material's search overlay is a dialog without a name; it gets one.
"""

from __future__ import annotations

EMPTY_CORNER = "<th></th>"
NAMED_CORNER = '<th><span class="visually-hidden">项目</span></th>'
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = SEARCH_DIALOG.replace('role="dialog"', 'role="dialog" aria-label="搜索"')


def on_page_content(html, page, config, files):
    return html.replace(EMPTY_CORNER, NAMED_CORNER)


def on_post_page(output, page, config):
    if SEARCH_DIALOG not in output:
        # Material changed its markup: look again rather than silently lose the label.
        raise ValueError(
            f"{page.file.src_uri}: Material's search dialog markup changed; "
            "update hooks/accessibility.py"
        )
    return output.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG)
