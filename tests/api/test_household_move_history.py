"""A household that moves takes its history along: every record that copies its place path
(reviews, status changes, needs, visits, assignments, sponsorships and their contributions,
dismissed duplicate pairs) is seen by the new commune's officers and no longer by the old's."""

from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.models import (
    Agency,
    Assessment,
    Assignment,
    DuplicateDismissal,
    Need,
    Place,
    Policy,
    Sponsorship,
    SponsorshipContribution,
    StatusChange,
    Support,
    Visit,
)
from tests.api.test_contract import app  # noqa: F401  (one app per run: fast)

TODAY = today_in_vietnam().isoformat()
# ND07-2021 rural line 1,500,000 VND: poor, with three deprivations (each opens a need).
POOR = {"income_per_capita": 1_200_000, "deprivations": ["HE2", "WS2", "HO1"]}
PATH_COPIES = (
    Assessment,
    StatusChange,
    Need,
    Visit,
    Assignment,
    Sponsorship,
)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def recognise(client, headers, household_id: str, year: int) -> dict:
    base = f"/api/v1/households/{household_id}/assessments"
    created = ok(client.post(base, json={"year": year, **POOR}, headers=headers), 201)
    url = f"{base}/{created['id']}/steps"
    for step in (
        {"step": "surveyed"},
        {"step": "meeting", "attendees": 20, "agreeing": 15},
        {"step": "posted", "posted_on": f"{year}-12-01"},
        {"step": "recognised", "decision_number": f"{year}/QĐ", "decision_date": f"{year}-12-10"},
    ):
        last = ok(client.post(url, json=step, headers=headers))
    return last


def delivered_support(db, household_id: str) -> str:
    """A support record as an agency sends it (social mobilisation, delivered)."""
    agency = Agency(code="MTTQ-MV", name="Mặt trận Tổ quốc xã", kind="fatherland_front")
    db.add(agency)
    db.flush()
    policy = Policy(
        agency_id=agency.id, code="VD-MV", name="Vận động", category="livelihood", unit="vnd"
    )
    db.add(policy)
    db.flush()
    support = Support(
        agency_id=agency.id,
        policy_id=policy.id,
        household_id=household_id,
        category="livelihood",
        delivered_on=today_in_vietnam(),
        amount_vnd=1_500_000,
        funding_source="social_mobilisation",
        status="delivered",
        recorded_by_kind="agency",
        recorded_by_id=agency.id,
    )
    db.add(support)
    db.commit()
    return support.id


def with_history(client, admin, db, hamlet_id: str, commune_id: str) -> dict:
    """A household in a hamlet with one of everything a household's history holds."""
    household = ok(
        client.post(
            "/api/v1/households",
            json={
                "code": "MV-0001",
                "place_id": hamlet_id,
                "head_name": "Thạch Thị Sa Rây",
                "ethnicity": "khmer",
                "members": [
                    {
                        "full_name": "Thạch Thị Sa Rây",
                        "gender": "female",
                        "birth_year": 1980,
                        "relation": "head",
                    },
                    {
                        "full_name": "Thạch Văn Bé",
                        "gender": "male",
                        "birth_year": 2010,
                        "relation": "child",
                    },
                ],
            },
            headers=admin,
        ),
        201,
    )
    hid = household["id"]
    recognise(client, admin, hid, 2024)
    base = f"/api/v1/households/{hid}/assessments"
    ok(client.post(base, json={"year": 2025, **POOR}, headers=admin), 201)  # a draft
    ok(
        client.post(
            "/api/v1/needs", json={"household_id": hid, "category": "housing"}, headers=admin
        ),
        201,
    )
    person = ok(
        client.post(
            "/api/v1/persons",
            json={
                "full_name": "Lê Thị Hồng",
                "organisation": "womens_union",
                "place_id": commune_id,
            },
            headers=admin,
        ),
        201,
    )
    visit = {
        "household_id": hid,
        "visitor_id": person["id"],
        "visited_on": TODAY,
        "purpose": "follow_up",
    }
    ok(client.post("/api/v1/visits", json=visit, headers=admin), 201)
    assignment = {
        "household_id": hid,
        "person_id": person["id"],
        "start_date": TODAY,
        "reason": "Phân công",
    }
    ok(client.post("/api/v1/assignments", json=assignment, headers=admin), 201)
    sponsor = ok(
        client.post(
            "/api/v1/sponsors",
            json={"kind": "mass_organisation", "name": "Hội Phụ nữ xã", "place_id": hamlet_id},
            headers=admin,
        ),
        201,
    )
    ship = ok(
        client.post(
            "/api/v1/sponsorships",
            json={
                "household_id": hid,
                "start_date": TODAY,
                "pledges": [{"sponsor_id": sponsor["id"], "amount_vnd": 2_000_000}],
            },
            headers=admin,
        ),
        201,
    )
    link = {"support_id": delivered_support(db, hid), "sponsor_id": sponsor["id"]}
    ok(
        client.post(f"/api/v1/sponsorships/{ship['id']}/contributions", json=link, headers=admin),
        201,
    )
    members = [m["id"] for m in household["members"]]
    dismissal = {
        "kind": "member",
        "first_id": members[0],
        "second_id": members[1],
        "reason": "Hai người khác nhau",
    }
    ok(client.post("/api/v1/duplicates/dismiss", json=dismissal, headers=admin), 201)
    return {"id": hid, "sponsorship_id": ship["id"]}


def move(client, admin, household_id: str, place_id: str) -> dict:
    url = f"/api/v1/households/{household_id}"
    etag = client.get(url, headers=admin).headers["ETag"]
    return ok(
        client.patch(
            url,
            json={"place_id": place_id, "move_reason": "Chuyển nơi ở"},
            headers={**admin, "If-Match": etag},
        )
    )


def seen_by(client, headers, hid: str, ship_id: str) -> dict[str, int]:
    """How many of the household's records each list shows this caller."""
    lists = {
        "assessments": f"/api/v1/households/{hid}/assessments",
        "needs": f"/api/v1/needs?household_id={hid}",
        "visits": f"/api/v1/visits?household_id={hid}",
        "supports": f"/api/v1/supports?household_id={hid}",
        "assignments": f"/api/v1/assignments?household_id={hid}",
        "sponsorships": f"/api/v1/sponsorships?household_id={hid}",
    }
    seen = {}
    for name, url in lists.items():
        response = client.get(url, headers=headers)
        seen[name] = len(response.json()["items"]) if response.status_code == 200 else 0
    status_changes = client.get(f"/api/v1/households/{hid}/timeline", headers=headers)
    seen["status_changes"] = (
        sum(1 for i in status_changes.json()["items"] if i["kind"] == "status_change")
        if status_changes.status_code == 200
        else 0
    )
    ship = client.get(f"/api/v1/sponsorships/{ship_id}", headers=headers)
    seen["delivered_vnd"] = (
        ship.json()["pledges"][0]["delivered_amount_vnd"] if ship.status_code == 200 else 0
    )
    return seen


def paths(db, hid: str, ship_id: str) -> set[str]:
    """Every copied place path of the household's records (read unscoped)."""
    found = set()
    for model in PATH_COPIES:
        found |= set(db.exec(select(model.place_path).where(model.household_id == hid)))
    found |= set(
        db.exec(
            select(SponsorshipContribution.place_path).where(
                SponsorshipContribution.sponsorship_id == ship_id
            )
        )
    )
    found |= set(db.exec(select(DuplicateDismissal.place_path)))
    return found


class TestMoveCarriesHistory:
    def test_to_another_commune(self, client, admin, tree, make_user, login, db):
        household = with_history(client, admin, db, tree["hamlet_a"]["id"], tree["commune_a"]["id"])
        hid, ship_id = household["id"], household["sponsorship_id"]
        old = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        new = login(make_user("commune_officer", (tree["commune_b"]["id"],)))
        everything = seen_by(client, admin, hid, ship_id)
        assert everything == {
            "assessments": 2,
            "needs": 4,  # three from the review's deprivations, one by an officer
            "visits": 1,
            "supports": 1,
            "assignments": 1,
            "sponsorships": 1,
            "status_changes": 1,
            "delivered_vnd": 1_500_000,
        }
        assert seen_by(client, old, hid, ship_id) == everything
        nothing = dict.fromkeys(everything, 0)
        assert seen_by(client, new, hid, ship_id) == nothing

        moved = move(client, admin, hid, tree["hamlet_b"]["id"])
        assert moved["commune_id"] == tree["commune_b"]["id"]

        assert seen_by(client, new, hid, ship_id) == everything
        assert seen_by(client, old, hid, ship_id) == nothing
        assert client.get(f"/api/v1/households/{hid}", headers=old).status_code == 404
        new_path = db.get(Place, tree["hamlet_b"]["id"]).path
        assert paths(db, hid, ship_id) == {new_path}

    def test_officer_of_the_old_commune_loses_each_record(
        self, client, admin, tree, make_user, login, db
    ):
        household = with_history(client, admin, db, tree["hamlet_a"]["id"], tree["commune_a"]["id"])
        hid = household["id"]
        old = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        new = login(make_user("commune_officer", (tree["commune_b"]["id"],)))
        records = {
            "assessments": db.exec(select(Assessment.id).where(Assessment.household_id == hid)),
            "needs": db.exec(select(Need.id).where(Need.household_id == hid)),
            "visits": db.exec(select(Visit.id).where(Visit.household_id == hid)),
            "assignments": db.exec(select(Assignment.id).where(Assignment.household_id == hid)),
            "sponsorships": [household["sponsorship_id"]],
        }
        urls = {
            "assessments": f"/api/v1/households/{hid}/assessments/{{}}",
            "needs": "/api/v1/needs/{}",
            "visits": "/api/v1/visits/{}",
            "assignments": "/api/v1/assignments/{}",
            "sponsorships": "/api/v1/sponsorships/{}",
        }
        one_each = [urls[name].format(next(iter(ids))) for name, ids in records.items()]
        move(client, admin, hid, tree["hamlet_b"]["id"])
        for url in one_each:
            assert client.get(url, headers=old).status_code == 404, url
            assert client.get(url, headers=new).status_code == 200, url

    def test_between_hamlets_of_one_commune(self, client, admin, tree, make_place, db):
        household = with_history(client, admin, db, tree["hamlet_a"]["id"], tree["commune_a"]["id"])
        other_hamlet = make_place("hamlet", tree["commune_a"]["id"], name="Ấp Trà Mẹt")
        move(client, admin, household["id"], other_hamlet["id"])
        new_path = db.get(Place, other_hamlet["id"]).path
        assert paths(db, household["id"], household["sponsorship_id"]) == {new_path}

    def test_a_refused_move_changes_nothing(self, client, admin, tree, make_household, db):
        household = with_history(client, admin, db, tree["hamlet_a"]["id"], tree["commune_a"]["id"])
        make_household(tree["hamlet_b"]["id"], code="mv-0001")  # the code, in other case
        url = f"/api/v1/households/{household['id']}"
        etag = client.get(url, headers=admin).headers["ETag"]
        refused = client.patch(
            url, json={"place_id": tree["hamlet_b"]["id"]}, headers={**admin, "If-Match": etag}
        )
        assert refused.status_code == 409, refused.text
        old_path = db.get(Place, tree["hamlet_a"]["id"]).path
        assert paths(db, household["id"], household["sponsorship_id"]) == {old_path}
