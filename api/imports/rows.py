"""From the rows of a sheet to a plan: each row parsed, placed in its commune and hamlet,
matched with the household of the same code in that commune, and given an outcome
(created, updated, ignored or failed) with every problem named by row and column."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from api.imports import columns as col
from api.imports.places import Places
from api.imports.reading import FileProblem, Row, Sheet
from api.models import Household, Member, Place

UNSCOPED = {"unscoped": True}
CHUNK = 900
HOUSEHOLD_FIELDS = (
    "head_name",
    "ethnicity",
    "address",
    "phone",
    "meritorious_service",
    "social_protection",
    "registered_on",
    "notes",
)
HEAD_FIELDS = ("head_gender", "head_birth_year", "head_citizen_id")


@dataclass
class Plan:
    row: Row
    values: dict[str, Any] = field(default_factory=dict)
    commune: Place | None = None
    place: Place | None = None
    existing: Household | None = None
    head: Member | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    head_changes: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)

    def fail(self, column: int | None, vi: str, en: str) -> None:
        self.errors.append((column, vi, en))
        self.outcome = "failed"


PARSERS = {
    "code": col.code,
    "ethnicity": col.ethnicity,
    "phone": col.phone,
    "meritorious_service": col.yes_no,
    "social_protection": col.yes_no,
    "head_gender": col.gender,
    "head_birth_year": col.birth_year,
    "registered_on": col.day,
    "head_name": lambda v: col.limited(v, "head_name", 200),
    "address": lambda v: col.limited(v, "address", 300),
    "notes": lambda v: col.limited(v, "notes", 2000),
    "commune": col.text,
    "hamlet": col.text,
}


def parse(sheet: Sheet) -> list[Plan]:
    """Every row's values read by its column's rules; unreadable cells become errors."""
    plans = []
    for row in sheet.rows:
        if _is_note(sheet, row):
            sheet.warnings.append(
                (
                    f"Dòng {row.number} bỏ qua: không có Mã hộ và chỉ có một ô (ghi chú, chữ ký…).",
                    f"Row {row.number} skipped: no household code and a single filled cell "
                    "(a note, a signature…).",
                )
            )
            continue
        plan = Plan(row=row)
        for column, vi, en in row.problems:
            plan.fail(column, vi, en)
        for key, index in sheet.columns.items():
            if key == "head_citizen_id" or any(c == index for c, _, _ in row.problems):
                continue
            try:
                plan.values[key] = PARSERS[key](row.values[index])
            except col.CellError as exc:
                plan.fail(index, exc.vi, exc.en)
        index = sheet.columns.get("head_citizen_id")
        if index is not None and row.values[index] is not None:
            try:
                plan.values["head_citizen_id"] = col.citizen_id(
                    row.values[index],
                    birth_year=plan.values.get("head_birth_year"),
                    sex=plan.values.get("head_gender"),
                )
            except col.CellError as exc:
                plan.fail(index, exc.vi, exc.en)
        plans.append(plan)
    return plans


def _is_note(sheet: Sheet, row: Row) -> bool:
    """A line under the list (place and date, a signature): no code, one cell filled."""
    code_index = sheet.columns.get("code")
    if code_index is not None and row.values[code_index] not in (None, ""):
        return False
    filled = [
        index
        for index in sheet.columns.values()
        if row.values[index] is not None and str(row.values[index]).strip()
    ]
    return len(filled) <= 1 and not row.problems


def _required(plan: Plan, sheet: Sheet, key: str) -> None:
    if plan.values.get(key) is None and not any(
        c == sheet.columns.get(key) for c, _, _ in plan.errors
    ):
        vi, en = col.describe(key)
        plan.fail(sheet.columns.get(key), f"Thiếu {vi}.", f"{en} is missing.")


def check_columns(sheet: Sheet, places: Places) -> None:
    missing = [col.BY_KEY[k] for k in ("code", "head_name", "ethnicity") if k not in sheet.columns]
    if places.needs_commune_column and "commune" not in sheet.columns:
        missing.append(col.BY_KEY["commune"])
    if missing:
        vi = ", ".join(f"«{f.vi}»" for f in missing)
        en = ", ".join(f"“{f.vi}” ({f.en})" for f in missing)
        raise FileProblem(f"Thiếu cột bắt buộc: {vi}.", f"Required columns are missing: {en}.")


def match(session: Session, plans: list[Plan], sheet: Sheet) -> None:
    """Find each row's household (same code, same commune); flag codes repeated in the file."""
    first_row: dict[tuple[str, str], int] = {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for plan in plans:
        code = plan.values.get("code")
        if code is None or plan.commune is None:
            continue
        key = (plan.commune.id, code)
        if key in first_row:
            plan.fail(
                sheet.columns["code"],
                f"Mã hộ «{code}» trùng với dòng {first_row[key]}.",
                f"Household code “{code}” repeats row {first_row[key]}.",
            )
            continue
        first_row[key] = plan.row.number
        wanted[plan.commune.id].add(code)
    found: dict[tuple[str, str], Household] = {}
    for commune_id, codes in wanted.items():
        ordered = sorted(codes)
        for start in range(0, len(ordered), CHUNK):
            stmt = select(Household).where(
                Household.commune_id == commune_id,
                Household.code.in_(ordered[start : start + CHUNK]),
            )
            for household in session.exec(stmt.execution_options(**UNSCOPED)):
                found[commune_id, household.code] = household
    heads = _heads(session, [h.id for h in found.values()])
    for plan in plans:
        if plan.commune is None or plan.values.get("code") is None or plan.outcome == "failed":
            continue
        plan.existing = found.get((plan.commune.id, plan.values["code"]))
        if plan.existing is not None:
            plan.head = heads.get(plan.existing.id)


def _heads(session: Session, ids: list[str]) -> dict[str, Member]:
    heads = {}
    for start in range(0, len(ids), CHUNK):
        stmt = select(Member).where(
            Member.household_id.in_(ids[start : start + CHUNK]),
            Member.relation == "head",
            Member.left_on.is_(None),
        )
        for member in session.exec(stmt.execution_options(**UNSCOPED)):
            heads[member.household_id] = member
    return heads


def check_citizen_ids(session: Session, plans: list[Plan], sheet: Sheet) -> None:
    """A citizen ID belongs to one person: not to another row, not to someone else already."""
    index = sheet.columns.get("head_citizen_id")
    first_row: dict[str, int] = {}
    wanted = []
    for plan in plans:
        value = plan.values.get("head_citizen_id")
        if value is None or plan.outcome == "failed":
            continue
        if value in first_row:
            plan.fail(
                index,
                f"Số CCCD trùng với dòng {first_row[value]}.",
                f"The citizen ID repeats row {first_row[value]}.",
            )
            continue
        first_row[value] = plan.row.number
        wanted.append(value)
    owners: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        stmt = (
            select(Member.citizen_id, Member.id, Household.code, Household.id)
            .join(Household, Household.id == Member.household_id)
            .where(Member.citizen_id.in_(wanted[start : start + CHUNK]))
        )
        for cid, member_id, code, household_id in session.exec(stmt.execution_options(**UNSCOPED)):
            owners[cid] = (member_id, code, household_id)
    for plan in plans:
        value = plan.values.get("head_citizen_id")
        owner = owners.get(value) if value else None
        if owner is None or plan.outcome == "failed":
            continue
        if plan.head is not None and plan.head.id == owner[0]:
            continue
        plan.fail(
            index,
            f"Số CCCD này đã được đăng ký cho một người khác (thành viên hộ {owner[1]}): có thể "
            "hộ bị trùng, xem /api/v1/duplicates.",
            f"This citizen ID is already registered to another person (a member of household "
            f"{owner[1]}): possibly a duplicate, see /api/v1/duplicates.",
        )


def decide(plans: list[Plan], sheet: Sheet) -> None:
    """created, updated or ignored for every row still valid; blanks never erase a value."""
    for plan in plans:
        if plan.outcome == "failed":
            continue
        _head_consistent(plan, sheet)
        if plan.outcome == "failed":
            continue
        if plan.existing is None:
            for key in ("code", "head_name", "ethnicity"):
                _required(plan, sheet, key)
            if plan.outcome != "failed":
                plan.outcome = "created"
            continue
        if plan.existing.archived_at is not None:
            plan.fail(
                sheet.columns["code"],
                f"Hộ {plan.existing.code} đã được lưu trữ (hoặc đã gộp vào hộ khác); hãy khôi "
                "phục hộ trước khi nhập.",
                f"Household {plan.existing.code} is archived (or was merged into another); "
                "restore it before importing.",
            )
            continue
        plan.changes = {
            key: plan.values[key]
            for key in HOUSEHOLD_FIELDS
            if plan.values.get(key) is not None and plan.values[key] != getattr(plan.existing, key)
        }
        named = plan.values.get("hamlet") is not None
        if named and plan.place is not None and plan.place.id != plan.existing.place_id:
            plan.changes["place_id"] = plan.place.id  # a blank hamlet cell moves nobody
        plan.head_changes = _head_changes(plan)
        plan.outcome = "updated" if plan.changes or plan.head_changes else "ignored"


def _head_consistent(plan: Plan, sheet: Sheet) -> None:
    values = plan.values
    given = [k for k in HEAD_FIELDS if values.get(k) is not None]
    has_head = plan.head is not None
    if (
        given
        and not has_head
        and (values.get("head_gender") is None or values.get("head_birth_year") is None)
    ):
        key = "head_gender" if values.get("head_gender") is None else "head_birth_year"
        vi, en = col.describe(key)
        plan.fail(
            sheet.columns.get(key),
            f"Cần cả giới tính và năm sinh của chủ hộ để ghi chủ hộ vào danh sách thành viên: "
            f"thiếu {vi}.",
            f"The head's sex and birth year are both needed to list the head as a member: "
            f"{en} is missing.",
        )


def _head_changes(plan: Plan) -> dict[str, Any]:
    values, head = plan.values, plan.head
    wanted = {
        "full_name": values.get("head_name"),
        "gender": values.get("head_gender"),
        "birth_year": values.get("head_birth_year"),
        "citizen_id": values.get("head_citizen_id"),
    }
    if head is None:
        if wanted["gender"] is None or wanted["birth_year"] is None:
            return {}
        return {"create": True, **{k: v for k, v in wanted.items() if v is not None}}
    return {
        key: value
        for key, value in wanted.items()
        if value is not None and value != getattr(head, key)
    }
