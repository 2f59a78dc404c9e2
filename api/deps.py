"""Annotated dependency aliases that keep routes short."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.passwords import Passwords
from api.auth.principal import Principal
from api.auth.service import principal_for_token
from api.core.scoping import set_principal
from api.db import SessionDep
from api.errors import Forbidden, Unauthorized
from api.settings import Settings

bearer = HTTPBearer(
    auto_error=False,
    description="An officer's token from POST /api/v1/auth/token, or an agency's API key.",
)


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_passwords(request: Request) -> Passwords:
    return request.app.state.passwords


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The authenticated caller; from here on every query of the session is scoped to it."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    principal = principal_for_token(session, credentials.credentials)
    if principal is None:
        raise Unauthorized("The token is unknown, expired or revoked.")
    set_principal(session, principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str):
    """A dependency that lets only these roles through (403 for the others)."""

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
        return principal

    return Depends(check)


READ_ROLES = ("admin", "commune_officer", "auditor")
WRITE_ROLES = ("admin", "commune_officer")

Reader = Annotated[Principal, require_roles(*READ_ROLES)]
Writer = Annotated[Principal, require_roles(*WRITE_ROLES)]
Admin = Annotated[Principal, require_roles("admin")]
AuditReader = Annotated[Principal, require_roles("admin", "auditor")]
