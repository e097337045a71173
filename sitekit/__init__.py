"""What the site builds from its own data, as plain functions that know nothing of MkDocs.

The hooks in hooks/ are thin adapters: they take what MkDocs hands them (config, page, nav),
call these functions with plain values, and hand the result back.  Whatever reaches into
MkDocs', Material's or the search plugin's internals lives in one place instead:
hooks/mkdocs_internals.py.

- ``glossary``: glossary.yml read, its words matched in text, the 术语表 page rendered;
- ``glossary_hover``: hover definitions, as a Python-Markdown extension (and the same rule for
  HTML that Python-Markdown did not make: the notebook pages);
- ``report``: the 验证报告 page, rendered from the verification records;
- ``verification``: what every page says about the records (stamp, notes, summary);
- ``downloads``: each chapter's programs and the archive of all;
- ``html_fixes``: small corrections to the HTML of a page (accessibility, notebooks).

The page text lives in templates/ (Jinja, which ships with MkDocs), not in Python strings.
MkDocs imports this package because it runs as ``python -m mkdocs`` from the repository root
(every nox session and test does), which puts the root on ``sys.path``.
"""
