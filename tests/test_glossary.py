"""The glossary (glossary.yml) and the chapters agree.

Rules the chapters follow (see notes/CHAPTER_BRIEF.md, "Terms"):

- Prose uses each term's preferred Chinese form. Another translation (a ``variants`` entry)
  may appear only on a line that also names the preferred term, i.e. where the page explains
  the other name, e.g. ``线性层（nn.Linear，也叫全连接层）``. A Markdown paragraph is one line
  on these pages, so "line" means "paragraph", a list item or a table row. Code, inline code,
  comments and link targets are not prose.
- A term is defined with ``**中文术语**（English term）``; every such definition must name the
  glossary's preferred term, and the glossary must know the English name. Other bold text is
  emphasis (``**算力**（设备）`` has no English, so it defines nothing).
- An alias declared in prose (``也叫“X”``, ``又称 X``, ...) must be in the glossary.
- Each entry links to a page of the site and to a heading that exists there, and that page
  uses the term.
- An entry with ``en_alone: false`` (``logits``) never has its English name alone in prose.
- What a reader reads outside the prose follows the same rule as the prose: comments,
  docstrings and printed strings of the programs (snippets/, code on the pages, the
  notebook) and the text in the figures (docs/assets/images/*.svg) use the preferred term;
  another translation appears only beside it.
"""

from __future__ import annotations

import html
import io
import re
import tokenize
from functools import cache

import markdown
import pytest
from mkdocs.config import load_config

from pagekit.fences import scan
from sitekit import glossary
from sitekit.glossary_hover import GlossaryHoverExtension, add_hover_to_html
from tests.sites import FIXTURES, ROOT, render

ENTRIES = glossary.load(ROOT / glossary.DATA_FILE)
MATCHER = glossary.Matcher(ENTRIES)
# Pages that teach; the glossary itself, the report and the contributing guide are not chapters.
NOT_CHAPTERS = {"glossary.md", "report.md", "contributing.md"}

_DEFINITION = re.compile(r"\*\*([^*`\n]+?)\*\*（([^）\n]*)）")
_ENGLISH = re.compile(r"^[A-Za-z][A-Za-z0-9 .\-'/_]*$")
_ALIAS = re.compile(
    r"(?:又称|也称|也叫|或称|亦称|俗称|也译作|又译作|也译为|有人译作|有的译作|有人叫|有人称)"
    r"\s*[“\"「]?([\u4e00-\u9fff]{2,8})(?=[”\"」）)，,、。；;：:]|$)"
)


ENGLISH_ALONE = {
    name: entry for entry in ENTRIES if not entry.en_alone for name in entry.english_names()
}
_ENGLISH_ALONE = (
    re.compile(
        "|".join(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])" for name in ENGLISH_ALONE)
    )
    if ENGLISH_ALONE
    else None
)


@cache
def _config():
    return load_config(str(ROOT / "mkdocs.yml"))


def chapters() -> list[str]:
    return [src for src, _ in glossary.nav_chapters(_config().nav) if src not in NOT_CHAPTERS]


@cache
def heading_ids(src: str) -> frozenset[str]:
    """The anchors of a page's headings, as the site's toc extension makes them."""
    _, renderer = render(ROOT / "docs" / src)

    def walk(tokens):
        for token in tokens:
            yield token["id"]
            yield from walk(token["children"])

    return frozenset(walk(renderer.toc_tokens))


def fenced_lines(text: str) -> dict[int, bool]:
    """Line number -> whether it is a fence's body line (False: an opening or closing line),
    for every line of every fence, as the harness's scanner finds them."""
    lines = {}
    for fence in scan(text).fences:
        body = fence.body.count("\n")
        lines[fence.line] = False
        lines.update(dict.fromkeys(range(fence.line + 1, fence.line + body + 1), True))
        lines[fence.line + body + 1] = False
    return lines


def prose_lines(text: str):
    """(line number, text) for each line of prose: no code, comments or link targets."""
    fenced = fenced_lines(text)
    for number, line in enumerate(text.split("\n"), 1):
        if number in fenced:
            continue
        prose = re.sub(r"(`+).+?\1", " ", line)
        prose = re.sub(r"<!--.*?-->", " ", prose)
        yield number, re.sub(r"\]\([^)]*\)", "]", prose)


def _english_parts(parenthetical: str) -> list[str]:
    return [
        part.strip() for part in re.split(r"[，,]", parenthetical) if _ENGLISH.match(part.strip())
    ]


def violations(text: str, name: str) -> list[str]:
    """Every place where a page departs from the glossary, as readable messages."""
    by_word = MATCHER.words
    by_english = {
        glossary.english_key(n): entry for entry in ENTRIES for n in entry.english_names()
    }
    found = []
    for number, line in prose_lines(text):
        where = f"{name}:{number}"
        matches = list(MATCHER.finditer(line))
        named = {id(entry) for _, _, entry, kind in matches if kind == "term"}
        for match in _ENGLISH_ALONE.finditer(line) if _ENGLISH_ALONE else ():
            entry = ENGLISH_ALONE[match.group(0)]
            if id(entry) not in named:
                found.append(
                    f"{where}: “{match.group(0)}”：正文里用“{entry.term}”；英文名只写在"
                    f"“{entry.term}”旁边，如 **{entry.term}**（{entry.en}）"
                )
        defined = {bold.strip() for bold, _ in _DEFINITION.findall(line)}  # reported below
        for _, _, entry, kind in matches:
            if kind == "variant" and id(entry) not in named:
                word = next(line[s:e] for s, e, en, k in matches if en is entry and k == "variant")
                if word in defined:
                    continue
                found.append(
                    f"{where}: “{word}”：本站统一用“{entry.term}”（{entry.en}）；"
                    f"别名只能写在同时出现“{entry.term}”的那一行，用来解释它"
                )
                named.add(id(entry))  # one message per entry and line
        for shown, parenthetical in _DEFINITION.findall(line):
            english = _english_parts(parenthetical)
            if not english or not glossary.CJK.search(shown):
                continue  # emphasis, not a definition
            bold = shown.strip()
            entry, kind = by_word.get(bold, (None, None))
            if kind == "term":
                known = {glossary.english_key(n) for n in entry.english_names()}
                if not known & {glossary.english_key(e) for e in english}:
                    found.append(
                        f"{where}: **{bold}**（{parenthetical}）：术语表里它的英文是 "
                        f"{'、'.join(entry.english_names())}；把这个英文名加进 en_also"
                    )
                continue
            if kind == "variant":
                found.append(
                    f"{where}: **{bold}** 是“{entry.term}”的别名；定义术语要用“{entry.term}”"
                )
                continue
            same = next(
                (
                    by_english[glossary.english_key(e)]
                    for e in english
                    if glossary.english_key(e) in by_english
                ),
                None,
            )
            if same is not None:
                found.append(
                    f"{where}: **{bold}**（{parenthetical}）：术语表不认识这个译法，"
                    f"它把 {same.en} 叫作“{same.term}”；改用“{same.term}”，"
                    f"或把“{bold}”加进该条目的 variants"
                )
            else:
                found.append(
                    f"{where}: **{bold}**（{parenthetical}）：术语表里没有这个术语；"
                    f"在 glossary.yml 里加一项"
                )
        for alias in _ALIAS.findall(line):
            if alias not in by_word:
                found.append(f"{where}: 别名“{alias}”不在术语表里；把它加进对应条目的 variants")
    return found


# --- the data file ----------------------------------------------------------------------


def test_entries_are_unique_and_complete():
    ids = [entry.id for entry in ENTRIES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    words: dict[str, str] = {}
    for entry in ENTRIES:
        assert entry.define.strip() and "\n" not in entry.define.strip(), entry.term
        assert entry.term not in entry.variants, entry.term
        for word in (entry.term, *entry.variants):
            assert word not in words, f"“{word}” is in both {words[word]} and {entry.term}"
            words[word] = entry.term


def test_every_entry_links_to_a_heading_of_a_chapter():
    pages = chapters()
    for entry in ENTRIES:
        assert entry.page in pages, f"{entry.term}: {entry.page} is not a chapter in the nav"
        ids = heading_ids(entry.page)
        assert entry.anchor in ids, (
            f"{entry.term}: {entry.page} has no heading #{entry.anchor}; "
            f"its headings: {sorted(ids)}"
        )


@pytest.mark.parametrize("src", sorted({entry.page for entry in ENTRIES}))
def test_the_page_that_teaches_a_term_uses_it(src):
    prose = "\n".join(
        line for _, line in prose_lines((ROOT / "docs" / src).read_text(encoding="utf-8"))
    )
    missing = [entry.term for entry in ENTRIES if entry.page == src and entry.term not in prose]
    assert missing == [], f"{src} is said to teach these terms but never uses them: {missing}"


def test_search_dictionary_keeps_every_term_and_variant_whole():
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(io.StringIO(glossary.jieba_dictionary(ENTRIES)))
    split = []
    for entry in ENTRIES:
        for word in (entry.term, *entry.variants):
            if (
                glossary.CJK.search(word)
                and " " not in word
                and len(word) > 1
                and word not in tokenizer.lcut(f"我们用{word}来看")
            ):
                split.append(word)
    assert split == [], f"jieba still cuts these words: {split}"


# --- the chapters -----------------------------------------------------------------------


@pytest.mark.parametrize("src", chapters())
def test_chapter_uses_the_glossary_terms(src):
    text = (ROOT / "docs" / src).read_text(encoding="utf-8")
    problems = violations(text, f"docs/{src}")
    assert problems == [], "\n" + "\n".join(problems)


def reader_text_outside_prose() -> list[tuple[str, str]]:
    """(where, text) for what a reader reads besides the prose: the comments, docstrings and
    strings of every program, the code lines on the chapters and in the notebook, the text
    drawn in the figures."""
    found = []
    for program in sorted((ROOT / "snippets").rglob("*.py")):
        with program.open(encoding="utf-8") as source:
            for token in tokenize.generate_tokens(source.readline):
                if token.type in (tokenize.COMMENT, tokenize.STRING):
                    for offset, line in enumerate(token.string.splitlines()):
                        found.append(
                            (f"{program.relative_to(ROOT)}:{token.start[0] + offset}", line)
                        )
    for src in chapters():
        text = (ROOT / "docs" / src).read_text(encoding="utf-8")
        fenced = fenced_lines(text)
        for number, line in enumerate(text.split("\n"), 1):
            if fenced.get(number):
                found.append((f"docs/{src}:{number}", line))
    for notebook in sorted((ROOT / "docs" / "notebooks").glob("*.py")):
        for number, line in enumerate(notebook.read_text(encoding="utf-8").splitlines(), 1):
            found.append((f"{notebook.relative_to(ROOT)}:{number}", line))
    for figure in sorted((ROOT / "docs" / "assets" / "images").glob("*.svg")):
        text = figure.read_text(encoding="utf-8")
        for element in re.finditer(r"<(title|desc|text|tspan)\b[^>]*>([^<]+)<", text):
            number = text.count("\n", 0, element.start()) + 1
            found.append((f"{figure.relative_to(ROOT)}:{number}", html.unescape(element.group(2))))
    return found


def test_programs_code_and_figures_use_the_glossary_terms():
    problems = []
    for where, line in reader_text_outside_prose():
        matches = list(MATCHER.finditer(line))
        named = {id(entry) for _, _, entry, kind in matches if kind == "term"}
        for start, end, entry, kind in matches:
            if kind == "variant" and id(entry) not in named:
                problems.append(
                    f"{where}: “{line[start:end]}”：本站统一用“{entry.term}”（{entry.en}）"
                )
                named.add(id(entry))
    assert problems == [], "\n" + "\n".join(problems)


def test_check_fails_on_a_page_with_unknown_and_variant_terms():
    """The fixture page breaks each rule once; the check must name every break, and only those."""
    text = (FIXTURES / "glossary_unknown_variant.md").read_text(encoding="utf-8")
    problems = violations(text, "fixture.md")
    report = "\n".join(problems)
    assert "fixture.md:3: **回传**（backpropagation）：术语表不认识这个译法" in report, report
    assert "fixture.md:5: **自动微分** 是“自动求导”的别名" in report, report
    assert "fixture.md:7: “叶节点”：本站统一用“叶子节点”" in report, report
    assert "fixture.md:9: 别名“参数更新器”不在术语表里" in report, report
    assert "fixture.md:11: “时代”：本站统一用“轮”" in report, report
    assert "fixture.md:13: **可训练性**（trainability）：术语表里没有这个术语" in report, report
    assert len(problems) == 6, report  # line 15 and the code block are fine


# --- what the build generates ------------------------------------------------------------


def test_glossary_page_lists_every_entry_with_its_link():
    page = glossary.glossary_markdown(ENTRIES, glossary.nav_chapters(_config().nav))
    for entry in ENTRIES:
        assert f"### {entry.term}（{entry.en}） {{ #{entry.id} }}" in page
        assert f"]({entry.page}#{entry.anchor})" in page


def hover(text: str) -> str:
    """A Markdown page as the site renders it, hover definitions included."""
    config = _config()
    renderer = markdown.Markdown(
        extensions=[*config["markdown_extensions"], GlossaryHoverExtension(MATCHER)],
        extension_configs=config["mdx_configs"],
    )
    return renderer.convert(text)


def test_hover_marks_the_first_prose_occurrence_only():
    marked = hover("## 张量 { #x }\n\n`张量` 和 [张量](#)，逻辑推理不是推理。张量，张量。\n")
    assert marked.count("<abbr") == 2, marked
    assert marked.startswith('<h2 id="x">张量<a class="headerlink"'), marked
    assert (
        '<p><code>张量</code> 和 <a href="#">张量</a>，逻辑推理不是<abbr title="inference：'
        in marked
    )
    assert '<abbr title="tensor：' in marked and marked.endswith("</abbr>，张量。</p>")


def test_hover_leaves_math_code_blocks_and_admonition_titles_alone():
    marked = hover(
        "$\\text{张量} x$ 张量\n\n$$\n\\text{梯度}\n$$\n\n```python\n# 损失函数\n```\n\n"
        '??? note "优化器"\n\n    梯度，损失函数，优化器\n'
    )
    assert marked.count("<abbr") == 4, marked
    assert "\\text{张量} x\\)</span> <abbr" in marked
    assert "\\text{梯度}\n\\]</div>" in marked and "# 损失函数" in marked
    assert '<summary>优化器</summary>\n<p><abbr title="gradient：' in marked


def test_hover_is_off_where_the_hook_turns_it_off():
    extension = GlossaryHoverExtension(MATCHER)
    extension.enabled = False
    assert "<abbr" not in markdown.Markdown(extensions=[extension]).convert("张量")


def test_hover_in_html_made_elsewhere_marks_the_first_prose_occurrence_only():
    """Notebook pages: mkdocs-jupyter renders them, the same rule applies to its HTML."""
    html = (
        '<h2 id="x">张量</h2><p><code>张量</code> 和 <a href="#">张量</a>，'
        "逻辑推理不是推理。张量，张量。</p>"
    )
    marked = add_hover_to_html(html, MATCHER)
    assert marked.count("<abbr") == 2, marked
    assert '<h2 id="x">张量</h2><p><code>张量</code> 和 <a href="#">张量</a>' in marked
    assert '逻辑推理不是<abbr title="inference：' in marked
    assert '<abbr title="tensor：' in marked and marked.endswith("</abbr>，张量。</p>")


def test_hover_in_html_made_elsewhere_leaves_math_alone():
    html = (
        '<p><span class="arithmatex">\\(\\text{张量} <span>x</span>\\)</span> 张量</p>'
        '<div class="arithmatex">\\[\\text{梯度}\\]</div><p>梯度</p>'
    )
    marked = add_hover_to_html(html, MATCHER)
    assert marked.count("<abbr") == 2, marked
    assert "\\text{张量} <span>x</span>\\)</span> <abbr" in marked
    assert "\\text{梯度}\\]</div><p><abbr" in marked
