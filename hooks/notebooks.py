"""MkDocs hook: notebook pages (mkdocs-jupyter) load nothing from third-party hosts.
(hooks/downloads.py publishes each as a real .ipynb beside its page: notebooks/mnist.ipynb.)

The site is built without network access, so the build tells the notebooks so
(PYTORCH_RUMEN_SAMPLE=1: the MNIST notebook trains on the offline sample); a reader who runs
the downloaded notebook gets the full MNIST download by default.  The loaders mkdocs-jupyter's
template adds are removed by sitekit.html_fixes.
"""

from __future__ import annotations

import os

import _site_root  # noqa: F401  (puts sitekit/ on the path)

from sitekit import html_fixes


def on_config(config):
    os.environ["PYTORCH_RUMEN_SAMPLE"] = "1"  # inherited by the kernels mkdocs-jupyter starts
    return config


def on_page_content(html, page, config, files):
    if not html_fixes.is_notebook(page.file.src_uri):
        return html
    return html_fixes.without_notebook_loaders(html, page.file.src_uri)
