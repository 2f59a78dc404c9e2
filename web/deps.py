"""Request-scoped dependencies: the session, the signed-in officer and their API client."""

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from web.client import ApiClient
from web.i18n import locale_from
from web.security import CSRF_FORM_FIELD, CSRF_HEADER, UNSAFE_METHODS, csrf_token_matches
from web.sessions import Session

LOGIN_PATH = "/login"


class LoginRequired(Exception):
    """No signed-in officer (never signed in, session expired, or the API refused the token).

    ``expired`` says the officer had a session that is now gone, so the login page can say so.
    """

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__()
        self.expired = expired


class CsrfRejected(Exception):
    """An unsafe request without the session's CSRF token."""


def current_session(connection: HTTPConnection) -> Session | None:
    """The session named by the cookie, looked up once per request (error pages reuse it)."""
    state = connection.state
    if not hasattr(state, "session"):
        cookie = connection.app.state.session_cookie
        session_id = cookie.session_id_from(connection)
        state.session = connection.app.state.sessions.get(session_id) if session_id else None
    return state.session


def get_session(request: Request) -> Session | None:
    return current_session(request)


MaybeSession = Annotated[Session | None, Depends(get_session)]


async def verify_csrf(request: Request, session: MaybeSession) -> None:
    """Applied to every route: unsafe methods must echo the session's token (form or header)."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()  # cached by Starlette, so the route can read it again
        value = form.get(CSRF_FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if session is None or (not session.is_authenticated and request.url.path != LOGIN_PATH):
        # The session is gone (expired, signed out elsewhere): no state to protect, and the
        # officer's work is best saved by signing in again and coming back to the form. A
        # forged token against a live session is still refused below.
        raise LoginRequired(expired=True)
    if not csrf_token_matches(sent, session.csrf_token):
        raise CsrfRejected()


def had_session(connection: HTTPConnection) -> bool:
    """The browser sent a genuine session cookie (signed by us), whatever became of it."""
    return connection.app.state.session_cookie.session_id_from(connection) is not None


def require_officer(request: Request, session: MaybeSession) -> Session:
    if session is None:
        raise LoginRequired(expired=had_session(request))
    if not session.is_authenticated:
        raise LoginRequired()
    return session


OfficerSession = Annotated[Session, Depends(require_officer)]


def get_api(request: Request, session: OfficerSession) -> ApiClient:
    return ApiClient(
        request.app.state.api_http,
        token=session.access_token,
        locale=locale_from(request),
        cache=request.app.state.reference_cache,
    )


def get_anonymous_api(request: Request) -> ApiClient:
    return ApiClient(request.app.state.api_http, locale=locale_from(request))


Api = Annotated[ApiClient, Depends(get_api)]
AnonymousApi = Annotated[ApiClient, Depends(get_anonymous_api)]
