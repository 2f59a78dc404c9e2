"""The one place that decides between a full page and an htmx fragment."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

VARY_HEADER = "HX-Request"


def is_htmx(request: Request) -> bool:
    return "hx-request" in request.headers


def wants_fragment(request: Request) -> bool:
    """htmx asked for a piece of the page; a history restore needs the whole page."""
    return is_htmx(request) and "hx-history-restore-request" not in request.headers


def add_vary(response: Response) -> Response:
    """Caches must key on HX-Request: the same URL answers with a page or a fragment."""
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers["Vary"] = VARY_HEADER
    elif VARY_HEADER.lower() not in vary.lower():
        response.headers["Vary"] = f"{vary}, {VARY_HEADER}"
    return response


def redirect(request: Request, url: str) -> Response:
    """Go to ``url``: htmx follows ``HX-Redirect`` with a full load, a plain form a 303."""
    if is_htmx(request):
        return add_vary(Response(status_code=200, headers={"HX-Redirect": url}))
    return add_vary(RedirectResponse(url, status_code=303))
