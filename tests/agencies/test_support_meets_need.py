"""A delivered support that names a household's open need closes it (need.met)."""

from tests.agencies.conftest import support_body


def open_need(client, admin, household_id, category="credit"):
    response = client.post(
        "/api/v1/needs", json={"household_id": household_id, "category": category}, headers=admin
    )
    assert response.status_code == 201
    return response.json()


class TestSupportMeetsNeed:
    def test_delivered_support_closes_the_need(self, client, admin, bank, loan_policy, households):
        household = households[0]
        need = open_need(client, admin, household["id"])
        body = support_body(household["id"], loan_policy["id"], "LN-1", need_id=need["id"])
        created = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        assert created.status_code == 201, created.text
        assert created.json()["need_id"] == need["id"]
        closed = client.get(f"/api/v1/needs/{need['id']}", headers=admin).json()
        assert (closed["status"], closed["met_by_support_id"]) == ("met", created.json()["id"])
        resent = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        assert resent.status_code == 200  # the same record again: still fine

    def test_planned_support_leaves_the_need_open(
        self, client, admin, bank, loan_policy, households
    ):
        need = open_need(client, admin, households[0]["id"])
        body = support_body(
            households[0]["id"], loan_policy["id"], "LN-2", need_id=need["id"], status="planned"
        )
        assert (
            client.post("/api/v1/supports", json=body, headers=bank["headers"]).status_code == 201
        )
        assert client.get(f"/api/v1/needs/{need['id']}", headers=admin).json()["status"] == "open"

    def test_need_of_another_household_or_already_met(
        self, client, admin, bank, loan_policy, households
    ):
        need = open_need(client, admin, households[0]["id"])
        wrong = support_body(households[1]["id"], loan_policy["id"], "LN-3", need_id=need["id"])
        refused = client.post("/api/v1/supports", json=wrong, headers=bank["headers"])
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["pointer"] == "/need_id"
        first = support_body(households[0]["id"], loan_policy["id"], "LN-4", need_id=need["id"])
        assert (
            client.post("/api/v1/supports", json=first, headers=bank["headers"]).status_code == 201
        )
        second = support_body(households[0]["id"], loan_policy["id"], "LN-5", need_id=need["id"])
        again = client.post("/api/v1/supports", json=second, headers=bank["headers"])
        assert again.status_code == 422
        assert again.json()["errors"][0]["detail"] == "the need is already met by another support"
        listed = client.get(
            "/api/v1/supports",
            params={"household_id": households[0]["id"]},
            headers=bank["headers"],
        ).json()["items"]
        assert [s["external_ref"] for s in listed] == ["LN-4"]
