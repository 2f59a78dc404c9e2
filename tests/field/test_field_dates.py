"""Field records inside the household's life and without double counting: no same-day
handover (defect 3), no assignment or sponsorship before the household existed (defect 4),
one sponsorship per sponsor and household at a time, contributions inside the sponsorship,
no sponsorship starting in the future (defect 5)."""

from datetime import date, timedelta

import pytest

from api.models import Agency, Assignment, Policy, Sponsorship, Support
from tests.field.conftest import TODAY, count
from tests.field.test_assignments import assign

SHIPS = "/api/v1/sponsorships"


def problem(response, status: int, pointer: str, words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["errors"][0]["pointer"] == pointer
    assert words in body["detail"]
    assert body["detail_vi"]  # and in Vietnamese for the officer
    return body


@pytest.fixture
def home(tree, make_household):
    """Registered on 2016-05-01."""
    return make_household(tree["hamlet_a"]["id"], registered_on="2016-05-01")


class TestSameDayHandover:
    def test_refused_and_the_current_assignment_kept(self, client, home, make_person, admin, db):
        a, b = make_person()["id"], make_person(full_name="Kim Văn Tư")["id"]
        first = assign(client, admin, home["id"], a, "2021-03-01")
        assert first.status_code == 201, first.text
        refused = assign(client, admin, home["id"], b, "2021-03-01", "Đổi người")
        body = problem(refused, 409, "/start_date", "End the current assignment first")
        assert first.json()["id"] in body["detail"]
        current = client.get(f"/api/v1/assignments/{first.json()['id']}", headers=admin).json()
        assert (current["end_date"], current["active"]) == (None, True)
        assert count(db, Assignment, household_id=home["id"]) == 1
        # The next day is an ordinary handover.
        assert assign(client, admin, home["id"], b, "2021-03-02").status_code == 201

    def test_a_mistaken_entry_ended_on_its_start_day_is_no_change(
        self, client, home, make_person, admin
    ):
        a, b = make_person()["id"], make_person(full_name="Kim Văn Tư")["id"]
        first = assign(client, admin, home["id"], a, "2021-03-01").json()
        body = {"end_date": "2021-03-01", "reason": "Nhập nhầm người"}
        ended = client.post(f"/api/v1/assignments/{first['id']}/end", json=body, headers=admin)
        assert ended.status_code == 200, ended.text
        assert assign(client, admin, home["id"], b, "2021-03-01").status_code == 201
        params = {"year": 2021, "by": "commune"}
        total = client.get("/api/v1/assignments/stability", params=params, headers=admin)
        assert (total.json()["total"]["assigned_households"], total.json()["total"]["changes"]) == (
            1,
            0,
        )


class TestBeforeTheHouseholdExisted:
    def test_assignment_refused(self, client, home, make_person, admin, db):
        person = make_person()["id"]
        refused = assign(client, admin, home["id"], person, "1990-01-01", end_date="1991-01-01")
        body = problem(refused, 422, "/start_date", "before the household existed")
        assert "2016-05-01" in body["detail"]
        assert assign(client, admin, home["id"], person, "2016-04-30").status_code == 422
        assert count(db, Assignment, household_id=home["id"]) == 0
        assert assign(client, admin, home["id"], person, "2016-05-01").status_code == 201

    def test_an_earlier_review_year_counts_as_existing(self, client, tree, make_household, admin):
        """The same notion as visits: a 2016 review shows the household existed in 2016, even if
        it was put on this register later."""
        late = make_household(tree["hamlet_a"]["id"], registered_on="2024-03-01")
        review = {"year": 2016, "income_per_capita": 600_000, "deprivations": ["HE2"]}
        url = f"/api/v1/households/{late['id']}/assessments"
        assert client.post(url, json=review, headers=admin).status_code == 201
        sponsor = make_sponsor(client, admin, tree)
        assert sponsorship(client, admin, late["id"], sponsor, "2015-12-31").status_code == 422
        assert sponsorship(client, admin, late["id"], sponsor, "2016-01-01").status_code == 201

    def test_sponsorship_refused(self, client, tree, make_household, admin, db):
        late = make_household(tree["hamlet_a"]["id"], registered_on="2024-03-01")
        refused = sponsorship(
            client, admin, late["id"], make_sponsor(client, admin, tree), "2010-06-01"
        )
        problem(refused, 422, "/start_date", "before the household existed")
        assert count(db, Sponsorship, household_id=late["id"]) == 0


def make_sponsor(client, headers, tree, name="Hội Phụ nữ xã") -> str:
    body = {"kind": "mass_organisation", "name": name, "place_id": tree["commune_a"]["id"]}
    response = client.post("/api/v1/sponsors", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def sponsorship(client, headers, household_id, sponsor_id, start, end=None, **extra):
    body = {
        "household_id": household_id,
        "start_date": start,
        "pledges": [{"sponsor_id": sponsor_id, "amount_vnd": 1_000_000}],
        **extra,
    }
    if end is not None:
        body["end_date"] = end
    return client.post(SHIPS, json=body, headers=headers)


class TestSponsorshipPeriods:
    def test_starting_in_the_future_is_refused(self, client, tree, home, admin):
        sponsor = make_sponsor(client, admin, tree)
        tomorrow = (TODAY + timedelta(days=1)).isoformat()
        problem(
            sponsorship(client, admin, home["id"], sponsor, tomorrow), 422, "/start_date", "future"
        )
        assert sponsorship(client, admin, home["id"], sponsor, TODAY.isoformat()).status_code == 201

    def test_one_sponsor_one_sponsorship_at_a_time(self, client, tree, home, admin, db):
        union = make_sponsor(client, admin, tree)
        farmers = make_sponsor(client, admin, tree, "Hội Nông dân xã")
        first = sponsorship(client, admin, home["id"], union, "2025-01-01", "2025-07-01")
        assert first.status_code == 201, first.text
        overlapping = sponsorship(client, admin, home["id"], union, "2025-06-01")
        body = problem(overlapping, 409, "/pledges/0/sponsor_id", "already sponsors this household")
        assert first.json()["id"] in body["detail"]
        # Another sponsor may help at the same time; the same one from the day it ended.
        assert sponsorship(client, admin, home["id"], farmers, "2025-06-01").status_code == 201
        after = sponsorship(client, admin, home["id"], union, "2025-07-01")
        assert after.status_code == 201, after.text
        assert count(db, Sponsorship, household_id=home["id"]) == 3

    def test_joining_or_reopening_into_an_overlap_is_refused(self, client, tree, home, admin):
        union = make_sponsor(client, admin, tree)
        farmers = make_sponsor(client, admin, tree, "Hội Nông dân xã")
        ended = sponsorship(client, admin, home["id"], union, "2025-01-01", "2025-07-01").json()
        later = sponsorship(client, admin, home["id"], union, "2025-07-01").json()
        theirs = sponsorship(client, admin, home["id"], farmers, "2025-03-01").json()
        joined = client.post(
            f"{SHIPS}/{theirs['id']}/pledges",
            json={"sponsor_id": union, "items": "Giống"},
            headers=admin,
        )
        problem(joined, 409, "/sponsor_id", "already sponsors this household")
        url = f"{SHIPS}/{ended['id']}"
        headers = {**admin, "If-Match": client.get(url, headers=admin).headers["ETag"]}
        reopened = client.patch(url, json={"end_date": None}, headers=headers)
        problem(reopened, 409, "/end_date", later["id"])
        assert client.get(url, headers=admin).json()["end_date"] == "2025-07-01"


@pytest.fixture
def donated(db):
    """A social-mobilisation support delivered to a household on a given day."""
    agency = Agency(code="MTTQ", name="Mặt trận Tổ quốc xã", kind="fatherland_front")
    db.add(agency)
    db.flush()
    policy = Policy(
        agency_id=agency.id, code="VD", name="Vận động", category="livelihood", unit="vnd"
    )
    db.add(policy)
    db.commit()

    def make(household_id: str, delivered_on: str) -> str:
        support = Support(
            agency_id=agency.id,
            policy_id=policy.id,
            household_id=household_id,
            category="livelihood",
            delivered_on=date.fromisoformat(delivered_on),
            amount_vnd=500_000,
            funding_source="social_mobilisation",
            status="delivered",
            recorded_by_kind="agency",
            recorded_by_id=agency.id,
        )
        db.add(support)
        db.commit()
        return support.id

    return make


class TestContributionsInsideTheSponsorship:
    def test_delivered_outside_the_period_is_refused(self, client, tree, home, admin, donated):
        union = make_sponsor(client, admin, tree)
        ship = sponsorship(client, admin, home["id"], union, "2025-01-01", "2025-07-01").json()
        url = f"{SHIPS}/{ship['id']}/contributions"
        for day in ("2024-12-31", "2025-07-01"):
            response = client.post(
                url, json={"support_id": donated(home["id"], day)}, headers=admin
            )
            problem(response, 422, "/support_id", "outside the sponsorship")
        for day in ("2025-01-01", "2025-06-30"):
            response = client.post(
                url, json={"support_id": donated(home["id"], day)}, headers=admin
            )
            assert response.status_code == 201, response.text
        assert client.get(f"{SHIPS}/{ship['id']}", headers=admin).json()["delivered_count"] == 2

    def test_ending_before_a_counted_contribution_is_refused(
        self, client, tree, home, admin, donated
    ):
        union = make_sponsor(client, admin, tree)
        ship = sponsorship(client, admin, home["id"], union, "2025-01-01").json()
        url = f"{SHIPS}/{ship['id']}"
        support = donated(home["id"], "2025-05-10")
        linked = client.post(f"{url}/contributions", json={"support_id": support}, headers=admin)
        assert linked.status_code == 201, linked.text
        headers = {**admin, "If-Match": client.get(url, headers=admin).headers["ETag"]}
        body = {"end_date": "2025-05-10", "end_reason": "Hộ đã thoát nghèo"}
        problem(client.patch(url, json=body, headers=headers), 422, "/end_date", "2025-05-10")
        body["end_date"] = "2025-05-11"
        assert client.patch(url, json=body, headers=headers).status_code == 200
