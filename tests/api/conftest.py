"""Ready-made callers and records for API tests."""

import itertools

import pytest

from api.auth.passwords import Passwords
from api.auth.principal import SYSTEM
from api.models import User, UserPlace

PASSWORD = "correct-horse-battery"
_codes = itertools.count(1)


def unique_code(prefix: str) -> str:
    return f"{prefix}{next(_codes):05d}"


@pytest.fixture
def make_user(db, app):
    """Create a user straight in the database; returns a function(role, places) -> User."""
    passwords: Passwords = app.state.passwords

    def make(role: str = "admin", place_ids: tuple[str, ...] = (), username: str | None = None):
        user = User(
            username=username or unique_code(role.replace("_", "")[:8]).lower(),
            full_name=f"Cán bộ {role}",
            password_hash=passwords.hash(PASSWORD),
            role=role,
        )
        db.add(user)
        db.flush()
        db.add_all(UserPlace(user_id=user.id, place_id=pid) for pid in place_ids)
        db.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Bearer headers for a user, through the real token endpoint."""

    def headers_for(user) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return headers_for


@pytest.fixture
def admin(make_user, login):
    return login(make_user("admin"))


@pytest.fixture
def make_place(client, admin):
    def make(level: str, parent_id: str | None = None, name: str | None = None, **extra):
        body = {
            "code": unique_code(level[:2].upper()),
            "name": name or f"{level} test",
            "level": level,
            "parent_id": parent_id,
            **extra,
        }
        response = client.post("/api/v1/places", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def tree(make_place):
    """A province, a district, two rural communes with a hamlet each, and an urban town."""
    province = make_place("province", name="Trà Vinh")
    district = make_place("district", province["id"], name="Cầu Kè")
    commune_a = make_place("commune", district["id"], name="Hòa Ân")
    commune_b = make_place("commune", district["id"], name="Phong Thạnh")
    town = make_place("town", district["id"], name="Cầu Kè")
    return {
        "province": province,
        "district": district,
        "commune_a": commune_a,
        "hamlet_a": make_place("hamlet", commune_a["id"], name="Ấp Sóc Kha"),
        "commune_b": commune_b,
        "hamlet_b": make_place("hamlet", commune_b["id"], name="Ấp Phong Hòa"),
        "town": town,
    }


@pytest.fixture
def make_household(client, admin):
    def make(place_id: str, headers=None, **fields):
        body = {
            "code": unique_code("HH"),
            "place_id": place_id,
            "head_name": "Nguyễn Văn A",
            "ethnicity": "kinh",
            **fields,
        }
        response = client.post("/api/v1/households", json=body, headers=headers or admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def system_principal():
    return SYSTEM
