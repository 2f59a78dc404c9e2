"""Switch the interface language (a cookie; Vietnamese is the default)."""

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse

from web.i18n import LANGUAGE_COOKIE, LOCALES
from web.security import safe_next_path

router = APIRouter()
ONE_YEAR = 365 * 24 * 3600


@router.get("/lang/{code}")
async def switch_language(request: Request, code: str, next: str = "/") -> RedirectResponse:
    # A GET link so it works anywhere without JavaScript; a language preference is not
    # worth forging, so it needs no CSRF token.
    if code not in LOCALES:
        raise HTTPException(status_code=404)
    response = RedirectResponse(safe_next_path(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=ONE_YEAR,
        path="/",
        secure=request.app.state.session_cookie.secure,
        httponly=True,
        samesite="lax",
    )
    return response
