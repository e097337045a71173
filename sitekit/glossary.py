"""One glossary for the whole site, from glossary.yml at the repository root.

From that one data file:

- the 术语表 page: every entry, grouped by the chapter that teaches it, in nav order
  (templates/glossary.md.j2);
- the words hover definitions and the search look for (``Matcher``; the hover definitions
  themselves are in glossary_hover.py);
- a jieba user dictionary with every term and variant, so that search keeps each one whole;
- search synonyms: the words added to the search entry of the section that teaches a term.

The same matching rules serve tests/test_glossary.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitekit import templates

DATA_FILE = "glossary.yml"
PAGE = "glossary.md"
MARKER = "<!-- glossary -->"
REQUIRED = ("term", "en", "define", "page", "anchor")
CJK = re.compile(r"[\u3400-\u9fff]")
# Where the 术语表 page names the section that teaches a term: filled in once every page's
# headings are known (fill_section_titles).
SECTION_SLOT = re.compile(r'<span data-glossary-section="([^"]+)"></span>')


@dataclass
class Entry:
    term: str
    en: str
    define: str
    page: str
    anchor: str
    variants: list[str] = field(default_factory=list)
    # Other English names a chapter may give in `**术语**（English）`, e.g. an abbreviation.
    en_also: list[str] = field(default_factory=list)
    # Longer words that contain the term or a variant but mean something else (逻辑推理).
    not_in: list[str] = field(default_factory=list)
    hover: bool = True
    # False: prose never uses the English name alone (``logits``), only beside the term.
    en_alone: bool = True

    @property
    def id(self) -> str:
        return slug(self.en)

    def english_names(self) -> list[str]:
        return [self.en, *self.en_also]

    @property
    def tooltip(self) -> str:
        """What the browser shows when the reader rests the pointer on the term."""
        return f"{self.en}：{self.define}"

    def search_words(self) -> list[str]:
        """Every name a reader may search the term by."""
        return [self.term, *self.variants, *self.english_names()]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load(path: Path) -> list[Entry]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    entries = []
    for number, item in enumerate(raw, 1):
        missing = [key for key in REQUIRED if not item.get(key)]
        if missing:
            raise ValueError(f"{path.name}: entry {number} ({item.get('term')!r}) lacks {missing}")
        entries.append(Entry(**item))
    return entries


def english_key(text: str) -> str:
    """English names compared loosely: case, spaces, hyphens and a plural s don't matter."""
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entry: Entry
    # "term", "variant", or None for a ``not_in`` word, which is matched only so that its
    # shorter parts are not.
    kind: str | None

    def __iter__(self) -> Iterator[object]:  # (start, end, entry, kind), as the tests unpack it
        return iter((self.start, self.end, self.entry, self.kind))


class Matcher:
    """Finds glossary words in text: longest first, so 批量大小 is not read as 批量 + 大小."""

    def __init__(self, entries: list[Entry]):
        self.words: dict[str, tuple[Entry, str | None]] = {}
        for entry in entries:
            for word in entry.not_in:
                self.words[word] = (entry, None)
        for entry in entries:
            for word in entry.variants:
                self.words.setdefault(word, (entry, "variant"))
            self.words[entry.term] = (entry, "term")
        alternatives = []
        for word in sorted(self.words, key=len, reverse=True):
            escaped = re.escape(word)
            if not CJK.search(word):  # Latin words need word boundaries; Chinese has none
                escaped = rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])"
            alternatives.append(escaped)
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None

    def finditer(self, text: str) -> Iterator[Match]:
        if self.pattern is None:
            return
        for found in self.pattern.finditer(text):
            entry, kind = self.words[found.group(0)]
            yield Match(found.start(), found.end(), entry, kind)


# --- the pieces generated from the data file -------------------------------------------


JIEBA_FREQUENCY = 1000  # enough to keep 词元 whole after 用 (jieba has 用词), a rare word's count


def jieba_dictionary(entries: list[Entry]) -> str:
    """One word a line with a frequency: without one, jieba picks the least frequency that keeps
    the word whole on its own, and a word that starts like a common word ends (用词 + 元) is
    still cut in a sentence."""
    words: list[str] = []
    for entry in entries:
        for word in (entry.term, *entry.variants):
            if CJK.search(word) and " " not in word and word not in words:
                words.append(word)
    return "".join(f"{word} {JIEBA_FREQUENCY}\n" for word in words)


def nav_chapters(nav: list[Any] | None) -> list[tuple[str, str]]:
    """(source, title) of each Markdown page in the nav as mkdocs.yml writes it, in order;
    a bare page in a section (navigation.indexes) takes the section's title."""
    chapters: list[tuple[str, str]] = []

    def walk(items: list[Any] | None, section: str | None = None) -> None:
        for item in items or []:
            if isinstance(item, str):
                if item.endswith(".md"):
                    chapters.append((item, section or item))
            elif isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, str):
                        if value.endswith(".md"):
                            chapters.append((value, title))
                    else:
                        walk(value, title)

    walk(nav)
    return chapters


def group_id(src: str) -> str:
    return "chapter-" + slug(src.removesuffix(".md")) if src != "index.md" else "chapter-home"


def glossary_markdown(entries: list[Entry], chapters: list[tuple[str, str]]) -> str:
    """The entries grouped by chapter, chapters in nav order, entries in data-file order."""
    order = {src: number for number, (src, _) in enumerate(chapters)}
    titles = dict(chapters)
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: order.get(e.page, len(order))):
        groups.setdefault(entry.page, []).append(entry)
    return templates.render(
        "glossary.md.j2",
        count=len(entries),
        groups=[
            {"id": group_id(src), "title": titles.get(src, src), "entries": group}
            for src, group in groups.items()
        ],
        titles=titles,
    )


def page_with_glossary(markdown: str, generated: str) -> str:
    """The 术语表 page's Markdown with the generated entries at its marker (or at its end)."""
    if MARKER in markdown:
        return markdown.replace(MARKER, generated)
    return markdown.rstrip() + "\n\n" + generated


def fill_section_titles(html: str, section_titles: dict[str, str]) -> str:
    """Each entry's "讲解" link names the section as well as the chapter: " › 小节".

    ``section_titles`` maps ``page#anchor`` to the heading's text, for every heading whose
    text is not the page's own title.
    """
    return SECTION_SLOT.sub(
        lambda slot: (
            " › " + section_titles[slot.group(1)] if slot.group(1) in section_titles else ""
        ),
        html,
    )


def plain_heading(title: str) -> str:
    """A heading's text as the table of contents holds it, without its inline markup."""
    return re.sub(r"<[^>]+>", "", title)


def search_synonyms(entry: Entry) -> str:
    """What the search entry of the section that teaches the term gets appended: every name
    of the term, each one a whole word for the search (zero-width spaces around it)."""
    return (
        "<p>术语表：" + " · ".join(f"\u200b{word}\u200b" for word in entry.search_words()) + "</p>"
    )
