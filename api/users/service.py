"""Officers' accounts: creation by an administrator, roles, places and passwords."""

from sqlalchemy import func
from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.passwords import Passwords, check_password_rules
from api.auth.principal import Principal
from api.auth.service import revoke_user_tokens
from api.core.etag import bump_version
from api.core.text import nfc
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.models import Place, User, UserPlace
from api.models.base import utcnow
from api.users.schemas import UserCreate, UserPublic, UserUpdate


def place_ids_of(session: Session, user_id: str) -> list[str]:
    stmt = select(UserPlace.place_id).where(UserPlace.user_id == user_id)
    return sorted(session.exec(stmt))


def user_public(session: Session, user: User) -> UserPublic:
    return UserPublic(**user.model_dump(), place_ids=place_ids_of(session, user.id))


def get_user_or_raise(session: Session, user_id: str, *, for_update: bool = False) -> User:
    stmt = select(User).where(User.id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    user = session.exec(stmt).first()
    if user is None:
        raise NotFound(f"No user with id {user_id!r}.")
    return user


def _check_places(session: Session, principal: Principal, role: str, place_ids: list[str]) -> None:
    """The places exist, lie inside the administrator's own, and an officer has some."""
    for index, place_id in enumerate(place_ids):
        place = session.exec(select(Place).where(Place.id == place_id)).first()
        if place is None or not principal.covers_path(place.path):
            raise ValidationFailed(f"Unknown place {place_id!r}.", pointer=f"/place_ids/{index}")
    if role == "commune_officer" and not place_ids:
        raise ValidationFailed("A commune officer needs at least one place.", pointer="/place_ids")
    if principal.is_restricted and not place_ids:
        raise Forbidden("You can only create users inside your own places.")


def _set_places(session: Session, user_id: str, place_ids: list[str]) -> None:
    for link in session.exec(select(UserPlace).where(UserPlace.user_id == user_id)):
        session.delete(link)
    session.flush()
    session.add_all(UserPlace(user_id=user_id, place_id=pid) for pid in sorted(set(place_ids)))


def create_user(
    session: Session, *, principal: Principal, passwords: Passwords, data: UserCreate
) -> User:
    """A new officer account; the password is stored only as an argon2 hash."""
    username = data.username.lower()
    check_password_rules(data.password.get_secret_value(), username=username)
    existing = session.exec(select(User.id).where(User.username == username)).first()
    if existing:
        raise Conflict(
            f"Username {username!r} is taken.",
            errors=[{"pointer": "/username", "detail": "already taken"}],
        )
    _check_places(session, principal, data.role, data.place_ids)
    user = User(
        username=username,
        full_name=nfc(data.full_name),
        password_hash=passwords.hash(data.password.get_secret_value()),
        role=data.role,
    )
    session.add(user)
    session.flush()
    _set_places(session, user.id, data.place_ids)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="user",
        entity_id=user.id,
        after={**snapshot(user), "place_ids": sorted(set(data.place_ids))},
    )
    return user


def _keep_one_administrator(session: Session, user: User, changes: dict) -> None:
    """The last active administrator of the whole deployment cannot be deactivated, demoted
    or limited to some places: nobody would be left to manage accounts and agencies."""
    leaves = (
        changes.get("is_active") is False
        or changes.get("role", "admin") != "admin"
        or bool(changes.get("place_ids"))
    )
    if user.role != "admin" or not user.is_active or not leaves:
        return
    if place_ids_of(session, user.id):
        return  # an administrator limited to some places is not the one that matters
    others = session.exec(
        select(func.count())
        .select_from(User)
        .where(
            User.role == "admin",
            User.is_active,
            User.id != user.id,
            User.id.not_in(select(UserPlace.user_id)),
        )
    ).one()
    if others == 0:
        raise Conflict(
            "This is the last active administrator of the whole deployment: make another one "
            "first.",
            detail_vi="Đây là quản trị viên toàn hệ thống cuối cùng còn hoạt động: hãy tạo "
            "một quản trị viên khác trước.",
        )


def update_user(
    session: Session, *, principal: Principal, passwords: Passwords, user: User, data: UserUpdate
) -> User:
    """Change role, places, activity or reset the password; tokens end when it matters."""
    before = {**snapshot(user), "place_ids": place_ids_of(session, user.id)}
    changes = data.model_dump(exclude_unset=True)
    role = changes.get("role") or user.role
    _keep_one_administrator(session, user, changes)
    if "place_ids" in changes or "role" in changes:
        place_ids = changes.get("place_ids")
        if place_ids is None:
            place_ids = before["place_ids"]
        _check_places(session, principal, role, place_ids)
        _set_places(session, user.id, place_ids)
    for name in ("full_name", "role", "is_active"):
        if changes.get(name) is not None:
            setattr(user, name, nfc(changes[name]) if name == "full_name" else changes[name])
    end_sessions = changes.get("is_active") is False or "role" in changes or "place_ids" in changes
    if data.password is not None:
        password = data.password.get_secret_value()
        check_password_rules(password, username=user.username)
        user.password_hash = passwords.hash(password)
        user.password_changed_at = utcnow()
        end_sessions = True
    if end_sessions:
        revoke_user_tokens(session, user_id=user.id)
    user.updated_at = utcnow()
    bump_version(user)
    session.flush()
    after = {**snapshot(user), "place_ids": place_ids_of(session, user.id)}
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="user",
        entity_id=user.id,
        before=before,
        after=after,
    )
    return user


def change_own_password(
    session: Session, *, principal: Principal, passwords: Passwords, current: str, new: str
) -> None:
    """The caller changes their password; every token of theirs is revoked."""
    user = get_user_or_raise(session, principal.id, for_update=True)
    if not passwords.verify(user.password_hash, current):
        raise ValidationFailed("The current password is wrong.", pointer="/current_password")
    check_password_rules(new, username=user.username, pointer="/new_password")
    user.password_hash = passwords.hash(new)
    user.password_changed_at = utcnow()
    user.updated_at = user.password_changed_at
    bump_version(user)
    revoke_user_tokens(session, user_id=user.id)
    record_audit(
        session, principal=principal, action="password_change", entity="user", entity_id=user.id
    )
