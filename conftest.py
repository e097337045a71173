# The documentation harness is the top-level package harness/; this file only hands it to pytest.
# pytester: the harness's own tests run throw-away sites in this process (tests/sites.py).
pytest_plugins = ["harness.plugin", "pytester"]
