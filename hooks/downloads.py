"""MkDocs hook: every chapter offers its programs for download, and the site one archive of all.

An adapter over sitekit.downloads, which says what is published and builds it: this hook adds
the files to the build and the download box to each chapter.
"""

from __future__ import annotations

from pathlib import Path

import _site_root  # noqa: F401  (puts sitekit/ on the path)
from mkdocs.structure.files import File

from sitekit import downloads

_programs: dict[str, list[str]] = {}  # chapter page -> the programs it includes


def on_files(files, config):
    root = Path(config.config_file_path).parent
    docs = Path(config.docs_dir)
    _programs.clear()
    _programs.update(downloads.chapter_programs(docs))
    every = sorted({p for found in _programs.values() for p in found})
    for program in every:
        target = downloads.download_path(program)
        files.append(File.generated(config, target, abs_src_path=str(root / program)))
    for notebook in sorted((docs / "notebooks").glob("*.py")):
        files.append(
            File.generated(
                config,
                f"notebooks/{notebook.stem}.ipynb",
                content=downloads.notebook_json(notebook),
            )
        )
    files.append(
        File.generated(config, downloads.ARCHIVE, content=downloads.build_archive(root, every))
    )
    return files


def on_page_markdown(markdown, page, config, files):
    programs = _programs.get(page.file.src_uri)
    if not programs:
        return markdown
    return downloads.page_with_download_box(
        markdown,
        page.file.src_uri,
        programs,
        Path(config.docs_dir),
        config.extra.get("repo_url") or "",
    )
