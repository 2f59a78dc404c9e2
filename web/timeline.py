"""A household's timeline, as the profile shows it: one line per entry, in the officer's
language. The API's entries are thin (codes and ids); the words are the web's."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from web.i18n import N_
from web.labels import label_msgid
from web.reference import PlaceDirectory

TITLES = {
    "registered": N_("Household registered"),
    "moved": N_("Moved to another place"),
    "assessment_step": N_("Review %(year)s: %(step)s"),
    "status_change": N_("Status %(year)s: %(to)s"),
    "need_opened": N_("Need opened: %(category)s"),
    "need_met": N_("Need met: %(category)s"),
    "need_cancelled": N_("Need cancelled: %(category)s"),
    "visit": N_("Visit: %(purpose)s"),
    "person_in_charge_assigned": N_("Person in charge assigned"),
    "person_in_charge_ended": N_("Person in charge ended"),
}


@dataclass(frozen=True)
class TimelineLine:
    at: datetime | None
    kind: str
    title: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StatusChange:
    year: int
    at: datetime | None
    previous: str | None
    new: str
    transition: str | None
    reasons: list[str]


def _when(entry: dict[str, Any]) -> datetime | None:
    value = entry.get("at")
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def _reason_texts(entry: dict[str, Any], locale: str) -> list[str]:
    texts = []
    for reason in entry.get("reasons") or []:
        if isinstance(reason, dict):
            texts.append(str(reason.get(locale) or reason.get("vi") or reason.get("code", "")))
    return texts


def describe(
    entries: list[dict[str, Any]],
    *,
    gettext: Callable[[str], str],
    locale: str,
    places: PlaceDirectory,
    person_names: dict[str, str],
) -> list[TimelineLine]:
    """Newest first; an entry of a kind the web does not know yet is shown by its code."""

    def label(kind: str, code: Any) -> str:
        msgid = label_msgid(kind, code if isinstance(code, str) else None)
        return gettext(msgid) if msgid else str(code or "—")

    lines = []
    for entry in entries:
        kind = str(entry.get("kind", ""))
        words = {
            "year": entry.get("year", ""),
            "step": label("step", entry.get("step")),
            "to": label("status", entry.get("to")),
            "category": label("category", entry.get("category")),
            "purpose": label("purpose", entry.get("purpose")),
        }
        title_msgid = TITLES.get(kind)
        title = gettext(title_msgid) % words if title_msgid else kind
        details: list[str] = []
        if kind == "moved":
            details.append(
                f"{places.name_of(entry.get('from_place_id'))} → "
                f"{places.name_of(entry.get('to_place_id'))}"
            )
        if kind.startswith("person_in_charge") or kind == "visit":
            person_id = entry.get("person_id") or entry.get("visitor_id")
            if person_id:
                details.append(person_names.get(person_id, person_id))
        if kind == "status_change" and entry.get("transition"):
            details.append(label("transition", entry["transition"]))
        if kind == "status_change":
            details.extend(_reason_texts(entry, locale))
        if kind == "visit":
            details.extend(label("shock", shock) for shock in entry.get("shocks") or [])
        if entry.get("reason"):
            details.append(str(entry["reason"]))
        lines.append(TimelineLine(at=_when(entry), kind=kind, title=title, details=details))
    return list(reversed(lines))


def status_changes(entries: list[dict[str, Any]], *, locale: str) -> list[StatusChange]:
    """The recognised status changes with their reasons, newest first."""
    changes = [
        StatusChange(
            year=int(entry.get("year") or 0),
            at=_when(entry),
            previous=entry.get("from"),
            new=str(entry.get("to", "")),
            transition=entry.get("transition"),
            reasons=_reason_texts(entry, locale),
        )
        for entry in entries
        if entry.get("kind") == "status_change"
    ]
    return list(reversed(changes))
