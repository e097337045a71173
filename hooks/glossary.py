"""MkDocs hook: one glossary for the whole site, from glossary.yml at the repository root.

An adapter over sitekit.glossary (the data, the 术语表 page) and sitekit.glossary_hover (the
hover definitions); what it needs from the search plugin goes through mkdocs_internals.

- the 术语表 page (docs/glossary.md): its marker comment is replaced by every entry, grouped
  by the chapter that teaches it, in the order the chapters appear in the nav; each entry's
  link names the section too, once every page's headings are known;
- hover definitions: on every other page, the first prose occurrence of each term is wrapped
  in ``<abbr title="…">`` (a Markdown extension; notebook pages are HTML made elsewhere);
- a jieba user dictionary with every term and variant, handed to the search plugin, so that
  each is one searchable word and not cut in two;
- search synonyms: the search entry of the section where a term is taught also gets the
  term's variants and English name (the page itself is unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import _site_root  # noqa: F401  (puts sitekit/ on the path)
import mkdocs_internals  # hooks/mkdocs_internals.py: the search plugin's insides
from mkdocs.plugins import CombinedEvent, event_priority

from sitekit import glossary
from sitekit.glossary_hover import GlossaryHoverExtension, add_hover_to_html

# The generated dictionary lives with mkdocs-jupyter's cache: ignored by git, rebuilt each build.
DICT_FILE = Path(".cache") / "glossary" / "jieba_user_dict.txt"


@dataclass
class Build:
    """What this build knows of the glossary (empty for a site without glossary.yml); set
    afresh by each build's on_config (`mkdocs serve` rebuilds in the same process)."""

    entries: list[glossary.Entry] = field(default_factory=list)
    chapters: list[tuple[str, str]] = field(default_factory=list)
    hover: GlossaryHoverExtension | None = None


_build = Build()


@event_priority(mkdocs_internals.BEFORE_SEARCH_READS_CONFIG)
def on_config(config):
    root = Path(config.config_file_path).parent
    path = root / glossary.DATA_FILE
    if not path.is_file():  # a throw-away test site without the glossary
        _build.entries, _build.chapters, _build.hover = [], [], None
        return config
    entries = glossary.load(path)
    hover = GlossaryHoverExtension(glossary.Matcher(entries))
    config.markdown_extensions.append(hover)
    _build.entries, _build.chapters, _build.hover = (
        entries,
        glossary.nav_chapters(config.nav),
        hover,
    )
    dictionary = root / DICT_FILE
    dictionary.parent.mkdir(parents=True, exist_ok=True)
    dictionary.write_text(glossary.jieba_dictionary(entries), encoding="utf-8")
    mkdocs_internals.use_jieba_user_dictionary(config.plugins, str(dictionary))
    return config


def on_serve(server, config, builder):
    path = Path(config.config_file_path).parent / glossary.DATA_FILE
    if path.is_file():  # `mkdocs serve` rebuilds when the glossary changes, too
        server.watch(str(path))
    return server


def on_page_markdown(markdown, page, config, files):
    if _build.hover is None:
        return markdown
    is_glossary = page.file.src_uri == glossary.PAGE
    # The 术语表 page defines every term: it needs no tooltips.  MkDocs renders one page at a
    # time, right after this event, with the same extension object.
    _build.hover.enabled = not is_glossary
    if not is_glossary:
        return markdown
    generated = glossary.glossary_markdown(_build.entries, _build.chapters)
    return glossary.page_with_glossary(markdown, generated)


def on_page_content(html, page, config, files):
    # Notebook pages are rendered by mkdocs-jupyter, not Python-Markdown: same rule, on HTML.
    if _build.hover is None or page.file.src_uri.endswith(".md"):
        return html
    return add_hover_to_html(html, _build.hover.matcher)


@event_priority(mkdocs_internals.BEFORE_SEARCH_INDEXES)  # search indexes the titles too
def _section_titles(context, page, config, nav):
    if page.file.src_uri == glossary.PAGE and _build.entries:
        page.content = glossary.fill_section_titles(page.content, _section_titles_of(nav))
    return context


@event_priority(mkdocs_internals.AFTER_SEARCH_INDEXES)
def _search_synonyms(context, page, config, nav):
    for entry in _build.entries:
        if entry.page == page.file.src_uri:
            mkdocs_internals.add_search_text(
                config.plugins, page.url, entry.anchor, glossary.search_synonyms(entry)
            )
    return context


on_page_context = CombinedEvent(_section_titles, _search_synonyms)


def _section_titles_of(nav) -> dict[str, str]:
    """``page#anchor`` -> the heading's text, for every heading of every page whose text is
    not the page's own title (every page's headings are known once the pages are rendered)."""
    titles: dict[str, str] = {}

    def walk(src: str, page_title: str, items) -> None:
        for item in items:
            title = glossary.plain_heading(item.title)
            if title and title != page_title:
                titles.setdefault(f"{src}#{item.id}", title)
            walk(src, page_title, item.children)

    for page in nav.pages:
        walk(page.file.src_uri, page.title, page.toc or [])
    return titles
