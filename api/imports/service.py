"""Importing a household list: read, check every row, then save in bulk (or nothing), keep
the report and the errors file (the original rows plus the error columns)."""

import json
import zlib
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from api.audit.service import record_audits, snapshot
from api.auth.principal import Principal
from api.core.bulkinsert import insert_rows
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.core.text import fold
from api.errors import Forbidden, NotFound, ValidationFailed
from api.events.service import append_events
from api.households.history import carry_place_path
from api.imports import places as placing
from api.imports import rows as planning
from api.imports.columns import ERROR_HEADERS
from api.imports.reading import Sheet, read_file
from api.models import Household, HouseholdMove, ImportJob, Member, Place
from api.models.base import new_id, utcnow
from api.reports.counts_refresh import touch_places

MAX_ROWS = 100_000
MAX_ERRORS_LISTED = 1000


def find_target(session: Session, principal: Principal, *, place_id, place_code) -> Place:
    """The place the list belongs to (any level the caller covers), by id or code."""
    if place_id is None and place_code is None:
        raise ValidationFailed(
            "Say where the households live: place_id (or place_code) of a commune, a hamlet, "
            "or a district whose communes the file names.",
            pointer="/place_id",
        )
    column = Place.id if place_id is not None else Place.code
    place = session.exec(select(Place).where(column == (place_id or place_code))).first()
    if place is None:
        raise NotFound(f"No place {place_id or place_code!r}.")
    if not principal.covers_path(place.path):
        raise Forbidden("The place is outside your communes.")
    return place


def run_import(
    session: Session,
    *,
    principal: Principal,
    data: bytes,
    file_name: str | None,
    place: Place,
    mode: str,
    atomic: str,
    sheet_name: str | None = None,
) -> ImportJob:
    """Check (and with mode=commit save) the list; the job holds the report."""
    sheet = read_file(data, file_name=file_name, sheet=sheet_name)
    if len(sheet.rows) > MAX_ROWS:
        raise ValidationFailed(
            f"At most {MAX_ROWS:,} rows an import; the file has {len(sheet.rows):,}.",
            pointer="/file",
            detail_vi=f"Mỗi lần nhập tối đa {MAX_ROWS:,} dòng; tệp có {len(sheet.rows):,} dòng.",
        )
    places = placing.load_places(session, place)
    planning.check_columns(sheet, places)
    plans = planning.parse(sheet)
    placing.place_rows(plans, sheet, places)
    planning.match(session, plans, sheet)
    planning.check_citizen_ids(session, plans, sheet)
    planning.decide(plans, sheet)
    failed = sum(1 for p in plans if p.outcome == "failed")
    rejected = mode == "commit" and atomic == "all" and failed > 0
    if mode == "commit" and not rejected:
        write(session, principal, [p for p in plans if p.outcome in ("created", "updated")])
    job = ImportJob(
        place_id=place.id,
        place_path=place.path,
        file_name=(file_name or "")[:255] or None,
        file_kind=sheet.kind,
        mode=mode,
        atomic=atomic,
        status=_status(mode, failed, rejected),
        created_by=principal.id,
    )
    job.report = report(job, sheet, plans, place, rejected=rejected)
    if failed:
        job.errors_file = _errors_file(sheet, plans)
    session.add(job)
    session.flush()
    return job


def _status(mode: str, failed: int, rejected: bool) -> str:
    if mode == "validate":
        return "invalid" if failed else "valid"
    if rejected:
        return "rejected"
    return "partial" if failed else "committed"


def report(job: ImportJob, sheet: Sheet, plans, place: Place, *, rejected: bool) -> dict:
    counts = dict.fromkeys(("created", "updated", "ignored", "failed"), 0)
    for plan in plans:
        counts[plan.outcome] += 1
    stats = {**counts, "skipped": 0, "total": len(plans)}
    if rejected:
        stats.update(created=0, updated=0, ignored=0, skipped=len(plans) - counts["failed"])
    errors = [
        _error(sheet, plan, column, vi, en) for plan in plans for column, vi, en in plan.errors
    ]
    return {
        "id": job.id,
        "status": job.status,
        "mode": job.mode,
        "atomic": job.atomic,
        "saved": job.mode == "commit" and not rejected,
        "place": {"id": place.id, "code": place.code, "name": place.name, "level": place.level},
        "file": {
            "name": job.file_name,
            "kind": sheet.kind,
            "sheet": sheet.name,
            "encoding": sheet.encoding,
            "header_row": sheet.header_row,
            "rows": len(plans),
        },
        "stats": stats,
        "warnings": [{"message_vi": vi, "message_en": en} for vi, en in sheet.warnings],
        "errors": errors[:MAX_ERRORS_LISTED],
        "errors_truncated": len(errors) > MAX_ERRORS_LISTED,
        "errors_file": f"/api/v1/imports/{job.id}/errors" if counts["failed"] else None,
    }


def _error(sheet: Sheet, plan, column: int | None, vi: str, en: str) -> dict[str, Any]:
    value = plan.row.values[column] if column is not None else None
    return {
        "row": plan.row.number,
        "column": sheet.letter(column) if column is not None else None,
        "header": sheet.headers[column] if column is not None else None,
        "value": _plain(value),
        "message_vi": vi,
        "message_en": en,
    }


def _plain(value: Any) -> Any:
    """A cell as the errors file keeps it: dates as dd/mm/yyyy text.

    The importer reads every date or datetime cell as its day (columns.text, columns.day), so
    writing the day alone is what lets the corrected errors file be imported again; an ISO
    datetime (2019-01-05T00:00:00) would be refused as not day/month/year.
    """
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return value


def _errors_file(sheet: Sheet, plans) -> bytes:
    """The original rows (every one, in order) and, beside each, its errors."""
    rows = []
    for plan in plans:
        vi = "; ".join(m for _, m, _ in plan.errors)
        en = "; ".join(m for _, _, m in plan.errors)
        rows.append([plan.row.number, [_plain(v) for v in plan.row.values], vi, en])
    content = {"sheet": sheet.name, "headers": sheet.headers, "rows": rows}
    return zlib.compress(json.dumps(content, ensure_ascii=False, default=str).encode(), 6)


def errors_content(job: ImportJob) -> dict[str, Any] | None:
    if not job.errors_file:
        return None
    content = json.loads(zlib.decompress(job.errors_file))
    content["headers"] = content["headers"] + list(ERROR_HEADERS)
    return content


# -- writing -----------------------------------------------------------------------------------


def write(session: Session, principal: Principal, plans) -> None:
    """New households (and their heads) in bulk; changed ones one by one with their audit."""
    now = utcnow()
    creates = [p for p in plans if p.outcome == "created"]
    households, members, audits, events = [], [], [], []
    for plan in creates:
        row, head = _household_row(plan, now)
        households.append(row)
        if head is not None:
            members.append(head)
        audits.append(_audit("import:create", row["id"], None, _json(row), row["place_path"]))
        events.append(
            {
                "type": "household.created",
                "entity_id": row["id"],
                "place_path": row["place_path"],
                "data": {
                    "household_id": row["id"],
                    "code": row["code"],
                    "commune_id": row["commune_id"],
                },
            }
        )
    for start in range(0, len(households), 2000):
        insert_rows(session, Household.__table__, households[start : start + 2000])
    touch_places(session, {row["place_id"] for row in households})  # not seen by the ORM
    for start in range(0, len(members), 2000):
        insert_rows(session, Member.__table__, members[start : start + 2000])
    for plan in plans:
        if plan.outcome == "updated":
            _update(session, principal, plan, audits, events, now)
    session.flush()
    record_audits(session, principal=principal, entries=audits)
    append_events(session, events=events)


def _household_row(plan, now: datetime) -> tuple[dict[str, Any], dict[str, Any] | None]:
    values, place = plan.values, plan.place
    household_id = new_id("hh")
    head = None
    if values.get("head_gender") is not None and values.get("head_birth_year") is not None:
        head = _member_row(household_id, values, now)
    names = [values["code"], values["head_name"]] + ([head["full_name"]] if head else [])
    row = {
        "id": household_id,
        "code": values["code"],
        "commune_id": plan.commune.id,
        "place_id": place.id,
        "place_path": place.path,
        "head_name": values["head_name"],
        "ethnicity": values["ethnicity"],
        "address": values.get("address"),
        "phone": values.get("phone"),
        "status": "unclassified",
        "status_since": None,
        "without_labour_capacity": False,
        "meritorious_service": bool(values.get("meritorious_service")),
        "social_protection": bool(values.get("social_protection")),
        "notes": values.get("notes"),
        "archived_at": None,
        "archived_reason": None,
        "registered_on": values.get("registered_on") or today_in_vietnam(),
        "merged_into_id": None,
        "next_visit_due_on": None,
        "risk_score": None,
        "risk_reasons": [],
        "risk_as_of": None,
        "search_text": fold(" ".join(names)),
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return row, head


def _member_row(household_id: str, values: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "id": new_id("mb"),
        "household_id": household_id,
        "full_name": values["head_name"],
        "name_search": fold(values["head_name"])[:200],
        "gender": values["head_gender"],
        "birth_year": values["head_birth_year"],
        "relation": "head",
        "ethnicity": values.get("ethnicity"),
        "citizen_id": values.get("head_citizen_id"),
        "education_level": None,
        "in_school": None,
        "has_health_insurance": None,
        "can_work": None,
        "disability": None,
        "left_on": None,
        "left_reason": None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _update(session, principal, plan, audits, events, now) -> None:
    household = session.exec(
        select(Household).where(Household.id == plan.existing.id).with_for_update()
    ).one()
    before = snapshot(household)
    changes = dict(plan.changes)
    place_id = changes.pop("place_id", None)
    if place_id is not None:
        session.add(
            HouseholdMove(
                household_id=household.id,
                from_place_id=household.place_id,
                to_place_id=place_id,
                reason="Nhập danh sách / list import",
                actor_id=principal.id,
            )
        )
        household.place_id, household.place_path = place_id, plan.place.path
        carry_place_path(session, household.id, plan.place.path)  # its history follows
    for key, value in changes.items():
        setattr(household, key, value)
    _head(session, plan, household, now)
    members = session.exec(
        select(Member.full_name).where(
            Member.household_id == household.id, Member.left_on.is_(None)
        )
    ).all()
    household.search_text = fold(" ".join([household.code, household.head_name, *members]))
    household.updated_at = now
    bump_version(household)
    session.flush()
    after = snapshot(household)
    audits.append(_audit("import:update", household.id, before, after, household.place_path))
    changed = sorted(k for k, v in after.items() if before.get(k) != v)
    events.append(
        {
            "type": "household.updated",
            "entity_id": household.id,
            "place_path": household.place_path,
            "data": {"household_id": household.id, "changed": changed},
        }
    )


def _head(session: Session, plan, household: Household, now: datetime) -> None:
    changes = dict(plan.head_changes)
    if not changes:
        return
    if changes.pop("create", False):
        values = {**plan.values, "head_name": household.head_name}
        session.add(Member(**_member_row(household.id, values, now)))
        return
    head = session.exec(select(Member).where(Member.id == plan.head.id)).one()
    for key, value in changes.items():
        setattr(head, key, value)
    head.updated_at = now
    bump_version(head)


def _audit(action, entity_id, before, after, place_path) -> dict[str, Any]:
    return {
        "action": action,
        "entity": "household",
        "entity_id": entity_id,
        "before": before,
        "after": after,
        "place_path": place_path,
    }


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, date | datetime) else v
        for k, v in row.items()
        if k != "search_text"
    }
