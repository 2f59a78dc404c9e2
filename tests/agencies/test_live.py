"""Against a real uvicorn server: concurrent resends, webhooks to a real receiver, the feed's
order under concurrent transactions, and a 100 MB body."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, text

from api.db import plain_session_factory
from api.events.service import append_event
from api.models import WebhookDelivery
from api.models.base import utcnow
from api.webhooks.worker import deliver_due
from tests.agencies.conftest import ALL_SCOPES, LOAN_SCHEMA, support_body

CLIENTS = 16


def code(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def world(live_server):
    """A place tree, three households, an agency with a key, a loan policy (committed)."""
    with live_server.client() as http:
        admin = live_server.admin

        def post(url, body, headers=admin):
            response = http.post(url, json=body, headers=headers)
            assert response.status_code == 201, response.text
            return response.json()

        province = post(
            "/api/v1/places", {"code": code("P"), "name": "Trà Vinh", "level": "province"}
        )
        commune = post(
            "/api/v1/places",
            {"code": code("C"), "name": "Hòa Ân", "level": "commune", "parent_id": province["id"]},
        )
        households = [
            post(
                "/api/v1/households",
                {
                    "code": code("H"),
                    "place_id": commune["id"],
                    "head_name": "Thạch Sơn",
                    "ethnicity": "khmer",
                },
            )
            for _ in range(3)
        ]
        agency = post(
            "/api/v1/agencies", {"code": code("AG"), "name": "NHCSXH", "kind": "social_policy_bank"}
        )
        key = post(f"/api/v1/agencies/{agency['id']}/keys", {"scopes": ALL_SCOPES})
        headers = {"Authorization": f"Bearer {key['key']}"}
        policy = post(
            "/api/v1/policies",
            {
                "code": code("VAY"),
                "name": "Cho vay hộ nghèo",
                "category": "credit",
                "unit": "loan",
                "default_funding_source": "policy_credit",
                "attributes_schema": LOAN_SCHEMA,
            },
            headers,
        )
    return {"households": households, "agency": agency, "headers": headers, "policy": policy}


def together(count: int, action):
    """Run `action(i)` in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


class TestConcurrentResends:
    def test_one_record_from_many_clients(self, live_server, world):
        body = support_body(world["households"][0]["id"], world["policy"]["id"], code("RS-"))

        def send(_):
            with live_server.client() as http:
                return http.post("/api/v1/supports", json=body, headers=world["headers"])

        responses = together(CLIENTS, send)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] * (CLIENTS - 1) + [201], [r.text for r in responses]
        assert len({r.json()["id"] for r in responses}) == 1
        with live_server.client() as http:
            found = http.get(
                "/api/v1/supports",
                params={"external_ref": body["external_ref"]},
                headers=world["headers"],
            ).json()["items"]
        assert len(found) == 1

    def test_one_idempotency_key_from_many_clients(self, live_server, world):
        body = support_body(world["households"][1]["id"], world["policy"]["id"], code("IK-"))
        headers = {**world["headers"], "Idempotency-Key": code("key-")}

        def send(_):
            with live_server.client() as http:
                return http.post("/api/v1/supports", json=body, headers=headers)

        responses = together(CLIENTS, send)
        assert {r.status_code for r in responses} <= {201, 409}
        created = [r for r in responses if r.status_code == 201]
        assert len({r.json()["id"] for r in created}) == 1
        assert sum(1 for r in created if "idempotent-replayed" not in r.headers) == 1
        with live_server.client() as http:
            found = http.get(
                "/api/v1/supports",
                params={"external_ref": body["external_ref"]},
                headers=world["headers"],
            ).json()["items"]
        assert len(found) == 1

    def test_overlapping_bulks(self, live_server, world):
        prefix = code("BK-")
        hh = world["households"]
        items = [
            support_body(hh[i % 3]["id"], world["policy"]["id"], f"{prefix}{i}") for i in range(150)
        ]

        def send(_):
            with live_server.client() as http:
                return http.post("/api/v1/supports/bulk", json=items, headers=world["headers"])

        responses = together(4, send)
        assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
        created = sum(r.json()["stats"]["created"] for r in responses)
        ignored = sum(r.json()["stats"]["ignored"] for r in responses)
        assert (created, ignored) == (150, 450)
        ids = {tuple(x["id"] for x in r.json()["results"]) for r in responses}
        assert len(ids) == 1  # every answer names the same 150 records


def succeeded_deliveries(http, endpoint_url: str, world) -> list[dict]:
    """The endpoint's delivery log once every delivery succeeded (or after 15 s): the
    receiver has a message a moment before the worker records the answer."""
    deadline = time.monotonic() + 15
    while True:
        log = http.get(f"{endpoint_url}/deliveries", headers=world["headers"]).json()["items"]
        if all(d["status"] == "succeeded" for d in log) or time.monotonic() > deadline:
            return log
        time.sleep(0.1)


class TestWebhooks:
    def register(self, live_server, world, receiver, path, types=("support.*",)):
        with live_server.client() as http:
            response = http.post(
                "/api/v1/webhooks",
                headers=world["headers"],
                json={"url": receiver.url(path), "event_types": list(types)},
            )
        assert response.status_code == 201, response.text
        receiver.secrets[path] = response.json()["secret"]
        return response.json()

    def test_signed_delivery_to_a_real_receiver(self, live_server, world, receiver):
        path = f"/hook/{code('ok')}"
        endpoint = self.register(live_server, world, receiver, path)
        body = support_body(world["households"][2]["id"], world["policy"]["id"], code("WH-"))
        with live_server.client() as http:
            support = http.post("/api/v1/supports", json=body, headers=world["headers"]).json()
        messages = receiver.wait_for(path, 1)
        assert len(messages) == 1, receiver.rejected
        payload = messages[0]["payload"]
        assert payload["type"] == "support.recorded"
        assert payload["data"]["support_id"] == support["id"]
        assert messages[0]["headers"]["webhook-id"] == payload["id"]
        with live_server.client() as http:
            rotated = http.post(
                f"/api/v1/webhooks/{endpoint['id']}/rotate-secret", headers=world["headers"]
            ).json()
            receiver.secrets[path] = rotated["secret"]
            http.post(
                "/api/v1/supports", json={**body, "status": "repaid"}, headers=world["headers"]
            )
            messages = receiver.wait_for(path, 2)
            # Webhooks promise no order: two messages due together go out in parallel.
            by_type = {m["payload"]["type"]: m for m in messages}
            assert sorted(by_type) == ["support.recorded", "support.updated"]
            signatures = by_type["support.updated"]["headers"]["webhook-signature"]
            assert len(signatures.split(" ")) == 2  # the new secret's and the old one's
            log = succeeded_deliveries(http, f"/api/v1/webhooks/{endpoint['id']}", world)
            assert [d["status"] for d in log] == ["succeeded", "succeeded"]

    def test_failing_endpoint_is_disabled_then_replayed(self, live_server, world, receiver):
        path = f"/hook/{code('down')}"
        receiver.fail[path] = 1000
        endpoint = self.register(live_server, world, receiver, path)
        url = f"/api/v1/webhooks/{endpoint['id']}"
        with live_server.client() as http:
            http.post(f"{url}/test", headers=world["headers"])
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                current = http.get(url, headers=world["headers"])
                if not current.json()["is_active"]:
                    break
                time.sleep(0.1)
            assert current.json()["is_active"] is False
            assert current.json()["consecutive_failures"] == 3
            receiver.fail[path] = 0
            enabled = http.patch(
                url,
                json={"is_active": True},
                headers={**world["headers"], "If-Match": current.headers["ETag"]},
            )
            assert enabled.status_code == 200
            messages = receiver.wait_for(path, 1)
            assert [m["payload"]["type"] for m in messages] == ["webhook.test"]
            delivery = succeeded_deliveries(http, url, world)[0]
            assert delivery["status"] == "succeeded"
            detail = http.get(f"{url}/deliveries/{delivery['id']}", headers=world["headers"]).json()
            assert [a["status_code"] for a in detail["log"]] == [500, 500, 500, 204]
            replay = http.post(
                f"{url}/deliveries/{delivery['id']}/replay", headers=world["headers"]
            )
            assert replay.status_code == 202
            again = receiver.wait_for(path, 2)
            assert again[1]["headers"]["webhook-id"] == again[0]["headers"]["webhook-id"]

    def test_claims_never_send_twice(self, live_server, world, receiver):
        """Deliveries claimed by five workers at once (four here, one in the server)."""
        path = f"/hook/{code('many')}"
        endpoint = self.register(live_server, world, receiver, path)
        engine = live_server.app.state.engine
        factory = plain_session_factory(engine)
        with Session(engine) as session:
            now = utcnow()
            for i in range(80):
                session.add(
                    WebhookDelivery(
                        endpoint_id=endpoint["id"],
                        agency_id=world["agency"]["id"],
                        message_id=f"msg_{path[-8:]}_{i}",
                        event_type="webhook.test",
                        payload={"id": f"msg_{i}", "type": "webhook.test", "data": {}},
                        next_attempt_at=now,
                    )
                )
            session.commit()
        settings = live_server.app.state.settings

        def work(_):
            sent = 0
            for _ in range(20):
                sent += deliver_due(factory, settings, limit=5)["sent"]
            return sent

        together(4, work)
        messages = receiver.wait_for(path, 80)
        ids = [m["headers"]["webhook-id"] for m in messages]
        assert len(ids) == 80
        assert len(set(ids)) == 80


def test_feed_never_skips_a_late_commit(live_server):
    """PostgreSQL: an event with a lower id that commits later is still served, once."""
    if live_server.backend != "postgresql":
        pytest.skip("SQLite serialises writers: id order is commit order")
    engine = live_server.app.state.engine
    with live_server.client() as http:
        seen: list[dict] = []
        cursor = None

        def read_until(probe: str) -> None:
            # Another transaction anywhere on the server may hold the feed back a moment.
            nonlocal cursor
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                params = {"limit": 1000, **({"after": cursor} if cursor else {})}
                page = http.get("/api/v1/events", params=params, headers=live_server.admin)
                cursor = page.json()["next_cursor"]
                seen.extend(e for e in page.json()["items"] if "probe" in e["data"])
                if any(e["data"]["probe"] == probe for e in seen) or (
                    probe == "" and not page.json()["items"]
                ):
                    return
                time.sleep(0.05)

        read_until("")  # to the end of the feed
        first, second = Session(engine), Session(engine)
        try:
            first.execute(text("SELECT pg_current_xact_id()"))  # the older transaction
            append_event(
                second,
                type="household.updated",
                entity_id="late",
                place_path=None,
                data={"probe": "late"},
            )
            second.flush()  # takes the lower id, commits last
            append_event(
                first,
                type="household.updated",
                entity_id="early",
                place_path=None,
                data={"probe": "early"},
            )
            first.commit()
            read_until("early")
            assert [e["data"]["probe"] for e in seen] == ["early"]
            second.commit()
            read_until("late")
        finally:
            first.close()
            second.close()
    assert [e["data"]["probe"] for e in seen] == ["early", "late"]
    early, late = (int(e["id"].removeprefix("evt_")) for e in seen)
    assert late < early  # an id-ordered cursor would have skipped it


def test_a_100_mb_body_is_refused(live_server, world):
    chunk = b" " * (1024 * 1024)

    def body():
        yield b"["
        for _ in range(100):
            yield chunk
        yield b"]"

    with live_server.client() as http:
        response = http.post(
            "/api/v1/supports/bulk",
            content=body(),
            headers={
                **world["headers"],
                "Content-Type": "application/json",
                "Content-Length": str(100 * 1024 * 1024 + 2),
            },
        )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
