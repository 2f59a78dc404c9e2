"""Annotated dependency aliases that keep routes short."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.passwords import Passwords
from api.auth.principal import Principal
from api.auth.service import credential_digest, principal_for_token
from api.core.scoping import set_principal
from api.db import SessionDep
from api.errors import Forbidden, TooManyRequests, Unauthorized
from api.settings import Settings

bearer = HTTPBearer(
    auto_error=False,
    description="An officer's token from POST /api/v1/auth/token, or an agency's API key.",
)


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its
# thread pool, a hand-over that costs more than these functions themselves.
async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_passwords(request: Request) -> Passwords:
    return request.app.state.passwords


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


async def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The authenticated caller; from here on every query of the session is scoped to it.

    Async: a caller found in the principal cache costs no thread hand-over; only a lookup in
    the database goes to the thread pool."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    cache = request.app.state.principal_cache
    principal = cache.get(credential_digest(credentials.credentials))
    if principal is None:
        principal = await run_in_threadpool(
            principal_for_token, session, credentials.credentials, cache=cache
        )
    if principal is None:
        raise Unauthorized("The token is unknown, expired or revoked.")
    request.state.principal_id = principal.id  # for the request log line
    if principal.kind == "agency" and principal.token_id:
        wait = request.app.state.key_limiter.wait_seconds(principal.token_id)
        if wait:
            raise TooManyRequests(
                "This API key sent too many requests; slow down.",
                headers={"Retry-After": str(wait)},
            )
    set_principal(session, principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def _check_whole_deployment(principal: Principal) -> None:
    # Agencies, their keys and their webhooks reach every commune an agency serves: an
    # administrator limited to some places must not be able to mint that reach.
    if principal.is_restricted:
        raise Forbidden(
            "This needs an administrator of the whole deployment, not one limited to some places."
        )


def require_roles(*roles: str, whole_deployment: bool = False):
    """A dependency that lets only these roles through (403 for the others); with
    `whole_deployment`, officers limited to some places are refused too."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
        if whole_deployment:
            _check_whole_deployment(principal)
        return principal

    return Depends(check)


def require_scope(*scopes: str, roles: tuple[str, ...] = (), whole_deployment: bool = False):
    """Agencies need a key with one of `scopes`; officers one of `roles` (403 otherwise);
    with `whole_deployment`, officers limited to some places are refused too."""
    wanted = " or ".join(repr(scope) for scope in scopes)

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.kind == "agency":
            if principal.scopes.isdisjoint(scopes):
                raise Forbidden(f"This needs an API key with the scope {wanted}.")
            return principal
        if principal.role not in roles:
            raise Forbidden(f"This needs the API key scope {wanted} or another role.")
        if whole_deployment:
            _check_whole_deployment(principal)
        return principal

    check.required_scopes = scopes  # type: ignore[attr-defined]  (read by document_scopes)
    check.roles = roles  # type: ignore[attr-defined]
    return Depends(check)


def document_scopes(router: APIRouter) -> APIRouter:
    """Write each route's API key scopes and officer roles into its OpenAPI description."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        pending = list(route.dependant.dependencies)
        while pending:
            dependency = pending.pop()
            pending.extend(dependency.dependencies)
            scopes = getattr(dependency.call, "required_scopes", None)
            if scopes is None:
                continue
            roles = getattr(dependency.call, "roles", ())
            line = "**API key scope:** " + " or ".join(f"`{s}`" for s in scopes)
            if roles:
                line += "; **officers:** " + ", ".join(roles)
            route.description = f"{route.description}\n\n{line}".strip()
            route.openapi_extra = {**(route.openapi_extra or {}), "x-scopes": list(scopes)}
            break
    return router


READ_ROLES = ("admin", "commune_officer", "auditor")
WRITE_ROLES = ("admin", "commune_officer")

Reader = Annotated[Principal, require_roles(*READ_ROLES)]
Writer = Annotated[Principal, require_roles(*WRITE_ROLES)]
Admin = Annotated[Principal, require_roles("admin")]
DeploymentAdmin = Annotated[Principal, require_roles("admin", whole_deployment=True)]
AuditReader = Annotated[Principal, require_roles("admin", "auditor")]
