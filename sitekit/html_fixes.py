"""Small corrections to the HTML of a page, made after it is rendered.

- A comparison table's empty top-left header cell leaves its row labels without a header
  (a Lighthouse accessibility finding): it gets a label only screen readers see.
- Notebook pages (mkdocs-jupyter) load nothing from third-party hosts: its template's MathJax
  loader (an empty or a CDN address) and its mermaid loader (a CDN import) are removed; the
  notebook's formulas are rendered by the site's own KaTeX (overrides/main.html,
  javascripts/katex-init.js), and a notebook that draws a mermaid diagram is refused instead
  of silently calling out.
"""

from __future__ import annotations

import re

EMPTY_CORNER = "<th></th>"
NAMED_CORNER = '<th><span class="visually-hidden">项目</span></th>'
SEARCH_DIALOG_LABEL = "搜索"

MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MERMAID_LOADER = re.compile(
    r'<script type="module">(?:(?!</script>).)*?\.jp-Mermaid.*?</script>', re.S
)


def name_empty_corners(html: str) -> str:
    return html.replace(EMPTY_CORNER, NAMED_CORNER)


def is_notebook(src_uri: str) -> bool:
    return src_uri.endswith((".py", ".ipynb"))


def without_notebook_loaders(html: str, page: str) -> str:
    """A notebook page's HTML without mkdocs-jupyter's MathJax and mermaid loaders; ``page``
    names the page in the error when the HTML is not what this expects."""
    if 'class="jp-Mermaid' in html:
        raise ValueError(
            f"{page}: mermaid inside a notebook would load from a CDN; "
            "draw it on a Markdown page instead"
        )
    html, mathjax = MATHJAX.subn("", html)
    html, mermaid = MERMAID_LOADER.subn("", html)
    if (mathjax, mermaid) != (1, 1):
        # mkdocs-jupyter changed its template: look again rather than let a CDN back in.
        raise ValueError(
            f"{page}: expected one MathJax and one mermaid loader "
            f"from mkdocs-jupyter, found {mathjax} and {mermaid}"
        )
    return html
