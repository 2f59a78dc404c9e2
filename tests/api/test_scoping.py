"""Who sees what: commune officers see their places and everything below, nothing else;
auditors read everything and write nothing."""

import pytest

from api.models import AuditEntry, Event, Household, HouseholdMove, Member, Place
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    pointers,
    problem,
)

HOUSEHOLDS = "/api/v1/households"
ID_A = "084080123456"  # a man born 1980
ID_B = "084185000001"  # a woman born 1985


def written(db) -> tuple[int, ...]:
    models = (Place, Household, Member, HouseholdMove, AuditEntry, Event)
    return tuple(count(db, model) for model in models)


def member(citizen_id: str, **extra) -> dict:
    born = 1900 + int(citizen_id[4:6])
    gender = "female" if int(citizen_id[3]) % 2 else "male"
    return {
        "full_name": "Thạch Thị Sa Rươne",
        "gender": gender,
        "birth_year": born,
        "relation": "head",
        "citizen_id": citizen_id,
        **extra,
    }


@pytest.fixture
def world(tree, make_household):
    """One household in each commune's hamlet and one in the town."""
    return {
        "a": make_household(tree["hamlet_a"]["id"], members=[member(ID_A)]),
        "b": make_household(tree["hamlet_b"]["id"], members=[member(ID_B)]),
        "town": make_household(tree["town"]["id"], head_name="Lâm Văn Tư"),
    }


@pytest.fixture
def officer_a(tree, make_user, login):
    """An officer of commune A."""
    return login(make_user("commune_officer", (tree["commune_a"]["id"],)))


def listed(client, headers, **params) -> list[str]:
    response = client.get(HOUSEHOLDS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [household["id"] for household in response.json()["items"]]


class TestOfficerListsHouseholds:
    def test_only_their_communes(self, client, world, officer_a, tree):
        assert listed(client, officer_a) == [world["a"]["id"]]
        assert listed(client, officer_a, place_id=tree["district"]["id"]) == [world["a"]["id"]]
        assert listed(client, officer_a, place_id=tree["commune_b"]["id"]) == []
        assert listed(client, officer_a, q=ID_B) == []
        assert listed(client, officer_a, q="lam van tu") == []
        assert listed(client, officer_a, q=ID_A) == [world["a"]["id"]]

    def test_total_counts_only_what_they_see(self, client, world, officer_a, admin):
        scoped = client.get(HOUSEHOLDS, params={"total": True}, headers=officer_a).json()
        everything = client.get(HOUSEHOLDS, params={"total": True}, headers=admin).json()
        assert (scoped["total"], everything["total"]) == (1, 3)

    def test_hamlet_officer_sees_only_that_hamlet(
        self, client, world, tree, make_household, make_user, login
    ):
        in_commune = make_household(tree["commune_a"]["id"])
        headers = login(make_user("commune_officer", (tree["hamlet_a"]["id"],)))
        assert listed(client, headers) == [world["a"]["id"]]
        problem(client.get(f"{HOUSEHOLDS}/{in_commune['id']}", headers=headers), 404)

    def test_officer_of_two_places(self, client, world, tree, make_user, login):
        places = (tree["commune_a"]["id"], tree["town"]["id"])
        headers = login(make_user("commune_officer", places))
        assert sorted(listed(client, headers)) == sorted([world["a"]["id"], world["town"]["id"]])

    def test_officer_without_places_sees_nothing(self, client, world, make_user, login):
        headers = login(make_user("commune_officer"))
        assert listed(client, headers) == []
        assert client.get("/api/v1/places", headers=headers).json()["items"] == []


class TestOfficerReadsOutside:
    def test_household_outside_is_404(self, client, world, officer_a):
        hidden = problem(client.get(f"{HOUSEHOLDS}/{world['b']['id']}", headers=officer_a), 404)
        unknown = problem(client.get(f"{HOUSEHOLDS}/hh_unknown", headers=officer_a), 404)
        assert hidden["title"] == unknown["title"]
        assert client.get(f"{HOUSEHOLDS}/{world['a']['id']}", headers=officer_a).status_code == 200

    def test_members_outside_are_404(self, client, world, officer_a):
        household = world["b"]
        url = f"{HOUSEHOLDS}/{household['id']}/members"
        problem(client.get(url, headers=officer_a), 404)
        problem(client.get(f"{url}/{household['members'][0]['id']}", headers=officer_a), 404)

    def test_reveal_outside_is_404_and_not_audited(self, client, world, officer_a, db):
        params = {"reveal": True, "purpose": "curious"}
        url = f"{HOUSEHOLDS}/{world['b']['id']}"
        problem(client.get(url, params=params, headers=officer_a), 404)
        assert count(db, AuditEntry, AuditEntry.action == "reveal") == 0


class TestOfficerWritesOutside:
    def test_edit_archive_restore_outside_are_404(self, client, world, officer_a, db):
        url = f"{HOUSEHOLDS}/{world['b']['id']}"
        headers = {**officer_a, "If-Match": "*"}
        before = written(db)
        problem(client.patch(url, json={"head_name": "X"}, headers=headers), 404)
        problem(client.delete(url, headers=headers), 404)
        problem(client.post(f"{url}/restore", headers=headers), 404)
        assert written(db) == before

    def test_members_outside_are_404(self, client, world, officer_a, db):
        household = world["b"]
        url = f"{HOUSEHOLDS}/{household['id']}/members"
        headers = {**officer_a, "If-Match": "*"}
        before = written(db)
        child = {**member(ID_B), "citizen_id": None, "relation": "child"}
        problem(client.post(url, json=child, headers=headers), 404)
        patch_url = f"{url}/{household['members'][0]['id']}"
        problem(client.patch(patch_url, json={"full_name": "X"}, headers=headers), 404)
        assert written(db) == before

    def test_cannot_create_a_household_outside(self, client, tree, officer_a, db):
        before = written(db)
        for place in ("hamlet_b", "commune_b", "town", "district"):
            body = {
                "code": "HH-X",
                "place_id": tree[place]["id"],
                "head_name": "Nguyễn Văn X",
                "ethnicity": "kinh",
            }
            response = client.post(HOUSEHOLDS, json=body, headers=officer_a)
            assert pointers(problem(response, 422)) == ["/place_id"], place
        assert written(db) == before

    def test_creates_inside(self, client, tree, officer_a):
        body = {
            "code": "HH-IN",
            "place_id": tree["hamlet_a"]["id"],
            "head_name": "Nguyễn Văn X",
            "ethnicity": "kinh",
        }
        response = client.post(HOUSEHOLDS, json=body, headers=officer_a)
        assert response.status_code == 201, response.text

    def test_cannot_move_a_household_outside(self, client, world, tree, officer_a, admin, db):
        household = world["a"]
        url = f"{HOUSEHOLDS}/{household['id']}"
        headers = {**officer_a, "If-Match": f'"{household["id"]}.v1"'}
        before = written(db)
        response = client.patch(url, json={"place_id": tree["hamlet_b"]["id"]}, headers=headers)
        assert pointers(problem(response, 422)) == ["/place_id"]
        assert written(db) == before
        assert client.get(url, headers=admin).json() == household

    def test_cannot_read_the_audit_trail(self, client, officer_a):
        problem(client.get("/api/v1/audit", headers=officer_a), 403)


class TestAuditorIsReadOnly:
    @pytest.fixture
    def auditor(self, make_user, login):
        return login(make_user("auditor"))

    def test_reads_everything(self, client, world, auditor):
        assert sorted(listed(client, auditor)) == sorted(h["id"] for h in world.values())
        household = world["b"]
        assert client.get(f"{HOUSEHOLDS}/{household['id']}", headers=auditor).status_code == 200
        url = f"{HOUSEHOLDS}/{household['id']}/members"
        assert client.get(url, headers=auditor).status_code == 200
        assert client.get("/api/v1/places", headers=auditor).status_code == 200
        assert client.get("/api/v1/audit", headers=auditor).status_code == 200

    def test_every_write_is_403(self, client, world, tree, auditor, db):
        household = world["a"]
        url = f"{HOUSEHOLDS}/{household['id']}"
        member_id = household["members"][0]["id"]
        headers = {**auditor, "If-Match": "*"}
        before = written(db)
        for method, path, body in [
            ("POST", "/api/v1/places", {"code": "X", "name": "X", "level": "province"}),
            ("PATCH", f"/api/v1/places/{tree['town']['id']}", {"name": "X"}),
            ("POST", HOUSEHOLDS, {"code": "X", "place_id": tree["hamlet_a"]["id"]}),
            ("PATCH", url, {"head_name": "X"}),
            ("DELETE", url, None),
            ("POST", f"{url}/restore", None),
            ("POST", f"{url}/members", {"full_name": "X"}),
            ("PATCH", f"{url}/members/{member_id}", {"full_name": "X"}),
            ("POST", "/api/v1/users", {"username": "xyz"}),
        ]:
            response = client.request(method, path, json=body, headers=headers)
            problem(response, 403)
        assert written(db) == before

    def test_auditor_with_places_reads_only_inside(self, client, world, tree, make_user, login):
        headers = login(make_user("auditor", (tree["commune_b"]["id"],)))
        assert listed(client, headers) == [world["b"]["id"]]
        problem(client.get(f"{HOUSEHOLDS}/{world['a']['id']}", headers=headers), 404)
