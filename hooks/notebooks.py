"""MkDocs hook: notebook pages (mkdocs-jupyter) load nothing from third-party hosts.
(hooks/downloads.py publishes each as a real .ipynb beside its page: notebooks/mnist.ipynb.)

The site is built without network access, so the build tells the notebooks so
(PYTORCH_RUMEN_SAMPLE=1: the MNIST notebook trains on the offline sample); a reader who runs
the downloaded notebook gets the full MNIST download by default.  The loaders mkdocs-jupyter's
template adds are removed by sitekit.html_fixes.  The page is made light for a phone by
sitekit.notebook_page: only the styles it uses, its figures as files beside it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import _site_root  # noqa: F401  (puts sitekit/ on the path)

from sitekit import html_fixes, notebook_page


def on_config(config):
    os.environ["PYTORCH_RUMEN_SAMPLE"] = "1"  # inherited by the kernels mkdocs-jupyter starts
    return config


def on_page_content(html, page, config, files):
    if not html_fixes.is_notebook(page.file.src_uri):
        return html
    html = html_fixes.without_notebook_loaders(html, page.file.src_uri)
    page_dir = Path(config.site_dir, *PurePosixPath(page.file.dest_uri).parent.parts)
    return notebook_page.light_notebook_page(html, page_dir)
