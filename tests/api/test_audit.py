"""GET /api/v1/audit, and an audit row (who, when, what, before/after) for every write."""

from datetime import datetime, timedelta

from sqlmodel import select

from api.models import AuditEntry
from api.models.base import utcnow
from tests.api.conftest import PASSWORD
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    problem,
)

URL = "/api/v1/audit"
HEAD_ID = "084080123456"  # a man born 1980
ENTRY_FIELDS = {
    "id",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "purpose",
    "request_id",
}


def trail(client, headers, **params) -> list[dict]:
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def head() -> dict:
    return {
        "full_name": "Nguyễn Văn An",
        "gender": "male",
        "birth_year": 1980,
        "relation": "head",
        "citizen_id": HEAD_ID,
    }


class TestListAudit:
    def test_anonymous_gets_401(self, client):
        problem(client.get(URL), 401)

    def test_officers_get_403(self, client, tree, make_user, login):
        headers = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        problem(client.get(URL, headers=headers), 403)

    def test_invalid_filters(self, client, admin):
        for params, pointer in (
            ({"since": "last week"}, "/since"),
            ({"entity": "x" * 33}, "/entity"),
            ({"page_size": 0}, "/page_size"),
        ):
            answer = problem(client.get(URL, params=params, headers=admin), 422)
            assert [error["pointer"] for error in answer["errors"]] == [pointer]

    def test_auditor_and_admin_read_it(self, client, tree, make_user, login):
        auditor = trail(client, login(make_user("auditor")), entity="place")
        admin = trail(client, login(make_user("admin")), entity="place")
        assert len(auditor) == 7  # the tree's places
        assert auditor == admin
        assert all(set(entry) == ENTRY_FIELDS for entry in auditor)

    def test_newest_first_and_filtered_by_record(self, client, admin, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"])
        change = {"head_name": "Nguyễn Văn Ân"}
        headers = {**admin, "If-Match": f'"{household["id"]}.v1"'}
        client.patch(f"/api/v1/households/{household['id']}", json=change, headers=headers)
        entries = trail(client, admin, entity="household", entity_id=household["id"])
        assert [entry["action"] for entry in entries] == ["update", "create"]
        assert entries[0]["id"] > entries[1]["id"]
        assert trail(client, admin, entity="place", entity_id=household["id"]) == []
        assert trail(client, admin, entity="nothing") == []
        assert trail(client, admin, entity_id="hh_unknown") == []
        updates = trail(client, admin, action="update", entity="household")
        assert [entry["entity_id"] for entry in updates] == [household["id"]]

    def test_filter_by_actor_and_time(self, client, tree, make_user, login):
        user = make_user("admin")
        headers = login(user)
        body = {"code": "P-9", "name": "Sóc Trăng", "level": "province"}
        created = client.post("/api/v1/places", json=body, headers=headers).json()
        mine = trail(client, headers, actor_id=user.id, entity="place")  # not their login
        assert [entry["entity_id"] for entry in mine] == [created["id"]]
        occurred = mine[0]["occurred_at"]
        since = trail(client, headers, since=occurred, entity="place")
        assert [entry["entity_id"] for entry in since] == [created["id"]]
        until = trail(client, headers, until=occurred, entity="place")
        assert len(until) == 7  # the tree, made before
        later = datetime.fromisoformat(occurred) + timedelta(seconds=1)
        assert trail(client, headers, since=later.isoformat()) == []

    def test_pages(self, client, admin, tree):
        first = client.get(URL, params={"entity": "place", "page_size": 4}, headers=admin)
        page = first.json()
        assert len(page["items"]) == 4
        second = client.get(
            URL,
            params={"entity": "place", "page_size": 4, "page_token": page["next_page_token"]},
            headers=admin,
        ).json()
        assert len(second["items"]) == 3
        assert second["next_page_token"] is None
        ids = [entry["id"] for entry in page["items"] + second["items"]]
        assert ids == sorted(ids, reverse=True)
        total = client.get(URL, params={"entity": "place", "total": True}, headers=admin)
        assert total.json()["total"] == 7

    def test_auditor_with_places_sees_only_their_records(
        self, client, tree, make_household, make_user, login
    ):
        inside = make_household(tree["hamlet_a"]["id"])
        outside = make_household(tree["hamlet_b"]["id"])
        headers = login(make_user("auditor", (tree["commune_a"]["id"],)))
        households = trail(client, headers, entity="household")
        assert [entry["entity_id"] for entry in households] == [inside["id"]]
        assert trail(client, headers, entity_id=outside["id"]) == []
        # Deployment-wide records (accounts) lie outside any place.
        assert trail(client, headers, entity="user") == []


class TestEveryWriteIsAudited:
    def entries(self, db, entity_id: str) -> list[AuditEntry]:
        stmt = select(AuditEntry).where(AuditEntry.entity_id == entity_id)
        return list(db.exec(stmt.order_by(AuditEntry.id)))

    def test_household_life(self, client, tree, make_user, login, db):
        user = make_user("commune_officer", (tree["commune_a"]["id"],))
        headers = login(user)
        body = {
            "code": "HH-1",
            "place_id": tree["hamlet_a"]["id"],
            "head_name": "Nguyễn Văn An",
            "ethnicity": "kinh",
            "members": [head()],
        }
        started = utcnow()
        created = client.post("/api/v1/households", json=body, headers=headers)
        assert created.status_code == 201, created.text
        household = created.json()
        url = f"/api/v1/households/{household['id']}"
        member_id = household["members"][0]["id"]
        steps = [
            ("PATCH", url, {"address": "Ấp Sóc Kha"}, 1, 200),
            ("PATCH", f"{url}/members/{member_id}", {"can_work": True}, None, 200),
            (
                "POST",
                f"{url}/members",
                {**head(), "relation": "child", "citizen_id": None},
                None,
                201,
            ),
            ("DELETE", url, None, 4, 204),
            ("POST", f"{url}/restore", None, 5, 200),
        ]
        for method, path, payload, version, status in steps:
            etag = f'"{household["id"]}.v{version}"' if version else f'"{member_id}.v1"'
            response = client.request(
                method, path, json=payload, headers={**headers, "If-Match": etag}
            )
            assert response.status_code == status, (method, path, response.text)
        actions = [(e.entity, e.action) for e in self.entries(db, household["id"])]
        assert actions == [
            ("household", "create"),
            ("household", "update"),
            ("household", "archive"),
            ("household", "restore"),
        ]
        member_actions = [e.action for e in self.entries(db, member_id)]
        assert member_actions == ["create", "update"]
        every = self.entries(db, household["id"]) + self.entries(db, member_id)
        assert {e.actor_id for e in every} == {user.id}
        assert {e.actor_kind for e in every} == {"user"}
        assert all(e.occurred_at >= started for e in every)
        update = self.entries(db, household["id"])[1]
        assert (update.before["address"], update.after["address"]) == (None, "Ấp Sóc Kha")
        archive = self.entries(db, household["id"])[2]
        assert (archive.before["archived_at"], archive.after["archived_at"] is not None) == (
            None,
            True,
        )
        # Citizen IDs never reach the trail in clear.
        created_member = self.entries(db, member_id)[0]
        assert created_member.before is None
        assert created_member.after["citizen_id"] == "********3456"

    def test_request_id_links_the_row_to_the_request(self, client, admin, db):
        body = {"code": "P-1", "name": "Bến Tre", "level": "province"}
        headers = {**admin, "X-Request-ID": "req-abc-123"}
        response = client.post("/api/v1/places", json=body, headers=headers)
        assert response.headers["x-request-id"] == "req-abc-123"
        [entry] = self.entries(db, response.json()["id"])
        assert entry.request_id == "req-abc-123"

    def test_users_and_passwords(self, client, admin, db):
        body = {
            "username": "kiem.toan",
            "password": "mat-khau-dai-du",
            "full_name": "Kiểm Toán",
            "role": "auditor",
        }
        created = client.post("/api/v1/users", json=body, headers=admin).json()
        token = client.post(
            "/api/v1/auth/token", data={"username": "kiem.toan", "password": "mat-khau-dai-du"}
        ).json()["access_token"]
        change = {"current_password": "mat-khau-dai-du", "new_password": PASSWORD + "-2"}
        response = client.post(
            "/api/v1/users/me/password",
            json=change,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 204, response.text
        entries = self.entries(db, created["id"])
        assert [e.action for e in entries] == ["create", "login", "password_change"]
        assert "argon2" not in str([(e.before, e.after) for e in entries])

    def test_rejected_writes_and_reads_leave_no_row(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        before = count(db, AuditEntry)
        url = f"/api/v1/households/{household['id']}"
        client.patch(url, json={"head_name": ""}, headers={**admin, "If-Match": "*"})
        client.patch(url, json={"head_name": "X"}, headers={**admin, "If-Match": '"old"'})
        client.post("/api/v1/households", json={"code": "x"}, headers=admin)
        client.get(url, headers=admin)
        client.get("/api/v1/households", headers=admin)
        client.get(URL, headers=admin)
        assert count(db, AuditEntry) == before

    def test_reveal_is_audited_with_its_purpose(self, client, admin, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        params = {"reveal": True, "purpose": "Đối chiếu danh sách BHYT"}
        client.get(f"/api/v1/households/{household['id']}", params=params, headers=admin)
        [entry] = trail(client, admin, action="reveal")
        assert entry["entity"] == "household"
        assert entry["entity_id"] == household["id"]
        assert entry["purpose"] == "Đối chiếu danh sách BHYT"
        assert entry["after"] == {"fields": ["citizen_id", "phone"]}
