"""Engine, the per-request session (one transaction per request) and the metadata naming rules."""

import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, SQLModel

from api.core.context import deferred_commit_var

# Stable constraint names so that Alembic migrations are reproducible on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SessionFactory = Callable[..., Session]


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with the per-backend settings the service relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    if "poolclass" not in kwargs:
        kwargs.update(pool_size=10, max_overflow=10)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("options", POSTGRES_OPTIONS)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _ping_idle_connections(engine)
    return engine


# pool_pre_ping sent one more round trip on every request. A connection in steady use is
# known to be alive; one that sat in the pool longer than this is checked before use, so a
# database restart or failover costs no request once the connections have waited that long.
# (One that comes back sooner fails its request, and SQLAlchemy then renews the whole pool.)
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_idle_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and checks out another (SQLAlchemy's recipe).
            raise DisconnectionError() from error


# Every query of this service is short and parameterised. psycopg prepares a statement after
# five runs, and PostgreSQL may then switch it to a generic plan that cannot use the place
# path's prefix index (LIKE with a parameter): a commune's report went from 40 ms to seconds.
# Plans are made for each execution's values instead; JIT compilation, which costs more than
# it saves on queries this short, is off.
POSTGRES_OPTIONS = "-c plan_cache_mode=force_custom_plan -c jit=off"


def _configure_sqlite(engine: Engine) -> None:
    """Real transactions on SQLite: pysqlite's implicit ones break SAVEPOINT and locking."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A write transaction takes the write lock up front (BEGIN IMMEDIATE), so two writers
        # queue on busy_timeout instead of failing when a read lock cannot be upgraded.
        conn.exec_driver_sql(conn.info.pop("sqlite_begin", "BEGIN"))


def refresh_planner_statistics(engine: Engine) -> None:
    """After a bulk load on PostgreSQL: ANALYZE, so the next queries are planned on real row
    counts. Until autovacuum gets to it, a freshly loaded table looks empty to the planner,
    which then nests loops over thousands of rows (a commune's poverty rate took 5 s
    instead of 75 ms right after `giamngheo demo`). SQLite plans without statistics."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def plain_session_factory(engine: Engine) -> SessionFactory:
    """Sessions on their own connection, for requests, workers and commands."""

    def factory(*, write: bool = True) -> Session:
        if engine.dialect.name == "sqlite":
            conn = engine.connect()
            conn.info["sqlite_begin"] = "BEGIN IMMEDIATE" if write else "BEGIN"
            session = Session(bind=conn, expire_on_commit=False)
            session.info["owned_connection"] = conn
            return session
        return Session(engine, expire_on_commit=False)

    return factory


def close_session(session: Session) -> None:
    """Close a session and the connection it was given, if it owns one."""
    session.close()
    conn = session.info.pop("owned_connection", None)
    if conn is not None:
        conn.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: commit on success, roll back on any error. A POST with an
    Idempotency-Key hands its open session to that middleware, which commits the change and
    the stored answer together (a crash can never keep one without the other).

    Async so that opening the session (no I/O yet) takes no thread-pool hand-over; the commit
    or rollback and the close run in one hand-over at the end."""
    factory: SessionFactory = request.app.state.session_factory
    write = request.method not in SAFE_METHODS
    if request.app.state.engine.dialect.name == "sqlite":
        # A SQLite session takes its connection at once (and may wait for the pool): never
        # on the event loop.
        session = await run_in_threadpool(factory, write=write)
    else:
        session = factory(write=write)
    try:
        yield session
    except BaseException:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_finish, session, commit=False)
        raise
    deferred = deferred_commit_var.get()
    if deferred is not None and deferred.session is None:
        deferred.session = session
        return
    with anyio.CancelScope(shield=True):
        await run_in_threadpool(_finish, session, commit=True)


def _finish(session: Session, *, commit: bool) -> None:
    """Commit (or roll back) and close; a failed commit rolls back and is raised."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        close_session(session)


# scope="function": the commit happens before the response is sent, never after.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
