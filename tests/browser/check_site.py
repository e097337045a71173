"""The built site, in a real headless Chromium (Debian's), served on 127.0.0.1.

Run by `nox -s browser-check` after `nox -s docs`; not part of docs-test, since it needs
the built site/ and the chromium package.  What a reader would notice is checked:
no request leaves the machine, Chinese search finds pages, pages and diagrams render,
the verification note is on every page.
"""

from __future__ import annotations

import functools
import json
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium from calling out on its own (updates, sync, field trials).
QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("index.html")
               if p.parent.name not in {"404", "search"}) if SITE.is_dir() else []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    assert SITE.is_dir(), "build the site first: nox -s docs"
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()


def test_site_has_pages():
    assert len(PAGES) >= 2, PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_with_verification_note(page, base_url, path):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + path.removesuffix("index.html"), wait_until="networkidle")
    external = [url for url in page.requested
                if urlparse(url).hostname not in {"127.0.0.1", None} and not url.startswith("data:")]
    assert external == [], f"{path} asked a third-party host: {external}"
    assert errors == [], f"{path} raised JavaScript errors: {errors}"
    assert page.locator("article h1").count() >= 1
    assert page.locator("aside.verified").count() == 1
    broken = page.evaluate(
        "[...document.querySelectorAll('article img')]"
        ".filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src)")
    assert broken == [], f"{path}: images that did not load: {broken}"


def test_code_blocks_have_copy_buttons(page, base_url):
    page.goto(base_url + "contributing/", wait_until="networkidle")
    assert page.locator("article pre > code").count() > 5
    assert page.locator("button[data-md-type=copy]").count() > 5


@pytest.mark.parametrize("query, expected", [("张量", "tensors/"), ("贡献", "contributing/")])
def test_chinese_search_finds_the_page(page, base_url, query, expected):
    page.goto(base_url, wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.fill(query)
    search.press("End")  # CJK text typed or filled emits no keyup; End does
    result_links = page.locator(".md-search-result__item a")
    result_links.first.wait_for(timeout=10_000)
    hrefs = [result_links.nth(i).get_attribute("href") for i in range(result_links.count())]
    assert any(expected in (href or "") for href in hrefs), hrefs


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
