"""Building blocks of the reports: which households count in a year, their status that year,
how rows are grouped by place or ethnicity, and rates in percent rounded half up.

Everything here is SQL (GROUP BY on the database). Scoping comes from the ORM listener in
api/core/scoping.py: every query reads the `households` entity or one of the maintained
report tables (api/reports/counts.py), which carry their households' place path and are
scoped the same way, so a commune officer's report only ever counts their communes'
households. Subqueries over status changes, visits and supports use the Core tables on
purpose: the household (or report table) they join is what scopes them, and a household
that moved to another commune keeps its history in the new commune's reports.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlmodel import Session, select

from api.core.dates import VIETNAM, today_in_vietnam
from api.errors import NotFound
from api.households.ethnicities import ETHNICITIES
from api.models import Household, Place, ReportFollowedHousehold, StatusChange
from api.standards.engine import NoStandardForYear, standard_for_year

HUNDREDTH = Decimal("0.01")
ETHNICITY_NAMES = {code: vi for code, vi, _ in ETHNICITIES}
ESCAPES = ("escaped_poverty", "escaped_near_poverty")
TOTAL_LABEL = "Tổng cộng"
SC = StatusChange.__table__


def rate(count: int, total: int) -> Decimal | None:
    """count / total in percent, two decimals, rounded half up (None when total is 0)."""
    if not total:
        return None
    exact = Decimal(count) * 100 / Decimal(total)
    return exact.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def as_number(value: Decimal | None) -> float | None:
    """A rounded Decimal as a JSON number (17.79, never "17.79")."""
    return None if value is None else float(value)


def year_end(year: int) -> date:
    return date(year, 12, 31)


def year_end_instant(year: int) -> datetime:
    """The first instant of the next year in Vietnam: archived before it means gone by 31 Dec."""
    return datetime(year + 1, 1, 1, tzinfo=VIETNAM)


def followed_in_year(year: int, place: Place | None = None):
    """The households the coverage reports follow in a year (poor, near-poor, or whose
    latest change is an escape), on the register that year, from the maintained
    report_followed_households (scoped like households): household_id, status, and the
    transition and year of the change behind the status."""
    followed = ReportFollowedHousehold
    return (
        select(
            followed.household_id,
            followed.status,
            followed.transition,
            followed.change_year,
        )
        .where(
            followed.year_from <= year,
            or_(followed.year_to.is_(None), followed.year_to >= year),
            within(place, followed),
        )
        .subquery("followed")
    )


def count_if(condition):
    return sum_if(condition, 1)


def sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def find_place(session: Session, place_id: str | None) -> Place | None:
    """The report's place, inside the caller's places, else 404.

    A commune officer sees the places above their commune by name (breadcrumbs), but a
    report of the district would count only their commune under the district's name: a
    place not inside the caller's places is not found, as everywhere else in the API."""
    if place_id is None:
        return None
    place = session.exec(select(Place).where(Place.id == place_id)).first()
    principal = session.info.get("principal")
    if place is None or (principal is not None and not principal.covers_path(place.path)):
        raise NotFound(
            f"No place with id {place_id!r}.",
            detail_vi=f"Không có địa bàn mã {place_id!r} trong phạm vi của bạn.",
        )
    return place


def within(place: Place | None, source: Any = Household):
    """Households (or rows of `source`) inside the place (the whole subtree); everything
    when no place."""
    if place is None:
        return literal(True)
    return source.place_path.startswith(place.path, autoescape=True)


def child_of(place: Place, place_path: str) -> str:
    """The child of the place a path lies under (a path is the ids from the root down), or
    the place itself for a path that ends at it."""
    below = place_path[len(place.path) :]
    return below.split("/", 1)[0] if below else place.id


@dataclass
class Grouping:
    """How rows are keyed: an expression, the joins it needs, and the labels of its keys."""

    key: Any
    # The children places (a Core alias: the households' scope is what limits the rows, and
    # the ORM's scope criteria are not adapted to aliases), joined on the path prefix.
    child: Any | None
    parent: Place | None

    def join(self, stmt):
        if self.child is None:
            return stmt
        on = and_(
            self.child.c.parent_id == self.parent.id,
            Household.place_path.startswith(self.child.c.path),
        )
        return stmt.outerjoin(self.child, on)


def place_grouping(place: Place | None) -> Grouping:
    """By the children of the place (households right in it form their own row), or by
    commune when no place is given."""
    if place is None:
        return Grouping(key=Household.commune_id, child=None, parent=None)
    child = Place.__table__.alias("child_place")
    return Grouping(key=func.coalesce(child.c.id, place.id), child=child, parent=place)


def ethnicity_grouping() -> Grouping:
    return Grouping(key=Household.ethnicity, child=None, parent=None)


def place_labels(session: Session, keys) -> dict[str, str]:
    ids = sorted({key for key in keys if key})
    if not ids:
        return {}
    rows = session.exec(select(Place.id, Place.name).where(Place.id.in_(ids)))
    return dict(rows.all())


def ethnicity_label(code: str | None) -> str:
    return ETHNICITY_NAMES.get(code or "", code or "")


def place_public(place: Place | None) -> dict | None:
    if place is None:
        return None
    return {"id": place.id, "code": place.code, "name": place.name, "level": place.level}


def latest_year_with_data(session: Session, place: Place | None) -> int:
    """The latest review year of the households in scope; this year when there is none."""
    year = session.exec(_years_with_data(place).order_by(SC.c.year.desc())).first()
    return year if isinstance(year, int) else today_in_vietnam().year


def _years_with_data(place: Place | None):
    """The years of the changes of the households in scope, for ORDER BY … LIMIT 1: the
    database walks the year index from one end and stops at the first household in scope,
    where max()/min() over a join would read every change of the province."""
    return (
        select(SC.c.year)
        .select_from(Household)
        .join(SC, SC.c.household_id == Household.id)
        .where(within(place))
        .limit(1)
    )


def data_year(session: Session, place: Place | None, year: int) -> int | None:
    """The review year a report of `year` takes its statuses from: the latest review year up
    to `year` of the households in scope (None before any review). Reports carry it so that
    2023 answered from the 2018 review, or 2015 answered before any review, says so."""
    found = session.exec(
        _years_with_data(place).where(SC.c.year <= year).order_by(SC.c.year.desc())
    ).first()
    return found if isinstance(found, int) else None


def standard_in_force(year: int) -> str | None:
    """The code of the poverty standard governing reviews of `year` (None outside them)."""
    try:
        return standard_for_year(year).code
    except NoStandardForYear:
        return None


def first_year_with_data(session: Session, place: Place | None) -> int | None:
    year = session.exec(_years_with_data(place).order_by(SC.c.year)).first()
    return year if isinstance(year, int) else None
