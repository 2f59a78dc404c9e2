"""Agency API keys: `gn_` and 256 random bits, stored as SHA-256, resolved to a principal."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import or_, text, update
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


def agency_principal_for_key(session: Session, raw: str, *, touch: bool = True) -> Principal | None:
    """The agency behind a live key, or None (unknown, expired, revoked, agency inactive)."""
    digest = hash_api_key(raw)
    row = session.exec(
        select(ApiKey, Agency)
        .join(Agency, Agency.id == ApiKey.agency_id)
        .where(ApiKey.key_hash == digest)
    ).first()
    if row is None:
        return None
    key, agency = row
    now = utcnow()
    if not hmac.compare_digest(key.key_hash, digest) or not agency.is_active:
        return None
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if touch and (key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY):
        _touch(session, key.id, now)
    return agency_principal(session, agency, scopes=frozenset(key.scopes), key_id=key.id)


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
    ancestors = frozenset(part for p in places for part in p.path.strip("/").split("/"))
    return Principal(
        kind="agency",
        id=agency.id,
        role="agency",
        name=agency.name,
        place_paths=tuple(sorted(p.path for p in places)) or None,
        ancestor_ids=ancestors - {p.id for p in places},
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
