"""The one Jinja environment for the pages the site generates (sitekit/templates/*.j2).

The templates produce Markdown, which MkDocs then renders like any page; they read the typed
records (pagekit/records.py) and sitekit's own dataclasses by attribute.  Whitespace is
controlled in the templates themselves (``{%-`` / ``-%}``), so what they say is exactly the
Markdown that is rendered; a missing value fails instead of printing nothing.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import jinja2

from sitekit.verification import verified

FOLDER = Path(__file__).parent / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(FOLDER),
        autoescape=False,  # Markdown, not HTML: each template escapes what it must
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cell=cell, attr=attr, fence_ticks=fence_ticks, indented=indented)
    # ``entry is verified``: the one rule for a page result that proves its page.
    env.tests["verified"] = verified
    return env


def render(name: str, **values: object) -> str:
    return environment().get_template(name).render(**values)


# --- filters: what Markdown needs escaped where ---------------------------------------------


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (and anywhere else on a page)."""
    return html.escape(str(text)).replace("|", "&#124;").replace("\n", " ")


def attr(text: object) -> str:
    """Text safe inside an admonition's quoted title."""
    return str(text).replace('"', "“")


def fence_ticks(text: str) -> str:
    """A backtick fence longer than any run of backticks inside the text it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def indented(text: str, indent: str) -> str:
    """Each non-empty line of the text indented (a block inside an admonition)."""
    return "\n".join(f"{indent}{line}" if line else "" for line in text.rstrip("\n").split("\n"))
