"""Server-side sessions: the officer's API token never leaves the server.

The browser only holds a random session id, signed with the app's secret so a forged or
truncated cookie is rejected before any lookup. The store is in-process memory: run one
web process per set of sessions (or put a shared store behind the same interface).
"""

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection
from starlette.responses import Response

from web.schemas import Officer

MAX_SESSIONS = 50_000


@dataclass
class Session:
    id: str
    csrf_token: str
    expires_at: float
    access_token: str | None = None
    officer: Officer | None = None
    created_at: float = field(default_factory=time.time)

    @property
    def is_authenticated(self) -> bool:
        return self.access_token is not None and self.officer is not None


class SessionStore:
    """Sessions by id, each with an absolute expiry; expired ones vanish on access."""

    def __init__(self, *, max_age: int, clock: Callable[[], float] = time.time) -> None:
        self.max_age = max_age
        self.clock = clock
        self._sessions: dict[str, Session] = {}

    def create(
        self,
        *,
        access_token: str | None = None,
        officer: Officer | None = None,
        lifetime: int | None = None,
    ) -> Session:
        self._make_room()
        now = self.clock()
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + min(lifetime or self.max_age, self.max_age),
            access_token=access_token,
            officer=officer,
            created_at=now,
        )
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> Session | None:
        session = self._sessions.get(session_id)
        if session is not None and session.expires_at <= self.clock():
            del self._sessions[session_id]
            return None
        return session

    def delete(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._sessions)

    def _make_room(self) -> None:
        # Bound memory against a flood of anonymous login-page visits: drop the expired,
        # then the oldest anonymous sessions; signed-in officers are kept.
        if len(self._sessions) < MAX_SESSIONS:
            return
        now = self.clock()
        for session_id in [s.id for s in self._sessions.values() if s.expires_at <= now]:
            del self._sessions[session_id]
        anonymous = [s.id for s in self._sessions.values() if not s.is_authenticated]
        for session_id in anonymous[: max(0, len(self._sessions) - MAX_SESSIONS + 1)]:
            del self._sessions[session_id]


class SessionCookie:
    """Writes and reads the cookie that carries only the signed session id."""

    def __init__(self, *, secret_key: str, secure: bool, max_age: int) -> None:
        if len(secret_key) < 16:
            raise ValueError("secret_key must be at least 16 characters")
        self._key = secret_key.encode()
        self.secure = secure
        self.max_age = max_age
        # The __Host- prefix makes browsers refuse the cookie unless Secure, Path=/ and
        # host-only, so a sibling subdomain cannot plant one.
        self.name = "__Host-gn_session" if secure else "gn_session"

    def _signature(self, session_id: str) -> str:
        return hmac.new(self._key, session_id.encode(), hashlib.sha256).hexdigest()

    def session_id_from(self, connection: HTTPConnection) -> str | None:
        value = connection.cookies.get(self.name, "")
        session_id, _, signature = value.rpartition(".")
        if not session_id or not hmac.compare_digest(
            signature.encode(), self._signature(session_id).encode()
        ):
            return None
        return session_id

    def attach(self, response: Response, session: Session) -> None:
        response.set_cookie(
            self.name,
            f"{session.id}.{self._signature(session.id)}",
            max_age=self.max_age,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            self.name, path="/", secure=self.secure, httponly=True, samesite="lax"
        )
