"""Hover definitions: the first prose occurrence of each glossary term on a page is wrapped in
``<abbr title="English：definition">``, whose title the browser shows as its own tooltip.

Python-Markdown's ``abbr`` extension cannot do this: it needs a word boundary around the term,
and Chinese has none.

Two ways in, one rule (``FirstUses`` and ``is_excluded``):

- ``GlossaryHoverExtension``: a Python-Markdown extension whose tree processor walks the
  page's element tree, for the Markdown pages;
- ``add_hover_to_html``: the same walk over HTML that Python-Markdown did not make (the
  notebook pages, which mkdocs-jupyter renders itself), driven by the standard library's HTML
  parser; only the matched words are touched, every other byte of the page stays as it was.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from sitekit.glossary import Entry, Matcher

# Elements whose text is never given a hover definition: code, links, headings, controls...
NO_HOVER = frozenset(
    {
        "a",
        "abbr",
        "code",
        "pre",
        "kbd",
        "script",
        "style",
        "svg",
        "button",
        "textarea",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "summary",
    }
)
# ...and math: pymdownx.arithmatex leaves the formula as text in a span or div of this class,
# for KaTeX to render in the browser.
MATH_CLASS = "arithmatex"
# After the inline patterns (20) have made code, links and math into elements, and after
# attr_list (8) and abbr (7) have read the text they look at; before the table of contents.
PRIORITY = 6.5


def is_excluded(tag: str, classes: str) -> bool:
    return tag in NO_HOVER or (tag in {"span", "div"} and MATH_CLASS in classes.split())


class FirstUses:
    """The hover terms of one page: which ones the page has already marked."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self.marked: set[int] = set()  # id() of the entries marked so far

    def split(self, text: str) -> tuple[str, list[tuple[Entry, str, str]]]:
        """``text`` cut at each term used here for the first time on the page: the text
        before the first such term, then (entry, the word as written, the text after it)."""
        head = text
        marked: list[tuple[Entry, str, str]] = []
        last = 0
        for match in self.matcher.finditer(text):
            entry = match.entry
            if match.kind != "term" or not entry.hover or id(entry) in self.marked:
                continue
            self.marked.add(id(entry))
            if not marked:
                head = text[: match.start]
            else:
                previous_entry, previous_word, _ = marked[-1]
                marked[-1] = (previous_entry, previous_word, text[last : match.start])
            marked.append((entry, text[match.start : match.end], text[match.end :]))
            last = match.end
        return head, marked


# --- Markdown pages ---------------------------------------------------------------------


class GlossaryHoverTreeprocessor(Treeprocessor):  # type: ignore[misc]  # markdown is untyped
    def __init__(self, md: Markdown, extension: GlossaryHoverExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        if self.extension.enabled:
            self._walk(root, FirstUses(self.extension.matcher))

    def _walk(self, element: etree.Element, uses: FirstUses) -> None:
        # Document order: an element's text, then each child and the text after it (its tail).
        children = list(element)
        if element.text and not isinstance(element.text, AtomicString):
            element.text, marked = _marked(element.text, uses)
            for offset, abbr in enumerate(marked):
                element.insert(offset, abbr)
        for child in children:
            if not is_excluded(str(child.tag), child.get("class", "")):
                self._walk(child, uses)
            if child.tail:
                child.tail, marked = _marked(child.tail, uses)
                at = list(element).index(child) + 1
                for offset, abbr in enumerate(marked):
                    element.insert(at + offset, abbr)


def _marked(text: str, uses: FirstUses) -> tuple[str, list[etree.Element]]:
    """The text left before the first marked term, and one <abbr> per marked term, each with
    the text that follows it as its tail."""
    head, marked = uses.split(text)
    abbrs = []
    for entry, word, after in marked:
        abbr = etree.Element("abbr", {"title": entry.tooltip})
        abbr.text = AtomicString(word)
        abbr.tail = after
        abbrs.append(abbr)
    return head, abbrs


class GlossaryHoverExtension(Extension):  # type: ignore[misc]  # markdown is untyped
    """Register with ``markdown.Markdown(extensions=[GlossaryHoverExtension(matcher)])``.

    ``enabled`` lets the caller leave one page alone (the 术语表 page defines every term and
    needs no tooltips): the same extension object serves every page MkDocs renders.
    """

    def __init__(self, matcher: Matcher, **kwargs: object):
        super().__init__(**kwargs)
        self.matcher = matcher
        self.enabled = True

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(GlossaryHoverTreeprocessor(md, self), "glossary_hover", PRIORITY)


# --- HTML made elsewhere (notebook pages) -----------------------------------------------


class _HoverParser(HTMLParser):
    """Finds where the terms to mark are in an HTML page, by parsing it."""

    def __init__(self, source: str, uses: FirstUses):
        super().__init__(convert_charrefs=False)  # text as written, so offsets stay true
        self.uses = uses
        self.line_starts = [0]
        for number, char in enumerate(source):
            if char == "\n":
                self.line_starts.append(number + 1)
        # The excluded element the parser is inside, and how deep in elements of its name.
        self.excluded_tag: str | None = None
        self.depth = 0
        self.insertions: list[tuple[int, int, Entry]] = []  # (start, end, entry) in source

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.excluded_tag is not None:
            self.depth += tag == self.excluded_tag
        elif is_excluded(tag, dict(attrs).get("class") or ""):
            self.excluded_tag, self.depth = tag, 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self.excluded_tag:
            self.depth -= 1
            if self.depth == 0:
                self.excluded_tag = None

    def handle_data(self, data: str) -> None:
        if self.excluded_tag is not None or not data.strip():
            return
        line, column = self.getpos()
        head, marked = self.uses.split(data)
        position = self.line_starts[line - 1] + column + len(head)
        for entry, word, after in marked:
            self.insertions.append((position, position + len(word), entry))
            position += len(word) + len(after)


def add_hover_to_html(source: str, matcher: Matcher) -> str:
    """The page's HTML with the first prose occurrence of each hover term marked."""
    parser = _HoverParser(source, FirstUses(matcher))
    parser.feed(source)
    parser.close()
    for start, end, entry in reversed(parser.insertions):
        opening = f'<abbr title="{html.escape(entry.tooltip)}">'
        source = source[:start] + opening + source[start:end] + "</abbr>" + source[end:]
    return source
