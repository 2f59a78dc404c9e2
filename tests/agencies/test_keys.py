"""Agencies and their API keys: shown once, stored hashed, scoped, expiring, revocable."""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from api.models import ApiKey


class TestAgencies:
    def test_anonymous(self, client):
        assert client.post("/api/v1/agencies", json={}).status_code == 401

    def test_officer_forbidden(self, client, tree, make_user, login):
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        body = {"code": "X1", "name": "Y", "kind": "health"}
        assert client.post("/api/v1/agencies", json=body, headers=officer).status_code == 403

    def test_invalid(self, client, admin):
        response = client.post(
            "/api/v1/agencies", json={"code": "A B", "name": "", "kind": "bank"}, headers=admin
        )
        assert response.status_code == 422
        pointers = sorted(e["pointer"] for e in response.json()["errors"])
        assert pointers == ["/code", "/kind", "/name"]

    def test_create_read_and_duplicate(self, client, admin, make_agency, tree):
        agency = make_agency(kind="labour", place_ids=(tree["commune_a"]["id"],))
        assert agency["place_ids"] == [tree["commune_a"]["id"]]
        read = client.get(f"/api/v1/agencies/{agency['id']}", headers=admin)
        assert read.status_code == 200
        assert read.headers["ETag"] == f'"{agency["id"]}.v1"'
        again = client.post(
            "/api/v1/agencies",
            json={"code": agency["code"], "name": "Khác", "kind": "health"},
            headers=admin,
        )
        assert again.status_code == 409

    def test_update_needs_if_match(self, client, admin, make_agency):
        agency = make_agency()
        url = f"/api/v1/agencies/{agency['id']}"
        assert client.patch(url, json={"name": "Mới"}, headers=admin).status_code == 428
        current = client.get(url, headers=admin)
        changed = client.patch(
            url, json={"name": "Mới"}, headers={**admin, "If-Match": current.headers["ETag"]}
        )
        assert changed.status_code == 200
        assert changed.json()["name"] == "Mới"

    def test_agency_sees_only_itself(self, client, bank, make_agency):
        other = make_agency()
        listed = client.get("/api/v1/agencies", headers=bank["headers"])
        assert [a["id"] for a in listed.json()["items"]] == [bank["agency"]["id"]]
        missing = client.get(f"/api/v1/agencies/{other['id']}", headers=bank["headers"])
        assert missing.status_code == 404


class TestKeys:
    def test_shown_once_and_stored_hashed(self, client, admin, db, make_agency, make_key):
        agency = make_agency()
        headers, created = make_key(agency["id"], scopes=["supports:write"])
        raw = created["key"]
        assert raw.startswith("gn_") and len(raw) >= 3 + 43  # 32 random bytes, base64url
        assert created["prefix"] == raw[:11]
        stored = db.exec(select(ApiKey).where(ApiKey.id == created["id"])).one()
        assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
        listed = client.get(f"/api/v1/agencies/{agency['id']}/keys", headers=admin).json()
        assert [k["id"] for k in listed["items"]] == [created["id"]]
        assert "key" not in listed["items"][0] and "key_hash" not in listed["items"][0]

    def test_unknown_scope(self, client, admin, make_agency):
        agency = make_agency()
        response = client.post(
            f"/api/v1/agencies/{agency['id']}/keys", json={"scopes": ["root"]}, headers=admin
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/scopes"

    def test_two_live_keys_for_rotation(self, client, admin, make_agency, make_key):
        agency = make_agency()
        old_headers, old = make_key(agency["id"])
        new_headers, _ = make_key(agency["id"])
        third = client.post(
            f"/api/v1/agencies/{agency['id']}/keys", json={"scopes": ["events:read"]}, headers=admin
        )
        assert third.status_code == 409
        for headers in (old_headers, new_headers):
            assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
        revoked = client.post(
            f"/api/v1/agencies/{agency['id']}/keys/{old['id']}/revoke", headers=admin
        )
        assert revoked.status_code == 200
        assert revoked.json()["live"] is False
        assert client.get("/api/v1/auth/me", headers=old_headers).status_code == 401
        assert client.get("/api/v1/auth/me", headers=new_headers).status_code == 200
        make_key(agency["id"])  # a slot is free again

    def test_expired_and_inactive(self, client, admin, db, make_agency, make_key):
        agency = make_agency()
        headers, created = make_key(agency["id"])
        key = db.get(ApiKey, created["id"])
        key.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.commit()
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
        past = client.post(
            f"/api/v1/agencies/{agency['id']}/keys",
            json={"scopes": ["events:read"], "expires_at": "2020-01-01T00:00:00Z"},
            headers=admin,
        )
        assert past.status_code == 422

    def test_deactivated_agency_loses_access(self, client, admin, make_agency, make_key):
        agency = make_agency()
        headers, _ = make_key(agency["id"])
        url = f"/api/v1/agencies/{agency['id']}"
        etag = client.get(url, headers=admin).headers["ETag"]
        off = client.patch(url, json={"is_active": False}, headers={**admin, "If-Match": etag})
        assert off.status_code == 200
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401

    def test_last_used_written_at_most_once_a_minute(self, client, db, make_agency, make_key):
        agency = make_agency()
        headers, created = make_key(agency["id"])
        assert created["last_used_at"] is None
        client.get("/api/v1/auth/me", headers=headers)
        first = db.get(ApiKey, created["id"])
        db.refresh(first)
        assert first.last_used_at is not None
        stamp = first.last_used_at
        client.get("/api/v1/auth/me", headers=headers)
        db.refresh(first)
        assert first.last_used_at == stamp

    def test_agency_rotates_its_own_keys_without_escalating(self, client, make_agency, make_key):
        agency = make_agency()
        headers, _ = make_key(agency["id"], scopes=["keys:write", "events:read"])
        url = f"/api/v1/agencies/{agency['id']}/keys"
        more = client.post(url, json={"scopes": ["supports:write"]}, headers=headers)
        assert more.status_code == 403
        same = client.post(url, json={"scopes": ["events:read"]}, headers=headers)
        assert same.status_code == 201
        other = make_agency()
        elsewhere = client.post(
            f"/api/v1/agencies/{other['id']}/keys",
            json={"scopes": ["events:read"]},
            headers=headers,
        )
        assert elsewhere.status_code == 404

    def test_agency_never_reaches_officer_endpoints(self, client, bank, households):
        for url in (
            "/api/v1/households",
            f"/api/v1/households/{households[0]['id']}",
            "/api/v1/users",
            "/api/v1/audit",
        ):
            assert client.get(url, headers=bank["headers"]).status_code == 403, url

    def test_missing_scope_is_403(self, client, make_agency, make_key):
        agency = make_agency()
        headers, _ = make_key(agency["id"], scopes=["events:read"])
        response = client.get("/api/v1/supports", headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert "supports:read" in response.json()["detail"]

    def test_unknown_key(self, client):
        response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer gn_nope"})
        assert response.status_code == 401
