"""What the test harness and the site share, defined once and free of MkDocs and pytest:

- ``fences``: the one fence scanner (code fences, their languages, options and markers);
- ``includes``: ``--8<--`` snippet includes, resolved exactly as pymdownx.snippets does;
- ``records``: the typed, versioned verification and drift records;
- ``programs``: what a program in snippets/ defines and imports, read from its source.
"""
