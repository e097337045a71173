"""Shared fixtures of the browser checks: the built site served on 127.0.0.1 under a
sub-path, as a static host would serve it, and Debian's headless Chromium.

`nox -s browser-check` builds the site into build/browser-site with
DOCS_SITE_URL=http://127.0.0.1/pytorch-rumen/ first, so every check also proves that the
site works under a sub-path (404 page included).  Run by hand against a plain `mkdocs
build`, set DOCS_BROWSER_SITE=site and DOCS_BROWSER_PREFIX=/.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / os.environ.get("DOCS_BROWSER_SITE", "build/browser-site")
PREFIX = os.environ.get("DOCS_BROWSER_PREFIX", "/pytorch-rumen/")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium from calling out on its own (updates, sync, field trials).
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = ROOT / "build" / "screenshots"  # git-ignored, for a human to look at


def site_pages() -> list[str]:
    """Every page of the built site, as paths relative to its root ("", "tensors/", ...)."""
    if not SITE.is_dir():
        return []
    folders = (
        p.parent.relative_to(SITE).as_posix()
        for p in SITE.rglob("index.html")
        if p.parent.name not in {"404", "search"} and "assets" not in p.parts
    )
    return sorted("" if folder == "." else folder + "/" for folder in folders)


def external_requests(urls: list[str]) -> list[str]:
    return [
        url
        for url in urls
        if urlparse(url).hostname not in {"127.0.0.1", None} and not url.startswith("data:")
    ]


COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves SITE under PREFIX; anything else, or a missing file, gets the site's 404 page.
    Text is gzip-compressed when the browser asks for it, as every static host does: page
    weights and audit scores are then what a reader really downloads."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not kind.startswith(COMPRESSED_TYPES)
        ):
            return super().send_head()
        if self.path.split("?")[0].endswith("/") is False and path.name == "index.html":
            return super().send_head()  # let the base class redirect "dir" to "dir/"
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def translate_path(self, path):
        path = urlparse(path).path
        if not path.startswith(PREFIX):
            return str(SITE / "__outside_the_site__")
        return super().translate_path("/" + path.removeprefix(PREFIX))

    def send_error(self, code, message=None, explain=None):
        if code != 404 or not (SITE / "404.html").is_file():
            return super().send_error(code, message, explain)
        body = (SITE / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_site() -> tuple[http.server.ThreadingHTTPServer, str]:
    """SITE served in a background thread on a free port: (the server, the site's URL)."""
    handler = functools.partial(_SubPathHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"


@pytest.fixture(scope="session")
def base_url():
    assert SITE.is_dir(), f"build the site first ({SITE.relative_to(ROOT)}): nox -s browser-check"
    server, url = serve_site()
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # only the browser checks need it

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
    page.errors = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def search(page, base_url: str, query: str) -> list[str]:
    """The result links (absolute, without the highlight parameter) that Material's search
    box shows for a query, typed the way an input method delivers Chinese text."""
    page.goto(base_url, wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # CJK text filled in emits no keyup; End does, and starts the search
    links = page.locator(".md-search-result__item a")
    links.first.wait_for(timeout=10_000)
    hrefs = [links.nth(i).evaluate("a => a.href") for i in range(links.count())]
    return [re.sub(r"\?h=[^#]*", "", href) for href in hrefs]
