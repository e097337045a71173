# The documentation harness is the top-level package harness/; this file only hands it to pytest.
pytest_plugins = ["harness.plugin"]
