"""Pooled PostgreSQL connections that sat idle are checked before use: a connection the server
closed meanwhile (a restart, a failover, an idle timeout) costs no request."""

import pytest
from sqlalchemy import text

from api import db
from api.db import make_engine


@pytest.fixture
def postgres_engine(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to lose")
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(database_url, pid: int) -> None:
    other = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        with other.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
    finally:
        other.dispose()


def test_an_idle_connection_closed_by_the_server_is_replaced(
    postgres_engine, database_url, monkeypatch
):
    first = _backend_pid(postgres_engine)
    _terminate(database_url, first)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it waited long enough
    assert _backend_pid(postgres_engine) != first


def test_a_connection_in_steady_use_is_not_pinged(postgres_engine):
    _backend_pid(postgres_engine)
    pings = []
    original = postgres_engine.dialect.do_ping
    postgres_engine.dialect.do_ping = lambda dbapi_connection: (
        pings.append(1) or original(dbapi_connection)
    )
    try:
        _backend_pid(postgres_engine)
    finally:
        postgres_engine.dialect.do_ping = original
    assert pings == []
