"""Shared column types and helpers for every table."""

import secrets
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator
from sqlmodel import Field

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_last_id = 0
_id_lock = threading.Lock()


def _next_id_value() -> int:
    """A ULID value, strictly increasing within the process (monotonic ULID)."""
    global _last_id
    candidate = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    with _id_lock:
        # Within one millisecond random bits alone would order ids (members, pages) at random.
        _last_id = max(candidate, _last_id + 1)
        return _last_id


def new_id(prefix: str) -> str:
    """An opaque, time-ordered id (ULID layout) with a readable type prefix, e.g. hh_01j…"""
    value = _next_id_value()
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_CROCKFORD[index])
    return f"{prefix}_{''.join(reversed(chars))}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def id_field(prefix: str):
    return Field(default_factory=lambda: new_id(prefix), primary_key=True, max_length=32)


def created_field():
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def timestamp_field(*, nullable: bool = True, index: bool = False):
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)
