"""Bad input gets the answer the contract names: a forged page token of nested brackets is
the usual 400 (it was a 500: json.loads recursed too deep), and a need on an archived
household is a 409 like a member or an assessment."""

import base64

from api.models import Need
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    problem,
)


def forged(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class TestDeeplyNestedPageToken:
    def test_is_the_usual_400(self, client, admin):
        # Within the 2000 characters a page_token may have; 1400 levels passed the
        # interpreter's recursion limit.
        for raw in (b"[" * 1400, b"[" * 1399 + b"1", b'{"a":[' * 230):
            params = {"page_token": forged(raw)}
            response = client.get("/api/v1/households", params=params, headers=admin)
            body = problem(response, 400)
            assert body["detail"] == "page_token is not a token this API issued."

    def test_a_short_nesting_is_400_too(self, client, admin):
        params = {"page_token": forged(b"[[[1]]]")}
        problem(client.get("/api/v1/places", params=params, headers=admin), 400)


class TestNeedOnArchivedHousehold:
    def archive(self, client, admin, household: dict) -> None:
        url = f"/api/v1/households/{household['id']}"
        response = client.delete(url, headers={**admin, "If-Match": "*"})
        assert response.status_code == 204, response.text

    def test_is_409(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        self.archive(client, admin, household)
        body = {"household_id": household["id"], "category": "education"}
        response = client.post("/api/v1/needs", json=body, headers=admin)
        problem_body = problem(response, 409)
        assert (
            problem_body["detail"] == "The household is archived; restore it before opening a need."
        )
        assert problem_body["errors"] == [{"pointer": "/household_id", "detail": "archived"}]
        assert count(db, Need, Need.household_id == household["id"]) == 0

    def test_after_restoring_it_is_201(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        self.archive(client, admin, household)
        url = f"/api/v1/households/{household['id']}/restore"
        restored = client.post(url, headers={**admin, "If-Match": "*"})
        assert restored.status_code == 200, restored.text
        body = {"household_id": household["id"], "category": "education"}
        response = client.post("/api/v1/needs", json=body, headers=admin)
        assert response.status_code == 201, response.text
        assert count(db, Need, Need.household_id == household["id"]) == 1
