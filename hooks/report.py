"""MkDocs hook: the 验证报告 page (docs/report.md), generated at build time from the records
the test runs leave behind; an adapter over sitekit.report (templates/report.md.j2).

- verification/cpu.json: the latest CPU run (``nox -s docs-test``; rewritten by every run,
  not committed: CI makes it before the build);
- verification/cuda.json: the latest real GPU run (``nox -s docs-test-cuda``; committed);
- verification/drift/*.json: one record per torch environment (``nox -s docs-drift``;
  committed), with the outputs that differ there, the examples that raise, the warnings.
"""

from __future__ import annotations

from pathlib import Path

import _site_root  # noqa: F401  (puts sitekit/ on the path)

from pagekit import records  # the records' format, shared with the test harness
from sitekit import report

_titles: dict[str, str] = {}  # docs/<page> -> its nav title, in nav order


def on_config(config):
    _titles.clear()
    _titles.update(report.nav_titles(config.nav))
    return config


def on_serve(server, config, builder):
    folder = Path(config.config_file_path).parent / "verification"
    if folder.is_dir():  # `mkdocs serve` shows a new record without a restart
        server.watch(str(folder))
    return server


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != report.PAGE:
        return markdown
    existing = {f"docs/{file.src_uri}" for file in files.documentation_pages()}
    root = Path(config.config_file_path).parent
    generated = report.render(load(root / "verification"), _titles, existing)
    return report.page_with_report(markdown, generated)


def load(folder: Path) -> report.Records:
    """The records, read and checked through their one format; a record with no run and a
    drift record with no pages count as none."""

    def read(path: Path) -> records.VerificationRecord:
        record = records.read_verification(path)
        return record if record.last_run else records.VerificationRecord()

    drift = [records.read_drift(path) for path in sorted((folder / "drift").glob("*.json"))]
    return report.Records(
        cpu=read(folder / "cpu.json"),
        cuda=read(folder / "cuda.json"),
        drift=[record for record in drift if record.pages],
    )
