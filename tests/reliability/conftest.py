"""Callers and records for the reliability tests (the agencies' app, without the web app)."""

from tests.agencies.conftest import *  # noqa: F403  (app, callers, agencies, keys, policies)
from tests.agencies.conftest import _apps  # noqa: F401  (a fixture import * leaves out)
