"""MkDocs hook: everything the site says about its own verification comes from the records.

An adapter over sitekit.verification: reads the records the test runs write (see
harness/record.py) through their one format (pagekit/records.py), then hands the typed
records to the site description, every page's Markdown and every page's stamp
(overrides/partials/verified.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import _site_root  # noqa: F401  (puts sitekit/ on the path)

from pagekit import records  # the records' format, shared with the test harness
from sitekit import verification


@dataclass
class Build:
    """This build's records (mode -> record) and how many gpu-only blocks the pages hold."""

    by_mode: dict[str, records.VerificationRecord] = field(
        default_factory=lambda: {mode: records.VerificationRecord() for mode in verification.MODES}
    )
    gpu_only_blocks: int = 0


_build = Build()


def on_config(config):
    root = Path(config.config_file_path).parent
    by_mode = {
        mode: records.read_verification(root / "verification" / f"{mode}.json")
        for mode in verification.MODES
    }
    _build.by_mode = by_mode
    _build.gpu_only_blocks = verification.count_gpu_only_blocks(Path(config.docs_dir))
    config.site_description = verification.describe_site(
        config.site_description or "", by_mode["cuda"]
    )
    return config


def on_page_markdown(markdown, page, config, files):
    return verification.annotate(
        markdown,
        f"docs/{page.file.src_uri}",
        _build.by_mode["cpu"],
        _build.by_mode["cuda"],
        _build.gpu_only_blocks,
    )


def on_page_context(context, page, config, nav):
    page_key = f"docs/{page.file.src_uri}"
    context["verification"] = [
        verification.stamp(mode, _build.by_mode[mode].pages.get(page_key))
        for mode in verification.MODES
    ]
    note = verification.page_note(page.file.src_uri, page.markdown or "")
    if note is not None:
        context["verification_note"] = note
    return context
