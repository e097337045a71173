"""Which of the site's features survive a build: the same probes, in headless Chromium, on
each built site given; a Markdown table of the results.  Run by `nox -s zensical`, which
builds the site with MkDocs and with Zensical first:

    python tools/zensical_probe.py --site "MkDocs=build/browser-site" \\
        --site "Zensical=build/zensical-site" [--timing "label=seconds"] [--report FILE]

A measurement, not a gate: it exits 0 whatever the features show.  It exits 2 when the
measurement itself cannot be made (Chromium does not start, a site folder is missing), and
a site given with an empty folder ("Zensical=") is a build that failed: each of its rows
says so.  The sites are served the way the browser checks serve them (tests/browser/
conftest.py: under /pytorch-rumen/ on 127.0.0.1, with the same Chromium flags).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import conftest as served  # noqa: E402  (the browser checks' own helpers)

# (query, a page its results must include): a word, and a term jieba must cut out of a phrase.
CHINESE_SEARCHES = [("张量", "tensors/"), ("自动求导", "autograd/")]
# Another translation of a term, which only the glossary hook teaches the search index.
VARIANT_SEARCH = ("自动微分", "glossary/#autograd")
GLOSSARY_PAGE, HOVER_PAGE, REPORT_PAGE = "glossary/", "autograd/", "report/"
REPORT_SECTIONS = ["最近一次测试运行", "版本漂移"]  # the h2 headings hooks/report.py writes
FEATURES = [
    "pages (every Markdown chapter in the nav)",
    "search in Chinese",
    "glossary (hover definitions, entries, variant search)",
    "verification stamps",
    "验证报告 page",
    "notebook pages (mkdocs-jupyter)",
    "math (KaTeX)",
    "diagrams (mermaid, SVG figures)",
    "zero third-party requests",
]
# Everything about one page that the rows need, read in one go once the page has settled.
PAGE_FACTS = """() => {
  const all = (selector) => [...document.querySelectorAll(selector)];
  return {
    h1: all("article h1").length,
    verified: all("aside.verified").length,
    terms: all("article abbr[title]").filter(a => a.title.includes("：")).length,
    entries: all("article h3[id]").length,
    headings: all("article h2").map(h => h.textContent.trim()),
    tables: all("article table").length,
    formulas: all(".arithmatex").length,
    rendered: all(".arithmatex .katex").length,
    notebook_math: all(".jp-RenderedMarkdown .katex").length,
    katex_errors: all(".katex-error").length,
    notebook: all(".jupyter-wrapper").length,
    plots: all(".jp-OutputArea-output img").length,
    mermaid_left: all("pre.mermaid").length,
    diagrams: all("div.mermaid").map(d => d.getBoundingClientRect().height),
    svgs: all("article img[src$='.svg']").length,
    svgs_loaded: all("article img[src$='.svg']").filter(i => i.complete && i.naturalWidth > 0)
      .length,
  };
}"""


@dataclass
class Result:
    ok: bool | None  # None: partly
    evidence: str

    def mark(self) -> str:
        return {True: "✅ yes", False: "❌ no", None: "⚠️ partly"}[self.ok]


@dataclass
class Visit:
    status: int
    facts: dict[str, Any] = field(default_factory=dict)
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Search:
    count: int  # as the site says: Zensical lists the first results and says how many
    links: list[str]
    external: list[str]

    def finds(self, base_url: str, query: str, expected: str) -> tuple[bool, str]:
        paths = [link.removeprefix(base_url) for link in self.links]
        if "#" not in expected:  # a page: any section of it
            paths = [path.split("#")[0] for path in paths]
        hit = expected in paths
        return hit, f"{query}: {self.count} results, {expected} {'among' if hit else 'NOT in'} them"


def partly(complete: bool, some: bool) -> bool | None:
    return True if complete else (None if some else False)


def nav_pages() -> tuple[list[str], list[str]]:
    """(Markdown pages, notebook pages) of mkdocs.yml's nav, as site paths ("", "tensors/")."""

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml's !ENV and !!python/... tags: the nav needs none of them.
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    sources: list[str] = []

    def walk(entry: Any) -> None:
        if isinstance(entry, str):
            sources.append(entry)
        elif isinstance(entry, dict | list):
            for value in entry.values() if isinstance(entry, dict) else entry:
                walk(value)

    walk(config["nav"])

    def path(source: str) -> str:
        stem = source.rsplit(".", 1)[0]
        return "" if stem == "index" else stem.removesuffix("/index") + "/"

    return (
        [path(s) for s in sources if s.endswith(".md")],
        [path(s) for s in sources if s.endswith(".py")],
    )


def visit(browser: Any, base_url: str, path: str) -> Visit:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = page.goto(base_url + path, wait_until="networkidle")
        status = response.status if response else 0
        if page.locator("pre.mermaid").count():  # swapped for a drawn div.mermaid
            with contextlib.suppress(Exception):  # left undrawn: the facts say so
                page.wait_for_function(
                    "document.querySelectorAll('pre.mermaid').length === 0", timeout=15_000
                )
        return Visit(status, page.evaluate(PAGE_FACTS), served.external_requests(requested), errors)
    finally:
        context.close()


def search(browser: Any, base_url: str, query: str) -> Search:
    """A query typed into the site's search box: Material's (the browser checks' helper), or
    Zensical's dialog (in an open shadow root, which Playwright's locators pierce)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(base_url, wait_until="networkidle")
        if page.locator("input.md-search__input").count():
            links = served.search(page, base_url, query)
            return Search(len(links), links, served.external_requests(requested))
        page.locator(".md-search__button").click()
        box = page.locator("dialog input[role=combobox]")
        box.fill(query)
        box.press("End")
        shown = page.locator("[role=listbox] a[role=option]")
        try:
            shown.first.wait_for(timeout=10_000)
        except Exception:  # noqa: BLE001 - no result at all
            return Search(0, [], served.external_requests(requested))
        links = [shown.nth(i).evaluate("a => a.href") for i in range(shown.count())]
        said = page.locator("dialog [role=status]").first.text_content() or ""  # "144 results"
        return Search(
            int(re.sub(r"\D", "", said) or len(links)),
            [re.sub(r"\?h=[^#]*", "", link) for link in links],
            served.external_requests(requested),
        )
    finally:
        context.close()


def quiet_about_closed_pages(server: Any) -> None:
    """A page closed while a file was still being sent to it (each probe closes its page as
    soon as it has read it) is no error worth a traceback; anything else still gets one."""
    loud = server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            loud(request, client_address)

    server.handle_error = handle_error


def measure(browser: Any, site: Path) -> dict[str, Result]:
    chapters, notebooks = nav_pages()
    served.SITE = site  # the browser checks' server serves its module's SITE
    server, base_url = served.serve_site()
    quiet_about_closed_pages(server)
    try:
        visits = {path: visit(browser, base_url, path) for path in chapters + notebooks}
        searches = {
            query: search(browser, base_url, query)
            for query, _ in [*CHINESE_SEARCHES, VARIANT_SEARCH]
        }
    finally:
        server.shutdown()
    shown = {path: v for path, v in visits.items() if v.status == 200 and v.facts["h1"]}

    def fact(path: str, name: str, default: Any = 0) -> Any:
        return shown[path].facts[name] if path in shown else default

    def total(name: str) -> int:
        return sum(v.facts[name] for v in shown.values())

    rows: dict[str, Result] = {}
    missing = [p or "(home)" for p in chapters if p not in shown]
    js_errors = sorted({e.splitlines()[0] for v in visits.values() for e in v.errors})
    rows[FEATURES[0]] = Result(
        not missing,
        f"{len(chapters) - len(missing)}/{len(chapters)} render with a heading"
        + (f"; missing: {', '.join(missing)}" if missing else "")
        + (f"; JS errors: {'; '.join(js_errors)[:160]}" if js_errors else "; no JS errors"),
    )

    found = [searches[q].finds(base_url, q, expected) for q, expected in CHINESE_SEARCHES]
    rows[FEATURES[1]] = Result(
        partly(all(hit for hit, _ in found), any(hit for hit, _ in found)),
        "; ".join(said for _, said in found),
    )

    terms, entries = fact(HOVER_PAGE, "terms"), fact(GLOSSARY_PAGE, "entries")
    variant, said = searches[VARIANT_SEARCH[0]].finds(base_url, *VARIANT_SEARCH)
    rows[FEATURES[2]] = Result(
        partly(terms > 5 and entries >= 80 and variant, bool(terms or entries or variant)),
        f"{HOVER_PAGE}: {terms} <abbr> with a definition; {GLOSSARY_PAGE}: {entries} entries; "
        f"search {said}",
    )

    stamped = [p for p, v in shown.items() if v.facts["verified"] == 1]
    rows[FEATURES[3]] = Result(
        partly(len(stamped) == len(shown), bool(stamped)),
        f"aside.verified on {len(stamped)}/{len(shown)} rendered pages",
    )

    headings = fact(REPORT_PAGE, "headings", [])
    present = [h for h in REPORT_SECTIONS if any(seen.startswith(h) for seen in headings)]
    rows[FEATURES[4]] = Result(
        partly(len(present) == len(REPORT_SECTIONS), bool(present)),
        f"{REPORT_PAGE}: generated sections: {', '.join(present) or 'none'}; "
        f"{fact(REPORT_PAGE, 'tables')} tables",
    )

    good = [p for p in notebooks if fact(p, "notebook") and fact(p, "plots")]
    raw = [p for p in notebooks if (site / f"{p.rstrip('/')}.py").is_file()]
    rows[FEATURES[5]] = Result(
        partly(len(good) == len(notebooks), bool(good)),
        f"{len(good)}/{len(notebooks)} rendered with plots"
        + "".join(f"; {p} → HTTP {visits[p].status}" for p in notebooks[:1] if p not in shown)
        + (f"; {len(raw)} copied as raw .py files, which the nav links" if raw else ""),
    )

    formulas, rendered, errors = total("formulas"), total("rendered"), total("katex_errors")
    in_notebooks = total("notebook_math")
    rows[FEATURES[6]] = Result(
        partly(
            formulas > 0 and rendered == formulas and not errors and in_notebooks > 0, rendered > 0
        ),
        f"{rendered}/{formulas} formulas rendered in chapters, {in_notebooks} in notebooks, "
        f"{errors} KaTeX errors",
    )

    heights = [h for v in shown.values() for h in v.facts["diagrams"]]
    drawn = [h for h in heights if h > 40]
    left, svgs, loaded = total("mermaid_left"), total("svgs"), total("svgs_loaded")
    rows[FEATURES[7]] = Result(
        partly(
            bool(drawn) and len(drawn) == len(heights) and not left and 0 < svgs == loaded,
            bool(drawn or loaded),
        ),
        f"{len(drawn)}/{len(heights) + left} mermaid diagrams drawn; "
        f"{loaded}/{svgs} SVG figures loaded",
    )

    external = sorted(
        {u for v in visits.values() for u in v.external}
        | {u for s in searches.values() for u in s.external}
    )
    rows[FEATURES[8]] = Result(
        not external,
        f"{len(visits)} page loads + {len(searches)} searches: "
        + (f"{len(external)} third-party URLs, e.g. {external[0]}" if external else "none"),
    )
    return rows


def table(sites: list[str], results: list[dict[str, Result] | None]) -> str:
    lines = [
        "| feature | " + " | ".join(sites) + " | evidence |",
        "|---|" + "---|" * len(sites) + "---|",
    ]
    for feature in FEATURES:
        cells, evidence = [], []
        for name, rows in zip(sites, results, strict=True):
            if rows is None:
                cells.append("❌ build failed")
                continue
            cells.append(rows[feature].mark())
            evidence.append(f"{name.split()[0]}: {rows[feature].evidence}")
        lines.append(f"| {feature} | " + " | ".join(cells) + " | " + " · ".join(evidence) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="append", required=True, help="LABEL=FOLDER")
    parser.add_argument("--timing", action="append", default=[], help="LABEL=SECONDS")
    parser.add_argument("--report", help="also write the tables (Markdown) to this file")
    args = parser.parse_args(argv)
    sites = [tuple(s.rsplit("=", 1)) for s in args.site]
    for _, folder in sites:
        if folder and not (ROOT / folder / "index.html").is_file():
            print(f"Measurement broken: no built site in {folder}", file=sys.stderr)
            return 2

    from playwright.sync_api import sync_playwright

    results: list[dict[str, Result] | None] = []
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=served.CHROMIUM, args=served.QUIET_FLAGS
            )
        except Exception as error:  # noqa: BLE001 - the one failure this tool reports as such
            print(f"Measurement broken: Chromium did not start ({error})", file=sys.stderr)
            return 2
        try:
            for _, folder in sites:
                results.append(measure(browser, ROOT / folder) if folder else None)
        finally:
            browser.close()

    report = table([label for label, _ in sites], results)
    if args.timing:
        report += "\n\n| build | seconds |\n|---|---|\n" + "\n".join(
            f"| {label} | {float(seconds):.1f} |"
            for label, seconds in (t.rsplit("=", 1) for t in args.timing)
        )
    print("\n" + report + "\n")
    if args.report:
        Path(args.report).write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
