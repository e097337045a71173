"""A notebook page (mkdocs-jupyter) made light enough for a phone.

mkdocs-jupyter puts JupyterLab's whole stylesheet (574 KB, 86 KB compressed; hundreds of
colour variables and the styles of every JupyterLab widget) inline in every notebook page,
and every figure as a base64 PNG inside the HTML (100-150 KB more).  On Lighthouse's mobile
preset the four notebook pages scored 0.75-0.89 and weighed 355-425 KB.  Here:

- each of its <style> blocks keeps only the rules whose selectors can match an element of
  this page (every class a selector names occurs in the notebook's HTML, or is one that
  Material's script adds) and only the custom properties (``--jp-...``) those rules use: the
  page looks the same.  The stylesheet's own rules are all scoped to ``.jupyter-wrapper``,
  so the page's content is all they can match;
- each inlined PNG becomes a file beside the page (its name is its content's hash, so the
  same figure gives the same file every build), with its width and height and loaded lazily:
  the page's text arrives first, and a figure far down costs nothing until the reader nears it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from pathlib import Path

STYLE = re.compile(r'(<style type="text/css">)(.*?)(</style>)', re.S)
IMG_DATA = re.compile(r'<img\b([^>]*?)\bsrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"([^>]*)>')
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NOT = re.compile(r":(?:not|where|is|has)\((?:[^()]|\([^()]*\))*\)")
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
# Classes no HTML of the page holds but Material's script adds in the browser (it wraps each
# table); the notebook stylesheet styles them inside a notebook.
RUNTIME_CLASSES = {"md-typeset__scrollwrap", "md-typeset__table"}
# At-rules whose block holds rules (pruned inside); any other block (@font-face, @keyframes)
# is kept whole.
NESTING = ("@media", "@supports", "@layer", "@container", "@document")
# A kept rule: (selector, declarations), (at-rule, its kept rules) or (statement, "").
Rule = tuple[str, "str | list[Rule]"]


def _skip_string(css: str, i: int) -> int:
    quote = css[i]
    i += 1
    while i < len(css) and css[i] != quote:
        i += 2 if css[i] == "\\" else 1
    return i + 1


def _block_end(css: str, i: int) -> int:
    """The index just past the ``}`` that closes the block opening at css[i] == "{"."""
    depth = 0
    while i < len(css):
        ch = css[i]
        if ch in "\"'":
            i = _skip_string(css, i)
            continue
        if css.startswith("/*", i):
            i = css.find("*/", i + 2) + 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces in a notebook stylesheet")


def _items(css: str) -> list[tuple[str, str | None]]:
    """Top-level items of a stylesheet: (prelude, block body) or (statement, None)."""
    items: list[tuple[str, str | None]] = []
    i, start = 0, 0
    while i < len(css):
        ch = css[i]
        if ch in "\"'":
            i = _skip_string(css, i)
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2) + 2
            css = css[:i] + css[end:]  # comments go
        elif ch == ";" and css[start:i].lstrip().startswith("@"):
            items.append((css[start : i + 1].strip(), None))
            i = start = i + 1
        elif ch == "{":
            end = _block_end(css, i)
            items.append((css[start:i].strip(), css[i + 1 : end - 1]))
            i = start = end
        else:
            i += 1
    return items


def _selector_can_match(selector: str, classes: set[str]) -> bool:
    return all(name in classes for name in SELECTOR_CLASS.findall(NOT.sub("", selector)))


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside strings and parentheses."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = _skip_string(text, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _prune_rules(css: str, classes: set[str]) -> list[Rule]:
    kept: list[Rule] = []
    for prelude, body in _items(css):
        if body is None:
            if not prelude.startswith("@charset"):
                kept.append((prelude, ""))
        elif prelude.startswith(NESTING):
            inner = _prune_rules(body, classes)
            if inner:
                kept.append((prelude, inner))
        elif prelude.startswith("@"):
            kept.append((prelude, body))
        else:
            selectors = [s.strip() for s in _split_top(prelude, ",")]
            matching = [s for s in selectors if _selector_can_match(s, classes)]
            if matching:
                kept.append((",".join(matching), body))
    return kept


def _declarations(body: str) -> list[str]:
    return [d.strip() for d in _split_top(body, ";") if d.strip()]


def _render(rules: list[Rule], used: set[str] | None) -> str:
    out = []
    for prelude, body in rules:
        if isinstance(body, list):
            out.append(f"{prelude}{{{_render(body, used)}}}")
        elif body == "" and prelude.startswith("@"):
            out.append(prelude)
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            declarations = [
                d
                for d in _declarations(body)
                if used is None or not d.startswith("--") or d.split(":", 1)[0].strip() in used
            ]
            if declarations:
                out.append(f"{prelude}{{{';'.join(declarations)}}}")
    return "".join(out)


def prune_stylesheets(sheets: list[str], html: str) -> list[str]:
    """Each of ``sheets`` with only the rules that can match an element of ``html``, and only
    the custom properties that something kept (in any of them, or the HTML itself) uses."""
    classes = {name for value in CLASS_ATTRIBUTE.findall(html) for name in value.split()}
    classes |= RUNTIME_CLASSES
    rules = [_prune_rules(css, classes) for css in sheets]
    used = set(VAR_USE.findall(html))
    while True:  # a property's value may use another property
        found = used.union(*(VAR_USE.findall(_render(r, used)) for r in rules))
        if found == used:
            break
        used = found
    return [_render(r, used) for r in rules]


def light_notebook_page(html: str, page_dir: Path | None) -> str:
    """``html`` with its stylesheets pruned and its PNGs written into ``page_dir`` (the page's
    folder in the built site) as files; ``page_dir`` None leaves the PNGs inline."""
    sheets = prune_stylesheets([m[2] for m in STYLE.finditer(html)], STYLE.sub("", html))
    pruned = iter(sheets)

    def replace(match: re.Match[str]) -> str:
        css = next(pruned)
        return f"{match[1]}\n{css}\n{match[3]}" if css else ""

    html = STYLE.sub(replace, html)
    if page_dir is None:
        return html

    def to_file(match: re.Match[str]) -> str:
        data = base64.b64decode(re.sub(r"\s", "", match[2]))
        name = f"figure-{hashlib.sha256(data).hexdigest()[:16]}.png"
        page_dir.mkdir(parents=True, exist_ok=True)
        (page_dir / name).write_bytes(data)
        attributes = f"{match[1]}{match[3]}"
        if " width=" not in attributes and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            attributes += f' width="{width}" height="{height}"'
        if " loading=" not in attributes:
            attributes += ' loading="lazy" decoding="async"'
        return f'<img src="{name}"{" " + attributes.strip() if attributes.strip() else ""}>'

    return IMG_DATA.sub(to_file, html)
