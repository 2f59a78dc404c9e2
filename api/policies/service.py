"""Each agency's policy catalogue."""

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.etag import bump_version
from api.core.text import nfc
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.events.service import append_event
from api.models import Agency, Policy
from api.models.base import utcnow
from api.policies.schemas import PolicyCreate, PolicyUpdate

TEXT_FIELDS = ("name", "name_en", "description")


def get_policy_or_raise(session: Session, policy_id: str, *, for_update: bool = False) -> Policy:
    """A policy the caller may see (an agency: only its own), else 404."""
    stmt = select(Policy).where(Policy.id == policy_id)
    if for_update:
        stmt = stmt.with_for_update()
    policy = session.exec(stmt).first()
    if policy is None:
        raise NotFound(f"No policy with id {policy_id!r}.")
    return policy


def _owner(session: Session, principal: Principal, agency_id: str | None) -> Agency:
    """The agency a new policy belongs to: the calling agency, or the one an admin names."""
    if principal.kind == "agency":
        if agency_id not in (None, principal.id):
            raise Forbidden("An agency creates policies only for itself.")
        agency_id = principal.id
    elif agency_id is None:
        raise ValidationFailed("Name the agency that owns the policy.", pointer="/agency_id")
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise ValidationFailed(f"Unknown agency {agency_id!r}.", pointer="/agency_id")
    return agency


def _event(session: Session, policy: Policy, kind: str, changed: list[str] | None = None) -> None:
    data = {
        "policy_id": policy.id,
        "agency_id": policy.agency_id,
        "code": policy.code,
        "category": policy.category,
    }
    if changed is not None:
        data["changed"] = changed
    append_event(
        session,
        type=f"policy.{kind}",
        entity_id=policy.id,
        place_path=None,
        data=data,
        agency_id=policy.agency_id,
    )


def create_policy(session: Session, *, principal: Principal, data: PolicyCreate) -> Policy:
    """Add a policy to an agency's catalogue; its code is unique within the agency."""
    agency = _owner(session, principal, data.agency_id)
    stmt = select(Policy.id).where(Policy.agency_id == agency.id, Policy.code == data.code)
    if session.exec(stmt.execution_options(unscoped=True)).first() is not None:
        raise Conflict(
            f"The agency already has a policy with code {data.code!r}.",
            errors=[{"pointer": "/code", "detail": "already used by this agency"}],
        )
    values = data.model_dump(exclude={"agency_id"})
    for key in TEXT_FIELDS:
        values[key] = nfc(values[key])
    policy = Policy(agency_id=agency.id, **values)
    session.add(policy)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="policy",
        entity_id=policy.id,
        after=snapshot(policy),
    )
    _event(session, policy, "created")
    return policy


def update_policy(
    session: Session, *, principal: Principal, policy: Policy, data: PolicyUpdate
) -> Policy:
    """Change a policy; records already saved keep the attributes they were checked with."""
    if principal.kind == "agency" and policy.agency_id != principal.id:
        raise Forbidden("An agency changes only its own policies.")
    before = snapshot(policy)
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "eligible_statuses", "escaped_within_years", "required_flags"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    if changes.get("is_active", True) is None:
        raise ValidationFailed("is_active cannot be null.", pointer="/is_active")
    for key, value in changes.items():
        setattr(policy, key, nfc(value) if key in TEXT_FIELDS else value)
    after = snapshot(policy)
    changed = sorted(k for k, v in after.items() if before.get(k) != v)
    if not changed:
        return policy
    policy.updated_at = utcnow()
    bump_version(policy)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="policy",
        entity_id=policy.id,
        before=before,
        after=snapshot(policy),
    )
    _event(session, policy, "updated", changed)
    return policy
