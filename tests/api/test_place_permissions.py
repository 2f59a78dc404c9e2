"""A commune officer keeps the hamlets and quarters of their commune, nothing above.

The commune's own record (its code, name, validity and above all its rural/urban area,
which picks the poverty line) and every unit above it belong to the administrators. An
officer gets 404 for a place outside their commune (not visible) and 403 for one they see
but may not change: their commune itself or one of its ancestors."""

from api.models import AuditEntry, Place
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    pointers,
    problem,
)

URL = "/api/v1/places"


def written(db) -> tuple[int, int]:
    db.expire_all()
    return count(db, Place), count(db, AuditEntry)


def officer(make_user, login, *places: dict) -> dict[str, str]:
    headers = login(make_user("commune_officer", tuple(place["id"] for place in places)))
    return {**headers, "If-Match": "*"}


class TestOfficerChangesPlaces:
    def test_not_their_own_commune(self, client, tree, make_user, login, db):
        headers = officer(make_user, login, tree["commune_a"])
        before = written(db)
        for change in ({"area": "urban"}, {"name": "Hòa Ân mới"}, {"valid_to": "2030-01-01"}):
            url = f"{URL}/{tree['commune_a']['id']}"
            body = problem(client.patch(url, json=change, headers=headers), 403)
            assert body["detail"].startswith("A commune officer can change only the hamlets")
            assert body["detail_vi"].startswith("Cán bộ xã chỉ được sửa ấp, khu phố")
        assert written(db) == before
        db.expire_all()
        assert db.get(Place, tree["commune_a"]["id"]).area == "rural"

    def test_not_a_unit_above(self, client, tree, make_user, login, db):
        headers = officer(make_user, login, tree["commune_a"])
        before = written(db)
        for key in ("district", "province"):
            url = f"{URL}/{tree[key]['id']}"
            problem(client.patch(url, json={"name": "X"}, headers=headers), 403)
        assert written(db) == before

    def test_outside_is_404(self, client, tree, make_user, login, db):
        headers = officer(make_user, login, tree["commune_a"])
        url = f"{URL}/{tree['hamlet_b']['id']}"
        problem(client.patch(url, json={"name": "X"}, headers=headers), 404)

    def test_a_hamlet_of_their_commune(self, client, tree, make_user, login):
        headers = officer(make_user, login, tree["commune_a"])
        change = {"name": "Ấp Sóc Kha Mới", "valid_to": "2030-12-31"}
        response = client.patch(f"{URL}/{tree['hamlet_a']['id']}", json=change, headers=headers)
        assert response.status_code == 200, response.text
        assert (response.json()["name"], response.json()["valid_to"]) == (
            "Ấp Sóc Kha Mới",
            "2030-12-31",
        )

    def test_not_the_hamlet_they_are_assigned_to(self, client, tree, make_user, login):
        # Only what lies strictly below their places: the assigned unit is the administrators'.
        headers = officer(make_user, login, tree["hamlet_a"])
        url = f"{URL}/{tree['hamlet_a']['id']}"
        problem(client.patch(url, json={"name": "X"}, headers=headers), 403)

    def test_never_the_level(self, client, tree, make_user, login):
        headers = officer(make_user, login, tree["commune_a"])
        url = f"{URL}/{tree['hamlet_a']['id']}"
        body = problem(client.patch(url, json={"level": "commune"}, headers=headers), 422)
        assert pointers(body) == ["/level"]

    def test_an_administrator_still_changes_a_commune(self, client, admin, tree):
        url = f"{URL}/{tree['commune_a']['id']}"
        response = client.patch(url, json={"area": "urban"}, headers={**admin, "If-Match": "*"})
        assert response.status_code == 200, response.text
        assert response.json()["area"] == "urban"


class TestOfficerAddsPlaces:
    def body(self, level: str, parent: dict, code: str) -> dict:
        return {"code": code, "name": f"Mới {level}", "level": level, "parent_id": parent["id"]}

    def test_hamlets_and_quarters_in_their_commune(self, client, tree, make_user, login):
        headers = officer(make_user, login, tree["commune_a"])
        for level, code in (("hamlet", "FIX-H1"), ("quarter", "FIX-Q1")):
            body = self.body(level, tree["commune_a"], code)
            response = client.post(URL, json=body, headers=headers)
            assert response.status_code == 201, response.text

    def test_no_unit_above_a_hamlet(self, client, tree, make_user, login, db):
        headers = officer(make_user, login, tree["commune_a"])
        before = written(db)
        for level, parent in (("commune", tree["district"]), ("ward", tree["commune_a"])):
            body = problem(
                client.post(URL, json=self.body(level, parent, "FIX-C"), headers=headers), 403
            )
            assert body["detail"].startswith("A commune officer can add only hamlets and quarters")
            assert body["detail_vi"].startswith("Cán bộ xã chỉ được thêm ấp, khu phố")
        assert written(db) == before
