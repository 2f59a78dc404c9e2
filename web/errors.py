"""Exception handlers: every failure becomes a clear page (or fragment) in the officer's
language, never a stack trace."""

import logging
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from web.client_base import ApiError, ApiUnavailable
from web.deps import LOGIN_PATH, CsrfRejected, LoginRequired, current_session
from web.htmx import add_vary, redirect, wants_fragment
from web.i18n import N_, locale_from, translations_for
from web.rendering import base_context, render
from web.security import UNSAFE_METHODS, apply_security_headers, safe_next_path

logger = logging.getLogger(__name__)

EXPIRED_PARAM = "expired"


@dataclass(frozen=True)
class ErrorText:
    title: str
    message: str


NOT_FOUND = ErrorText(
    N_("Page not found"),
    N_(
        "We could not find what you asked for. It may have been removed, or the address "
        "may be wrong."
    ),
)
API_UNAVAILABLE = ErrorText(
    N_("The data service is unavailable"),
    N_(
        "The web app cannot reach the data service right now. Your data is safe; please try "
        "again in a few minutes."
    ),
)
FORBIDDEN = ErrorText(N_("Access denied"), N_("Your account is not allowed to see or change this."))
CSRF_REJECTED = ErrorText(
    N_("This form has expired"),
    N_("For your security, the form could not be accepted. Please reload the page and try again."),
)
API_FAILED = ErrorText(
    N_("The data service reported an error"),
    N_("Please try again. If the problem continues, tell your system administrator."),
)
REQUEST_FAILED = ErrorText(
    N_("The request could not be completed"), N_("Please check what you entered and try again.")
)
UNEXPECTED = ErrorText(
    N_("Something went wrong"), N_("An unexpected error occurred. Please try again.")
)


def error_response(
    request: Request, status_code: int, text: ErrorText, *, detail: str = ""
) -> HTMLResponse:
    """The error page, or for htmx the error fragment that replaces the target."""
    gettext = translations_for(request).gettext
    # "Try again" repeats a page view; a repeated form post would need the form back.
    retry_url = None if request.method in UNSAFE_METHODS else base_context(request)["current_path"]
    context = {
        "title": gettext(text.title),
        "message": gettext(text.message),
        "detail": detail,
        "retry_url": retry_url,
    }
    template = "partials/error.html" if wants_fragment(request) else "pages/error.html"
    return add_vary(render(request, template, context, status_code=status_code))


async def _return_path(request: Request) -> str:
    """Where to come back after signing in: this page, or for a form post the page it was on
    (never another site's page: the origin must be this host)."""
    if request.method not in UNSAFE_METHODS:
        query = request.url.query
        return safe_next_path(request.url.path + (f"?{query}" if query else ""))
    if request.url.path == LOGIN_PATH:
        # The login form itself: it already says where it was going.
        form = await request.form()
        value = form.get("next")
        return safe_next_path(value if isinstance(value, str) else None)
    origin = request.headers.get("hx-current-url") or request.headers.get("referer") or ""
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or parts.netloc != request.url.netloc:
        return "/"
    if parts.path == LOGIN_PATH:
        return "/"
    return safe_next_path(parts.path + (f"?{parts.query}" if parts.query else ""))


async def login_redirect(request: Request, *, expired: bool = False) -> Response:
    """To the login page and back to ``next`` after; ``expired`` makes the login page say
    the session ended (not shown to someone who never signed in)."""
    session = current_session(request)
    if session is not None and session.is_authenticated:
        # The API no longer accepts this token: forget it, keep nothing half signed in.
        request.app.state.sessions.delete(session.id)
        expired = True
    next_path = await _return_path(request)
    params = {} if next_path == "/" else {"next": next_path}
    if expired:
        params[EXPIRED_PARAM] = "1"
    query = "?" + urlencode(params) if params else ""
    response = redirect(request, f"{LOGIN_PATH}{query}")
    request.app.state.session_cookie.clear(response)
    return response


async def on_login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return await login_redirect(request, expired=exc.expired)


async def on_csrf_rejected(request: Request, exc: Exception) -> Response:
    return error_response(request, 403, CSRF_REJECTED)


async def on_api_unavailable(request: Request, exc: Exception) -> Response:
    logger.warning("API unavailable: %s", exc)
    return error_response(request, 503, API_UNAVAILABLE)


async def on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.status == 401:
        return await login_redirect(request)
    if exc.status == 403:
        return error_response(request, 403, FORBIDDEN)
    if exc.status == 404:
        return error_response(request, 404, NOT_FOUND)
    if exc.status >= 500:
        logger.error("API error: %s", exc)
        return error_response(request, 502, API_FAILED)
    detail = exc.detail_in(locale_from(request))
    return error_response(request, exc.status, REQUEST_FAILED, detail=detail)


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(request, 404, NOT_FOUND)
    return error_response(request, exc.status_code, REQUEST_FAILED)


async def on_invalid_request(request: Request, exc: Exception) -> Response:
    return error_response(request, 400, REQUEST_FAILED)


async def on_unexpected(request: Request, exc: Exception) -> Response:
    # Runs in Starlette's outermost middleware, outside SecurityHeadersMiddleware, so the
    # headers are set here too. The stack trace goes to the log, never to the page.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    try:
        response: Response = error_response(request, 500, UNEXPECTED)
    except Exception:  # the error page itself failed; plain text is all that is left
        response = PlainTextResponse("500", status_code=500)
    apply_security_headers(response.headers, path=request.url.path)
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(CsrfRejected, on_csrf_rejected)
    app.add_exception_handler(ApiUnavailable, on_api_unavailable)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(HTTPException, on_http_exception)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(Exception, on_unexpected)
