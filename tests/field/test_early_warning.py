"""The re-poverty early warning through the API, and the issue's "done when" scenario: a commune
officer opens the worklist, records a visit reporting a shock, and sees the household rise."""

from datetime import timedelta

import pytest

from api.migrate import upgrade
from api.models import Household
from api.risk.command import refresh_risk
from api.risk.scoring import day_vi
from api.risk.service import refresh_all
from tests.field.conftest import ESCAPED, NEAR_POOR, POOR, TODAY, review
from tests.field.test_assignments import assign

HOUSEHOLDS = "/api/v1/households"
ESCAPE_DAY = TODAY - timedelta(days=40)  # one whole month ago, never two
# A's escape review still finds two of its three deprivations: the housing need its poor
# review opened is cancelled, health and water stay open.
ESCAPED_STILL_LACKING = {**ESCAPED, "deprivations": ["HE2", "WS2"]}


@pytest.fixture
def watched(client, tree, make_household, admin):
    """A escaped poverty 40 days ago; B is near-poor with three children; C is poor."""
    hamlet = tree["hamlet_a"]["id"]
    a = make_household(hamlet, head_name="Thạch Văn An")
    review(client, admin, a["id"], 2025, POOR, TODAY.replace(year=2025, month=12, day=10))
    review(client, admin, a["id"], 2026, ESCAPED_STILL_LACKING, ESCAPE_DAY)
    children = [
        {
            "full_name": f"Thạch Thị Bé {i}",
            "gender": "female",
            "birth_year": TODAY.year - age,
            "relation": "child",
        }
        for i, age in enumerate((5, 8, 10))
    ]
    head = {
        "full_name": "Sơn Văn Bình",
        "gender": "male",
        "birth_year": 1985,
        "relation": "head",
        "can_work": True,
    }
    b = make_household(hamlet, head_name="Sơn Văn Bình", members=[head, *children])
    review(client, admin, b["id"], 2026, NEAR_POOR, ESCAPE_DAY)
    c = make_household(hamlet, head_name="Kim Thị Cúc")
    review(client, admin, c["id"], 2025, POOR, TODAY.replace(year=2025, month=12, day=10))
    return a, b, c


def ranked(client, headers, **params) -> list[tuple[str, int | None]]:
    items = client.get(HOUSEHOLDS, params={"sort": "-risk", **params}, headers=headers).json()[
        "items"
    ]
    return [(h["id"], h["risk_score"]) for h in items]


class TestDoneWhen:
    def test_officer_worklist_visit_shock_and_rise(
        self, client, watched, make_person, officer_person, officer, admin
    ):
        a, b, c = watched
        assert (
            assign(
                client,
                admin,
                a["id"],
                officer_person["id"],
                ESCAPE_DAY.isoformat(),  # from its escape: a handover today is not the same day
                "Phân công theo dõi hộ mới thoát nghèo",
            ).status_code
            == 201
        )

        # Before the visit: A (50) sits below B (53); C is poor, so it has no score.
        assert ranked(client, officer) == [(b["id"], 53), (a["id"], 50), (c["id"], None)]
        before = client.get(f"{HOUSEHOLDS}/{a['id']}", headers=officer)
        assert {r["code"]: r["points"] for r in before.json()["risk_reasons"]} == {
            "time_since_escape": 19,
            "open_needs": 8,
            "income_margin": 8,
            "deprivations": 10,
            "overdue_visit": 5,
        }

        # 1. The worklist: C (overdue for months) first, then A (due a month after its escape).
        due = client.get("/api/v1/visits/due", headers=officer).json()
        assert [i["household_id"] for i in due["items"]] == [c["id"], a["id"]]
        a_item = due["items"][1]
        assert (a_item["overdue"], a_item["person_in_charge"]["id"], a_item["risk_score"]) == (
            True,
            officer_person["id"],
            50,
        )

        # 2. The officer visits A and finds the head of household ill.
        visit = client.post(
            "/api/v1/visits",
            json={
                "household_id": a["id"],
                "visitor_id": officer_person["id"],
                "visited_on": TODAY.isoformat(),
                "purpose": "re_poverty_check",
                "income_change": "decreased",
                "shocks": ["illness"],
                "shock_details": "Chủ hộ bị tai biến, không đi làm được",
                "household_plan": "Vợ nhận thêm việc may gia công",
                "risk_rating": "high",
            },
            headers=officer,
        )
        assert visit.status_code == 201, visit.text

        # 3. A rises above B, with the shock among its reasons; it is off the worklist.
        assert ranked(client, officer) == [(a["id"], 60), (b["id"], 53), (c["id"], None)]
        after = client.get(f"{HOUSEHOLDS}/{a['id']}", headers=officer)
        reasons = {r["code"]: r for r in after.json()["risk_reasons"]}
        assert reasons["shock:illness"] == {
            "code": "shock:illness",
            "points": 15,
            "vi": f"Lần thăm hộ ngày {day_vi(TODAY)} ghi nhận hộ gặp rủi ro: ốm đau, bệnh tật.",
            "en": f"The visit on {TODAY.day} {TODAY.strftime('%b %Y')} reported a shock: illness.",
        }
        assert "overdue_visit" not in reasons
        assert after.headers["ETag"] != before.headers["ETag"]
        due = client.get("/api/v1/visits/due", headers=officer).json()
        assert [i["household_id"] for i in due["items"]] == [c["id"]]

        # The person-in-charge history shows every change with its reason.
        union = make_person(full_name="Trần Thị Bích", organisation="womens_union")
        changed = assign(
            client,
            officer,
            a["id"],
            union["id"],
            TODAY.isoformat(),
            "Chuyển sang Hội Phụ nữ kèm cặp",
        )
        assert changed.status_code == 201, changed.text
        history = client.get(
            "/api/v1/assignments", params={"household_id": a["id"]}, headers=officer
        ).json()
        assert [
            (h["person"]["full_name"], h["reason"], h["end_reason"]) for h in history["items"]
        ] == [
            (
                "Lê Văn Cán",
                "Phân công theo dõi hộ mới thoát nghèo",
                "Chuyển sang Hội Phụ nữ kèm cặp",
            ),
            ("Trần Thị Bích", "Chuyển sang Hội Phụ nữ kèm cặp", None),
        ]


class TestSortByRisk:
    def test_pages_follow_the_score(self, client, watched, admin):
        a, b, c = watched
        seen, token = [], None
        for _ in range(3):
            params = {"sort": "-risk", "page_size": 1, **({"page_token": token} if token else {})}
            page = client.get(HOUSEHOLDS, params=params, headers=admin).json()
            seen += [h["id"] for h in page["items"]]
            token = page["next_page_token"]
        assert (seen, token) == ([b["id"], a["id"], c["id"]], None)

    def test_closing_a_need_lowers_the_score_at_once(self, client, watched, officer):
        b = watched[1]
        needs = client.get("/api/v1/needs", params={"household_id": b["id"]}, headers=officer)
        need = needs.json()["items"][0]
        headers = {**officer, "If-Match": f'"{need["id"]}.v1"'}
        met = client.patch(f"/api/v1/needs/{need['id']}", json={"status": "met"}, headers=headers)
        assert met.status_code == 200, met.text
        household = client.get(f"{HOUSEHOLDS}/{b['id']}", headers=officer).json()
        assert household["risk_score"] == 49  # 53 less one open need's 4 points

    def test_default_order_and_bad_sort(self, client, watched, admin):
        ids = [h["id"] for h in client.get(HOUSEHOLDS, headers=admin).json()["items"]]
        assert ids == sorted(h["id"] for h in watched)
        response = client.get(HOUSEHOLDS, params={"sort": "risk"}, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/sort"

    def test_the_daily_refresh_lets_old_shocks_fade(
        self, client, watched, officer_person, admin, db
    ):
        a = watched[0]
        client.post(
            "/api/v1/visits",
            json={
                "household_id": a["id"],
                "visitor_id": officer_person["id"],
                "visited_on": TODAY.isoformat(),
                "purpose": "follow_up",
                "shocks": ["job_loss"],
            },
            headers=admin,
        )
        later = TODAY + timedelta(days=200)
        assert refresh_all(db, as_of=later) == 2  # A's and B's reasons moved with the calendar
        household = db.get(Household, a["id"])
        codes = [r["code"] for r in household.risk_reasons]
        assert "shock:job_loss" not in codes
        assert household.risk_as_of == later


def test_refresh_risk_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'refresh.db'}"
    upgrade(url)
    assert refresh_risk(database_url=url) == 0
