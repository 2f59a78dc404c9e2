"""Member agencies and their API keys."""

from sqlalchemy import func
from sqlmodel import Session, select

from api.agencies.schemas import AgencyCreate, AgencyUpdate, KeyCreate
from api.audit.service import record_audit, snapshot
from api.auth.api_keys import display_prefix, generate_api_key, hash_api_key
from api.auth.principal import Principal
from api.core.etag import bump_version
from api.core.text import nfc
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.events.service import append_event
from api.models import Agency, AgencyPlace, ApiKey, Place
from api.models.base import utcnow


def get_agency_or_raise(session: Session, agency_id: str, *, for_update: bool = False) -> Agency:
    """An agency the caller may see (an agency sees only itself), else 404."""
    stmt = select(Agency).where(Agency.id == agency_id)
    if for_update:
        stmt = stmt.with_for_update()
    agency = session.exec(stmt).first()
    if agency is None:
        raise NotFound(f"No agency with id {agency_id!r}.")
    return agency


def place_ids_of(session: Session, agency_id: str) -> list[str]:
    stmt = select(AgencyPlace.place_id).where(AgencyPlace.agency_id == agency_id)
    return sorted(session.exec(stmt.execution_options(unscoped=True)))


def agency_public(session: Session, agency: Agency) -> dict:
    return {**agency.model_dump(), "place_ids": place_ids_of(session, agency.id)}


def _set_places(session: Session, agency: Agency, place_ids: list[str]) -> None:
    wanted = sorted(set(place_ids))
    found = set(session.exec(select(Place.id).where(Place.id.in_(wanted))))
    errors = [
        {"pointer": f"/place_ids/{place_ids.index(pid)}", "detail": "unknown place"}
        for pid in wanted
        if pid not in found
    ]
    if errors:
        raise ValidationFailed("Unknown place in place_ids.", errors=errors)
    for link in session.exec(select(AgencyPlace).where(AgencyPlace.agency_id == agency.id)):
        session.delete(link)
    session.flush()
    session.add_all(AgencyPlace(agency_id=agency.id, place_id=pid) for pid in wanted)


def _audit_and_event(session, principal, action, before, agency, changed=None) -> None:
    after = {**snapshot(agency), "place_ids": place_ids_of(session, agency.id)}
    record_audit(
        session,
        principal=principal,
        action=action,
        entity="agency",
        entity_id=agency.id,
        before=before,
        after=after,
    )
    data = {"agency_id": agency.id, "code": agency.code}
    if changed is not None:
        data["changed"] = changed
    append_event(
        session,
        type=f"agency.{'created' if action == 'create' else 'updated'}",
        entity_id=agency.id,
        place_path=None,
        data=data,
        agency_id=agency.id,
    )


def create_agency(session: Session, *, principal: Principal, data: AgencyCreate) -> Agency:
    """Register a member agency (and its optional service area)."""
    taken = session.exec(select(Agency.id).where(Agency.code == data.code)).first()
    if taken is not None:
        raise Conflict(
            f"Agency code {data.code!r} is already used.",
            errors=[{"pointer": "/code", "detail": "already used"}],
        )
    agency = Agency(
        code=data.code,
        name=nfc(data.name),
        name_en=nfc(data.name_en),
        kind=data.kind,
    )
    session.add(agency)
    session.flush()
    _set_places(session, agency, data.place_ids)
    session.flush()
    _audit_and_event(session, principal, "create", None, agency)
    return agency


def update_agency(
    session: Session, *, principal: Principal, agency: Agency, data: AgencyUpdate
) -> Agency:
    """Rename, re-area or (de)activate an agency; an inactive agency's keys stop working."""
    before = {**snapshot(agency), "place_ids": place_ids_of(session, agency.id)}
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "kind", "is_active", "place_ids"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    if "place_ids" in changes:
        _set_places(session, agency, changes.pop("place_ids"))
    for key, value in changes.items():
        setattr(agency, key, nfc(value) if key in ("name", "name_en") else value)
    session.flush()
    after = {**snapshot(agency), "place_ids": place_ids_of(session, agency.id)}
    changed = sorted(k for k, v in after.items() if before.get(k) != v)
    if not changed:
        return agency
    agency.updated_at = utcnow()
    bump_version(agency)
    session.flush()
    _audit_and_event(session, principal, "update", before, agency, changed)
    return agency


def is_live(key: ApiKey) -> bool:
    now = utcnow()
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


def key_public(key: ApiKey) -> dict:
    return {**key.model_dump(exclude={"key_hash"}), "live": is_live(key)}


def list_keys(session: Session, agency_id: str) -> list[ApiKey]:
    stmt = select(ApiKey).where(ApiKey.agency_id == agency_id).order_by(ApiKey.created_at)
    return list(session.exec(stmt))


def _expiry_within_caller(session: Session, principal: Principal, wanted):
    """A key made by an expiring key expires with it at the latest (else a key about to
    expire could mint one that never does)."""
    if principal.kind != "agency" or principal.token_id is None:
        return wanted
    own = session.get(ApiKey, principal.token_id)
    if own is None or own.expires_at is None:
        return wanted
    if wanted is None:
        return own.expires_at
    if wanted > own.expires_at:
        raise ValidationFailed(
            f"expires_at is after the calling key's own expiry ({own.expires_at.isoformat()}).",
            pointer="/expires_at",
        )
    return wanted


def create_key(
    session: Session, *, principal: Principal, agency: Agency, data: KeyCreate, max_live: int
) -> tuple[ApiKey, str]:
    """A new key for the agency; the raw key is returned once and only its hash is kept."""
    if principal.kind == "agency" and not set(data.scopes) <= principal.scopes:
        raise Forbidden("A key cannot create another key with scopes it does not hold itself.")
    now = utcnow()
    expires_at = _expiry_within_caller(session, principal, data.expires_at)
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed("expires_at is in the past.", pointer="/expires_at")
    live = session.exec(
        select(func.count())
        .select_from(ApiKey)
        .where(
            ApiKey.agency_id == agency.id,
            ApiKey.revoked_at.is_(None),
            (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > now),
        )
    ).one()
    if live >= max_live:
        raise Conflict(
            f"The agency already has {live} live keys (at most {max_live}, for rotation): "
            "revoke the old one first."
        )
    raw = generate_api_key()
    key = ApiKey(
        agency_id=agency.id,
        name=nfc(data.name),
        prefix=display_prefix(raw),
        key_hash=hash_api_key(raw),
        scopes=data.scopes,
        expires_at=expires_at,
        created_by=principal.id,
    )
    session.add(key)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="api_key",
        entity_id=key.id,
        after=snapshot(key),
    )
    append_event(
        session,
        type="api_key.created",
        entity_id=key.id,
        place_path=None,
        data={"agency_id": agency.id, "key_id": key.id, "prefix": key.prefix, "scopes": key.scopes},
        agency_id=agency.id,
    )
    return key, raw


def revoke_key(session: Session, *, principal: Principal, agency: Agency, key_id: str) -> ApiKey:
    """Revoke a key at once (idempotent)."""
    stmt = select(ApiKey).where(ApiKey.id == key_id, ApiKey.agency_id == agency.id)
    key = session.exec(stmt.with_for_update()).first()
    if key is None:
        raise NotFound(f"No key {key_id!r} for this agency.")
    if key.revoked_at is not None:
        return key
    before = snapshot(key)
    key.revoked_at = utcnow()
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="revoke",
        entity="api_key",
        entity_id=key.id,
        before=before,
        after=snapshot(key),
    )
    append_event(
        session,
        type="api_key.revoked",
        entity_id=key.id,
        place_path=None,
        data={"agency_id": agency.id, "key_id": key.id, "prefix": key.prefix},
        agency_id=agency.id,
    )
    return key
