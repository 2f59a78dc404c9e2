"""Support delivered, coverage, unmet needs, visit coverage, workload, stability and the
early-warning list, with exact figures on a small hand-made district."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from api.core.dates import VIETNAM
from api.models import (
    Agency,
    Assignment,
    Household,
    Need,
    Person,
    Place,
    Policy,
    Support,
    Visit,
)
from tests.reports.conftest import REPORTS, households, recognise


@pytest.fixture
def district(tree, db):
    """Hòa Ân: H1, H2 poor, H3 near-poor, H4 escaped poverty in 2018; Phong Thạnh: H5 poor."""
    h1, h2, h3, h4 = households(db, tree["hamlet_a"], 4)
    (h5,) = households(db, tree["hamlet_b"], 1)
    for home in (h1, h2, h5):
        recognise(db, home, 2018, "poor", transition="newly_poor")
    recognise(db, h3, 2018, "near_poor", transition="newly_near_poor")
    recognise(db, h4, 2017, "poor", transition="newly_poor")
    recognise(db, h4, 2018, "near_poor", transition="escaped_poverty")
    for home, status in ((h1, "poor"), (h2, "poor"), (h3, "near_poor"), (h4, "near_poor")):
        db.get(Household, home["id"]).status = status
    agency = Agency(code="BHXH-T", name="Bảo hiểm xã hội", kind="social_security")
    db.add(agency)
    db.flush()
    card = _policy(db, agency, "BHYT", "health", "card", "state_budget")
    loan = _policy(db, agency, "VAY", "credit", "loan", "policy_credit")
    for home, policy, day, amount, status in (
        (h1, card, date(2018, 1, 10), 700_000, "delivered"),
        (h2, card, date(2018, 2, 10), 700_000, "delivered"),
        (h3, card, date(2018, 3, 10), 490_000, "delivered"),
        (h1, loan, date(2018, 4, 10), 30_000_000, "delivered"),
        (h5, loan, date(2018, 5, 10), 20_000_000, "repaid"),
        (h2, loan, date(2018, 6, 10), 10_000_000, "planned"),  # not delivered: left out
        (h2, card, date(2017, 6, 10), 700_000, "delivered"),  # another year
    ):
        db.add(
            Support(
                agency_id=agency.id,
                policy_id=policy.id,
                household_id=home["id"],
                category=policy.category,
                delivered_on=day,
                amount_vnd=amount,
                funding_source=policy.default_funding_source,
                status=status,
                recorded_by_kind="agency",
                recorded_by_id=agency.id,
            )
        )
    path = db.get(Household, h1["id"]).place_path
    for home, category, status, closed in (
        (h1, "health", "open", None),
        (h2, "health", "open", None),
        (h2, "housing", "open", None),
        (h3, "housing", "met", datetime(2018, 5, 1, tzinfo=VIETNAM)),
    ):
        db.add(
            Need(
                household_id=home["id"],
                place_path=path,
                category=category,
                source="assessment",
                status=status,
                closed_at=closed,
            )
        )
    p1 = _person(db, tree["hamlet_a"], "Trần Thị Bích", "womens_union")
    p2 = _person(db, tree["hamlet_a"], "Sơn Văn Tư", "farmers_union")
    for home, person, start, end in (
        (h1, p1, date(2017, 3, 1), None),
        (h2, p1, date(2017, 3, 1), None),
        (h3, p2, date(2017, 3, 1), date(2018, 6, 1)),
        (h4, p2, date(2017, 3, 1), None),
    ):
        db.add(
            Assignment(
                household_id=home["id"],
                person_id=person.id,
                place_path=path,
                start_date=start,
                end_date=end,
                reason="Phân công",
            )
        )
    visits = [(h1, p1, month) for month in (2, 5, 8, 11)] + [(h2, p1, 2), (h2, p1, 8)]
    visits += [(h4, p2, month) for month in (1, 4, 7, 10)]
    for home, person, month in visits:
        db.add(
            Visit(
                household_id=home["id"],
                place_path=path,
                visitor_id=person.id,
                visited_on=date(2018, month, 15),
                purpose="follow_up",
            )
        )
    db.commit()
    for home, score in ((h3, 70), (h4, 45), (h1, None)):
        db.execute(update(Household).where(Household.id == home["id"]).values(risk_score=score))
    db.commit()
    return {"h1": h1, "h2": h2, "h3": h3, "h4": h4, "h5": h5, "p1": p1, "p2": p2}


def _policy(db, agency, code, category, unit, funding) -> Policy:
    policy = Policy(
        agency_id=agency.id,
        code=code,
        name=f"Chính sách {code}",
        category=category,
        unit=unit,
        default_funding_source=funding,
    )
    db.add(policy)
    db.flush()
    return policy


def _person(db, place, name, organisation) -> Person:
    person = Person(
        full_name=name,
        name_search=name.lower(),
        organisation=organisation,
        place_id=place["id"],
        place_path=db.get(Place, place["id"]).path,
    )
    db.add(person)
    db.flush()
    return person


def get(client, headers, name, **params):
    response = client.get(f"{REPORTS}/{name}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestSupports:
    def test_by_category(self, client, admin, district):
        body = get(client, admin, "supports", year=2018)
        assert [
            (r["key"], r["households"], r["records"], r["amount_vnd"]) for r in body["rows"]
        ] == [
            ("credit", 2, 2, 50_000_000),
            ("health", 3, 3, 1_890_000),
        ]
        assert body["total"]["households"] == 4
        assert body["total"]["amount_vnd"] == 51_890_000

    def test_by_funding_source_agency_and_policy(self, client, admin, district):
        body = get(client, admin, "supports", year=2018, by="funding_source")
        assert [(r["label"], r["records"]) for r in body["rows"]] == [
            ("Tín dụng chính sách (NHCSXH)", 2),
            ("Ngân sách nhà nước", 3),
        ]
        body = get(client, admin, "supports", year=2018, by="agency")
        assert [(r["label"], r["records"]) for r in body["rows"]] == [("Bảo hiểm xã hội", 5)]
        body = get(client, admin, "supports", year=2018, by="policy")
        assert [r["label"] for r in body["rows"]] == ["Chính sách VAY", "Chính sách BHYT"]

    def test_dates_and_scope(self, client, admin, officer, district):
        body = get(client, admin, "supports", date_from="2018-01-01", date_to="2018-02-28")
        assert body["total"]["records"] == 2
        body = get(client, officer, "supports", year=2018)
        assert body["total"]["amount_vnd"] == 31_890_000  # Phong Thạnh's loan is not theirs
        response = client.get(
            f"{REPORTS}/supports", params={"date_from": "2018-01-01"}, headers=admin
        )
        assert response.status_code == 422

    def test_coverage(self, client, admin, officer, district):
        rows = {r["key"]: r for r in get(client, admin, "support-coverage", year=2018)["rows"]}
        health, credit = rows["health"], rows["credit"]
        assert (health["poor_households"], health["poor_reached"], health["poor_rate"]) == (
            3,
            2,
            66.67,
        )
        assert (health["near_poor_households"], health["near_poor_rate"]) == (2, 50.0)
        assert (credit["poor_reached"], credit["poor_rate"]) == (2, 66.67)
        assert rows["land"]["poor_rate"] == 0.0
        mine = {r["key"]: r for r in get(client, officer, "support-coverage", year=2018)["rows"]}
        assert (mine["health"]["poor_households"], mine["health"]["poor_rate"]) == (2, 100.0)

    def test_needs(self, client, admin, district):
        body = get(client, admin, "needs", year=2018)
        rows = {r["key"]: r for r in body["rows"]}
        assert (rows["health"]["open_needs"], rows["health"]["poor_households"]) == (2, 2)
        assert (rows["housing"]["open_needs"], rows["housing"]["met_in_year"]) == (1, 1)
        assert body["total"]["households"] == 2


class TestFieldWork:
    def test_visit_coverage(self, client, admin, district):
        body = get(client, admin, "visit-coverage", year=2018)
        assert (body["as_of"], body["quarters_ended"]) == ("2018-12-31", 4)
        rows = {r["key"]: r for r in body["rows"]}
        assert (rows["poor"]["households"], rows["poor"]["visited"]) == (3, 2)
        assert (rows["poor"]["visited_on_schedule"], rows["poor"]["on_schedule_rate"]) == (1, 33.33)
        assert (rows["near_poor"]["households"], rows["near_poor"]["visited"]) == (1, 0)
        assert (rows["escaped"]["households"], rows["escaped"]["visited_on_schedule"]) == (1, 1)
        total = body["total"]
        assert (total["households"], total["visited"], total["visited_on_schedule"]) == (5, 3, 2)
        assert total["visits"] == 10

    def test_workload(self, client, admin, district):
        body = get(client, admin, "workload", year=2018)
        rows = {r["label"]: r for r in body["rows"]}
        assert rows["Trần Thị Bích"]["households"] == 2
        assert (rows["Trần Thị Bích"]["visits"], rows["Trần Thị Bích"]["households_visited"]) == (
            6,
            2,
        )
        assert rows["Trần Thị Bích"]["organisation"] == "Hội Liên hiệp Phụ nữ"
        assert (rows["Sơn Văn Tư"]["households"], rows["Sơn Văn Tư"]["near_poor"]) == (1, 1)
        assert body["total"]["visits"] == 10

    def test_stability_export(self, client, admin, district):
        response = client.get(
            f"{REPORTS}/assignment-stability",
            params={"year": 2018, "format": "csv"},
            headers=admin,
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Địa bàn"
        assert rows[-1][0] == "Tổng cộng / Total"

    def test_early_warning(self, client, admin, officer, district):
        body = get(client, admin, "early-warning")
        assert [r["household_id"] for r in body["rows"]] == [
            district["h3"]["id"],
            district["h4"]["id"],
        ]
        assert body["bands"] == {"high": 1, "medium": 1, "low": 0}
        assert body["rows"][1]["person_in_charge"] == "Sơn Văn Tư"
        assert (body["rows"][1]["commune"], body["rows"][1]["place"]) == ("Hòa Ân", "Ấp Sóc Kha")
        limited = get(client, admin, "early-warning", limit=1, min_score=50)
        assert (limited["total"], limited["truncated"]) == (1, False)
        response = client.get(
            f"{REPORTS}/early-warning", params={"format": "xlsx"}, headers=officer
        )
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[0][:3] == ("Mã hộ", "Họ tên chủ hộ", "Xã/Thị trấn")
        assert [row[5] for row in rows[1:]] == [70, 45]

    def test_index(self, client, auditor):
        items = client.get(REPORTS, headers=auditor).json()["items"]
        names = [item["name"] for item in items]
        assert names[0] == "poverty-rate" and len(names) == 10
