# The documentation harness lives in tests/harness/; this file only hands it to pytest.
from tests.harness.plugin import *  # noqa: F401,F403
