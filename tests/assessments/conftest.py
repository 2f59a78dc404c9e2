from tests.api.conftest import *  # noqa: F403  (shared callers and records)
