"""The per-process principal cache: a revocation, deactivation or change of places takes effect
at once in the process that made it, within principal_cache_seconds in the others, and never
later than the token's own expiry."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from api.auth.cache import PrincipalCache, generation, invalidate_all
from api.auth.principal import Principal
from api.main import create_app
from api.models.base import utcnow
from tests.api.conftest import PASSWORD
from tests.conftest import make_settings

ME = "/api/v1/auth/me"


def me(client, headers) -> int:
    return client.get(ME, headers=headers).status_code


def elsewhere(connection, sql: str, **params) -> None:
    """A change another process makes: plain SQL, no session of this process sees it."""
    connection.execute(text(sql), params)


class TestAnotherProcess:
    def test_revoked_token_is_refused_once_the_cache_time_is_over(
        self, client, app, connection, make_user, login
    ):
        headers = login(make_user("admin"))
        assert me(client, headers) == 200  # now cached
        elsewhere(connection, "UPDATE auth_tokens SET revoked_at = :now", now=utcnow())
        assert me(client, headers) == 200  # within the bound: still the cached caller
        cache = app.state.principal_cache
        later = cache.clock() + app.state.settings.principal_cache_seconds
        cache.clock = lambda: later
        assert me(client, headers) == 401

    def test_deactivated_agency_key_is_refused_once_the_cache_time_is_over(
        self, client, app, connection, make_agency, make_key
    ):
        headers, _ = make_key(make_agency()["id"])
        assert me(client, headers) == 200
        elsewhere(connection, "UPDATE agencies SET is_active = false")
        cache = app.state.principal_cache
        later = cache.clock() + app.state.settings.principal_cache_seconds
        cache.clock = lambda: later
        assert me(client, headers) == 401

    def test_without_the_cache_a_revocation_is_seen_at_once(
        self, database_url, engine, session_factory, connection, make_user
    ):
        settings = make_settings(database_url, principal_cache_seconds=0)
        app = create_app(settings, engine=engine, session_factory=session_factory)
        with TestClient(app) as client:
            user = make_user("admin")
            token = client.post(
                "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert me(client, headers) == 200
            elsewhere(connection, "UPDATE auth_tokens SET revoked_at = :now", now=utcnow())
            assert me(client, headers) == 401


class TestThisProcess:
    def test_logout_is_at_once(self, client, make_user, login):
        headers = login(make_user("admin"))
        assert me(client, headers) == 200
        assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
        assert me(client, headers) == 401

    def test_deactivation_is_at_once(self, client, admin, make_user, login):
        user = make_user("admin")
        headers = login(user)
        assert me(client, headers) == 200
        current = client.get(f"/api/v1/users/{user.id}", headers=admin)
        answer = client.patch(
            f"/api/v1/users/{user.id}",
            json={"is_active": False},
            headers={**admin, "If-Match": current.headers["ETag"]},
        )
        assert answer.status_code == 200, answer.text
        assert me(client, headers) == 401

    def test_new_places_end_the_session_at_once(self, client, admin, make_user, login, tree):
        commune_a, commune_b = tree["commune_a"]["id"], tree["commune_b"]["id"]
        user = make_user("commune_officer", (commune_a,))
        headers = login(user)
        assert client.get(f"/api/v1/places/{commune_b}", headers=headers).status_code == 404
        current = client.get(f"/api/v1/users/{user.id}", headers=admin)
        answer = client.patch(
            f"/api/v1/users/{user.id}",
            json={"place_ids": [commune_a, commune_b]},
            headers={**admin, "If-Match": current.headers["ETag"]},
        )
        assert answer.status_code == 200, answer.text
        assert client.get(f"/api/v1/places/{commune_b}", headers=headers).status_code == 401
        again = login(user)
        assert client.get(f"/api/v1/places/{commune_b}", headers=again).status_code == 200


class TestCache:
    PRINCIPAL = Principal(kind="user", id="u_1", role="admin")

    def test_an_entry_lasts_its_time_and_never_outlives_the_token(self):
        cache = PrincipalCache(60)
        now = 1000.0
        cache.clock = lambda: now
        cache.put("long", self.PRINCIPAL, since=generation(), expires_at=utcnow() + timedelta(2))
        cache.put("gone", self.PRINCIPAL, since=generation(), expires_at=utcnow())
        soon = utcnow() + timedelta(seconds=3)
        cache.put("soon", self.PRINCIPAL, since=generation(), expires_at=soon)
        assert cache.get("long") == self.PRINCIPAL
        assert cache.get("gone") is None
        assert cache.get("soon") == self.PRINCIPAL
        cache.clock = lambda: now + 3.5
        assert cache.get("soon") is None
        assert cache.get("long") == self.PRINCIPAL
        cache.clock = lambda: now + 60
        assert cache.get("long") is None

    def test_a_change_committed_during_the_lookup_makes_its_entry_stale(self):
        cache = PrincipalCache(60)
        since = generation()
        invalidate_all()  # a commit that changed an auth table, while the lookup ran
        cache.put("late", self.PRINCIPAL, since=since, expires_at=None)
        assert cache.get("late") is None

    def test_off(self):
        cache = PrincipalCache(0)
        cache.put("any", self.PRINCIPAL, since=generation(), expires_at=None)
        assert cache.get("any") is None
