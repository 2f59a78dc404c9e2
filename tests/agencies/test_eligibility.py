"""Eligibility for agencies: decisions with reason codes, no personal data; citizen-ID lookup."""

from datetime import date

from sqlmodel import select

from api.eligibility.rules import Facts, evaluate
from api.models import AuditEntry
from tests.assessments.test_review_cycle import recognise

# Decree 07/2021 (2022-2025), rural: poor = income <= 1.5M and >= 3 deprivations.
POOR = {"income_per_capita": 1_000_000, "deprivations": ["HE2", "WS1", "WS2"]}
NEAR_POOR = {"income_per_capita": 1_200_000, "deprivations": ["HE2"]}
CITIZEN_ID = "084090001234"  # Trà Vinh, male born 1990
PERSONAL = {"head_name", "address", "phone", "members", "ethnicity", "citizen_id", "notes", "code"}


def facts(**kw) -> Facts:
    values = {"status": "poor", "status_since": None, "flags": {}, "archived": False, "escaped": {}}
    return Facts(**{**values, **kw})


class TestRules:
    def test_status_and_flags(self):
        ok, reasons = evaluate(
            eligible_statuses=["poor"],
            escaped_within_years=3,
            required_flags=["ethnic_minority"],
            is_active=True,
            facts=facts(flags={"ethnic_minority": True}),
            today=date(2026, 1, 1),
        )
        assert (ok, reasons) == (True, ["status_poor", "flag_ethnic_minority"])
        ok, reasons = evaluate(
            eligible_statuses=["poor"],
            escaped_within_years=3,
            required_flags=["ethnic_minority"],
            is_active=True,
            facts=facts(status="near_poor"),
            today=date(2026, 1, 1),
        )
        assert (ok, reasons) == (False, ["status_not_eligible", "missing_flag_ethnic_minority"])

    def test_escape_window(self):
        escaped = facts(status="average", escaped={"escaped_poverty": date(2023, 12, 10)})
        rule = {
            "eligible_statuses": ["escaped_poverty"],
            "escaped_within_years": 3,
            "required_flags": [],
            "is_active": True,
        }
        assert evaluate(**rule, facts=escaped, today=date(2026, 12, 10)) == (
            True,
            ["escaped_poverty_recent"],
        )
        assert evaluate(**rule, facts=escaped, today=date(2026, 12, 11)) == (
            False,
            ["escaped_poverty_too_long_ago", "status_not_eligible"],
        )

    def test_archived_and_inactive(self):
        rule = {"eligible_statuses": [], "escaped_within_years": 3, "required_flags": []}
        assert evaluate(
            **rule, is_active=True, facts=facts(archived=True), today=date(2026, 1, 1)
        ) == (False, ["household_archived"])
        assert evaluate(**rule, is_active=False, facts=facts(), today=date(2026, 1, 1)) == (
            False,
            ["policy_inactive"],
        )
        assert evaluate(
            **rule, is_active=True, facts=facts(status="unclassified"), today=date(2026, 1, 1)
        ) == (True, ["no_status_requirement"])


class TestHouseholdEligibility:
    def test_anonymous_and_scope(self, client, households, make_agency, make_key):
        url = f"/api/v1/households/{households[0]['id']}/eligibility"
        assert client.get(url).status_code == 401
        headers, _ = make_key(make_agency()["id"], scopes=["supports:write"])
        assert client.get(url, headers=headers).status_code == 403

    def test_unknown_household(self, client, bank):
        url = "/api/v1/households/hh_nope/eligibility"
        assert client.get(url, headers=bank["headers"]).status_code == 404

    def test_escaped_household_for_the_bank(
        self, client, admin, tree, make_household, bank, make_policy, make_agency, make_key
    ):
        household = make_household(tree["hamlet_a"]["id"], ethnicity="khmer")
        recognise(client, admin, household["id"], 2024, POOR)
        recognise(client, admin, household["id"], 2025, NEAR_POOR)
        poor_loan = make_policy(bank["headers"], code="VAY-HN", eligible_statuses=["poor"])
        escaped_loan = make_policy(
            bank["headers"],
            code="VAY-TN",
            eligible_statuses=["escaped_poverty"],
            escaped_within_years=3,
        )
        minority = make_policy(
            bank["headers"],
            code="VAY-DTTS",
            eligible_statuses=["poor", "near_poor"],
            required_flags=["ethnic_minority", "meritorious_service"],
        )
        other_headers, _ = make_key(make_agency(kind="health")["id"])
        make_policy(
            other_headers, code="BHYT", category="health", unit="card", attributes_schema=None
        )
        response = client.get(
            f"/api/v1/households/{household['id']}/eligibility", headers=bank["headers"]
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "near_poor"
        assert body["escaped"] == {"escaped_poverty": "2025-12-10"}
        # Only the flags the bank's own policies require (VAY-DTTS): data minimisation.
        assert body["flags"] == {"ethnic_minority": True, "meritorious_service": False}
        decisions = {p["code"]: (p["eligible"], p["reasons"]) for p in body["policies"]}
        assert decisions == {
            "VAY-HN": (False, ["status_not_eligible"]),
            "VAY-TN": (True, ["escaped_poverty_recent"]),
            "VAY-DTTS": (
                False,
                ["status_near_poor", "flag_ethnic_minority", "missing_flag_meritorious_service"],
            ),
        }
        assert not PERSONAL & set(body)
        assert poor_loan["id"] in {p["policy_id"] for p in body["policies"]}
        assert escaped_loan["id"] != minority["id"]

    def test_service_area(self, client, tree, make_household, make_agency, make_key):
        agency = make_agency(kind="commune", place_ids=(tree["commune_a"]["id"],))
        headers, _ = make_key(agency["id"])
        inside = make_household(tree["hamlet_a"]["id"])
        outside = make_household(tree["hamlet_b"]["id"])
        url = "/api/v1/households/{}/eligibility"
        assert client.get(url.format(inside["id"]), headers=headers).status_code == 200
        assert client.get(url.format(outside["id"]), headers=headers).status_code == 404

    def test_officers_may_ask_too(self, client, tree, make_user, login, households, loan_policy):
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        response = client.get(
            f"/api/v1/households/{households[0]['id']}/eligibility",
            params={"agency_id": loan_policy["agency_id"]},
            headers=officer,
        )
        assert response.status_code == 200
        assert [p["policy_id"] for p in response.json()["policies"]] == [loan_policy["id"]]


class TestCitizenLookup:
    URL = "/api/v1/eligibility/lookup"

    def household(self, make_household, tree):
        member = {
            "full_name": "Thạch Sơn",
            "gender": "male",
            "birth_year": 1990,
            "relation": "head",
            "citizen_id": CITIZEN_ID,
        }
        return make_household(tree["hamlet_a"]["id"], members=[member])

    def test_needs_the_scope(self, client, tree, make_household, make_agency, make_key):
        self.household(make_household, tree)
        headers, _ = make_key(make_agency()["id"], scopes=["eligibility:read"])
        body = {"citizen_id": CITIZEN_ID, "purpose": "loan application"}
        assert client.post(self.URL, json=body, headers=headers).status_code == 403

    def test_found_not_found_and_logged(self, client, db, tree, make_household, bank, loan_policy):
        household = self.household(make_household, tree)
        body = {"citizen_id": CITIZEN_ID, "purpose": "hồ sơ vay vốn"}
        response = client.post(self.URL, json=body, headers=bank["headers"])
        assert response.status_code == 200, response.text
        assert response.json()["household_id"] == household["id"]
        assert response.json()["policies"][0]["reasons"] == ["status_unclassified"]
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "lookup")).one()
        assert entry.actor_id == bank["agency"]["id"]
        assert entry.purpose == "hồ sơ vay vốn"
        assert entry.after == {"citizen_id": "********1234"}
        missing = client.post(
            self.URL, json={**body, "citizen_id": "084090009999"}, headers=bank["headers"]
        )
        assert missing.status_code == 404
        invalid = client.post(self.URL, json={"citizen_id": "12"}, headers=bank["headers"])
        assert invalid.status_code == 422
