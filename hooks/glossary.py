"""MkDocs hook: one glossary for the whole site, from glossary.yml at the repository root.

From that one data file, at build time:

- the 术语表 page (docs/glossary.md): its marker comment is replaced by every entry, grouped
  by the chapter that teaches it, in the order the chapters appear in the nav;
- hover definitions: on every other page, the first occurrence of each term in the prose
  (not in code, headings, links or math) is wrapped in ``<abbr title="…">``, whose title the
  browser shows as its own tooltip. Python-Markdown's ``abbr`` extension cannot do this: it
  needs a word boundary around the term, and Chinese has none;
- a jieba user dictionary with every term and variant, handed to the search plugin
  (``jieba_dict_user``), so that each is one searchable word and not cut in two;
- search synonyms: the search entry of the section where a term is taught also gets the
  term's variants and English name, so that a reader who searches with another translation
  still lands on that section (the page itself is unchanged).

The same matching rules serve tests/test_glossary.py, which imports this file.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from mkdocs.plugins import CombinedEvent, event_priority

log = logging.getLogger("mkdocs.hooks.glossary")

DATA_FILE = "glossary.yml"
PAGE = "glossary.md"
MARKER = "<!-- glossary -->"
# The generated dictionary lives with mkdocs-jupyter's cache: ignored by git, rebuilt each build.
DICT_FILE = Path(".cache") / "glossary" / "jieba_user_dict.txt"
REQUIRED = ("term", "en", "define", "page", "anchor")
# Elements whose text is never given a hover definition.
NO_HOVER = {
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
_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")
_CJK = re.compile(r"[\u3400-\u9fff]")


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


class Matcher:
    """Finds glossary words in text: longest first, so 批量大小 is not read as 批量 + 大小.

    Each match is (start, end, entry, kind) with kind "term", "variant" or None for a
    ``not_in`` word, which only keeps its shorter parts from being matched.
    """

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
            if not _CJK.search(word):  # Latin words need word boundaries; Chinese has none
                escaped = rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])"
            alternatives.append(escaped)
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None

    def finditer(self, text: str):
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            entry, kind = self.words[match.group(0)]
            yield match.start(), match.end(), entry, kind


# --- the pieces generated from the data file -------------------------------------------


def jieba_dictionary(entries: list[Entry]) -> str:
    """One word a line (jieba then picks a frequency that keeps the word whole)."""
    words = []
    for entry in entries:
        for word in (entry.term, *entry.variants):
            if _CJK.search(word) and " " not in word and word not in words:
                words.append(word)
    return "".join(f"{word}\n" for word in words)


def tooltip(entry: Entry) -> str:
    return f"{entry.en}：{entry.define}"


def glossary_markdown(entries: list[Entry], chapters: list[tuple[str, str]]) -> str:
    """The entries grouped by chapter, chapters in nav order, entries in data-file order."""
    order = {src: number for number, (src, _) in enumerate(chapters)}
    titles = dict(chapters)
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: order.get(e.page, len(order))):
        groups.setdefault(entry.page, []).append(entry)
    lines = [
        f"共 {len(entries)} 个术语，按讲解它们的章节分组。"
        "每个术语都链接到讲解它的那一节；鼠标停在章节正文里的术语上，也会显示它的定义。",
        "",
    ]
    lines.append(
        "按章节：" + " · ".join(f"[{titles.get(src, src)}](#{_group_id(src)})" for src in groups)
    )
    lines.append("")
    for src, group in groups.items():
        lines += [f"## {titles.get(src, src)} {{ #{_group_id(src)} }}", ""]
        for entry in group:
            lines += [f"### {entry.term}（{entry.en}） {{ #{entry.id} }}", "", entry.define, ""]
            facts = [f"英文：{'，'.join(entry.english_names())}"]
            if entry.variants:
                facts.append(f"其他译法：{'、'.join(entry.variants)}（本站统一用“{entry.term}”）")
            target = f"{entry.page}#{entry.anchor}"
            facts.append(
                f"讲解：[{titles.get(entry.page, entry.page)}"
                f'<span data-glossary-section="{target}"></span>]({target})'
            )
            lines += [f"- {fact}" for fact in facts] + [""]
    return "\n".join(lines)


def _group_id(src: str) -> str:
    return "chapter-" + slug(src.removesuffix(".md")) if src != "index.md" else "chapter-home"


def add_hover(content: str, matcher: Matcher) -> str:
    """Wraps the first prose occurrence of each hover term on the page in <abbr title>."""
    done: set[int] = set()
    blocked = 0
    # Math is plain text until KaTeX renders it, inside a span or div of class arithmatex
    # whose closing tag is an ordinary </span> or </div>: count that element's depth.
    math_tag, math_depth = None, 0
    out = []
    for piece in _TAG.split(content):
        if piece.startswith("<"):
            tag = _TAG_NAME.match(piece)
            name = tag.group(2).lower() if tag else None
            if tag and name in NO_HOVER and not piece.endswith("/>"):
                blocked += -1 if tag.group(1) else 1
                blocked = max(blocked, 0)
            elif tag and math_depth and name == math_tag:
                math_depth += -1 if tag.group(1) else 1
            elif tag and not tag.group(1) and name in {"span", "div"} and "arithmatex" in piece:
                math_tag, math_depth = name, 1
            out.append(piece)
            continue
        if blocked or math_depth or not piece.strip():
            out.append(piece)
            continue
        last = 0
        for start, end, entry, kind in matcher.finditer(piece):
            if kind != "term" or not entry.hover or id(entry) in done:
                continue
            done.add(id(entry))
            out.append(piece[last:start])
            out.append(f'<abbr title="{html.escape(tooltip(entry))}">{piece[start:end]}</abbr>')
            last = end
        out.append(piece[last:])
    return "".join(out)


# --- MkDocs events ----------------------------------------------------------------------

_state: dict = {"entries": [], "matcher": None, "chapters": []}


@event_priority(100)  # before the search plugin reads its jieba_dict_user option
def on_config(config):
    root = Path(config.config_file_path).parent
    path = root / DATA_FILE
    if not path.is_file():  # a throw-away test site without the glossary
        _state.update(entries=[], matcher=None, chapters=[])
        return config
    entries = load(path)
    _state.update(entries=entries, matcher=Matcher(entries), chapters=_nav_chapters(config))
    dictionary = root / DICT_FILE
    dictionary.parent.mkdir(parents=True, exist_ok=True)
    dictionary.write_text(jieba_dictionary(entries), encoding="utf-8")
    search = _search_plugin(config)
    if search is not None and not search.config.get("jieba_dict_user"):
        search.config["jieba_dict_user"] = str(dictionary)
    return config


def on_serve(server, config, builder):
    path = Path(config.config_file_path).parent / DATA_FILE
    if path.is_file():  # `mkdocs serve` rebuilds when the glossary changes, too
        server.watch(str(path))
    return server


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != PAGE or not _state["entries"]:
        return markdown
    generated = glossary_markdown(_state["entries"], _state["chapters"])
    if MARKER in markdown:
        return markdown.replace(MARKER, generated)
    return markdown.rstrip() + "\n\n" + generated


def on_page_content(html_content, page, config, files):
    if page.file.src_uri == PAGE or _state["matcher"] is None:
        return html_content
    return add_hover(html_content, _state["matcher"])


@event_priority(50)  # before the search plugin indexes the page
def _section_titles(context, page, config, nav):
    if page.file.src_uri == PAGE and _state["entries"]:
        page.content = re.sub(
            r'<span data-glossary-section="([^"]+)"></span>',
            lambda m: _section_title(m.group(1), nav),
            page.content,
        )
    return context


@event_priority(-50)  # after the search plugin has indexed the page
def _search_synonyms(context, page, config, nav):
    search = _search_plugin(config)
    index = getattr(search, "search_index", None)
    if index is None:
        return context
    taught = [e for e in _state["entries"] if e.page == page.file.src_uri]
    mine = [item for item in index.entries if item["location"].split("#")[0] == page.url]
    for entry in taught:
        words = [entry.term, *entry.variants, *entry.english_names()]
        # The page's first section (its h1) is indexed without an anchor.
        section = next(
            (item for item in mine if item["location"] == f"{page.url}#{entry.anchor}"),
            mine[0] if mine else None,
        )
        if section is not None:
            section["text"] += (
                "<p>术语表：" + " · ".join(f"\u200b{word}\u200b" for word in words) + "</p>"
            )
    return context


on_page_context = CombinedEvent(_section_titles, _search_synonyms)


def _section_title(target: str, nav) -> str:
    src, _, anchor = target.partition("#")
    for target_page in nav.pages:
        if target_page.file.src_uri == src and target_page.toc:
            title = _find_title(target_page.toc, anchor)
            if title and title != target_page.title:
                return " › " + title
    return ""


def _find_title(toc, anchor):
    for item in toc:
        if item.id == anchor:
            return re.sub(r"<[^>]+>", "", item.title)
        found = _find_title(item.children, anchor)
        if found:
            return found
    return None


def _nav_chapters(config) -> list[tuple[str, str]]:
    """(source, title) of each Markdown page in the nav, in order; a bare page in a section
    (navigation.indexes) takes the section's title."""
    chapters: list[tuple[str, str]] = []

    def walk(items, section=None):
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

    walk(config.nav)
    return chapters


def _search_plugin(config):
    for plugin in config.plugins.values():
        if (
            hasattr(plugin, "config")
            and "jieba_dict_user" in getattr(plugin.config, "keys", list)()
        ):
            return plugin
    return None
