"""`giamngheo backup FILE` and `giamngheo restore FILE`, for both backends.

SQLite: sqlite3's online backup API, page by page while the service keeps running (readers
and writers go on; the copy is one consistent snapshot). The copy is checked with
PRAGMA integrity_check before it replaces FILE.

PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, the service keeps running)
and `pg_restore --single-transaction` into a fresh, empty database. The connection comes
from GIAMNGHEO_DATABASE_URL and goes to the tools through PG* environment variables, so no
password shows in a process list. pg_dump must be at least the server's major version.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from api.db import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def backend_of(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


def sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def pg_environment(database_url: str) -> dict[str, str]:
    """libpq's environment variables for this SQLAlchemy URL."""
    url = make_url(database_url)
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode")),
    ):
        if value is not None:
            env[name] = str(value)
    return env


def file_kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom archive.")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[:2000]}")


def backup(database_url: str, target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns the backend's name."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")[1])
    try:
        if backend_of(database_url) == "sqlite":
            _backup_sqlite(sqlite_path(database_url), partial)
        else:
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                ],
                pg_environment(database_url),
            )
        partial.replace(target)  # FILE is either the old copy or the whole new one
    finally:
        partial.unlink(missing_ok=True)
    return backend_of(database_url)


def _backup_sqlite(source: Path, partial: Path) -> None:
    if not source.exists():
        raise BackupError(f"No database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        (verdict,) = dst.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"The copy failed its integrity check: {verdict}")
    finally:
        dst.close()
        src.close()


def _tables(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(database_url: str, source: Path, *, force: bool = False) -> str:
    """Load a backup into the (fresh) database of `database_url`; returns the backend's name.
    An existing SQLite file or a non-empty PostgreSQL database is refused unless force."""
    kind = file_kind(source)
    backend = backend_of(database_url)
    if kind != backend:
        raise BackupError(f"{source} is a {kind} backup; the database is {backend}.")
    if backend == "sqlite":
        target = sqlite_path(database_url)
        if target.exists() and target.stat().st_size and not force:
            raise BackupError(f"{target} exists; restore into a new file (or use --force).")
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return backend
    existing = _tables(database_url)
    if existing and not force:
        raise BackupError(
            f"The database already holds {len(existing)} tables; restore into a new, empty "
            "database (createdb), or use --force to drop and replace what the backup holds."
        )
    args = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    args += ["--clean", "--if-exists"] if force else ["--single-transaction"]
    env = pg_environment(database_url)
    _run([*args, f"--dbname={env.get('PGDATABASE', '')}", str(source.resolve())], env)
    return backend
