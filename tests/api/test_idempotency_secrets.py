"""Answers that carry a credential are never kept for an Idempotency-Key.

An API key, a bearer token or a webhook signing secret is shown once and kept only hashed;
stored with its Idempotency-Key it sat in plain text in idempotency_keys for a day and any
retry with the key got it again. Now such a route's change commits with the key released:
nothing of the answer is kept, and a retry runs again (a new credential, not the first)."""

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from api.core import idempotency
from api.models import ApiKey, IdempotencyRecord, WebhookEndpoint
from tests.api.conftest import PASSWORD, unique_code
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    problem,
)

HOOK = "http://127.0.0.1:9/hook"


def records(db) -> list[IdempotencyRecord]:
    db.expire_all()
    return list(db.exec(select(IdempotencyRecord)))


def kept_bodies(db) -> bytes:
    return b"".join(record.response_body or b"" for record in records(db))


def make_agency(client, admin) -> dict:
    body = {"code": unique_code("AG"), "name": "Ngân hàng Chính sách xã hội", "kind": "health"}
    response = client.post("/api/v1/agencies", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def post_twice(client, url: str, headers: dict, **body) -> tuple:
    """The same request sent twice with one Idempotency-Key."""
    keyed = {**headers, "Idempotency-Key": "retry-1"}
    return client.post(url, headers=keyed, **body), client.post(url, headers=keyed, **body)


class TestApiKey:
    def test_the_key_is_not_kept_and_a_retry_makes_a_new_one(self, client, admin, db):
        agency = make_agency(client, admin)
        url = f"/api/v1/agencies/{agency['id']}/keys"
        first, second = post_twice(client, url, admin, json={"scopes": ["events:read"]})
        assert (first.status_code, second.status_code) == (201, 201), second.text
        assert "idempotent-replayed" not in second.headers
        assert first.json()["key"] != second.json()["key"]
        assert first.json()["id"] != second.json()["id"]
        assert records(db) == []
        assert count(db, ApiKey, ApiKey.agency_id == agency["id"]) == 2

    def test_other_answers_are_still_kept_and_replayed(self, client, admin, db):
        # The control: the agency's own creation (no credential) replays as before.
        body = {"code": unique_code("AG"), "name": "Sở Y tế", "kind": "health"}
        first, second = post_twice(client, "/api/v1/agencies", admin, json=body)
        assert (first.status_code, second.status_code) == (201, 201), second.text
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        [record] = records(db)
        assert (record.state, record.response_status) == ("done", 201)

    def test_no_raw_key_ends_in_the_table(self, client, admin, db):
        agency = make_agency(client, admin)
        keyed = {**admin, "Idempotency-Key": "agency-then-key"}
        url = f"/api/v1/agencies/{agency['id']}/keys"
        created = client.post(url, json={"scopes": ["events:read"]}, headers=keyed)
        assert created.status_code == 201, created.text
        body = {"code": unique_code("AG"), "name": "Sở Y tế", "kind": "health"}
        other = client.post(
            "/api/v1/agencies", json=body, headers={**admin, "Idempotency-Key": "x"}
        )
        assert other.status_code == 201, other.text
        assert len(records(db)) == 1  # only the agency's answer
        assert created.json()["key"].encode() not in kept_bodies(db)
        assert b"gn_" not in kept_bodies(db)

    def test_an_agency_key_calling_gets_the_same(self, client, admin, db):
        agency = make_agency(client, admin)
        url = f"/api/v1/agencies/{agency['id']}/keys"
        created = client.post(url, json={"scopes": ["keys:write"]}, headers=admin)
        caller = {"Authorization": f"Bearer {created.json()['key']}"}
        first, second = post_twice(client, url, caller, json={"scopes": ["keys:write"]})
        assert (first.status_code, second.status_code) == (201, 409)  # at most two live keys
        assert records(db) == []

    def test_a_failed_commit_keeps_neither_key_nor_reservation(
        self, client, admin, db, monkeypatch
    ):
        agency = make_agency(client, admin)
        real_forget = idempotency._forget

        def forget_then_lose_the_connection(state, record_id, session):
            def commit():
                raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

            session.commit = commit
            return real_forget(state, record_id, session)

        monkeypatch.setattr(idempotency, "_forget", forget_then_lose_the_connection)
        url = f"/api/v1/agencies/{agency['id']}/keys"
        keyed = {**admin, "Idempotency-Key": "lost"}
        lost = client.post(url, json={"scopes": ["events:read"]}, headers=keyed)
        assert (
            problem(lost, 503)["detail"] == "The change could not be saved; send the request again."
        )
        assert count(db, ApiKey, ApiKey.agency_id == agency["id"]) == 0
        assert records(db) == []


class TestToken:
    def test_the_token_is_not_kept_and_a_retry_issues_another(self, client, admin, make_user, db):
        user = make_user("auditor")
        form = {"username": user.username, "password": PASSWORD}
        first, second = post_twice(client, "/api/v1/auth/token", admin, data=form)
        assert (first.status_code, second.status_code) == (200, 200), second.text
        assert "idempotent-replayed" not in second.headers
        assert first.json()["access_token"] != second.json()["access_token"]
        assert records(db) == []


class TestWebhookSecret:
    def test_create_keeps_no_secret_and_a_retry_registers_another(self, client, admin, db):
        agency = make_agency(client, admin)
        body = {"url": HOOK, "event_types": ["*"], "agency_id": agency["id"]}
        first, second = post_twice(client, "/api/v1/webhooks", admin, json=body)
        assert (first.status_code, second.status_code) == (201, 201), second.text
        assert "idempotent-replayed" not in second.headers
        assert first.json()["secret"] != second.json()["secret"]
        assert records(db) == []
        assert count(db, WebhookEndpoint, WebhookEndpoint.agency_id == agency["id"]) == 2

    def test_rotation_keeps_no_secret_and_a_retry_rotates_again(self, client, admin, db):
        agency = make_agency(client, admin)
        body = {"url": HOOK, "event_types": ["*"], "agency_id": agency["id"]}
        endpoint = client.post("/api/v1/webhooks", json=body, headers=admin).json()
        url = f"/api/v1/webhooks/{endpoint['id']}/rotate-secret"
        first, second = post_twice(client, url, admin)
        assert (first.status_code, second.status_code) == (200, 200), second.text
        assert "idempotent-replayed" not in second.headers
        assert len({endpoint["secret"], first.json()["secret"], second.json()["secret"]}) == 3
        assert records(db) == []
        assert b"whsec_" not in kept_bodies(db)


def test_the_routes_say_so_in_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    routes = [
        ("/api/v1/agencies/{agency_id}/keys", "revoke the spare key"),
        ("/api/v1/auth/token", "a retry"),
        ("/api/v1/webhooks", "delete the spare endpoint"),
        ("/api/v1/webhooks/{endpoint_id}/rotate-secret", "a retry"),
    ]
    for path, advice in routes:
        description = paths[path]["post"]["description"]
        assert "never stored for an `Idempotency-Key`" in description, path
        assert advice in description, path
