"""Tokens (/api/v1/auth) and officers' accounts (/api/v1/users)."""

import hashlib
import re
from datetime import timedelta

from sqlmodel import select

from api.models import AuditEntry, AuthToken, User, UserPlace
from api.models.base import utcnow
from tests.api.conftest import PASSWORD
from tests.api.test_contract import (
    PROBLEM,
    app,  # noqa: F401  (one app per run: fast)
    count,
    pointers,
    problem,
)

TOKEN_URL = "/api/v1/auth/token"
USERS = "/api/v1/users"
NEW_PASSWORD = "mat-khau-moi-2026"
USER_FIELDS = {
    "id",
    "username",
    "full_name",
    "role",
    "is_active",
    "place_ids",
    "created_at",
    "updated_at",
}


def written(db) -> tuple[int, ...]:
    return tuple(count(db, model) for model in (User, UserPlace, AuditEntry))


def me(client, headers) -> int:
    return client.get("/api/v1/auth/me", headers=headers).status_code


def token_for(client, username: str, password: str = PASSWORD):
    return client.post(TOKEN_URL, data={"username": username, "password": password})


def new_user(**extra) -> dict:
    return {
        "username": "can.bo.hoa.an",
        "password": "mat-khau-dai-du",
        "full_name": "Lê Văn Cán",
        "role": "auditor",
        **extra,
    }


def user_etag(user) -> str:
    return f'"{user.id}.v{user.version}"'


class TestToken:
    def test_valid(self, client, make_user, settings, db):
        user = make_user("commune_officer")
        response = token_for(client, user.username)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"access_token", "token_type", "expires_in"}
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == settings.token_ttl_seconds
        assert body["access_token"].startswith("gnt_")
        # Only the token's SHA-256 is kept.
        digest = hashlib.sha256(body["access_token"].encode()).hexdigest()
        assert count(db, AuthToken, AuthToken.token_hash == digest) == 1
        assert count(db, AuthToken, AuthToken.token_hash == body["access_token"]) == 0
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        assert client.get("/api/v1/auth/me", headers=headers).json()["id"] == user.id

    def test_username_ignores_case_and_spaces(self, client, make_user):
        user = make_user("auditor")
        assert token_for(client, f"  {user.username.upper()} ").status_code == 200

    def test_wrong_password_and_unknown_user_look_alike(self, client, make_user, db):
        user = make_user("admin")
        before = count(db, AuthToken)
        wrong = problem(token_for(client, user.username, "not-the-password"), 401)
        unknown = problem(token_for(client, "nobody-here"), 401)
        assert wrong["detail"] == unknown["detail"]
        assert count(db, AuthToken) == before

    def test_inactive_user_cannot_log_in(self, client, make_user, db):
        user = make_user("admin")
        user.is_active = False
        db.add(user)
        db.commit()
        problem(token_for(client, user.username), 401)

    def test_invalid_form(self, client, make_user):
        user = make_user("admin")
        missing = problem(client.post(TOKEN_URL, data={"username": user.username}), 422)
        assert pointers(missing) == ["/password"]
        as_json = {"username": user.username, "password": PASSWORD}
        problem(client.post(TOKEN_URL, json=as_json), 422)
        grant = {**as_json, "grant_type": "client_credentials"}
        assert pointers(problem(client.post(TOKEN_URL, data=grant), 422)) == ["/grant_type"]
        long_name = {"username": "x" * 65, "password": PASSWORD}
        assert pointers(problem(client.post(TOKEN_URL, data=long_name), 422)) == ["/username"]


class TestBearer:
    def test_missing_or_malformed_credentials(self, client):
        for headers in (
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer gnt_not-a-token"},
            {"Authorization": "Bearer something-else"},
            {"Authorization": "Basic YWRtaW46cGFzc3dvcmQ="},
        ):
            response = client.get("/api/v1/auth/me", headers=headers)
            problem(response, 401)
            assert response.headers["www-authenticate"] == "Bearer"

    def test_expired_token(self, client, make_user, login, db):
        headers = login(make_user("admin"))
        assert me(client, headers) == 200
        token = db.exec(select(AuthToken)).one()
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.add(token)
        db.commit()
        problem(client.get("/api/v1/auth/me", headers=headers), 401)

    def test_deactivated_user_is_locked_out(self, client, make_user, login, db):
        user = make_user("admin")
        headers = login(user)
        user.is_active = False
        db.add(user)
        db.commit()
        problem(client.get("/api/v1/auth/me", headers=headers), 401)

    def test_every_api_endpoint_needs_a_token(self, client):
        paths = client.get("/api/openapi.json").json()["paths"]
        checked = set()
        for path, operations in paths.items():
            if not path.startswith("/api/v1/") or path == TOKEN_URL:
                continue
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            for method in operations:
                response = client.request(method.upper(), concrete)
                assert response.status_code == 401, (method, path, response.text)
                assert response.headers["content-type"] == PROBLEM, (method, path)
                checked.add((method, path))
        # The walk reached the foundation's routes (the others grow with the API).
        assert {
            ("get", "/api/v1/places"),
            ("patch", "/api/v1/places/{place_id}"),
            ("post", "/api/v1/households"),
            ("delete", "/api/v1/households/{household_id}"),
            ("post", "/api/v1/households/{household_id}/members"),
            ("get", "/api/v1/users"),
            ("post", "/api/v1/users/me/password"),
            ("get", "/api/v1/audit"),
            ("post", "/api/v1/auth/logout"),
        } <= checked

    def test_health_token_and_docs_are_public(self, client):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/api/docs").status_code == 200
        assert client.get("/api/openapi.json").status_code == 200


class TestLogout:
    def test_anonymous_gets_401(self, client):
        problem(client.post("/api/v1/auth/logout"), 401)

    def test_revokes_only_this_token(self, client, make_user, login):
        user = make_user("auditor")
        first, second = login(user), login(user)
        response = client.post("/api/v1/auth/logout", headers=first)
        assert response.status_code == 204
        assert response.content == b""
        problem(client.get("/api/v1/auth/me", headers=first), 401)
        problem(client.post("/api/v1/auth/logout", headers=first), 401)
        assert me(client, second) == 200


class TestMe:
    def test_anonymous_gets_401(self, client):
        problem(client.get("/api/v1/auth/me"), 401)

    def test_valid(self, client, tree, make_user, login):
        user = make_user("commune_officer", (tree["commune_a"]["id"],))
        response = client.get("/api/v1/auth/me", headers=login(user))
        assert response.status_code == 200
        assert response.json() == {
            "id": user.id,
            "username": user.username,
            "full_name": "Cán bộ commune_officer",
            "role": "commune_officer",
            "place_ids": [tree["commune_a"]["id"]],
        }


class TestCreateUser:
    def test_anonymous_gets_401(self, client, db):
        before = written(db)
        problem(client.post(USERS, json=new_user()), 401)
        assert written(db) == before

    def test_only_admins(self, client, tree, make_user, login, db):
        for role, places in (("auditor", ()), ("commune_officer", (tree["commune_a"]["id"],))):
            headers = login(make_user(role, places))
            before = written(db)
            problem(client.post(USERS, json=new_user(), headers=headers), 403)
            assert written(db) == before

    def test_invalid_body_names_the_field(self, client, admin, tree, db):
        before = written(db)
        for change, pointer in [
            ({"username": "ab"}, "/username"),
            ({"username": "Có Dấu"}, "/username"),
            ({"username": "x" * 65}, "/username"),
            ({"role": "root"}, "/role"),
            ({"full_name": ""}, "/full_name"),
            ({"password": "short"}, "/password"),
            ({"password": "x" * 257}, "/password"),
            ({"password": "aaaaaaaaaaaaaa"}, "/password"),
            ({"password": "my-can.bo.hoa.an-pw"}, "/password"),
            ({"role": "commune_officer"}, "/place_ids"),
            ({"place_ids": ["pl_unknown"]}, "/place_ids/0"),
            ({"place_ids": [tree["commune_a"]["id"], "pl_unknown"]}, "/place_ids/1"),
            ({"is_active": False}, "/is_active"),
            ({"password_hash": "x"}, "/password_hash"),
        ]:
            response = client.post(USERS, json=new_user(**change), headers=admin)
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before

    def test_username_is_unique(self, client, admin, make_user, db):
        user = make_user("auditor")
        before = written(db)
        response = client.post(USERS, json=new_user(username=user.username), headers=admin)
        assert pointers(problem(response, 409)) == ["/username"]
        assert written(db) == before

    def test_valid(self, client, admin, tree, db):
        body = new_user(role="commune_officer", place_ids=[tree["commune_a"]["id"]])
        response = client.post(USERS, json=body, headers=admin)
        assert response.status_code == 201, response.text
        created = response.json()
        assert set(created) == USER_FIELDS
        assert created["username"] == "can.bo.hoa.an"
        assert created["role"] == "commune_officer"
        assert created["is_active"] is True
        assert created["place_ids"] == [tree["commune_a"]["id"]]
        assert response.headers["location"] == f"{USERS}/{created['id']}"
        assert response.headers["etag"] == f'"{created["id"]}.v1"'
        stored = db.exec(select(User).where(User.id == created["id"])).one()
        assert stored.password_hash.startswith("$argon2id$")
        entry = db.exec(select(AuditEntry).where(AuditEntry.entity_id == created["id"])).one()
        assert entry.action == "create"
        assert "password_hash" not in entry.after
        assert "mat-khau-dai-du" not in str(entry.after)
        assert token_for(client, "can.bo.hoa.an", "mat-khau-dai-du").status_code == 200

    def test_restricted_admin_creates_inside_their_places(self, client, tree, make_user, login, db):
        headers = login(make_user("admin", (tree["commune_a"]["id"],)))
        before = written(db)
        outside = new_user(place_ids=[tree["commune_b"]["id"]])
        assert pointers(problem(client.post(USERS, json=outside, headers=headers), 422)) == [
            "/place_ids/0"
        ]
        problem(client.post(USERS, json=new_user(), headers=headers), 403)
        assert written(db) == before
        inside = new_user(place_ids=[tree["hamlet_a"]["id"]])
        assert client.post(USERS, json=inside, headers=headers).status_code == 201


class TestListUsers:
    def test_anonymous_gets_401(self, client):
        problem(client.get(USERS), 401)

    def test_only_admins(self, client, make_user, login):
        problem(client.get(USERS, headers=login(make_user("auditor"))), 403)

    def test_valid(self, client, make_user, login):
        admin_user = make_user("admin")
        auditor = make_user("auditor")
        response = client.get(USERS, headers=login(admin_user))
        assert response.status_code == 200
        items = response.json()["items"]
        assert [user["id"] for user in items] == sorted([admin_user.id, auditor.id])
        assert all(set(user) == USER_FIELDS for user in items)
        assert "argon2" not in response.text

    def test_restricted_admin_sees_users_inside_their_places(self, client, tree, make_user, login):
        boss = make_user("admin", (tree["commune_a"]["id"],))
        inside = make_user("commune_officer", (tree["hamlet_a"]["id"],))
        outside = make_user("commune_officer", (tree["commune_b"]["id"],))
        headers = login(boss)
        items = client.get(USERS, headers=headers).json()["items"]
        assert [user["id"] for user in items] == sorted([boss.id, inside.id])
        assert client.get(f"{USERS}/{inside.id}", headers=headers).status_code == 200
        problem(client.get(f"{USERS}/{outside.id}", headers=headers), 404)


class TestReadUser:
    def test_anonymous_gets_401(self, client, make_user):
        problem(client.get(f"{USERS}/{make_user('auditor').id}"), 401)

    def test_not_found(self, client, admin):
        problem(client.get(f"{USERS}/usr_unknown", headers=admin), 404)

    def test_valid(self, client, admin, make_user):
        user = make_user("auditor")
        response = client.get(f"{USERS}/{user.id}", headers=admin)
        assert response.status_code == 200
        assert set(response.json()) == USER_FIELDS
        assert response.json()["role"] == "auditor"
        assert response.headers["etag"] == f'"{user.id}.v1"'


class TestUpdateUser:
    def test_anonymous_gets_401(self, client, make_user):
        user = make_user("auditor")
        problem(client.patch(f"{USERS}/{user.id}", json={"full_name": "X"}), 401)

    def test_only_admins(self, client, make_user, login, db):
        user = make_user("auditor")
        headers = {**login(make_user("auditor")), "If-Match": user_etag(user)}
        before = written(db)
        problem(client.patch(f"{USERS}/{user.id}", json={"role": "admin"}, headers=headers), 403)
        assert written(db) == before

    def test_not_found(self, client, admin):
        headers = {**admin, "If-Match": "*"}
        problem(client.patch(f"{USERS}/usr_unknown", json={"full_name": "X"}, headers=headers), 404)

    def test_if_match(self, client, admin, make_user, db):
        user = make_user("auditor")
        before = written(db)
        url = f"{USERS}/{user.id}"
        problem(client.patch(url, json={"full_name": "X"}, headers=admin), 428)
        stale = {**admin, "If-Match": f'"{user.id}.v0"'}
        problem(client.patch(url, json={"full_name": "X"}, headers=stale), 412)
        assert written(db) == before

    def test_invalid(self, client, admin, make_user, login, db):
        user = make_user("auditor")
        own = login(user)
        headers = {**admin, "If-Match": user_etag(user)}
        before = written(db)
        for change, pointer in [
            ({"role": "root"}, "/role"),
            ({"role": "commune_officer"}, "/place_ids"),
            ({"place_ids": ["pl_unknown"]}, "/place_ids/0"),
            ({"password": "short"}, "/password"),
            ({"username": "renamed"}, "/username"),
            ({"full_name": None}, "/full_name"),
            ({"role": None}, "/role"),
            ({"is_active": None}, "/is_active"),
            ({"place_ids": None}, "/place_ids"),
        ]:
            response = client.patch(f"{USERS}/{user.id}", json=change, headers=headers)
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before
        assert me(client, own) == 200  # nothing ended the user's sessions

    def test_deactivation_ends_every_session(self, client, admin, make_user, login):
        user = make_user("auditor")
        headers = login(user)
        change = {"is_active": False}
        response = client.patch(
            f"{USERS}/{user.id}", json=change, headers={**admin, "If-Match": user_etag(user)}
        )
        assert response.status_code == 200, response.text
        assert response.json()["is_active"] is False
        assert response.headers["etag"] == f'"{user.id}.v2"'
        problem(client.get("/api/v1/auth/me", headers=headers), 401)
        problem(token_for(client, user.username), 401)

    def test_password_reset_ends_every_session(self, client, admin, make_user, login, db):
        user = make_user("auditor")
        headers = login(user)
        change = {"password": NEW_PASSWORD}
        response = client.patch(
            f"{USERS}/{user.id}", json=change, headers={**admin, "If-Match": user_etag(user)}
        )
        assert response.status_code == 200, response.text
        assert "password" not in response.json()
        problem(client.get("/api/v1/auth/me", headers=headers), 401)
        problem(token_for(client, user.username), 401)
        assert token_for(client, user.username, NEW_PASSWORD).status_code == 200
        entry = db.exec(
            select(AuditEntry).where(AuditEntry.entity_id == user.id, AuditEntry.action == "update")
        ).one()
        assert "password_hash" not in entry.before
        assert "password_hash" not in entry.after

    def test_new_places_for_an_officer(self, client, admin, tree, make_user, login):
        user = make_user("commune_officer", (tree["commune_a"]["id"],))
        old_headers = login(user)
        change = {"place_ids": [tree["commune_b"]["id"]]}
        response = client.patch(
            f"{USERS}/{user.id}", json=change, headers={**admin, "If-Match": user_etag(user)}
        )
        assert response.status_code == 200, response.text
        assert response.json()["place_ids"] == [tree["commune_b"]["id"]]
        problem(client.get("/api/v1/auth/me", headers=old_headers), 401)
        assert client.get("/api/v1/auth/me", headers=login(user)).json()["place_ids"] == [
            tree["commune_b"]["id"]
        ]


class TestChangeOwnPassword:
    URL = f"{USERS}/me/password"

    def test_anonymous_gets_401(self, client):
        body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        problem(client.post(self.URL, json=body), 401)

    def test_invalid(self, client, make_user, login, db):
        user = make_user("auditor")
        headers = login(user)
        before = written(db)
        for body, pointer in [
            (
                {"current_password": "wrong-password", "new_password": NEW_PASSWORD},
                "/current_password",
            ),
            ({"current_password": PASSWORD, "new_password": "short"}, "/new_password"),
            (
                {"current_password": PASSWORD, "new_password": f"{user.username}-2026"},
                "/new_password",
            ),
            ({"current_password": PASSWORD}, "/new_password"),
            ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "x": 1}, "/x"),
        ]:
            response = client.post(self.URL, json=body, headers=headers)
            assert pointers(problem(response, 422)) == [pointer], body
        assert written(db) == before
        assert me(client, headers) == 200

    def test_valid_revokes_every_token(self, client, make_user, login, db):
        user = make_user("commune_officer")
        first, second = login(user), login(user)
        body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        response = client.post(self.URL, json=body, headers=first)
        assert response.status_code == 204, response.text
        problem(client.get("/api/v1/auth/me", headers=first), 401)
        problem(client.get("/api/v1/auth/me", headers=second), 401)
        problem(token_for(client, user.username), 401)
        assert token_for(client, user.username, NEW_PASSWORD).status_code == 200
        changes = select(AuditEntry).where(
            AuditEntry.entity_id == user.id, AuditEntry.action == "password_change"
        )
        entry = db.exec(changes).one()
        assert (entry.action, entry.actor_id, entry.before, entry.after) == (
            "password_change",
            user.id,
            None,
            None,
        )


class TestLastAdministrator:
    """Somebody must be left to manage accounts and agencies."""

    def test_the_last_one_cannot_deactivate_or_demote_themselves(self, client, make_user, login):
        me = make_user("admin")
        headers = {**login(me), "If-Match": "*"}
        for change in ({"is_active": False}, {"role": "auditor"}):
            response = client.patch(f"/api/v1/users/{me.id}", json=change, headers=headers)
            assert response.status_code == 409, response.text
            assert response.json()["detail_vi"].startswith("Đây là quản trị viên")
        other = make_user("admin")
        response = client.patch(
            f"/api/v1/users/{other.id}", json={"is_active": False}, headers=headers
        )
        assert response.status_code == 200
        another = make_user("admin")
        response = client.patch(
            f"/api/v1/users/{another.id}", json={"role": "auditor"}, headers=headers
        )
        assert response.status_code == 200  # an administrator is still there: me
