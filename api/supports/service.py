"""Recording supports one at a time (POST, PATCH) and finding them."""

from datetime import date

from pydantic import ValidationError
from sqlalchemy import false
from sqlmodel import Session, select

from api.auth.principal import Principal
from api.errors import Conflict, NotFound, ValidationFailed
from api.models import Household, Place, Support
from api.supports.rules import existing_for, load_refs, moved, prepare
from api.supports.schemas import SupportIn, SupportUpdate
from api.supports.writes import Plan, write_plans


def get_support_or_raise(session: Session, support_id: str, *, for_update: bool = False) -> Support:
    """A support the caller may see (an agency: its own; an officer: in their places)."""
    stmt = select(Support).where(Support.id == support_id)
    if for_update:
        stmt = stmt.with_for_update()
    support = session.exec(stmt).first()
    if support is None:
        raise NotFound(f"No support with id {support_id!r}.")
    return support


def _raise_invalid(errors: list[dict[str, str]]) -> None:
    detail = errors[0]["detail"] if len(errors) == 1 else f"{len(errors)} problems in the record."
    raise ValidationFailed(f"{errors[0]['pointer']}: {detail}", errors=errors)


def _save(session: Session, principal: Principal, item: SupportIn, *, existing=None, **kw):
    refs = load_refs(session, principal=principal, items=[item])
    values, errors = prepare(item, refs, **kw)
    if errors:
        _raise_invalid(errors)
    plan = Plan(index=0, values=values, existing=existing or existing_for(refs, values))
    if plan.existing is not None:
        _refuse_move(plan)
    write_plans(session, principal=principal, plans=[plan], refs=refs)
    if plan.outcome == "failed":
        raise Conflict(plan.errors[0]["detail"], errors=plan.errors)
    if plan.outcome == "created":  # the row as inserted: no need to read it back
        return Support.model_validate(plan.row), plan.outcome
    # Updated in bulk SQL: read it again (an object already in the session is refreshed).
    support = session.get(Support, plan.support_id, populate_existing=True)
    return support, plan.outcome


def _refuse_move(plan: Plan) -> None:
    errors = moved(plan.existing, plan.values)
    if errors:
        ref = plan.values["external_ref"]
        raise Conflict(
            errors[0]["detail"],
            errors=errors,
            detail_vi=(
                f"Mã tham chiếu {ref!r} đã dùng cho một hỗ trợ của hộ hoặc chính sách khác; "
                "gửi lại không được đổi hộ, chính sách: hãy ghi hỗ trợ mới với mã tham chiếu khác."
            ),
        )


def record_support(
    session: Session, *, principal: Principal, data: SupportIn
) -> tuple[Support, str]:
    """Save a support; the same external_ref again updates it (created, updated or ignored)."""
    return _save(session, principal, data)


def update_support(
    session: Session, *, principal: Principal, support: Support, data: SupportUpdate
) -> tuple[Support, str]:
    """Change a support's status, date, amounts or attributes, with the same checks."""
    changes = data.model_dump(exclude_unset=True)
    for name in ("delivered_on", "funding_source", "status", "attributes"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    current = support.model_dump(
        include={
            "household_id",
            "policy_id",
            "delivered_on",
            "amount_vnd",
            "quantity",
            "funding_source",
            "status",
            "external_ref",
            "attributes",
            "note",
            "need_id",
        }
    )
    try:
        item = SupportIn.model_validate({**current, **changes})
    except ValidationError as exc:
        errors = [
            {"pointer": "/" + "/".join(str(p) for p in e["loc"]), "detail": e["msg"]}
            for e in exc.errors()
        ]
        _raise_invalid(errors)
    return _save(session, principal, item, existing=support, require_ref=False)


def filters(
    session: Session,
    *,
    place_id: str | None,
    household_id: str | None,
    agency_id: str | None,
    policy_id: str | None,
    category: str | None,
    funding_source: str | None,
    status: str | None,
    external_ref: str | None,
    delivered_from: date | None,
    delivered_to: date | None,
):
    """The list query; an unknown place matches nothing, never everything."""
    stmt = select(Support)
    for column, value in (
        (Support.household_id, household_id),
        (Support.agency_id, agency_id),
        (Support.policy_id, policy_id),
        (Support.category, category),
        (Support.funding_source, funding_source),
        (Support.status, status),
        (Support.external_ref, external_ref),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if place_id is not None:
        path = session.exec(select(Place.path).where(Place.id == place_id)).first()
        if path is None:
            return stmt.where(false())
        inside = select(Household.id).where(Household.place_path.startswith(path, autoescape=True))
        stmt = stmt.where(Support.household_id.in_(inside))
    if delivered_from is not None:
        stmt = stmt.where(Support.delivered_on >= delivered_from)
    if delivered_to is not None:
        stmt = stmt.where(Support.delivered_on <= delivered_to)
    return stmt
