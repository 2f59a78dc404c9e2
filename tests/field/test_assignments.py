"""/api/v1/assignments: one person in charge per household at a time, every change with its
reason, and the stability figures by place."""

from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from api.core.dates import today_in_vietnam
from api.models import Assignment, AuditEntry, Event, Household
from tests.field.conftest import count

URL = "/api/v1/assignments"


@pytest.fixture
def make_household(make_household):
    """Households registered in 2020: the assignments below start in 2025 and 2026, and none may
    start before the household existed."""

    def make(place_id, headers=None, **fields):
        return make_household(place_id, headers, **{"registered_on": "2020-01-01", **fields})

    return make


def assign(client, headers, household_id, person_id, start, reason="Phân công", **extra):
    body = {
        "household_id": household_id,
        "person_id": person_id,
        "start_date": start,
        "reason": reason,
        **extra,
    }
    return client.post(URL, json=body, headers=headers)


def set_status(db, household_id: str, status: str, since: date) -> None:
    """A recognised status without a whole review (the listener schedules the household)."""
    household = db.get(Household, household_id)
    household.status, household.status_since = status, since
    db.commit()


class TestCreateAssignment:
    def test_anonymous(self, client, household, make_person):
        response = assign(client, None, household["id"], make_person()["id"], "2026-01-05")
        assert response.status_code == 401

    def test_auditor_forbidden(self, client, household, make_person, auditor):
        response = assign(client, auditor, household["id"], make_person()["id"], "2026-01-05")
        assert response.status_code == 403

    def test_invalid_writes_nothing(self, client, tree, household, make_person, admin, db):
        person = make_person()
        elsewhere = make_person(tree["commune_b"]["id"], full_name="Danh Văn Ba")
        future = (today_in_vietnam() + timedelta(days=1)).isoformat()
        cases = [
            (assign(client, admin, "hh_nope", person["id"], "2026-01-05"), "/household_id"),
            (assign(client, admin, household["id"], "ps_nope", "2026-01-05"), "/person_id"),
            (assign(client, admin, household["id"], elsewhere["id"], "2026-01-05"), "/person_id"),
            (assign(client, admin, household["id"], person["id"], future), "/start_date"),
            (
                assign(
                    client,
                    admin,
                    household["id"],
                    person["id"],
                    "2026-01-05",
                    end_date="2026-01-05",
                ),
                "/end_date",
            ),
        ]
        for response, pointer in cases:
            assert response.status_code == 422, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["errors"][0]["pointer"] == pointer
        assert "works in another place" in cases[2][0].json()["detail"]
        assert count(db, Assignment) == 0
        assert count(db, AuditEntry, entity="assignment") == 0

    def test_overlapping_periods_are_refused(self, client, household, make_person, admin, db):
        first, second = make_person()["id"], make_person(full_name="Kim Văn Tư")["id"]
        hid = household["id"]
        past = assign(client, admin, hid, first, "2025-01-01", end_date="2025-06-01")
        assert past.status_code == 201
        assert assign(client, admin, hid, second, "2026-01-05").status_code == 201
        overlap_past = assign(client, admin, hid, second, "2025-03-01", end_date="2025-09-01")
        before_current = assign(client, admin, hid, first, "2025-08-01")
        same_person = assign(client, admin, hid, second, "2026-02-01")
        for response in (overlap_past, before_current):
            assert response.status_code == 409
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["errors"][0]["pointer"] == "/start_date"
        assert past.json()["id"] in overlap_past.json()["detail"]
        assert same_person.status_code == 409
        assert "already in charge" in same_person.json()["detail"]
        assert count(db, Assignment, household_id=hid) == 2

    def test_a_change_hands_over_with_its_reason(self, client, household, make_person, officer, db):
        first = make_person(full_name="Trần Thị Bích")
        second = make_person(full_name="Thạch Văn Sơn", organisation="veterans_association")
        hid = household["id"]
        one = assign(client, officer, hid, first["id"], "2026-01-05", "Phân công đầu năm")
        assert one.status_code == 201, one.text
        two = assign(client, officer, hid, second["id"], "2026-03-01", "Chị Bích chuyển công tác")
        assert two.status_code == 201, two.text
        assert two.json()["replaces_id"] == one.json()["id"]
        history = client.get(URL, params={"household_id": hid}, headers=officer).json()["items"]
        assert [
            (a["person"]["full_name"], a["start_date"], a["end_date"], a["reason"], a["end_reason"])
            for a in history
        ] == [
            (
                "Trần Thị Bích",
                "2026-01-05",
                "2026-03-01",
                "Phân công đầu năm",
                "Chị Bích chuyển công tác",
            ),
            ("Thạch Văn Sơn", "2026-03-01", None, "Chị Bích chuyển công tác", None),
        ]
        assert [a["active"] for a in history] == [False, True]
        assert count(db, Event, type="assignment.changed") == 2
        assert count(db, AuditEntry, entity="assignment", action="end") == 1
        timeline = client.get(f"/api/v1/households/{hid}/timeline", headers=officer).json()
        kinds = [(i["kind"], i.get("reason")) for i in timeline["items"] if "person" in i["kind"]]
        assert kinds == [
            ("person_in_charge_assigned", "Phân công đầu năm"),
            ("person_in_charge_ended", "Chị Bích chuyển công tác"),
            ("person_in_charge_assigned", "Chị Bích chuyển công tác"),
        ]

    def test_the_database_keeps_one_assignment_in_force(
        self, client, household, make_person, admin, db
    ):
        person = make_person()
        assert assign(client, admin, household["id"], person["id"], "2026-01-05").status_code == 201
        db.add(
            Assignment(
                household_id=household["id"],
                person_id=person["id"],
                place_path="/x/",
                start_date=date(2026, 2, 1),
                reason="race",
            )
        )
        with pytest.raises(IntegrityError):
            db.flush()
        db.rollback()


class TestListAssignments:
    def test_anonymous(self, client):
        assert client.get(URL).status_code == 401

    def test_scoped_and_filtered(self, client, tree, make_household, make_person, admin, officer):
        mine = make_household(tree["hamlet_a"]["id"])
        theirs = make_household(tree["hamlet_b"]["id"])
        person_a = make_person()
        person_b = make_person(tree["commune_b"]["id"])
        ended = assign(
            client, admin, mine["id"], person_a["id"], "2025-01-01", end_date="2025-02-01"
        )
        current = assign(client, admin, mine["id"], person_a["id"], "2026-01-05")
        assign(client, admin, theirs["id"], person_b["id"], "2026-01-05")
        seen = client.get(URL, headers=officer).json()["items"]
        assert [a["id"] for a in seen] == [ended.json()["id"], current.json()["id"]]
        active = client.get(URL, params={"active": True}, headers=officer).json()["items"]
        assert [a["id"] for a in active] == [current.json()["id"]]
        assert client.get(URL, params={"place_id": "pl_nope"}, headers=admin).json()["items"] == []


class TestReadAssignment:
    def test_anonymous_and_not_found(self, client, admin):
        assert client.get(f"{URL}/asg_nope").status_code == 401
        assert client.get(f"{URL}/asg_nope", headers=admin).status_code == 404

    def test_valid(self, client, household, make_person, auditor, admin):
        created = assign(client, admin, household["id"], make_person()["id"], "2026-01-05")
        response = client.get(f"{URL}/{created.json()['id']}", headers=auditor)
        assert response.status_code == 200
        assert response.json() == created.json()
        assert response.headers["ETag"] == f'"{created.json()["id"]}.v1"'


class TestEndAssignment:
    def test_anonymous_and_forbidden(self, client, auditor):
        body = {"end_date": "2026-02-01", "reason": "x"}
        assert client.post(f"{URL}/asg_x/end", json=body).status_code == 401
        assert client.post(f"{URL}/asg_x/end", json=body, headers=auditor).status_code == 403

    def test_invalid(self, client, household, make_person, admin):
        created = assign(client, admin, household["id"], make_person()["id"], "2026-01-05").json()
        url = f"{URL}/{created['id']}/end"
        early = client.post(url, json={"end_date": "2025-12-31", "reason": "x"}, headers=admin)
        assert early.status_code == 422
        assert early.json()["errors"][0]["pointer"] == "/end_date"
        no_reason = client.post(url, json={"end_date": "2026-02-01"}, headers=admin)
        assert no_reason.status_code == 422
        assert (
            client.post(
                f"{URL}/asg_nope/end", json={"end_date": "2026-02-01", "reason": "x"}, headers=admin
            ).status_code
            == 404
        )

    def test_valid_then_already_ended(self, client, household, make_person, admin, db):
        created = assign(client, admin, household["id"], make_person()["id"], "2026-01-05").json()
        url = f"{URL}/{created['id']}/end"
        body = {"end_date": "2026-02-01", "reason": "Hộ chuyển đi nơi khác"}
        ended = client.post(url, json=body, headers={**admin, "If-Match": f'"{created["id"]}.v1"'})
        assert ended.status_code == 200, ended.text
        assert (ended.json()["end_date"], ended.json()["end_reason"], ended.json()["active"]) == (
            "2026-02-01",
            "Hộ chuyển đi nơi khác",
            False,
        )
        again = client.post(url, json=body, headers=admin)
        assert again.status_code == 409
        assert count(db, Event, type="assignment.ended") == 1


class TestStability:
    def test_anonymous(self, client):
        assert client.get(f"{URL}/stability").status_code == 401

    def test_invalid(self, client, admin):
        response = client.get(f"{URL}/stability", params={"by": "hamlet"}, headers=admin)
        assert response.status_code == 422

    def test_by_commune(self, client, tree, make_household, make_person, admin, officer, db):
        h1, h2, h3 = (make_household(tree["hamlet_a"]["id"]) for _ in range(3))
        h4 = make_household(tree["hamlet_b"]["id"])
        set_status(db, h1["id"], "poor", date(2025, 12, 10))
        set_status(db, h2["id"], "near_poor", date(2025, 12, 10))
        set_status(db, h4["id"], "poor", date(2025, 12, 10))
        first, second = make_person(), make_person(full_name="Kim Văn Tư")
        assign(client, admin, h1["id"], first["id"], "2026-01-05")
        assign(client, admin, h1["id"], second["id"], "2026-03-01", "Chuyển công tác")
        assign(client, admin, h3["id"], first["id"], "2025-01-01", end_date="2025-06-01")
        assign(client, admin, h3["id"], second["id"], "2026-04-01", "Có người phụ trách mới")
        assign(client, admin, h4["id"], make_person(tree["commune_b"]["id"])["id"], "2026-01-05")
        params = {"year": 2026, "by": "commune"}
        report = client.get(f"{URL}/stability", params=params, headers=admin).json()
        figures = [
            (
                r["label"],
                r["households_followed"],
                r["without_person_in_charge"],
                r["assigned_households"],
                r["changes"],
                r["changes_per_household"],
            )
            for r in [*report["rows"], report["total"]]
        ]
        assert figures == [
            ("Hòa Ân", 2, 1, 2, 2, 1.0),
            ("Phong Thạnh", 1, 0, 1, 0, 0.0),
            ("Tổng cộng / Total", 3, 1, 3, 2, 0.67),
        ]
        mine = client.get(f"{URL}/stability", params=params, headers=officer).json()
        assert [r["key"] for r in mine["rows"]] == [tree["commune_a"]["id"]]
