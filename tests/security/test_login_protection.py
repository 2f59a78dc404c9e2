"""Login and key protection: failed-login lockout (in the database, time-boxed, silent about
usernames), password rules, tokens ended by a password change, API key rate limit."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.main import create_app
from api.models import AuditEntry, LoginThrottle
from api.models.base import utcnow
from tests.api.conftest import PASSWORD
from tests.api.test_contract import problem
from tests.conftest import make_settings

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"


def attempt(client, username: str, password: str = "wrong-password-123"):
    return client.post(TOKEN, data={"username": username, "password": password})


def throttle(db, key: str) -> LoginThrottle | None:
    db.expire_all()  # the requests changed it through their own sessions
    return db.get(LoginThrottle, key)


def own_client(database_url, engine, session_factory, **overrides):
    """An app with its own settings, on this test's rolled-back connection."""
    app = create_app(
        make_settings(database_url, **overrides),
        engine=engine,
        session_factory=session_factory,
        with_web=False,
    )
    return TestClient(app, base_url="http://testserver")


class TestLockout:
    def test_five_failures_lock_the_username_whether_or_not_it_exists(self, client, make_user, db):
        user = make_user("commune_officer", username="canbo.hoaan")
        answers = {}
        for name in (user.username, "khong.co.ai"):
            for _ in range(4):
                problem(attempt(client, name), 401)
            answers[name] = attempt(client, name)
        for response in answers.values():
            body = problem(response, 429)
            assert response.headers["Retry-After"] == "900"
            assert body["detail"] == "Too many failed logins; try again later."
        # Nothing tells an attacker which username exists.
        first, second = answers.values()
        assert first.json() == second.json()
        assert first.headers["Retry-After"] == second.headers["Retry-After"]
        # While locked, even the right password is refused (and not checked).
        locked = attempt(client, user.username, PASSWORD)
        assert (locked.status_code, int(locked.headers["Retry-After"]) <= 900) == (429, True)
        db.expire_all()
        rows = db.exec(select(LoginThrottle).order_by(LoginThrottle.key)).all()
        assert [(r.key, r.failures, r.locked_until is not None) for r in rows] == [
            ("addr:testclient", 10, False),
            ("user:canbo.hoaan", 0, True),
            ("user:khong.co.ai", 0, True),
        ]

    def test_the_lock_ends_by_itself_and_a_success_clears_the_count(self, client, make_user, db):
        user = make_user("admin")
        for _ in range(5):
            attempt(client, user.username)
        problem(attempt(client, user.username, PASSWORD), 429)
        row = throttle(db, f"user:{user.username}")
        row.locked_until = utcnow() - timedelta(seconds=1)  # fifteen minutes later
        db.add(row)
        db.commit()
        assert attempt(client, user.username, PASSWORD).status_code == 200
        assert throttle(db, f"user:{user.username}") is None
        for _ in range(4):  # a fresh count: four more failures are not a lock
            problem(attempt(client, user.username), 401)
        assert attempt(client, user.username, PASSWORD).status_code == 200

    def test_failures_outside_the_window_start_again(self, client, make_user, db):
        user = make_user("admin")
        for _ in range(4):
            attempt(client, user.username)
        row = throttle(db, f"user:{user.username}")
        row.window_started_at = utcnow() - timedelta(minutes=16)
        db.add(row)
        db.commit()
        problem(attempt(client, user.username), 401)  # the first of a new window
        assert throttle(db, f"user:{user.username}").failures == 1

    def test_one_address_trying_many_usernames_is_locked(
        self, database_url, engine, session_factory
    ):
        with own_client(
            database_url, engine, session_factory, login_max_failures_per_address=3
        ) as client:
            problem(attempt(client, "mot"), 401)
            problem(attempt(client, "hai"), 401)
            problem(attempt(client, "ba"), 429)
            problem(attempt(client, "bon"), 429)

    def test_the_count_is_shared_by_every_worker_process(
        self, database_url, engine, session_factory, make_user
    ):
        """Two apps (two workers) over one database: failures on either count together."""
        user = make_user("admin")
        with (
            own_client(database_url, engine, session_factory) as one,
            own_client(database_url, engine, session_factory) as two,
        ):
            for client in (one, two, one, two):
                problem(attempt(client, user.username), 401)
            problem(attempt(two, user.username), 429)
            problem(attempt(one, user.username, PASSWORD), 429)

    def test_logins_and_logouts_are_audited(self, client, make_user, db):
        user = make_user("auditor")
        problem(attempt(client, user.username), 401)
        problem(attempt(client, "khong.co.ai"), 401)
        token = attempt(client, user.username, PASSWORD).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
        problem(client.get(ME, headers=headers), 401)
        entries = db.exec(
            select(AuditEntry).where(AuditEntry.entity == "user").order_by(AuditEntry.id)
        ).all()
        assert [(e.action, e.actor_kind, e.entity_id) for e in entries[-4:]] == [
            ("login_failed", "anonymous", user.id),
            ("login_failed", "anonymous", "unknown"),
            ("login", "user", user.id),
            ("logout", "user", user.id),
        ]
        assert entries[-1].after is None and entries[-2].after == {"address": "testclient"}


class TestPasswordRules:
    @pytest.mark.parametrize(
        ("password", "detail"),
        [
            ("ngan-qua", "The password needs at least 10 characters."),
            ("aaaaaaaaaaaaaa", "The password is too simple."),
            ("Matkhau@123", "The password is on the list of common passwords."),
            ("1234567890", "The password is on the list of common passwords."),
            ("canbo.moi-2026!", "The password must not contain the username."),
        ],
    )
    def test_weak_passwords_are_refused(self, client, admin, password, detail):
        body = {
            "username": "canbo.moi",
            "password": password,
            "full_name": "Cán bộ",
            "role": "auditor",
        }
        answer = problem(client.post("/api/v1/users", json=body, headers=admin), 422)
        assert answer["errors"][0]["pointer"] == "/password"
        assert answer["detail"] == detail

    def test_a_password_change_ends_every_session(self, client, make_user, login):
        user = make_user("commune_officer", username="doi.mat.khau")
        first, second = login(user), login(user)
        change = {"current_password": PASSWORD, "new_password": "mot-mat-khau-moi-2026"}
        response = client.post("/api/v1/users/me/password", json=change, headers=first)
        assert response.status_code == 204
        problem(client.get(ME, headers=first), 401)
        problem(client.get(ME, headers=second), 401)
        problem(attempt(client, user.username, PASSWORD), 401)
        assert attempt(client, user.username, "mot-mat-khau-moi-2026").status_code == 200


class TestApiKeyRateLimit:
    def test_a_key_over_its_rate_gets_429_with_retry_after(
        self, database_url, engine, session_factory, make_agency, make_key
    ):
        headers, _ = make_key(make_agency()["id"])
        other, _ = make_key(make_agency()["id"])
        with own_client(
            database_url, engine, session_factory, api_key_rate_per_minute=6, api_key_burst=3
        ) as client:
            for _ in range(3):
                assert client.get("/api/v1/agencies/scopes", headers=headers).status_code == 200
            limited = client.get("/api/v1/agencies/scopes", headers=headers)
            body = problem(limited, 429)
            assert body["detail"] == "This API key sent too many requests; slow down."
            assert limited.headers["Retry-After"] == "10"  # one token every ten seconds
            # Another agency's key has its own bucket.
            assert client.get("/api/v1/agencies/scopes", headers=other).status_code == 200
