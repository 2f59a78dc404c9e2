"""Failed logins, counted in the database so that every worker process sees the same counts.

Two keys per attempt: the username (whether or not it exists, so the answer never tells) and
the client address. A key with too many failures within the window is locked for a fixed time
(never forever: an attacker can delay an officer, not shut them out), and while it is locked
no password is even checked. A success clears the username's count, not the address's.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from api.models import LoginThrottle
from api.models.base import utcnow
from api.settings import Settings


@dataclass(frozen=True)
class ThrottleKey:
    key: str
    limit: int


def keys_for(username: str, address: str | None, settings: Settings) -> list[ThrottleKey]:
    keys = [ThrottleKey("user:" + username.strip().lower()[:64], settings.login_max_failures)]
    if address:
        keys.append(ThrottleKey("addr:" + address[:64], settings.login_max_failures_per_address))
    return keys


def locked_seconds(session: Session, keys: list[ThrottleKey], *, now: datetime) -> int:
    """Seconds until every key is unlocked (0: none is locked)."""
    rows = session.exec(
        select(LoginThrottle.locked_until).where(LoginThrottle.key.in_([k.key for k in keys]))
    )
    waits = [(until - now).total_seconds() for until in rows if until is not None and until > now]
    return math.ceil(max(waits)) if waits else 0


def _row_for_update(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The key's row, created if missing, locked until the transaction ends (no lost update)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"key": key, "failures": 0, "window_started_at": now, "updated_at": now}
    insert = dialect.insert(LoginThrottle).values(**values)
    session.execute(insert.on_conflict_do_nothing(index_elements=["key"]))
    stmt = select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    return session.exec(stmt.execution_options(populate_existing=True)).one()


def record_failure(session: Session, keys: list[ThrottleKey], settings: Settings) -> int:
    """Count a failure on each key; lock a key that reaches its limit. Returns the lock's
    length in seconds if this failure locked one, else 0."""
    now = utcnow()
    window = timedelta(seconds=settings.login_failure_window_seconds)
    locked = 0
    for item in keys:
        row = _row_for_update(session, item.key, now)
        if now - row.window_started_at > window:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        row.updated_at = now
        if row.failures >= item.limit:
            row.locked_until = now + timedelta(seconds=settings.login_lockout_seconds)
            row.failures, row.window_started_at = 0, now
            locked = settings.login_lockout_seconds
    session.flush()
    return locked


def record_success(session: Session, keys: list[ThrottleKey]) -> None:
    """A right password clears the username's failures (the address keeps its count)."""
    row = session.get(LoginThrottle, keys[0].key)
    if row is not None:
        session.delete(row)
        session.flush()
