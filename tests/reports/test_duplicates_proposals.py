"""Possible duplicates (/api/v1/duplicates): listing, dismissing, merging; proposals
(/api/v1/proposals) through their life cycle to the district committee's decision."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.core.dates import today_in_vietnam
from api.models import Assignment, AuditEntry, Household, Member, Need, Sponsorship

DUPLICATES = "/api/v1/duplicates"
PROPOSALS = "/api/v1/proposals"


def head(name: str, year: int, **fields) -> dict:
    return {"full_name": name, "gender": "male", "birth_year": year, "relation": "head", **fields}


@pytest.fixture
def pair(make_household, tree):
    """The same family entered twice in Hòa Ân (once with accents, once without), and a
    look-alike in another commune that is not a candidate."""
    first = make_household(
        tree["hamlet_a"]["id"],
        head_name="Thạch Văn Sóc",
        members=[
            head("Thạch Văn Sóc", 1970, citizen_id="084070000111"),
            {
                "full_name": "Kim Thị Ly",
                "gender": "female",
                "birth_year": 1972,
                "relation": "spouse",
            },
        ],
    )
    second = make_household(
        tree["commune_a"]["id"],
        head_name="Thach Van Soc",
        members=[
            head("Thach Van Soc", 1970),
            {
                "full_name": "Thạch Thị Mai",
                "gender": "female",
                "birth_year": 2001,
                "relation": "child",
            },
        ],
    )
    elsewhere = make_household(
        tree["hamlet_b"]["id"], head_name="Thạch Văn Sóc", members=[head("Thạch Văn Sóc", 1970)]
    )
    return first, second, elsewhere


class TestCandidates:
    def test_households_and_people(self, client, officer, pair):
        first, second, _ = pair
        body = client.get(DUPLICATES, headers=officer).json()
        assert [(c["first_id"], c["second_id"]) for c in body["items"]] == [
            tuple(sorted((first["id"], second["id"])))
        ]
        candidate = body["items"][0]
        assert candidate["reasons"] == ["same_head_name_birth_year_commune"]
        assert candidate["commune"]["name"] == "Hòa Ân"
        assert {candidate["first"]["full_name"], candidate["second"]["full_name"]} == {
            "Thạch Văn Sóc",
            "Thach Van Soc",
        }
        masked = {candidate["first"]["citizen_id"], candidate["second"]["citizen_id"]}
        assert masked == {"********0111", None}
        people = client.get(DUPLICATES, params={"kind": "member"}, headers=officer).json()
        assert len(people["items"]) == 1

    def test_officer_of_another_commune_sees_none(self, client, make_user, login, pair, tree):
        other = login(make_user("commune_officer", (tree["commune_b"]["id"],)))
        assert client.get(DUPLICATES, headers=other).json()["items"] == []

    def test_dismiss(self, client, officer, pair, db):
        first, second, _ = pair
        body = {
            "kind": "household",
            "first_id": second["id"],
            "second_id": first["id"],
            "reason": "Hai anh em trùng tên, khác hộ",
        }
        response = client.post(f"{DUPLICATES}/dismiss", json=body, headers=officer)
        assert response.status_code == 201, response.text
        assert response.json()["first_id"] == min(first["id"], second["id"])
        assert client.get(DUPLICATES, headers=officer).json()["items"] == []
        assert client.post(f"{DUPLICATES}/dismiss", json=body, headers=officer).status_code == 409
        audit = db.execute(
            select(AuditEntry).where(AuditEntry.action == "dismiss_duplicate")
        ).scalar_one()
        assert audit.after["reason"] == "Hai anh em trùng tên, khác hộ"

    def test_dismiss_invalid(self, client, officer, auditor, pair):
        first, _, elsewhere = pair
        body = {
            "kind": "household",
            "first_id": first["id"],
            "second_id": first["id"],
            "reason": "x",
        }
        assert client.post(f"{DUPLICATES}/dismiss", json=body, headers=officer).status_code == 422
        body["second_id"] = elsewhere["id"]  # outside the officer's places
        assert client.post(f"{DUPLICATES}/dismiss", json=body, headers=officer).status_code == 422
        assert client.post(f"{DUPLICATES}/dismiss", json=body, headers=auditor).status_code == 403


class TestMerge:
    def test_household_merge_keeps_every_record(
        self, client, officer, admin, pair, db, make_person, tree
    ):
        first, second, _ = pair
        need = client.post(
            "/api/v1/needs",
            json={"household_id": second["id"], "category": "housing", "description": "Nhà dột"},
            headers=admin,
        )
        assert need.status_code == 201, need.text
        person = make_person()
        assigned = client.post(
            "/api/v1/assignments",
            json={
                "household_id": second["id"],
                "person_id": person["id"],
                "start_date": today_in_vietnam().isoformat(),
                "reason": "Phân công",
            },
            headers=admin,
        )
        assert assigned.status_code == 201, assigned.text
        sponsor = client.post(
            "/api/v1/sponsors",
            json={
                "kind": "mass_organisation",
                "name": "Hội Phụ nữ xã",
                "place_id": tree["hamlet_a"]["id"],
            },
            headers=admin,
        )
        assert sponsor.status_code == 201, sponsor.text
        sponsorship = client.post(
            "/api/v1/sponsorships",
            json={
                "household_id": second["id"],
                "start_date": today_in_vietnam().isoformat(),
                "pledges": [{"sponsor_id": sponsor.json()["id"], "amount_vnd": 1_000_000}],
            },
            headers=admin,
        )
        assert sponsorship.status_code == 201, sponsorship.text
        body = {
            "kind": "household",
            "keep_id": first["id"],
            "duplicate_id": second["id"],
            "reason": "Nhập trùng khi chuyển sổ",
        }
        response = client.post(f"{DUPLICATES}/merge", json=body, headers=officer)
        assert response.status_code == 200, response.text
        assert response.json()["household_ids"] == [first["id"], second["id"]]
        db.expire_all()
        merged = db.get(Household, second["id"])
        assert merged.archived_at is not None and merged.merged_into_id == first["id"]
        kept_members = (
            db.execute(select(Member).where(Member.household_id == first["id"])).scalars().all()
        )
        names = sorted((m.full_name, m.relation, m.left_on is None) for m in kept_members)
        assert names == [
            ("Kim Thị Ly", "spouse", True),
            ("Thạch Thị Mai", "child", True),  # moved across
            ("Thạch Văn Sóc", "head", True),
        ]
        twin = db.execute(select(Member).where(Member.household_id == second["id"])).scalar_one()
        assert twin.left_on is not None and "Thạch Văn Sóc" in twin.left_reason
        moved = db.get(Need, need.json()["id"])
        assert moved.household_id == first["id"]
        ended = db.get(Assignment, assigned.json()["id"])
        assert ended.end_date is not None
        closed = db.get(Sponsorship, sponsorship.json()["id"])
        assert closed.end_date == today_in_vietnam() + timedelta(days=1)  # exclusive: ends today
        assert first["code"] in closed.end_reason
        actions = db.execute(
            select(AuditEntry.entity, AuditEntry.action).where(
                AuditEntry.action.in_(["merge_duplicate", "merge_households", "archive"])
            )
        ).all()
        assert sorted(set(actions)) == [
            ("household", "archive"),
            ("household", "merge_duplicate"),
            ("household", "merge_households"),
            ("member", "merge_duplicate"),
            ("need", "merge_duplicate"),
        ]
        detail = client.get(f"/api/v1/households/{second['id']}", headers=officer).json()
        assert (detail["archived"], detail["merged_into_id"]) == (True, first["id"])
        assert client.get(DUPLICATES, headers=officer).json()["items"] == []
        again = client.post(f"{DUPLICATES}/merge", json=body, headers=officer)
        assert again.status_code == 409

    def test_member_merge_moves_the_citizen_id(self, client, officer, pair, db):
        first, second, _ = pair
        keep = db.execute(
            select(Member).where(Member.household_id == second["id"], Member.relation == "head")
        ).scalar_one()
        dup = db.execute(
            select(Member).where(Member.household_id == first["id"], Member.relation == "head")
        ).scalar_one()
        body = {"kind": "member", "keep_id": keep.id, "duplicate_id": dup.id, "reason": "Trùng"}
        response = client.post(f"{DUPLICATES}/merge", json=body, headers=officer)
        assert response.status_code == 200, response.text
        db.expire_all()
        assert db.get(Member, keep.id).citizen_id == "084070000111"
        assert db.get(Member, dup.id).citizen_id is None
        assert db.get(Member, dup.id).left_on is not None

    def test_merge_across_communes_refused(self, client, admin, pair):
        first, _, elsewhere = pair
        body = {
            "kind": "household",
            "keep_id": first["id"],
            "duplicate_id": elsewhere["id"],
            "reason": "x",
        }
        assert client.post(f"{DUPLICATES}/merge", json=body, headers=admin).status_code == 422


def proposal(client, headers, place_id, **fields):
    body = {
        "title": "Hỗ trợ bò giống cho hộ nghèo",
        "place_id": place_id,
        "year": 2020,
        "category": "livelihood",
        "budget_vnd": 450_000_000,
        "justification": "Theo Công văn 4933/UBND-VX",
        **fields,
    }
    return client.post(PROPOSALS, json=body, headers=headers)


class TestProposals:
    def test_life_cycle(self, client, officer, admin, tree, db):
        a = proposal(client, officer, tree["commune_a"]["id"])
        assert a.status_code == 201, a.text
        assert a.json()["state"] == "draft"
        url = f"{PROPOSALS}/{a.json()['id']}"
        edited = client.patch(
            url,
            json={"budget_vnd": 400_000_000},
            headers={**officer, "If-Match": a.headers["ETag"]},
        )
        assert edited.json()["budget_vnd"] == 400_000_000
        assert client.post(f"{url}/submit", headers=officer).json()["state"] == "submitted"
        assert client.post(f"{url}/submit", headers=officer).status_code == 409
        stale = client.patch(
            url, json={"title": "x"}, headers={**officer, "If-Match": edited.headers["ETag"]}
        )
        assert stale.status_code == 412
        b = proposal(
            client,
            admin,
            tree["commune_b"]["id"],
            category="infrastructure",
            budget_vnd=1_200_000_000,
        ).json()
        client.post(f"{PROPOSALS}/{b['id']}/submit", headers=admin)
        c = proposal(
            client, admin, tree["commune_b"]["id"], category="livelihood", budget_vnd=100_000_000
        ).json()  # stays a draft
        submission_body = {
            "title": "Tổng hợp đề xuất 2020",
            "place_id": tree["district"]["id"],
            "year": 2020,
        }
        assert (
            client.post(
                f"{PROPOSALS}/submissions", json=submission_body, headers=officer
            ).status_code
            == 403
        )
        response = client.post(f"{PROPOSALS}/submissions", json=submission_body, headers=admin)
        assert response.status_code == 201, response.text
        submission = response.json()
        assert (submission["state"], submission["proposals_count"]) == ("consolidated", 2)
        assert submission["total_budget_vnd"] == 1_600_000_000
        assert submission["totals"]["by_category"] == [
            {
                "category": "infrastructure",
                "label": "Đầu tư cơ sở hạ tầng (Chương trình 135)",
                "proposals": 1,
                "budget_vnd": 1_200_000_000,
            },
            {
                "category": "livelihood",
                "label": "Sinh kế, phát triển sản xuất",
                "proposals": 1,
                "budget_vnd": 400_000_000,
            },
        ]
        assert [p["label"] for p in submission["totals"]["by_place"]] == ["Hòa Ân", "Phong Thạnh"]
        assert client.get(url, headers=officer).json()["state"] == "consolidated"
        assert client.post(f"{url}/withdraw", headers=officer).status_code == 409
        decision = {
            "decision": "approved",
            "decision_number": "123/QĐ-UBND",
            "rejected_proposal_ids": [b["id"]],
        }
        decided = client.post(
            f"{PROPOSALS}/submissions/{submission['id']}/decision", json=decision, headers=admin
        )
        assert decided.status_code == 200, decided.text
        states = {p["id"]: p["state"] for p in decided.json()["proposals"]}
        assert states == {a.json()["id"]: "approved", b["id"]: "rejected"}
        assert client.get(f"{PROPOSALS}/{c['id']}", headers=admin).json()["state"] == "draft"
        again = client.post(
            f"{PROPOSALS}/submissions/{submission['id']}/decision", json=decision, headers=admin
        )
        assert again.status_code == 409
        mine = client.get(PROPOSALS, headers=officer).json()["items"]
        assert [p["id"] for p in mine] == [a.json()["id"]]

    def test_withdraw_and_nothing_to_consolidate(self, client, officer, admin, tree):
        a = proposal(client, officer, tree["commune_a"]["id"]).json()
        client.post(f"{PROPOSALS}/{a['id']}/submit", headers=officer)
        back = client.post(f"{PROPOSALS}/{a['id']}/withdraw", headers=officer)
        assert back.json()["state"] == "draft"
        body = {"title": "Tổng hợp", "place_id": tree["district"]["id"], "year": 2020}
        assert client.post(f"{PROPOSALS}/submissions", json=body, headers=admin).status_code == 409

    def test_invalid(self, client, officer, tree):
        place = tree["commune_a"]["id"]
        assert proposal(client, officer, place, category="banh_mi").status_code == 422
        assert proposal(client, officer, place, budget_vnd=-1).status_code == 422
        assert proposal(client, officer, tree["commune_b"]["id"]).status_code == 422
        assert client.post(PROPOSALS, json={}).status_code == 401
