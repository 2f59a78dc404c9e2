"""The demo district: the founding letter's four figures computed by the poverty-rate report
on both backends, idempotence, determinism, and derived fields as the services store them."""

import functools

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from api.core.dates import today_in_vietnam
from api.db import make_engine
from api.demo import plan
from api.demo.district import DEMO_PASSWORD, build_district, load_demo_district, write_district
from api.main import create_app
from api.migrate import upgrade
from api.models import Household, Member, StatusChange
from api.risk.service import refresh_households
from tests.api.test_migrations import throwaway_database
from tests.conftest import make_settings

URL = "/api/v1/reports/poverty-rate"


@functools.cache
def full_district():
    """Generated once per test process, written into each backend's throw-away database."""
    return build_district(2018, "full")


def test_the_plan_gives_the_letters_figures():
    figures = plan.expected_figures(plan.lives("full"))
    assert figures[2016] == (30_270, 5_385, 7_906, 2_707)
    assert figures[2018] == (30_558, 1_806, 7_993, 1_143)


def test_the_report_computes_the_letters_four_figures(database_url, tmp_path):
    for url in throwaway_database(database_url, tmp_path):
        upgrade(url)
        engine = make_engine(url)
        settings = make_settings(url, env="development")
        try:
            with Session(engine) as session:
                write_district(session, full_district(), settings)
                session.commit()
            again = load_demo_district(engine, settings=settings)
            assert again.startswith("Demo district already loaded; nothing changed.")
            with Session(engine) as session:
                assert session.exec(select(func.count()).select_from(Household)).one() == 30_558
            app = create_app(settings, engine=engine, with_web=False)
            with TestClient(app) as client:
                token = client.post(
                    "/api/v1/auth/token", data={"username": "admin", "password": DEMO_PASSWORD}
                ).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                reports = {
                    year: client.get(
                        URL, params={"year": year, "by": "ethnicity"}, headers=headers
                    ).json()
                    for year in (2016, 2018)
                }
        finally:
            engine.dispose()
    figures = {}
    for year, report in reports.items():
        total = report["total"]
        khmer = next(row for row in report["rows"] if row["key"] == "khmer")
        figures[year] = (
            (total["poor"], total["households"], total["poor_rate"]),
            (khmer["poor"], khmer["households"], khmer["poor_rate"]),
        )
    assert figures[2016] == ((5_385, 30_270, 17.79), (2_707, 7_906, 34.24))
    assert figures[2018] == ((1_806, 30_558, 5.91), (1_143, 7_993, 14.30))


def test_small_demo_in_a_transaction(db, settings, client, admin):
    demo = build_district(2018, "small")
    counts = write_district(db, demo, settings)
    db.commit()
    assert counts["households"] == len(plan.lives("small"))
    expected = plan.expected_figures(plan.lives("small"))
    for year in (2016, 2017, 2018):
        body = client.get(URL, params={"year": year, "by": "ethnicity"}, headers=admin).json()
        khmer = next(row for row in body["rows"] if row["key"] == "khmer")
        total = body["total"]
        assert (total["households"], total["poor"], khmer["households"], khmer["poor"]) == (
            expected[year]
        )
    # What the services would store: the same due dates and early warnings again.
    ids = list(db.exec(select(Household.id)))
    assert refresh_households(db, household_ids=ids, as_of=today_in_vietnam()) == 0
    changes = db.exec(
        select(StatusChange.transition, func.count()).group_by(StatusChange.transition)
    ).all()
    assert dict(changes)["re_poor"] == 4  # PNP and PAP, Khmer and not: one each at 1/20 size
    names = db.exec(select(Member.name_search).where(Member.name_search == "")).all()
    assert names == []
    candidates = client.get("/api/v1/duplicates", params={"total": True}, headers=admin).json()
    assert candidates["total"] >= 1


def test_same_seed_same_district():
    first, second = build_district(5, "small"), build_district(5, "small")
    one = [
        (h.id, h.code, h.head_name, h.status, h.risk.score if h.risk else None) for h in first.homes
    ]
    two = [
        (h.id, h.code, h.head_name, h.status, h.risk.score if h.risk else None)
        for h in second.homes
    ]
    assert one == two
    other = build_district(6, "small")
    assert [h.head_name for h in other.homes] != [h.head_name for h in first.homes]
