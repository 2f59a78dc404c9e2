"""/api/v1/users: officers' accounts (administrators only, except one's own password)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from sqlmodel import select

from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.core.scoping import path_within
from api.db import SessionDep
from api.deps import Admin, CurrentPrincipal, PasswordsDep
from api.errors import Forbidden, NotFound
from api.models import Place, User, UserPlace
from api.users import service
from api.users.schemas import PasswordChange, UserCreate, UserPage, UserPublic, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])


def _visible_users(principal):
    """An administrator limited to some places sees the users working only inside them: an
    account that also covers a place outside (or, with no place, covers everything) is not
    theirs to read or change, or they could reset its password and take its reach."""
    stmt = select(User)
    if principal.is_restricted:
        inside = select(Place.id).where(path_within(Place.path, principal))
        has_inside = select(UserPlace.user_id).where(UserPlace.place_id.in_(inside))
        has_outside = select(UserPlace.user_id).where(UserPlace.place_id.not_in(inside))
        stmt = stmt.where(User.id.in_(has_inside), User.id.not_in(has_outside))
    return stmt


@router.post("", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(
    data: UserCreate,
    session: SessionDep,
    principal: Admin,
    passwords: PasswordsDep,
    response: Response,
):
    """Create an officer, administrator or auditor account."""
    user = service.create_user(session, principal=principal, passwords=passwords, data=data)
    set_etag(response, user)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return service.user_public(session, user)


@router.get("", response_model=UserPage)
def list_users(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Admin,
    page: Annotated[PageParams, Depends(page_params)],
):
    result = paginate(
        session,
        _visible_users(principal),
        order=[(User.id, False)],
        params=page,
        request=request,
        response=response,
    )
    result["items"] = [service.user_public(session, user) for user in result["items"]]
    return result


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    data: PasswordChange,
    session: SessionDep,
    principal: CurrentPrincipal,
    passwords: PasswordsDep,
):
    """Change your own password; all your tokens are revoked (log in again)."""
    if principal.kind != "user":
        raise Forbidden("Only officers have passwords.")
    service.change_own_password(
        session,
        principal=principal,
        passwords=passwords,
        current=data.current_password.get_secret_value(),
        new=data.new_password.get_secret_value(),
    )
    return Response(status_code=204)


def _get_visible(session, principal, user_id: str, *, for_update: bool = False) -> User:
    user = service.get_user_or_raise(session, user_id, for_update=for_update)
    visible = session.exec(_visible_users(principal).where(User.id == user_id)).first()
    if visible is None:
        raise NotFound(f"No user with id {user_id!r}.")  # same 404 as an unknown id
    return user


@router.get("/{user_id}", response_model=UserPublic)
def read_user(user_id: str, session: SessionDep, principal: Admin, response: Response):
    user = _get_visible(session, principal, user_id)
    set_etag(response, user)
    return service.user_public(session, user)


@router.patch("/{user_id}", response_model=UserPublic)
def update_user(
    user_id: str,
    data: UserUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Admin,
    passwords: PasswordsDep,
):
    """Change role, places or activity, or reset the password (needs If-Match)."""
    user = _get_visible(session, principal, user_id, for_update=True)
    require_if_match(request, user)
    user = service.update_user(
        session, principal=principal, passwords=passwords, user=user, data=data
    )
    set_etag(response, user)
    return service.user_public(session, user)
