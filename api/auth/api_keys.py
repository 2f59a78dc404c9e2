"""Agency API keys: `gn_` and 256 random bits, stored as SHA-256, resolved to a principal."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from api.auth.principal import Principal
from api.models import Agency, AgencyPlace, ApiKey, Place
from api.models.base import utcnow

KEY_PREFIX = "gn_"
# last_used_at is written at most this often per key: no write per request.
TOUCH_EVERY = timedelta(minutes=1)

SCOPES: dict[str, str] = {
    "policies:read": "Read the agency's own policy catalogue",
    "policies:write": "Create and change the agency's own policies",
    "supports:read": "Read the supports the agency recorded",
    "supports:write": "Record supports (single and bulk)",
    "eligibility:read": "Read a household's status, flags and eligibility for own policies",
    "citizens:lookup": "Find a household's eligibility by a member's 12-digit citizen ID",
    "events:read": "Read the change feed",
    "webhooks:write": "Manage the agency's webhook endpoints and read their delivery log",
    "keys:write": "Create and revoke the agency's own API keys (never with more scopes)",
}


def generate_api_key() -> str:
    """A new key: the prefix and 32 random bytes (256 bits), URL-safe."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def display_prefix(raw: str) -> str:
    """What lists show of a key: enough to tell two keys apart, useless to an attacker."""
    return raw[: len(KEY_PREFIX) + 8]


# The key, its agency and the agency's service area in one plain SQL statement, built once.
_KEY_LOOKUP = (
    sa_select(
        ApiKey.id,
        ApiKey.key_hash,
        ApiKey.scopes,
        ApiKey.revoked_at,
        ApiKey.expires_at,
        ApiKey.last_used_at,
        Agency.id,
        Agency.name,
        Agency.is_active,
        Place.id,
        Place.path,
    )
    .select_from(ApiKey)
    .join(Agency, Agency.id == ApiKey.agency_id)
    .outerjoin(AgencyPlace, AgencyPlace.agency_id == Agency.id)
    .outerjoin(Place, Place.id == AgencyPlace.place_id)
    .where(ApiKey.key_hash == bindparam("key_hash"))
)


def agency_principal_for_key(
    session: Session, raw: str
) -> tuple[Principal | None, datetime | None]:
    """The agency behind a live key and the key's expiry, or None (unknown, expired, revoked,
    agency inactive). Records the key's use (at most once a minute)."""
    digest = hash_api_key(raw)
    rows = session.connection().execute(_KEY_LOOKUP, {"key_hash": digest}).all()
    if not rows:
        return None, None
    key_id, key_hash, scopes, revoked_at, expires_at, last_used_at = rows[0][:6]
    agency_id, agency_name, agency_active = rows[0][6:9]
    now = utcnow()
    if not hmac.compare_digest(key_hash, digest) or not agency_active:
        return None, None
    if revoked_at is not None or (expires_at is not None and expires_at <= now):
        return None, None
    if last_used_at is None or now - last_used_at >= TOUCH_EVERY:
        _touch(session, key_id, now)
    places = [(place_id, path) for *_, place_id, path in rows if place_id is not None]
    return _agency(agency_id, agency_name, places, frozenset(scopes), key_id), expires_at


def agency_principal(
    session: Session, agency: Agency, *, scopes: frozenset[str], key_id: str | None = None
) -> Principal:
    """An agency as a caller: its scopes and, if it has a service area, those places only."""
    places = list(
        session.exec(
            select(Place)
            .join(AgencyPlace, AgencyPlace.place_id == Place.id)
            .where(AgencyPlace.agency_id == agency.id)
            .execution_options(unscoped=True)
        )
    )
    return _agency(agency.id, agency.name, [(p.id, p.path) for p in places], scopes, key_id)


def _agency(
    agency_id: str,
    name: str,
    places: list[tuple[str, str]],
    scopes: frozenset[str],
    key_id: str | None,
) -> Principal:
    ancestors = frozenset(part for _, path in places for part in path.strip("/").split("/"))
    return Principal(
        kind="agency",
        id=agency_id,
        role="agency",
        name=name,
        place_paths=tuple(sorted(path for _, path in places)) or None,
        ancestor_ids=ancestors - {place_id for place_id, _ in places},
        scopes=scopes,
        token_id=key_id,
    )


def _touch(session: Session, key_id: str, now) -> None:
    """Record use, unless another request is doing it right now (never wait for it)."""
    due = or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - TOUCH_EVERY)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        target = ApiKey.id == key_id
    else:
        locked = select(ApiKey.id).where(ApiKey.id == key_id, due)
        target = ApiKey.id.in_(locked.with_for_update(skip_locked=True))
    stmt = update(ApiKey).where(target, due).values(last_used_at=now)
    try:
        with session.begin_nested():
            if sqlite:  # a read transaction must not queue behind a writer for this
                session.execute(text("PRAGMA busy_timeout=0"))
            session.execute(stmt.execution_options(synchronize_session=False))
    except OperationalError:
        pass  # the database is busy: the next request within a minute records it
    finally:
        if sqlite:
            session.execute(text("PRAGMA busy_timeout=30000"))
