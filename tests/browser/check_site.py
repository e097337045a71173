"""The built site, in a real headless Chromium (Debian's), served on 127.0.0.1.

Run by `nox -s browser-check`, which first builds the site into build/browser-site (see
conftest.py); not part of docs-test, since it needs that build and the chromium package.
What a reader would notice is checked:
no request leaves the machine, Chinese search finds pages, pages and diagrams render,
the verification note is on every page.
"""

from __future__ import annotations

import json

import pytest

from .conftest import SITE, external_requests, search, site_pages

PAGES = site_pages()


def test_site_has_pages():
    assert len(PAGES) >= 2, PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_with_verification_note(page, base_url, path):
    page.goto(base_url + path, wait_until="networkidle")
    external = external_requests(page.requested)
    assert external == [], f"{path} asked a third-party host: {external}"
    assert page.errors == [], f"{path} raised JavaScript errors: {page.errors}"
    assert page.locator("article h1").count() >= 1
    assert page.locator("aside.verified").count() == 1
    # Pictures load when the reader scrolls near them (hooks/layout.py): load them all now.
    broken = page.evaluate("""async () => {
        const images = [...document.querySelectorAll('article img')];
        images.forEach(img => { img.loading = 'eager'; });
        await Promise.all(images.map(img => img.decode().catch(() => null)));
        return images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src);
    }""")
    assert broken == [], f"{path}: images that did not load: {broken}"


def test_code_blocks_have_copy_buttons(page, base_url):
    # content.lazy (mkdocs.yml): a block gets its button when it first comes near the screen.
    page.goto(base_url + "contributing/", wait_until="networkidle")
    blocks = page.locator("article .highlight:visible")
    assert blocks.count() > 5
    for i in range(blocks.count()):
        blocks.nth(i).scroll_into_view_if_needed()
    buttons = page.locator("article .highlight:visible button[data-md-type=copy]")
    buttons.nth(blocks.count() - 1).wait_for(state="attached")
    assert buttons.count() == blocks.count()


SEARCH_INDEX = "/search/search_index.json"


@pytest.mark.parametrize("width", [412, 1280])  # phone: the header's search button
@pytest.mark.parametrize("how", ["click", "keyboard"])
def test_search_index_loads_when_the_reader_reaches_for_search(page, base_url, width, how):
    # overrides/partials/search-on-demand.html: 240 KB a page load saved, not search itself.
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(base_url + "tensors/", wait_until="networkidle")
    assert [url for url in page.requested if url.endswith(SEARCH_INDEX)] == []
    with page.expect_request(lambda request: request.url.endswith(SEARCH_INDEX)):
        if how == "click":
            page.locator("label[for=__search]:visible, .md-search__input:visible").first.click()
        else:
            page.keyboard.press("/")
    page.locator(".md-search__input").fill("张量")
    page.locator(".md-search__input").press("End")
    page.locator(".md-search-result__item a").first.wait_for(timeout=10_000)


def test_a_page_opened_from_a_search_result_loads_the_index_to_mark_the_words(page, base_url):
    with page.expect_request(lambda request: request.url.endswith(SEARCH_INDEX)):
        page.goto(base_url + "tensors/?h=%E5%BC%A0%E9%87%8F")  # ?h=张量
    page.locator("article mark").first.wait_for(timeout=10_000)


# A preferred term and another translation of it (glossary.yml): either finds the glossary
# entry and the section of the chapter that teaches the term.
@pytest.mark.parametrize(
    "query, entry, taught",
    [
        ("自动求导", "glossary/#autograd", "autograd/"),
        ("自动微分", "glossary/#autograd", "autograd/"),
        ("叶子节点", "glossary/#leaf-node", "autograd/#leaf"),
        ("叶节点", "glossary/#leaf-node", "autograd/#leaf"),
        ("批量", "glossary/#batch", "tensors/#image-batch"),
        ("批次", "glossary/#batch", "tensors/#image-batch"),
        (
            "周期",
            "glossary/#epoch",
            "training/#mnist-train",
        ),  # 时代 finds nothing: a search stop word
        ("全连接层", "glossary/#linear-layer", "nn/#layer"),
        ("卷积核", "glossary/#kernel", "cnn/#why"),
        ("滤波器", "glossary/#kernel", "cnn/#why"),
        ("池化", "glossary/#pooling", "cnn/#pooling"),
        ("批量归一化", "glossary/#batch-normalization", "cnn/#batchnorm"),
        ("数据增强", "glossary/#data-augmentation", "data/#augmentation"),
        ("数据扩增", "glossary/#data-augmentation", "data/#augmentation"),
        ("验证集", "glossary/#validation-set", "data/#split"),
        ("骨干网络", "glossary/#backbone", "transfer/#what"),
        ("早停", "glossary/#early-stopping", "toolkit/#stopping"),
        ("提前停止", "glossary/#early-stopping", "toolkit/#stopping"),
    ],
)
def test_search_finds_glossary_entry_and_chapter_for_term_and_variant(
    page, base_url, query, entry, taught
):
    hrefs = search(page, base_url, query)
    assert any(href.endswith(entry) for href in hrefs), hrefs
    assert any(taught in href and "glossary/" not in href for href in hrefs), hrefs


def test_glossary_terms_show_their_definition_on_hover(page, base_url):
    page.goto(base_url + "autograd/", wait_until="networkidle")
    terms = page.locator("article abbr[title]")
    assert terms.count() > 5
    term = terms.first
    assert "：" in term.get_attribute("title")  # "English：一句话定义", the browser's own tooltip
    # Marked as a term a reader can hover: Material underlines abbr and shows a help cursor.
    term.hover()
    assert term.evaluate("e => getComputedStyle(e).cursor") == "help"
    assert term.evaluate("e => getComputedStyle(e).borderBottomStyle") == "dotted"


def test_glossary_page_links_every_entry_into_a_chapter(page, base_url):
    page.goto(base_url + "glossary/", wait_until="networkidle")
    entries = page.locator("article h3[id]")
    assert entries.count() >= 80
    links = page.locator("article li:has-text('讲解') a")
    assert links.count() == entries.count()
    assert all(
        "glossary/" not in links.nth(i).evaluate("a => a.href") for i in range(links.count())
    )


def test_dark_mode_toggle_switches_scheme(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    before = page.get_attribute("body", "data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    after = page.get_attribute("body", "data-md-color-scheme")
    assert {before, after} == {"default", "slate"}


def test_search_index_is_segmented_by_jieba():
    index = json.loads((SITE / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    # jieba joins the words it cuts with zero-width spaces; without it, no word is found.
    assert any("\u200b" in doc["text"] for doc in index["docs"])
    # Material's search crashes on a query whose hits share a location (an anchor missing or
    # reused, e.g. a notebook heading without an id): every section needs its own.
    locations = [doc["location"] for doc in index["docs"]]
    assert sorted({loc for loc in locations if locations.count(loc) > 1}) == []
