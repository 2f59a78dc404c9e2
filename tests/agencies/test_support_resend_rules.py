"""A resend under the same external_ref may correct a support, never move it to another
household or policy: single (409 problem) and bulk (the item fails)."""

from sqlmodel import select

from api.models import Support
from tests.agencies.conftest import support_body

URL = "/api/v1/supports"
BULK = f"{URL}/bulk"


def saved(db, ref: str) -> Support:
    stmt = select(Support).where(Support.external_ref == ref)
    return db.exec(stmt.execution_options(unscoped=True)).one()


def first(client, bank, body) -> dict:
    response = client.post(URL, json=body, headers=bank["headers"])
    assert response.status_code == 201, response.text
    return response.json()


class TestSingle:
    def test_other_household_is_refused(self, client, db, bank, households, loan_policy):
        body = support_body(households[0]["id"], loan_policy["id"], "MOVE-1")
        original = first(client, bank, body)
        moved = {**body, "household_id": households[1]["id"]}
        response = client.post(URL, json=moved, headers=bank["headers"])
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert "MOVE-1" in problem["detail"] and "MOVE-1" in problem["detail_vi"]
        assert [e["pointer"] for e in problem["errors"]] == ["/household_id"]
        record = saved(db, "MOVE-1")
        assert (record.id, record.household_id) == (original["id"], households[0]["id"])

    def test_other_policy_is_refused(self, client, db, bank, households, loan_policy, make_policy):
        body = support_body(households[0]["id"], loan_policy["id"], "MOVE-2")
        first(client, bank, body)
        other = make_policy(bank["headers"])
        response = client.post(
            URL, json={**body, "policy_id": other["id"]}, headers=bank["headers"]
        )
        assert response.status_code == 409
        assert [e["pointer"] for e in response.json()["errors"]] == ["/policy_id"]
        assert saved(db, "MOVE-2").policy_id == loan_policy["id"]

    def test_other_values_still_update(self, client, bank, households, loan_policy):
        body = support_body(households[0]["id"], loan_policy["id"], "MOVE-3")
        first(client, bank, body)
        response = client.post(URL, json={**body, "status": "repaid"}, headers=bank["headers"])
        assert response.status_code == 200
        assert response.json()["status"] == "repaid"


class TestBulk:
    def test_row_mode_fails_only_the_moving_item(self, client, db, bank, households, loan_policy):
        kept = support_body(households[0]["id"], loan_policy["id"], "BM-1")
        first(client, bank, kept)
        items = [
            {**kept, "household_id": households[1]["id"]},
            support_body(households[2]["id"], loan_policy["id"], "BM-2"),
            {**kept, "household_id": households[1]["id"]},  # the same move again
        ]
        response = client.post(BULK, params={"atomic": "row"}, json=items, headers=bank["headers"])
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["stats"] == {
            "created": 1,
            "updated": 0,
            "ignored": 0,
            "failed": 2,
            "total": 3,
        }
        results = body["results"]
        for index in (0, 2):
            assert results[index]["outcome"] == "failed"
            assert results[index]["errors"][0]["pointer"] == "/household_id"
            assert "BM-1" in results[index]["errors"][0]["detail"]
        assert results[1]["outcome"] == "created"
        assert saved(db, "BM-1").household_id == households[0]["id"]

    def test_validate_reports_it(self, client, bank, households, loan_policy):
        kept = support_body(households[0]["id"], loan_policy["id"], "BM-3")
        first(client, bank, kept)
        items = [{**kept, "household_id": households[1]["id"]}]
        response = client.post(
            BULK, params={"mode": "validate"}, json=items, headers=bank["headers"]
        )
        assert response.json()["results"][0]["outcome"] == "failed"

    def test_all_mode_saves_nothing(self, client, db, bank, households, loan_policy):
        kept = support_body(households[0]["id"], loan_policy["id"], "BM-4")
        first(client, bank, kept)
        items = [
            support_body(households[2]["id"], loan_policy["id"], "BM-5"),
            {**kept, "household_id": households[1]["id"]},
        ]
        response = client.post(BULK, json=items, headers=bank["headers"])
        assert response.status_code == 422
        assert response.json()["results"][1]["outcome"] == "failed"
        stmt = select(Support).where(Support.external_ref == "BM-5")
        assert db.exec(stmt.execution_options(unscoped=True)).first() is None
