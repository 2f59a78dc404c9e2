"""The bounded form of bench/crash_load.py, on PostgreSQL: a real server with two workers,
20 agency clients posting 300 support records with drops and resends, officers posting
visits and racing review steps on one household, one SIGKILL of the whole server in the
middle and a restart. Afterwards every acknowledged record is stored exactly once and
nothing else is (the full form: `.venv/bin/python bench/crash_load.py`)."""

import importlib.util
import os
import uuid

import pytest

from api.migrate import upgrade
from api.settings import REPO_ROOT
from tests.conftest import BACKENDS, _postgres_database

spec = importlib.util.spec_from_file_location("crash_load", REPO_ROOT / "bench" / "crash_load.py")
crash_load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crash_load)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="a PostgreSQL test")
def test_nothing_acknowledged_is_lost_or_written_twice_across_a_sigkill(tmp_path):
    for url in _postgres_database(f"gn_crash_{os.getpid()}_{uuid.uuid4().hex[:6]}"):
        upgrade(url)
        result = crash_load.run(
            url,
            records=300,
            clients=20,
            workers=2,
            kills=1,
            visits=40,
            review_years=2,
            log=tmp_path / "server.log",
        )
    assert result["problems"] == [], result
    assert result["ok"], result
    assert (result["supports_acknowledged"], result["supports_stored"]) == (300, 300)
    assert (result["visits_acknowledged"], result["visits_stored"]) == (40, 40)
    assert (result["steps_won"], result["steps_stored"]) == (8, 8)
    [kill] = result["kills"]
    assert 150 <= kill["after_records"] < 300  # the kill came in the middle of the load
