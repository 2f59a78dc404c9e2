"""Free text holds no control characters, and a name holds something visible.

SQLite stored NUL and the other C0 controls (PostgreSQL refuses NUL at the driver, so the
two databases disagreed), and a name made only of zero-width characters passed as given.
Now names, addresses, reasons and notes of places, households, members and users answer a
422 naming the field with a stable code: "control_character" or "blank". Notes keep line
breaks and tabs."""

import pytest

from api.models import Household, Place, User
from tests.api.conftest import unique_code
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    problem,
)

HOUSEHOLDS = "/api/v1/households"
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "\n", "\t", "\r"]
BLANKS = ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060", "\u3164", " \u200b ", "\u0301"]


def error(response, pointer: str) -> dict:
    """The one error of a 422 answer, after checking it names `pointer`."""
    body = problem(response, 422)
    assert [e["pointer"] for e in body["errors"]] == [pointer], body
    return body["errors"][0]


def household_body(place_id: str, **fields) -> dict:
    body = {"code": unique_code("HH"), "place_id": place_id, "head_name": "Thạch Văn Sơn"}
    return {**body, "ethnicity": "khmer", **fields}


def member_body(**fields) -> dict:
    return {
        "full_name": "Thạch Bé",
        "gender": "female",
        "birth_year": 2015,
        "relation": "child",
    } | fields


def user_body(**fields) -> dict:
    body = {"username": unique_code("canbo").lower(), "password": "mat-khau-rat-dai-2026"}
    return {**body, "full_name": "Lê Văn Cán", "role": "auditor", **fields}


class TestControlCharacters:
    @pytest.mark.parametrize("char", CONTROLS, ids=repr)
    def test_in_a_place_name(self, client, admin, tree, db, char):
        body = {"code": "FIX-P", "name": f"Ấp{char}Mới", "level": "hamlet"}
        body["parent_id"] = tree["commune_a"]["id"]
        before = count(db, Place)
        item = error(client.post("/api/v1/places", json=body, headers=admin), "/name")
        assert item["code"] == "control_character"
        assert count(db, Place) == before

    def test_in_each_household_field(self, client, admin, tree, db):
        place_id = tree["hamlet_a"]["id"]
        for field in ("head_name", "address", "notes"):
            body = household_body(place_id, **{field: "Ấp 3\x00"})
            item = error(client.post(HOUSEHOLDS, json=body, headers=admin), f"/{field}")
            assert item["code"] == "control_character"
        assert count(db, Household) == 0

    def test_in_a_member_on_create(self, client, admin, tree):
        body = household_body(tree["hamlet_a"]["id"], members=[member_body(full_name="Bé\x00")])
        item = error(client.post(HOUSEHOLDS, json=body, headers=admin), "/members/0/full_name")
        assert item["code"] == "control_character"

    def test_in_a_user_name(self, client, admin, db):
        before = count(db, User)
        body = user_body(full_name="Lê\x1bVăn")
        item = error(client.post("/api/v1/users", json=body, headers=admin), "/full_name")
        assert item["code"] == "control_character"
        assert count(db, User) == before

    def test_in_edits(self, client, admin, tree, make_household, make_user):
        headers = {**admin, "If-Match": "*"}
        household = make_household(tree["hamlet_a"]["id"], members=[member_body()])
        member = household["members"][0]
        url = f"{HOUSEHOLDS}/{household['id']}"
        user = make_user("auditor")
        for path, field in [
            (f"/api/v1/places/{tree['hamlet_a']['id']}", "name"),
            (url, "head_name"),
            (url, "address"),
            (url, "move_reason"),
            (url, "notes"),
            (f"{url}/members/{member['id']}", "full_name"),
            (f"{url}/members/{member['id']}", "left_reason"),
            (f"/api/v1/users/{user.id}", "full_name"),
        ]:
            response = client.patch(path, json={field: "a\x00b"}, headers=headers)
            assert error(response, f"/{field}")["code"] == "control_character", (path, field)

    def test_line_breaks_only_in_notes(self, client, admin, tree):
        place_id = tree["hamlet_a"]["id"]
        notes = "Gọi điện 2 lần.\r\nHẹn lại:\tthứ Hai\n"
        response = client.post(
            HOUSEHOLDS, json=household_body(place_id, notes=notes), headers=admin
        )
        assert response.status_code == 201, response.text
        # Accepted; the service then folds runs of whitespace into one space, as before.
        assert response.json()["notes"] == "Gọi điện 2 lần. Hẹn lại: thứ Hai"
        body = household_body(place_id, address="Số 3\nẤp 1")
        assert error(client.post(HOUSEHOLDS, json=body, headers=admin), "/address")["code"] == (
            "control_character"
        )


class TestBlankNames:
    @pytest.mark.parametrize("name", BLANKS, ids=repr)
    def test_a_place_name(self, client, admin, tree, name):
        body = {"code": "FIX-P", "name": name, "level": "hamlet"}
        body["parent_id"] = tree["commune_a"]["id"]
        item = error(client.post("/api/v1/places", json=body, headers=admin), "/name")
        assert item["code"] == "blank"

    def test_each_required_name(self, client, admin, tree):
        place_id = tree["hamlet_a"]["id"]
        blank = "\u200b\u200b"
        response = client.post(
            HOUSEHOLDS, json=household_body(place_id, head_name=blank), headers=admin
        )
        assert error(response, "/head_name")["code"] == "blank"
        body = household_body(place_id, members=[member_body(full_name=blank)])
        response = client.post(HOUSEHOLDS, json=body, headers=admin)
        assert error(response, "/members/0/full_name")["code"] == "blank"
        response = client.post("/api/v1/users", json=user_body(full_name=blank), headers=admin)
        assert error(response, "/full_name")["code"] == "blank"

    def test_in_edits(self, client, admin, tree, make_household):
        headers = {**admin, "If-Match": "*"}
        household = make_household(tree["hamlet_a"]["id"])
        url = f"{HOUSEHOLDS}/{household['id']}"
        response = client.patch(url, json={"head_name": "\ufeff"}, headers=headers)
        assert error(response, "/head_name")["code"] == "blank"
        url = f"/api/v1/places/{tree['hamlet_a']['id']}"
        response = client.patch(url, json={"name": "\u200b"}, headers=headers)
        assert error(response, "/name")["code"] == "blank"

    def test_spaces_only_stay_too_short(self, client, admin, tree):
        body = household_body(tree["hamlet_a"]["id"], head_name="   ")
        response = client.post(HOUSEHOLDS, json=body, headers=admin)
        assert error(response, "/head_name")["code"] == "string_too_short"

    def test_real_names_pass(self, client, admin, tree):
        # Vietnamese in NFD (letters and combining marks) and a zero-width joiner inside.
        for name in ("Nguye\u0302\u0303n Va\u0306n A", "Sơn\u200dThị", "Ấp 3"):
            body = household_body(tree["hamlet_a"]["id"], head_name=name)
            response = client.post(HOUSEHOLDS, json=body, headers=admin)
            assert response.status_code == 201, (name, response.text)


def test_optional_fields_keep_their_length_code(client, admin, tree, make_household):
    # The "…OrNone" types keep Field(max_length) on the string: "string_too_long", which
    # the web app words as "too long" (a generic "too_long" reads "too many items").
    household = make_household(tree["hamlet_a"]["id"])
    url = f"{HOUSEHOLDS}/{household['id']}"
    headers = {**admin, "If-Match": "*"}
    for field, size in (("address", 301), ("notes", 2001), ("head_name", 201)):
        response = client.patch(url, json={field: "a" * size}, headers=headers)
        assert error(response, f"/{field}")["code"] == "string_too_long", field
    response = client.patch(url, json={"head_name": ""}, headers=headers)
    assert error(response, "/head_name")["code"] == "string_too_short"
