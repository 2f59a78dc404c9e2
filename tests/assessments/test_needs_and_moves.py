"""Needs opened by officers, an ad-hoc review, a B1-scored review, and a rural→urban move."""

from tests.agencies.test_events import read_all
from tests.assessments.test_review_cycle import (
    NEAR_POOR_2017,
    POOR_2016,
    POOR_AGAIN_2018,
    recognise,
)


class TestNeeds:
    def test_officer_opens_and_meets_a_need(self, client, tree, make_household, admin):
        household = make_household(tree["hamlet_a"]["id"])
        opened = client.post(
            "/api/v1/needs",
            json={
                "household_id": household["id"],
                "category": "vocational_training",
                "description": "Con trai muốn học nghề hàn",
            },
            headers=admin,
        )
        assert opened.status_code == 201
        assert opened.json()["source"] == "officer"
        url = f"/api/v1/needs/{opened.json()['id']}"
        met = client.patch(
            url, json={"status": "met"}, headers={**admin, "If-Match": opened.headers["ETag"]}
        )
        assert met.status_code == 200
        assert met.json()["status"] == "met"
        assert met.json()["closed_at"] is not None
        again = client.patch(
            url,
            json={"status": "cancelled", "closed_reason": "x"},
            headers={**admin, "If-Match": met.headers["ETag"]},
        )
        assert again.status_code == 409

    def test_cancel_needs_a_reason(self, client, tree, make_household, admin):
        household = make_household(tree["hamlet_a"]["id"])
        opened = client.post(
            "/api/v1/needs",
            json={"household_id": household["id"], "category": "housing"},
            headers=admin,
        )
        url = f"/api/v1/needs/{opened.json()['id']}"
        response = client.patch(
            url, json={"status": "cancelled"}, headers={**admin, "If-Match": opened.headers["ETag"]}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/closed_reason"
        assert client.get(url, headers=admin).json()["status"] == "open"

    def test_unknown_category_and_household(self, client, tree, make_household, admin):
        household = make_household(tree["hamlet_a"]["id"])
        bad = client.post(
            "/api/v1/needs",
            json={"household_id": household["id"], "category": "yachts"},
            headers=admin,
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["pointer"] == "/category"
        missing = client.post(
            "/api/v1/needs",
            json={"household_id": "hh_missing", "category": "housing"},
            headers=admin,
        )
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["pointer"] == "/household_id"

    def test_officer_sees_only_needs_of_their_places(
        self, client, tree, make_household, admin, make_user, login
    ):
        inside = make_household(tree["hamlet_a"]["id"])
        outside = make_household(tree["hamlet_b"]["id"])
        for household in (inside, outside):
            client.post(
                "/api/v1/needs",
                json={"household_id": household["id"], "category": "housing"},
                headers=admin,
            )
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        listed = client.get("/api/v1/needs", headers=officer).json()["items"]
        assert [n["household_id"] for n in listed] == [inside["id"]]


class TestOtherReviews:
    def test_adhoc_review_changes_status_from_its_date(self, client, tree, make_household, admin):
        household = make_household(tree["hamlet_a"]["id"])
        recognise(
            client,
            admin,
            household["id"],
            2017,
            {"income_per_capita": 2_000_000, "deprivations": []},
        )
        base = f"/api/v1/households/{household['id']}/assessments"
        aid = client.post(
            base,
            json={"year": 2018, "kind": "adhoc", "income_per_capita": 500_000, "deprivations": []},
            headers=admin,
        ).json()["id"]
        for step in (
            {"step": "surveyed"},
            {"step": "meeting", "attendees": 9, "agreeing": 9},
            {"step": "posted", "posted_on": "2018-04-20"},
            {
                "step": "recognised",
                "decision_number": "12/QĐ",
                "decision_date": "2018-05-02",
                "effective_date": "2018-05-01",
            },
        ):
            assert client.post(f"{base}/{aid}/steps", json=step, headers=admin).status_code == 200
        current = client.get(f"/api/v1/households/{household['id']}", headers=admin).json()
        assert (current["status"], current["status_since"]) == ("poor", "2018-05-01")

    def test_b1_scored_review(self, client, tree, make_household, admin):
        household = make_household(tree["hamlet_a"]["id"])
        response = client.post(
            f"/api/v1/households/{household['id']}/assessments",
            json={"year": 2017, "b1_score": 130, "b2_score": 30},
            headers=admin,
        )
        assert response.status_code == 201
        assert response.json()["classification"] == "poor"
        assert response.json()["deprivation_count"] == 3

    def test_move_from_rural_to_urban_changes_the_line(self, client, tree, make_household, admin):
        household = make_household(tree["hamlet_a"]["id"])
        answers = {"income_per_capita": 800_000, "deprivations": []}
        first = recognise(client, admin, household["id"], 2016, answers)
        assert (first["area"], first["classification"]) == ("rural", "near_poor")
        url = f"/api/v1/households/{household['id']}"
        etag = client.get(url, headers=admin).headers["ETag"]
        moved = client.patch(
            url,
            json={"place_id": tree["town"]["id"], "move_reason": "chuyển"},
            headers={**admin, "If-Match": etag},
        )
        assert moved.status_code == 200, moved.text
        second = recognise(client, admin, household["id"], 2017, answers)
        assert (second["area"], second["classification"]) == ("urban", "poor")
        timeline = client.get(f"{url}/timeline", headers=admin).json()["items"]
        changes = [i["transition"] for i in timeline if i["kind"] == "status_change"]
        assert changes == ["newly_near_poor", "newly_poor"]


class TestNeedsFollowTheReviews:
    """A later review that no longer finds a deprivation cancels the need it opened."""

    def needs(self, client, admin, household_id):
        listed = client.get(
            "/api/v1/needs", params={"household_id": household_id}, headers=admin
        ).json()["items"]
        return {n["category"]: n for n in listed}

    def test_a_later_review_without_the_deprivation_cancels_its_need(
        self, client, tree, make_household, admin
    ):
        household = make_household(tree["hamlet_a"]["id"])
        recognise(client, admin, household["id"], 2016, POOR_2016)  # HE2, WS2
        opened = self.needs(client, admin, household["id"])
        assert {c: n["status"] for c, n in opened.items()} == {
            "health": "open",
            "water_sanitation": "open",
        }
        _, after = read_all(client, admin)
        recognise(client, admin, household["id"], 2017, NEAR_POOR_2017)  # HE2 only
        needs = self.needs(client, admin, household["id"])
        assert needs["health"]["status"] == "open"
        assert needs["water_sanitation"]["status"] == "cancelled"
        assert "2017" in needs["water_sanitation"]["closed_reason"]
        events = client.get("/api/v1/events", params={"after": after}, headers=admin).json()[
            "items"
        ]
        cancelled = [e for e in events if e["type"] == "need.cancelled"]
        assert [e["data"]["need_id"] for e in cancelled] == [needs["water_sanitation"]["id"]]

    def test_an_older_review_recognised_late_closes_nothing(
        self, client, tree, make_household, admin
    ):
        household = make_household(tree["hamlet_a"]["id"])
        recognise(client, admin, household["id"], 2016, POOR_2016)
        recognise(client, admin, household["id"], 2018, POOR_AGAIN_2018)  # no indicators
        assert {n["status"] for n in self.needs(client, admin, household["id"]).values()} == {
            "cancelled"
        }
        hand = client.post(
            "/api/v1/needs",
            json={"household_id": household["id"], "category": "housing"},
            headers=admin,
        )
        assert hand.status_code == 201
        recognise(client, admin, household["id"], 2017, NEAR_POOR_2017)  # not the latest
        needs = self.needs(client, admin, household["id"])
        assert needs["housing"]["status"] == "open"  # an officer's need is the officer's

    def test_a_review_scored_with_b2_alone_closes_nothing(
        self, client, tree, make_household, admin
    ):
        household = make_household(tree["hamlet_a"]["id"])
        recognise(client, admin, household["id"], 2016, POOR_2016)
        recognise(client, admin, household["id"], 2017, {"b1_score": 100, "b2_score": 40})
        assert {n["status"] for n in self.needs(client, admin, household["id"]).values()} == {
            "open"
        }
