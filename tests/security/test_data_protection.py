"""Personal data (Law 91/2025/QH15): masking, purpose-bound reveal with an audit row,
agencies' minimal view, the subject access export, correction, and retention."""

import json
from datetime import timedelta

from sqlmodel import select

from api import retention
from api.models import (
    AuditEntry,
    AuthToken,
    Event,
    IdempotencyRecord,
    LoginThrottle,
)
from api.models.base import utcnow
from tests.api.test_contract import problem
from tests.conftest import make_settings
from tests.security.conftest import CITIZEN_ID, PHONE

MASKED_PHONE = "091****678"
MASKED_ID = "********1234"


def household_url(w) -> str:
    return f"/api/v1/households/{w['ids']['household_id']}"


def audits(db, **where) -> list[AuditEntry]:
    db.expire_all()
    stmt = select(AuditEntry)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, name) == value)
    return list(db.exec(stmt.order_by(AuditEntry.id)))


class TestMasking:
    def test_every_reader_sees_masked_ids_and_phones(self, client, world):
        h = world["headers"]
        for who in ("admin", "officer_a", "auditor"):
            detail = client.get(household_url(world), headers=h[who]).json()
            assert (detail["phone"], detail["members"][0]["citizen_id"]) == (
                MASKED_PHONE,
                MASKED_ID,
            ), who
            listed = client.get("/api/v1/households", headers=h[who]).json()["items"]
            assert {item["phone"] for item in listed} == {MASKED_PHONE, None}, who
            members = client.get(household_url(world) + "/members", headers=h[who]).json()
            assert [m["citizen_id"] for m in members["items"]] == [MASKED_ID], who

    def test_an_officer_of_the_place_reveals_with_a_purpose_and_it_is_logged(
        self, client, world, db
    ):
        params = {"reveal": "true", "purpose": "Gọi điện hẹn lịch thăm hộ"}
        response = client.get(
            household_url(world), params=params, headers=world["headers"]["officer_a"]
        )
        detail = response.json()
        assert (detail["phone"], detail["members"][0]["citizen_id"]) == (PHONE, CITIZEN_ID)
        [entry] = audits(db, action="reveal")
        assert (entry.actor_id, entry.entity_id, entry.purpose, entry.after) == (
            world["users"]["officer_a"].id,
            world["ids"]["household_id"],
            "Gọi điện hẹn lịch thăm hộ",
            {"fields": ["citizen_id", "phone"]},
        )

    def test_reveal_needs_a_role_a_purpose_and_the_place(self, client, world, db):
        h, url = world["headers"], household_url(world)
        problem(
            client.get(url, params={"reveal": "true", "purpose": "x y"}, headers=h["auditor"]), 403
        )
        problem(client.get(url, params={"reveal": "true"}, headers=h["officer_a"]), 422)
        problem(
            client.get(url, params={"reveal": "true", "purpose": "x y"}, headers=h["officer_b"]),
            404,
        )
        assert audits(db, action="reveal") == []

    def test_an_edit_may_send_the_masked_phone_back_unchanged(self, client, world, db):
        h, url = world["headers"], household_url(world)
        etag = client.get(url, headers=h["officer_a"]).headers["ETag"]
        headers = {**h["officer_a"], "If-Match": etag}
        kept = client.patch(url, json={"phone": MASKED_PHONE, "notes": "Đã thăm"}, headers=headers)
        assert kept.status_code == 200, kept.text
        revealed = client.get(
            url, params={"reveal": "true", "purpose": "Kiểm tra"}, headers=h["officer_a"]
        ).json()
        assert (revealed["phone"], revealed["notes"]) == (PHONE, "Đã thăm")
        headers["If-Match"] = kept.headers["ETag"]
        wrong = client.patch(url, json={"phone": "091****000"}, headers=headers)
        assert [e["pointer"] for e in problem(wrong, 422)["errors"]] == ["/phone"]

    def test_the_audit_trail_shows_masked_values(self, client, world):
        rows = client.get(
            "/api/v1/audit",
            params={"entity_id": world["ids"]["household_id"]},
            headers=world["headers"]["auditor"],
        ).json()["items"]
        created = [r for r in rows if r["action"] == "create" and r["entity"] == "household"]
        assert created[0]["after"]["phone"] == MASKED_PHONE
        text = json.dumps(rows)
        assert PHONE not in text and CITIZEN_ID not in text


class TestAgencies:
    def test_agencies_get_decisions_not_personal_data(self, client, world):
        x = world["headers"]["agency_x"]
        for response in (
            client.get(household_url(world) + "/eligibility", headers=x),
            client.post(
                "/api/v1/eligibility/lookup",
                json={"citizen_id": CITIZEN_ID, "purpose": "Xét cho vay"},
                headers=x,
            ),
            client.get("/api/v1/events", headers=x),
            client.get("/api/v1/supports", headers=x),
        ):
            assert response.status_code == 200, response.text
            text = response.text
            for personal in (PHONE, CITIZEN_ID, "Thạch Văn Sơn", MASKED_PHONE):
                assert personal not in text
        for path in ("", "/members", "/timeline", "/assessments"):
            problem(client.get(household_url(world) + path, headers=x), 403)


class TestSubjectAccess:
    URL = "/api/v1/persons-data/export"

    def test_an_administrator_exports_everything_held_on_a_person(self, client, world, db):
        params = {"citizen_id": CITIZEN_ID, "purpose": "Yêu cầu của ông Sơn ngày 28/11"}
        response = client.get(self.URL, params=params, headers=world["headers"]["admin"])
        assert response.status_code == 200, response.text
        data = response.json()
        ids = world["ids"]
        assert data["member"]["id"] == ids["member_id"]
        assert data["member"]["citizen_id"] == CITIZEN_ID
        assert (data["household"]["id"], data["household"]["phone"]) == (ids["household_id"], PHONE)
        assert [a["id"] for a in data["assessments"]] == [ids["assessment_id"]]
        assert [v["id"] for v in data["visits"]] == [ids["visit_id"]]
        assert {s["id"] for s in data["supports"]} == {ids["support_id"], ids["donated_support_id"]}
        assert [n["id"] for n in data["needs"]] == [ids["need_id"]]
        assert [a["id"] for a in data["assignments"]] == [ids["assignment_id"]]
        assert [s["id"] for s in data["sponsorships"]] == [ids["sponsorship_id"]]
        assert {e["entity_id"] for e in data["audit"]} == {ids["household_id"], ids["member_id"]}
        assert "search_text" not in data["household"]
        [entry] = audits(db, action="export")
        assert (entry.actor_id, entry.entity_id, entry.purpose, entry.after) == (
            data["audit"][0]["actor_id"],
            ids["member_id"],
            "Yêu cầu của ông Sơn ngày 28/11",
            {"citizen_id": MASKED_ID},
        )

    def test_only_administrators_with_a_purpose(self, client, world):
        h = world["headers"]
        params = {"citizen_id": CITIZEN_ID, "purpose": "Yêu cầu"}
        for who in ("officer_a", "auditor", "agency_x"):
            problem(client.get(self.URL, params=params, headers=h[who]), 403)
        problem(client.get(self.URL, params=params), 401)
        problem(client.get(self.URL, params={"citizen_id": CITIZEN_ID}, headers=h["admin"]), 422)
        bad = {"citizen_id": "12345", "purpose": "Yêu cầu"}
        problem(client.get(self.URL, params=bad, headers=h["admin"]), 422)
        unknown = {"citizen_id": "084095009999", "purpose": "Yêu cầu"}
        problem(client.get(self.URL, params=unknown, headers=h["admin"]), 404)

    def test_a_correction_is_a_patch_and_shows_in_the_next_export(self, client, world):
        h, ids = world["headers"], world["ids"]
        url = f"{household_url(world)}/members/{ids['member_id']}"
        etag = client.get(url, headers=h["officer_a"]).headers["ETag"]
        fixed = client.patch(
            url, json={"full_name": "Thạch Văn Sơl"}, headers={**h["officer_a"], "If-Match": etag}
        )
        assert fixed.status_code == 200, fixed.text
        params = {"citizen_id": CITIZEN_ID, "purpose": "Kiểm tra sau khi sửa"}
        data = client.get(self.URL, params=params, headers=h["admin"]).json()
        assert data["member"]["full_name"] == "Thạch Văn Sơl"
        member_rows = [e for e in data["audit"] if e["entity_id"] == ids["member_id"]]
        assert [e["action"] for e in member_rows] == ["create", "update"]
        assert (member_rows[1]["before"]["full_name"], member_rows[1]["after"]["full_name"]) == (
            "Thạch Văn Sơn",
            "Thạch Văn Sơl",
        )


class TestRetention:
    def test_purge_deletes_only_what_is_past_retention(self, db, database_url):
        settings = make_settings(database_url, audit_retention_days=365, token_retention_days=30)
        now = utcnow()
        long_ago = now - timedelta(days=400)
        db.add_all(
            [
                AuditEntry(
                    actor_kind="user",
                    action="update",
                    entity="x",
                    entity_id="old",
                    occurred_at=long_ago,
                ),
                AuditEntry(actor_kind="user", action="update", entity="x", entity_id="new"),
                Event(type="x.old", entity_id="old", occurred_at=long_ago, data={}),
                Event(type="x.new", entity_id="new", data={}),
                IdempotencyRecord(
                    caller="u",
                    key="old",
                    request_hash="h",
                    state="done",
                    expires_at=now - timedelta(hours=1),
                ),
                IdempotencyRecord(
                    caller="u",
                    key="new",
                    request_hash="h",
                    state="done",
                    expires_at=now + timedelta(hours=1),
                ),
                LoginThrottle(
                    key="user:old", failures=2, window_started_at=long_ago, updated_at=long_ago
                ),
                LoginThrottle(
                    key="user:locked",
                    failures=0,
                    window_started_at=long_ago,
                    updated_at=long_ago,
                    locked_until=now + timedelta(minutes=5),
                ),
            ]
        )
        db.flush()
        counts = retention.purge(db, settings)
        assert counts == {
            "audit_log": 1,
            "events": 1,
            "webhook_deliveries": 0,
            "idempotency_keys": 1,
            "auth_tokens": 0,
            "login_throttle": 1,
        }
        db.expire_all()
        assert [e.entity_id for e in db.exec(select(AuditEntry))] == ["new"]
        assert [e.type for e in db.exec(select(Event))] == ["x.new"]
        assert [r.key for r in db.exec(select(IdempotencyRecord))] == ["new"]
        assert [r.key for r in db.exec(select(LoginThrottle))] == ["user:locked"]
        assert list(db.exec(select(AuthToken))) == []
