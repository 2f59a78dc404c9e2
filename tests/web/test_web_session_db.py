"""Sessions in a SQLite file survive a new store on the same file (another worker)."""

from web.schemas import Officer
from web.session_db import SqliteSessionStore


def test_a_second_process_sees_the_session_and_its_end(tmp_path):
    path = tmp_path / "sessions.db"
    officer = Officer(
        id="usr_1", username="canbo", full_name="Cán bộ", role="commune_officer", place_ids=["pl_1"]
    )
    first = SqliteSessionStore(path, max_age=60)
    created = first.create(access_token="gnt_x", officer=officer)
    other_worker = SqliteSessionStore(path, max_age=60)
    seen = other_worker.get(created.id)
    assert (seen.access_token, seen.officer, seen.csrf_token) == (
        "gnt_x",
        officer,
        created.csrf_token,
    )
    other_worker.delete(created.id)
    assert first.get(created.id) is None


def test_expired_sessions_are_not_returned(tmp_path):
    now = [1000.0]
    store = SqliteSessionStore(tmp_path / "s.db", max_age=10, clock=lambda: now[0])
    session = store.create()
    now[0] += 11
    assert store.get(session.id) is None
    store.create()  # creating sweeps the expired rows
    assert len(store) == 1
