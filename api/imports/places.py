"""Where the rows of a list go: the communes under the import's place and their hamlets,
found by code or name (with or without "ấp", "khóm", "xã"…)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from api.core.dates import today_in_vietnam
from api.core.text import fold
from api.imports.reading import Sheet
from api.models import Place
from api.models.places import COMMUNE_LEVELS, HOUSEHOLD_LEVELS
from api.places.service import is_valid_on

if TYPE_CHECKING:  # rows.py builds on this module
    from api.imports.rows import Plan


@dataclass
class Places:
    """Where the rows may go: the communes under the import's place, and their hamlets."""

    place: Place
    communes: dict[str, Place]
    by_name: dict[str, Place]
    hamlets: dict[str, dict[str, Place]]

    @property
    def needs_commune_column(self) -> bool:
        return self.place.level not in HOUSEHOLD_LEVELS


PREFIXES = ("ap ", "khom ", "thon ", "xa ", "phuong ", "thi tran ", "to ")


def _bare(text: str) -> str:
    """A place name without 'ấp', 'khóm', 'xã'… in front (folded)."""
    name = fold(text)
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def _names(place: Place) -> set[str]:
    """The ways a row may name a place: its code, its name, the name without 'ấp', 'khóm'…"""
    return {fold(place.code), fold(place.name), _bare(place.name)}


def _find(mapping: dict[str, Place], text: str) -> Place | None:
    return mapping.get(fold(text)) or mapping.get(_bare(text))


def load_places(session: Session, place: Place) -> Places:
    if place.level in COMMUNE_LEVELS:
        communes = [place]
    elif place.level in HOUSEHOLD_LEVELS:  # a hamlet: its commune
        parent = session.exec(select(Place).where(Place.id == place.parent_id)).one()
        communes = [parent]
    else:
        communes = list(
            session.exec(
                select(Place).where(
                    Place.path.startswith(place.path, autoescape=True),
                    Place.level.in_(sorted(COMMUNE_LEVELS)),
                )
            )
        )
    ids = [c.id for c in communes]
    hamlets: dict[str, dict[str, Place]] = {cid: {} for cid in ids}
    if ids:
        below = session.exec(select(Place).where(Place.parent_id.in_(ids)))
        for hamlet in below:
            if place.level in HOUSEHOLD_LEVELS - COMMUNE_LEVELS and hamlet.id != place.id:
                continue  # a hamlet's list goes to that hamlet only
            for key in _names(hamlet):
                hamlets[hamlet.parent_id][key] = hamlet
    by_name = {key: c for c in communes for key in _names(c)}
    return Places(place, {c.id: c for c in communes}, by_name, hamlets)


def place_rows(plans: list["Plan"], sheet: Sheet, places: Places) -> None:
    """Each row's commune and place (hamlet, or the commune itself when no hamlet is named)."""
    only = next(iter(places.communes.values())) if len(places.communes) == 1 else None
    hamlet_level = places.place if places.place.level not in COMMUNE_LEVELS else None
    today = today_in_vietnam()
    for plan in plans:
        if plan.outcome == "failed" and "code" not in plan.values:
            continue
        named = plan.values.get("commune")
        commune = _find(places.by_name, named) if named else only
        if commune is None:
            where = f"«{named}»" if named else "(trống / blank)"
            plan.fail(
                sheet.columns.get("commune"),
                f"Xã/thị trấn {where} không thuộc địa bàn nhập ({places.place.name}).",
                f"Commune {where} is not within the place of the import ({places.place.name}).",
            )
            continue
        plan.commune = commune
        hamlet_name = plan.values.get("hamlet")
        if hamlet_name:
            hamlet = _find(places.hamlets[commune.id], hamlet_name)
            if hamlet is None:
                plan.fail(
                    sheet.columns.get("hamlet"),
                    f"Không có ấp/khóm «{hamlet_name}» ở {commune.name}"
                    + (f" trong danh sách của {hamlet_level.name}." if hamlet_level else "."),
                    f"There is no hamlet or quarter “{hamlet_name}” in {commune.name}.",
                )
                continue
            plan.place = hamlet
        else:
            plan.place = hamlet_level or commune
        if not is_valid_on(plan.place, today):
            plan.fail(
                sheet.columns.get("hamlet"),
                f"{plan.place.name} không còn tồn tại (đến {plan.place.valid_to}).",
                f"{plan.place.name} no longer exists (valid until {plan.place.valid_to}).",
            )
