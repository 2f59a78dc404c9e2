"""Test databases: one per backend per test session, built by the migrations.

Every test runs inside a transaction that is rolled back, so tests never see each other's
data. PostgreSQL is required when CI=true (or GIAMNGHEO_REQUIRE_POSTGRES=1): unreachable
means failure there, and a skip only on a developer machine without it.
"""

import os
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.db import make_engine
from api.main import create_app
from api.migrate import upgrade
from api.settings import Settings

PG_ADMIN_URL = os.environ.get(
    "GIAMNGHEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [
    b for b in os.environ.get("GIAMNGHEO_TEST_BACKENDS", "sqlite,postgresql").split(",") if b
]
TEST_SECRET = "test-secret-key-0123456789abcdef"


def postgres_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("GIAMNGHEO_REQUIRE_POSTGRES") == "1"


def _postgres_database(name: str):
    """Create a database on the local server; yields its URL and drops it afterwards."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        conn = admin.connect()
    except OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc.orig}"
        if postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A freshly migrated database of each backend for the whole test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        upgrade(url)
        yield url
        return
    name = f"gn_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    for url in _postgres_database(name):
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def backend(engine) -> str:
    return engine.dialect.name


@pytest.fixture
def connection(engine):
    """The test's connection; everything it does is rolled back at the end."""
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    if outer.is_active:
        outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection):
    """Sessions that commit into a SAVEPOINT of the test's transaction."""

    def factory(*, write: bool = True) -> Session:
        return Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

    return factory


@pytest.fixture
def db(session_factory):
    session = session_factory()
    yield session
    session.close()


def make_settings(database_url: str, **overrides) -> Settings:
    values = {
        "env": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 8192,
        "web_session_file": "",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings, engine, session_factory):
    return create_app(settings, engine=engine, session_factory=session_factory)


@pytest.fixture
def client(app):
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
