"""The household's history in review order and its current status held since the right day
(defect 1b, 1c), one recognised periodic review a year refused with its own message (defect 2),
and the timeline's registration on the day the household was registered (defect 6)."""

from datetime import date

import pytest
from sqlmodel import select

from api.assessments.recognition import ordered_changes, rebuild_history
from api.models import Household, StatusChange
from tests.api.conftest import unique_code

POOR = {"income_per_capita": 600_000, "deprivations": ["HE2", "WS2"]}  # QD59-2015, rural
NEAR_POOR = {"income_per_capita": 900_000, "deprivations": ["HE2"]}
GENERIC_409 = "conflicts with another one that was just saved"


@pytest.fixture
def household(tree, make_household):
    return make_household(tree["hamlet_a"]["id"], registered_on="2016-01-04")


def steps_url(client, headers, household, year, answers, kind="periodic") -> str:
    base = f"/api/v1/households/{household['id']}/assessments"
    created = client.post(base, json={"year": year, "kind": kind, **answers}, headers=headers)
    assert created.status_code == 201, created.text
    return f"{base}/{created.json()['id']}/steps"


def to_posted(client, headers, url, posted_on) -> None:
    for step in (
        {"step": "surveyed"},
        {"step": "meeting", "attendees": 20, "agreeing": 15},
        {"step": "posted", "posted_on": posted_on},
    ):
        response = client.post(url, json=step, headers=headers)
        assert response.status_code == 200, response.text


def decide(client, headers, url, decision_date):
    body = {"step": "recognised", "decision_number": unique_code("QD")}
    return client.post(url, json={**body, "decision_date": decision_date}, headers=headers)


def review(client, headers, household, year, answers, posted_on, decided_on, kind="periodic"):
    url = steps_url(client, headers, household, year, answers, kind)
    to_posted(client, headers, url, posted_on)
    response = decide(client, headers, url, decided_on)
    assert response.status_code == 200, response.text


def status_changes(client, headers, household) -> list[tuple]:
    timeline = client.get(f"/api/v1/households/{household['id']}/timeline", headers=headers)
    items = timeline.json()["items"]
    return [(i["year"], i["from"], i["to"]) for i in items if i["kind"] == "status_change"]


def current(client, headers, household) -> tuple[str, str]:
    body = client.get(f"/api/v1/households/{household['id']}", headers=headers).json()
    return body["status"], body["status_since"]


class TestHistoryOrder:
    def test_a_later_year_cannot_take_effect_before_an_earlier_one(self, client, household, admin):
        """2016's periodic decision slips into March 2017 (allowed); a 2017 ad-hoc review then
        decided in February 2017 would take effect before it."""
        review(client, admin, household, 2016, POOR, "2016-12-01", "2017-03-01")
        url = steps_url(client, admin, household, 2017, NEAR_POOR, "adhoc")
        to_posted(client, admin, url, "2017-01-20")
        refused = decide(client, admin, url, "2017-02-01")
        assert refused.status_code == 422
        body = refused.json()
        assert body["errors"][0]["pointer"] == "/decision_date"
        assert "before the household's 2016 review" in body["detail"]
        assert body["detail_vi"]
        assert decide(client, admin, url, "2017-03-01").status_code == 200
        assert status_changes(client, admin, household) == [
            (2016, "unclassified", "poor"),
            (2017, "poor", "near_poor"),
        ]

    def test_an_earlier_year_cannot_take_effect_after_a_later_one(self, client, household, admin):
        review(client, admin, household, 2018, POOR, "2018-01-10", "2018-02-01", "adhoc")
        url = steps_url(client, admin, household, 2017, NEAR_POOR)
        to_posted(client, admin, url, "2017-12-01")
        refused = decide(client, admin, url, "2018-03-01")  # inside 2017's window
        assert refused.status_code == 422
        assert "after the household's 2018 review" in refused.json()["detail"]
        assert decide(client, admin, url, "2017-12-10").status_code == 200
        assert current(client, admin, household) == ("poor", "2018-02-01")

    def test_two_years_on_one_day_keep_the_order_of_their_years(self, client, household, admin):
        review(client, admin, household, 2017, NEAR_POOR, "2017-01-20", "2017-02-01", "adhoc")
        review(client, admin, household, 2016, POOR, "2016-12-01", "2017-02-01")
        assert status_changes(client, admin, household) == [
            (2016, "unclassified", "poor"),
            (2017, "poor", "near_poor"),
        ]
        assert current(client, admin, household) == ("near_poor", "2017-02-01")

    def test_rebuilt_by_year_even_from_dates_out_of_order(self, client, household, admin, db):
        """Histories recorded before the dates were checked may hold a later year dated
        earlier: the rebuild still follows the years."""
        review(client, admin, household, 2016, POOR, "2016-11-20", "2016-12-10")
        review(client, admin, household, 2017, NEAR_POOR, "2017-11-20", "2017-12-10")
        stmt = select(StatusChange).where(StatusChange.household_id == household["id"])
        old = {change.year: change for change in db.exec(stmt)}
        old[2016].effective_date = date(2018, 1, 1)  # as the unchecked API once allowed
        home = db.get(Household, household["id"])
        rebuild_history(db, home)
        assert [
            (c.year, c.previous_status, c.transition) for c in ordered_changes(db, home.id)
        ] == [
            (2016, "unclassified", "newly_poor"),
            (2017, "poor", "escaped_poverty"),
        ]
        assert (home.status, home.status_since) == ("near_poor", date(2017, 12, 10))


class TestStatusSince:
    def test_a_review_slotted_in_between_moves_status_since(self, client, household, admin):
        review(client, admin, household, 2016, POOR, "2016-11-20", "2016-12-10")
        review(client, admin, household, 2018, POOR, "2018-11-20", "2018-12-10")
        assert current(client, admin, household) == ("poor", "2016-12-10")
        before = client.get(f"/api/v1/households/{household['id']}", headers=admin)
        review(client, admin, household, 2017, NEAR_POOR, "2017-11-20", "2017-12-10")
        assert current(client, admin, household) == ("poor", "2018-12-10")
        after = client.get(f"/api/v1/households/{household['id']}", headers=admin)
        assert after.headers["ETag"] != before.headers["ETag"]  # a changed record, a new tag

    def test_a_repeated_status_keeps_its_first_day(self, client, household, admin):
        review(client, admin, household, 2016, POOR, "2016-11-20", "2016-12-10")
        review(client, admin, household, 2017, POOR, "2017-11-20", "2017-12-10")
        assert current(client, admin, household) == ("poor", "2016-12-10")


class TestOnePeriodicReviewAYear:
    def test_recognising_a_second_gives_the_written_conflict(self, client, household, admin):
        """Both under way before either was recognised: the second is refused at recognition
        with the purpose-written message, not the unique index's generic one."""
        first = steps_url(client, admin, household, 2016, POOR)
        second = steps_url(client, admin, household, 2016, NEAR_POOR)
        to_posted(client, admin, first, "2016-11-20")
        to_posted(client, admin, second, "2016-11-20")
        assert decide(client, admin, first, "2016-12-10").status_code == 200
        refused = decide(client, admin, second, "2016-12-12")
        assert refused.status_code == 409
        body = refused.json()
        assert "already has a recognised periodic review for 2016" in body["detail"]
        assert GENERIC_409 not in body["detail"]
        assert body["detail_vi"].startswith("Hộ đã có kết quả rà soát định kỳ năm 2016")
        assert body["errors"][0]["pointer"] == "/step"
        assert client.get(second.rsplit("/", 1)[0], headers=admin).json()["state"] == "posted"
        assert current(client, admin, household) == ("poor", "2016-12-10")

    def test_surveying_a_second_is_refused(self, client, household, admin):
        first = steps_url(client, admin, household, 2016, POOR)
        second = steps_url(client, admin, household, 2016, NEAR_POOR)
        to_posted(client, admin, first, "2016-11-20")
        assert decide(client, admin, first, "2016-12-10").status_code == 200
        refused = client.post(second, json={"step": "surveyed"}, headers=admin)
        assert refused.status_code == 409
        assert "already has a recognised periodic review for 2016" in refused.json()["detail"]
        assert client.get(second.rsplit("/", 1)[0], headers=admin).json()["state"] == "draft"
        # It can still be rejected, to close it.
        rejected = client.post(second, json={"step": "rejected", "reason": "Trùng"}, headers=admin)
        assert rejected.status_code == 200

    def test_adhoc_reviews_and_other_years_are_free(self, client, household, admin):
        review(client, admin, household, 2016, POOR, "2016-11-20", "2016-12-10")
        review(client, admin, household, 2016, NEAR_POOR, "2016-12-15", "2016-12-20", "adhoc")
        review(client, admin, household, 2017, NEAR_POOR, "2017-11-20", "2017-12-10")
        assert current(client, admin, household) == ("near_poor", "2016-12-20")


class TestTimelineRegistration:
    def test_registered_on_its_day_before_the_reviews(self, client, household, admin):
        review(client, admin, household, 2016, POOR, "2016-11-20", "2016-12-10")
        timeline = client.get(f"/api/v1/households/{household['id']}/timeline", headers=admin)
        items = timeline.json()["items"]
        assert items[0]["kind"] == "registered"
        assert items[0]["at"].startswith("2016-01-04T00:00:00")
        kinds = [i["kind"] for i in items]
        assert kinds.index("registered") < kinds.index("status_change")
