"""Logging in, bearer tokens and resolving the caller of a request."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from api.auth.api_keys import KEY_PREFIX, agency_principal_for_key
from api.auth.cache import PrincipalCache, generation
from api.auth.passwords import Passwords
from api.auth.principal import Principal
from api.models import AuthToken, Place, User, UserPlace
from api.models.base import utcnow

TOKEN_PREFIX = "gnt_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def authenticate(
    session: Session, *, passwords: Passwords, username: str, password: str
) -> User | None:
    """The active user with this username and password, else None (same timing either way)."""
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    ok = passwords.verify(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        return None
    return user


def user_id_for(session: Session, username: str) -> str | None:
    """The id of the account with this username, if any (for the audit trail only)."""
    stmt = select(User.id).where(User.username == username.strip().lower())
    return session.exec(stmt).first()


def issue_token(session: Session, *, user: User, ttl_seconds: int) -> str:
    """A new random bearer token; only its hash is stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            token_hash=hash_token(raw),
            user_id=user.id,
            expires_at=utcnow() + timedelta(seconds=ttl_seconds),
        )
    )
    return raw


def revoke_user_tokens(session: Session, *, user_id: str) -> None:
    """Ends every session of a user (password change, deactivation)."""
    now = utcnow()
    tokens = session.exec(
        select(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
    )
    for token in tokens:
        token.revoked_at = now


def user_principal(session: Session, *, user: User, token_id: str | None = None) -> Principal:
    """The principal of an officer: role and the paths of the places they cover."""
    places = list(
        session.exec(
            select(Place)
            .join(UserPlace, UserPlace.place_id == Place.id)
            .where(UserPlace.user_id == user.id)
        )
    )
    return _officer(user.id, user.role, user.full_name, [(p.id, p.path) for p in places], token_id)


def _officer(
    user_id: str, role: str, name: str, places: list[tuple[str, str]], token_id: str | None
) -> Principal:
    paths = tuple(sorted(path for _, path in places))
    # Admins and auditors with no places see the whole deployment; an officer sees none.
    scope_paths = None if not paths and role != "commune_officer" else paths
    ancestors = frozenset(part for _, path in places for part in path.strip("/").split("/"))
    return Principal(
        kind="user",
        id=user_id,
        role=role,
        name=name,
        place_paths=scope_paths,
        ancestor_ids=ancestors - {place_id for place_id, _ in places},
        token_id=token_id,
    )


# Every authenticated request runs this: the token, its user and the user's places in one
# plain SQL statement (one round trip, no ORM objects), built once.
_TOKEN_LOOKUP = (
    sa_select(
        AuthToken.id,
        AuthToken.revoked_at,
        AuthToken.expires_at,
        User.id,
        User.role,
        User.full_name,
        User.is_active,
        Place.id,
        Place.path,
    )
    .select_from(AuthToken)
    .join(User, User.id == AuthToken.user_id)
    .outerjoin(UserPlace, UserPlace.user_id == User.id)
    .outerjoin(Place, Place.id == UserPlace.place_id)
    .where(AuthToken.token_hash == bindparam("token_hash"))
)


def credential_digest(raw: str) -> str:
    """What a token or an API key is stored and cached under (both are SHA-256)."""
    return hash_token(raw)


def principal_for_token(
    session: Session, raw: str, *, cache: PrincipalCache | None = None
) -> Principal | None:
    """The principal behind an officer's token or an agency's API key (gn_), if still live;
    from the cache when given and fresh (see api/auth/cache.py for how long)."""
    digest = credential_digest(raw)
    if cache is not None and (cached := cache.get(digest)) is not None:
        return cached
    since = generation()
    principal, expires_at = _lookup(session, raw, digest)
    if cache is not None and principal is not None:
        cache.put(digest, principal, since=since, expires_at=expires_at)
    return principal


def _lookup(session: Session, raw: str, digest: str) -> tuple[Principal | None, datetime | None]:
    if raw.startswith(KEY_PREFIX):
        return agency_principal_for_key(session, raw)
    if not raw.startswith(TOKEN_PREFIX):
        return None, None
    rows = session.connection().execute(_TOKEN_LOOKUP, {"token_hash": digest}).all()
    if not rows:
        return None, None
    token_id, revoked_at, expires_at, user_id, role, full_name, is_active = rows[0][:7]
    if revoked_at is not None or expires_at <= utcnow() or not is_active:
        return None, None
    places = [(place_id, path) for *_, place_id, path in rows if place_id is not None]
    return _officer(user_id, role, full_name, places, token_id), expires_at


def caller_key(session: Session, raw: str, *, cache: PrincipalCache | None = None) -> str | None:
    """A stable id of the caller behind a credential (for Idempotency-Key scoping)."""
    principal = principal_for_token(session, raw, cache=cache)
    return f"{principal.kind}:{principal.id}" if principal else None
