"""Headers and secrets: security headers and cookie flags on every response of the combined
app (API, health, metrics, web pages), and no password, hash, token or key in any response
(but the one that hands it out) or any log line."""

import hashlib
import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.main import create_app
from api.models import User
from tests.api.conftest import PASSWORD
from tests.conftest import make_settings
from tests.web.web_test_helpers import csrf_token

API_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class Recorder:
    """A TestClient whose every response is kept, to search them all afterwards."""

    def __init__(self, client: TestClient):
        self.client = client
        self.responses = []

    def __call__(self, method: str, url: str, **kw):
        response = self.client.request(method, url, **kw)
        self.responses.append(response)
        return response


@pytest.fixture
def full_app(database_url, engine, session_factory):
    """The API and the web app in one process, as `giamngheo serve` runs them."""
    settings = make_settings(database_url, secure_cookies=True)
    return create_app(settings, engine=engine, session_factory=session_factory)


@pytest.fixture
def http(full_app):
    with TestClient(full_app, base_url="https://testserver", follow_redirects=False) as client:
        yield Recorder(client)


def sign_in_web(http: Recorder, username: str, password: str):
    token = csrf_token(http("GET", "/login").text)
    data = {"csrf_token": token, "username": username, "password": password, "next": "/"}
    return http("POST", "/login", data=data)


class TestHeaders:
    def test_every_api_health_and_metrics_answer_has_them(self, http, world):
        admin = world["headers"]["admin"]
        for method, url, headers in (
            ("GET", "/api/v1/households", admin),
            ("GET", "/api/v1/households", {}),
            ("GET", "/api/v1/households/hh_nope", admin),
            ("PUT", "/api/v1/households", admin),
            ("GET", "/api/v1/nowhere", admin),
            ("POST", "/api/v1/auth/token", {}),
            ("GET", "/api/openapi.json", {}),
            ("GET", "/api/docs", {}),
            ("GET", "/healthz", {}),
            ("GET", "/readyz", {}),
            ("GET", "/metrics", {}),
        ):
            response = http(method, url, headers=headers)
            for name, value in API_HEADERS.items():
                assert response.headers.get(name) == value, (method, url, name)
            assert re.fullmatch(r"[0-9a-f]{16}", response.headers["x-request-id"])

    def test_web_pages_and_the_session_cookie(self, http, make_user):
        user = make_user("commune_officer", username="canbo.web", place_ids=())
        for url in ("/login", "/", "/static/app.css"):
            response = http("GET", url)
            assert response.headers["x-content-type-options"] == "nosniff", url
            assert response.headers["x-frame-options"] == "DENY", url
            assert "default-src 'self'" in response.headers["content-security-policy"], url
        signed_in = sign_in_web(http, user.username, PASSWORD)
        assert signed_in.status_code == 303, signed_in.text
        cookies = signed_in.headers.get_list("set-cookie")
        assert cookies, "the login sets the session cookie"
        for cookie in cookies:
            flags = {part.strip().lower() for part in cookie.split(";")[1:]}
            assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags, cookie


class TestNoSecretsLeak:
    def test_no_password_hash_key_or_token_in_answers_or_logs(
        self, http, world, db, caplog, make_user
    ):
        caplog.set_level(logging.DEBUG)
        admin = world["headers"]["admin"]
        # Secrets handed out once each, in the answer that creates them.
        token_answer = http(
            "POST", "/api/v1/auth/token", data={"username": "canbo.moi", "password": "x"}
        )
        new_user = http(
            "POST",
            "/api/v1/users",
            json={
                "username": "canbo.moi",
                "password": "mot-mat-khau-bi-mat-2026",
                "full_name": "Cán bộ mới",
                "role": "auditor",
            },
            headers=admin,
        )
        token_answer = http(
            "POST",
            "/api/v1/auth/token",
            data={"username": "canbo.moi", "password": "mot-mat-khau-bi-mat-2026"},
        )
        token = token_answer.json()["access_token"]
        key_answer = http(
            "POST",
            f"/api/v1/agencies/{world['ids']['agency_id']}/keys",
            json={"scopes": ["events:read"]},
            headers=admin,
        )
        key = key_answer.json()["key"]
        hook_answer = http(
            "POST",
            "/api/v1/webhooks",
            json={"url": "http://127.0.0.1:9/h", "event_types": ["*"]},
            headers=world["headers"]["agency_x"],
        )
        secret = hook_answer.json()["secret"]
        handed_out = {token_answer, key_answer, hook_answer}
        # Then everything that could echo them back.
        mine = {"Authorization": f"Bearer {token}"}
        keyed = {"Authorization": f"Bearer {key}"}
        hook = f"/api/v1/webhooks/{hook_answer.json()['id']}"
        for method, url, headers in (
            ("GET", "/api/v1/auth/me", mine),
            ("GET", f"/api/v1/users/{new_user.json()['id']}", admin),
            ("GET", "/api/v1/users", admin),
            ("GET", "/api/v1/audit", admin),
            ("GET", "/api/v1/audit?page_size=500", admin),
            ("GET", f"/api/v1/agencies/{world['ids']['agency_id']}/keys", admin),
            ("GET", "/api/v1/events", keyed),
            ("GET", hook, world["headers"]["agency_x"]),
            ("GET", "/api/v1/webhooks", admin),
            (
                "GET",
                "/api/v1/households?q=Th%E1%BA%A1ch&reveal=true&purpose=b%C3%AD-m%E1%BA%ADt",
                admin,
            ),
            ("GET", "/metrics", {}),
            ("POST", "/api/v1/auth/logout", mine),
            ("GET", "/api/v1/auth/me", mine),
        ):
            http(method, url, headers=headers)
        # The web login posts the password to the API in-process. (Its pages call the API
        # concurrently, which one shared test connection cannot serve: not opened here.)
        assert sign_in_web(http, "canbo.moi", "mot-mat-khau-bi-mat-2026").status_code == 303
        db.expire_all()
        stored = db.exec(select(User.password_hash).where(User.username == "canbo.moi")).one()
        secrets = {
            "password": "mot-mat-khau-bi-mat-2026",
            "password hash": stored,
            "argon2 hash": "$argon2",
            "token": token,
            "token hash": hashlib.sha256(token.encode()).hexdigest(),
            "key": key,
            "key hash": hashlib.sha256(key.encode()).hexdigest(),
            "webhook secret": secret,
            "webhook secret body": secret.removeprefix("whsec_"),
        }
        for response in http.responses:
            if response in handed_out:
                continue
            text = response.text + str(response.headers)
            for name, value in secrets.items():
                assert value not in text, f"{name} in {response.request.url}"
        # httpx's own INFO lines (this test's client) print whole URLs; a server silences
        # them (configure_logging, checked in tests/reliability/test_operations.py).
        records = [record for record in caplog.records if record.name != "httpx"]
        logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in records)
        assert len(records) >= len(http.responses)
        for name, value in secrets.items():
            assert value not in logged, f"{name} in a log line"
        # The request log names route templates: no query string, so no name or purpose.
        assert "bí-mật" not in logged and "purpose=" not in logged and "Thạch" not in logged
