"""A review's dates stay inside its year's window and follow its steps in order, so that a
date cannot reorder the household's history (black-box review, defect 1a)."""

import pytest
from sqlmodel import select

from api.models import StatusChange
from tests.api.conftest import unique_code

POOR = {"income_per_capita": 600_000, "deprivations": ["HE2", "WS2"]}  # QD59-2015, rural
NEAR_POOR = {"income_per_capita": 900_000, "deprivations": ["HE2"]}


@pytest.fixture
def household(tree, make_household):
    return make_household(tree["hamlet_a"]["id"], registered_on="2016-01-04")


def base(household) -> str:
    return f"/api/v1/households/{household['id']}/assessments"


def create(client, headers, household, year, answers=POOR, **fields):
    body = {"year": year, **answers, **fields}
    return client.post(base(household), json=body, headers=headers)


def to_posted(client, headers, household, year, posted_on, answers=POOR, **fields) -> str:
    """A review of `year` surveyed, agreed and posted on posted_on; returns its steps URL."""
    created = create(client, headers, household, year, answers, **fields)
    assert created.status_code == 201, created.text
    url = f"{base(household)}/{created.json()['id']}/steps"
    for step in (
        {"step": "surveyed"},
        {"step": "meeting", "attendees": 20, "agreeing": 15},
        {"step": "posted", "posted_on": posted_on},
    ):
        response = client.post(url, json=step, headers=headers)
        assert response.status_code == 200, response.text
    return url


def recognise(client, headers, url, decision_date, **extra):
    body = {"step": "recognised", "decision_number": unique_code("QD"), **extra}
    return client.post(url, json={**body, "decision_date": decision_date}, headers=headers)


def assert_refused(response, pointer: str, words: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["errors"][0]["pointer"] == pointer
    assert words in body["detail"]
    assert body["detail_vi"]  # and in Vietnamese for the officer


class TestTheReviewersCase:
    def test_a_2017_review_posted_in_2016_is_refused(self, client, household, admin):
        url = to_posted(client, admin, household, 2016, "2016-11-20")
        assert recognise(client, admin, url, "2016-12-20").status_code == 200
        created = create(client, admin, household, 2017, NEAR_POOR)
        url = f"{base(household)}/{created.json()['id']}/steps"
        client.post(url, json={"step": "surveyed"}, headers=admin)
        client.post(url, json={"step": "meeting", "attendees": 9, "agreeing": 9}, headers=admin)
        posted = client.post(url, json={"step": "posted", "posted_on": "2016-10-25"}, headers=admin)
        assert_refused(posted, "/posted_on", "outside the 2017 periodic review")
        assert "2017-01-01 to 2018-03-31" in posted.json()["detail"]
        assert client.get(url.rsplit("/", 1)[0], headers=admin).json()["state"] == "agreed"

    def test_a_2019_review_decided_in_2015_is_refused(self, client, household, admin, db):
        url = to_posted(client, admin, household, 2019, "2019-11-20")
        refused = recognise(client, admin, url, "2015-02-01")
        assert_refused(refused, "/decision_date", "outside the 2019 periodic review")
        assert client.get(url.rsplit("/", 1)[0], headers=admin).json()["state"] == "posted"
        changes = db.exec(select(StatusChange).where(StatusChange.household_id == household["id"]))
        assert changes.all() == []


class TestWindow:
    @pytest.mark.parametrize(
        ("decision_date", "accepted"),
        [("2015-12-31", False), ("2016-12-31", True), ("2017-03-31", True), ("2017-04-01", False)],
    )
    def test_periodic_decision_may_slip_into_the_next_quarter(
        self, client, household, admin, decision_date, accepted
    ):
        # Posted on the first day of the window, so only the window decides.
        url = to_posted(client, admin, household, 2016, "2016-01-01")
        response = recognise(client, admin, url, decision_date)
        if accepted:
            assert response.status_code == 200, response.text
            assert response.json()["decision_date"] == decision_date
        else:
            assert_refused(response, "/decision_date", "2016-01-01 to 2017-03-31")

    def test_adhoc_review_stays_in_its_year(self, client, household, admin):
        url = to_posted(client, admin, household, 2018, "2018-12-20", kind="adhoc")
        assert_refused(
            recognise(client, admin, url, "2019-01-05"),
            "/decision_date",
            "outside the 2018 ad-hoc review, which is dated from 2018-01-01 to 2018-12-31",
        )
        assert recognise(client, admin, url, "2018-12-28").status_code == 200

    def test_effective_date_in_the_window_too(self, client, household, admin):
        url = to_posted(client, admin, household, 2018, "2018-04-20", kind="adhoc")
        refused = recognise(client, admin, url, "2018-05-02", effective_date="2017-12-01")
        assert_refused(refused, "/effective_date", "outside the 2018 ad-hoc review")
        # Before the decision but inside the year: the 1st of the month, as before.
        accepted = recognise(client, admin, url, "2018-05-02", effective_date="2018-05-01")
        assert accepted.status_code == 200, accepted.text

    def test_survey_date_on_creation_and_edit(self, client, household, admin):
        refused = create(client, admin, household, 2016, survey_date="2015-12-31")
        assert_refused(refused, "/survey_date", "outside the 2016 periodic review")
        assert client.get(base(household), headers=admin).json()["items"] == []
        created = create(client, admin, household, 2016, survey_date="2016-09-10")
        assert created.status_code == 201, created.text
        url = f"{base(household)}/{created.json()['id']}"
        headers = {**admin, "If-Match": created.headers["ETag"]}
        edited = client.patch(url, json={**POOR, "survey_date": "2017-04-01"}, headers=headers)
        assert_refused(edited, "/survey_date", "outside the 2016 periodic review")
        assert client.get(url, headers=admin).json()["survey_date"] == "2016-09-10"

    def test_posting_defaults_to_today_only_inside_the_window(self, client, household, admin):
        created = create(client, admin, household, 2016)
        url = f"{base(household)}/{created.json()['id']}/steps"
        client.post(url, json={"step": "surveyed"}, headers=admin)
        client.post(url, json={"step": "meeting", "attendees": 9, "agreeing": 9}, headers=admin)
        assert_refused(
            client.post(url, json={"step": "posted"}, headers=admin),
            "/posted_on",
            "outside the 2016 periodic review",
        )


class TestStepOrder:
    def test_posting_before_the_survey_is_refused(self, client, household, admin):
        created = create(client, admin, household, 2016, survey_date="2016-10-01")
        url = f"{base(household)}/{created.json()['id']}/steps"
        client.post(url, json={"step": "surveyed"}, headers=admin)
        client.post(url, json={"step": "meeting", "attendees": 9, "agreeing": 9}, headers=admin)
        posted = client.post(url, json={"step": "posted", "posted_on": "2016-09-20"}, headers=admin)
        assert_refused(posted, "/posted_on", "before the survey date 2016-10-01")
        posted = client.post(url, json={"step": "posted", "posted_on": "2016-10-01"}, headers=admin)
        assert posted.status_code == 200, posted.text

    def test_decision_before_the_posting_is_refused(self, client, household, admin):
        url = to_posted(client, admin, household, 2016, "2016-11-20")
        assert_refused(
            recognise(client, admin, url, "2016-11-19"),
            "/decision_date",
            "before the posting date 2016-11-20",
        )
        assert recognise(client, admin, url, "2016-11-20").status_code == 200
