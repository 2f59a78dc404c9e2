"""Sign in and out. The API token is kept in the server-side session, never in the browser."""

import logging

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from web.client import ApiClient, ApiError, ApiUnavailable
from web.deps import AnonymousApi, MaybeSession
from web.errors import API_UNAVAILABLE
from web.forms.fields import form_text
from web.htmx import redirect
from web.i18n import N_, locale_from, translations_for
from web.rendering import render
from web.security import safe_next_path

logger = logging.getLogger(__name__)
router = APIRouter()

MISSING_CREDENTIALS = N_("Please enter your username and password.")
WRONG_CREDENTIALS = N_("Wrong username or password.")
SESSION_EXPIRED = N_("Your session has expired, please sign in again.")
REJECTED_LOGIN_STATUSES = frozenset({400, 401, 403, 422})


def _login_page(
    request: Request,
    *,
    next_path: str,
    username: str = "",
    error: str = "",
    notice: str = "",
    status_code: int,
) -> Response:
    context = {"next_path": next_path, "username": username, "error": error, "notice": notice}
    return render(request, "pages/login.html", context, status_code=status_code)


@router.get("/login")
async def login_form(
    request: Request, session: MaybeSession, next: str = "/", expired: str = ""
) -> Response:
    next_path = safe_next_path(next)
    if session is not None and session.is_authenticated:
        return RedirectResponse(next_path, status_code=303)
    notice = translations_for(request).gettext(SESSION_EXPIRED) if expired else ""
    if session is not None:
        return _login_page(request, next_path=next_path, notice=notice, status_code=200)
    # An anonymous session only to hold the CSRF token the login form must send back.
    session = request.app.state.sessions.create()
    request.state.session = session
    response = _login_page(request, next_path=next_path, notice=notice, status_code=200)
    request.app.state.session_cookie.attach(response, session)
    return response


@router.post("/login")
async def login(request: Request, api: AnonymousApi, session: MaybeSession) -> Response:
    form = await request.form()
    username, password = form_text(form, "username").strip(), form_text(form, "password")
    next_path = safe_next_path(form_text(form, "next"))
    gettext = translations_for(request).gettext

    def failed(message: str, status_code: int) -> Response:
        return _login_page(
            request,
            next_path=next_path,
            username=username,
            error=message,
            status_code=status_code,
        )

    if not username or not password:
        return failed(gettext(MISSING_CREDENTIALS), 400)
    try:
        grant = await api.login(username, password)
        officer_api = ApiClient(
            request.app.state.api_http, token=grant.access_token, locale=locale_from(request)
        )
        officer = await officer_api.me()
    except ApiUnavailable:
        return failed(gettext(API_UNAVAILABLE.message), 503)
    except ApiError as exc:
        if exc.status not in REJECTED_LOGIN_STATUSES:
            raise
        return failed(gettext(WRONG_CREDENTIALS), 400)

    sessions = request.app.state.sessions
    if session is not None:
        sessions.delete(session.id)  # a fresh id on sign-in defeats session fixation
    signed_in = sessions.create(
        access_token=grant.access_token, officer=officer, lifetime=grant.expires_in
    )
    response = RedirectResponse(next_path, status_code=303)
    request.app.state.session_cookie.attach(response, signed_in)
    return response


@router.post("/logout")
async def logout(request: Request, session: MaybeSession) -> Response:
    if session is not None and session.access_token:
        api = ApiClient(request.app.state.api_http, token=session.access_token)
        try:
            await api.logout()
        except (ApiError, ApiUnavailable) as exc:
            # The local session is dropped regardless; the token also expires on its own.
            logger.warning("token revocation failed: %s", exc)
    if session is not None:
        request.app.state.sessions.delete(session.id)
    response = redirect(request, "/login")
    request.app.state.session_cookie.clear(response)
    return response
