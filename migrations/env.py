"""Alembic environment: the models' single metadata, batch mode on SQLite."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool

import api.models  # noqa: F401  (fills the metadata)
from api.db import make_engine, metadata
from api.settings import get_settings

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode recreates tables on SQLite; with foreign keys enforced, dropping the old
        # table fails as soon as other rows point at it. The pragma only works outside a
        # transaction, so it goes straight to the driver before Alembic begins one.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_for_dialect(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left dangling references: {broken[:5]}")
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _for_dialect(dialect: str):
    """Objects marked info={"only_on": "postgresql"} (the trigram search index) exist on that
    backend only: the comparison with the models skips them elsewhere."""

    def include_object(obj, name, type_, reflected, compare_to):
        only_on = getattr(obj, "info", {}).get("only_on")
        return only_on is None or only_on == dialect

    return include_object


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
