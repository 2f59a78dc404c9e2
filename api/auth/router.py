"""/api/v1/auth: tokens for officers."""

from typing import Annotated

from fastapi import APIRouter, Form, Response, status

from api.auth import service
from api.db import SessionDep
from api.deps import CurrentPrincipal, PasswordsDep, SettingsDep
from api.errors import Unauthorized
from api.models import AuthToken
from api.models.base import utcnow
from api.users.schemas import Me
from api.users.service import get_user_or_raise, place_ids_of

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def issue_token(
    session: SessionDep,
    settings: SettingsDep,
    passwords: PasswordsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
):
    """OAuth2 password flow: a bearer token for an officer."""
    user = service.authenticate(session, passwords=passwords, username=username, password=password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    token = service.issue_token(session, user=user, ttl_seconds=settings.token_ttl_seconds)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": settings.token_ttl_seconds,
    }


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: SessionDep, principal: CurrentPrincipal):
    """Revoke the token used for this request."""
    if principal.token_id:
        token = session.get(AuthToken, principal.token_id)
        if token is not None and token.revoked_at is None:
            token.revoked_at = utcnow()
    return Response(status_code=204)


@router.get("/me", response_model=Me)
def me(session: SessionDep, principal: CurrentPrincipal):
    """Who the token belongs to, and where they work."""
    if principal.kind != "user":
        return Me(
            id=principal.id,
            username=principal.id,
            full_name=principal.name,
            role=principal.role,
            place_ids=[],
        )
    user = get_user_or_raise(session, principal.id)
    return Me(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        place_ids=place_ids_of(session, user.id),
    )
