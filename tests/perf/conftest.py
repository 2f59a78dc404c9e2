"""Fixtures of the performance tests (issue 9): a commune filled with N households and their
records, and a counter of the SQL statements one request sends."""

import itertools
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from api.core.dates import today_in_vietnam
from api.main import create_app
from api.models import (
    Agency,
    Assessment,
    Assignment,
    Household,
    Need,
    Person,
    Policy,
    StatusChange,
    Support,
    Visit,
)
from tests.api.conftest import *  # noqa: F403  (shared callers and records)
from tests.api.conftest import unique_code
from tests.conftest import make_settings

TODAY = today_in_vietnam()
_refs = itertools.count(1)
# Statements of the test's own transaction handling, not of the request.
_NOT_QUERIES = ("SAVEPOINT", "RELEASE", "ROLLBACK")


@pytest.fixture(scope="session")
def perf_app(database_url, engine):
    """One app per backend for this folder: building one per test costs more than the test."""
    # The caller stays cached for the whole test: with the 5 s default, a slow machine let
    # it expire between a request's warm-up and its measured run (one statement more).
    settings = make_settings(database_url, principal_cache_seconds=3600)
    return create_app(settings, engine=engine, with_web=False)


@pytest.fixture
def app(perf_app, session_factory):
    """The shared app, on this test's rolled-back connection."""
    perf_app.state.session_factory = session_factory
    return perf_app


@pytest.fixture
def count_queries(engine):
    """A context manager; inside it, the SQL statements sent are listed in the yielded list."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(_NOT_QUERIES):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def officer(make_user, login, tree):
    """A commune officer of Hòa Ân (commune_a and its hamlet)."""
    return login(make_user("commune_officer", (tree["commune_a"]["id"],)))


@pytest.fixture
def fill(client, admin, db, tree):
    """fill(n, records=k): n households in hamlet_a, each with k members, supports, visits,
    needs and recognised reviews, a person in charge, and a visit due; returns their ids."""
    hamlet = tree["hamlet_a"]
    agency = Agency(code=unique_code("AG"), name="Ngân hàng Chính sách", kind="social_policy_bank")
    db.add(agency)
    db.flush()
    policy = Policy(
        agency_id=agency.id,
        code=unique_code("POL"),
        name="Cho vay hộ nghèo",
        category="credit",
        unit="loan",
        default_funding_source="policy_credit",
    )
    person = Person(
        full_name="Trần Thị Lan",
        name_search="tran thi lan",
        organisation="womens_union",
        place_id=tree["commune_a"]["id"],
        place_path=f"/{tree['province']['id']}/{tree['district']['id']}/{tree['commune_a']['id']}/",
    )
    db.add_all([policy, person])
    db.commit()

    def make(n: int, *, records: int = 1) -> list[str]:
        ids = []
        for _ in range(n):
            members = [
                {
                    "full_name": f"Thành viên {i}",
                    "gender": "female",
                    "birth_year": 1980 + i,
                    "relation": "head" if i == 0 else "child",
                }
                for i in range(records)
            ]
            created = client.post(
                "/api/v1/households",
                json={
                    "code": unique_code("HH"),
                    "place_id": hamlet["id"],
                    "head_name": "Nguyễn Văn An",
                    "ethnicity": "kinh",
                    "members": members,
                },
                headers=admin,
            )
            assert created.status_code == 201, created.text
            ids.append(created.json()["id"])
        for household_id in ids:
            _records(db, household_id, policy, person, records)
        db.commit()
        return ids

    return make


def _records(db, household_id: str, policy: Policy, person: Person, count: int) -> None:
    household = db.get(Household, household_id)
    path = household.place_path
    for i in range(count):
        year = 2021 + i
        assessment = Assessment(
            household_id=household_id,
            place_path=path,
            year=year,
            kind="periodic",
            standard_code="ND07-2021" if year >= 2022 else "QD59-2015",
            area="rural",
            income_per_capita=1_000_000,
            classification="poor",
            poverty_line=1_500_000,
            state="recognised",
            effective_date=date(year, 12, 15),
        )
        db.add(assessment)
        db.flush()
        db.add(
            StatusChange(
                household_id=household_id,
                assessment_id=assessment.id,
                place_path=path,
                year=year,
                kind="periodic",
                effective_date=date(year, 12, 15),
                previous_status="unclassified" if i == 0 else "poor",
                new_status="poor",
                transition="newly_poor" if i == 0 else "remained_poor",
            )
        )
        db.add(
            Support(
                agency_id=policy.agency_id,
                policy_id=policy.id,
                household_id=household_id,
                category="credit",
                delivered_on=TODAY - timedelta(days=30 * (i + 1)),
                amount_vnd=10_000_000,
                funding_source="policy_credit",
                status="delivered",
                external_ref=f"PERF-{next(_refs)}",
                recorded_by_kind="agency",
                recorded_by_id=policy.agency_id,
            )
        )
        db.add(
            Need(household_id=household_id, place_path=path, category="health", source="officer")
        )
        db.add(
            Visit(
                household_id=household_id,
                place_path=path,
                visitor_id=person.id,
                visited_on=TODAY - timedelta(days=200 + 30 * i),
                purpose="follow_up",
            )
        )
    db.add(
        Assignment(
            household_id=household_id,
            person_id=person.id,
            place_path=path,
            start_date=TODAY - timedelta(days=400),
            reason="Phân công theo dõi",
        )
    )
    # Poor since long ago: quarterly visits, the last one 200 days back: a visit is due.
    household.status, household.status_since = "poor", date(2021, 12, 15)
    db.flush()
