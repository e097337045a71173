"""What a browser needs to lay a page out once, before anything arrives.

Pictures. Markdown's ``![alt](file.svg)`` gives an ``<img>`` without width and height: the
browser lays the page out without it, then again when the picture arrives, and the text
below jumps (a layout shift, which Lighthouse counts). Each ``<img>`` whose file is in docs/
(SVG with a width and height or a viewBox, PNG) or a PNG inlined by a notebook gets the
picture's own ``width`` and ``height``: Material's ``max-width: 100%; height: auto`` scale
it, and the browser keeps the right space from the first layout. ``loading="lazy"`` and
``decoding="async"`` leave pictures below the first screen to when the reader scrolls near
them, so that a phone paints the text first.

Code blocks. A long chapter holds thousands of highlighted tokens; stylesheets/extra.css
lets the browser skip laying out the code blocks off the screen (content-visibility: auto)
and reserve their height instead. Each block gets its number of lines (``--code-lines``), so
that the reserved height is the block's real one: with a guess, every block on the first
screen would change height when first drawn and push the text below it (a layout shift).
"""

from __future__ import annotations

import base64
import posixpath
import re
import struct
from pathlib import Path

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\bsrc="([^"]+)"')
SVG_SIZE = re.compile(rb"<svg\b[^>]*>")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _svg_size(data: bytes) -> tuple[int, int] | None:
    tag = SVG_SIZE.search(data)
    if tag is None:
        return None
    attributes = dict(re.findall(rb'\s([\w:-]+)="([^"]*)"', tag[0]))
    try:
        if b"width" in attributes and b"height" in attributes:
            return round(float(attributes[b"width"])), round(float(attributes[b"height"]))
        if b"viewBox" in attributes:
            _, _, width, height = (float(n) for n in attributes[b"viewBox"].split())
            return round(width), round(height)
    except ValueError:  # "100%", "20em": no size of its own
        return None
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if not data.startswith(PNG_SIGNATURE) or len(data) < 24:
        return None
    return struct.unpack(">II", data[16:24])


def _size(src: str, page_url: str, docs_dir: Path) -> tuple[int, int] | None:
    if src.startswith("data:image/png;base64,"):
        head = src.removeprefix("data:image/png;base64,")[:32]  # 24 bytes: signature and IHDR
        return _png_size(base64.b64decode(head))
    if "://" in src or src.startswith(("data:", "/")):
        return None
    path = docs_dir / posixpath.normpath(posixpath.join(page_url, src.split("#")[0]))
    if not path.is_file():
        return None
    if path.suffix == ".svg":
        return _svg_size(path.read_bytes())
    if path.suffix == ".png":
        return _png_size(path.read_bytes()[:24])
    return None


CODE_BLOCK = re.compile(r'<div class="(language-[\w-]+ )?highlight"><pre>(.*?)</pre>', re.S)


def _code_lines(match: re.Match[str]) -> str:
    lines = match[2].count("\n")
    return match[0].replace('highlight"', f'highlight" style="--code-lines: {lines}"', 1)


def add_layout_hints(html: str, page_url: str, docs_dir: Path) -> str:
    """The page's HTML with picture sizes, lazy loading and code-block line counts."""

    def sized(match: re.Match[str]) -> str:
        tag = match[0]
        src = SRC.search(tag)
        if src is None:
            return tag
        extra = ""
        if " width=" not in tag and " height=" not in tag:  # an author's own size stays
            size = _size(src[1], page_url, docs_dir)
            if size is None:
                return tag
            extra = f'width="{size[0]}" height="{size[1]}" '
        if " loading=" not in tag:
            extra += 'loading="lazy" decoding="async" '
        return tag.replace("<img", f"<img {extra.rstrip()}", 1) if extra else tag

    return CODE_BLOCK.sub(_code_lines, IMG.sub(sized, html))
