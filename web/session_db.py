"""Sessions kept in a small SQLite file, so every worker process of one host shares them.

`giamngheo serve --workers N` runs N processes: an in-memory store would sign an officer
out whenever the next request lands on another worker. This file is the web app's own
state (never the API's database); several hosts need a shared store of their own.
"""

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from web.schemas import Officer
from web.sessions import Session

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at REAL NOT NULL
)
"""


class SqliteSessionStore:
    """The SessionStore interface (create, get, delete) over a SQLite file."""

    def __init__(self, path: Path, *, max_age: int, clock: Callable[[], float] = time.time):
        self.max_age = max_age
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute(SCHEMA)

    def create(
        self,
        *,
        access_token: str | None = None,
        officer: Officer | None = None,
        lifetime: int | None = None,
    ) -> Session:
        now = self.clock()
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + min(lifetime or self.max_age, self.max_age),
            access_token=access_token,
            officer=officer,
            created_at=now,
        )
        data = {
            "csrf_token": session.csrf_token,
            "access_token": access_token,
            "officer": officer.model_dump() if officer else None,
            "created_at": now,
        }
        with self._lock:
            self._db.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))
            self._db.execute(
                "INSERT INTO web_sessions (id, data, expires_at) VALUES (?, ?, ?)",
                (session.id, json.dumps(data), session.expires_at),
            )
        return session

    def get(self, session_id: str) -> Session | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data, expires_at FROM web_sessions WHERE id = ? AND expires_at > ?",
                (session_id, self.clock()),
            ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        officer = Officer.model_validate(data["officer"]) if data["officer"] else None
        return Session(
            id=session_id,
            csrf_token=data["csrf_token"],
            expires_at=row[1],
            access_token=data["access_token"],
            officer=officer,
            created_at=data["created_at"],
        )

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM web_sessions WHERE id = ?", (session_id,))

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM web_sessions").fetchone()[0]
