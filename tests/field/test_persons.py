"""/api/v1/persons: people in charge, with or without a login, scoped by their place."""

import pytest

from api.models import AuditEntry, Event, Person
from tests.field.conftest import count

URL = "/api/v1/persons"


@pytest.fixture
def make_household(make_household):
    """Households registered in 2020: the assignments below start in 2026, and none may
    start before the household existed."""

    def make(place_id, headers=None, **fields):
        return make_household(place_id, headers, **{"registered_on": "2020-01-01", **fields})

    return make


class TestCreatePerson:
    def test_anonymous(self, client, tree):
        body = {
            "full_name": "A",
            "organisation": "youth_union",
            "place_id": tree["commune_a"]["id"],
        }
        assert client.post(URL, json=body).status_code == 401

    def test_auditor_forbidden(self, client, tree, auditor):
        body = {
            "full_name": "A",
            "organisation": "youth_union",
            "place_id": tree["commune_a"]["id"],
        }
        assert client.post(URL, json=body, headers=auditor).status_code == 403

    def test_invalid(self, client, tree, officer, db):
        cases = [
            ({"organisation": "chess_club", "place_id": tree["commune_a"]["id"]}, "/organisation"),
            ({"organisation": "youth_union", "place_id": "pl_nope"}, "/place_id"),
            # A place outside the officer's commune is unknown to them.
            ({"organisation": "youth_union", "place_id": tree["commune_b"]["id"]}, "/place_id"),
            (
                {
                    "organisation": "youth_union",
                    "place_id": tree["commune_a"]["id"],
                    "user_id": "usr_x",
                },
                "/user_id",
            ),
        ]
        for extra, pointer in cases:
            response = client.post(URL, json={"full_name": "Thạch Sa", **extra}, headers=officer)
            assert response.status_code == 422, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["errors"][0]["pointer"] == pointer
        assert count(db, Person) == 0

    def test_one_person_per_user(self, client, make_person, officer_user, admin):
        make_person(user_id=officer_user.id)
        body = {
            "full_name": "Lê Văn Cán",
            "organisation": "commune_staff",
            "place_id": make_person()["place_id"],
            "user_id": officer_user.id,
        }
        response = client.post(URL, json=body, headers=admin)
        assert response.status_code == 409
        assert response.json()["errors"][0]["pointer"] == "/user_id"

    def test_valid_with_audit_and_event(self, client, tree, officer, db):
        body = {
            "full_name": "  Thạch  Thị Sa ",
            "organisation": "party_cell",
            "party_member": True,
            "place_id": tree["hamlet_a"]["id"],
            "position": "Bí thư chi bộ ấp",
        }
        response = client.post(URL, json=body, headers=officer)
        assert response.status_code == 201, response.text
        person = response.json()
        assert (person["full_name"], person["organisation"], person["party_member"]) == (
            "Thạch Thị Sa",
            "party_cell",
            True,
        )
        assert response.headers["Location"] == f"{URL}/{person['id']}"
        assert response.headers["ETag"] == f'"{person["id"]}.v1"'
        assert count(db, AuditEntry, entity="person", entity_id=person["id"]) == 1
        assert count(db, Event, type="person.created", entity_id=person["id"]) == 1


class TestListPersons:
    def test_anonymous(self, client):
        assert client.get(URL).status_code == 401

    def test_an_officer_sees_their_places_and_those_above(self, client, tree, make_person, officer):
        mine = make_person(tree["hamlet_a"]["id"], full_name="Sơn Thị Mai")
        district = make_person(tree["district"]["id"], full_name="Kim Văn Tư")
        make_person(tree["commune_b"]["id"], full_name="Danh Văn Ba")
        ids = [p["id"] for p in client.get(URL, headers=officer).json()["items"]]
        assert sorted(ids) == sorted([mine["id"], district["id"]])

    def test_filters(self, client, tree, make_person, admin):
        mai = make_person(tree["hamlet_a"]["id"], full_name="Sơn Thị Mai")
        make_person(tree["commune_b"]["id"], full_name="Danh Văn Ba", organisation="youth_union")
        found = client.get(URL, params={"q": "son thi mai"}, headers=admin).json()["items"]
        assert [p["id"] for p in found] == [mai["id"]]
        unions = client.get(URL, params={"organisation": "youth_union"}, headers=admin).json()
        assert [p["full_name"] for p in unions["items"]] == ["Danh Văn Ba"]
        nowhere = client.get(URL, params={"place_id": "pl_nope"}, headers=admin).json()
        assert nowhere["items"] == []


class TestReadPerson:
    def test_anonymous(self, client, make_person):
        assert client.get(f"{URL}/{make_person()['id']}").status_code == 401

    def test_not_found_outside_the_officers_places(self, client, tree, make_person, officer):
        other = make_person(tree["commune_b"]["id"])
        assert client.get(f"{URL}/{other['id']}", headers=officer).status_code == 404
        assert client.get(f"{URL}/ps_nope", headers=officer).status_code == 404

    def test_valid(self, client, make_person, auditor):
        person = make_person()
        response = client.get(f"{URL}/{person['id']}", headers=auditor)
        assert response.status_code == 200
        assert response.json() == person


class TestUpdatePerson:
    def test_anonymous(self, client, make_person):
        assert client.patch(f"{URL}/{make_person()['id']}", json={}).status_code == 401

    def test_auditor_forbidden(self, client, make_person, auditor):
        url = f"{URL}/{make_person()['id']}"
        assert client.patch(url, json={"phone": "0901234567"}, headers=auditor).status_code == 403

    def test_if_match_required_and_checked(self, client, make_person, admin):
        url = f"{URL}/{make_person()['id']}"
        assert client.patch(url, json={"phone": "0901234567"}, headers=admin).status_code == 428
        stale = {**admin, "If-Match": '"ps_x.v9"'}
        assert client.patch(url, json={"phone": "0901234567"}, headers=stale).status_code == 412

    def test_invalid(self, client, make_person, admin):
        person = make_person()
        headers = {**admin, "If-Match": f'"{person["id"]}.v1"'}
        response = client.patch(f"{URL}/{person['id']}", json={"full_name": None}, headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/full_name"

    def test_cannot_deactivate_someone_still_in_charge(self, client, make_person, household, admin):
        person = make_person()
        assigned = client.post(
            "/api/v1/assignments",
            json={
                "household_id": household["id"],
                "person_id": person["id"],
                "start_date": "2026-01-05",
                "reason": "Phân công đầu năm",
            },
            headers=admin,
        )
        assert assigned.status_code == 201, assigned.text
        headers = {**admin, "If-Match": f'"{person["id"]}.v1"'}
        response = client.patch(f"{URL}/{person['id']}", json={"is_active": False}, headers=headers)
        assert response.status_code == 409
        assert response.json()["errors"][0]["pointer"] == "/is_active"

    def test_valid(self, client, make_person, admin):
        person = make_person()
        headers = {**admin, "If-Match": f'"{person["id"]}.v1"'}
        response = client.patch(
            f"{URL}/{person['id']}",
            json={"is_active": False, "phone": "0901 234 567"},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        assert (response.json()["is_active"], response.json()["phone"]) == (False, "0901 234 567")
        assert response.headers["ETag"] == f'"{person["id"]}.v2"'
