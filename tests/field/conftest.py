"""Callers and records for the field-work tests: officers, people in charge, reviews on chosen
dates (the early warning counts months and days from today)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.main import create_app
from tests.api.conftest import *  # noqa: F403  (shared callers and records)
from tests.conftest import make_settings

TODAY = today_in_vietnam()
# ND07-2021 (2022-2026), rural poverty line 1,500,000 VND.
POOR = {"income_per_capita": 1_200_000, "deprivations": ["HE2", "WS2", "HO1"]}
ESCAPED = {"income_per_capita": 1_800_000, "deprivations": ["HE2"]}  # 20 % above the line
NEAR_POOR = {"income_per_capita": 1_400_000, "deprivations": ["HE2", "WS2"]}


def count(db, model, **where) -> int:
    """Rows of a table (unscoped: the test's own session), optionally filtered by equality."""
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.exec(stmt).one()


def review(client, headers, household_id: str, year: int, answers: dict, decided_on: date):
    """Put a household through a recognised review decided (and effective) on decided_on."""
    base = f"/api/v1/households/{household_id}/assessments"
    created = client.post(base, json={"year": year, **answers}, headers=headers)
    assert created.status_code == 201, created.text
    url = f"{base}/{created.json()['id']}/steps"
    posted_on = decided_on - timedelta(days=5)
    for step in (
        {"step": "surveyed"},
        {"step": "meeting", "attendees": 20, "agreeing": 15},
        {"step": "posted", "posted_on": posted_on.isoformat()},
        {
            "step": "recognised",
            "decision_number": f"{year}/QĐ-UBND",
            "decision_date": decided_on.isoformat(),
        },
    ):
        response = client.post(url, json=step, headers=headers)
        assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def field_app(database_url, engine):
    """One app per backend for this folder: building one per test costs more than the test."""
    return create_app(make_settings(database_url), engine=engine, with_web=False)


@pytest.fixture
def app(field_app, session_factory):
    """The shared app, on this test's rolled-back connection."""
    field_app.state.session_factory = session_factory
    return field_app


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


@pytest.fixture
def make_person(client, admin, tree):
    def make(place_id: str | None = None, headers=None, **fields):
        body = {
            "full_name": "Trần Thị Bích",
            "organisation": "womens_union",
            "place_id": place_id or tree["commune_a"]["id"],
            **fields,
        }
        response = client.post("/api/v1/persons", json=body, headers=headers or admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def officer_person(make_person, officer_user):
    """The officer's own person record, so that they can be in charge and visit."""
    return make_person(
        full_name="Lê Văn Cán", organisation="commune_staff", user_id=officer_user.id
    )


@pytest.fixture
def household(tree, make_household):
    return make_household(tree["hamlet_a"]["id"], ethnicity="khmer")
