"""/api/v1/households/{id}/members: people of a household, their citizen IDs and leaving."""

from datetime import timedelta

from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.models import AuditEntry, Event, Household, Member
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    pointers,
    problem,
)

HEAD_ID = "084080123456"  # a man born 1980
DAUGHTER_ID = "084312000003"  # a girl born 2012


def written(db) -> tuple[int, ...]:
    return tuple(count(db, model) for model in (Household, Member, AuditEntry, Event))


def person(**extra) -> dict:
    return {
        "full_name": "Trần Thị Mai",
        "gender": "female",
        "birth_year": 2012,
        "relation": "child",
        "citizen_id": DAUGHTER_ID,
        **extra,
    }


def head() -> dict:
    return person(
        full_name="Trần Văn Hùng",
        gender="male",
        birth_year=1980,
        relation="head",
        citizen_id=HEAD_ID,
    )


def members_url(household: dict) -> str:
    return f"/api/v1/households/{household['id']}/members"


def etag(record: dict, version: int = 1) -> str:
    return f'"{record["id"]}.v{version}"'


class TestAddMember:
    def test_anonymous_gets_401(self, client, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        before = written(db)
        problem(client.post(members_url(household), json=person()), 401)
        assert written(db) == before

    def test_auditor_gets_403(self, client, tree, make_household, make_user, login, db):
        household = make_household(tree["hamlet_a"]["id"])
        headers = login(make_user("auditor"))
        before = written(db)  # after the login, which is audited too
        problem(client.post(members_url(household), json=person(), headers=headers), 403)
        assert written(db) == before

    def test_unknown_household(self, client, admin, db):
        before = written(db)
        url = "/api/v1/households/hh_unknown/members"
        problem(client.post(url, json=person(), headers=admin), 404)
        assert written(db) == before

    def test_invalid_body_names_the_field(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        next_year = today_in_vietnam().year + 1
        before = written(db)
        for change, pointer in [
            ({"full_name": ""}, "/full_name"),
            ({"full_name": "x" * 201}, "/full_name"),
            ({"gender": "m"}, "/gender"),
            ({"relation": "cousin"}, "/relation"),
            ({"ethnicity": "martian"}, "/ethnicity"),
            ({"education_level": "phd"}, "/education_level"),
            ({"birth_year": next_year, "citizen_id": None}, "/birth_year"),
            ({"birth_year": 1899, "citizen_id": None}, "/birth_year"),
            ({"birth_year": "2012a"}, "/birth_year"),
            ({"citizen_id": "08431200000"}, "/citizen_id"),  # 11 digits
            ({"citizen_id": "0843120000031"}, "/citizen_id"),  # 13 digits
            ({"citizen_id": "08431200000a"}, "/citizen_id"),
            ({"citizen_id": "084 312 000003"}, "/citizen_id"),
            ({"citizen_id": ""}, "/citizen_id"),
            ({"citizen_id": "   "}, "/citizen_id"),
            ({"citizen_id": 84312000003}, "/citizen_id"),
            ({"citizen_id": "999312000003"}, "/citizen_id"),  # no such province
            ({"citizen_id": "084612000003"}, "/citizen_id"),  # no such century digit
            ({"citizen_id": "084313000003"}, "/citizen_id"),  # born 2013, not 2012
            ({"citizen_id": "084112000003"}, "/citizen_id"),  # born 1912
            ({"citizen_id": "084212000003"}, "/citizen_id"),  # a boy
            ({"nickname": "Mai"}, "/nickname"),
        ]:
            response = client.post(members_url(household), json=person(**change), headers=admin)
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before

    def test_citizen_id_of_another_person_is_a_conflict(
        self, client, admin, tree, make_household, db
    ):
        make_household(tree["hamlet_b"]["id"], members=[person()])
        household = make_household(tree["hamlet_a"]["id"])
        before = written(db)
        response = client.post(members_url(household), json=person(), headers=admin)
        assert pointers(problem(response, 409)) == ["/citizen_id"]
        assert written(db) == before

    def test_second_head_is_a_conflict(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        before = written(db)
        second = person(relation="head", citizen_id=None)
        response = client.post(members_url(household), json=second, headers=admin)
        assert pointers(problem(response, 409)) == ["/relation"]
        assert written(db) == before

    def test_archived_household_is_a_conflict(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        url = f"/api/v1/households/{household['id']}"
        assert client.delete(url, headers={**admin, "If-Match": etag(household)}).status_code == 204
        before = written(db)
        problem(client.post(members_url(household), json=person(), headers=admin), 409)
        assert written(db) == before

    def test_valid(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        response = client.post(
            members_url(household),
            json=person(has_health_insurance=True, in_school=True, ethnicity="khmer"),
            headers=admin,
        )
        assert response.status_code == 201, response.text
        member = response.json()
        assert member["household_id"] == household["id"]
        assert member["citizen_id"] == "********0003"
        assert member["full_name"] == "Trần Thị Mai"
        assert member["has_health_insurance"] is True
        assert member["left_on"] is None
        assert response.headers["etag"] == etag(member)
        assert response.headers["location"] == f"{members_url(household)}/{member['id']}"
        # The household lists its members, so its version moves on too.
        read = client.get(f"/api/v1/households/{household['id']}", headers=admin)
        assert read.headers["etag"] == etag(household, 2)
        assert [m["id"] for m in read.json()["members"]][1:] == [member["id"]]
        found = client.get("/api/v1/households", params={"q": "tran thi mai"}, headers=admin)
        assert [h["id"] for h in found.json()["items"]] == [household["id"]]
        assert count(db, AuditEntry, AuditEntry.entity_id == member["id"]) == 1
        stored = db.exec(select(Member.citizen_id).where(Member.id == member["id"])).one()
        assert stored == DAUGHTER_ID

    def test_without_citizen_id(self, client, admin, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"])
        for name in ("Con một", "Con hai"):  # two people without an ID do not collide
            body = person(full_name=name, citizen_id=None)
            response = client.post(members_url(household), json=body, headers=admin)
            assert response.status_code == 201, response.text
            assert response.json()["citizen_id"] is None


class TestListMembers:
    def test_anonymous_gets_401(self, client, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"])
        problem(client.get(members_url(household)), 401)

    def test_unknown_household(self, client, admin):
        problem(client.get("/api/v1/households/hh_unknown/members", headers=admin), 404)

    def test_current_and_left(self, client, admin, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"], members=[head(), person()])
        head_id, child_id = (m["id"] for m in household["members"])
        url = f"{members_url(household)}/{child_id}"
        yesterday = (today_in_vietnam() - timedelta(days=1)).isoformat()
        change = {"left_on": yesterday, "left_reason": "Đi học xa"}
        left = client.patch(url, json=change, headers={**admin, "If-Match": f'"{child_id}.v1"'})
        assert left.status_code == 200, left.text
        current = client.get(members_url(household), headers=admin)
        assert current.status_code == 200
        assert [m["id"] for m in current.json()["items"]] == [head_id]
        assert current.json()["next_page_token"] is None
        everyone = client.get(members_url(household), params={"include_left": True}, headers=admin)
        assert [m["id"] for m in everyone.json()["items"]] == [head_id, child_id]
        assert everyone.json()["items"][1]["left_on"] == yesterday
        assert [m["citizen_id"] for m in everyone.json()["items"]] == [
            "********3456",
            "********0003",
        ]


class TestReadMember:
    def test_anonymous_gets_401(self, client, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        problem(client.get(f"{members_url(household)}/{household['members'][0]['id']}"), 401)

    def test_member_of_another_household_is_404(self, client, admin, tree, make_household):
        first = make_household(tree["hamlet_a"]["id"], members=[head()])
        second = make_household(tree["hamlet_a"]["id"])
        url = f"{members_url(second)}/{first['members'][0]['id']}"
        problem(client.get(url, headers=admin), 404)
        problem(client.get(f"{members_url(first)}/mb_unknown", headers=admin), 404)

    def test_valid(self, client, admin, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        member = household["members"][0]
        response = client.get(f"{members_url(household)}/{member['id']}", headers=admin)
        assert response.status_code == 200
        assert response.json() == member
        assert response.headers["etag"] == etag(member)


class TestUpdateMember:
    def setup_household(self, make_household, tree):
        household = make_household(tree["hamlet_a"]["id"], members=[head(), person()])
        return household, household["members"][1]

    def url(self, household, member) -> str:
        return f"{members_url(household)}/{member['id']}"

    def test_anonymous_gets_401(self, client, tree, make_household):
        household, member = self.setup_household(make_household, tree)
        problem(client.patch(self.url(household, member), json={"full_name": "X"}), 401)

    def test_auditor_gets_403(self, client, tree, make_household, make_user, login, db):
        household, member = self.setup_household(make_household, tree)
        headers = {**login(make_user("auditor")), "If-Match": etag(member)}
        before = written(db)
        response = client.patch(
            self.url(household, member), json={"full_name": "X"}, headers=headers
        )
        problem(response, 403)
        assert written(db) == before

    def test_not_found(self, client, admin, tree, make_household):
        household, _ = self.setup_household(make_household, tree)
        url = f"{members_url(household)}/mb_unknown"
        problem(client.patch(url, json={"full_name": "X"}, headers={**admin, "If-Match": "*"}), 404)

    def test_if_match(self, client, admin, tree, make_household, db):
        household, member = self.setup_household(make_household, tree)
        url = self.url(household, member)
        before = written(db)
        problem(client.patch(url, json={"full_name": "X"}, headers=admin), 428)
        # The household's ETag is not the member's.
        stale = {**admin, "If-Match": etag(household)}
        problem(client.patch(url, json={"full_name": "X"}, headers=stale), 412)
        assert written(db) == before

    def test_invalid(self, client, admin, tree, make_household, db):
        household, member = self.setup_household(make_household, tree)
        headers = {**admin, "If-Match": etag(member)}
        tomorrow = (today_in_vietnam() + timedelta(days=1)).isoformat()
        before = written(db)
        for change, pointer in [
            ({"full_name": None}, "/full_name"),
            ({"gender": None}, "/gender"),
            ({"birth_year": None}, "/birth_year"),
            ({"relation": None}, "/relation"),
            ({"birth_year": today_in_vietnam().year + 1}, "/birth_year"),
            ({"birth_year": 2013}, "/citizen_id"),  # the ID says 2012
            ({"gender": "male"}, "/citizen_id"),  # the ID says female
            ({"citizen_id": "084312"}, "/citizen_id"),
            ({"citizen_id": ""}, "/citizen_id"),
            ({"left_on": tomorrow}, "/left_on"),
            ({"left_reason": "x" * 301}, "/left_reason"),
            ({"household_id": "hh_other"}, "/household_id"),
        ]:
            response = client.patch(self.url(household, member), json=change, headers=headers)
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before

    def test_conflicts(self, client, admin, tree, make_household, db):
        household, member = self.setup_household(make_household, tree)
        headers = {**admin, "If-Match": etag(member)}
        before = written(db)
        response = client.patch(
            self.url(household, member), json={"relation": "head"}, headers=headers
        )
        assert pointers(problem(response, 409)) == ["/relation"]
        other = make_household(tree["hamlet_b"]["id"], members=[person(citizen_id=None)])
        before = written(db)
        other_url = self.url(other, other["members"][0])
        response = client.patch(
            other_url,
            json={"citizen_id": DAUGHTER_ID},
            headers={**admin, "If-Match": etag(other["members"][0])},
        )
        assert pointers(problem(response, 409)) == ["/citizen_id"]
        assert written(db) == before

    def test_edit(self, client, admin, tree, make_household, db):
        household, member = self.setup_household(make_household, tree)
        headers = {**admin, "If-Match": etag(member)}
        change = {"full_name": "Trần Thị Mai Anh", "citizen_id": DAUGHTER_ID, "can_work": False}
        response = client.patch(self.url(household, member), json=change, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["full_name"] == "Trần Thị Mai Anh"
        assert response.json()["can_work"] is False
        assert response.headers["etag"] == etag(member, 2)
        entry = db.exec(
            select(AuditEntry).where(
                AuditEntry.entity_id == member["id"], AuditEntry.action == "update"
            )
        ).one()
        # The audit trail keeps the change but never a readable citizen ID.
        assert entry.before["full_name"] == "Trần Thị Mai"
        assert entry.after["full_name"] == "Trần Thị Mai Anh"
        assert entry.before["citizen_id"] == entry.after["citizen_id"] == "********0003"

    def test_remove_citizen_id(self, client, admin, tree, make_household):
        household, member = self.setup_household(make_household, tree)
        headers = {**admin, "If-Match": etag(member)}
        response = client.patch(
            self.url(household, member), json={"citizen_id": None}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["citizen_id"] is None

    def test_leave_the_household(self, client, admin, tree, make_household, db):
        household, member = self.setup_household(make_household, tree)
        headers = {**admin, "If-Match": etag(member)}
        change = {"left_on": today_in_vietnam().isoformat(), "left_reason": "Lấy chồng"}
        response = client.patch(self.url(household, member), json=change, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["left_reason"] == "Lấy chồng"
        assert count(db, Member, Member.household_id == household["id"]) == 2
        found = client.get("/api/v1/households", params={"q": "tran thi mai"}, headers=admin)
        assert found.json()["items"] == []
