"""Callers, places and recognised statuses for the tests of issue 6 (reports, imports,
duplicates, proposals, the demo district)."""

from datetime import date, datetime

import pytest
from sqlalchemy import insert

from api.core.dates import VIETNAM
from api.main import create_app
from api.models import Assessment, Household, Place, StatusChange
from api.models.base import new_id, utcnow
from api.reports.counts_refresh import touch_places
from tests.api.conftest import *  # noqa: F403  (shared callers and records)
from tests.api.conftest import unique_code
from tests.conftest import make_settings

REPORTS = "/api/v1/reports"


@pytest.fixture(scope="session")
def reports_app(database_url, engine):
    """One app per backend for this folder: building one per test costs more than the test."""
    return create_app(make_settings(database_url), engine=engine, with_web=False)


@pytest.fixture
def app(reports_app, session_factory):
    """The shared app, on this test's rolled-back connection."""
    reports_app.state.session_factory = session_factory
    return reports_app


@pytest.fixture
def officer_user(make_user, tree):
    """A commune officer of Hòa Ân (commune_a and its hamlet)."""
    return make_user("commune_officer", (tree["commune_a"]["id"],))


@pytest.fixture
def officer(login, officer_user):
    return login(officer_user)


@pytest.fixture
def auditor(make_user, login):
    return login(make_user("auditor"))


def recognise(
    db,
    household: dict,
    year: int,
    status: str,
    *,
    effective: date | None = None,
    kind: str = "periodic",
    transition: str | None = None,
    without_labour_capacity: bool = False,
) -> None:
    """A recognised review's status change, written straight to the tables (report tests
    need statuses by year, not the whole review life cycle, which tests/assessments cover)."""
    effective = effective or date(year, 12, 15)
    assessment_id = new_id("as")
    db.add(
        Assessment(
            id=assessment_id,
            household_id=household["id"],
            place_path="/",
            year=year,
            kind=kind,
            standard_code="QD59-2015",
            area="rural",
            income_per_capita=500_000,
            classification=status,
            poverty_line=700_000,
            state="recognised",
            effective_date=effective,
        )
    )
    db.flush()
    db.add(
        StatusChange(
            household_id=household["id"],
            assessment_id=assessment_id,
            place_path=household_path(db, household),
            year=year,
            kind=kind,
            effective_date=effective,
            previous_status="unclassified",
            new_status=status,
            transition=transition,
            without_labour_capacity=without_labour_capacity,
            recognised_at=datetime(year, 12, 20, tzinfo=VIETNAM),
        )
    )
    db.commit()


def household_path(db, household: dict) -> str:
    return db.get(Household, household["id"]).place_path


def households(db, place: dict, count: int, *, on: date = date(2015, 6, 1), **fields) -> list:
    """Households written straight to the table (many at once, for report tests)."""
    now = utcnow()
    commune_id = fields.pop(
        "commune_id", place["parent_id"] if place["level"] == "hamlet" else place["id"]
    )
    path = db.get(Place, place["id"]).path
    rows = [
        {
            "id": new_id("hh"),
            "code": unique_code("HB"),
            "commune_id": commune_id,
            "place_id": place["id"],
            "place_path": path,
            "head_name": "Thạch Văn Sóc",
            "ethnicity": "kinh",
            "registered_on": on,
            "search_text": "thach van soc",
            "created_at": now,
            "updated_at": now,
            **fields,
        }
        for _ in range(count)
    ]
    db.execute(insert(Household), rows)
    touch_places(db, [place["id"]])  # a bulk INSERT is not seen by the unit of work
    db.commit()
    return [{"id": row["id"], **row} for row in rows]


@pytest.fixture
def registered(make_household):
    """Households registered on a given day (the reports count them from that year)."""

    def make(place_id: str, on: str = "2015-06-01", **fields):
        return make_household(place_id, registered_on=on, **fields)

    return make


@pytest.fixture
def make_person(client, admin, tree):
    """A person who may be in charge of Hòa Ân's households."""

    def make(**fields):
        body = {
            "full_name": "Trần Thị Bích",
            "organisation": "womens_union",
            "place_id": tree["commune_a"]["id"],
            **fields,
        }
        response = client.post("/api/v1/persons", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make
