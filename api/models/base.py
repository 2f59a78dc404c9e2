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


_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> 2 characters


def new_id(prefix: str) -> str:
    """An opaque, time-ordered id (ULID layout) with a readable type prefix, e.g. hh_01j…"""
    v = _next_id_value()
    # 26 characters of 5 bits: the top 3 bits, twelve pairs, the last 5 bits (bulk writes
    # create thousands of ids a request: a table lookup per 10 bits, not 26 divisions).
    p, high, low = _PAIRS, v >> 64, v & 0xFFFFFFFFFFFFFFFF
    return (
        f"{prefix}_{_CROCKFORD[v >> 125]}{p[(high >> 51) & 1023]}{p[(high >> 41) & 1023]}"
        f"{p[(high >> 31) & 1023]}{p[(high >> 21) & 1023]}{p[(high >> 11) & 1023]}"
        f"{p[(high >> 1) & 1023]}{p[((high & 1) << 9) | (low >> 55)]}{p[(low >> 45) & 1023]}"
        f"{p[(low >> 35) & 1023]}{p[(low >> 25) & 1023]}{p[(low >> 15) & 1023]}"
        f"{p[(low >> 5) & 1023]}{_CROCKFORD[low & 31]}"
    )


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
