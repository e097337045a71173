"""Notebook pages are made light for a phone (sitekit/notebook_page.py): only the styles the
page can use, and its figures as sized, lazily loaded files beside it."""

from __future__ import annotations

import base64
import struct
import zlib

from sitekit.notebook_page import light_notebook_page, prune_stylesheets


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


CSS = """
@charset "UTF-8";
.jupyter-wrapper{--used: red;--chained: var(--used);--unused: blue}
.jp-Cell{color: var(--chained)}
.jp-Widget, .jp-OutputArea{margin: 0}
.jp-Dialog .jp-Button{content: "{not a block}"}
@media (max-width: 600px){.jp-Cell{padding: 0}.jp-Dialog{padding: 1px}}
@media print{.jp-Toolbar{display: none}}
.jp-Cell:not(.jp-mod-active) pre{color: black}
@keyframes spin{from{transform: rotate(0)}to{transform: rotate(1turn)}}
"""
HTML = '<div class="jupyter-wrapper"><div class="jp-Cell jp-OutputArea"><pre>x</pre></div></div>'


def test_only_rules_that_can_match_and_the_properties_they_use_are_kept():
    (css,) = prune_stylesheets([CSS], HTML)
    assert ".jp-Cell{color: var(--chained)}" in css
    assert "--used: red" in css and "--chained: var(--used)" in css
    assert "--unused" not in css
    assert ".jp-OutputArea{margin: 0}" in css and "jp-Widget" not in css  # from a list
    assert "jp-Dialog" not in css and "not a block" not in css
    assert "@media (max-width: 600px){.jp-Cell{padding: 0}}" in css
    assert "@media print" not in css  # nothing inside it can match
    assert ".jp-Cell:not(.jp-mod-active) pre" in css  # a class under :not() need not exist
    assert "@keyframes spin" in css


def test_a_property_used_by_another_stylesheet_is_kept():
    variables, uses = prune_stylesheets(
        [".jupyter-wrapper{--keyword: green;--other: 1px}", ".jp-Cell .k{color: var(--keyword)}"],
        '<div class="jupyter-wrapper"><div class="jp-Cell"><span class="k">for</span></div></div>',
    )
    assert "--keyword: green" in variables and "--other" not in variables
    assert uses == ".jp-Cell .k{color: var(--keyword)}"


def test_figures_become_sized_lazy_files_named_by_their_content(tmp_path):
    png = _png(30, 20)
    data = base64.b64encode(png).decode()
    page = (
        f'<style type="text/css">{CSS}</style>'
        f'<div class="jp-Cell"><img alt="图" src="data:image/png;base64,{data}"></div>'
    )
    out = light_notebook_page(page, tmp_path)
    (written,) = tmp_path.iterdir()
    assert written.read_bytes() == png
    assert written.name.startswith("figure-") and written.suffix == ".png"
    assert f'src="{written.name}"' in out and "base64" not in out
    assert 'width="30" height="20"' in out and 'loading="lazy"' in out and 'alt="图"' in out
    # The same figure, the same file: every build publishes the same bytes under one name.
    assert light_notebook_page(page, tmp_path) == out
    assert len(list(tmp_path.iterdir())) == 1
