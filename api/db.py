"""Engine, the per-request session (one transaction per request) and the metadata naming rules."""

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlmodel import Session, SQLModel

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
    return create_engine(url, pool_pre_ping=True, **kwargs)


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


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on any error."""
    factory: SessionFactory = request.app.state.session_factory
    session = factory(write=request.method not in SAFE_METHODS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        close_session(session)


# scope="function": the commit happens before the response is sent, never after.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
