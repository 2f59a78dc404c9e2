"""/api/v1/visits: recording visits, refusing bad ones, and the worklist of visits due."""

from datetime import date, timedelta

from sqlmodel import select

from api.models import AuditEntry, Event, Visit
from tests.field.conftest import POOR, TODAY, count, review
from tests.field.test_assignments import assign, set_status

URL = "/api/v1/visits"


def visit_body(household_id: str, visitor_id: str, **extra) -> dict:
    return {
        "household_id": household_id,
        "visitor_id": visitor_id,
        "visited_on": TODAY.isoformat(),
        "purpose": "follow_up",
        **extra,
    }


class TestRecordVisit:
    def test_anonymous(self, client, household, officer_person):
        assert (
            client.post(URL, json=visit_body(household["id"], officer_person["id"])).status_code
            == 401
        )

    def test_auditor_forbidden(self, client, household, officer_person, auditor):
        body = visit_body(household["id"], officer_person["id"])
        assert client.post(URL, json=body, headers=auditor).status_code == 403

    def test_bad_visits_write_nothing(
        self,
        client,
        tree,
        household,
        officer_person,
        make_person,
        make_place,
        make_user,
        officer,
        db,
    ):
        hid, me = household["id"], officer_person["id"]
        next_hamlet = make_place("hamlet", tree["commune_a"]["id"], name="Ấp Trà Mẹt")
        elsewhere = make_person(next_hamlet["id"], full_name="Danh Văn Ba")
        hidden = make_person(tree["commune_b"]["id"], full_name="Sơn Thị Mai")
        other_officer = make_user("commune_officer", (tree["commune_b"]["id"],))
        wrong_account = make_person(full_name="Kim Văn Tư", user_id=other_officer.id)
        closed = client.post(
            "/api/v1/needs", json={"household_id": hid, "category": "health"}, headers=officer
        ).json()
        met = {**officer, "If-Match": f'"{closed["id"]}.v1"'}
        client.patch(f"/api/v1/needs/{closed['id']}", json={"status": "met"}, headers=met)
        yesterday = (TODAY - timedelta(days=1)).isoformat()
        tomorrow = (TODAY + timedelta(days=1)).isoformat()
        cases = [
            (visit_body("hh_nope", me), "/household_id", "Unknown household"),
            (visit_body(hid, me, visited_on=tomorrow), "/visited_on", "in the future"),
            (
                visit_body(hid, me, visited_on=yesterday),
                "/visited_on",
                "before the household existed",
            ),
            (visit_body(hid, "ps_nope"), "/visitor_id", "Unknown person"),
            (visit_body(hid, hidden["id"]), "/visitor_id", "Unknown person"),
            (visit_body(hid, elsewhere["id"]), "/visitor_id", "may not act"),
            (visit_body(hid, wrong_account["id"]), "/visitor_id", "does not cover"),
            (visit_body(hid, me, need_ids=[closed["id"]]), "/need_ids/0", "not an open need"),
            (visit_body(hid, me, next_visit_on=TODAY.isoformat()), "/next_visit_on", "after"),
            (visit_body(hid, me, shocks=["fire", "fire"]), "/shocks", "repeats"),
            (visit_body(hid, me, purpose="party"), "/purpose", ""),
        ]
        for body, pointer, words in cases:
            response = client.post(URL, json=body, headers=officer)
            assert response.status_code == 422, (pointer, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            assert problem["errors"][0]["pointer"] == pointer
            assert words in problem["detail"]
        assert count(db, Visit) == 0
        assert count(db, AuditEntry, entity="visit") == 0
        assert count(db, Event, type="visit.recorded") == 0

    def test_valid(self, client, household, officer_person, officer, db):
        hid = household["id"]
        need = client.post(
            "/api/v1/needs", json={"household_id": hid, "category": "livelihood"}, headers=officer
        ).json()
        body = visit_body(
            hid,
            officer_person["id"],
            purpose="re_poverty_check",
            living_conditions="Nhà dột, thiếu nước sạch mùa khô",
            income_change="decreased",
            shocks=["illness", "crop_livestock_loss"],
            shock_details="Chủ hộ nằm viện 2 tuần; dịch tả heo",
            household_plan="Nuôi lại 2 con heo, con trai đi làm công nhân",
            risk_rating="high",
            need_ids=[need["id"]],
            next_visit_on=(TODAY + timedelta(days=14)).isoformat(),
        )
        response = client.post(URL, json=body, headers=officer)
        assert response.status_code == 201, response.text
        visit = response.json()
        assert {k: visit[k] for k in body} == body
        assert visit["visitor"] == {
            "id": officer_person["id"],
            "full_name": "Lê Văn Cán",
            "organisation": "commune_staff",
        }
        assert response.headers["Location"] == f"{URL}/{visit['id']}"
        assert count(db, AuditEntry, entity="visit", entity_id=visit["id"]) == 1
        event = db.exec(select(Event).where(Event.entity_id == visit["id"])).one()
        assert (event.type, event.data) == (
            "visit.recorded",
            {
                "visit_id": visit["id"],
                "household_id": hid,
                "visitor_id": officer_person["id"],
                "visited_on": TODAY.isoformat(),
                "purpose": "re_poverty_check",
            },
        )
        timeline = client.get(f"/api/v1/households/{hid}/timeline", headers=officer).json()
        visits = [i for i in timeline["items"] if i["kind"] == "visit"]
        assert [(v["visit_id"], v["purpose"]) for v in visits] == [
            (visit["id"], "re_poverty_check")
        ]

    def test_a_visit_before_registration_counts_when_reviews_go_back(
        self, client, household, officer_person, officer, admin
    ):
        review(client, admin, household["id"], 2025, POOR, date(2025, 12, 10))
        early = visit_body(household["id"], officer_person["id"], visited_on="2024-12-31")
        assert client.post(URL, json=early, headers=officer).status_code == 422
        body = visit_body(household["id"], officer_person["id"], visited_on="2025-01-02")
        assert client.post(URL, json=body, headers=officer).status_code == 201


class TestListVisits:
    def test_anonymous(self, client):
        assert client.get(URL).status_code == 401

    def test_scoped_newest_first(
        self, client, tree, make_household, make_person, officer_person, officer, admin
    ):
        mine = make_household(tree["hamlet_a"]["id"])
        theirs = make_household(tree["hamlet_b"]["id"])
        visitor_b = make_person(tree["commune_b"]["id"])
        first = client.post(
            URL,
            json=visit_body(mine["id"], officer_person["id"], purpose="survey"),
            headers=officer,
        )
        second = client.post(
            URL, json=visit_body(mine["id"], officer_person["id"]), headers=officer
        )
        client.post(URL, json=visit_body(theirs["id"], visitor_b["id"]), headers=admin)
        seen = client.get(URL, headers=officer).json()["items"]
        assert [v["id"] for v in seen] == [second.json()["id"], first.json()["id"]]
        surveys = client.get(URL, params={"purpose": "survey"}, headers=officer).json()["items"]
        assert [v["id"] for v in surveys] == [first.json()["id"]]
        assert len(client.get(URL, headers=admin).json()["items"]) == 3


class TestReadVisit:
    def test_anonymous_and_not_found(self, client, admin):
        assert client.get(f"{URL}/vs_nope").status_code == 401
        assert client.get(f"{URL}/vs_nope", headers=admin).status_code == 404

    def test_valid_and_hidden_elsewhere(
        self, client, tree, household, officer_person, officer, make_user, login
    ):
        created = client.post(
            URL, json=visit_body(household["id"], officer_person["id"]), headers=officer
        )
        url = f"{URL}/{created.json()['id']}"
        response = client.get(url, headers=officer)
        assert response.status_code == 200
        assert response.json() == created.json()
        other = login(make_user("commune_officer", (tree["commune_b"]["id"],)))
        assert client.get(url, headers=other).status_code == 404


class TestDueList:
    AS_OF = "2026-06-01"

    def test_anonymous(self, client):
        assert client.get(f"{URL}/due").status_code == 401

    def test_invalid(self, client, admin):
        response = client.get(f"{URL}/due", params={"within_days": -1}, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/within_days"

    def test_worklist_most_overdue_first(
        self, client, tree, make_household, make_person, officer_person, officer, admin, db
    ):
        hamlet, other = tree["hamlet_a"]["id"], tree["hamlet_b"]["id"]
        # Registered in 2025: two of them get a person in charge from 2026-01-05.
        h1, h2, h3, h4, h6 = (make_household(hamlet, registered_on="2025-01-01") for _ in range(5))
        h5 = make_household(other)
        for h, status, since in (
            (h1, "poor", date(2025, 12, 10)),  # due 2026-03-10: 83 days overdue
            (h2, "near_poor", date(2026, 3, 1)),  # due 2026-06-01: today
            (h3, "poor", date(2026, 3, 5)),  # due 2026-06-05: within the week
            (h4, "near_poor", date(2026, 4, 1)),  # due 2026-07-01: not yet
            (h5, "poor", date(2025, 12, 10)),  # another commune
        ):
            set_status(db, h["id"], status, since)
        bich = make_person(full_name="Trần Thị Bích")
        assign(client, admin, h1["id"], officer_person["id"], "2026-01-05")
        assign(client, admin, h3["id"], bich["id"], "2026-01-05")
        due = client.get(f"{URL}/due", params={"as_of": self.AS_OF}, headers=officer).json()
        assert [
            (i["household_id"], i["due_on"], i["days_overdue"], i["overdue"], i["basis"])
            for i in due["items"]
        ] == [
            (h1["id"], "2026-03-10", 83, True, "schedule"),
            (h2["id"], "2026-06-01", 0, False, "schedule"),
            (h3["id"], "2026-06-05", -4, False, "schedule"),
        ]
        assert [
            i["person_in_charge"] and i["person_in_charge"]["full_name"] for i in due["items"]
        ] == [
            "Lê Văn Cán",
            None,
            "Trần Thị Bích",
        ]
        summary = due["summary"]
        assert (summary["due"], summary["overdue"]) == (3, 1)
        assert [(r["label"], r["due"], r["overdue"]) for r in summary["by_person"]] == [
            ("Lê Văn Cán", 1, 1),
            ("Chưa có người phụ trách / Nobody in charge", 1, 0),
            ("Trần Thị Bích", 1, 0),
        ]
        assert [(r["label"], r["due"], r["overdue"]) for r in summary["by_place"]] == [
            ("Ấp Sóc Kha", 3, 1)
        ]
        ids = lambda **p: [  # noqa: E731
            i["household_id"]
            for i in client.get(
                f"{URL}/due", params={"as_of": self.AS_OF, **p}, headers=officer
            ).json()["items"]
        ]
        assert ids(person_id="none") == [h2["id"]]
        assert ids(person_id=officer_person["id"]) == [h1["id"]]
        assert ids(within_days=0) == [h1["id"], h2["id"]]
        assert ids(place_id=tree["hamlet_b"]["id"]) == []
        # The dashboard asks for the two totals only: the same numbers, no rows.
        params = {"as_of": self.AS_OF, "summary": "totals"}
        totals = client.get(f"{URL}/due", params=params, headers=officer).json()
        assert totals["summary"] == {"due": 3, "overdue": 1, "by_person": [], "by_place": []}
        assert [i["household_id"] for i in totals["items"]] == [
            i["household_id"] for i in due["items"]
        ]
        params["summary"] = "rows"
        assert client.get(f"{URL}/due", params=params, headers=officer).status_code == 422
        everywhere = client.get(f"{URL}/due", params={"as_of": self.AS_OF}, headers=admin).json()
        assert [i["household_id"] for i in everywhere["items"]][:2] == sorted([h1["id"], h5["id"]])
        assert h6["id"] not in ids()

    def test_pages_and_a_visit_resets_the_clock(
        self, client, make_household, tree, officer_person, officer, db
    ):
        households = [make_household(tree["hamlet_a"]["id"]) for _ in range(3)]
        for h in households:
            set_status(db, h["id"], "poor", date(2025, 12, 10))
        first = client.get(f"{URL}/due", params={"page_size": 2}, headers=officer)
        assert first.status_code == 200
        body = first.json()
        assert [i["household_id"] for i in body["items"]] == sorted(h["id"] for h in households)[:2]
        assert 'rel="next"' in first.headers["Link"]
        rest = client.get(
            f"{URL}/due",
            params={"page_size": 2, "page_token": body["next_page_token"]},
            headers=officer,
        ).json()
        assert [i["household_id"] for i in rest["items"]] == sorted(h["id"] for h in households)[2:]
        assert rest["next_page_token"] is None
        target = households[0]["id"]
        recorded = client.post(
            URL,
            json=visit_body(
                target, officer_person["id"], next_visit_on=(TODAY + timedelta(days=20)).isoformat()
            ),
            headers=officer,
        )
        assert recorded.status_code == 201, recorded.text
        later = client.get(
            f"{URL}/due",
            params={"as_of": (TODAY + timedelta(days=20)).isoformat()},
            headers=officer,
        ).json()
        item = next(i for i in later["items"] if i["household_id"] == target)
        assert (item["due_on"], item["basis"], item["last_visit"]["visited_on"]) == (
            (TODAY + timedelta(days=20)).isoformat(),
            "next_visit_set",
            TODAY.isoformat(),
        )
        assert target not in [
            i["household_id"] for i in client.get(f"{URL}/due", headers=officer).json()["items"]
        ]
