"""Rules of the administrative tree."""

from datetime import date

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.etag import bump_version
from api.core.text import fold, nfc
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.models import Place
from api.models.base import new_id, utcnow
from api.models.places import COMMUNE_LEVELS, LEVEL_RANK
from api.places.schemas import PlaceCreate, PlaceUpdate

# A commune-level unit's area when none is given: a ward or town is urban.
DEFAULT_AREA = {"commune": "rural", "ward": "urban", "town": "urban"}
# The levels a unit may sit directly under: a district may be skipped, a commune may not.
PARENT_LEVELS = {
    "province": frozenset(),
    "district": frozenset({"province"}),
    **{level: frozenset({"province", "district"}) for level in COMMUNE_LEVELS},
    "hamlet": COMMUNE_LEVELS,
    "quarter": COMMUNE_LEVELS,
}
# A commune officer keeps the hamlets and quarters of their commune up to date; the units
# above (whose area sets the poverty line) belong to the administrators.
OFFICER_LEVELS = frozenset({"hamlet", "quarter"})


def get_place_or_raise(session: Session, place_id: str, *, for_update: bool = False) -> Place:
    """A place the caller may see, else 404; locked for the transaction when updating."""
    stmt = select(Place).where(Place.id == place_id)
    if for_update:
        stmt = stmt.with_for_update()
    place = session.exec(stmt).first()
    if place is None:
        raise NotFound(f"No place with id {place_id!r}.")
    return place


def find_visible_place(session: Session, place_id: str, *, pointer: str) -> Place:
    """A referenced place the caller may see, else a 422 naming the field."""
    place = session.exec(select(Place).where(Place.id == place_id)).first()
    if place is None:
        raise ValidationFailed(f"Unknown place {place_id!r}.", pointer=pointer)
    return place


def is_valid_on(place: Place, day: date) -> bool:
    return (place.valid_from is None or place.valid_from <= day) and (
        place.valid_to is None or day <= place.valid_to
    )


def effective_area(session: Session, place: Place) -> str | None:
    """Rural or urban: the place's own, else its commune-level ancestor's."""
    if place.area:
        return place.area
    ids = [part for part in place.path.strip("/").split("/") if part]
    ancestors = session.exec(select(Place).where(Place.id.in_(ids))).all()
    for ancestor in sorted(ancestors, key=lambda p: -len(p.path)):
        if ancestor.area:
            return ancestor.area
    return None


def commune_of(session: Session, place: Place) -> Place | None:
    """The commune, ward or town that contains a place (itself if it is one)."""
    if place.level in COMMUNE_LEVELS:
        return place
    ids = [part for part in place.path.strip("/").split("/") if part]
    return session.exec(
        select(Place).where(Place.id.in_(ids), Place.level.in_(sorted(COMMUNE_LEVELS)))
    ).first()


def _is_officer(principal: Principal) -> bool:
    return principal.role == "commune_officer"


def _strictly_below_own(principal: Principal, path: str) -> bool:
    """Inside one of the caller's places but not that place itself."""
    return any(path.startswith(p) and path != p for p in principal.place_paths or ())


def _check_officer_may_add(principal: Principal, level: str) -> None:
    if _is_officer(principal) and level not in OFFICER_LEVELS:
        raise Forbidden(
            "A commune officer can add only hamlets and quarters; provinces, districts and "
            "communes are added by an administrator.",
            detail_vi="Cán bộ xã chỉ được thêm ấp, khu phố; tỉnh, huyện, xã do quản trị viên thêm.",
        )


def _check_officer_may_change(principal: Principal, place: Place) -> None:
    if not _is_officer(principal):
        return
    if place.level not in OFFICER_LEVELS or not _strictly_below_own(principal, place.path):
        raise Forbidden(
            "A commune officer can change only the hamlets and quarters of their commune; "
            "the commune and the units above it are changed by an administrator.",
            detail_vi="Cán bộ xã chỉ được sửa ấp, khu phố của xã mình; xã và các cấp trên "
            "do quản trị viên sửa.",
        )


def _check_code_free(session: Session, code: str, *, except_id: str | None = None) -> None:
    stmt = select(Place.id).where(Place.code == code).execution_options(unscoped=True)
    existing = session.exec(stmt).first()
    if existing is not None and existing != except_id:
        raise Conflict(
            f"Place code {code!r} is already used.",
            errors=[{"pointer": "/code", "detail": "already used"}],
        )


def create_place(session: Session, *, principal: Principal, data: PlaceCreate) -> Place:
    """Add a unit under a parent the caller covers; levels must go downwards."""
    _check_officer_may_add(principal, data.level)
    parent = None
    if data.parent_id:
        parent = find_visible_place(session, data.parent_id, pointer="/parent_id")
        if not principal.covers_path(parent.path):
            raise Forbidden("You can only add places inside your own places.")
        if parent.level not in PARENT_LEVELS[data.level]:
            raise ValidationFailed(
                f"A {data.level} cannot be placed under a {parent.level}.", pointer="/level"
            )
    elif principal.is_restricted:
        raise Forbidden("Only an administrator of the whole deployment adds top-level places.")
    elif data.level != "province":
        raise ValidationFailed(f"A {data.level} needs a parent_id.", pointer="/parent_id")
    if data.area and data.level not in COMMUNE_LEVELS:
        raise ValidationFailed(
            "Only a commune, ward or town is rural or urban; hamlets take their commune's.",
            pointer="/area",
        )
    _check_code_free(session, data.code)
    place_id = new_id("pl")
    place = Place(
        id=place_id,
        code=data.code,
        name=nfc(data.name),
        name_search=fold(data.name),
        level=data.level,
        parent_id=parent.id if parent else None,
        path=(parent.path if parent else "/") + place_id + "/",
        area=data.area or DEFAULT_AREA.get(data.level),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
    )
    session.add(place)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="place",
        entity_id=place.id,
        after=snapshot(place),
        place_path=place.path,
    )
    return place


def update_place(
    session: Session, *, principal: Principal, place: Place, data: PlaceUpdate
) -> Place:
    """Rename, re-code, close (valid_to) or mark merged; the parent never changes."""
    if not principal.covers_path(place.path):
        raise Forbidden("You can only change places inside your own places.")
    _check_officer_may_change(principal, place)
    before = snapshot(place)
    changes = data.model_dump(exclude_unset=True)
    if "code" in changes and changes["code"] != place.code:
        _check_code_free(session, changes["code"], except_id=place.id)
    if changes.get("area") and place.level not in COMMUNE_LEVELS:
        raise ValidationFailed("Only a commune, ward or town is rural or urban.", pointer="/area")
    if changes.get("merged_into_id"):
        target = find_visible_place(session, changes["merged_into_id"], pointer="/merged_into_id")
        if target.id == place.id or target.path.startswith(place.path):
            raise ValidationFailed("A place cannot merge into itself.", pointer="/merged_into_id")
        if LEVEL_RANK[target.level] != LEVEL_RANK[place.level]:
            raise ValidationFailed(
                f"A {place.level} can only merge into a unit of its rank, not a {target.level}.",
                pointer="/merged_into_id",
            )
    for key, value in changes.items():
        setattr(place, key, value)
    if "name" in changes:
        place.name = nfc(place.name)
        place.name_search = fold(place.name)
    if place.valid_from and place.valid_to and place.valid_to < place.valid_from:
        raise ValidationFailed("valid_to is before valid_from.", pointer="/valid_to")
    place.updated_at = utcnow()
    bump_version(place)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="place",
        entity_id=place.id,
        before=before,
        after=snapshot(place),
        place_path=place.path,
    )
    return place
