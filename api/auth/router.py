"""/api/v1/auth: tokens for officers."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from api.audit.service import record_audit
from api.auth import service, throttle
from api.auth.principal import Principal
from api.core.idempotency import SecretAnswer
from api.db import SessionDep
from api.deps import CurrentPrincipal, PasswordsDep, SettingsDep
from api.errors import TooManyRequests, Unauthorized, problem_response
from api.models import AuthToken
from api.models.base import utcnow
from api.users.schemas import Me
from api.users.service import get_user_or_raise, place_ids_of

router = APIRouter(prefix="/auth", tags=["auth"])


ANONYMOUS = Principal(kind="anonymous", id="anonymous", role="none")


def _audit_login(session, request: Request, action: str, user_id: str | None) -> None:
    """Login attempts go to the audit trail: who (if known), from where, what happened."""
    address = request.client.host if request.client else None
    actor = ANONYMOUS
    if action == "login" and user_id is not None:
        actor = Principal(kind="user", id=user_id, role="")
    record_audit(
        session,
        principal=actor,
        action=action,
        entity="user",
        entity_id=user_id or "unknown",
        after={"address": address},
    )


def _refused(error: Unauthorized | TooManyRequests):
    # Answered, not raised: the failure count and its audit row must commit.
    return problem_response(
        error.status, error.title, error.detail, error.slug, headers=error.headers
    )


@router.post(
    "/token",
    dependencies=[SecretAnswer],
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many failed logins: wait Retry-After seconds"},
    },
)
def issue_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    passwords: PasswordsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
):
    """OAuth2 password flow: a bearer token for an officer. Repeated failures for a username
    (or from one address) lock it for a while: 429 with Retry-After, whether it exists or not.

    The answer holds the token, so it is never stored for an `Idempotency-Key`: a retry
    issues another token (end a spare one with POST /api/v1/auth/logout)."""
    keys = throttle.keys_for(username, request.client.host if request.client else None, settings)
    wait = throttle.locked_seconds(session, keys, now=utcnow())
    if wait:
        _audit_login(session, request, "login_locked", service.user_id_for(session, username))
        return _refused(_too_many(wait))
    user = service.authenticate(session, passwords=passwords, username=username, password=password)
    if user is None:
        known = service.user_id_for(session, username)
        locked = throttle.record_failure(session, keys, settings)
        _audit_login(session, request, "login_failed", known)
        if locked:
            return _refused(_too_many(locked))
        return _refused(Unauthorized("Wrong username or password."))
    throttle.record_success(session, keys)
    _audit_login(session, request, "login", user.id)
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
            if principal.kind == "user":
                record_audit(
                    session,
                    principal=principal,
                    action="logout",
                    entity="user",
                    entity_id=principal.id,
                )
    return Response(status_code=204)


def _too_many(seconds: int) -> TooManyRequests:
    return TooManyRequests(
        "Too many failed logins; try again later.", headers={"Retry-After": str(seconds)}
    )


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
