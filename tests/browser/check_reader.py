"""Reader comforts, checked in headless Chromium on the site built under a sub-path:
math and diagrams rendered from the site's own copies (and only where used), content tabs,
previous/next links, "edit this page", the verification stamp, the 404 page, logo and
favicon, page weight; a screenshot of every page goes to build/screenshots/."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import SCREENSHOTS, SITE, external_requests, search, site_pages

PAGES = site_pages()
# Bytes transferred, compressed as a static host serves them.  About 100 KiB: the search
# index (240 KiB) loads only when the reader reaches for search.
HOME_PAGE_BUDGET = 200 * 1024


def pages_containing(marker: str) -> list[str]:
    return [path for path in PAGES if marker in (SITE / path / "index.html").read_text("utf-8")]


MATH_PAGES = pages_containing('class="arithmatex"')
# The flow diagrams tools/diagrams.py draws, as static SVG pictures (no script).
DIAGRAMS = [
    "training-loop.svg",
    "transfer-overview.svg",
    "scaling-ddp.svg",
    "contributing-pipeline.svg",
]
DIAGRAM_PAGES = sorted({p for name in DIAGRAMS for p in pages_containing(f"images/{name}")})


def test_some_pages_use_math_and_diagrams():
    assert MATH_PAGES, "no page uses math: the KaTeX checks would prove nothing"
    assert DIAGRAM_PAGES, "no page shows a drawn diagram: the diagram checks would prove nothing"


@pytest.mark.parametrize("path", MATH_PAGES)
def test_math_is_rendered_by_the_sites_own_katex(page, base_url, path):
    page.goto(base_url + path, wait_until="networkidle")
    formulas = page.locator(".arithmatex").count()
    rendered = page.locator(".arithmatex .katex").count()
    assert formulas > 0 and rendered == formulas, (
        f"{path}: {rendered} of {formulas} formulas rendered"
    )
    assert page.locator(".katex-error").count() == 0
    assert external_requests(page.requested) == []
    assert any("/assets/vendor/katex-" in url for url in page.requested)


@pytest.mark.parametrize("path", pages_containing('class="jupyter-wrapper"'))
def test_notebook_pages_render_math_and_load_nothing_else(page, base_url, path):
    page.goto(base_url + path, wait_until="networkidle")
    assert external_requests(page.requested) == []
    assert page.errors == []
    source = Path(__file__).resolve().parents[2] / "docs" / f"{path.rstrip('/')}.py"
    if "$" in source.read_text(encoding="utf-8"):  # a notebook with formulas renders them
        assert page.locator(".jp-RenderedMarkdown .katex").count() >= 1
    assert page.locator(".katex-error").count() == 0
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() >= 1  # plots drawn by the build
    # Files beside the page (sitekit/notebook_page.py), sized, loaded when scrolled near.
    for n in range(images.count()):
        image = images.nth(n)
        assert not image.get_attribute("src").startswith("data:")
        assert image.get_attribute("width") and image.get_attribute("height")
        image.scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
    download = page.locator("a[href$='.ipynb']").first
    notebook = page.request.get(download.evaluate("a => a.href")).json()
    assert notebook["nbformat"] == 4 and len(notebook["cells"]) > 5


def test_a_reader_downloads_the_programs_and_runs_one(page, base_url, tmp_path):
    """The chapter's folded download box links its programs and the archive; the archive
    unpacks in a scratch folder and a program in it runs with this Python."""
    page.goto(base_url, wait_until="networkidle")  # the home page offers first_model.py
    box = page.locator("details", has_text="下载本章的程序").first
    box.locator("summary").click()
    program = box.locator("a[href$='first_model.py']")
    assert program.is_visible()
    assert "w * weight" in page.request.get(program.evaluate("a => a.href")).text()
    archive = page.request.get(box.locator("a[href$='.zip']").evaluate("a => a.href"))
    assert archive.ok
    with zipfile.ZipFile(io.BytesIO(archive.body())) as opened:
        opened.extractall(tmp_path)
    folder = next(tmp_path.iterdir())
    assert (folder / "requirements.txt").is_file() and (
        folder / "notebooks" / "mnist.ipynb"
    ).is_file()
    run = subprocess.run(
        [sys.executable, "first_model.py"],
        cwd=folder / "home",
        check=False,  # the tests read the exit status themselves
        capture_output=True,
        text=True,
        timeout=300,
        env={"CUDA_VISIBLE_DEVICES": ""},
    )
    assert run.returncode == 0, run.stderr
    assert "3 公斤的预测价格：18.00 元" in run.stdout
    assert external_requests(page.requested) == []


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagrams_are_static_pictures_with_alt_text(page, base_url, path):
    page.goto(base_url + path, wait_until="networkidle")
    diagrams = page.locator(", ".join(f"img[src$='/{name}']" for name in DIAGRAMS))
    diagrams.first.scroll_into_view_if_needed()
    page.wait_for_function(
        "[...document.querySelectorAll('img[src$=\".svg\"]')].every(i => i.complete)"
    )
    for n in range(diagrams.count()):
        image = diagrams.nth(n)
        assert image.evaluate("i => i.naturalWidth") > 0, path
        assert image.get_attribute("width") and image.get_attribute("height"), path
        assert len(image.get_attribute("alt")) > 20, path
    assert external_requests(page.requested) == []
    assert page.locator("script[src*='mermaid']").count() == 0


def test_pages_without_math_do_not_load_katex(page, base_url):
    plain = [p for p in PAGES if p not in MATH_PAGES]
    assert plain, "every page loads KaTeX"
    page.goto(base_url + plain[0], wait_until="networkidle")
    assert [u for u in page.requested if "/assets/vendor/" in u] == []


def test_content_tabs_switch(page, base_url):
    page.goto(base_url + "install/", wait_until="networkidle")
    tabs = page.locator(".tabbed-set").first
    labels = tabs.locator(".tabbed-labels > label")
    assert labels.count() >= 2
    second = labels.nth(1)
    second.click()
    panel = tabs.locator(".tabbed-content > .tabbed-block").nth(1)
    assert panel.is_visible()
    assert not tabs.locator(".tabbed-content > .tabbed-block").nth(0).is_visible()


def test_previous_and_next_links_follow_the_nav(page, base_url):
    page.goto(base_url + "tensors/", wait_until="networkidle")
    previous = page.locator("a.md-footer__link--prev")
    following = page.locator("a.md-footer__link--next")
    assert previous.count() == 1 and following.count() == 1
    assert "安装" in previous.inner_text()
    following.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/numpy/")


def test_edit_button_leads_to_the_editing_guide(page, base_url):
    page.goto(base_url + "tensors/", wait_until="networkidle")
    edit = page.locator("a[rel=edit]")
    assert edit.count() == 1 and edit.is_visible()
    edit.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/contributing/#edit-a-page")
    assert page.locator("#edit-a-page").is_visible()


def test_verification_stamp_is_compact_and_links_the_full_record(page, base_url):
    page.goto(base_url + "tensors/", wait_until="networkidle")
    stamp = page.locator("aside.verified")
    stamp.scroll_into_view_if_needed()
    assert stamp.is_visible()
    cpu = stamp.locator("[data-verified-on=CPU]").inner_text()
    # CI runs the tests before this check, so the CPU record exists and must be shown.
    assert re.search(r"PyTorch \d+\.\d+\.\d+，", cpu), cpu
    assert re.search(r"\d{4}-\d{2}-\d{2}", cpu), cpu
    assert "CPU" in cpu
    # Compact, for a beginner: no build tag (+cu130), no time of day, no commit, no core
    # count; the full record is one click away on 验证报告.
    text = stamp.inner_text()
    assert "+" not in text and "cores" not in text and "提交" not in text, text
    assert not re.search(r"\d{2}:\d{2}", text), text
    report = stamp.locator("a", has_text="验证报告")
    assert report.count() == 1
    report.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/report/")
    assert "提交" in page.locator("article").inner_text()  # the full record stays there


def test_missing_page_gets_the_sites_own_404(page, base_url):
    response = page.goto(base_url + "no-such-chapter/", wait_until="networkidle")
    assert response.status == 404
    assert "404" in page.locator("article h1").inner_text()
    # Under a sub-path the 404 page still finds its styles and logo.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in {
        "sticky",
        "fixed",
    }
    assert page.evaluate("document.querySelector('.md-logo img').naturalWidth") > 0
    assert external_requests(page.requested) == []


def test_logo_and_favicon_are_our_own(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    logo = page.locator(".md-header .md-logo img")
    assert logo.get_attribute("src").endswith("assets/logo.svg")
    assert page.evaluate("document.querySelector('.md-header .md-logo img').naturalWidth") > 0
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon.endswith("assets/logo.svg")
    assert page.request.get(page.url + icon).status == 200


def test_home_page_weight(page, base_url):
    sizes = {}

    def remember(response):
        length = response.headers.get("content-length")
        sizes[response.url] = int(length) if length else len(response.body())

    page.on("response", remember)
    page.goto(base_url, wait_until="networkidle")
    total = sum(sizes.values())
    print(f"home page: {len(sizes)} requests, {total / 1024:.0f} KiB transferred")
    assert total <= HOME_PAGE_BUDGET, sorted(sizes.items(), key=lambda item: -item[1])[:5]


@pytest.mark.parametrize("path", PAGES)
def test_screenshot(page, base_url, path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + path, wait_until="networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "-") or "index"
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


# Each chapter's key terms, typed the way an input method delivers Chinese text.
CHAPTER_TERMS = [
    ("安装", "install/"),
    ("显卡驱动", "install/"),
    ("广播", "tensors/"),
    ("矩阵乘法", "tensors/"),
    ("共享内存", "numpy/"),
    ("计算图", "autograd/"),
    ("叶子节点", "autograd/"),
    ("激活函数", "nn/"),
    ("数据加载器", "nn/"),
    ("损失函数", "training/"),
    ("测试集", "training/"),
    ("迁移学习", "transfer/"),
    ("冻结", "transfer/"),
    ("检查点", "toolkit/"),
    ("混合精度", "toolkit/"),
    ("分布式", "scaling/"),
    ("部署", "deploy/"),
    ("量化", "deploy/"),
    ("词向量", "text/"),
    ("循环神经网络", "rnn/"),
    ("注意力", "attention/"),
]


@pytest.mark.parametrize("query, chapter", CHAPTER_TERMS)
def test_searching_a_key_term_finds_its_chapter(page, base_url, query, chapter):
    hrefs = search(page, base_url, query)
    assert any(href.split("#")[0].endswith(chapter) for href in hrefs), hrefs
