"""An officer records reviews for 2016-2018 through the whole life cycle."""

import pytest

POOR_2016 = {"income_per_capita": 600_000, "deprivations": ["HE2", "WS2"]}
NEAR_POOR_2017 = {"income_per_capita": 900_000, "deprivations": ["HE2"]}
POOR_AGAIN_2018 = {"income_per_capita": 650_000, "deprivations": []}


@pytest.fixture
def household(tree, make_household):
    return make_household(tree["hamlet_a"]["id"], ethnicity="khmer")


def recognise(client, headers, household_id, year, answers, *, kind="periodic"):
    base = f"/api/v1/households/{household_id}/assessments"
    created = client.post(base, json={"year": year, "kind": kind, **answers}, headers=headers)
    assert created.status_code == 201, created.text
    url = f"{base}/{created.json()['id']}/steps"
    for step in (
        {"step": "surveyed"},
        {"step": "meeting", "attendees": 20, "agreeing": 15},
        {"step": "posted", "posted_on": f"{year}-11-20"},
        {
            "step": "recognised",
            "decision_number": f"{year}/QĐ-UBND",
            "decision_date": f"{year}-12-10",
        },
    ):
        response = client.post(url, json=step, headers=headers)
        assert response.status_code == 200, response.text
    return response.json()


class TestCreateAssessment:
    def test_anonymous(self, client, household):
        url = f"/api/v1/households/{household['id']}/assessments"
        assert client.post(url, json={"year": 2016, **POOR_2016}).status_code == 401

    def test_auditor_forbidden(self, client, household, make_user, login):
        auditor = login(make_user("auditor"))
        url = f"/api/v1/households/{household['id']}/assessments"
        assert (
            client.post(url, json={"year": 2016, **POOR_2016}, headers=auditor).status_code == 403
        )

    def test_unknown_household(self, client, admin):
        url = "/api/v1/households/hh_nope/assessments"
        assert client.post(url, json={"year": 2016, **POOR_2016}, headers=admin).status_code == 404

    def test_classified_by_the_api(self, client, household, admin):
        url = f"/api/v1/households/{household['id']}/assessments"
        response = client.post(url, json={"year": 2016, **POOR_2016}, headers=admin)
        assert response.status_code == 201
        body = response.json()
        assert (body["standard"], body["classification"], body["state"]) == (
            "QD59-2015",
            "poor",
            "draft",
        )
        assert body["poverty_line"] == 700_000
        assert body["deprivations"] == ["HE2", "WS2"]

    def test_client_cannot_send_a_classification(self, client, household, admin):
        url = f"/api/v1/households/{household['id']}/assessments"
        response = client.post(
            url, json={"year": 2016, "classification": "not_poor", **POOR_2016}, headers=admin
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/classification"

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"year": 2015, **POOR_2016}, "/year"),
            ({"year": 2016, "income_per_capita": -1, "deprivations": []}, "/income_per_capita"),
            ({"year": 2016, "income_per_capita": 1, "deprivations": ["EM1"]}, "/deprivations/0"),
            ({"year": 2016, "income_per_capita": 1, "deprivations": ["XX9"]}, "/deprivations/0"),
            ({"year": 2016, "deprivations": []}, "/income_per_capita"),
        ],
    )
    def test_invalid(self, client, household, admin, body, pointer):
        url = f"/api/v1/households/{household['id']}/assessments"
        response = client.post(url, json=body, headers=admin)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["pointer"] == pointer
        assert client.get(url, headers=admin).json()["items"] == []


class TestLifeCycle:
    def test_three_years_with_re_poverty(self, client, household, admin):
        hid = household["id"]
        recognise(client, admin, hid, 2016, POOR_2016)
        recognise(client, admin, hid, 2017, NEAR_POOR_2017)
        recognise(client, admin, hid, 2018, POOR_AGAIN_2018)
        current = client.get(f"/api/v1/households/{hid}", headers=admin).json()
        assert current["status"] == "poor"
        timeline = client.get(f"/api/v1/households/{hid}/timeline", headers=admin).json()
        changes = [i for i in timeline["items"] if i["kind"] == "status_change"]
        assert [(c["year"], c["from"], c["to"], c["transition"]) for c in changes] == [
            (2016, "unclassified", "poor", "newly_poor"),
            (2017, "poor", "near_poor", "escaped_poverty"),
            (2018, "near_poor", "poor", "re_poor"),
        ]
        assert changes[0]["reasons"][0]["code"] == "income_at_or_below_poverty_line"

    def test_out_of_order_recognition_rebuilds_the_history(self, client, household, admin):
        hid = household["id"]
        recognise(client, admin, hid, 2018, POOR_AGAIN_2018)
        recognise(client, admin, hid, 2016, POOR_2016)
        recognise(client, admin, hid, 2017, NEAR_POOR_2017)
        timeline = client.get(f"/api/v1/households/{hid}/timeline", headers=admin).json()
        transitions = [i["transition"] for i in timeline["items"] if i["kind"] == "status_change"]
        assert transitions == ["newly_poor", "escaped_poverty", "re_poor"]
        assert client.get(f"/api/v1/households/{hid}", headers=admin).json()["status"] == "poor"

    def test_meeting_under_half_sends_back_to_survey(self, client, household, admin):
        base = f"/api/v1/households/{household['id']}/assessments"
        aid = client.post(base, json={"year": 2016, **POOR_2016}, headers=admin).json()["id"]
        client.post(f"{base}/{aid}/steps", json={"step": "surveyed"}, headers=admin)
        response = client.post(
            f"{base}/{aid}/steps",
            json={"step": "meeting", "attendees": 10, "agreeing": 4},
            headers=admin,
        )
        assert response.status_code == 200
        assert response.json()["state"] == "draft"
        assert response.json()["meeting_agreeing"] == 4

    def test_skipped_and_repeated_steps_are_refused(self, client, household, admin):
        base = f"/api/v1/households/{household['id']}/assessments"
        aid = client.post(base, json={"year": 2016, **POOR_2016}, headers=admin).json()["id"]
        skipped = client.post(f"{base}/{aid}/steps", json={"step": "posted"}, headers=admin)
        assert skipped.status_code == 409
        assert (
            client.post(f"{base}/{aid}/steps", json={"step": "surveyed"}, headers=admin).status_code
            == 200
        )
        repeated = client.post(f"{base}/{aid}/steps", json={"step": "surveyed"}, headers=admin)
        assert repeated.status_code == 409
        assert repeated.headers["content-type"] == "application/problem+json"
        assert client.get(f"{base}/{aid}", headers=admin).json()["state"] == "surveyed"

    def test_second_recognised_periodic_review_for_a_year(self, client, household, admin):
        """Refused at creation: it could never be recognised (tests/assessments/
        test_review_dates.py covers one already under way when the first is recognised)."""
        hid = household["id"]
        recognise(client, admin, hid, 2016, POOR_2016)
        base = f"/api/v1/households/{hid}/assessments"
        refused = client.post(base, json={"year": 2016, **NEAR_POOR_2017}, headers=admin)
        assert refused.status_code == 409
        assert refused.json()["errors"][0]["pointer"] == "/year"
        assert "already has a recognised periodic review for 2016" in refused.json()["detail"]
        assert len(client.get(base, headers=admin).json()["items"]) == 1
        assert client.get(f"/api/v1/households/{hid}", headers=admin).json()["status"] == "poor"

    def test_recognition_opens_needs_from_deprivations(self, client, household, admin):
        recognise(client, admin, household["id"], 2016, POOR_2016)
        needs = client.get(
            "/api/v1/needs", params={"household_id": household["id"]}, headers=admin
        ).json()["items"]
        assert sorted((n["category"], n["indicator_code"]) for n in needs) == [
            ("health", "HE2"),
            ("water_sanitation", "WS2"),
        ]

    def test_draft_edit_reclassifies(self, client, household, admin):
        base = f"/api/v1/households/{household['id']}/assessments"
        created = client.post(base, json={"year": 2016, **POOR_2016}, headers=admin)
        url = f"{base}/{created.json()['id']}"
        edited = client.patch(
            url, json=NEAR_POOR_2017, headers={**admin, "If-Match": created.headers["ETag"]}
        )
        assert edited.status_code == 200
        assert edited.json()["classification"] == "near_poor"


class TestHouseholdFilters:
    def test_transition_and_status_filters(self, client, tree, household, make_household, admin):
        other = make_household(tree["hamlet_a"]["id"])
        recognise(client, admin, household["id"], 2016, POOR_2016)
        recognise(client, admin, other["id"], 2016, NEAR_POOR_2017)
        listed = client.get(
            "/api/v1/households", params={"transition": "newly_poor", "year": 2016}, headers=admin
        )
        assert [h["id"] for h in listed.json()["items"]] == [household["id"]]
        near = client.get("/api/v1/households", params={"status": "near_poor"}, headers=admin)
        assert [h["id"] for h in near.json()["items"]] == [other["id"]]


class TestClassify:
    def test_preview(self, client, admin):
        response = client.post(
            "/api/v1/classify",
            json={
                "year": 2020,
                "area": "urban",
                "income_per_capita": 900_001,
                "deprivations": ["HE1", "HE2", "ED1"],
            },
            headers=admin,
        )
        assert response.status_code == 200
        assert response.json()["classification"] == "poor"
        assert response.json()["standard"] == "QD59-2015"

    def test_unknown_standard(self, client, admin):
        response = client.post(
            "/api/v1/classify",
            json={"standard": "QD00", "area": "rural", "income_per_capita": 1, "deprivations": []},
            headers=admin,
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/standard"

    def test_standards_listed(self, client, admin):
        codes = [s["code"] for s in client.get("/api/v1/standards", headers=admin).json()["items"]]
        assert codes == ["QD59-2015", "ND07-2021", "ND351-2025"]
        detail = client.get("/api/v1/standards/ND07-2021", headers=admin).json()
        assert len(detail["indicators"]) == 12
