"""/api/v1/places: the administrative tree, its levels, validity dates and merges."""

import unicodedata

from sqlmodel import select

from api.models import AuditEntry, Place
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    pointers,
    problem,
)

URL = "/api/v1/places"


def written(db) -> tuple[int, int]:
    return count(db, Place), count(db, AuditEntry)


def body_for(level: str, parent_id: str | None = None, **extra) -> dict:
    body = {"code": f"T-{level}", "name": f"Test {level}", "level": level, "parent_id": parent_id}
    return {**body, **extra}


def officer(make_user, login, tree, *places: str) -> dict[str, str]:
    return login(make_user("commune_officer", tuple(tree[key]["id"] for key in places)))


class TestCreatePlace:
    def test_anonymous_gets_401(self, client, db):
        before = written(db)
        response = client.post(URL, json=body_for("province"))
        problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        assert written(db) == before

    def test_auditor_gets_403(self, client, make_user, login, db):
        headers = login(make_user("auditor"))
        before = written(db)
        problem(client.post(URL, json=body_for("province"), headers=headers), 403)
        assert written(db) == before

    def test_officer_cannot_add_a_province(self, client, tree, make_user, login, db):
        headers = officer(make_user, login, tree, "commune_a")
        before = written(db)
        problem(client.post(URL, json=body_for("province"), headers=headers), 403)
        assert written(db) == before

    def test_officer_cannot_add_under_an_ancestor(self, client, tree, make_user, login, db):
        headers = officer(make_user, login, tree, "commune_a")
        before = written(db)
        body = body_for("commune", tree["district"]["id"])
        problem(client.post(URL, json=body, headers=headers), 403)
        assert written(db) == before

    def test_officer_cannot_add_under_a_place_outside(self, client, tree, make_user, login, db):
        headers = officer(make_user, login, tree, "commune_a")
        before = written(db)
        body = body_for("hamlet", tree["commune_b"]["id"])
        assert pointers(problem(client.post(URL, json=body, headers=headers), 422)) == [
            "/parent_id"
        ]
        assert written(db) == before

    def test_officer_adds_a_hamlet_in_their_commune(self, client, tree, make_user, login):
        headers = officer(make_user, login, tree, "commune_a")
        body = body_for("hamlet", tree["commune_a"]["id"])
        response = client.post(URL, json=body, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["parent_id"] == tree["commune_a"]["id"]

    def test_invalid_body_names_the_field(self, client, admin, db):
        before = written(db)
        for change, pointer in [
            ({"level": "village"}, "/level"),
            ({"code": "has space"}, "/code"),
            ({"code": "x" * 33}, "/code"),
            ({"name": ""}, "/name"),
            ({"name": "   "}, "/name"),
            ({"name": "x" * 201}, "/name"),
            ({"area": "suburban"}, "/area"),
            ({"valid_from": "2020-13-01"}, "/valid_from"),
            ({"valid_from": "2025-07-01", "valid_to": "2025-06-30"}, "/valid_to"),
            ({"population": 1000}, "/population"),
        ]:
            response = client.post(URL, json={**body_for("province"), **change}, headers=admin)
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before

    def test_missing_fields_are_each_named(self, client, admin, db):
        before = written(db)
        body = problem(client.post(URL, json={}, headers=admin), 422)
        assert sorted(pointers(body)) == ["/code", "/level", "/name"]
        assert written(db) == before

    def test_levels_go_down_the_tree(self, client, admin, tree, db):
        before = written(db)
        for level, parent, pointer in [
            ("province", "district", "/level"),
            ("district", "commune_a", "/level"),
            ("district", "district", "/level"),
            ("commune", "hamlet_a", "/level"),
            ("hamlet", "district", "/level"),
            ("hamlet", "province", "/level"),
            ("hamlet", "hamlet_a", "/level"),
            ("commune", None, "/parent_id"),
            ("hamlet", None, "/parent_id"),
        ]:
            parent_id = tree[parent]["id"] if parent else None
            response = client.post(URL, json=body_for(level, parent_id), headers=admin)
            assert pointers(problem(response, 422)) == [pointer], (level, parent)
        assert written(db) == before

    def test_a_commune_may_sit_straight_under_a_province(self, client, admin, tree):
        response = client.post(URL, json=body_for("ward", tree["province"]["id"]), headers=admin)
        assert response.status_code == 201, response.text
        assert response.json()["area"] == "urban"

    def test_unknown_parent(self, client, admin, db):
        before = written(db)
        response = client.post(URL, json=body_for("district", "pl_unknown"), headers=admin)
        assert pointers(problem(response, 422)) == ["/parent_id"]
        assert written(db) == before

    def test_only_commune_levels_have_an_area(self, client, admin, tree, db):
        before = written(db)
        body = body_for("hamlet", tree["commune_a"]["id"], area="urban")
        assert pointers(problem(client.post(URL, json=body, headers=admin), 422)) == ["/area"]
        assert written(db) == before

    def test_duplicate_code_is_a_conflict(self, client, admin, tree, db):
        before = written(db)
        body = body_for("province", code=tree["province"]["code"])
        assert pointers(problem(client.post(URL, json=body, headers=admin), 409)) == ["/code"]
        assert written(db) == before

    def test_malformed_json_is_400(self, client, admin, db):
        before = written(db)
        headers = {**admin, "content-type": "application/json"}
        problem(client.post(URL, content=b'{"code": "X",', headers=headers), 400)
        assert written(db) == before

    def test_valid(self, client, admin, db):
        body = {
            "code": "P-84",
            "name": unicodedata.normalize("NFD", " Trà  Vinh "),
            "level": "province",
            "valid_from": "1992-05-01",
        }
        response = client.post(URL, json=body, headers=admin)
        assert response.status_code == 201, response.text
        place = response.json()
        assert place["name"] == unicodedata.normalize("NFC", "Trà Vinh")
        assert place["code"] == "P-84"
        assert place["level"] == "province"
        assert place["parent_id"] is None
        assert place["area"] is None
        assert place["valid_from"] == "1992-05-01"
        assert place["valid_to"] is None
        assert place["merged_into_id"] is None
        assert response.headers["location"] == f"{URL}/{place['id']}"
        assert response.headers["etag"] == f'"{place["id"]}.v1"'
        assert count(db, AuditEntry, AuditEntry.entity_id == place["id"]) == 1

    def test_default_area_of_commune_levels(self, client, admin, tree):
        for level, area in [("commune", "rural"), ("ward", "urban"), ("town", "urban")]:
            body = body_for(level, tree["district"]["id"], code=f"A-{level}")
            response = client.post(URL, json=body, headers=admin)
            assert response.status_code == 201, response.text
            assert response.json()["area"] == area


class TestListPlaces:
    def ids(self, client, headers, **params) -> set[str]:
        response = client.get(URL, params=params, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        return {place["id"] for place in response.json()["items"]}

    def test_anonymous_gets_401(self, client):
        problem(client.get(URL), 401)

    def test_all(self, client, admin, tree):
        assert self.ids(client, admin) == {place["id"] for place in tree.values()}

    def test_by_parent(self, client, admin, tree):
        expected = {tree[key]["id"] for key in ("commune_a", "commune_b", "town")}
        assert self.ids(client, admin, parent_id=tree["district"]["id"]) == expected

    def test_within_a_subtree(self, client, admin, tree):
        below_district = {tree[key]["id"] for key in tree if key not in ("province", "district")}
        assert self.ids(client, admin, within=tree["district"]["id"]) == below_district
        assert self.ids(client, admin, within=tree["commune_a"]["id"]) == {tree["hamlet_a"]["id"]}
        communes = self.ids(client, admin, within=tree["province"]["id"], level="commune")
        assert communes == {tree["commune_a"]["id"], tree["commune_b"]["id"]}

    def test_unknown_filter_value_matches_nothing(self, client, admin, tree):
        assert self.ids(client, admin, level="village") == set()
        assert self.ids(client, admin, within="pl_unknown") == set()
        assert self.ids(client, admin, parent_id="pl_unknown") == set()
        assert self.ids(client, admin, q="%") == set()

    def test_search_ignores_case_and_diacritics(self, client, admin, tree):
        nfd = unicodedata.normalize("NFD", "Phong Thạnh")
        for q in ["phong thanh", "PHONG THẠNH", nfd, "  thạnh ", "Thanh"]:
            assert self.ids(client, admin, q=q) == {tree["commune_b"]["id"]}, q

    def test_search_by_code(self, client, admin, tree):
        assert self.ids(client, admin, q=tree["town"]["code"]) == {tree["town"]["id"]}

    def test_valid_on(self, client, admin, make_place, tree):
        district = tree["district"]["id"]
        old = make_place("commune", district, valid_from="2000-01-01", valid_to="2025-06-30")
        new = make_place("commune", district, valid_from="2025-07-01")
        unchanged = {tree["commune_a"]["id"], tree["commune_b"]["id"]}
        on_2020 = self.ids(client, admin, level="commune", valid_on="2020-01-01")
        on_last_day = self.ids(client, admin, level="commune", valid_on="2025-06-30")
        on_2026 = self.ids(client, admin, level="commune", valid_on="2026-01-01")
        assert on_2020 == unchanged | {old["id"]}
        assert on_last_day == unchanged | {old["id"]}
        assert on_2026 == unchanged | {new["id"]}

    def test_invalid_filter_is_422(self, client, admin):
        body = problem(client.get(URL, params={"valid_on": "yesterday"}, headers=admin), 422)
        assert pointers(body) == ["/valid_on"]
        assert body["errors"][0]["in"] == "query"

    def test_officer_sees_their_subtree_and_its_ancestors(self, client, tree, make_user, login):
        headers = officer(make_user, login, tree, "commune_a")
        expected = {tree[key]["id"] for key in ("province", "district", "commune_a", "hamlet_a")}
        assert self.ids(client, headers) == expected
        assert self.ids(client, headers, within=tree["district"]["id"]) == {
            tree["commune_a"]["id"],
            tree["hamlet_a"]["id"],
        }
        assert self.ids(client, headers, within=tree["commune_b"]["id"]) == set()

    def test_items_have_the_same_fields_as_a_read(self, client, admin, tree):
        items = client.get(URL, params={"level": "province"}, headers=admin).json()["items"]
        read = client.get(f"{URL}/{tree['province']['id']}", headers=admin).json()
        assert items == [read]


class TestReadPlace:
    def test_anonymous_gets_401(self, client, tree):
        problem(client.get(f"{URL}/{tree['province']['id']}"), 401)

    def test_not_found(self, client, admin):
        problem(client.get(f"{URL}/pl_unknown", headers=admin), 404)

    def test_officer_gets_404_outside(self, client, tree, make_user, login):
        headers = officer(make_user, login, tree, "commune_a")
        problem(client.get(f"{URL}/{tree['commune_b']['id']}", headers=headers), 404)
        problem(client.get(f"{URL}/{tree['hamlet_b']['id']}", headers=headers), 404)

    def test_valid(self, client, admin, tree):
        hamlet = tree["hamlet_a"]
        response = client.get(f"{URL}/{hamlet['id']}", headers=admin)
        assert response.status_code == 200
        assert response.json() == hamlet
        assert response.headers["etag"] == f'"{hamlet["id"]}.v1"'


class TestUpdatePlace:
    def url(self, place) -> str:
        return f"{URL}/{place['id']}"

    def test_anonymous_gets_401(self, client, tree):
        problem(client.patch(self.url(tree["town"]), json={"name": "X"}), 401)

    def test_auditor_gets_403(self, client, tree, make_user, login, db):
        headers = {**login(make_user("auditor")), "If-Match": "*"}
        before = written(db)
        problem(client.patch(self.url(tree["town"]), json={"name": "X"}, headers=headers), 403)
        assert written(db) == before

    def test_officer_cannot_change_an_ancestor(self, client, tree, make_user, login, db):
        headers = {**officer(make_user, login, tree, "commune_a"), "If-Match": "*"}
        before = written(db)
        response = client.patch(self.url(tree["district"]), json={"name": "X"}, headers=headers)
        problem(response, 403)
        assert written(db) == before

    def test_officer_gets_404_outside(self, client, tree, make_user, login, db):
        headers = {**officer(make_user, login, tree, "commune_a"), "If-Match": "*"}
        before = written(db)
        response = client.patch(self.url(tree["commune_b"]), json={"name": "X"}, headers=headers)
        problem(response, 404)
        assert written(db) == before

    def test_officer_renames_a_hamlet_inside(self, client, tree, make_user, login):
        headers = {**officer(make_user, login, tree, "commune_a"), "If-Match": "*"}
        change = {"name": "Ấp Sóc Kha Mới"}
        response = client.patch(self.url(tree["hamlet_a"]), json=change, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Ấp Sóc Kha Mới"

    def test_not_found(self, client, admin):
        headers = {**admin, "If-Match": "*"}
        problem(client.patch(f"{URL}/pl_unknown", json={"name": "X"}, headers=headers), 404)

    def test_needs_if_match(self, client, admin, tree, db):
        before = written(db)
        problem(client.patch(self.url(tree["town"]), json={"name": "X"}, headers=admin), 428)
        assert written(db) == before

    def test_stale_if_match_is_412(self, client, admin, tree, db):
        before = written(db)
        headers = {**admin, "If-Match": f'"{tree["town"]["id"]}.v0"'}
        response = client.patch(self.url(tree["town"]), json={"name": "X"}, headers=headers)
        assert problem(response, 412)["current_etag"] == f'"{tree["town"]["id"]}.v1"'
        assert written(db) == before

    def test_invalid(self, client, admin, tree, db):
        before = written(db)
        headers = {**admin, "If-Match": "*"}
        for change, pointer in [
            ({"code": None}, "/code"),
            ({"name": None}, "/name"),
            ({"name": "x" * 201}, "/name"),
            ({"area": "suburban"}, "/area"),
            ({"level": "province"}, "/level"),
            ({"parent_id": None}, "/parent_id"),
            ({"valid_to": "1990-01-01", "valid_from": "2000-01-01"}, "/valid_to"),
        ]:
            response = client.patch(self.url(tree["town"]), json=change, headers=headers)
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before
        assert client.get(self.url(tree["town"]), headers=admin).json() == tree["town"]

    def test_closing_before_it_opened_is_422(self, client, admin, make_place, tree, db):
        place = make_place("commune", tree["district"]["id"], valid_from="2000-01-01")
        before = written(db)
        headers = {**admin, "If-Match": "*"}
        response = client.patch(self.url(place), json={"valid_to": "1999-12-31"}, headers=headers)
        assert pointers(problem(response, 422)) == ["/valid_to"]
        assert written(db) == before
        assert client.get(self.url(place), headers=admin).json() == place

    def test_duplicate_code_is_a_conflict(self, client, admin, tree, db):
        before = written(db)
        headers = {**admin, "If-Match": "*"}
        change = {"code": tree["province"]["code"]}
        response = client.patch(self.url(tree["town"]), json=change, headers=headers)
        assert pointers(problem(response, 409)) == ["/code"]
        assert written(db) == before

    def test_rename(self, client, admin, tree, db):
        town = tree["town"]
        headers = {**admin, "If-Match": f'"{town["id"]}.v1"'}
        response = client.patch(self.url(town), json={"name": "Thị trấn Cầu Kè"}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Thị trấn Cầu Kè"
        assert response.headers["etag"] == f'"{town["id"]}.v2"'
        found = client.get(URL, params={"q": "thi tran cau ke"}, headers=admin).json()["items"]
        assert [place["id"] for place in found] == [town["id"]]
        audit = db.exec(
            select(AuditEntry).where(
                AuditEntry.entity_id == town["id"], AuditEntry.action == "update"
            )
        ).one()
        assert audit.before["name"] == "Cầu Kè"
        assert audit.after["name"] == "Thị trấn Cầu Kè"

    def test_close_a_unit(self, client, admin, tree):
        headers = {**admin, "If-Match": "*"}
        change = {"valid_to": "2025-06-30"}
        response = client.patch(self.url(tree["town"]), json=change, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["valid_to"] == "2025-06-30"
        params = {"valid_on": "2025-07-01", "level": "town"}
        assert client.get(URL, params=params, headers=admin).json()["items"] == []

    def test_merge(self, client, admin, tree):
        headers = {**admin, "If-Match": "*"}
        change = {"merged_into_id": tree["commune_a"]["id"], "valid_to": "2025-06-30"}
        response = client.patch(self.url(tree["commune_b"]), json=change, headers=headers)
        assert response.status_code == 200, response.text
        merged = response.json()
        assert merged["merged_into_id"] == tree["commune_a"]["id"]
        assert merged["valid_to"] == "2025-06-30"
        assert merged["parent_id"] == tree["district"]["id"]

    def test_a_ward_may_merge_into_a_commune(self, client, admin, make_place, tree):
        ward = make_place("ward", tree["district"]["id"])
        headers = {**admin, "If-Match": "*"}
        change = {"merged_into_id": tree["commune_a"]["id"]}
        response = client.patch(self.url(ward), json=change, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["merged_into_id"] == tree["commune_a"]["id"]

    def test_invalid_merge(self, client, admin, tree, db):
        before = written(db)
        headers = {**admin, "If-Match": "*"}
        for place, target in [
            ("commune_a", "commune_a"),  # itself
            ("district", "commune_a"),  # something inside it
            ("commune_a", "hamlet_b"),  # another rank
            ("commune_a", "district"),
            ("hamlet_a", "commune_b"),
            ("commune_b", None),
        ]:
            change = {"merged_into_id": tree[target]["id"] if target else "pl_unknown"}
            response = client.patch(self.url(tree[place]), json=change, headers=headers)
            assert pointers(problem(response, 422)) == ["/merged_into_id"], (place, target)
        assert written(db) == before
