"""Household rules from a black-box review: restore is in the change feed, one current head,
codes unique without case, citizen-ID search only for roles that may reveal, sane dates."""

from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.models import Event, Household
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    pointers,
    problem,
)

URL = "/api/v1/households"
TODAY = today_in_vietnam().isoformat()
HEAD_ID = "084080123456"  # a man born 1980


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def member(name: str, relation: str, **extra) -> dict:
    return {
        "full_name": name,
        "gender": "male",
        "birth_year": 1980,
        "relation": relation,
        **extra,
    }


def household_body(place_id: str, code: str = "HH-0001", **extra) -> dict:
    return {
        "code": code,
        "place_id": place_id,
        "head_name": "Nguyễn Văn An",
        "ethnicity": "kinh",
        **extra,
    }


def with_etag(client, headers: dict, url: str) -> dict:
    return {**headers, "If-Match": client.get(url, headers=headers).headers["ETag"]}


def events_of(db, household_id: str) -> list[str]:
    stmt = select(Event.type).where(Event.entity_id == household_id).order_by(Event.id)
    return list(db.exec(stmt))


class TestRestoreIsInTheFeed:
    def test_restore_emits_household_restored(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        url = f"{URL}/{household['id']}"
        client.delete(url, headers=with_etag(client, admin, url))
        restored = client.post(f"{url}/restore", headers=with_etag(client, admin, url))
        assert restored.status_code == 200, restored.text
        assert events_of(db, household["id"]) == [
            "household.created",
            "household.archived",
            "household.restored",
        ]
        feed = ok(client.get("/api/v1/events", params={"limit": 1000}, headers=admin))
        mine = [e for e in feed["items"] if e["data"].get("household_id") == household["id"]]
        assert (mine[-1]["type"], mine[-1]["data"]) == (
            "household.restored",
            {"household_id": household["id"]},
        )

    def test_restoring_a_household_not_archived_emits_nothing(
        self, client, admin, tree, make_household, db
    ):
        household = make_household(tree["hamlet_a"]["id"])
        url = f"{URL}/{household['id']}"
        ok(client.post(f"{url}/restore", headers=with_etag(client, admin, url)))
        assert events_of(db, household["id"]) == ["household.created"]

    def test_the_type_is_listed(self, client, admin):
        types = {t["type"] for t in ok(client.get("/api/v1/events/types", headers=admin))}
        assert {"household.archived", "household.restored"} <= types


class TestOneCurrentHead:
    def arrange(self, client, admin, tree) -> tuple[str, str, str, str]:
        """A household whose first head left and a second one took over; and a child."""
        body = household_body(
            tree["hamlet_a"]["id"],
            members=[
                member("Trần Văn Hùng", "head"),
                member("Trần Văn Út", "child", birth_year=2010),
            ],
        )
        household = ok(client.post(URL, json=body, headers=admin), 201)
        first, child = (m["id"] for m in household["members"])
        members = f"{URL}/{household['id']}/members"
        left = {"left_on": TODAY, "left_reason": "Đi làm ăn xa"}
        url = f"{members}/{first}"
        ok(client.patch(url, json=left, headers=with_etag(client, admin, url)))
        second = ok(
            client.post(
                members, json=member("Trần Thị Lan", "head", gender="female"), headers=admin
            ),
            201,
        )
        return members, first, second["id"], child

    def current_heads(self, client, admin, members: str) -> list[str]:
        items = ok(client.get(members, headers=admin))["items"]
        return [m["id"] for m in items if m["relation"] == "head"]

    def test_a_former_head_cannot_come_back_as_head(self, client, admin, tree):
        members, first, second, _ = self.arrange(client, admin, tree)
        url = f"{members}/{first}"
        body = problem(
            client.patch(url, json={"left_on": None}, headers=with_etag(client, admin, url)), 409
        )
        assert pointers(body) == ["/left_on"]
        assert second in body["detail"] and body["conflicting_member_id"] == second
        assert body["detail_vi"]
        assert self.current_heads(client, admin, members) == [second]

    def test_coming_back_with_another_relation_is_fine(self, client, admin, tree):
        members, first, second, _ = self.arrange(client, admin, tree)
        url = f"{members}/{first}"
        back = {"left_on": None, "left_reason": None, "relation": "parent"}
        ok(client.patch(url, json=back, headers=with_etag(client, admin, url)))
        assert self.current_heads(client, admin, members) == [second]

    def test_a_member_cannot_be_made_a_second_head(self, client, admin, tree):
        members, _, second, child = self.arrange(client, admin, tree)
        url = f"{members}/{child}"
        body = problem(
            client.patch(url, json={"relation": "head"}, headers=with_etag(client, admin, url)),
            409,
        )
        assert pointers(body) == ["/relation"]
        assert self.current_heads(client, admin, members) == [second]

    def test_once_the_new_head_left_the_old_one_may_come_back(self, client, admin, tree):
        members, first, second, _ = self.arrange(client, admin, tree)
        url = f"{members}/{second}"
        left = {"left_on": TODAY, "left_reason": "Chuyển đi"}
        ok(client.patch(url, json=left, headers=with_etag(client, admin, url)))
        url = f"{members}/{first}"
        back = {"left_on": None, "left_reason": None}
        ok(client.patch(url, json=back, headers=with_etag(client, admin, url)))
        assert self.current_heads(client, admin, members) == [first]

    def test_a_left_member_may_be_recorded_as_head(self, client, admin, tree):
        """Fixing the relation of someone who left makes no second current head."""
        members, first, second, _ = self.arrange(client, admin, tree)
        url = f"{members}/{first}"
        ok(client.patch(url, json={"relation": "parent"}, headers=with_etag(client, admin, url)))
        ok(client.patch(url, json={"relation": "head"}, headers=with_etag(client, admin, url)))
        assert self.current_heads(client, admin, members) == [second]


class TestCodeIgnoresCase:
    def test_create_in_the_same_commune(self, client, admin, tree):
        ok(
            client.post(
                URL, json=household_body(tree["hamlet_a"]["id"], "HA-05-0139"), headers=admin
            ),
            201,
        )
        exact = problem(
            client.post(
                URL, json=household_body(tree["commune_a"]["id"], "HA-05-0139"), headers=admin
            ),
            409,
        )
        for code in ("ha-05-0139", "Ha-05-0139", "  ha-05-0139  "):
            other_case = problem(
                client.post(URL, json=household_body(tree["commune_a"]["id"], code), headers=admin),
                409,
            )
            assert (other_case["type"], pointers(other_case)) == (exact["type"], ["/code"])
        # Another commune may use it.
        ok(
            client.post(
                URL, json=household_body(tree["hamlet_b"]["id"], "ha-05-0139"), headers=admin
            ),
            201,
        )

    def test_edit(self, client, admin, tree, make_household):
        make_household(tree["hamlet_a"]["id"], code="HA-05-0139")
        other = make_household(tree["hamlet_a"]["id"], code="HA-05-0140")
        url = f"{URL}/{other['id']}"
        body = problem(
            client.patch(url, json={"code": "ha-05-0139"}, headers=with_etag(client, admin, url)),
            409,
        )
        assert pointers(body) == ["/code"]
        # A household may change the case of its own code.
        renamed = client.patch(
            url, json={"code": "ha-05-0140"}, headers=with_etag(client, admin, url)
        )
        assert ok(renamed)["code"] == "ha-05-0140"

    def test_a_stored_code_with_spaces(self, client, admin, tree, make_household, db):
        """Codes written before the pattern was enforced may carry spaces."""
        household = make_household(tree["hamlet_a"]["id"], code="HB-7")
        row = db.get(Household, household["id"])
        row.code = " HB-7 "
        db.commit()
        problem(
            client.post(URL, json=household_body(tree["commune_a"]["id"], "hb-7"), headers=admin),
            409,
        )


class TestCitizenIdSearch:
    def test_only_roles_that_may_reveal_find_by_citizen_id(
        self, client, admin, tree, make_household, make_user, login
    ):
        household = make_household(
            tree["hamlet_a"]["id"], members=[member("Nguyễn Văn An", "head", citizen_id=HEAD_ID)]
        )
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        auditor = login(make_user("auditor"))
        found = {}
        for name, headers in (("admin", admin), ("officer", officer), ("auditor", auditor)):
            page = ok(client.get(URL, params={"q": HEAD_ID}, headers=headers))
            found[name] = [h["id"] for h in page["items"]]
        assert found == {"admin": [household["id"]], "officer": [household["id"]], "auditor": []}

    def test_digits_still_find_codes(self, client, admin, tree, make_household, make_user, login):
        household = make_household(tree["hamlet_a"]["id"], code="084080123456")
        auditor = login(make_user("auditor"))
        page = ok(client.get(URL, params={"q": "084080123456"}, headers=auditor))
        assert [h["id"] for h in page["items"]] == [household["id"]]


class TestDates:
    def test_left_before_birth(self, client, admin, tree):
        body = household_body(
            tree["hamlet_a"]["id"],
            members=[member("Lê Thị Bình", "head", gender="female", birth_year=1985)],
        )
        household = ok(client.post(URL, json=body, headers=admin), 201)
        url = f"{URL}/{household['id']}/members/{household['members'][0]['id']}"
        early = problem(
            client.patch(
                url,
                json={"left_on": "1800-01-01", "left_reason": "x"},
                headers=with_etag(client, admin, url),
            ),
            422,
        )
        assert pointers(early) == ["/left_on"]
        ok(
            client.patch(
                url,
                json={"left_on": "2020-05-01", "left_reason": "Đi làm ăn xa"},
                headers=with_etag(client, admin, url),
            )
        )
        # A birth year after the day the person left is refused too, naming birth_year.
        later = problem(
            client.patch(url, json={"birth_year": 2021}, headers=with_etag(client, admin, url)),
            422,
        )
        assert pointers(later) == ["/birth_year"]

    def test_members_of_a_new_household_carry_no_left_on(self, client, admin, tree):
        body = household_body(
            tree["hamlet_a"]["id"],
            members=[member("Lê Thị Bình", "head", birth_year=1985, left_on="1800-01-01")],
        )
        refused = problem(client.post(URL, json=body, headers=admin), 422)
        assert pointers(refused) == ["/members/0/left_on"]

    def test_registered_on_not_before_1900(self, client, admin, tree, make_household):
        too_early = household_body(tree["hamlet_a"]["id"], registered_on="1899-12-31")
        body = problem(client.post(URL, json=too_early, headers=admin), 422)
        assert pointers(body) == ["/registered_on"]
        assert body["errors"][0]["code"] == "registered_on_too_early"
        first_day = household_body(tree["hamlet_a"]["id"], registered_on="1900-01-01")
        ok(client.post(URL, json=first_day, headers=admin), 201)
        household = make_household(tree["hamlet_a"]["id"])
        url = f"{URL}/{household['id']}"
        edit = problem(
            client.patch(
                url, json={"registered_on": "1800-01-01"}, headers=with_etag(client, admin, url)
            ),
            422,
        )
        assert pointers(edit) == ["/registered_on"]
