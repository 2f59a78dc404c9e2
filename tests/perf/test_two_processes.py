"""Scale-out, tried: two server processes (as on two machines) over one PostgreSQL.

Each process is `uvicorn api.main:create_app_from_env --factory` with its own webhook
worker. An Idempotency-Key sent to both at once must give one record, and a webhook must
reach its receiver exactly once, whichever process fans it out and delivers it.
"""

import os
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlmodel import Session
from standardwebhooks import Webhook

from api.auth.passwords import Passwords
from api.db import make_engine
from api.migrate import upgrade
from api.models import User
from bench.server import Server, server_env
from tests.api.conftest import PASSWORD
from tests.conftest import BACKENDS, _postgres_database

pytestmark = pytest.mark.skipif(
    "postgresql" not in BACKENDS, reason="two processes share one PostgreSQL database"
)
CLIENTS = 8


class Receiver(ThreadingHTTPServer):
    """A loopback webhook receiver: checks each signature, counts each message id."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self):
        self.secret = ""
        self.seen: Counter = Counter()
        self.payloads: dict[str, dict] = {}
        self.rejected: list[str] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def wait_for(self, ids: set[str], timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not ids <= set(self.seen):
            time.sleep(0.05)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        receiver: Receiver = self.server
        try:
            payload = Webhook(receiver.secret).verify(body, dict(self.headers.items()))
        except Exception as exc:  # noqa: BLE001  (any failure is a rejected message)
            with receiver.lock:
                receiver.rejected.append(str(exc))
            self.send_response(400)
            self.end_headers()
            return
        with receiver.lock:
            receiver.seen[self.headers["webhook-id"]] += 1
            receiver.payloads[self.headers["webhook-id"]] = payload
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two single-worker server processes, with their webhook workers, on a new database."""
    name = f"gn_two_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    for url in _postgres_database(name):
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            passwords = Passwords(time_cost=1, memory_cost=8192)
            session.add(
                User(
                    username="two-admin",
                    full_name="Quản trị",
                    password_hash=passwords.hash(PASSWORD),
                    role="admin",
                )
            )
            session.commit()
        engine.dispose()
        env = server_env(
            url,
            GIAMNGHEO_ENV="test",
            GIAMNGHEO_WEBHOOK_WORKER_ENABLED="true",
            GIAMNGHEO_WEBHOOK_POLL_SECONDS="0.05",
            GIAMNGHEO_WEBHOOK_BACKOFF_BASE_SECONDS="0.2",
            GIAMNGHEO_WEB_SESSION_FILE="",
        )
        log = tmp_path_factory.mktemp("two") / "servers.log"
        with log.open("w") as stderr:
            pair = [Server(env=env, stderr=stderr).launch() for _ in range(2)]
            try:
                for server in pair:
                    server.wait_ready(timeout=60)
                yield pair
            finally:
                for server in pair:
                    server.stop()


@pytest.fixture(scope="module")
def world(servers):
    """A commune, a household, an agency with a key and a loan policy; the agency's key."""
    base = servers[0].base_url
    with httpx.Client(base_url=base, timeout=30) as http:
        token = http.post(
            "/api/v1/auth/token", data={"username": "two-admin", "password": PASSWORD}
        ).json()["access_token"]
        admin = {"Authorization": f"Bearer {token}"}

        def post(path, body, headers=admin):
            response = http.post(path, json=body, headers=headers)
            assert response.status_code == 201, response.text
            return response.json()

        province = post("/api/v1/places", {"code": "P2", "name": "Trà Vinh", "level": "province"})
        commune = post(
            "/api/v1/places",
            {"code": "C2", "name": "Hòa Ân", "level": "commune", "parent_id": province["id"]},
        )
        household = post(
            "/api/v1/households",
            {
                "code": "H2",
                "place_id": commune["id"],
                "head_name": "Thạch Sơn",
                "ethnicity": "khmer",
            },
        )
        agency = post("/api/v1/agencies", {"code": "AG2", "name": "NHCSXH", "kind": "other"})
        key = post(
            f"/api/v1/agencies/{agency['id']}/keys",
            {"scopes": ["policies:write", "supports:read", "supports:write", "webhooks:write"]},
        )
        headers = {"Authorization": f"Bearer {key['key']}"}
        post(
            "/api/v1/policies",
            {
                "code": "VAY",
                "name": "Cho vay hộ nghèo",
                "category": "credit",
                "unit": "loan",
                "default_funding_source": "policy_credit",
            },
            headers,
        )
    return {"household_id": household["id"], "headers": headers}


def support(world, ref: str) -> dict:
    return {
        "household_id": world["household_id"],
        "policy_code": "VAY",
        "delivered_on": "2026-03-15",
        "amount_vnd": 10_000_000,
        "external_ref": ref,
    }


def together(count: int, action):
    """Run action(i) in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_one_idempotency_key_sent_to_both_processes_gives_one_record(servers, world):
    body = support(world, f"IK-{uuid.uuid4().hex[:8]}")
    headers = {**world["headers"], "Idempotency-Key": uuid.uuid4().hex}

    def send(i):
        with httpx.Client(base_url=servers[i % 2].base_url, timeout=30) as http:
            return http.post("/api/v1/supports", json=body, headers=headers)

    responses = together(CLIENTS, send)
    assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
    created = [r for r in responses if r.status_code == 201]
    assert len({r.json()["id"] for r in created}) == 1
    assert sum(1 for r in created if "idempotent-replayed" not in r.headers) == 1
    for server in servers:  # a retry now replays the answer, on either process
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            again = http.post("/api/v1/supports", json=body, headers=headers)
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == created[0].json()["id"]
    with httpx.Client(base_url=servers[1].base_url, timeout=30) as http:
        found = http.get(
            "/api/v1/supports",
            params={"external_ref": body["external_ref"]},
            headers=world["headers"],
        ).json()["items"]
    assert len(found) == 1


def test_each_webhook_is_delivered_once_by_one_of_the_processes(servers, world):
    receiver = Receiver()
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        with httpx.Client(base_url=servers[0].base_url, timeout=30) as http:
            endpoint = http.post(
                "/api/v1/webhooks",
                json={"url": url, "event_types": ["support.recorded"]},
                headers=world["headers"],
            )
        assert endpoint.status_code == 201, endpoint.text
        receiver.secret = endpoint.json()["secret"]
        refs = [f"WH-{uuid.uuid4().hex[:8]}-{i}" for i in range(6)]

        def record(i):  # both processes record, both workers poll the same outbox
            with httpx.Client(base_url=servers[i % 2].base_url, timeout=30) as http:
                return http.post(
                    "/api/v1/supports", json=support(world, refs[i]), headers=world["headers"]
                )

        answers = together(len(refs), record)
        assert [a.status_code for a in answers] == [201] * len(refs)
        wanted = {a.json()["id"] for a in answers}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            delivered = {p["data"]["support_id"] for p in receiver.payloads.values()}
            if wanted <= delivered:
                break
            time.sleep(0.05)
        time.sleep(1.5)  # long enough for a second delivery, were there one
        assert receiver.rejected == []
        delivered = Counter(p["data"]["support_id"] for p in receiver.payloads.values())
        assert set(delivered) == wanted
        assert set(receiver.seen.values()) == {1}, receiver.seen
    finally:
        receiver.shutdown()
        receiver.server_close()
