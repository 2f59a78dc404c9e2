"""Saving prepared support rows in batches, each with its audit row and its event."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from api.audit.service import record_audits
from api.auth.principal import Principal
from api.core.bulkinsert import any_of, insert_rows, update_rows
from api.events.service import append_events
from api.models import Need, Support
from api.models.base import new_id, utcnow
from api.models.supports import HAPPENED_STATUSES
from api.needs.service import close_need
from api.supports.rules import (
    VALUE_FIELDS,
    ExistingRef,
    Refs,
    find_existing,
    lookups,
    moved,
    unchanged,
)

UPDATED_COLUMNS = (*VALUE_FIELDS, "updated_at", "version")


@dataclass
class Plan:
    """One item on its way to the database, and what became of it."""

    index: int
    values: dict[str, Any]
    existing: ExistingRef | Support | None
    outcome: str = ""
    support_id: str | None = None
    errors: list[dict[str, str]] | None = None
    row: dict[str, Any] | None = None


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()}


def _insert_rows(session: Session, plans: list[Plan]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a row another request saved first is left alone."""
    table = Support.__table__
    with_ref = [p for p in plans if p.values["external_ref"]]
    saved = set(
        insert_rows(
            session,
            table,
            [p.row for p in with_ref],
            skip_conflicts_on=["agency_id", "external_ref"],
            returning="id",
        )
    )
    for plan in with_ref:
        plan.support_id = plan.row["id"] if plan.row["id"] in saved else None
    without_ref = [p for p in plans if not p.values["external_ref"]]
    insert_rows(session, table, [p.row for p in without_ref])
    for plan in without_ref:
        plan.support_id = plan.row["id"]


def _take_over_conflicts(session: Session, plans: list[Plan]) -> None:
    """Items whose external_ref was saved meanwhile by another request become updates."""
    by_agency: dict[str, list[str]] = defaultdict(list)
    for plan in plans:
        by_agency[plan.values["agency_id"]].append(plan.values["external_ref"])
    found = {}
    for agency_id, refs in by_agency.items():
        found.update(find_existing(session, agency_id, sorted(refs)))
    for plan in plans:
        plan.existing = found.get((plan.values["agency_id"], plan.values["external_ref"]))
        if plan.existing is None:
            plan.outcome = "failed"
            plan.errors = [
                {"pointer": "/external_ref", "detail": "already used by a record you cannot see"}
            ]
        elif errors := moved(plan.existing, plan.values):
            plan.outcome, plan.errors = "failed", errors  # saved meanwhile for another one


def _lock(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The records about to change as plain rows, locked (in id order: no deadlocks)."""
    locked = {}
    columns = Support.__table__.columns
    for part in lookups(session, sorted(ids)):
        stmt = select(*columns).where(any_of(columns.id, part, session)).order_by(columns.id)
        for row in session.execute(stmt.with_for_update()):
            locked[row.id] = dict(row._mapping)
    return locked


def _event(support: dict[str, Any], refs: Refs, kind: str, changed=None) -> dict[str, Any]:
    policy = refs.policy_by_id(support["policy_id"])
    data = {
        "support_id": support["id"],
        "household_id": support["household_id"],
        "policy_id": support["policy_id"],
        "policy_code": policy.code if policy else None,
        "agency_id": support["agency_id"],
        "category": support["category"],
        "status": support["status"],
        "funding_source": support["funding_source"],
        "delivered_on": str(support["delivered_on"]),
        "external_ref": support["external_ref"],
    }
    if changed is not None:
        data["changed"] = changed
    household = refs.households[support["household_id"]]
    return {
        "type": f"support.{kind}",
        "entity_id": support["id"],
        "place_path": household.place_path,
        "data": data,
        "agency_id": support["agency_id"],
    }


def write_plans(session: Session, *, principal: Principal, plans: list[Plan], refs: Refs) -> None:
    """Create or update every plan (batched), then append their audit rows and events."""
    now = utcnow()
    now_text = now.isoformat()
    creates = [p for p in plans if p.existing is None]
    for plan in creates:
        plan.row = {
            **plan.values,
            "id": new_id("sp"),
            "recorded_by_kind": principal.kind,
            "recorded_by_id": principal.id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
    _insert_rows(session, creates)
    _take_over_conflicts(session, [p for p in creates if p.support_id is None])
    audits, events = [], []
    for plan in creates:
        if plan.support_id is not None:
            plan.outcome = "created"
            place_path = refs.households[plan.row["household_id"]].place_path
            # _plain(plan.row), knowing which values are dates (thousands of rows)
            after = {**plan.row, "delivered_on": plan.row["delivered_on"].isoformat()}
            after.update(created_at=now_text, updated_at=now_text)
            audits.append(_audit("create", plan.support_id, None, after, place_path))
            events.append(_event(plan.row, refs, "recorded"))
    for plan in plans:
        if plan.existing is not None and not plan.outcome:
            plan.support_id = plan.existing.id
            if unchanged(plan.existing, plan.values):
                plan.outcome = "ignored"
    changing = [p for p in plans if p.existing is not None and not p.outcome]
    locked = _lock(session, [p.existing.id for p in changing])
    updates = []
    for plan in changing:
        before = locked[plan.existing.id]
        if unchanged(before, plan.values):  # another request made the same change first
            plan.outcome = "ignored"
            continue
        after = {**before, **plan.values, "updated_at": now, "version": before["version"] + 1}
        updates.append({"id": after["id"], **{k: after[k] for k in UPDATED_COLUMNS}})
        changed = [k for k in VALUE_FIELDS if before[k] != after[k]]
        plan.outcome = "updated"
        place_path = refs.households[after["household_id"]].place_path
        audits.append(_audit("update", after["id"], _plain(before), _plain(after), place_path))
        events.append(_event(after, refs, "updated", changed))
    update_rows(session, Support.__table__, updates)
    session.flush()
    record_audits(session, principal=principal, entries=audits)
    append_events(session, events=events)
    _meet_needs(session, principal, plans, refs)


def _meet_needs(session: Session, principal: Principal, plans: list[Plan], refs: Refs) -> None:
    """A delivered support that names an open need closes it as met, in the same transaction."""
    meeting = {
        p.values["need_id"]: p.support_id
        for p in plans
        if p.outcome in ("created", "updated")
        and p.values["need_id"]
        and p.values["status"] in HAPPENED_STATUSES
    }
    if not meeting:
        return
    for part in lookups(session, sorted(meeting)):
        stmt = select(Need).where(any_of(Need.id, part, session), Need.status == "open")
        stmt = stmt.with_for_update()
        for need in session.exec(stmt):
            close_need(
                session,
                principal=principal,
                need=need,
                status="met",
                support_id=meeting[need.id],
            )
    session.flush()


def _audit(action, entity_id, before, after, place_path) -> dict[str, Any]:
    return {
        "action": action,
        "entity": "support",
        "entity_id": entity_id,
        "before": before,
        "after": after,
        "place_path": place_path,
    }
