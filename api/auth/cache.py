"""A short-lived cache, per process, of who is behind a bearer token or an API key.

Looking the credential up (its row, its user or agency, their places) was one database round
trip and a thread hand-over on every authenticated request; with the cache a process looks a
credential up at most once every `principal_cache_seconds` (0 turns the cache off).

Revocation, expiry and deactivation still take effect:
- in the process that made the change, at once: a commit that changed a user, token, agency,
  API key or place (or the links between them) empties the cache of every app in the process;
- in the other processes (other uvicorn workers, other hosts), within `principal_cache_seconds`:
  that is the bound, documented in docs/scaling.md;
- a cached principal never outlives its token's or key's `expires_at`.
Unknown credentials are never cached (no memory to fill with made-up tokens).
"""

import threading
import time
from datetime import datetime

from sqlalchemy import event
from sqlmodel import Session

from api.auth.principal import Principal
from api.models import Agency, AgencyPlace, ApiKey, AuthToken, Place, User, UserPlace
from api.models.base import utcnow

_AUTH_MODELS = (User, UserPlace, AuthToken, Agency, AgencyPlace, ApiKey, Place)

# Bumped by every commit that changed an auth table; an entry cached under an older
# generation is stale. A lookup reads the generation before it reads the database, so a
# change committed while it ran makes its entry stale at once.
_generation = 0
_generation_lock = threading.Lock()


def generation() -> int:
    return _generation


def invalidate_all() -> None:
    global _generation
    with _generation_lock:
        _generation += 1


class PrincipalCache:
    def __init__(self, ttl_seconds: float, *, max_entries: int = 10_000):
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self.clock = time.monotonic  # tests move it forward
        # credential hash -> (principal, monotonic deadline, generation)
        self._entries: dict[str, tuple[Principal, float, int]] = {}

    def get(self, digest: str) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        principal, deadline, cached_generation = entry
        if cached_generation != _generation or self.clock() >= deadline:
            self._entries.pop(digest, None)
            return None
        return principal

    def put(
        self, digest: str, principal: Principal, *, since: int, expires_at: datetime | None
    ) -> None:
        """Keep a principal looked up under generation `since`, until its TTL or expiry."""
        if self.ttl <= 0:
            return
        seconds = self.ttl
        if expires_at is not None:
            seconds = min(seconds, (expires_at - utcnow()).total_seconds())
        if seconds <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # simpler than LRU; a refill costs one lookup per caller
        self._entries[digest] = (principal, self.clock() + seconds, since)


@event.listens_for(Session, "after_flush")
def _note_auth_changes(session: Session, _context) -> None:
    # After a flush the session still lists what it flushed as new, dirty or deleted.
    for collection in (session.new, session.dirty, session.deleted):
        if any(isinstance(obj, _AUTH_MODELS) for obj in collection):
            session.info["auth_changed"] = True
            return


@event.listens_for(Session, "after_commit")
def _invalidate_on_commit(session: Session) -> None:
    # A flag left by a flush that was rolled back only costs one needless invalidation.
    if session.info.pop("auth_changed", False):
        invalidate_all()
