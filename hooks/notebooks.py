"""MkDocs hook: notebook pages (mkdocs-jupyter) load nothing from third-party hosts.
(hooks/downloads.py publishes each as a real .ipynb beside its page: notebooks/mnist.ipynb.)

The site is built without network access, so the build tells the notebooks so
(PYTORCH_RUMEN_SAMPLE=1: the MNIST notebook trains on the offline sample); a reader who runs
the downloaded notebook gets the full MNIST download by default.

mkdocs-jupyter's template adds a MathJax loader (an empty or a CDN address) and a mermaid
loader that imports from a CDN.  Both are removed: the notebook's formulas are rendered by
the site's own KaTeX (overrides/main.html, javascripts/katex-init.js), and a notebook that
draws a mermaid diagram fails the build instead of silently calling out.
"""

from __future__ import annotations

import os
import re

MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MERMAID_LOADER = re.compile(
    r'<script type="module">(?:(?!</script>).)*?\.jp-Mermaid.*?</script>', re.S
)


def on_config(config):
    os.environ["PYTORCH_RUMEN_SAMPLE"] = "1"  # inherited by the kernels mkdocs-jupyter starts
    return config


def is_notebook(page) -> bool:
    return page.file.src_uri.endswith((".py", ".ipynb"))


def on_page_content(html, page, config, files):
    if not is_notebook(page):
        return html
    if 'class="jp-Mermaid' in html:
        raise ValueError(
            f"{page.file.src_uri}: mermaid inside a notebook would load from a CDN; "
            "draw it on a Markdown page instead"
        )
    html, mathjax = MATHJAX.subn("", html)
    html, mermaid = MERMAID_LOADER.subn("", html)
    if (mathjax, mermaid) != (1, 1):
        # mkdocs-jupyter changed its template: look again rather than let a CDN back in.
        raise ValueError(
            f"{page.file.src_uri}: expected one MathJax and one mermaid loader "
            f"from mkdocs-jupyter, found {mathjax} and {mermaid}"
        )
    return html
