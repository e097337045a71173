"""The documentation harness: every Python block of every page runs as a pytest test.

Registered with pytest by ``pytest_plugins`` in the root conftest.py; the knowledge it
shares with the site (fences, markers, includes, records) lives in ``pagekit``.
"""

from pathlib import Path

# Frames in these files are the harness's, never the reader's: tracebacks and stack dumps
# leave them out.
HOME = f"{Path(__file__).resolve().parent}/"
