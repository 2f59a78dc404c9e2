"""/api/v1/supports one at a time: recording, resending, officers, filters, changes."""

from datetime import date, timedelta

from sqlmodel import func, select

from api.models import AuditEntry, Event, Support
from tests.agencies.conftest import support_body


def count(db, **where) -> int:
    stmt = select(func.count()).select_from(Support)
    for name, value in where.items():
        stmt = stmt.where(getattr(Support, name) == value)
    return db.exec(stmt.execution_options(unscoped=True)).one()


class TestRecordSupport:
    def test_anonymous(self, client):
        assert client.post("/api/v1/supports", json={}).status_code == 401

    def test_without_scope(self, client, make_agency, make_key, households, loan_policy):
        headers, _ = make_key(make_agency()["id"], scopes=["supports:read"])
        body = support_body(households[0]["id"], loan_policy["id"], "R1")
        assert client.post("/api/v1/supports", json=body, headers=headers).status_code == 403

    def test_auditor_forbidden(self, client, make_user, login, households, loan_policy):
        auditor = login(make_user("auditor"))
        body = support_body(households[0]["id"], loan_policy["id"], "R1")
        assert client.post("/api/v1/supports", json=body, headers=auditor).status_code == 403

    def test_created_then_resent(self, client, db, bank, households, loan_policy):
        body = support_body(households[0]["id"], loan_policy["id"], "NHCS-0001")
        first = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        assert first.status_code == 201, first.text
        support = first.json()
        assert support["agency_id"] == bank["agency"]["id"]
        assert support["category"] == "credit"
        assert support["funding_source"] == "policy_credit"  # the policy's default
        assert first.headers["Location"] == f"/api/v1/supports/{support['id']}"
        same = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        assert same.status_code == 200
        assert same.json()["id"] == support["id"]
        assert same.headers["ETag"] == first.headers["ETag"]
        changed = client.post(
            "/api/v1/supports", json={**body, "status": "repaid"}, headers=bank["headers"]
        )
        assert changed.status_code == 200
        assert changed.json()["status"] == "repaid"
        assert changed.headers["ETag"].endswith('.v2"')
        assert count(db, external_ref="NHCS-0001") == 1
        types = db.exec(
            select(Event.type).where(Event.entity_id == support["id"]).order_by(Event.id)
        ).all()
        assert types == ["support.recorded", "support.updated"]
        actions = db.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == support["id"])
            .order_by(AuditEntry.id)
        ).all()
        assert actions == ["create", "update"]

    def test_event_is_thin(self, client, db, bank, households, loan_policy):
        body = support_body(households[0]["id"], loan_policy["id"], "THIN-1", note="Ông Ba")
        support = client.post("/api/v1/supports", json=body, headers=bank["headers"]).json()
        event = db.exec(select(Event).where(Event.entity_id == support["id"])).one()
        assert event.agency_id == bank["agency"]["id"]
        assert set(event.data) == {
            "support_id",
            "household_id",
            "policy_id",
            "policy_code",
            "agency_id",
            "category",
            "status",
            "funding_source",
            "delivered_on",
            "external_ref",
        }

    def test_idempotency_key_replays(self, client, db, bank, households, loan_policy):
        body = support_body(households[0]["id"], loan_policy["id"], "IDEM-1")
        headers = {**bank["headers"], "Idempotency-Key": "k-1"}
        first = client.post("/api/v1/supports", json=body, headers=headers)
        again = client.post("/api/v1/supports", json=body, headers=headers)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        other = client.post("/api/v1/supports", json={**body, "amount_vnd": 1}, headers=headers)
        assert other.status_code == 422
        assert count(db, external_ref="IDEM-1") == 1

    def test_policy_code_instead_of_id(self, client, bank, households, loan_policy):
        body = support_body(households[0]["id"], None, "CODE-1", policy_code=loan_policy["code"])
        del body["policy_id"]
        response = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        assert response.status_code == 201
        assert response.json()["policy_id"] == loan_policy["id"]

    def test_bad_input(
        self, client, db, bank, households, loan_policy, make_agency, make_key, make_policy
    ):
        other_headers, _ = make_key(make_agency(kind="health")["id"])
        theirs = make_policy(other_headers, category="health", unit="card", attributes_schema=None)
        hh = households[0]["id"]
        tomorrow = (date.today() + timedelta(days=2)).isoformat()
        cases = [
            ({"household_id": "hh_missing"}, "/household_id"),
            ({"policy_id": "pol_missing"}, "/policy_id"),
            ({"policy_id": theirs["id"]}, "/policy_id"),
            ({"amount_vnd": -5}, "/amount_vnd"),
            ({"amount_vnd": 1500.5}, "/amount_vnd"),
            ({"delivered_on": tomorrow}, "/delivered_on"),
            ({"attributes": {"term_months": "ba mươi"}}, "/attributes/term_months"),
            ({"attributes": {"interest_rate": 6.6}}, "/attributes/term_months"),
            ({"attributes": {"term_months": 12, "colour": "red"}}, "/attributes"),
            ({"status": "lost"}, "/status"),
            ({"funding_source": "lottery"}, "/funding_source"),
            ({"external_ref": None}, "/external_ref"),
            ({"extra": 1}, "/extra"),
        ]
        for change, pointer in cases:
            body = {**support_body(hh, loan_policy["id"], "BAD-1"), **change}
            response = client.post("/api/v1/supports", json=body, headers=bank["headers"])
            assert response.status_code == 422, (change, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert pointer in [e["pointer"] for e in response.json()["errors"]], change
        assert count(db, agency_id=bank["agency"]["id"]) == 0

    def test_planned_may_be_in_the_future(self, client, bank, households, loan_policy):
        later = (date.today() + timedelta(days=30)).isoformat()
        body = support_body(
            households[0]["id"], loan_policy["id"], "PLAN-1", status="planned", delivered_on=later
        )
        assert (
            client.post("/api/v1/supports", json=body, headers=bank["headers"]).status_code == 201
        )

    def test_loan_statuses_only_for_loans(self, client, bank, households, make_policy):
        card = make_policy(
            bank["headers"],
            category="health",
            unit="card",
            attributes_schema=None,
            default_funding_source="state_budget",
        )
        body = {
            "household_id": households[0]["id"],
            "policy_id": card["id"],
            "delivered_on": "2026-01-05",
            "quantity": 1,
            "status": "repaid",
            "external_ref": "CARD-1",
        }
        response = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/status"

    def test_archived_household(self, client, admin, bank, households, loan_policy):
        hh = households[0]
        etag = client.get(f"/api/v1/households/{hh['id']}", headers=admin).headers["ETag"]
        client.delete(f"/api/v1/households/{hh['id']}", headers={**admin, "If-Match": etag})
        body = support_body(hh["id"], loan_policy["id"], "ARCH-1")
        response = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        assert response.status_code == 422
        assert response.json()["errors"][0]["detail"] == "the household is archived"


class TestOfficers:
    def test_officer_records_in_their_places(
        self, client, tree, make_user, login, make_household, loan_policy
    ):
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        inside = make_household(tree["hamlet_a"]["id"])
        outside = make_household(tree["hamlet_b"]["id"])
        body = support_body(inside["id"], loan_policy["id"], None)
        del body["external_ref"]
        created = client.post("/api/v1/supports", json=body, headers=officer)
        assert created.status_code == 201
        assert created.json()["recorded_by_kind"] == "user"
        body["household_id"] = outside["id"]
        refused = client.post("/api/v1/supports", json=body, headers=officer)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["pointer"] == "/household_id"

    def test_officer_sees_supports_in_their_places(
        self, client, tree, make_user, login, make_household, bank, loan_policy
    ):
        inside = make_household(tree["hamlet_a"]["id"])
        outside = make_household(tree["hamlet_b"]["id"])
        for ref, hh in (("IN-1", inside), ("OUT-1", outside)):
            body = support_body(hh["id"], loan_policy["id"], ref)
            assert (
                client.post("/api/v1/supports", json=body, headers=bank["headers"]).status_code
                == 201
            )
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        listed = client.get("/api/v1/supports", headers=officer).json()["items"]
        assert [s["external_ref"] for s in listed] == ["IN-1"]


class TestListAndRead:
    def test_filters(
        self,
        client,
        tree,
        bank,
        households,
        loan_policy,
        make_household,
        make_agency,
        make_key,
        make_policy,
    ):
        other = make_household(tree["hamlet_b"]["id"])
        rows = [
            (households[0], "F-1", "2026-01-10", "policy_credit"),
            (households[1], "F-2", "2026-02-10", "local_budget"),
            (other, "F-3", "2026-03-10", "policy_credit"),
        ]
        for hh, ref, day, source in rows:
            body = support_body(
                hh["id"], loan_policy["id"], ref, delivered_on=day, funding_source=source
            )
            assert (
                client.post("/api/v1/supports", json=body, headers=bank["headers"]).status_code
                == 201
            )
        other_headers, _ = make_key(make_agency(kind="health")["id"])
        card = make_policy(
            other_headers,
            category="health",
            unit="card",
            attributes_schema=None,
            default_funding_source="state_budget",
        )
        client.post(
            "/api/v1/supports",
            headers=other_headers,
            json={
                "household_id": households[0]["id"],
                "policy_id": card["id"],
                "delivered_on": "2026-01-01",
                "quantity": 1,
                "external_ref": "BHYT-1",
            },
        )

        def refs(**params):
            response = client.get("/api/v1/supports", params=params, headers=bank["headers"])
            assert response.status_code == 200, response.text
            return sorted(s["external_ref"] for s in response.json()["items"])

        assert refs() == ["F-1", "F-2", "F-3"]  # never the other agency's
        assert refs(place_id=tree["commune_b"]["id"]) == ["F-3"]
        assert refs(place_id="pl_unknown") == []
        assert refs(household_id=households[1]["id"]) == ["F-2"]
        assert refs(funding_source="policy_credit") == ["F-1", "F-3"]
        assert refs(delivered_from="2026-02-01", delivered_to="2026-02-28") == ["F-2"]
        assert refs(category="credit", policy_id=loan_policy["id"]) == ["F-1", "F-2", "F-3"]
        assert refs(category="health") == []
        assert refs(agency_id=bank["agency"]["id"], page_size=2) != []
        page = client.get("/api/v1/supports", params={"page_size": 2}, headers=bank["headers"])
        assert len(page.json()["items"]) == 2
        assert 'rel="next"' in page.headers["Link"]

    def test_other_agency_record_is_404(
        self, client, bank, households, loan_policy, make_agency, make_key
    ):
        body = support_body(households[0]["id"], loan_policy["id"], "MINE-1")
        support = client.post("/api/v1/supports", json=body, headers=bank["headers"]).json()
        other_headers, _ = make_key(make_agency()["id"])
        url = f"/api/v1/supports/{support['id']}"
        assert client.get(url, headers=other_headers).status_code == 404
        assert client.get(url, headers=bank["headers"]).status_code == 200


class TestUpdateSupport:
    def test_patch_with_if_match(self, client, bank, households, loan_policy):
        body = support_body(households[0]["id"], loan_policy["id"], "P-1")
        created = client.post("/api/v1/supports", json=body, headers=bank["headers"])
        url = f"/api/v1/supports/{created.json()['id']}"
        assert (
            client.patch(url, json={"status": "repaid"}, headers=bank["headers"]).status_code == 428
        )
        headers = {**bank["headers"], "If-Match": created.headers["ETag"]}
        bad = client.patch(url, json={"attributes": {"term_months": 0}}, headers=headers)
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["pointer"] == "/attributes/term_months"
        done = client.patch(url, json={"status": "repaid"}, headers=headers)
        assert done.status_code == 200
        assert done.json()["status"] == "repaid"
        assert done.json()["external_ref"] == "P-1"
