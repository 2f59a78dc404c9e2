"""A real uvicorn server on a fresh database, and a real loopback webhook receiver.

The database is new for each backend (SQLite file / PostgreSQL CREATE DATABASE … DROP WITH
FORCE), migrated with api.migrate.upgrade; tests commit into it, so they use unique codes.
"""

import json
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError

from api.auth.passwords import Passwords
from api.db import close_session
from api.main import create_app
from api.migrate import upgrade
from api.models import User
from tests.api.conftest import PASSWORD
from tests.conftest import BACKENDS, _postgres_database, make_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Live:
    backend: str
    base_url: str
    app: object
    admin: dict[str, str]

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, **kw)


def _seed_admin(app) -> dict[str, str]:
    passwords: Passwords = app.state.passwords
    session = app.state.session_factory(write=True)
    try:
        user = User(
            username=f"admin{uuid.uuid4().hex[:8]}",
            full_name="Quản trị",
            password_hash=passwords.hash(PASSWORD),
            role="admin",
        )
        session.add(user)
        session.commit()
        username = user.username
    finally:
        close_session(session)
    return {"username": username}


def _start(url: str, backend: str):
    settings = make_settings(
        url,
        webhook_worker_enabled=True,
        webhook_poll_seconds=0.05,
        webhook_backoff_base_seconds=0.2,
        webhook_backoff_max_seconds=0.5,
        webhook_max_attempts=4,
        webhook_disable_after_failures=3,
        webhook_disable_after_seconds=0,
        webhook_timeout_seconds=5,
    )
    app = create_app(settings, with_web=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    seeded = _seed_admin(app)
    base_url = f"http://127.0.0.1:{port}"
    token = httpx.post(
        f"{base_url}/api/v1/auth/token",
        data={"username": seeded["username"], "password": PASSWORD},
    ).json()["access_token"]
    live = Live(backend, base_url, app, {"Authorization": f"Bearer {token}"})
    return live, server, thread


@pytest.fixture(scope="session", params=BACKENDS)
def live_server(request, tmp_path_factory):
    """A running server (with its webhook worker) on a fresh database of each backend."""
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"])
    else:
        urls = _postgres_database(f"gn_live_{os.getpid()}_{uuid.uuid4().hex[:8]}")
    for url in urls:
        upgrade(url)
        live, server, thread = _start(url, request.param)
        try:
            yield live
        finally:
            server.should_exit = True
            thread.join(15)
            live.app.state.engine.dispose()


@dataclass
class Receiver:
    """A loopback HTTP server that checks every signature with the standardwebhooks package."""

    port: int = 0
    secrets: dict[str, str] = field(default_factory=dict)  # path -> whsec_…
    fail: dict[str, int] = field(default_factory=dict)  # path -> answer 500 this many times
    received: list[dict] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def messages(self, path: str) -> list[dict]:
        with self.lock:
            return [m for m in self.received if m["path"] == path]

    def wait_for(self, path: str, count: int, timeout: float = 15) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages(path)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.messages(path)


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k: v for k, v in self.headers.items()}
            with receiver.lock:
                remaining = receiver.fail.get(self.path, 0)
                if remaining:
                    receiver.fail[self.path] = remaining - 1
            if remaining:
                self.send_response(500)
                self.end_headers()
                return
            try:
                payload = Webhook(receiver.secrets[self.path]).verify(body, headers)
            except (WebhookVerificationError, KeyError) as exc:
                with receiver.lock:
                    receiver.rejected.append(f"{self.path}: {exc}")
                self.send_response(400)
                self.end_headers()
                return
            with receiver.lock:
                receiver.received.append(
                    {
                        "path": self.path,
                        "headers": headers,
                        "payload": payload,
                        "raw": json.loads(body),
                    }
                )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


class BusyServer(ThreadingHTTPServer):
    request_queue_size = 256  # many workers post at once
    daemon_threads = True


@pytest.fixture(scope="session")
def receiver():
    state = Receiver()
    server = BusyServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
