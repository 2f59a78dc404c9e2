"""Webhooks: URL rules, signing, fan-out and delivery (worker functions called directly)."""

from datetime import UTC, datetime

import httpx
from sqlmodel import select
from standardwebhooks import Webhook

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks.fanout import fan_out
from api.webhooks.signing import sign
from api.webhooks.urls import url_problem
from api.webhooks.worker import backoff_seconds, deliver_due
from tests.agencies.conftest import support_body
from tests.conftest import make_settings

URL = "/api/v1/webhooks"
HOOK = "http://127.0.0.1:9/hook"


class TestUrls:
    def test_rules(self):
        assert (
            url_problem("https://bank.example.vn/hook", env="production", allow_private=False)
            is None
        )
        assert (
            url_problem("http://bank.example.vn/hook", env="development", allow_private=False)
            is not None
        )
        assert (
            url_problem("http://127.0.0.1:8080/h", env="development", allow_private=False) is None
        )
        assert url_problem("http://[::1]:8080/h", env="test", allow_private=False) is None
        assert url_problem("http://localhost/h", env="production", allow_private=False) is not None
        assert url_problem("https://10.0.0.5/h", env="production", allow_private=False) is not None
        assert url_problem("https://10.0.0.5/h", env="production", allow_private=True) is None
        assert (
            url_problem("https://169.254.169.254/", env="production", allow_private=True)
            is not None
        )
        assert (
            url_problem("https://u:p@bank.example.vn/", env="production", allow_private=False)
            is not None
        )
        assert (
            url_problem("ftp://bank.example.vn/", env="production", allow_private=False) is not None
        )


class TestSigning:
    def test_matches_the_standard_webhooks_library(self):
        secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        body = b'{"id":"evt_1","type":"support.recorded"}'
        ours = sign(secret, msg_id="evt_1", timestamp=1_700_000_000, body=body)
        theirs = Webhook(secret).sign(
            "evt_1", datetime.fromtimestamp(1_700_000_000, UTC), body.decode()
        )
        assert ours == theirs

    def test_backoff_grows_with_jitter(self, settings):
        delays = [backoff_seconds(n, settings) for n in range(1, 8)]
        for n, delay in enumerate(delays, start=1):
            full = min(
                settings.webhook_backoff_max_seconds,
                settings.webhook_backoff_base_seconds * 2 ** (n - 1),
            )
            assert full / 2 <= delay <= full


class TestEndpoints:
    def test_anonymous_and_scope(self, client, make_agency, make_key):
        assert client.post(URL, json={}).status_code == 401
        headers, _ = make_key(make_agency()["id"], scopes=["events:read"])
        assert client.get(URL, headers=headers).status_code == 403

    def test_invalid(self, client, bank):
        for body, pointer in (
            ({"url": "http://bank.example.vn/h", "event_types": ["*"]}, "/url"),
            ({"url": "https://bank.example.vn/h", "event_types": ["cats.*"]}, "/event_types"),
            ({"url": "https://bank.example.vn/h", "event_types": []}, "/event_types"),
        ):
            response = client.post(URL, json=body, headers=bank["headers"])
            assert response.status_code == 422, body
            assert response.json()["errors"][0]["pointer"] == pointer

    def test_create_secret_once_and_own_only(self, client, bank, make_agency, make_key):
        created = client.post(
            URL, json={"url": HOOK, "event_types": ["support.*"]}, headers=bank["headers"]
        )
        assert created.status_code == 201, created.text
        endpoint = created.json()
        assert endpoint["secret"].startswith("whsec_")
        read = client.get(f"{URL}/{endpoint['id']}", headers=bank["headers"]).json()
        assert "secret" not in read
        other_headers, _ = make_key(make_agency()["id"])
        assert client.get(f"{URL}/{endpoint['id']}", headers=other_headers).status_code == 404
        assert client.get(URL, headers=other_headers).json()["items"] == []

    def test_update_rotate_delete(self, client, bank):
        endpoint = client.post(
            URL, json={"url": HOOK, "event_types": ["*"]}, headers=bank["headers"]
        )
        url = f"{URL}/{endpoint.json()['id']}"
        changed = client.patch(
            url,
            json={"event_types": ["need.*"]},
            headers={**bank["headers"], "If-Match": endpoint.headers["ETag"]},
        )
        assert changed.status_code == 200
        rotated = client.post(f"{url}/rotate-secret", headers=bank["headers"])
        assert rotated.json()["secret"] != endpoint.json()["secret"]
        assert client.delete(url, headers=bank["headers"]).status_code == 428
        gone = client.delete(url, headers={**bank["headers"], "If-Match": rotated.headers["ETag"]})
        assert gone.status_code == 204
        assert client.get(url, headers=bank["headers"]).status_code == 404


class TestDelivery:
    def test_fan_out_sign_send_retry_and_replay(
        self, client, db, session_factory, database_url, bank, households, loan_policy
    ):
        endpoint = client.post(
            URL, json={"url": HOOK, "event_types": ["support.recorded"]}, headers=bank["headers"]
        ).json()
        client.post(
            "/api/v1/supports",
            headers=bank["headers"],
            json=support_body(households[0]["id"], loan_policy["id"], "WH-1"),
        )
        client.post(
            "/api/v1/supports",
            headers=bank["headers"],  # an update: not subscribed
            json=support_body(households[0]["id"], loan_policy["id"], "WH-1", status="repaid"),
        )
        assert fan_out(session_factory) == 1
        assert fan_out(session_factory) == 0  # nothing new: never twice
        received, answers = [], [500, 204]

        def handler(request: httpx.Request) -> httpx.Response:
            payload = Webhook(endpoint["secret"]).verify(request.content, dict(request.headers))
            received.append((request.headers["webhook-id"], payload))
            return httpx.Response(answers.pop(0))

        settings = make_settings(
            database_url, webhook_backoff_base_seconds=0, webhook_backoff_max_seconds=0
        )
        client_ = httpx.Client(transport=httpx.MockTransport(handler))
        assert deliver_due(session_factory, settings, client=client_) == {
            "sent": 1,
            "succeeded": 0,
            "failed": 1,
        }
        delivery = db.exec(select(WebhookDelivery)).one()
        db.refresh(delivery)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "pending",
            1,
            500,
        )
        assert deliver_due(session_factory, settings, client=client_)["succeeded"] == 1
        db.refresh(delivery)
        assert delivery.status == "succeeded"
        assert [r[0] for r in received] == [delivery.message_id] * 2
        payload = received[-1][1]
        assert payload["type"] == "support.recorded"
        assert payload["data"]["external_ref"] == "WH-1"
        log = client.get(f"{URL}/{endpoint['id']}/deliveries", headers=bank["headers"]).json()
        assert [d["status"] for d in log["items"]] == ["succeeded"]
        detail = client.get(
            f"{URL}/{endpoint['id']}/deliveries/{delivery.id}", headers=bank["headers"]
        ).json()
        assert [a["status_code"] for a in detail["log"]] == [500, 204]
        replayed = client.post(
            f"{URL}/{endpoint['id']}/deliveries/{delivery.id}/replay", headers=bank["headers"]
        )
        assert replayed.status_code == 202
        assert replayed.json()["status"] == "pending"
        answers.append(204)
        assert deliver_due(session_factory, settings, client=client_)["succeeded"] == 1

    def test_persistent_failure_disables(self, client, db, session_factory, database_url, bank):
        endpoint = client.post(
            URL, json={"url": HOOK, "event_types": ["*"]}, headers=bank["headers"]
        ).json()
        for _ in range(3):
            client.post(f"{URL}/{endpoint['id']}/test", headers=bank["headers"])
        settings = make_settings(
            database_url,
            webhook_disable_after_failures=3,
            webhook_disable_after_seconds=0,
            webhook_max_attempts=1,
        )
        down = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
        assert deliver_due(session_factory, settings, client=down)["failed"] == 3
        stored = db.get(WebhookEndpoint, endpoint["id"])
        db.refresh(stored)
        assert stored.is_active is False
        assert "3 failed attempts" in stored.disabled_reason
        statuses = db.exec(select(WebhookDelivery.status)).all()
        assert statuses == ["failed"] * 3
        test_again = client.post(f"{URL}/{endpoint['id']}/test", headers=bank["headers"])
        assert test_again.status_code == 409

    def test_refuses_a_private_address_at_send_time(
        self, client, db, session_factory, database_url, bank
    ):
        endpoint = client.post(
            URL, json={"url": HOOK, "event_types": ["*"]}, headers=bank["headers"]
        ).json()
        stored = db.get(WebhookEndpoint, endpoint["id"])
        stored.url = "https://10.1.2.3/hook"  # e.g. changed behind the API's back
        db.commit()
        client.post(f"{URL}/{endpoint['id']}/test", headers=bank["headers"])
        never = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(204)))
        settings = make_settings(database_url, env="production")
        assert deliver_due(session_factory, settings, client=never)["failed"] == 1
        delivery = db.exec(select(WebhookDelivery)).one()
        db.refresh(delivery)
        assert delivery.last_error.startswith("refused")
